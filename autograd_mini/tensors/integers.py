"""What integer and bool tensors add: comparisons (``x > 0`` is a bool Tensor), the logical and
bitwise operators (``~ & | ^``), ``all``/``any``, the conversions ``long``, ``int``,
``bool``, and the division that keeps whole numbers whole: ``//`` (``floor_divide``), ``%``
(``remainder``) and ``fmod``, on floats too (a mixin class that ``Tensor`` is made of).

No gradient flows through any of these: their results are bool or integer tensors, which are
constants (only floating tensors can require grad, as in PyTorch). A mask such as ``x > 0``
is still useful to the graph: it indexes (``x[x > 0]``, with a gradient for ``x``), selects
(``where(x > 0, x, 0)``) and counts (``(x > 0).sum()``, an int64 tensor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..scalar import Value
from .arguments import _check_broadcast, _dims
from .methods import _TensorParts
from .nodes import (
    _BOOL,
    _INT32,
    _INT64,
    _as_tensor,
    _binary_node,
    _constant,
    _leaf,
    _mixing_error,
    _number,
    _number_node,
    _promote,
)
from .rules_arithmetic import FLOOR_DIVIDE, FMOD, REMAINDER

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .tensor import Tensor

Int = int  # inside class Tensor, `int` names its method Tensor.int


def _operand(other: Any, op: str) -> Any:
    """What a comparison compares with: a Tensor's array, or the operand itself for NumPy."""
    if isinstance(other, Value):
        raise _mixing_error(f"{op} of a Tensor with a Value")
    return other.data if other.__class__ is Tensor else other


