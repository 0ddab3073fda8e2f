"""Rule discovery: every ``CodeRule``/``FileRule`` subclass defined in a module
of :mod:`mlwarden.rules` is a rule. Ids are unique; selection works by id,
prefix (``MLW1``) or ``ALL``.

Importing every rule module costs more than a commit hook's whole budget, and
a run touches few of them: a clean file reaches no code rule at all. So the
engine works with :class:`RuleRef` records (:func:`rule_refs`): the metadata
it needs to select and gate rules (id, kind, triggers, ``applies_to``,
options), read from ``mlwarden/rules/_index.py``, and ``load()`` to import a
rule's module when a file needs it. The index is generated from the classes
(``scripts/gen_rule_docs.py``, checked by ``tests/test_docs.py``) and holds a
checksum of every rule module: when any module differs (a rule being edited,
added or removed), the records are built from the imported classes instead,
so a stale index costs time, never a finding. :func:`all_rules` imports
everything, for what needs the classes (docs, SARIF metadata, examples).
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Type


RuleClass = Type[object]

#: Retired ids -> pointer text. Ids are never reused.
REMOVED: Dict[str, str] = {}


@lru_cache(maxsize=None)
def all_rules() -> Tuple[RuleClass, ...]:
    import pkgutil  # here: a run that uses the rule index never needs it

    import mlwarden.rules as package
    from mlwarden.core.rule import CodeRule, FileRule

    found: Dict[str, RuleClass] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, (CodeRule, FileRule))
                and obj.__module__ == module.__name__
                and "id" in obj.__dict__
            ):
                if obj.id in found and found[obj.id] is not obj:
                    raise RuntimeError(f"duplicate rule id {obj.id}: {found[obj.id].__name__} and {obj.__name__}")
                if obj.id in REMOVED:
                    raise RuntimeError(f"rule id {obj.id} was retired and cannot be reused")
                found[obj.id] = obj
    names = [r.name for r in found.values()]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RuntimeError(f"duplicate rule names: {sorted(dupes)}")
    return tuple(found[k] for k in sorted(found))


def rule_by_id(rule_id: str) -> Optional[RuleClass]:
    key = rule_id.strip().upper()
    for rule in all_rules():
        if rule.id == key or rule.name == rule_id.strip().lower():
            return rule
    return None


def matches(rule_id: str, codes: Iterable[str]) -> bool:
    """flake8-style: a code matches by prefix; ``ALL`` matches everything."""
    for code in codes:
        if code == "ALL" or rule_id.startswith(code):
            return True
    return False


def split_codes(text: Optional[str]) -> Optional[List[str]]:
    """``"MLW1, MLW201"`` (a command-line option) -> ``["MLW1", "MLW201"]``;
    None stays None (the option was not given)."""
    if text is None:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def validate_codes(codes: Sequence[str], where: str) -> List[str]:
    """Upper-case and check selectors; raise ValueError naming ``where``."""
    known = [r.id for r in rule_refs()]
    out = []
    for raw in codes:
        code = str(raw).strip().upper()
        if not code:
            continue
        if code != "ALL" and not any(k.startswith(code) for k in known):
            if code in REMOVED:
                raise ValueError(f"{where}: rule {code} was removed: {REMOVED[code]}")
            raise ValueError(f"{where}: unknown rule code {raw!r} (see `mlwarden rules`)")
        out.append(code)
    return out


def select_rules(
    select: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> List[RuleClass]:
    """Rules enabled by a selection. With no ``select`` the default set is used
    (every rule whose ``default_enabled`` is true); an explicit selector that
    names a rule's full id or prefix turns an opt-in rule on."""
    return _select(all_rules(), select, ignore, extend_select)


