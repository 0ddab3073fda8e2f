"""Code context (core/context.py): where a finding lives lowers its severity,
never drops it, and never lowers deserialization or secrets."""

import json
import random
import string

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config, ConfigError, config_from_mapping
from mlwarden.core.context import CONTEXTS, lower, lowered_in_context, path_context, ranges_of_test_code
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules

ALL_IDS = [r.id for r in all_rules()]

PICKLE = "import pickle\n\ndef load(p):\n    with open(p, 'rb') as f:\n        return pickle.load(f)\n"
HUB = "from transformers import AutoModel\nm = AutoModel.from_pretrained('stranger/model')\n"
REMOTE = "from transformers import AutoModel\nm = AutoModel.from_pretrained('stranger/model', trust_remote_code=True)\n"
# a random-looking synthetic token, built at run time (placeholders such as
# ``FAKE…`` are filtered by the secret detectors)
_RNG = random.Random(14)
TOKEN = "HF_TOKEN = 'hf_" + "".join(_RNG.choice(string.ascii_letters) for _ in range(34)) + "'\n"


def low_config(**kw):
    return Config(select=ALL_IDS, severity=Severity.LOW, root=kw.pop("root"), **kw)


def findings(tmp_path, files, **kw):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            path.write_text(text)
        else:
            nbformat.write(text, str(path))
    results, _ = check_paths([str(tmp_path)], low_config(root=tmp_path, **kw))
    assert not [e for r in results for e in r.errors]
    return {(r.path.replace(str(tmp_path) + "/", ""), f.line, f.rule_id): f for r in results for f in r.findings}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("tests/models/test_bert.py", "test"),
        ("test/util.py", "test"),
        ("src/pkg/test_io.py", "test"),
        ("pkg/io_test.py", "test"),
        ("conftest.py", "test"),
        ("src/pkg/testing/fixtures.py", "test"),
        ("integration_tests/run.py", "test"),
        ("src/accelerate/test_utils/scripts/run.py", "test"),
        ("src/test_results/report.py", None),
        ("src/diffusers/utils/testing_utils.py", "test"),
        ("src/pkg/testutil/shell.py", "test"),  # a package's helpers for its own tests
        ("src/pkg/test_util/server.py", "test"),
        ("src/pkg/utility/shell.py", None),
        ("requirements-test.txt", "test"),
        ("test-requirements.txt", "test"),
        ("requirements/tests.txt", "test"),
        ("requirements-docs.txt", "docs"),
        ("docs_requirements.txt", "docs"),
        ("requirements-dev.txt", None),
        ("requirements.txt", None),
        ("latest-requirements.txt", None),
        ("docs/source/conf.py", "docs"),
        ("documentation/x.py", "docs"),
        ("examples/nlp/train.py", "example"),
        ("notebooks/eda.ipynb", "example"),
        ("getting-started/intro.ipynb", "example"),
        ("tests/docs/x.py", "test"),
        ("3p/groq/groq-example-templates/app/main.py", "example"),
        ("agents/DeepLearningai_Course_Notebooks/l1.ipynb", "example"),
        ("end-to-end-use-cases/rag/requirements.txt", "example"),
        ("demo/app.py", None),  # a demo is often a served app
        ("fixtures/demo/train.py", None),
        # a demo folder's notebooks are walkthroughs; its .py files and a demo.py module stay code
        ("demos/Main_Demo.ipynb", "example"),
        ("Demo/Colab_Setup.ipynb", "example"),
        ("project/gradio-demos/walk.ipynb", "example"),
        ("demos/serve.py", None),
        ("src/pkg/demo.py", None),
        ("src/pkg/demo.ipynb", None),
        ("src/demonstration/walk.ipynb", None),
        ("src/demodata/x.ipynb", None),
        # no context: names that only look alike
        ("src/attestation.py", None),
        ("contest.py", None),
        ("src/latest/model.py", None),
        ("src/protester.py", None),
        ("train.py", None),
        ("src/pkg/examples_registry.py", None),
        ("src/samplers/ddim.py", None),
        ("src/demonstration/x.py", None),
        ("src/pkg/courses/x.py", None),
    ],
)
def test_path_context(path, expected):
    assert path_context(path) == expected


def test_ladder_never_lowers_deserialization_secrets_model_files_or_critical():
    for rule_id in ("MLW101", "MLW102", "MLW106", "MLW401", "MLW402", "MLW403", "MLW510", "MLW511", "MLW601", "MLW610"):
        for context in CONTEXTS:
            assert lowered_in_context(rule_id, Severity.HIGH, context) is Severity.HIGH, (rule_id, context)
    assert lowered_in_context("MLW306", Severity.CRITICAL, "test") is Severity.CRITICAL
    assert lowered_in_context("MLW701", Severity.CRITICAL, "docs") is Severity.CRITICAL


