"""MLW204's severity follows what the call does with the weights: a load of
pickle weights is high; a write (save, export, push to the hub) is medium,
because nothing runs until someone loads the file."""

from __future__ import annotations

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def found(code: str, name: str = "train.py"):
    return check_source(code, name, config=Config(select=["MLW204"], severity=Severity.LOW)).findings


@pytest.mark.parametrize(
    "code, severity, verb",
    [
        ("from transformers import AutoModel as AM\nm = AM.from_pretrained('org/m', use_safetensors=False)\n", Severity.HIGH, "loads"),
        ("import diffusers\npipe = diffusers.DiffusionPipeline.from_pretrained(\n    p,\n    use_safetensors = 0,\n)\n", Severity.HIGH, "loads"),
        ("from x import build\nm = build(cfg, use_safetensors=False)\n", Severity.HIGH, "picks"),  # named neither way
        ("names = get_base_filenames(prefix, use_safetensors=False)\n", Severity.HIGH, "picks"),
        ("ckpt_io.load_model(m, path, use_safetensors=False)\n", Severity.HIGH, "loads"),
        ("m = Model.from_single_file(path, use_safetensors=False)\n", Severity.HIGH, "loads"),
        ("restore_and_save_model(m, use_safetensors=False)\n", Severity.HIGH, "loads"),  # both: the load decides
        ("model.save_pretrained(out, use_safetensors=False)\n", Severity.MEDIUM, "writes"),
        ("trainer.save_model(out, **{'use_safetensors': False})\n", Severity.MEDIUM, "writes"),
        ("NO = False\nio.async_save_state_dict_shards(sd, path, use_safetensors=NO)\n", Severity.MEDIUM, "writes"),
        ("def save(m, out, use_safetensors=False):\n    m.save_pretrained(out, use_safetensors=use_safetensors)\n", Severity.MEDIUM, "writes"),
        ("from lib import export_weights as ew\new(m, 'w.bin', use_safetensors=False)\n", Severity.MEDIUM, "writes"),
        ("model.push_to_hub('me/m', use_safetensors=False)\n", Severity.MEDIUM, "writes"),
        ("saver.saved_models(use_safetensors=False)\n", Severity.HIGH, "picks"),  # `saved`, not `save`
        ("ckpt.savefig_like(use_safetensors=False)\n", Severity.HIGH, "picks"),
    ],
)
def test_severity_follows_load_or_write(code, severity, verb):
    findings = found(code)
    assert [f.severity for f in findings] == [severity], [f.message for f in findings]
    assert f"`use_safetensors=False` {verb} pickle-based weights" in findings[0].message


def test_a_write_in_a_notebook_cell_is_medium():
    import json

    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/m')\n"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "m.save_pretrained('out', use_safetensors=False)\n"},
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    findings = check_source(text, "train.ipynb", config=Config(select=["MLW204"], severity=Severity.LOW), kind="notebook").findings
    assert [(f.severity, f.cell) for f in findings] == [(Severity.MEDIUM, 2)]


@pytest.mark.parametrize(
    "code, owner",
    [
        ("from transformers import TFAutoModel\nm = TFAutoModel.from_pretrained(p, use_safetensors=False)\n", "TFAutoModel"),
        ("import transformers as tr\nm = tr.TFBertForMaskedLM.from_pretrained(\n    p,\n    use_safetensors = False,\n)\n", "TFBertForMaskedLM"),
        ("from transformers import FlaxT5Model as F\nm = F.from_pretrained(p, use_safetensors=0, from_pt=False)\n", "FlaxT5Model"),
        ("m = TFWhisperModel.from_pretrained(p, use_safetensors=False)\n", "TFWhisperModel"),  # no import seen
    ],
)
def test_tensorflow_and_flax_models_read_no_pickle(code, owner):
    """TF / Flax classes read `tf_model.h5` / `flax_model.msgpack`: low, named."""
    findings = found(code)
    assert [f.severity for f in findings] == [Severity.LOW], [f.message for f in findings]
    assert f"on `{owner}` picks its own" in findings[0].message


@pytest.mark.parametrize(
    "code",
    [
        # from_pt converts the PyTorch pickle: the load keeps its level
        "from transformers import TFAutoModel\nm = TFAutoModel.from_pretrained(p, use_safetensors=False, from_pt=True)\n",
        "from transformers import TFAutoModel\nm = TFAutoModel.from_pretrained(p, use_safetensors=False, from_pt=args.pt)\n",
        "from transformers import TFAutoModel\nm = TFAutoModel.from_pretrained(p, use_safetensors=False, **kw)\n",
        # not a TF / Flax class: `TFRecord`-like names need a capital after the prefix
        "from transformers import AutoModel\nm = AutoModel.from_pretrained(p, use_safetensors=False)\n",
        "m = TFloader.from_pretrained(p, use_safetensors=False)\n",
    ],
)
def test_pickle_loads_stay_high(code):
    findings = found(code)
    assert [f.severity for f in findings] == [Severity.HIGH], [f.message for f in findings]
    assert "pickle-based weights" in findings[0].message
