"""Fast paths, each run beside the plain rules on the same random inputs: the numbers must be
equal to the last bit (``np.array_equal``, not a tolerance)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd_mini import Tensor
from autograd_mini.nn import functional as F
from autograd_mini.tensors.fast_cross_entropy import CROSS_ENTROPY_FLAT, batch_picks
from autograd_mini.tensors.rules_losses import CROSS_ENTROPY


# ------------------------------------------------------------------ cross_entropy's flat picks
def _cross_entropy_loss_and_grad(x: np.ndarray[Any, Any], target: Any,
                                 **kwargs: Any) -> tuple[Any, Any, Any]:
    logits = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, target, **kwargs)
    loss.backward()
    return loss.data, logits.grad, loss._op


# the general path's ways to the same labels and the same loss: other kinds of labels, an
# ignore_index that no label equals, a weight of ones (which multiplies by exactly 1.0)
GENERAL_PATH = ["list", "int32", "whole_floats", "ignore_index", "weight_ones"]
SHAPES = [(1, 1), (1, 5), (7, 1), (9, 4), (64, 10), (200, 37)]


def _general_target(how: str, y: np.ndarray[Any, Any], c: int,
                    rng: np.random.Generator) -> tuple[np.ndarray[Any, Any], Any, dict[str, Any]]:
    """The labels (int64, for the fast path), and the same labels and arguments that make
    cross_entropy take its general path."""
    if how == "ignore_index":  # a class that no label has (the labels avoid it)
        free = int(rng.integers(0, c))
        y = np.where(y == free, (free + 1) % c, y)
        return y, y, {"ignore_index": free}
    if how == "weight_ones":
        return y, y, {"weight": np.ones(c)}
    other = {"list": y.tolist(), "int32": y.astype(np.int32),
             "whole_floats": Tensor(y.astype(float))}[how]
    return y, other, {}


@pytest.mark.parametrize("shape, general", [
    (s, g) for s in SHAPES for g in GENERAL_PATH if not (g == "ignore_index" and s[1] == 1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_flat_picks_equal_the_general_path(shape: tuple[int, int], general: str,
                                                         dtype: Any) -> None:
    n, c = shape
    rng = np.random.default_rng([n, c, GENERAL_PATH.index(general), np.dtype(dtype).itemsize])
    x = (rng.standard_normal(shape) * rng.choice([0.1, 3.0, 30.0])).astype(dtype)
    y, target, kwargs = _general_target(general, rng.integers(0, c, n), c, rng)
    assert batch_picks(x, y, -100) is not None
    fast = _cross_entropy_loss_and_grad(x, y)
    slow = _cross_entropy_loss_and_grad(x, target, **kwargs)
    assert fast[2] is CROSS_ENTROPY_FLAT and slow[2] is CROSS_ENTROPY  # both paths ran
    assert fast[0].dtype == slow[0].dtype == dtype and np.array_equal(fast[0], slow[0])
    assert fast[1].dtype == slow[1].dtype == dtype and np.array_equal(fast[1], slow[1])


@pytest.mark.parametrize("shape", [(3, 4), (16, 10)])
def test_cross_entropy_flat_picks_equal_the_general_path_in_a_recorded_backward(
        shape: tuple[int, int]) -> None:
    # create_graph: both record softmax(logits) - one_hot; the gradient of a function of the
    # gradient (a second derivative) is the same too
    from autograd_mini import grad

    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    y = rng.integers(0, shape[1], shape[0])
    results = []
    for target in (y, y.tolist()):
        logits = Tensor(x, requires_grad=True)
        (g,) = grad(F.cross_entropy(logits, target), [logits], create_graph=True)
        (gg,) = grad((g * g).sum(), [logits])
        results.append((g.data, gg.data))
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("other_labels", [
    lambda y: y.tolist(),  # a list
    lambda y: y.astype(np.int32),
    lambda y: Tensor(y.astype(float)),  # whole-number floats in a Tensor
])
def test_cross_entropy_takes_a_short_path_with_the_same_numbers(other_labels: Any) -> None:
    # a batch with int64 labels skips the general path's layers (batch_picks): every other
    # kind of label goes the general way, to the same loss and gradient, bit for bit
    rng = np.random.default_rng(5)
    x = rng.standard_normal((9, 4)) * 30
    y = rng.integers(0, 4, 9)
    assert batch_picks(x, y, -100) is not None
    assert batch_picks(x, np.repeat(y, 2)[::2], -100) is not None  # any 1-D int64 layout
    short, general = Tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    loss_short, loss_general = F.cross_entropy(short, y), F.cross_entropy(general, other_labels(y))
    assert loss_short.item() == loss_general.item()
    loss_short.backward()
    loss_general.backward()
    assert np.array_equal(short.grad, general.grad)


def test_cross_entropy_short_path_leaves_unusual_labels_to_the_general_one() -> None:
    x = np.zeros((3, 4))
    assert batch_picks(x, np.array([0, 4, 1]), -100) is None  # out of range: the general
    with pytest.raises(ValueError, match=r"target 4 at position \(1,\) is out of range"):
        F.cross_entropy(Tensor(x), np.array([0, 4, 1]))  # path names it
    assert batch_picks(x, np.array([0, 2, 1]), 2) is None  # label 2 is ignored
    loss = F.cross_entropy(Tensor(x), np.array([0, 2, 1]), ignore_index=2)
    assert loss.item() == pytest.approx(np.log(4))
    assert batch_picks(x[None], np.array([[0, 2, 1]]), -100) is None  # not (N, C)
    y = np.array([0, 2, 1])
    assert batch_picks(np.asfortranarray(np.zeros((3, 4))), y,
                       -100) is None  # not C-contiguous: the flat index would not apply
    logits_f = Tensor(np.asfortranarray(np.arange(12.0).reshape(3, 4)), requires_grad=True)
    logits_c = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    F.cross_entropy(logits_f, y).backward()
    F.cross_entropy(logits_c, y).backward()
    assert np.array_equal(logits_f.grad, logits_c.grad)
    logits = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, y)
    y[:] = 3  # the labels were copied: editing them does not change the backward pass
    loss.backward()
    assert logits.grad[0].tolist() == [-0.25, 1 / 12, 1 / 12, 1 / 12]
