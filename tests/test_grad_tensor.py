"""``.grad`` is a Tensor, as in PyTorch (issue 13): each point checked against torch 2.13.

Every test runs the same lines under both libraries (``lib`` is ``autograd_mini`` or
``torch``) in float64 and compares what a learner sees: the numbers, to the last bit where
the arithmetic is the same, and the identities (``g is x.grad``) PyTorch's AccumulateGrad
gives. The expected values are torch's, never our own output.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import Value, nn, optim

from .strategies import arrays, shapes

pytestmark = pytest.mark.torch


def both(torch: Any, run: Callable[[Any], Any]) -> tuple[Any, Any]:
    """``run(lib)`` under autograd_mini and under torch."""
    return run(am), run(torch)


def numbers(t: Any) -> Any:
    """A tensor's numbers as a NumPy array (either library's; None stays None)."""
    if t is None:
        return None
    return t.detach().numpy().copy() if hasattr(t, "detach") else np.asarray(t)


def same_bits(ours: Any, theirs: Any) -> None:
    a, b = numbers(ours), numbers(theirs)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    np.testing.assert_array_equal(a, b)


START = np.array([[0.5, -1.25, 2.0], [3.0, 0.125, -0.75]])


def leaf(lib: Any, data: Any = START) -> Any:
    return lib.tensor(np.array(data), dtype=lib.float64, requires_grad=True)


def loss_of(lib: Any, x: Any) -> Any:
    return (x * x * x).sum() + (x.exp() * 0.5).sum()


# ------------------------------------------------------------------ what backward leaves
def test_grad_is_a_tensor_of_the_dtype_and_shape_without_history(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        loss_of(lib, x).backward()
        g = x.grad
        return (g, type(g) is lib.Tensor, g.requires_grad, g.is_leaf, x.grad is g,
                tuple(g.shape), g.dtype == lib.float64)

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    assert ours[1:] == theirs[1:] == (True, False, True, True, (2, 3), True)


def test_the_grad_tensor_has_the_usual_tensor_methods(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        loss_of(lib, x).backward()
        g = x.grad
        return (g.data, g.numpy().copy(), np.asarray(g).copy(), g + 1, 2 * g, g[1, 2].item(),
                g.sum().item(), g.numel(), g.dim(), g.tolist())

    ours, theirs = both(torch, run)
    for a, b in zip(ours[:5], theirs[:5]):
        same_bits(a, b)
    assert ours[5:] == theirs[5:]
    assert type(ours[5]) is float


def test_the_grad_of_a_float32_tensor_is_float32(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor(START.astype(np.float32), requires_grad=True)
        (x * x).sum().backward()
        return x.grad

    ours, theirs = both(torch, run)
    assert ours.dtype == np.float32
    same_bits(ours, theirs)


def test_a_retained_non_leaf_grad_is_a_tensor_and_is_replaced_on_the_next_pass(
        torch: Any) -> None:
    """PyTorch's retain_grad adds out of place: the old Tensor keeps the first pass's numbers."""
    def run(lib: Any) -> Any:
        x = leaf(lib)
        y = x * 2.0
        y.retain_grad()
        (y * y).sum().backward(retain_graph=True)
        first = y.grad
        kept = numbers(first)
        (y * y).sum().backward()
        return first, kept, y.grad, first is y.grad, type(first) is lib.Tensor

    ours, theirs = both(torch, run)
    for i in range(3):
        same_bits(ours[i], theirs[i])
    assert ours[3:] == theirs[3:] == (False, True)


# ------------------------------------------------------------------ accumulation in place
def test_a_second_backward_adds_into_the_same_tensor(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        loss_of(lib, x).backward()
        g, version = x.grad, x.grad._version
        first = numbers(g)
        loss_of(lib, x).backward()
        return g, first, g is x.grad, x.grad._version - version

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])  # the old reference sees the sum
    same_bits(ours[1], theirs[1])
    assert ours[2:] == theirs[2:] == (True, 1)  # one in-place edit of the grad tensor


def test_the_array_of_the_grad_is_written_in_place_too() -> None:
    """``g.data`` taken before a second pass holds the sum (the storage is the same); the
    expected sum is computed here by hand: d/dx (x**2) = 2x, twice."""
    x = leaf(am)
    (x * x).sum().backward()
    array = x.grad.data
    (x * x).sum().backward()
    assert x.grad.data is array
    np.testing.assert_array_equal(array, 4 * START)


def test_a_graph_that_read_the_grad_refuses_backward_after_it_was_accumulated(
        torch: Any) -> None:
    """The in-place add counts as an edit: a graph that multiplied by the old grad refuses."""
    def run(lib: Any) -> str:
        x, w = leaf(lib), leaf(lib)
        (x * x).sum().backward()
        uses_grad = (w * x.grad).sum()  # MUL saves x.grad for w's gradient
        (x * x).sum().backward()
        try:
            uses_grad.backward()
        except RuntimeError:
            return "refused"
        return "ran"

    assert both(torch, run) == ("refused", "refused")


@given(st.data())
def test_accumulation_over_passes_matches_torch_bit_for_bit(data: Any) -> None:
    import torch

    shape = data.draw(shapes(min_dims=0, max_dims=3))
    start = data.draw(arrays(shape))
    passes = data.draw(st.integers(1, 4))
    scales = data.draw(st.lists(st.floats(-4.0, 4.0, allow_nan=False), min_size=passes,
                                max_size=passes))

    def run(lib: Any) -> Any:
        x = lib.tensor(start, dtype=lib.float64, requires_grad=True)
        refs = []
        for s in scales:  # each pass's gradient is 2·s·x, exactly in both libraries, so
            ((x * x) * s).sum().backward()  # the sums of the passes must agree to the bit
            refs.append(x.grad)
        return x.grad, all(r is refs[0] for r in refs)

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    assert ours[1] and theirs[1]


# ------------------------------------------------------------------ zero_() and zero_grad
def test_zero_in_a_training_loop_gives_torchs_numbers_bit_for_bit(torch: Any) -> None:
    """The textbook loop, w.grad.zero_() after each manual step, 50 steps in float64. The
    model is elementwise (w * x + b, a weight per point), so every gradient and weight is
    the same arithmetic in both libraries and must agree to the last bit; the loss, a sum
    whose order of additions may differ, to 1e-15."""
    rng = np.random.default_rng(13)
    xs, ys = rng.normal(size=20), rng.normal(size=20)

    def run(lib: Any) -> Any:
        X, y = lib.tensor(xs), lib.tensor(ys)
        w = lib.zeros(20, dtype=lib.float64, requires_grad=True)
        b = lib.zeros(20, dtype=lib.float64, requires_grad=True)
        losses, grads = [], []
        for _ in range(50):
            loss = ((w * X + b - y) ** 2).sum()
            loss.backward()
            losses.append(loss.item())
            grads.append(numbers(w.grad))
            with lib.no_grad():
                w -= 0.05 * w.grad
                b -= 0.05 * b.grad
            w.grad.zero_()
            b.grad.zero_()
        return w, b, losses, grads, numbers(w.grad)

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    same_bits(ours[1], theirs[1])
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-15)
    for a, b in zip(ours[3], theirs[3]):
        same_bits(a, b)
    same_bits(ours[4], theirs[4])
    assert not np.array_equal(numbers(ours[0]), np.zeros(20))  # it trained


def test_zero_grad_without_set_to_none_zeroes_the_same_tensor(torch: Any) -> None:
    def run(lib: Any) -> Any:
        model = lib.nn.Linear(3, 2).double()
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        model(lib.ones(4, 3, dtype=lib.float64)).sum().backward()
        g = model.weight.grad
        opt.zero_grad(set_to_none=False)
        after_opt = (model.weight.grad is g, numbers(g))
        model.weight.grad = None
        model.zero_grad(set_to_none=False)  # None stays None
        return after_opt, model.weight.grad, model.bias.grad is not None

    ours, theirs = both(torch, run)
    assert ours[0][0] is theirs[0][0] is True
    same_bits(ours[0][1], theirs[0][1])
    assert ours[1] is None and theirs[1] is None
    assert ours[2] is theirs[2] is True


def test_module_to_converts_the_grad_tensor_in_place(torch: Any) -> None:
    def run(lib: Any) -> Any:
        model = lib.nn.Linear(2, 1).double()
        model(lib.ones(1, 2, dtype=lib.float64)).sum().backward()
        g = model.weight.grad
        model.float()
        return model.weight.grad is g, model.weight.grad.dtype == lib.float32

    assert both(torch, run) == ((True, True), (True, True))


# ------------------------------------------------------------------ assigning .grad
def test_assigning_a_tensor_keeps_that_object_and_backward_adds_into_it(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        mine = lib.full((2, 3), 0.25, dtype=lib.float64)
        x.grad = mine
        kept = x.grad is mine
        loss_of(lib, x).backward()
        return mine, kept, x.grad is mine

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    assert ours[1:] == theirs[1:] == (True, True)


def test_assigning_none_forgets_the_gradient(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        loss_of(lib, x).backward()
        old = x.grad
        x.grad = None
        loss_of(lib, x).backward()
        return old, x.grad, old is x.grad

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    same_bits(ours[1], theirs[1])
    assert ours[2] is theirs[2] is False


@pytest.mark.parametrize("make, error", [
    (lambda lib: lib.ones(3, dtype=lib.float64), RuntimeError),  # another size
    (lambda lib: lib.ones(2, 3, dtype=lib.float32), RuntimeError),  # another dtype
    (lambda lib: np.ones((2, 3)), TypeError),  # not a Tensor
    (lambda lib: [[1.0] * 3] * 2, TypeError),
    (lambda lib: 1.0, TypeError),
])
def test_a_wrong_assignment_is_refused_with_torchs_error_class(
        torch: Any, make: Callable[[Any], Any], error: type) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        with pytest.raises(error) as info:
            x.grad = make(lib)
        assert x.grad is None
        return str(info.value)

    ours, theirs = both(torch, run)
    if error is TypeError:
        assert "assigned grad expected to be a Tensor or None but got grad of type" in theirs
        assert theirs.split(" (")[0] in ours  # PyTorch's words, then what to do
        assert "autograd_mini.tensor(" in ours
    else:
        assert ("size" in theirs) == ("different size" in ours)
        assert ("dtype" in theirs) == ("different type" in ours)


# ------------------------------------------------------------------ updating parameters
UPDATES: dict[str, Callable[[Any, Any], None]] = {}


def update(name: str) -> Callable[[Callable[[Any, Any], None]], Callable[[Any, Any], None]]:
    def register(fn: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        UPDATES[name] = fn
        return fn
    return register


@update("p.data -= lr * p.grad")
def _data_minus_grad(lib: Any, p: Any) -> None:
    p.data -= 0.1 * p.grad


@update("p.data -= lr * p.grad.data")
def _data_minus_grad_data(lib: Any, p: Any) -> None:
    p.data -= 0.1 * p.grad.data


@update("p.data += -lr * p.grad")
def _data_plus_minus_grad(lib: Any, p: Any) -> None:
    p.data += -0.1 * p.grad


@update("no_grad: p -= lr * p.grad")
def _no_grad_minus(lib: Any, p: Any) -> None:
    with lib.no_grad():
        p -= 0.1 * p.grad


@update("d = p.data; d -= lr * p.grad")
def _alias_minus(lib: Any, p: Any) -> None:
    d = p.data
    d -= 0.1 * p.grad


@update("p.grad.data += p.grad (then a step)")
def _grad_data_plus(lib: Any, p: Any) -> None:
    p.grad.data += p.grad.data  # doubles the gradient in place
    p.data -= 0.1 * p.grad


@pytest.mark.parametrize("name", list(UPDATES))
def test_the_update_idioms_step_as_in_torch(torch: Any, name: str) -> None:
    def run(lib: Any) -> Any:
        p = leaf(lib)
        for _ in range(3):
            loss_of(lib, p).backward()
            UPDATES[name](lib, p)
            p.grad = None
        return p

    ours, theirs = both(torch, run)
    assert type(ours.data) is np.ndarray
    same_bits(ours, theirs)


@pytest.mark.parametrize("name, settings", [
    ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("Adam", {"lr": 0.1}), ("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.1}),
])
def test_optimizers_step_on_a_user_assigned_grad_tensor(
        torch: Any, name: str, settings: dict[str, Any]) -> None:
    rng = np.random.default_rng(5)
    grads = [rng.normal(size=START.shape) for _ in range(3)]

    def run(lib: Any) -> Any:
        p = leaf(lib)
        opt = getattr(lib.optim, name)([p], **settings)
        for g in grads:
            p.grad = lib.tensor(g, dtype=lib.float64)
            opt.step()
        return p

    ours, theirs = both(torch, run)
    np.testing.assert_allclose(numbers(ours), numbers(theirs), rtol=1e-14, atol=1e-15)
    if name == "SGD" and "momentum" not in settings:
        same_bits(ours, theirs)


# ------------------------------------------------------------------ create_graph
def test_create_graph_leaves_a_grad_with_history_that_a_plain_pass_adds_into(
        torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x * x * x).sum().backward(create_graph=True)
        g = x.grad
        history = g.requires_grad
        (x * x).sum().backward()  # plain: into the same tensor
        kept = g is x.grad
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x * x).sum().backward(create_graph=True)  # recorded: a new tensor, old + new
        h = x.grad
        return g, history, kept, h is g, h.requires_grad

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    assert ours[1:] == theirs[1:] == (True, True, False, True)


def test_create_graph_grad_differentiates_again(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss_of(lib, x).backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g, x.grad

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    np.testing.assert_allclose(numbers(ours[1]), numbers(theirs[1]), rtol=1e-15)


def test_grad_returns_tensors_and_leaves_grad_alone(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x = leaf(lib)
        (g,) = lib.autograd.grad(loss_of(lib, x), [x])
        return g, type(g) is lib.Tensor, x.grad

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    assert ours[1] and theirs[1] and ours[2] is None and theirs[2] is None


def test_autograd_backward_with_inputs_adds_into_the_same_tensor(torch: Any) -> None:
    def run(lib: Any) -> Any:
        x, y = leaf(lib), leaf(lib)
        lib.autograd.backward([(x * y).sum()], inputs=[x])
        g = x.grad
        lib.autograd.backward([(x * x * y).sum()], inputs=[x])
        return g, g is x.grad, y.grad

    ours, theirs = both(torch, run)
    same_bits(ours[0], theirs[0])
    assert ours[1] is theirs[1] is True and ours[2] is None and theirs[2] is None


# ------------------------------------------------------------------ NumPy and the grad
def test_numpy_functions_read_a_grad_and_refuse_a_tensor_with_history() -> None:
    x = leaf(am)
    (x * x).sum().backward()
    np.testing.assert_array_equal(np.isfinite(x.grad), np.ones((2, 3), bool))
    np.testing.assert_array_equal(np.abs(x.grad), np.abs(2 * START))
    np.testing.assert_allclose(x.grad, 2 * START)  # converts through __array__
    with pytest.raises(TypeError, match=r"np\.exp: this Tensor requires grad"):
        np.exp(x)
    r = np.ones((2, 3)) - x.grad  # an array on the left: the Tensor's reflected operator
    assert type(r) is am.Tensor and r.tolist() == (1 - 2 * START).tolist()


def test_a_value_keeps_a_float_grad() -> None:
    v = Value(3.0)
    (v * v).backward()
    (v * v).backward()
    assert type(v.grad) is float and v.grad == 12.0  # 2 · 3, twice
    opt = optim.SGD([v], lr=0.5)
    opt.step()
    assert v.data == 3.0 - 6.0
    opt.zero_grad(set_to_none=False)
    assert v.grad == 0.0


def test_a_parameter_grad_is_a_plain_tensor() -> None:
    p = nn.Parameter(np.ones(2))
    (p * p).sum().backward()
    assert type(p.grad) is am.Tensor and not p.grad.requires_grad
