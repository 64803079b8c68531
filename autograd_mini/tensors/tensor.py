"""Array autodiff: :class:`Tensor` and the table of its derivative rules.

A Tensor holds a NumPy array (float64 unless you ask for float32) and remembers
the operation that produced it, on the same graph walk as the scalar
:class:`~autograd_mini.Value`. Each rule below keeps its forward formula and the
vector-Jacobian product for each operand side by side; the formulas copy
PyTorch's (``tools/autograd/derivatives.yaml``), so results agree with it to
rounding.

Broadcasting follows NumPy. An operand that was broadcast gets back a gradient
of its own shape through one helper, :func:`unbroadcast`, which sums over the
axes broadcasting added (leading axes) or stretched (size-1 axes).

Constants. How an operand that needs no gradient rides in the graph:

* a **number** (``x * 2``, ``1 - y``, ``x ** 3``) stays a Python float in the
  node's ``_b`` slot, with a unary rule of its own (``MUL_C``, ``RSUB`` ...),
  exactly as in scalar.py. No array and no node is made for it. Measured on the
  development machine (best of 9): ``x * 2.0`` takes 1.4 µs this way and 2.8 µs
  with the 2.0 wrapped in a 0-d constant tensor for the binary rule;
  ``(x * 2.0).sum().backward()`` takes 18 µs against 22 µs for a 2-element x and
  31 µs against 36 µs for 64x128 (the wrapper is one more node to create, walk
  and skip). A Python float also keeps a float32 tensor float32, where a 0-d
  float64 array would promote it to float64 under NumPy 2.
* an **array** (NumPy array or list) becomes a leaf Tensor with
  ``requires_grad=False`` and the ordinary binary rule is used; the graph walk
  skips parents that do not require grad, so the constant costs one skipped
  node and no arithmetic. A Tensor made from data (the batch ``x`` in
  ``x @ W``) is the same case: ``x @ W`` never computes a gradient for ``x``.

Gradients. ``.grad`` is a NumPy array (or None before the first backward), as
the optimizers expect; ``backward()`` adds to it, as in PyTorch. The array in
``.grad`` belongs to that tensor alone, never shared with another tensor's
``.grad`` or with the caller's ``gradient=`` argument, so editing one ``.grad`` in
place cannot change another (a gradient buffer the backward pass made is kept
without a copy, as PyTorch does; anything that might be shared is copied).
With ``backward(create_graph=True)`` the backward pass is itself recorded and
``.grad`` holds a Tensor *with history* (as PyTorch's does), so it can be
differentiated again; ``grad()`` returns Tensors in both cases.

Dtypes. A Tensor always holds floating-point numbers, because a Tensor is
something gradients can flow through: ``Tensor([1, 2])`` is float64 (where
``torch.tensor`` would make int64), float32 data stays float32. Results that no
gradient flows through are plain NumPy arrays: comparisons (``x > 0``) give
boolean arrays, ``argmax`` and the ``indices`` of ``max(dim=...)`` give int64
arrays, and class labels for the losses are integer arrays. Mixing float32 and
float64 tensors gives float64 (as in PyTorch), through a recorded ``to`` node so
each side's gradient comes back in its own dtype.

Tensors and Values. A :class:`~autograd_mini.Value` (one float, scalar graph)
and a Tensor (an array) are different node kinds on the same walk; an
expression that mixes them raises a TypeError that says how to convert:
``Tensor(v.data)`` makes a new tensor leaf from a Value's number,
``Value(t.item())`` makes a Value from a one-element Tensor (both start a new
graph: history is not carried across).
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..engine import (
    BINARY,
    NARY,
    UNARY,
    Rule,
    backward_pass,
    check_forward,
    is_grad_enabled,
    parents,
    record,
    threads_off_default,
)
from ..scalar import Value

__all__ = [
    "RULES",
    "Tensor",
    "arange",
    "as_tensor",
    "cat",
    "concatenate",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "manual_seed",
    "maximum",
    "minimum",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "stack",
    "unbroadcast",
    "where",
    "zeros",
    "zeros_like",
]

Shape = tuple[int, ...]
Real = float  # inside class Tensor, `float` names its method Tensor.float


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
# Each derivative formula below is written once and runs on two kinds of operands:
# NumPy arrays in an ordinary backward pass, Tensors when create_graph=True records
# the backward pass. Operators (+ - * / @), .shape, .reshape, .sum(axis=, keepdims=)
# and .swapaxes work on both; the few functions that differ dispatch here.
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


def _sqrt(x: Any) -> Any:
    with _quiet():
        return np.sqrt(x)


def _ratio(a: float, b: float) -> float:
    """a / b for Python numbers, IEEE style (a float, never a NumPy scalar: a float64
    scalar would turn float32 gradients into float64)."""
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _pow(a: Any, b: Any) -> Any:
    if a.__class__ is Tensor or b.__class__ is Tensor:
        return a**b
    with _quiet():
        return np.power(a, b)


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


# ------------------------------------------------------------------ matmul's gradients
def _matmul_grad(g: Any, a: Any, b: Any, side: int) -> Any:
    """d(a @ b) for either side, with NumPy's rules for 1-D operands and batch axes.

    For matrices: da = g @ bᵀ, db = aᵀ @ g (PyTorch's mm_mat1_backward and
    mm_mat2_backward). A 1-D operand is first promoted to a matrix (a row on the
    left, a column on the right) so the same two products apply, and the result
    is reshaped back; batch axes that were broadcast are summed by unbroadcast.
    """
    a_shape, b_shape = a.shape, b.shape
    if len(b_shape) == 1:  # (..., n, k) @ (k,) -> (..., n): b is a column k x 1
        b = b.reshape((*b_shape, 1))
        g = g.reshape((*g.shape, 1))
    if len(a_shape) == 1:  # (k,) @ (..., k, m) -> (..., m): a is a row 1 x k
        a = a.reshape((1, *a_shape))
        g = g.reshape((*g.shape[:-1], 1, g.shape[-1]))
    if side == 0:
        return unbroadcast(g @ b.swapaxes(-1, -2), a.shape).reshape(a_shape)
    return unbroadcast(a.swapaxes(-1, -2) @ g, b.shape).reshape(b_shape)


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


# ------------------------------------------------------------------ loss helpers
class Picks(NamedTuple):
    """The context of nll_loss and cross_entropy: which log-probability each target picks."""

    at: tuple[Any, ...] | None  # fancy index of input[i, target_i] (the class axis holds
    # the targets); None when `flat` below is given, which np.unravel_index turns into it
    weight: Any  # each pick's weight, 0 where the target is ignored; None when all are 1
    reduction: str  # 'mean', 'sum' or 'none'
    total: float  # what 'mean' divides by: the total weight of the counted targets
    valid: Any  # boolean array, False where target == ignore_index; None if none is
    dim: int = 1  # the class axis
    # cross_entropy: the parts of log_softmax(input) = z - log(sum_exp), computed once:
    z: Any = None  # input - its maximum along dim (the loss reads only the picked ones) ...
    exp_z: Any = None  # ... exp(z) and its sum along dim, from which the backward pass
    sum_exp: Any = None  # gets softmax(input) = exp_z / sum_exp without an exp
    # for a C-contiguous (N, C) input: where each pick lies in the flattened array (i*C + t_i),
    # an index that reads and writes three times quicker than the pair of arrays in `at`
    flat: Any = None


def _nll_forward(log_p: Any, ctx: Picks) -> Any:
    return _nll_total(log_p[ctx.at], ctx)


def _cross_entropy_forward(a: Any, ctx: Picks) -> Any:
    # log_softmax(a) only where the targets pick it: z - log(sum_exp) of each picked element
    # (the same numbers as picking from the whole log_softmax, with one subtraction per row)
    z = ctx.z
    picked = z[ctx.at] if ctx.flat is None else z.ravel()[ctx.flat]
    return _nll_total(picked - np.log(ctx.sum_exp).squeeze(ctx.dim), ctx)


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
        at = ctx.at if ctx.flat is None else np.unravel_index(ctx.flat, a.shape)
        return a.softmax(ctx.dim) * s_col - _index_put(s, a.shape, at, accumulate=False)
    share = ctx.exp_z * (s_col / ctx.sum_exp)  # softmax · s (a column of sums: few divisions)
    if ctx.flat is None:
        share[ctx.at] -= s
    else:  # share is C-contiguous as exp_z is, so ravel() is a view that writes into it
        share.ravel()[ctx.flat] -= s
    return share


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
# For each rule: out = forward(a, b), then one function per parent that turns the
# gradient g of the final result with respect to `out` into that parent's share.
# Unary rules get their constant or context (a number, an axis, an index) as `b`.
# N-ary rules get the list of parents and return one share per parent.
def _unary(name: str, symbol: str, forward: Any, d_a: Any) -> Rule:
    return Rule(name, UNARY, forward, (d_a,), symbol)


def _binary(name: str, symbol: str, forward: Any, d_a: Any, d_b: Any) -> Rule:
    return Rule(name, BINARY, forward, (d_a, d_b), symbol)


def _nary(name: str, symbol: str, forward: Any, d_all: Any) -> Rule:
    return Rule(name, NARY, forward, (d_all,), symbol)


# ---- arithmetic between tensors (or arrays), broadcast       backward: share for a, for b
# (g itself when no broadcasting happened, tested before calling unbroadcast: the usual
# x @ W + b, whose left operand has the result's shape)
ADD = _binary("add", "+", lambda a, b: a + b,
              lambda g, a, b, out: g if g.shape == a.shape else unbroadcast(g, a.shape),
              lambda g, a, b, out: unbroadcast(g, b.shape, view=True))
SUB = _binary("sub", "-", lambda a, b: a - b,
              lambda g, a, b, out: unbroadcast(g, a.shape),
              lambda g, a, b, out: -unbroadcast(g, b.shape))
MUL = _binary("mul", "*", lambda a, b: a * b,
              lambda g, a, b, out: unbroadcast(g * b, a.shape),
              lambda g, a, b, out: unbroadcast(g * a, b.shape))
DIV = _binary("div", "/", _div,
              lambda g, a, b, out: unbroadcast(_div(g, b), a.shape),
              lambda g, a, b, out: unbroadcast(-g * _div(_div(a, b), b), b.shape))
POW = _binary("pow", "**", _pow,
              lambda g, a, b, out: unbroadcast(
                  _where(_data(b) == 0, 0.0, g * (b * _pow(a, b - 1))), a.shape),
              lambda g, a, b, out: unbroadcast(
                  g * _where((_data(a) == 0) & (_data(b) >= 0), 0.0, out * _log(a)), b.shape))
MATMUL = _binary("matmul", "@", lambda a, b: a @ b,  # for matrices: g @ bᵀ and aᵀ @ g
                 lambda g, a, b, out: (g @ b.T if a.ndim == 2 == b.ndim
                                       else _matmul_grad(g, a, b, 0)),
                 lambda g, a, b, out: (a.T @ g if a.ndim == 2 == b.ndim
                                       else _matmul_grad(g, a, b, 1)))
# ties share the gradient equally, as PyTorch's maximum/minimum do
MAXIMUM = _binary("maximum", "max", np.maximum,
                  lambda g, a, b, out: unbroadcast(_where(
                      _data(a) < _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), a.shape),
                  lambda g, a, b, out: unbroadcast(_where(
                      _data(a) > _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), b.shape))
MINIMUM = _binary("minimum", "min", np.minimum,
                  lambda g, a, b, out: unbroadcast(_where(
                      _data(a) > _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), a.shape),
                  lambda g, a, b, out: unbroadcast(_where(
                      _data(a) < _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), b.shape))

# ---- arithmetic with a number c (kept as a float in the node, not a node)
ADD_C = _unary("add", "+", lambda a, c: a + c, lambda g, a, c, out: g)
SUB_C = _unary("sub", "-", lambda a, c: a - c, lambda g, a, c, out: g)
RSUB = _unary("rsub", "-", lambda a, c: c - a, lambda g, a, c, out: -g)  # c - a
MUL_C = _unary("mul", "*", lambda a, c: a * c, lambda g, a, c, out: g * c)
DIV_C = _unary("div", "/", _div, lambda g, a, c, out: _div(g, c))
# c / a is computed as PyTorch computes it, reciprocal(a) * c; its derivative is -c / a².
RDIV = _unary("rdiv", "/", lambda a, c: _div(1.0, a) * c,
              lambda g, a, c, out: -(g * c) * (_div(1.0, a) * _div(1.0, a)))
POW_C = _unary("pow", "**", _pow_scalar,
               lambda g, a, c, out: (_zeros_like(a) if c == 0
                                     else g * (c * _pow_scalar(a, c - 1.0))))
RPOW = _unary("rpow", "**", lambda a, c: _pow(c, a),  # c ** a
              lambda g, a, c, out: g * _where((c == 0) & (_data(a) >= 0), 0.0,
                                              out * (math.log(c) if c > 0 else
                                                     (-math.inf if c == 0 else math.nan))))

# ---- elementwise functions
NEG = _unary("neg", "-", lambda a, _: -a, lambda g, a, _, out: -g)
EXP = _unary("exp", "exp", lambda a, _: _exp(a), lambda g, a, _, out: g * out)
LOG = _unary("log", "log", lambda a, _: _log(a), lambda g, a, _, out: _div(g, a))
LOG1P = _unary("log1p", "log1p", lambda a, _: _log1p(a), lambda g, a, _, out: _div(g, a + 1))
SQRT = _unary("sqrt", "sqrt", lambda a, _: _sqrt(a), lambda g, a, _, out: _div(g, 2 * out))
ABS = _unary("abs", "abs", lambda a, _: np.abs(a), lambda g, a, _, out: g * _sign(_data(a)))
TANH = _unary("tanh", "tanh", lambda a, _: np.tanh(a), lambda g, a, _, out: g * (1 - out * out))
SIGMOID = _unary("sigmoid", "sigmoid", lambda a, _: _sigmoid(a),
                 lambda g, a, _, out: g * (1 - out) * out)
RELU = _unary("relu", "relu", lambda a, _: np.maximum(a, 0),  # relu(nan) is nan
              lambda g, a, _, out: _where(out <= 0, 0.0, g))  # (a mask: no node)
# clamp lets the gradient through where lo <= a <= hi (bounds included), as PyTorch
CLAMP = _unary("clamp", "clamp", lambda a, lh: np.clip(a, *lh),
               lambda g, a, lh, out: _where(_clamp_mask(_data(a), *lh), g, 0.0))


def _clamp_mask(a: Any, lo: float | None, hi: float | None) -> Any:
    if lo is None:
        return a <= hi
    if hi is None:
        return a >= lo
    return (a >= lo) & (a <= hi)


# ---- reductions; context (dims, keepdim), dims None meaning every axis. (np.add.reduce
# is np.sum without its Python wrapper, which costs more than summing a small array;
# the mean divides the sum by the count, exactly as np.mean does.)
SUM = _unary("sum", "sum", lambda a, dk: np.add.reduce(a, axis=dk[0], keepdims=dk[1]),
             lambda g, a, dk, out: _restore(g, a.shape, *dk))
MEAN = _unary("mean", "mean", lambda a, dk: _div(np.add.reduce(a, axis=dk[0], keepdims=dk[1]),
                                                 _count(a.shape, dk[0])),
              lambda g, a, dk, out: _restore(g / _count(a.shape, dk[0]), a.shape, *dk))
# var: context (dims, keepdim, correction); d var / d a = 2 (a - mean) / (n - correction)
VAR = _unary("var", "var", lambda a, ctx: _var_forward(a, *ctx),
             lambda g, a, ctx, out: (
                 _ratio(2.0, _count(a.shape, ctx[0]) - ctx[2])
                 * _restore(g, a.shape, ctx[0], ctx[1])
                 * (a - a.mean(axis=ctx[0], keepdims=True))))
# amax / amin: tied elements share the gradient equally (PyTorch's scale_grad_by_count; a
# group whose maximum is nan matches no element, so all of it gets nan, as in PyTorch)
AMAX = _unary("amax", "max", lambda a, dk: np.maximum.reduce(a, axis=dk[0], keepdims=dk[1]),
              lambda g, a, dk, out: _even_share(g, a, out, *dk))
AMIN = _unary("amin", "min", lambda a, dk: np.minimum.reduce(a, axis=dk[0], keepdims=dk[1]),
              lambda g, a, dk, out: _even_share(g, a, out, *dk))
# max() / min() of every element: the same, except that a nan result's gradient is shared by
# the nans (PyTorch's evenly_distribute_backward: it treats the two cases differently)
MAX_ALL = _unary("max", "max", lambda a, _: np.maximum.reduce(a, axis=None),
                 lambda g, a, _, out: _even_share(g, a, out, None, False, nan_matches=True))
MIN_ALL = _unary("min", "min", lambda a, _: np.minimum.reduce(a, axis=None),
                 lambda g, a, _, out: _even_share(g, a, out, None, False, nan_matches=True))


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


# ---- shape changes: gradients go back through the inverse change
def _reshape_rule(name: str) -> Rule:
    return _unary(name, name, lambda a, shape: a.reshape(shape),
                  lambda g, a, shape, out: g.reshape(a.shape))


RESHAPE, VIEW, FLATTEN = _reshape_rule("reshape"), _reshape_rule("view"), _reshape_rule("flatten")
SQUEEZE, UNSQUEEZE = _reshape_rule("squeeze"), _reshape_rule("unsqueeze")
PERMUTE = _unary("permute", "permute", lambda a, axes: a.transpose(axes),
                 lambda g, a, axes, out: _permute(g, tuple(np.argsort(axes))))
EXPAND = _unary("expand", "expand", lambda a, shape: np.broadcast_to(a, shape),
                lambda g, a, shape, out: unbroadcast(g, a.shape))
CAST = _unary("to", "to", lambda a, dtype: a.astype(dtype),
              lambda g, a, dtype, out: _astype(g, a.dtype))
CLONE = _unary("clone", "clone", lambda a, _: a.copy(), lambda g, a, _, out: g)

# ---- indexing: a[index]; its gradient puts g back where the elements came from
GETITEM = _unary("getitem", "[]", lambda a, ix: a[ix[0]],
                 lambda g, a, ix, out: _index_put(g, a.shape, ix[0], ix[1]))
# the gradient of indexing, as a recorded op (create_graph): its own gradient is indexing
INDEX_PUT = _unary("index_put", "index_put", _index_put_forward,
                   lambda g, a, ctx, out: unbroadcast(g[ctx[1]], a.shape))

# ---- several tensors at once: context is the axis (and the split points)
CAT = _nary("cat", "cat", lambda ps, ctx: np.concatenate(ps, axis=ctx[0]),
            lambda g, ps, ctx, out: [
                g[(slice(None),) * ctx[0] + (slice(lo, hi),)]
                for lo, hi in zip(ctx[1], ctx[1][1:])])
STACK = _nary("stack", "stack", lambda ps, axis: np.stack(ps, axis=axis),
              lambda g, ps, axis, out: [
                  g[(slice(None),) * axis + (i,)] for i in range(len(ps))])
WHERE = _nary("where", "where", lambda ps, cond: np.where(cond, ps[0], ps[1]),
              lambda g, ps, cond, out: [unbroadcast(_where(cond, g, 0.0), ps[0].shape),
                                        unbroadcast(_where(cond, 0.0, g), ps[1].shape)])

# ---- softmax family, along one axis (context: dim)
SOFTMAX = _unary("softmax", "softmax", lambda a, dim: _softmax(a, dim),
                 lambda g, a, dim, out: (g * out) - out * (g * out).sum(axis=dim, keepdims=True))
LOG_SOFTMAX = _unary("log_softmax", "log_softmax", lambda a, dim: _log_softmax(a, dim),
                     lambda g, a, dim, out: g - _exp_log_p(out) * g.sum(axis=dim, keepdims=True))


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


# ---- losses (nn.functional builds the rest from the ops above)
# nll_loss picks -input[i, target_i] (context: Picks); cross_entropy is nll_loss of
# log_softmax, as in PyTorch, as one node whose gradient is softmax - one_hot
NLL_LOSS = _unary("nll_loss", "nll_loss", _nll_forward, _nll_backward)
CROSS_ENTROPY = _unary("cross_entropy", "cross_entropy", _cross_entropy_forward,
                       _cross_entropy_backward)
BCE = _binary("binary_cross_entropy", "bce", _bce_forward,
              lambda g, x, t, out: unbroadcast(
                  _div(g * (x - t), _clamp_min(x * (1 - x), _BCE_EPSILON)), x.shape),
              lambda g, x, t, out: unbroadcast(g * (_log1p(-x) - _log(x)), t.shape))
BCE_LOGITS = _nary("binary_cross_entropy_with_logits", "bce_logits", _bce_logits_forward,
                   _bce_logits_backward)

RULES: dict[str, Rule] = {r.name: r for r in (
    ADD, SUB, RSUB, MUL, DIV, RDIV, POW, RPOW, MATMUL, MAXIMUM, MINIMUM, NEG, EXP, LOG, LOG1P,
    SQRT, ABS, TANH, SIGMOID, RELU, CLAMP, SUM, MEAN, VAR, AMAX, AMIN, MAX_ALL, MIN_ALL,
    RESHAPE, VIEW, FLATTEN,
    SQUEEZE, UNSQUEEZE, PERMUTE, EXPAND, CAST, CLONE, GETITEM, INDEX_PUT, CAT, STACK, WHERE,
    SOFTMAX, LOG_SOFTMAX, NLL_LOSS, CROSS_ENTROPY, BCE, BCE_LOGITS)}
"""The rule of every Tensor op by name (the constant-operand variants share a name)."""

# What each backward formula reads besides g, for the in-place check (_check_versions). By
# default a formula reads its operands' numbers; these read only their shapes (or nothing), so
# their operands may change between the forward and the backward pass, as in PyTorch
# (y = x * 2, then x += 1 under no_grad, then y.backward() is fine) ... (sets of id(rule):
# the rules live as long as the module, and an id is quicker to look up than a Rule)
_OPERAND_NUMBERS_UNREAD = frozenset(map(id, (
    ADD, SUB, ADD_C, SUB_C, RSUB, MUL_C, DIV_C, NEG, EXP, SQRT, TANH, SIGMOID, RELU, SUM, MEAN,
    RESHAPE, VIEW, FLATTEN, SQUEEZE, UNSQUEEZE, PERMUTE, EXPAND, CAST, CLONE, GETITEM,
    INDEX_PUT, CAT, STACK, WHERE, SOFTMAX, LOG_SOFTMAX, NLL_LOSS)))
# ... these read an operand's numbers only for the other operand's gradient (d(a*b)/db = a),
# so, as PyTorch (which saves a only when b requires grad), a may change when b needs none
# (x @ W with data x: the gradient of W reads x, never W) ...
_READ_FOR_THE_OTHER = {id(MUL): (0, 1), id(MATMUL): (0, 1), id(DIV): (0,)}
# ... and these read their own result (exp's derivative is its output), so it must not change.
_RESULT_READ = frozenset(map(id, (POW, RPOW, EXP, SQRT, TANH, SIGMOID, RELU, AMAX, AMIN,
                                  MAX_ALL, MIN_ALL, SOFTMAX, LOG_SOFTMAX)))


# -------------------------------------------------------------------------- the node
_new = object.__new__


def _make(data: Any, op: Rule, a: Any, b: Any, requires_grad: bool,
          counter: list[int] | None = None) -> Tensor:
    """A new Tensor made by ``op``; it records ``op`` and its operands only when an
    operand requires grad and grad mode is on (otherwise it is a plain leaf).

    ``counter``: the version counter to share, for a result that is a view of ``a``'s
    array (so an in-place write through either shows in both, see _view_counter).
    """
    t = _new(Tensor)
    # ufuncs and full reductions return NumPy scalars for 0-d results; keep arrays
    t._data = data if data.__class__ is np.ndarray else np.asarray(data)
    t._version_counter = counter
    t.grad = None
    t.label = ""
    t._retains_grad = False
    t._g = None
    if not requires_grad:
        t.requires_grad = False
        t._op = t._a = t._b = t._saved_versions = None
        if threads_off_default[0]:  # detect_anomaly checks data-only results too
            check_forward(t, op, a, b)
        return t
    if threads_off_default[0]:  # some thread is in no_grad or detect_anomaly
        record(t, op, a, b)
        if t._op is None:
            t.requires_grad = False
            t._saved_versions = None
            return t
    else:
        t._op, t._a, t._b = op, a, b
    t.requires_grad = True
    # the parents' versions now, which backward checks (_check_versions): one int for a
    # unary rule, a tuple for the others. (The result's own version starts at 0.)
    arity = op.arity
    if arity == UNARY:
        vc = a._version_counter
        t._saved_versions = 0 if vc is None else vc[0]
    elif arity == BINARY:
        va, vb = a._version_counter, b._version_counter
        # (_version inlined: a parameter has a counter after its first optimizer step)
        t._saved_versions = _UNEDITED if va is vb is None else (
            0 if va is None else va[0], 0 if vb is None else vb[0])
    else:
        t._saved_versions = tuple([_version(p) for p in a])
    return t


_UNEDITED = (0, 0)  # the versions of two operands never edited, shared by all such nodes


def _version(t: Tensor) -> int:
    """The tensor's version: how often its numbers were edited (None: never, no view)."""
    vc = t._version_counter
    return 0 if vc is None else vc[0]


