"""Big files, chunk by chunk: bounded memory and time.

``ast.parse`` of a 5 MB module builds about 700 MB of objects (and libcst
several times that). A source larger than :data:`BIG_SOURCE` is therefore cut
at top-level statements (a line that starts in column 0 and does not
continue the one before), each chunk is parsed alone (its line numbers kept
by padding) and dropped when done. A cut that falls inside a string or
brackets makes the chunk before it fail to parse, so it is merged with the
next one until it parses: every cut the engine uses is a real statement
boundary. A class larger than :data:`CHUNK_SPLIT` is cut again at its
members.

Only chunks that can matter are walked (pieces and bindings, see
:mod:`mlwarden.core.locate` and :mod:`mlwarden.core.bindings`): those whose
text holds a trigger word of a selected rule or a well-known module name, the
import statements, and the module-level assignments of the names those use
(followed until nothing new is needed). Bindings in the other chunks cannot
change a rule's verdict: a rule's names and values hold its trigger words.

More than :data:`MAX_CODE` of chunks to walk, or a source larger than
:data:`MAX_SOURCE` that a rule could fire on, is not checked: one line,
exit 2 (``not checked: ...``), never minutes of work. Measured on 5 MB of
generated functions that all mention ``torch`` (every chunk walked): about
5 s of CPU and 150 MB, against 13 s and 740 MB for ``ast.parse`` alone.
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

from mlwarden.core.edits import line_offsets

if TYPE_CHECKING:  # pragma: no cover
    from mlwarden.core.bindings import ModuleFacts, _Collector

#: Sources larger than this (characters) are parsed chunk by chunk.
BIG_SOURCE = 1_000_000
#: A top-level class larger than this is cut at its members.
CHUNK_SPLIT = 200_000
#: More code than this to analyse in one file is reported as not checked.
MAX_CODE = 8_000_000
#: A source larger than this that a rule could fire on is not parsed at all:
#: one line, exit 2 (a file with no trigger word is checked whatever its size).
MAX_SOURCE = 10_000_000

#: a line that starts a statement at column 0 (not a comment, a closing
#: bracket, or a clause that continues the statement before it)
_TOP_RE = re.compile(r"^(?![\s#)\]}]|else\b|elif\b|except\b|finally\b)", re.MULTILINE)
_WORD_RE = re.compile(r"\w+")
_IMPORT_RE = re.compile(r"^\s*(?:import|from)\s", re.MULTILINE)


class TooMuchCode(Exception):
    """More than :data:`MAX_CODE` to analyse; ``str()`` is the reason."""


def _line_starts(source: str, pattern: "re.Pattern[str]", start: int, end: int) -> List[int]:
    return [m.start() for m in pattern.finditer(source, start, end)]


def _parse(source: str, start: int, end: int, first: int, wrapper: str = "") -> Optional[ast.Module]:
    """``source[start:end]`` parsed (None if it does not parse); line numbers
    are made the file's by :func:`_renumber` when the tree is kept."""
    try:
        tree = ast.parse(wrapper + source[start:end])
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    tree.mlwarden_shift = first - 1 - (1 if wrapper else 0)  # type: ignore[attr-defined]
    return tree


def _renumber(tree: ast.Module) -> ast.Module:
    """Move every line number of ``tree`` by its parse shift (as
    ``ast.increment_lineno``, with the faster walk of ``gate.code_words``)."""
    from mlwarden.core.gate import iter_nodes

    shift = getattr(tree, "mlwarden_shift", 0)
    if not shift:
        return tree
    for node in iter_nodes(tree):
        if "lineno" in node._attributes:
            node.lineno += shift
            if getattr(node, "end_lineno", None) is not None:
                node.end_lineno += shift
    return tree


def _smallest_run(source: str, offsets: Sequence[int], starts: List[int], i: int, end: int, wrapper: str = "") -> Tuple[int, int, ast.Module]:
    """(index after the run, end offset, tree) of the shortest run of cuts
    from ``starts[i]`` that parses. Raises SyntaxError when none does."""
    import bisect

    first = bisect.bisect_right(offsets, starts[i])
    j = i + 1
    while True:
        stop = starts[j] if j < len(starts) else end
        tree = _parse(source, starts[i], stop, first, wrapper)
        if tree is not None:
            return j, stop, tree
        if j >= len(starts):
            raise SyntaxError("the chunks of this file do not parse")
        j += 1


@dataclass
class Located:
    """What :func:`chunks` hands the planner (trees already dropped)."""

    pieces: list
    headers: list
    facts: ModuleFacts
    #: name -> [(words, names)] of its module-level values (see locate._Expansions)
    summaries: Dict[str, list]


