"""explain() on long graphs (issue 18): time grows with the size of the explanation only.

    python benchmarks/explain_paths.py            # best of 3 per graph

Two kinds of graph, each at several lengths n:

* ``x+x+...+x`` of n terms, as ``autograd-mini grad "x+x+...+x" --explain`` builds it: n
  paths of lengths 1 to n, too many to list, so explain finds the 12 largest by dynamic
  programming over the nodes; each node's candidates once copied their whole paths
  (time ~ nodes · paths kept · length), now each is one shared link.
* ``z = c + c`` with ``c`` a chain of n steps ``tanh`` from ``x``: 2 paths of length n + 1,
  listed in full; the depth-first search once copied the path so far at every step
  (time ~ n²), now it adds one link.

Measured on the development machine (2 shared cores), before -> after: x+x+...+x 0.36 ->
0.04 s for 1,250 terms, 9.1 -> 0.18 s for 5,000, 64 -> 0.42 s for 10,000; c + c 0.18 ->
0.04 s for 5,000 steps, 0.54 -> 0.07 s for 10,000. What remains is mostly printing the 12
paths (each n factors long).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/explain_paths.py` from anywhere
    sys.path.insert(0, str(ROOT))

from autograd_mini import Value, explain  # noqa: E402


def sum_of_x(n: int) -> tuple[Any, Any]:
    x = Value(1.0, label="x")
    y = x
    for _ in range(n - 1):
        y = y + x
    return y, x


def doubled_chain(n: int) -> tuple[Any, Any]:
    x = Value(0.5, label="x")
    c = x
    for _ in range(n):
        c = c.tanh()
    return c + c, x


CASES = [("x+x+...+x, the 12 largest of n paths", sum_of_x, (1250, 2500, 5000, 10000)),
         ("c + c, c = n steps of tanh: all 2 paths", doubled_chain, (2500, 5000, 10000))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per graph")
    args = parser.parse_args()
    print("| graph | n | explain() + str() (best) |")
    print("|---|---:|---:|")
    for name, make, sizes in CASES:
        for n in sizes:
            root, x = make(n)
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                str(explain(root, x))
                times.append(time.perf_counter() - t)
            print(f"| {name} | {n} | {min(times):.3f} s |", flush=True)


if __name__ == "__main__":
    main()
