"""SGD's fast path: ``p -= lr * g`` for the usual case, in one short loop.

Plain SGD, p - lr * g, is most of what a training step of a small network does besides
its matrix products. ``SGD.step`` tries this loop first when no group asks for momentum,
weight decay or maximize; when it declines, the checked loop (``SGD._plain_step``) runs
instead, and it takes every case this one takes, so this file can be skipped on a first
reading.

What it takes: every parameter with a gradient is a Tensor whose writable array the
array of its gradient (a Tensor without history) matches in class (``np.ndarray``), shape
and dtype, and every group's lr is a Python float. At the first one that is not, it
returns without having written anything.

What it leaves out, and why that is safe here:

* the checks of ``_gradient`` (a gradient Tensor recorded with create_graph=True, a
  shape that would broadcast, a dtype that is not real numbers): the gradients it takes
  are the ones whose array ``_gradient`` hands back unchanged;
* computing every new value before writing any: once every gradient is taken, nothing
  left can fail (a subtraction of arrays of one shape and dtype into a writable array);
* a state entry per parameter: plain SGD keeps none, as in PyTorch.

Why the numbers are equal to the checked loop's, to the last bit: both compute
``lr * g`` the same way (NumPy rounds a Python float to the array's dtype, so the product
keeps that dtype), then subtract it from the parameter's numbers once, element by element:
the checked loop into the product's array, then copied into the parameter's array; this
one straight into the parameter's array, as torch's ``param.add_(g, alpha=-lr)``. Both
count the write as one in-place edit of the parameter. ``tests/test_fast_paths.py`` runs
the two on the same random parameters and requires equal arrays.

A parameter listed twice steps twice, here and in the checked loops, as in PyTorch. One
case where the loops part: a 0-d parameter is written into its array here, but gets a new
array from the checked loops (there lr * g is a NumPy scalar, with no array to subtract
into). The numbers of a 0-d step are the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensors import Tensor

__all__ = ["fast_sgd_step"]


def fast_sgd_step(param_groups: list[dict[str, Any]]) -> bool:
    """``p.data -= lr * p.grad`` in place for every parameter with a gradient, when all are
    the usual case (see the module's docstring), and True; False, with nothing written, at
    the first one that is not."""
    steps = []
    for group in param_groups:
        lr = group["lr"]
        if lr.__class__ is not float:
            return False
        for p in group["params"]:
            g = p.grad  # a Tensor's, or a Value's float (declined below)
            if g is None:
                continue
            if g.__class__ is not Tensor or g.requires_grad:
                return False
            grad, data = g._data, p._data
            if not (grad.__class__ is np.ndarray and data.__class__ is np.ndarray
                    and grad.dtype is data.dtype and grad.shape == data.shape
                    and data.flags.writeable):
                return False
            steps.append((p, lr * grad))
    Tensor._subtract_data(steps)  # into each array, as torch's param.add_(g, alpha=-lr)
    return True
