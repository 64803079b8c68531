"""The helpers the derivative formulas call, on NumPy arrays or on Tensors.

Each formula of the rule tables is written once and runs on two kinds of operands: NumPy
arrays in an ordinary backward pass, Tensors when ``create_graph=True`` records the backward
pass. Operators (+ - * / @), ``.shape``, ``.reshape``, ``.sum(axis=, keepdims=)`` and
``.swapaxes`` work on both; the few functions that differ dispatch here.

Broadcasting follows NumPy. An operand that was broadcast gets back a gradient of its own
shape through one helper, :func:`unbroadcast`, which sums over the axes broadcasting added
(leading axes) or stretched (size-1 axes).

The rule tables are built from these functions, so this file imports no other file of
the package (but ``arguments.py``, which imports none): the class ``Tensor`` and the few
functions its Tensor branches call to make nodes (``where``, ``minimum``, ``zeros_like``,
``_make`` with the rule ``INDEX_PUT``) are given to it by ``tensor.py`` once they exist, as
globals of its own (see the end of ``tensor.py``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .arguments import Shape

if TYPE_CHECKING:  # at run time, globals that tensor.py sets once the class exists
    from .functions import minimum, where, zeros_like
    from .nodes import _make
    from .rules_shape import INDEX_PUT
    from .tensor import Tensor


# ------------------------------------------------------------------ shape helpers
def unbroadcast(grad: Any, shape: Shape, view: bool = False) -> Any:
    """Sum ``grad`` down to ``shape``: the gradient of an operand that was broadcast.

    Broadcasting copies an operand along axes it lacks (leading axes) and along
    axes where it has size 1; each copy sent gradient back, so the copies' shares
    are added up. ``grad`` is an array, or a Tensor when the backward pass is
    recorded (both have ``.sum(axis=..., keepdims=...)`` and ``.reshape``).
    With ``view=True`` an unchanged array comes back as a view (see _passed_on).
    """
    gshape = grad.shape
    if gshape == shape:
        return _passed_on(grad) if view else grad
    lead = len(gshape) - len(shape)
    if lead == 1 and gshape[1:] == shape:  # a bias: (64, 128) -> (128,)
        if grad.__class__ is np.ndarray:
            return np.add.reduce(grad, axis=0)  # grad.sum(axis=0) without its Python wrapper
        return grad.sum(axis=0)
    stretched = tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    if not stretched:  # only leading axes were added: (64, 128) -> (128,)
        return grad.sum(axis=tuple(range(lead)))
    return grad.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


def _passed_on(g: Any) -> Any:
    """``g`` handed on unchanged, as a new view of the same numbers.

    No backward formula hands one array object to two parents: ``a + b`` gives
    ``g`` itself to ``a`` and a view of it to ``b``. So a gradient array whose
    ``base`` is None can reach only one leaf, which may keep it without a copy
    (see ``Tensor._first_grad``); a view is copied there.
    """
    return g[...] if g.__class__ is np.ndarray else g


def _reduced_shape(shape: Shape, dims: tuple[int, ...] | None) -> Shape:
    """``shape`` with the reduced axes kept as size 1 (what keepdim=True gives)."""
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _count(shape: Shape, dims: tuple[int, ...] | None) -> int:
    """How many elements each reduced output element summarises."""
    if dims is None:
        return math.prod(shape)
    return math.prod(shape[d] for d in dims)


# ------------------------------------------------------------------ formula helpers
# (each takes NumPy arrays in an ordinary backward pass, Tensors in a recorded one)
def _data(x: Any) -> Any:
    """The array inside a Tensor (masks and tests look at numbers, not at nodes)."""
    return x.data if x.__class__ is Tensor else x


def _quiet() -> Any:
    """IEEE results without NumPy's warnings: 1/0 is inf, log(0) is -inf, as in PyTorch."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def _div(a: Any, b: Any) -> Any:
    if a.__class__ is Tensor or b.__class__ is Tensor or (b.__class__ in (float, int) and b):
        return a / b  # a Tensor op, or a nonzero number: nothing to warn about
    with _quiet():
        return np.true_divide(a, b)


def _exp(x: Any) -> Any:
    if x.__class__ is Tensor:
        return x.exp()
    with _quiet():
        return np.exp(x)


def _exp_log_p(x: Any) -> Any:
    """exp of log-probabilities (all <= 0, so it cannot overflow: no warning to silence)."""
    return x.exp() if x.__class__ is Tensor else np.exp(x)


