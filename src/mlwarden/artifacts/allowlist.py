"""The pickle-global allowlist and the known code-execution gadgets.

An allowlist fails closed: a global is fine only if it is listed (exactly, or
as a public undotted attribute of a ``module.*`` entry). A denylist cannot:
every published bypass of picklescan-style scanners is a global the denylist
forgot. The gadget list below is therefore used only to rank what the
allowlist rejects — a gadget is *critical* (MLW601), anything else unknown is
*high* (MLW602).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Modules whose every attribute can run code, touch files/processes/the
#: network, or load another serialized object. Matched on any dotted
#: component of the module *and* of the attribute path (protocol 4 resolves
#: ``torch._utils`` + ``os.system`` by attribute traversal).
DANGEROUS_MODULES: Dict[str, str] = {
    "os": "runs commands and touches files",
    "posix": "os's implementation on POSIX (os.system)",
    "nt": "os's implementation on Windows (os.system)",
    "_posixsubprocess": "spawns processes",
    "_winapi": "spawns processes",
    "subprocess": "runs commands",
    "pty": "spawns a shell",
    "commands": "runs commands (Python 2)",
    "popen2": "runs commands (Python 2)",
    "platform": "platform.popen runs commands (Python 2)",
    "socket": "opens network connections",
    "ssl": "opens network connections",
    "http": "network client and server",
    "urllib": "downloads data",
    "urllib2": "downloads data",
    "requests": "downloads data",
    "httpx": "downloads data",
    "ftplib": "network client",
    "smtplib": "network client",
    "telnetlib": "network client",
    "xmlrpc": "network client",
    "ctypes": "calls native code",
    "_ctypes": "calls native code",
    "cffi": "calls native code",
    "marshal": "loads code objects",
    "pickle": "nested unpickling (pickle.loads) escapes the outer scan",
    "_pickle": "nested unpickling",
    "cPickle": "nested unpickling",
    "pickle5": "nested unpickling",
    "dill": "nested unpickling and code objects",
    "cloudpickle": "nested unpickling and code objects",
    "jsonpickle": "nested deserialization",
    "shelve": "nested unpickling",
    "shutil": "copies, moves and deletes files",
    "tempfile": "creates files",
    "glob": "reads the file system",
    "io": "io.open reads and writes files",
    "_io": "FileIO reads and writes files",
    "fileinput": "reads files",
    "linecache": "reads files",
    "webbrowser": "opens URLs / runs a browser command",
    "runpy": "runs modules and files",
    "importlib": "imports arbitrary modules",
    "imp": "imports arbitrary modules",
    "zipimport": "imports code from archives",
    "pkgutil": "pkgutil.resolve_name imports and returns any object",
    "pip": "pip.main installs and runs packages",
    "ensurepip": "installs packages",
    "setuptools": "builds and runs packages",
    "distutils": "builds and runs packages",
    "venv": "creates environments, runs pip",
    "code": "interactive interpreter: runs source",
    "codeop": "compiles source",
    "pdb": "debugger: runs source",
    "bdb": "debugger: runs source",
    "cProfile": "cProfile.run executes source",
    "profile": "profile.run executes source",
    "timeit": "timeit executes source",
    "trace": "trace runs source",
    "doctest": "doctest runs source",
    "pydoc": "pydoc.pipepager runs commands",
    "multiprocessing": "spawns processes",
    "concurrent": "runs callables in workers",
    "threading": "runs callables in threads",
    "_thread": "runs callables in threads",
    "asyncio": "asyncio subprocess transports spawn processes",
    "idlelib": "IDLE's shell runs source (idlelib.pyshell, idlelib.run)",
    "_pyrepl": "an interactive console: runs source",
    "rlcompleter": "evaluates expressions to complete them",
    "atexit": "registers callables that run at exit",
    "sched": "runs callables later",
    "compileall": "compiles and writes files",
    "py_compile": "compiles and writes files",
    "zipapp": "writes executable archives",
    "sqlite3": "opens databases, loads extensions",
    "cgitb": "writes tracebacks with local values to files",
    "winreg": "edits the Windows registry",
    "_winreg": "edits the Windows registry",
    "msvcrt": "console and process access on Windows",
    "_xxsubinterpreters": "runs source in a subinterpreter",
    "_interpreters": "runs source in a subinterpreter",
    "IPython": "runs shell commands and source",
    "jinja2": "templates can reach Python objects",
    "mako": "templates compile to Python",
    "lib2to3": "pgen's make_label evaluates strings",
    "aiohttp": "network client",
    "imaplib": "network client; IMAP4_stream runs a command",
    "poplib": "network client",
    "nntplib": "network client",
    "_aix_support": "runs commands",
    "_osx_support": "runs commands",
    "_operator": "",
    "signal": "installs signal handlers",
    "sys": "sys.modules / sys.settrace change the interpreter",
    "gc": "gc.get_objects reaches every object",
    "inspect": "reaches frames and globals",
    "builtins": "",  # see DANGEROUS_NAMES: only some builtins are gadgets
    "__builtin__": "",
    "__builtins__": "",
    "operator": "",
    "functools": "",
    "types": "",
    "numpy": "",
    "torch": "",
    "keras": "",
    "tensorflow": "",
}

#: Dangerous attributes of modules that are otherwise fine.
DANGEROUS_NAMES: Dict[str, str] = {
    "builtins.eval": "evaluates source",
    "builtins.exec": "executes source",
    "builtins.execfile": "executes a file (Python 2)",
    "builtins.compile": "compiles source to code",
    "builtins.getattr": "reaches any attribute (getattr chains build gadgets from allowed objects)",
    "builtins.setattr": "overwrites attributes",
    "builtins.delattr": "deletes attributes",
    "builtins.__import__": "imports any module",
    "builtins.open": "reads and writes files",
    "builtins.input": "reads stdin",
    "builtins.breakpoint": "starts a debugger",
    "builtins.globals": "reaches module globals",
    "builtins.locals": "reaches frame locals",
    "builtins.vars": "reaches object namespaces",
    "builtins.apply": "calls any callable (Python 2)",
    "builtins.exit": "ends the process",
    "builtins.quit": "ends the process",
    "builtins.help": "starts a pager (runs a command)",
    "builtins.memoryview": "raw memory access",
    "builtins.type": "creates classes with arbitrary methods",
    "builtins.super": "reaches parent attributes",
    "builtins.classmethod": "wraps callables",
    "builtins.staticmethod": "wraps callables",
    "builtins.property": "wraps callables",
    "builtins.map": "calls a callable lazily",
    "builtins.filter": "calls a callable lazily",
    "builtins.sorted": "calls key functions",
    "builtins.min": "calls key functions",
    "builtins.max": "calls key functions",
    "builtins.iter": "calls a callable until a sentinel",
    "builtins.next": "drives iterators (lazy calls)",
    "builtins.print": "writes output",
    "operator.attrgetter": "reaches any attribute",
    "operator.methodcaller": "calls any method",
    "operator.itemgetter": "reaches any item (gadget building block)",
    "operator.getitem": "reaches any item",
    "operator.call": "calls any callable",
    "functools.partial": "binds and defers a call of any callable",
    "functools.reduce": "calls a callable repeatedly",
    "functools.partialmethod": "binds a call",
    "types.CodeType": "builds a code object",
    "types.FunctionType": "builds a function from a code object",
    "types.MethodType": "binds a callable",
    "types.ModuleType": "creates modules",
    "types.LambdaType": "builds a function",
    "numpy.load": "nested unpickling (allow_pickle)",
    "joblib.load": "nested unpickling",
    "joblib.numpy_pickle.load": "nested unpickling",
    "numpy.testing._private.utils.runstring": "executes source",
    "numpy.ctypeslib.load_library": "loads a native library",
    "numpy.fromfile": "reads files",
    "numpy.save": "writes files",
    "numpy.savetxt": "writes files",
    "numpy.loadtxt": "reads files",
    "torch.load": "nested torch.load (can disable weights_only)",
    "torch.serialization.load": "nested torch.load",
    "torch.hub.load": "downloads and runs repository code",
    "torch.hub.load_state_dict_from_url": "downloads a nested checkpoint",
    "torch.classes.load_library": "loads a native library",
    "torch.ops.load_library": "loads a native library",
    "torch._C._jit_pass_lower_all_tuples": "",
    "torch.jit.load": "loads a TorchScript program",
    "torch.save": "writes files",
    "torch.serialization.save": "writes files",
    "torch.utils.cpp_extension.load": "compiles and loads native code",
    "torch.utils.cpp_extension.load_inline": "compiles and loads native code",
    "keras.models.load_model": "nested model load",
    "typing.get_type_hints": "evaluates annotation strings with eval",
    "typing._eval_type": "evaluates annotation strings with eval",
    "typing.ForwardRef": "ForwardRef._evaluate runs eval",
    "dataclasses._create_fn": "compiles a function from source with exec",
    "dataclasses._FuncBuilder": "compiles functions from source with exec",
    "logging.config": "logging.config.listen/dictConfig import and call any callable",
    "torch._dynamo": "compiles and runs bytecode",
    "torch._inductor": "compiles and loads generated code",
    "torch.fx.graph_module": "runs generated Python source",
    "torch.package": "imports code from a package archive",
    "torch.utils.collect_env": "runs shell commands",
    "torch.testing._internal": "test utilities that run commands",
    "numpy.f2py": "compiles and runs Fortran builds",
    "numpy.distutils": "builds and runs code",
    "pandas.read_pickle": "nested unpickling",
    "pandas.io.pickle": "nested unpickling",
    "pandas.io.clipboard": "runs clipboard commands",
    "pandas.eval": "evaluates expressions",
    "sklearn.utils._testing": "test utilities that run commands",
    "six.moves": "re-exports builtins, urllib and subprocess-like modules",
    "tensorflow.py_function": "runs a Python function",
    "tensorflow.numpy_function": "runs a Python function",
    "uuid._get_command_stdout": "runs commands",
    "_operator.attrgetter": "reaches any attribute",
    "_operator.methodcaller": "calls any method",
    "_operator.itemgetter": "reaches any item (gadget building block)",
    "_operator.call": "calls any callable",
    "torch.utils.bottleneck": "profiles (runs) source code",
    "torch.fx.experimental.symbolic_shapes": "evaluates guard expressions with eval",
    "torch.utils.data.datapipes.utils.decoder": "decodes pickles",
    "torch.jit.unsupported_tensor_ops": "execWrapper runs source",
    "torch.utils._config_module": "load_config unpickles",
    "test.support": "CPython's test helpers run scripts and commands",
    "logging.FileHandler": "creates and writes files",
    "logging.handlers": "writes files, sockets and e-mails",
    "keras.saving.load_model": "nested model load",
    "keras.config.enable_unsafe_deserialization": "disables keras safe_mode",
    "tensorflow.io.read_file": "reads files",
    "tensorflow.io.write_file": "writes files",
    "tensorflow.io.gfile.GFile": "reads and writes files",
    "tensorflow.load_library": "loads a native library",
    "tensorflow.load_op_library": "loads a native library",
}
DANGEROUS_NAMES = {k: v for k, v in DANGEROUS_NAMES.items() if v}

#: Attribute names that are a gadget whatever object they hang off
#: (``x.__globals__``, ``y.system``): checked on every dotted component.
DANGEROUS_ATTRS: FrozenSet[str] = frozenset(
    {
        "system", "popen", "popen2", "popen3", "spawn", "spawnl", "spawnv", "spawnve", "execv", "execve", "execl",
        "execvp", "fork", "forkpty", "startfile", "eval", "exec", "execfile", "compile", "__import__",
        "__builtins__", "__globals__", "__subclasses__", "__getattribute__", "__code__", "__class__", "__base__",
        "__bases__", "__mro__", "__dict__", "__reduce__", "__reduce_ex__", "__setstate__", "__init_subclass__",
        "f_globals", "f_locals", "f_back", "gi_frame", "loads", "load", "run_path", "run_module", "resolve_name",
        "import_module", "check_output", "check_call", "getoutput", "getstatusoutput", "Popen", "call", "run",
    }
)

_ALIASES = {"__builtin__": "builtins", "__builtins__": "builtins", "exceptions": "builtins", "cPickle": "pickle", "_pickle": "pickle"}


def canonical(module: str, name: str) -> str:
    """``module.name`` with pickle's Python 2 mappings (``__builtin__`` ->
    ``builtins``, ``copy_reg`` -> ``copyreg`` …) applied, as the unpickler
    does for protocols below 3."""
    import _compat_pickle

    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    elif module in _compat_pickle.IMPORT_MAPPING:
        module = _compat_pickle.IMPORT_MAPPING[module]
    return f"{module}.{name}"


def danger(qualname: str, module: Optional[str] = None) -> Optional[str]:
    """Why ``qualname`` is a known gadget, or None. Whitespace and Python 2
    spellings are normalised first: ``"os "`` and ``__builtin__.eval`` count.

    With ``module`` (the part the unpickler imports), a dangerous module name
    is matched on the module's first component and on every component of the
    attribute path (``torch._utils`` + ``os.system``), but not on the
    package's own submodules: ``numpy.random._pickle`` is numpy's, not
    Python's ``_pickle``. Without it, every component is matched."""
    parts = [p.strip() for p in qualname.split(".")]
    parts = [_ALIASES.get(p, p) for p in parts]
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in DANGEROUS_NAMES:
            return DANGEROUS_NAMES[prefix]
    submodules = range(1, len(module.split("."))) if module else range(0)
    for i, part in enumerate(parts):
        if i in submodules:
            continue
        reason = DANGEROUS_MODULES.get(part)
        if reason:
            return reason
    # attribute traversal: `torch._utils` + `os.system`, `x.__globals__` …
    for part in parts[1:]:
        if part in DANGEROUS_ATTRS:
            return f"`{part}` reaches code execution"
    return None


