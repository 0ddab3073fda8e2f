"""The engine: the only place rules run.

For a unit with Python code the pipeline is, cheapest first:

1. **word prefilter** — a regex over the raw text for the trigger words of the
   selected code rules; a file that mentions none of them is never parsed;
2. **ast gate** — ``ast.parse`` (about 8x cheaper than libcst) and a walk that
   keeps only the rules whose trigger words occur as identifiers, keywords,
   imports or short string constants (not in docstrings or comments);
3. **libcst** — one parse, one import-alias table, one batched pass over the
   remaining rules; positions (``PositionProvider``) are resolved only when a
   rule reported something.

File rules then run on the units of the kinds they apply to. ``# noqa``,
per-file ignores and the severity threshold are applied here, so every front
door (CLI, flake8, pre-commit) behaves the same.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from mlwarden.core.config import Config
from mlwarden.core.finding import Edit, Finding, Fix
from mlwarden.core.registry import matches
from mlwarden.core.rule import CodeRule, FileRule
from mlwarden.core.suppress import is_suppressed
from mlwarden.sources import LoadError, Unit, load

#: A string constant longer than this is prose, not a trigger.
_MAX_TRIGGER_STRING = 100


@dataclass
class UnitResult:
    path: str
    findings: List[Finding] = field(default_factory=list)
    #: one-line messages ``path: reason`` for input we could not check
    errors: List[str] = field(default_factory=list)
    unit: Optional[Unit] = None


class ParseFailure(Exception):
    """The code view does not parse; ``str()`` is the reason."""


class TooDeep(ParseFailure):
    """Python's recursion limit was hit (deeply nested code): retried once on
    a thread with a large stack, see :func:`run_code_rules`."""


# ---------------------------------------------------------------------------
# prefilter


#: ``\w+`` runs of the text; a trigger word is found when it is one of them
#: (the same word boundaries as ``(?<!\w)word(?!\w)``, about 4x faster than an
#: alternation of 100+ words on large files).
_WORD_RE = re.compile(r"\w+")

#: Qualified triggers (``"torch.hub.load"``) are resolved through imports,
#: which canonicalise some module prefixes (see ``names._CANONICAL_PREFIXES``):
#: a canonical head may be spelled otherwise in the file. Kept in step with
#: that table by ``tests/test_prefilter.py``.
HEAD_SPELLINGS: Dict[str, FrozenSet[str]] = {
    "keras": frozenset({"keras", "tf_keras"}),
    "pickle": frozenset({"pickle", "_pickle", "cPickle", "pickle5"}),
}


@lru_cache(maxsize=64)
def _trigger_regex(words: FrozenSet[str]) -> "re.Pattern[str]":
    alternation = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")


def words_in_text(text: str, words: FrozenSet[str]) -> Set[str]:
    if not words:
        return set()
    plain = {w for w in words if _WORD_RE.fullmatch(w)}
    found = plain.intersection(_WORD_RE.findall(text)) if plain else set()
    odd = words.difference(plain)
    if odd:  # not a plain word (a trigger with "-" or "."): match it as text
        found.update(_trigger_regex(frozenset(odd)).findall(text))
    return found


@lru_cache(maxsize=None)
def trigger_groups(rule: type) -> Tuple[Tuple[FrozenSet[str], ...], ...]:
    """A rule's triggers as alternatives of word groups: the rule is a
    candidate when, for one trigger, every group has a word in the file.

    A plain word is one group. A qualified trigger ``"torch.hub.load"`` means
    "a name that resolves through the imports to torch.hub.load": whichever
    way it is imported and spelled (``import torch``, ``from torch import
    hub``, ``from torch.hub import load as L``, ``import torch.hub as th``),
    each component appears as code in an import or in the attribute chain,
    so all of ``torch``, ``hub`` and ``load`` must occur (the head in any
    spelling of :data:`HEAD_SPELLINGS`). Middle components may be left out:
    ``"transformers.from_pretrained"`` covers
    ``transformers.AutoModel.from_pretrained`` and every other class.

    Use a qualified trigger only for names the rule matches through
    ``ctx.call_to``/``ctx.qualnames`` (which resolve through imports); a
    keyword or a method on any object stays a plain word."""
    groups = []
    for trigger in sorted(rule.triggers):
        parts = trigger.split(".") if "." in trigger and all(_WORD_RE.fullmatch(p) for p in trigger.split(".")) else [trigger]
        head = HEAD_SPELLINGS.get(parts[0], frozenset({parts[0]}))
        groups.append((head, *(frozenset({p}) for p in parts[1:])))
    return tuple(groups)


def _fires(groups: Tuple[Tuple[FrozenSet[str], ...], ...], found: Set[str]) -> bool:
    return any(all(not group.isdisjoint(found) for group in trigger) for trigger in groups)


def code_words(tree: ast.AST, limit: FrozenSet[str]) -> Set[str]:
    """Identifiers used as code (names, attributes, keywords, imports, short
    string constants that are not docstrings), intersected with ``limit``."""
    seen: Set[str] = set()
    plain = frozenset(w for w in limit if _WORD_RE.fullmatch(w))
    odd = limit - plain
    node_type = ast.AST
    stack: List[ast.AST] = [tree]
    pop, push = stack.pop, stack.append
    # an explicit stack over ``_fields``: about 1.7x faster than ast.walk
    while stack:
        node = pop()
        kind = type(node)
        if kind is ast.Name:
            if node.id in limit:
                seen.add(node.id)
            continue
        if kind is ast.Attribute:
            if node.attr in limit:
                seen.add(node.attr)
        elif kind is ast.Constant:
            value = node.value
            if type(value) is str and len(value) <= _MAX_TRIGGER_STRING:
                seen.update(plain.intersection(_WORD_RE.findall(value)))
                if odd:
                    seen.update(words_in_text(value, odd))
            continue
        elif kind is ast.keyword:
            if node.arg in limit:
                seen.add(node.arg)
        elif kind is ast.alias:
            seen.update(limit.intersection(node.name.split(".")))
            if node.asname in limit:
                seen.add(node.asname)
            continue
        elif kind is ast.ImportFrom:
            seen.update(limit.intersection((node.module or "").split(".")))
        elif kind is ast.Expr and type(node.value) is ast.Constant:
            continue  # a docstring or a bare string: prose, whatever its length
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                push(value)
            elif type(value) is list:
                for item in value:
                    if isinstance(item, node_type):
                        push(item)
    return seen


@lru_cache(maxsize=32)
def _gate_plan(rules: Tuple[type, ...]):
    """Per selection, once: rules without triggers, (rule, trigger groups),
    and every word any trigger needs (rules with many qualified triggers,
    such as MLW402's package x keyword pairs, cost nothing per file)."""
    always = tuple(r for r in rules if not r.triggers)
    gated = [(r, trigger_groups(r)) for r in rules if r.triggers]
    words = frozenset(w for _r, groups in gated for trigger in groups for group in trigger for w in group)
    return always, gated, words


def candidate_rules(source: str, rules: Sequence[type], tree: Optional[ast.AST] = None) -> List[type]:
    """Rules that can fire on ``source``; word prefilter, then (with a tree)
    the ast gate. Plain and qualified triggers: see :func:`trigger_groups`."""
    always, gated, words = _gate_plan(tuple(rules))
    if not gated:
        return list(always)
    found = words_in_text(source, words)
    gated = [(r, groups) for r, groups in gated if _fires(groups, found)]
    if tree is not None and gated:
        found = code_words(tree, frozenset(found))
        gated = [(r, groups) for r, groups in gated if _fires(groups, found) and (getattr(r, "ast_gate", None) is None or r.ast_gate(tree))]
    return list(always) + [r for r, _groups in gated]

# ---------------------------------------------------------------------------
# code rules


def parse_ast(source: str) -> ast.AST:
    """``ast.parse`` with every failure turned into ParseFailure."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f":{exc.offset}" if exc.offset else "") if exc.lineno else "unknown line"
        raise ParseFailure(f"syntax error at {where}: {exc.msg}") from None
    except (ValueError, TypeError) as exc:  # null bytes and friends
        raise ParseFailure(f"cannot parse: {exc}") from None
    except RecursionError:
        raise TooDeep("cannot parse: code nested too deeply") from None
    except MemoryError:  # the PEG parser's own stack limit
        raise ParseFailure("cannot parse: code nested too deeply for Python's parser") from None


def check_compiles(tree: ast.AST, kind: str) -> None:
    """Raise ParseFailure when Python would refuse code that parses
    (``return``/``nonlocal`` at module level, ``await`` outside ``async def``
    in a plain module, ``break`` outside a loop): such a file gets a parse
    error and never a fix. Compiled from the tree, never run; notebooks may
    ``await`` at the top level."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if kind in ("notebook", "ipython") else 0
    try:
        compile(tree, "<mlwarden>", "exec", flags=flags, dont_inherit=True)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f":{exc.offset}" if exc.offset else "") if exc.lineno else "unknown line"
        raise ParseFailure(f"syntax error at {where}: {exc.msg}") from None
    except (ValueError, TypeError, RecursionError, MemoryError):  # the compiler's own limits: judged elsewhere
        pass


