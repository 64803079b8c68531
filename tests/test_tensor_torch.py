"""Tensor against PyTorch 2.13 (float64): values and gradients agree to 1e-9.

Every op of the table in strategies.TENSOR_OPS runs on both libraries with the
same Hypothesis-drawn inputs (broadcast pairs, batched and 1-D matmul, reductions
with dim/keepdim, slicing, repeated fancy indices, masks, where, losses); then
second derivatives, Hessian-vector products, numerically hard inputs and float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import Tensor, grad
from autograd_mini.nn import functional as F

from .strategies import TENSOR_OPS, TensorOp, arrays
from .test_tensor_ops import NS

pytestmark = pytest.mark.torch
RTOL, ATOL = 1e-9, 1e-12


class TorchNamespace:
    """The names the op table uses, on torch (hinge losses written out: torch has none)."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch
        self.maximum, self.minimum = torch.maximum, torch.minimum
        self.cat, self.stack = torch.cat, torch.stack
        tf = torch.nn.functional

        def reduce(loss: Any, reduction: str) -> Any:
            return {"mean": loss.mean, "sum": loss.sum}.get(reduction, lambda: loss)()

        class Functional:
            def __getattr__(self, name: str) -> Any:
                return getattr(tf, name)

            @staticmethod
            def hinge_loss(x: Any, t: Any, reduction: str = "mean") -> Any:
                return reduce((1 - t * x).relu(), reduction)

            @staticmethod
            def epsilon_insensitive_loss(x: Any, t: Any, reduction: str = "mean") -> Any:
                return reduce(((x - t).abs() - 0.1).relu(), reduction)

        self.F = Functional()

    def where(self, cond: Any, a: Any, b: Any) -> Any:
        return self.torch.where(self.torch.as_tensor(cond), a, b)

    def index(self, x: Any, index: Any) -> Any:
        items = index if isinstance(index, tuple) else (index,)
        items = tuple(self.torch.as_tensor(i) if isinstance(i, np.ndarray) else i
                      for i in items)
        return x[items if isinstance(index, tuple) else items[0]]

    def array(self, values: Any) -> Any:
        return self.torch.as_tensor(values)

    def labels(self, target: Any) -> Any:
        return self.torch.as_tensor(target)

    def constant(self, values: Any) -> Any:
        return self.torch.as_tensor(values)


def _close(ours: Any, theirs: Any, what: str) -> None:
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=RTOL, atol=ATOL, err_msg=what)


@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
@settings(max_examples=30)
@given(data=st.data())
def test_values_and_gradients_match_torch(torch: Any, op: TensorOp,
                                          data: st.DataObject) -> None:
    inputs, p = data.draw(op.inputs)
    # torch 2.13's var with dim=() reduces over every axis but its gradient divides by
    # n = 1 (twice the true derivative); ours is checked against central differences
    assume(not (op.name.startswith("var") and p.get("dim") == ()))
    xs = [Tensor(a, requires_grad=True) for a in inputs]
    ts = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, t_out = op.fn(NS, p, *xs), op.fn(TorchNamespace(torch), p, *ts)
    assert out.shape == tuple(t_out.shape), op.name
    _close(out.data, t_out, f"{op.name}: value")
    w = data.draw(arrays(out.shape, -1.0, 1.0))
    (out * w).sum().backward()
    (t_out * torch.tensor(w)).sum().backward()
    for i, (x, t) in enumerate(zip(xs, ts)):
        ours = np.zeros(x.shape) if x.grad is None else x.grad
        theirs = torch.zeros(t.shape, dtype=torch.float64) if t.grad is None else t.grad
        _close(ours, theirs, f"{op.name}: gradient of input {i}")


# ------------------------------------------------------------------ indices and reductions
def test_max_and_min_with_dim_return_torchs_indices(torch: Any) -> None:
    a = np.array([[1.0, 5.0, 5.0], [7.0, -1.0, 7.0], [0.0, 0.0, 0.0]])
    for name in ("max", "min"):
        for dim in (0, 1, -1):
            for keepdim in (False, True):
                x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
                ours, theirs = getattr(x, name)(dim, keepdim=keepdim), getattr(t, name)(
                    dim, keepdim=keepdim)
                _close(ours.values.data, theirs.values, f"{name} values")
                np.testing.assert_array_equal(ours.indices, theirs.indices.numpy())
                ours.values.sum().backward()
                theirs.values.sum().backward()
                _close(x.grad, t.grad, f"{name}(dim={dim}) gradient: to the first extreme")


