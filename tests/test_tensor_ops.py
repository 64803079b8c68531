"""Every Tensor op: gradients against central differences, over Hypothesis-drawn shapes.

Shapes include 0-d tensors, size-1 axes and broadcast pairs; values stay away from
kinks and ties (see ``strategies.TENSOR_OPS``). The loss is ``(op(x) * w).sum()``
with random weights ``w``, so every output element counts with its own weight.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import Tensor, no_grad

from .strategies import TENSOR_OPS, TensorOp, arrays, numerical_gradient


class _Namespace:
    """What the op table calls on autograd_mini: the functions and nn.functional."""

    maximum = staticmethod(am.maximum)
    minimum = staticmethod(am.minimum)
    where = staticmethod(am.where)
    cat = staticmethod(am.cat)
    stack = staticmethod(am.stack)
    F = am.nn.functional

    @staticmethod
    def index(x: Tensor, index: Any) -> Tensor:
        return x[index]

    @staticmethod
    def array(values: Any) -> Any:
        return values  # a NumPy array, as a learner writes it

    @staticmethod
    def labels(target: Any) -> Any:
        return target

    @staticmethod
    def constant(values: Any) -> Any:
        return Tensor(values)


NS = _Namespace()


@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
@settings(max_examples=40)
@given(data=st.data())
def test_gradient_matches_central_differences(op: TensorOp, data: st.DataObject) -> None:
    inputs, p = data.draw(op.inputs)
    xs = [Tensor(a, requires_grad=True) for a in inputs]
    out = op.fn(NS, p, *xs)
    assert isinstance(out, Tensor) and out.dtype == np.float64
    w = data.draw(arrays(out.shape, -1.0, 1.0))
    (out * w).sum().backward()

    def loss(*values: Any) -> float:
        with no_grad():
            return float((op.fn(NS, p, *[Tensor(v) for v in values]) * w).sum().item())

    for i, x in enumerate(xs):
        analytic = np.zeros(x.shape) if x.grad is None else x.grad
        assert analytic.shape == x.shape and analytic.dtype == np.float64
        numeric = numerical_gradient(loss, [v.copy() for v in inputs], i)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{op.name}: gradient of input {i}")


@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
@settings(max_examples=15)
@given(data=st.data())
def test_float32_stays_float32(op: TensorOp, data: st.DataObject) -> None:
    """A float32 graph computes in float32 end to end: outputs and every gradient."""
    inputs, p = data.draw(op.inputs)
    xs = [Tensor(a, dtype=np.float32, requires_grad=True) for a in inputs]
    p = {k: v.astype(np.float32) if getattr(v, "dtype", None) == np.float64 else v
         for k, v in p.items()}  # float32 constants too (a float64 array would promote)
    out = op.fn(NS, p, *xs)
    assert out.dtype == np.float32, op.name
    out.sum().backward()
    for x in xs:
        assert x.grad is None or x.grad.dtype == np.float32, op.name
    # and the float32 numbers are the float64 ones, rounded
    ref = op.fn(NS, p, *[Tensor(a) for a in inputs])
    np.testing.assert_allclose(out.data, ref.data, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
@settings(max_examples=10)
@given(data=st.data())
def test_no_graph_without_requires_grad(op: TensorOp, data: st.DataObject) -> None:
    """Data in, data out: no history is recorded when nothing requires grad."""
    inputs, p = data.draw(op.inputs)
    out = op.fn(NS, p, *[Tensor(a) for a in inputs])
    assert out.is_leaf and not out.requires_grad
    with no_grad():
        out = op.fn(NS, p, *[Tensor(a, requires_grad=True) for a in inputs])
    assert out.is_leaf and not out.requires_grad
