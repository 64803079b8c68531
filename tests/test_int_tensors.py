"""Integer and bool tensors against PyTorch: the dtype and numbers of every binary op over
all pairs of dtypes and operand kinds, indexing with int and bool tensors (with gradients),
argmax, and the errors."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pytest
import torch

import autograd_mini as am
from autograd_mini import Tensor

DTYPES = ["bool", "int32", "int64", "float32", "float64"]
OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.floordiv,
       operator.mod]
OTHERS: list[Any] = ["tensor", "0-d", 2, 0.5, True]
DATA = {"bool": [True, False, True], "int32": [1, 2, 3], "int64": [2, 1, 3],
        "float32": [0.5, 1.5, 2.0], "float64": [1.25, 2.0, 0.75]}


def both(name: str, zero_d: bool = False) -> tuple[Tensor, torch.Tensor]:
    data = DATA[name][0] if zero_d else DATA[name]
    return am.tensor(data, dtype=getattr(am, name)), torch.tensor(data, dtype=getattr(torch, name))


def outcome(f: Any) -> Any:
    try:
        return f()
    except Exception as exc:
        return type(exc)


# (left dtype, right dtype, the right operand's kind): a Python number as the right operand
# has no dtype of its own, so it is paired with the left dtypes only
CASES = [pytest.param(left, right, kind, id=f"{left}-{right if isinstance(kind, str) else ''}"
                                            f"{kind!r}")
         for left in DTYPES for kind in OTHERS
         for right in (DTYPES if isinstance(kind, str) else DTYPES[:1])]


@pytest.mark.parametrize("op", OPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("left", "right", "kind"), CASES)
def test_binary_ops_give_torchs_dtype_and_numbers(op: Any, left: str, right: str,
                                                   kind: Any) -> None:
    a, ta = both(left)
    if isinstance(kind, str):
        b, tb = both(right, zero_d=kind == "0-d")
    else:
        b = tb = kind
    for f in (lambda x, y: op(x, y), lambda x, y: op(y, x)):
        ours, theirs = outcome(lambda: f(a, b)), outcome(lambda: f(ta, tb))  # noqa: B023
        if isinstance(theirs, type):
            assert (isinstance(ours, type) and issubclass(ours, (RuntimeError, ValueError))) \
                or ours is theirs, (ours, theirs)
            continue
        assert not isinstance(ours, type), (ours, theirs)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") or (
            theirs.dtype == torch.float32 and ours.dtype == np.float64
            and not (ta.dtype == torch.float32 or getattr(tb, "dtype", None) == torch.float32))
        np.testing.assert_allclose(ours.data.astype(np.float64),
                                   theirs.double().numpy(), rtol=1e-6)


def test_comparisons_give_bool_tensors_and_masks_index_with_gradients() -> None:
    x = Tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]], requires_grad=True)
    tx = torch.tensor(x.data, requires_grad=True)
    for op in (operator.gt, operator.le, operator.eq, operator.ne):
        assert (op(x, 1.0)).dtype == am.bool and op(x, 1.0).tolist() == op(tx, 1.0).tolist()
    rows, cols = am.tensor([0, 1, 1]), am.tensor([2, 0, 2], dtype=am.int32)
    out = (x[x > 0] * 2).sum() + x[rows, cols].sum() + x[am.tensor([1, 1])].sum()
    tout = (tx[tx > 0] * 2).sum() + tx[torch.tensor([0, 1, 1]), torch.tensor([2, 0, 2])].sum() \
        + tx[torch.tensor([1, 1])].sum()
    out.backward()
    tout.backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    assert ((x > 0).sum().item(), (x > 0).sum().dtype) == (3, am.int64)
    assert bool((x > -10).all()) and not (x > 10).any().item()


def test_argmax_and_indices_are_int64_tensors() -> None:
    x = Tensor([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]])
    tx = torch.tensor(x.data)
    assert x.argmax(1).dtype == am.int64 and x.argmax(1).tolist() == tx.argmax(1).tolist()
    assert x.argmin().item() == tx.argmin().item()
    assert x.max(0).indices.tolist() == tx.max(0).indices.tolist()
    assert x.min(1).indices.dtype == am.int64


def test_factories_infer_dtypes_as_torch() -> None:
    for data in ([1, 2], [True, False], [1.5], [True, 2], [], np.array([1], np.int32),
                 np.array([1.0], np.float32)):
        expected = str(torch.tensor(data).dtype).replace("torch.", "")
        got = str(am.tensor(data).dtype)
        assert got == expected or (expected, got) == ("float32", "float64")
    assert am.arange(3).dtype == am.int64 and am.arange(0, 1, 0.5).dtype == am.float64
    assert am.full((2,), 3).dtype == am.int64 and am.full((2,), True).dtype == am.bool
    assert am.zeros(2, dtype=am.long).tolist() == [0, 0]
    assert am.tensor([1], dtype=int).dtype == am.int64
    assert am.tensor([2]).item() == 2 and type(am.tensor([2]).item()) is int
    assert type(am.tensor([True]).item()) is bool
    ints = np.array([1, 2])
    assert am.as_tensor(ints).data is ints


def test_errors_have_torchs_classes() -> None:
    i, b = am.tensor([1, 2]), am.tensor([True, False])
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        am.tensor([1], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"int64.*t\.float\(\)"):
        i.requires_grad_()
    with pytest.raises(RuntimeError, match="mean"):
        i.mean()
    with pytest.raises(RuntimeError, match="bool tensor"):
        _ = b - b
    with pytest.raises(RuntimeError, match="Negation"):
        _ = -b
    with pytest.raises(IndexError, match="tensors used as indices must be long"):
        i[Tensor([0.0])]
    with pytest.raises(TypeError, match="dtype int8 is not supported"):
        am.zeros(2, dtype=np.int8)
    with pytest.raises(TypeError, match="invert"):
        ~Tensor([1.0])
    assert (~b).tolist() == [False, True] and (b & True).tolist() == [True, False]
    assert (i | 4).tolist() == [5, 6] and (b ^ i).tolist() == (torch.tensor([True, False])
                                                              ^ torch.tensor([1, 2])).tolist()
    f = Tensor([1.0, 2.0], requires_grad=True)
    assert f.long().requires_grad is False and f.long().dtype == am.int64


def test_item_assignment_without_grad_counts_as_an_edit() -> None:
    g = Tensor([1.0, -2.0, 3.0])
    g[g < 0] = 0
    g[am.tensor([0])] = 5.0
    assert g.tolist() == [5.0, 0.0, 3.0] and g._version == 2