def test_ties_share_the_gradient_like_torch(torch: Any) -> None:
    a = np.array([[2.0, 2.0, 1.0], [0.0, 3.0, 3.0]])
    for fn in (lambda x: x.amax(1), lambda x: x.amin(0), lambda x: x.max(), lambda x: x.min()):
        x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        fn(x).sum().backward()
        fn(t).sum().backward()
        _close(x.grad, t.grad, "ties")
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    am.maximum(x, 2.0).sum().backward()
    torch.maximum(t, torch.tensor(2.0, dtype=torch.float64)).sum().backward()
    _close(x.grad, t.grad, "maximum with ties")


@pytest.mark.parametrize("kwargs", [{}, {"correction": 0}, {"unbiased": False},
                                    {"dim": 1, "keepdim": True}, {"dim": (0, 2)}])
def test_var_matches_torch(torch: Any, kwargs: dict[str, Any]) -> None:
    a = np.random.default_rng(0).standard_normal((3, 4, 5))
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    _close(x.var(**kwargs).data, t.var(**kwargs), "var")
    x.var(**kwargs).sum().backward()
    t.var(**kwargs).sum().backward()
    _close(x.grad, t.grad, "var gradient")


def test_repeated_fancy_indices_accumulate_like_torch(torch: Any) -> None:
    a = np.arange(12.0).reshape(3, 4)
    index = (np.array([0, 2, 0, 0]), np.array([1, 3, 1, 2]))
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    x[index].sum().backward()
    t[tuple(torch.as_tensor(i) for i in index)].sum().backward()
    _close(x.grad, t.grad, "repeated indices")
    assert x.grad[0, 1] == 2.0  # x[0, 1] was picked twice


# ------------------------------------------------------------------ higher derivatives
def test_third_derivative_of_x_cubed() -> None:
    x = Tensor(2.0, requires_grad=True)
    (d1,) = grad(x**3, x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)


_FUNCTIONS = {
    "poly": lambda ns, x: (x**3 - 2 * x * x + x / 3).sum(),
    "tanh_sigmoid": lambda ns, x: (x.tanh() * x.sigmoid() + x.exp() / 5).sum(),
    "quadratic_form": lambda ns, x: (x @ ns.const(np.arange(16.0).reshape(4, 4) / 7) @ x),
    "log_sum_exp": lambda ns, x: x.log_softmax(0).sum() + (x.abs() + 1).log().sum(),
    "softmax_entropy": lambda ns, x: -(x.softmax(0) * x.log_softmax(0)).sum(),
    "norm": lambda ns, x: (x * x).sum().sqrt() + (x.reshape(2, 2).T @ x.reshape(2, 2)).sum(),
    "pow_div": lambda ns, x: ((x * x + 1) ** x / (x + 3)).mean() + x.var(),
}


class _Const:
    def __init__(self, make: Any) -> None:
        self.const = make


@pytest.mark.parametrize("name", sorted(_FUNCTIONS))
def test_hessian_matches_torch(torch: Any, name: str) -> None:
    f = _FUNCTIONS[name]
    a = np.array([0.3, -1.2, 0.7, 1.9])
    x = Tensor(a, requires_grad=True)
    (g,) = grad(f(_Const(Tensor), x), x, create_graph=True)
    hessian = np.stack([grad(g[i], x, allow_unused=True)[0].data for i in range(4)])
    theirs = torch.autograd.functional.hessian(
        lambda t: f(_Const(lambda v: torch.tensor(v)), t), torch.tensor(a))
    _close(hessian, theirs, f"Hessian of {name}")


@pytest.mark.parametrize("name", sorted(_FUNCTIONS))
def test_hessian_vector_product_matches_torch(torch: Any, name: str) -> None:
    f = _FUNCTIONS[name]
    a = np.array([0.3, -1.2, 0.7, 1.9])
    v = np.array([1.0, -2.0, 0.5, 3.0])
    x = Tensor(a, requires_grad=True)
    (g,) = grad(f(_Const(Tensor), x), x, create_graph=True)
    (hvp,) = grad(g, x, grad_outputs=v)  # d/dx (g · v)
    _, theirs = torch.autograd.functional.hvp(
        lambda t: f(_Const(lambda w: torch.tensor(w)), t), torch.tensor(a), torch.tensor(v))
    _close(hvp.data, theirs, f"Hessian-vector product of {name}")


@pytest.mark.filterwarnings("ignore:.*create_graph=True:UserWarning")
def test_backward_create_graph_leaves_differentiable_grad(torch: Any) -> None:
    a = np.array([[0.5, -1.0], [2.0, 0.25]])
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (x.sigmoid() * x).sum().backward(create_graph=True)
    (t.sigmoid() * t).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.requires_grad
    _close(x.grad.data, t.grad, "first derivative")
    gx = x.grad
    x.grad = None
    gx.sum().backward()
    gt = t.grad
    t.grad = None
    gt.sum().backward()
    _close(x.grad, t.grad, "second derivative through .grad")


