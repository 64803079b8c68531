"""Argument checks shared by the Tensor's methods and functions: shapes, axes (PyTorch's
``dim`` or NumPy's ``axis``) and whether shapes broadcast.

They read only shapes and numbers, never a Tensor, and each error names the op and the
shapes involved, so that a learner can see what to change.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Shape = tuple[int, ...]


def _check_broadcast(op: str, s1: Shape, s2: Shape) -> None:
    """ValueError naming the op and both shapes unless NumPy can broadcast them."""
    if s1[len(s1) - len(s2):] == s2:  # the common case: a bias, (64, 128) with (128,)
        return
    for x, y in zip(s1[::-1], s2[::-1]):
        if x != y and x != 1 and y != 1:
            raise ValueError(
                f"{op}: cannot broadcast {s1} with {s2} (shapes are compared from the right; "
                "each pair of sizes must be equal, or one of them 1)"
            )


def _broadcast_shapes(op: str, *shapes: Shape) -> Shape:
    """The shape NumPy's broadcasting gives for ``shapes`` (ValueError naming op if none)."""
    ndim = max(len(s) for s in shapes)
    out = [1] * ndim
    for s in shapes:
        for i, n in enumerate(s, ndim - len(s)):
            if n != out[i] and out[i] != 1 and n != 1:
                listed = " with ".join(str(x) for x in shapes)
                raise ValueError(f"{op}: cannot broadcast {listed} (each pair of sizes, "
                                 "compared from the right, must be equal or one of them 1)")
            if n != 1:
                out[i] = n
    return tuple(out)


def _dims(op: str, dim: Any, axis: Any, ndim: int) -> tuple[int, ...] | None:
    """Reduction axes as a sorted tuple of non-negative ints (None: all axes).

    Accepts PyTorch's ``dim`` or NumPy's ``axis`` (one int or a tuple).
    """
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: give dim (PyTorch's name) or axis (NumPy's), not both")
        dim = axis
    if dim is None:
        return None
    items = dim if isinstance(dim, (tuple, list)) else (dim,)
    out = []
    for d in items:
        if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
            raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {d!r}")
        if ndim == 0 and d in (0, -1):  # PyTorch lets a 0-d tensor reduce over "dim 0"
            continue
        if not -ndim <= d < ndim:
            raise ValueError(f"{op}: dim {d} is out of range for a tensor with {ndim} "
                             f"dimension(s) (expected {-ndim} to {ndim - 1})")
        out.append(int(d) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: dim {dim!r} repeats an axis")
    return tuple(sorted(out)) or None  # an empty list of axes means all of them (PyTorch)


def _keep(keepdim: bool, keepdims: bool | None) -> bool:
    """PyTorch's ``keepdim``, unless NumPy's ``keepdims`` is given."""
    return bool(keepdim if keepdims is None else keepdims)


def _check_matmul(a: Shape, b: Shape) -> None:
    if not a or not b:
        raise ValueError(f"matmul: both operands need at least one dimension, got shapes {a} "
                         f"and {b}; use * to multiply by a scalar")
    k_a = a[-1]
    k_b = b[-2] if len(b) > 1 else b[0]
    if k_a != k_b:
        raise ValueError(f"matmul: cannot multiply shapes {a} and {b}: the inner sizes "
                         f"{k_a} (last axis of the left) and {k_b} (first matrix axis of "
                         "the right) differ")
    if len(a) > 2 or len(b) > 2:
        _broadcast_shapes("matmul (batch axes)", a[:-2], b[:-2])


def _shape_arg(shape: tuple[Any, ...]) -> Shape:
    """``reshape(2, 3)`` and ``reshape((2, 3))`` alike, as a tuple of ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"expected ints for a shape, got {shape!r}")
    return tuple(int(n) for n in shape)


def _one_dim(op: str, dim: Any, ndim: int) -> int:
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not lo <= dim <= hi:
        raise ValueError(f"{op}: dim {dim} is out of range for a tensor with {ndim} "
                         f"dimension(s) (expected {lo} to {hi})")
    return int(dim) % ndim if ndim else 0