def _shared_counter(t: Tensor) -> list[int]:
    """``t``'s version counter, made now if it has none yet, to share with a view."""
    vc = t._version_counter
    if vc is None:
        vc = t._version_counter = [0]
    return vc


def _view_counter(view: Any, base: Tensor) -> list[int] | None:
    """``base``'s version counter when the array ``view`` shares its memory, else None.

    As in PyTorch, a view and its base count their edits together: ``v.data -= 1``
    writes into the base's numbers too.
    """
    return _shared_counter(base) if np.may_share_memory(view, base._data) else None


def _check_versions(order: Sequence[Any]) -> None:
    """RuntimeError if a tensor that a backward formula of the graph reads was changed after
    the op recorded it (called by the backward pass before any gradient moves, so a refused
    pass changes nothing)."""
    # (_version inlined: this runs before every backward pass, over every node)
    for node in order:
        saved = node._saved_versions
        if saved is None:  # a leaf
            continue
        arity = node._op.arity
        if arity == UNARY:
            vc = node._a._version_counter
            changed = (0 if vc is None else vc[0]) != saved
        elif arity == BINARY:
            va, vb = node._a._version_counter, node._b._version_counter
            changed = (0 if va is None else va[0], 0 if vb is None else vb[0]) != saved
        else:
            changed = tuple([_version(p) for p in node._a]) != saved
        # the result: its counter starts at 0, unless it is a view (and then its rule does
        # not read it)
        vc = node._version_counter
        if changed or (vc is not None and vc[0] and id(node._op) in _RESULT_READ):
            _version_error(node)


