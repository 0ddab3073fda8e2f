from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules._helpers import notebook_json, root_words

TARGETS = ("shelve.open", "shelve.Shelf", "shelve.DbfilenameShelf", "shelve.BsdDbShelf")
#: the calls whose ``flag`` (second argument) names the dbm open mode
NEW_STORE = ("shelve.open", "shelve.DbfilenameShelf")


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
            self.report_load(node, target, self.template.format(target))
