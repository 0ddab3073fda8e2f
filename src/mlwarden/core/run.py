"""Running checks and fixes over paths: the one pipeline behind the CLI,
the public API (``mlwarden.check_paths``), ``baseline`` and ``--fix``.

:func:`check_paths` walks (:mod:`mlwarden.core.walk`), reuses cached
results (:mod:`mlwarden.core.cache`), checks the rest serially or in worker
processes (:mod:`mlwarden.core.parallel`) and returns results in walk order.
:func:`fix_paths` applies fixes file by file (:mod:`mlwarden.core.fixes`) and
writes atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from mlwarden.core.config import Config
from mlwarden.core.engine import UnitResult, check_file
from mlwarden.core.walk import input_error, iter_files


def check_paths(
    paths: Sequence[str],
    config: Optional[Config] = None,
    *,
    jobs: Optional[int] = 1,
    cache: bool = False,
    keep_units: bool = True,
    full: bool = False,
) -> Tuple[List[UnitResult], int]:
    """Check ``paths``; returns (results, number of files checked), in a
    stable order whatever ``jobs`` is.

    ``jobs``: worker processes (0/None: all cores for large runs, see
    :mod:`mlwarden.core.parallel`). ``cache``: reuse and store results in
    ``.mlwarden_cache/`` (see :mod:`mlwarden.core.cache`). With either, a
    result may come from another process or an earlier run: it then has no
    ``unit`` and its fixes no ``view`` (fixing re-checks in-process).
    ``keep_units=False`` drops units in a serial run too: holding every
    file's text and lines until the end doubled peak memory on large runs.
    ``full``: the engine's equivalence mode (no gate, whole modules; serial,
    no cache), for tests."""
    config = config or Config()
    rules = config.rule_refs()
    slots: List[Optional[UnitResult]] = []
    todo: List[Tuple[int, Path, str, str]] = []
    count = 0
    for path, kind, display in iter_files(paths, config):
        if kind is None:
            error = input_error(path, display)
            if error is not None:
                slots.append(UnitResult(path=display, errors=[error]))
            continue
        count += 1
        slots.append(None)
        todo.append((len(slots) - 1, path, kind, display))
    if full or (jobs == 1 and not cache and keep_units):
        for index, path, kind, display in todo:
            slots[index] = check_file(path, kind, rules, config, display, full=full)
        return slots, count  # type: ignore[return-value]
    store = None
    if cache:
        from mlwarden.core.cache import ResultCache, content_hash
        from mlwarden.sources import LoadError, read_regular

        store = ResultCache.for_run(config, rules)
    digests = {}
    if store is not None:
        from mlwarden.sources import READ_AT_MOST, STREAMING_KINDS

        misses = []
        for entry in todo:
            index, path, kind, display = entry
            if kind in STREAMING_KINDS:
                # model files can be gigabytes: hashing one for the cache read it
                # all into memory (a 400 MB checkpoint: 411 MB, 2 s), while the
                # scanner streams it and reads little of an archive; never cached
                misses.append(entry)
                continue
            try:
                # never blocks on a FIFO; of a kind skipped past a size, no more than the
                # loader reads (a bigger file is skipped whatever its tail holds)
                digest = content_hash(read_regular(path, READ_AT_MOST.get(kind, -1)))
            except LoadError:
                misses.append(entry)  # check_file reports it
                continue
            hit = store.get(path, display, kind, digest)
            if hit is None:
                digests[index] = digest
                misses.append(entry)
            else:
                slots[index] = UnitResult(path=display, findings=hit[0], errors=hit[1])
        todo = misses
    from mlwarden.core.parallel import check_many

    done = check_many([(path, kind, display) for _i, path, kind, display in todo], rules, config, jobs)
    for (index, path, kind, display), result in zip(todo, done):
        slots[index] = result
        if store is not None and index in digests:
            store.put(path, display, kind, digests[index], result.findings, result.errors, result.read_files)
    if store is not None:
        store.save()
    return slots, count  # type: ignore[return-value]


def fix_paths(paths: Sequence[str], config: Config, *, unsafe: bool, write: bool, announce=None, write_errors=None):
    """Fix every file under ``paths``. Returns ``(outcomes, errors)``: the
    :class:`~mlwarden.core.fixes.FixOutcome` of each file that changed (or
    would change), and one-line errors (unreadable input, write failures;
    the write failures also go to ``write_errors`` when it is a list).
    Files that cannot be read or parsed are never touched."""
    from mlwarden.fixers.atomic import write_fixed

    rules = config.rule_refs()
    outcomes = []
    errors: List[str] = []
    for path, kind, display in iter_files(paths, config):
        if kind is None:
            error = input_error(path, display)
            if error is not None:
                errors.append(error)
            continue
        try:  # the same guard as `check` (mlwarden.core.parallel.check_one): one line, never a traceback
            outcome = _fix_one(path, kind, display, rules, config, unsafe, errors)
        except Exception as exc:  # noqa: BLE001 - a bug must not end the run
            failure = f"{display}: internal error while fixing ({type(exc).__name__}: {exc}); the file was not changed; please report this"
            errors.append(failure)
            if write_errors is not None:
                write_errors.append(failure)
            continue
        if outcome is None or not outcome.changed:
            continue
        if write:
            try:
                write_fixed(path, outcome.original, outcome.raw)
            except OSError as exc:  # WriteConflict, WriteRefused (read-only, hard links) or a failed write
                failure = f"{display}: fixes not written: {exc.strerror or exc}"
                errors.append(failure)
                if write_errors is not None:
                    write_errors.append(failure)
                continue
            if announce is not None:
                announce(f"Fixing {display}")
        outcomes.append(outcome)
    return outcomes, errors


def _fix_one(path: Path, kind: str, display: str, rules, config: Config, unsafe: bool, errors: List[str]):
    """The FixOutcome of one file (None: nothing to fix); appends one-line errors."""
    from mlwarden.core.fixes import fix_unit
    from mlwarden.sources import LoadError, load

    try:
        unit = load(path, kind, display)
    except LoadError as exc:
        errors.append(f"{display}: {exc}")
        return None
    if unit.code is None:
        return None  # only code views carry fixes

    def reload(raw: bytes):
        return load(path, kind, display, raw=raw)

    outcome = fix_unit(unit, rules, config, unsafe=unsafe, reload=reload)
    errors.extend(outcome.result.errors)  # any error (e.g. code that does not compile): nothing was changed
    outcome.path, outcome.kind, outcome.display = path, kind, display
    outcome.encoding = unit.extra.get("encoding", "utf-8")
    return outcome
