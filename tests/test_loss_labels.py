"""What a classification loss takes as its target, against PyTorch 2.13: the shape decides.

A target of the input's shape is class probabilities and must be floating point; any other
is class indices and must be int64 (PyTorch's Long): float labels are refused even when they
are whole numbers, and so are int32 and bool tensors. Here, as a convenience PyTorch does
not offer, the class indices may also be a NumPy integer array or a list of ints (what
``tensor(labels)`` makes int64); a float array or list is refused like a float tensor."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am

from .conftest import TORCH_REASON

torch = pytest.importorskip("torch", reason=TORCH_REASON)

LOGITS = np.array([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4], [0.0, 0.7, 0.2], [-2.0, 1.0, 0.5]])
LABELS = [2, 0, 1, 1]
PROBS = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.1, 0.8, 0.1], [0.25, 0.25, 0.5]])

# name -> (data, dtype name): the target is m.tensor(data, dtype=m.<dtype>) in each library
TARGETS: dict[str, tuple[Any, str]] = {
    "int64 indices": (LABELS, "int64"),
    "int32 indices": (LABELS, "int32"),
    "whole floats": ([float(y) for y in LABELS], "float64"),
    "float32 whole floats": ([float(y) for y in LABELS], "float32"),
    "bool": ([True, False, True, True], "bool"),
    "float probabilities": (PROBS, "float64"),
    "float32 probabilities": (PROBS, "float32"),
    "int64 of the input's shape": (np.eye(4, 3, dtype=np.int64), "int64"),
    "bool of the input's shape": (np.eye(4, 3, dtype=bool), "bool"),
    "int64 of another shape": ([[2], [0], [1], [1]], "int64"),
}
LOSSES = ["cross_entropy", "nll_loss", "multi_margin_loss"]
# A target of the wrong shape for class indices: autograd_mini's shape errors are ValueErrors
# throughout (docs/errors.md L1 and the S rows), where PyTorch raises a RuntimeError; a known
# difference of class, not of what is refused.
SHAPE_ERRORS = {("cross_entropy", "int64 of another shape"),
                ("nll_loss", "int64 of the input's shape"), ("nll_loss", "int64 of another shape"),
                ("multi_margin_loss", "int64 of the input's shape"),
                ("multi_margin_loss", "int64 of another shape")}


def _run(m: Any, loss: str, target: str, **kwargs: Any) -> Any:
    """The loss and the logits' gradient, or the class of the error raised."""
    data, dtype = TARGETS[target]
    x = m.tensor(LOGITS, dtype=m.float64, requires_grad=True)
    try:
        out = getattr(m.nn.functional, loss)(x, m.tensor(data, dtype=getattr(m, dtype)),
                                             **kwargs)
    except Exception as exc:
        return type(exc)
    out.backward()
    grad = x.grad.numpy() if hasattr(x.grad, "numpy") else np.asarray(x.grad)
    return float(out.item()), grad


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("loss", LOSSES)
def test_targets_are_taken_or_refused_as_torch_does(loss: str, target: str) -> None:
    ours, theirs = _run(am, loss, target), _run(torch, loss, target)
    if (loss, target) in SHAPE_ERRORS:
        assert theirs is RuntimeError and ours is ValueError
    elif isinstance(theirs, type):
        assert ours is theirs, f"torch raises {theirs.__name__}, autograd_mini gives {ours}"
    else:
        assert not isinstance(ours, type), f"torch accepts it, autograd_mini raises {ours}"
        assert ours[0] == pytest.approx(theirs[0], rel=1e-12, abs=1e-15)
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-15)


def test_ignore_index_with_probabilities_is_refused_as_torch_does() -> None:
    kwargs = {"ignore_index": 1}
    assert _run(torch, "cross_entropy", "float probabilities", **kwargs) is RuntimeError
    assert _run(am, "cross_entropy", "float probabilities", **kwargs) is RuntimeError
    # with class indices it is allowed, and the same
    ours = _run(am, "cross_entropy", "int64 indices", **kwargs)
    theirs = _run(torch, "cross_entropy", "int64 indices", **kwargs)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)


@pytest.mark.parametrize("labels", [np.array(LABELS), np.array(LABELS, dtype=np.int32),
                                    np.array(LABELS, dtype=np.uint8), LABELS, tuple(LABELS)],
                         ids=["int64 array", "int32 array", "uint8 array", "list", "tuple"])
def test_integer_arrays_and_lists_are_class_indices(labels: Any) -> None:
    """autograd_mini's convenience: what torch.tensor(labels) would make int64 is taken."""
    x = am.tensor(LOGITS, dtype=am.float64)
    ref = torch.nn.functional.cross_entropy(torch.tensor(LOGITS), torch.tensor(LABELS))
    assert am.nn.functional.cross_entropy(x, labels).item() == pytest.approx(ref.item(),
                                                                              rel=1e-12)


@pytest.mark.parametrize("labels", [np.array(LABELS, dtype=np.float64), [0.0, 1.0, 2.0, 1.0],
                                    np.array([True, False, True, True])],
                         ids=["float array", "float list", "bool array"])
@pytest.mark.parametrize("loss", LOSSES)
def test_float_and_bool_arrays_and_lists_are_refused(loss: str, labels: Any) -> None:
    with pytest.raises(RuntimeError, match=f"{loss}: expected target dtype to be Long"):
        getattr(am.nn.functional, loss)(am.tensor(LOGITS), labels)


def test_the_loss_module_refuses_float_labels_too() -> None:
    with pytest.raises(RuntimeError, match="cross_entropy: expected target dtype to be Long"):
        am.nn.CrossEntropyLoss()(am.tensor(LOGITS), am.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(RuntimeError):
        torch.nn.CrossEntropyLoss()(torch.tensor(LOGITS), torch.tensor([0.0, 1.0, 2.0, 1.0]))