def _version_error(node: Tensor) -> None:
    """Raise for the first changed tensor that the node's backward formula reads, if any."""
    op = node._op
    assert op is not None
    saved = node._saved_versions
    label = f" {node.label!r}" if node.label else ""
    if _version(node) and id(op) in _RESULT_READ:
        raise _changed(f"the result of {op.name}", node, op, label, 0, _version(node),
                       "numbers")
    operands = parents(node)
    for i, (p, was) in enumerate(zip(operands, saved if isinstance(saved, tuple) else (saved,))):
        now = _version(p)
        if now == was:
            continue
        if now // _RESHAPED != was // _RESHAPED:
            raise _changed(f"input {i} of {op.name}", p, op, label, was, now, "shape")
        if id(op) in _OPERAND_NUMBERS_UNREAD:
            continue
        if i in _READ_FOR_THE_OTHER.get(id(op), ()) and not operands[1 - i].requires_grad:
            continue  # only the other operand's gradient reads it, and it needs none
        raise _changed(f"input {i} of {op.name}", p, op, label, was, now, "numbers")


def _changed(what: str, t: Tensor, op: Rule, label: str, was: int, now: int,
             needs: str) -> RuntimeError:
    name = f"{t.label!r}" if t.label else "a tensor"
    change = ("its .data was replaced by an array of another shape or dtype" if needs == "shape"
              else f"it is at version {now % _RESHAPED}, {op.name} saw version "
              f"{was % _RESHAPED}")
    return RuntimeError(
        f"backward: {what} ({name} of shape {t.shape}) was changed in place after "
        f"{op.name}{label} was recorded ({change}), and the backward formula of {op.name} "
        f"needs its {needs}: the gradient would silently use the new ones. Compute the "
        "forward pass again after changing a tensor (an optimizer step changes every "
        "parameter: call backward() before step(), then compute a new loss)")


