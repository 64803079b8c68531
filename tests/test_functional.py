"""nn.functional: formulas, reductions, stability, argument errors (values vs NumPy)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, Value, nn
from autograd_mini.nn import functional as F


def _np_log_softmax(x: Any, axis: int) -> Any:
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def test_nn_exposes_functional() -> None:
    assert nn.functional is F


def test_activations_work_on_tensors_and_values() -> None:
    x = Tensor([-1.0, 0.0, 2.0])
    assert F.relu(x).tolist() == [0.0, 0.0, 2.0]
    np.testing.assert_allclose(F.sigmoid(x).data, 1 / (1 + np.exp(-x.data)))
    np.testing.assert_allclose(F.tanh(x).data, np.tanh(x.data))
    assert F.relu(Value(-2.0)).data == 0.0 and F.tanh(Value(0.0)).data == 0.0


def test_softmax_and_log_softmax() -> None:
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(F.softmax(Tensor(x), dim=1).data.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(F.log_softmax(Tensor(x), dim=1).data, _np_log_softmax(x, 1))
    np.testing.assert_allclose(F.log_softmax(Tensor(x), dim=0).data, _np_log_softmax(x, 0))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        assert F.softmax(Tensor(x)).shape == (2, 3)  # dim 1 for 2-D input, as PyTorch


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_is_mean_negative_log_probability(reduction: str) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    per_example = -_np_log_softmax(x, 1)[np.arange(6), y]
    expected = {"mean": per_example.mean(), "sum": per_example.sum(), "none": per_example}
    logits = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, y, reduction=reduction)
    np.testing.assert_allclose(loss.data, expected[reduction], rtol=1e-12)
    loss.sum().backward()
    softmax = np.exp(_np_log_softmax(x, 1))
    onehot = np.eye(4)[y]
    scale = 1 / 6 if reduction == "mean" else 1.0
    np.testing.assert_allclose(logits.grad, (softmax - onehot) * scale, rtol=1e-12, atol=1e-15)
    assert loss.op == "cross_entropy"  # one node: the textbook gradient softmax - one_hot


def test_cross_entropy_of_huge_logits_is_finite() -> None:
    x = Tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True)
    loss = F.cross_entropy(x, [1, 0])
    loss.backward()
    assert loss.item() == 2000.0 and np.all(np.isfinite(x.grad))
    assert x.grad.tolist() == [[0.5, -0.5], [-0.5, 0.5]]


def test_class_labels_may_be_lists_or_int_arrays_but_not_floats() -> None:
    x = Tensor(np.zeros((2, 3)))
    ref = F.cross_entropy(x, np.array([0, 2])).item()
    assert F.cross_entropy(x, [0, 2]).item() == ref
    assert F.cross_entropy(x, am.tensor([0, 2])).item() == ref  # an int64 Tensor
    assert F.cross_entropy(x, np.array([0, 2], dtype=np.int32)).item() == ref
    assert F.cross_entropy(Tensor(np.zeros(3)), 1).item() == pytest.approx(np.log(3))
    # whole numbers as floats are not class indices, in PyTorch either
    for floats in (Tensor([0.0, 2.0]), np.array([0.0, 2.0]), [0.0, 2.0]):
        with pytest.raises(RuntimeError, match="expected target dtype to be Long"):
            F.cross_entropy(x, floats)


@pytest.mark.parametrize("target, error, message", [
    ([0, 3], ValueError, r"target 3 at position \(1,\) is out of range for 3 classes"),
    ([0, -1], ValueError, r"target -1 at position \(1,\) is out of range"),
    ([0.5, 1.0], RuntimeError, "expected target dtype to be Long \\(int64\\) for class indices, "
                               "but got float64"),
    ([True, False], RuntimeError, "but got bool"),
    ([[0], [1]], ValueError, r"target should have shape \(2,\) \(one class index per row\), "
                             r"got \(2, 1\)"),
    (["a", "b"], TypeError, "integer class indices"),
])
def test_bad_class_labels_are_named(target: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        F.cross_entropy(Tensor(np.zeros((2, 3))), target)


def test_ignored_targets_count_for_nothing() -> None:
    x = np.random.default_rng(1).standard_normal((3, 2))
    logits = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, [1, -100, 0])
    expected = -(_np_log_softmax(x, 1)[0, 1] + _np_log_softmax(x, 1)[2, 0]) / 2
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    loss.backward()
    assert logits.grad[1].tolist() == [0.0, 0.0]


def test_nll_loss_picks_negative_log_probabilities() -> None:
    logp = Tensor(np.log([[0.2, 0.8], [0.6, 0.4]]), requires_grad=True)
    loss = F.nll_loss(logp, [1, 0], weight=[1.0, 3.0])
    assert loss.item() == pytest.approx(-(3 * np.log(0.8) + np.log(0.6)) / 4)
    loss.backward()
    assert logp.grad.tolist() == [[0.0, -0.75], [-0.25, 0.0]]
    with pytest.raises(ValueError, match=r"weight must have shape \(2,\)"):
        F.nll_loss(logp, [1, 0], weight=[1.0])


def test_mse_loss_and_its_shape_check() -> None:
    x = Tensor([1.0, 2.0, 4.0], requires_grad=True)
    loss = F.mse_loss(x, [1.0, 0.0, 0.0])
    assert loss.item() == pytest.approx(20 / 3)
    loss.backward()
    np.testing.assert_allclose(x.grad, [0.0, 4 / 3, 8 / 3])
    assert F.mse_loss(x, np.zeros(3), reduction="sum").item() == 21.0
    with pytest.raises(ValueError, match=r"target shape \(3, 1\) differs from input shape "
                                         r"\(3,\).*every prediction with every target"):
        F.mse_loss(x, np.zeros((3, 1)))


def test_binary_cross_entropy() -> None:
    p = Tensor([0.9, 0.2], requires_grad=True)
    loss = F.binary_cross_entropy(p, [1.0, 0.0])
    assert loss.item() == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    loss.backward()
    np.testing.assert_allclose(p.grad, [-1 / 0.9 / 2, 1 / 0.8 / 2])
    assert F.binary_cross_entropy(Tensor([0.0]), [1.0]).item() == 100.0  # log clamped at -100
    with pytest.raises(ValueError, match=r"between 0 and 1.*got 1.5 at \(1,\).*with_logits"):
        F.binary_cross_entropy(Tensor([0.5, 1.5]), [1.0, 0.0])


def test_binary_cross_entropy_with_logits_equals_bce_of_sigmoid() -> None:
    x = np.array([-3.0, 0.0, 2.5])
    t = np.array([0.0, 1.0, 0.3])
    expected = F.binary_cross_entropy(Tensor(x).sigmoid(), t).item()
    assert F.binary_cross_entropy_with_logits(Tensor(x), t).item() == pytest.approx(expected)
    huge = F.binary_cross_entropy_with_logits(Tensor([1000.0, -1000.0]), [0.0, 1.0],
                                              reduction="none")
    assert huge.tolist() == [1000.0, 1000.0]  # exact, where sigmoid would round to 0 or 1


def test_hinge_loss_for_labels_plus_minus_one() -> None:
    scores = Tensor([2.0, 0.5, -0.3, -2.0], requires_grad=True)
    labels = [1.0, 1.0, 1.0, -1.0]
    loss = F.hinge_loss(scores, labels, reduction="none")
    assert loss.tolist() == pytest.approx([0.0, 0.5, 1.3, 0.0])
    loss.sum().backward()
    assert scores.grad.tolist() == [0.0, -1.0, -1.0, 0.0]
    assert F.hinge_loss(scores, labels, margin=3.0).item() == pytest.approx(
        (1.0 + 2.5 + 3.3 + 1.0) / 4)
    with pytest.raises(ValueError, match=r"targets must be -1 or \+1.*2\*y - 1"):
        F.hinge_loss(scores, [0.0, 1.0, 1.0, 0.0])


def test_epsilon_insensitive_loss_for_regression() -> None:
    pred = Tensor([1.0, 1.05, 2.0, -1.0], requires_grad=True)
    loss = F.epsilon_insensitive_loss(pred, [1.0, 1.0, 1.0, 1.0], epsilon=0.1,
                                      reduction="none")
    assert loss.tolist() == pytest.approx([0.0, 0.0, 0.9, 1.9])
    loss.sum().backward()
    assert pred.grad.tolist() == [0.0, 0.0, 1.0, -1.0]
    with pytest.raises(ValueError, match="epsilon must be >= 0"):
        F.epsilon_insensitive_loss(pred, np.zeros(4), epsilon=-1.0)


def test_multi_margin_loss_is_the_multiclass_hinge() -> None:
    x = Tensor([[0.1, 0.2, 0.4, 0.8]])
    assert F.multi_margin_loss(x, [3]).item() == pytest.approx(
        ((1 - 0.8 + 0.1) + (1 - 0.8 + 0.2) + (1 - 0.8 + 0.4)) / 4)
    with pytest.raises(ValueError, match="only p = 1 or p = 2"):
        F.multi_margin_loss(x, [3], p=3)


@pytest.mark.parametrize("loss", [
    lambda x, r: F.cross_entropy(x, [0, 1], reduction=r),
    lambda x, r: F.mse_loss(x, np.zeros((2, 2)), reduction=r),
    lambda x, r: F.hinge_loss(x, np.ones((2, 2)), reduction=r),
])
def test_reduction_must_be_one_of_three(loss: Any) -> None:
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        loss(Tensor(np.zeros((2, 2))), "avg")


def test_losses_need_tensors() -> None:
    with pytest.raises(TypeError, match=r"input must be a Tensor, got Value.*Tensor\(v.data\)"):
        F.mse_loss(Value(1.0), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input must be a Tensor, got numpy array"):
        F.cross_entropy(np.zeros((2, 2)), [0, 1])  # type: ignore[arg-type]


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("label, shown", [
    (2**63, "9223372036854775808"),
    (-2**70, "-1180591620717411303424"),
    (np.uint64(2**63), "9223372036854775808"),
])
def test_a_label_beyond_int64_is_named_as_given(loss: Any, label: Any, shown: str) -> None:
    # issue 19 item 2: the message named the label after it wrapped to -9223372036854775808
    x = am.ones(2, 3, requires_grad=True)
    for target in ([0, label], (0, label)):
        with pytest.raises(ValueError, match=rf"target {re.escape(shown)} at position \(1,\) "
                                             "is out of range for 3 classes"):
            loss(x, target)
    with pytest.raises(ValueError, match=rf"target {re.escape(shown)} at position \(\)"):
        loss(am.ones(3), label)


@pytest.mark.parametrize("target, shown", [
    (np.array([0, 2**63], dtype=np.uint64), "9223372036854775808"),
    (np.array([0, -2**70]), "-1180591620717411303424"),  # an object array of Python ints
])
def test_a_label_array_beyond_int64_is_named_as_it_holds_it(target: Any, shown: str) -> None:
    with pytest.raises(ValueError, match=rf"target {re.escape(shown)} at position \(1,\)"):
        F.cross_entropy(am.ones(2, 3), target)
