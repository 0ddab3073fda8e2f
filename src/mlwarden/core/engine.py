"""The engine: the only place rules run.

For a unit with Python code the pipeline is, cheapest first ("ast locates,
libcst judges"):

1. **word prefilter** (:mod:`mlwarden.core.gate`) — the words of the raw
   text against the trigger words of the selected code rules; a file that
   mentions none of them is never parsed;
2. **ast** — ``ast.parse`` (about 8x cheaper than libcst), then one walk
   that gives every statement its code words (identifiers, keywords,
   imports, short string constants; not docstrings or comments): together
   they are the ast gate, and the bindings of every name are read once
   (:mod:`mlwarden.core.bindings`);
3. **locate** (:mod:`mlwarden.core.locate`) — only the statements a rule
   can fire in (its trigger words, through the names they use), with the
   constants they follow and their class headers, go to libcst; a rule that
   needs the whole module (``scope = "module"``, or a guard word) gets it;
4. **libcst** — one parse of those lines, one batched pass over the rules;
   positions are resolved for reported nodes (and names whose meaning
   depends on where they are used) and map back line for line, fixes too.

A source over 1 MB is parsed chunk by chunk (:mod:`mlwarden.core.chunks`).
``full=True`` is the equivalence mode: no gate, whole-module trees; the test
suite checks it finds exactly what the fast path finds.

File rules then run on the units of the kinds they apply to. ``# noqa``
(for every finding, notebook cells included), per-file ignores and the
severity threshold are applied here, so every front door (CLI, flake8,
pre-commit, the language server) behaves the same. Rules arrive as
:class:`~mlwarden.core.registry.RuleRef` records (or classes): a rule's
module is imported when a file needs it.
"""

from __future__ import annotations

from contextlib import contextmanager
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from mlwarden.core.config import Config
from mlwarden.core.gate import (  # noqa: F401  (re-exported: the gate used to live here)
    HEAD_SPELLINGS,
    _fires,
    nesting_depth,
    candidate_rules,
    code_words,
    fired_in_code,
    trigger_groups,
    words_in_text,
)
from mlwarden.core.edits import line_offsets, minimal_edit, text_between
from mlwarden.core.finding import Edit, Finding, Fix
from mlwarden.core.registry import matches
from mlwarden.core.suppress import is_suppressed
from mlwarden.sources import LoadError, Unit, load

if TYPE_CHECKING:  # pragma: no cover
    import ast

@dataclass
class UnitResult:
    path: str
    findings: List[Finding] = field(default_factory=list)
    #: one-line messages ``path: reason`` for input we could not check
    errors: List[str] = field(default_factory=list)
    unit: Optional[Unit] = None
    #: other files a rule read to judge this one (:mod:`mlwarden.core.project`):
    #: the results cache reuses the findings only while they are unchanged
    read_files: List[str] = field(default_factory=list)


class ParseFailure(Exception):
    """The code view does not parse; ``str()`` is the reason."""


class _CstRefused(ParseFailure):
    """libcst's parser refused code (its syntax error), see :func:`_parse_cst_or_retab`."""


class TooDeep(ParseFailure):
    """Python's recursion limit was hit (deeply nested code): retried once on
    a thread with a large stack, see :func:`run_code_rules`."""


# ---------------------------------------------------------------------------
# code rules


def silence_code_warnings() -> None:
    """Keep Python's warnings about the code being checked off the output of
    this process: ``compile`` warns ``"is" with a literal`` (shown as
    ``<mlwarden>:188: SyntaxWarning``, naming no file), and from 3.12
    ``ast.parse`` warns about every invalid escape sequence (``'\\d'``), once
    per file of a large repository. They are about the user's code, not
    findings, and the CLI, its workers and the language server own their
    process; the flake8 plugin calls it inside :func:`warnings.catch_warnings`."""
    import warnings

    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, message="invalid escape sequence")


def parse_ast(source: str) -> ast.AST:
    """``ast.parse`` with every failure turned into ParseFailure."""
    import ast  # here: a file with no trigger word never needs it

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
    import ast

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


