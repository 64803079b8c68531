"""Activations and losses with PyTorch's names and semantics (``torch.nn.functional``).

The layers' functions (``embedding``, ``dropout``, ``layer_norm``, ``batch_norm``) live in
:mod:`.functional_layers` and are re-exported here.

Every loss takes ``reduction='mean' | 'sum' | 'none'`` as in PyTorch: the mean or
sum of the per-element losses, or the per-element losses themselves.

The losses are numerically stable: ``cross_entropy`` is ``nll_loss`` of
``log_softmax`` (as in PyTorch), and log-softmax subtracts the row's maximum
before exponentiating, so logits of ±1000 give finite losses and gradients.
``binary_cross_entropy_with_logits`` never forms ``sigmoid(x)`` before the log.

Two hinge losses, as machine-learning courses teach them (PyTorch has neither
under these names):

* :func:`hinge_loss` for classification with labels y = ±1 and a real-valued
  score s (a support vector machine's loss): ``max(0, margin - y·s)``. It is zero
  once an example is on the right side with room to spare (y·s >= margin), and
  grows linearly the more wrong the score is.
* :func:`epsilon_insensitive_loss` for regression (support vector regression):
  ``max(0, |y - s| - epsilon)``: errors smaller than epsilon cost nothing, larger
  ones cost their excess linearly.

For several classes, :func:`multi_margin_loss` is PyTorch's multi-class hinge.

The activations (``relu``, ``sigmoid``, ``tanh``) call the method of the same
name, so they work on Values as well as Tensors.

``one_hot`` turns class indices into rows of 0s with a 1 at the index (the targets the
losses compare with, written out).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..tensors.fast_cross_entropy import CROSS_ENTROPY_FLAT, batch_picks
from ..tensors.functions import _nary_node, where
from ..tensors.nodes import _binary_node, _describe, _leaf, _make, _promote
from ..tensors.rules_losses import (
    _INT64,
    BCE,
    BCE_LOGITS,
    CROSS_ENTROPY,
    NLL_LOSS,
    Picks,
    _all_classes,
    _arange,
    _cross_entropy_forward,
)
from ..tensors.rules_reductions import _log_softmax_parts
from ..tensors.tensor import Tensor
from .functional_layers import batch_norm, dropout, embedding, layer_norm

__all__ = [
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "embedding",
    "epsilon_insensitive_loss",
    "hinge_loss",
    "l1_loss",
    "layer_norm",
    "log_softmax",
    "mse_loss",
    "multi_margin_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

_REDUCTIONS = ("mean", "sum", "none")


# ------------------------------------------------------------------ activations
def relu(input: Any) -> Any:
    """max(x, 0) elementwise."""
    return input.relu()


def sigmoid(input: Any) -> Any:
    """1 / (1 + e^-x) elementwise."""
    return input.sigmoid()


def tanh(input: Any) -> Any:
    """Hyperbolic tangent elementwise."""
    return input.tanh()


def _softmax_dim(name: str, input: Tensor, dim: int | None) -> int:
    _check_tensor(name, "input", input)
    if dim is not None:
        return dim
    # PyTorch's legacy choice when dim is left out, with PyTorch's warning
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if input.ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``: positive numbers that sum to 1."""
    return input.softmax(_softmax_dim("softmax", input, dim))


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along ``dim``, by max-subtraction (finite for logits of ±1000)."""
    return input.log_softmax(_softmax_dim("log_softmax", input, dim))


# ------------------------------------------------------------------ argument checks
def _check_tensor(op: str, what: str, x: Any) -> None:
    if not isinstance(x, Tensor):
        hint = " (a Value: use Tensor(v.data))" if type(x).__name__ == "Value" else ""
        raise TypeError(f"{op}: {what} must be a Tensor, got {_describe(x)}{hint}")


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _target(op: str, input: Tensor, target: Any) -> Tensor:
    """``target`` as a Tensor of ``input``'s shape (and dtype, when it holds plain data)."""
    if not isinstance(target, Tensor):
        if type(target).__name__ == "Value":
            raise TypeError(f"{op}: target is a Value; use Tensor(v.data)")
        target = Tensor(target, dtype=input.dtype)
    if target.shape != input.shape:
        raise ValueError(
            f"{op}: target shape {target.shape} differs from input shape {input.shape}. "
            "Broadcasting them would compare every prediction with every target (PyTorch "
            "warns or refuses); reshape one, e.g. target.reshape(input.shape)")
    return target


