"""The results cache (`.mlwarden_cache/`): reuse only what cannot have changed."""

import json

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core import cache as cache_mod
from mlwarden.core import parallel
from mlwarden.core.cache import CACHE_DIR_NAME, ResultCache, finding_from_json, finding_to_json
from mlwarden.core.config import Config
from mlwarden.core.finding import Edit, Finding, Fix, Severity

UNSAFE = "import pickle\n\n\ndef read(f):\n    return pickle.load(f)\n"
TORCH = "import torch\nmodel = torch.load('m.pt')\n"


def located(results):
    return [(f.path, f.line, f.col, f.rule_id, f.message, f.fix and f.fix.edits) for r in results for f in r.findings]


def errors(results):
    return [e for r in results for e in r.errors]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "a.py").write_text(UNSAFE)
    (tmp_path / "b.py").write_text("x = 1\n")
    (tmp_path / "c.py").write_text(TORCH)
    (tmp_path / "bad.py").write_text("import pickle\npickle.loads(\n")
    return tmp_path


class Counter:
    """Counts the files the engine really analyses."""

    def __init__(self, monkeypatch):
        self.paths = []
        real = parallel.check_one

        def counting(item, rules, config):
            self.paths.append(item[2])
            return real(item, rules, config)

        monkeypatch.setattr(parallel, "check_one", counting)


def run(project, **config):
    return check_paths([str(project)], Config(root=project, **config), jobs=1, cache=True)


def test_second_run_analyses_nothing_and_reports_the_same(project, monkeypatch):
    first, n1 = run(project)
    counter = Counter(monkeypatch)
    second, n2 = run(project)
    assert counter.paths == []
    assert (located(second), errors(second), n2) == (located(first), errors(first), n1)
    uncached, _ = check_paths([str(project)], Config(root=project), jobs=1, cache=False)
    assert (located(second), errors(second)) == (located(uncached), errors(uncached))
    assert {f.rule_id for r in second for f in r.findings} >= {"MLW101", "MLW102"}
    assert errors(second) and "bad.py" in errors(second)[0]


def test_a_changed_file_is_analysed_again(project, monkeypatch):
    run(project)
    (project / "b.py").write_text("import pickle\npickle.loads(data)\n")
    counter = Counter(monkeypatch)
    results, _ = run(project)
    assert counter.paths == [str(project / "b.py")]
    assert ("MLW101", 2) in {(f.rule_id, f.line) for r in results for f in r.findings if f.path.endswith("b.py")}


def test_selection_and_options_are_part_of_the_key(project, monkeypatch):
    run(project)
    results, _ = run(project, ignore=["MLW101"])
    assert "MLW101" not in {f.rule_id for r in results for f in r.findings}
    counter = Counter(monkeypatch)
    run(project, severity=Severity.CRITICAL)
    assert len(counter.paths) == 4


def test_dependency_pins_invalidate_version_aware_results(project):
    """MLW102 depends on the project's torch pin, which lives in another file."""
    (project / "requirements.txt").write_text("torch==2.1\n")
    before, _ = run(project)
    (project / "requirements.txt").write_text("torch>=2.6\n")
    after, _ = run(project)
    fresh, _ = check_paths([str(project)], Config(root=project), jobs=1, cache=False)
    assert located(after) == located(fresh)
    assert located(before) != located(after)


def test_same_content_at_two_paths_keeps_two_entries(project):
    (project / "d.py").write_text(UNSAFE)
    run(project)
    results, _ = run(project)
    paths = {f.path for r in results for f in r.findings if f.rule_id == "MLW101"}
    assert paths == {str(project / "a.py"), str(project / "d.py")}


@pytest.mark.parametrize(
    "garbage",
    [b"", b"{not json", b"\xff\xfe", b"[]", json.dumps({"format": 1, "entries": {"python:x": 1}}).encode()],
)
def test_a_corrupt_cache_file_is_ignored_and_replaced(project, garbage, capsys):
    run(project)
    (cache_file,) = (project / CACHE_DIR_NAME).glob("results-*.json")
    cache_file.write_bytes(garbage)
    results, _ = run(project)
    fresh, _ = check_paths([str(project)], Config(root=project), jobs=1, cache=False)
    assert located(results) == located(fresh)
    assert json.loads(cache_file.read_text())["format"] == cache_mod.FORMAT
    assert capsys.readouterr().err == ""


def test_corrupt_entries_are_misses(project, monkeypatch):
    run(project)
    (cache_file,) = (project / CACHE_DIR_NAME).glob("results-*.json")
    data = json.loads(cache_file.read_text())
    slot = next(k for k in data["entries"] if k.endswith("a.py"))
    data["entries"][slot][2] = [{"rule_id": "MLW101"}]  # a finding without its fields
    cache_file.write_text(json.dumps(data))
    counter = Counter(monkeypatch)
    results, _ = run(project)
    assert counter.paths == [str(project / "a.py")]
    assert "MLW101" in {f.rule_id for r in results for f in r.findings}


def test_an_unwritable_cache_directory_disables_the_cache_quietly(project, capsys):
    (project / CACHE_DIR_NAME).write_text("not a directory")
    results, _ = run(project)
    fresh, _ = check_paths([str(project)], Config(root=project), jobs=1, cache=False)
    assert located(results) == located(fresh)
    assert capsys.readouterr().err == ""


def test_writes_are_atomic_and_ignored_by_git(project):
    run(project)
    directory = project / CACHE_DIR_NAME
    names = sorted(p.name for p in directory.iterdir())
    assert names[0] == ".gitignore" and len(names) == 2 and names[1].startswith("results-")
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"


def test_cli_no_cache_writes_nothing(project, run_cli, monkeypatch):
    monkeypatch.chdir(project)
    code, out, _ = run_cli("check", "--isolated", "--no-cache", ".")
    assert code == 2 and "MLW101" in out
    assert not (project / CACHE_DIR_NAME).exists()
    code2, out2, _ = run_cli("check", "--isolated", ".")
    code3, out3, _ = run_cli("check", "--isolated", ".")
    assert (project / CACHE_DIR_NAME).is_dir()
    assert code == code2 == code3 and out == out2 == out3


def test_findings_round_trip_through_json():
    finding = Finding(
        rule_id="MLW102",
        path="nb.ipynb",
        line=2,
        col=5,
        message="`torch.load` …",
        severity=Severity.HIGH,
        end_line=2,
        end_col=17,
        cell=4,
        file_line=40,
        fix=Fix(edits=(Edit(2, 4, 2, 17, "torch.load(p, weights_only=True)"),), safe=False, description="add weights_only", view=object()),
        snippet_hash="ab" * 32,
        rule_name="torch-load-without-weights-only",
    )
    back = finding_from_json(json.loads(json.dumps(finding_to_json(finding))))
    assert back == finding
    assert back.fix.edits == finding.fix.edits and back.fix.safe is False and back.fix.view is None
    assert back.location() == finding.location()


def test_settings_key_depends_on_config_and_rules(tmp_path):
    from mlwarden.core.registry import all_rules

    rules = list(all_rules())
    key = cache_mod.settings_key(Config(root=tmp_path), rules)
    assert key == cache_mod.settings_key(Config(root=tmp_path), rules)
    assert key != cache_mod.settings_key(Config(root=tmp_path), rules[1:])
    assert key != cache_mod.settings_key(Config(root=tmp_path, options={"x": 1}), rules)
    assert ResultCache.for_run(Config(root=tmp_path), rules).file.parent == tmp_path / CACHE_DIR_NAME