def select_rule_refs(
    select: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> List["RuleRef"]:
    """:func:`select_rules`, as :class:`RuleRef` records (no rule imported)."""
    return _select(rule_refs(), select, ignore, extend_select)


def _select(rules: Iterable[Any], select: Optional[Sequence[str]], ignore: Sequence[str], extend_select: Sequence[str]) -> List[Any]:
    chosen = []
    for rule in rules:
        if select is None:
            on = rule.default_enabled
        else:
            on = matches(rule.id, select) and (rule.default_enabled or _explicit(rule.id, select))
        if matches(rule.id, extend_select) and (rule.default_enabled or _explicit(rule.id, extend_select)):
            on = True
        if on and matches(rule.id, ignore):
            on = False
        if on:
            chosen.append(rule)
    return chosen


def _explicit(rule_id: str, codes: Sequence[str]) -> bool:
    """Opt-in rules need more than ``ALL``/``MLW``: their family or their id."""
    return any(code != "ALL" and len(code) >= 4 and rule_id.startswith(code) for code in codes)


# ---------------------------------------------------------------------------
# rule records without importing the rules


class RuleRef:
    """What the engine needs to know of a rule before it runs it; ``load()``
    imports the rule's module and returns the class. Classes have the same
    attributes and a ``load()`` returning themselves, so the engine takes
    either."""

    def __init__(
        self,
        id: str,
        name: str,
        module: str,
        cls_name: str,
        kind: str,
        default_enabled: bool,
        triggers: Iterable[str],
        applies_to: Iterable[str],
        OPTIONS: Dict[str, Any],
        OPTION_CHOICES: Dict[str, Tuple[Any, ...]],
        scope: str,
        has_ast_gate: bool,
        gate_words: Iterable[str] = (),
        reads_data: bool = False,
        module_words: Iterable[str] = (),
        text_gate: Iterable[str] = (),
        has_source_gate: bool = False,
        has_site_gate: bool = False,
    ) -> None:
        self.id = id
        self.name = name
        self.module = module
        self.cls_name = cls_name
        self._kind = kind
        self.default_enabled = default_enabled
        self.triggers: FrozenSet[str] = frozenset(triggers)
        self.applies_to: FrozenSet[str] = frozenset(applies_to)
        self.OPTIONS = dict(OPTIONS)
        self.OPTION_CHOICES = dict(OPTION_CHOICES)
        self.scope = scope
        self.has_ast_gate = has_ast_gate
        #: every word of every trigger group (core/gate.py), so the word prefilter needs no parsing of triggers
        self.gate_words: FrozenSet[str] = frozenset(gate_words)
        #: the rule reads data files from outside the package (``data_fingerprint``/``data_notes``
        #: classmethods, MLW306's ``mlwarden update-data`` snapshot): see :func:`reads_data`
        self.reads_data = reads_data
        #: see :attr:`mlwarden.core.rule.CodeRule.module_words`
        self.module_words: FrozenSet[str] = frozenset(module_words)
        #: see :attr:`mlwarden.core.rule.FileRule.text_gate`
        self.text_gate: Tuple[str, ...] = tuple(text_gate)
        #: see :attr:`mlwarden.core.rule.CodeRule.source_gate`
        self.has_source_gate = has_source_gate
        #: see :attr:`mlwarden.core.rule.CodeRule.site_gate`
        self.has_site_gate = has_site_gate

    def kind(self) -> str:
        return self._kind

    def load(self) -> RuleClass:
        known = self.__dict__.get("_cls")  # made by :meth:`of` from the class itself
        if known is not None:
            return known
        return getattr(importlib.import_module(f"mlwarden.rules.{self.module}"), self.cls_name)

    @property
    def ast_gate(self) -> Any:
        return self.load().ast_gate if self.has_ast_gate else None

    @property
    def source_gate(self) -> Any:
        return self.load().source_gate if self.has_source_gate else None

    @property
    def site_gate(self) -> Any:
        return self.load().site_gate if self.has_site_gate else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleRef) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<rule {self.id} {self.name}>"

    @classmethod
    def of(cls, rule: Any) -> "RuleRef":
        """The record of a rule class (which :meth:`load` then returns as it
        is: a rule defined outside :mod:`mlwarden.rules` loads too)."""
        ref = cls._of(rule)
        ref.__dict__["_cls"] = rule
        return ref

    @classmethod
    def _of(cls, rule: Any) -> "RuleRef":
        return cls(
            rule.id, rule.name, rule.__module__.rsplit(".", 1)[-1], rule.__name__, rule.kind(), rule.default_enabled,
            sorted(rule.triggers), sorted(getattr(rule, "applies_to", ())), dict(rule.OPTIONS), dict(rule.OPTION_CHOICES),
            getattr(rule, "scope", "local"), rule.ast_gate is not None, sorted(_gate_words_of(rule)),
            hasattr(rule, "data_fingerprint"), sorted(getattr(rule, "module_words", ())), tuple(getattr(rule, "text_gate", ())),
            getattr(rule, "source_gate", None) is not None, getattr(rule, "site_gate", None) is not None,
        )

    def as_tuple(self) -> Tuple[Any, ...]:
        return (
            self.id, self.name, self.module, self.cls_name, self._kind, self.default_enabled, tuple(sorted(self.triggers)),
            tuple(sorted(self.applies_to)), self.OPTIONS, self.OPTION_CHOICES, self.scope, self.has_ast_gate,
            tuple(sorted(self.gate_words)), self.reads_data, tuple(sorted(self.module_words)), self.text_gate,
            self.has_source_gate, self.has_site_gate,
        )


