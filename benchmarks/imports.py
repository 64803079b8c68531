"""Start-up cost: ``import autograd_mini`` against a bare ``import numpy``, and a CLI call.

Each figure is the median wall time of fresh Python processes, the turns alternating
(numpy, autograd_mini, the CLI, numpy, ...) so that a noisy second hits all three alike.
``import autograd_mini`` loads the engine and the two node kinds only: nn, optim, data
sets, drawing and tqdm load on first use. Targets (issue 14): the import at most 1.3x the
bare numpy import, ``autograd-mini grad ...`` under 0.35 s.

    python benchmarks/imports.py [--rounds 21]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "import numpy": [sys.executable, "-c", "import numpy"],
    "import autograd_mini": [sys.executable, "-c", "import autograd_mini"],
    "autograd-mini grad": [sys.executable, "-m", "autograd_mini", "grad", "(w2 - 2*w1) * w3",
                           "--at", "w1=3", "w2=4", "w3=5"],
}


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args(argv)
    for command in CASES.values():  # warm the file cache
        run_once(command)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, command in CASES.items():
            times[name].append(run_once(command))
    median = {name: statistics.median(ts) for name, ts in times.items()}
    base = median["import numpy"]
    print(f"median of {args.rounds} fresh processes each, turns alternating\n")
    print(f"{'':24} {'seconds':>8} {'x numpy':>8}")
    for name, t in median.items():
        print(f"{name:24} {t:8.3f} {t / base:8.2f}")


if __name__ == "__main__":
    main()
