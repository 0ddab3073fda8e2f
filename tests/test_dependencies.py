"""Dependency files: parsers (sources/dependencies) and the MLW3xx/MLW901 rules.

Every fixture under fixtures/deps/ and every fixtures/rules/MLW3*/MLW90*
dependency fixture is compared EXACTLY with the findings of all rules:
``(file, line, id)`` found == the ``# error:`` markers of every file."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config, ConfigError, config_from_mapping
from mlwarden.core.finding import Severity
from mlwarden.core.engine import check_source
from mlwarden.core.registry import all_rules
from mlwarden.sources import ShellLine, Unit, classify
from mlwarden.sources.dependencies import for_unit, pinned_example
from mlwarden.sources.dependencies.manifests import conda_entry, poetry_to_pep440
from mlwarden.sources.dependencies.installs import parse_shell_lines
from mlwarden.testing import expected_markers

RULES = [r for r in all_rules() if r.id.startswith(("MLW3", "MLW90"))]
DEPS = FIXTURES / "deps"
SCENARIOS = sorted(p for p in DEPS.iterdir() if p.is_dir() and p.name != "bad")
RULE_FIXTURES = sorted(
    p for p in (FIXTURES / "rules").iterdir() if p.name.startswith(("MLW3", "MLW90")) and classify(p) is not None
)


def all_selected() -> Config:
    return Config(select=[r.id for r in all_rules()], root=ROOT, severity=Severity.LOW)  # fixtures mark low findings too


def found_in(paths, config=None):
    results, _ = check_paths([str(p) for p in paths], config or all_selected())
    errors = [e for r in results for e in r.errors]
    found = set()
    for result in results:
        for f in result.findings:
            line = f.file_line if f.cell is not None else f.line
            found.add((Path(f.path).resolve(), line, f.rule_id))
    return found, errors


def marked_in(paths):
    out = set()
    for path in paths:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            out |= {(file.resolve(), line, code) for line, code in expected_markers(file.read_text(encoding="utf-8"))}
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_scenario_fixtures_exact(scenario):
    found, errors = found_in([scenario])
    assert not errors, errors
    assert found == marked_in([scenario])


def test_every_dependency_kind_has_a_fixture():
    kinds = {classify(p) for s in SCENARIOS for p in s.rglob("*") if p.is_file()}
    assert {"requirements", "pyproject", "setup-cfg", "conda-env", "pipfile"} <= kinds


def test_library_pyproject_has_no_findings_but_application_policy_flags_it():
    library = DEPS / "library" / "pyproject.toml"
    found, _ = found_in([library])
    assert found == set()
    config = all_selected()
    config.options["pin-policy"] = "application"
    found, _ = found_in([library], config)
    lines = sorted(line for _, line, code in found if code == "MLW301")
    assert lines == [12, 13, 14, 15, 19, 22, 23]


def test_bad_input_is_one_line_per_problem_and_the_rest_is_checked():
    bad = DEPS / "bad"
    results, count = check_paths([str(bad)], all_selected())
    errors = sorted(e for r in results for e in r.errors)
    shown = str(Path("fixtures/deps/bad"))
    assert [e.replace(str(bad), shown) for e in errors] == [
        f"{shown}/environment.yml: invalid YAML at line 5: expected ',' or ']', but got '<stream end>'",
        f"{shown}/pyproject.toml: invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 9)",
        f"{shown}/requirements.txt:2: cannot parse requirement 'torch>=': Expected semicolon (after name with no version specifier) or end",
        f"{shown}/requirements.txt:3: cannot read -r target 'missing-requirements.txt': no such file",
    ]
    findings = {(Path(f.path).name, f.line, f.rule_id) for r in results for f in r.findings}
    assert findings == {("requirements.txt", 4, "MLW301"), ("requirements.txt", 1, "MLW901"), ("requirements.txt", 4, "MLW901")}


def test_cli_exit_codes_and_positions(run_cli, tmp_path):
    (tmp_path / "requirements.txt").write_text("torch==2.6.0\n  transformers>=4\n")
    code, out, err = run_cli("check", "--isolated", tmp_path / "requirements.txt")
    assert code == 1 and err == ""
    assert out.splitlines()[0] == (
        f"{tmp_path / 'requirements.txt'}:2:3: MLW301 [medium] `transformers>=4` is not pinned to an exact version; "
        "pin one, e.g. `transformers==X.Y.Z`, and add hashes"
    )
    (tmp_path / "requirements.txt").write_text("torch===\n")
    code, out, err = run_cli("check", "--isolated", tmp_path / "requirements.txt")
    assert code == 2 and err.startswith(f"{tmp_path / 'requirements.txt'}:1: cannot parse requirement 'torch==='")


def test_noqa_silences_one_rule_on_one_line():
    result = check_source("numpy  # noqa: MLW301\nscipy\n", "requirements.txt", config=all_selected())
    assert {(f.line, f.rule_id) for f in result.findings} == {(1, "MLW901"), (2, "MLW301"), (2, "MLW901")}


def test_pin_policy_option_is_validated_when_the_config_is_loaded(tmp_path, run_cli):
    """An invalid `pin-policy` is one config error, not one error per dependency file."""
    with pytest.raises(ConfigError, match=r'^\[tool.mlwarden\] pin-policy: expected one of "auto", "application", "library", got \'apps\'$'):
        config_from_mapping({"pin-policy": "apps"})
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "requirements.txt").write_text("torch\n")
    (tmp_path / "pyproject.toml").write_text('[tool.mlwarden]\npin-policy = "apps"\n')
    code, out, err = run_cli("check", "--config", tmp_path / "pyproject.toml", tmp_path)
    assert (code, out) == (2, "")
    assert err == f'mlwarden: error: {tmp_path / "pyproject.toml"}: [tool.mlwarden] pin-policy: expected one of "auto", "application", "library", got \'apps\'\n'
    for good in ("auto", "application", "library"):
        assert config_from_mapping({"pin-policy": good}).options["pin-policy"] == good


def test_option_choices_must_include_the_default():
    from mlwarden.core.rule import FileRule

    with pytest.raises(TypeError, match="OPTION_CHOICES"):
        type("BadChoices", (FileRule,), {
            "__doc__": "## What it does\n## Why is this bad?\n## Example\n## Use instead\n",
            "id": "MLW998", "name": "bad-choices", "severity": Severity.LOW, "cwe": (1,), "message": "`x` y",
            "applies_to": frozenset({"text"}), "OPTIONS": {"mode": "fast"}, "OPTION_CHOICES": {"mode": ("slow",)},
        })


# -- requirements-file parsing ---------------------------------------------------


def deps_of(text, filename="requirements.txt"):
    from mlwarden.sources import load

    unit = load(Path(filename), classify(Path(filename)), filename, raw=textwrap.dedent(text).encode())
    return for_unit(unit)


def test_requirements_lines_options_and_positions():
    deps = deps_of(
        """\
        # a comment
        -i https://pypi.org/simple
        --extra-index-url=https://x.example/simple
          torch==2.6.0 ; sys_platform == "linux" \\
            --hash=sha256:aa \\
            --hash sha256:bb
        url-pkg @ https://e.example/p-1.0.whl#sha256=cc  # trailing comment
        --trusted-host=h.example
        -e git+https://github.com/o/r@main#egg=r
        """
    )
    assert [(s.option, s.value, s.line, s.col, s.extra, s.insecure) for s in deps.indexes] == [
        ("--index-url", "https://pypi.org/simple", 2, 1, False, False),
        ("--extra-index-url", "https://x.example/simple", 3, 1, True, False),
        ("--trusted-host", "h.example", 8, 1, False, True),
    ]
    torch, url, vcs = deps.entries
    assert (torch.name, torch.line, torch.col, torch.exact, torch.marker, torch.hashes) == (
        "torch", 4, 3, True, 'sys_platform == "linux"', ("sha256:aa", "sha256:bb"),
    )
    assert (url.name, url.url, url.hashes, url.line) == ("url-pkg", "https://e.example/p-1.0.whl#sha256=cc", ("#fragment",), 7)
    assert (vcs.name, vcs.vcs, vcs.vcs_ref, vcs.editable, vcs.line, vcs.col) == ("r", "git", "main", True, 9, 4)
    assert deps.errors == []


@pytest.mark.parametrize(
    "filename, text",
    [
        ("requirements.txt", "numpy==2.1.0\nkedro~={{ cookiecutter.kedro_version }}\n{% if cookiecutter.gpu %}torch{% endif %}\nbad requirement here\n"),
        ("pyproject.toml", '[project]\nname = "x"\ndependencies = ["numpy==2.1.0", "kedro~={{ cookiecutter.kedro_version }}", "bad requirement here"]\n'),
        ("setup.cfg", "[options]\ninstall_requires =\n    numpy==2.1.0\n    kedro~={{ cookiecutter.kedro_version }}\n    bad requirement here\n"),
    ],
)
def test_template_requirements_are_not_parse_errors(filename, text):
    # a cookiecutter / Jinja project template fills these in when it is
    # rendered: nothing to judge, and no "cannot parse" error; a broken line
    # that is not a template is still an error
    deps = deps_of(text, filename)
    assert [e.name for e in deps.entries] == ["numpy"]
    assert len(deps.errors) == 1 and "bad requirement here" in deps.errors[0]


def test_include_cycle_terminates(tmp_path):
    (tmp_path / "requirements.txt").write_text("-r requirements-dev.txt\nnumpy==1.26.4\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\n-r requirements-dev.txt\npytest\n")
    found, errors = found_in([tmp_path])
    assert errors == []
    assert {(p.name, line, code) for p, line, code in found if code == "MLW301"} == {("requirements-dev.txt", 3, "MLW301")}


@pytest.mark.parametrize(
    "constraint, expected",
    [("^2.6", "<3,>=2.6"), ("^0.2.3", "<0.3,>=0.2.3"), ("~1.2.3", "<1.3,>=1.2.3"), ("2.6.0", "==2.6.0"),
     ("*", ""), (">=1.0 <2", "<2,>=1.0"), ("1.2.*", "==1.2.*"), ("1.0 || 2.0", None)],
)
def test_poetry_constraints_translate_to_pep440(constraint, expected):
    assert poetry_to_pep440(constraint) == expected


@pytest.mark.parametrize(
    "spec, name, specifier, exact",
    [("numpy", "numpy", "", False), ("numpy=1.26", "numpy", "==1.26.*", False), ("numpy=1.26.4", "numpy", "==1.26.4", True),
     ("numpy=1.26.4=py311h0_0", "numpy", "==1.26.4", True), ("numpy==1.26", "numpy", "==1.26", True),
     ("conda-forge::scipy>=1.13", "scipy", ">=1.13", False), ("pytorch 2.6.0 py3.11_0", "torch", "==2.6.0", True)],
)
def test_conda_specs(spec, name, specifier, exact):
    entry = conda_entry(spec, path="environment.yml", line=1, col=1, context="conda")
    assert (entry.name, entry.specifier, entry.exact) == (name, specifier, exact)


def test_pinned_example_keeps_spelling_extras_markers_and_file_syntax():
    deps = deps_of("Transformers[torch]>=4 ; python_version >= '3.10'\n")
    assert pinned_example(deps.entries[0]) == "Transformers[torch]==X.Y.Z; python_version >= \"3.10\""
    poetry = deps_of('[tool.poetry.dependencies]\n"Torch" = "^2.6"\n', "pyproject.toml").entries[0]
    assert (pinned_example(poetry), poetry.line, poetry.col) == ('Torch = "X.Y.Z"', 2, 1)


def test_toml_positions_quoted_keys_dotted_keys_and_multiline_strings():
    deps = deps_of(
        '''\
        [project]
        name = "a"
        description = """a "quoted"
        multi-line ] text"""
        dependencies = ['numpy', "tor\\u0063h>=2"]
        optional-dependencies.dev = [
            "pytest",  # comment with "quotes" and ]
        ]
        ''',
        "pyproject.toml",
    )
    assert [(e.name, e.line, e.col, e.context) for e in deps.entries] == [
        ("numpy", 5, 17, "dependencies"), ("torch", 5, 26, "dependencies"), ("pytest", 7, 5, "optional-dependencies"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "a"\n', "library"),
        ('[project]\nname = "a"\n', "application"),
        ('[build-system]\nrequires = ["poetry-core"]\n[tool.poetry]\nname = "a"\npackage-mode = false\n', "application"),
        ('[build-system]\nrequires = ["hatchling"]\n[project]\nname = "a"\n[tool.uv]\npackage = false\n', "application"),
    ],
)
def test_project_type_detection(text, expected):
    assert deps_of(text, "pyproject.toml").project_type == expected


@pytest.mark.parametrize(
    "path, kind",
    [("requirements.txt", "requirements"), ("requirements-dev.txt", "requirements"), ("dev-requirements.txt", "requirements"),
     ("constraints.txt", "requirements"), ("requirements/base.txt", "requirements"), ("pyproject.toml", "pyproject"),
     ("setup.cfg", "setup-cfg"), ("environment.yml", "conda-env"), ("environment-gpu.yaml", "conda-env"),
     ("conda.yaml", "conda-env"), ("Pipfile", "pipfile"), ("notes.txt", None), ("Pipfile.lock", None), ("config.yml", None)],
)
def test_kinds(path, kind):
    got = classify(Path(path))
    assert got == kind or (kind is None and got not in {"requirements", "pyproject", "setup-cfg", "conda-env", "pipfile"})


# -- notebooks: %pip / !pip records --------------------------------------------------


def shell_unit(*records, path="nb.ipynb"):
    unit = Unit(path=path, kind="notebook", raw=b"", text="")
    unit.shell_lines = [ShellLine(cell=c, line=l, col=col, file_line=10 + l, kind=k, magic=m, command=cmd) for c, l, col, k, m, cmd in records]
    return unit


def test_pip_and_conda_commands_in_shell_lines():
    unit = shell_unit(
        (2, 1, 1, "line_magic", "pip", "install -q transformers==4.46.0 datasets"),
        (2, 2, 1, "shell", None, "cd src && python3 -m pip install -U 'accelerate>=1' --extra-index-url https://x.example/simple"),
        (3, 1, 5, "shell", None, "pip install {pkg} $OTHER torch=={ver} -e . --no-deps peft==0.13.2 # trailing comment"),
        (3, 2, 1, "line_magic", "conda", "install -y -c http://conda.example/main numpy=1.26 scipy==1.14.1"),
        (4, 1, 1, "shell", None, "pip show torch; pip download torch"),
        (4, 2, 1, "cell_magic", "bash", "uv pip install ruff"),
    )
    deps = parse_shell_lines(unit)
    assert [(e.cell, e.line, e.col, e.name, e.exact, e.ecosystem) for e in deps.entries] == [
        (2, 1, 17, "transformers", True, "pypi"),
        (2, 1, 38, "datasets", False, "pypi"),
        (2, 2, 38, "accelerate", False, "pypi"),
        (3, 1, 47, "", False, "pypi"),
        (3, 1, 59, "peft", True, "pypi"),
        (3, 2, 48, "numpy", False, "conda"),
        (3, 2, 59, "scipy", True, "conda"),
        (4, 2, 16, "ruff", False, "pypi"),
    ]
    assert [(s.option, s.value, s.cell, s.line) for s in deps.indexes] == [
        ("--extra-index-url", "https://x.example/simple", 2, 2),
        ("channel", "http://conda.example/main", 3, 2),
    ]
    assert deps.entries[3].editable and deps.entries[3].local


@pytest.mark.parametrize(
    "command, expected",
    [
        ("pip install moviepy[optional] &> /dev/null", [("moviepy", 14)]),
        ("pip install -q torch==2.5.1 > /dev/null 2>&1", [("torch", 17)]),
        ("pip install peft >/dev/null 2>/dev/null", [("peft", 14)]),
        ("pip install peft 2> err.txt accelerate", [("peft", 14), ("accelerate", 30)]),
        ("pip install peft >& log.txt accelerate", [("peft", 14), ("accelerate", 30)]),
        ("pip install peft >> log.txt && pip install trl", [("peft", 14), ("trl", 45)]),
        ("pip install peft |& tail -n 1", [("peft", 14)]),
        ("pip install 'peft>=0.13' < /dev/null", [("peft", 14)]),
    ],
)
def test_shell_redirections_are_not_requirements(command, expected):
    # (columns count the cell's `!`) the shell's redirections and their files are not pip's arguments: no
    # "cannot parse requirement '&>'" error, and the packages around them stay
    deps = parse_shell_lines(shell_unit((1, 1, 1, "shell", None, command)))
    assert [(e.name, e.col) for e in deps.entries] == expected
    assert deps.errors == []


def test_redirections_in_a_real_notebook_check_cleanly(run_cli, tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import platform\nif platform.system() == 'Linux':\n    ! pip install moviepy[optional] &> /dev/null"),
        nbformat.v4.new_code_cell("!pip install llama-stack-client==0.0.35 > /dev/null 2>&1"),
    ]
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, str(path))
    code, out, err = run_cli("check", "--isolated", "--select", "MLW301", str(path))
    assert "cannot parse" not in err and "cannot parse" not in out
    assert code == 1  # findings, not "could not be checked" (2)
    assert [line.split(": MLW")[0] for line in out.splitlines() if "MLW301" in line] == [f"{path}:cell 1:3:19"]


def test_notebook_findings_carry_cell_positions():
    unit = shell_unit((2, 1, 1, "line_magic", "pip", "install -q transformers==4.46.0 datasets"))
    rule = next(r for r in RULES if r.id == "MLW301")
    (finding,) = list(rule(Config()).check(unit))
    assert (finding.cell, finding.line, finding.col, finding.file_line) == (2, 1, 38, 11)
    assert finding.message == "`datasets` is installed without an exact version; pin one, e.g. `%pip install datasets==X.Y.Z`"


def test_real_notebook_positions(run_cli):
    path = DEPS / "notebook" / "finetune.ipynb"
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW301", path)
    assert code == 1
    assert [line.split(": MLW")[0] for line in out.splitlines() if "MLW301" in line] == [
        f"{path}:cell 2:1:38", f"{path}:cell 2:3:17"
    ]


# -- pre-commit ----------------------------------------------------------------------


def _deps_hook():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == "mlwarden-deps")


@pytest.mark.parametrize(
    "path, matched",
    [("requirements.txt", True), ("sub/requirements-dev.txt", True), ("dev-requirements.txt", True), ("constraints.txt", True),
     ("requirements/base.txt", True), ("pyproject.toml", True), ("setup.cfg", True), ("environment.yml", True),
     ("envs/environment-gpu.yaml", True), ("Pipfile", True), ("notes.txt", False), ("Pipfile.lock", False),
     ("mypyproject.toml", False), ("src/model.py", False)],
)
def test_deps_hook_files_pattern(path, matched):
    hook = _deps_hook()
    assert hook["types"] == ["file"] and hook["entry"].startswith("mlwarden check")
    assert bool(re.search(hook["files"], path)) == matched
    # the pattern and the source kinds agree
    assert (classify(Path(path)) in {"requirements", "pyproject", "setup-cfg", "conda-env", "pipfile"}) == matched


@pytest.mark.slow
def test_deps_hook_runs_for_real(tmp_path):
    from precommit_helpers import try_repo

    proc = try_repo(
        tmp_path,
        "mlwarden-deps",
        {"requirements.txt": "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.5.1\n", "README.md": "x\n"},
    )
    assert proc.returncode == 1, proc.stdout
    assert "requirements.txt:1:1: MLW302 " in proc.stdout, proc.stdout


@pytest.mark.slow
def test_deps_hook_passes_clean_files(tmp_path):
    from precommit_helpers import try_repo

    proc = try_repo(tmp_path, "mlwarden-deps", {"requirements.txt": "torch==2.6.0\n", "environment.yml": "dependencies:\n  - numpy=1.26.4\n"})
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(
    "line, expected",
    [
        ("mypkg @ .", []),  # a path in a direct reference (uv accepts it): nothing is downloaded
        ("mypkg @ ./packages/mypkg", []),
        ("mypkg @ file:///opt/wheels/mypkg-1.0-py3-none-any.whl", []),
        ("mypkg @ https://example.com/mypkg-1.0.tar.gz", ["MLW305"]),
        ("mypkg @ git+https://github.com/org/mypkg@main", ["MLW304"]),
    ],
)
def test_direct_reference_to_a_path_is_local(tmp_path, line, expected):
    req = tmp_path / "requirements.txt"
    req.write_text(line + "\n")
    results, _ = check_paths([str(req)], Config(select=["MLW304", "MLW305"], severity=Severity.LOW, root=tmp_path))
    assert [f.rule_id for r in results for f in r.findings] == expected


@pytest.mark.parametrize(
    "filename, text, shown, advice",
    [
        (
            "pyproject.toml",
            '[project]\nname = "app"\n\n[tool.uv.sources]\nkernels = { git = "https://git.example.org/kernels.git", tag = "v0.4" }\n',
            "`kernels = {git = 'https://git.example.org/kernels.git', tag = 'v0.4'}` installs whatever the tag `v0.4`",
            "set `rev` to a full 40-hex commit SHA",
        ),
        (
            "pyproject.toml",
            '[tool.poetry.dependencies]\nkernels = {git = "https://git.example.org/kernels.git", branch = "dev"}\n',
            "installs whatever the branch `dev`",
            "set `rev` to a full 40-hex commit SHA",
        ),
        (
            "Pipfile",
            '[packages]\nkernels = {git = "https://git.example.org/kernels.git", ref = "v1"}\n',
            "installs whatever the ref `v1`",
            "set `ref` to a full 40-hex commit SHA",
        ),
        (
            "requirements.txt",
            "kernels @ git+https://git.example.org/kernels.git@v0.4\n",
            "installs whatever `@v0.4` (a branch, tag or short SHA)",
            "pin a full 40-hex commit SHA after `@`",
        ),
    ],
)
def test_unpinned_vcs_message_names_the_ref_in_the_files_own_syntax(tmp_path, filename, text, shown, advice):
    # a TOML table's ref is a key (`tag = …`), not an `@` suffix: the message
    # shows the key the user wrote and how to pin it in that table
    path = tmp_path / filename
    path.write_text(text)
    results, _ = check_paths([str(path)], Config(select=["MLW304"], severity=Severity.LOW, root=tmp_path))
    messages = [f.message for r in results for f in r.findings]
    assert len(messages) == 1, messages
    assert shown in messages[0] and advice in messages[0], messages[0]
