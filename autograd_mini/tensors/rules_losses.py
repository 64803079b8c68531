"""The derivative rules of the losses, as a table: nll_loss, cross_entropy, binary
cross-entropy (of probabilities, and of logits). ``nn.functional`` builds the other losses
from the ops of the other tables.

nll_loss picks ``-input[i, target_i]``; its context is :class:`Picks`, which says which
log-probability each target picks. cross_entropy is nll_loss of log_softmax, as in PyTorch,
recorded as one node whose gradient is ``softmax - one_hot``. (Its fast path, the flat
picks, is in ``fast_cross_entropy.py``.)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..engine import binary, nary, unary
from .formulas import (
    _clamp_min,
    _div,
    _index_put,
    _log,
    _log1p,
    _log_sigmoid,
    _quiet,
    _sigmoid,
    unbroadcast,
)
from .tensor import Tensor


# ------------------------------------------------------------ what the targets pick
class Picks(NamedTuple):
    """The context of nll_loss and cross_entropy: which log-probability each target picks."""

    at: tuple[Any, ...] | None  # fancy index of input[i, target_i] (the class axis holds
    # the targets); None when `flat` below is given, which np.unravel_index turns into it
    # (the fast path of fast_cross_entropy.py)
    weight: Any  # each pick's weight, 0 where the target is ignored; None when all are 1
    reduction: str  # 'mean', 'sum' or 'none'
    total: float  # what 'mean' divides by: the total weight of the counted targets
    valid: Any  # boolean array, False where target == ignore_index; None if none is
    dim: int = 1  # the class axis
    # cross_entropy: the parts of log_softmax(input) = z - log(sum_exp), computed once:
    z: Any = None  # input - its maximum along dim (the loss reads only the picked ones) ...
    exp_z: Any = None  # ... exp(z) and its sum along dim, from which the backward pass
    sum_exp: Any = None  # gets softmax(input) = exp_z / sum_exp without an exp
    # fast_cross_entropy.py, for a C-contiguous (N, C) input: where each pick lies in the
    # flattened array (i*C + t_i), an index that reads and writes three times quicker than
    # the pair of arrays in `at`
    flat: Any = None


_INT64, _UINT64 = np.dtype(np.int64), np.dtype(np.uint64)


def _all_classes(t: np.ndarray[Any, Any], n_classes: int) -> bool:
    """Whether every label of the int64 array ``t`` (1-D, or C-contiguous) is in
    0 .. n_classes-1."""
    # one comparison for both ends: negative labels wrap around to huge unsigned numbers.
    # (argmax is a plain method, a fifth of the cost of a reduction with its ufunc machinery)
    u = t.view(_UINT64)
    if u.ndim != 1:
        u = u.reshape(-1)
    return not u.size or bool(u[u.argmax()] < n_classes)


_aranges: dict[tuple[int, int], np.ndarray[Any, Any]] = {}


def _arange(stop: int, step: int = 1) -> np.ndarray[Any, Any]:
    """0, step, 2·step, ... below stop, made once per (stop, step) (read-only: shared by
    every call): the rows of a batch, or where each row starts in the flattened batch."""
    a = _aranges.get((stop, step))
    if a is None:
        a = np.arange(0, stop, step)
        a.flags.writeable = False
        if len(_aranges) < 64:
            _aranges[stop, step] = a
    return a


# ------------------------------------------------------------ the formulas


def _nll_forward(log_p: Any, ctx: Picks) -> Any:
    return _nll_total(log_p[ctx.at], ctx)


def _cross_entropy_forward(a: Any, ctx: Picks) -> Any:
    # log_softmax(a) only where the targets pick it: z - log(sum_exp) of each picked element
    # (the same numbers as picking from the whole log_softmax, with one subtraction per row)
    return _nll_total(ctx.z[ctx.at] - np.log(ctx.sum_exp).squeeze(ctx.dim), ctx)


def _nll_total(picked: Any, ctx: Picks) -> Any:
    """The loss from the picked log-probabilities: weighted, negated, reduced."""
    if ctx.weight is not None:
        picked = picked * ctx.weight
    if ctx.valid is not None:  # ignored targets contribute 0 (even where the input is -inf)
        picked = np.where(ctx.valid, picked, 0.0)
    if ctx.reduction == "none":
        return -picked
    s = -np.add.reduce(picked, axis=None)
    return s if ctx.reduction == "sum" else _div(s, ctx.total)


def _nll_backward(g: Any, a: Any, ctx: Picks, out: Any) -> Any:
    # PyTorch's nll_loss_backward: -weight[t] * grad (/ total_weight for 'mean') at [i, t];
    # ignored targets have weight 0
    if ctx.reduction == "mean":
        g = _div(g, ctx.total)
    share = -g if ctx.weight is None else -g * ctx.weight
    return _index_put(share, a.shape, ctx.at, accumulate=False)


def _cross_entropy_backward(g: Any, a: Any, ctx: Picks, out: Any) -> Any:
    """d/d logits of nll_loss(log_softmax(logits)): (softmax - one_hot(target)) · weight · g.

    The same numbers as PyTorch's two steps (nll_loss_backward, then
    log_softmax_backward: g - exp(log_p) · sum(g)) to rounding, in three array operations
    (softmax from the exponentials the forward pass computed: an exp costs as much as
    the other operations together).
    """
    if ctx.reduction == "mean":
        g = _div(g, ctx.total)
    s = g if ctx.weight is None else g * ctx.weight  # each target's share: () or target shape
    s_col = s if not s.shape else s.reshape((*s.shape[:ctx.dim], 1, *s.shape[ctx.dim:]))
    if a.__class__ is Tensor:  # recorded backward: softmax as a differentiable op
        return a.softmax(ctx.dim) * s_col - _index_put(s, a.shape, ctx.at, accumulate=False)
    share = ctx.exp_z * (s_col / ctx.sum_exp)  # softmax · s (a column of sums: few divisions)
    share[ctx.at] -= s
    return share


def _cross_entropy_jvp(t: Any, ctx: Picks, at: Any) -> Any:
    """d loss = -(ṫ[target] - Σ softmax · ṫ) per pick, weighted and reduced as the loss:
    the tangent of log_softmax (t - Σ softmax · t) picked where the targets are."""
    softmax_t = np.add.reduce(ctx.exp_z * t, axis=ctx.dim) / np.squeeze(ctx.sum_exp, ctx.dim)
    return _nll_total(t[at] - softmax_t, ctx)


def _bce_logits_jvp(ts: list[Any], ps: list[Any], pos_weight: Any) -> Any:
    # the backward formula's two derivatives, each times its operand's tangent
    (tx, tt), (x, t) = ts, ps
    total: Any = 0.0
    if tx is not None:
        d = _sigmoid(x) - t if pos_weight is None else (
            (pos_weight * t + 1 - t) * _sigmoid(x) - pos_weight * t)
        total = total + tx * d
    if tt is not None:
        d = -x if pos_weight is None else -x - (pos_weight - 1) * _log_sigmoid(x)
        total = total + tt * d
    return total


# PyTorch clamps x(1 - x) at 1e-12 in single precision: float(np.float32(1e-12)) is
# 9.99999996e-13, and the gradient differs in the ninth digit where the clamp acts
_BCE_EPSILON = float(np.float32(1e-12))


def _bce_forward(x: Any, t: Any) -> Any:
    # log is clamped at -100, as PyTorch does, so a probability of exactly 0 or 1 gives
    # a finite loss
    with _quiet():
        return (t - 1) * np.maximum(np.log1p(-x), -100.0) - t * np.maximum(np.log(x), -100.0)


def _bce_logits_forward(ps: list[Any], pos_weight: Any) -> Any:
    x, t = ps
    if pos_weight is None:
        return (1 - t) * x - _log_sigmoid(x)
    return (1 - t) * x - ((pos_weight - 1) * t + 1) * _log_sigmoid(x)


def _bce_logits_backward(g: Any, ps: Any, pos_weight: Any, out: Any) -> list[Any]:
    # PyTorch's binary_cross_entropy_with_logits_backward and its target twin
    x, t = ps
    if pos_weight is None:
        return [unbroadcast(g * (_sigmoid(x) - t), x.shape),
                unbroadcast(g * -x, t.shape)]
    pt = pos_weight * t
    return [unbroadcast(g * ((pt + 1 - t) * _sigmoid(x) - pt), x.shape),
            unbroadcast(g * (-x - (pos_weight - 1) * _log_sigmoid(x)), t.shape)]


# -------------------------------------------------------------------------- the rules
# nll_loss picks -input[i, target_i] (context: Picks); cross_entropy is nll_loss of
# log_softmax, as in PyTorch, as one node whose gradient is softmax - one_hot. (A recorded
# backward pass of cross_entropy computes softmax from the logits, so it reads them.)
# (forward mode: both losses are sums of picked elements, so their JVPs pick the tangent)
NLL_LOSS = unary("nll_loss", "nll_loss", _nll_forward, _nll_backward, reads="",
                 jvp=lambda t, a, ctx, out: _nll_total(t[ctx.at], ctx))
CROSS_ENTROPY = unary("cross_entropy", "cross_entropy", _cross_entropy_forward,
                      _cross_entropy_backward, reads="a",
                      jvp=lambda t, a, ctx, out: _cross_entropy_jvp(t, ctx, ctx.at))
BCE = binary("binary_cross_entropy", "bce", _bce_forward,
             lambda g, x, t, out: unbroadcast(
                 _div(g * (x - t), _clamp_min(x * (1 - x), _BCE_EPSILON)), x.shape),
             lambda g, x, t, out: unbroadcast(g * (_log1p(-x) - _log(x)), t.shape),
             reads=("a b", "a b"),
             jvp=(lambda tx, x, t, out: _div(tx * (x - t), _clamp_min(x * (1 - x), _BCE_EPSILON)),
                  lambda tt, x, t, out: tt * (_log1p(-x) - _log(x))))
BCE_LOGITS = nary("binary_cross_entropy_with_logits", "bce_logits", _bce_logits_forward,
                  _bce_logits_backward, reads="a",
                  jvp=lambda ts, ps, pos_weight, out: _bce_logits_jvp(ts, ps, pos_weight))

RULES = {r.name: r for r in (NLL_LOSS, CROSS_ENTROPY, BCE, BCE_LOGITS)}
"""The loss rules by name."""
