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

On BASE (main c8a9efe) every "low" case below was high (1) or medium (2).
Case 1 goes through ``fast_full_findings``: fast path == equivalence mode.
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
