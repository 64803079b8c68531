"""The derivative rules of a Value, as a table: each operation's forward formula and its
local derivatives stand side by side, as on the derivative-rules slide.

``MUL = binary("mul", "*", lambda a, b: a * b, d_a, d_b)`` reads: ``out = a * b``, the
share of ``a`` is ``g · b`` and the share of ``b`` is ``g · a``, where ``g`` is the
gradient of the final output with respect to ``out``. ``PASS`` means the derivative is 1
and ``g`` passes through unchanged. The same formulas serve a plain backward pass (they
get floats) and a ``create_graph=True`` pass (they get Values, so the pass is recorded).

Forward mode. Each rule also carries a JVP per operand (``Rule.jvp``): the contribution
``d out / d operand · t`` of the operand's tangent ``t`` to the node's tangent. For a Value
it is the same formula as the backward one with ``t`` in place of ``g``: both are the local
derivative times one number, and multiplying numbers commutes (``g · b`` and ``b · t`` are
one formula). So the ``unary`` and ``binary`` below give every rule its backward formulas as
its JVPs too: one entry of the table serves both modes, and
``tests/test_forward_mode.py`` checks the JVPs against PyTorch's forward mode. (A Tensor's
JVPs are written out: there ``g · J`` and ``J · t`` differ, see ``tensors/rules_*.py``.)

A neuron as one node (``dot``, ``dot_relu``) and the hinge loss are in ``fused.py``:
faster, and equal to these elementary rules to the last bit.
"""

from __future__ import annotations

import math
from typing import Any

from ..engine import PASS, Rule
from ..engine import binary as _binary
from ..engine import unary as _unary
from .ieee import _data, _div, _exp, _log, _pow, _pow_const, _sigmoid

__all__ = ["RULES"]



def unary(name: str, symbol: str, forward: Any, d_a: Any) -> Rule:
    """A scalar unary rule whose JVP is its backward formula (see the module docstring)."""
    return _unary(name, symbol, forward, d_a, jvp=d_a)


def binary(name: str, symbol: str, forward: Any, d_a: Any, d_b: Any) -> Rule:
    """A scalar binary rule whose JVPs are its backward formulas (see the module docstring)."""
    return _binary(name, symbol, forward, d_a, d_b, jvp=(d_a, d_b))


# -------------------------------------------------------------------------- the rules
# For each rule: out = forward(a, b), then one function per parent that turns the
# gradient g of the final result with respect to `out` into that parent's share,
# g * d out / d parent (PASS: the derivative is 1 and g passes through unchanged).
# In a unary rule `b` is a constant (or unused), never a node.
# The formulas copy PyTorch's (derivatives.yaml), so results agree to the last bit
# where the arithmetic is the same.

#                  name     symbol  forward: out = ...           backward: g * d out / d operand
ADD = binary("add", "+", lambda a, b: a + b, PASS, PASS)
ADD_C = unary("add", "+", lambda a, c: a + c, PASS)
SUB = binary("sub", "-", lambda a, b: a - b, PASS, lambda g, a, b, out: -g)
SUB_C = unary("sub", "-", lambda a, c: a - c, PASS)
RSUB = unary("rsub", "-", lambda a, c: c - a, lambda g, a, c, out: -g)  # c - a
MUL = binary("mul", "*", lambda a, b: a * b, lambda g, a, b, out: g * b,
             lambda g, a, b, out: g * a)
MUL_C = unary("mul", "*", lambda a, c: a * c, lambda g, a, c, out: g * c)
DIV = binary("div", "/", _div, lambda g, a, b, out: _div(g, b),
             lambda g, a, b, out: -g * _div(_div(a, b), b))
DIV_C = unary("div", "/", _div, lambda g, a, c, out: _div(g, c))
# c / a is computed as PyTorch computes it, (1 / a) * c; its derivative is -c / a².
RDIV = unary("rdiv", "/", lambda a, c: _div(1.0, a) * c,
             lambda g, a, c, out: -(g * c) * (_div(1.0, a) * _div(1.0, a)))
NEG = unary("neg", "-", lambda a, _: -a, lambda g, a, _, out: -g)
# PyTorch masks the base's share to a plain 0 where b == 0, but multiplies the
# exponent's mask by g (so an infinite g still makes nan), and so do we.
POW = binary("pow", "**", _pow,
             lambda g, a, b, out: 0.0 if _data(b) == 0 else g * (b * _pow(a, b - 1)),
             lambda g, a, b, out: g * (0.0 if _data(a) == 0 and _data(b) >= 0
                                       else out * _log(a)))
POW_C = unary("pow", "**", _pow_const,
              lambda g, a, c, out: 0.0 if c == 0 else g * (c * _pow_const(a, c - 1)))
RPOW = unary("rpow", "**", lambda a, c: _pow(c, a),  # c ** a
             lambda g, a, c, out: g * (0.0 if c == 0 and _data(a) >= 0 else out * _log(c)))
EXP = unary("exp", "exp", lambda a, _: _exp(a), lambda g, a, _, out: g * out)
LOG = unary("log", "log", lambda a, _: _log(a), lambda g, a, _, out: _div(g, a))
TANH = unary("tanh", "tanh", lambda a, _: math.tanh(a), lambda g, a, _, out: g * (1 - out * out))
SIGMOID = unary("sigmoid", "sigmoid", lambda a, _: _sigmoid(a),
                lambda g, a, _, out: g * (1 - out) * out)
RELU = unary("relu", "relu", lambda a, _: 0.0 if a <= 0 else a,  # relu(nan) is nan
             lambda g, a, _, out: 0.0 if _data(out) <= 0 else g)


RULES: dict[str, Rule] = {r.name: r for r in (ADD, SUB, RSUB, MUL, DIV, RDIV, NEG, POW, RPOW,
                                                EXP, LOG, TANH, SIGMOID, RELU)}
"""The elementary rule of every op by name (the constant-operand variants share a name)."""
