"""Shared pieces of the benchmarks: micrograd's two-moons problem and the hand-written floor.

``moons_problem()`` is the data of micrograd's demo notebook (``make_moons(100,
noise=0.1)`` after ``np.random.seed(1337)``, labels mapped to -1/+1), as Python lists.

``reference_epoch()`` is one full-batch training step of ``MLP(2, [16, 16, 1])`` written by
hand in pure Python (lists of floats, no graph, no objects): forward, hinge loss +
1e-4 L2, backward, SGD. It is the floor a scalar autodiff engine is measured against:
an engine does the same arithmetic plus the bookkeeping of its graph. It computes the
same numbers as the engines (the tests check the gradients against autograd_mini's).
"""

from __future__ import annotations

import itertools
import random

Matrix = list[list[float]]
Params = list[tuple[Matrix, list[float]]]  # per layer: W (outputs x inputs), b (outputs)

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4


def moons_problem(n: int = 100, noise: float = 0.1, seed: int = 1337
                  ) -> tuple[list[list[float]], list[float]]:
    """micrograd's demo data: X as a list of [x1, x2], y as -1.0 / +1.0."""
    from autograd_mini.data import make_moons  # here, so importing this module stays light

    X, y = make_moons(n, noise=noise, seed=seed)
    return X.tolist(), (y * 2 - 1).astype(float).tolist()


def learning_rate(k: int, epochs: int = 100) -> float:
    """micrograd's demo schedule: 1.0 decaying linearly to 0.1."""
    return 1.0 - 0.9 * k / epochs


def init_params(sizes: list[int] = SIZES, seed: int = 1337) -> Params:
    """micrograd's initialisation (weights uniform in [-1, 1] neuron by neuron, biases 0):
    the same numbers as ``autograd_mini.nn.scalar.MLP(2, [16, 16, 1], seed=seed)``."""
    rng = random.Random(seed)
    params: Params = []
    for nin, nout in itertools.pairwise(sizes):
        W = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)]
        params.append((W, [0.0] * nout))
    return params


def forward_backward(params: Params, X: list[list[float]], Y: list[float],
                     alpha: float = ALPHA, skip_zeros: bool = False
                     ) -> tuple[float, float, Params]:
    """Loss, accuracy and the gradient of the loss for every parameter (same layout).

    By default every sample is backpropagated through every neuron, zeros included: the
    arithmetic an autodiff engine does. ``skip_zeros=True`` skips samples the hinge
    loss ignores and neurons whose gradient is 0, which a hand-writer can do and an
    engine does not.
    """
    n_layers = len(params)
    grads: Params = [([[0.0] * len(row) for row in W], [0.0] * len(b)) for W, b in params]
    scale = 1.0 / len(X)
    data_loss = 0.0
    correct = 0
    for x, yi in zip(X, Y):
        # forward, keeping every layer's input and pre-activation for the backward pass
        inputs, pre = [], []
        h = x
        for li, (W, b) in enumerate(params):
            z = []
            for row, bj in zip(W, b):
                acc = bj
                for w, xv in zip(row, h):
                    acc = acc + w * xv
                z.append(acc)
            inputs.append(h)
            pre.append(z)
            h = z if li == n_layers - 1 else [v if v > 0 else 0.0 for v in z]
        score = h[0]
        correct += (yi > 0) == (score > 0)
        margin = 1 + -yi * score
        if margin > 0:
            data_loss += margin
        elif skip_zeros:
            continue  # relu(margin) = 0: this sample sends no gradient
        dz = [scale * -yi if margin > 0 else 0.0]
        # backward, layer by layer
        for li in range(n_layers - 1, -1, -1):
            W, _ = params[li]
            gW, gb = grads[li]
            h = inputs[li]
            dh = [0.0] * len(h)
            for j, (row, d) in enumerate(zip(W, dz)):
                if skip_zeros and d == 0.0:
                    continue
                grow = gW[j]
                gb[j] += d
                for i, xv in enumerate(h):
                    grow[i] += d * xv
                    dh[i] += d * row[i]
            if li:
                dz = [d if z > 0 else 0.0 for d, z in zip(dh, pre[li - 1])]
    reg = 0.0
    for (W, b), (gW, gb) in zip(params, grads):
        for row, grow in zip(W, gW):
            for i, w in enumerate(row):
                reg += w * w
                grow[i] += 2 * alpha * w
        for j, bj in enumerate(b):
            reg += bj * bj
            gb[j] += 2 * alpha * bj
    loss = data_loss * scale + alpha * reg
    return loss, correct / len(X), grads


def reference_epoch(params: Params, X: list[list[float]], Y: list[float], lr: float,
                    alpha: float = ALPHA, skip_zeros: bool = False) -> tuple[float, float]:
    """One full-batch step: forward, backward, ``p -= lr * grad``. Returns (loss, accuracy)."""
    loss, acc, grads = forward_backward(params, X, Y, alpha, skip_zeros)
    for (W, b), (gW, gb) in zip(params, grads):
        for row, grow in zip(W, gW):
            for i, g in enumerate(grow):
                row[i] -= lr * g
        for j, g in enumerate(gb):
            b[j] -= lr * g
    return loss, acc