def _weight(op: str, weight: Any, like: Tensor) -> Any:
    """An optional weight as a Tensor (None stays None)."""
    if weight is None or isinstance(weight, Tensor):
        return weight
    return Tensor(weight, dtype=like.dtype)


def _class_indices(op: str, target: Any, input: Tensor,
                   ignore_index: int) -> tuple[np.ndarray[Any, Any], bool]:
    """Class labels as an int64 array of input's shape without the class axis, checked,
    and whether every label is a class number (so none can equal a negative ignore_index)."""
    shape = input.data.shape
    n_classes = shape[0] if len(shape) == 1 else shape[1]
    t = target.data if target.__class__ is Tensor else target
    if t.__class__ is not np.ndarray or t.dtype is not _INT64 or not t.flags.c_contiguous:
        _check_label_dtype(op, target, input)
        t = _as_labels(op, t, n_classes, ignore_index)
    else:  # a copy: editing the caller's labels later must not change the backward pass
        t = t.copy()
    expected = (shape[0], *shape[2:]) if len(shape) > 1 else ()
    if t.shape != expected:
        what = "one class index" if not expected else "one class index per row"
        raise ValueError(f"{op}: input has shape {shape}, so target should have shape "
                         f"{expected} ({what}), got {t.shape}")
    in_range = _all_classes(t, n_classes)
    if not in_range:
        bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
        if bad.any():
            pos = tuple(int(i) for i in np.argwhere(bad)[0])
            raise _out_of_range(op, int(t[pos]), pos, n_classes, ignore_index)
    return t, in_range


def _check_label_dtype(op: str, target: Any, input: Tensor) -> None:
    """Class indices must be integers, as PyTorch requires (a RuntimeError otherwise): an
    int64 Tensor (PyTorch's Long), or for convenience a NumPy integer array or a list of
    ints (what ``tensor(labels)`` makes int64). Float labels are refused even when they are
    whole numbers: a float target is read as class probabilities, which must then have the
    input's shape, so ``[0.0, 2.0]`` is not the class indices 0 and 2 in PyTorch either."""
    if isinstance(target, Tensor):
        dt = target.data.dtype
        if dt == _INT64:
            return
    else:
        arr = target if isinstance(target, np.ndarray) else np.asarray(target)
        dt = arr.dtype
        if dt.kind not in "fbc":  # ints of any width, and what _as_labels sorts out
            return
        if dt.kind == "f" and arr is not target and _all_ints(target):
            return  # Python ints beyond int64, which NumPy made floats: _as_labels names them
    hint = (f"give the class indices as int64 (target.long(), or np.asarray(y, dtype=np."
            f"int64)), or class probabilities as a float target of the input's shape "
            f"{tuple(input.shape)}") if op == "cross_entropy" else (
            "give the class indices as int64 (target.long(), or np.asarray(y, dtype=np.int64))")
    raise RuntimeError(f"{op}: expected target dtype to be Long (int64) for class indices, "
                       f"but got {dt}; {hint}")


def _all_ints(data: Any) -> bool:
    """Whether a list (or number) holds only ints, not floats or bools."""
    return all(isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
               for x in np.asarray(data, dtype=object).flat)


