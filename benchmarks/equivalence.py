#!/usr/bin/env python3
"""The fast path against the equivalence mode on a whole corpus.

    python benchmarks/equivalence.py                 # the transformers corpus of run.py
    python benchmarks/equivalence.py --part 0 --of 2 # half of it (run the halves in parallel)
    python benchmarks/equivalence.py DIR             # any directory of Python files

Checks every ``.py`` file twice at ``--severity low`` — once as ``mlwarden
check`` does (gate, pieces), once with every rule on whole-module trees
(``full=True``) — and prints every finding, fix or error that differs
(``tests/test_equivalence.py`` does the same on the fixtures and examples).
Exit 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / ".corpus" / "transformers-5.24.0"


def comparable(findings):
    out = []
    for f in findings:
        edits = tuple((e.start_line, e.start_col, e.end_line, e.end_col, e.text) for e in f.fix.edits) if f.fix else None
        out.append((f.path, f.rule_id, f.cell, f.line, f.col, f.message, f.severity.value, edits))
    return sorted(out, key=repr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", default=str(CORPUS))
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--of", type=int, default=1)
    args = parser.parse_args(argv)
    from mlwarden.core.config import Config
    from mlwarden.core.finding import Severity
    from mlwarden.core.run import check_paths

    files = sorted(str(p) for p in Path(args.directory).rglob("*.py"))[args.part :: args.of]
    if not files:
        print(f"no Python files under {args.directory} (python benchmarks/run.py downloads the corpus)", file=sys.stderr)
        return 2
    config = Config(severity=Severity.LOW)
    start = time.time()
    fast, _ = check_paths(files, config, jobs=1, keep_units=False)
    full, _ = check_paths(files, config, jobs=1, keep_units=False, full=True)
    a, b = comparable(f for r in fast for f in r.findings), comparable(f for r in full for f in r.findings)
    ea, eb = sorted(e for r in fast for e in r.errors), sorted(e for r in full for e in r.errors)
    diff = sorted(set(a) ^ set(b), key=repr)
    for item in diff:
        print("only in", "the fast path" if item in set(a) else "the equivalence mode", item)
    for line in sorted(set(ea) ^ set(eb)):
        print("error only in", "the fast path" if line in ea else "the equivalence mode", line)
    print(f"{len(files)} files: {len(a)} findings (fast) / {len(b)} (equivalence), {len(ea)} / {len(eb)} errors, "
          f"{len(diff)} differences, {time.time() - start:.0f} s")
    return 1 if diff or ea != eb else 0


if __name__ == "__main__":
    sys.exit(main())
