"""CPU of one ``mlwarden check`` on each FILE with and without an environment
switch, alternating, medians: a quick A/B of one engine change on a single
file (``benchmarks/run.py`` gives the ratios against bandit and ruff).

    python benchmarks/ab_env_cpu.py --repeat 10 MLWARDEN_FULL_LIBCST fixtures/demo/train.py
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys


def child_cpu(command, env) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variable", help="environment variable set to 1 for the 'switch on' runs")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    for path in args.files:
        times = {"on": [], "off": []}
        for _ in range(args.repeat):
            for mode in ("on", "off"):
                env = dict(os.environ)
                env.pop(args.variable, None)
                if mode == "on":
                    env[args.variable] = "1"
                command = [sys.executable, "-m", "mlwarden", "check", "--no-cache", "--isolated", "--exit-zero", path]
                times[mode].append(child_cpu(command, env))
        print(f"{path}: {args.variable}=1 {statistics.median(times['on']):.3f} s, unset {statistics.median(times['off']):.3f} s (CPU medians of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
