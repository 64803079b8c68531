"""One training step of a ReLU MLP with cross-entropy and SGD, three ways, in one process.

    python benchmarks/tensor_mlp.py            # both sizes, 400 timed steps each
    python benchmarks/tensor_mlp.py --repeats 50 --threads 2

Compared, on the same data and the same starting weights (float64):

* autograd_mini: Tensor ops, nn.functional.cross_entropy, backward(), optim.SGD
* NumPy by hand: the forward pass and the textbook backward pass written out
  (softmax - one-hot, the same five matrix products), SGD in place. This is the
  floor: the same BLAS calls with no graph at all.
* PyTorch CPU: torch.nn.functional.cross_entropy, backward(), torch.optim.SGD

Before timing, one step of each is run from identical weights and the updated
weights are compared, so the three really compute the same thing. The three take
turns in blocks of consecutive steps, each block after a few untimed steps (see
measure); the table shows the median time per step and the ratio to NumPy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400, help="timed steps per method")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS / OpenMP threads for NumPy and PyTorch (default 1: on a "
                             "small shared machine, spinning BLAS and OpenMP threads of the two "
                             "libraries slow each other down by 10-100x)")
    return parser.parse_args(argv)


ARGS = _parse(None if __name__ == "__main__" else [])
# thread counts must be set before NumPy (and its BLAS) is imported
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_mini as am  # noqa: E402
from autograd_mini.nn import functional as F  # noqa: E402

LR = 0.01
Step = Callable[[], Any]


def init(n_in: int, n_hidden: int, n_out: int, batch: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((batch, n_in)),
        "y": rng.integers(0, n_out, size=batch),
        "W1": rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in),
        "b1": np.zeros(n_hidden),
        "W2": rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_hidden),
        "b2": np.zeros(n_out),
    }


def autograd_mini_step(d: dict[str, Any]) -> tuple[Step, Callable[[], list[Any]]]:
    x = am.Tensor(d["x"])
    y = d["y"]
    params = [am.Tensor(d[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    opt = am.optim.SGD(params, lr=LR)

    def step() -> Any:
        opt.zero_grad()
        h = (x @ W1 + b1).relu()
        loss = F.cross_entropy(h @ W2 + b2, y)
        loss.backward()
        opt.step()
        return loss

    return step, lambda: [p.data for p in params]


def numpy_step(d: dict[str, Any]) -> tuple[Step, Callable[[], list[Any]]]:
    x, y = d["x"], d["y"]
    W1, b1, W2, b2 = (d[k].copy() for k in ("W1", "b1", "W2", "b2"))
    rows = np.arange(len(y))
    n = len(y)

    def step() -> Any:
        nonlocal W1, b1, W2, b2  # updated in place below
        h = x @ W1 + b1
        a = np.maximum(h, 0)
        logits = a @ W2 + b2
        z = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = -(z[rows, y] - np.log(s[:, 0])).mean()
        # backward: d loss / d logits = (softmax - one_hot) / n
        dz = e / s
        dz[rows, y] -= 1
        dz /= n
        dW2 = a.T @ dz
        db2 = dz.sum(axis=0)
        dh = dz @ W2.T
        dh[h <= 0] = 0
        dW1 = x.T @ dh
        db1 = dh.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
        return loss

    return step, lambda: [W1, b1, W2, b2]


def torch_step(d: dict[str, Any]) -> tuple[Step, Callable[[], list[Any]]] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(ARGS.threads)
    x = torch.tensor(d["x"])
    y = torch.tensor(d["y"])
    params = [torch.tensor(d[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    opt = torch.optim.SGD(params, lr=LR)

    def step() -> Any:
        opt.zero_grad()
        h = torch.relu(x @ W1 + b1)
        loss = torch.nn.functional.cross_entropy(h @ W2 + b2, y)
        loss.backward()
        opt.step()
        return loss

    return step, lambda: [p.detach().numpy() for p in params]


def check_same_step(d: dict[str, Any]) -> None:
    """One step of each from the same weights must give the same new weights."""
    results = {}
    for name, make in (("autograd_mini", autograd_mini_step), ("numpy", numpy_step),
                       ("torch", torch_step)):
        made = make(d)
        if made is None:
            continue
        step, weights = made
        step()
        results[name] = weights()
    ref = results["numpy"]
    for name, ws in results.items():
        for w, r in zip(ws, ref):
            if not np.allclose(w, r, rtol=1e-10, atol=1e-12):
                raise SystemExit(f"{name} computed a different step than NumPy by hand")


def measure(sizes: tuple[int, int, int, int], repeats: int, block: int = 50,
            warmup: int = 10) -> dict[str, float]:
    """Median seconds per step of each method.

    The methods take turns in blocks of ``block`` consecutive steps, as a training
    loop runs them, so machine noise hits all of them alike, and each round the turns
    start with the next method, so that none always follows the same one. The first
    ``warmup`` steps of each block are not timed: after another method's block a step
    is slower for a while, whichever library it is (measured here: the first step 1.4
    to 1.8 times the later ones, the next ten steps up to 10% slower), and a training
    loop, which runs one library for thousands of steps, does not see that.
    """
    d = init(*sizes)
    check_same_step(d)
    steps = {"autograd_mini": autograd_mini_step(d)[0], "numpy": numpy_step(d)[0]}
    made = torch_step(d)
    if made is not None:
        steps["torch"] = made[0]
    names = list(steps)
    times: dict[str, list[float]] = {k: [] for k in steps}
    clock = time.perf_counter
    for r in range(max(1, repeats // block)):
        for name in names[r % len(names):] + names[:r % len(names)]:
            step = steps[name]
            for _ in range(warmup):
                step()
            for _ in range(block):
                t0 = clock()
                step()
                times[name].append(clock() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:8.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:8.2f} ms"


def main() -> None:
    args = ARGS
    configs = [("64-128-10, batch 64", (64, 128, 10, 64)),
               ("784-256-10, batch 256", (784, 256, 10, 256))]
    print(f"median time of one training step over {args.repeats} steps (float64, "
          f"{args.threads} thread(s), numpy {np.__version__})")
    header = (f"{'network':24} {'autograd_mini':>13} {'NumPy by hand':>13} {'PyTorch':>13} "
              f"{'mini/NumPy':>11} {'torch/NumPy':>12}")
    print(header)
    print("-" * len(header))
    for name, sizes in configs:
        t = measure(sizes, args.repeats)
        torch_t = t.get("torch")
        print(f"{name:24} {fmt(t['autograd_mini']):>13} {fmt(t['numpy']):>13} "
              f"{fmt(torch_t) if torch_t else 'n/a':>13} "
              f"{t['autograd_mini'] / t['numpy']:10.2f}x "
              f"{(torch_t / t['numpy']) if torch_t else float('nan'):11.2f}x")


if __name__ == "__main__":
    main()
