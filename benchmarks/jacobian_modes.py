"""The Jacobian of f: R^n -> R^m both ways (issue 16): n forward sweeps or m backward passes.

    python benchmarks/jacobian_modes.py              # median of 5 per (n, m)
    python benchmarks/jacobian_modes.py --repeats 9

f(x) = tanh(A @ x) with A a fixed m x n matrix (float64), so both modes do the same
arithmetic per sweep: ``func.jacfwd`` pushes one tangent per input through the graph (n
sweeps, each costing about one forward pass), ``func.jacrev`` pulls one gradient per output
back (m backward passes). Reverse mode wins when m << n (a scalar loss of many weights:
one pass instead of n), forward mode when n << m. torch.func's jacfwd and jacrev are timed
beside them as the peer: PyTorch vectorises the n (or m) sweeps into one batched pass with
vmap, which autograd_mini does not, so its ratio jacfwd / jacrev stays near 1 where ours
follows n / m.

Each measurement is the median of ``--repeats`` calls after one warm-up call; both
libraries' results are checked to agree (to 1e-12) before anything is timed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/jacobian_modes.py` from anywhere
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

SIZES = [(1, 1000), (10, 100), (100, 100), (100, 10), (1000, 1)]


def median_time(call: Callable[[], Any], repeats: int) -> float:
    """The median of ``repeats`` timed calls, after one untimed warm-up call."""
    call()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def problem(n: int, m: int, seed: int = 0) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A (m x n) and x (n,), seeded so that every run times the same numbers."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)) / np.sqrt(n), rng.standard_normal(n)


def ours(n: int, m: int, repeats: int) -> tuple[float, float, np.ndarray[Any, Any]]:
    """autograd_mini's jacfwd and jacrev: (forward seconds, reverse seconds, the Jacobian)."""
    from autograd_mini import Tensor, func

    A_np, x_np = problem(n, m)
    A = Tensor(A_np)

    def f(x: Any) -> Any:
        return (A @ x).tanh()

    x = Tensor(x_np)
    forward, reverse = func.jacfwd(f), func.jacrev(f)
    J_fwd, J_rev = np.asarray(forward(x).data), np.asarray(reverse(x).data)
    np.testing.assert_allclose(J_fwd, J_rev, rtol=1e-12, atol=1e-12)
    return median_time(lambda: forward(x), repeats), median_time(lambda: reverse(x), repeats), J_rev


def torch_peer(n: int, m: int, repeats: int, expected: np.ndarray[Any, Any]) -> tuple[float, float]:
    """torch.func's jacfwd and jacrev on the same f, in float64."""
    import torch
    from torch import func as tfunc

    A_np, x_np = problem(n, m)
    A = torch.from_numpy(A_np)

    def f(x: Any) -> Any:
        return torch.tanh(A @ x)

    x = torch.from_numpy(x_np)
    forward, reverse = tfunc.jacfwd(f), tfunc.jacrev(f)
    for jac in (forward, reverse):
        np.testing.assert_allclose(jac(x).numpy(), expected, rtol=1e-12, atol=1e-12)
    return median_time(lambda: forward(x), repeats), median_time(lambda: reverse(x), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per measurement")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)  # one core each: the engines' own cost, not the BLAS's threads
    print("| n inputs | m outputs | jacfwd | jacrev | fwd / rev | torch jacfwd | torch jacrev "
          "| torch fwd / rev |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, m in SIZES:
        fwd, rev, J = ours(n, m, args.repeats)
        tfwd, trev = torch_peer(n, m, args.repeats, J)
        print(f"| {n} | {m} | {fwd * 1e3:.2f} ms | {rev * 1e3:.2f} ms | {fwd / rev:.3g} "
              f"| {tfwd * 1e3:.2f} ms | {trev * 1e3:.2f} ms | {tfwd / trev:.3g} |", flush=True)


if __name__ == "__main__":
    main()
