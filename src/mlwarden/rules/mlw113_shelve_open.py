from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware, _walk_nodes
from mlwarden.rules._helpers import notebook_json, root_words

TARGETS = ("shelve.open", "shelve.Shelf", "shelve.DbfilenameShelf", "shelve.BsdDbShelf")
#: the calls whose ``flag`` (second argument) names the dbm open mode
NEW_STORE = ("shelve.open", "shelve.DbfilenameShelf")


#: shelf methods that never unpickle a value: keys, writes, bookkeeping and
#: the raw ``dict`` of pickled bytes (``get``, ``items``, ``values``, ``pop``,
#: ``popitem``, ``setdefault`` and ``clear``, which pops items, read values)
_NO_READ_METHODS = frozenset({"keys", "close", "sync", "update", "dict", "__len__", "__contains__", "__iter__"})
#: builtins that take a shelf and see only its keys
_KEY_BUILTINS = frozenset({"len", "list", "set", "sorted", "tuple", "frozenset"})
NEVER_READ_NOTE = (
    " (low: this code never reads a value from the shelf `{}`: it uses only its keys, writes or the raw pickled bytes"
    " of `.dict`, and a shelf unpickles only when a value is read; the raw bytes are reported where they are loaded)"
)


def _creates_new(flag: object) -> bool:
    """A dbm flag that always creates a new, empty database (``"n"``, with
    gdbm's optional modifiers ``"nf"``/``"nu"``/``"ns"``)."""
    return isinstance(flag, str) and flag[:1] == "n" and set(flag[1:]) <= set("fsu")