def run_code_rules(unit: Unit, rules: Sequence[type], config: Config, view=None, *, full: bool = False) -> List[Finding]:
    """Run code rules over ``view`` (default ``unit.code``). Raises ParseFailure.

    ``full``: the equivalence mode: no gate, every rule on the whole module's
    libcst tree (the test suite checks it finds exactly what the fast path
    finds)."""
    with _gc_paused():
        try:
            return _run_code_rules(unit, rules, config, view, False, full)
        except TooDeep:
            return _on_deep_stack(_run_code_rules, unit, rules, config, view, True, full)


@contextmanager
def _gc_paused():
    """Python's cycle collector off while one file is analysed: ``ast`` and
    libcst allocate millions of acyclic nodes, and the collections they
    trigger cost about a fifth of the parse (measured on transformers: 5.6 s
    -> 4.4 s for the 1,364 files that are parsed). Whatever cycles the rules
    leave are collected once it is back on."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _run_code_rules(unit: Unit, rules: Sequence[type], config: Config, view=None, deep: bool = False, full: bool = False) -> List[Finding]:
    view = view if view is not None else unit.code
    assert view is not None
    code_rules = [r for r in rules if r.kind() == "code"]
    if not code_rules:
        return []
    source = view.source
    if not full:
        code_rules = candidate_rules(source, code_rules, scan_text=not (view is unit.code and "ast" in unit.extra))
        if not code_rules:
            return []
    from mlwarden.core.chunks import BIG_SOURCE, MAX_SOURCE

    if len(source) > MAX_SOURCE and not full:
        raise ParseFailure(_too_big(source))
    if len(source) > BIG_SOURCE and not full and unit.extra.get("ast") is None:
        chosen, facts, pruned = _locate_in_chunks(source, code_rules, deep, unit.kind)
    else:
        chosen, facts, pruned = _locate(unit, view, source, code_rules, deep, full)
    if not chosen or (pruned is not None and not pruned.lines):
        return []  # no rule can fire, or no statement holds what any rule needs
    from mlwarden.core.locate import Pruned

    if pruned is None:
        pruned = Pruned(source, [])  # the whole view, line for line
    return judge(unit, view, source, pruned, facts, chosen, config)


def judge(unit: Unit, view, source: str, pruned, facts, chosen: Sequence[type], config: Config, offsets=None) -> List[Finding]:
    """libcst's part: parse ``pruned`` (lines of ``view``, or all of it when
    ``pruned.lines`` is empty), run the ``chosen`` rules in one batched pass
    and turn their reports into findings at view positions. A rule that
    crashed is recorded in ``unit.extra["errors"]``. Raises ParseFailure."""
    from mlwarden.core.locate import class_headers

    module, retabbed = _parse_cst_or_retab(pruned.source)

    from mlwarden.core.names import Context, positions_of

    position = positions_of(module)
    if retabbed:
        position = _columns_back(position, retabbed)
    line_map = pruned.view_line if pruned.lines else (lambda line: line)

    def line_of(node):
        found = position(node)
        return line_map(found.start.line) if found is not None else None

    if offsets is None:
        offsets = line_offsets(source)

    def lines(first: int, last: int) -> str:
        return source[offsets[first - 1] : offsets[last] if last < len(offsets) else len(source)]

    try:
        ctx = Context(module, facts, line_of, class_headers(facts, lines) if pruned.lines else None)
        instances = [rule.load()(ctx, config, unit) for rule in chosen]
        from mlwarden.core.walkcst import visit_batched

        visit_batched(module, instances)  # libcst's order, without rebuilding the tree
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
    from mlwarden.core import expectations

    if reports and expectations.may_hold(pruned.source):
        # a mock expectation (`fake.assert_called_with(..., trust_remote_code=True)`,
        # `call(path, use_safetensors=False)`) describes a call and makes none
        try:
            described = expectations.expectation_nodes(module, ctx)
        except RecursionError:
            raise TooDeep("cannot analyse: code nested too deeply") from None
        if described:
            reports = [(inst, rep) for inst, rep in reports if id(rep.node) not in described]
    if not reports:
        return []
    try:
        findings = _reports_to_findings(unit, view, module, reports, position, line_map, ctx.assumed_nodes)
    except RecursionError:
        raise TooDeep("cannot analyse: code nested too deeply") from None
    if retabbed:
        # the tree holds spaces where the file has tabs: an edit made from it
        # could mix the two in one block, which Python refuses; no fix
        findings = [dataclasses.replace(f, fix=None) for f in findings]
    return findings


def _parse_cst_or_retab(source: str) -> Tuple[Any, Optional[Dict[int, Tuple[int, int]]]]:
    """libcst's tree of ``source`` and, when libcst needed it, the lines
    whose leading tabs were expanded (line -> (old, new) indent length).

    Python reads a tab in the indentation as the step to the next multiple
    of eight columns, so ``    def f():`` followed by ``\t\t    return x``
    is valid; libcst's tokenizer refuses that mix ("no matching outer block
    for dedent"), which left a whole file unchecked (funasr's
    ``fsmn_kws/model.py``). Only code that ``ast`` parsed gets here, so when
    libcst refuses a source with tabs it is parsed again with those
    indentation tabs expanded as Python expands them. Line numbers are
    unchanged; :func:`_columns_back` maps columns back."""
    try:
        return _parse_cst(source), None
    except _CstRefused as refused:
        changed: Dict[int, Tuple[int, int]] = {}
        if "\t" in source:
            lines = source.split("\n")  # libcst's lines (str.splitlines also splits at \f, \x1c …)
            for number, line in enumerate(lines, 1):
                indent = line[: len(line) - len(line.lstrip(" \t"))]
                if "\t" in indent:
                    wider = indent.expandtabs(8)
                    lines[number - 1] = wider + line[len(indent) :]
                    changed[number] = (len(indent), len(wider))
        if changed:
            try:
                return _parse_cst("\n".join(lines)), changed
            except _CstRefused:
                pass
        raise ParseFailure(f"not checked: libcst, which the rules read code with, cannot parse it although Python does ({refused}); please report this") from None


def _columns_back(position, changed: Dict[int, Tuple[int, int]]):
    """``position`` with columns of re-indented lines mapped back to the file's."""
    from mlwarden.core.codecache import load_libcst

    metadata = load_libcst().metadata

    def back(line: int, column: int) -> int:
        if line not in changed:
            return column
        old, new = changed[line]
        return column - (new - old) if column >= new else min(column, old)

    def mapped(node: Any) -> Optional[Any]:
        found = position(node)
        if found is None:
            return None
        return metadata.CodeRange(
            metadata.CodePosition(found.start.line, back(found.start.line, found.start.column)),
            metadata.CodePosition(found.end.line, back(found.end.line, found.end.column)),
        )

    return mapped


