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
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from itertools import pairwise
from typing import Any

ENGINES = ("autograd_mini", "micrograd", "hand-written")


# ------------------------------------------------------------------------ data
def two_moons(
    n: int = 100, noise: float = 0.1, seed: int = 0
) -> tuple[list[list[float]], list[int]]:
    """scikit-learn's make_moons construction in pure Python; labels -1 / +1."""
    rng = random.Random(seed)
    n_out, n_in = n // 2, n - n // 2
    pts = [[math.cos(math.pi * i / (n_out - 1)), math.sin(math.pi * i / (n_out - 1))]
           for i in range(n_out)]
    pts += [[1 - math.cos(math.pi * i / (n_in - 1)), 1 - math.sin(math.pi * i / (n_in - 1)) - 0.5]
            for i in range(n_in)]
    ys = [-1] * n_out + [1] * n_in
    order = list(range(n))
    rng.shuffle(order)
    return ([[pts[i][0] + rng.gauss(0, noise), pts[i][1] + rng.gauss(0, noise)] for i in order],
            [ys[i] for i in order])


def initial_weights(sizes: list[int], seed: int = 1) -> list[list[list[float]]]:
    """weights[layer][neuron] = [w_1..w_nin, b], uniform(-1, 1) weights and zero bias."""
    rng = random.Random(seed)
    return [[[rng.uniform(-1, 1) for _ in range(nin)] + [0.0] for _ in range(nout)]
            for nin, nout in pairwise(sizes)]


SIZES = [2, 16, 16, 1]


# ------------------------------------------------------------- micrograd's nn.py, as is
def make_mlp(Value: Any, weights: list[list[list[float]]]) -> Any:
    class Neuron:
        def __init__(self, wb: list[float], nonlin: bool) -> None:
            self.w = [Value(w) for w in wb[:-1]]
            self.b = Value(wb[-1])
            self.nonlin = nonlin

        def __call__(self, x: list[Any]) -> Any:
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

        def parameters(self) -> list[Any]:
            return [*self.w, self.b]

    class Layer:
        def __init__(self, layer: list[list[float]], nonlin: bool) -> None:
            self.neurons = [Neuron(wb, nonlin) for wb in layer]

        def __call__(self, x: list[Any]) -> Any:
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

        def parameters(self) -> list[Any]:
            return [p for n in self.neurons for p in n.parameters()]

    class MLP:
        def __init__(self) -> None:
            self.layers = [Layer(layer, i != len(weights) - 1) for i, layer in enumerate(weights)]

        def __call__(self, x: list[Any]) -> Any:
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self) -> list[Any]:
            return [p for layer in self.layers for p in layer.parameters()]

    return MLP()


def graph_epoch(Value: Any, model: Any, X: list[list[float]], y: list[int], k: int) -> float:
    """One epoch of micrograd's demo.ipynb: loss(), zero_grad, backward, SGD update."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    for p in model.parameters():
        p.grad = 0.0
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= lr * p.grad
    return float(total.data)


# --------------------------------------------------------- the same epoch, by hand
def hand_epoch(W: list[list[list[float]]], X: list[list[float]], y: list[int], k: int) -> float:
    """Forward and backward of the same network and loss with plain floats, no graph."""
    n = len(X)
    grads = [[[0.0] * len(wb) for wb in layer] for layer in W]
    last = len(W) - 1
    data_loss = 0.0
    for x, yi in zip(X, y):
        acts = [x]  # forward, keeping each layer's output (after ReLU)
        for li, layer in enumerate(W):
            inp = acts[-1]
            out = []
            for wb in layer:
                s = wb[-1]
                for w, v in zip(wb, inp):
                    s += w * v
                out.append(s if li == last or s > 0 else 0.0)
            acts.append(out)
        margin = 1 - yi * acts[-1][0]
        data_loss += margin if margin > 0 else 0.0
        delta = [-yi / n if margin > 0 else 0.0]  # d loss / d score, through the hinge's ReLU
        for li in range(last, -1, -1):  # backward
            layer, inp, out = W[li], acts[li], acts[li + 1]
            if li != last:
                delta = [d if o > 0 else 0.0 for d, o in zip(delta, out)]
            back = [0.0] * len(inp)
            for j, (wb, d) in enumerate(zip(layer, delta)):  # all of it, as an engine does
                g = grads[li][j]
                for i, v in enumerate(inp):
                    g[i] += d * v
                    back[i] += d * wb[i]
                g[-1] += d
            delta = back
    reg = 0.0
    for layer, glayer in zip(W, grads):
        for wb, g in zip(layer, glayer):
            for i, w in enumerate(wb):
                reg += w * w
                g[i] += 2e-4 * w
    lr = 1.0 - 0.9 * k / 100
    for layer, glayer in zip(W, grads):
        for wb, g in zip(layer, glayer):
            for i in range(len(wb)):
                wb[i] -= lr * g[i]
    return data_loss / n + 1e-4 * reg


# ------------------------------------------------------------------------ workers
def value_class(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.engine import Value
    else:
        from autograd_mini import Value
    return Value


def worker_epochs(engine: str, epochs: int) -> dict[str, Any]:
    X, y = two_moons()
    W = initial_weights(SIZES)
    times, losses = [], []
    if engine == "hand-written":
        step = lambda k: hand_epoch(W, X, y, k)
    else:
        Value = value_class(engine)
        model = make_mlp(Value, W)
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
def run_worker(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True,
                         text=True, check=True)
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
    times: dict[str, list[float]] = {e: [] for e in engines}
    losses: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for engine in engines:  # A B C A B C ...: each in a fresh process
            r = run_worker("epochs", engine, str(args.epochs))
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
