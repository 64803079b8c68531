"""The 8x8 digits with an MLP 64-128-10 and Adam: autograd_mini and PyTorch, one script.

    python benchmarks/digits.py                 # 5 rounds, split seed 0, 1 thread
    python benchmarks/digits.py --rounds 9 --seed 3 --threads 2

scikit-learn's 1,797 digits (``data.load_digits``, pixels / 16) are split 75/25 into
training and test sets (``data.train_test_split`` with ``--seed``) and standardised
with the training set's per-pixel mean and standard deviation (as scikit-learn's
StandardScaler). Then :func:`train`, written once against a library namespace
``lib``, runs with ``lib = autograd_mini`` and with ``lib = torch``: the same network
(``Sequential(Linear(64, 128), ReLU(), Linear(128, 10))`` in float64), the same
initial weights (copied in with ``load_state_dict``), the same mini-batches of 32 in
the same shuffled order, Adam (lr 1e-3) for 30 epochs on softmax cross-entropy. The
two runs compute the same thing: their losses are compared step by step.

Each round trains once with each library (alternating, in this one process); the
table shows the median training time over the rounds and the test accuracy (the
same in every round: the runs are deterministic).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="training runs per library")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the train/test split, the initial weights and the "
                             "batch order")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS / OpenMP threads for NumPy and PyTorch (default 1: on a "
                             "small shared machine, spinning threads of the two libraries "
                             "slow each other down)")
    return parser.parse_args(argv)


ARGS = _parse(None if __name__ == "__main__" else [])
# thread counts must be set before NumPy (and its BLAS) is imported
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_mini  # noqa: E402
from autograd_mini import data  # noqa: E402

BATCH, LR = 32, 1e-3


def digits(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardised training and test digits: X_train, X_test, y_train, y_test."""
    X, y = data.load_digits()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, seed=seed)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0  # pixels that are blank in every training image stay 0
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test


def train(lib: Any, X: np.ndarray, y: np.ndarray, init: dict[str, np.ndarray], *,
          epochs: int, seed: int) -> tuple[Any, list[float]]:
    """Train the MLP with ``lib`` (autograd_mini or torch); the model and every step's loss."""
    F = lib.nn.functional
    model = lib.nn.Sequential(
        lib.nn.Linear(64, 128, dtype=lib.float64),
        lib.nn.ReLU(),
        lib.nn.Linear(128, 10, dtype=lib.float64),
    )
    model.load_state_dict({name: lib.from_numpy(array) for name, array in init.items()})
    optimizer = lib.optim.Adam(model.parameters(), lr=LR)
    batches = data.DataLoader((X, y), batch_size=BATCH, shuffle=True, seed=seed)
    losses = []
    for _ in range(epochs):
        for xb, yb in batches:
            loss = F.cross_entropy(model(lib.from_numpy(xb)), lib.as_tensor(yb))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return model, losses


def accuracy_on(lib: Any, model: Any, X: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    with lib.no_grad():
        predicted = model(lib.from_numpy(X)).argmax(dim=1)
    return float(np.mean(np.asarray(predicted) == y))


def main() -> None:
    args = ARGS
    libraries: dict[str, Any] = {"autograd_mini": autograd_mini}
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: timing autograd_mini alone")
    else:
        torch.set_num_threads(args.threads)
        libraries[f"PyTorch {torch.__version__.split('+')[0]}"] = torch
    X_train, X_test, y_train, y_test = digits(args.seed)
    autograd_mini.manual_seed(args.seed)
    start = autograd_mini.nn.MLP(64, [128, 10])  # the initial weights every run loads
    init = {name: t.numpy() for name, t in start.state_dict().items()}

    times: dict[str, list[float]] = {name: [] for name in libraries}
    results: dict[str, tuple[float, list[float]]] = {}
    for _ in range(args.rounds):
        for name, lib in libraries.items():
            t0 = time.perf_counter()
            model, losses = train(lib, X_train, y_train, init, epochs=args.epochs,
                                  seed=args.seed)
            times[name].append(time.perf_counter() - t0)
            results[name] = (accuracy_on(lib, model, X_test, y_test), losses)

    steps = len(results["autograd_mini"][1])
    print(f"8x8 digits: {len(X_train)} training / {len(X_test)} test images (split seed "
          f"{args.seed}); MLP 64-128-10, Adam lr {LR}, batch {BATCH}, {args.epochs} epochs "
          f"= {steps} steps, float64, {args.threads} thread(s); median of {args.rounds} runs")
    print()
    print("| library | training time (s) | test accuracy |")
    print("|---|---:|---:|")
    for name in libraries:
        print(f"| {name} | {statistics.median(times[name]):.2f} | "
              f"{results[name][0]:.1%} |")
    if len(libraries) > 1:
        ours, theirs = (np.array(results[name][1]) for name in libraries)
        ratio = statistics.median(times["autograd_mini"]) / statistics.median(
            next(t for n, t in times.items() if n != "autograd_mini"))
        print()
        print(f"autograd_mini / PyTorch time: {ratio:.2f}; largest difference between "
              f"the two runs' losses over the {steps} steps: {np.abs(ours - theirs).max():.1e}")


if __name__ == "__main__":
    main()
