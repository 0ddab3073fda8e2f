"""flake8 plugin: entry point ``MLW`` in the ``flake8.extension`` group.

flake8 owns selection, ``# noqa`` (including a bare ``# noqa``) and output; we
run every rule that reads Python source (the code rules, plus the secrets
rule and the dependency rules' pip commands built in code, which the CLI also
reports in ``.py`` files) through the same engine and fast path as the CLI (word
prefilter, ast gate, libcst only on the statements a rule can fire in; the
``ast`` tree is flake8's own, not parsed twice) and yield
``(line, col, "MLWnnn message", type)``. Opt-in rules (MLW9xx) are in flake8's
default ignore list, so ``--select``/``--extend-select`` turns them on as usual.
A file libcst cannot parse yields nothing here (flake8 reports E999).
Rule options come from the ``[tool.mlwarden]`` table of the nearest
pyproject.toml, and version pins from the file's project, also for a buffer
that is not saved yet (``--stdin-display-name path/to/new.py``).
"""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, List, Tuple

from mlwarden import __version__


@lru_cache(maxsize=16)
def _config_for(directory: str):
    from mlwarden.core.config import Config, ConfigError, find_config, load_config

    try:
        found = find_config(Path(directory))
        config = load_config(found, search=False) if found else Config()
    except ConfigError:
        config = Config()  # flake8 is not the place to report our config errors
    # flake8 decides what is selected; run every rule, let flake8 filter
    config.select, config.ignore, config.extend_select, config.per_file_ignores = ["ALL"], [], [], {}
    return config


class Plugin:
    name = "mlwarden"
    version = __version__

    def __init__(self, tree: Any, lines: List[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.extend_default_ignore(["MLW9"])

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        from mlwarden.core.engine import check_source, silence_code_warnings

        source = "".join(self.lines)
        if self.filename in ("-", "stdin"):
            name, directory = "stdin.py", str(Path.cwd())
        else:
            # absolute: a buffer not saved yet still gets its project's pins (core/versions.py)
            name = str(Path(self.filename).resolve())
            directory = str(Path(name).parent)
        config = _config_for(directory)
        tree = self.tree if isinstance(self.tree, ast.Module) else None
        with warnings.catch_warnings():  # flake8's process: only around our own parses of the file
            silence_code_warnings()
            result = check_source(source, name, config=config, rules=_python_rules(), kind="python", tree=tree)
        for finding in result.findings:
            yield finding.line, finding.col - 1, f"{finding.rule_id} {finding.message}", type(self)


@lru_cache(maxsize=1)
def _python_rules():
    """Every rule the CLI runs on a ``.py`` file: the code rules and the file
    rules that apply to Python (secrets, pip commands built in code)."""
    from mlwarden.core.registry import rule_refs

    return tuple(r for r in rule_refs() if r.kind() == "code" or "python" in r.applies_to)
