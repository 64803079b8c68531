"""Functions of tensors that are not methods (PyTorch's ``torch.cat``, ``torch.where`` ...):
cat, stack, where, maximum, minimum, zeros_like, ones_like, empty_like and full_like.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import Rule
from .arguments import _broadcast_shapes, _one_dim
from .devices import _check_device
from .factories import empty, full, ones, rand, randn, zeros
from .formulas import _data
from .nodes import _as_tensor, _binary_node, _describe, _held_any, _make, _promote
from .rules_arithmetic import MAXIMUM, MINIMUM
from .rules_shape import CAT, STACK, WHERE

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .tensor import Tensor

__all__ = ["cat", "concatenate", "empty_like", "full_like", "maximum", "minimum", "ones_like",
           "stack", "where", "zeros_like"]


def _many(op: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {_describe(tensors)}")
    if not tensors:
        raise ValueError(f"{op}: expected at least one tensor, got an empty sequence")
    like = next((t for t in tensors if t.__class__ is Tensor), None)
    return _promote([_as_tensor(t, like, op) for t in tensors])


def _nary_node(rule: Rule, ts: list[Tensor], ctx: Any) -> Tensor:
    return _make(rule.forward([t.data for t in ts], ctx), rule, tuple(ts), ctx,
                 any(t.requires_grad for t in ts))


def cat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Tensors joined along an existing axis ``dim`` (shapes must agree elsewhere)."""
    ts = _many("cat", tensors)
    ndim = ts[0].data.ndim
    if ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated; use stack")
    zero_d = next((i for i, t in enumerate(ts) if not t.data.ndim), None)
    if zero_d is not None:  # as PyTorch: no 0-d operand, so no question of its promotion
        raise ValueError(f"cat: the tensor at position {zero_d} is zero-dimensional and cannot "
                         "be concatenated; give it a dimension, e.g. t.reshape(1)")
    d = _one_dim("cat", dim, ndim)
    for t in ts:
        s0, s = ts[0].data.shape, t.data.shape
        if len(s) != ndim or s[:d] + s[d + 1:] != s0[:d] + s0[d + 1:]:
            raise ValueError(f"cat: shapes {s0} and {s} differ outside dim {d}")
    bounds = [0]
    for t in ts:
        bounds.append(bounds[-1] + t.data.shape[d])
    return _nary_node(CAT, ts, (d, tuple(bounds)))


concatenate = cat


def stack(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """Tensors of one shape stacked along a new axis ``dim``."""
    ts = _many("stack", tensors)
    shapes = {t.data.shape for t in ts}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    d = _one_dim("stack", dim, ts[0].data.ndim + 1)
    return _nary_node(STACK, ts, d)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """``x`` where ``condition`` is True, else ``y`` (all three broadcast together).

    ``condition`` is a bool tensor, such as ``t > 0`` (or a boolean NumPy array). The
    gradient goes to ``x`` where the condition holds and to ``y`` elsewhere.
    """
    if condition.__class__ is Tensor:
        if condition.data.dtype != bool:
            raise RuntimeError(f"where: expected condition to be a bool tensor (e.g. t > 0), "
                               f"got dtype {condition.data.dtype}; use cond != 0 for a mask")
        condition = condition.data
    cond = np.array(condition)  # a copy: later edits of the mask cannot reach the backward pass
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be a boolean array (e.g. t > 0), got dtype "
                        f"{cond.dtype}; use cond != 0 for a mask")
    like = x if x.__class__ is Tensor else y if y.__class__ is Tensor else None
    ts = _promote([_as_tensor(v, like, "where") for v in (x, y)])
    _broadcast_shapes("where", cond.shape, ts[0].data.shape, ts[1].data.shape)
    return _nary_node(WHERE, ts, cond)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of ``a`` and ``b`` (broadcast); ties share the gradient."""
    like = a if a.__class__ is Tensor else b if b.__class__ is Tensor else None
    return _binary_node(MAXIMUM, _as_tensor(a, like, "maximum"), _as_tensor(b, like, "maximum"))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise smaller of ``a`` and ``b`` (broadcast); ties share the gradient."""
    like = a if a.__class__ is Tensor else b if b.__class__ is Tensor else None
    return _binary_node(MINIMUM, _as_tensor(a, like, "minimum"), _as_tensor(b, like, "minimum"))


def _like(input: Any, dtype: Any, device: Any, who: str) -> tuple[Any, Any]:
    """The shape and dtype (``input``'s unless ``dtype=`` says) of a ``*_like`` result."""
    if device is not None:
        _check_device(device, who)
    return np.shape(_data(input)), dtype if dtype is not None else _dtype_of(input)


def zeros_like(input: Any, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    """Zeros of ``input``'s shape (and dtype unless given); ``device``: None or "cpu"."""
    shape, dt = _like(input, dtype, device, "zeros_like")
    return zeros(shape, dtype=dt, requires_grad=requires_grad)


def ones_like(input: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """Ones of ``input``'s shape (and dtype unless given); ``device``: None or "cpu"."""
    shape, dt = _like(input, dtype, device, "ones_like")
    return ones(shape, dtype=dt, requires_grad=requires_grad)


def empty_like(input: Any, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    """A tensor of ``input``'s shape (and dtype unless given) to be filled in, as
    ``torch.empty_like``; its numbers are zeros here (see :func:`empty`)."""
    shape, dt = _like(input, dtype, device, "empty_like")
    return empty(shape, dtype=dt, requires_grad=requires_grad)


def full_like(input: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype (unless ``dtype=``), as
    ``torch.full_like``: unlike :func:`full`, the dtype is ``input``'s, not the number's, so
    ``full_like(int_tensor, 2.7)`` holds 2 (the number converted as PyTorch converts it,
    dropping the fraction)."""
    shape, dt = _like(input, dtype, device, "full_like")
    # (dt is None for a Python number or list as input: full then gives the number's dtype)
    return full(shape, fill_value, dtype=dt, requires_grad=requires_grad)


def _random_like(input: Any, dtype: Any, device: Any, who: str) -> tuple[Any, Any]:
    """The shape and floating dtype of a ``randn_like`` / ``rand_like`` result."""
    shape, dt = _like(input, dtype, device, who)
    if dt is not None and np.dtype(dt).kind != "f":
        raise NotImplementedError(f"{who}: random samples of dtype {np.dtype(dt)} are not "
                                  "implemented (as in PyTorch): pass a floating dtype, e.g. "
                                  f"{who}(t, dtype=float64)")
    return shape, dt


def randn_like(input: Any, *, generator: Any = None, dtype: Any = None,
               requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples of ``input``'s shape (and floating dtype unless given)."""
    shape, dt = _random_like(input, dtype, device, "randn_like")
    return randn(shape, generator=generator, dtype=dt, requires_grad=requires_grad)


def rand_like(input: Any, *, generator: Any = None, dtype: Any = None,
              requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1) of ``input``'s shape (and floating dtype unless given)."""
    shape, dt = _random_like(input, dtype, device, "rand_like")
    return rand(shape, generator=generator, dtype=dt, requires_grad=requires_grad)


def _dtype_of(t: Any) -> Any:
    dt = getattr(_data(t), "dtype", None)
    return None if dt is None else _held_any(dt) if t.__class__ is Tensor or dt.kind == "f" \
        else None
