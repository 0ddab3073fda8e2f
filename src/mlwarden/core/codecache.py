"""The code ``dataclasses`` generates for libcst and mlwarden, kept on disk.

libcst's ~230 node classes are frozen dataclasses, and so are many of
mlwarden's own records. Creating a dataclass makes ``dataclasses`` build the
source of each generated method (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` …) and ``exec`` it: about 1,100 compilations on
a run that reaches the rules, half of the ~150 ms that ``import libcst``
costs, and most of what a pre-commit run on one small file pays beyond
Python's own start-up.

Inside :func:`armed` (the whole ``mlwarden`` command; around ``import
libcst`` in the flake8 plugin and the language server, see :func:`load_libcst`)
the ``exec`` that ``dataclasses`` calls is one that looks the source text up
in a per-user file of compiled code objects, and compiles and remembers it
when it is not there. ``exec(text)`` and ``exec(compile(text, "<string>",
"exec", dont_inherit=True))`` run the same code, so the classes are the same;
the cache only saves the compiler's time, as ``__pycache__`` does for
modules. Only classes of the ``libcst`` and ``mlwarden`` packages use it;
nothing here reads, compiles or runs anything from the files mlwarden checks.

The files are trusted the way Python trusts ``__pycache__``: read only when
they and their directory belong to the current user and nobody else can
write to them, and written atomically with mode 0600. Any problem (no home
directory, a read-only file system, a corrupt or foreign file, a Python whose
``dataclasses`` does not call ``exec`` by name) gives the plain behaviour:
slower, never different. ``MLWARDEN_NO_CODE_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Dict, Iterator, Optional

#: packages whose dataclasses use the cache (one file each)
PACKAGES = ("libcst", "mlwarden")
#: entries beyond which a file starts afresh (one libcst release needs ~620)
MAX_ENTRIES = 20_000
ENV_OFF = "MLWARDEN_NO_CODE_CACHE"

#: package -> what the last armed block did with its file (read by the
#: tests): entries read, compilations it had to do, whether it wrote the file
last_stats: Dict[str, Dict[str, Any]] = {}


class _Session:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.codes: Dict[str, Dict[str, Any]] = {}  # package -> text -> code, read on first need
        self.misses: Dict[str, Dict[str, Any]] = {}

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> Any:  # noqa: A002 - exec's own names
        if isinstance(source, str):
            name = globals.get("__name__") if isinstance(globals, dict) else None
            package = name.partition(".")[0] if isinstance(name, str) else ""
            if package in PACKAGES:
                codes = self.codes.get(package)
                if codes is None:
                    codes = self.codes[package] = _read(self.path(package))
                    last_stats[package] = {"read": len(codes), "compiled": 0, "wrote": False}
                code = codes.get(source)
                if code is None:
                    # dont_inherit: compiled as `exec(text)` in dataclasses
                    # compiles it, without this module's __future__ flags
                    code = codes[source] = self.misses.setdefault(package, {})[source] = compile(source, "<string>", "exec", dont_inherit=True)
                    last_stats[package]["compiled"] += 1
                source = code
        return _PLAIN_EXEC(source, globals, locals)

    def path(self, package: str) -> str:
        return os.path.join(self.directory, f"dataclass-code-{sys.implementation.cache_tag or 'python'}-{package}.marshal")

    def flush(self) -> None:
        """Write the files that gained entries."""
        for package, missed in list(self.misses.items()):
            if not missed:
                continue
            codes = self.codes[package]
            keep = codes if len(codes) <= MAX_ENTRIES else missed
            last_stats[package]["wrote"] = _write(self.path(package), keep)
            missed.clear()


_PLAIN_EXEC = exec
_session: Optional[_Session] = None


@contextlib.contextmanager
def armed() -> Iterator[None]:
    """Dataclasses created in this block take their generated code from the
    cache (see the module docs); the files are written when it ends. A
    nested block does nothing."""
    global _session
    import dataclasses

    directory = None if os.environ.get(ENV_OFF) else cache_dir()
    if _session is not None or directory is None or "exec" in vars(dataclasses):
        yield
        return
    session = _session = _Session(directory)
    dataclasses.exec = session.exec  # found before the builtin by dataclasses' own calls
    try:
        yield
    finally:
        _session = None
        if vars(dataclasses).get("exec") == session.exec:
            del dataclasses.exec
        session.flush()


def load_libcst() -> Any:
    """The ``libcst`` module, imported now through the cache if it was not yet."""
    module = sys.modules.get("libcst")
    if module is not None:
        return module
    with armed():
        module = _partial_libcst()
        if module is None:
            import libcst as module
    if _session is not None:
        _session.flush()  # armed by the whole command: a language server runs for hours
    return module


def parse_module(source: str) -> Any:
    """``libcst.parse_module(source)`` for a ``str``: libcst's native parser
    called as its entry point calls it (``native.parse_module(source,
    encoding="utf-8")``, the encoding a ``str`` gets). Going straight there
    skips importing ``libcst._parser``'s entry points, configuration
    detection and pure-Python tokenizer, which a ``str`` never uses: 23 M of
    the ~630 M instructions of a one-file hook run. ``LIBCST_PARSER_TYPE=pure``
    (older libcst) or a libcst without ``native`` takes the entry point.
    tests/test_walkcst.py compares both trees on every package module."""
    cst = load_libcst()
    native = _native()
    if native is None:
        return cst.parse_module(source)
    return native.parse_module(source, encoding="utf-8")


def parse_expression(source: str) -> Any:
    """``libcst.parse_expression(source)`` through the native parser, as
    :func:`parse_module` (a fix's new argument: ``weights_only=True``)."""
    cst = load_libcst()
    native = _native()
    if native is None:
        return cst.parse_expression(source)
    return native.parse_expression(source)


_NATIVE: list = []


def _native() -> Any:
    """libcst's native parser module, or None where its entry points would
    not call it."""
    if not _NATIVE:
        module = None
        if os.environ.get("LIBCST_PARSER_TYPE", "").strip().lower() != "pure":
            try:
                from libcst import native as module

                module.parse_module, module.parse_expression  # noqa: B018 - both must exist
            except (ImportError, AttributeError):
                module = None
        _NATIVE.append(module)
    return _NATIVE[0]


#: what a run that reaches the rules uses of libcst: the node classes, the
#: visitors and the position provider (the parser is called directly:
#: :func:`parse_module`). The rest of
#: the package (scope and type-inference providers, codemod helpers, …) is
#: imported on first use of one of its names (core/lazypackage.py).
LIBCST_PARTS = (
    "libcst._nodes.expression",
    "libcst._nodes.statement",
    "libcst._nodes.module",
    "libcst._nodes.op",
    "libcst._nodes.whitespace",
    "libcst._visitors",
    "libcst.metadata.position_provider",
)
#: ``MLWARDEN_FULL_LIBCST=1``: import libcst plainly (for comparisons)
ENV_FULL_LIBCST = "MLWARDEN_FULL_LIBCST"


def _partial_libcst() -> Any:
    if os.environ.get(ENV_FULL_LIBCST):
        return None
    from mlwarden.core import lazypackage

    return lazypackage.load("libcst", ("libcst.metadata",), LIBCST_PARTS)


def cache_dir() -> Optional[str]:
    """``$XDG_CACHE_HOME/mlwarden`` (``~/.cache/mlwarden``), or None when
    there is no home directory."""
    root = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(root):
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        root = os.path.join(home, ".cache")
    return os.path.join(root, "mlwarden")


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
