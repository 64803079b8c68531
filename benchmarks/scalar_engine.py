"""Scalar engine benchmark (issue 2): autograd_mini vs micrograd vs hand-written Python.

1. One full-batch epoch of micrograd's demo: a 2-16-16-1 ReLU MLP on 100 two-moons points,
   hinge loss + 1e-4 L2, SGD. The model is built from elementary Value ops with the very
   code micrograd's nn.py uses (copied below, parametrized by the Value class), so both
   engines run the same Python and must reach the same losses (checked to 1e-9). The
   hand-written version computes the same epoch with plain floats and no graph.
2. Chains of 10^4 and 10^6 multiply-by-constant ops: backward time per node, and memory
   per node (tracemalloc: the graph after it is built, and the peak during backward).

Every engine runs in its own fresh process, in alternating order (A B C A B C ...):
micrograd's closures make reference cycles, and the garbage they leave for the cyclic
collector would slow any neighbour in the same process.

    python benchmarks/scalar_engine.py            # the table quoted in README.md
    python benchmarks/scalar_engine.py --quick    # fewer rounds
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/scalar_engine.py` from anywhere
    sys.path.insert(0, str(ROOT))

from benchmarks.common import ALPHA, learning_rate  # noqa: E402  (imports nothing heavy)

ENGINES = ("autograd_mini", "micrograd", "hand-written")


# ------------------------------------------------------------- micrograd's nn.py, as is
def make_mlp(Value: Any, params: Any) -> Any:
    """micrograd's MLP with the given starting weights (common.Params: per layer W, b)."""

    class Neuron:
        def __init__(self, w: list[float], b: float, nonlin: bool) -> None:
            self.w = [Value(wi) for wi in w]
            self.b = Value(b)
            self.nonlin = nonlin

        def __call__(self, x: list[Any]) -> Any:
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

        def parameters(self) -> list[Any]:
            return [*self.w, self.b]

    class Layer:
        def __init__(self, W: list[list[float]], b: list[float], nonlin: bool) -> None:
            self.neurons = [Neuron(w, bj, nonlin) for w, bj in zip(W, b)]

        def __call__(self, x: list[Any]) -> Any:
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

        def parameters(self) -> list[Any]:
            return [p for n in self.neurons for p in n.parameters()]

    class MLP:
        def __init__(self) -> None:
            self.layers = [Layer(W, b, i != len(params) - 1) for i, (W, b) in enumerate(params)]

        def __call__(self, x: list[Any]) -> Any:
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self) -> list[Any]:
            return [p for layer in self.layers for p in layer.parameters()]

    return MLP()


