"""Session 19 (noise, development set fresh38).

1. A published library whose ``pyproject.toml`` has a PEP 621 ``[project]``
   with a name and no ``[build-system]`` table (fresh38, skrl: 23 MLW301
   findings on its dependencies, extras and tests extra). Without a build
   backend, pip and ``build`` build the project with setuptools (the PEP 517
   fallback), so it is a package others install and must keep ranges. It
   counts as a library (``pin-policy = "auto"``) when it carries a
   ``[tool.setuptools]`` table (setuptools' packaging configuration, read by
   no other tool) or when a ``setup.py`` sits next to it. Kept (medium): a
   project with neither (an application's metadata, as uv's non-packaged
   projects), an empty ``[tool.setuptools]`` table or one that packages
   nothing (``py-modules = []``, ``packages = []``: the flat-layout
   workaround of an application), ``[tool.uv] package =
   false``, a ``setup.py`` in another folder, ``pin-policy = "application"``,
   and requirement files (always pinned). A ``requirements.txt`` that only
   repeats such a library's dependencies is low, as beside any library.

2. Code health (no change in results): ``core/context.py``'s
   ``lower_repeats`` decided whether MLW202 repeats MLW201 by reading the
   text of both messages. Both rules now set the revision keyword their
   advice asks to pin on the finding (``Finding.pin``: ``revision``,
   ``model_revision``, ``code_revision``, or None), and ``lower_repeats``
   compares those; session 18's repeat tests (``tests/test_noise_s18.py``)
   pass unchanged.

On BASE (main af49cd2) every "no finding" case below was an MLW301 finding at
medium, and ``Finding`` had no ``pin``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.context import lower_repeats
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Finding, Severity

MEDIUM = Severity.MEDIUM

_PROJECT = '[project]\nname = "rl-lib"\nversion = "1.0"\ndependencies = [\n  "gymnasium",\n  "torch>=2.1",\n]\n[project.optional-dependencies]\ntests = ["pytest"]\n'


def _mlw301(tmp_path, files, config=None):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = config or Config(severity=Severity.LOW, root=tmp_path)
    results, _ = check_paths([str(tmp_path)], config)
    return sorted((str(Path(f.path).relative_to(tmp_path)) if Path(f.path).is_absolute() else f.path, f.line, f.severity)
                  for r in results for f in r.findings if f.rule_id == "MLW301")


@pytest.mark.parametrize("extra", [
    '[tool.setuptools.packages.find]\nwhere = ["."]\ninclude = ["rl_lib*"]\n',
    '[tool.setuptools]\npackages = ["rl_lib"]\n',
    '[tool.setuptools]\npy-modules = ["rl_lib"]\n',
    '[tool.setuptools.package-dir]\n"" = "src"\n',
])
def test_setuptools_table_without_build_system_is_a_library(tmp_path, extra):
    assert _mlw301(tmp_path, {"pyproject.toml": _PROJECT + extra}) == []


def test_setup_py_next_to_it_is_a_library(tmp_path):
    files = {"pyproject.toml": _PROJECT, "setup.py": "from setuptools import setup\nsetup()\n"}
    assert _mlw301(tmp_path, files) == []


@pytest.mark.parametrize("name, files", [
    ("neither signal", {"pyproject.toml": _PROJECT}),
    ("empty setuptools table", {"pyproject.toml": _PROJECT + "[tool.setuptools]\n"}),
    ("nothing to package (an application's flat-layout workaround)", {"pyproject.toml": _PROJECT + "[tool.setuptools]\npy-modules = []\npackages = []\n"}),
    ("setuptools_scm is another tool", {"pyproject.toml": _PROJECT + '[tool.setuptools_scm]\nversion_file = "v.py"\n'}),
    ("uv says it is no package", {"pyproject.toml": _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n[tool.uv]\npackage = false\n'}),
    ("setup.py in another folder", {"pyproject.toml": _PROJECT, "tools/setup.py": "from setuptools import setup\nsetup()\n"}),
    ("setup.py is a folder", {"pyproject.toml": _PROJECT, "setup.py/keep.txt": "x\n"}),
])
def test_application_pyproject_kept(tmp_path, name, files):
    found = _mlw301(tmp_path, files)
    assert [(p, s) for p, _, s in found] == [("pyproject.toml", MEDIUM)] * 3, name


def test_application_policy_still_flags_a_setuptools_library(tmp_path):
    config = Config(severity=Severity.LOW, root=tmp_path)
    config.options["pin-policy"] = "application"
    found = _mlw301(tmp_path, {"pyproject.toml": _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n'}, config)
    assert [(p, line, s) for p, line, s in found] == [("pyproject.toml", 5, MEDIUM), ("pyproject.toml", 6, MEDIUM), ("pyproject.toml", 9, MEDIUM)]


def test_requirements_file_of_such_a_library_still_pinned(tmp_path):
    files = {"pyproject.toml": _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n', "requirements-deploy.txt": "torch>=2.1\nfastapi\n"}
    found = _mlw301(tmp_path, files)
    assert [(p, s) for p, _, s in found if p.endswith(".txt")] == [("requirements-deploy.txt", MEDIUM)] * 2


def test_requirements_mirroring_such_a_library_is_low(tmp_path):
    """A ``requirements.txt`` that only repeats the dependencies of a library
    setuptools builds without ``[build-system]`` is low like one beside a
    library with a build backend; one more package keeps it medium."""
    pyproject = _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n'
    found = _mlw301(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "gymnasium\ntorch>=2.1\n"})
    assert [(p, s) for p, _, s in found] == [("requirements.txt", Severity.LOW)] * 2
    found = _mlw301(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "gymnasium\ntorch>=2.1\nfastapi\n"})
    assert [(p, s) for p, _, s in found] == [("requirements.txt", MEDIUM)] * 3


# -- 2. the revision keyword to pin, carried on the finding ---------------------

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("code, pins", [
    ('from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n',
     {"MLW201": "revision", "MLW202": "revision"}),
    ('from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True, code_revision="main")\n',
     {"MLW201": "code_revision", "MLW202": "revision"}),
    (f'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", revision="{SHA}", trust_remote_code=True)\n',
     {"MLW201": None}),
    ('from modelscope.pipelines import pipeline\np = pipeline("text-generation", model="qwen/Qwen2-7B", trust_remote_code=True)\n',
     {"MLW201": "model_revision", "MLW202": "model_revision"}),
    ('import timm\nm = timm.create_model("hf_hub:org/m", pretrained=True)\n', {"MLW202": None}),
])
def test_hub_findings_carry_the_keyword_they_ask_to_pin(code, pins):
    config = Config(select=["MLW201", "MLW202"], severity=Severity.LOW)
    fast = check_source(code, "job.py", config=config).findings
    full = check_source(code, "job.py", config=config, full=True).findings
    assert [(f.rule_id, f.line, f.severity, f.pin) for f in fast] == [(f.rule_id, f.line, f.severity, f.pin) for f in full]
    assert {f.rule_id: f.pin for f in fast} == pins


def _finding(rule, message, severity, pin):
    return Finding(rule_id=rule, path="job.py", line=2, col=5, message=message, severity=severity, pin=pin)


def test_lower_repeats_reads_the_pin_not_the_message():
    """The message texts say nothing here: only ``pin`` decides."""
    remote = _finding("MLW201", "remote code", Severity.HIGH, "revision")
    hub = _finding("MLW202", "unpinned", Severity.HIGH, "revision")
    out = lower_repeats([remote, hub])
    assert [(f.rule_id, f.severity) for f in out] == [("MLW201", Severity.HIGH), ("MLW202", Severity.LOW)]
    assert "repeats the MLW201 finding at this call, which already says to pin `revision=`" in out[1].message
    # kept: the advice names another keyword, or none; a message that merely mentions a pin
    for pin, text in (("code_revision", "pin `revision=`"), (None, "pin `revision=`")):
        other = _finding("MLW201", f"remote code; {text}", Severity.HIGH, pin)
        assert lower_repeats([other, hub])[1].severity is Severity.HIGH
    assert lower_repeats([remote, _finding("MLW202", "pass `revision=`", Severity.HIGH, None)])[1].severity is Severity.HIGH


def test_pin_is_not_part_of_equality_or_output():
    a = _finding("MLW202", "m", Severity.HIGH, "revision")
    assert a == a.with_(pin=None)
    code = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
    result = check_source(code, "job.py", config=Config(select=["MLW201", "MLW202"], severity=Severity.LOW))
    assert {f.pin for f in result.findings} == {"revision"}
    from mlwarden.core.registry import all_rules
    from mlwarden.output.json_format import finding_dict

    rules = {r.id: r for r in all_rules()}
    assert all("pin" not in finding_dict(f, rules) for f in result.findings)
