"""The Tensor's in-place methods, PyTorch's trailing-underscore spellings: add_, mul_,
zero_, fill_, copy_ and clamp_ (a mixin class that ``Tensor`` is made of).

Each stores the new numbers in ``.data`` as the in-place operators (``t += x``) do, so each
counts as one edit in the tensor's version counter (see ``tensor.py``): a graph recorded
before the edit whose backward pass reads the tensor's numbers then refuses to run. As with
those operators, the numbers are a new array: a view made before the edit (``t.T``,
``t[0]``) keeps the old ones, where in PyTorch, whose in-place ops write into the shared
memory, it would change too (the edit is counted for it all the same).

When they are allowed. As the in-place operators: on a tensor that needs no gradient, or
under ``no_grad()`` (a parameter update, ``w.grad``-style resets, initialisation). PyTorch
refuses the same edit of a leaf that requires grad, with the same RuntimeError class. It
also allows an in-place op on a *non-leaf* result, or with an operand that requires grad,
recording it in the graph; here both are refused too (with advice to write ``t = t + x``),
because a node here keeps its operands' numbers instead of rewriting its history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import is_grad_enabled
from ..scalar import Value
from .arguments import _broadcast_shapes
from .formulas import _quiet
from .methods import _TensorParts
from .nodes import _as_tensor, _describe, _mixing_error, _number

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .tensor import Tensor

Real = float  # inside class Tensor, `float` names its method Tensor.float


class _InPlace(_TensorParts):
    """add_, mul_, zero_, fill_, copy_, clamp_: edits of the tensor's own numbers."""

    __slots__ = ()

    def _write(self, op: str, other: Any, compute: Any) -> Tensor:
        """Check that ``op`` may edit this tensor, then store ``compute(data, operand)``."""
        if is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False)):
            raise RuntimeError(
                f"{op}: an in-place change of a tensor that requires grad (or with an operand "
                "that does) is only allowed under no_grad(), as in PyTorch for a leaf (a "
                "parameter update); write t = t + ... to record the operation instead")
        if isinstance(other, Value):
            raise _mixing_error(op)
        o = None if other is None else (other.data if other.__class__ is Tensor else
                                        _as_tensor(other, self, op).data)  # type: ignore[arg-type]
        if o is not None:
            shape = _broadcast_shapes(op, self.data.shape, np.shape(o))
            if shape != self.data.shape:
                raise RuntimeError(f"{op}: the operand of shape {np.shape(o)} does not fit the "
                                   f"tensor's shape {self.shape} (an in-place change keeps the "
                                   f"shape; the result would have shape {shape})")
        with _quiet():
            new = np.asarray(compute(self.data, o))
            self.data = np.array(np.broadcast_to(new, self.data.shape), dtype=self.data.dtype)
        return self  # type: ignore[return-value]

    def add_(self, other: Any, *, alpha: Real = 1) -> Tensor:
        """``self += alpha * other`` in place (other broadcast to self's shape)."""
        a = _scalar("add_", "alpha", alpha)
        return self._write("add_", other, lambda x, o: x + o if a == 1 else x + a * o)

    def mul_(self, other: Any) -> Tensor:
        """``self *= other`` in place (other broadcast to self's shape)."""
        return self._write("mul_", other, np.multiply)

    def zero_(self) -> Tensor:
        """Every element set to 0, in place (as ``w.grad.zero_()`` in PyTorch)."""
        return self._write("zero_", None, lambda x, o: np.zeros_like(x))

    def fill_(self, value: Any) -> Tensor:
        """Every element set to ``value`` (a number, or a one-element tensor), in place."""
        if value.__class__ is Tensor:
            if value.data.ndim:
                raise RuntimeError(f"fill_: the value must be a number or a 0-d tensor, got a "
                                   f"tensor of shape {value.shape}; use copy_ to copy a tensor")
            v: Any = value
        else:
            v = _scalar("fill_", "value", value)
        return self._write("fill_", v, lambda x, o: np.full_like(x, o))

    def copy_(self, src: Any) -> Tensor:
        """The numbers of ``src`` (broadcast to self's shape, in self's dtype), in place."""
        return self._write("copy_", src, lambda x, o: o)

    def clamp_(self, min: Real | None = None, max: Real | None = None) -> Tensor:
        """:meth:`clamp` in place: values limited to [min, max]."""
        lo, hi = _bounds(min, max)
        return self._write("clamp_", None, lambda x, o: np.clip(x, lo, hi))


def _zero_grad(p: Tensor, set_to_none: bool) -> None:
    """``zero_grad`` for one parameter, as PyTorch's: ``.grad = None``, or with
    ``set_to_none=False`` its gradient Tensor zeroed in place, the same object (detached
    first if it has history); a gradient that is None stays None."""
    g = p.grad
    if g is None or set_to_none:
        p.grad = None
        return
    if g.requires_grad:  # recorded with create_graph: keep the numbers, drop the history
        g = p.grad = g.detach()
    g._set_data(np.zeros_like(g._data))  # zero_() without its checks: one counted edit


def _scalar(op: str, name: str, v: Any) -> float:
    c = _number(v)
    if c is None:
        raise TypeError(f"{op}: {name} must be a number, got {_describe(v)}")
    return c


def _bounds(lo: Any, hi: Any) -> tuple[float | None, float | None]:
    """clamp_'s bounds checked as clamp checks them."""
    out = tuple(None if v is None else _number(v) for v in (lo, hi))
    for name, v, f in (("min", lo, out[0]), ("max", hi, out[1])):
        if v is not None and f is None:
            raise TypeError(f"clamp_: {name} must be a number or None, got {_describe(v)}")
    if out[0] is None and out[1] is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    return out[0], out[1]