def _check_depth(depth: int, deep: bool) -> None:
    if depth > MAX_NESTING:
        raise ParseFailure(f"not checked: code nested more than {MAX_NESTING} levels deep")
    if depth > _MAIN_THREAD_NESTING and not deep:
        raise TooDeep("code nested too deeply for the main thread")


def _locate(unit: Unit, view, source: str, rules: Sequence[type], deep: bool, full: bool):
    """(rules that can fire, bindings, pruned source or None for all of it)
    from the view's ``ast``: the gate and :func:`mlwarden.core.locate.plan`."""
    tree = unit.extra.get("ast") if view is unit.code else None
    if tree is None:
        tree = parse_ast(source)
        if view is unit.code:
            unit.extra["ast"] = tree  # the file rules reading code (pip installs) parse it no more
        from mlwarden.core.asttree import remember

        remember(source, tree)  # the rule helpers that read the whole module parse it no more
    if full:
        chosen, all_pieces, headers = list(rules), None, None
        # code that does not compile is an error where the fast path runs a rule, there only
        gated = bool(candidate_rules(source, rules, tree))
    else:
        from mlwarden.core.locate import cut, trigger_words

        # one walk gives each statement's code words; together they are the file's (the ast gate)
        all_pieces, headers = cut(tree, trigger_words(rules))
        found = set().union(*(p.words for p in all_pieces), *(h[1] for h in headers))
        chosen = fired_in_code(rules, found, tree)
        gated = bool(chosen)
    if not chosen:
        return [], None, None
    if gated:
        check_compiles(tree, unit.kind)
    from mlwarden.core.bindings import ModuleFacts
    from mlwarden.core.locate import plan_cut

    _check_depth(nesting_depth(tree), deep)
    facts = ModuleFacts.from_ast(tree)
    return chosen, facts, None if full else plan_cut(all_pieces, headers, source, chosen, facts)


