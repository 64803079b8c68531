"""The functions behind the layers of :mod:`autograd_mini.nn`, with PyTorch's names and
semantics (``torch.nn.functional``): ``embedding``, ``dropout``, ``layer_norm`` and
``batch_norm``. :mod:`autograd_mini.nn.functional` re-exports them.

Each is built out of Tensor operations the engine already differentiates (indexing,
``where``, ``mean``, ``var``, ``sqrt``, arithmetic), so their gradients come from the
engine and can be drawn and explained step by step like any other:

* ``embedding(idx, W)`` is ``W[idx]``: the rows of the table the indices pick. A row
  picked twice gets both gradients, added (indexing's backward does that).
* ``dropout(x, p)`` is ``x * mask / (1 - p)`` with a random 0/1 mask (inverted dropout:
  the expected value stays x, so nothing changes at evaluation time).
* ``layer_norm(x, shape)`` is ``(x - mean) / sqrt(var + eps)`` over the last axes, then
  ``* weight + bias``; ``batch_norm`` the same over the batch axis, per feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensors import Tensor, rand, where

__all__ = ["batch_norm", "dropout", "embedding", "layer_norm"]


def _tensor(op: str, x: Any) -> Tensor:
    """``x`` as a Tensor: a Tensor as it is, numbers and arrays as a new one."""
    if isinstance(x, Tensor):
        return x
    if type(x).__name__ == "Value":
        raise TypeError(f"{op}: input is a Value; use Tensor(v.data)")
    return Tensor(x)


# ------------------------------------------------------------------ embedding
def _indices(who: str, input: Any, num_embeddings: int) -> np.ndarray[Any, Any]:
    """The indices as an integer array, checked against the size of the table.

    Anything whose numbers have an integer dtype is taken: a list of ints, a NumPy
    integer array, an integer tensor (its ``.data``). Floats are refused, as in PyTorch
    (a RuntimeError there), and so are negative indices and indices past the table
    (an IndexError there, as here).
    """
    data = input if isinstance(input, np.ndarray) else getattr(input, "data", input)
    idx = np.asarray(data)
    if idx.dtype.kind not in "iu":
        hint = ("a Tensor holds floats: give the indices as a NumPy integer array, e.g. "
                "np.asarray(X, dtype=np.int64)" if isinstance(input, Tensor)
                else "convert them, e.g. np.asarray(X, dtype=np.int64)")
        raise RuntimeError(f"{who}: indices must be integers (int64 or int32), got "
                           f"dtype {idx.dtype}; {hint}")
    if idx.size:
        bad = (idx < 0) | (idx >= num_embeddings)
        if bad.any():
            pos = tuple(int(i) for i in np.argwhere(bad)[0])
            raise IndexError(f"{who}: index {int(idx[pos])} at position {pos} is out of range "
                             f"for num_embeddings={num_embeddings} (expected 0 to "
                             f"{num_embeddings - 1}); make the table larger or check the "
                             "indices")
    return idx.astype(np.int64, copy=True)  # a copy: later edits cannot reach the backward


def _padding_index(who: str, padding_idx: Any, num_embeddings: int) -> int | None:
    """``padding_idx`` as a row number (a negative one counts from the end), checked."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool):
        raise TypeError(f"{who}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{who}: padding_idx {padding_idx} must be within num_embeddings="
                         f"{num_embeddings} (expected {-num_embeddings} to "
                         f"{num_embeddings - 1})")
    return int(padding_idx) % num_embeddings


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """The rows of ``weight`` (num_embeddings, embedding_dim) that the integer indices
    ``input`` pick: the output has shape ``input.shape + (embedding_dim,)``.

    ``padding_idx``: the row of that index gets no gradient (its entries in the output
    are the row's numbers all the same), as in PyTorch.
    """
    who = "embedding"
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"{who}: weight must be a 2-d Tensor (num_embeddings, "
                         f"embedding_dim), got {getattr(weight, 'shape', type(weight))}")
    n = weight.shape[0]
    idx = _indices(who, input, n)
    pad = _padding_index(who, padding_idx, n)
    out = weight[idx]
    if pad is not None:
        padded = idx == pad
        if padded.any():  # the same numbers; the gradient stops at the padded positions
            out = where(padded[..., None], out.detach(), out)
    return out


