"""flake8 plugin: entry point ``MLW`` in the ``flake8.extension`` group.

flake8 owns selection, ``# noqa`` (including a bare ``# noqa``) and output; we
run every code rule through the same engine as the CLI and yield
``(line, col, "MLWnnn message", type)``. Opt-in rules (MLW9xx) are in flake8's
default ignore list, so ``--select``/``--extend-select`` turns them on as usual.
A file libcst cannot parse yields nothing here (flake8 reports E999).
Rule options come from the ``[tool.mlwarden]`` table of the nearest
pyproject.toml.
"""

from __future__ import annotations

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
        # flake8 passes `tree` when a plugin asks for it; we parse ourselves
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.extend_default_ignore(["MLW9"])

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        from mlwarden.core.engine import check_source
        from mlwarden.core.rule import CodeRule

        source = "".join(self.lines)
        name = self.filename if self.filename not in ("-", "stdin") else "stdin.py"
        config = _config_for(str(Path(name).resolve().parent) if name != "stdin.py" else str(Path.cwd()))
        rules = [r for r in _all_rules() if issubclass(r, CodeRule)]
        result = check_source(source, name, config=config, rules=rules, kind="python")
        for finding in result.findings:
            yield finding.line, finding.col - 1, f"{finding.rule_id} {finding.message}", type(self)


def _all_rules():
    from mlwarden.core.registry import all_rules

    return all_rules()