def _out_of_range(op: str, label: Any, pos: tuple[int, ...], n_classes: int,
                  ignore_index: int) -> ValueError:
    return ValueError(f"{op}: target {label} at position {pos} is out of range for "
                      f"{n_classes} classes (expected 0 to {n_classes - 1}, or "
                      f"ignore_index={ignore_index})")


_I64_MIN, _I64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


def _as_labels(op: str, t: Any, n_classes: int, ignore_index: int) -> np.ndarray[Any, Any]:
    """Labels given as a list or another integer type (checked by _check_label_dtype), as
    int64. A label that int64 cannot hold (2**63) is named as given, not as it would wrap."""
    given, t = t, np.asarray(t)
    if t.dtype.kind == "f" and not isinstance(given, np.ndarray):
        t = np.asarray(given, dtype=object)  # ints that NumPy made floats: as they were given
    kind = t.dtype.kind
    if kind == "u":
        too_large = t > _I64_MAX
    elif kind == "O" and _all_ints(t):
        # Python ints beyond int64 (NumPy keeps them as objects), or mixed with NumPy's
        too_large = np.array([not _I64_MIN <= int(x) <= _I64_MAX for x in t.flat]
                             ).reshape(t.shape)
    elif kind not in "ib":
        raise TypeError(f"{op}: target must hold integer class indices, got {_describe(t)}")
    else:
        too_large = None
    if too_large is not None and too_large.any():
        pos = tuple(int(i) for i in np.argwhere(too_large)[0])
        # as given: a list [0, 2**63] becomes a float array, whose number is not the user's
        label = t[pos] if isinstance(given, np.ndarray) else np.array(given, dtype=object)[pos]
        shown = float(label) if isinstance(label, np.floating) else label
        raise _out_of_range(op, int(shown) if isinstance(shown, np.integer) else shown, pos,
                            n_classes, ignore_index)
    # contiguous, because the range check views the labels as unsigned numbers
    return np.ascontiguousarray(t, dtype=np.int64).reshape(t.shape)


def _pick_index(shape: tuple[int, ...], t: np.ndarray[Any, Any]) -> tuple[Any, ...]:
    """The fancy index that picks input[i, t_i] (the class axis is axis 1, or 0 if 1-D)."""
    if len(shape) == 1:
        return (t,)
    if len(shape) == 2:
        return (_arange(shape[0]), t)
    grids = [np.arange(n).reshape([-1 if j == k else 1 for j in range(t.ndim)])
             for k, n in enumerate(t.shape)]
    return (grids[0], t, *grids[1:])