# ------------------------------------------------------------------ dropout
def _probability(who: str, p: Any) -> float:
    real = isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool)
    if not (real and 0 <= p <= 1):
        raise ValueError(f"{who}: dropout probability has to be between 0 and 1, but got "
                         f"{p!r} (p is the probability of zeroing an element)")
    return float(p)


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False, *,
            generator: Any = None) -> Any:
    """In training, zero each element with probability ``p`` and scale the others by
    1 / (1 - p) (so the expected value is unchanged); with ``training=False``, the input.

    The mask comes from ``generator`` (an :class:`autograd_mini.Generator`, or a NumPy
    ``np.random.Generator``; an extension: PyTorch's dropout takes none) or the one
    :func:`autograd_mini.manual_seed` seeds: an element is kept where a uniform draw in
    [0, 1) is >= p. PyTorch's generator differs, so the masks differ for the same seed.
    """
    p = _probability("dropout", p)
    if inplace:
        raise NotImplementedError("dropout: inplace=True is not supported; use the result, "
                                  "x = F.dropout(x, p)")
    if not training or p == 0:
        return input
    x = _tensor("dropout", input)
    keep = rand(x.shape, generator=generator).data >= p
    scale = keep.astype(x.dtype)
    if p < 1:
        scale = scale * (1.0 / (1.0 - p))
    return x * scale


# ------------------------------------------------------------------ normalization
def _normalized_shape(who: str, shape: Any) -> tuple[int, ...]:
    items = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if (isinstance(items, Sequence) and not isinstance(items, str) and items
            and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0
                    for n in items)):
        return tuple(int(n) for n in items)
    raise ValueError(f"{who}: normalized_shape must be a positive int or a non-empty tuple "
                     f"of them (the trailing axes to normalize), got {shape!r}")


def layer_norm(input: Tensor, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """``(x - mean) / sqrt(var + eps)`` over the last ``len(normalized_shape)`` axes (each
    example on its own; var divides by n), then ``* weight + bias`` (if given)."""
    who = "layer_norm"
    shape = _normalized_shape(who, normalized_shape)
    x = _tensor(who, input)
    if x.shape[x.ndim - len(shape):] != shape or x.ndim < len(shape):
        raise RuntimeError(f"{who}: given normalized_shape={list(shape)}, expected input with "
                           f"shape [*, {', '.join(map(str, shape))}], but got input of size "
                           f"{list(x.shape)}")
    dims = tuple(range(x.ndim - len(shape), x.ndim))
    mean = x.mean(dims, keepdim=True)
    var = x.var(dims, keepdim=True, correction=0)
    out = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Any = None, bias: Any = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Each feature (axis 1 of an (N, C) or (N, C, L) input) normalized to mean 0 and
    variance 1, then ``* weight + bias`` (if given), as ``torch.nn.functional.batch_norm``.

    In training (or without running statistics) with the batch's mean and variance
    (divided by n); the running statistics, if given, are then updated in place:
    ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased,
    divided by n - 1). Otherwise with the running statistics.
    """
    who = "batch_norm"
    x = _tensor(who, input)
    if x.ndim not in (2, 3):
        raise ValueError(f"{who}: expected 2D or 3D input (N, C) or (N, C, L), got "
                         f"{x.ndim}D input of shape {x.shape}")
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        size = None if t is None else int(np.size(getattr(t, "data", t)))
        if size is not None and size != c:
            raise RuntimeError(f"{who}: {name} should contain {c} elements not {size}: the "
                               f"input has {c} features on axis 1 (shape {x.shape})")
    dims = (0,) if x.ndim == 2 else (0, 2)
    view = (1, c) if x.ndim == 2 else (1, c, 1)
    if training or running_mean is None or running_var is None:
        n = x.shape[0] * (1 if x.ndim == 2 else x.shape[2])
        if training and n <= 1:
            raise ValueError(f"{who}: expected more than 1 value per channel when training, "
                             f"got input of shape {x.shape}: the batch's variance needs two "
                             "or more; use a larger batch (or, with running statistics, "
                             "model.eval() first)")
        mean = x.mean(dims, keepdim=True)
        out = (x - mean) / (x.var(dims, keepdim=True, correction=0) + eps).sqrt()
        if training:
            _update_running(x.data, dims, n, running_mean, running_var, momentum)
    else:
        rm = np.asarray(running_mean.data).reshape(view)
        rv = np.asarray(running_var.data).reshape(view)
        out = (x - rm) / np.sqrt(rv + eps)
    if weight is not None:
        out = out * (weight.reshape(view) if isinstance(weight, Tensor)
                     else np.reshape(weight, view))
    if bias is not None:
        out = out + (bias.reshape(view) if isinstance(bias, Tensor) else np.reshape(bias, view))
    return out


def _update_running(x: np.ndarray[Any, Any], dims: tuple[int, ...], n: int,
                    running_mean: Tensor | None, running_var: Tensor | None,
                    momentum: float) -> None:
    """The running statistics moved towards the batch's, in place (PyTorch's formula)."""
    if running_mean is not None:
        mean = x.mean(axis=dims)
        running_mean.data = momentum * mean + (1 - momentum) * running_mean.data
    if running_var is not None:
        unbiased = x.var(axis=dims, ddof=1) if n > 1 else np.full(x.shape[1], np.nan)
        running_var.data = momentum * unbiased + (1 - momentum) * running_var.data
