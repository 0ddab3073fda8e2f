"""Round s14b (issue 16): ``weights_only=self.attr`` kept in ``__init__``
from a parameter that defaults to True (the parameter-default ladder), and
torch / pickle re-exported by a project module imported absolutely."""

import json
import textwrap
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import fast_equals_full, found as found_in_project


def _mlw102(code, filename="persist.py"):
    config = Config(select=["MLW102"], severity=Severity.LOW)
    source = textwrap.dedent(code)
    fast = check_source(source, filename, config=config).findings
    full = check_source(source, filename, config=config, full=True).findings
    assert [(f.line, f.severity, f.message) for f in fast] == [(f.line, f.severity, f.message) for f in full]
    return [(f.line, f.severity) for f in fast]


KEPT = '''
import torch as th

class Restorer(object):
    """Reads checkpoints written by the trainer."""

    def __init__(self, directory, *, strict_unpickle: bool = True, device="cpu"):
        self.directory = directory
        self.strict_unpickle = strict_unpickle
        self.device = device

    def restore(self, name):
        path = f"{self.directory}/{name}"
        return th.load(path, map_location=self.device,
                       weights_only=self.strict_unpickle)
'''


def test_attribute_kept_from_a_true_default_is_low():
    assert _mlw102(KEPT) == [(14, Severity.LOW)]


@pytest.mark.parametrize(
    "tail",
    [
        "\nr = Restorer('ckpt', strict_unpickle=False)\n",  # a construction in the file opts out
        "\nclass Legacy(Restorer):\n    def __init__(self, d):\n        super().__init__(d, strict_unpickle=LEGACY)\n",  # a subclass passes a non-literal
        "\ndef loosen(r):\n    r.strict_unpickle = False\n",  # anything in the file assigns the attribute
        "\ndef loosen(r, v):\n    setattr(r, 'strict_unpickle', v)\n",
    ],
)
def test_attribute_that_the_file_can_change_stays_high(tail):
    assert _mlw102(KEPT + tail) == [(14, Severity.HIGH)]


@pytest.mark.parametrize(
    "code",
    [
        # the default is False
        KEPT.replace("strict_unpickle: bool = True", "strict_unpickle: bool = False"),
        # __init__ rebinds the parameter before keeping it
        KEPT.replace("        self.strict_unpickle = strict_unpickle\n", "        strict_unpickle = strict_unpickle and ok()\n        self.strict_unpickle = strict_unpickle\n"),
        # kept only in a branch
        KEPT.replace("        self.strict_unpickle = strict_unpickle\n", "        if directory:\n            self.strict_unpickle = strict_unpickle\n"),
        # kept from something that is not a parameter
        KEPT.replace("self.strict_unpickle = strict_unpickle", "self.strict_unpickle = read_flag()"),
    ],
)
def test_attribute_not_provably_true_stays_high(code):
    assert [severity for _line, severity in _mlw102(code)] == [Severity.HIGH]


def test_a_construction_passing_true_keeps_it_low():
    assert _mlw102(KEPT + "\nr = Restorer('ckpt', strict_unpickle=True)\n") == [(14, Severity.LOW)]


def test_attribute_in_a_notebook_cell():
    cells = [textwrap.dedent(KEPT), "r = Restorer('ckpt')\nr.restore('last.pt')\n"]
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    config = Config(select=["MLW102"], severity=Severity.LOW)
    result = check_source(json.dumps(nb), "restore.ipynb", config=config)
    assert [f.severity for f in result.findings] == [Severity.LOW]
    opted_out = dict(nb, cells=nb["cells"] + [dict(nb["cells"][1], source="Restorer('x', strict_unpickle=False)\n")])
    result = check_source(json.dumps(opted_out), "restore.ipynb", config=config)
    assert [f.severity for f in result.findings] == [Severity.HIGH]
