"""The incremental check: one open document, edit after edit.

An editor re-checks a file on every keystroke, and an edit touches one
statement. :class:`IncrementalCheck` (one per open Python document, held by
the language server) runs the same pipeline as
:func:`mlwarden.core.engine.check_source`, except that libcst judges the
pieces the plan keeps (:mod:`mlwarden.core.locate`) **unit by unit**, and a
unit whose judged text and module context are unchanged since an earlier
check keeps that check's findings:

* a **unit** is a top-level function, a top-level class (its kept members and
  headers together), or all the kept module-level statements (the "spine");
  each is judged as its own pruned module: its pieces, the module constants
  they follow (transitively) and their class headers, exactly the lines the
  plan would give libcst for them;
* the **key** of a unit's judgment is that module's text and a fingerprint of
  everything else a rule can see: what every name of the file may resolve to
  (:class:`~mlwarden.core.bindings.ModuleFacts`: imports, aliases, constants,
  star imports, the well-known modules bound nowhere, and for names whose
  meaning depends on where they are used the whole binding structure with
  its lines and the unit's own position), the headers of every class, and
  the rules chosen for the file. The configuration and the file name are the
  object's own: another one (a reloaded ``pyproject.toml`` or pins) drops
  every judgment;
* a kept judgment's findings move with the lines inserted or removed above
  them (positions, fixes and the fixes' view are mapped to the new text).

What is not in the key is the file system: the configuration and the
project's pins are read once per configuration (the server reloads them, and
so drops every judgment, when such a file changes), and MLW201/MLW202 ask
whether a hub id names a directory next to the file; a directory created
while the document is open is seen when its function is judged again.

Everything around the code rules (the gate, the plan, file rules, ``#
noqa``, code context and severities, per-file ignores) runs afresh on each
check through :func:`~mlwarden.core.engine.check_unit`, so only libcst's
part is reused. Whatever the fast path does not cover (the whole module
judged at once, a big or deeply nested file, a syntax error) runs exactly as
the CLI runs it, and a whole-module judgment is reused only for the same
text. ``tests/test_incremental.py`` applies random and adversarial edit
sequences and checks after every edit that the result equals a fresh
:func:`~mlwarden.core.engine.check_source`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Hashable, List, Optional, Sequence, Set, Tuple

from mlwarden.core.config import Config
from mlwarden.core.finding import Edit, Finding
from mlwarden.core.locate import WordMemo, collects_publishers

#: judgments kept per document beyond those of the last check (undo, retyping)
SPARE_JUDGMENTS = 256


@dataclass
class _Judgment:
    """Findings (and rule-crash lines) of one unit, judged when its module's
    lines were ``lines`` (view lines, in order)."""

    lines: List[int]
    findings: List[Finding]
    errors: List[str]


class IncrementalCheck:
    """Check successive texts of one document (see the module docs).

    ``check(source, filename, config=...)`` returns what
    :func:`mlwarden.core.engine.check_source` returns for the same
    arguments. ``stats`` counts the units judged and those whose findings
    were kept (for tests and benchmarks)."""

    def __init__(self) -> None:
        self._context: Optional[Tuple[Any, ...]] = None
        self._judged: Dict[Hashable, _Judgment] = {}
        self._used: Dict[Hashable, _Judgment] = {}
        self._statements = Statements()
        self._words = WordMemo()
        self.stats = {"judged": 0, "reused": 0}

    # -- the front -----------------------------------------------------------
    def check(self, source: str, filename: str = "<string>", *, config: Optional[Config] = None,
              rules: Optional[Sequence[type]] = None, kind: Optional[str] = None):
        from pathlib import Path

        from mlwarden.core.engine import check_source
        from mlwarden.sources import classify

        config = config or Config()
        kind = kind or classify(Path(filename)) or "python"
        if kind != "python":
            return check_source(source, filename, config=config, rules=rules, kind=kind)
        rules = list(rules) if rules is not None else config.rule_refs()
        context = (filename, config, tuple(rules))
        if self._context is None or not _same_context(self._context, context):
            self._context = context
            self._judged.clear()
        self._used = {}
        try:
            return check_source(source, filename, config=config, rules=rules, kind=kind, code_rules=self._code_rules)
        finally:
            # keep this check's judgments, and a bounded number of older ones
            spare = [k for k in self._judged if k not in self._used]
            for key in spare[: max(0, len(spare) - SPARE_JUDGMENTS)]:
                del self._judged[key]

    # -- the code rules ------------------------------------------------------
    def _code_rules(self, unit, rules: Sequence[type], config: Config) -> List[Finding]:
        """:func:`mlwarden.core.engine.run_code_rules` for ``unit.code``,
        unit by unit; anything unusual goes to the CLI's path."""
        from mlwarden.core.chunks import BIG_SOURCE
        from mlwarden.core.engine import TooDeep, _gc_paused, candidate_rules, run_code_rules

        view = unit.code
        source = view.source
        candidates = candidate_rules(source, [r for r in rules if r.kind() == "code"])
        if not candidates or len(source) > BIG_SOURCE:
            return run_code_rules(unit, rules, config)
        errors = unit.extra.setdefault("errors", [])
        before = len(errors)
        try:
            with _gc_paused():
                return self._by_units(unit, view, source, candidates, config)
        except TooDeep:  # the CLI's path checks deep code on a big stack
            del errors[before:]
            unit.extra.pop("ast", None)
            return run_code_rules(unit, rules, config)

    def _by_units(self, unit, view, source: str, rules: Sequence[type], config: Config) -> List[Finding]:
        from mlwarden.core.bindings import ModuleFacts
        from mlwarden.core.edits import line_offsets
        from mlwarden.core.engine import _check_depth
        from mlwarden.core.gate import _fires, fired_in_code, trigger_groups
        from mlwarden.core.locate import Pruned, _keep_constants, cut, module_scoped, plan_keep, prune, trigger_words

        # the gate and the plan, as engine._locate runs them
        tree = self._statements.parse(source)
        unit.extra["ast"] = tree
        self._words.turn()
        all_pieces, headers = cut(tree, trigger_words(rules), self._words)
        found = set().union(*(p.words for p in all_pieces), *(h[1] for h in headers))
        chosen = fired_in_code(rules, found, tree)
        if not chosen:
            return []
        self._statements.compiles(tree, unit.kind)
        _check_depth(self._statements.depth(tree), False)
        facts = ModuleFacts.from_ast(tree)
        offsets = line_offsets(source)
        ids = tuple(r.id for r in chosen)
        if any(module_scoped(rule, facts) for rule in chosen) or len(all_pieces) <= 1:
            keep = None
        else:
            keep = plan_keep(all_pieces, headers, source, chosen, facts, memo=self._words)
        if keep is None:  # the whole module at once: reused for the same text only
            whole = Pruned(source, [])
            return self._judge(("whole", source, ids), whole, None, unit, view, source, facts, chosen, config, offsets)
        if not keep:
            return []
        shared = _fingerprint(facts, source, offsets)
        header_names = {span: names for span, _words, names in headers}

        def names_of(indexes) -> Set[str]:
            used: Set[str] = set()
            for index in indexes:
                piece = all_pieces[index]
                used |= piece.names
                for span in piece.headers:
                    used |= header_names.get(span, set())
            return used

        findings: List[Finding] = []
        together = [r for r in chosen if judged_together(r)]
        alone = [r for r in chosen if not judged_together(r)]
        if together:  # as the CLI judges them: the plan's module, all at once
            pruned = prune(all_pieces, keep, source, offsets=offsets) or Pruned(source, [])
            used = names_of(keep)
            key = ("together", pruned.source, tuple(r.id for r in together), shared, _names_fingerprint(facts, used), tuple(pruned.lines[:1]) if used & facts.ambiguous else None)
            findings.extend(self._judge(key, pruned, None, unit, view, source, facts, together, config, offsets))
        if not alone:
            return findings
        # statements every unit sees: what a rule collects across the module
        # (``global`` declarations for the round trips, pushes to the Hub for
        # the own-organisation note)
        words = tuple(w for r in alone if collects_publishers(r) for w in r.module_words)
        everywhere = {i for i in keep if _mentions(all_pieces[i], words, source, offsets)}
        units: Dict[Tuple[Any, ...], List[int]] = {}
        for index in sorted(keep):
            piece = all_pieces[index]
            name = ("class", piece.headers[0]) if piece.headers else ("function", index) if piece.function else ("spine",)
            units.setdefault(name, []).append(index)
        calls = _CallIndex(tree, source, offsets)
        for name, members in units.items():
            # the rules that fire in the unit (a rule reports only where it
            # fires: the plan keeps nothing else for it); a class: all of them
            fire = alone if name[0] == "class" else [r for r in alone if any(_fires(trigger_groups(r), all_pieces[i].words) for i in members)]
            if not fire:
                continue
            closure = set(members) | everywhere
            _keep_constants(all_pieces, closure, facts)
            pruned = prune(all_pieces, closure, source, whole_share=2.0, offsets=offsets)
            assert pruned is not None
            own: Set[int] = set()
            for index in members:
                piece = all_pieces[index]
                own.update(range(piece.first, piece.last + 1))
                for first, last in piece.headers:
                    own.update(range(first, last + 1))
            used = names_of(closure)
            # where a name's meaning depends on the line, the unit's place matters too
            key = ("unit", pruned.source, tuple(r.id for r in fire), shared, _names_fingerprint(facts, used), tuple(pruned.lines[:1]) if used & facts.ambiguous else None,
                   _callers(calls, own))
            findings.extend(self._judge(key, pruned, own, unit, view, source, facts, fire, config, offsets))
        return findings

    def _judge(self, key: Hashable, pruned, own: Optional[Set[int]], unit, view, source: str, facts, chosen, config, offsets) -> List[Finding]:
        """The findings of one unit: kept from an earlier judgment of the same
        key (moved to this text's lines), or judged now."""
        from mlwarden.core.engine import judge

        errors = unit.extra.setdefault("errors", [])
        known = self._judged.get(key)
        if known is not None:
            moved = _moved(known, pruned.lines, view)
            if moved is not None:
                self.stats["reused"] += 1
                self._used[key] = self._judged[key] = _Judgment(list(pruned.lines), moved, known.errors)
                errors.extend(known.errors)
                return moved
        before = len(errors)
        found = judge(unit, view, source, pruned, facts, chosen, config, offsets)
        if own is not None:
            found = [f for f in found if f.line in own]
        self.stats["judged"] += 1
        # a judgment that read another module may go stale with it, and one
        # that read other statements of this file (a fixture, the write
        # before a load) with them, naming their lines (`at line 10`)
        if not unit.extra.get("read_files") and not unit.extra.get("reads_other_lines"):
            self._used[key] = self._judged[key] = _Judgment(list(pruned.lines), found, list(errors[before:]))
        return found


