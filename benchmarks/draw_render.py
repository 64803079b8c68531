"""Drawing (issues 4, 18, 19): how long graphs take to become SVG.

    python benchmarks/draw_render.py              # median of 3 renders per graph

Two graphs of just over 1,000 values: micrograd's kind of network built from elementary
operations (an ``nn.scalar.MLP(4, [16, 16, 1], fused=False)`` applied to one input, after
backward, so every node shows a gradient and every edge a local derivative), and a random
DAG of ``+ - * tanh`` over 40 leaves, whose crossing edges are harder to lay out; both drawn
whole (``max_nodes=2000``). Then graphs of 10,000 values in which every operation also reads
one shared value, drawn with the default ``max_nodes=400``: the edges from that value reach
across the whole picture, which once took dot a minute to lay out. When the value is a leaf
x it is drawn at each use; when it is computed (m = tanh(x)) its edges are bundled. Each is
rendered with the ``dot`` the library finds (a system Graphviz on PATH, else
graphviz-pure), the way ``draw(root).svg()`` does in a notebook.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/draw_render.py` from anywhere
    sys.path.insert(0, str(ROOT))

from autograd_mini import Value, draw  # noqa: E402
from autograd_mini.engine import topological_order  # noqa: E402
from autograd_mini.nn.scalar import MLP  # noqa: E402


def mlp_graph() -> Any:
    model = MLP(4, [16, 16, 1], fused=False, seed=0)  # every product and sum a node
    out = model([0.5, -1.0, 2.0, 0.25])
    out.backward()
    return out


def random_dag(size: int = 1000, leaves: int = 40, seed: int = 0) -> Any:
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(leaves)]
    while len(nodes) < size:
        a, b = rng.sample(nodes[-80:], 2)
        nodes.append(rng.choice([a + b, a - b, a * b, (a * b).tanh()]))
    root = sum(nodes[-30:])
    root.backward()
    return root


def read_at_every_step(size: int = 10_000, computed: bool = False) -> Any:
    """y = x; y = y + x; y = y * x; y = y - x; ... (or with m = tanh(x) in place of x)."""
    x = Value(0.5, label="x")
    shared = x.tanh() if computed else x
    y = shared
    for i in range(size - 1 - computed):
        y = (y + shared, y * shared, y - shared)[i % 3]
    y.backward()
    return y


CASES = [  # (name, graph, max_nodes)
    ("scalar MLP 4-16-16-1, elementary ops", mlp_graph, 2000),
    ("random DAG of + - * tanh", random_dag, 2000),
    ("every op reads the leaf x", read_at_every_step, None),
    ("every op reads m = tanh(x)", lambda: read_at_every_step(computed=True), None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="renders per graph")
    args = parser.parse_args()
    print("| graph | values | drawn | SVG size | render time (median) |")
    print("|---|---:|---:|---:|---:|")
    for name, make, max_nodes in CASES:
        root = make()
        options = {} if max_nodes is None else {"max_nodes": max_nodes}
        times, svg, drawing = [], "", draw(root, **options)
        for _ in range(args.repeats):
            t = time.perf_counter()
            svg = draw(root, **options).svg()
            times.append(time.perf_counter() - t)
        n = len(topological_order([root]))
        print(f"| {name} | {n} | {drawing.n_values} | {len(svg) // 1024} KiB "
              f"| {statistics.median(times):.2f} s |")


if __name__ == "__main__":
    main()
