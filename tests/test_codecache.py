"""Dataclasses created through the cache of generated code
(core/codecache.py: libcst's node classes, mlwarden's own records) are the
classes a plain import builds; only files this user owns are read, and
anything odd falls back to the plain import. Each case runs in a fresh
interpreter: the test process has these modules imported already."""

import json
import os
import subprocess
import sys

import pytest

PROBE = r"""
import importlib, json, pkgutil, sys
from mlwarden.core import codecache

with codecache.armed():
    cst = codecache.load_libcst()
    import mlwarden
    for sub in ("core", "sources", "secrets", "artifacts", "output"):
        package = importlib.import_module("mlwarden." + sub)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional extra
                pass


def consts(code):
    out = []
    for c in code.co_consts:
        out.append(fingerprint(c) if hasattr(c, "co_code") else repr(c))
    return out


def fingerprint(code):
    return [code.co_code.hex(), list(code.co_names), list(code.co_varnames), code.co_argcount,
            code.co_kwonlyargcount, code.co_posonlyargcount, code.co_flags, code.co_name, consts(code)]


classes = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith(("libcst", "mlwarden")) or module is None:
        continue
    for attr, cls in sorted(vars(module).items()):
        if isinstance(cls, type) and "__dataclass_fields__" in vars(cls) and cls.__module__ == name:
            methods = {}
            for meth, fn in sorted(vars(cls).items()):
                code = getattr(fn, "__code__", None)
                if code is not None and code.co_filename == "<string>":
                    methods[meth] = [fingerprint(code), repr(fn.__annotations__), repr(fn.__defaults__),
                                     repr(fn.__kwdefaults__), fn.__qualname__]
            classes[f"{name}.{attr}"] = methods
node = cst.parse_module("x = f(1)\n")
print("STATS=" + json.dumps(codecache.last_stats))
print("CODE=" + node.code.replace("\n", "\\n"))
print("CLASSES=" + json.dumps(classes, sort_keys=True))
"""


def run_probe(cache_home, off=False):
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    env.pop("MLWARDEN_NO_CODE_CACHE", None)
    if off:
        env["MLWARDEN_NO_CODE_CACHE"] = "1"
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition("=")
        out[key] = value
    return json.loads(out["STATS"]), out["CODE"], json.loads(out["CLASSES"])


def cache_file(home, package="libcst"):
    return home / "mlwarden" / f"dataclass-code-{sys.implementation.cache_tag}-{package}.marshal"


def test_cached_classes_are_the_plain_classes(tmp_path):
    plain_stats, plain_code, plain = run_probe(tmp_path / "unused", off=True)
    assert plain_stats == {}  # the switch turned the cache off: nothing read, nothing written
    assert not (tmp_path / "unused").exists()

    first_stats, first_code, first = run_probe(tmp_path)
    second_stats, second_code, second = run_probe(tmp_path)
    for package, least in (("libcst", 300), ("mlwarden", 50)):
        assert first_stats[package]["read"] == 0 and first_stats[package]["compiled"] > least, first_stats
        assert first_stats[package]["wrote"]
        assert second_stats[package] == {"read": first_stats[package]["compiled"], "compiled": 0, "wrote": False}

    assert len(plain) > 150 and sum(len(m) for m in plain.values()) > 500
    assert sum(1 for name in plain if name.startswith("mlwarden.")) > 40
    assert first == plain
    assert second == plain  # every generated method, from the file: same bytecode, annotations, defaults
    assert plain_code == first_code == second_code == "x = f(1)\\n"


def test_the_file_is_private_to_the_user(tmp_path):
    run_probe(tmp_path)
    path = cache_file(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, cache_file(tmp_path, "mlwarden").name])  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.sweep(every=2)
@pytest.mark.parametrize("target", ["file", "directory"])
def test_a_file_others_can_write_is_not_read(tmp_path, target):
    run_probe(tmp_path)
    path = cache_file(tmp_path)
    (path if target == "file" else path.parent).chmod(0o666 if target == "file" else 0o777)
    stats, _code, _classes = run_probe(tmp_path)
    stats = stats["libcst"]
    assert stats["read"] == 0 and stats["compiled"] > 300
    if target == "file":
        assert stats["wrote"]  # replaced by a private file
        assert path.stat().st_mode & 0o777 == 0o600
    else:
        assert not stats["wrote"]  # never written into a directory others can write


@pytest.mark.sweep(every=3)
@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xe3" + b"x" * 100])
def test_a_corrupt_file_is_ignored_and_rewritten(tmp_path, content):
    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(content)
    path.chmod(0o600)
    stats, code, _classes = run_probe(tmp_path)
    assert stats["libcst"]["read"] == 0 and stats["libcst"]["wrote"] and code == "x = f(1)\\n"
    assert run_probe(tmp_path)[0]["libcst"]["compiled"] == 0


def test_a_file_from_another_python_is_ignored(tmp_path):
    import marshal

    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(marshal.dumps(("2.7.18 (other)", {"def f(): pass": compile("pass", "<string>", "exec")})))
    path.chmod(0o600)
    stats, _code, _classes = run_probe(tmp_path)
    assert stats["libcst"]["read"] == 0 and stats["libcst"]["wrote"]


def test_without_a_writable_cache_the_import_is_plain(tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    stats, code, classes = run_probe(blocked)  # XDG_CACHE_HOME is a file: nothing can be created under it
    assert stats["libcst"]["read"] == 0 and not stats["libcst"]["wrote"] and code == "x = f(1)\\n" and len(classes) > 150


@pytest.mark.parametrize("front_door", ["cli", "flake8"])
def test_the_front_doors_import_libcst_through_the_cache(tmp_path, front_door):
    """The first import of libcst in a check (a rule module's lazy `cst`,
    the engine's parse) goes through the cache: a run in a fresh cache
    directory writes the file."""
    (tmp_path / "train.py").write_text("import torch\nmodel = torch.load('m.pt')\n")
    home = tmp_path / "cache-home"
    env = dict(os.environ, XDG_CACHE_HOME=str(home))
    env.pop("MLWARDEN_NO_CODE_CACHE", None)
    if front_door == "cli":
        cmd = [sys.executable, "-m", "mlwarden", "check", "--no-cache", "train.py"]
    else:
        cmd = [sys.executable, "-m", "flake8", "--isolated", "--select", "MLW", "train.py"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "MLW102" in proc.stdout, proc.stdout + proc.stderr
    assert cache_file(home).is_file()
