"""Helpers shared by the rounds' test files (detection and noise rounds)."""

import json
import textwrap

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def code_notebook(*cells: str) -> str:
    """An nbformat 4.5 notebook whose code cells hold ``cells`` (no outputs)."""
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for i, c in enumerate(cells)],
        }
    )


def requirements_findings(tmp_path, setup_py, where=("requirements", "install.txt"), **options):
    """MLW301's findings (every severity) on a requirements file at ``where``
    next to a ``setup.py`` holding ``setup_py``."""
    (tmp_path / "setup.py").write_text(setup_py)
    req = tmp_path.joinpath(*where)
    req.parent.mkdir(parents=True, exist_ok=True)
    req.write_text("torch>=2.0\nnumpy\n")
    config = Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path, options=options)
    results, _ = check_paths([str(req)], config)
    return [f for r in results for f in r.findings]


def fast_full_findings(code, rules, filename="job.py", root=None):
    """(rule, line, severity) of every finding at every severity, the fast
    path checked against the full one (equivalence mode)."""
    config = Config(select=rules, severity=Severity.LOW, **({"root": root} if root is not None else {}))
    source = textwrap.dedent(code) if not filename.endswith(".ipynb") else code
    fast = check_source(source, filename, config=config).findings
    full = check_source(source, filename, config=config, full=True).findings
    assert [(f.rule_id, f.line, f.col, f.message, f.severity) for f in fast] == [(f.rule_id, f.line, f.col, f.message, f.severity) for f in full]
    return sorted((f.rule_id, f.line, f.severity) for f in fast)


def rule_lines(code, rules, **kw):
    """Sorted (rule, line) pairs of :func:`fast_full_findings`."""
    return sorted({(rule, line) for rule, line, _ in fast_full_findings(code, rules, **kw)})


def line_of(code, snippet):
    """The line of ``code`` (as the checks number it, after ``dedent``) that
    holds ``snippet``; the snippet must occur on exactly one line."""
    lines = [i for i, line in enumerate(textwrap.dedent(code).splitlines(), start=1) if snippet in line]
    assert len(lines) == 1, (snippet, lines)
    return lines[0]