def test_second_derivatives_of_losses(torch: Any) -> None:
    logits = np.array([[1.0, -2.0, 0.5], [0.1, 0.2, 3.0]])
    y = np.array([2, 0])
    for ours_fn, torch_fn in (
        (lambda x: F.cross_entropy(x, y), lambda t: torch.nn.functional.cross_entropy(
            t, torch.as_tensor(y))),
        (lambda x: F.binary_cross_entropy_with_logits(x, np.ones((2, 3)) * 0.3),
         lambda t: torch.nn.functional.binary_cross_entropy_with_logits(
             t, torch.full((2, 3), 0.3, dtype=torch.float64))),
        (lambda x: F.mse_loss(x.softmax(1), np.eye(3)[y]),
         lambda t: torch.nn.functional.mse_loss(t.softmax(1), torch.eye(3, dtype=torch.float64)
                                                [torch.as_tensor(y)])),
    ):
        x = Tensor(logits, requires_grad=True)
        (g,) = grad(ours_fn(x), x, create_graph=True)
        (h,) = grad((g * g).sum(), x)
        t = torch.tensor(logits, requires_grad=True)
        (gt,) = torch.autograd.grad(torch_fn(t), t, create_graph=True)
        (ht,) = torch.autograd.grad((gt * gt).sum(), t)
        _close(g.data, gt, "loss gradient")
        _close(h.data, ht, "gradient of the squared gradient")


# ------------------------------------------------------------------ losses: hard inputs
def test_cross_entropy_is_stable_for_logits_of_1000(torch: Any) -> None:
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0],
                       [1000.0, 1000.0, -1000.0]])
    y = np.array([1, 2, 0])
    x, t = Tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, y)
    t_loss = torch.nn.functional.cross_entropy(t, torch.as_tensor(y))
    assert np.isfinite(loss.item())
    _close(loss.data, t_loss, "cross-entropy value")
    loss.backward()
    t_loss.backward()
    assert np.all(np.isfinite(x.grad))
    _close(x.grad, t.grad, "cross-entropy gradient")
    for fn in (F.softmax, F.log_softmax):
        _close(fn(Tensor(logits), dim=1).data,
               getattr(torch.nn.functional, fn.__name__)(torch.tensor(logits), dim=1), "")


def test_binary_losses_are_stable_at_extremes(torch: Any) -> None:
    logits = np.array([1000.0, -1000.0, 0.0, 30.0, -30.0])
    target = np.array([0.0, 1.0, 0.5, 1.0, 0.0])
    x, t = Tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, target)
    t_loss = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.tensor(target))
    loss.backward()
    t_loss.backward()
    _close(loss.data, t_loss, "value")
    _close(x.grad, t.grad, "gradient")
    probs = np.array([0.0, 1.0, 1e-300, 0.5])  # log clamped at -100, as in PyTorch
    target = np.array([1.0, 0.0, 1.0, 0.5])
    p, tp = Tensor(probs, requires_grad=True), torch.tensor(probs, requires_grad=True)
    _close(F.binary_cross_entropy(p, target, reduction="none").data,
           torch.nn.functional.binary_cross_entropy(tp, torch.tensor(target), reduction="none"),
           "clamped log")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_options_match_torch(torch: Any, reduction: str) -> None:
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((5, 4))
    weight = np.array([0.5, 2.0, 1.0, 3.0])
    y = np.array([0, 3, -100, 1, 3])
    cases = [
        ({"weight": weight}, np.array([0, 3, 2, 1, 3])),
        ({"ignore_index": -100}, y),
        ({"weight": weight, "ignore_index": 3}, np.array([0, 3, 2, 1, 3])),
    ]
    for kwargs, target in cases:
        for ours, theirs in ((F.cross_entropy, torch.nn.functional.cross_entropy),
                             (lambda x, t, **k: F.nll_loss(x.log_softmax(1), t, **k),
                              lambda x, t, **k: torch.nn.functional.nll_loss(
                                  x.log_softmax(1), t, **k))):
            x, t = Tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
            t_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                        for k, v in kwargs.items()}
            out = ours(x, target, reduction=reduction, **kwargs)
            t_out = theirs(t, torch.as_tensor(target), reduction=reduction, **t_kwargs)
            _close(out.data, t_out, f"{kwargs} value")
            out.sum().backward()
            t_out.sum().backward()
            _close(x.grad, t.grad, f"{kwargs} gradient")


