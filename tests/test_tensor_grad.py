"""``t.grad = g`` refuses a gradient of another dtype or shape, as PyTorch does (issue 18
item 3: a float64 gradient of a float32 parameter turned the parameter float64 at the
next optimizer step), and anything but a Tensor or None (issue 13: ``.grad`` is a Tensor),
while the backward pass's own writes pass unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, optim


def test_a_float64_gradient_of_a_float32_parameter_is_refused_naming_both_dtypes() -> None:
    p = nn.Parameter(np.ones(2, dtype=np.float32))
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(RuntimeError, match="dtype float64 to a tensor of dtype float32"):
        p.grad = am.tensor(np.ones(2))
    assert p.grad is None
    p.grad = am.tensor(np.ones(2, dtype=np.float32))
    opt.step()
    assert p.dtype == np.float32 and opt.state_dict() is not None
    assert p.tolist() == pytest.approx([0.9, 0.9])


@pytest.mark.parametrize("value, error, match", [
    (am.ones(3), RuntimeError, r"different size: .*shape \(3,\) to a tensor of shape \(2,\)"),
    (am.ones(1, 2), RuntimeError, r"shape \(1, 2\) to a tensor of shape \(2,\)"),
    (am.ones(2, dtype=np.float32), RuntimeError,
     "different type: .*dtype float32 to a tensor of dtype float64"),
    (am.tensor([0, 1]), RuntimeError, "dtype int64 to a tensor of dtype float64"),
    (np.ones(2), TypeError, "expected to be a Tensor or None but got grad of type numpy.ndarray"),
    ([1.0, 1.0], TypeError, "expected to be a Tensor or None but got grad of type list"),
    (1.0, TypeError, "got grad of type float"),
    (np.float64(1.0), TypeError, "got grad of type float64"),
])
def test_a_wrong_gradient_is_refused_when_assigned(value: Any, error: type, match: str) -> None:
    p = am.ones(2, requires_grad=True)
    p.grad = am.full((2,), 7.0)
    with pytest.raises(error, match=match):
        p.grad = value
    assert p.grad.tolist() == [7.0, 7.0]  # unchanged


def test_what_backward_stores_is_accepted() -> None:
    for dtype in (np.float32, np.float64):
        w = am.ones(2, dtype=dtype, requires_grad=True)
        s = am.Tensor(np.array(2.0, dtype), requires_grad=True)
        for _ in range(2):  # the second pass adds (a 0-d sum is a NumPy scalar)
            ((w * s).sum() * s).backward()
        assert w.grad.dtype == s.grad.dtype == dtype and s.grad.shape == ()
        w.grad = None
        (w * w).sum().backward()
        assert w.grad.dtype == dtype
    x = am.ones(2, requires_grad=True)
    with pytest.warns(UserWarning):
        (x * x).sum().backward(create_graph=True)
    assert isinstance(x.grad, am.Tensor) and x.grad.shape == (2,)
    x.grad = am.zeros(2)  # a Tensor of the right dtype and shape, as create_graph leaves
    s = am.Tensor(1.0, requires_grad=True)
    s.grad = am.tensor(1.0)  # a 0-d Tensor for a 0-d tensor


def test_torch_refuses_the_same(torch: Any) -> None:
    p = torch.nn.Parameter(torch.ones(2))
    with pytest.raises(RuntimeError, match="dtype"):
        p.grad = torch.ones(2, dtype=torch.float64)
    with pytest.raises(RuntimeError, match="size"):
        p.grad = torch.ones(3)