def test_ladder_steps():
    assert lowered_in_context("MLW202", Severity.HIGH, "test") is Severity.LOW
    assert lowered_in_context("MLW301", Severity.MEDIUM, "tutorial") is Severity.LOW
    assert lowered_in_context("MLW201", Severity.HIGH, "example") is Severity.MEDIUM
    assert lowered_in_context("MLW302", Severity.HIGH, "test") is Severity.MEDIUM
    # a docs build is attacked through a second index or an unhashed URL like any install
    assert lowered_in_context("MLW302", Severity.HIGH, "docs") is Severity.HIGH
    assert lowered_in_context("MLW305", Severity.MEDIUM, "docs") is Severity.MEDIUM
    assert lowered_in_context("MLW305", Severity.MEDIUM, "example") is Severity.LOW
    assert lowered_in_context("MLW110", Severity.MEDIUM, "test") is Severity.LOW
    assert lowered_in_context("MLW110", Severity.MEDIUM, "example") is Severity.MEDIUM
    assert lower(Severity.LOW) is Severity.LOW
    assert lower(Severity.CRITICAL, 2) is Severity.MEDIUM


def test_tests_lower_hub_findings_but_not_pickle_or_secrets(tmp_path):
    found = findings(tmp_path, {"tests/test_load.py": PICKLE + HUB.replace("m =", "x =") + TOKEN, "tests/test_remote.py": REMOTE, "train.py": HUB})
    pickle_load = found[("tests/test_load.py", 5, "MLW101")]
    assert (pickle_load.severity, pickle_load.context) == (Severity.HIGH, "test")
    token = next(f for (p, _l, r), f in found.items() if p == "tests/test_load.py" and r.startswith("MLW4"))
    assert token.severity is Severity.HIGH and token.context == "test"
    hub = found[("tests/test_load.py", 7, "MLW202")]
    assert (hub.severity, hub.context) == (Severity.LOW, "test")
    remote = found[("tests/test_remote.py", 2, "MLW201")]
    assert (remote.severity, remote.context) == (Severity.MEDIUM, "test")  # high, one step down: still shown
    prod = found[("train.py", 2, "MLW202")]
    assert (prod.severity, prod.context) == (Severity.MEDIUM, None)


def test_context_lowers_and_never_drops(tmp_path):
    """The same findings with and without context; only severities differ."""
    files = {"tests/test_a.py": PICKLE + HUB, "docs/b.py": REMOTE, "examples/c.py": HUB, "d.py": HUB}
    on = findings(tmp_path, files)
    off = findings(tmp_path, {}, context=False)
    assert set(on) == set(off) and len(on) == 6
    assert {k: f.severity for k, f in off.items()} == {
        ("tests/test_a.py", 5, "MLW101"): Severity.HIGH,
        ("tests/test_a.py", 7, "MLW202"): Severity.MEDIUM,
        ("docs/b.py", 2, "MLW201"): Severity.HIGH,
        ("docs/b.py", 2, "MLW202"): Severity.HIGH,
        ("examples/c.py", 2, "MLW202"): Severity.MEDIUM,
        ("d.py", 2, "MLW202"): Severity.MEDIUM,
    }
    lowered = {k for k in on if on[k].severity is not off[k].severity}
    assert lowered == {("tests/test_a.py", 7, "MLW202"), ("docs/b.py", 2, "MLW201"), ("docs/b.py", 2, "MLW202"), ("examples/c.py", 2, "MLW202")}
    # context=false still records where the finding lives
    assert off[("docs/b.py", 2, "MLW201")].context == "docs"


def test_test_functions_in_other_files(tmp_path):
    source = (
        "import pytest\nfrom transformers import AutoModel\n\n"
        "@pytest.fixture\ndef model():\n    return AutoModel.from_pretrained('stranger/a')\n\n"
        "def helper():\n    return AutoModel.from_pretrained('stranger/b')\n\n"
        "class TestThing:\n    def check(self):\n        AutoModel.from_pretrained('stranger/c')\n"
    )
    assert ranges_of_test_code(source) == [(4, 6), (11, 13)]
    found = findings(tmp_path, {"pkg/fixtures_lib.py": source})
    assert {k[1]: (f.severity, f.context) for k, f in found.items()} == {
        6: (Severity.LOW, "test"),
        9: (Severity.MEDIUM, None),
        13: (Severity.LOW, "test"),
    }


def test_test_named_functions_without_pytest_import_are_code():
    assert ranges_of_test_code("def test_connection():\n    pass\n") == []


