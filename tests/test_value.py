"""Value: construction, every operator and function, IEEE edges, backward semantics."""

from __future__ import annotations

import math
import re
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value, grad, no_grad
from autograd_mini.scalar import RULES

from .strategies import SCALAR_OPS, central_difference


# ------------------------------------------------------------------ construction
@pytest.mark.parametrize("data", [3, 3.0, True, np.float32(3.0), np.int64(3), Fraction(3, 1)])
def test_value_accepts_real_numbers_as_float(data: object) -> None:
    v = Value(data)  # type: ignore[arg-type]
    assert type(v.data) is float
    assert v.data == float(data)  # type: ignore[arg-type]
    assert v.grad == 0.0
    assert v.label == ""


@pytest.mark.parametrize(
    "bad, type_name",
    [("abc", "str"), (None, "NoneType"), ([1, 2], "list"), (1 + 2j, "complex"),
     (np.array([1.0, 2.0]), "numpy array")],
)
def test_value_rejects_non_numbers_naming_the_type(bad: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=f"Value: expected a real number.*{type_name}"):
        Value(bad)  # type: ignore[arg-type]


def test_value_label_must_be_text() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=5)  # type: ignore[arg-type]


def test_repr_is_readable() -> None:
    assert repr(Value(-10.0, label="z")) == "Value(data=-10.0, grad=0.0, label='z')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"


# ------------------------------------------------------------------ operators with numbers
@pytest.mark.parametrize(
    "expr, expected, dv",
    [
        (lambda v: v + 2, 5.0, 1.0), (lambda v: 2 + v, 5.0, 1.0),
        (lambda v: v - 2, 1.0, 1.0), (lambda v: 1 - v, -2.0, -1.0),
        (lambda v: v * 2, 6.0, 2.0), (lambda v: 2 * v, 6.0, 2.0),
        (lambda v: v / 2, 1.5, 0.5), (lambda v: 1 / v, 1 / 3, -1 / 9),
        (lambda v: v**2, 9.0, 6.0), (lambda v: 2**v, 8.0, 8 * math.log(2)),
        (lambda v: -v, -3.0, -1.0),
    ],
)
def test_operators_with_plain_numbers_on_either_side(expr, expected, dv) -> None:  # type: ignore[no-untyped-def]
    v = Value(3.0)
    out = expr(v)
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected, rel=1e-15)
    out.backward()
    assert v.grad == pytest.approx(dv, rel=1e-15)


def test_value_exponent() -> None:
    a, b = Value(2.0), Value(3.0)
    out = a**b
    out.backward()
    assert out.data == 8.0
    assert a.grad == 12.0  # b * a**(b-1)
    assert b.grad == pytest.approx(8 * math.log(2), rel=1e-15)  # a**b * ln a


def test_numpy_scalar_on_the_left_defers_to_value() -> None:
    # micrograd's demo multiplies NumPy ints by Values: the result must be a Value.
    out = np.int64(-1) * Value(2.0)
    assert isinstance(out, Value) and out.data == -2.0
    assert isinstance(np.float64(0.5) + Value(1.0), Value)


@pytest.mark.parametrize("other", ["abc", None, [1], (1,), 1j])
def test_operator_with_non_number_names_op_and_type(other: object) -> None:
    message = rf"Value \+ {type(other).__name__}: expected a Value or a real number"
    with pytest.raises(TypeError, match=message):
        Value(1.0) + other  # type: ignore[operator]
    with pytest.raises(TypeError, match="expected a Value or a real number"):
        other + Value(1.0)  # type: ignore[operator]


def test_operator_with_numpy_array_says_to_use_tensor() -> None:
    with pytest.raises(TypeError, match="use Tensor for arrays"):
        Value(1.0) * np.ones(3)


# ------------------------------------------------------------------ IEEE / PyTorch edges
@pytest.mark.parametrize(
    "expr, expected",
    [
        (lambda: Value(1000).exp(), math.inf), (lambda: Value(-1000).exp(), 0.0),
        (lambda: Value(1000).tanh(), 1.0), (lambda: Value(-1000).tanh(), -1.0),
        (lambda: Value(-1000).sigmoid(), 0.0), (lambda: Value(1000).sigmoid(), 1.0),
        (lambda: Value(0).log(), -math.inf), (lambda: Value(-1).log(), math.nan),
        (lambda: 1 / Value(0.0), math.inf), (lambda: 1 / Value(-0.0), -math.inf),
        (lambda: Value(0.0) / Value(0.0), math.nan), (lambda: Value(-2.0) / 0, -math.inf),
        (lambda: Value(0.0) ** -1, math.inf), (lambda: Value(-8.0) ** (1 / 3), math.nan),
        (lambda: Value(10.0) ** 400, math.inf), (lambda: Value(-1.0) ** Value(0.5), math.nan),
        (lambda: 0.0 ** Value(-2.0), math.inf), (lambda: Value(math.nan).relu(), math.nan),
    ],
)
def test_ieee_results_instead_of_python_exceptions(expr, expected) -> None:  # type: ignore[no-untyped-def]
    out = expr()
    if math.isnan(expected):
        assert math.isnan(out.data)
    else:
        assert out.data == expected
    out.backward()  # the backward pass must not raise either


