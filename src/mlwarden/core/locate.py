"""ast locates, libcst judges: the parts of a file libcst must see.

libcst costs about ten times ``ast`` per line, and rules fire near their
trigger words. So a file that passes the gate (:mod:`mlwarden.core.gate`) is
cut into **pieces**: every top-level statement, except that a ``class`` is
cut into its header (decorators, ``class Name(bases):``) and its members,
recursively; a function is one piece, whole, so everything a rule sees
inside a function (its parameters, locals, ``try``/``except``) is there.

A piece is kept for a rule when the rule's triggers fire on the piece's own
code words (:func:`mlwarden.core.gate.code_words`) **plus** the words of what
the names it uses are bound to anywhere in the module: ``L(p)`` after
``from torch import load as L`` carries ``torch`` and ``load``;
``yaml.load(f, Loader=LOADER)`` carries the words of ``LOADER = ...``. The
module-level assignments of the constants a kept piece uses are kept with it
(``ctx.value`` follows them), and every kept member brings its class headers.
A rule with a ``site_gate`` (:attr:`mlwarden.core.rule.CodeRule.site_gate`)
also looks at the piece's ``ast``: ``torch.load(f, weights_only=True)`` fires
MLW102's triggers, but no finding of MLW102 can sit there, so the piece is
not kept for it (:mod:`mlwarden.core.sites` finds the calls that may name a
rule's functions). A rule that lowers findings for the project's own Hub
organisation also gets every piece that may push to the Hub.
libcst then parses just those lines (joined in order, each line unchanged),
and positions and fixes map back line for line (:class:`Pruned`).

A rule gets the whole module instead when

* it declares ``scope = "module"`` (its findings depend on statements that
  do not hold its trigger words), or
* one of its plain trigger words names a module this file imports: such a
  word is a guard (``flask``: "this file uses Flask") rather than a word found
  where the rule reports (``app.run(debug=True)``).

If the kept lines are most of the file, the whole module is parsed.
The equivalence mode of the engine (no gate, whole modules) is run by the
test suite on every fixture, example and the demo project and must give the
same findings and fixes (``tests/test_equivalence.py``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from mlwarden.core.gate import first_line

if TYPE_CHECKING:  # pragma: no cover
    from mlwarden.core.bindings import ModuleFacts
from mlwarden.core.edits import line_offsets
from mlwarden.core.gate import _fires, code_words, trigger_groups

#: Parse the whole module when the kept lines are more than this share of it.
WHOLE_MODULE_SHARE = 0.75


@dataclass
class Piece:
    """A statement libcst may see alone (a class member, or a top-level statement)."""

    node: Optional[ast.stmt]  # None once summarised (a big file's chunk is dropped)
    first: int  # 1-based, decorators included
    last: int
    #: (first, last) line ranges of the headers of the classes around it
    headers: Tuple[Tuple[int, int], ...] = ()
    words: Set[str] = field(default_factory=set)
    names: Set[str] = field(default_factory=set)
    #: set by :func:`summarise`: ``words`` and ``names`` (every name used) are final
    summarised: bool = False
    depth: int = 0
    #: a top-level function: a whole scope (a load and the dump of its round
    #: trip are both inside, see ``CodeRule.module_words``)
    function: bool = False
    #: the module constants this statement assigns
    defines: Tuple[str, ...] = ()

    def summarise(self, limit: FrozenSet[str]) -> None:
        """Keep what the plan needs and drop the tree (big files)."""
        from mlwarden.core.gate import ALL_NAMES, nesting_depth

        node = self.node
        self.words = code_words(node, limit, ALL_NAMES, self.names)
        self.defines = _assigned_names(node) if not self.headers else ()
        self.depth = nesting_depth(node)
        self.node = None
        self.summarised = True


def _assigned_names(node: ast.stmt) -> Tuple[str, ...]:
    """Names a module-level ``NAME = ...`` statement assigns (constant candidates)."""
    targets: Iterable[ast.expr] = ()
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = (node.target,)
    return tuple(t.id for t in targets if isinstance(t, ast.Name))


#: a class header: (first, last) lines, the code words and the names it uses
Header = Tuple[Tuple[int, int], Set[str], Set[str]]


def summarise_header(cls: ast.ClassDef, limit: FrozenSet[str]) -> Header:
    from mlwarden.core.gate import ALL_NAMES

    words: Set[str] = set()
    names: Set[str] = set()
    for node in header_nodes(cls):
        words |= code_words(node, limit, ALL_NAMES, names)
    return header_range(cls), words, names


def pieces(tree: ast.Module) -> List[Piece]:
    """Every piece of ``tree``, in source order."""
    return pieces_of(tree.body)


def pieces_of(body: Sequence[ast.stmt], headers: Tuple[Tuple[int, int], ...] = ()) -> List[Piece]:
    """The pieces of statements ``body`` under the class ``headers``."""
    out: List[Piece] = []

    def walk(body: Sequence[ast.stmt], headers: Tuple[Tuple[int, int], ...]) -> None:
        for stmt in body:
            start = first_line(stmt)
            if isinstance(stmt, ast.ClassDef) and stmt.body:
                body_start = first_line(stmt.body[0])
                if body_start > stmt.lineno:
                    walk(stmt.body, headers + ((start, body_start - 1),))
                    continue
            function = not headers and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            out.append(Piece(stmt, start, stmt.end_lineno or stmt.lineno, headers, function=function))

    walk(body, headers)
    return out


def classes_cut(body: Sequence[ast.stmt]) -> List[ast.ClassDef]:
    """Every class :func:`pieces_of` cuts up (into header and members)."""
    out: List[ast.ClassDef] = []

    def walk(body: Sequence[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.ClassDef) and stmt.body and first_line(stmt.body[0]) > stmt.lineno:
                out.append(stmt)
                walk(stmt.body)

    walk(body)
    return out


def header_range(cls: ast.ClassDef) -> Tuple[int, int]:
    return (first_line(cls), first_line(cls.body[0]) - 1)


def header_nodes(cls: ast.ClassDef) -> List[ast.AST]:
    return [*cls.decorator_list, *cls.bases, *cls.keywords]


@dataclass
class Pruned:
    """The lines of a view that libcst parses, and where each one came from."""

    source: str
    #: line in ``source`` (1-based) -> line in the view
    lines: List[int]

    def view_line(self, line: int) -> int:
        if 0 < line <= len(self.lines):
            return self.lines[line - 1]
        return self.lines[-1] + (line - len(self.lines)) if self.lines else line


def module_scoped(rule: type, facts: ModuleFacts, source: str = "") -> bool:
    """Whether ``rule`` must see the whole module of this file (module docs):
    it says so, the ``source`` (when given: big files) holds one of its
    ``module_words`` (for other files :func:`plan_pieces` asks only where
    the rule fires outside a top-level function), or a plain trigger word
    names a module this file imports (``import flask``,
    ``from flask import Flask``: a guard). A name imported from a module
    (``from torchvision.datasets.utils import download_url``) is written
    where it is used, so it is no guard."""
    if getattr(rule, "scope", "local") == "module":
        return True
    if source and any(word in source for word in getattr(rule, "module_words", ())):
        return True
    modules = {word for module in facts.imported_modules for word in module.split(".")}
    return any("." not in trigger and trigger in modules for trigger in rule.triggers)


class _Expansions:
    """The words a name stands for, anywhere in the module (memoised).
    ``summaries`` (big files): name -> [(words, names)] of its module-level
    values, computed while the chunk was parsed."""

    def __init__(self, facts: ModuleFacts, limit: FrozenSet[str], summaries: Optional[Dict[str, List[Tuple[Set[str], Set[str]]]]] = None) -> None:
        from mlwarden.core.bindings import WELL_KNOWN_MODULES, WELL_KNOWN_NAMES

        self.facts = facts
        self.limit = limit
        self.summaries = summaries
        self.memo: Dict[str, Set[str]] = {}
        self.names = frozenset(
            set(facts.imports) | set(facts.module_assignments) | set(facts.constants) | set(WELL_KNOWN_MODULES) | set(WELL_KNOWN_NAMES) | _alias_names(facts)
        )

    def words(self, name: str) -> Set[str]:
        if name in self.memo:
            return self.memo[name]
        self.memo[name] = set()  # cycles: `a = b; b = a`
        found: Set[str] = set()
        for qual in self.facts.resolve(name).qualnames:  # every meaning, wherever used
            found.update(qual.split("."))
        if self.summaries is not None:
            for words, names in self.summaries.get(name, ()):
                found |= words
                for other in names & self.names:
                    found |= self.words(other)
        for value in self.facts.module_assignments.get(name, ()):
            inner: Set[str] = set()
            found |= code_words(value, self.limit, self.names, inner)
            for other in inner:
                found |= self.words(other)
        found &= self.limit
        self.memo[name] = found
        return found


def _alias_names(facts: ModuleFacts) -> Set[str]:
    names: Set[str] = set()
    for scope in facts._all_scopes():
        for name, bindings in scope.bindings.items():
            if any(b.qualnames for b in bindings):
                names.add(name)
    return names


def plan(tree: ast.Module, source: str, rules: Sequence[type], facts: ModuleFacts) -> Optional[Pruned]:
    """The lines of ``source`` the ``rules`` can fire in, or None for the
    whole module."""
    all_pieces, headers = cut(tree, trigger_words(rules))
    return plan_cut(all_pieces, headers, source, rules, facts)


class WordMemo:
    """:func:`~mlwarden.core.gate.code_words` of statements that live on
    from one check to the next (the incremental check keeps the ``ast``
    nodes of unchanged statements): remembered by node identity (the node is
    held, so its id is not reused) with the ``limit`` and ``names`` asked.
    ``turn()`` after each check forgets what that check did not ask."""

    def __init__(self) -> None:
        self._old: Dict[Tuple[int, FrozenSet[str], Optional[FrozenSet[str]]], Tuple[ast.AST, FrozenSet[str], FrozenSet[str]]] = {}
        self._new: Dict[Tuple[int, FrozenSet[str], Optional[FrozenSet[str]]], Tuple[ast.AST, FrozenSet[str], FrozenSet[str]]] = {}

    def words(self, node: ast.AST, limit: FrozenSet[str], names: Optional[FrozenSet[str]] = None, names_seen: Optional[Set[str]] = None) -> Set[str]:
        key = (id(node), limit, names)
        hit = self._new.get(key) or self._old.get(key)
        if hit is None or hit[0] is not node:
            seen: Set[str] = set()
            found = code_words(node, limit, names, seen if names is not None else None)
            hit = (node, frozenset(found), frozenset(seen))
        self._new[key] = hit
        if names_seen is not None:
            names_seen |= hit[2]
        return set(hit[1])

    def turn(self) -> None:
        self._old, self._new = self._new, {}


def cut(tree: ast.Module, limit: FrozenSet[str], memo: Optional[WordMemo] = None) -> Tuple[List[Piece], List["Header"]]:
    """The pieces and class headers of ``tree`` with their code words (in
    ``limit``): one walk, shared by the gate (their union is the file's code
    words) and the plan (which reads the names they use only for the few
    files some rule can fire in)."""
    all_pieces = pieces(tree)
    for piece in all_pieces:
        piece.words = code_words(piece.node, limit) if memo is None else memo.words(piece.node, limit)
        piece.defines = _assigned_names(piece.node) if not piece.headers else ()
    return all_pieces, [summarise_header(cls, limit) for cls in classes_cut(tree.body)]


def plan_cut(all_pieces: List[Piece], headers: List["Header"], source: str, rules: Sequence[type], facts: ModuleFacts) -> Optional[Pruned]:
    """:func:`plan` once the tree is :func:`cut`."""
    if any(module_scoped(rule, facts) for rule in rules):
        return None
    if len(all_pieces) <= 1:
        return None
    return plan_pieces(all_pieces, headers, source, rules, facts)


def trigger_words(rules: Sequence[type]) -> FrozenSet[str]:
    """Every word of every trigger of ``rules`` (the same rules for every
    file of a run: memoised on them)."""
    key = tuple(rules)
    found = _TRIGGER_WORDS.get(key)
    if found is None:
        if len(_TRIGGER_WORDS) > 64:
            _TRIGGER_WORDS.clear()
        found = _TRIGGER_WORDS[key] = frozenset(w for rule in rules for trigger in trigger_groups(rule) for group in trigger for w in group)
    return found


_TRIGGER_WORDS: Dict[Tuple[Any, ...], FrozenSet[str]] = {}


def plan_pieces(all_pieces: List[Piece], headers: List[Header], source: str,
                rules: Sequence[type], facts: ModuleFacts, whole_share: float = WHOLE_MODULE_SHARE,
                summaries: Optional[Dict[str, List[Tuple[Set[str], Set[str]]]]] = None) -> Optional[Pruned]:
    """:func:`plan` over pieces already cut (a big file's chunks, summarised)."""
    keep = plan_keep(all_pieces, headers, source, rules, facts, summaries)
    if keep is None:
        return None
    if not keep:
        return Pruned("", [])
    return prune(all_pieces, keep, source, whole_share)


def plan_keep(all_pieces: List[Piece], headers: List[Header], source: str, rules: Sequence[type], facts: ModuleFacts,
              summaries: Optional[Dict[str, List[Tuple[Set[str], Set[str]]]]] = None, memo: Optional[WordMemo] = None) -> Optional[Set[int]]:
    """The indexes of the pieces libcst must see for ``rules`` (with the
    constants they follow and the members a round trip needs), or None for
    the whole module (:func:`plan_pieces` without the final cut)."""
    groups = [trigger_groups(rule) for rule in rules if rule.triggers]
    if len(groups) < len(rules):  # a rule without triggers runs everywhere
        return None
    # a rule's own test of a piece its triggers fire in (``CodeRule.site_gate``)
    gates = [getattr(rule, "site_gate", None) for rule in rules]
    limit = frozenset(w for g in groups for trigger in g for group in trigger for w in group)
    expansions = _Expansions(facts, limit, summaries)
    # a bare name may come from any star-imported module
    everywhere = {w for module in facts.star_modules for w in module.split(".")} & limit
    keep: Set[int] = set()
    # a rule whose findings depend on statements without its trigger words
    # (``CodeRule.module_words``, held by this file) sees more than the pieces
    # it fires in: the whole module where it fires at module level, the
    # attribute writers of the class where it fires in a method
    widening = [i for i, rule in enumerate(rules) if any(w in source for w in getattr(rule, "module_words", ()))]
    widen: List[Tuple[int, list]] = []  # class members a widening rule fires in, with its triggers
    fired_somewhere: Set[int] = set()
    for index, piece in enumerate(all_pieces):
        if not piece.summarised:
            if memo is None:
                words = code_words(piece.node, limit, expansions.names, piece.names)
            else:
                words = memo.words(piece.node, limit, expansions.names, piece.names)
            piece.words = words if not piece.words else piece.words | words
            piece.summarised = True
        piece.words = piece.words | everywhere
        for name in piece.names & expansions.names:
            piece.words |= expansions.words(name)
        firing = [i for i, g in enumerate(groups) if _fires(g, piece.words) and (gates[i] is None or piece.node is None or gates[i](piece.node, facts, piece.words))]
        if firing:
            keep.add(index)
            fired_somewhere.update(firing)
            # not in a top-level function (a whole scope already), nor in an
            # import (which a qualified trigger fires in)
            fired = [groups[i] for i in widening if i in firing] if widening and not piece.function and not isinstance(piece.node, (ast.Import, ast.ImportFrom)) else []
            if fired:
                if not piece.headers or piece.node is None:
                    return None  # module level (or a summarised chunk): the whole module
                widen.append((index, fired))
    # a rule that fires on a class header (decorators, bases, keywords) sees the whole class
    for header, header_words, names in headers:
        words = set(everywhere) | header_words
        for name in names & expansions.names:
            words |= expansions.words(name)
        if any(_fires(g, words) for g in groups):
            if any(_fires(groups[i], words) for i in widening):
                return None
            keep.update(i for i, piece in enumerate(all_pieces) if header in piece.headers)
    if not keep:
        return keep
    if widen:
        _keep_attribute_writers(all_pieces, widen, keep, source)
    # a push to the Hub anywhere in the file lowers the rule's findings
    # (``PublishedOwners``): the pieces that may hold one come along
    everywhere = tuple(w for i in sorted(fired_somewhere) if i in widening and collects_publishers(rules[i]) for w in rules[i].module_words)
    if everywhere:
        offsets = line_offsets(source)
        for index, piece in enumerate(all_pieces):
            if index not in keep and piece.node is not None:
                text = source[offsets[piece.first - 1] : offsets[piece.last] if piece.last < len(offsets) else len(source)]
                if any(word in text for word in everywhere):
                    keep.add(index)
    _keep_constants(all_pieces, keep, facts)
    return keep


def collects_publishers(rule: Any) -> bool:
    """Whether ``rule`` (a class or a registry record) reads the pushes to
    the Hub of the whole file (``PublishedOwners`` in its classes)."""
    return any(k.__name__ == "PublishedOwners" for k in rule.load().__mro__)


#: the last name of the loads of rules/_roundtrip.py's DATA_ARG (rules whose triggers are module names)
_LOAD_NAMES = frozenset({"load", "loads", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all",
                         "Unpickler", "read_pickle", "decode", "unpackb", "unpack", "PackageImporter"})
#: the keyword names of a load's data argument (rules/_roundtrip.py DATA_ARG)
_DATA_KEYWORDS = frozenset({"f", "file", "data", "filename", "filepath_or_buffer", "bytes", "string", "packed", "stream", "file_or_buffer", "path"})


def _keep_attribute_writers(all_pieces: List[Piece], widen: List[Tuple[int, list]], keep: Set[int], source: str) -> None:
    """For a class member (a method) a round-trip rule fires in: keep every
    member of the same class that mentions an attribute of ``self`` passed
    to one of the rule's calls (``.blob`` for ``pickle.loads(self.blob)``):
    the round trip of ``self.blob`` is decided by every assignment to it in
    the class, and each of those members mentions it."""
    lines = source.splitlines(keepends=True)
    for index, groups in widen:
        piece = all_pieces[index]
        node = piece.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not (node.args.posonlyargs or node.args.args):
            continue  # a class-level statement or a method without `self`: no attribute round trip
        me = (node.args.posonlyargs or node.args.args)[0].arg
        calls = {w for g in groups for trigger in g for w in trigger[-1]} | _LOAD_NAMES
        # the round trip follows the data argument through wrappers
        # (`io.BytesIO(...)`, `.getvalue()`) and local names to a `self.X`
        assigned: Dict[str, List[ast.AST]] = {}
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and sub.value is not None:
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            assigned.setdefault(name.id, []).append(sub.value)
            elif isinstance(sub, ast.withitem) and sub.optional_vars is not None:
                for name in ast.walk(sub.optional_vars):
                    if isinstance(name, ast.Name):
                        assigned.setdefault(name.id, []).append(sub.context_expr)
        todo: List[ast.AST] = []
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if last in calls:
                # the data a load reads is its first argument (DATA_ARG in rules/_roundtrip.py)
                todo.extend([*call.args[:1], *(k.value for k in call.keywords if k.arg in _DATA_KEYWORDS)])
        names: Set[str] = set()
        seen: Set[str] = set()
        while todo:  # the shapes `_Query.produced` follows (a superset)
            expr = todo.pop()
            if isinstance(expr, ast.Attribute):
                if isinstance(expr.value, ast.Name) and expr.value.id in (me, "self", "cls"):
                    names.add("." + expr.attr)
            elif isinstance(expr, ast.Call):  # wrappers (`io.BytesIO(x)`) and receivers (`x.getvalue()`)
                todo.extend(expr.args[:1])
                todo.extend(k.value for k in expr.keywords if k.arg == "initial_bytes")
                if isinstance(expr.func, ast.Attribute):
                    todo.append(expr.func.value)
            elif isinstance(expr, ast.Name) and expr.id not in seen:
                seen.add(expr.id)
                todo.extend(assigned.get(expr.id, ()))
        if not names:
            continue
        for other, member in enumerate(all_pieces):
            if other in keep or member.headers[: len(piece.headers)] != piece.headers:
                continue
            text = "".join(lines[member.first - 1 : member.last])
            if any(name in text for name in names):
                keep.add(other)


def prune(all_pieces: List[Piece], keep: Set[int], source: str, whole_share: float = WHOLE_MODULE_SHARE, offsets: Optional[List[int]] = None) -> Optional[Pruned]:
    """The lines of the ``keep`` pieces and their class headers, in order (None:
    so much of the file that parsing it whole is as cheap; never for a
    ``whole_share`` over 1). ``offsets``: ``line_offsets(source)`` if known."""
    lines: Set[int] = set()
    for index in keep:
        piece = all_pieces[index]
        for first, last in piece.headers:
            lines.update(range(first, last + 1))
        lines.update(range(piece.first, piece.last + 1))
    if offsets is None:
        offsets = line_offsets(source)
    total = len(offsets) if offsets[-1] < len(source) else len(offsets) - 1
    if len(lines) >= whole_share * max(total, 1):
        return None
    ordered = sorted(lines)
    chunks = []
    for line in ordered:
        start = offsets[line - 1]
        end = offsets[line] if line < len(offsets) else len(source)
        chunks.append(source[start:end])
    text = "".join(chunks)
    if text and not text.endswith(("\n", "\r")):
        text += "\n"
    return Pruned(text, ordered)


def _keep_constants(all_pieces: List[Piece], keep: Set[int], facts: ModuleFacts) -> None:
    """Add the statements that define the module constants kept pieces use
    (transitively): ``ctx.value`` follows them to their nodes."""
    defining: Dict[str, int] = {}
    for index, piece in enumerate(all_pieces):
        if piece.headers:
            continue
        for name in piece.defines if piece.summarised else _assigned_names(piece.node):
            if name in facts.constants:
                defining[name] = index
    if not defining:
        return
    todo = list(keep)
    seen_names: Set[str] = set()
    while todo:
        piece = all_pieces[todo.pop()]
        names = piece.names if piece.summarised else {n.id for n in ast.walk(piece.node) if isinstance(n, ast.Name)}
        for name in (names & set(defining)) - seen_names:
            seen_names.add(name)
            index = defining[name]
            if index not in keep:
                keep.add(index)
                todo.append(index)


def class_headers(facts: ModuleFacts, lines: Callable[[int, int], str]) -> Dict[str, Callable[[], Any]]:
    """Module-level class name -> a function that parses its ``ClassDef``
    from the header alone (``Constants.classes`` when the class is not in the
    pruned tree). ``lines(first, last)`` returns source lines."""
    return {name: _header_parser(span, lines) for name, span in facts.class_ranges.items()}


def _header_parser(span: Tuple[int, int, int], lines: Callable[[int, int], str]) -> Callable[[], Any]:
    start, body_start, last = span

    def parse() -> Any:
        import libcst as cst

        try:
            return cst.parse_module(lines(start, body_start - 1).rstrip("\r\n") + "\n    pass\n").body[0]
        except Exception:  # the body starts on the header's line
            return cst.parse_module(lines(start, last)).body[0]

    return parse