class ShelveOpen(RoundTripAware, CodeRule):
    """## What it does
    Flags `shelve.open` and direct construction of `shelve.Shelf`,
    `shelve.DbfilenameShelf` and `shelve.BsdDbShelf`.

    A round trip is not flagged: data the same scope produced with the
    matching dump (an in-memory dump, a buffer only a serializer wrote
    into, or a file the same function just wrote to a temporary or literal
    path; see MLW101).

    ## Why is this bad?
    A shelf is a `dbm` database whose values are pickles: reading any key of a
    shelf file that someone else wrote unpickles it and can run arbitrary
    code. Shelves are a common quick cache for embeddings and features, and
    such caches get shared and downloaded.

    ## Example
    ```python
    import shelve

    with shelve.open("embeddings.db") as db:
        vectors = db["train"]
    ```

    ## Use instead
    ```python
    import sqlite3

    con = sqlite3.connect("embeddings.sqlite")
    ```
    Store plain values (JSON text, NumPy arrays saved without pickles) in
    SQLite, LMDB or Parquet.

    A shelf opened with flag `"n"` (`shelve.open(path, "n")`,
    `flag="n"`) is not flagged either: that flag always creates a new,
    empty database, so nothing already in the file is read, and any value
    read back later from that shelf is one this code stored.

    A shelf whose values this code never reads (since session 13) is low,
    with the reason: the name it is bound to (`with shelve.open(p) as s`,
    `s = shelve.open(p)`) is used only for its keys (`s.keys()`, `len(s)`,
    `k in s`, `for k in s`), for writes (`s[k] = v`, `del s[k]`,
    `s.update(...)`) or for the raw pickled bytes of `s.dict`, never handed,
    returned or read (`s[k]`, `get`, `items`, `values`, `pop`,
    `setdefault`): a shelf unpickles only when a value is read, and a load
    of the raw bytes is reported where it is made.

    ## Known problems
    Opening a shelf only for writing with another flag (`"c"`, the default,
    or `"w"`) is flagged too, since the file may already hold someone
    else's pickles; open it with `"n"` when you mean to start a new one, or
    silence a shelf that only your own process ever reads with
    `# noqa: MLW113`.

    ## References
    - [Python docs: shelve — security warning](https://docs.python.org/3/library/shelve.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW113"
    name = "shelve-open"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    template = "`{}` stores values as pickles that run code when read; use SQLite, LMDB or JSON for shared data"
    message = template.format("shelve.open")
    triggers = root_words(TARGETS)  # not `open`: every file calls the builtin

    VALID = [
        Valid("import shelve\nf = open('x.db')"),
        Valid("import dbm\ndb = dbm.open('cache', 'c')"),
        Valid("import shelve\nwith shelve.open(out_path, 'n') as db:\n    db['k'] = 1"),
        Valid("import shelve as sh\nNEW = 'n'\ndb = sh.open(path, flag=NEW)"),
        Valid("import os, shelve, tempfile\nwith tempfile.TemporaryDirectory() as d:\n    filename = os.path.join(d, 'shelf')\n    with shelve.open(filename) as db:\n        db['k'] = 1\n    with shelve.open(filename) as db:\n        print(db['k'])"),
    ]
    INVALID = [
        Invalid("import shelve\nwith shelve.open('cache.db') as db:  # error: MLW113\n    x = db['k']"),
        Invalid("import shelve as sh\ndb = sh.open(path, flag='r')"),
        Invalid("from shelve import DbfilenameShelf\nDbfilenameShelf('cache')"),
        Invalid("import shelve\ndb = shelve.open(path, 'c')"),
        Invalid("import shelve, dbm\nshelve.Shelf(dbm.open('x'))"),
        Invalid(notebook_json("import shelve", "db = shelve.open('cache')"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target in NEW_STORE and _creates_new(self.ctx.value(self.ctx.arg(node, 1, "flag"))):
            return  # "n": always a new, empty database; nothing already there is read
        if target and not self.round_trip(node, target) and not self.fresh_temp_path(node, self.ctx.arg(node, 0, "filename")):
            holder = self._never_read(node)
            if holder is not None:
                self.report(node, self.template.format(target) + NEVER_READ_NOTE.format(holder), severity=Severity.LOW)
                return
            self.report_load(node, target, self.template.format(target))

    def _never_read(self, node: Any) -> Optional[str]:
        """The name the shelf ``node`` opens is bound to (``with ... as s``
        or ``s = ...``, its only binding, in a function), when every use of
        that name reads no value: ``s.keys()``, ``len(s)``, ``k in s``,
        ``for k in s``, ``s[k] = v``, ``del s[k]``, ``s.update(...)``,
        ``s.close()``, ``s.dict[...]``. A use in a nested function or a
        lambda, a value read, or the shelf handed, returned or stored
        anywhere else: None."""
        try:
            query = self._rt_query(node)
            if query is None or query.scope.is_module:
                return None
            index = query.scope
            parent = index.parent.get(id(node))
            name = None
            if isinstance(parent, cst.WithItem) and parent.item is node and parent.asname is not None:
                if isinstance(parent.asname.name, cst.Name):
                    name = parent.asname.name.value
            elif isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
                if isinstance(parent.targets[0].target, cst.Name):
                    name = parent.targets[0].target.value
            if name is None or len(index.bindings.get(name, ())) != 1 or name in index.declared_global:
                return None
            function = index.scope
            uses = [n for n in _walk_nodes(function.body) if isinstance(n, cst.Name) and n.value == name]
            for use in uses:
                if id(use) not in index.parent:
                    return None  # inside a nested function, class or lambda: not followed
                if not self._reads_nothing(index, use):
                    return None
            return name
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - an analysis problem must never lower a finding
            return None

    def _reads_nothing(self, index: Any, use: Any) -> bool:
        parent = index.parent.get(id(use))
        if isinstance(parent, cst.AsName) or (isinstance(parent, cst.AssignTarget) and parent.target is use):
            return True  # the binding itself
        if isinstance(parent, cst.Attribute) and parent.value is use:
            method = parent.attr.value
            if method not in _NO_READ_METHODS:
                return False
            if method == "dict":
                return True  # raw pickled bytes; a load of them is reported where it is made
            holder = index.parent.get(id(parent))
            return isinstance(holder, cst.Call) and holder.func is parent
        if isinstance(parent, cst.Subscript) and parent.value is use:
            holder = index.parent.get(id(parent))
            if isinstance(holder, cst.AssignTarget) and holder.target is parent:
                return True  # s[k] = v
            return isinstance(holder, cst.Del)
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is use:
            return isinstance(parent.operator, (cst.In, cst.NotIn))
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is use:
            return True  # iterating a shelf yields its keys
        if isinstance(parent, cst.Arg) and parent.value is use and not parent.keyword and not parent.star:
            call = index.parent.get(id(parent))
            func = getattr(call, "func", None)
            return (
                isinstance(func, cst.Name)
                and func.value in _KEY_BUILTINS
                and len(call.args) == 1
                and func.value not in index.bindings
                and func.value not in self.ctx.imports.aliases
            )
        return False