def _log(x: Any) -> Any:
    if x.__class__ is Tensor:
        return x.log()
    with _quiet():
        return np.log(x)


def _log1p(x: Any) -> Any:
    if x.__class__ is Tensor:
        return x.log1p()
    with _quiet():
        return np.log1p(x)


def _sin(x: Any) -> Any:
    return x.sin() if x.__class__ is Tensor else np.sin(x)


def _cos(x: Any) -> Any:
    return x.cos() if x.__class__ is Tensor else np.cos(x)


def _cumsum(x: Any, dim: int) -> Any:
    return x.cumsum(dim) if x.__class__ is Tensor else np.cumsum(x, axis=dim)


def _sqrt(x: Any) -> Any:
    with _quiet():
        return np.sqrt(x)


def _ratio(a: float, b: float) -> float:
    """a / b for Python numbers, IEEE style (a float, never a NumPy scalar: a float64
    scalar would turn float32 gradients into float64)."""
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


_FLOAT = np.dtype(np.float64)


def _pow(a: Any, b: Any) -> Any:
    if a.__class__ is Tensor or b.__class__ is Tensor:
        return a**b
    if (getattr(a, "dtype", _FLOAT).kind in "iub" and getattr(b, "dtype", _FLOAT).kind in "iub"
            and b.size and b.min() < 0):  # (a number is a float here: RPOW's c ** a)
        return _int_pow(a, b)
    with _quiet():
        return np.power(a, b)


def _int_pow(a: Any, b: Any) -> Any:
    """Integers to integer powers some of which are negative, as PyTorch computes them (NumPy
    refuses): 1 ** -n is 1, (-1) ** -n is 1 or -1 as n is even or odd, any other base gives
    0, the whole part of 1 / a ** n (0 ** -n too). (A negative *number* exponent, t ** -1,
    is an error, as in PyTorch: see _number_node.)"""
    out = np.power(a, np.maximum(b, 0))
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, negative, out).astype(out.dtype, copy=False)


def _zero_divisor(op: str, b: Any) -> None:
    """RuntimeError for an integer division by zero, as PyTorch's (NumPy gives 0 and warns)."""
    if b.dtype.kind != "f" and not np.all(b):
        at = f" at position {tuple(int(i) for i in np.argwhere(b == 0)[0])}" if b.ndim else ""
        raise RuntimeError(f"{op}: integer division by zero (ZeroDivisionError in PyTorch "
                           f"too): the divisor is 0{at}. Integers have no inf or nan; "
                           "convert to float first (t.double()) for those, or mask the "
                           "zeros out")


def _floor_divide(a: Any, b: Any) -> Any:
    """``a // b``: the quotient rounded down (toward -inf), as Python and PyTorch round it
    (C's integer division rounds toward 0). For floats NumPy's algorithm is PyTorch's:
    from fmod, so ``a - b * (a // b)`` is ``a % b`` exactly."""
    _zero_divisor("floor_divide", b)
    with _quiet():
        return np.floor_divide(a, b)


def _remainder(a: Any, b: Any) -> Any:
    """``a % b``: the remainder with the sign of the divisor, ``a - b * (a // b)``, as
    Python's % and torch.remainder (``-7 % 3`` is 2)."""
    _zero_divisor("remainder", b)
    if a.dtype.kind != "f":
        return np.remainder(a, b)
    with _quiet():
        # PyTorch's formula: fmod, moved by b when the signs differ. (np.remainder gives a
        # zero remainder b's sign, -0.0 % 3 = 0.0; PyTorch keeps fmod's, -0.0.)
        mod = np.fmod(a, b)
        return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def _fmod(a: Any, b: Any) -> Any:
    """``fmod(a, b)``: the remainder with the sign of the dividend, ``a - b * trunc(a / b)``,
    as C's fmod and torch.fmod (``fmod(-7, 3)`` is -1)."""
    _zero_divisor("fmod", b)
    with _quiet():
        return np.fmod(a, b)


def _floor_quotient(a: Any, b: Any) -> Any:
    """floor(a / b) as PyTorch's div(rounding_mode="floor"), a constant (its derivative is
    0, as PyTorch's): what the remainder's gradient for b multiplies by."""
    with _quiet():
        return np.floor_divide(_data(a), _data(b))


def _trunc_quotient(a: Any, b: Any) -> Any:
    """trunc(a / b) as PyTorch's div(rounding_mode="trunc"), a constant: fmod's."""
    with _quiet():
        return np.trunc(np.true_divide(_data(a), _data(b)))