# ------------------------------------------------------------------ encoding
def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows, as ``torch.nn.functional.one_hot``: an int64 tensor
    of shape ``tensor.shape + (num_classes,)``, all 0 but a 1 at each index;
    ``num_classes=-1`` (the default) is the largest index + 1.

    ``tensor`` holds int64 indices: an int64 Tensor, or (until a Tensor made from a list of
    ints is int64) a NumPy integer array such as ``np.array([0, 2, 1])``. Float indices are
    refused, as PyTorch does (a RuntimeError), and so are negative indices and indices of
    num_classes or more.
    """
    op = "one_hot"
    if isinstance(tensor, Tensor):
        idx = tensor.data
        if idx.dtype != _INT64:
            raise RuntimeError(
                f"{op} is only applicable to index tensor of type LongTensor (int64): got a "
                f"Tensor of dtype {idx.dtype}; give the class indices as int64, e.g. "
                "np.asarray(labels, dtype=np.int64)")
    elif isinstance(tensor, np.ndarray) and tensor.dtype.kind in "iu":
        idx = tensor.astype(np.int64)
    else:
        raise TypeError(f"{op}: tensor must be an int64 Tensor or a NumPy integer array of "
                        f"class indices, got {_describe(tensor)}; e.g. "
                        "one_hot(np.array([0, 2, 1]))")
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise TypeError(f"{op}: num_classes must be an int (-1: the largest index + 1), got "
                        f"{_describe(num_classes)}")
    if idx.size == 0 and num_classes <= 0:
        raise RuntimeError(f"{op}: can not infer the total number of classes from an empty "
                           f"tensor (shape {idx.shape}); pass num_classes")
    if idx.size and idx.min() < 0:
        raise RuntimeError(f"{op}: class values must be non-negative, got {int(idx.min())}")
    n = int(idx.max()) + 1 if num_classes == -1 else int(num_classes)
    if idx.size and idx.max() >= n:
        raise RuntimeError(f"{op}: class values must be smaller than num_classes={n}, got "
                           f"{int(idx.max())}; pass a larger num_classes (or -1 to count "
                           "them from the indices)")
    out = np.zeros((idx.size, n), np.int64)
    out[np.arange(idx.size), idx.ravel()] = 1
    return _leaf(out.reshape(*idx.shape, n))


# ------------------------------------------------------------------ losses
def _picks(op: str, input: Tensor, target: Any, weight: Any, ignore_index: int,
           reduction: str, dim: int, z: Any = None, exp_z: Any = None,
           sum_exp: Any = None) -> Picks:
    """Which log-probability each target picks, with weights and ignored targets."""
    t, in_range = _class_indices(op, target, input, ignore_index)
    n_classes = input.shape[dim]
    valid = None
    if not in_range or 0 <= ignore_index < n_classes:  # some targets may be ignored
        ignored = t == ignore_index
        if ignored.any():
            valid = ~ignored
            t = np.where(valid, t, 0)
    w = None
    if weight is not None:
        wt = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=input.dtype)
        if wt.shape != (n_classes,):
            raise ValueError(f"{op}: weight must have shape ({n_classes},), one per class, "
                             f"got {wt.shape}")
        w = wt[t] if valid is None else np.where(valid, wt[t], 0)
        total = float(w.sum())
    elif valid is not None:
        w = valid.astype(input.dtype)
        total = float(valid.sum())
    else:
        total = float(t.size)
    return Picks(_pick_index(input.shape, t), w, reduction, total, valid, dim, z, exp_z,
                 sum_exp)


def _class_axis(op: str, input: Any, reduction: str) -> int:
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have a class axis, got a 0-d tensor")
    return 0 if input.ndim == 1 else 1


def nll_loss(input: Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: -input[i, target_i], for log-probabilities ``input``.

    ``input`` has shape (N, C) (or (C,), or (N, C, d1, ...)); ``target`` holds
    class indices 0..C-1: an int64 Tensor, or a NumPy integer array or list of ints (float
    labels are a RuntimeError, as in PyTorch, even whole numbers).
    ``weight`` (C,) rescales each class; targets equal to ``ignore_index`` count
    for nothing. 'mean' divides by the total weight of the counted targets, as
    PyTorch does.
    """
    dim = _class_axis("nll_loss", input, reduction)
    ctx = _picks("nll_loss", input, target, weight, ignore_index, reduction, dim)
    return _make(NLL_LOSS.forward(input.data, ctx), NLL_LOSS, input, ctx, input.requires_grad)