#: rules whose verdict on a statement depends on other statements the plan
#: keeps (state gathered over the whole visit and used in ``leave_Module``,
#: or a walk of ``ctx.module``): judged together, on the module the CLI
#: judges. Any other rule with a ``leave_Module`` is judged together too.
TOGETHER = frozenset({"MLW117", "MLW201", "MLW210", "MLW211", "MLW704", "MLW707"})
#: rules whose ``leave_Module`` only applies what they collect from pushes to
#: the Hub (``PublishedOwners``): judged unit by unit, every unit seeing the
#: statements that mention a push
_PUBLISHERS_ONLY = frozenset({"MLW202"})


def judged_together(rule) -> bool:
    if rule.id in TOGETHER:
        return True
    return rule.id not in _PUBLISHERS_ONLY and hasattr(rule.load(), "leave_Module")


#: where a ``global`` statement can start (over-matching is harmless: a
#: comment or string saying so only widens what a unit sees)
_GLOBAL = re.compile(r"(?:^|[;:])[ \t]*global\b", re.M)


def _mentions(piece, words: Sequence[str], source: str, offsets: List[int]) -> bool:
    """The piece may declare ``global`` or mentions one of ``words``."""
    text = source[offsets[piece.first - 1] : offsets[piece.last] if piece.last < len(offsets) else len(source)]
    return bool(_GLOBAL.search(text)) or any(word in text for word in words)