def chunks(source: str, rules: Sequence[type], check: Optional[Callable[[ast.Module], None]] = None) -> Located:
    """Parse ``source`` chunk by chunk for ``rules`` (see the module docs);
    ``check`` is called with the tree of every walked chunk (file line numbers).

    Raises SyntaxError when the source does not parse (the caller reports it
    as for a small file) and :class:`TooMuchCode`."""

    from mlwarden.core.bindings import WELL_KNOWN_MODULES, WELL_KNOWN_NAMES, ModuleFacts, _Collector, first_line
    from mlwarden.core.gate import ALL_NAMES, code_words
    from mlwarden.core.locate import pieces_of, summarise_header, trigger_words

    limit = trigger_words(rules)
    offsets = line_offsets(source)
    tops = _line_starts(source, _TOP_RE, 0, len(source)) or [0]
    if tops[0] != 0:
        tops.insert(0, 0)
    # 1. the cuts (each checked by parsing it), and the names that stand for
    #    what the rules look for: import aliases (`from torch import load as L`)
    #    and module-level names assigned from such code (`t = torch`)
    standing_for: set = set()
    cuts: List[Tuple[int, int, Optional[Tuple[int, int]]]] = []
    i = 0
    while i < len(tops):
        big_class = _big_class(source, tops, i)
        if big_class is not None:
            k, stop = big_class
            members = _class_member_cuts(source, offsets, tops[i], stop)
            if members is not None:
                cuts.extend(members)
                i = k
                continue
        j, stop, tree = _smallest_run(source, offsets, tops, i, len(source))
        _note_aliases(source[tops[i]:stop], tree, limit, standing_for)
        del tree
        cuts.append((tops[i], stop, None))
        i = j
    wanted = text_has(limit | frozenset(WELL_KNOWN_MODULES) | frozenset(WELL_KNOWN_NAMES) | frozenset(standing_for))
    walked = [0]

    def worth_walking(text: str) -> bool:
        if not (wanted(text) or _IMPORT_RE.search(text) or _assigns(text)):
            return False
        walked[0] += len(text)
        if walked[0] > MAX_CODE:
            raise TooMuchCode(f"not checked: more than {MAX_CODE // 1_000_000} MB of Python code to analyse in one file; split it or exclude it")
        return True

    located = Located([], [], ModuleFacts(), {})
    facts = located.facts
    collector = _Collector(facts)
    module = facts.module_scope
    constant_statements: List[ast.stmt] = []
    class_scopes: Dict[Tuple[int, int], object] = {}

    def take(body: List[ast.stmt], header: Optional[Tuple[int, int]]) -> None:
        """Bindings, pieces and header words of walked statements; then the tree goes."""
        if header is None:
            scope = module
        else:
            scope = class_scopes.get(header)
            if scope is None:
                scope = class_scopes[header] = _class_scope(source, offsets, header, collector, facts)
                located.headers.append(summarise_header(facts.classes.pop("_mlwarden_header"), limit))
        for stmt in body:
            scope.group_lines.append(first_line(stmt))
            collector._stmt(stmt, scope, len(scope.group_lines) - 1, header is None)
            if header is None and isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                constant_statements.append(_targets_only(stmt))
        for name, values in facts.module_assignments.items():
            for value in values:
                names: set = set()
                located.summaries.setdefault(name, []).append((code_words(value, limit, ALL_NAMES, names), names))
        facts.module_assignments.clear()
        for cls in [c for stmt in body for c in _cut_classes(stmt)]:
            located.headers.append(summarise_header(cls, limit))
        facts.classes.clear()  # class_ranges keep what Context needs
        for piece in pieces_of(body, (header,) if header else ()):
            piece.summarise(limit)
            located.pieces.append(piece)

    # 2. the chunks that can matter, walked in source order
    for start, stop, header in cuts:
        if worth_walking(source[start:stop]):
            first = bisect.bisect_right(offsets, start)
            tree = _renumber(_parse(source, start, stop, first, "class _:\n" if header else ""))
            if check is not None:
                check(tree)
            take(list(tree.body[0].body) if header else list(tree.body), header)
            del tree
    collector._constants(constant_statements)
    facts.finish()
    return located