def graph_epoch(Value: Any, model: Any, X: list[list[float]], y: list[float], k: int) -> float:
    """One epoch of micrograd's demo.ipynb: loss(), zero_grad, backward, SGD update."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    for p in model.parameters():
        p.grad = 0.0
    total.backward()
    lr = learning_rate(k)
    for p in model.parameters():
        p.data -= lr * p.grad
    return float(total.data)


# ------------------------------------------------------------------------ workers
def value_class(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.engine import Value
    else:
        from autograd_mini import Value
    return Value


def worker_epochs(engine: str, epochs: int) -> dict[str, Any]:
    problem = json.load(sys.stdin)  # made by the parent: this process imports one engine only
    X, y, params = problem["X"], problem["y"], problem["params"]
    times, losses = [], []
    if engine == "hand-written":
        from benchmarks.common import reference_epoch

        step = lambda k: reference_epoch(params, X, y, learning_rate(k), ALPHA)[0]
    else:
        Value = value_class(engine)
        model = make_mlp(Value, params)
        step = lambda k: graph_epoch(Value, model, X, y, k)
    for k in range(epochs):
        t = time.perf_counter()
        losses.append(step(k))
        times.append(time.perf_counter() - t)
    return {"times": times, "losses": losses}


def worker_chain(engine: str, n: int) -> dict[str, Any]:
    Value = value_class(engine)
    gc.collect()
    tracemalloc.start()
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0000001
    built = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    result: dict[str, Any] = {"bytes_per_node": built / n}
    try:
        y.backward()  # warm-up; micrograd's recursive topological sort fails on deep chains
    except RecursionError:
        result["backward"] = "RecursionError"
        return result
    times = []
    for _ in range(3):
        x.grad = 0.0
        t = time.perf_counter()
        y.backward()
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    y.backward()
    result["peak_backward_bytes_per_node"] = tracemalloc.get_traced_memory()[1] / n
    tracemalloc.stop()
    result["backward_ns_per_node"] = statistics.median(times) / n * 1e9
    return result


# ------------------------------------------------------------------------ driver
def run_worker(*args: str, problem: str = "") -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True,
                         text=True, check=True, input=problem, cwd=ROOT)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def have_micrograd() -> bool:
    try:
        import micrograd  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per engine")
    parser.add_argument("--epochs", type=int, default=10, help="epochs timed in each process")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 3 epochs")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, engine, n = args.worker
        work = worker_epochs if kind == "epochs" else worker_chain
        print(json.dumps(work(engine, int(n))))
        return
    if args.quick:
        args.rounds, args.epochs = 2, 3
    engines = [e for e in ENGINES if e != "micrograd" or have_micrograd()]
    from benchmarks.common import init_params, moons_problem

    X, y = moons_problem()
    problem = json.dumps({"X": X, "y": y, "params": init_params()})
    times: dict[str, list[float]] = {e: [] for e in engines}
    losses: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for engine in engines:  # A B C A B C ...: each in a fresh process
            r = run_worker("epochs", engine, str(args.epochs), problem=problem)
            times[engine] += r["times"]
            losses[engine] = r["losses"]
    for engine in engines:
        worst = max(abs(a - b) for a, b in zip(losses[engine], losses["autograd_mini"]))
        if worst > 1e-9:
            raise SystemExit(f"{engine} reached other losses than autograd_mini: {worst:.3g}")
    med = {e: statistics.median(t) * 1000 for e, t in times.items()}
    print(f"micrograd demo epoch (2-16-16-1 MLP, 100 two-moons points, elementary ops), "
          f"median of {args.rounds} processes x {args.epochs} epochs; losses agree to 1e-9\n")
    print("| engine | ms per epoch (median) | vs autograd_mini |")
    print("|---|---:|---:|")
    for e in engines:
        print(f"| {e} | {med[e]:.1f} | {med[e] / med['autograd_mini']:.2f}x |")
    print()
    print("| chain of x * c | engine | backward ns/node | graph B/node | backward peak B/node |")
    print("|---|---|---:|---:|---:|")
    chain: dict[tuple[str, int], dict[str, Any]] = {}
    for n in (10_000, 1_000_000):
        for engine in [e for e in engines if e != "hand-written"]:
            r = chain[(engine, n)] = run_worker("chain", engine, str(n))
            bw = r.get("backward_ns_per_node")
            peak = r.get("peak_backward_bytes_per_node")
            bw_text = f"{bw:.0f}" if bw else r.get("backward", "-")
            peak_text = f"{peak:.0f}" if peak else "-"
            print(f"| 10^{round(math.log10(n))} | {engine} | {bw_text} | "
                  f"{r['bytes_per_node']:.0f} | {peak_text} |")
    ours = [chain[("autograd_mini", n)] for n in (10_000, 1_000_000)]
    growth = ours[1]["backward_ns_per_node"] / ours[0]["backward_ns_per_node"]
    print(f"\nbackward time per node, 10^6 chain / 10^4 chain: {growth:.2f}x (target <= 1.5x)")
    if "micrograd" in engines:
        memory = chain[("micrograd", 10_000)]["bytes_per_node"] / ours[0]["bytes_per_node"]
        print(f"graph memory per node, micrograd / autograd_mini: {memory:.1f}x (target >= 8x)")
        speed = med["micrograd"] / med["autograd_mini"]
        print(f"epoch speed-up over micrograd: {speed:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