#: Deeply nested code (a 400-branch ``elif`` chain, a long ``a + b + …``)
#: exceeds Python's default recursion limit in libcst's recursive visitors,
#: and libcst's native parser overflows the 8 MB main-thread C stack (a
#: segfault, not an exception) somewhere between 5,000 and 10,000 levels.
#: Code nested deeper than _MAIN_THREAD_NESTING is therefore checked on a
#: thread with a large stack and a high recursion limit (measured: every
#: construct up to 2,000 levels passes on an 8 MB stack; we give 512 MB).
_MAIN_THREAD_NESTING = 120
_DEEP_RECURSION_LIMIT = 60_000
_DEEP_STACK_BYTES = 512 * 1024 * 1024
#: Beyond this many nested syntax levels libcst's parser gets very slow
#: (a chain of 2,000 calls ``f(1)(1)…`` takes about 20 s, 3,000 over a
#: minute), so such a file is reported as not checked instead.
MAX_NESTING = 2000


def run_code_rules(unit: Unit, rules: Sequence[type], config: Config, view=None) -> List[Finding]:
    """Run code rules over ``view`` (default ``unit.code``). Raises ParseFailure."""
    try:
        return _run_code_rules(unit, rules, config, view)
    except TooDeep:
        return _on_deep_stack(_run_code_rules, unit, rules, config, view, True)


