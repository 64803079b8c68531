"""Type promotion against PyTorch: every binary op, where, maximum/minimum and stack over
float32/float64 operands, each 0-d or with dimensions, in both orders. The result dtype,
its numbers and each operand's gradient dtype agree with torch; a 0-d tensor promotes
like a number (it cannot widen a tensor with dimensions), as in PyTorch.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor

pytestmark = pytest.mark.torch

DTYPES = ["float32", "float64"]
SHAPES = [(), (3,)]

# name: (autograd_mini op, torch op); x, y are the operands, m a boolean mask of shape (3,)
OPS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "add": (lambda x, y, m: x + y, lambda x, y, m, t: x + y),
    "sub": (lambda x, y, m: x - y, lambda x, y, m, t: x - y),
    "mul": (lambda x, y, m: x * y, lambda x, y, m, t: x * y),
    "div": (lambda x, y, m: x / y, lambda x, y, m, t: x / y),
    "pow": (lambda x, y, m: x ** y, lambda x, y, m, t: x ** y),
    "maximum": (lambda x, y, m: am.maximum(x, y), lambda x, y, m, t: t.maximum(x, y)),
    "minimum": (lambda x, y, m: am.minimum(x, y), lambda x, y, m, t: t.minimum(x, y)),
    "where": (lambda x, y, m: am.where(m, x, y),
              lambda x, y, m, t: t.where(t.from_numpy(m), x, y)),
}

CASES = list(itertools.product(OPS, DTYPES, DTYPES, SHAPES, SHAPES))


def _data(shape: tuple[int, ...], dtype: str, seed: int) -> np.ndarray[Any, Any]:
    return np.random.default_rng(seed).uniform(0.5, 2.0, shape).astype(dtype)


@pytest.mark.parametrize("op, da, db, sa, sb", CASES,
                         ids=[f"{o}-{a}{list(s)}-{b}{list(t)}" for o, a, b, s, t in CASES])
def test_promotion_matches_torch(op: str, da: str, db: str, sa: tuple[int, ...],
                                 sb: tuple[int, ...], torch: Any) -> None:
    mine, theirs = OPS[op]
    xa, xb = _data(sa, da, 1), _data(sb, db, 2)
    mask = np.array([True, False, True])
    a, b = Tensor(xa, requires_grad=True), Tensor(xb, requires_grad=True)
    out = mine(a, b, mask)
    ta = torch.tensor(xa, requires_grad=True)
    tb = torch.tensor(xb, requires_grad=True)
    tout = theirs(ta, tb, mask, torch)
    assert out.dtype == np.dtype(str(tout.dtype).removeprefix("torch."))
    tol = 1e-6 if out.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=tol)
    out.sum().backward()
    tout.sum().backward()
    for mine_leaf, torch_leaf in ((a, ta), (b, tb)):
        assert mine_leaf.grad.dtype == mine_leaf.dtype  # each gradient in its leaf's dtype
        assert str(torch_leaf.grad.dtype) == f"torch.{mine_leaf.dtype}"
        np.testing.assert_allclose(mine_leaf.grad, torch_leaf.grad.numpy(), rtol=tol)


@pytest.mark.parametrize("da, db", list(itertools.product(DTYPES, DTYPES)))
def test_stack_of_0d_tensors_promotes_as_usual(da: str, db: str, torch: Any) -> None:
    out = am.stack([Tensor(np.array(1.5, da)), Tensor(np.array(2.5, db))])
    tout = torch.stack([torch.tensor(np.array(1.5, da)), torch.tensor(np.array(2.5, db))])
    assert str(tout.dtype) == f"torch.{out.dtype}"


def test_issue_18_example() -> None:
    assert (am.ones(2, dtype=np.float32) * Tensor(2.5)).dtype == np.float32
    assert (Tensor(2.5) * am.ones(2, dtype=np.float32)).dtype == np.float32
    # a 0-d NumPy array is a 0-d operand too; a float64 array with dimensions still widens
    assert (am.ones(2, dtype=np.float32) + np.array(2.5)).dtype == np.float32
    assert (am.ones(2, dtype=np.float32) + np.ones(2)).dtype == np.float64


def test_cat_refuses_a_0d_tensor_at_any_position_as_torch(torch: Any) -> None:
    with pytest.raises(RuntimeError, match=r"zero-dimensional tensor \(at position 1\)"):
        torch.cat([torch.ones(2), torch.tensor(2.5, dtype=torch.float64)])
    with pytest.raises(ValueError, match="cat: the tensor at position 1 is zero-dimensional"):
        am.cat([am.ones(2, dtype=np.float32), Tensor(2.5)])