class _Segment:
    """Lines ``first``..``last`` (1-based) of the text: the top-level
    statements that start on ``first`` and what follows them up to the next
    statement (the first segment also holds the lines before)."""

    __slots__ = ("first", "last", "stmts", "text", "depth", "compiles")

    def __init__(self, first: int, last: int, stmts: List[ast.stmt], text: str) -> None:
        self.first, self.last, self.stmts, self.text = first, last, stmts, text
        self.depth: Optional[int] = None
        self.compiles: Optional[bool] = None


class Statements:
    """``ast.parse`` of successive texts of one document that re-parses only
    the top-level statements an edit touched (the others keep their nodes,
    moved by the lines inserted or removed above them), and remembers per
    statement whether it compiles and how deeply it nests.

    Exact by construction: the changed lines are widened to whole segments
    (the statement before the change, which may grow, and the one after it,
    which may gain a decorator), parsed alone, and the result is used only
    if that parse succeeds, which leaves the tokenizer at a clean statement
    boundary, where the unchanged text after it starts. Anything unusual (no
    earlier text, a line continued with a backslash into the region, an
    indented first line) parses the whole text."""

    def __init__(self) -> None:
        self._lines: Optional[List[str]] = None
        self._segments: List[_Segment] = []
        self.reparsed = 0  # lines parsed by the last call (for tests)

    def parse(self, source: str) -> ast.Module:
        """``ast.parse(source)``; raises as ``engine.parse_ast`` does."""
        from mlwarden.core.edits import _NEWLINE_RE

        lines = _NEWLINE_RE.split(source)
        ends = _NEWLINE_RE.findall(source)
        lines = [text + end for text, end in zip(lines, ends)] + ([lines[-1]] if lines[-1] else [])
        tree = self._incremental(source, lines)
        if tree is None:
            tree = self._whole(source, lines)
        self._lines = lines
        return tree

    def _whole(self, source: str, lines: List[str]) -> ast.Module:
        from mlwarden.core.engine import parse_ast

        tree = parse_ast(source)  # raises ParseFailure: the state stays that of the last good text
        self.reparsed = len(lines)
        self._segments = _segments(tree.body, lines, 1, len(lines))
        return tree

    def _incremental(self, source: str, lines: List[str]) -> Optional[ast.Module]:
        old, segments = self._lines, self._segments
        if old is None or not segments or "barry_as_FLUFL" in source:
            return None
        limit = min(len(old), len(lines))
        head = 0
        while head < limit and old[head] == lines[head]:
            head += 1
        if head == len(old) == len(lines):
            self.reparsed = 0
            return ast.Module(body=[s for seg in segments for s in seg.stmts], type_ignores=[])
        tail = 0
        while tail < limit - head and old[len(old) - 1 - tail] == lines[len(lines) - 1 - tail]:
            tail += 1
        delta = len(lines) - len(old)
        # old lines head+1 .. len(old)-tail changed; widen to whole segments:
        # the one holding the line before the change and the one after it
        before, after = max(head, 1), min(len(old) - tail + 1, len(old))
        first = next(i for i, seg in enumerate(segments) if seg.last >= before)
        last = next((i for i, seg in enumerate(segments) if seg.last >= after), len(segments) - 1)
        first = min(first, last)
        start, stop = segments[first].first, segments[last].last + delta
        if stop < start:
            return None
        region = lines[start - 1 : stop]
        if start > 1 and lines[start - 2].rstrip("\r\n").endswith("\\"):
            return None  # continued into the region
        if region and region[0][:1] in (" ", "\t", "\f"):
            return None
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = ast.parse("\n" * (start - 1) + "".join(region))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if not parsed.body and first == 0 and last == len(segments) - 1:
            return None
        fresh = _segments(parsed.body, lines, start, stop)
        if not fresh and (first > 0 or last < len(segments) - 1):
            return None  # the region holds no statement any more: let the whole parse lay the segments out
        if fresh and first > 0 and fresh[0].first != start:
            return None
        kept_after = segments[last + 1 :]
        if delta:
            for seg in kept_after:
                for stmt in seg.stmts:
                    ast.increment_lineno(stmt, delta)
                seg.first += delta
                seg.last += delta
        if fresh and first == 0:
            fresh[0].first = 1
        self._segments = segments[:first] + fresh + kept_after
        self.reparsed = len(region)
        return ast.Module(body=[s for seg in self._segments for s in seg.stmts], type_ignores=[])

    def compiles(self, tree: ast.Module, kind: str) -> None:
        """``engine.check_compiles(tree, kind)``, statement by statement and
        remembered, except where statements meet at compile time (a
        ``__future__`` import, a ``global`` at module level): the whole
        tree then, as on any error (for its exact message)."""
        from mlwarden.core.engine import check_compiles

        body = tree.body
        def leading(index: int) -> bool:  # where a __future__ import may stand
            return all(_is_future(s) or (i == 0 and _is_docstring(s)) for i, s in enumerate(body[:index]))

        joint = any(isinstance(stmt, (ast.Global, ast.Nonlocal)) or (_is_future(stmt) and not leading(index)) for index, stmt in enumerate(body))
        if joint or kind != "python" or sum(len(seg.stmts) for seg in self._segments) != len(body):
            check_compiles(tree, kind)
            return
        import warnings

        for seg in self._segments:
            if seg.compiles is None:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        compile(ast.Module(body=seg.stmts, type_ignores=[]), "<mlwarden>", "exec", dont_inherit=True)
                    seg.compiles = True
                except SyntaxError:
                    seg.compiles = False
                except (ValueError, TypeError, RecursionError, MemoryError):
                    seg.compiles = True  # the compiler's own limits: judged elsewhere (check_compiles too)
            if not seg.compiles:
                check_compiles(tree, kind)  # raises with the message
                return

    def depth(self, tree: ast.Module) -> int:
        """``gate.nesting_depth(tree)`` from each statement's, remembered."""
        from mlwarden.core.gate import nesting_depth

        if sum(len(seg.stmts) for seg in self._segments) != len(tree.body):
            return nesting_depth(tree)
        deepest = 1
        for seg in self._segments:
            if seg.depth is None:
                seg.depth = max((nesting_depth(stmt) for stmt in seg.stmts), default=0)
            deepest = max(deepest, seg.depth + 1)
        return deepest


