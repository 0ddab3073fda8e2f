"""The mutation check's patch: breaks one rule in every Python process.

``scripts/mutate.py`` sets ``MLWARDEN_MUTATE=<RULE>:<nothing|everything>``
and makes every Python process import this module at start-up, so the patch
reaches pytest and every process it starts (the CLI, flake8, pre-commit
hooks, the language server, worker processes) without touching a file of
the package. Two doors, because one is not enough:

* this directory first on ``PYTHONPATH``, where ``sitecustomize.py`` imports
  this module: any interpreter, such as the virtualenvs pre-commit builds;
* a ``.pth`` file in the running interpreter's site-packages, for the
  processes started with ``python -I`` (the language server in the tests,
  the git filter), which ignore ``PYTHONPATH``.

When the rule's module is imported its class is patched:

* ``nothing``: the rule reports nothing (a code rule's ``report`` does
  nothing; a file rule's ``check`` yields nothing);
* ``everything``: the rule reports every node or line it visits (a code
  rule reports each node its ``visit_``/``leave_`` methods would see; a file
  rule reports every cell of a notebook, every line of a text unit, and a
  binary unit such as a model file once, whatever it holds).

The results cache's key gets the mutation too, so a cached clean run is
never read back as the mutant's result. Without the variable this module
does nothing.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

SPEC = os.environ.get("MLWARDEN_MUTATE", "")
RULE_ID, _, MODE = SPEC.partition(":")
RULE_ID = RULE_ID.upper()
MODES = ("nothing", "everything")


def _report_node(self, node) -> None:
    from mlwarden.core.rule import CodeRule

    CodeRule.report(self, node)


def _ignore(self, node) -> None:
    return None


def _check_nothing(self, unit):
    return iter(())


def _check_everything(self, unit):
    cells = unit.extra.get("cells") if unit.kind == "notebook" else None
    if cells:
        for cell in cells:
            yield self.finding(unit, 1, 1, cell=cell.index, file_line=cell.file_line)
    elif unit.text:
        for number in range(1, len(unit.lines) + 1):
            yield self.finding(unit, number, 1)
    else:
        yield self.finding(unit, 1, 1)


def mutate_class(cls: type, mode: str) -> None:
    """Patch the rule class ``cls`` in place (see the module docstring)."""
    from mlwarden.core.rule import CodeRule

    if issubclass(cls, CodeRule):
        if mode == "nothing":
            cls.report = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
            return
        names = {attr.split("_", 1)[1] for attr in dir(cls) if attr.startswith(("visit_", "leave_")) and callable(getattr(cls, attr))}
        for name in names:
            setattr(cls, "visit_" + name, _report_node)
            if hasattr(cls, "leave_" + name):
                setattr(cls, "leave_" + name, _ignore)
    else:
        cls.check = _check_nothing if mode == "nothing" else _check_everything  # type: ignore[attr-defined]


def _patch(module) -> None:
    if module.__name__ == "mlwarden.core.cache":
        fingerprint = module._package_fingerprint
        module._package_fingerprint = lambda: f"{fingerprint()}+mutant:{SPEC}"
        return
    for value in list(vars(module).values()):
        if isinstance(value, type) and value.__dict__.get("id") == RULE_ID and value.__module__ == module.__name__:
            mutate_class(value, MODE)
            return


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the rule's module with the other finders, then patches it once
    it has run."""

    def __init__(self) -> None:
        self.prefix = f"mlwarden.rules.{RULE_ID.lower()}_"

    def find_spec(self, name, path, target=None):
        if not (name.startswith(self.prefix) or name == "mlwarden.core.cache"):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                run = spec.loader.exec_module

                def exec_module(module, run=run):
                    run(module)
                    _patch(module)

                spec.loader.exec_module = exec_module
                return spec
        return None


if RULE_ID and MODE in MODES and not any(type(f).__name__ == "_Finder" for f in sys.meta_path):
    sys.meta_path.insert(0, _Finder())
