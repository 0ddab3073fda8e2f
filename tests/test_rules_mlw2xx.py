"""MLW2xx (hub supply chain) and MLW7xx (serving): options, notebooks,
local-path policy, messages and `mlwarden explain` pages."""

import json

import pytest

from conftest import FIXTURES
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config, config_from_mapping, load_config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules

SHA = "ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971"
ALL = [r.id for r in all_rules()]


def findings(code, select, options=None, filename="example.py"):
    config = config_from_mapping({"select": select, **(options or {})})
    result = check_source(code, filename, config=config)
    assert not result.errors, result.errors
    return [(f.rule_id, f.line, f.message) for f in result.findings]


# -- MLW202 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "revision, why",
    [
        ("main", "a branch that moves"),
        ("v2.0.1", "a branch or tag name that can be moved"),
        ("refs/pr/7", "a pull-request ref that its author can update"),
        ("5d0f2e8a", "a short commit SHA, which is not a pin"),
        (SHA.upper(), "which is not a lower-case commit SHA"),
    ],
)
def test_unpinned_revision_message_says_why(revision, why):
    code = f"from transformers import AutoModel\nAutoModel.from_pretrained('org/name', revision='{revision}')\n"
    assert findings(code, ["MLW202"]) == [
        (
            "MLW202",
            2,
            f"`AutoModel.from_pretrained` loads `org/name` from the Hugging Face Hub at revision `{revision}`, {why}; "
            "pin `revision=` to a full 40-hex commit SHA",
        )
    ]


def test_trusted_models_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlwarden]\nselect = ["MLW201", "MLW202"]\ntrusted-models = ["my-org/*", "gpt2"]\n', encoding="utf-8"
    )
    src = tmp_path / "load.py"
    src.write_text(
        "from transformers import AutoModel\n"
        "AutoModel.from_pretrained('my-org/private', trust_remote_code=True)\n"
        "AutoModel.from_pretrained('gpt2')\n"
        "AutoModel.from_pretrained('other-org/model')\n",
        encoding="utf-8",
    )
    results, _ = check_paths([str(src)], load_config(tmp_path / "pyproject.toml"))
    assert [(f.rule_id, f.line) for r in results for f in r.findings] == [("MLW202", 4)]


def test_trusted_models_type_error_is_a_config_error():
    from mlwarden.core.config import ConfigError

    with pytest.raises(ConfigError, match="trusted-models"):
        config_from_mapping({"trusted-models": "my-org/*"})


def test_dynamic_ids_only_on_request():
    code = "from transformers import AutoModel\ndef load(args):\n    return AutoModel.from_pretrained(args.model)\n"
    assert findings(code, ["MLW202"]) == []
    assert [(r, line) for r, line, _ in findings(code, ["MLW202"], {"check-dynamic-ids": True})] == [("MLW202", 3)]


def test_existing_directory_is_a_local_path(tmp_path):
    (tmp_path / "checkpoint-final").mkdir()
    src = tmp_path / "eval.py"
    src.write_text(
        "from transformers import AutoModel\n"
        "AutoModel.from_pretrained('checkpoint-final')\n"
        "AutoModel.from_pretrained('distilgpt2')\n",
        encoding="utf-8",
    )
    results, _ = check_paths([str(src)], Config(select=["MLW202"], root=tmp_path))
    assert [(f.rule_id, f.line) for r in results for f in r.findings] == [("MLW202", 3)]


def test_revision_default_of_enclosing_function_is_followed():
    code = (
        "from huggingface_hub import snapshot_download\n"
        f"def fetch(repo='org/name', revision='{SHA}'):\n"
        "    return snapshot_download(repo, revision=revision)\n"
        "def fetch_main(repo='org/name', revision='main'):\n"
        "    return snapshot_download(repo, revision=revision)\n"
    )
    assert [(r, line) for r, line, _ in findings(code, ["MLW202"])] == [("MLW202", 5)]


def test_fstring_revision_from_constant_is_followed():
    code = (
        "import timm\n"
        f"REV = '{SHA}'\n"
        "BRANCH = 'main'\n"
        "timm.create_model(f'hf_hub:timm/vit_small@{REV}')\n"
        "timm.create_model(f'hf-hub:timm/vit_small@{BRANCH}')\n"
        "timm.create_model(f'hf-hub:timm/vit_small@{args.revision}')\n"  # run-time revision: benefit of the doubt
    )
    assert [(r, line) for r, line, _ in findings(code, ["MLW202"])] == [("MLW202", 5)]


