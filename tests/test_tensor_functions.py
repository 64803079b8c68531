"""The function spellings (``sin(x)`` beside ``x.sin()``), the new rules (sin, cos, prod,
cumsum, norm; dot and mm) to second order, and the in-place methods, against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import Tensor, no_grad

from .strategies import arrays, shapes

pytestmark = pytest.mark.torch
RTOL, ATOL = 1e-9, 1e-12


def _close(ours: Any, theirs: Any, what: str) -> None:
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    ours = ours.data if isinstance(ours, Tensor) else ours
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=RTOL, atol=ATOL, err_msg=what)


# name -> (call with the module, operand arrays); the same call runs on autograd_mini and torch
_A = np.array([[0.5, -1.2, 2.0], [0.3, 1.7, -0.7]])
_B = np.array([[1.1, 0.4], [-0.6, 2.2], [0.9, -1.3]])
_V = np.array([0.5, -1.5, 2.5])
FUNCTIONS: dict[str, tuple[Any, list[Any]]] = {
    "sin": (lambda m, x: m.sin(x), [_A]), "cos": (lambda m, x: m.cos(x), [_A]),
    "exp": (lambda m, x: m.exp(x), [_A]), "log": (lambda m, x: m.log(m.abs(x)), [_A]),
    "sqrt": (lambda m, x: m.sqrt(m.abs(x)), [_A]), "tanh": (lambda m, x: m.tanh(x), [_A]),
    "sigmoid": (lambda m, x: m.sigmoid(x), [_A]), "relu": (lambda m, x: m.relu(x), [_A]),
    "abs": (lambda m, x: m.abs(x), [_A]), "pow": (lambda m, x: m.pow(x, 3), [_A]),
    "pow_tensor": (lambda m, x: m.pow(m.abs(x), x), [_A]),
    "rpow": (lambda m, x: m.pow(2.0, x), [_A]),
    "clamp": (lambda m, x: m.clamp(x, -1.0, 1.0), [_A]),
    "clamp_min": (lambda m, x: m.clamp(x, min=0.0), [_A]),
    "sum": (lambda m, x: m.sum(x), [_A]), "sum_dim": (lambda m, x: m.sum(x, 1), [_A]),
    "sum_keepdim": (lambda m, x: m.sum(x, 0, keepdim=True), [_A]),
    "mean": (lambda m, x: m.mean(x), [_A]), "mean_dim": (lambda m, x: m.mean(x, 1), [_A]),
    "max": (lambda m, x: m.max(x), [_A]), "max_dim": (lambda m, x: m.max(x, 1).values, [_A]),
    "max_other": (lambda m, x: m.max(x, x * 0.5), [_A]),
    "min": (lambda m, x: m.min(x), [_A]), "min_dim": (lambda m, x: m.min(x, 0)[0], [_A]),
    "min_other": (lambda m, x: m.min(x, x * 0.5), [_A]),
    "prod": (lambda m, x: m.prod(x), [_A]), "prod_dim": (lambda m, x: m.prod(x, 1), [_A]),
    "cumsum": (lambda m, x: m.cumsum(x, 1), [_A]),
    "norm": (lambda m, x: m.norm(x), [_A]), "norm_dim": (lambda m, x: m.norm(x, dim=0), [_A]),
    "norm_1": (lambda m, x: m.norm(x, 1), [_A]),
    "norm_inf": (lambda m, x: m.norm(x, float("inf"), 1), [_A]),
    "matmul": (lambda m, a, b: m.matmul(a, b), [_A, _B]),
    "mm": (lambda m, a, b: m.mm(a, b), [_A, _B]),
    "dot": (lambda m, a, b: m.dot(a, b), [_V, _V * 2 - 1]),
    "method_matmul": (lambda m, a, b: a.matmul(b), [_A, _B]),
    "method_pow": (lambda m, x: x.pow(2.5), [np.abs(_A)]),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_spellings_match_torch(torch: Any, name: str) -> None:
    call, operands = FUNCTIONS[name]
    xs = [Tensor(a, requires_grad=True) for a in operands]
    ts = [torch.tensor(a, requires_grad=True) for a in operands]
    out, t_out = call(am, *xs), call(torch, *ts)
    assert out.shape == tuple(t_out.shape)
    _close(out, t_out, f"{name}: value")
    w = np.linspace(0.5, 1.5, out.data.size).reshape(out.shape)
    (out * Tensor(w)).sum().backward()
    (t_out * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        _close(x.grad, t.grad, f"{name}: gradient")


def test_every_function_is_exported() -> None:
    for name in ("sin", "cos", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "pow",
                 "clamp", "dot", "mm", "matmul", "norm", "sum", "mean", "max", "min", "prod",
                 "cumsum"):
        assert name in am.__all__ and callable(getattr(am, name)), name
    for name in ("sin", "cos", "pow", "dot", "mm", "matmul", "norm", "prod", "cumsum",
                 "add_", "mul_", "zero_", "fill_", "copy_", "clamp_"):
        assert callable(getattr(Tensor, name)), name


def test_a_function_refuses_a_number_as_torch_does(torch: Any) -> None:
    with pytest.raises(TypeError):
        torch.sin(1.0)
    with pytest.raises(TypeError, match=r"sin\(\): argument 'input' must be a Tensor"):
        am.sin(1.0)


# ------------------------------------------------------------------ second derivatives
def _with_zeros(draw: Any, a: Any) -> Any:
    """``a`` with up to three of its elements set to 0 (prod's special case)."""
    a = a.copy()
    flat = a.reshape(-1)
    if flat.size:
        for i in draw(st.lists(st.integers(0, flat.size - 1), max_size=3)):
            flat[i] = 0.0
    return a


@st.composite
def _case(draw: Any) -> tuple[str, Any, dict[str, Any]]:
    name = draw(st.sampled_from(["sin", "cos", "prod", "prod_dim", "cumsum", "norm",
                                 "norm_dim"]))
    shape = draw(shapes(min_dims=0 if name in ("sin", "cos", "prod") else 1))
    a = draw(arrays(shape, -2.0, 2.0))
    if name.startswith("prod"):
        a = _with_zeros(draw, a)
    if name.startswith("norm"):
        a = np.where(np.abs(a) < 0.05, 0.5, a)
    n = len(shape)
    p: dict[str, Any] = {"keepdim": draw(st.booleans())}
    if name in ("prod_dim", "cumsum", "norm_dim"):
        p["dim"] = draw(st.integers(-n, n - 1))
    return name, a, p


def _apply(name: str, x: Any, p: dict[str, Any]) -> Any:
    if name in ("sin", "cos"):
        return getattr(x, name)()
    if name == "prod":
        return x.prod()
    if name == "prod_dim":
        return x.prod(p["dim"], keepdim=p["keepdim"])
    if name == "cumsum":
        return x.cumsum(p["dim"])
    if name == "norm":
        return x.norm()
    return x.norm(dim=p["dim"], keepdim=p["keepdim"])


@settings(max_examples=150, deadline=None)
@given(case=_case(), data=st.data())
def test_second_derivatives_match_torch(torch: Any, case: Any, data: st.DataObject) -> None:
    name, a, p = case
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, t_out = _apply(name, x, p), _apply(name, t, p)
    _close(out, t_out, f"{name}: value")
    w = data.draw(arrays(out.shape, 0.5, 1.5))
    v = data.draw(arrays(a.shape, -1.0, 1.0))
    # squared, so that the gradient depends on the output: its own second derivative shows
    (g,) = am.grad((out * out * Tensor(w)).sum(), [x], create_graph=True)
    (tg,) = torch.autograd.grad((t_out * t_out * torch.tensor(w)).sum(), [t], create_graph=True)
    _close(g, tg, f"{name}: gradient")
    (h,) = am.grad((g * Tensor(v)).sum(), [x], allow_unused=True)
    (th,) = torch.autograd.grad((tg * torch.tensor(v)).sum(), [t], allow_unused=True)
    _close(np.zeros(a.shape) if h is None else h, torch.zeros(a.shape, dtype=torch.float64)
           if th is None else th, f"{name}: second derivative")


@pytest.mark.parametrize("zeros", [0, 1, 2, 3])
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_gradients_with_zeros_are_exact_as_torchs(torch: Any, zeros: int,
                                                         dim: int | None) -> None:
    a = np.array([[1.5, -2.0, 3.0, 0.5], [2.5, 1.25, -0.75, 4.0]])
    a.reshape(-1)[[1, 6, 3][:zeros]] = 0.0
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (x.prod() if dim is None else x.prod(dim)).sum().backward()
    (t.prod() if dim is None else t.prod(dim)).sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


def test_norm_of_zeros_has_gradient_zero_as_torchs(torch: Any) -> None:
    x, t = Tensor(np.zeros((2, 3)), requires_grad=True), torch.zeros(2, 3, dtype=torch.float64,
                                                                      requires_grad=True)
    x.norm(dim=1).sum().backward()
    t.norm(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


def test_zero_dimensional_prod_and_cumsum_as_torch(torch: Any) -> None:
    x, t = Tensor(2.5, requires_grad=True), torch.tensor(2.5, dtype=torch.float64,
                                                         requires_grad=True)
    for f in (lambda y: y.prod(), lambda y: y.prod(0), lambda y: y.cumsum(0),
              lambda y: y.cumsum(-1)):
        assert f(x).shape == tuple(f(t).shape) == ()
        _close(f(x), f(t), "0-d")
    (x.prod() * x.cumsum(0)).backward()
    (t.prod() * t.cumsum(0)).backward()
    _close(x.grad, t.grad, "0-d gradient")


# ------------------------------------------------------------------ in-place methods
EDITS: dict[str, Any] = {
    "add_": lambda t, o: t.add_(o), "add_alpha": lambda t, o: t.add_(o, alpha=-0.5),
    "add_number": lambda t, o: t.add_(2.0), "mul_": lambda t, o: t.mul_(o),
    "mul_row": lambda t, o: t.mul_(o[0]), "zero_": lambda t, o: t.zero_(),
    "fill_": lambda t, o: t.fill_(-1.5), "fill_tensor": lambda t, o: t.fill_(o[0, 1]),
    "copy_": lambda t, o: t.copy_(o), "copy_row": lambda t, o: t.copy_(o[1]),
    "clamp_": lambda t, o: t.clamp_(-0.5, 1.0), "clamp_max": lambda t, o: t.clamp_(max=0.0),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_in_place_methods_match_torch(torch: Any, name: str) -> None:
    edit = EDITS[name]
    x, t = Tensor(_A), torch.tensor(_A)
    o = np.array([[2.0, -1.0, 0.5], [3.0, 0.25, -2.0]])
    before = x._version
    assert edit(x, Tensor(o)) is x
    edit(t, torch.tensor(o))
    np.testing.assert_array_equal(x.data, t.numpy())
    assert x._version == before + 1 and t._version == 1


@pytest.mark.parametrize("name", sorted(EDITS))
def test_in_place_methods_on_a_leaf_that_requires_grad_need_no_grad(torch: Any,
                                                                     name: str) -> None:
    edit = EDITS[name]
    o = np.array([[2.0, -1.0, 0.5], [3.0, 0.25, -2.0]])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        edit(torch.tensor(_A, requires_grad=True), torch.tensor(o))
    x = Tensor(_A, requires_grad=True)
    with pytest.raises(RuntimeError, match=f"{name.split('_')[0]}_: an in-place change"):
        edit(x, Tensor(o))
    np.testing.assert_array_equal(x.data, _A)  # refused: nothing changed
    with no_grad():
        edit(x, Tensor(o))
    assert x._version == 1 and x.requires_grad and x.is_leaf


def test_an_in_place_method_invalidates_a_graph_that_reads_the_tensor_as_in_torch(
        torch: Any) -> None:
    for lib, make in ((am, lambda: Tensor(_A, requires_grad=True)),
                      (torch, lambda: torch.tensor(_A, requires_grad=True))):
        x = make()
        y = x.sin().sum()  # sin's gradient reads x
        with lib.no_grad():
            x.mul_(2.0)
        with pytest.raises(RuntimeError, match=r"modified by an inplace|changed in place"):
            y.backward()
        z = x.cumsum(1).sum()  # cumsum's gradient reads nothing: an edit is harmless
        with lib.no_grad():
            x.zero_()
        z.backward()
        np.testing.assert_array_equal(np.asarray(x.grad), [[3.0, 2.0, 1.0]] * 2)


def test_in_place_methods_keep_the_shape_and_dtype(torch: Any) -> None:
    x = Tensor(np.ones(3, np.float32))
    x.add_(np.array([1.0, 2.0, 3.0]))
    assert x.dtype == np.float32
    with pytest.raises(RuntimeError):
        torch.ones(3).add_(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"add_: the operand of shape \(2, 3\) does not fit"):
        x.add_(np.ones((2, 3)))


def test_zero_fill_and_copy_on_a_tensor_that_needs_no_gradient() -> None:
    x = Tensor([1.0, 2.0])
    view = x.reshape(2, 1)
    x.zero_().add_(1.0).mul_(3.0)
    assert x.tolist() == [3.0, 3.0] and view.tolist() == [[1.0], [2.0]]  # a new array
    assert x.copy_([5.0, 6.0]).fill_(Tensor(7.0)).tolist() == [7.0, 7.0]


def test_max_and_min_methods_with_a_tensor_are_elementwise_as_torchs(torch: Any) -> None:
    x, y = Tensor(_A), Tensor(_A[::-1].copy())
    t, u = torch.tensor(_A), torch.tensor(_A[::-1].copy())
    _close(x.max(y), t.max(u), "max")
    _close(x.min(y), t.min(u), "min")
