"""Severity from the risk of the call, owner inference and the false-positive
fixes of the noise issue (MLW110, MLW201, MLW202, MLW301, MLW305)."""

import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.owner import project_owners, url_owner
from mlwarden.core.registry import all_rules

ALL_IDS = [r.id for r in all_rules()]


def check(code, rule, filename="train.py", **config):
    config.setdefault("severity", Severity.LOW)
    result = check_source(code, filename, config=Config(select=[rule], **config))
    assert not result.errors, result.errors
    return [(f.line, f.severity, f.message) for f in result.findings if f.rule_id == rule]


def severities(code, rule, **config):
    return [(line, sev) for line, sev, _m in check(code, rule, **config)]


# -- MLW202: the ladder ------------------------------------------------------------------

HF = "from transformers import AutoModel, AutoTokenizer, AutoConfig, CLIPTokenizer\nfrom diffusers import DDIMScheduler, StableDiffusionPipeline\nfrom huggingface_hub import hf_hub_download, snapshot_download\n"


@pytest.mark.parametrize(
    "call, expected",
    [
        ("AutoModel.from_pretrained('org/m', trust_remote_code=True)", Severity.HIGH),
        ("StableDiffusionPipeline.from_pretrained('org/m', use_safetensors=False)", Severity.HIGH),
        ("hf_hub_download('org/m', 'pytorch_model.bin')", Severity.HIGH),
        ("hf_hub_download(repo_id='org/m', filename='model.ckpt')", Severity.HIGH),
        ("hf_hub_download('org/m', 'handler.py')", Severity.HIGH),
        ("AutoModel.from_pretrained('org/m')", Severity.MEDIUM),
        ("hf_hub_download('org/m', name)", Severity.MEDIUM),
        # only the end of the name is literal: the format is still known
        ("hf_hub_download('org/m', filename=f'{rev}/{name}.py')", Severity.HIGH),
        ("hf_hub_download('org/m', name + '.PKL')", Severity.HIGH),
        ("hf_hub_download('org/m', f'{name}.json')", Severity.MEDIUM),
        ("hf_hub_download('org/m', f'{name}.py{suffix}')", Severity.MEDIUM),
        ("snapshot_download('org/m')", Severity.MEDIUM),
        ("snapshot_download('org/m', allow_patterns=['*.json', '*.bin'])", Severity.MEDIUM),
        ("StableDiffusionPipeline.from_pretrained('org/m', use_safetensors=True)", Severity.LOW),
        ("AutoTokenizer.from_pretrained('org/m')", Severity.LOW),
        ("AutoConfig.from_pretrained('org/m')", Severity.LOW),
        ("CLIPTokenizer.from_pretrained('org/m')", Severity.LOW),
        ("DDIMScheduler.from_pretrained('org/m', subfolder='scheduler')", Severity.LOW),
        ("hf_hub_download('org/m', 'model.safetensors')", Severity.LOW),
        ("hf_hub_download('org/m', filename='config.json')", Severity.LOW),
        ("snapshot_download('org/m', allow_patterns=['*.safetensors', '*.json'])", Severity.LOW),
        # the tokenizer is low, but not when it runs remote code
        ("AutoTokenizer.from_pretrained('org/m', trust_remote_code=True)", Severity.HIGH),
    ],
)
def test_mlw202_severity_ladder(call, expected):
    assert severities(HF + call + "\n", "MLW202") == [(4, expected)]


def test_mlw202_high_message_says_why():
    ((_line, _sev, message),) = check(HF + "hf_hub_download('org/m', 'pytorch_model.bin')\n", "MLW202")
    assert message == (
        "`huggingface_hub.hf_hub_download` loads `org/m` from the Hugging Face Hub without a pinned revision, "
        "and `pytorch_model.bin` is a format that can run code when loaded; pass `revision=` a full 40-hex commit SHA"
    )


@pytest.mark.parametrize(
    "requirements, expected",
    [
        ("datasets>=4.0\n", Severity.LOW),
        ("datasets==3.6.0\n", Severity.MEDIUM),
        ("datasets>=2.14\n", Severity.HIGH),
        ("torch==2.6.0\n", Severity.MEDIUM),  # datasets unconstrained: a fresh install gets datasets 4
    ],
)
def test_mlw202_load_dataset_is_version_aware(tmp_path, requirements, expected):
    (tmp_path / "requirements.txt").write_text(requirements)
    (tmp_path / "prep.py").write_text("from datasets import load_dataset\nds = load_dataset('org/data')\n")
    results, _ = check_paths([str(tmp_path / "prep.py")], Config(select=["MLW202"], severity=Severity.LOW, root=tmp_path))
    assert [(f.line, f.severity) for r in results for f in r.findings] == [(2, expected)]


