"""libcst's first import, with the code ``dataclasses`` generates kept on disk.

libcst's ~230 node classes are frozen dataclasses. Creating them makes
``dataclasses`` build the source of each generated method (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` …) and ``exec`` it:
about 980 compilations, half of the ~150 ms that ``import libcst`` costs, and
most of what a pre-commit run on one small file pays beyond Python's own
start-up.

:func:`load` imports libcst with the ``exec`` that ``dataclasses`` calls
replaced, for that import only, by one that looks the source text up in a
per-user file of compiled code objects (and compiles and remembers it when
it is not there). ``exec(text)`` and ``exec(compile(text, "<string>",
"exec", dont_inherit=True))`` run the same code, so the classes are the same;
the cache only saves the compiler's time, like ``__pycache__`` does for
modules. Nothing here reads, compiles or runs anything from the files
mlwarden checks.

The file is trusted the way Python trusts ``__pycache__``: it is read only
when it and its directory belong to the current user and nobody else can
write to them, and written atomically with mode 0600. Any problem (no home
directory, a read-only file system, a corrupt or foreign file, a Python whose
``dataclasses`` no longer calls ``exec`` by name) makes the import the plain
one: slower, never different. ``MLWARDEN_NO_CODE_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict, Optional

#: entries beyond which the file starts afresh (one libcst release needs ~1,000)
MAX_ENTRIES = 20_000
ENV_OFF = "MLWARDEN_NO_CODE_CACHE"

#: what the last :func:`load` did (read by the tests): entries read from the
#: file, compilations it had to do, and whether it wrote the file
last_stats: Dict[str, Any] = {}


def load() -> Any:
    """The ``libcst`` module (imported now, through the cache, if it was not yet)."""
    module = sys.modules.get("libcst")
    if module is not None:
        return module
    import dataclasses  # libcst's own first import

    path = None if os.environ.get(ENV_OFF) else cache_path()
    if path is None or "exec" in vars(dataclasses):
        import libcst

        return libcst
    codes = _read(path)
    misses: Dict[str, Any] = {}
    plain_exec = exec

    def cached_exec(source: Any, globals: Any = None, locals: Any = None) -> Any:
        if isinstance(source, str):
            code = codes.get(source)
            if code is None:
                code = misses.get(source)
                if code is None:
                    # dont_inherit: compile as `exec(text)` in dataclasses
                    # does, without this module's __future__ flags
                    code = misses[source] = compile(source, "<string>", "exec", dont_inherit=True)
            source = code
        return plain_exec(source, globals, locals)

    dataclasses.exec = cached_exec  # found before the builtin by dataclasses' own calls
    try:
        import libcst
    finally:
        try:
            del dataclasses.exec
        except AttributeError:
            pass
    last_stats.clear()
    last_stats.update(read=len(codes), compiled=len(misses), wrote=False)
    if misses:
        merged = {**codes, **misses} if len(codes) + len(misses) <= MAX_ENTRIES else misses
        last_stats["wrote"] = _write(path, merged)
    return libcst


def cache_path() -> Optional[str]:
    """``$XDG_CACHE_HOME/mlwarden/`` (``~/.cache/mlwarden/``) file for this
    Python (code objects are specific to one bytecode version), or None when
    there is no home directory."""
    root = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(root):
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        root = os.path.join(home, ".cache")
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(root, "mlwarden", f"dataclass-code-{tag}.marshal")


def _owned(item: str) -> bool:
    """Owned by this user, writable by nobody else (as ``__pycache__``)."""
    if not hasattr(os, "getuid"):
        return True  # Windows: the user profile's own permissions
    try:
        st = os.stat(item)
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _read(path: str) -> Dict[str, Any]:
    import marshal

    if not (_owned(path) and _owned(os.path.dirname(path))):
        return {}
    try:
        with open(path, "rb") as handle:
            data = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == sys.version and isinstance(data[1], dict)):
        return {}
    code_type = type(_read.__code__)
    return {k: v for k, v in data[1].items() if isinstance(k, str) and isinstance(v, code_type)}


def _write(path: str, codes: Dict[str, Any]) -> bool:
    import marshal
    import tempfile

    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _owned(directory):
            return False
        fd, tmp = tempfile.mkstemp(prefix=".dataclass-code-", dir=directory)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps((sys.version, codes)))
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, ValueError):
        return False
    return True

