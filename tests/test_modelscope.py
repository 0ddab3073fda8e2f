"""MLW202 / MLW201 on ModelScope's loaders (modelscope 1.40: names and
revision keywords read from the package): what is reported, at what
severity and with which advice; what stays quiet; aliases and notebooks;
and the fast path finds exactly what the equivalence mode finds."""

from __future__ import annotations

import textwrap

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules

SHA = "0123456789abcdef0123456789abcdef01234567"
RULES = {r.id: r for r in all_rules()}


def run(code: str, rule: str = "MLW202", *, full: bool = False, **options):
    config = Config(severity=Severity.LOW, select=[rule], options=dict(options))
    result = check_source(textwrap.dedent(code), "m.py", config=config, rules=[RULES[rule]], full=full)
    assert not result.errors, result.errors
    return result.findings


#: (source, [(line, severity, words the message must hold)])
REPORTED = [
    # every spelling of snapshot_download
    ("from modelscope import snapshot_download\np = snapshot_download('qwen/Qwen2-7B')\n",
     [(2, Severity.MEDIUM, ["ModelScope", "`qwen/Qwen2-7B`", "`master` branch", "pass `revision=` a full 40-hex commit id"])]),
    ("from modelscope import snapshot_download as sd\np = sd('qwen/Qwen2-7B', revision='v1.0.2')\n",
     [(2, Severity.MEDIUM, ["at revision `v1.0.2`", "a branch or tag name that can be moved", "pin `revision=`"])]),
    ("import modelscope as ms\np = ms.snapshot_download(model_id='org/name', revision='master')\n",
     [(2, Severity.MEDIUM, ["a branch that moves"])]),
    ("from modelscope.hub.snapshot_download import snapshot_download\nMODEL = 'org/name'\np = snapshot_download(MODEL, 'abc1234')\n",
     [(3, Severity.MEDIUM, ["a short commit SHA"])]),
    ("import modelscope.hub.snapshot_download as s\np = s.snapshot_download('org/name', allow_file_pattern=['*.json', '*.safetensors'])\n",
     [(2, Severity.LOW, ["ModelScope"])]),
    ("from modelscope import snapshot_download\np = snapshot_download(repo_id='org/name', repo_type='model')\n",
     [(2, Severity.MEDIUM, ["`org/name`"])]),
    ("from modelscope import dataset_snapshot_download\np = dataset_snapshot_download('org/data')\n",
     [(2, Severity.MEDIUM, ["`org/data`", "ModelScope"])]),
    # single files: the file's format sets the severity; the revision may be positional
    ("from modelscope.hub.file_download import model_file_download\nf = model_file_download('org/name', 'pytorch_model.bin')\n",
     [(2, Severity.HIGH, ["`pytorch_model.bin` is a format that can run code"])]),
    ("from modelscope import model_file_download\nf = model_file_download('org/name', file_path='config.json', revision='v1')\n",
     [(2, Severity.LOW, ["at revision `v1`"])]),
    ("from modelscope import dataset_file_download\nf = dataset_file_download('org/data', 'train.pkl')\n",
     [(2, Severity.HIGH, ["`train.pkl`"])]),
    # pipelines pin with model_revision=
    ("from modelscope.pipelines import pipeline\np = pipeline('asr', model='iic/paraformer', model_revision='v2.0.4')\n",
     [(2, Severity.MEDIUM, ["pin `model_revision=`", "`v2.0.4`"])]),
    ("from modelscope import pipeline\np = pipeline(task='asr', model='iic/paraformer')\n",
     [(2, Severity.MEDIUM, ["pass `model_revision=`"])]),
    # datasets pin with version=; the namespace joins the name
    ("from modelscope.msdatasets import MsDataset\nds = MsDataset.load('clue', namespace='damo', subset_name='afqmc')\n",
     [(2, Severity.LOW, ["`damo/clue`", "pass `version=`"])]),
    ("from modelscope import MsDataset\nds = MsDataset.load('org/data', trust_remote_code=True)\n",
     [(2, Severity.HIGH, ["runs Python code from it (`trust_remote_code`)"])]),
    # ModelScope's transformers wrappers and Model class
    ("from modelscope import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('qwen/Qwen2-7B')\n",
     [(2, Severity.MEDIUM, ["`AutoModelForCausalLM.from_pretrained` loads `qwen/Qwen2-7B` from ModelScope"])]),
    ("import modelscope as ms\nt = ms.AutoTokenizer.from_pretrained('qwen/Qwen2-7B')\n",
     [(2, Severity.LOW, ["ModelScope"])]),
    ("from modelscope.models import Model\nm = Model.from_pretrained('damo/nlp_structbert', revision='v1.0.0')\n",
     [(2, Severity.MEDIUM, ["at revision `v1.0.0`"])]),
]