def test_cross_entropy_shapes_match_torch(torch: Any) -> None:
    rng = np.random.default_rng(2)
    for shape, target in (((4,), np.array(2)), ((2, 3, 4), rng.integers(0, 3, (2, 4))),
                          ((2, 3, 2, 2), rng.integers(0, 3, (2, 2, 2)))):
        a = rng.standard_normal(shape)
        x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        out = F.cross_entropy(x, target)
        t_out = torch.nn.functional.cross_entropy(t, torch.as_tensor(target))
        _close(out.data, t_out, f"{shape} value")
        out.backward()
        t_out.backward()
        _close(x.grad, t.grad, f"{shape} gradient")
    a = rng.standard_normal((3, 4))
    probs = rng.random((3, 4))
    probs /= probs.sum(1, keepdims=True)
    weight = np.array([1.0, 2.0, 0.5, 1.5])
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out = F.cross_entropy(x, Tensor(probs), weight=weight)
    t_out = torch.nn.functional.cross_entropy(t, torch.tensor(probs), weight=torch.tensor(weight))
    _close(out.data, t_out, "soft labels with class weights")


def test_weighted_binary_and_margin_losses_match_torch(torch: Any) -> None:
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 3))
    target = rng.random((4, 3))
    weight = rng.random((4, 3))
    pos_weight = np.array([0.5, 2.0, 3.0])
    tf = torch.nn.functional
    pairs = [
        (lambda x: F.binary_cross_entropy_with_logits(x, target, weight=weight,
                                                      pos_weight=pos_weight),
         lambda t: tf.binary_cross_entropy_with_logits(
             t, torch.tensor(target), weight=torch.tensor(weight),
             pos_weight=torch.tensor(pos_weight))),
        (lambda x: F.binary_cross_entropy(x.sigmoid(), target, weight=weight),
         lambda t: tf.binary_cross_entropy(t.sigmoid(), torch.tensor(target),
                                           weight=torch.tensor(weight))),
        (lambda x: F.multi_margin_loss(x, np.array([0, 2, 1, 1]), p=2, margin=0.7,
                                       weight=np.array([1.0, 0.5, 2.0])),
         lambda t: tf.multi_margin_loss(t, torch.tensor([0, 2, 1, 1]), p=2, margin=0.7,
                                        weight=torch.tensor([1.0, 0.5, 2.0],
                                                            dtype=torch.float64))),
    ]
    for ours, theirs in pairs:
        x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        out, t_out = ours(x), theirs(t)
        _close(out.data, t_out, "value")
        out.backward()
        t_out.backward()
        _close(x.grad, t.grad, "gradient")
    # the target gets a gradient too
    x, t = Tensor(a), torch.tensor(a)
    y, ty = Tensor(target, requires_grad=True), torch.tensor(target, requires_grad=True)
    F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight).backward()
    tf.binary_cross_entropy_with_logits(t, ty, pos_weight=torch.tensor(pos_weight)).backward()
    _close(y.grad, ty.grad, "target gradient")


# ------------------------------------------------------------------ a training step
def _mlp_step(lib: Any, x: Any, y: Any, params: list[Any]) -> Any:
    w1, b1, w2, b2 = params
    h = (x @ w1 + b1).relu()
    return lib.cross_entropy(h @ w2 + b2, y)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mlp_training_step_matches_torch(torch: Any, dtype: str) -> None:
    rng = np.random.default_rng(4)
    data = [rng.standard_normal(s).astype(dtype) for s in ((8, 5), (5, 6), (6,), (6, 3), (3,))]
    y = rng.integers(0, 3, 8)
    params = [Tensor(d, requires_grad=True) for d in data[1:]]
    t_params = [torch.tensor(d, requires_grad=True) for d in data[1:]]
    opt, t_opt = am.optim.SGD(params, lr=0.1), torch.optim.SGD(t_params, lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        t_opt.zero_grad()
        loss = _mlp_step(F, Tensor(data[0]), y, params)
        t_loss = _mlp_step(torch.nn.functional, torch.tensor(data[0]), torch.as_tensor(y),
                           t_params)
        loss.backward()
        t_loss.backward()
        opt.step()
        t_opt.step()
    tol = {"rtol": 1e-9, "atol": 1e-12} if dtype == "float64" else {"rtol": 1e-5, "atol": 1e-6}
    assert loss.dtype == np.dtype(dtype)
    for p, tp in zip(params, t_params):
        assert p.data.dtype == np.dtype(dtype) and p.grad.dtype == np.dtype(dtype)
        np.testing.assert_allclose(p.data, tp.detach().numpy(), **tol)
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), **tol)
