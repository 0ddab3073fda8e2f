from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, List, Optional, Tuple

from packaging.version import Version

from mlwarden.core import lazyre
from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import add_keyword, notebook_json
from mlwarden.rules._roundtrip import RoundTripAware, analysis_for
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

#: calls that open a tar archive
TAR_OPEN = ("tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open", "tarfile.TarFile.taropen", "tarfile.TarFile.gzopen", "tarfile.TarFile.bz2open", "tarfile.TarFile.xzopen")
UNPACK = ("shutil.unpack_archive",)
EXTRACT_METHODS = frozenset({"extractall", "extract"})
#: TarFile class methods that open an archive
OPENERS = frozenset({"open", "taropen", "gzopen", "bz2open", "xzopen"})
#: filter values that refuse members escaping the destination
SAFE_FILTERS = frozenset({"data", "tar"})
SAFE_FILTER_FUNCS = frozenset({"tarfile.data_filter", "tarfile.tar_filter"})
UNSAFE_FILTER_FUNCS = frozenset({"tarfile.fully_trusted_filter"})
#: Python 3.14 made "data" the default filter
PYTHON_SAFE_DEFAULT = Version("3.14")
#: a member check that tests for a path leaving the destination: absolute,
#: `..`, or outside it once resolved (`relative_to`, `commonpath`, `realpath`)
_ESCAPE_TEST = lazyre.compile(
    r"is_absolute\(|isabs\(|[\"']\.\.[\"'/]|relative_to\(|is_relative_to\(|commonpath\(|commonprefix\(|relpath\(|realpath\(|abspath\(|\.resolve\("
)
#: ... and for links (`issym()`/`islnk()`, or only regular files and directories allowed: `isfile()`/`isreg()`)
_LINK_TEST = lazyre.compile(r"\.(?:issym|islnk|isfile|isreg)\(")
#: ... that rejects the member (a check that only logs lets it through)
_REJECTS = lazyre.compile(r"\braise\b")
#: wrappers of an iterable that keep its items (``enumerate(safe, 1)``)
_SAME_ITEMS = frozenset({"enumerate", "sorted", "list", "tuple", "reversed", "iter"})
#: feature-test fallbacks that give tarfile's safe filter where it exists
_SAFE_FILTER_NAMES = frozenset({"data_filter", "tar_filter"})
#: calls that read a function without running it (a feature test such as
#: ``"filter" in inspect.signature(tar.extractall).parameters``)
_INTROSPECTION = frozenset({
    "inspect.signature", "inspect.getfullargspec", "inspect.getargspec", "inspect.getsource", "inspect.getdoc",
    "inspect.isfunction", "inspect.ismethod", "inspect.isroutine", "inspect.unwrap",
})
#: the same among the builtins (a name the module does not bind)
_INTROSPECTION_BUILTINS = frozenset({"callable", "hasattr", "id", "repr", "str", "type", "isinstance", "print", "help", "dir", "vars"})

#: a function that calls an extraction it is handed with a filter of its own
_PASSES_FILTER = lazyre.compile(r"\bfilter\s*=")
#: ... and, for a function handed the whole archive, goes over its members
_OVER_MEMBERS = lazyre.compile(r"getmembers\(|getnames\(|\bfor\b")