class _IntegerOps(_TensorParts):
    """Comparisons, ~ & | ^, all, any, long, int, bool, and int(t) / range(t) for an integer
    tensor of one element."""

    __slots__ = ()

    # ---- comparisons: bool tensors (PyTorch's torch.eq ... and the operators)
    def _compare(self, other: Any, ufunc: Any, op: str) -> Tensor:
        o = _operand(other, op)
        if o is None or isinstance(o, (str, bytes)):
            raise TypeError(f"{op}: cannot compare a Tensor with {type(o).__name__} {o!r}; "
                            "compare with a number, an array or a Tensor")
        return _leaf(np.asarray(ufunc(self.data, o)))

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return self._compare(other, np.equal, "==")

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return self._compare(other, np.not_equal, "!=")

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less, "<")

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal, "<=")

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater, ">")

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal, ">=")

    def eq(self, other: Any) -> Tensor:
        """``self == other`` elementwise, a bool tensor."""
        return self._compare(other, np.equal, "eq")

    def ne(self, other: Any) -> Tensor:
        """``self != other`` elementwise, a bool tensor."""
        return self._compare(other, np.not_equal, "ne")

    def lt(self, other: Any) -> Tensor:
        """``self < other`` elementwise, a bool tensor."""
        return self._compare(other, np.less, "lt")

    def le(self, other: Any) -> Tensor:
        """``self <= other`` elementwise, a bool tensor."""
        return self._compare(other, np.less_equal, "le")

    def gt(self, other: Any) -> Tensor:
        """``self > other`` elementwise, a bool tensor."""
        return self._compare(other, np.greater, "gt")

    def ge(self, other: Any) -> Tensor:
        """``self >= other`` elementwise, a bool tensor."""
        return self._compare(other, np.greater_equal, "ge")

    # ---- logical (bool) and bitwise (integer) operators
    def __invert__(self) -> Tensor:
        """``~mask`` (logical not of a bool tensor; bitwise not of an integer one)."""
        d = self.data
        if d.dtype.kind == "f":
            raise TypeError(f"~ (operator.invert) is only implemented on integer and bool "
                            f"tensors, got {d.dtype}; for a mask write ~(t != 0), or 1 - t "
                            "for numbers")
        return _leaf(np.invert(d))

    def _bitwise(self, other: Any, ufunc: Any, symbol: str, reflected: bool = False) -> Any:
        if isinstance(other, Value):
            raise _mixing_error(f"Tensor {symbol} Value")
        o = _as_tensor(other, self, f"Tensor {symbol} {type(other).__name__}")  # type: ignore
        a, b = (o, self) if reflected else (self, o)
        ad, bd = a.data, b.data
        for dt in (ad.dtype, bd.dtype):
            if dt.kind == "f":
                raise NotImplementedError(
                    f"{symbol}: bitwise and logical operators are not implemented for {dt} "
                    "tensors (as in PyTorch); they take bool masks (x > 0) and integers")
        _check_broadcast(symbol, ad.shape, bd.shape)
        a, b = _promote((a, b))  # type: ignore[arg-type]  # PyTorch's promotion
        return _leaf(np.asarray(ufunc(a.data, b.data)))

    def __and__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_and, "&")  # type: ignore[no-any-return]

    def __rand__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_and, "&", True)  # type: ignore[no-any-return]

    def __or__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_or, "|")  # type: ignore[no-any-return]

    def __ror__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_or, "|", True)  # type: ignore[no-any-return]

    def __xor__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_xor, "^")  # type: ignore[no-any-return]

    def __rxor__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_xor, "^", True)  # type: ignore[no-any-return]

    def logical_not(self) -> Tensor:
        """A bool tensor: True where this tensor is 0 (or False)."""
        return _leaf(np.logical_not(self.data))

    # ---- floor division and remainders: nodes of their rules (rules_arithmetic.py)
    def _divide(self, other: Any, rule: Any, symbol: str, reflected: bool = False) -> Any:
        """``self <rule> other`` (``other <rule> self`` if ``reflected``): a number becomes a
        0-d constant of the dtype PyTorch gives the result, an array a constant leaf."""
        if other.__class__ is Tensor:
            o = other
        elif isinstance(other, Value):
            raise _mixing_error(f"Tensor {symbol} Value")
        elif _number(other) is not None:
            return _number_node(rule, self, other, reflected)  # type: ignore[arg-type]
        else:
            name = type(other).__name__
            o = _constant(other, self, f"{name} {symbol} Tensor" if reflected  # type: ignore
                          else f"Tensor {symbol} {name}")
            if o is None:
                return NotImplemented
        return _binary_node(rule, o, self) if reflected else _binary_node(rule, self, o)  # type: ignore

    def __floordiv__(self, other: Any) -> Tensor:
        """``a // b``: the quotient rounded down, as Python and PyTorch (``-7 // 2`` is -4);
        no gradient flows through it (as in PyTorch: a RuntimeError in backward)."""
        return self._divide(other, FLOOR_DIVIDE, "//")  # type: ignore[no-any-return]

    def __rfloordiv__(self, other: Any) -> Tensor:
        return self._divide(other, FLOOR_DIVIDE, "//", True)  # type: ignore[no-any-return]

    def __mod__(self, other: Any) -> Tensor:
        """``a % b``: the remainder with the sign of ``b`` (``-7 % 3`` is 2), as Python and
        torch.remainder; d/da = 1, d/db = -floor(a / b)."""
        return self._divide(other, REMAINDER, "%")  # type: ignore[no-any-return]

    def __rmod__(self, other: Any) -> Tensor:
        return self._divide(other, REMAINDER, "%", True)  # type: ignore[no-any-return]

    def floor_divide(self, other: Any) -> Tensor:
        """``self // other`` (PyTorch's ``torch.floor_divide``)."""
        return self._divide(other, FLOOR_DIVIDE, "//")  # type: ignore[no-any-return]

    def remainder(self, other: Any) -> Tensor:
        """``self % other``: the sign of ``other`` (PyTorch's ``torch.remainder``)."""
        return self._divide(other, REMAINDER, "%")  # type: ignore[no-any-return]

    def fmod(self, other: Any) -> Tensor:
        """C's fmod: the remainder with the sign of ``self`` (``fmod(-7, 3)`` is -1), as
        ``torch.fmod``; d/dself = 1, d/dother = -trunc(self / other)."""
        return self._divide(other, FMOD, "fmod")  # type: ignore[no-any-return]

    # ---- all, any: bool tensors
    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where every element (along ``dim``; of all of them by default) is nonzero."""
        dims = _dims("all", dim, None, self.data.ndim)
        return _leaf(np.asarray(np.all(self.data, axis=dims, keepdims=bool(keepdim))))

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where some element (along ``dim``; of all of them by default) is nonzero."""
        dims = _dims("any", dim, None, self.data.ndim)
        return _leaf(np.asarray(np.any(self.data, axis=dims, keepdims=bool(keepdim))))

    # ---- conversions
    def long(self) -> Tensor:
        """As int64 (PyTorch's ``t.long()``): floats are truncated toward zero; a constant."""
        return self.to(_INT64)  # type: ignore[attr-defined,no-any-return]

    def int(self) -> Tensor:
        """As int32 (PyTorch's ``t.int()``)."""
        return self.to(_INT32)  # type: ignore[attr-defined,no-any-return]

    def bool(self) -> Tensor:
        """As bool (PyTorch's ``t.bool()``): True where nonzero."""
        return self.to(_BOOL)  # type: ignore[attr-defined,no-any-return]

    def __index__(self) -> Int:
        """An integer tensor of one element as a Python int (``range(t)``, ``lst[t]``)."""
        d = self.data
        if d.dtype.kind not in "iu" or d.size != 1:
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index; this one has dtype {d.dtype} and shape {d.shape}")
        return int(d.reshape(()))

