"""cross_entropy's fast path: the flat picks, equal to the general path to the last bit.

In the usual training step (a C-contiguous batch of logits (N, C), N int64 labels that are
all class numbers, PyTorch's defaults: no weight, 'mean', nothing ignored),
``nn.functional.cross_entropy`` skips its general path's layers of checks and builds the
context here, with :func:`batch_picks`. Each label then picks its logit by one flat index,
``i*C + t_i``, into the flattened batch, which reads and writes three times quicker than the
pair of index arrays of the general path (``Picks.at``). The rule below is the general
``CROSS_ENTROPY`` rule of ``rules_losses.py`` with that one index: the same numbers in the
same order, so the same loss and gradient to the last bit (``tests/test_fast_paths.py``
runs both on the same logits and labels).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import unary
from .formulas import _div
from .rules_losses import (
    _INT64,
    Picks,
    _all_classes,
    _arange,
    _cross_entropy_backward,
    _cross_entropy_jvp,
    _nll_total,
)
from .rules_reductions import _log_softmax_parts
from .tensor import Tensor

__all__ = ["CROSS_ENTROPY_FLAT", "batch_picks"]


def batch_picks(a: np.ndarray[Any, Any], target: np.ndarray[Any, Any],
                ignore_index: int) -> Picks | None:
    """cross_entropy's context in the usual case, without the general path's layers: a
    batch of logits (N, C) with PyTorch's defaults and N int64 labels that are all class
    numbers (so none is ignored). None in any other case, which the general path checks
    and handles: the same numbers either way."""
    shape = a.shape
    if (len(shape) != 2 or target.dtype is not _INT64 or target.shape != shape[:1]
            or 0 <= ignore_index < shape[1] or not a.flags.c_contiguous
            or not _all_classes(target, shape[1])):
        return None
    n, c = shape
    # The picks by their flat index i*C + t_i (a new array: editing the caller's labels
    # later does not change the backward pass). The parts of log_softmax are C-contiguous
    # like a, so the flat index applies to them.
    return Picks(None, None, "mean", float(n), None, 1, *_log_softmax_parts(a, 1),
                 _arange(n * c, c) + target)


def _flat_forward(a: Any, ctx: Picks) -> Any:
    # as _cross_entropy_forward: z - log(sum_exp) of each picked element, picked by flat index
    return _nll_total(ctx.z.ravel()[ctx.flat] - np.log(ctx.sum_exp).squeeze(ctx.dim), ctx)


def _flat_backward(g: Any, a: Any, ctx: Picks, out: Any) -> Any:
    """As :func:`~autograd_mini.tensors.rules_losses._cross_entropy_backward`, with the one
    hot subtracted by flat index."""
    if a.__class__ is Tensor:  # recorded backward: the general formula, with the pair index
        at = np.unravel_index(ctx.flat, a.shape)
        return _cross_entropy_backward(g, a, ctx._replace(at=at, flat=None), out)
    if ctx.reduction == "mean":
        g = _div(g, ctx.total)
    s = g if ctx.weight is None else g * ctx.weight  # each target's share: () or target shape
    s_col = s if not s.shape else s.reshape((*s.shape[:ctx.dim], 1, *s.shape[ctx.dim:]))
    share = ctx.exp_z * (s_col / ctx.sum_exp)  # softmax · s (a column of sums: few divisions)
    # share is C-contiguous as exp_z is, so ravel() is a view that writes into it
    share.ravel()[ctx.flat] -= s
    return share


# the rule of a cross_entropy node made by the fast path (its name is cross_entropy's: it is
# the same op, so drawings and messages do not tell them apart)
CROSS_ENTROPY_FLAT = unary("cross_entropy", "cross_entropy", _flat_forward, _flat_backward,
                           reads="a", jvp=lambda t, a, ctx, out: _cross_entropy_jvp(
                               t, ctx, np.unravel_index(ctx.flat, a.shape)))
