#!/usr/bin/env python3
"""Benchmark mlwarden against bandit and ruff on a real ML code base.

    pip install -e ".[bench]"          # bandit and ruff
    python benchmarks/run.py            # downloads the corpus once, ~20 minutes
    python benchmarks/run.py --repeat 3 --only mlwarden-1,bandit-all,ruff-S

The corpus is the ``transformers`` wheel at a fixed version (the only network
access is ``pip download`` from the package index), unzipped into
``benchmarks/.corpus/`` (gitignored). If that exact version is not served,
the newest available one is used and recorded in the results.

Every measured command runs as a subprocess, several times, **alternating**
(round-robin, with a rotating start) so that background load hits every tool
alike; the table gives the median wall time, the spread (min-max), files per
second, peak memory (largest process, from ``wait4``; for process pools also
the sum over the process tree, sampled from ``/proc``) and the ratios to
bandit (all tests) and to ruff ``--select S``. The table replaces the part of
``benchmarks/RESULTS.md`` between the ``results`` markers (or the whole file
given with ``--output`` if it has none); the hand-written analysis around it
is kept. Numbers are never asserted by the test suite.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / ".corpus"
DEFAULT_VERSION = "5.24.0"
START, END = "<!-- results:start -->", "<!-- results:end -->"

#: a typical commit: a model, its config and tokenizer, and two core modules
COMMIT_FILES = (
    "transformers/models/bert/modeling_bert.py",
    "transformers/models/bert/configuration_bert.py",
    "transformers/models/bert/tokenization_bert.py",
    "transformers/trainer.py",
    "transformers/modeling_utils.py",
)
#: the second commit of issue 12: hub code that reaches the rules, and a model
COMMIT_FILES_HUB = (
    "transformers/dynamic_module_utils.py",
    "transformers/utils/hub.py",
    "transformers/models/llama/configuration_llama.py",
    "transformers/models/llama/modeling_llama.py",
    "transformers/models/llama/tokenization_llama.py",
)
#: one file that reaches the rules and has findings' neighbours: hub downloads
ONE_HUB = "transformers/utils/hub.py"
#: the 4-line file of issue 12 (written next to the file list)
TORCH_LOAD_FILE = "import torch\n\n# load the checkpoint\nstate = torch.load('model.pt')\n"
#: start-up cost: a file no rule applies to
ONE_FILE = "transformers/models/bert/__init__.py"
#: one file that goes through libcst (MLW202's trigger `huggingface_hub`)
ONE_PARSED = "transformers/models/bert/configuration_bert.py"
BANDIT_ML_TESTS = "B301,B403,B506,B614,B615"


# ---------------------------------------------------------------------------
# corpus


def prepare_corpus(version: str, *, offline: bool = False) -> Path:
    """``benchmarks/.corpus/transformers-<version>/``, downloading the wheel
    with pip if needed. Returns the directory."""
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    existing = sorted(CORPUS_DIR.glob(f"transformers-{version}/transformers")) if version != "latest" else []
    if existing:
        return existing[0].parent
    wheels = sorted(CORPUS_DIR.glob(f"transformers-{version}-py3-none-any.whl")) if version != "latest" else []
    if not wheels:
        if offline:
            raise SystemExit(f"run.py: no corpus in {CORPUS_DIR} and --offline given")
        spec = f"transformers=={version}" if version != "latest" else "transformers"
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", str(CORPUS_DIR), spec]
        print("+", " ".join(cmd), file=sys.stderr)
        if subprocess.run(cmd).returncode != 0:
            if version == "latest":
                raise SystemExit("run.py: pip download failed")
            print(f"run.py: transformers=={version} is not available; using the newest version", file=sys.stderr)
            return prepare_corpus("latest", offline=offline)
        wheels = sorted(CORPUS_DIR.glob("transformers-*-py3-none-any.whl"), key=lambda p: p.stat().st_mtime)
    wheel = wheels[-1]
    found = re.match(r"transformers-([^-]+)-", wheel.name)
    target = CORPUS_DIR / f"transformers-{found.group(1) if found else 'unknown'}"
    if not (target / "transformers").is_dir():
        tmp = Path(tempfile.mkdtemp(dir=CORPUS_DIR))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tmp)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    return target


def python_files(root: Path) -> List[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


# ---------------------------------------------------------------------------
# lower bounds (run in a subprocess of this script)


def lower_bound(kind: str, list_file: Path) -> None:
    files = [Path(line) for line in list_file.read_text(encoding="utf-8").splitlines() if line]
    if kind == "read":
        word = re.compile(r"\w+")
        for path in files:
            word.findall(path.read_bytes().decode("utf-8", "replace"))
    elif kind == "ast":
        for path in files:
            try:
                ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                pass
    elif kind == "libcst":
        import libcst

        for path in files:
            try:
                libcst.parse_module(path.read_bytes())
            except Exception:
                pass
    else:
        raise SystemExit(f"unknown lower bound {kind!r}")


# ---------------------------------------------------------------------------
# measuring


@dataclass
class Command:
    name: str
    label: str
    argv: List[str]
    files: int
    #: a process pool: also sample the memory of the whole process tree
    tree: bool = False
    setup: Optional[List[str]] = None  # run once before the first timing (cache priming)
    #: the command whose median this one is compared with (same files), if not bandit -r
    versus: Optional[str] = None
    #: environment variables on top of ENV
    env: Dict[str, str] = field(default_factory=dict)
    times: List[float] = field(default_factory=list)
    cpu: List[float] = field(default_factory=list)
    peak_mb: List[float] = field(default_factory=list)
    tree_mb: List[float] = field(default_factory=list)
    codes: List[int] = field(default_factory=list)


def _tree_rss_mb(root: int) -> float:
    """Sum of the resident memory of ``root`` and its descendants (Linux)."""
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, stack, page = 0, [root], os.sysconf("SC_PAGE_SIZE")
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(pid, ()))
    return total / 1e6


#: as installed tools run: with bytecode caches (some CI images and dev
#: containers set PYTHONDONTWRITEBYTECODE, which makes every start-up
#: recompile every module)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
#: every command measures a fresh process unless it says otherwise: the
#: resident process (mlwarden/resident.py) is off, and on only in the
#: `*-resident` commands, with their own socket directory
ENV["MLWARDEN_RESIDENT"] = "0"
#: the switch of mlwarden's dataclass code cache (README, "Speed")
CODE_CACHE_OFF = "MLWARDEN_NO_CODE_CACHE"


def measure(command: Command, cwd: Path) -> None:
    start = time.perf_counter()
    proc = subprocess.Popen(command.argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**ENV, **command.env})
    peak_tree = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.1):
            try:
                peak_tree[0] = max(peak_tree[0], _tree_rss_mb(proc.pid))
            except OSError:
                return

    sampler = None
    if command.tree and os.path.isdir("/proc"):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stop.set()
    if sampler is not None:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    command.times.append(elapsed)
    command.cpu.append(usage.ru_utime + usage.ru_stime)  # this process and the children it waited for
    command.codes.append(proc.returncode)
    # ru_maxrss: kilobytes on Linux, bytes on macOS; covers the process and
    # the descendants it waited for (the largest one, not the sum)
    scale = 1e-6 if sys.platform == "darwin" else 1e-3
    command.peak_mb.append(usage.ru_maxrss * scale)
    command.tree_mb.append(max(peak_tree[0], usage.ru_maxrss * scale))


RESIDENT_DIR = "run"


def wait_for_resident(runtime: Path, timeout: float = 60.0) -> List[int]:
    """The pids of the resident parents the warm-up started, once they answer."""
    from mlwarden.resident import status

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answers = [status(str(sock)) for sock in sorted((runtime / "mlwarden").glob("*.sock"))]
        pids = [a["pid"] for a in answers if a and isinstance(a.get("pid"), int)]
        if pids:
            return pids
        time.sleep(0.1)
    raise SystemExit("run.py: the resident process did not start")


def stop_resident(pids: List[int]) -> float:
    """Stop the resident parents; their peak memory (MB, Linux) before."""
    import signal

    peak = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1e3)
        except (OSError, ValueError, IndexError):
            pass
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    return peak


def tool(name: str) -> Optional[str]:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def build_commands(corpus: Path, list_file: Path, only: Optional[Sequence[str]]) -> List[Command]:
    """The benchmarks; temporary files go next to ``list_file``."""
    files = python_files(corpus)
    n = len(files)
    commit = [str(corpus / f) for f in COMMIT_FILES if (corpus / f).is_file()]
    if len(commit) < 5:  # another layout: five files spread over the corpus
        commit = [str(files[i * n // 5]) for i in range(5)]
    commit_hub = [str(corpus / f) for f in COMMIT_FILES_HUB if (corpus / f).is_file()]
    if len(commit_hub) < 5:
        commit_hub = [str(files[(i * n // 5 + 1) % n]) for i in range(5)]
    one = str(corpus / ONE_FILE) if (corpus / ONE_FILE).is_file() else commit[0]
    parsed = str(corpus / ONE_PARSED) if (corpus / ONE_PARSED).is_file() else commit[-1]
    hub = str(corpus / ONE_HUB) if (corpus / ONE_HUB).is_file() else commit_hub[0]
    torch_file = list_file.parent / "load_checkpoint.py"
    torch_file.write_text(TORCH_LOAD_FILE, encoding="utf-8")
    py = sys.executable
    # the console script, as pre-commit runs it (not `python -m` from a repository root)
    mlw = [tool("mlwarden") or "mlwarden", "check", "--isolated", "--exit-zero"]
    out: List[Command] = []
    warm_cfg = list_file.parent / "pyproject.toml"  # the warm cache lives next to it
    warm_cfg.write_text("[tool.mlwarden]\n", encoding="utf-8")
    out += [
        Command("mlwarden-1", "mlwarden check, 1 process", mlw + ["--no-cache", "--jobs", "1", str(corpus)], n),
        Command("mlwarden-N", f"mlwarden check, {os.cpu_count()} processes", mlw + ["--no-cache", "--jobs", str(os.cpu_count() or 1), str(corpus)], n, tree=True),
        Command(
            "mlwarden-warm", "mlwarden check, warm cache",
            [mlw[0], "check", "--config", str(warm_cfg), "--exit-zero", str(corpus)], n,
            setup=[mlw[0], "check", "--config", str(warm_cfg), "--exit-zero", str(corpus)],
        ),
    ]
    bandit, ruff, flake8 = tool("bandit"), tool("ruff"), tool("flake8")
    if bandit:
        out += [
            Command("bandit-all", "bandit -r (all tests)", [bandit, "-q", "-r", str(corpus)], n),
            Command("bandit-ml", f"bandit -r -t {BANDIT_ML_TESTS}", [bandit, "-q", "-r", "-t", BANDIT_ML_TESTS, str(corpus)], n),
        ]
    if ruff:
        out.append(Command("ruff-S", "ruff check --select S --no-cache", [ruff, "check", "--isolated", "--select", "S", "--no-cache", "--exit-zero", "-q", str(corpus)], n))
    if flake8:
        out += [
            Command("flake8-MLW", "flake8 --select MLW (our plugin, its default jobs)", [flake8, "--isolated", "--select", "MLW", "--exit-zero", str(corpus)], n, tree=True, versus="flake8-E9"),
            Command(
                "flake8-E9", "the same flake8 without the plugin (--select E9)",
                [py, str(HERE / "flake8_without_plugin.py"), "--isolated", "--select", "E9", "--exit-zero", str(corpus)], n, tree=True,
            ),
        ]
    out += [
        Command("commit-5", "hook command on 5 files (`mlwarden check`, no cache)", mlw + ["--no-cache", *commit], 5, versus="bandit-5"),
        Command("commit-5-hub", "hook command on issue 12's 5 files (hub code, llama)", mlw + ["--no-cache", *commit_hub], 5, versus="bandit-5-hub"),
        Command("one-file", "hook command on 1 file (start-up: no rule applies)", mlw + ["--no-cache", one], 1, versus="bandit-1"),
        Command("one-parsed", "hook command on 1 file that goes through libcst", mlw + ["--no-cache", parsed], 1, versus="bandit-1-parsed"),
        Command("one-hub", "hook command on utils/hub.py (reaches the rules)", mlw + ["--no-cache", hub], 1, versus="bandit-1-hub"),
        Command("one-torch", "hook command on a 4-line file with one torch.load", mlw + ["--no-cache", str(torch_file)], 1, versus="bandit-1-torch"),
        # the same two without the dataclass code cache (core/codecache.py): a first run, or MLWARDEN_NO_CODE_CACHE=1
        Command("one-hub-plain", "utils/hub.py, dataclass code cache off", ["env", f"{CODE_CACHE_OFF}=1", *mlw, "--no-cache", hub], 1, versus="bandit-1-hub"),
        Command("one-torch-plain", "4-line torch.load file, dataclass code cache off", ["env", f"{CODE_CACHE_OFF}=1", *mlw, "--no-cache", str(torch_file)], 1, versus="bandit-1-torch"),
    ]
    # the same hook commands served by a warm resident process (the default
    # outside CI from the second command on; README, "Speed")
    resident = {"MLWARDEN_RESIDENT": "1", "XDG_RUNTIME_DIR": str(list_file.parent / RESIDENT_DIR)}
    (list_file.parent / RESIDENT_DIR).mkdir(mode=0o700, exist_ok=True)
    out += [
        Command(f"{name}-resident", f"{label}, resident process", mlw + ["--no-cache", *paths], len(paths), versus=versus, env=resident)
        for name, label, paths, versus in (
            ("commit-5", "hook command on 5 files", commit, "bandit-5"),
            ("commit-5-hub", "hook command on issue 12's 5 files", commit_hub, "bandit-5-hub"),
            ("one-file", "1 file, no rule applies", [one], "bandit-1"),
            ("one-hub", "utils/hub.py", [hub], "bandit-1-hub"),
            ("one-torch", "4-line torch.load file", [str(torch_file)], "bandit-1-torch"),
        )
    ]
    if bandit:
        out += [
            Command("bandit-5", "bandit on the same 5 files", [bandit, "-q", *commit], 5),
            Command("bandit-5-hub", "bandit on issue 12's 5 files", [bandit, "-q", *commit_hub], 5),
            Command("bandit-1", "bandit on the same 1 file (start-up)", [bandit, "-q", one], 1),
            Command("bandit-1-parsed", "bandit on the libcst file", [bandit, "-q", parsed], 1),
            Command("bandit-1-hub", "bandit on utils/hub.py", [bandit, "-q", hub], 1),
            Command("bandit-1-torch", "bandit on the 4-line torch.load file", [bandit, "-q", str(torch_file)], 1),
        ]
    if ruff:
        out.append(Command("ruff-1", "ruff --select S on the same 1 file", [ruff, "check", "--isolated", "--select", "S", "--no-cache", "--exit-zero", "-q", one], 1))
    me = [py, str(Path(__file__).resolve()), "--lower-bound"]
    out += [
        Command("read", "lower bound: read every file + one word regex", me + ["read", str(list_file)], n),
        Command("ast", "lower bound: `ast.parse` of every file", me + ["ast", str(list_file)], n),
        Command("libcst", "lower bound: `libcst.parse_module` of every file", me + ["libcst", str(list_file)], n),
    ]
    if only:
        known = {c.name for c in out}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise SystemExit(f"run.py: unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        out = [c for c in out if c.name in only]
    return out


# ---------------------------------------------------------------------------
# report


def _version(argv: List[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()
        return out[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "not installed"


def machine() -> List[str]:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            mem = f"{int(handle.readline().split()[1]) / 1e6:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return [
        f"- machine: {platform.system()} {platform.release()} {platform.machine()}, {cpu}, {cores} cores usable, {mem} RAM",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
    ]


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 1 else f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


LIBCST_VERSION = "import importlib.metadata as m; print(m.version('libcst'))"


def render(commands: List[Command], corpus: Path, repeat: int, loads: List[str], started: str) -> str:
    med = {c.name: statistics.median(c.times) for c in commands if c.times}
    ruff = med.get("ruff-S")
    py = sys.executable
    lines = [
        START,
        f"Run {started}; corpus `{corpus.name}` ({len(python_files(corpus))} Python files, "
        f"{sum(len(p.read_bytes().splitlines()) for p in python_files(corpus)) / 1e6:.2f} M lines); "
        f"{repeat} alternating repetitions per command; median wall time, spread = min-max.",
        "",
        *machine(),
        f"- load average before / after: {loads[0]} / {loads[-1]}",
        f"- {_version([py, '-m', 'mlwarden', '--version'])}; {_version([tool('bandit') or 'bandit', '--version'])}; "
        f"{_version([tool('ruff') or 'ruff', '--version'])}; flake8 {_version([tool('flake8') or 'flake8', '--version']).split(' ')[0]}; "
        f"libcst {_version([py, '-c', LIBCST_VERSION])}",
        "",
        "| what | files | median s | spread s | median CPU s | files/s | peak MB (largest process / all processes) | vs bandit | vs bandit, CPU | vs ruff | exit codes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    cpu = {c.name: statistics.median(c.cpu) for c in commands if c.cpu}
    for c in commands:
        if not c.times:
            continue
        m = med[c.name]
        spread = f"{_fmt(min(c.times))}-{_fmt(max(c.times))}"
        memory = f"{max(c.peak_mb):.0f}" + (f" / {max(c.tree_mb):.0f}" if c.tree else "")
        base = c.versus if c.versus in med else ("bandit-all" if c.files > 5 and not c.versus else None)
        vs_bandit = f"{m / med[base]:.3f}x" if base and med.get(base) else "-"
        vs_cpu = f"{cpu[c.name] / cpu[base]:.3f}x" if base and cpu.get(base) else "-"
        if c.versus and base:
            vs_bandit += f" ({base})"
        vs_ruff = f"{m / ruff:.1f}x" if ruff and c.files > 5 and not c.versus else "-"
        codes = ",".join(sorted({str(x) for x in c.codes}))
        lines.append(
            f"| {c.label} | {c.files} | {_fmt(m)} | {spread} | {_fmt(cpu[c.name])} | {c.files / m:,.0f} | {memory} | {vs_bandit} | {vs_cpu} | {vs_ruff} | {codes} |"
        )
    lines += [
        "",
        "`vs bandit` / `vs ruff`: median time divided by the median of `bandit -r` (all tests) / `ruff --select S`, "
        "or of the command named in brackets (the same files), same run (lower is faster); `vs bandit, CPU` compares "
        "median CPU time (user + system, the process and its workers), which a busy machine disturbs less. "
        "Commands: `benchmarks/run.py --list`.",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_report(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + block.rstrip("\n") + tail
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "# Benchmark results\n\n") + block
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "?"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--version", dest="corpus_version", default=DEFAULT_VERSION, help=f"transformers version (default {DEFAULT_VERSION})")
    parser.add_argument("--corpus", metavar="DIR", help="benchmark this directory instead of the transformers wheel")
    parser.add_argument("--offline", action="store_true", help="never call pip; fail if the corpus is missing")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per command (default 5)")
    parser.add_argument("--only", metavar="NAMES", help="comma-separated benchmark names (see --list)")
    parser.add_argument("--list", action="store_true", help="print the benchmarks and their commands, run nothing")
    parser.add_argument("--output", metavar="FILE", default=str(HERE / "RESULTS.md"), help="markdown file to update (default benchmarks/RESULTS.md)")
    parser.add_argument("--lower-bound", nargs=2, metavar=("KIND", "FILELIST"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.lower_bound:
        lower_bound(args.lower_bound[0], Path(args.lower_bound[1]))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    corpus = Path(args.corpus).resolve() if args.corpus else prepare_corpus(args.corpus_version, offline=args.offline)
    if not corpus.is_dir():
        parser.error(f"{corpus}: not a directory")
    work = Path(tempfile.mkdtemp(prefix="mlwarden-bench-"))
    list_file = work / "files.txt"
    list_file.write_text("\n".join(str(p) for p in python_files(corpus)) + "\n", encoding="utf-8")
    commands = build_commands(corpus, list_file, [o.strip() for o in args.only.split(",")] if args.only else None)
    if args.list:
        for c in commands:
            print(f"{c.name:16} {' '.join(c.argv)}")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    loads = [_load()]
    for c in commands:  # warm-up: file and bytecode caches, the results cache
        if c.setup or c.files <= 5 or c.name == "read":
            subprocess.run(c.setup or c.argv, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**ENV, **c.env})
    resident = wait_for_resident(work / RESIDENT_DIR) if any(c.env.get("MLWARDEN_RESIDENT") == "1" for c in commands) else []
    for rep in range(args.repeat):
        shift = rep % len(commands)
        for c in commands[shift:] + commands[:shift]:  # alternate, rotating the start
            measure(c, work)
            print(f"[{rep + 1}/{args.repeat}] {c.name:14} {c.times[-1]:8.3f} s  {c.peak_mb[-1]:6.0f} MB  exit {c.codes[-1]}", file=sys.stderr)
    loads.append(_load())
    resident_mb = stop_resident(resident)
    block = render(commands, corpus, args.repeat, loads, started)
    if resident_mb:
        block = block.rstrip("\n") + f"\n\nThe `*-resident` commands' parent process (mlwarden/resident.py): peak resident memory {resident_mb:.0f} MB, outside the commands' own figures.\n"
    write_report(Path(args.output), block)
    sys.stdout.write(block)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
