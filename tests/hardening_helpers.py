"""Helpers for the hardening tests (tests/test_hardening_*.py).

* :func:`fake_token` builds token-shaped strings at run time, so no
  credential-looking string is committed.
* :func:`plant` writes modules into a directory that record, in a marker
  directory, that they were executed; :func:`ran` lists the markers.
* :func:`unprivileged` is a ``preexec_fn`` that makes a root process obey
  file permissions (the tests and CI run as root, for whom ``chmod 000``
  stops nothing): it drops ``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH`` and
  ``CAP_FOWNER`` from the capability bounding set before ``exec``, so the
  program runs as root (and can still use the interpreter under ``/root``)
  but is refused what an ordinary user is refused. As a non-root user it
  does nothing: permissions already apply.
"""

from __future__ import annotations

import os
import random
import string
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

BIN = Path(sys.executable).parent


def fake_token(prefix: str = "ghp_", length: int = 36, seed: int = 1) -> str:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in body) and any(c.isupper() for c in body) and any(c.islower() for c in body):
            return prefix + body


def console(name: str) -> str:
    """The console script ``name`` of this environment."""
    path = BIN / name
    assert path.exists(), f"{path} missing: install the package (pip install -e .[test])"
    return str(path)


def clean_env(**extra: str) -> Dict[str, str]:
    """The environment without Python variables that would change imports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k not in ("MLWARDEN_DEBUG",)}
    env.update(extra)
    return env


# ---------------------------------------------------------------------------
# planted modules

#: modules mlwarden (or the front door in front of it) imports, planted as
#: files in the scanned repository: none may run through any front door
SHADOWED = (
    "argparse", "json", "typing", "re", "enum", "dataclasses", "pathlib", "tempfile", "hashlib",
    "subprocess", "shlex", "ast", "tokenize", "__future__", "pickletools", "zipfile", "struct",
    "difflib", "fnmatch", "glob", "textwrap", "string", "logging", "threading", "signal",
    # third-party names mlwarden imports
    "libcst", "nbformat", "yaml", "packaging", "detect_secrets", "tomli", "flake8",
    # the start-up hooks
    "sitecustomize", "usercustomize",
)
#: modules that ``python -m`` itself (runpy) imports before any mlwarden
#: code runs, and the package name itself: no program can protect these
#: under a plain ``python -m``; the isolated front doors must
BEFORE_MAIN = ("importlib", "runpy", "warnings", "collections", "types", "functools", "keyword", "operator", "reprlib", "mlwarden")


def plant(root: Path, marks: Path, names: Iterable[str] = SHADOWED) -> List[str]:
    """Write ``NAME.py`` for every name (and an ``evil.pth``) into ``root``;
    each writes ``marks/NAME`` when executed. Returns the planted names."""
    marks.mkdir(parents=True, exist_ok=True)
    planted = []
    for name in names:
        (root / f"{name}.py").write_text(f"open({str(marks / name)!r}, 'w').close()\n")
        planted.append(name)
    # a .pth line starting with `import` runs when its directory is a site dir
    (root / "evil.pth").write_text(f"import builtins; builtins.open({str(marks / 'evil.pth')!r}, 'w').close()\n")
    planted.append("evil.pth")
    return planted


def ran(marks: Path) -> List[str]:
    return sorted(p.name for p in marks.iterdir()) if marks.exists() else []


# ---------------------------------------------------------------------------
# permissions as an ordinary user

_DROPPED_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
_PR_CAPBSET_DROP = 24


def unprivileged() -> None:  # pragma: no cover - runs in the child
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DROPPED_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_unprivileged(args: Sequence[str], cwd: Optional[Path] = None, input: Optional[str] = None) -> subprocess.CompletedProcess:
    """Run a program as an ordinary user would (see :func:`unprivileged`)."""
    return subprocess.run(
        list(args), cwd=cwd, input=input, capture_output=True, text=True, timeout=300,
        preexec_fn=unprivileged, env=clean_env(),
    )


def permissions_apply_check(tmp: Path) -> None:
    """Assert that :func:`run_unprivileged` really is refused an 0444 file
    (so a permission test cannot pass vacuously)."""
    probe = tmp / "probe-readonly.txt"
    probe.write_text("x")
    probe.chmod(0o444)
    proc = run_unprivileged([sys.executable, "-c", f"open({str(probe)!r}, 'a')"])
    probe.chmod(0o644)
    assert proc.returncode != 0 and "Permission denied" in proc.stderr, proc.stderr
