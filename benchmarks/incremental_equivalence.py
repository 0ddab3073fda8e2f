#!/usr/bin/env python3
"""The language server's incremental check against a fresh check, on real
code: random edit sequences (tests/test_incremental.py's ``Editor``) over
Python files of a corpus; after every edit the incremental result must equal
``check_source`` of the same text (findings, positions, messages,
severities, fixes, errors).

    python benchmarks/incremental_equivalence.py --seed 1 --files 100 --edits 20
    python benchmarks/incremental_equivalence.py --min-lines 300   # bigger files: more reuse

Prints each difference (the text is saved under --out) and a summary line;
exits 1 if any check differed or crashed. Nothing is downloaded: the corpus
is ``benchmarks/.corpus`` (the corpora of RESULTS.md), or ``--corpus DIR``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "benchmarks" / ".corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", type=int, default=50, help="files picked at random (default: 50)")
    parser.add_argument("--edits", type=int, default=15, help="edits per file (default: 15)")
    parser.add_argument("--min-lines", type=int, default=0, help="only files with at least this many lines")
    parser.add_argument("--out", type=Path, default=Path("/tmp/mlwarden-incremental"), help="where differing texts are saved")
    args = parser.parse_args(argv)

    from test_incremental import Editor, comparable, every_rule  # the tests' editor and comparison

    from mlwarden.core.engine import check_source
    from mlwarden.core.gate import candidate_rules
    from mlwarden.core.incremental import IncrementalCheck

    files = sorted(args.corpus.rglob("*.py"))
    if not files:
        print(f"no Python files under {args.corpus}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    config = every_rule()
    code_rules = [r for r in config.rule_refs() if r.kind() == "code"]
    picked = []
    for _ in range(100 * args.files):
        if len(picked) >= args.files:
            break
        path = rng.choice(files)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(text) > 200_000 or text.count("\n") < args.min_lines or not candidate_rules(text, code_rules):
            continue
        picked.append((path, text))
    bad = checks = judged = reused = 0
    started = time.process_time()
    for path, text in picked:
        incremental, editor = IncrementalCheck(), Editor(text, rng.randrange(1 << 30))
        for step in range(args.edits + 1):
            if step:
                editor.edit()
            source = editor.text
            try:
                got = comparable(incremental.check(source, str(path), config=config))
                want = comparable(check_source(source, str(path), config=config))
            except Exception:  # noqa: BLE001 - reported, and the run goes on
                bad += 1
                print(f"CRASH {path} edit {step}")
                traceback.print_exc()
                break
            checks += 1
            if got != want:
                bad += 1
                args.out.mkdir(parents=True, exist_ok=True)
                saved = args.out / f"diff-{args.seed}-{bad}.py"
                saved.write_text(source, encoding="utf-8")
                print(f"DIFF {path} edit {step} (text in {saved})")
                print("  incremental only:", sorted(set(got[0]) - set(want[0]), key=repr)[:3])
                print("  fresh only:", sorted(set(want[0]) - set(got[0]), key=repr)[:3])
                if got[1] != want[1]:
                    print("  errors:", got[1][:2], want[1][:2])
                break
        judged += incremental.stats["judged"]
        reused += incremental.stats["reused"]
    print(f"seed {args.seed}: {len(picked)} files, {checks} checks, {bad} differing or crashed; "
          f"units judged {judged}, kept {reused}; {time.process_time() - started:.0f} s CPU")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