class ArchiveExtractionWithoutFilter(RoundTripAware, ParamDefaults, CodeRule):
    """## What it does
    Flags extracting a tar archive without an extraction filter that keeps
    members inside the destination:

    - `TarFile.extractall(...)` and `TarFile.extract(...)` on an archive
      opened with `tarfile.open` / `tarfile.TarFile`, or a subclass of
      `TarFile` defined in the module (inline, inside `contextlib.closing`,
      bound to a name in the same function or module, or by a `with`
      statement; when a name is rebound, the binding that reaches the call
      decides) or on a parameter annotated `tarfile.TarFile`, without
      `filter="data"` or `filter="tar"` (or `tarfile.data_filter` /
      `tarfile.tar_filter`, or `extraction_filter` set to one of them, also
      through the feature-test shim `getattr(tarfile, "tar_filter",
      fallback)`);
      `filter="fully_trusted"` is reported too;
    - the bound method handed over as a value, not called
      (`_unpack(dest, tar.extractall)`, `functools.partial(tar.extract,
      path=d)`): the call it is handed to runs it without a filter unless
      it gives one (a `partial` with `filter="data"`, or a function of the
      module that passes `filter=` where it calls it);
    - `shutil.unpack_archive(...)` without `filter="data"`/`"tar"`, unless
      the archive is a literal `.zip` path (zip extraction already strips
      `..` and absolute paths).

    Not reported: a `members=` argument that filters members (a
    `safe_members(tar)` helper, a comprehension with a condition, a list the
    function builds); `members=None`, the archive itself, its
    `getmembers()`, a comprehension over them without a condition, and a
    parameter of the enclosing function (the caller's selection: its names
    are still the archive's, and nothing in the function keeps them inside
    the destination) filter nothing and are reported. Not reported either:
    a custom filter callable, `.extractall` on an object that is not a tar
    archive we can see (`zipfile.ZipFile`, a class of your own), and
    archives the same function just wrote (see MLW101).

    Members the project checks itself, earlier in the same function: a loop
    over them (`for m in tar.getmembers():`, or over a name bound to them,
    `members = tar.getmembers()` … `for m in members:`) whose body,
    or a function of the module it calls (`_check_member(m, dest)`), raises
    for a path that leaves the destination (absolute, `..`, or outside it
    once resolved: `is_absolute()`, `relative_to`, `commonpath`, …), or a
    function of the module handed the archive that goes over its members and
    does the same (`ensure_inside(tar, dest)`). When the check also rejects
    links (`issym()`/`islnk()`, or only `isfile()` members allowed), the
    extraction is not reported; when it does not, it is reported low and
    the message names the check: a symlink member can still point outside
    the destination. Members extracted one by one from a list
    (`for m in safe: tar.extract(m, d)`) that a loop over the archive's
    members built (`safe.append(m)`) count as checked when that loop skips
    (`continue`) or rejects (`raise`) a member in an `if` that tests for a
    path leaving the destination.

    ## Why is this bad?
    A tar member may be named `../../home/user/.bashrc`, be an absolute path,
    or be a symlink pointing outside the destination followed by a file
    written through it. Before Python 3.14 `extractall` follows all of these
    by default (CVE-2007-4559), so extracting a downloaded model, dataset or
    checkpoint archive lets its author overwrite any file the process can
    write: shell start-up files, `site-packages`, SSH keys, which turns the
    download into code execution.

    ## Example
    ```python
    import tarfile

    with tarfile.open("model.tar.gz") as tar:
        tar.extractall("models/")
    ```

    ## Use instead
    ```python
    import tarfile

    with tarfile.open("model.tar.gz") as tar:
        tar.extractall("models/", filter="data")
    ```
    `filter="data"` exists since Python 3.12 and in the security releases
    3.8.17, 3.9.17, 3.10.12 and 3.11.4.

    ## Fix safety
    The fix adds `filter="data"`. It is **unsafe**: archives that hold links
    pointing outside the destination, device files or absolute paths now
    fail to extract, and Python releases older than the ones above reject
    the argument.

    ## Version awareness
    Python 3.14 made `"data"` the default filter: nothing is reported when
    `assume-versions = {python = "3.14"}` (or later) is configured.

    ## References
    - [Python docs: tarfile extraction filters](https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter)
    - [PEP 706 – Filter for tarfile.extractall](https://peps.python.org/pep-0706/)
    - [CVE-2007-4559](https://nvd.nist.gov/vuln/detail/CVE-2007-4559)
    - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW210"
    name = "archive-extraction-without-filter"
    severity = Severity.MEDIUM
    cwe = (22, 73)
    owasp = ("ML06:2023",)
    message = "`TarFile.extractall` without `filter=\"data\"` lets archive members write outside the destination (CVE-2007-4559); pass `filter=\"data\"`"
    triggers = frozenset({"tarfile", "unpack_archive"})

    VALID = [
        # introspection reads the method (a feature test for `filter=`), never runs it
        Valid("import inspect, tarfile\nwith tarfile.open(p) as tar:\n    if 'filter' in inspect.signature(tar.extractall).parameters:\n        tar.extractall(d, filter='data')"),
        Valid("from inspect import getfullargspec as spec\nimport tarfile\ntar = tarfile.open(p)\nnames = spec(tar.extractall).args\ntar.extractall(d, filter='data')"),
        Valid("import tarfile\ntar = tarfile.open(p)\nif callable(tar.extract):\n    tar.extract('m', d, filter='data')"),
        Valid("import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(d, filter='data')"),
        Valid("import tarfile\ntarfile.open(p).extractall(d, filter=tarfile.tar_filter)"),
        Valid("import tarfile\ntar = tarfile.open(p)\ntar.extractall(d, members=safe_members(tar))"),
        Valid("import tarfile\ntar = tarfile.open(p)\ntar.extraction_filter = tarfile.data_filter\ntar.extractall(d)"),
        Valid("import zipfile\nwith zipfile.ZipFile(p) as zf:\n    zf.extractall(d)"),
        Valid("import shutil\nshutil.unpack_archive('weights.zip', d)"),
        Valid("import shutil\nshutil.unpack_archive(p, d, filter='data')"),
        Valid("import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(d)", options={"assume-versions": {"python": "3.14"}}),
        Valid("class Store:\n    def extractall(self, path):\n        pass\nStore().extractall('x')"),
        Valid("import tarfile\ndef unpack(p, d):\n    with tarfile.open(p) as tf:\n        keep = [m for m in tf.getmembers() if m.name.startswith('weights/')]\n        tf.extractall(d, members=keep)"),
        Valid("import tarfile\nmode = 'fully_trusted'\nmode = 'data'\ntarfile.open(p).extractall(d, filter=mode)"),
        Valid("import tarfile\nbundle = tarfile.open(p)\nbundle = Store(p)\nbundle.extractall(d)"),
    ]
    INVALID = [
        Invalid(
            "import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(d)",
            fixed="import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(d, filter=\"data\")",
            unsafe_fix=True,
        ),
        Invalid("import tarfile\ntarfile.open(path).extractall(save_path)",
                fixed="import tarfile\ntarfile.open(path).extractall(save_path, filter=\"data\")", unsafe_fix=True),
        Invalid("import tarfile as tf\nt = tf.open(mode='r', fileobj=fobj)\nt.extract(member, out)"),
        Invalid("import tarfile\ntarfile.open(p).extractall(d, filter='fully_trusted')"),
        Invalid("from shutil import unpack_archive\nunpack_archive(downloaded, 'data/')",
                fixed="from shutil import unpack_archive\nunpack_archive(downloaded, 'data/', filter=\"data\")", unsafe_fix=True),
        Invalid("import tarfile\nclass Loader:\n    def __init__(self, p):\n        self.tar = tarfile.open(p)\n    def unpack(self, d):\n        self.tar.extractall(d)  # error: MLW210"),
        Invalid(notebook_json("import tarfile\ntar = tarfile.open('data.tgz')", "tar.extractall()"), filename="example.ipynb"),
        Invalid("from tarfile import TarFile\ndef unpack(tar: TarFile, dest):\n    tar.extract('m', dest)"),
        Invalid("import tarfile as tf\nclass Bundle(tf.TarFile):\n    pass\nwith Bundle.open(p) as b:\n    b.extractall(d, members=b.getmembers())"),
        Invalid("import tarfile\nbundle = Store(p)\nbundle = tarfile.open(p)\nbundle.extractall(d)"),
        Invalid("import tarfile\ndef unpack(p, d, chosen):\n    with tarfile.open(p) as tf:\n        tf.extractall(d, members=chosen)"),
        Invalid("import tarfile\ndef unpack(p, d):\n    with tarfile.open(p) as tf:\n        every = (m for m in tf.getmembers())\n        tf.extractall(d, members=every)"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        if self.ctx.call_to(node, UNPACK):
            self._unpack(node)
            return
        self._handed_over(node)
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in EXTRACT_METHODS:
            return
        opened = self._tar_source(func.value)
        if opened is None:
            return
        method = func.attr.value
        if method == "extractall" and self.ctx.keyword(node, "members")[0] is not False and not self._all_members(node, func.value):
            return  # members chosen by the caller (or hidden in **kwargs)
        verdict = self._filter_verdict(node, func.value)
        if verdict == "safe" or self._python_default_safe():
            return
        if isinstance(opened, cst.Call) and self.round_trip(node, "tarfile.open", self.ctx.arg(opened, 0, "name")):
            return
        if verdict == "none":
            checked = self._members_checked(node, func.value)
            if checked is not None:
                checker, links = checked
                if not links:
                    self.report(
                        node,
                        f"`TarFile.{method}` without `filter=\"data\"`: `{checker}` above rejects member paths that leave the destination but not links, "
                        "and a symlink member can still point outside it (CVE-2007-4559); pass `filter=\"data\"`",
                        severity=Severity.LOW,
                    )
                return  # the project's own check rejects paths and links that leave the destination
        self._report(node, f"TarFile.{method}", verdict)

    def _handed_over(self, node: Any) -> None:
        """``TarFile.extractall`` handed to a call as a value, not called
        (``_gen_unpack(dest, members, tf.extractall)``,
        ``functools.partial(tar.extract, path=d)``): the call it is handed
        to runs it with arguments this line does not show. Reported unless
        the call gives a safe ``filter=`` itself (a ``partial``), the
        method's Python already filters, or the module's function it is
        handed to passes a ``filter=`` where it calls it."""
        for arg in node.args:
            value = arg.value
            if not (isinstance(value, cst.Attribute) and value.attr.value in EXTRACT_METHODS) or self._tar_source(value.value) is None:
                continue
            called = self.ctx.qualnames(node.func)
            if called & _INTROSPECTION or (not called and isinstance(node.func, cst.Name) and node.func.value in _INTROSPECTION_BUILTINS):
                return  # `inspect.signature(tar.extractall)`, `callable(tar.extract)`: reads the method, never runs it
            if self._filter_verdict(node, value.value) == "safe" or self._python_default_safe():
                return
            callee = node.func.value if isinstance(node.func, cst.Name) else ""
            text = self._function_text(callee) if callee else ""
            if text and _PASSES_FILTER.search(text):
                return  # the project's function calls it with a filter of its own
            self.report(
                value,
                f"`TarFile.{value.attr.value}` handed to `{_code(self.ctx, node.func)}` as a value runs without `filter=\"data\"` unless that call passes one, "
                "and lets archive members write outside the destination (CVE-2007-4559) before Python 3.14; pass `filter=\"data\"` (`functools.partial(tar.extractall, filter=\"data\")`)",
            )
            return

    def _unpack(self, node: Any) -> None:
        verdict = self._filter_verdict(node, None)
        if verdict == "safe" or self._python_default_safe():
            return
        archive = self.ctx.arg(node, 0, "filename")
        fmt = self.resolve(self.ctx.arg(node, 2, "format")) if self.ctx.arg(node, 2, "format") is not None else None
        name = self.resolve(archive) if archive is not None else None
        if fmt == "zip" or (isinstance(name, str) and name.lower().endswith(".zip") and fmt is None):
            return  # zip extraction strips `..` and absolute paths
        self._report(node, "shutil.unpack_archive", verdict)

    def _report(self, node: Any, what: str, verdict: str) -> None:
        if verdict == "trusted":
            self.report(node, f"`{what}(..., filter=\"fully_trusted\")` lets archive members write anywhere the process can (CVE-2007-4559); use `filter=\"data\"`")
            return
        fix = None
        if self.ctx.keyword(node, "filter")[0] is False and not any(a.star for a in node.args):
            fix = ((node, add_keyword(node, "filter", '"data"')),)
        self.report(
            node,
            f"`{what}` without `filter=\"data\"` lets archive members write outside the destination (CVE-2007-4559) before Python 3.14; pass `filter=\"data\"`",
            replace=fix,
            fix_description='add filter="data"',
        )

    def _all_members(self, node: Any, receiver: Any) -> bool:
        """``members=`` filters nothing we can see: ``None``, the archive
        itself or its ``getmembers()`` (every member, as with no
        ``members``), a comprehension over them without a condition, a
        local name bound only to one of these, or a parameter of the
        enclosing function (the caller's selection: its names are still the
        archive's, and nothing here keeps them inside the destination)."""
        members = self.ctx.keyword(node, "members")[1]
        if members is None:
            return False
        if self._every_member(members, receiver):
            return True
        if isinstance(members, cst.Name) and members.value != "None":
            values = self.reaching_values(members.value, members)
            if values and all(v is None for v in values):
                return any(members.value in scope for scope in self._param_stack())
            if len(values) != 1:
                return False
            members = values[0]
        return self._every_member(members, receiver)

    def _every_member(self, members: Any, receiver: Any) -> bool:
        if isinstance(members, cst.Name) and members.value == "None":
            return True
        if isinstance(members, (cst.ListComp, cst.GeneratorExp)) and members.for_in.inner_for_in is None and not members.for_in.ifs:
            if isinstance(members.elt, cst.Name) and isinstance(members.for_in.target, cst.Name) and members.elt.value == members.for_in.target.value:
                members = members.for_in.iter  # [m for m in tar.getmembers()]: all of them
        if isinstance(members, cst.Call) and isinstance(members.func, cst.Attribute) and members.func.attr.value == "getmembers" and not members.args:
            members = members.func.value
        return _code(self.ctx, members) == _code(self.ctx, receiver)

    # -- members the project checks itself ---------------------------------------------
    def _members_checked(self, node: Any, receiver: Any) -> Optional[Tuple[str, bool]]:
        """(the check shown, whether it rejects links too) when, earlier in
        the enclosing function, a loop over the extracted members (or the
        archive's) rejects paths that leave the destination, in its body or
        in a function of this module it calls, or a function of this module
        handed the archive goes over its members and does; None otherwise."""
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        if not functions:
            return None
        loops, calls = _before(functions[-1], node)
        archive = _code(self.ctx, receiver)
        members = self.ctx.keyword(node, "members")[1]
        iterated = {archive, f"{archive}.getmembers()", f"{archive}.getnames()"}
        if members is not None:
            iterated.add(_code(self.ctx, members))
        # `for member in enumerate(safe, 1): tar.extract(member, d)`: the members extracted are those a loop
        # over the archive's appended to `safe`; a check there may skip a member (`continue`) as well as raise
        built = self._extracted_from(node, loops)
        found: Optional[Tuple[str, bool]] = None
        for loop in loops:
            if not self._over_members(loop.iter, iterated):
                continue
            texts = [self.ctx.module.code_for_node(loop.body)]
            called = [c for c in _nodes_of(loop.body, cst.Call) if isinstance(c.func, cst.Name)]
            texts += [t for t in (self._function_text(c.func.value) for c in called) if t]
            text = "\n".join(texts)
            if built is not None and f"{built}.append(" in "".join(texts[0].split()):
                escapes = self._skips_escaping(loop.body)  # the list holds only the members its checks let through
            else:
                escapes = bool(_ESCAPE_TEST.search(text) and _REJECTS.search(text))
            if escapes:
                shown = next((f"{c.func.value}(...)" for c in called if self._function_text(c.func.value)), f"for ... in {_code(self.ctx, loop.iter)}")
                found = (shown, bool(_LINK_TEST.search(text)))
                if found[1]:
                    return found
        for call in calls:
            if not isinstance(call.func, cst.Name) or not any(_code(self.ctx, a.value) == archive for a in call.args):
                continue
            text = self._function_text(call.func.value)
            if text and _OVER_MEMBERS.search(text) and _ESCAPE_TEST.search(text) and _REJECTS.search(text):
                found = (f"{call.func.value}(...)", bool(_LINK_TEST.search(text)))
                if found[1]:
                    return found
        return found

    def _skips_escaping(self, body: Any) -> bool:
        """An ``if`` of ``body`` tests for a path leaving the destination
        and skips (``continue``) or rejects (``raise``) the member."""
        for branch in _nodes_of(body, cst.If):
            if _ESCAPE_TEST.search(self.ctx.module.code_for_node(branch.test)) and (_nodes_of(branch.body, cst.Continue) or _nodes_of(branch.body, cst.Raise)):
                return True
        return False

    def _over_members(self, iterable: Any, iterated: set) -> bool:
        """``iterable`` is the archive's members: one of ``iterated``, or a
        name whose bindings reaching it are (``members = tf.getmembers()``
        … ``for m in members:``)."""
        if _code(self.ctx, iterable) in iterated:
            return True
        if isinstance(iterable, cst.Name):
            values = self.reaching_values(iterable.value, iterable)
            return bool(values) and all(v is not None and not isinstance(v, cst.Name) and _code(self.ctx, v) in iterated for v in values)
        return False

    def _extracted_from(self, node: Any, loops: List[Any]) -> Optional[str]:
        """For ``extract(member, ...)`` inside ``for member in X`` (or
        ``enumerate(X)``, ``sorted(X)``, …; ``X`` a name): ``X``; else None."""
        if not node.args or not isinstance(node.args[0].value, cst.Name):
            return None
        member = node.args[0].value.value
        for loop in reversed(loops):
            targets = [loop.target] if isinstance(loop.target, cst.Name) else [e.value for e in getattr(loop.target, "elements", [])]
            if not any(isinstance(t, cst.Name) and t.value == member for t in targets):
                continue
            source = loop.iter
            while isinstance(source, cst.Call) and isinstance(source.func, cst.Name) and source.func.value in _SAME_ITEMS and source.args:
                source = source.args[0].value
            return source.value if isinstance(source, cst.Name) else None
        return None

    def _function_text(self, name: str) -> str:
        """The source of the module-level function ``name`` (read from the
        whole file's ``ast`` facts, so the fast path sees it too), with the
        functions of the module it calls by name, one level down; "" when
        the module defines no such function or rebinds the name."""
        facts = self.ctx.facts
        function = facts.functions.get(name)
        if function is None or name in facts.ambiguous:
            return ""
        lines = self.unit.code.source.splitlines()
        text = "\n".join(lines[function.lineno - 1:function.end_lineno])
        for inner in sorted({n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)} - {name}):
            callee = facts.functions.get(inner)
            if callee is not None:
                text += "\n" + "\n".join(lines[callee.lineno - 1:callee.end_lineno])
        return text

    def _filter_verdict(self, node: Any, receiver: Optional[Any]) -> str:
        """"safe", "trusted" (fully_trusted) or "none"."""
        present, value = self.ctx.keyword(node, "filter")
        if present is None:
            return "safe"  # hidden in **kwargs: cannot tell, benefit of the doubt
        if present:
            resolved = self.resolve(value)
            if resolved is UNKNOWN and isinstance(value, cst.Name):
                # a name rebound on the way (`f = "fully_trusted"` … `f = "data"`): the value that reaches here
                local = self.local_value(value)
                if local is None:
                    return "none"
                resolved = local
            if isinstance(resolved, str):
                return "safe" if resolved in SAFE_FILTERS else "trusted" if resolved == "fully_trusted" else "none"
            names = self.ctx.qualnames(value)
            if names & UNSAFE_FILTER_FUNCS:
                return "trusted"
            return "safe" if names & SAFE_FILTER_FUNCS or not (isinstance(value, cst.Name) and value.value == "None") else "none"
        if receiver is not None and self._extraction_filter_set(receiver):
            return "safe"
        return "none"

    def _extraction_filter_set(self, receiver: Any) -> bool:
        """``tar.extraction_filter = <safe filter>`` (or on ``TarFile``) in
        this module."""
        target_code = _code(self.ctx, receiver)
        for node in _nodes_of(self.ctx.module, cst.Assign):
            for target in node.targets:
                t = target.target
                if isinstance(t, cst.Attribute) and t.attr.value == "extraction_filter":
                    owner = _code(self.ctx, t.value)
                    if owner == target_code or "tarfile.TarFile" in self.ctx.qualnames(t.value):
                        value = node.value
                        if isinstance(value, cst.Call) and value.args and _code(self.ctx, value.func) == "getattr" and len(value.args) >= 2:
                            # getattr(tarfile, "tar_filter", fallback): the safe filter on every Python that has one
                            name = value.args[1].value
                            if isinstance(name, cst.SimpleString) and name.evaluated_value in _SAFE_FILTER_NAMES and "tarfile" in self.ctx.qualnames(value.args[0].value):
                                return True
                        if isinstance(value, cst.Call) and value.args:  # staticmethod(tarfile.data_filter)
                            value = value.args[0].value
                        if self.ctx.qualnames(value) & SAFE_FILTER_FUNCS:
                            return True
        return False

    def _python_default_safe(self) -> bool:
        try:
            from mlwarden.core.versions import project_versions

            low = project_versions(self.config, self.unit.path).minimum("python")
        except Exception:  # a version problem must never hide a finding
            return False
        return low is not None and low >= PYTHON_SAFE_DEFAULT

    # -- which object is a tar archive -------------------------------------------
    def _is_tar_open(self, expr: Any) -> bool:
        if isinstance(expr, cst.Call) and expr.args and self.ctx.call_to(expr, ("contextlib.closing",)):
            expr = expr.args[0].value  # `with closing(tarfile.open(p)) as tar`
        if not isinstance(expr, cst.Call):
            return False
        if self.ctx.call_to(expr, TAR_OPEN) is not None:
            return True
        # a subclass of TarFile defined in this module: `MyTar(...)`, `MyTar.open(...)`
        func = expr.func
        if isinstance(func, cst.Attribute) and func.attr.value in OPENERS:
            func = func.value
        return isinstance(func, cst.Name) and self._tar_subclass(func.value)

    def _tar_subclass(self, name: str, depth: int = 0) -> bool:
        cls = self.ctx.constants.classes.get(name)
        if cls is None or depth > 5:
            return False
        for base in cls.bases:
            if "tarfile.TarFile" in self.ctx.qualnames(base.value):
                return True
            if isinstance(base.value, cst.Name) and self._tar_subclass(base.value.value, depth + 1):
                return True
        return False

    def _tar_source(self, receiver: Any) -> Optional[Any]:
        """The ``tarfile.open(...)`` call ``receiver`` came from, or None."""
        if self._is_tar_open(receiver):
            return receiver
        values: List[Any] = []
        if isinstance(receiver, cst.Name):
            if self._annotated_tar(receiver.value):
                return receiver  # `def f(tar: tarfile.TarFile)`: the caller opened it
            values = self.reaching_values(receiver.value, receiver)
        elif isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and receiver.value.value in ("self", "cls"):
            classes = [n for n in self._rt_stack() if isinstance(n, cst.ClassDef)]
            if classes:
                values = list(analysis_for(self.ctx).class_attrs(classes[-1]).get(receiver.attr.value, ()))
        if values and all(self._is_tar_open(v) for v in values):
            return values[0]
        return None

    def _annotated_tar(self, name: str) -> bool:
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        if not functions:
            return False
        found = analysis_for(self.ctx).scope(functions[-1]).bindings.get(name)
        if not found or len(found) != 1 or found[0].kind != "param":
            return False
        annotation = getattr(found[0].node, "annotation", None)
        return annotation is not None and "tarfile.TarFile" in self.ctx.qualnames(annotation.annotation)


def _before(function: Any, target: Any) -> Tuple[List[Any], List[Any]]:
    """The ``for`` loops and calls of ``function`` (not inside nested
    functions or classes) that start before ``target``, in source order."""
    loops: List[Any] = []
    calls: List[Any] = []
    done = [False]

    class _Walk(cst.CSTVisitor):
        def on_visit(self, node: Any) -> bool:
            if done[0] or node is target:
                done[0] = True
                return False
            if node is not function and isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                return False
            if isinstance(node, cst.For):
                loops.append(node)
            elif isinstance(node, cst.Call):
                calls.append(node)
            return True

    function.body.visit(_Walk())
    return loops, calls


def _code(ctx: Any, node: Any) -> str:
    return "".join(ctx.module.code_for_node(node).split())


def _nodes_of(node: Any, kind: Any) -> List[Any]:
    """Every ``kind`` node (a libcst class) under ``node``, in source order."""
    found: List[Any] = []

    class _Finder(cst.CSTVisitor):
        def on_visit(self, child: Any) -> bool:
            if isinstance(child, kind):
                found.append(child)
            return True

    node.visit(_Finder())
    return found