def _locate_in_chunks(source: str, rules: Sequence[type], deep: bool, kind: str = "python"):
    """:func:`_locate` for a big source, parsed chunk by chunk
    (:mod:`mlwarden.core.chunks`): memory bounded by the largest chunk."""
    from mlwarden.core import chunks
    from mlwarden.core.locate import module_scoped, plan_pieces, prune

    refused: List[ParseFailure] = []

    def compiles(tree) -> None:  # the walked chunks only: no whole tree of a big file is ever built
        if not refused:
            try:
                check_compiles(tree, kind)
            except ParseFailure as exc:
                refused.append(exc)

    try:
        located = chunks.chunks(source, rules, check=compiles)
    except SyntaxError:
        parse_ast(source)  # the parser's own message, as for any file
        raise ParseFailure("cannot parse: syntax error") from None
    except chunks.TooMuchCode as exc:
        raise ParseFailure(str(exc)) from None
    all_pieces, facts = located.pieces, located.facts
    pruned = plan_pieces(all_pieces, located.headers, source, rules, facts, whole_share=2.0, summaries=located.summaries)
    chosen = [r for r in rules if not r.triggers or any(_fires(trigger_groups(r), p.words) for p in all_pieces)]
    if chosen and refused:
        raise refused[0]
    if pruned is None or any(module_scoped(r, facts, source) for r in chosen):
        pruned = prune(all_pieces, set(range(len(all_pieces))), source, whole_share=2.0)
    kept = set(pruned.lines) if pruned is not None else set()
    _check_depth(max((p.depth for p in all_pieces if p.first in kept), default=0), deep)
    return chosen, facts, pruned


def _parse_cst(source: str):
    """libcst's tree of ``source``; every failure is a ParseFailure."""
    from mlwarden.core.codecache import load_libcst, parse_module

    cst = load_libcst()

    try:
        return parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise _CstRefused(f"syntax error at line {exc.raw_line}:{exc.raw_column + 1}: {exc.message}") from None
    except RecursionError:
        raise TooDeep("cannot parse: code nested too deeply") from None
    except MemoryError:
        raise ParseFailure("cannot parse: out of memory") from None
    except Exception as exc:  # the native parser's own errors
        raise ParseFailure(f"cannot parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _reports_to_findings(unit: Unit, view, module, reports, position, line_map, assumed) -> List[Finding]:
    """Findings from the rules' reports: positions in the parsed tree (all or
    part of the view) mapped to view lines (``line_map``), then to the file."""
    findings: List[Finding] = []
    seen: Set[Tuple[str, int, int]] = set()
    offsets = None
    assumed_spans = [(position(node), name, module) for node, name, module in assumed.values()]
    for rule, report in reports:
        where = position(report.node)
        start_line, end_line = line_map(where.start.line), line_map(where.end.line)
        start = view.locate(start_line, where.start.column)
        end = view.locate(end_line, where.end.column)
        key = (rule.id, start_line, where.start.column)
        if key in seen:  # one finding per rule and place
            continue
        seen.add(key)
        message = report.message + _assumed_note(where, assumed_spans)
        fix = None
        if report.replacements:
            edits = []
            for old, new in report.replacements:
                span = position(old)
                begin = (line_map(span.start.line), span.start.column)
                stop = (line_map(span.end.line), span.end.column)
                if offsets is None:
                    offsets = line_offsets(view.source)
                written = text_between(view.source, offsets, begin, stop)
                old_code, new_code = _codes_in_place(module, old, new, written, view.source, offsets, begin[0])
                if written == old_code:
                    edits.append(minimal_edit(old_code, new_code, *begin))
                else:  # a node whose code is not exactly its span: replace the span
                    edits.append(Edit(*begin, *stop, new_code))
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
                message=message,
                severity=report.severity,
                fix=fix,
                snippet_hash=_snippet_hash(module.code_for_node(report.node)),
                pin=report.pin,
            )
        )
    return findings


