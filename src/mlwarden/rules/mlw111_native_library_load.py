from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import re
from typing import Any

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults
from mlwarden.rules.mlw701_gradio_public_share import imports_module

TARGETS = (
    "torch.classes.load_library",
    "torch.ops.load_library",
    "torch._ops.ops.load_library",
    "tensorflow.load_library",
    "tensorflow.load_op_library",
    "tensorflow.python.framework.load_library.load_library",
    "tensorflow.python.framework.load_library.load_op_library",
    "numpy.ctypeslib.load_library",
    "tensorflow.experimental.register_filesystem_plugin",
    "tensorflow.python.framework.load_library.register_filesystem_plugin",
)
#: compilers that build and import native code from source
COMPILERS = ("numpy.f2py.compile",)
#: methods on an instance we cannot resolve (``SessionOptions()`` is usually
#: a variable): attribute -> the module the file must import
METHODS = {"register_custom_ops_library": "onnxruntime"}
#: loaders whose library, found in the package's own directory, is its own build
OWN_LIBRARY_LOADERS = frozenset(TARGETS) | {f"SessionOptions.{m}" for m in METHODS}
#: the name of an installed package's function that returns the path of the
#: library it ships (``onnxruntime_extensions.get_library_path()``)
_LIBRARY_FINDER = re.compile(r"(?:get|find)_?(?:lib|library|ops_library|op_library|custom_ops_library)_?(?:path|file|filename|location)?", re.IGNORECASE)