# -- owner inference ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, owner",
    [
        ("git@github.com:My-Org/repo.git", "my-org"),
        ("https://github.com/huggingface/trl", "huggingface"),
        ("https://github.com/huggingface/trl/issues", "huggingface"),
        ("ssh://git@github.com/acme/models.git", "acme"),
        ("https://user:secret@gitlab.com/team/proj.git", "team"),
        ("https://gitlab.example.com/group/sub/proj", "group"),
        ("https://huggingface.co/spaces/pyannote/demo", "pyannote"),
        ("https://huggingface.co/pyannote/segmentation-3.0", "pyannote"),
        ("https://huggingface.co/docs/trl", None),
        ("https://github.com/orgs/acme/teams", None),
        ("https://acme.readthedocs.io/en/latest/", None),
        ("https://pypi.org/project/acme/", None),
        ("not a url", None),
    ],
)
def test_url_owner(url, owner):
    assert url_owner(url) == owner


LOAD = "from transformers import AutoModel\nm = AutoModel.from_pretrained('acme/model')\nn = AutoModel.from_pretrained('stranger/model')\n"


def _project(tmp_path, **files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    results, _ = check_paths([str(tmp_path / "train.py")], Config(select=["MLW201", "MLW202"], severity=Severity.LOW, root=tmp_path))
    return [(f.line, f.rule_id, f.severity) for r in results for f in r.findings]


def test_owner_from_git_remote(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:acme/models.git"], check=True)
    assert _project(tmp_path, **{"train.py": LOAD}) == [(2, "MLW202", Severity.LOW), (3, "MLW202", Severity.MEDIUM)]
    owners = project_owners(Config(root=tmp_path), tmp_path / "train.py")
    assert owners.orgs == {"acme": "git remote origin"}


def test_owner_from_push_url_of_a_fork(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/alice/models.git\n'
        '\tpushurl = git@github.com:acme/models.git\n[branch "main"]\n\tremote = origin\n'
    )
    (tmp_path / "x.py").write_text("")
    owners = project_owners(Config(root=tmp_path), tmp_path / "x.py")
    assert owners.orgs == {"acme": "git remote origin"}


def test_owner_from_pyproject_urls_and_setup_py(tmp_path):
    pyproject = '[project]\nname = "m"\n[project.urls]\nHomepage = "https://github.com/acme/models"\nDocs = "https://huggingface.co/docs/x"\n'
    assert _project(tmp_path, **{"pyproject.toml": pyproject, "train.py": LOAD}) == [(2, "MLW202", Severity.LOW), (3, "MLW202", Severity.MEDIUM)]
    other = tmp_path / "other"
    other.mkdir()
    (other / "setup.py").write_text("from setuptools import setup\nsetup(name='m', url='https://github.com/acme/models', install_requires=['x @ https://github.com/stranger/x'])\n")
    assert project_owners(Config(root=other), other / "setup.py").orgs == {"acme": "setup.py url", "m": "the project's name"}


@pytest.mark.parametrize(
    "manifest, text",
    [
        ("setup.py", "import setuptools\nsetuptools.setup(\n    name = 'FewShot',\n    version='1.0',\n)\n"),
        ("pyproject.toml", '[project]\nname = "fewshot"\nversion = "1"\n'),
        ("setup.cfg", "[metadata]\nname = FewShot\n"),
    ],
)
def test_owner_from_the_projects_own_name(tmp_path, manifest, text):
    """A hub organisation spelled as the project is named is its own
    (setfit's `SetFit/...` datasets); a prefix or another spelling is not."""
    (tmp_path / manifest).write_text(text)
    code = (
        "from datasets import load_dataset as ld\n"
        "a = ld(f'FEWSHOT/{name}', split='train')\n"
        "b = ld('fewshot-org/sst2')\n"
        "c = ld('few_shot/sst2')\n"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "utils.py").write_text(code)
    config = Config(select=["MLW202"], severity=Severity.LOW, root=tmp_path)
    results, _ = check_paths([str(tmp_path / "pkg" / "utils.py")], config)
    found = [(f.line, f.severity, "own organisation, from the project's name" in f.message) for r in results for f in r.findings]
    assert found == [(2, Severity.LOW, True), (3, Severity.MEDIUM, False), (4, Severity.MEDIUM, False)]
    config = Config(select=["MLW202"], severity=Severity.LOW, root=tmp_path, infer_owner=False)
    results, _ = check_paths([str(tmp_path / "pkg" / "utils.py")], config)
    assert [f.severity for r in results for f in r.findings] == [Severity.MEDIUM] * 3


def test_a_project_named_like_a_hub_path_is_no_owner(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "datasets"\n')
    (tmp_path / "x.py").write_text("")
    assert project_owners(Config(root=tmp_path), tmp_path / "x.py").orgs == {}


def test_owner_from_push_to_hub_target_in_the_file_even_after_the_load(tmp_path):
    code = LOAD + "ORG = 'stranger'\nm.push_to_hub(f'{ORG}/model-finetuned')\n"
    assert _project(tmp_path, **{"train.py": code}) == [(2, "MLW202", Severity.MEDIUM), (3, "MLW202", Severity.LOW)]
    trainer = LOAD + "args = TrainingArguments('out', hub_model_id='acme/tuned')\n"
    assert _project(tmp_path, **{"train.py": trainer}) == [(2, "MLW202", Severity.LOW), (3, "MLW202", Severity.MEDIUM)]


def test_owner_lowers_remote_code_one_step_and_says_so(tmp_path):
    code = "from transformers import AutoModel\nm = AutoModel.from_pretrained('acme/model', trust_remote_code=True)\n"
    config = Config(select=["MLW201"], severity=Severity.LOW, root=tmp_path, owner_orgs=["acme"])
    (tmp_path / "train.py").write_text(code)
    results, _ = check_paths([str(tmp_path / "train.py")], config)
    (finding,) = [f for r in results for f in r.findings]
    assert finding.severity is Severity.MEDIUM
    assert finding.message.endswith("(the project's own organisation, from [tool.mlwarden] owner-orgs)")


def test_trusted_models_still_exempt_and_infer_owner_off(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "m"\nurls = {Source = "https://github.com/acme/models"}\n')
    (tmp_path / "train.py").write_text(LOAD)
    config = Config(select=["MLW202"], severity=Severity.LOW, root=tmp_path, options={"trusted-models": ["acme/*"]})
    results, _ = check_paths([str(tmp_path / "train.py")], config)
    assert [(f.line, f.severity) for r in results for f in r.findings] == [(3, Severity.MEDIUM)]
    config = Config(select=["MLW202"], severity=Severity.LOW, root=tmp_path, infer_owner=False)
    results, _ = check_paths([str(tmp_path / "train.py")], config)
    assert [(f.line, f.severity) for r in results for f in r.findings] == [(2, Severity.MEDIUM), (3, Severity.MEDIUM)]


def test_owner_walk_stops_at_the_configuration_root(tmp_path):
    """A project inside another repository's tree (a vendored or downloaded
    copy) does not inherit that repository's remote."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:acme/outer.git"], check=True)
    inner = tmp_path / "vendor" / "proj"
    inner.mkdir(parents=True)
    (inner / "train.py").write_text("")
    assert project_owners(Config(root=inner), inner / "train.py").orgs == {}
    assert project_owners(Config(root=tmp_path), inner / "train.py").orgs == {"acme": "git remote origin"}


# -- MLW201 ---------------------------------------------------------------------------------


def test_mlw201_run_time_model_path_asks_for_an_opt_in():
    code = "from transformers import AutoModel\ndef load(path):\n    return AutoModel.from_pretrained(path, trust_remote_code=True)\n"
    ((line, severity, message),) = check(code, "MLW201")
    assert (line, severity) == (3, Severity.MEDIUM)
    assert "make remote code opt-in (a flag defaulting to False)" in message and "run-time model path" in message


def test_mlw201_literal_repo_is_high_and_pinned_is_medium():
    sha = "ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971"
    code = (
        "from transformers import AutoModel\n"
        "a = AutoModel.from_pretrained('org/m', trust_remote_code=True)\n"
        f"b = AutoModel.from_pretrained('org/m', trust_remote_code=True, revision='{sha}')\n"
    )
    assert severities(code, "MLW201") == [(2, Severity.HIGH), (3, Severity.MEDIUM)]


# -- MLW110 ---------------------------------------------------------------------------------

GATHER = "from accelerate.utils import gather_object\nimport torch.distributed as dist\nfrom torch import distributed as torch_dist\n"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("def log(step, loss):\n    lines = [f'step {step}', str(loss.item())]\n    return gather_object(lines)\n", Severity.LOW),
        ("def log(n):\n    out = [None] * n\n    dist.all_gather_object(out, {'rank': 3, 'host': 'a'})\n", Severity.LOW),
        ("def log(tok, ids):\n    texts = tok.batch_decode(ids)\n    return gather_object(texts)\n", Severity.LOW),
        ("def log(seed):\n    objs = [int(seed)]\n    dist.broadcast_object_list(objs, src=0)\n", Severity.LOW),
        ("def log(rows):\n    lines = []\n    for r in rows:\n        lines.append(f'{r}')\n    return gather_object(lines)\n", Severity.LOW),
        # a decision computed here from numbers (comparisons, and/or, a conditional)
        ("def due(self, t0, steps):\n    decision = 0 < self.every < (now() - t0) / 60.0\n    decision = decision or 0 < self.n <= steps\n"
         "    box = [decision]\n    torch_dist.broadcast_object_list(box, src=0)\n    return box[0]\n", Severity.LOW),
        ("def due(step, names):\n    flag = (\n        step % 10 == 0\n        and 'ema' not in names\n    )\n    dist.broadcast_object_list([flag if step else False], src=0)\n", Severity.LOW),
        ("def log(tok, ids):\n    texts = tok.batch_decode(ids)\n    first = texts[0]\n    return gather_object([first, texts[1:]])\n", Severity.LOW),
        # not known to be plain data
        ("def due(model, every):\n    decision = every > 0 or model\n    dist.broadcast_object_list([decision], src=0)\n", Severity.MEDIUM),
        ("def due(flag, obj):\n    out = [obj if flag else 'none']\n    dist.broadcast_object_list(out, src=0)\n", Severity.MEDIUM),
        ("def log(batch):\n    return gather_object([batch[0], batch['labels']])\n", Severity.MEDIUM),
        ("def log(preds):\n    own = preds\n    return gather_object(own[0])\n", Severity.MEDIUM),
        ("def log(prompts):\n    return gather_object(prompts)\n", Severity.MEDIUM),
        ("def log(rows, model):\n    lines = []\n    lines.append(model)\n    return gather_object(lines)\n", Severity.MEDIUM),
        ("def log(objs):\n    dist.broadcast_object_list(objs, src=0)\n", Severity.MEDIUM),
        ("def log(x):\n    dist.recv_object_list(['a'], src=1)\n", Severity.MEDIUM),
        ("payload = ['a']\ndef log():\n    return gather_object(payload)\n", Severity.MEDIUM),
        ("def log(self):\n    return gather_object(self.lines)\n", Severity.MEDIUM),
    ],
)
def test_mlw110_plain_payload_is_low(body, expected):
    found = severities(GATHER + body, "MLW110")
    assert [sev for _line, sev in found] == [expected]
    full = check_source(GATHER + body, "train.py", config=Config(select=["MLW110"], severity=Severity.LOW), full=True)
    assert [(f.line, f.severity) for f in full.findings] == found


def test_mlw110_decision_in_a_notebook_is_low_in_fast_and_full_mode():
    from mlwarden.rules._helpers import notebook_json

    nb = notebook_json(
        "import torch.distributed as dist",
        "def should_stop(best, current, patience):\n    stop = current < best and patience <= 0\n    flags = [stop]\n    dist.broadcast_object_list(flags, src=0)\n    return flags[0]",
    )
    config = Config(select=["MLW110"], severity=Severity.LOW)
    fast = check_source(nb, "train.ipynb", config=config)
    full = check_source(nb, "train.ipynb", config=config, full=True)
    assert [(f.cell, f.line, f.severity) for f in fast.findings] == [(2, 4, Severity.LOW)]
    assert [(f.cell, f.line, f.severity) for f in full.findings] == [(2, 4, Severity.LOW)]


def test_mlw110_plain_payload_is_hidden_by_default_and_shown_at_low():
    code = GATHER + "def log(step):\n    return gather_object([f'step {step}'])\n"
    assert check(code, "MLW110", severity=Severity.MEDIUM) == []
    assert len(check(code, "MLW110")) == 1


# -- MLW301 in notebooks: one finding per install line ----------------------------------------


def test_mlw301_one_finding_per_install_line(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("!pip install -q transformers datasets==2.19.0 accelerate peft\n%pip install torch"),
        new_code_cell("!pip install evaluate==0.4.2"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    results, _ = check_paths([str(path)], Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path))
    found = [(f.cell, f.line, f.col, f.message) for r in results for f in r.findings]
    assert found == [
        (1, 1, 17, "`%pip install` installs 3 packages without an exact version (`transformers`, `accelerate`, `peft`); "
                   "pin each, e.g. `%pip install transformers==X.Y.Z accelerate==X.Y.Z peft==X.Y.Z`"),
        (1, 2, 14, "`torch` is installed without an exact version; pin one, e.g. `%pip install torch==X.Y.Z`"),
    ]


def test_mlw301_install_line_fingerprint_changes_with_its_packages(tmp_path):
    def fingerprint(source):
        nb = new_notebook(cells=[new_code_cell(source)])
        path = tmp_path / "nb.ipynb"
        nbformat.write(nb, str(path))
        results, _ = check_paths([str(path)], Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path))
        (finding,) = [f for r in results for f in r.findings]
        return finding.snippet_hash

    assert fingerprint("!pip install a b") != fingerprint("!pip install a c")
    assert fingerprint("!pip install a b") == fingerprint("!pip  install  a  b")


# -- MLW305: URLs that differ only at the end ------------------------------------------------


def test_mlw305_messages_of_long_urls_differ():
    base = "https://github.com/Dao-AILab/flash-attention/releases/download/v2.6.3/flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-"
    text = base + "cp311-cp311-linux_x86_64.whl\n" + base + "cp310-cp310-linux_x86_64.whl\n"
    messages = [m for _l, _s, m in check(text, "MLW305", filename="requirements.txt")]
    assert len(messages) == 2 and messages[0] != messages[1]
    assert "cp311-cp311-linux_x86_64.whl" in messages[0] and "cp310-cp310-linux_x86_64.whl" in messages[1]


# -- MLW301: a library's install requirements -----------------------------------------------


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"setup.py": "from pathlib import Path\nfrom setuptools import setup\nsetup(install_requires=Path('requirements.txt').read_text().split())\n"}, Severity.LOW),
        ({"pyproject.toml": '[build-system]\nrequires = ["hatchling", "hatch-requirements-txt"]\n[project]\nname = "x"\ndynamic = ["dependencies"]\n'
                            '[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ["requirements.txt"]\n'}, Severity.LOW),
        ({"pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt"]}\n'}, Severity.LOW),
        # hatch-requirements-txt's older `filename` key, and a file listed for an extra
        ({"pyproject.toml": '[project]\nname = "x"\n[tool.hatch.metadata.hooks.requirements_txt]\nfilename = "requirements.txt"\n'}, Severity.LOW),
        ({"pyproject.toml": '[project]\nname = "x"\n[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ["base.txt"]\n'
                            '[tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]\ntrain = ["requirements.txt"]\n'}, Severity.LOW),
        ({"pyproject.toml": '[project]\nname = "x"\n[tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]\ntrain = ["other.txt"]\n'}, Severity.MEDIUM),
        # a setup.py that does not read this file, and no setup.py at all: an application's requirements
        ({"setup.py": "from setuptools import setup\nsetup(install_requires=['torch>=2'])\n"}, Severity.MEDIUM),
        ({}, Severity.MEDIUM),
    ],
)
def test_mlw301_library_install_requirements_are_low(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "requirements.txt").write_text("torch>=2.0\n")
    results, _ = check_paths([str(tmp_path / "requirements.txt")], Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path))
    assert [(f.line, f.severity) for r in results for f in r.findings] == [(1, expected)]
    if files:
        config = Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path, options={"pin-policy": "application"})
        results, _ = check_paths([str(tmp_path / "requirements.txt")], config)
        assert [(f.line, f.severity) for r in results for f in r.findings] == [(1, Severity.MEDIUM)]


@pytest.mark.parametrize(
    "setup_py, expected",
    [
        # the requirements folder of a library whose setup.py, one folder up, builds from it
        ("from setuptools import setup\ndef reqs(p):\n    return open(p).read().split()\n"
         "setup(install_requires=reqs('requirements/base.txt'), extras_require={'dev': reqs('requirements/dev.txt')})\n", Severity.LOW),
        ("import os\nfrom setuptools import setup\nsetup(install_requires=open(os.path.join('requirements', 'base.txt')).read().split())\n", Severity.LOW),
        ("from pathlib import Path\nfrom setuptools import setup\nHERE = Path(__file__).parent\n"
         "setup(install_requires=(HERE / \"requirements\" / \"base.txt\").read_text().split())\n", Severity.LOW),
        # the same file name in another folder, or a setup.py with literal requirements: not this file
        ("from setuptools import setup\nsetup(install_requires=open('docker/base.txt').read().split())\n", Severity.MEDIUM),
        ("from setuptools import setup\nsetup(install_requires=['torch>=2'])\n", Severity.MEDIUM),
    ],
)
def test_mlw301_library_requirements_in_a_subfolder(tmp_path, setup_py, expected):
    (tmp_path / "setup.py").write_text(setup_py)
    (tmp_path / "requirements").mkdir()
    req = tmp_path / "requirements" / "base.txt"
    req.write_text("torch>=2.0\n")
    results, _ = check_paths([str(req)], Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path))
    found = [(f.line, f.severity) for r in results for f in r.findings]
    assert found == [(1, expected)]
    if expected is Severity.LOW:
        assert "../setup.py reads this file" in results[0].findings[0].message


def test_mlw301_library_root_search_stops_at_the_nearest_project(tmp_path):
    # a sub-project with its own pyproject.toml (an app) inside a library: the library's setup.py does not count
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(install_requires=open('app/requirements.txt').read().split())\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (app / "requirements.txt").write_text("torch>=2.0\n")
    results, _ = check_paths([str(app / "requirements.txt")], Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path))
    assert [(f.line, f.severity) for r in results for f in r.findings] == [(1, Severity.MEDIUM)]


def test_mlw202_run_time_model_with_remote_code_is_at_most_medium():
    code = "from transformers import AutoTokenizer\ndef load(path, revision='main'):\n    return AutoTokenizer.from_pretrained(path, revision=revision, trust_remote_code=True)\n"
    assert severities(code, "MLW202") == [(3, Severity.MEDIUM)]


# -- MLW208: a liveness probe -----------------------------------------------------------------


@pytest.mark.parametrize(
    "call, expected",
    [
        ("httpx.head(url, timeout=3, verify=False)", Severity.LOW),
        ("requests.options(url, verify=False)", Severity.LOW),
        ("session.head(url, verify=False)", Severity.LOW),
        # it sends a token, or it reads a body: high
        ("httpx.head(url, headers={'Authorization': token}, verify=False)", Severity.HIGH),
        ("requests.head(url, auth=(user, pw), verify=False)", Severity.HIGH),
        ("requests.head(url, **kw, verify=False)", Severity.HIGH),
        ("requests.get(url, verify=False)", Severity.HIGH),
        ("httpx.stream('HEAD', url, verify=False)", Severity.HIGH),
    ],
)
def test_mlw208_bodiless_probe_is_low(call, expected):
    code = f"import httpx\nimport requests\nsession = requests.Session()\nr = {call}\n"
    found = check(code, "MLW208")
    assert [(line, sev) for line, sev, _m in found] == [(4, expected)]
    assert ("only its status can be faked" in found[0][2]) == (expected is Severity.LOW)


# -- MLW202: evaluate modules are code --------------------------------------------------------


@pytest.mark.parametrize(
    "call, expected",
    [
        ("evaluate.load('someone/custom-metric')", [(2, Severity.HIGH)]),
        ("evaluate.load(path='someone/custom-metric', revision='main')", [(2, Severity.HIGH)]),
        ("evaluate.load('accuracy')", [(2, Severity.LOW)]),  # Hugging Face's evaluate-metric org, at evaluate's tag
        ("evaluate.load('my_metric.py')", []),  # a local script
        (f"evaluate.load('someone/custom-metric', revision='{'a' * 40}')", []),
    ],
)
def test_mlw202_evaluate_load(call, expected):
    assert severities(f"import evaluate\nm = {call}\n", "MLW202") == expected
    assert "every evaluate module is code" in check("import evaluate\nm = evaluate.load('a/b')\n", "MLW202")[0][2]


# -- MLW207: a health check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ('f"http://{host}:{port}/ping"', Severity.LOW),
        ('"http://" + host + "/healthz/"', Severity.LOW),
        ('"http://{}:{}/ready".format(host, port)', Severity.LOW),
        ('f"http://{host}/models/ping.bin"', Severity.MEDIUM),  # a file named like an endpoint
        ('f"http://{host}/health/model.pt"', Severity.MEDIUM),
        ('f"http://{host}:{port}/{route}"', Severity.MEDIUM),  # the path is not known
    ],
)
def test_mlw207_health_endpoint_is_low(url, expected):
    found = check(f"import requests\nresp = requests.get({url})\n", "MLW207")
    assert [(line, sev) for line, sev, _m in found] == [(2, expected)]
    assert ("polls a health endpoint" in found[0][2]) == (expected is Severity.LOW)