def _tutorial(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return nb


def test_tutorial_notebooks_lower_pip_installs(tmp_path):
    tutorial = _tutorial(
        new_markdown_cell("# Fine-tuning walkthrough"),
        new_code_cell("!pip install transformers datasets"),
        new_markdown_cell("Now load the model."),
        new_code_cell("import pickle\npickle.load(open('x.pkl', 'rb'))"),
    )
    scratch = _tutorial(new_code_cell("!pip install transformers datasets"), new_code_cell("x = 1"))
    found = findings(tmp_path, {"walkthrough.ipynb": tutorial, "scratch.ipynb": scratch})
    by_path = {(k[0], k[2]): f for k, f in found.items()}
    assert (by_path[("walkthrough.ipynb", "MLW301")].severity, by_path[("walkthrough.ipynb", "MLW301")].context) == (Severity.LOW, "tutorial")
    assert by_path[("walkthrough.ipynb", "MLW101")].severity is Severity.HIGH  # never lowered
    assert (by_path[("scratch.ipynb", "MLW301")].severity, by_path[("scratch.ipynb", "MLW301")].context) == (Severity.MEDIUM, None)


def test_requirements_in_docs_are_low(tmp_path):
    found = findings(tmp_path, {"docs/requirements.txt": "sphinx\n", "requirements.txt": "torch\n"})
    assert {k[0]: f.severity for k, f in found.items() if k[2] == "MLW301"} == {"docs/requirements.txt": Severity.LOW, "requirements.txt": Severity.MEDIUM}


@pytest.mark.parametrize(
    "table, message",
    [
        ({"context": "yes"}, "context: expected true or false"),
        ({"infer-owner": 1}, "infer-owner: expected true or false"),
        ({"owner-orgs": ["org/model"]}, "owner-orgs: expected a list of organisation names"),
        ({"owner-orgs": [3]}, "owner-orgs: expected a list of organisation names"),
    ],
)
def test_config_errors_are_one_line(table, message):
    with pytest.raises(ConfigError) as info:
        config_from_mapping(table)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_config_keys_reach_the_config():
    config = config_from_mapping({"context": False, "owner-orgs": "my-org", "infer-owner": False})
    assert (config.context, config.owner_orgs, config.infer_owner) == (False, ["my-org"], False)
    assert Config().severity is Severity.MEDIUM  # the default run shows medium and above


def test_no_context_flag_and_default_threshold(tmp_path, run_cli, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_hub.py").write_text(HUB)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("check", "--isolated", ".")
    assert code == 0, out
    assert out.splitlines() == [
        "No findings (1 file checked).",
        "1 more finding below medium severity is hidden (tests, docs, examples and low-risk calls); `--severity low` shows it.",
    ]
    code, out, _ = run_cli("check", "--isolated", "--no-context", ".")
    assert code == 1
    assert out.splitlines()[0].startswith("tests/test_hub.py:2:5: MLW202 [medium] `AutoModel.from_pretrained` loads `stranger/model`")
    code, out, _ = run_cli("check", "--isolated", "--severity", "low", "--format", "json", ".")
    (finding,) = json.loads(out)["findings"]
    assert (finding["severity"], finding["context"]) == ("low", "test")


def test_directories_above_the_project_do_not_count(tmp_path):
    """Paths are read below the configuration root, or below the file's own
    project when it is outside the root; pytest's ``test_x0`` directories and
    a checkout under ``~/tests/`` say nothing about the code."""
    from mlwarden.core.context import context_path

    outside = tmp_path / "tests" / "checkout"
    (outside / "examples").mkdir(parents=True)
    (outside / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for name in ("train.py", "examples/run.py"):
        (outside / name).write_text("x = 1\n")
    root = tmp_path / "elsewhere"
    root.mkdir()
    config = Config(root=root)
    assert context_path(str(outside / "train.py"), config) == "train.py"
    assert context_path(str(outside / "examples" / "run.py"), config) == "examples/run.py"
    assert context_path(str(tmp_path / "loose.py"), config) == "loose.py"
    inside = Config(root=tmp_path)
    assert context_path(str(outside / "train.py"), inside) == "tests/checkout/train.py"


@pytest.mark.parametrize(
    "badge",
    [
        '<a href="https://colab.research.google.com/github/acme/lessons/blob/main/L1.ipynb" target="_parent">'
        '<img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>',
        "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/drive/1AbC)",
        "Run it on [Colab](https://colab.research.google.com/github/acme/lessons/blob/main/L2.ipynb).",
    ],
)
def test_a_colab_badge_makes_a_notebook_a_tutorial(tmp_path, badge):
    lesson = _tutorial(
        new_markdown_cell(badge),
        new_code_cell("!pip install llama-index\n!pip install faiss-cpu"),
        new_code_cell("import pickle\nstate = pickle.load(open('state.pkl', 'rb'))"),
        new_code_cell("import os\n" + TOKEN.replace("HF_TOKEN = ", "os.environ['HF_TOKEN'] = ")),
    )
    found = findings(tmp_path, {"lessons/L1.ipynb": lesson})
    by_rule = {}
    for key, f in found.items():
        by_rule.setdefault(key[2], []).append(f)
    assert {(f.severity, f.context) for f in by_rule["MLW301"]} == {(Severity.LOW, "tutorial")}
    assert by_rule["MLW101"][0].severity is Severity.HIGH  # deserialization is never lowered
    secrets = [f for rule, fs in by_rule.items() if rule.startswith("MLW4") for f in fs]
    assert secrets and all(f.severity is not Severity.LOW for f in secrets)  # nor secrets


def test_a_colab_word_in_code_or_plain_text_is_not_a_badge(tmp_path):
    plain = _tutorial(
        new_markdown_cell("Runs anywhere, Colab included."),
        new_code_cell("# see colab.research.google.com/github/x\n!pip install llama-index"),
    )
    found = findings(tmp_path, {"lessons/L9.ipynb": plain})
    assert {(f.severity, f.context) for k, f in found.items() if k[2] == "MLW301"} == {(Severity.MEDIUM, None)}
