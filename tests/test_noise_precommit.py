"""Real pre-commit on many files: no partial total that looks final.

pre-commit splits a hook's files into batches (one per core unless the hook
sets ``require_serial``, and more when the command line would be too long)
and runs the hook once per batch. Under pre-commit (``PRE_COMMIT=1``) each
run says "in this batch"; the ``mlwarden`` hook sets ``require_serial: true``
so a normal run is one batch (mlwarden uses every core itself)."""

import json
import re
import subprocess

import pytest

from precommit_helpers import _env, git, precommit_exe, precommit_home, snapshot_repo, write_files

FILES = {f"pkg/mod_{i:02d}.py": f"import pickle\n\ndef load_{i}(f):\n    return pickle.load(f)\n" for i in range(24)}


def _run(tmp_path, hook_overrides):
    snapshot, rev = snapshot_repo()
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    write_files(repo, FILES)
    git("add", "--", *FILES, cwd=repo)
    config = tmp_path / "pre-commit-config.yaml"
    config.write_text(json.dumps({"repos": [{"repo": str(snapshot), "rev": rev, "hooks": [{"id": "mlwarden", **hook_overrides}]}]}))
    return subprocess.run(
        [precommit_exe(), "run", "mlwarden", "--config", str(config), "--color", "never", "--verbose"],
        cwd=repo, env=_env({"PRE_COMMIT_HOME": str(precommit_home())}),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
    )


@pytest.mark.slow
def test_hook_runs_once_and_says_batch(tmp_path):
    proc = _run(tmp_path, {})
    assert proc.returncode == 1, proc.stdout
    assert len(re.findall(r"^pkg/mod_\d\d\.py:4:12: MLW101 \[high\]", proc.stdout, re.M)) == 24, proc.stdout
    totals = re.findall(r"^.*in this batch.*$", proc.stdout, re.M)
    assert totals == ["24 findings in this batch (24 files checked; pre-commit may run mlwarden on several batches)."], proc.stdout
    assert not re.search(r"^Found \d+ finding", proc.stdout, re.M), proc.stdout


@pytest.mark.slow
def test_parallel_batches_each_say_batch(tmp_path):
    """With require_serial off, pre-commit runs one batch per core: every
    per-batch line is honest and none looks like the total."""
    proc = _run(tmp_path, {"require_serial": False})
    assert proc.returncode == 1, proc.stdout
    totals = re.findall(r"^(\d+) findings? in this batch \((\d+) files? checked", proc.stdout, re.M)
    assert totals and sum(int(n) for n, _files in totals) == 24, proc.stdout
    assert not re.search(r"^Found \d+ finding", proc.stdout, re.M), proc.stdout