_ones: dict[tuple[Shape, Any], Any] = {}


def _one(shape: Shape, dtype: Any) -> Any:
    """A read-only array of ones (the seed of backward() on a one-element output)."""
    one = _ones.get((shape, dtype))
    if one is None:
        one = np.ones(shape, dtype)
        one.flags.writeable = False  # shared by every backward(); no one may edit it
        _ones[shape, dtype] = one
    return one


def _leaf(data: Any, requires_grad: bool = False, counter: list[int] | None = None) -> Tensor:
    return _init_leaf(_new(Tensor), data, requires_grad, counter)


def _init_leaf(t: Tensor, data: Any, requires_grad: bool, counter: list[int] | None) -> Tensor:
    """Fill every slot of ``t`` as a leaf over the array ``data`` (with no checks: the
    callers have made ``data`` a float array), sharing ``counter`` if given."""
    t._data = data
    t._version_counter = counter
    t._saved_versions = None
    t.grad = None
    t.label = ""
    t._retains_grad = False
    t.requires_grad = requires_grad
    t._op = t._a = t._b = None
    t._g = None
    return t


def _float_dtype(dtype: Any, who: str) -> np.dtype[Any]:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype {dtype!r} is not a NumPy dtype; use float64 or "
                        "float32") from None
    if dt.kind != "f":
        raise TypeError(f"{who}: dtype {dt} is not a floating-point type; a Tensor holds "
                        "float64 or float32 numbers (keep integer data such as class labels "
                        "as a NumPy int array)")
    return dt


def _mixing_error(op: str) -> TypeError:
    return TypeError(
        f"{op}: a Value (one number, scalar graph) and a Tensor (an array) cannot be mixed "
        "in one expression. Convert one of them: Tensor(v.data) makes a tensor from the "
        "Value's number, Value(t.item()) makes a Value from a one-element Tensor, and "
        "v.item() / t.item() give plain floats (each starts a new graph: history is not "
        "carried across)"
    )


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"numpy array of dtype {x.dtype} and shape {x.shape}"
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _to_array(data: Any, dtype: Any, who: str) -> np.ndarray[Any, Any]:
    """A new float array from numbers, (nested) lists or arrays; TypeError/ValueError if not."""
    if isinstance(data, Tensor):
        raise TypeError(f"{who}: data is already a Tensor; use it directly, t.detach() for a "
                        "leaf without history, or t.clone() for a copy")
    if isinstance(data, Value):
        raise TypeError(f"{who}: got a Value. Use Tensor(v.data) for a tensor holding its "
                        "number (a new leaf: the Value's history is not carried over)")
    try:
        arr = np.array(data, copy=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{who}: cannot make an array from {_describe(data)} ({exc}); nested "
                         "lists must be rectangular") from None
    if arr.dtype == object:
        if any(isinstance(x, Value) for x in arr.flat):
            raise TypeError(f"{who}: the data contains Values. Use their numbers, e.g. "
                            "Tensor([v.data for v in values])")
        raise TypeError(f"{who}: expected numbers, got {_describe(data)}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected real numbers, got {_describe(data)}")
    if dtype is None:
        dt = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    else:
        dt = _float_dtype(dtype, who)
    return arr if arr.dtype == dt else arr.astype(dt)


def _data_array(value: Any) -> np.ndarray[Any, Any]:
    """What ``t.data = value`` stores: a float NumPy array; TypeError for anything else."""
    if isinstance(value, (np.ndarray, np.floating)):
        arr = np.asarray(value)  # a float scalar as a 0-d array, np.matrix as a plain array
        if arr.dtype.kind == "f":
            return arr
    if isinstance(value, Tensor):
        raise TypeError("Tensor.data: got a Tensor; assign its array (t.data = other.data), or "
                        "use the other tensor itself")
    raise TypeError(f"Tensor.data must be a NumPy array of floats (float64 or float32), got "
                    f"{_describe(value)}; convert it, e.g. t.data = np.asarray(value, "
                    "dtype=t.dtype)")


# A version counter counts the edits of a tensor's numbers; a new shape or dtype adds
# _RESHAPED more, so the in-place check can tell "other numbers" (which formulas that read only
# shapes, such as add's, do not mind) from "another shape" (which every formula minds).
_RESHAPED = 1 << 32


def _number(x: Any) -> float | None:
    """``x`` as a float when it is a real number (the constant of a unary rule), else None."""
    cls = x.__class__
    if cls is float:
        return x  # type: ignore[no-any-return]
    if cls is int or (isinstance(x, numbers.Real) and not isinstance(x, (Value, np.ndarray))):
        return float(x)
    return None


def _constant(x: Any, like: Tensor, op: str) -> Tensor | None:
    """An array-like operand as a leaf Tensor that needs no gradient; None if unknown.

    Integer and boolean arrays take ``like``'s dtype (as PyTorch's promotion does);
    float arrays keep theirs (a float64 array with a float32 tensor gives float64).
    """
    if isinstance(x, Value):
        raise _mixing_error(op)
    if isinstance(x, (np.ndarray, list, tuple, np.generic)):
        # a copy, as Tensor(data) makes: editing the caller's array after the forward pass
        # must not change what the backward pass reads (NumPy writes cannot be seen)
        arr = np.array(x)
        kind = arr.dtype.kind
        if kind in "biu":
            arr = arr.astype(like.data.dtype)
        elif kind != "f":
            raise TypeError(f"{op}: expected a Tensor, a NumPy array or a real number, got "
                            f"{_describe(x)}")
        return _leaf(arr)
    if isinstance(x, (str, bytes, complex)) or x is None:
        raise TypeError(f"{op}: expected a Tensor, a NumPy array or a real number, got "
                        f"{_describe(x)}")
    return None  # something else (e.g. another library's array): let it try its own operator


def _as_tensor(x: Any, like: Tensor | None, op: str) -> Tensor:
    """Any operand as a Tensor (numbers become 0-d constants of ``like``'s dtype)."""
    if x.__class__ is Tensor:
        return x  # type: ignore[no-any-return]
    dtype = like.data.dtype if like is not None else np.dtype(np.float64)
    c = _number(x)
    if c is not None:
        return _leaf(np.array(c, dtype=dtype))
    t = _constant(x, like if like is not None else _leaf(np.zeros(0)), op)
    if t is None:
        raise TypeError(f"{op}: expected a Tensor, a NumPy array or a real number, got "
                        f"{_describe(x)}")
    return t


def _cast(t: Tensor, dtype: Any) -> Tensor:
    """``t`` as ``dtype``: a recorded ``to`` node when t requires grad."""
    return _make(t.data.astype(dtype), CAST, t, dtype, t.requires_grad)


def _promote(ts: Sequence[Tensor]) -> list[Tensor]:
    """The tensors in one common dtype (float64 wins over float32, as in PyTorch)."""
    dt = np.result_type(*[t.data.dtype for t in ts])
    return [t if t.data.dtype == dt else _cast(t, dt) for t in ts]


def _binary_node(rule: Rule, a: Tensor, b: Tensor) -> Tensor:
    ad, bd = a._data, b._data
    s1, s2 = ad.shape, bd.shape
    # (the common case of _check_broadcast, a bias, tested here without the call)
    if s1 != s2 and s1[len(s1) - len(s2):] != s2:
        _check_broadcast(rule.name, s1, s2)
    if ad.dtype is not bd.dtype and ad.dtype != bd.dtype:
        a, b = _promote((a, b))
        ad, bd = a.data, b.data
    return _make(rule.forward(ad, bd), rule, a, b, a.requires_grad or b.requires_grad)


def _matmul_node(a: Tensor, b: Tensor) -> Tensor:
    ad, bd = a._data, b._data
    if ad.ndim != 2 or bd.ndim != 2 or ad.shape[1] != bd.shape[0]:
        _check_matmul(ad.shape, bd.shape)
    if ad.dtype is not bd.dtype and ad.dtype != bd.dtype:
        a, b = _promote((a, b))
        ad, bd = a.data, b.data
    return _make(ad @ bd, MATMUL, a, b, a.requires_grad or b.requires_grad)


class _Size(int):
    """The number of elements (NumPy's ``a.size``) that can also be called as PyTorch's
    ``t.size()`` (the shape) or ``t.size(dim)`` (one axis's length)."""

    shape: Shape

    def __call__(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]


class MaxMin(NamedTuple):
    """What ``max(dim=...)`` / ``min(dim=...)`` return, as PyTorch's ``return_types.max``."""

    values: Tensor
    indices: np.ndarray[Any, Any]


