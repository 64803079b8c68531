"""Scalar MLP benchmark: one full-batch epoch of micrograd's two-moons demo.

    .venv/bin/python benchmarks/scalar_mlp.py            # or: --rounds 5 --micrograd-epochs 3

The work: MLP(2, [16, 16, 1]) with ReLU, 100 two-moons points, hinge loss + 1e-4 L2,
SGD with micrograd's schedule (lr 1.0 falling to 0.1); one epoch = forward, backward,
update. Engines:

- ``hand-written``: pure Python lists, no graph (benchmarks/common.py), every sample
  backpropagated, zeros included: the same arithmetic as the engines. This is the floor.
- ``hand-written, skipping zeros``: the same, skipping samples and neurons whose
  gradient is 0 (a shortcut a hand-writer can take and an engine does not).
- ``autograd_mini``: ``nn.scalar.MLP`` with each neuron's weighted sum one n-ary node.
- ``autograd_mini, elementary``: ``MLP(..., fused=False)``, 2n binary nodes per neuron,
  as micrograd builds it.
- ``micrograd`` (PyPI ``micrograd``, the ``bench`` extra), if installed, with the code of
  its demo notebook.

Each engine runs in a fresh process (micrograd's graphs are left to the cyclic garbage
collector, which slows whatever shares the process), rounds alternate A B C ... A B C,
and the table shows the median over rounds of each process's median epoch time. The
training accuracy is after 100 epochs (micrograd runs only a few epochs per round: about
1.3 s each).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.common import (  # noqa: E402
    ALPHA,
    forward_backward,
    init_params,
    learning_rate,
    moons_problem,
    reference_epoch,
)

ENGINES = ["hand-written", "hand-written, skipping zeros", "autograd_mini",
           "autograd_mini, elementary", "micrograd"]


def run_engine(engine: str, epochs: int, X: list[list[float]], Y: list[float]
               ) -> dict[str, Any]:
    """Train for ``epochs`` epochs in this process; time each one."""
    times: list[float] = []
    losses: list[float] = []
    accuracy = float("nan")
    if engine.startswith("hand-written"):
        skip = engine.endswith("zeros")
        params = init_params()
        for k in range(epochs):
            t = time.perf_counter()
            loss, _ = reference_epoch(params, X, Y, learning_rate(k), ALPHA, skip)
            times.append(time.perf_counter() - t)
            losses.append(loss)
        # accuracy of the final parameters (reference_epoch reports it before its update)
        accuracy = forward_backward(params, X, Y)[1]
    elif engine.startswith("autograd_mini"):
        from autograd_mini import optim
        from autograd_mini.nn.scalar import MLP, binary_accuracy, hinge_loss, l2_penalty

        model = MLP(2, [16, 16, 1], seed=1337, fused=not engine.endswith("elementary"))
        params = model.parameters()
        opt = optim.SGD(params, lr=1.0)
        schedule = optim.lr_scheduler.LambdaLR(opt, lambda k: learning_rate(k))
        for _ in range(epochs):
            t = time.perf_counter()
            scores = model(X)
            loss = hinge_loss(scores, Y) + l2_penalty(params, ALPHA)
            opt.zero_grad()
            loss.backward()
            opt.step()
            times.append(time.perf_counter() - t)
            losses.append(loss.data)
            schedule.step()
        accuracy = binary_accuracy(model(X), Y)
    elif engine == "micrograd":
        import random

        from micrograd.engine import Value
        from micrograd.nn import MLP as MicroMLP

        random.seed(1337)
        model = MicroMLP(2, [16, 16, 1])
        for k in range(epochs):
            t = time.perf_counter()
            inputs = [list(map(Value, row)) for row in X]
            scores = list(map(model, inputs))
            data_loss = sum((1 + -yi * si).relu() for yi, si in zip(Y, scores)) * (1.0 / len(Y))
            total = data_loss + ALPHA * sum(p * p for p in model.parameters())
            model.zero_grad()
            total.backward()
            lr = learning_rate(k)
            for p in model.parameters():
                p.data -= lr * p.grad
            times.append(time.perf_counter() - t)
            losses.append(total.data)
        if epochs >= 100:
            scores = [model(list(map(Value, row))) for row in X]
            accuracy = sum((y > 0) == (s.data > 0) for y, s in zip(Y, scores)) / len(Y)
    else:
        raise SystemExit(f"unknown engine {engine!r}; choose from {ENGINES}")
    return {"engine": engine, "median": statistics.median(times), "losses": losses,
            "accuracy": accuracy, "epochs": epochs}


def child(engine: str, epochs: int, problem: str) -> dict[str, Any]:
    # The parent makes the data, so a child imports its own engine and nothing else.
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--epochs", str(epochs)],
        check=True, capture_output=True, text=True, cwd=ROOT, input=problem,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--micrograd-epochs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        X, Y = json.load(sys.stdin)
        print(json.dumps(run_engine(args.child, args.epochs, X, Y)))
        return
    try:
        import micrograd  # noqa: F401
        engines = ENGINES
    except ImportError:
        engines = ENGINES[:-1]
        print("micrograd is not installed (pip install -e '.[bench]'): left out\n")
    problem = json.dumps(moons_problem())
    results: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for r in range(args.rounds):
        for engine in engines:
            epochs = args.micrograd_epochs if engine == "micrograd" else args.epochs
            results[engine].append(child(engine, epochs, problem))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    medians = {e: statistics.median(run["median"] for run in runs) for e, runs in results.items()}
    floor = medians["hand-written"]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.rounds} rounds, "
          f"median epoch time per process, median over rounds\n")
    print("| engine | epoch (ms) | x hand-written | accuracy after 100 epochs |")
    print("|---|---:|---:|---:|")
    for e in engines:
        acc = results[e][-1]["accuracy"]
        acc_text = "-" if acc != acc else f"{acc:.0%}"
        print(f"| {e} | {medians[e] * 1e3:.1f} | {medians[e] / floor:.2f} | {acc_text} |")
    if "micrograd" in medians:
        print(f"\nautograd_mini is {medians['micrograd'] / medians['autograd_mini']:.0f}x faster "
              "than micrograd per epoch")
    # every engine computes the same training run: compare the losses epoch by epoch
    ref = results["hand-written"][-1]["losses"]
    for e in engines:
        if e == "hand-written" or "skipping" in e:
            continue
        other = results[e][-1]["losses"]
        k = min(len(ref), len(other), 10)
        worst = max(abs(a - b) for a, b in zip(ref[:k], other[:k]))
        print(f"{e}: largest loss difference from hand-written over the first {k} epochs: "
              f"{worst:.1e}")


if __name__ == "__main__":
    main()