@pytest.mark.parametrize("source, expected", REPORTED)
def test_modelscope_loads_are_reported(source, expected):
    findings = run(source)
    assert [(f.line, f.severity) for f in findings] == [(line, sev) for line, sev, _ in expected]
    for finding, (_, _, words) in zip(findings, expected):
        for word in words:
            assert word in finding.message, (word, finding.message)
        assert "Hugging Face" not in finding.message


QUIET = [
    f"from modelscope import snapshot_download\nsnapshot_download('qwen/Qwen2-7B', revision='{SHA}')\n",
    f"import modelscope as ms\nREV = '{SHA}'\nms.snapshot_download('qwen/Qwen2-7B', REV)\n",
    f"from modelscope.hub.file_download import model_file_download\nmodel_file_download('org/name', 'model.bin', '{SHA}')\n",
    f"from modelscope.pipelines import pipeline\npipeline('asr', model='iic/paraformer', model_revision='{SHA}')\n",
    f"from modelscope.msdatasets import MsDataset\nMsDataset.load('org/data', version='{SHA}')\n",
    f"from modelscope import AutoModel\nAutoModel.from_pretrained('org/name', revision='{SHA}')\n",
    "from modelscope import snapshot_download\nsnapshot_download('./models/qwen')\n",
    "from modelscope import snapshot_download\nsnapshot_download('/data/models/qwen')\n",
    "from modelscope import snapshot_download\nsnapshot_download('org/name', local_files_only=True)\n",
    "from modelscope.msdatasets import MsDataset\nMsDataset.load('csv', data_files='train.csv')\n",
    "from modelscope.pipelines import pipeline\npipeline('asr')\n",
    "from modelscope import snapshot_download\ndef get(name, revision):\n    return snapshot_download(name, revision=revision)\n",
    "from modelscope import snapshot_download\ndef get(name, **kwargs):\n    return snapshot_download('org/name', **kwargs)\n",
    # a same-named function of another library is not ModelScope's
    "from mytools import snapshot_download, pipeline\nsnapshot_download('org/name')\npipeline('asr', model='org/name')\n",
]


@pytest.mark.parametrize("source", QUIET)
def test_pinned_local_and_unknown_loads_stay_quiet(source):
    assert run(source) == []


def test_trusted_models_exempt_modelscope_ids():
    code = "from modelscope import snapshot_download\nsnapshot_download('damo/x')\nsnapshot_download('other/y')\n"
    assert [f.line for f in run(code, **{"trusted-models": ["damo/*"]})] == [3]


def test_huggingface_snapshot_download_is_unchanged():
    code = "from huggingface_hub import snapshot_download\nsnapshot_download('org/name')\n"
    (finding,) = run(code)
    assert finding.message == (
        "`huggingface_hub.snapshot_download` loads `org/name` from the Hugging Face Hub without a pinned revision; "
        "pass `revision=` a full 40-hex commit SHA"
    )
    assert finding.severity is Severity.MEDIUM