def test_gradients_at_the_edges() -> None:
    x = Value(0.0)
    x.log().backward()
    assert x.grad == math.inf  # d/dx log x = 1/x at 0
    x = Value(-1000.0)
    x.sigmoid().backward()
    assert x.grad == 0.0
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0  # PyTorch's choice at the kink
    x = Value(0.0)
    (x**2).backward()
    assert x.grad == 0.0


# ------------------------------------------------------------------ backward semantics
def test_reused_nodes_sum_their_gradients() -> None:
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_gradients_accumulate_across_backward_calls_like_pytorch() -> None:
    a = Value(2.0)
    y = a * 3
    y.backward()
    y.backward()
    assert a.grad == 6.0
    assert y.grad == 2.0  # every Value retains its gradient, and it accumulates too
    a.grad = 0.0
    (a * 3).backward()
    assert a.grad == 3.0


def test_second_backward_through_same_graph_gives_correct_accumulation() -> None:
    # A second pass must not reuse intermediate .grad values as its upstream gradient.
    x = Value(2.0)
    h = x * x
    z = h * 3.0
    z.backward()
    z.backward()
    assert x.grad == 2 * (3.0 * 2 * 2.0)


def test_backward_with_gradient_scales_everything() -> None:
    x = Value(2.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 2.0


def test_million_op_chain_backpropagates_under_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_no_grad_records_nothing() -> None:
    a = Value(2.0)
    with no_grad():
        b = a * a
    assert b.is_leaf
    b.backward()
    assert a.grad == 0.0


def test_detach_and_item() -> None:
    a = Value(2.0, label="a")
    d = (a * 3).detach()
    assert d.is_leaf and d.data == 6.0
    assert a.item() == 2.0 and float(a) == 2.0


def test_grad_function_leaves_dot_grad_alone_and_does_higher_order() -> None:
    x = Value(2.0)
    y = x**3
    (d1,) = grad(y, x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x)
    assert (d1.data, d2.data, d3.data) == (12.0, 12.0, 6.0)
    assert x.grad == 0.0


def test_grad_of_unused_input_is_an_error_unless_allowed() -> None:
    x, unused = Value(1.0), Value(2.0, label="u")
    with pytest.raises(ValueError, match=r"input 1 .*'u'.* not used"):
        grad(x * 2, [x, unused])
    assert grad(x * 2, [x, unused], allow_unused=True)[1] is None


def test_every_rule_is_exercised_by_the_property_tests() -> None:
    names = {"add", "sub", "rsub", "mul", "div", "rdiv", "neg", "pow", "rpow", "exp", "log",
             "tanh", "sigmoid", "relu", "dot", "dot_relu", "hinge_loss"}
    assert set(RULES) == names


# ------------------------------------------------------------------ properties
@pytest.mark.parametrize("op", SCALAR_OPS, ids=lambda op: op.name)
def test_gradient_matches_central_differences_and_closed_form(op) -> None:  # type: ignore[no-untyped-def]
    @given(st.tuples(*op.domains))
    def check(xs: tuple[float, ...]) -> None:
        values = [Value(x) for x in xs]
        out = op.fn(*values)
        assert out.data == pytest.approx(op.fn(*xs), rel=1e-12, abs=1e-300)
        out.backward()
        closed = op.derivative(*xs)
        for i, v in enumerate(values):
            numeric = central_difference(op.fn, list(xs), i)
            assert v.grad == pytest.approx(closed[i], rel=1e-9, abs=1e-12)
            assert v.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6)

    check()


@pytest.mark.parametrize("make, who", [
    (lambda: Value(10**400), "Value"),
    (lambda: Value(1.0) + 10**400, "Value + int"),
    (lambda: -(10**400) * Value(1.0), "Value * int"),
    (lambda: Value(1.0).backward(gradient=10**400), "Value.backward: gradient for a Value"),
])
def test_an_int_too_large_for_float64_is_named_in_an_overflow_error(make, who) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OverflowError, match=rf"^{re.escape(who)}: the number .* \(an integer of "
                                            r"401 digits\) is too large for float64"):
        make()
