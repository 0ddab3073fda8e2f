#!/usr/bin/env python3
"""Build the OSV snapshot bundled with mlwarden (MLW306's data), at release time.

    python scripts/build_malicious_data.py                        # download OSV.dev's PyPI export
    python scripts/build_malicious_data.py --input all.zip        # or read a local copy
    python scripts/build_malicious_data.py --input malicious-packages/osv/malicious/pypi

writes ``src/mlwarden/data/malicious_packages_osv.json`` (format 1: see
``src/mlwarden/data/malicious_packages.toml``), which the wheel ships and
``mlwarden check`` reads together with the curated list. Users refresh their
own copy between releases with ``mlwarden update-data``; this script runs the
same code (``mlwarden.commands.update_data``) with another default output.
Review the diff (names added and removed) before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "src" / "mlwarden" / "data" / "malicious_packages_osv.json"


def main(argv: Optional[List[str]] = None) -> int:
    from mlwarden.commands import update_data

    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(a == "--output" or a.startswith("--output=") or a == "-o" for a in argv):
        argv += ["--output", str(BUNDLED)]
    return update_data.main(argv)


if __name__ == "__main__":
    sys.exit(main())