# -- MLW201 -----------------------------------------------------------------


def test_remote_code_message_checks_code_revision():
    code = (
        "from transformers import AutoModel\n"
        f"AutoModel.from_pretrained('org/m', trust_remote_code=True, revision='{SHA}', code_revision='main')\n"
    )
    ((rule, line, message),) = findings(code, ["MLW201"])
    assert (rule, line) == ("MLW201", 2)
    assert "`code_revision` `main` is a branch that moves" in message


def test_remote_code_through_langchain_model_kwargs():
    code = (
        "from langchain_huggingface import HuggingFaceEmbeddings\n"
        "emb = HuggingFaceEmbeddings(model_name='org/m', model_kwargs={'trust_remote_code': True})\n"
    )
    assert [(r, line) for r, line, _ in findings(code, ["MLW201"])] == [("MLW201", 2)]


def test_module_constant_dict_is_reported_at_the_call_only():
    code = "from transformers import AutoModel\nKW = {'trust_remote_code': True}\nAutoModel.from_pretrained('org/m', **KW)\n"
    assert [(r, line) for r, line, _ in findings(code, ["MLW201"])] == [("MLW201", 3)]


# -- notebooks -------------------------------------------------------------------


def notebook_markers(path):
    from mlwarden.testing import expected_markers

    nb = json.loads(path.read_text(encoding="utf-8"))
    out = set()
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        out |= {(number, line, code) for line, code in expected_markers(source)}
    return out


@pytest.mark.parametrize("name", ["MLW201.ipynb", "MLW705.ipynb", "MLW706.ipynb"])
def test_notebook_fixture_exact(name):
    path = FIXTURES / "rules" / name
    # a marker says a rule fires there, whatever its severity (as tests/test_fixtures.py reads
    # them): MLW201.ipynb's MLW202 is low since session 18, a repeat of MLW201's advice
    results, _ = check_paths([str(path)], Config(select=ALL, severity=Severity.LOW))
    assert not [e for r in results for e in r.errors]
    got = {(f.cell, f.line, f.rule_id) for r in results for f in r.findings}
    assert got == notebook_markers(path)


def test_shell_rules_honour_noqa():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "id": "a",
             "source": ["!ray start --head --dashboard-host=0.0.0.0  # noqa: MLW705\n", "!jupyter lab --ServerApp.token=''"]},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    result = check_source(json.dumps(nb), "nb.ipynb", config=Config(select=["MLW705", "MLW706"]))
    assert [(f.rule_id, f.cell, f.line) for f in result.findings] == [("MLW706", 1, 2)]


# -- docs ----------------------------------------------------------------------


MY_RULES = [r for r in all_rules() if r.id[:4] in ("MLW2", "MLW7") and int(r.id[3:]) < 220 or r.id.startswith("MLW7")]


@pytest.mark.parametrize("rule", MY_RULES, ids=lambda r: r.id)
def test_explain_page_has_references(run_cli, rule):
    code, out, _ = run_cli("explain", rule.id)
    assert code == 0
    assert out.startswith(f"# {rule.id} {rule.name}\n")
    assert "## References" in out
    assert "https://cwe.mitre.org/data/definitions/" in out
    for owasp in rule.owasp:
        assert owasp in out
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in out


def test_explain_pages_name_cves():
    pages = {r.id: r.__doc__ for r in MY_RULES}
    assert "CVE-2023-48022" in pages["MLW703"] and "CVE-2023-48022" in pages["MLW705"]
    assert "CVE-2023-36258" in pages["MLW209"]


@pytest.mark.parametrize(
    "code, word",
    [
        ("from transformers import AutoModel\ndef load(args):\n    return AutoModel.from_pretrained(args.model, revision='main')\n", "model"),
        ("import datasets\ndef load(args):\n    return datasets.load_dataset(args.repo, revision='main')\n", "dataset"),
        ("from huggingface_hub import snapshot_download\nKIND = 'dataset'\ndef get(repo):\n    return snapshot_download(repo, repo_type=KIND, revision='v3')\n", "dataset"),
        ("import huggingface_hub as hh\ndef get(repo):\n    return hh.hf_hub_download(repo, 'app.py', repo_type='space', revision='main')\n", "Space"),
    ],
)
def test_run_time_id_is_named_for_what_it_loads(code, word):
    # a dataset repository chosen at run time is not "a run-time model id"
    found = findings(code, ["MLW202"])
    assert len(found) == 1 and f"a run-time {word} id" in found[0][2], found
