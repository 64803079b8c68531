"""gradcheck: passes correct rules, and names the worst element of a wrong one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd_mini import GradcheckError, Tensor, gradcheck
from autograd_mini.engine import UNARY, Rule
from autograd_mini.nn import functional as F
from autograd_mini.tensors.nodes import _make

# sin with a deliberately wrong derivative at one element: what a buggy rule looks like
BROKEN_SIN = Rule("broken_sin", UNARY, lambda a, _: np.sin(a),
                  (lambda g, a, _, out: g * np.cos(a) * np.where(np.arange(a.size).reshape(
                      a.shape) == 4, 1.5, 1.0),))


def broken_sin(x: Tensor) -> Tensor:
    return _make(np.sin(x.data), BROKEN_SIN, x, None, x.requires_grad)


def _inputs(*shapes: tuple[int, ...]) -> tuple[Tensor, ...]:
    rng = np.random.default_rng(0)
    return tuple(Tensor(rng.standard_normal(s), requires_grad=True) for s in shapes)


@pytest.mark.parametrize("fn, shapes", [
    (lambda a, b: (a @ b).tanh(), ((3, 4), (4, 2))),
    (lambda a, b: (a * b + a / (b * b + 1)).sum(1), ((2, 3), (3,))),
    (lambda a: a.softmax(0), ((4, 2),)),
    (lambda a: F.cross_entropy(a, [0, 2, 1]), ((3, 3),)),
    (lambda a, b: (a.exp(), (a - b).abs().sum()), ((2, 2), (2, 2))),
    (lambda a: a[[0, 0, 1]].var(0), ((3, 2),)),
])
def test_correct_rules_pass(fn: Any, shapes: Any) -> None:
    assert gradcheck(fn, _inputs(*shapes))


def test_a_wrong_rule_is_reported_at_its_worst_element() -> None:
    (x,) = _inputs((2, 3))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: broken_sin(t) * 2, x)
    message = str(info.value)
    assert "output 0 with respect to input 0" in message
    assert "output element (1, 1) and input element (1, 1)" in message  # flat index 4
    expected = 2 * np.cos(x.data[1, 1])
    assert f"analytic {float(1.5 * expected)!r}" in message
    assert "1 of 36 elements differ" in message


def test_raise_exception_false_returns_false() -> None:
    assert gradcheck(lambda t: broken_sin(t), _inputs((5,)), raise_exception=False) is False


def test_only_inputs_that_require_grad_are_checked() -> None:
    x, w = Tensor(np.ones((2, 3))), _inputs((3,))[0]
    assert gradcheck(lambda a, b: (a * b).sum(), (x, w))
    with pytest.raises(ValueError, match="no input is a Tensor that requires grad"):
        gradcheck(lambda a: a * 2, Tensor([1.0]))


def test_float32_inputs_are_warned_about() -> None:
    x = Tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    with pytest.warns(UserWarning, match="not float64"):
        assert gradcheck(lambda t: t * 3, x, eps=1e-2, atol=1e-2, rtol=1e-2)


def test_outputs_must_be_tensors() -> None:
    with pytest.raises(TypeError, match="fn must return Tensors, got float"):
        gradcheck(lambda t: 1.0, _inputs((2,)))


def test_inputs_are_restored_after_checking() -> None:
    (x,) = _inputs((2, 2))
    before = x.data.copy()
    gradcheck(lambda t: t * t, x)
    np.testing.assert_array_equal(x.data, before)
    assert x.grad is None