class NativeLibraryLoad(ParamDefaults, CodeRule):
    """## What it does
    Flags the ML frameworks' native-code loaders: `torch.classes.load_library`,
    `torch.ops.load_library`, `tf.load_library`, `tf.load_op_library`,
    `tf.experimental.register_filesystem_plugin`,
    `numpy.ctypeslib.load_library`, onnxruntime's
    `SessionOptions.register_custom_ops_library` (on any receiver, in a file
    that imports onnxruntime), and `numpy.f2py.compile`, which compiles
    Fortran source into an extension module and imports it.

    `f2py.compile` of source written in the code (a string literal, a
    module constant, a parameter's literal default) is not flagged: that
    source is the project's own code, reviewed like any other line; source
    computed at run time (read from a file, a parameter, user input) is.

    Severity follows where the library comes from: a literal path (or a
    module constant, or a parameter's literal default) names a file the
    project ships, so it is reported at low severity; a path computed at
    run time (a parameter, user input, a download) at medium severity.

    A package loading its own compiled ops is low too, with the reason in
    the message: the path is rooted in the package's own install directory,
    built from `__file__` (or `pkg.__file__`, `__path__`,
    `importlib.resources.files(...)`) through path joins, `dirname`,
    `Path(...).parent`, `glob`, lists and the results of the project's own
    functions (of the file, a method of the class, or a function imported
    from the project's own modules: `os.path.dirname(libinfo.find_lib_path()[0])`).
    A library that an installed package's own finder returns
    (`register_custom_ops_library(onnxruntime_extensions.get_library_path())`,
    a call of an imported module's `get_library_path`/`find_lib_path`-style
    function with literal arguments at most) is low as well: it is a file of
    that installed package, trusted as much as importing it. So is
    `self.path` / `cls.path` when the file sets that attribute only in
    methods of the same class, through their first parameter, and only to
    such a finder's result (`cls.path = get_library_path()` in a test's
    `setUpClass`, with `get_library_path` imported from the package); any
    other binding of the attribute name in the file (another class, a
    class-body value, `setattr`) keeps it medium.
    A file name joined below that root may come from anywhere
    (`_LIB_DIR / f"{name}.so"`). A parameter of the loading function, an
    environment variable, a download or an unknown call in the root keeps
    it medium; only the dynamic loader's own search path (`LD_LIBRARY_PATH`,
    `*_LIBRARY_PATH`, `PATH`), read by a library finder, does not count
    against it.

    ## Why is this bad?
    Loading a shared library (`.so`, `.dll`, `.dylib`) runs its initialisers
    with the full rights of the process, before any of its functions are
    called. Custom-op libraries are sometimes shipped next to model weights
    in a hub repository or a model archive; loading one from a downloaded or
    user-controlled path is remote code execution by design. Even a local
    relative path can be hijacked by whoever controls the working directory.

    ## Example
    ```python
    import torch

    torch.ops.load_library("downloads/custom_ops.so")
    ```

    ## Use instead
    ```python
    import custom_ops  # built from source and installed as a package
    ```
    Build custom ops from reviewed source as part of your package, load them
    from an absolute path you control, and never from a model download.
    Silence a reviewed call with `# noqa: MLW111`.

    ## Known problems
    `ctypes.CDLL`, `ctypes.cdll.LoadLibrary` and `cffi` are not flagged:
    they are general-purpose FFI calls that are common and mostly load
    system libraries (`libc`, `libcuda`), so flagging them would be noise
    in ML code. Use bandit or a general linter for those.

    ## References
    - [PyTorch docs: torch.ops.load_library](https://pytorch.org/docs/stable/library.html)
    - [TensorFlow docs: tf.load_op_library](https://www.tensorflow.org/api_docs/python/tf/load_op_library)
    - [CWE-114: Process Control](https://cwe.mitre.org/data/definitions/114.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW111"
    name = "native-library-load"
    severity = Severity.MEDIUM
    cwe = (114, 829)
    owasp = ("ML06:2023",)
    message = "`torch.ops.load_library` runs native code from the library file; load only libraries built from reviewed source at a path you control"
    # qualified (see engine.trigger_groups): `compile` alone is every torch.compile
    triggers = frozenset(TARGETS + COMPILERS) | frozenset(METHODS)

    VALID = [
        Valid("import torch\ntorch.ops.aten.add(a, b)"),
        Valid("import ctypes\nctypes.CDLL('libc.so.6')"),
        Valid("import tensorflow as tf\ntf.saved_model.load(path)"),
        Valid("from numpy import f2py\nf2py.get_include()"),
        Valid("import numpy.f2py as fp\nSRC = '      subroutine add(a)\\n      end'\nfp.compile(SRC, modulename='add')"),
        Valid("from numpy import f2py\ndef build(src='      subroutine z\\n      end'):\n    return f2py.compile(src, modulename='z')"),
        Valid("opts.register_custom_ops_library(path)"),
        Valid("import onnxruntime as ort\nopts = ort.SessionOptions()\nopts.enable_profiling = True"),
    ]
    INVALID = [
        Invalid("import torch\ntorch.classes.load_library('libops.so')"),
        Invalid("import torch\ntorch.ops.load_library(lib_path)"),
        Invalid("import tensorflow as tf\nmod = tf.load_op_library('./zero_out.so')"),
        Invalid("import tensorflow as tf\ntf.load_library(path)"),
        Invalid("import numpy as np\nlib = np.ctypeslib.load_library('libmy', '.')"),
        Invalid("from numpy.ctypeslib import load_library\nload_library('libmy', here)"),
        Invalid("import onnxruntime\nso = onnxruntime.SessionOptions()\nso.register_custom_ops_library(lib)"),
        Invalid("import onnxruntime as ort\nort.SessionOptions().register_custom_ops_library(get_library_path())"),
        Invalid("from numpy import f2py\ndef build(src):\n    return f2py.compile(src, modulename='mul')"),
        Invalid("from numpy import f2py\nwith open(path) as fh:\n    f2py.compile(fh.read(), modulename='ext')"),
        Invalid(notebook_json("from numpy import f2py as F", "F.compile(input(), modulename='sub')"), filename="example.ipynb"),
        Invalid("import tensorflow as tf\ntf.experimental.register_filesystem_plugin(plugin_path)"),
        Invalid(notebook_json("import torch", "torch.ops.load_library(downloaded_so)"), filename="example.ipynb"),
        Invalid("import os, torch\nHERE = os.path.dirname(os.path.abspath(__file__))\ntorch.ops.load_library(os.path.join(HERE, 'libops.so'))"),
        Invalid("import onnxruntime as ort\nimport onnxruntime_extensions as ext\nso = ort.SessionOptions()\nso.register_custom_ops_library(ext.get_library_path())"),
    ]

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self.__dict__.setdefault("_classes", []).append(node)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        classes = self.__dict__.get("_classes")
        if classes:
            classes.pop()

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target:
            self._report(node, target, self.ctx.arg(node, 0, "library_filename" if "register" not in target else "plugin_location"),
                         "runs native code from the library file; load only libraries built from reviewed source at a path you control")
            return
        target = self.ctx.call_to(node, COMPILERS)
        if target:
            source = self.ctx.arg(node, 0, "source")
            value = self.resolve(source) if source is not None else None
            if isinstance(value, (str, bytes)) and value.strip():
                return  # the Fortran source is written in the code: the project's own code, like a `def`
            self._report(node, target, source,
                         "compiles the given source into an extension module and imports it; compile only reviewed source at build time")
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in METHODS and imports_module(self.ctx, METHODS[func.attr.value]):
            self._report(node, f"SessionOptions.{func.attr.value}", self.ctx.arg(node, 0, "library_path"),
                         "loads a shared library of custom operators, running its native code; load only libraries built from reviewed source at a path you control")

    def _report(self, node: Any, target: str, source: Any, what: str) -> None:
        value = self.resolve(source) if source is not None else None
        literal = isinstance(value, str) and value != ""  # `path = ""` is a placeholder
        own = False
        if not literal and source is not None and target in OWN_LIBRARY_LOADERS:
            from mlwarden.core.project import own_directory_path  # reads the project's modules: only here

            own = own_directory_path(self, node, target.rsplit(".", 1)[-1])
        finder = None if literal or own or source is None else self._installed_finder(source)
        note = " (here a literal path the project ships)" if literal else ""
        if finder:
            note = f" (here the library that `{finder}()` of an imported package returns: as trusted as importing that package)"
        if own:
            note = " (here a library in the package's own install directory, located from its `__file__`: the package's own build)"
        self.report(node, f"`{target}` {what}{note}", severity=Severity.LOW if literal or own or finder else Severity.MEDIUM)

    def _installed_finder(self, source: Any) -> Any:
        """``pkg.get_library_path`` when ``source`` calls an imported
        module's library finder with literal arguments at most, or is
        ``self.<attr>``/``cls.<attr>`` of the enclosing class that every
        assignment in the file sets to such a call (see
        :meth:`_attribute_finder`), else None."""
        if isinstance(source, cst.Attribute):
            return self._attribute_finder(source)
        if not isinstance(source, cst.Call) or not isinstance(source.func, (cst.Attribute, cst.Name)):
            return None
        if any(not isinstance(arg.value, (cst.SimpleString, cst.Integer)) for arg in source.args):
            return None
        # the function's own name, whatever the file calls it (`get_library_path as lib`)
        found = sorted(q for q in self.ctx.qualnames(source.func) if "." in q and _LIBRARY_FINDER.fullmatch(q.rsplit(".", 1)[-1]))
        return found[0] if found else None

    def _attribute_finder(self, source: Any) -> Any:
        """``self.path`` / ``cls.path`` read in a method of the enclosing
        class, when the whole file (its ``ast``: the engine may hand the
        rule a slice) assigns an attribute of that name only in methods of
        that class (the one class of that name), through their first
        parameter (``cls.path = get_library_path()`` in ``setUpClass``),
        and every such value calls an imported package's library finder
        with literal arguments at most; no other binding of that attribute
        name anywhere in the file (``obj.path = x``, a class-body ``path =
        x``, an augmented, unpacked or loop target, any ``setattr``)."""
        classes = self.__dict__.get("_classes")
        if not classes or not isinstance(source.value, cst.Name) or source.value.value not in ("self", "cls"):
            return None
        from mlwarden.core.asttree import unit_ast

        tree = unit_ast(self.unit)
        code = getattr(self.unit, "code", None)
        if tree is None or code is None or "setattr" in code.source:
            return None
        return _attribute_finder(tree, classes[-1].name.value, source.attr.value)


def _attribute_finder(tree: Any, class_name: str, name: str) -> Any:
    """See :meth:`NativeLibraryLoad._attribute_finder` (on the file's ``ast``)."""
    import ast

    found_classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name]
    if len(found_classes) != 1:
        return None
    cls = found_classes[0]
    owners = {}  # id(target) -> the method's first parameter
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = stmt.args.posonlyargs + stmt.args.args
            if params:
                for node in ast.walk(stmt):
                    owners[id(node)] = params[0].arg
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == name for target in targets for t in ast.walk(target)):
                return None  # a class-body binding: not followed
    values = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            pairs = [(t, node.value) for t in node.targets]
        elif isinstance(node, ast.AnnAssign):
            pairs = [(node.target, node.value)]
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension)):
            pairs = [(node.target, None)]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            pairs = [(node.optional_vars, None)]
        elif isinstance(node, ast.NamedExpr):
            pairs = [(node.target, None)]
        else:
            continue
        for target, value in pairs:
            for leaf in ast.walk(target):
                if not (isinstance(leaf, ast.Attribute) and leaf.attr == name):
                    continue
                if leaf is not target or value is None or not isinstance(leaf.value, ast.Name) or owners.get(id(leaf)) != leaf.value.id:
                    return None
                values.append(value)
    if not values:
        return None
    finders = {_ast_finder(tree, value) for value in values}
    return finders.pop() if len(finders) == 1 and None not in finders else None