def _is_future(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _segments(body: List[ast.stmt], lines: List[str], start: int, stop: int) -> List[_Segment]:
    """The segments of statements ``body`` over lines ``start``..``stop``."""
    from mlwarden.core.gate import first_line

    out: List[_Segment] = []
    for stmt in body:
        line = first_line(stmt)
        if out and out[-1].first == line:
            out[-1].stmts.append(stmt)
        else:
            out.append(_Segment(line, line, [stmt], ""))
    for index, seg in enumerate(out):
        seg.last = out[index + 1].first - 1 if index + 1 < len(out) else stop
    if out:
        out[0].first = start
    for seg in out:
        seg.text = "".join(lines[seg.first - 1 : seg.last])
    return out


def _same_context(old: Tuple[Any, ...], new: Tuple[Any, ...]) -> bool:
    """The same file name, rules and configuration. The language server
    hands an unsaved buffer a fresh copy of its configuration on every check
    (with the pins of its directory): a copy whose attributes are the same
    objects is the same configuration."""
    (old_name, old_config, old_rules), (name, config, rules) = old, new
    if old_name != name or old_rules != rules:
        return False
    if old_config is config:
        return True
    if type(old_config) is not type(config):
        return False
    mine, theirs = vars(old_config), vars(config)
    if mine.keys() != theirs.keys():
        return False
    for attr, value in mine.items():
        other = theirs[attr]
        if value is other:
            continue
        if isinstance(value, dict) and isinstance(other, dict) and value.keys() == other.keys() and all(value[k] is other[k] for k in value):
            continue
        return False
    return True


def _fingerprint(facts, source: str, offsets: List[int]) -> Hashable:
    """What a rule may learn about the rest of the file while it judges any
    unit, as a hashable value (see the module docs): every import (rules
    read the import table whole), the star imports, the headers of every
    class, and where some name's meaning depends on its place, every scope
    with its lines and bindings."""
    imports = tuple(sorted((name, tuple(sorted(quals))) for name, quals in facts.imports.items()))

    def lines(first: int, last: int) -> str:
        return source[offsets[first - 1] : offsets[last] if last < len(offsets) else len(source)]

    classes = tuple(sorted((name, lines(first, body - 1) if body > first else lines(first, last)) for name, (first, body, last) in facts.class_ranges.items()))
    return (
        imports,
        tuple(facts.star_modules),
        tuple(sorted(facts.bound_anywhere)) if facts.star_modules else (),
        classes,
        _scopes(facts) if facts.ambiguous else (),
    )


class _CallIndex:
    """Per top-level statement of a module: its text, the functions and
    classes it defines and the names it calls (``f(...)``, ``obj.f(...)``),
    read from the text: a name before ``(`` anywhere in the statement, even
    in a string or comment, counts as called, so the sets hold at least what
    an ``ast`` walk finds (the key may differ more often, never less often;
    a comment between a callee and its parenthesis is the one shape missed).
    The sets are remembered per statement text, since between two edits of
    a document all statements but one keep their text."""

    def __init__(self, tree, source: str, offsets: List[int]) -> None:
        self.statements = list(tree.body)
        self.texts: List[str] = []
        self.defined: List[FrozenSet[str]] = []
        self.called: List[FrozenSet[str]] = []
        last = len(offsets)
        for statement in self.statements:
            # decorators (``@register(...)``) are calls of the statement too
            first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])
            text = source[offsets[first - 1] : offsets[statement.end_lineno] if statement.end_lineno < last else len(source)]
            defined, called = _names_in(text)
            self.texts.append(text)
            self.defined.append(defined)
            self.called.append(called)