def _pow_scalar(a: Any, c: float) -> Any:
    """``a ** c`` for a number ``c``, computed as torch.pow(tensor, c) computes it.

    PyTorch replaces a few exponents by cheaper formulas (x*x for 2, 1/sqrt(x) for -0.5
    ...). They round differently from pow, and differ at the edges too: sqrt(-inf) is nan
    where pow(-inf, 0.5) is inf. Using the same ones makes results and gradients agree.
    """
    if a.__class__ is Tensor:
        return a**c
    with _quiet():
        if c == 2.0:
            return a * a
        if c == 3.0:
            return a * a * a
        if c == 0.5:
            return np.sqrt(a)
        if c == -0.5:
            return 1.0 / np.sqrt(a)
        if c == -1.0:
            return 1.0 / a
        if c == -2.0:
            return 1.0 / (a * a)
        return np.power(a, c)


def _sign(a: Any) -> Any:
    """-1, 0 or 1 like np.sign, but 0 for nan, as PyTorch's sign (the gradient of abs)."""
    s = np.sign(a)
    return np.where(s == s, s, 0.0)


def _sigmoid(x: Any) -> Any:
    if x.__class__ is Tensor:
        return x.sigmoid()
    with _quiet():  # exp(1000) is inf and 1 / inf is 0: the right answer, no warning
        return 1.0 / (1.0 + np.exp(-x))


def _log_sigmoid(x: Any) -> Any:
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)): finite for any finite x."""
    if x.__class__ is Tensor:
        return minimum(x, 0.0) - (-x.abs()).exp().log1p()
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _where(mask: Any, x: Any, y: Any) -> Any:
    if x.__class__ is Tensor or y.__class__ is Tensor:
        return where(mask, x, y)
    return np.where(mask, x, y)


def _clamp_min(x: Any, lo: float) -> Any:
    return x.clamp(min=lo) if x.__class__ is Tensor else np.maximum(x, lo)


def _zeros_like(x: Any) -> Any:
    if x.__class__ is Tensor:
        return zeros_like(x)
    return np.zeros_like(x)


def _expand(g: Any, shape: Shape) -> Any:
    """``g`` broadcast to ``shape`` (a read-only view for arrays, an expand node for Tensors).

    ``g`` has as many axes as ``shape``, with size 1 where it is to be repeated.
    """
    if g.__class__ is Tensor:
        return g.expand(shape)
    g = np.asarray(g)
    if not g.flags.c_contiguous or g.ndim != len(shape):
        return np.broadcast_to(g, shape)
    # the view np.broadcast_to would make (stride 0 along repeated axes), without its
    # argument checks, which cost more than the rest of a small backward step
    strides = tuple(0 if m != n else st for m, n, st in zip(g.shape, shape, g.strides))
    view = np.ndarray(shape, g.dtype, g, 0, strides)
    view.flags.writeable = False
    return view


def _restore(g: Any, shape: Shape, dims: tuple[int, ...] | None, keepdim: bool) -> Any:
    """The gradient of a reduction's output spread back over the input (sum_backward)."""
    if not keepdim:
        g = (g if g.__class__ is Tensor else np.asarray(g)).reshape(_reduced_shape(shape, dims))
    return _expand(g, shape)


def _permute(g: Any, axes: tuple[int, ...]) -> Any:
    return g.permute(axes) if g.__class__ is Tensor else g.transpose(axes)


def _astype(g: Any, dtype: Any) -> Any:
    return g.to(dtype) if g.__class__ is Tensor else g.astype(dtype)


def _index_put(g: Any, shape: Shape, index: Any, accumulate: bool) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index`` (the gradient of ``a[index]``).

    Repeated integer indices add up, as ``np.add.at`` does: ``x[[0, 0]]`` uses
    x[0] twice, so x[0] gets both shares.
    """
    if g.__class__ is Tensor:
        return _make(_index_put_forward(g.data, (shape, index, accumulate)), INDEX_PUT, g,
                     (shape, index, accumulate), g.requires_grad)
    return _index_put_forward(g, (shape, index, accumulate))


def _index_put_forward(g: Any, ctx: tuple[Shape, Any, bool]) -> Any:
    shape, index, accumulate = ctx
    g = np.asarray(g)
    out = np.zeros(shape, dtype=g.dtype)
    if accumulate:
        np.add.at(out, index, g)
    else:  # no element is picked twice (basic slicing, masks, one pick per row)
        out[index] = g
    return out
