"""Which rules can fire in a file, cheapest test first.

1. **word prefilter** (:func:`words_in_text`): the ``\\w+`` words of the raw
   text against the trigger words of the selected code rules; a file that
   mentions none of them is never parsed; then a rule's optional
   ``source_gate`` (a test of the text, given the words found);
2. **code text** (:func:`used_as_code`): the same words, counted only where
   the text uses them as code (:mod:`mlwarden.core.codetext` skips comments,
   docstrings and long strings without parsing; unsure means "code");
3. **ast gate** (:func:`code_words`): the same words, counted only where they
   are code (names, attributes, keywords, imports, short string constants;
   not docstrings or comments), plus a rule's optional ``ast_gate``.

A rule's ``triggers`` are alternatives: plain words, or qualified names whose
every component must occur (:func:`trigger_groups`). The same test decides,
statement by statement, which parts of a file libcst must see
(:mod:`mlwarden.core.locate`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

if TYPE_CHECKING:  # pragma: no cover
    import ast

#: A string constant longer than this is prose, not a trigger.
_MAX_TRIGGER_STRING = 100


#: ``\w+`` runs of the text; a trigger word is found when it is one of them
#: (the same word boundaries as ``(?<!\w)word(?!\w)``, about 4x faster than an
#: alternation of 100+ words on large files).
_WORD_RE = re.compile(r"\w+")

#: Qualified triggers (``"torch.hub.load"``) are resolved through imports,
#: which canonicalise some module prefixes (see ``names._CANONICAL_PREFIXES``):
#: a canonical head may be spelled otherwise in the file. Kept in step with
#: that table by ``tests/test_prefilter.py``.
#: A well-known module used without an import is assumed under its usual
#: alias too (``np.load`` is numpy's; ``bindings.WELL_KNOWN_MODULES``).
HEAD_SPELLINGS: Dict[str, FrozenSet[str]] = {
    "keras": frozenset({"keras", "tf_keras"}),
    "pickle": frozenset({"pickle", "_pickle", "cPickle", "pickle5"}),
    "numpy": frozenset({"numpy", "np"}),
    "pandas": frozenset({"pandas", "pd"}),
    "tensorflow": frozenset({"tensorflow", "tf"}),
}


@lru_cache(maxsize=64)
def _trigger_regex(words: FrozenSet[str]) -> "re.Pattern[str]":
    alternation = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")


#: Larger texts are scanned a slice at a time (the list of every word of a
#: 50 MB file would take several hundred MB).
_SLICE = 1 << 20


#: ``bytes.translate`` table of the byte scan in :func:`words_in_text`: ASCII
#: word characters stay, every other byte (ASCII punctuation and white space,
#: and each byte of a non-ASCII character's UTF-8) becomes a space. The runs
#: left are the ``\\w+`` words of an ASCII text. Next to a non-ASCII letter
#: (``torché``) they hold an ASCII word that ``\\w+`` does not, so in a
#: non-ASCII text the few words found are checked again with
#: :func:`_has_word`. About 2x faster than ``_WORD_RE.findall`` on
#: transformers, whose files are half ASCII (1.08 -> 0.47 s CPU).
_BYTE_WORDS = bytes(c if c < 128 and (chr(c).isalnum() or c == 95) else 32 for c in range(256))


@lru_cache(maxsize=64)
def _ascii_words(plain: FrozenSet[str]) -> Tuple[FrozenSet[bytes], FrozenSet[str]]:
    """(the ASCII words of ``plain`` as bytes, the others), once per word set."""
    ascii_words = frozenset(w.encode("ascii") for w in plain if w.isascii())
    return ascii_words, frozenset(w for w in plain if not w.isascii())


@lru_cache(maxsize=64)
def _split_words(words: FrozenSet[str]) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(plain ``\\w+`` words, the others), once per word set."""
    plain = frozenset(w for w in words if _is_word(w))
    return plain, words - plain


def _is_word(text: str) -> bool:
    return text.isidentifier() or bool(_WORD_RE.fullmatch(text))


#: Up to this many words, :func:`words_in_text` looks for each with
#: ``str.find`` (C speed, no list of every word of the text): the code-text
#: gate asks about the few trigger words a file has
_FEW_WORDS = 40