def reads_data(rule: Any) -> bool:
    """Whether ``rule`` (a class or a :class:`RuleRef`) reads data files from
    outside the package: its class then has ``data_fingerprint()`` (part of
    the results-cache key) and ``data_notes()`` (``check --verbose``)."""
    return rule.reads_data if isinstance(rule, RuleRef) else hasattr(rule, "data_fingerprint")


def _gate_words_of(rule: Any) -> FrozenSet[str]:
    from mlwarden.core.gate import gate_words

    return gate_words(rule) if rule.triggers else frozenset()


def rules_fingerprint() -> Optional[Dict[str, int]]:
    """module name -> CRC-32 of its source, for every module of
    :mod:`mlwarden.rules` (rules and their helpers; None when the sources
    cannot be read, e.g. a zipped install)."""
    import os
    import zlib

    import mlwarden.rules as package

    out: Dict[str, int] = {}
    try:
        for directory in package.__path__:
            for name in os.listdir(directory):
                if name.endswith(".py") and name not in ("__init__.py", "_index.py"):
                    with open(os.path.join(directory, name), "rb") as handle:
                        out[name[:-3]] = zlib.crc32(handle.read())
    except OSError:
        return None
    return out


@lru_cache(maxsize=None)
def rule_refs() -> Tuple[RuleRef, ...]:
    """Every rule, as a :class:`RuleRef`, sorted by id (see the module docs)."""
    try:
        from mlwarden.rules._index import FINGERPRINT, RULES
    except ImportError:
        FINGERPRINT, RULES = None, ()
    if FINGERPRINT is not None and FINGERPRINT == rules_fingerprint():
        return tuple(RuleRef(*row) for row in RULES)
    return tuple(RuleRef.of(rule) for rule in all_rules())


def index_source() -> str:
    """The text of ``mlwarden/rules/_index.py`` for the rules as they are."""
    import pprint

    rows = [RuleRef.of(rule).as_tuple() for rule in all_rules()]
    return (
        '"""Generated by scripts/gen_rule_docs.py from the rule classes; do not edit.\n\n'
        "What the engine needs of each rule before importing it (see\n"
        ':func:`mlwarden.core.registry.rule_refs`)."""\n\n'
        f"FINGERPRINT = {pprint.pformat(rules_fingerprint(), width=100, sort_dicts=True)}\n\n"
        f"RULES = {pprint.pformat(tuple(rows), width=100, sort_dicts=True)}\n"
    )