def _ast_finder(tree: Any, value: Any) -> Any:
    """``pkg.get_library_path`` when ``value`` (an ``ast`` node) calls an
    imported package's library finder with literal arguments at most:
    ``f()`` where the file binds ``f`` only by ``from pkg import f`` (any
    depth, absolute), or ``m.f()`` where it binds ``m`` only by ``import``."""
    import ast

    if not isinstance(value, ast.Call) or value.keywords or any(not isinstance(a, ast.Constant) for a in value.args):
        return None
    func = value.func
    if isinstance(func, ast.Name):
        bound, local = func.id, None
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        bound, local = func.value.id, func.attr
    else:
        return None
    origins = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) != bound:
                    continue
                if isinstance(node, ast.ImportFrom):
                    if local is not None or node.level or not node.module:
                        return None
                    origins.add(f"{node.module}.{alias.name}")
                else:
                    if local is None:
                        return None
                    origins.add(f"{alias.name if alias.asname else bound}.{local}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == bound:
            return None
        elif isinstance(node, ast.Name) and node.id == bound and isinstance(node.ctx, (ast.Store, ast.Del)):
            return None
        elif isinstance(node, ast.arg) and node.arg == bound:
            return None
    if len(origins) != 1:
        return None
    origin = origins.pop()
    return origin if _LIBRARY_FINDER.fullmatch(origin.rsplit(".", 1)[-1]) else None