def _codes_in_place(module, old, new, written: str, source: str, offsets, line: int) -> Tuple[str, str]:
    """The code of ``old`` and of its replacement ``new`` as written where
    ``old`` is. libcst renders a node alone as if at module level, so the
    continuation lines of a call inside a block (``indent=True`` newlines)
    lose the block's indentation; the block's indentation is found among
    the leading whitespace of the lines up to ``old``'s first one (the one
    with which ``old`` renders exactly as ``written``), and both are
    rendered with it."""
    old_code = module.code_for_node(old)
    if old_code == written or "\n" not in written:
        return old_code, module.code_for_node(new)
    try:
        from libcst._nodes.internal import CodegenState
    except ImportError:  # pragma: no cover - libcst moved its internals: replace the span, unindented
        return old_code, module.code_for_node(new)

    def render(node, indent: str) -> str:
        state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline, indent_tokens=[indent] if indent else [])
        node._codegen(state)
        return "".join(state.tokens)

    tried = set()
    for number in range(line, max(0, line - 200), -1):
        start = offsets[number - 1]
        text = source[start : offsets[number] if number < len(offsets) else len(source)]
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        if indent in tried:
            continue
        tried.add(indent)
        if render(old, indent) == written:
            return written, render(new, indent)
        if not indent:
            break
    return old_code, module.code_for_node(new)


def _assumed_note(where, assumed_spans) -> str:
    """``; `pickle` has no import ...`` when the reported code holds a name
    resolved only by assuming a well-known module (see core/bindings.py); an
    alias of such a name (``load = pickle.loads`` … ``load(b)``) says so."""
    found = sorted(
        {
            (name, module)
            for span, name, module in assumed_spans
            if span is not None
            and (span.start.line, span.start.column) >= (where.start.line, where.start.column)
            and (span.end.line, span.end.column) <= (where.end.line, where.end.column)
        }
    )
    if not found:
        return ""
    from mlwarden.core.bindings import WELL_KNOWN_MODULES, WELL_KNOWN_NAMES

    notes = []
    plain = [(n, m) for n, m in found if n in WELL_KNOWN_MODULES]
    if plain:
        shown = ", ".join(f"`{n}`" for n, _m in plain)
        modules = ", ".join(f"`{WELL_KNOWN_MODULES[n]}`" for n, _m in plain)
        notes.append(f"{shown} is bound nowhere in this file and was taken to be the {modules} module")
    for name, module in found:
        if name in WELL_KNOWN_MODULES:
            continue
        if WELL_KNOWN_NAMES.get(name) == module:
            notes.append(f"`{name}` is bound nowhere in this file and was taken to be `{module}`")
        else:
            notes.append(f"`{name}` comes from a name bound nowhere in this file, taken to be the `{module}` module")
    return " (" + "; ".join(notes) + ")"


def _snippet_hash(code: str) -> str:
    from mlwarden.core.finding import sha256_hex

    return sha256_hex(" ".join(code.split()))


# ---------------------------------------------------------------------------
# units and paths


def _too_big(source: str) -> str:
    from mlwarden.core.chunks import MAX_SOURCE

    return (
        f"not checked: {len(source) / 1e6:.1f} MB of Python code is more than the {MAX_SOURCE // 1_000_000} MB "
        "mlwarden analyses in one file; split the file or exclude it"
    )


def check_unit(unit: Unit, rules: Sequence[type], config: Config, *, full: bool = False, code_rules=None) -> UnitResult:
    """Every finding in ``unit``: code rules, file rules, noqa, severity and
    per-file ignores. ``full``: the equivalence mode (see :func:`run_code_rules`).
    ``code_rules``: what runs the code rules over ``unit.code`` in place of
    :func:`run_code_rules` (the language server's incremental check,
    :mod:`mlwarden.core.incremental`); raises ParseFailure likewise."""
    result = UnitResult(path=unit.path, unit=unit)
    given_tree = "ast" in unit.extra  # flake8 hands its tree in; ours is dropped at the end (memory)
    if unit.kind == "python" and unit.code is not None and not full:
        from mlwarden.core.chunks import MAX_SOURCE

        if len(unit.code.source) > MAX_SOURCE:
            # not checked means no rule: the secrets scan of a 180 MB generated
            # module took 70 s and 4 GB before this (issue 12: a one-line skip)
            result.errors.append(f"{unit.path}: {_too_big(unit.code.source)}")
            return result
    if unit.code is not None:
        try:
            if code_rules is None:
                result.findings.extend(run_code_rules(unit, rules, config, full=full))
            else:
                result.findings.extend(code_rules(unit, rules, config))
        except ParseFailure as exc:
            fallbacks = unit.code.fallback_views()
            if not fallbacks:
                result.errors.append(f"{unit.path}: {exc}")
            # e.g. a notebook whose cells do not parse as one module: check
            # each cell alone and name only the cells that fail
            for view in fallbacks:
                try:
                    result.findings.extend(run_code_rules(unit, rules, config, view, full=full))
                except ParseFailure as cell_exc:
                    label = view.fallback_label()
                    result.errors.append(f"{unit.path}:{label}: {cell_exc}" if label else f"{unit.path}: {cell_exc}")
    for rule in rules:
        if rule.kind() == "file" and unit.kind in rule.applies_to:
            gate = getattr(rule, "text_gate", ())
            if gate and unit.kind == "python" and unit.code is not None and not all(w in unit.code.source for w in gate):
                continue
            try:
                result.findings.extend(rule.load()(config).check(unit))
            except Exception as exc:  # noqa: BLE001 - a rule bug must not end the run
                result.errors.append(
                    f"{unit.path}: internal error in rule {rule.id} ({type(exc).__name__}: {exc}); "
                    "its findings for this file may be missing; please report this"
                )
    if not given_tree:
        unit.extra.pop("ast", None)
    # per-line problems a loader or rule recorded ("3: cannot parse ..."); the rest was still checked
    for message in unit.extra.get("errors", ()):
        result.errors.append(f"{unit.path}:{message}")
    result.findings = _filter(unsuppressed(result.findings, unit), unit, config)
    result.read_files = sorted(unit.extra.get("read_files", ()))
    return result