_DEFINED = re.compile(r"\b(?:def|class)\s+(\w+)")
#: a name, then blanks, line continuations or closing brackets, then ``(``:
#: ``f (x)``, ``(pickle.load)(f)``, ``outer()(x)``
_CALLED = re.compile(r"\b(\w+)[\s\\)]*\(")


@lru_cache(maxsize=8192)
def _names_in(text: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(names ``text`` defines, names it calls); a ``def f(`` is no call of ``f``."""
    defines = {m.start(1): m.group(1) for m in _DEFINED.finditer(text)}
    calls = frozenset(m.group(1) for m in _CALLED.finditer(text) if m.start(1) not in defines)
    return frozenset(defines.values()), calls


def _callers(index: _CallIndex, own: Set[int]) -> Hashable:
    """The text of every top-level statement that calls a function or class
    the unit defines, and of the statements calling those (three deep): the
    opt-in analysis (``rules/_optin.py``) reads what the same file's callers
    pass for a flag (``load(p, allow_pickle=True)`` keeps a guarded load
    high), so such a call written in another unit changes this unit's
    verdict. Names only: more than the analysis follows, never less."""
    wanted: Set[str] = set()
    others: List[int] = []
    for i, statement in enumerate(index.statements):
        if statement.lineno in own:
            wanted |= index.defined[i]
        else:
            others.append(i)
    chosen: Set[int] = set()
    for _depth in range(3):
        if not wanted:
            break
        new = [i for i in others if i not in chosen and index.called[i] & wanted]
        chosen.update(new)
        wanted = set().union(*(index.defined[i] for i in new)) if new else set()
    return tuple(index.texts[i] for i in sorted(chosen))


def _names_fingerprint(facts, used: Set[str]) -> Hashable:
    """What the names a unit uses stand for: every meaning, whether the name
    is a module constant, bound at all (a well-known module bound nowhere is
    assumed) or resolved by position. ``used`` holds every name of the unit
    that has any of these (:func:`mlwarden.core.locate.plan_keep` collects
    them), so a name outside it means nothing anywhere in the file."""
    out = []
    for name in sorted(used):
        meaning = facts._meanings.get(name)
        out.append((
            name,
            tuple(sorted(meaning.qualnames)) if meaning is not None else None,
            meaning.assumed if meaning is not None else None,
            name in facts.constants,
            name in facts.bound_anywhere,
            name in facts.ambiguous,
        ))
    return tuple(out)


def _scopes(facts) -> Tuple[Any, ...]:
    """Every scope with its lines and bindings (for names whose meaning
    depends on their place)."""
    out = []
    for scope in facts._all_scopes():
        bindings = tuple(
            sorted((name, tuple((b.kind, b.line, b.group, tuple(sorted(b.qualnames)), b.assumed) for b in found)) for name, found in scope.bindings.items())
        )
        out.append((scope.kind, scope.first, scope.last, bindings, tuple(sorted(scope.globals)), tuple(sorted(scope.nonlocals)), tuple(scope.group_lines)))
    return tuple(out)


def _moved(known: _Judgment, lines: List[int], view) -> Optional[List[Finding]]:
    """``known``'s findings on this text, whose judged lines are ``lines``
    (the same text, maybe moved); None if a position cannot be mapped."""
    if len(known.lines) != len(lines):
        return None
    if known.lines == lines:
        if all(f.fix is None or f.fix.view is view for f in known.findings):
            return known.findings
    where = dict(zip(known.lines, lines))
    last_old, last_new = (known.lines[-1], lines[-1]) if lines else (0, 0)

    def to(line: Optional[int]) -> Optional[int]:
        if line is None:
            return None
        if line in where:
            return where[line]
        return last_new + (line - last_old) if line > last_old else -1  # past the end: as Pruned.view_line maps it

    out: List[Finding] = []
    for finding in known.findings:
        changes: Dict[str, Any] = {"line": to(finding.line), "end_line": to(finding.end_line), "file_line": to(finding.file_line)}
        if any(v is not None and v < 0 for v in changes.values()):
            return None
        fix = finding.fix
        if fix is not None:
            edits = []
            for edit in fix.edits:
                start, end = to(edit.start_line), to(edit.end_line)
                if start is None or end is None or start < 0 or end < 0:
                    return None
                edits.append(Edit(start, edit.start_col, end, edit.end_col, edit.text))
            changes["fix"] = replace(fix, edits=tuple(edits), view=view)
        out.append(replace(finding, **changes) if finding.line != changes["line"] or fix is not None or finding.end_line != changes["end_line"] else finding)
    return out
