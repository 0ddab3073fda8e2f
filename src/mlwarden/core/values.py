"""Statically known values and the UNKNOWN sentinel (no libcst import)."""

from __future__ import annotations

from typing import Optional


class _Unknown:
    """A value that cannot be determined statically.

    It refuses truth-testing on purpose: a security rule must decide
    explicitly what an unknown value means (see each rule's docs)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; use is_truthy()")


UNKNOWN = _Unknown()


def is_truthy(value: object) -> Optional[bool]:
    """Python truthiness of a resolved value; None when it is UNKNOWN."""
    if value is UNKNOWN:
        return None
    try:
        return bool(value)
    except Exception:
        return None