def nesting_depth(tree: ast.AST) -> int:
    """How deeply libcst will nest ``tree`` (iterative: safe on any depth).

    As ``ast`` nests, except that ``a and b and c`` (one flat ``BoolOp`` in
    ``ast``) is a chain of binary operations in libcst."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
        step = len(node.values) - 1 if type(node) is ast.BoolOp else 1
        stack.extend((child, depth + max(step, 1)) for child in ast.iter_child_nodes(node))
    return deepest


def _on_deep_stack(func, *args):
    """``func(*args)`` on a thread with a large stack and a high recursion limit."""
    import sys
    import threading

    box: Dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = func(*args)
        except BaseException as exc:  # re-raised in the calling thread
            box["error"] = exc

    old_limit, old_size = sys.getrecursionlimit(), threading.stack_size()
    try:
        threading.stack_size(_DEEP_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        thread = threading.Thread(target=target, name="mlwarden-deep-code", daemon=True)
        thread.start()
        thread.join()
    except (ValueError, RuntimeError, MemoryError):  # no big stacks on this platform
        raise ParseFailure("cannot analyse: code nested too deeply") from None
    finally:
        sys.setrecursionlimit(old_limit)
        threading.stack_size(old_size)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _run_code_rules(unit: Unit, rules: Sequence[type], config: Config, view=None, deep: bool = False) -> List[Finding]:
    view = view if view is not None else unit.code
    assert view is not None
    code_rules = [r for r in rules if issubclass(r, CodeRule)]
    if not code_rules:
        return []
    source = view.source
    if not candidate_rules(source, code_rules):
        return []
    tree = parse_ast(source)
    chosen = candidate_rules(source, code_rules, tree)
    if not chosen:
        return []
    depth = nesting_depth(tree)
    if depth > MAX_NESTING:
        raise ParseFailure(f"not checked: code nested more than {MAX_NESTING} levels deep")
    if depth > _MAIN_THREAD_NESTING and not deep:
        raise TooDeep("code nested too deeply for the main thread")
    check_compiles(tree, unit.kind)
    del tree

    import libcst as cst
    from mlwarden.core.names import Context

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise ParseFailure(f"syntax error at line {exc.raw_line}:{exc.raw_column + 1}: {exc.message}") from None
    except RecursionError:
        raise TooDeep("cannot parse: code nested too deeply") from None
    except MemoryError:
        raise ParseFailure("cannot parse: out of memory") from None
    except Exception as exc:  # the native parser's own errors
        raise ParseFailure(f"cannot parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    try:
        ctx = Context(module)
        instances = [rule(ctx, config, unit) for rule in chosen]
        cst.visit_batched(module, instances)
    except RecursionError:
        raise TooDeep("cannot analyse: code nested too deeply") from None
    except Exception as exc:  # a bug in a rule must not end the run
        raise ParseFailure(f"internal error while checking ({type(exc).__name__}: {exc}); please report this") from None
    for inst in instances:
        if inst.failure is not None:
            # the loop in check_unit prefixes the path; the other rules' findings stand
            unit.extra.setdefault("errors", []).append(
                f" internal error in rule {inst.id} ({inst.failure}); its findings for this file may be missing; please report this"
            )
    reports = [(inst, rep) for inst in instances for rep in inst.reports if inst.failure is None]
    if not reports:
        return []
    return _reports_to_findings(unit, view, module, reports)


def _reports_to_findings(unit: Unit, view, module, reports) -> List[Finding]:
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        raise TooDeep("cannot analyse: code nested too deeply") from None
    findings: List[Finding] = []
    seen: Set[Tuple[str, int, int]] = set()
    for rule, report in reports:
        where = positions[report.node]
        start = view.locate(where.start.line, where.start.column)
        end = view.locate(where.end.line, where.end.column)
        key = (rule.id, where.start.line, where.start.column)
        if key in seen:  # one finding per rule and place
            continue
        seen.add(key)
        fix = None
        if report.replacements:
            edits = []
            for old, new in report.replacements:
                span = positions[old]
                edits.append(
                    Edit(span.start.line, span.start.column, span.end.line, span.end.column, module.code_for_node(new))
                )
            fix = Fix(edits=tuple(edits), safe=report.fix_safe, description=report.fix_description, view=view)
        findings.append(
            Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                path=unit.path,
                line=start.line,
                col=start.col,
                end_line=end.line if end.cell == start.cell else None,
                end_col=end.col if end.cell == start.cell else None,
                cell=start.cell,
                file_line=start.file_line,
                message=report.message,
                severity=report.severity,
                fix=fix,
                snippet_hash=_snippet_hash(module.code_for_node(report.node)),
            )
        )
        # noqa lives on the code-view line
        if is_suppressed(rule.id, view.line_text(where.start.line)):
            findings.pop()
    return findings


def _snippet_hash(code: str) -> str:
    from mlwarden.core.finding import sha256_hex

    return sha256_hex(" ".join(code.split()))


# ---------------------------------------------------------------------------
# units and paths


def check_unit(unit: Unit, rules: Sequence[type], config: Config) -> UnitResult:
    result = UnitResult(path=unit.path, unit=unit)
    if unit.code is not None:
        try:
            result.findings.extend(run_code_rules(unit, rules, config))
        except ParseFailure as exc:
            fallbacks = unit.code.fallback_views()
            if not fallbacks:
                result.errors.append(f"{unit.path}: {exc}")
            # e.g. a notebook whose cells do not parse as one module: check
            # each cell alone and name only the cells that fail
            for view in fallbacks:
                try:
                    result.findings.extend(run_code_rules(unit, rules, config, view))
                except ParseFailure as cell_exc:
                    label = view.fallback_label()
                    result.errors.append(f"{unit.path}:{label}: {cell_exc}" if label else f"{unit.path}: {cell_exc}")
    for rule in rules:
        if issubclass(rule, FileRule) and unit.kind in rule.applies_to:
            try:
                for finding in rule(config).check(unit):
                    if unit.text is not None and finding.cell is None and is_suppressed(finding.rule_id, unit.line_text(finding.line)):
                        continue
                    result.findings.append(finding)
            except Exception as exc:  # noqa: BLE001 - a rule bug must not end the run
                result.errors.append(
                    f"{unit.path}: internal error in rule {rule.id} ({type(exc).__name__}: {exc}); "
                    "its findings for this file may be missing; please report this"
                )
    # per-line problems a loader or rule recorded ("3: cannot parse ..."); the rest was still checked
    for message in unit.extra.get("errors", ()):
        result.errors.append(f"{unit.path}:{message}")
    result.findings = _filter(result.findings, unit, config)
    return result


def _filter(findings: Iterable[Finding], unit: Unit, config: Config) -> List[Finding]:
    from mlwarden.core.context import adjust

    findings = adjust(list(findings), unit, config)
    ignored = config.ignored_for(unit.path)
    out = [
        f
        for f in findings
        if f.severity.rank >= config.severity.rank and not (ignored and matches(f.rule_id, ignored))
    ]
    out.sort(key=lambda f: f.sort_key)
    return out


def check_file(path: Path, kind: str, rules: Sequence[type], config: Config, display: Optional[str] = None) -> UnitResult:
    shown = display if display is not None else str(path)
    try:
        unit = load(path, kind, shown)
    except LoadError as exc:
        return UnitResult(path=shown, errors=[f"{shown}: {exc}"])
    return check_unit(unit, rules, config)


def check_source(
    source: str,
    filename: str = "<string>",
    *,
    config: Optional[Config] = None,
    rules: Optional[Sequence[type]] = None,
    kind: Optional[str] = None,
) -> UnitResult:
    """Check source text (the flake8 plugin and the tests use this)."""
    from mlwarden.sources import classify

    config = config or Config()
    rules = list(rules) if rules is not None else config.rules()
    kind = kind or classify(Path(filename)) or "python"
    raw = source.encode("utf-8", "surrogatepass")
    try:
        if kind == "python":
            from mlwarden.sources import CodeView

            unit = Unit(path=filename, kind="python", raw=raw, text=source, code=CodeView(source), extra={"encoding": "utf-8"})
        else:
            unit = load(Path(filename), kind, filename, raw=raw)
    except LoadError as exc:
        return UnitResult(path=filename, errors=[f"{filename}: {exc}"])
    return check_unit(unit, rules, config)


def rules_by_id(rules: Iterable[type]) -> Dict[str, type]:
    return {r.id: r for r in rules}
