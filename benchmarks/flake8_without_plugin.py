"""``flake8`` exactly as installed, minus mlwarden's plugin: the baseline for
"what the plugin costs". flake8 finds plugins through
``importlib.metadata.distributions()``; this hides the ``mlwarden``
distribution from it and runs flake8's own ``main``.

    python benchmarks/flake8_without_plugin.py --select E9 PATH
"""

from __future__ import annotations

import importlib.metadata
import sys

_distributions = importlib.metadata.distributions


def _without_mlwarden(**kwargs):
    return (d for d in _distributions(**kwargs) if (d.metadata["Name"] or "").lower() != "mlwarden")


importlib.metadata.distributions = _without_mlwarden  # type: ignore[assignment]

if __name__ == "__main__":
    from flake8.main.cli import main

    sys.exit(main())
