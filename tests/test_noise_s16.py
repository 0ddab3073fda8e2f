"""Session 16 (noise, development set fresh32): two causes found there.

1. ``__setstate__`` unpickling a *part* of the state it is handed
   (``state[k] = cloudpickle.loads(state[k])`` in a loop over the attributes
   its ``__getstate__`` cloudpickled; ``state.get("blob")``): the part comes
   from the unpickle that is running the method as much as the whole state
   does, so it is low with the same reason, as long as nothing in the method
   puts other data into the state before the load. Kept high: a part written
   before the load from anything but the same loader, ``state.update(x)``,
   the state handed to another call, a computed ``.get`` default, a rebound
   state, a plain function.
2. A Binder environment's dependency file (``.binder/requirements.txt``,
   ``binder/environment.yml`` next to the project's ``setup.py`` /
   ``pyproject.toml``) is documentation tooling: the "docs" context, so
   MLW301 there is low (MLW302/MLW305 keep their severity in docs). A
   ``binder`` folder anywhere else (a package's module of that name, no
   project root above it) is not one.

3. In test code, a load of a file in the fresh temporary folder (pytest's
   ``tmp_path``, ``tempfile.mkdtemp()``, a path joined onto one) that the
   project's training entry point (``fit``/``train``/``finetune``…) was
   handed by an output-folder keyword before the load (``clf.fit(X, y,
   output_dir=tmp_path)`` … ``torch.load(tmp_path / "checkpoint_1.pth")``,
   or an element of ``sorted(folder.glob("checkpoint_*.pth"))``): low, with
   the training call in the message (tabpfn's fine-tuning tests). Kept: the
   same outside tests, a folder handed to any other call before the load (a
   download, a copy), a folder that is not temporary, a call not named like
   training, the folder handed positionally, a file of another folder.
   An element of a glob of a temporary folder that the project's own saver
   filled is a round trip as a file joined onto it already was.

On BASE (main c8a9efe) every "low" case below was high (1, 3) or medium (2).
Cases 1 and 3 go through ``fast_full_findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from round_helpers import fast_full_findings

HIGH, LOW = Severity.HIGH, Severity.LOW

SETSTATE = {
    "loop-over-attributes": (
        """
        import cloudpickle

        class Frozen:
            def __getstate__(self):
                state = dict(self.__dict__)
                for key in self.frozen_attributes:
                    state[key] = cloudpickle.dumps(state[key])
                return state

            def __setstate__(self, state):
                for key in self.frozen_attributes:
                    state[key] = cloudpickle.loads(state[key])
                object.__setattr__(self, "__dict__", state)
        """,
        LOW,
    ),
    "get-with-literal-default": (
        """
        import pickle as pk

        class Box:
            def __setstate__(self, snapshot):
                if "blob" in snapshot:
                    self.inner = pk.loads(snapshot.get("blob", b""))
                self.__dict__.update(snapshot)
        """,
        LOW,
    ),
    "nested-part-after-copy": (
        """
        import dill

        class Holder:
            def __setstate__(self, st):
                copied = dict(st)
                self.fn = dill.loads(st["payload"]["fn"])
                self.rest = copied
        """,
        LOW,
    ),
    # kept: something else can be in the state when the load reads it
    "part-written-before-from-elsewhere": (
        """
        import pickle

        class Box:
            def __setstate__(self, state):
                state["blob"] = fetch_blob(state["url"])
                self.inner = pickle.loads(state["blob"])
        """,
        HIGH,
    ),
    "state-updated-before": (
        """
        import pickle

        class Box:
            def __setstate__(self, state):
                state.update(read_overrides())
                self.inner = pickle.loads(state["blob"])
        """,
        HIGH,
    ),
    "state-handed-to-a-call": (
        """
        import pickle

        class Box:
            def __setstate__(self, state):
                migrate(state)
                self.inner = pickle.loads(state["blob"])
        """,
        HIGH,
    ),
    "computed-default": (
        """
        import pickle

        class Box:
            def __setstate__(self, state):
                self.inner = pickle.loads(state.get("blob", download_default()))
        """,
        HIGH,
    ),
    "rebound-state": (
        """
        import pickle

        class Box:
            def __setstate__(self, state):
                state = load_sidecar(state)
                self.inner = pickle.loads(state["blob"])
        """,
        HIGH,
    ),
    "loop-writes-other-data": (
        """
        import pickle

        class Box:
            def __setstate__(self, state):
                for key in self.keys:
                    self.parts = pickle.loads(state[key])
                    state[key] = read_file(key)
        """,
        HIGH,
    ),
    "not-a-method": (
        """
        import pickle

        def __setstate__(self, state):
            return pickle.loads(state["blob"])
        """,
        HIGH,
    ),
}


@pytest.mark.parametrize("case", sorted(SETSTATE))
def test_setstate_part_of_its_own_state(case):
    code, expected = SETSTATE[case]
    found = fast_full_findings(code, ["MLW101"], filename="pkg/wrappers.py")
    assert [severity for _rule, _line, severity in found] == [expected], found


BINDER = {
    # (folder, file name, project marker beside the folder, expected severity)
    "dot-binder-requirements": (".binder", "requirements.txt", "pyproject.toml", LOW),
    "binder-requirements": ("binder", "requirements.txt", "setup.py", LOW),
    "binder-environment": ("binder", "environment.yml", "setup.cfg", LOW),
    # kept: no project root above the folder, or not a file repo2docker reads
    "no-project-root": ("binder", "requirements.txt", None, Severity.MEDIUM),
    "other-folder": ("deploy", "requirements.txt", "pyproject.toml", Severity.MEDIUM),
}


@pytest.mark.parametrize("case", sorted(BINDER))
def test_binder_environment_is_documentation(tmp_path, case):
    folder, name, marker, expected = BINDER[case]
    root = tmp_path / "proj"
    (root / "pkg" / folder).mkdir(parents=True)
    base = root if marker is not None else root / "pkg"
    if marker is not None:
        (root / marker).write_text("[metadata]\nname = proj\n" if marker.endswith(".cfg") else "")
    target = base / folder / name if marker is not None else root / "pkg" / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith(".yml"):
        target.write_text("name: gallery\ndependencies:\n  - python=3.11\n  - matplotlib\n")
    else:
        target.write_text("matplotlib\nseaborn>=0.12\n")
    config = Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path)
    results, _ = check_paths([str(target)], config)
    severities = {f.severity for r in results for f in r.findings}
    assert severities == {expected}, [(f.line, f.severity, f.message) for r in results for f in r.findings]


def test_a_second_index_in_a_binder_file_keeps_its_severity(tmp_path):
    """Docs context keeps MLW302 (a second index is attacked like any install)."""
    (tmp_path / "pyproject.toml").write_text("")
    req = tmp_path / ".binder" / "requirements.txt"
    req.parent.mkdir()
    req.write_text("--extra-index-url https://pkgs.example.org/simple\nmatplotlib==3.9.0\n")
    config = Config(select=["MLW302"], severity=Severity.LOW, root=tmp_path)
    results, _ = check_paths([str(req)], config)
    found = [f for r in results for f in r.findings]
    assert found and all(f.severity in (Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL) for f in found), [(f.severity, f.message) for f in found]


TRAINED = {
    "fit-output-dir-tmp-path": (
        """
        import torch

        def test_checkpoint_has_weights(tmp_path):
            clf = Classifier(epochs=2)
            clf.fit(X, y, output_dir=tmp_path)
            state = torch.load(tmp_path / "checkpoint_2.pth", weights_only=False)
            assert "state_dict" in state
        """,
        "tests/test_training.py",
        LOW,
    ),
    "glob-of-a-joined-folder": (
        """
        from torch import load as torch_load

        def test_best_checkpoint(tmp_path):
            out = tmp_path / "run"
            with patched_eval():
                reg.finetune(
                    data,
                    checkpoint_dir=out,
                )
            found = sorted(out.glob("*_best.pth"))
            assert len(found) == 1
            best = torch_load(found[-1])
            assert best["epoch"] == 4
        """,
        "tests/test_regressor.py",
        LOW,
    ),
    "mkdtemp-and-named-file": (
        """
        import os, tempfile, pickle

        class TestTrainer:
            def test_resume(self):
                folder = tempfile.mkdtemp()
                trainer = Trainer(max_steps=3)
                trainer.train(dataset, save_dir=folder)
                last = os.path.join(folder, "last.pkl")
                with open(last, "rb") as fh:
                    state = pickle.load(fh)
                assert state["step"] == 3
        """,
        "tests/trainer_checks.py",
        LOW,
    ),
    # kept
    "outside-tests": (
        """
        import torch

        def refit(clf, X, y, tmp_path):
            clf.fit(X, y, output_dir=tmp_path)
            return torch.load(tmp_path / "checkpoint_2.pth")
        """,
        "pkg/refit.py",
        HIGH,
    ),
    "download-into-the-folder-first": (
        """
        import torch

        def test_resume_from_release(tmp_path):
            fetch_release("https://example.org/ckpt.pth", tmp_path)
            clf.fit(X, y, output_dir=tmp_path)
            state = torch.load(tmp_path / "ckpt.pth")
        """,
        "tests/test_resume.py",
        HIGH,
    ),
    "copy-after-training": (
        """
        import shutil, torch

        def test_swap(tmp_path, release_file):
            clf.fit(X, y, output_dir=tmp_path)
            shutil.copy(release_file, tmp_path)
            state = torch.load(tmp_path / "checkpoint_2.pth")
        """,
        "tests/test_swap.py",
        HIGH,
    ),
    "download-to-a-file-of-the-folder": (
        """
        import torch

        def test_swap_file(tmp_path):
            clf.fit(X, y, output_dir=tmp_path)
            target = tmp_path / "checkpoint_2.pth"
            urlretrieve("https://example.org/ckpt.pth", target)
            state = torch.load(target)
        """,
        "tests/test_swap_file.py",
        HIGH,
    ),
    "not-a-temporary-folder": (
        """
        import torch

        def test_existing_run(run_folder):
            clf.fit(X, y, output_dir=run_folder)
            state = torch.load(run_folder / "checkpoint_2.pth")
        """,
        "tests/test_existing.py",
        HIGH,
    ),
    "not-a-training-call": (
        """
        import torch

        def test_mirror(tmp_path):
            hub.snapshot(repo, output_dir=tmp_path)
            state = torch.load(tmp_path / "checkpoint_2.pth")
        """,
        "tests/test_mirror.py",
        HIGH,
    ),
    "folder-given-positionally": (
        """
        import torch

        def test_positional(tmp_path):
            clf.fit(X, tmp_path)
            state = torch.load(tmp_path / "checkpoint_2.pth")
        """,
        "tests/test_positional.py",
        HIGH,
    ),
    "another-folder": (
        """
        import torch

        def test_other(tmp_path, cache_dir):
            clf.fit(X, y, output_dir=tmp_path)
            state = torch.load(cache_dir / "checkpoint_2.pth")
        """,
        "tests/test_other.py",
        HIGH,
    ),
}


@pytest.mark.parametrize("case", sorted(TRAINED))
def test_a_tests_reload_of_its_training_output_folder(case):
    code, filename, expected = TRAINED[case]
    found = fast_full_findings(code, ["MLW101", "MLW102"], filename=filename)
    assert [severity for _rule, _line, severity in found] == [expected], found


def test_a_glob_of_a_folder_the_projects_saver_filled_is_a_round_trip():
    code = """
    import torch

    def test_shards(tmp_path):
        model = build_model()
        model.save_pretrained(tmp_path)
        shards = sorted(tmp_path.glob("*.bin"))
        assert torch.load(shards[0])
    """
    assert fast_full_findings(code, ["MLW102"], filename="tests/test_shards.py") == []
    # a folder handed to a download first is not
    downloaded = code.replace("model.save_pretrained(tmp_path)", "download_shards(repo, tmp_path)")
    assert [s for _r, _l, s in fast_full_findings(downloaded, ["MLW102"], filename="tests/test_shards.py")] == [HIGH]
