"""Instructions executed by a fresh-process hook run, against bandit's.

Wall time on a shared 2-core machine moves by 20-30% from run to run, which
hides a change of a few percent in start-up. Counting the instructions a
command executes (valgrind's cachegrind, no cache simulation) gives the same
number on every run, busy machine or not, so a start-up change can be
measured on its own. ``benchmarks/run.py`` stays the reference for times;
this is its deterministic companion for the one-file and commit rows::

    python benchmarks/instructions.py                       # this tree vs bandit
    python benchmarks/instructions.py --base-src /tmp/main/src   # and another tree's src

The cases are run.py's hook cases on the transformers corpus (run.py
downloads it). ``--base-src`` runs ``python -m mlwarden`` with that
directory first on ``PYTHONPATH`` (``git archive REV src | tar -x -C DIR``;
run ``python -m compileall -q DIR/src`` first, or every import recompiles
its source). Needs ``valgrind``; slow (about 10 s per command).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import COMMIT_FILES, COMMIT_FILES_HUB, CORPUS_DIR, DEFAULT_VERSION, ONE_FILE, ONE_HUB, ONE_PARSED, TORCH_LOAD_FILE, tool  # noqa: E402

_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(command: Sequence[str], env: Dict[str, str], cwd: str) -> Optional[int]:
    """Instructions ``command`` executes, children included, or None."""
    proc = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes", "--cachegrind-out-file=/dev/null", *command],
        capture_output=True, text=True, env=env, cwd=cwd,
    )
    counts = [int(m.replace(",", "")) for m in _REFS.findall(proc.stderr)]
    return sum(counts) if counts else None


def cases(corpus: Path, torch_file: Path) -> Dict[str, List[str]]:
    return {
        "1 file, no rule applies": [str(corpus / ONE_FILE)],
        "1 file through libcst": [str(corpus / ONE_PARSED)],
        "4-line torch.load file": [str(torch_file)],
        "utils/hub.py": [str(corpus / ONE_HUB)],
        "issue 12's 5 files": [str(corpus / f) for f in COMMIT_FILES_HUB],
        "the 5-file commit": [str(corpus / f) for f in COMMIT_FILES],
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS_DIR / f"transformers-{DEFAULT_VERSION}"))
    parser.add_argument("--base-src", help="another tree's src directory to compare")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("instructions.py: valgrind is not installed", file=sys.stderr)
        return 2
    corpus = Path(args.corpus)
    if not (corpus / ONE_HUB).is_file():
        print(f"instructions.py: no transformers corpus at {corpus} (benchmarks/run.py downloads it)", file=sys.stderr)
        return 2
    env = dict(os.environ, MLWARDEN_RESIDENT="0", PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="mlwarden-instr-") as tmp:
        torch_file = Path(tmp) / "load_checkpoint.py"
        torch_file.write_text(TORCH_LOAD_FILE, encoding="utf-8")
        (Path(tmp) / "pyproject.toml").write_text("[tool.mlwarden]\n", encoding="utf-8")
        mlw = [sys.executable, "-m", "mlwarden", "check", "--isolated", "--exit-zero", "--no-cache"]
        bandit = [tool("bandit") or "bandit", "-q"]
        header = "| case | mlwarden (M) | bandit (M) | ratio |" + (" base (M) | base ratio |" if args.base_src else "")
        print(header)
        print("|" + "---|" * (header.count("|") - 1))
        for name, files in cases(corpus, torch_file).items():
            ours = instructions(mlw + files, env, tmp)
            theirs = instructions(bandit + files, env, tmp)
            if not ours or not theirs:
                print(f"instructions.py: valgrind gave no count for {name!r}", file=sys.stderr)
                return 1
            row = f"| {name} | {ours / 1e6:,.0f} | {theirs / 1e6:,.0f} | {ours / theirs:.2f}x |"
            if args.base_src:
                base = instructions(mlw + files, dict(env, PYTHONPATH=args.base_src), tmp)
                row += f" {(base or 0) / 1e6:,.0f} | {(base or 0) / theirs:.2f}x |"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
