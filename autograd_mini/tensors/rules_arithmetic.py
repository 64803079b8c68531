"""The derivative rules of arithmetic, as a table: + - * / ** @ // %, fmod, maximum and
minimum, the same with a number as one operand, and the elementwise functions (exp, log,
tanh, relu ...).

``MUL = binary("mul", "*", forward, d_a, d_b, reads=("b", "a"))`` reads: ``out = a * b``,
the share of ``a`` is ``g · b`` and the share of ``b`` is ``g · a``, where ``g`` is the
gradient of the final output with respect to ``out`` (an array of the result's shape);
``reads`` says which numbers each of the two formulas reads, which is what the in-place check
(``versions.py``) guards. The formulas copy PyTorch's (``tools/autograd/derivatives.yaml``),
so results agree with it to rounding. A broadcast operand gets its gradient summed back to
its shape by :func:`~autograd_mini.tensors.formulas.unbroadcast`.

Forward mode. ``jvp=`` gives each operand's contribution to the result's tangent, given
that operand's tangent ``t`` (an array of the operand's shape): ``d out / d operand · t``.
It is the backward formula's mirror: MUL's ``g · b`` becomes ``t · b``, MATMUL's ``g @ bᵀ``
becomes ``t @ b``, and a broadcast operand's tangent is broadcast like its value instead
of being summed back (``engine/forward.py`` broadcasts each tangent to its node's shape).

Constants. A **number** operand (``x * 2``, ``1 - y``, ``x ** 3``) stays a Python float in
the node's ``_b`` slot, with a unary rule of its own (``MUL_C``, ``RSUB`` ...), exactly as in
the scalar engine: no array and no node is made for it. Measured on the development machine
(best of 9): ``x * 2.0`` takes 1.4 µs this way and 2.8 µs with the 2.0 wrapped in a 0-d
constant tensor for the binary rule; ``(x * 2.0).sum().backward()`` takes 18 µs against
22 µs for a 2-element x and 31 µs against 36 µs for 64x128 (the wrapper is one more node to
create, walk and skip). A Python float also keeps a float32 tensor float32, where a 0-d
float64 array would promote it to float64 under NumPy 2. An **array** operand becomes a leaf
Tensor that needs no gradient and the binary rule is used: the walk skips it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine import binary, unary
from .formulas import (
    _cos,
    _data,
    _div,
    _exp,
    _floor_divide,
    _floor_quotient,
    _fmod,
    _log,
    _log1p,
    _pow,
    _pow_scalar,
    _remainder,
    _sigmoid,
    _sign,
    _sin,
    _sqrt,
    _trunc_quotient,
    _where,
    _zeros_like,
    unbroadcast,
)

# For each rule: out = forward(a, b), then one function per parent that turns the gradient g
# of the final result with respect to `out` into that parent's share, and what each of them
# reads besides g (`reads`: "a", "b", "out"; "" for a formula that reads only shapes).
# Unary rules get their constant or context (a number, an axis, an index) as `b`.

# ---- arithmetic between tensors (or arrays), broadcast       backward: share for a, for b
# (g itself when no broadcasting happened, tested before calling unbroadcast: the usual
# x @ W + b, whose left operand has the result's shape)
ADD = binary("add", "+", lambda a, b: a + b,
             lambda g, a, b, out: g if g.shape == a.shape else unbroadcast(g, a.shape),
             lambda g, a, b, out: unbroadcast(g, b.shape, view=True), reads=("", ""),
             jvp=(lambda t, a, b, out: t, lambda t, a, b, out: t))
SUB = binary("sub", "-", lambda a, b: a - b,
             lambda g, a, b, out: unbroadcast(g, a.shape),
             lambda g, a, b, out: -unbroadcast(g, b.shape), reads=("", ""),
             jvp=(lambda t, a, b, out: t, lambda t, a, b, out: -t))
MUL = binary("mul", "*", lambda a, b: a * b,
             lambda g, a, b, out: unbroadcast(g * b, a.shape),
             lambda g, a, b, out: unbroadcast(g * a, b.shape), reads=("b", "a"),
             jvp=(lambda t, a, b, out: t * b, lambda t, a, b, out: a * t))
DIV = binary("div", "/", _div,
             lambda g, a, b, out: unbroadcast(_div(g, b), a.shape),
             lambda g, a, b, out: unbroadcast(-g * _div(_div(a, b), b), b.shape),
             reads=("b", "a b"),
             jvp=(lambda t, a, b, out: _div(t, b),
                  lambda t, a, b, out: -t * _div(_div(a, b), b)))
POW = binary("pow", "**", _pow,
             lambda g, a, b, out: unbroadcast(
                 _where(_data(b) == 0, 0.0, g * (b * _pow(a, b - 1))), a.shape),
             lambda g, a, b, out: unbroadcast(
                 g * _where((_data(a) == 0) & (_data(b) >= 0), 0.0, out * _log(a)), b.shape),
             reads=("a b", "a b out"),
             jvp=(lambda t, a, b, out: _where(b == 0, 0.0, t * (b * _pow(a, b - 1))),
                  lambda t, a, b, out: t * _where((a == 0) & (b >= 0), 0.0, out * _log(a))))
MATMUL = binary("matmul", "@", lambda a, b: a @ b,  # for matrices: g @ bᵀ and aᵀ @ g
                lambda g, a, b, out: (g @ b.T if a.ndim == 2 == b.ndim
                                      else _matmul_grad(g, a, b, 0)),
                lambda g, a, b, out: (a.T @ g if a.ndim == 2 == b.ndim
                                      else _matmul_grad(g, a, b, 1)), reads=("b", "a"),
                jvp=(lambda t, a, b, out: t @ b, lambda t, a, b, out: a @ t))  # bilinear
# ties share the gradient equally, as PyTorch's maximum/minimum do
MAXIMUM = binary("maximum", "max", np.maximum,
                 lambda g, a, b, out: unbroadcast(_where(
                     _data(a) < _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), a.shape),
                 lambda g, a, b, out: unbroadcast(_where(
                     _data(a) > _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), b.shape),
                 reads=("a b", "a b"),
                 jvp=(lambda t, a, b, out: np.where(a < b, 0.0, np.where(a == b, t / 2, t)),
                      lambda t, a, b, out: np.where(a > b, 0.0, np.where(a == b, t / 2, t))))
MINIMUM = binary("minimum", "min", np.minimum,
                 lambda g, a, b, out: unbroadcast(_where(
                     _data(a) > _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), a.shape),
                 lambda g, a, b, out: unbroadcast(_where(
                     _data(a) < _data(b), 0.0, _where(_data(a) == _data(b), g / 2, g)), b.shape),
                 reads=("a b", "a b"),
                 jvp=(lambda t, a, b, out: np.where(a > b, 0.0, np.where(a == b, t / 2, t)),
                      lambda t, a, b, out: np.where(a < b, 0.0, np.where(a == b, t / 2, t))))

# ---- floor division and the two remainders (a number operand becomes a 0-d constant)
# a // b is flat between its steps: PyTorch has no derivative for it ("not implemented", a
# RuntimeError in backward), nor has this rule. The remainders are a - b·q for q = floor(a/b)
# or trunc(a/b), whose derivative PyTorch takes as 0 (q is a constant between the steps):
# d/da = 1, d/db = -q.
def _no_floor_divide_derivative(g: Any, a: Any, b: Any, out: Any) -> Any:
    raise RuntimeError("floor_divide: derivative for floor_divide (the // operator) is not "
                       "implemented, as in PyTorch: a // b is a staircase, flat between its "
                       "steps. detach() the quotient if no gradient should flow through it, "
                       "or use a / b for a differentiable one")


def _no_floor_divide_jvp(t: Any, a: Any, b: Any, out: Any) -> Any:
    raise NotImplementedError("floor_divide: forward mode (a tangent through the // operator) "
                              "is not supported, as in PyTorch: a // b is a staircase, flat "
                              "between its steps. detach() the quotient, or use a / b")


FLOOR_DIVIDE = binary("floor_divide", "//", _floor_divide, _no_floor_divide_derivative,
                      _no_floor_divide_derivative, reads=("", ""),
                      jvp=(_no_floor_divide_jvp, _no_floor_divide_jvp))
REMAINDER = binary("remainder", "%", _remainder,
                   lambda g, a, b, out: unbroadcast(g, a.shape),
                   lambda g, a, b, out: unbroadcast(-g * _floor_quotient(a, b), b.shape),
                   reads=("", "a b"),
                   jvp=(lambda t, a, b, out: t,
                        lambda t, a, b, out: -t * _floor_quotient(a, b)))
FMOD = binary("fmod", "fmod", _fmod,
              lambda g, a, b, out: unbroadcast(g, a.shape),
              lambda g, a, b, out: unbroadcast(-g * _trunc_quotient(a, b), b.shape),
              reads=("", "a b"),
              jvp=(lambda t, a, b, out: t, lambda t, a, b, out: -t * _trunc_quotient(a, b)))

# ---- arithmetic with a number c (kept as a float in the node, not a node)
# (forward mode, jvp=: the tangent t of a, times the same derivative)
ADD_C = unary("add", "+", lambda a, c: a + c, lambda g, a, c, out: g, reads="",
              jvp=lambda t, a, c, out: t)
SUB_C = unary("sub", "-", lambda a, c: a - c, lambda g, a, c, out: g, reads="",
              jvp=lambda t, a, c, out: t)
RSUB = unary("rsub", "-", lambda a, c: c - a, lambda g, a, c, out: -g, reads="",  # c - a
             jvp=lambda t, a, c, out: -t)
MUL_C = unary("mul", "*", lambda a, c: a * c, lambda g, a, c, out: g * c, reads="",
              jvp=lambda t, a, c, out: t * c)
DIV_C = unary("div", "/", _div, lambda g, a, c, out: _div(g, c), reads="",
              jvp=lambda t, a, c, out: _div(t, c))
# c / a is computed as PyTorch computes it, reciprocal(a) * c; its derivative is -c / a².
RDIV = unary("rdiv", "/", lambda a, c: _div(1.0, a) * c,
             lambda g, a, c, out: -(g * c) * (_div(1.0, a) * _div(1.0, a)), reads="a",
             jvp=lambda t, a, c, out: -(t * c) * (_div(1.0, a) * _div(1.0, a)))
POW_C = unary("pow", "**", _pow_scalar,
              lambda g, a, c, out: (_zeros_like(a) if c == 0
                                    else g * (c * _pow_scalar(a, c - 1.0))), reads="a",
              jvp=lambda t, a, c, out: (np.zeros_like(t) if c == 0
                                        else t * (c * _pow_scalar(a, c - 1.0))))
RPOW = unary("rpow", "**", lambda a, c: _pow(c, a),  # c ** a
             lambda g, a, c, out: g * _where((c == 0) & (_data(a) >= 0), 0.0,
                                             out * (math.log(c) if c > 0 else
                                                    (-math.inf if c == 0 else math.nan))),
             reads="a out",
             jvp=lambda t, a, c, out: t * np.where((c == 0) & (a >= 0), 0.0, out * (
                 math.log(c) if c > 0 else (-math.inf if c == 0 else math.nan))))

# ---- elementwise functions              forward: out = ...   backward: g * d out / d a
# (an elementwise Jacobian is diagonal, so jvp= is the same product with t for g: t * d out/d a)
NEG = unary("neg", "-", lambda a, _: -a, lambda g, a, _, out: -g, reads="",
            jvp=lambda t, a, _, out: -t)
EXP = unary("exp", "exp", lambda a, _: _exp(a), lambda g, a, _, out: g * out, reads="out",
            jvp=lambda t, a, _, out: t * out)
LOG = unary("log", "log", lambda a, _: _log(a), lambda g, a, _, out: _div(g, a), reads="a",
            jvp=lambda t, a, _, out: _div(t, a))
LOG1P = unary("log1p", "log1p", lambda a, _: _log1p(a), lambda g, a, _, out: _div(g, a + 1),
              reads="a", jvp=lambda t, a, _, out: _div(t, a + 1))
SQRT = unary("sqrt", "sqrt", lambda a, _: _sqrt(a), lambda g, a, _, out: _div(g, 2 * out),
             reads="out", jvp=lambda t, a, _, out: _div(t, 2 * out))
# sin and cos: PyTorch's formulas, grad * cos(x) and grad * -sin(x)
SIN = unary("sin", "sin", lambda a, _: np.sin(a), lambda g, a, _, out: g * _cos(a), reads="a",
            jvp=lambda t, a, _, out: t * np.cos(a))
COS = unary("cos", "cos", lambda a, _: np.cos(a), lambda g, a, _, out: g * -_sin(a), reads="a",
            jvp=lambda t, a, _, out: t * -np.sin(a))
ABS = unary("abs", "abs", lambda a, _: np.abs(a), lambda g, a, _, out: g * _sign(_data(a)),
            reads="a", jvp=lambda t, a, _, out: t * _sign(a))
TANH = unary("tanh", "tanh", lambda a, _: np.tanh(a), lambda g, a, _, out: g * (1 - out * out),
             reads="out", jvp=lambda t, a, _, out: t * (1 - out * out))
SIGMOID = unary("sigmoid", "sigmoid", lambda a, _: _sigmoid(a),
                lambda g, a, _, out: g * (1 - out) * out, reads="out",
                jvp=lambda t, a, _, out: t * (1 - out) * out)
RELU = unary("relu", "relu", lambda a, _: np.maximum(a, 0),  # relu(nan) is nan
             lambda g, a, _, out: _where(out <= 0, 0.0, g), reads="out",  # (a mask: no node)
             jvp=lambda t, a, _, out: np.where(out <= 0, 0.0, t))
# clamp lets the gradient through where lo <= a <= hi (bounds included), as PyTorch
CLAMP = unary("clamp", "clamp", lambda a, lh: np.clip(a, *lh),
              lambda g, a, lh, out: _where(_clamp_mask(_data(a), *lh), g, 0.0), reads="a",
              jvp=lambda t, a, lh, out: np.where(_clamp_mask(a, *lh), t, 0.0))

RULES = {r.name: r for r in (ADD, SUB, RSUB, MUL, DIV, RDIV, POW, RPOW, MATMUL, MAXIMUM,
                             MINIMUM, FLOOR_DIVIDE, REMAINDER, FMOD, NEG, EXP, LOG, LOG1P, SQRT,
                             SIN, COS, ABS, TANH, SIGMOID, RELU, CLAMP)}
"""The arithmetic rules by name (the constant-operand variants share a name)."""


def _clamp_mask(a: Any, lo: float | None, hi: float | None) -> Any:
    if lo is None:
        return a <= hi
    if hi is None:
        return a >= lo
    return (a >= lo) & (a <= hi)


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
