"""The derivative rules of reductions, as a table: sum, mean, var, amax/amin, max/min of
every element, and the softmax family along one axis.

A reduction's context ``b`` is ``(dims, keepdim)`` (dims None: every axis). Its gradient is
the output's gradient spread back over the input (``_restore``); for amax/amin the elements
that tie for the maximum share it equally, as in PyTorch.

Forward mode (``jvp=``, beside each backward formula): a reduction's JVP is the same
reduction of the tangent weighted by the local derivative (sum: the sum of the tangent;
var: ``2/(n - correction) · Σ (a - mean) · t``; amax: the tangent's mean over the tied
maxima; softmax: ``out · (t - Σ out · t)``), PyTorch's formulas (derivatives.yaml's
``result:`` lines).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import unary
from .formulas import (
    _count,
    _cumsum,
    _data,
    _div,
    _exp_log_p,
    _permute,
    _quiet,
    _ratio,
    _reduced_shape,
    _restore,
    _where,
)

# ---- reductions; context (dims, keepdim), dims None meaning every axis. (np.add.reduce
# is np.sum without its Python wrapper, which costs more than summing a small array;
# the mean divides the sum by the count, exactly as np.mean does.)
SUM = unary("sum", "sum", lambda a, dk: np.add.reduce(a, axis=dk[0], keepdims=dk[1]),
            lambda g, a, dk, out: _restore(g, a.shape, *dk), reads="",
            jvp=lambda t, a, dk, out: np.add.reduce(t, axis=dk[0], keepdims=dk[1]))
MEAN = unary("mean", "mean", lambda a, dk: _div(np.add.reduce(a, axis=dk[0], keepdims=dk[1]),
                                                _count(a.shape, dk[0])),
             lambda g, a, dk, out: _restore(g / _count(a.shape, dk[0]), a.shape, *dk),
             reads="", jvp=lambda t, a, dk, out: _div(
                 np.add.reduce(t, axis=dk[0], keepdims=dk[1]), _count(a.shape, dk[0])))
# var: context (dims, keepdim, correction); d var / d a = 2 (a - mean) / (n - correction)
VAR = unary("var", "var", lambda a, ctx: _var_forward(a, *ctx),
            lambda g, a, ctx, out: (
                _ratio(2.0, _count(a.shape, ctx[0]) - ctx[2])
                * _restore(g, a.shape, ctx[0], ctx[1])
                * (a - a.mean(axis=ctx[0], keepdims=True))), reads="a",
            jvp=lambda t, a, ctx, out: _ratio(2.0, _count(a.shape, ctx[0]) - ctx[2]) * np.sum(
                (a - a.mean(axis=ctx[0], keepdims=True)) * t, axis=ctx[0], keepdims=ctx[1]))
# amax / amin: tied elements share the gradient equally (PyTorch's scale_grad_by_count; a
# group whose maximum is nan matches no element, so all of it gets nan, as in PyTorch)
AMAX = unary("amax", "max", lambda a, dk: np.maximum.reduce(a, axis=dk[0], keepdims=dk[1]),
             lambda g, a, dk, out: _even_share(g, a, out, *dk), reads="a out",
             jvp=lambda t, a, dk, out: _even_read(t, a, out, *dk))
AMIN = unary("amin", "min", lambda a, dk: np.minimum.reduce(a, axis=dk[0], keepdims=dk[1]),
             lambda g, a, dk, out: _even_share(g, a, out, *dk), reads="a out",
             jvp=lambda t, a, dk, out: _even_read(t, a, out, *dk))
# max() / min() of every element: the same, except that a nan result's gradient is shared by
# the nans (PyTorch's evenly_distribute_backward: it treats the two cases differently)
MAX_ALL = unary("max", "max", lambda a, _: np.maximum.reduce(a, axis=None),
                lambda g, a, _, out: _even_share(g, a, out, None, False, nan_matches=True),
                reads="a out",
                jvp=lambda t, a, _, out: _even_read(t, a, out, None, False, nan_matches=True))
MIN_ALL = unary("min", "min", lambda a, _: np.minimum.reduce(a, axis=None),
                lambda g, a, _, out: _even_share(g, a, out, None, False, nan_matches=True),
                reads="a out",
                jvp=lambda t, a, _, out: _even_read(t, a, out, None, False, nan_matches=True))

# prod: context (dim, keepdim), dim None meaning every element. PyTorch's prod_backward:
# g · out / a where no element is 0; else the product of the other elements, computed
# without dividing (so that a zero gives the exact product of the rest, not 0/0)
PROD = unary("prod", "prod", lambda a, dk: np.multiply.reduce(
    a if dk[0] is not None else np.reshape(a, -1), axis=dk[0] or 0, keepdims=dk[1]),
             lambda g, a, dk, out: _prod_backward(g, a, out, *dk), reads="a out",
             jvp=lambda t, a, dk, out: _prod_jvp(t, a, out, *dk))
# cumsum along dim: the gradient of element i is the sum of g over elements i, i+1, ...:
# PyTorch's reversed cumsum, g.flip(dim).cumsum(dim).flip(dim)
CUMSUM = unary("cumsum", "cumsum", lambda a, d: np.cumsum(a, axis=d),
               lambda g, a, d, out: _flip(_cumsum(_flip(g, d), d), d), reads="",
               jvp=lambda t, a, d, out: np.cumsum(t, axis=d))
# norm (p = 2) over dims: d |a| / d a = a / |a|, and 0 where |a| is 0 (PyTorch's
# norm_backward, which masks the 0/0 to 0: a subgradient)
NORM = unary("norm", "norm", lambda a, dk: np.sqrt(np.add.reduce(a * a, axis=dk[0],
                                                                  keepdims=dk[1])),
             lambda g, a, dk, out: _norm_backward(g, a, out, *dk), reads="a out",
             jvp=lambda t, a, dk, out: np.where(out == 0, 0.0, _div(
                 np.add.reduce(a * t, axis=dk[0], keepdims=dk[1]), out)))


def _prod_backward(g: Any, a: Any, out: Any, dim: int | None, keepdim: bool) -> Any:
    shape = a.shape
    if not shape:  # a 0-d tensor: prod is the identity
        return g
    if dim is None:  # every element: as a flat vector, then back to the shape
        return _prod_backward(g.reshape(1), a.reshape(-1), out.reshape(1), 0,
                              True).reshape(shape)
    if not keepdim:
        g, out = (x.reshape(_reduced_shape(shape, (dim,))) for x in (g, out))
    if not (_data(a) == 0).any():
        return g * _div(out, a)
    return g * _prod_others(a, dim)


def _prod_others(a: Any, dim: int) -> Any:
    """For each element of ``a``, the product of the others along ``dim`` (no division)."""
    n, ndim = a.shape[dim], len(a.shape)
    to_last = (*(i for i in range(ndim) if i != dim), dim)
    rows = _permute(a, to_last)[..., None, :]  # (..., 1, n): each row, once per element
    others = _where(np.eye(n, dtype=bool), 1.0, rows).prod(-1)  # its own entry set to 1
    return _permute(others, tuple(int(i) for i in np.argsort(to_last)))


def _prod_jvp(t: Any, a: Any, out: Any, dim: int | None, keepdim: bool) -> Any:
    # PyTorch's: d prod / d a (prod_backward with a gradient of ones) times t, summed over dim
    d = _prod_backward(np.ones_like(out), a, out, dim, keepdim)
    if not a.shape:
        return t * d
    return np.sum(d * t, axis=dim, keepdims=bool(keepdim and dim is not None))


def _flip(x: Any, dim: int) -> Any:
    return x[(slice(None),) * dim + (slice(None, None, -1),)]


def _norm_backward(g: Any, a: Any, out: Any, dims: Any, keepdim: bool) -> Any:
    if not keepdim:
        g, out = (x.reshape(_reduced_shape(a.shape, dims)) for x in (g, out))
    return a * _where(_data(out) == 0, 0.0, _div(g, out))


def _var_forward(a: Any, dims: Any, keepdim: bool, correction: float) -> Any:
    d = a - np.mean(a, axis=dims, keepdims=True)
    with _quiet():  # n - correction <= 0 gives inf or nan, as in PyTorch
        return np.true_divide(np.sum(d * d, axis=dims, keepdims=keepdim),
                              _count(a.shape, dims) - correction)


def _even_share(g: Any, a: Any, out: Any, dims: Any, keepdim: bool,
                nan_matches: bool = False) -> Any:
    # PyTorch's scale_grad_by_count(restore_reduced_dims(grad), restore(result) == self)
    ad = _data(a)
    od = np.reshape(_data(out), _reduced_shape(ad.shape, dims))
    mask = ad == od
    if nan_matches:
        mask |= np.isnan(ad) & np.isnan(od)
    count = mask.sum(axis=dims, keepdims=True, dtype=ad.dtype)
    return _div(_restore(g, ad.shape, dims, keepdim), count) * mask


def _even_read(t: Any, a: Any, out: Any, dims: Any, keepdim: bool,
               nan_matches: bool = False) -> Any:
    # PyTorch's amaxamin_jvp / evenly_read_jvp: the mean of the tangent over the elements
    # that tie for the maximum (the JVP twin of _even_share)
    mask = a == np.reshape(out, _reduced_shape(a.shape, dims))
    if nan_matches:
        mask |= np.isnan(a) & np.isnan(np.reshape(out, _reduced_shape(a.shape, dims)))
    count = mask.sum(axis=dims, keepdims=keepdim, dtype=a.dtype)
    return _div(np.sum(t * mask, axis=dims, keepdims=bool(keepdim)), count)


# ---- softmax family, along one axis (context: dim)
SOFTMAX = unary("softmax", "softmax", lambda a, dim: _softmax(a, dim),
                lambda g, a, dim, out: (g * out) - out * (g * out).sum(axis=dim, keepdims=True),
                reads="out",
                jvp=lambda t, a, dim, out: out * (t - (out * t).sum(axis=dim, keepdims=True)))
LOG_SOFTMAX = unary("log_softmax", "log_softmax", lambda a, dim: _log_softmax(a, dim),
                    lambda g, a, dim, out: g - _exp_log_p(out) * g.sum(axis=dim, keepdims=True),
                    reads="out",
                    jvp=lambda t, a, dim, out: t - (np.exp(out) * t).sum(axis=dim, keepdims=True))


def _softmax(a: Any, dim: int) -> Any:
    e = np.exp(a - np.maximum.reduce(a, axis=dim, keepdims=True))  # largest exponent 0:
    return e / np.add.reduce(e, axis=dim, keepdims=True)  # no overflow


def _log_softmax(a: Any, dim: int) -> Any:
    z, _, s = _log_softmax_parts(a, dim)
    return z - np.log(s)


def _log_softmax_parts(a: Any, dim: int) -> tuple[Any, Any, Any]:
    """z = a - max(a), exp(z) and its sum along ``dim``: log_softmax(a) is z - log(sum),
    softmax(a) is exp(z) / sum."""
    # log-sum-exp by max-subtraction, so logits of 1000 stay finite (np.maximum.reduce is
    # a.max() without the Python wrapper around it)
    z = a - np.maximum.reduce(a, axis=dim, keepdims=True)
    e = np.exp(z)
    return z, e, np.add.reduce(e, axis=dim, keepdims=True)


RULES = {r.name: r for r in (SUM, MEAN, VAR, AMAX, AMIN, MAX_ALL, MIN_ALL, PROD, CUMSUM,
                             NORM, SOFTMAX, LOG_SOFTMAX)}
"""The reduction rules by name."""