def cross_entropy(input: Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy of logits ``input`` (N, C) against ``target``.

    ``target`` is either class indices (N,): then this is
    ``nll_loss(log_softmax(input, 1), target)``, as in PyTorch, recorded as one
    node whose gradient is the textbook (softmax - one_hot) / N; or class
    probabilities of the input's shape (soft labels), giving
    ``-(target * log_softmax(input)).sum(1)`` per example. As in PyTorch the shape decides:
    a target of the input's shape is probabilities (so it must be floating point), any
    other is class indices (so it must be integers: ``[0.0, 2.0]`` is a RuntimeError).
    """
    if (input.__class__ is Tensor and target.__class__ is np.ndarray and weight is None
            and reduction == "mean"):
        ctx = batch_picks(input._data, target, ignore_index)  # the fast path (flat picks)
        if ctx is not None:
            return _make(CROSS_ENTROPY_FLAT.forward(input._data, ctx), CROSS_ENTROPY_FLAT,
                         input, ctx, input.requires_grad)
    op = "cross_entropy"
    dim = _class_axis(op, input, reduction)
    t = target.data if isinstance(target, Tensor) else target
    if getattr(t, "shape", None) == input.shape:  # class probabilities, as in PyTorch
        if np.asarray(t).dtype.kind != "f":
            raise RuntimeError(f"{op}: Expected floating point type for target with class "
                               f"probabilities, got {np.asarray(t).dtype}: a target of the "
                               f"input's shape {tuple(input.shape)} holds probabilities; for "
                               f"class indices give one per row, of shape "
                               f"{tuple(input.shape[:1] + input.shape[2:])}")
        if ignore_index != -100:
            raise RuntimeError(f"{op}: ignore_index is not supported for floating point "
                               "target (class probabilities); give class indices to ignore "
                               "some, or a probability row of zeros")
        probs = target if isinstance(target, Tensor) else Tensor(t, dtype=input.dtype)
        prod = input.log_softmax(dim) * probs
        if weight is not None:
            w = np.asarray(_weight(op, weight, input).data)
            prod = prod * w.reshape((-1,) + (1,) * (input.ndim - 1 - dim))
        return _reduce(-prod.sum(dim), reduction)
    ctx = _picks(op, input, target, weight, ignore_index, reduction, dim,
                 *_log_softmax_parts(input.data, dim))
    return _make(_cross_entropy_forward(input.data, ctx), CROSS_ENTROPY, input, ctx,
                 input.requires_grad)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: (input - target)² averaged (or summed) over all elements."""
    op = "mse_loss"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    return _reduce((input - _target(op, input, target)) ** 2, reduction)


def l1_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Any = None) -> Tensor:
    """Mean absolute error: |input - target| averaged (or summed) over all elements.

    ``weight`` (of the input's shape) weighs each element; 'mean' then divides by the
    sum of the weights, as in PyTorch. ``size_average``/``reduce``: PyTorch's old
    arguments, see :class:`nn.L1Loss`."""
    op = "l1_loss"
    _check_tensor(op, "input", input)
    if size_average is not None or reduce is not None:
        from .losses import _reduction  # the deprecated pair, with PyTorch's warning
        reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(op, reduction)
    loss = (input - _target(op, input, target)).abs()
    if weight is None:
        return _reduce(loss, reduction)
    w = _weight(op, weight, input)
    if w.shape != input.shape:
        raise ValueError(f"{op}: weight of shape {w.shape} must have the input's shape "
                         f"{input.shape}, one weight per element")
    loss = loss * w
    return loss.sum() / w.sum() if reduction == "mean" else _reduce(loss, reduction)


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """-(t·log(p) + (1 - t)·log(1 - p)) for probabilities ``input`` in [0, 1].

    The logarithms are clamped at -100, as in PyTorch, so p = 0 or 1 gives a finite
    loss. Prefer :func:`binary_cross_entropy_with_logits` on raw scores: it is exact
    where sigmoid would round to 0 or 1.
    """
    op = "binary_cross_entropy"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    t = _target(op, input, target)
    x = input.data
    if not np.all((x >= 0) & (x <= 1)):
        bad = tuple(int(i) for i in np.argwhere(~((x >= 0) & (x <= 1)))[0])
        raise ValueError(f"{op}: all elements of input should be between 0 and 1 (they are "
                         f"probabilities), got {float(x[bad])!r} at {bad}; for raw scores "
                         "use binary_cross_entropy_with_logits")
    loss = _binary_node(BCE, input, t)
    w = _weight(op, weight, input)
    return _reduce(loss if w is None else loss * w, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Any = None) -> Tensor:
    """Binary cross-entropy of sigmoid(input) against ``target``, computed stably:
    (1 - t)·x - log(sigmoid(x)), with log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)).

    ``pos_weight`` multiplies the loss of positive targets (per class, broadcast
    along the last axis), as in PyTorch.
    """
    op = "binary_cross_entropy_with_logits"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    t = _target(op, input, target)
    pw = None
    if pos_weight is not None:
        pw = np.array(pos_weight.data if isinstance(pos_weight, Tensor) else pos_weight,
                      dtype=input.dtype)  # a copy, kept for the backward pass
        try:
            np.broadcast_shapes(pw.shape, input.shape)
        except ValueError:
            raise ValueError(f"{op}: pos_weight of shape {pw.shape} does not broadcast with "
                             f"input of shape {input.shape}") from None
    loss = _nary_node(BCE_LOGITS, _promote([input, t]), pw)
    w = _weight(op, weight, input)
    return _reduce(loss if w is None else loss * w, reduction)