def unsuppressed(findings: Iterable[Finding], unit: Unit) -> List[Finding]:
    """``findings`` without those silenced by a ``# noqa: MLWnnn`` on their
    line: the one place noqa is applied, for every finding of every rule. The
    line is the cell's line for a notebook cell (code and ``%pip``/``!cmd``
    lines alike), the file's line otherwise (an ``.ipy`` file, a dependency
    file, a file another one includes). Outputs and binaries hold no
    comments."""
    lines = _LineSource(unit)
    return [f for f in findings if not is_suppressed(f.rule_id, lines.text(f))]


class _LineSource:
    """The source line a finding points at (see :func:`unsuppressed`)."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self._cells: Optional[Dict[int, object]] = None
        self._other_files: Dict[str, List[str]] = {}

    def text(self, finding: Finding) -> str:
        unit = self.unit
        if finding.output is not None:
            return ""
        if finding.cell is not None:
            if self._cells is None:
                self._cells = {c.index: c for c in unit.extra.get("cells", ()) if hasattr(c, "line_text")}
            cell = self._cells.get(finding.cell)
            return cell.line_text(finding.line) if cell is not None else ""
        if finding.path != unit.path:
            lines = self._other_files.get(finding.path)
            if lines is None:
                try:
                    lines = Path(finding.path).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    lines = []
                self._other_files[finding.path] = lines
            return lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        return unit.line_text(finding.line)


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


def check_file(path: Path, kind: str, rules: Sequence[type], config: Config, display: Optional[str] = None, *, full: bool = False) -> UnitResult:
    shown = display if display is not None else str(path)
    try:
        unit = load(path, kind, shown)
    except LoadError as exc:
        return UnitResult(path=shown, errors=[f"{shown}: {exc}"])
    return check_unit(unit, rules, config, full=full)


def check_source(
    source: str,
    filename: str = "<string>",
    *,
    config: Optional[Config] = None,
    rules: Optional[Sequence[type]] = None,
    kind: Optional[str] = None,
    full: bool = False,
    tree: Optional[ast.Module] = None,
    code_rules=None,
) -> UnitResult:
    """Check source text: a Python file, notebook JSON, a dependency file...
    (the flake8 plugin, the language server and the tests use this)."""
    from mlwarden.sources import classify

    config = config or Config()
    rules = list(rules) if rules is not None else config.rule_refs()
    kind = kind or classify(Path(filename)) or "python"
    raw = source.encode("utf-8", "surrogatepass")
    try:
        if kind == "python":
            from mlwarden.sources import CodeView

            unit = Unit(path=filename, kind="python", raw=raw, text=source, code=CodeView(source), extra={"encoding": "utf-8"})
            if tree is not None:
                unit.extra["ast"] = tree  # already parsed by the caller (flake8)
        else:
            unit = load(Path(filename), kind, filename, raw=raw)
    except LoadError as exc:
        return UnitResult(path=filename, errors=[f"{filename}: {exc}"])
    return check_unit(unit, rules, config, full=full, code_rules=code_rules)