def _targets_only(stmt: ast.stmt) -> ast.stmt:
    """A copy of an assignment without its value (constants need the targets)."""
    if isinstance(stmt, ast.Assign):
        return ast.Assign(targets=stmt.targets, value=ast.Constant(None), lineno=stmt.lineno)
    if isinstance(stmt, ast.AnnAssign):
        return ast.AnnAssign(target=stmt.target, annotation=ast.Constant(None), value=ast.Constant(None) if stmt.value is not None else None,
                             simple=stmt.simple, lineno=stmt.lineno)
    return stmt


def _cut_classes(stmt: ast.stmt):
    from mlwarden.core.locate import classes_cut

    return classes_cut([stmt])


_CLASS_RE = re.compile(r"class\b")
_DECORATOR_RE = re.compile(r"@")


def _big_class(source: str, tops: List[int], i: int) -> Optional[Tuple[int, int]]:
    """(index after, end offset) when ``tops[i]`` starts a class (decorators
    included) larger than :data:`CHUNK_SPLIT`, up to the next top-level cut."""
    k = i
    while k < len(tops) and _DECORATOR_RE.match(source, tops[k]):
        k += 1
    if k >= len(tops) or not _CLASS_RE.match(source, tops[k]):
        return None
    stop = tops[k + 1] if k + 1 < len(tops) else len(source)
    if stop - tops[i] <= CHUNK_SPLIT:
        return None
    return k + 1, stop


def _assigns(text: str) -> bool:
    """A module-level assignment (its value may be a constant a rule follows)."""
    head = text.lstrip()
    match = re.match(r"[A-Za-z_]\w*\s*(?::[^=\n]*)?=(?!=)", head)
    return match is not None


def _class_member_cuts(source, offsets, start, end) -> Optional[List[Tuple[int, int, Tuple[int, int]]]]:
    """(start, end, class header lines) of every member of a big class, each
    checked by parsing it inside ``class _:``; None when the cuts do not parse
    (the caller parses the class whole)."""
    first = bisect.bisect_right(offsets, start)
    match = re.compile(r"^[ \t]+(?=[^\s#])", re.MULTILINE).search(source, start, end)
    if match is None:
        return None
    indent = match.group()
    body_first = bisect.bisect_right(offsets, match.start())
    header = (first, body_first - 1)
    header_text = source[start : offsets[body_first - 1]]
    if _parse(header_text + indent + "pass\n", 0, len(header_text) + len(indent) + 5, first) is None:
        return None
    member_re = re.compile(rf"^{re.escape(indent)}(?![\s#)\]}}]|else\b|elif\b|except\b|finally\b)", re.MULTILINE)
    starts = _line_starts(source, member_re, offsets[body_first - 1], end)
    if not starts:
        return None
    cuts = []
    i = 0
    try:
        while i < len(starts):
            j, stop, tree = _smallest_run(source, offsets, starts, i, end, "class _:\n")
            del tree
            cuts.append((starts[i], stop, header))
            i = j
    except SyntaxError:
        return None
    return cuts


def _note_aliases(text: str, tree: ast.Module, limit, out: set) -> None:
    """Add to ``out`` the names this chunk binds to something the rules look
    for: import aliases, and module-level names assigned from code that
    holds a trigger word."""
    if _IMPORT_RE.search(text):
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                for alias in node.names:
                    words = set(alias.name.split(".")) | set(module.split("."))
                    if words & limit and alias.asname:
                        out.add(alias.asname)
                    elif words & limit:
                        out.add(alias.name.split(".")[0])
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            if set(_WORD_RE.findall(text)) & limit:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                out.update(t.id for t in targets if isinstance(t, ast.Name))


def _class_scope(source, offsets, header, collector: _Collector, facts: ModuleFacts):
    """The scope of a class cut at its members; its name is bound at module level."""
    from mlwarden.core.bindings import Scope

    first, last = header
    text = source[offsets[first - 1] : offsets[last] if last < len(offsets) else len(source)]
    tree = _parse(text + "    pass\n", 0, len(text) + 9, first) or _parse("class _:\n    pass\n", 0, 18, first)
    cls = _renumber(tree).body[0]
    module = facts.module_scope
    module.group_lines.append(first)
    group = len(module.group_lines) - 1
    collector._bind(module, cls.name, "other", cls.lineno, group)
    facts.class_ranges[cls.name] = (first, last + 1, 1 << 30)
    facts.classes["_mlwarden_header"] = cls  # taken by chunks() for its header words
    scope = Scope("class", first, 1 << 30, module)
    module.children.append(scope)
    return scope


def text_has(words: FrozenSet[str]):
    plain = frozenset(w for w in words if _WORD_RE.fullmatch(w))

    def wanted(text: str) -> bool:
        return not plain.isdisjoint(_WORD_RE.findall(text))

    return wanted
