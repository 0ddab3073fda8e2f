"""The mutation check: break one rule, run the tests, see which ones notice.

    python scripts/mutate.py MLW102 nothing            # the fast suite
    python scripts/mutate.py MLW301 everything tests/test_dependencies.py
    python scripts/mutate.py MLW102 nothing -n 0 -- tests/test_rules.py -k MLW102
    python scripts/mutate.py --table                   # every pair of DEFAULT_RULES x MODES

``nothing`` makes the rule report nothing; ``everything`` makes it report
every node (code rules) or every line / cell / file (file rules) it visits.
The patch lives in ``scripts/mutation/mlwarden_mutant.py``. With
``MLWARDEN_MUTATE=RULE:MODE`` set, every process the tests start loads it:
through ``PYTHONPATH`` (``scripts/mutation/sitecustomize.py``) and, for the
``python -I`` processes that ignore ``PYTHONPATH`` (the language server, the
git filter), through ``mlwarden_mutant.pth``, written into this interpreter's
site-packages for the run and removed after it (it does nothing without the
variable). No file of the package is touched; the results cache's key
includes the mutation. Run one mutation at a time per virtualenv.

Before pytest runs, a probe checks that the mutation took effect: the rule's
own INVALID examples must give no findings (``nothing``), or its examples
must give more findings than unmutated (``everything``).

Exit status: 0 when the mutant is killed (at least one test failed), 1 when it
survived (every test passed: the tests cannot see this rule broken), 2 when
the mutation could not be applied. The report lists the failing tests per
file and the test files that name the rule yet stayed green.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
PATCH_DIR = ROOT / "scripts" / "mutation"
MODES = ("nothing", "everything")
#: seconds one test may take under a mutant (with pytest-timeout installed;
#: without it a test that waits forever for a finding hangs the run)
TEST_TIMEOUT = 90
#: one rule of each kind: code, dependency file, notebook, secrets, model file
DEFAULT_RULES = ("MLW102", "MLW301", "MLW501", "MLW401", "MLW601")

PROBE = """
import json, sys
from mlwarden.core.registry import rule_by_id
from mlwarden.testing import check_example
rule = rule_by_id(sys.argv[1]).load()
def count(cases):
    return sum(len(check_example(rule, c.code, c.filename, c.options)) for c in cases)