def test_both_hubs_in_one_file_keep_their_names():
    code = (
        "from huggingface_hub import snapshot_download as hf_get\n"
        "from modelscope import snapshot_download as ms_get\n"
        "hf_get('org/a')\nms_get('org/b')\n"
    )
    hubs = [("Hugging Face" in f.message, "ModelScope" in f.message) for f in run(code)]
    assert hubs == [(True, False), (False, True)]


def test_own_organisation_lowers_a_modelscope_load():
    code = (
        "from modelscope import snapshot_download\nfrom modelscope.hub.api import HubApi\n"
        "def publish(m):\n    m.push_to_hub('acme/x')\n"
        "snapshot_download('acme/y')\n"
    )
    (finding,) = run(code)
    assert finding.severity is Severity.LOW
    assert "from ModelScope (the project's own organisation" in finding.message


def test_mlw201_names_the_pipeline_revision_keyword():
    code = "from modelscope.pipelines import pipeline\np = pipeline('chat', model='org/bot', trust_remote_code=True)\n"
    (finding,) = run(code, "MLW201")
    assert finding.severity is Severity.HIGH
    assert "`model_revision=`" in finding.message and "`revision=`" not in finding.message
    pinned = f"from modelscope.pipelines import pipeline\np = pipeline('chat', model='org/bot', trust_remote_code=True, model_revision='{SHA}')\n"
    (finding,) = run(pinned, "MLW201")
    assert finding.severity is Severity.MEDIUM  # pinned: still remote code, one step lower


def test_mlw201_reads_a_positional_modelscope_revision():
    code = f"import modelscope\nmodelscope.snapshot_download('org/bot', '{SHA}')\nmodelscope.AutoModel.from_pretrained('org/bot', trust_remote_code=True)\n"
    (finding,) = run(code, "MLW201")
    assert finding.line == 3 and finding.severity is Severity.HIGH


FAST_FULL = [src for src, _ in REPORTED] + QUIET + [
    # written to get round the site gate: a rebound loader, a constant mapping, opaque kwargs next to a revision
    "from modelscope import snapshot_download\nget = snapshot_download\n\ndef f():\n    return get('org/x')\n",
    "from modelscope.pipelines import pipeline\nKW = {'model_revision': 'v1'}\n\ndef f():\n    return pipeline('asr', model='org/x', **KW)\n",
    "from modelscope.pipelines import pipeline\n\ndef f(kw):\n    return pipeline('asr', model='org/x', model_revision='v1', **kw)\n",
    "from modelscope.msdatasets import MsDataset\n\ndef f(kw):\n    return MsDataset.load('org/x', version='master', **kw)\n",
    "from modelscope import *\n\ndef f():\n    return snapshot_download('org/x')\n",
]


@pytest.mark.parametrize("source", FAST_FULL)
@pytest.mark.parametrize("rule", ["MLW201", "MLW202"])
def test_fast_path_equals_full_mode(source, rule):
    shown = lambda found: [(f.line, f.col, f.message, f.severity) for f in found]  # noqa: E731
    assert shown(run(source, rule)) == shown(run(source, rule, full=True))


def test_gate_cases_are_found():
    """The sources written to get round the gate hold findings to lose."""
    lines = [[f.line for f in run(src, full=True)] for src in FAST_FULL[-5:]]
    assert lines == [[5], [5], [4], [4], [4]]


def test_notebook_cells(tmp_path):
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_code_cell("import modelscope as ms\nfrom modelscope.pipelines import pipeline as P"),
        new_code_cell(f"x = 1\npath = ms.snapshot_download('qwen/Qwen2-7B')\nok = ms.snapshot_download('qwen/Qwen2-7B', revision='{SHA}')"),
        new_code_cell("asr = P('asr', model='iic/paraformer', model_revision='v2.0.4')"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    results, _ = check_paths([str(path)], Config(select=["MLW202"], severity=Severity.LOW))
    assert not [e for r in results for e in r.errors]
    found = [(f.cell, f.line, f.severity) for r in results for f in r.findings]
    assert found == [(2, 2, Severity.MEDIUM), (3, 1, Severity.MEDIUM)]
