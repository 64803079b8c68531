"""Floor division and remainders (``//``, ``%``, ``floor_divide``, ``remainder``, ``fmod``),
integer powers, integer overflow in ``tensor(...)``, and the drawings of integer and bool
tensors, against PyTorch 2.13.

The numbers are compared bit for bit (the sign of a zero included) on integers and on
floats with the awkward cases among them: zeros of both signs, infinities, nan, operands of
opposite signs, and quotients near a whole number.

One case is left out, on purpose: finite operands whose quotient a / b overflows (1 / 5e-324,
1e300 / 1e-300). There PyTorch 2.13's CPU kernels disagree with themselves: a tensor of one
element gets C's exact fmod (and remainder), a tensor of eight or more gets nan from the
vectorised kernel. autograd_mini always computes C's fmod (NumPy's), which is the one-element
answer."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini.viz import notebook

from .conftest import TORCH_REASON

torch = pytest.importorskip("torch", reason=TORCH_REASON)

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 7.5, -7.5, 1e-300, 1e300, float("inf"),
           -float("inf"), float("nan"), 0.1, 0.3, 2.0 / 3.0]
floats = st.one_of(st.sampled_from(SPECIAL),
                   st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
ints = st.integers(-50, 50)

OPS = {"floor_divide": (operator.floordiv, torch.floor_divide),
       "remainder": (operator.mod, torch.remainder),
       "fmod": (lambda a, b: a.fmod(b), torch.fmod)}


def _no_quotient_overflow(a: Any, b: Any) -> bool:
    """Whether no finite a / b overflows to inf (the case left out, see above)."""
    with np.errstate(all="ignore"):
        q = a / b
    return not np.any(np.isinf(q) & np.isfinite(a) & np.isfinite(b) & (b != 0))


def same_bits(ours: Any, theirs: Any) -> None:
    """Equal numbers, dtype and shape; floats also equal in their bits (-0.0 is not 0.0),
    with every nan taken as the same."""
    o = ours.detach().numpy() if hasattr(ours, "detach") else np.asarray(ours)
    t = theirs.detach().numpy()
    assert o.dtype == t.dtype and o.shape == t.shape, (o.dtype, t.dtype, o.shape, t.shape)
    if o.dtype.kind == "f":
        nan = np.isnan(o)
        assert np.array_equal(nan, np.isnan(t)), (o, t)
        assert np.array_equal(o[~nan].view(np.uint8), t[~nan].view(np.uint8)), (o, t)
    else:
        assert np.array_equal(o, t), (o, t)


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@given(st.lists(st.tuples(floats, floats), min_size=1, max_size=12))
def test_float_division_is_torchs_to_the_bit(name: str, dtype: str,
                                             pairs: list[tuple[float, float]]) -> None:
    with np.errstate(over="ignore"):  # 1e300 as float32 is inf, one more case
        a, b = (np.array(v, dtype=dtype) for v in zip(*pairs))
    assume(_no_quotient_overflow(a, b))
    ours_op, torch_op = OPS[name]
    same_bits(ours_op(am.tensor(a), am.tensor(b)),
              torch_op(torch.from_numpy(a), torch.from_numpy(b)))


def test_where_the_quotient_overflows_ours_is_torchs_one_element_answer() -> None:
    a, b = np.array([1.0, 1e300]), np.array([5e-324, 1e-300])
    for i in range(2):
        one = torch.fmod(torch.tensor(a[i:i + 1]), torch.tensor(b[i:i + 1]))
        same_bits(am.tensor(a[i:i + 1]).fmod(am.tensor(b[i:i + 1])), one)
    eight = torch.fmod(torch.tensor(np.repeat(a, 4)), torch.tensor(np.repeat(b, 4)))
    assert torch.isnan(eight).all()  # PyTorch's vectorised kernel: nan (if this changes, so
    # can the test above)


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("dtype", ["int64", "int32"])
@given(st.lists(st.tuples(ints, ints.filter(bool)), min_size=1, max_size=12))
def test_integer_division_is_torchs(name: str, dtype: str,
                                   pairs: list[tuple[int, int]]) -> None:
    a, b = (np.array(v, dtype=dtype) for v in zip(*pairs))
    ours_op, torch_op = OPS[name]
    same_bits(ours_op(am.tensor(a), am.tensor(b)),
              torch_op(torch.from_numpy(a), torch.from_numpy(b)))


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("number", [3, -2, 2.5, -0.5, True])
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64"])
def test_a_number_operand_on_either_side(name: str, number: Any, dtype: str) -> None:
    """(Under PyTorch's default dtype float64, ours: an int tensor with a float number is
    float64 in both.)"""
    data = np.array([7, -7, 4, -1, 5], dtype=dtype)
    ours_op, torch_op = OPS[name]
    ours, theirs = am.tensor(data), torch.from_numpy(data)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        same_bits(ours_op(ours, number), torch_op(theirs, number))
        if name != "fmod":  # 3 // t and 3 % t (torch.fmod takes no number first)
            sym = operator.floordiv if name == "floor_divide" else operator.mod
            same_bits(sym(number, ours), sym(number, theirs))
        if name == "remainder":
            same_bits(am.remainder(number, ours), torch.remainder(number, theirs))
    finally:
        torch.set_default_dtype(default)


def test_function_spellings_and_methods_are_the_operators() -> None:
    a, b = am.tensor([7.5, -3.0]), am.tensor([2.0, 2.0])
    for f, g in ((am.floor_divide, operator.floordiv), (am.remainder, operator.mod),
                 (am.fmod, lambda x, y: x.fmod(y))):
        assert np.array_equal(f(a, b).numpy(), g(a, b).numpy())
    assert np.array_equal(a.floor_divide(b).numpy(), (a // b).numpy())
    assert np.array_equal(a.remainder(b).numpy(), (a % b).numpy())
    with pytest.raises(TypeError, match=r"fmod\(\): argument 'input' must be a Tensor"):
        am.fmod(7.5, b)


@pytest.mark.parametrize("name", ["remainder", "fmod"])
@given(st.lists(st.tuples(floats, floats), min_size=1, max_size=8))
def test_remainder_gradients_are_torchs(name: str, pairs: list[tuple[float, float]]) -> None:
    """d/da = 1 and d/db = -floor(a / b) (remainder) or -trunc(a / b) (fmod), as PyTorch's
    derivatives.yaml: the quotient is a constant between its steps."""
    a, b = (np.array(v) for v in zip(*pairs))
    assume(_no_quotient_overflow(a, b))
    ours_op, torch_op = OPS[name]
    x, y = am.tensor(a, requires_grad=True), am.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ours_op(x, y).sum().backward()
    torch_op(tx, ty).sum().backward()
    same_bits(am.tensor(np.asarray(x.grad)), tx.grad)
    same_bits(am.tensor(np.asarray(y.grad)), ty.grad)


def test_remainder_broadcasts_its_gradient_back() -> None:
    a = np.array([[7.5, -2.0, 3.25], [1.0, 9.0, -8.5]])
    b = np.array([2.0, -3.0, 0.75])
    x, y = am.tensor(a, requires_grad=True), am.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ((x % y) * am.tensor(a)).sum().backward()
    ((tx % ty) * torch.tensor(a)).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), tx.grad.numpy())
    np.testing.assert_array_equal(np.asarray(y.grad), ty.grad.numpy())


def test_floor_divide_has_no_derivative_as_in_torch() -> None:
    x = am.tensor([7.5, -3.0], requires_grad=True)
    tx = torch.tensor([7.5, -3.0], requires_grad=True)
    q, tq = x // 2, tx // 2
    assert q.requires_grad and tq.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide"):
        tq.sum().backward()
    with pytest.raises(RuntimeError, match=r"derivative for floor_divide .* is not implemented"):
        q.sum().backward()
    (x.detach() // 2 * x).sum().backward()  # detached, the quotient is a constant
    assert np.asarray(x.grad).tolist() == [3.0, -2.0]


@pytest.mark.parametrize("code", [
    "m.tensor([1, 2]) // m.tensor([1, 0])", "m.tensor([1, 2]) % 0", "m.tensor([1]).fmod(0)",
    "m.tensor(5) // m.tensor([False])",
    "m.tensor([True]) // m.tensor([True])", "m.tensor([True]) % m.tensor([True])",
    "m.tensor([2]) ** -1", "m.tensor([True]) ** -2", "m.tensor([1, 2]) ** -3",
    "m.tensor([2**70])", "m.tensor(2**63)", "m.tensor([-2**63 - 1])",
    "m.tensor([[1, 2], [2**64, 1]])", "m.as_tensor([2**70])",
])
def test_errors_have_torchs_classes(code: str) -> None:
    def error(m: Any) -> Any:
        try:
            eval(code, {"m": m})
        except Exception as exc:
            return type(exc)
        return None

    assert error(torch) is not None and error(am) is error(torch)


def test_the_error_messages() -> None:
    with pytest.raises(RuntimeError, match=r"remainder: integer division by zero "
                                           r"\(ZeroDivisionError in PyTorch too\): the divisor "
                                           r"is 0 at position \(1,\)"):
        am.tensor([1, 2]) % am.tensor([1, 0])
    with pytest.raises(RuntimeError, match=r"^Integers to negative integer powers are not "
                                           r"allowed\. \(pow: a int64 tensor \*\* -1"):
        am.tensor([2]) ** -1
    with pytest.raises(ValueError, match="tensor: Overflow when unpacking long long: the "
                                         "integer 1180591620717411303424 does not fit int64"):
        am.tensor([2**70])


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-4, 4)), min_size=1, max_size=10))
def test_integer_powers_with_negative_exponent_tensors_are_torchs(
        pairs: list[tuple[int, int]]) -> None:
    """An exponent *tensor* may hold negative numbers: PyTorch gives 1 for 1 ** -n, +-1 for
    (-1) ** -n, and 0 for any other base (NumPy refuses); a negative number exponent is the
    RuntimeError above."""
    a, b = (np.array(v) for v in zip(*pairs))
    same_bits(am.tensor(a) ** am.tensor(b), torch.from_numpy(a) ** torch.from_numpy(b))
    same_bits(2 ** am.tensor(b), 2 ** torch.from_numpy(b))


def test_ints_beyond_int64_are_floats_only_when_asked() -> None:
    """tensor(ints) is int64, so an int beyond it is PyTorch's ValueError; as floats (a float
    in the data, dtype=float64, or Tensor(...)) they are numbers like any other."""
    for ours, theirs in ((am.tensor([1.0, 2**70]), torch.tensor([1.0, 2**70],
                                                               dtype=torch.float64)),
                         (am.tensor([2**70], dtype=am.float64),
                          torch.tensor([2**70], dtype=torch.float64)),
                         (am.tensor(-2**63), torch.tensor(-2**63))):
        same_bits(ours, theirs)
    assert am.Tensor([2**70]).tolist() == [float(2**70)]


# ------------------------------------------------------------------ drawings
INT_AND_BOOL = {
    "int64 matrix": lambda: am.tensor([[1, 2], [3, 4]]),
    "int32": lambda: am.tensor([5, -6], dtype=am.int32),
    "bool mask": lambda: am.tensor([[1, 2], [3, 4]]) > 2,
    "0-d int": lambda: am.tensor(3),
    "0-d bool": lambda: am.tensor(True),
    "empty int": lambda: am.tensor([], dtype=am.int64),
    "remainder of ints": lambda: am.tensor([7, -7]) % 3,
}


@pytest.mark.parametrize("name", list(INT_AND_BOOL))
def test_int_and_bool_tensors_are_shown_and_drawn(name: str) -> None:
    t = INT_AND_BOOL[name]()
    html = t._repr_html_()
    assert str(t.dtype) in html and html == notebook.tensor_html(t)
    assert "digraph" in am.draw(t).source
    if t.numel() == 1:
        assert str(am.explain(t, t)) == "dt1/dt1 = 1"
    else:
        with pytest.raises(ValueError, match="the chain rule with numbers needs scalars"):
            am.explain(t, t)


def test_graphs_through_masks_and_remainders_are_drawn_and_explained() -> None:
    x = am.Tensor([1.0, 2.0, 3.0], requires_grad=True, label="x")
    y = (x * (x > 1)).sum()
    assert "digraph" in am.draw(y).source and am.backprop_steps(y) is not None
    w = am.Tensor(3.5, requires_grad=True, label="w")
    # d((w % 2) * 2)/dw = 2 · 1: the remainder's local derivative is 1
    assert str(am.explain((w % 2) * am.tensor(2), w)).endswith("/dw = 2 · 1 = 2")
    q = w // 2  # no derivative: the edge is drawn without one, explain says why
    assert "//" in am.draw(q).source
    with pytest.raises(RuntimeError, match="derivative for floor_divide"):
        am.explain(q, w)


def test_requires_grad_on_an_integer_tensor_is_refused() -> None:
    """As PyTorch: requires_grad_(), requires_grad= and the assignment itself refuse an
    integer or bool tensor (RuntimeError), so no integer gradient is ever computed; the
    assignment also refuses a non-bool and a result (non-leaf), as torch's does."""
    for m in (torch, am):
        for make in (lambda m=m: m.tensor([1, 2], requires_grad=True),
                     lambda m=m: m.tensor([1, 2]).requires_grad_(),
                     lambda m=m: m.zeros(2, dtype=m.bool, requires_grad=True)):
            with pytest.raises(RuntimeError, match=r"(?i)only Tensors of floating point"):
                make()
        t = m.tensor([1, 2])
        with pytest.raises(RuntimeError, match=r"(?i)only Tensors of floating point"):
            t.requires_grad = True
        assert t.requires_grad is False
        with pytest.raises(RuntimeError, match="requires_grad must be a bool"):
            m.ones(2).requires_grad = 1
        y = m.ones(2, dtype=m.float64, requires_grad=True) * 2
        for value in (False, True):
            with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
                y.requires_grad = value
        leaf = m.ones(2, dtype=m.float64)
        leaf.requires_grad = True
        (leaf * 3).sum().backward()
        assert leaf.grad.tolist() == [3.0, 3.0]
        leaf.requires_grad = False
        assert leaf.requires_grad is False
