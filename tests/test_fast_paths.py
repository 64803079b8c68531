"""Fast paths, each run beside the plain rules on the same random inputs: the numbers must be
equal to the last bit (``np.array_equal``, not a tolerance)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd_mini import Tensor
from autograd_mini.nn import functional as F
from autograd_mini.tensors.fast_cross_entropy import batch_picks


# ------------------------------------------------------------------ cross_entropy's flat picks
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
