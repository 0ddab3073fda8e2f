"""Rule discovery: every ``CodeRule``/``FileRule`` subclass defined in a module
of :mod:`mlwarden.rules` is a rule. Ids are unique; selection works by id,
prefix (``MLW1``) or ``ALL``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Type

from mlwarden.core.rule import CodeRule, FileRule

RuleClass = Type[object]

#: Retired ids -> pointer text. Ids are never reused.
REMOVED: Dict[str, str] = {}


@lru_cache(maxsize=None)
def all_rules() -> Tuple[RuleClass, ...]:
    import mlwarden.rules as package

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
    known = [r.id for r in all_rules()]
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
    chosen = []
    for rule in all_rules():
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