def hinge_loss(input: Tensor, target: Any, margin: float = 1.0,
               reduction: str = "mean") -> Tensor:
    """The classification hinge loss max(0, margin - y·s) for labels y = ±1.

    ``input`` holds real-valued scores s (positive means class +1), ``target`` the
    labels, -1 or +1. Examples scored correctly by at least ``margin`` cost
    nothing; the gradient is -y where y·s < margin and 0 elsewhere.
    """
    op = "hinge_loss"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    t = _target(op, input, target)
    if not np.all(np.abs(t.data) == 1):
        raise ValueError(f"{op}: targets must be -1 or +1, got values "
                         f"{np.unique(t.data)[:6].tolist()}; map 0/1 labels with 2*y - 1")
    return _reduce((margin - t * input).relu(), reduction)


def epsilon_insensitive_loss(input: Tensor, target: Any, epsilon: float = 0.1,
                             reduction: str = "mean") -> Tensor:
    """The regression hinge loss max(0, |target - input| - epsilon) (support vector
    regression): errors inside the epsilon tube cost nothing, larger ones their excess."""
    op = "epsilon_insensitive_loss"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    if epsilon < 0:
        raise ValueError(f"{op}: epsilon must be >= 0, got {epsilon!r}")
    t = _target(op, input, target)
    return _reduce(((input - t).abs() - epsilon).relu(), reduction)


def multi_margin_loss(input: Tensor, target: Any, p: int = 1, margin: float = 1.0,
                      weight: Any = None, reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss, as PyTorch's: for each example,
    sum over classes j != y of max(0, margin - x[y] + x[j])^p, divided by C."""
    op = "multi_margin_loss"
    _check_tensor(op, "input", input)
    _check_reduction(op, reduction)
    if p not in (1, 2):
        raise ValueError(f"{op}: only p = 1 or p = 2 are supported, got {p!r}")
    if input.ndim not in (1, 2):
        raise ValueError(f"{op}: input must have shape (N, C) or (C,), got {input.shape}")
    t, in_range = _class_indices(op, target, input, ignore_index=-100)
    if not in_range:
        raise ValueError(f"{op}: class indices must be 0 to {input.shape[-1] - 1}")
    index = _pick_index(input.shape, t)
    picked = input[index]
    if input.ndim == 2:
        picked = picked.reshape(-1, 1)
    z = margin - picked + input
    others = np.ones(input.shape, dtype=bool)
    others[index] = False  # the target class is not compared with itself
    # as PyTorch, a class adds its term only where the term is positive: a nan term (from a
    # nan score) counts for nothing, where relu would pass the nan on
    z = where((z.data > 0) & others, z, 0.0)
    if p == 2:
        z = z * z
    n_classes = input.shape[-1]
    loss = z.sum(-1) / n_classes
    if weight is not None:
        wt = np.asarray(_weight(op, weight, input).data)
        loss = loss * wt[t]
    return _reduce(loss, reduction)