def words_in_text(text: str, words: FrozenSet[str]) -> Set[str]:
    if not words:
        return set()
    if len(words) <= _FEW_WORDS:
        return {word for word in words if _has_word(text, word)}
    plain, odd = _split_words(words)
    found: Set[str] = set()
    ascii_words, other = _ascii_words(plain)
    if ascii_words:
        start = 0
        while start < len(text):
            end = len(text) if len(text) - start <= _SLICE else text.find("\n", start + _SLICE) + 1 or len(text)
            chunk = text[start:end]
            hits = ascii_words.intersection(chunk.encode("utf-8", "surrogatepass").translate(_BYTE_WORDS).split())
            if chunk.isascii():
                found.update(word.decode("ascii") for word in hits)
            else:  # the few words found, with Unicode word boundaries
                found.update(word for word in (hit.decode("ascii") for hit in hits) if _has_word(chunk, word))
            start = end
    found.update(word for word in other if _has_word(text, word))
    if odd:  # not a plain word (a trigger with "-" or "."): match it as text
        found.update(_trigger_regex(frozenset(odd)).findall(text))
    return found


def _has_word(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` with no word character right before or
    after it (the boundaries of ``\\w+`` runs, and of :func:`_trigger_regex`)."""
    size, find = len(word), text.find
    at = find(word)
    while at >= 0:
        end = at + size
        if (at == 0 or not _is_word_char(text[at - 1])) and (end >= len(text) or not _is_word_char(text[end])):
            return True
        at = find(word, at + 1)
    return False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what `\\w` matches in a str pattern


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
    return tuple(trigger_group(trigger) for trigger in sorted(rule.triggers))


@lru_cache(maxsize=None)
def trigger_group(trigger: str) -> Tuple[FrozenSet[str], ...]:
    """One trigger's word groups (see :func:`trigger_groups`)."""
    parts = trigger.split(".")
    if len(parts) < 2 or not all(_is_word(p) for p in parts):
        return (_single(trigger),)
    return (HEAD_SPELLINGS.get(parts[0]) or _single(parts[0]), *map(_single, parts[1:]))


@lru_cache(maxsize=None)
def _single(word: str) -> FrozenSet[str]:
    return frozenset((word,))


#: spelling -> the canonical heads of :data:`HEAD_SPELLINGS` it spells
_CANONICAL: Dict[str, Tuple[str, ...]] = {}
for _canonical, _spellings in HEAD_SPELLINGS.items():
    for _spelling in _spellings:
        _CANONICAL[_spelling] = (*_CANONICAL.get(_spelling, ()), _canonical)
del _canonical, _spellings, _spelling


@lru_cache(maxsize=None)
def _by_head(rule: type) -> Dict[str, List[str]]:
    """A rule's triggers by the text before their first dot: one pass over
    the strings, no groups built."""
    heads: Dict[str, List[str]] = {}
    for trigger in rule.triggers:
        heads.setdefault(trigger.partition(".")[0], []).append(trigger)
    return heads


def fires_in_words(rule: type, found: Set[str]) -> bool:
    """``_fires(trigger_groups(rule), found)``, building the groups of only
    the triggers whose head is in ``found``: MLW402 has ~1,800 package x
    keyword triggers, and a file that names one package in a comment would
    otherwise build them all (a few ms of a one-file hook run).

    Every trigger that fires has a head word in ``found``: its first part,
    a spelling of it (``np`` for ``numpy``), or, for a trigger matched as
    text, the trigger itself."""
    heads = _by_head(rule)
    for word in found:
        for head in (word, *_CANONICAL.get(word, ())):
            for trigger in heads.get(head, ()):
                if all(not group.isdisjoint(found) for group in trigger_group(trigger)):
                    return True
        if word in rule.triggers and all(not group.isdisjoint(found) for group in trigger_group(word)):
            return True
    return False


Groups = Tuple[Tuple[FrozenSet[str], ...], ...]


class _AllNames(frozenset):
    """``names=ALL_NAMES`` makes :func:`code_words` record every name used."""

    def __contains__(self, item: object) -> bool:
        return True


ALL_NAMES: FrozenSet[str] = _AllNames()


def _fires(groups: Groups, found: Set[str]) -> bool:
    return _index(groups).fires(found)


class _TriggerIndex:
    """A rule's trigger groups, indexed by the words of their first group, so
    that a rule with a thousand qualified triggers (MLW402) is tested in
    the time of the few words a file actually has."""

    def __init__(self, groups: Groups) -> None:
        self.by_head: Dict[str, List[Tuple[FrozenSet[str], ...]]] = {}
        for trigger in groups:
            for word in trigger[0]:
                self.by_head.setdefault(word, []).append(trigger[1:])

    def fires(self, found: Set[str]) -> bool:
        by_head = self.by_head
        small, large = (found, by_head) if len(found) < len(by_head) else (by_head, found)
        for word in small:
            if word in large:
                for rest in by_head[word]:
                    if all(not group.isdisjoint(found) for group in rest):
                        return True
        return False


@lru_cache(maxsize=512)
def _index(groups: Groups) -> _TriggerIndex:
    return _TriggerIndex(groups)


def code_words(tree: ast.AST, limit: FrozenSet[str], names: Optional[FrozenSet[str]] = None, names_seen: Optional[Set[str]] = None) -> Set[str]:
    """Identifiers used as code (names, attributes, keywords, imports, short
    string constants that are not docstrings, and string templates of any
    length formatted with ``.format`` or ``%``), intersected with ``limit``.

    With ``names``, every ``ast.Name`` in ``names`` that is used is also added
    to ``names_seen`` (the gate follows such names to their bindings)."""
    import ast  # here: a file with no trigger word never needs it

    seen: Set[str] = set()
    plain, odd = _split_words(frozenset(limit))
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
            if names is not None and node.id in names:
                names_seen.add(node.id)  # type: ignore[union-attr]
            continue
        if kind is ast.Attribute:
            if node.attr in limit:
                seen.add(node.attr)
            if node.attr == "format":
                _template_words(node.value, seen, plain, odd)
        elif kind is ast.BinOp:
            if type(node.op) is ast.Mod:
                _template_words(node.left, seen, plain, odd)
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


def _template_words(node: ast.AST, seen: Set[str], plain: FrozenSet[str], odd: FrozenSet[str]) -> None:
    """A string formatted with ``.format`` or ``%`` is a template: code
    (a command line, an address), not prose, whatever its length. Its words
    count (a short one is counted again when the walk reaches it)."""
    import ast

    if type(node) is ast.Constant and type(node.value) is str and len(node.value) > _MAX_TRIGGER_STRING:
        seen.update(plain.intersection(_WORD_RE.findall(node.value)))
        if odd:
            seen.update(words_in_text(node.value, odd))


@lru_cache(maxsize=32)
def _gate_plan(rules: Tuple[type, ...]):
    """Per selection, once: rules without triggers, the others with every
    word their triggers hold, and the union of those words. The trigger
    groups themselves are built only for a rule whose words a file has
    (MLW402's thousand package x keyword pairs cost nothing on other files)."""
    always = tuple(r for r in rules if not r.triggers)
    gated = [(r, gate_words(r)) for r in rules if r.triggers]
    words = frozenset(w for _r, rule_words in gated for w in rule_words)
    return always, gated, words


def gate_words(rule: type) -> FrozenSet[str]:
    """Every word of every group of ``rule``'s triggers (a
    :class:`~mlwarden.core.registry.RuleRef` carries them precomputed)."""
    precomputed = getattr(rule, "gate_words", None)
    if isinstance(precomputed, frozenset):
        return precomputed
    return frozenset(w for trigger in trigger_groups(rule) for group in trigger for w in group)


def candidate_rules(source: str, rules: Sequence[type], tree: Optional[ast.AST] = None, *, scan_text: bool = True) -> List[type]:
    """Rules that can fire on ``source``; word prefilter, then the code-text
    gate (unless ``scan_text`` is false: the caller has the tree already, as
    flake8 does, and the scan would cost more than it saves), then (with a
    tree) the ast gate. Plain and qualified triggers: see :func:`trigger_groups`."""
    always, gated, words = _gate_plan(tuple(rules))
    if not gated:
        return list(always)
    found = words_in_text(source, words)
    chosen = [r for r, rule_words in gated if not rule_words.isdisjoint(found) and fires_in_words(r, found)]
    # a rule's optional text test, before anything is parsed (MLW402's)
    chosen = [r for r in chosen if getattr(r, "source_gate", None) is None or r.source_gate(source, found)]
    if tree is None and chosen and scan_text:
        chosen = used_as_code(source, found, chosen)
    if tree is not None and chosen:
        found = code_words(tree, frozenset(found))
        chosen = fired_in_code(chosen, found, tree)
    return list(always) + chosen


def used_as_code(source: str, found: Set[str], rules: Sequence[type]) -> List[type]:
    """The ``rules`` whose triggers fire in the words of ``found`` that
    ``source`` uses as code, before anything is parsed: comments, docstrings,
    bytes and long strings do not count, as in :func:`code_words` (the text
    scan of :mod:`mlwarden.core.codetext`; all ``rules`` when it is unsure).
    Transformers' model files name ``from_pretrained`` and ``generate`` in
    their docstrings only: about half the files the word prefilter passes."""
    from mlwarden.core.codetext import code_words as text_code_words

    groups = [trigger_groups(r) for r in rules]
    in_code = text_code_words(source, frozenset(found), words_in_text, lambda words: all(_fires(g, words) for g in groups))
    if in_code is None:
        return list(rules)
    return [r for r, g in zip(rules, groups) if _fires(g, in_code)]


def fired_in_code(rules: Sequence[type], found: Set[str], tree: ast.AST) -> List[type]:
    """The ast gate: ``rules`` whose triggers fire in ``found`` (the code
    words of ``tree``) and whose own ``ast_gate``, if any, passes. The CLI's
    plan, the language server's incremental check and
    :func:`candidate_rules` all decide with this."""
    return [r for r in rules if _fires(trigger_groups(r), found) and (getattr(r, "ast_gate", None) is None or r.ast_gate(tree))]


def nesting_depth(tree: ast.AST) -> int:
    """How deeply libcst will nest ``tree`` (iterative: safe on any depth).

    As ``ast`` nests, except that ``a and b and c`` (one flat ``BoolOp`` in
    ``ast``) is a chain of binary operations in libcst. Names and constants,
    half of all nodes, are counted where they are met instead of being pushed
    (a ``Name``'s ``ctx`` is one level below it): a third less time, the same
    number (tests/test_gate_depth.py compares it with a plain recursive count)."""
    import ast

    deepest = 0
    node_type, bool_op, name_type, constant_type = ast.AST, ast.BoolOp, ast.Name, ast.Constant
    stack = [(tree, 1)]
    pop, push = stack.pop, stack.append
    # the `_fields` stack of gate.code_words: several times faster than ast.iter_child_nodes
    while stack:
        node, depth = pop()
        if depth > deepest:
            deepest = depth
        inner = depth + (max(len(node.values) - 1, 1) if type(node) is bool_op else 1)
        for name in node._fields:
            value = getattr(node, name, None)
            for item in value if type(value) is list else (value,):
                kind = type(item)
                if kind is name_type:
                    if inner + 1 > deepest:
                        deepest = inner + 1
                elif kind is constant_type:
                    if inner > deepest:
                        deepest = inner
                elif isinstance(item, node_type):
                    push((item, inner))
    return deepest


def first_line(node: ast.AST) -> int:
    """The first line of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", None)
    return min([node.lineno, *(d.lineno for d in decorators)]) if decorators else node.lineno


def iter_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` (no order promised), by the stack over
    ``_fields`` that :func:`code_words` inlines for speed."""
    return walk_nodes([tree])


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``function``'s own body: not the functions, lambdas and
    classes defined in it, nor anything inside them (their code is not this
    function's), including those written first in the body. In the order of
    a stack walk over ``ast.iter_child_nodes``."""
    import ast

    skip = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    return walk_nodes([stmt for stmt in getattr(function, "body", []) if not isinstance(stmt, skip)], skip)


def walk_nodes(stack: List[ast.AST], skip: Tuple[type, ...] = ()) -> Iterator[ast.AST]:
    """The nodes of ``stack`` and below, last first, children pushed in
    ``ast.iter_child_nodes``' order (so the order is that of a stack walk
    over it); a node of a ``skip`` type below the start is neither yielded
    nor entered. ``stack`` is used up."""
    import ast

    node_type = ast.AST
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                if not skip or not isinstance(value, skip):
                    push(value)
            elif type(value) is list:
                for item in value:
                    if isinstance(item, node_type) and (not skip or not isinstance(item, skip)):
                        push(item)
