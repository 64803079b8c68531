"""Every Tensor op at the numerical edges, against PyTorch 2.13: ±1000, ±1e-300, ±0, ±inf, nan.

Table-driven: each row builds its inputs from the edge values (every pair of them for a
binary op, so each combination is one element and no sum mixes them), runs the op on
both libraries in float64, backpropagates a gradient of ones and asks for the same
numbers: nan exactly where PyTorch has nan, the same infinities, finite numbers equal
to 1e-9. Where PyTorch's own answer is debatable, the row says so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from autograd_mini import Tensor, grad

from .test_tensor_ops import NS
from .test_tensor_torch import TorchNamespace

pytestmark = pytest.mark.torch

EDGES = np.array([-1000.0, -1e-300, -0.0, 0.0, 1e-300, 1000.0, math.inf, -math.inf, math.nan])
N = len(EDGES)
PAIR_A, PAIR_B = np.repeat(EDGES, N), np.tile(EDGES, N)  # every (a, b) once, elementwise
ROWS = np.stack([EDGES, np.full(N, 1.0), np.full(N, -2.0), np.full(N, 0.5)], axis=1)  # (9, 4)
PROBS = np.array([0.0, 1e-300, 0.25, 0.5, 1.0 - 1e-16, 1.0])  # binary_cross_entropy's domain
SIGNS = np.where(np.arange(N) % 2 == 0, 1.0, -1.0)
M = np.array([[1.0, 0.0, -2.0], [0.5, -1.0, 1.0]])


@dataclass(frozen=True)
class Edge:
    """One row of the table: ``fn(ns, *tensors)`` on ``inputs`` (arrays that need gradients)
    and ``constants`` (arrays passed as data, through ``ns.constant``)."""

    name: str
    fn: Callable[..., Any]
    inputs: tuple[Any, ...]
    note: str = ""


def unary(name: str, fn: Callable[..., Any], note: str = "") -> Edge:
    return Edge(name, fn, (EDGES,), note)


def binary(name: str, fn: Callable[..., Any], note: str = "") -> Edge:
    return Edge(name, fn, (PAIR_A, PAIR_B), note)


def rows(name: str, fn: Callable[..., Any], note: str = "") -> Edge:
    return Edge(name, fn, (ROWS,), note)


TABLE: list[Edge] = [
    # elementwise, one tensor
    unary("neg", lambda ns, x: -x),
    unary("exp", lambda ns, x: x.exp()),
    unary("log", lambda ns, x: x.log()),
    unary("log1p", lambda ns, x: x.log1p()),
    unary("sqrt", lambda ns, x: x.sqrt()),
    unary("abs", lambda ns, x: x.abs()),  # d|x|/dx = sign(x), and PyTorch's sign(nan) is 0
    unary("tanh", lambda ns, x: x.tanh()),
    unary("sigmoid", lambda ns, x: x.sigmoid()),
    unary("relu", lambda ns, x: x.relu()),
    unary("clamp", lambda ns, x: x.clamp(-0.5, 1.0)),
    unary("clamp_min", lambda ns, x: x.clamp(min=0.5)),
    unary("clamp_max", lambda ns, x: x.clamp(max=-1e-300)),
    unary("to_float32", lambda ns, x: x.float() * 1.0),
    unary("clone", lambda ns, x: x.clone()),
    # a number on either side, including edge numbers as the constant
    *[unary(f"add_{c}", lambda ns, x, c=c: x + c) for c in (2.5, math.inf)],
    *[unary(f"rsub_{c}", lambda ns, x, c=c: c - x) for c in (2.5, -math.inf)],
    *[unary(f"mul_{c}", lambda ns, x, c=c: x * c) for c in (-2.0, 0.0, 1e-300, math.inf,
                                                              math.nan)],
    *[unary(f"div_{c}", lambda ns, x, c=c: x / c) for c in (3.0, 0.0, -0.0, math.inf)],
    *[unary(f"rdiv_{c}", lambda ns, x, c=c: c / x) for c in (3.0, 0.0, -1e-300)],
    # PyTorch computes x ** 0.5 as sqrt(x) (nan at -inf, where C's pow gives inf), x ** -0.5
    # as 1 / sqrt(x), x ** 2 as x * x ...; so do we, and the gradients follow
    *[unary(f"pow_{c}", lambda ns, x, c=c: x**c)
      for c in (2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 0.0, 1.0, 1.7, -1.5, 1000.0, math.inf)],
    *[unary(f"rpow_{c}", lambda ns, x, c=c: c**x) for c in (2.0, 0.5, 0.0, -2.0, 1.0)],
    # elementwise, two tensors: every pair
    binary("add", lambda ns, a, b: a + b),
    binary("sub", lambda ns, a, b: a - b),
    binary("mul", lambda ns, a, b: a * b),
    binary("div", lambda ns, a, b: a / b),
    binary("pow", lambda ns, a, b: a**b),
    binary("maximum", lambda ns, a, b: ns.maximum(a, b)),
    binary("minimum", lambda ns, a, b: ns.minimum(a, b)),
    binary("where", lambda ns, a, b: ns.where(np.arange(N * N) % 3 == 0, a, b)),
    binary("mse_loss", lambda ns, a, b: ns.F.mse_loss(a, b, reduction="none")),
    binary("epsilon_insensitive_loss",
           lambda ns, a, b: ns.F.epsilon_insensitive_loss(a, b, reduction="none")),
    Edge("binary_cross_entropy_with_logits", lambda ns, x, t: ns.F.binary_cross_entropy_with_logits(
        x, t, reduction="none"), (np.repeat(EDGES, 3), np.tile([0.0, 0.5, 1.0], N))),
    # log clamped at -100; x(1 - x) clamped at PyTorch's single-precision 1e-12 in backward
    Edge("binary_cross_entropy", lambda ns, p, t: ns.F.binary_cross_entropy(
        p, t, reduction="none"), (np.repeat(PROBS, 3), np.tile([0.0, 0.5, 1.0], len(PROBS)))),
    unary("hinge_loss", lambda ns, x: ns.F.hinge_loss(x, ns.constant(SIGNS), reduction="none")),
    # matrix products with an edge value in every row / column
    Edge("matmul_left", lambda ns, a, b: a @ b, (np.stack([EDGES, np.ones(N)], 1), M)),
    Edge("matmul_right", lambda ns, a, b: a @ b, (M.T, np.stack([EDGES, np.ones(N)], 0))),
    # reductions and softmax along the rows [x, 1, -2, 0.5]
    rows("sum", lambda ns, x: x.sum(1)),
    rows("mean", lambda ns, x: x.mean(1)),
    rows("var", lambda ns, x: x.var(1)),
    # PyTorch is inconsistent at a nan maximum, and we follow it: amax gives nan to every
    # element of the group (none equals the nan result: 0 matches, and g / 0 * 0 is nan),
    # max() of all elements gives the gradient to the nans, max(dim) to the first nan
    rows("amax", lambda ns, x: x.amax(1)),
    rows("amin", lambda ns, x: x.amin(1)),
    rows("amax_all", lambda ns, x: x.amax()),
    rows("max_dim", lambda ns, x: x.max(1).values),
    rows("min_dim", lambda ns, x: x.min(1).values),
    rows("max_all", lambda ns, x: ns.stack([x[i].max() for i in range(N)])),
    rows("min_all", lambda ns, x: ns.stack([x[i].min() for i in range(N)])),
    rows("softmax", lambda ns, x: x.softmax(1)),
    rows("log_softmax", lambda ns, x: x.log_softmax(1)),
    rows("cross_entropy", lambda ns, x: ns.F.cross_entropy(x, ns.labels(np.arange(N) % 4),
                                                           reduction="none")),
    rows("nll_loss", lambda ns, x: ns.F.nll_loss(x, ns.labels(np.arange(N) % 4),
                                                 reduction="none")),
    # debatable, but PyTorch's: a class's margin term counts only where it is > 0, so a nan
    # score (row 8, its own target) makes a loss of 0 rather than nan
    rows("multi_margin_loss", lambda ns, x: ns.F.multi_margin_loss(
        x, ns.labels(np.arange(N) % 4), reduction="none")),
    # shapes and indexing move the edge values around
    rows("reshape", lambda ns, x: x.reshape(4, N)),
    rows("view", lambda ns, x: x.view(N * 4)),
    rows("transpose", lambda ns, x: x.T),
    rows("permute", lambda ns, x: x.permute(1, 0)),
    rows("expand", lambda ns, x: x.unsqueeze(0).expand(2, N, 4)),
    rows("flatten", lambda ns, x: x.flatten()),
    rows("squeeze", lambda ns, x: x.unsqueeze(1).squeeze(1)),
    rows("getitem", lambda ns, x: ns.index(x, (np.array([0, 8, 8, 6]), slice(None, 2)))),
    rows("cat", lambda ns, x: ns.cat([x, x[:, :1]], dim=1)),
    rows("stack", lambda ns, x: ns.stack([x, x * 2], dim=0)),
]


def same(ours: Any, theirs: Any, what: str) -> None:
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape, what
    # nan exactly where PyTorch has nan, the same infinities, finite numbers to 1e-9
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=f"{what}: nan")
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-300, equal_nan=True,
                               err_msg=what)


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.name)
def test_edge_values_and_gradients_match_pytorch(torch: Any, row: Edge) -> None:
    xs = [Tensor(a, requires_grad=True) for a in row.inputs]
    ts = [torch.tensor(a, requires_grad=True) for a in row.inputs]
    with warnings.catch_warnings():  # NumPy's overflow warnings: inf is the answer here
        warnings.simplefilter("ignore", RuntimeWarning)
        out = row.fn(NS, *xs)
        out.backward(np.ones(out.shape))
    t_out = row.fn(TorchNamespace(torch), *ts)
    t_out.backward(torch.ones(t_out.shape, dtype=t_out.dtype))
    dtype = np.float32 if row.name == "to_float32" else np.float64
    same(out.data, t_out.to(getattr(torch, np.dtype(dtype).name)), f"{row.name}: value")
    for i, (x, t) in enumerate(zip(xs, ts)):
        ours = np.zeros(x.shape) if x.grad is None else x.grad
        theirs = torch.zeros(t.shape, dtype=torch.float64) if t.grad is None else t.grad
        same(ours, theirs, f"{row.name}: gradient of input {i}")


def test_second_derivatives_through_indexing_at_the_edges(torch: Any) -> None:
    # the gradient of x[index] is recorded as an index_put node; differentiate through it
    index = np.array([0, 2, 2, 6, 7, 8, 3])
    x, t = Tensor(EDGES, requires_grad=True), torch.tensor(EDGES, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (g,) = grad((x[index] ** 3).sum(), x, create_graph=True)
        (g * g).sum().backward()
    (tg,) = torch.autograd.grad((t[torch.as_tensor(index)] ** 3).sum(), t, create_graph=True)
    (tg * tg).sum().backward()
    same(g.data, tg, "first derivative")
    same(x.grad, t.grad, "second derivative")