class Tensor:
    """An array that remembers how it was computed, so it can compute gradients.

    >>> W = Tensor([[1.0, 2.0], [3.0, -4.0]], requires_grad=True)
    >>> x = Tensor([1.0, 2.0])
    >>> loss = (W @ x).relu().sum()   # relu([5, -5]) = [5, 0]
    >>> loss
    Tensor(5., op='sum')
    >>> loss.backward()
    >>> W.grad                        # the row that relu zeroed gets no gradient
    array([[1., 2.],
           [0., 0.]])

    ``Tensor(data)`` copies ``data`` (numbers, nested lists, NumPy arrays) into a
    new float64 array, or float32 when ``data`` is float32 or ``dtype`` says so;
    :func:`from_numpy` shares the array instead. Only tensors made with
    ``requires_grad=True`` (and results computed from them) take part in
    ``backward()``; ``.grad`` starts as None and every ``backward()`` *adds* to it.
    """

    __slots__ = ("_data", "grad", "label", "requires_grad", "_op", "_a", "_b", "_retains_grad",
                 "_g", "_version_counter", "_saved_versions", "__weakref__")
    __array_ufunc__ = None  # NumPy operands on the left defer to our reflected operators
    __hash__ = object.__hash__  # identity: the graph walk keeps nodes in sets and dicts
    # the backward pass asks before it starts: were operands edited in place since?
    _check_graph = staticmethod(_check_versions)

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Tensor: label must be a str, got {type(label).__name__}")
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor: requires_grad must be True or False, got {requires_grad!r}")
        self._data: np.ndarray[Any, Any] = _to_array(data, dtype, "Tensor")
        self._version_counter: list[int] | None = None  # see the data property
        self._saved_versions: Any = None  # parents' versions, for a recorded op (see _make)
        self.grad: Any = None
        self.label = label
        self.requires_grad = bool(requires_grad)
        self._op: Rule | None = None
        self._a: Any = None
        self._b: Any = None
        self._retains_grad = False
        self._g: Any = None  # gradient so far, only during a backward pass

    # ---- what it holds
    # .data is a property so that replacing the array counts as an edit. Each tensor has a
    # version counter, as in PyTorch: assigning .data (an optimizer step does), the in-place
    # operators (t -= ..., under no_grad) and t.data -= ... (NumPy writes into the array, then
    # Python assigns it back) add one. A recorded op notes its operands' versions (its result
    # starts at version 0), and backward() refuses to run if a tensor whose numbers a backward
    # formula reads has changed since: the gradient would silently use the new numbers.
    # A view shares its base's counter. Not seen: writes that never pass through the Tensor,
    # such as t.data[0] = 5, np.copyto(t.data, ...) or edits to an array given to from_numpy.
    # (The counter is a one-item list that views share, or None until the first edit or view:
    # most tensors are never edited, and a list for each would cost 64 bytes.)
    def _set_data(self, value: Any) -> None:
        old = self._data
        vc = self._version_counter
        if value is old:  # t.data += 1: the array (and every view of it) was edited
            if vc is None:
                self._version_counter = [1]
            else:
                vc[0] += 1
            return
        # A new array shares no memory with the old one's views: a counter of its own. A new
        # shape or dtype also counts as _RESHAPED, which even formulas that read only their
        # operands' shapes (add, sum, reshape ...) care about.
        now = 0 if vc is None else vc[0]
        if vc is not None:
            # The tensors sharing the old counter (views, detached copies, its base: W.T in
            # nn.Linear) keep the old numbers, but in PyTorch, whose in-place operators and
            # optimizer steps write into the shared memory, they would be edited too. So count
            # an edit for them as well: graphs are refused where PyTorch refuses them, however
            # they read the tensor.
            vc[0] += 1
        if value.__class__ is np.ndarray and value.dtype is old.dtype and value.shape == old.shape:
            self._version_counter = [now + 1]  # a new array of the same shape and dtype
        else:
            value = _data_array(value)
            same = value.shape == old.shape and value.dtype == old.dtype
            self._version_counter = [now + (1 if same else _RESHAPED + 1)]
        self._data = value

    # (operator.attrgetter reads the slot in C: a third quicker than a Python getter)
    data = property(operator.attrgetter("_data"), _set_data, doc="The NumPy array of numbers.")

    @staticmethod
    def _subtract_data(steps: Sequence[tuple[Tensor, Any]]) -> None:
        """``t.data -= amount`` for each ``(t, amount)``, in place and counted as that edit is
        (how SGD writes its step). The caller has checked that each amount is an array of the
        tensor's shape and dtype, and its array writable."""
        subtract = np.subtract
        for t, amount in steps:
            data = t._data
            t._set_data(subtract(data, amount, out=data))  # the same array: one more edit

    @property
    def _version(self) -> int:
        """How many times this tensor's numbers were changed in place (PyTorch's ``_version``)."""
        return _version(self) % _RESHAPED

    @property
    def shape(self) -> Shape:
        """The array's shape, a tuple (PyTorch's ``t.shape``)."""
        return self._data.shape  # type: ignore[no-any-return]

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return self._data.ndim  # type: ignore[no-any-return]

    def dim(self) -> int:
        """Number of axes (PyTorch's name)."""
        return self.data.ndim  # type: ignore[no-any-return]

    @property
    def dtype(self) -> np.dtype[Any]:
        """The NumPy dtype: float64 (default) or float32."""
        return self._data.dtype

    @property
    def size(self) -> _Size:
        """Number of elements, as NumPy's ``a.size``; call it for PyTorch's ``t.size()``
        (the shape) or ``t.size(dim)`` (the length of one axis)."""
        s = _Size(self.data.size)
        s.shape = self.data.shape
        return s

    def numel(self) -> int:
        """Number of elements (PyTorch's name)."""
        return self.data.size  # type: ignore[no-any-return]

    @property
    def T(self) -> Tensor:
        """The tensor with its axes reversed (the transpose of a matrix)."""
        return self.permute(tuple(range(self.data.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two axes swapped (a batch of transposed matrices)."""
        return self.swapaxes(-1, -2)

    @property
    def is_leaf(self) -> bool:
        """True for a tensor made by the user (or under no_grad), False for an op result."""
        return self._op is None

    @property
    def op(self) -> str:
        """Name of the operation that made this tensor ('' for a leaf)."""
        return "" if self._op is None else self._op.name

    def item(self) -> float:
        """The one number of a one-element tensor, as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor converts to a Python number; "
                             f"this one has shape {self.shape}")
        return float(self.data.reshape(()))

    def numpy(self) -> np.ndarray[Any, Any]:
        """The array itself (shared, not copied), as PyTorch's ``t.numpy()``.

        As in PyTorch, a tensor that requires grad refuses: NumPy would see its
        numbers without their history. Use ``t.detach().numpy()`` (or ``t.data``).
        """
        if self.requires_grad:
            raise TypeError("numpy: this Tensor requires grad, so NumPy would see its numbers "
                            "without their history (refused, as in PyTorch); use "
                            "t.detach().numpy() or t.data for the array")
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def tolist(self) -> Any:
        """The numbers as (nested) Python lists."""
        return self.data.tolist()

    def __float__(self) -> float:
        return self.item()

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use (t > 0).any() or (t > 0).all()")
        return bool(self.data.reshape(()))

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor (it holds one number; use t.item())")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor (it holds one number; use t.item())")
        return (self[i] for i in range(len(self.data)))

    def _repr_html_(self) -> str:  # Jupyter: shape, dtype, a summary of the numbers, grad
        from ..viz.notebook import tensor_html

        return tensor_html(self)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extras = []
        if self.data.dtype != np.float64:
            extras.append(f"dtype={self.data.dtype}")
        if self._op is not None:
            extras.append(f"op={self._op.name!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.label:
            extras.append(f"label={self.label!r}")
        return f"Tensor({', '.join([body, *extras])})"

    # ---- graph housekeeping
    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's array, with no history and no grad."""
        t = _leaf(self._data, counter=_shared_counter(self))  # shares numbers and edits
        t.label = self.label
        return t

    def clone(self) -> Tensor:
        """A copy of the array that stays in the graph (gradient passes through unchanged)."""
        return _make(self.data.copy(), CLONE, self, None, self.requires_grad)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Switch gradient tracking for a leaf on or off, in place; returns the tensor."""
        if self._op is not None and not requires_grad:
            raise ValueError("requires_grad_: only a leaf can stop requiring grad; use "
                             "t.detach() for a copy of this result without history")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Make ``backward()`` store this non-leaf tensor's gradient in ``.grad`` too."""
        if not self.requires_grad:
            raise ValueError("retain_grad: this tensor does not require grad, so it gets no "
                             "gradient to retain")
        if self._op is not None:
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf after ``retain_grad()`` (PyTorch's ``retains_grad``)."""
        return self._retains_grad

    def to(self, dtype: Any) -> Tensor:
        """This tensor as ``dtype`` (float32 or float64); itself when it already is."""
        dt = _float_dtype(dtype, "to")
        return self if dt == self.data.dtype else _cast(self, dt)

    def float(self) -> Tensor:
        """As float32 (PyTorch's ``t.float()``)."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        """As float64 (PyTorch's ``t.double()``)."""
        return self.to(np.float64)

    # ---- gradients
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Add d self / d leaf (weighted by ``gradient``) to ``.grad`` of every leaf.

        ``gradient`` is required when this tensor has more than one element (as
        in PyTorch): it weights each output element, and must have this tensor's
        shape. With ``create_graph=True`` the backward pass is recorded, so the
        gradients in ``.grad`` are Tensors that can be differentiated again.
        ``retain_graph`` is accepted for PyTorch compatibility: graphs here are
        never freed by backward, so every graph can be walked again. A tensor whose
        numbers the graph's formulas read must not have been edited since the forward
        pass (an optimizer step edits every parameter): backward raises a RuntimeError
        naming it, as PyTorch does.

        With create_graph, ``x.grad`` refers back to ``x`` through its history (a
        reference cycle, as in PyTorch, which warns too); :func:`autograd_mini.grad`
        returns the same gradients without storing them.
        """
        if not self.requires_grad:
            raise ValueError("backward: this tensor does not require grad and has no history, "
                             "so no gradient can flow from it; create the inputs with "
                             "requires_grad=True (and not under no_grad)")
        if create_graph:
            warnings.warn(
                "backward(create_graph=True) stores in each leaf's .grad a Tensor whose history "
                "leads back to the leaf: a reference cycle that reference counting cannot "
                "free. Prefer autograd_mini.grad(..., create_graph=True), or set .grad = None "
                "after use (PyTorch warns the same)", UserWarning, stacklevel=2)
        backward_pass([self], [self._seed(gradient, create_graph, "backward")],
                      create_graph=create_graph, capture=())

    # hooks for graph.backward_pass and graph.grad
    def _seed(self, gradient: Any, create_graph: bool, who: str) -> Any:
        """The gradient the backward pass starts from at this output."""
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"{who}: grad can be implicitly created only for scalar outputs; this "
                    f"output has shape {self.shape}. Reduce it first (e.g. .sum() or .mean()) "
                    f"or pass a gradient of shape {self.shape} (e.g. ones_like(output))")
            # a plain backward() never edits its seed, so all share one read-only array; a
            # recorded one gets its own (it may end up in a leaf's .grad)
            g = (np.ones if create_graph else _one)(self.data.shape, self.data.dtype)
        else:
            if isinstance(gradient, Value):
                raise _mixing_error(f"{who}: gradient")
            if gradient.__class__ is Tensor:
                if create_graph and gradient.requires_grad:
                    self._check_seed_shape(gradient.shape, who)
                    return gradient  # a gradient with history stays differentiable
                gradient = gradient.data
            g = _to_array(gradient, self.data.dtype, f"{who}: gradient")  # a copy of our own
            self._check_seed_shape(g.shape, who)
        return _leaf(g) if create_graph else g

    def _check_seed_shape(self, shape: Shape, who: str) -> None:
        if shape != self.data.shape:
            raise ValueError(f"{who}: gradient has shape {shape} but the output has shape "
                             f"{self.shape}; they must match")

    @staticmethod
    def _grad_result(g: Any, create_graph: bool) -> Tensor:
        """What grad() returns for this input: a Tensor (with history if recorded)."""
        if g.__class__ is Tensor:
            return g  # type: ignore[no-any-return]
        g = np.asarray(g)
        return _leaf(g if g.flags.writeable and g.base is None else g.copy())

    def _first_grad(self, g: Any) -> Any:
        """What ``.grad`` becomes when it was None: an array no one else holds.

        A leaf's gradient array that owns its memory (``base is None``) can have
        reached only this leaf (see _passed_on), so it is kept as it is, as PyTorch
        keeps a gradient buffer it can steal. Anything else is copied: a view or a
        read-only broadcast, and the gradient of a non-leaf, which was also handed
        on to its parents. With create_graph the gradient is a Tensor with history
        and is kept as it is (as in PyTorch).
        """
        if g.__class__ is Tensor:
            return g
        if (self._op is None and g.__class__ is np.ndarray and g.base is None
                and g.flags.writeable):
            return g
        return np.array(g, dtype=self.data.dtype, copy=True)

    # ---- arithmetic: a tensor or array operand makes a binary node, a number a unary one
    def __add__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(ADD, self, other)
        c = _number(other)
        if c is not None:
            return _make(self.data + c, ADD_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor + " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(ADD, self, o)

    def __radd__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            return _make(c + self.data, ADD_C, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " + Tensor")
        return NotImplemented if o is None else _binary_node(ADD, o, self)

    def __sub__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(SUB, self, other)
        c = _number(other)
        if c is not None:
            return _make(self.data - c, SUB_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor - " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(SUB, self, o)

    def __rsub__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            return _make(c - self.data, RSUB, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " - Tensor")
        return NotImplemented if o is None else _binary_node(SUB, o, self)

    def __mul__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(MUL, self, other)
        c = _number(other)
        if c is not None:
            return _make(self.data * c, MUL_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor * " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(MUL, self, o)

    def __rmul__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            return _make(c * self.data, MUL_C, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " * Tensor")
        return NotImplemented if o is None else _binary_node(MUL, o, self)

    def __truediv__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(DIV, self, other)
        c = _number(other)
        if c is not None:
            return _make(_div(self.data, c), DIV_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor / " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(DIV, self, o)

    def __rtruediv__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            return _make(RDIV.forward(self.data, c), RDIV, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " / Tensor")
        return NotImplemented if o is None else _binary_node(DIV, o, self)

    def __pow__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(POW, self, other)
        c = _number(other)
        if c is not None:
            return _make(_pow_scalar(self.data, c), POW_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor ** " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(POW, self, o)

    def __rpow__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            return _make(_pow(c, self.data), RPOW, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " ** Tensor")
        return NotImplemented if o is None else _binary_node(POW, o, self)

    def __matmul__(self, other: Any) -> Any:
        o = other if other.__class__ is Tensor else self._matmul_operand(other, "Tensor @ ")
        if o is None:
            return NotImplemented
        return _matmul_node(self, o)

    def __rmatmul__(self, other: Any) -> Any:
        o = self._matmul_operand(other, " @ Tensor")
        return NotImplemented if o is None else _matmul_node(o, self)

    def _matmul_operand(self, other: Any, where: str) -> Tensor | None:
        name = type(other).__name__
        op = where + name if where.endswith(" ") else name + where
        if _number(other) is not None:
            raise TypeError(f"{op}: matmul needs arrays (at least 1-D), got the number "
                            f"{other!r}; use * to multiply by a number")
        return _constant(other, self, op)

    def __neg__(self) -> Tensor:
        return _make(-self.data, NEG, self, None, self.requires_grad)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    # in-place operators, for parameter updates under no_grad (W -= lr * W.grad). They
    # store a new array in .data rather than writing into the old one (unlike an optimizer's
    # step, which writes into each parameter's array as PyTorch's do), so views of the old
    # array and results computed from it stay as they were.
    # The update counts as an edit (see .data): a graph recorded before it that reads the
    # tensor's numbers refuses a backward pass, as in PyTorch. Compute the loss again.
    def _inplace(self, other: Any, op: Any, symbol: str) -> Tensor:
        if is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False)):
            raise ValueError(
                f"Tensor {symbol}=: an in-place update of a tensor that takes part in "
                "gradients is only allowed under no_grad() (as in PyTorch, for parameter "
                f"updates); write t = t {symbol} ... to record the operation instead")
        if isinstance(other, Value):
            raise _mixing_error(f"Tensor {symbol}= Value")
        o = _data(other) if other.__class__ is Tensor else _as_tensor(
            other, self, f"Tensor {symbol}= {type(other).__name__}").data
        shape = _broadcast_shapes(f"Tensor {symbol}=", self.data.shape, np.shape(o))
        if shape != self.data.shape:
            raise ValueError(f"Tensor {symbol}=: the result would have shape {shape}, but an "
                             f"in-place update must keep the shape {self.shape}")
        with _quiet():
            self.data = op(self.data, o).astype(self.data.dtype, copy=False)
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(other, np.add, "+")

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(other, np.subtract, "-")

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(other, np.multiply, "*")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(other, np.true_divide, "/")

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError("Tensor does not support item assignment (t[i] = v): the graph "
                        "remembers the old numbers. Build a new tensor instead, e.g. "
                        "where(mask, new_values, t), or change t.data under no_grad()")

    # comparisons: boolean NumPy arrays (no gradient flows through a comparison)
    def _compare(self, other: Any) -> Any:
        if isinstance(other, Value):
            raise _mixing_error("comparison of a Tensor with a Value")
        return other.data if other.__class__ is Tensor else other

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return self.data == self._compare(other)

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return self.data != self._compare(other)

    def __lt__(self, other: Any) -> Any:
        return self.data < self._compare(other)

    def __le__(self, other: Any) -> Any:
        return self.data <= self._compare(other)

    def __gt__(self, other: Any) -> Any:
        return self.data > self._compare(other)

    def __ge__(self, other: Any) -> Any:
        return self.data >= self._compare(other)

    # ---- elementwise functions
    def exp(self) -> Tensor:
        """e ** self; d/dx = exp(x), the output itself."""
        return _make(_exp(self.data), EXP, self, None, self.requires_grad)

    def log(self) -> Tensor:
        """Natural logarithm (-inf at 0, nan below); d/dx = 1/x."""
        return _make(_log(self.data), LOG, self, None, self.requires_grad)

    def log1p(self) -> Tensor:
        """log(1 + x), accurate for tiny x; d/dx = 1/(1 + x)."""
        return _make(_log1p(self.data), LOG1P, self, None, self.requires_grad)

    def sqrt(self) -> Tensor:
        """Square root (nan below 0); d/dx = 1/(2 sqrt(x))."""
        return _make(_sqrt(self.data), SQRT, self, None, self.requires_grad)

    def abs(self) -> Tensor:
        """|x|; d/dx = sign(x), which is 0 at 0 (as PyTorch)."""
        return _make(np.abs(self.data), ABS, self, None, self.requires_grad)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent; d/dx = 1 - tanh(x)²."""
        return _make(np.tanh(self.data), TANH, self, None, self.requires_grad)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), finite for any x; d/dx = s(x)·(1 - s(x))."""
        return _make(_sigmoid(self.data), SIGMOID, self, None, self.requires_grad)

    def relu(self) -> Tensor:
        """max(x, 0); d/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch)."""
        return _make(np.maximum(self.data, 0), RELU, self, None, self.requires_grad)

    def clamp(self, min: Real | None = None, max: Real | None = None) -> Tensor:
        """Values limited to [min, max]; the gradient passes where min <= x <= max."""
        lo, hi = (None if v is None else _number(v) for v in (min, max))
        for name, v, f in (("min", min, lo), ("max", max, hi)):
            if v is not None and f is None:
                raise TypeError(f"clamp: {name} must be a number or None, got {_describe(v)}; "
                                "use maximum()/minimum() for elementwise bounds")
        if lo is None and hi is None:
            raise ValueError("clamp: at least one of min and max must be given")
        return _make(np.clip(self.data, lo, hi), CLAMP, self, (lo, hi), self.requires_grad)

    def clip(self, min: Real | None = None, max: Real | None = None) -> Tensor:
        """Alias of :meth:`clamp` (NumPy's and PyTorch's other name)."""
        return self.clamp(min, max)

    def maximum(self, other: Any) -> Tensor:
        """Elementwise larger value; ties share the gradient equally."""
        return maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise smaller value; ties share the gradient equally."""
        return minimum(self, other)

    # ---- reductions (PyTorch's dim/keepdim, or NumPy's axis/keepdims)
    def _reduce(self, rule: Rule, dim: Any, keepdim: bool, axis: Any,
                keepdims: bool | None) -> Tensor:
        dims = _dims(rule.name, dim, axis, self.data.ndim)
        keep = _keep(keepdim, keepdims)
        ctx = (dims, keep)
        return _make(rule.forward(self.data, ctx), rule, self, ctx, self.requires_grad)

    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Tensor:
        """Sum over ``dim`` (an int or tuple; all axes by default)."""
        return self._reduce(SUM, dim, keepdim, axis, keepdims)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        """Mean over ``dim`` (all axes by default)."""
        return self._reduce(MEAN, dim, keepdim, axis, keepdims)

    def var(self, dim: Any = None, keepdim: bool = False, *, correction: Real | None = None,
            unbiased: bool | None = None, axis: Any = None, keepdims: bool | None = None,
            ddof: Real | None = None) -> Tensor:
        """Variance over ``dim``, divided by n - correction (PyTorch's default correction=1:
        the unbiased estimate; ``unbiased=False`` or NumPy's ``ddof=0`` divides by n)."""
        given = [v for v in (correction, unbiased, ddof) if v is not None]
        if len(given) > 1:
            raise TypeError("var: give one of correction, unbiased and ddof")
        corr = 1.0 if not given else float(1 if unbiased else 0) if unbiased is not None \
            else float(given[0])
        dims = _dims("var", dim, axis, self.data.ndim)
        keep = _keep(keepdim, keepdims)
        if _count(self.data.shape, dims) - corr <= 0:
            warnings.warn(f"var: degrees of freedom <= 0 (n = {_count(self.data.shape, dims)}, "
                          f"correction = {corr:g}); the result is inf or nan",
                          RuntimeWarning, stacklevel=2)
        ctx = (dims, keep, corr)
        return _make(VAR.forward(self.data, ctx), VAR, self, ctx, self.requires_grad)

    def amax(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        """Largest value over ``dim``; tied maxima share the gradient equally."""
        self._check_nonempty("amax")
        return self._reduce(AMAX, dim, keepdim, axis, keepdims)

    def amin(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        """Smallest value over ``dim``; tied minima share the gradient equally."""
        self._check_nonempty("amin")
        return self._reduce(AMIN, dim, keepdim, axis, keepdims)

    def max(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """The largest value; with ``dim``, PyTorch's ``(values, indices)`` pair.

        Without dim the gradient is shared equally among tied maxima; with dim it
        goes to the element ``indices`` points at (the first maximum), as in PyTorch.
        """
        if dim is None and axis is None:
            self._check_nonempty("max")
            return _make(MAX_ALL.forward(self.data, None), MAX_ALL, self, None,
                         self.requires_grad)
        return self._select("max", np.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """The smallest value; with ``dim``, PyTorch's ``(values, indices)`` pair."""
        if dim is None and axis is None:
            self._check_nonempty("min")
            return _make(MIN_ALL.forward(self.data, None), MIN_ALL, self, None,
                         self.requires_grad)
        return self._select("min", np.argmin, dim, keepdim, axis, keepdims)

    def _check_nonempty(self, op: str) -> None:
        if self.data.size == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {self.shape}); it has no "
                             "largest or smallest element")

    def _select(self, op: str, arg: Any, dim: Any, keepdim: bool, axis: Any,
                keepdims: bool | None) -> MaxMin:
        if dim is not None and axis is None and isinstance(dim, (tuple, list)):
            raise TypeError(f"{op}: dim must be one int (use amax/amin for several axes)")
        self._check_nonempty(op)
        dims = _dims(op, dim, axis, self.data.ndim)
        keep = _keep(keepdim, keepdims)
        if not dims:  # a 0-d tensor: the value itself
            return MaxMin(self.clone(), np.zeros((), np.int64))
        d = dims[0]
        idx = arg(self.data, axis=d, keepdims=keep)
        return MaxMin(self[_along(idx, d, self.data.shape, keep)], idx)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> np.ndarray[Any, Any]:
        """Index of the largest value (over the flattened tensor without dim)."""
        self._check_nonempty("argmax")
        return np.asarray(np.argmax(self.data, axis=dim, keepdims=keepdim))

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> np.ndarray[Any, Any]:
        """Index of the smallest value (over the flattened tensor without dim)."""
        self._check_nonempty("argmin")
        return np.asarray(np.argmin(self.data, axis=dim, keepdims=keepdim))

    def softmax(self, dim: int) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim``, computed without overflow."""
        d = _one_dim("softmax", dim, self.data.ndim)
        return _make(_softmax(self.data, d), SOFTMAX, self, d, self.requires_grad)

    def log_softmax(self, dim: int) -> Tensor:
        """log(softmax(x)) along ``dim`` by max-subtraction: finite for logits of ±1000."""
        d = _one_dim("log_softmax", dim, self.data.ndim)
        return _make(_log_softmax(self.data, d), LOG_SOFTMAX, self, d, self.requires_grad)

    # ---- shape changes
    def reshape(self, *shape: Any) -> Tensor:
        """The same numbers in a new shape (one entry may be -1: inferred)."""
        return self._reshaped(RESHAPE, _shape_arg(shape))

    def view(self, *shape: Any) -> Tensor:
        """Same as :meth:`reshape` (NumPy arrays need no contiguity check)."""
        return self._reshaped(VIEW, _shape_arg(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Axes start_dim..end_dim merged into one (all of them by default)."""
        s = self.data.shape
        if not s:
            return self._reshaped(FLATTEN, (1,))
        lo, hi = (_one_dim("flatten", d, len(s)) for d in (start_dim, end_dim))
        if lo > hi:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        return self._reshaped(FLATTEN, (*s[:lo], math.prod(s[lo:hi + 1]), *s[hi + 1:]))

    def squeeze(self, dim: int | None = None) -> Tensor:
        """Size-1 axes removed (only ``dim``, if given and of size 1)."""
        s = self.data.shape
        if dim is None:
            return self._reshaped(SQUEEZE, tuple(n for n in s if n != 1))
        d = _one_dim("squeeze", dim, len(s)) if s else 0
        return self._reshaped(SQUEEZE, s[:d] + s[d + 1:] if s and s[d] == 1 else s)

    def unsqueeze(self, dim: int) -> Tensor:
        """A size-1 axis inserted at ``dim``."""
        s = self.data.shape
        d = _one_dim("unsqueeze", dim, len(s) + 1)
        return self._reshaped(UNSQUEEZE, (*s[:d], 1, *s[d:]))

    def _reshaped(self, rule: Rule, shape: Shape) -> Tensor:
        size = self.data.size
        known = math.prod(n for n in shape if n != -1)
        if shape.count(-1) > 1 or any(n < -1 for n in shape) or (
                -1 in shape and (known == 0 or size % known)) or (
                -1 not in shape and known != size):
            raise ValueError(f"{rule.name}: cannot reshape a tensor of shape {self.shape} "
                             f"({size} elements) into shape {shape}")
        out = self._data.reshape(shape)
        return _make(out, rule, self, shape, self.requires_grad, _view_counter(out, self))

    def permute(self, *dims: Any) -> Tensor:
        """The axes reordered: ``permute(2, 0, 1)`` puts axis 2 first."""
        axes = _shape_arg(dims)
        n = self.data.ndim
        if sorted(d % n if n else d for d in axes) != list(range(n)) or any(
                not -n <= d < n for d in axes):
            raise ValueError(f"permute: {axes} is not an ordering of the {n} axes of a tensor "
                             f"of shape {self.shape}")
        axes = tuple(d % n for d in axes)
        return _make(self._data.transpose(axes), PERMUTE, self, axes, self.requires_grad,
                     _shared_counter(self))  # always a view

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Axes ``dim0`` and ``dim1`` swapped (PyTorch's two-axis transpose)."""
        n = self.data.ndim
        if n == 0:
            return self.permute(())
        d0, d1 = _one_dim("transpose", dim0, n), _one_dim("transpose", dim1, n)
        axes = list(range(n))
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return self.permute(tuple(axes))

    swapaxes = transpose

    def expand(self, *shape: Any) -> Tensor:
        """A broadcast to ``shape`` (no copy); -1 keeps an axis's size, as in PyTorch."""
        target = _shape_arg(shape)
        s = self.data.shape
        lead = len(target) - len(s)
        if lead < 0:
            raise ValueError(f"expand: cannot expand shape {s} to {target}, which has fewer "
                             "dimensions")
        full_shape = tuple(s[i - lead] if n == -1 and i >= lead else n
                           for i, n in enumerate(target))
        for i, n in enumerate(s):
            if n != 1 and n != full_shape[i + lead]:
                raise ValueError(f"expand: cannot expand shape {s} to {target}: axis {i} has "
                                 f"size {n}, which is neither 1 nor {full_shape[i + lead]}")
        if any(n < 0 for n in full_shape):
            raise ValueError(f"expand: -1 is only allowed for existing axes ({target})")
        return _make(np.broadcast_to(self._data, full_shape), EXPAND, self, full_shape,
                     self.requires_grad, _shared_counter(self))  # always a (read-only) view

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Same as :meth:`expand` (NumPy's name)."""
        return self.expand(*shape)

    def expand_as(self, other: Tensor) -> Tensor:
        """Expanded to ``other``'s shape."""
        return self.expand(other.shape)

    def __getitem__(self, index: Any) -> Tensor:
        ix = _normalize_index(index)
        try:
            out = self.data[ix]
        except IndexError as exc:
            raise IndexError(f"Tensor index {index!r} does not fit shape {self.shape}: "
                             f"{exc}") from None
        if not isinstance(out, np.ndarray):  # one element: NumPy gives a scalar
            out = np.asarray(out)
        return _make(out, GETITEM, self, (ix, _accumulates(ix)), self.requires_grad,
                     _view_counter(out, self))  # basic indexing gives a view


# ------------------------------------------------------------------ argument helpers
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


def _normalize_index(index: Any) -> Any:
    """The index as NumPy takes it; Tensors (which hold floats) are refused with advice."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for item in items:
        if item.__class__ is Tensor:
            raise TypeError("Tensor index: a Tensor holds floats and cannot index; use a NumPy "
                            "integer or boolean array (e.g. t > 0, or t.argmax(1))")
        if isinstance(item, Value):
            raise _mixing_error("Tensor index")
        if isinstance(item, (list, np.ndarray)):
            arr = np.array(item)  # a copy: later edits to the caller's array cannot change
            if arr.dtype.kind not in "biu" and arr.size:  # what the backward pass picks
                raise TypeError(f"Tensor index: an index array must hold integers or "
                                f"booleans, got dtype {arr.dtype}")
            item = arr.astype(np.intp) if arr.dtype.kind != "b" else arr
        out.append(item)
    return tuple(out) if isinstance(index, tuple) else out[0]


def _accumulates(ix: Any) -> bool:
    """True when the index may pick an element twice (integer arrays), so the backward
    pass must add with np.add.at rather than assign."""
    items = ix if isinstance(ix, tuple) else (ix,)
    return any(isinstance(i, np.ndarray) and i.dtype.kind != "b" for i in items)


def _along(idx: Any, dim: int, shape: Shape, keepdim: bool) -> tuple[Any, ...]:
    """The index that picks ``a[..., idx, ...]`` along ``dim`` (take_along_axis's index)."""
    out_shape = idx.shape
    index: list[Any] = []
    for axis, n in enumerate(shape):
        if axis == dim:
            index.append(idx)
            continue
        at = axis if keepdim else (axis if axis < dim else axis - 1)
        grid_shape = [1] * len(out_shape)
        grid_shape[at] = n
        index.append(np.arange(n).reshape(grid_shape))
    return tuple(index)


# ------------------------------------------------------------------ functions of several tensors
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

    ``condition`` is a boolean array, such as ``t > 0``. The gradient goes to
    ``x`` where the condition holds and to ``y`` elsewhere.
    """
    if condition.__class__ is Tensor:
        raise TypeError("where: condition must be a boolean array (e.g. t > 0), got a "
                        "Tensor; a Tensor holds floats (use t != 0 for a mask)")
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


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``t``'s shape (and dtype unless given)."""
    return zeros(np.shape(_data(t)), dtype=dtype if dtype is not None else _dtype_of(t),
                 requires_grad=requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``t``'s shape (and dtype unless given)."""
    return ones(np.shape(_data(t)), dtype=dtype if dtype is not None else _dtype_of(t),
                requires_grad=requires_grad)


def _dtype_of(t: Any) -> Any:
    dt = getattr(_data(t), "dtype", None)
    return dt if dt is not None and dt.kind == "f" else None


# ------------------------------------------------------------------ factories
_generator = [np.random.default_rng()]


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the default random generator (used by randn and rand), as ``torch.manual_seed``."""
    _generator[0] = np.random.default_rng(seed)
    return _generator[0]


def _size_arg(size: tuple[Any, ...], who: str) -> Shape:
    try:
        shape = _shape_arg(size)
    except TypeError:
        raise TypeError(f"{who}: size must be ints or one tuple of ints, got {size!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"{who}: sizes cannot be negative, got {shape}")
    return shape


def _new_leaf(data: Any, requires_grad: bool, who: str) -> Tensor:
    if not isinstance(requires_grad, (bool, np.bool_)):
        raise TypeError(f"{who}: requires_grad must be True or False, got {requires_grad!r}")
    return _leaf(data, bool(requires_grad))


def from_numpy(array: np.ndarray[Any, Any], requires_grad: bool = False) -> Tensor:
    """A tensor that shares ``array``'s memory (no copy), as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a NumPy array, got {_describe(array)}")
    if array.dtype.kind != "f":
        raise TypeError(f"from_numpy: the array has dtype {array.dtype}; a Tensor holds floats, "
                        "so convert with Tensor(array) (a float64 copy)")
    return _new_leaf(array, requires_grad, "from_numpy")


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """``data`` as a Tensor, sharing memory when it can, as ``torch.as_tensor``.

    A Tensor of the dtype asked for is returned as it is, a float NumPy array is
    shared (as by :func:`from_numpy`), anything else is copied (as by ``Tensor(data)``).
    Unlike PyTorch, integer data gives float64 (a Tensor holds floats); the losses
    accept such a tensor of whole numbers as class labels, so
    ``F.cross_entropy(logits, lib.as_tensor(y))`` works with either library as ``lib``.
    """
    dt = None if dtype is None else _float_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dt is None or data.data.dtype == dt else data.to(dt)
    if isinstance(data, np.ndarray) and data.dtype.kind == "f" and dt in (None, data.dtype):
        return _leaf(data)
    return _leaf(_to_array(data, dt, "as_tensor"))


# the two dtypes a Tensor can hold, under PyTorch's names (dtype=autograd_mini.float64)
float32, float64 = np.dtype(np.float32), np.dtype(np.float64)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "zeros")
    return _new_leaf(np.zeros(_size_arg(size, "zeros"), dt), requires_grad, "zeros")


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "ones")
    return _new_leaf(np.ones(_size_arg(size, "ones"), dt), requires_grad, "ones")


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "full")
    shape = _size_arg(size if isinstance(size, tuple) else (size,), "full")
    if _number(fill_value) is None:
        raise TypeError(f"full: fill_value must be a number, got {_describe(fill_value)}")
    return _new_leaf(np.full(shape, fill_value, dt), requires_grad, "full")


def randn(*size: Any, generator: np.random.Generator | None = None, dtype: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples. Seed with :func:`manual_seed`, or pass a NumPy
    ``generator=np.random.default_rng(seed)`` for a stream of your own."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "randn")
    rng = _generator[0] if generator is None else generator
    data = rng.standard_normal(_size_arg(size, "randn"), dtype=dt)
    return _new_leaf(np.asarray(data), requires_grad, "randn")


def rand(*size: Any, generator: np.random.Generator | None = None, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) (seeded like :func:`randn`)."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "rand")
    rng = _generator[0] if generator is None else generator
    data = rng.random(_size_arg(size, "rand"), dtype=dt)
    return _new_leaf(np.asarray(data), requires_grad, "rand")


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to (not including) end; ``arange(n)`` is 0 .. n-1.

    Always floating point (float64 by default), where ``torch.arange`` of ints
    gives int64: a Tensor holds numbers gradients can flow through.
    """
    for name, v in (("start", start), ("end", end), ("step", step)):
        if v is not None and _number(v) is None:
            raise TypeError(f"arange: {name} must be a number, got {_describe(v)}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    lo, hi = (0, start) if end is None else (start, end)
    dt = np.float64 if dtype is None else _float_dtype(dtype, "arange")
    return _new_leaf(np.arange(lo, hi, step, dtype=dt), requires_grad, "arange")