print(json.dumps({"valid": count(rule.VALID), "invalid": count(rule.INVALID)}))
"""


def mutant_env(rule: str, mode: str, base: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["MLWARDEN_MUTATE"] = f"{rule}:{mode}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PATCH_DIR), env.get("PYTHONPATH", "")) if p)
    return env


@contextlib.contextmanager
def pth_door() -> Iterator[Optional[Path]]:
    """``mlwarden_mutant.pth`` in this interpreter's site-packages while the
    block runs: loads the patch in ``python -I`` processes too. None (and a
    note) where site-packages is not writable: those processes then run the
    unbroken rule."""
    pth = Path(sysconfig.get_paths()["purelib"]) / "mlwarden_mutant.pth"
    line = f"import os, sys; os.environ.get('MLWARDEN_MUTATE') and sys.path.insert(0, {str(PATCH_DIR)!r}) is None and __import__('mlwarden_mutant')\n"
    try:
        pth.write_text(line, encoding="utf-8")
    except OSError as exc:
        print(f"note: cannot write {pth} ({exc.strerror or exc}): `python -I` processes run unmutated", file=sys.stderr)
        yield None
        return
    try:
        yield pth
    finally:
        pth.unlink()


def probe(rule: str, env: Optional[Dict[str, str]] = None) -> Dict[str, int]:
    """Findings of ``rule`` on its own VALID and INVALID examples."""
    proc = subprocess.run([sys.executable, "-c", PROBE, rule], env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"probe of {rule} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout)


def took_effect(mode: str, clean: Dict[str, int], mutant: Dict[str, int]) -> bool:
    if mode == "nothing":
        return clean["invalid"] > 0 and mutant["invalid"] == 0 and mutant["valid"] == 0
    return mutant["valid"] + mutant["invalid"] > clean["valid"] + clean["invalid"]


def run_pytest(env: Dict[str, str], tests: Sequence[str], jobs: int, marker: str) -> Tuple[int, List[str], int]:
    """(exit code, failed test ids, tests run, skipped ones not counted)."""
    with tempfile.TemporaryDirectory(prefix="mlw-mutate-") as tmp:
        xml = Path(tmp) / "junit.xml"
        # --run-slow: tests/conftest.py skips `slow` tests otherwise; -m decides what runs
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--run-slow", "-m", marker, f"--junitxml={xml}", "-o", "junit_family=xunit2"]
        cmd += ["-n", str(jobs)] if jobs > 1 else ["-n", "0"]
        if importlib.util.find_spec("pytest_timeout"):  # a mutant can make a test wait forever (LSP diagnostics)
            cmd += [f"--timeout={TEST_TIMEOUT}"]
        cmd += list(tests)
        proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        failed: List[str] = []
        total = 0
        if xml.exists():
            for case in ET.parse(xml).iter("testcase"):
                if case.find("skipped") is not None:
                    continue  # a skipped test saw nothing
                total += 1
                if case.find("failure") is not None or case.find("error") is not None:
                    module = case.get("classname", "").replace(".", "/")
                    failed.append(f"{module}.py::{case.get('name')}")
        return proc.returncode, failed, total


def naming_files(rule: str, tests: Sequence[str]) -> List[str]:
    """Test files (under ``tests`` or the given paths) whose text names ``rule``."""
    paths = [t.split("::")[0] for t in tests if not t.startswith("-") and (ROOT / t.split("::")[0]).exists()]
    roots = [ROOT / p for p in paths] if paths else [ROOT / "tests"]
    found = []
    for root in roots:
        files = [root] if root.is_file() else sorted(root.glob("test_*.py"))
        for path in files:
            path = Path(str(path).split("::")[0])
            if path.is_file() and re.search(rf"\b{rule}\b", path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(ROOT)))
    return found


def mutate(rule: str, mode: str, tests: Sequence[str], jobs: int, marker: str) -> Dict[str, object]:
    env = mutant_env(rule, mode)
    clean = probe(rule)
    with pth_door() as door:
        isolated = dict(env, PYTHONPATH="")  # the .pth door alone, as `python -I` sees it
        mutant = probe(rule, env)
        result: Dict[str, object] = {"rule": rule, "mode": mode, "probe": {"clean": clean, "mutant": mutant}}
        if not (took_effect(mode, clean, mutant) and (door is None or probe(rule, isolated) == mutant)):
            result["applied"] = False
            return result
        result["applied"] = True
        code, failed, total = run_pytest(env, tests, jobs, marker)
    by_file: Dict[str, List[str]] = defaultdict(list)
    for test in failed:
        by_file[test.split("::")[0]].append(test.split("::", 1)[1])
    result.update(exit=code, run=total, failed=len(failed), by_file=dict(by_file))
    result["green_files_naming_rule"] = [f for f in naming_files(rule, tests) if f not in by_file]
    return result


def describe(result: Dict[str, object]) -> str:
    head = f"{result['rule']} {result['mode']}: "
    if not result["applied"]:
        return head + f"NOT APPLIED (probe {result['probe']})"
    by_file = result["by_file"]
    state = "killed" if result["failed"] else "SURVIVED"
    lines = [head + f"{state}: {result['failed']} of {result['run']} tests failed (probe {result['probe']})"]
    for path, names in sorted(by_file.items()):  # type: ignore[union-attr]
        lines.append(f"  {path}: {len(names)} ({', '.join(sorted(names)[:4])}{', ...' if len(names) > 4 else ''})")
    if result["green_files_naming_rule"]:
        lines.append(f"  green, though they name {result['rule']}: {', '.join(result['green_files_naming_rule'])}")  # type: ignore[arg-type]
    return "\n".join(lines)


def markdown(results: Sequence[Dict[str, object]]) -> str:
    """The results as the table in docs/development.md."""
    rows = ["| rule | mutation | tests failed | failing test files (failures) |", "| --- | --- | --- | --- |"]
    for r in results:
        if not r["applied"]:
            rows.append(f"| {r['rule']} | {r['mode']} | not applied | |")
            continue
        files = ", ".join(f"`{Path(p).name}` ({len(n)})" for p, n in sorted(r["by_file"].items(), key=lambda kv: -len(kv[1])))  # type: ignore[union-attr]
        state = f"{r['failed']} of {r['run']}" if r["failed"] else f"**none** of {r['run']}"
        rows.append(f"| {r['rule']} | {r['mode']} | {state} | {files} |")
    return "\n".join(rows) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rule", nargs="?", help="rule id, e.g. MLW102")
    parser.add_argument("mode", nargs="?", choices=MODES)
    parser.add_argument("tests", nargs="*", help="pytest paths (default: the whole suite)")
    parser.add_argument("--table", action="store_true", help=f"run every mode for {', '.join(DEFAULT_RULES)}")
    parser.add_argument("-n", "--jobs", type=int, default=2, help="pytest-xdist workers (default 2)")
    parser.add_argument("-m", "--marker", default="not slow", help='pytest -m expression (default "not slow")')
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument("--markdown", metavar="JSON", help="print the results saved with --json as a markdown table, run nothing")
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []  # pytest arguments: `-- -k MLW102 --deselect=...`
    args = parser.parse_intermixed_args(argv[: len(argv) - len(extra) - (1 if "--" in argv else 0)])
    args.tests = [*args.tests, *extra]
    if args.markdown:
        sys.stdout.write(markdown(json.loads(Path(args.markdown).read_text(encoding="utf-8"))))
        return 0
    if args.table:
        pairs = [(rule, mode) for rule in DEFAULT_RULES for mode in MODES]
    elif args.rule and args.mode:
        pairs = [(args.rule.upper(), args.mode)]
    else:
        parser.error("give RULE and MODE, or --table")
    results = []
    for rule, mode in pairs:
        result = mutate(rule, mode, args.tests, args.jobs, args.marker)
        print(describe(result), flush=True)
        results.append(result)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not all(r["applied"] for r in results):
        return 2
    return 0 if all(r["failed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