def ref_danger(ref) -> Optional[str]:
    """:func:`danger` of a :class:`~mlwarden.artifacts.report.GlobalRef`, as
    resolved and as written (Python 2 names)."""
    why = danger(ref.name, ref.module or None)
    if why is None and ref.raw != ref.name:
        why = danger(ref.raw, ref.raw_module or None)
    return why


@lru_cache(maxsize=1)
def builtin_allowlist() -> Tuple[int, Dict[str, str]]:
    """(version, {global: reason}) from data/pickle_allowlist.toml."""
    from importlib import resources

    text = resources.files("mlwarden").joinpath("data/pickle_allowlist.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return int(data.get("version", 0)), dict(data["globals"])


def allowed_by(qualname: str, entries: Iterable[str]) -> Optional[str]:
    """The entry of ``entries`` that allows ``qualname``, or None.

    ``a.b.C`` matches itself; ``a.b.*`` matches ``a.b.X`` for a public,
    undotted ``X``."""
    for entry in entries:
        if entry == qualname:
            return entry
        if entry.endswith(".*"):
            base = entry[:-2]
            if qualname.startswith(base + "."):
                rest = qualname[len(base) + 1 :]
                if rest and "." not in rest and not rest.startswith("_"):
                    return entry
    return None


def is_allowed(qualname: str, extra: Iterable[str] = ()) -> bool:
    _version, entries = builtin_allowlist()
    if qualname in entries:
        return True
    return allowed_by(qualname, [e for e in entries if e.endswith(".*")]) is not None or allowed_by(qualname, extra) is not None
