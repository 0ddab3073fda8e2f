"""Checking many files on several cores.

:func:`check_many` runs :func:`mlwarden.core.engine.check_file` over a list
of files, in worker processes (``concurrent.futures.ProcessPoolExecutor``)
when there are enough of them, and returns the results **in the input
order**, identical to a serial run. Files are scheduled largest first in
small chunks, because the cost per file is very uneven: most files stop at
the word prefilter, a few big modelling files go through libcst.

Results that come back from a worker are *portable*: no ``unit``, and fixes
without their code ``view`` (a CodeView is not needed to report; ``--fix``
re-checks in-process). If a pool cannot be started or breaks (no ``fork``
and no semaphores, a worker killed), the remaining files are checked in this
process: never a traceback.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

from mlwarden.core.engine import UnitResult, check_file

#: (path, kind, display)
Item = Tuple[Path, str, str]

#: Use a pool only for more files than this (start-up costs ~50 ms).
PARALLEL_THRESHOLD = 32
#: ... or than this in a warm process (a resident parent's child, see
#: mlwarden/resident.py): its workers are forks that have imported
#: everything already, and start in a few ms
WARM_THRESHOLD = 1
#: Files per task: small, so one slow file does not hold up a big chunk.
CHUNK_SIZE = 8

_warm = False


def warm_process() -> None:
    """Say that this process has imported the engine, the rules and libcst
    (the resident parent's children): a pool pays off from two files on."""
    global _warm
    _warm = True


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def effective_jobs(jobs: Optional[int], files: int) -> int:
    """``jobs`` None or 0: all cores when there are more than
    :data:`PARALLEL_THRESHOLD` files, else 1. Never more processes than files."""
    if not jobs or jobs < 1:
        jobs = available_cores() if files > (WARM_THRESHOLD if _warm else PARALLEL_THRESHOLD) else 1
    return max(1, min(jobs, files))


def portable(result: UnitResult) -> UnitResult:
    """``result`` without what cannot or need not cross a process boundary."""
    findings = [
        f.with_(fix=dataclasses.replace(f.fix, view=None)) if f.fix is not None and f.fix.view is not None else f
        for f in result.findings
    ]
    return UnitResult(path=result.path, findings=findings, errors=list(result.errors), read_files=list(result.read_files))


def check_one(item: Item, rules: Sequence[type], config: Any) -> UnitResult:
    path, kind, display = item
    try:
        return check_file(path, kind, rules, config, display)
    except Exception as exc:  # a bug must not end the run (never a traceback)
        return UnitResult(path=display, errors=[f"{display}: internal error while checking ({type(exc).__name__}: {exc}); please report this"])


# -- worker side -------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(rules: Sequence[type], config: Any) -> None:
    from mlwarden.core.engine import silence_code_warnings

    silence_code_warnings()  # a spawned worker starts with Python's default filters
    _WORKER["rules"] = list(rules)
    _WORKER["config"] = config


def _check_chunk(chunk: Sequence[Tuple[int, Item]]) -> List[Tuple[int, UnitResult]]:
    rules, config = _WORKER["rules"], _WORKER["config"]
    return [(index, portable(check_one(item, rules, config))) for index, item in chunk]


# -- parent side -------------------------------------------------------------


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork shares the already-imported engine and rules: workers start in ms
    if sys.platform.startswith("linux") and "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check_many(items: Sequence[Item], rules: Sequence[type], config: Any, jobs: Optional[int] = 1) -> List[UnitResult]:
    """Check ``items``; portable results in input order (see the module docs)."""
    from mlwarden.core import startgc

    jobs = effective_jobs(jobs, len(items))
    results: List[Optional[UnitResult]] = [None] * len(items)
    if jobs > 1:
        startgc.resume()  # before the workers are forked
        _run_pool(items, rules, config, jobs, results)
    for index, item in enumerate(items):  # serial run, or what a broken pool left
        if results[index] is None:
            results[index] = portable(check_one(item, rules, config))
            startgc.resume()  # start-up is over after the first file
    startgc.resume()
    return results  # type: ignore[return-value]


def _run_pool(items: Sequence[Item], rules: Sequence[type], config: Any, jobs: int, results: List[Optional[UnitResult]]) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    order = sorted(range(len(items)), key=lambda i: -_size(items[i][0]))
    size = max(1, min(CHUNK_SIZE, len(order) // (jobs * 4)))  # a few files: one per task
    chunks = [[(i, items[i]) for i in order[start : start + size]] for start in range(0, len(order), size)]
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init_worker, initargs=(rules, config)) as pool:
            for done in pool.map(_check_chunk, chunks):
                for index, result in done:
                    results[index] = result
    except (BrokenProcessPool, Exception) as exc:
        # e.g. no working multiprocessing here, a killed worker, a result
        # that does not pickle: the caller checks what is left serially
        if os.environ.get("MLWARDEN_DEBUG"):
            print(f"mlwarden: parallel run failed ({type(exc).__name__}: {exc}); checking serially", file=sys.stderr)
