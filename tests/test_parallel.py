"""`check --jobs N`: worker processes give exactly the serial results, in order."""

import os
import shutil

import pytest

from conftest import FIXTURES
from mlwarden.commands.check import check_paths
from mlwarden.core import parallel
from mlwarden.core.config import Config
from mlwarden.core.registry import all_rules


def everything(root) -> Config:
    return Config(select=[r.id for r in all_rules()], root=root)


def snapshot(results):
    """Everything a report shows, in order, fixes included."""
    out = []
    for result in results:
        out.append(("result", result.path, tuple(result.errors)))
        for f in result.findings:
            fix = None if f.fix is None else (f.fix.edits, f.fix.safe, f.fix.description)
            out.append((f, f.location(), f.message, f.snippet_hash, fix))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every fixture (code, notebooks, dependency files, model files, secrets,
    files that do not parse) plus unreadable and missing input."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(FIXTURES, root / "fixtures")
    (root / "fixtures" / "broken.py").write_text("def f(:\n")
    (root / "fixtures" / "latin.py").write_bytes(b"# -*- coding: utf-8 -*-\nx = '\xff'\n")
    return root


@pytest.mark.slow  # a whole-corpus sweep / real subprocess runs (~10-20 s): CI and --run-slow
def test_parallel_results_equal_serial_results(corpus):
    config = everything(corpus)
    paths = [str(corpus / "fixtures"), str(corpus / "missing.py")]
    serial, count = check_paths(paths, config, jobs=1)
    assert count > parallel.PARALLEL_THRESHOLD  # enough files for the automatic pool
    assert any(r.findings for r in serial) and any(r.errors for r in serial)
    for jobs in (2, 3, 0):
        results, n = check_paths(paths, config, jobs=jobs)
        assert n == count
        assert snapshot(results) == snapshot(serial)
        # the results came from workers (portable: no unit attached)
        assert all(r.unit is None for r in results)


@pytest.mark.slow  # a process pool again; results_equal_serial_results checks the findings in the default run
def test_parallel_output_is_byte_identical(corpus, run_cli, monkeypatch):
    monkeypatch.chdir(corpus)
    outputs = []
    for jobs in ("1", "2"):
        outputs.append(run_cli("check", "--isolated", "--no-cache", "--jobs", jobs, "--format", "json", "--select", "ALL", "fixtures"))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 2  # findings and unreadable files


def test_effective_jobs():
    cores = parallel.available_cores()
    assert parallel.effective_jobs(0, parallel.PARALLEL_THRESHOLD) == 1
    assert parallel.effective_jobs(None, parallel.PARALLEL_THRESHOLD + 1) == min(cores, parallel.PARALLEL_THRESHOLD + 1)
    assert parallel.effective_jobs(4, 2) == 2
    assert parallel.effective_jobs(4, 100) == 4
    assert parallel.effective_jobs(1, 100) == 1


def test_a_warm_process_uses_a_pool_from_two_files(monkeypatch):
    """The resident parent's children (mlwarden/resident.py) fork warm
    workers: two files are enough; one file, or --jobs 1, stays serial."""
    monkeypatch.setattr(parallel, "_warm", False)
    assert parallel.effective_jobs(None, 2) == 1
    parallel.warm_process()
    cores = parallel.available_cores()
    assert parallel.effective_jobs(None, 2) == min(cores, 2)
    assert parallel.effective_jobs(None, 1) == 1
    assert parallel.effective_jobs(1, 5) == 1


def test_a_warm_pool_on_a_few_files_reports_as_a_serial_run(run_cli, monkeypatch):
    """Five files, one per task, in a pool: the same bytes as one process."""
    files = [str(p) for p in sorted((FIXTURES / "demo").rglob("*.py"))][:5]
    assert len(files) >= 2
    serial = run_cli("check", "--isolated", "--no-cache", "--jobs", "1", "--format", "json", "--severity", "low", *files)
    monkeypatch.setattr(parallel, "_warm", True)
    pooled = run_cli("check", "--isolated", "--no-cache", "--format", "json", "--severity", "low", *files)
    assert pooled == serial and serial[0] == 1


def _die(chunk):
    os._exit(3)  # a worker killed mid-run


def test_a_broken_pool_falls_back_to_a_serial_run(corpus, monkeypatch):
    config = everything(corpus)
    paths = [str(corpus / "fixtures")]
    serial, _ = check_paths(paths, config, jobs=1)
    monkeypatch.setattr(parallel, "_check_chunk", _die)
    results, _ = check_paths(paths, config, jobs=2)
    assert snapshot(results) == snapshot(serial)


def test_portable_results_keep_fixes_without_views():
    from mlwarden.core.engine import check_source

    result = check_source("import torch\ntorch.load(p)\n", "a.py", config=Config(select=["MLW102"]))
    assert result.findings and result.findings[0].fix is not None and result.findings[0].fix.view is not None
    moved = parallel.portable(result)
    assert moved.unit is None
    assert moved.findings == result.findings
    assert moved.findings[0].fix.edits == result.findings[0].fix.edits
    assert moved.findings[0].fix.view is None
