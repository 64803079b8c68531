"""Scalar autodiff: :class:`Value` and the table of its derivative rules.

A Value holds one float and remembers the operation that produced it. Calling
``backward()`` on a result walks the graph once, in reverse topological order (the
leaves last), and applies the chain rule with the rules in :data:`RULES`: each rule's
forward formula and its local derivatives stand side by side, as on the
derivative-rules slide.

Plain numbers mixed into expressions (the 3 in ``x * 3``) are never wrapped in
nodes: they ride along in the node's ``_b`` slot. That keeps a node at about
100 bytes and makes the graph walk shorter.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

from .graph import (
    BINARY,
    NARY,
    PASS,
    UNARY,
    WEIGHTED,
    Rule,
    Saved,
    backward_pass,
    record,
    threads_off_default,
)

__all__ = ["RULES", "Value", "dot"]

Number = int | float
inf, nan = math.inf, math.nan


# ----------------------------------------------------------------- IEEE-safe arithmetic
# Python raises where IEEE 754 (and PyTorch) return inf or nan: 1/0, exp(1000),
# log(0), 0 ** -1, (-8) ** (1/3). These helpers return what PyTorch returns. Each also
# accepts Values, so one derivative formula serves a plain backward pass (floats)
# and a create_graph=True pass (Values, recorded so they can be differentiated again).
def _div(a: Any, b: Any) -> Any:
    try:
        return a / b
    except ZeroDivisionError:  # only floats get here: x / 0.0 is +-inf, 0 / 0 is nan
        if a != a or a == 0:
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)


def _exp(a: Any) -> Any:
    if a.__class__ is Value:
        return a.exp()
    try:
        return math.exp(a)
    except OverflowError:
        return inf


def _log(a: Any) -> Any:
    if a.__class__ is Value:
        return a.log()
    try:
        return math.log(a)
    except ValueError:  # log(0) is -inf, log(negative) is nan
        return -inf if a == 0 else nan


def _pow(a: Any, b: Any) -> Any:
    """C's pow(a, b): what torch.pow gives for a tensor exponent."""
    if a.__class__ is Value or b.__class__ is Value:
        return a**b
    try:
        r = a**b
        if r.__class__ is float:
            return r
    except (ZeroDivisionError, OverflowError):
        pass
    # 0 ** -1, overflow, or a complex result for a negative base: ask C's pow via NumPy.
    with np.errstate(all="ignore"):
        return float(np.power(np.float64(a), np.float64(b)))


def _pow_const(a: Any, c: float) -> Any:
    """``a ** c`` for a constant exponent, rounded exactly as torch.pow(tensor, c).

    PyTorch replaces a few exponents by cheaper exact formulas (x*x for 2, 1/sqrt(x)
    for -0.5, ...); using the same ones makes results equal to the last bit.
    """
    if a.__class__ is Value:
        return a**c
    if c == 2.0:
        return a * a
    if c == 3.0:
        return a * a * a
    if c == 0.5:
        return math.sqrt(a) if a >= 0 else nan
    if c == -0.5:
        return _div(1.0, math.sqrt(a)) if a >= 0 else nan
    if c == -1.0:
        return _div(1.0, a)
    if c == -2.0:
        return _div(1.0, a * a)
    if c == 0.0:
        return 1.0
    if c == 1.0:
        return a
    return _pow(a, c)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + _exp(-a))  # exp(1000) is inf, and 1/inf is 0: no overflow


def _data(x: Any) -> Any:
    """The number inside a Value (masks and tests look at numbers, not at nodes)."""
    return x.data if x.__class__ is Value else x


# -------------------------------------------------------------------------- the rules
# For each rule: out = forward(a, b), then one function per parent that turns the
# gradient g of the final result with respect to `out` into that parent's share,
# g * d out / d parent (PASS: the derivative is 1 and g passes through unchanged).
# In a unary rule `b` is a constant (or unused), never a node.
# The formulas copy PyTorch's (derivatives.yaml), so results agree to the last bit
# where the arithmetic is the same.
def _unary(name: str, symbol: str, forward: Any, d_a: Any) -> Rule:
    return Rule(name, UNARY, forward, (d_a,), symbol)


def _binary(name: str, symbol: str, forward: Any, d_a: Any, d_b: Any) -> Rule:
    return Rule(name, BINARY, forward, (d_a, d_b), symbol)


#                  name     symbol  forward: out = ...           backward: g * d out / d operand
ADD = _binary("add", "+", lambda a, b: a + b, PASS, PASS)
ADD_C = _unary("add", "+", lambda a, c: a + c, PASS)
SUB = _binary("sub", "-", lambda a, b: a - b, PASS, lambda g, a, b, out: -g)
SUB_C = _unary("sub", "-", lambda a, c: a - c, PASS)
RSUB = _unary("rsub", "-", lambda a, c: c - a, lambda g, a, c, out: -g)  # c - a
MUL = _binary("mul", "*", lambda a, b: a * b, lambda g, a, b, out: g * b,
              lambda g, a, b, out: g * a)
MUL_C = _unary("mul", "*", lambda a, c: a * c, lambda g, a, c, out: g * c)
DIV = _binary("div", "/", _div, lambda g, a, b, out: _div(g, b),
              lambda g, a, b, out: -g * _div(_div(a, b), b))
DIV_C = _unary("div", "/", _div, lambda g, a, c, out: _div(g, c))
# c / a is computed as PyTorch computes it, (1 / a) * c; its derivative is -c / a².
RDIV = _unary("rdiv", "/", lambda a, c: _div(1.0, a) * c,
              lambda g, a, c, out: -(g * c) * (_div(1.0, a) * _div(1.0, a)))
NEG = _unary("neg", "-", lambda a, _: -a, lambda g, a, _, out: -g)
# PyTorch masks the base's share to a plain 0 where b == 0, but multiplies the
# exponent's mask by g (so an infinite g still makes nan), and so do we.
POW = _binary("pow", "**", _pow,
              lambda g, a, b, out: 0.0 if _data(b) == 0 else g * (b * _pow(a, b - 1)),
              lambda g, a, b, out: g * (0.0 if _data(a) == 0 and _data(b) >= 0
                                        else out * _log(a)))
POW_C = _unary("pow", "**", _pow_const,
               lambda g, a, c, out: 0.0 if c == 0 else g * (c * _pow_const(a, c - 1)))
RPOW = _unary("rpow", "**", lambda a, c: _pow(c, a),  # c ** a
              lambda g, a, c, out: g * (0.0 if c == 0 and _data(a) >= 0 else out * _log(c)))
EXP = _unary("exp", "exp", lambda a, _: _exp(a), lambda g, a, _, out: g * out)
LOG = _unary("log", "log", lambda a, _: _log(a), lambda g, a, _, out: _div(g, a))
TANH = _unary("tanh", "tanh", lambda a, _: math.tanh(a), lambda g, a, _, out: g * (1 - out * out))
SIGMOID = _unary("sigmoid", "sigmoid", lambda a, _: _sigmoid(a),
                 lambda g, a, _, out: g * (1 - out) * out)
RELU = _unary("relu", "relu", lambda a, _: 0.0 if a <= 0 else a,  # relu(nan) is nan
              lambda g, a, _, out: 0.0 if _data(out) <= 0 else g)



# A weighted sum w·x + b (a neuron before its activation) as ONE node instead of n products
# and n sums. Its operands are 2n + 1 slots w1..wn, x1..xn, b. The Values among them are the
# node's parents (`_a`, in slot order); the context `_b` says where plain numbers (inputs
# that are data, not nodes) go, and keeps what the backward formula reads:
#   Factors((xs, ws))  every slot is a Value: the parents are w1..wn, x1..xn, b, and the
#                      forward saved the numbers of the inputs xs and of the weights ws
#   DataInputs(xs)     the inputs are the numbers xs, weights and bias are Values: the
#                      parents are w1..wn, b (an MLP's first layer)
#   a tuple            any other mix: all 2n + 1 slots, None where a parent goes
# Forward accumulates from b, left to right, so it rounds exactly as the elementary
# b + w1*x1 + ... + wn*xn. The rule is WEIGHTED: d out/d wᵢ = xᵢ, d out/d xᵢ = wᵢ and
# d out/d b = 1, and the share g·xᵢ, g·wᵢ, g·1 = g is the product the elementary mul rule
# sends (a plain pass multiplies the numbers the forward saved, as PyTorch's mm does).
class Factors(Saved):
    """The numbers (inputs, weights) of a dot node whose slots are all Values."""

    __slots__ = ()


class DataInputs(Saved):
    """The inputs x1..xn of a dot node when they are numbers and every weight and the
    bias are Values (its parents are then w1..wn, b)."""

    __slots__ = ()


_ONE = (1.0,)  # the bias's coefficient


def _slots(parents: Sequence[Any], spec: tuple[Any, ...]) -> Any:
    """All 2n + 1 operands: the parents with the constants put back in their places."""
    if spec.__class__ is Factors:
        return parents
    if spec.__class__ is DataInputs:
        return [*parents[:-1], *spec, parents[-1]]
    rest = iter(parents)
    return [next(rest) if c is None else c for c in spec]


def _dot_forward(parents: Sequence[Any], spec: tuple[Any, ...]) -> Any:
    ws: Sequence[Any]
    xs: Sequence[Any]
    if spec.__class__ is DataInputs:
        ws, xs, acc = parents, spec, parents[-1]  # zip stops at the last input, before b
    else:
        slots = _slots(parents, spec)
        n = len(slots) // 2
        ws, xs, acc = slots[:n], slots[n:-1], slots[-1]
    for w, x in zip(ws, xs):
        acc = acc + w * x
    return acc


def _dot_backward(g: Any, parents: Any, spec: tuple[Any, ...], out: Any) -> Any:
    """``(g, the local derivative of each parent)``: each product's other factor, 1 for b."""
    if spec.__class__ is Factors:  # parents w1..wn, x1..xn, b
        if parents is None:  # a plain pass: the numbers the forward saved
            xs, ws = spec
        else:
            n = len(parents) // 2
            xs, ws = parents[n:-1], parents[:n]
        return g, chain(xs, ws, _ONE)
    if spec.__class__ is DataInputs:  # parents w1..wn, b
        return g, chain(spec, _ONE)
    slots = _slots(parents, spec)
    n = len(slots) // 2
    others = [*slots[n:-1], *slots[:n], 1.0]
    return g, [c for c, s in zip(others, spec) if s is None]  # the parents' coefficients


DOT = Rule("dot", WEIGHTED, _dot_forward, (_dot_backward,), "·")


# A ReLU neuron relu(w·x + b) as ONE node: dot's rule, then relu's, composed. The hidden
# layers of nn.scalar.MLP are made of these, which halves the nodes an epoch walks. Same
# numbers to the last bit as a dot node followed by a relu node: relu's share (g, or 0.0
# where the neuron is off) goes into dot's formula, zeros included, as the two nodes do.
def _dot_relu_forward(parents: Sequence[Any], spec: tuple[Any, ...]) -> Any:
    z = _dot_forward(parents, spec)
    return 0.0 if z <= 0 else z  # relu(nan) is nan, as RELU's forward


def _dot_relu_backward(g: Any, parents: Any, spec: tuple[Any, ...], out: Any) -> Any:
    if (out.data if out.__class__ is Value else out) <= 0:  # relu's share: 0.0 where off
        g = 0.0
    return _dot_backward(g, parents, spec, out)


DOT_RELU = Rule("dot_relu", WEIGHTED, _dot_relu_forward, (_dot_relu_backward,), "relu ·")


# micrograd's hinge loss, mean of relu(1 - yᵢ·sᵢ) over the scores sᵢ (the parents) with
# targets yᵢ = ±1 (the context), as ONE node. Every operation is the one the elementary
# graph (1 + -y*s).relu() ... sum(...) * (1/n) makes, in the same order, so the numbers
# agree to the last bit: each score's share is relu's share (g/n, or 0.0 where the margin
# is met) times -yᵢ, the mul rule's.
def _hinge_forward(scores: Sequence[Any], targets: tuple[float, ...]) -> Any:
    total = 0.0
    for s, y in zip(scores, targets):
        m = 1.0 + -y * s
        total = total + (0.0 if m <= 0 else m)
    return total * (1.0 / len(targets))


def _hinge_backward(g: Any, scores: Sequence[Any], targets: tuple[float, ...], out: Any) -> Any:
    g = g * (1.0 / len(targets))
    return [(0.0 if 1.0 + -y * _data(s) <= 0 else g) * -y for s, y in zip(scores, targets)]


HINGE = Rule("hinge_loss", NARY, _hinge_forward, (_hinge_backward,), "hinge")

RULES: dict[str, Rule] = {r.name: r for r in (ADD, SUB, RSUB, MUL, DIV, RDIV, NEG, POW, RPOW,
                                                EXP, LOG, TANH, SIGMOID, RELU, DOT, DOT_RELU,
                                                HINGE)}
"""The rule of every op by name (the constant-operand variants share a name)."""


# -------------------------------------------------------------------------- the node
_new = object.__new__


def _node(data: float, op: Rule, a: Any, b: Any) -> Value:
    """A new Value made by ``op`` from operands ``a`` and ``b`` (a plain leaf under no_grad)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._g = None
    if threads_off_default[0]:  # some thread is in no_grad or detect_anomaly
        return record(v, op, a, b)
    v._op, v._a, v._b = op, a, b
    return v


def _as_float(x: Any, what: str) -> float:
    """A Python float from a real number; TypeError naming the type otherwise."""
    if x.__class__ is float:
        return x  # type: ignore[no-any-return]
    if isinstance(x, numbers.Real):  # int, bool, numpy scalars, Fraction ...
        return float(x)
    if isinstance(x, Value):
        return x.data
    raise TypeError(f"{what}: expected a real number (int or float), got {_describe(x)}")


def _describe(x: Any) -> str:
    kind = type(x).__name__
    if isinstance(x, np.ndarray):
        return f"numpy array of shape {x.shape} (a Value holds one number; use Tensor for arrays)"
    if kind == "Tensor":
        return "Tensor (convert with Value(t.item()) for a one-element tensor)"
    text = repr(x)
    return f"{kind} {text if len(text) <= 40 else text[:37] + '...'}"


def _operand(other: Any, symbol: str, reflected: str) -> float | None:
    """``other`` as a constant operand, or None to let Python try ``other``'s own operator."""
    cls = other.__class__
    if cls is float:
        return other  # type: ignore[no-any-return]
    if cls is int or isinstance(other, numbers.Real):  # ints first: the ABC check is slow
        return float(other)
    if hasattr(cls, reflected) and not isinstance(other, (str, list, tuple, complex, np.ndarray)):
        return None  # e.g. a Tensor: it knows how to combine with a Value (or says why not)
    raise TypeError(
        f"Value {symbol} {cls.__name__}: expected a Value or a real number, "
        f"got {_describe(other)}"
    )


class Value:
    """A scalar that remembers how it was computed, so it can compute gradients.

    >>> w = Value(3.0, label="w")
    >>> z = -2 * w + 4
    >>> z.backward()
    >>> w.grad
    -2.0

    ``grad`` starts at 0.0 and every ``backward()`` *adds* to it, as PyTorch does,
    so call ``zero_grad()`` on your optimizer (or set ``grad = 0.0``) between steps.
    Every Value, leaf or intermediate, keeps its gradient, so a drawing can show
    them all.
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_g")
    requires_grad = True  # every Value takes part in backward (the graph walk asks)
    _retains_grad = True  # and keeps its gradient, leaf or not, so drawings can show it
    __array_ufunc__ = None  # a NumPy scalar on the left defers to our reflected ops

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: data is already a Value; use it directly, or v.detach()")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op: Rule | None = None
        self._a: Any = None
        self._b: Any = None
        self._g: Any = None  # gradient so far, only during a backward pass

    # ---- arithmetic: a Value operand makes a binary node, a number a unary one
    def __add__(self, other: Any) -> Value:
        if other.__class__ is Value:
            return _node(self.data + other.data, ADD, self, other)
        c = _operand(other, "+", "__radd__")
        return NotImplemented if c is None else _node(self.data + c, ADD_C, self, c)

    def __radd__(self, other: Any) -> Value:  # c + v (also sum([...]), which starts at 0)
        c = _operand(other, "+", "__add__")
        return NotImplemented if c is None else _node(c + self.data, ADD_C, self, c)

    def __sub__(self, other: Any) -> Value:
        if other.__class__ is Value:
            return _node(self.data - other.data, SUB, self, other)
        c = _operand(other, "-", "__rsub__")
        return NotImplemented if c is None else _node(self.data - c, SUB_C, self, c)

    def __rsub__(self, other: Any) -> Value:  # c - v
        c = _operand(other, "-", "__sub__")
        return NotImplemented if c is None else _node(c - self.data, RSUB, self, c)

    def __mul__(self, other: Any) -> Value:
        if other.__class__ is Value:
            return _node(self.data * other.data, MUL, self, other)
        c = _operand(other, "*", "__rmul__")
        return NotImplemented if c is None else _node(self.data * c, MUL_C, self, c)

    def __rmul__(self, other: Any) -> Value:  # c * v
        c = _operand(other, "*", "__mul__")
        return NotImplemented if c is None else _node(c * self.data, MUL_C, self, c)

    def __truediv__(self, other: Any) -> Value:
        if other.__class__ is Value:
            return _node(_div(self.data, other.data), DIV, self, other)
        c = _operand(other, "/", "__rtruediv__")
        return NotImplemented if c is None else _node(_div(self.data, c), DIV_C, self, c)

    def __rtruediv__(self, other: Any) -> Value:  # c / v
        c = _operand(other, "/", "__truediv__")
        return NotImplemented if c is None else _node(RDIV.forward(self.data, c), RDIV, self, c)

    def __pow__(self, other: Any) -> Value:
        if other.__class__ is Value:
            return _node(_pow(self.data, other.data), POW, self, other)
        c = _operand(other, "**", "__rpow__")
        return NotImplemented if c is None else _node(_pow_const(self.data, c), POW_C, self, c)

    def __rpow__(self, other: Any) -> Value:  # c ** v
        c = _operand(other, "**", "__pow__")
        return NotImplemented if c is None else _node(_pow(c, self.data), RPOW, self, c)

    def __neg__(self) -> Value:
        return _node(-self.data, NEG, self, None)

    # ---- functions
    def exp(self) -> Value:
        """e ** self; d/dx = exp(x), the output itself."""
        return _node(_exp(self.data), EXP, self, None)

    def log(self) -> Value:
        """Natural logarithm (-inf at 0, nan below); d/dx = 1/x."""
        return _node(_log(self.data), LOG, self, None)

    def tanh(self) -> Value:
        """Hyperbolic tangent; d/dx = 1 - tanh(x)²."""
        return _node(math.tanh(self.data), TANH, self, None)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x); d/dx = s(x)·(1 - s(x))."""
        return _node(_sigmoid(self.data), SIGMOID, self, None)

    def relu(self) -> Value:
        """max(x, 0); d/dx = 1 where x > 0, else 0."""
        x = self.data
        return _node(0.0 if x <= 0 else x, RELU, self, None)

    # ---- gradients
    def backward(self, gradient: Number = 1.0, retain_graph: bool | None = None) -> None:
        """Add d self / d node (times ``gradient``) to ``.grad`` of every node self depends on.

        The graph is never freed by backward (a node keeps nothing but its operands), so it
        can be walked again: a second call adds the same gradients once more.
        ``retain_graph`` is accepted for PyTorch compatibility and changes nothing.
        """
        backward_pass([self], [self._seed(gradient, False, "Value.backward")], capture=())

    # hooks for graph.grad: what gradient an output starts from, and how a result looks
    def _seed(self, gradient: Any, create_graph: bool, who: str) -> Any:
        if gradient is None:
            g: Any = 1.0
        elif isinstance(gradient, Value) and create_graph:
            return gradient  # a gradient with history of its own stays differentiable
        else:
            g = _as_float(gradient, f"{who}: gradient for a Value")
        return Value(g) if create_graph else g

    @staticmethod
    def _grad_result(g: Any, create_graph: bool) -> Value:
        return g if isinstance(g, Value) else Value(g)

    # ---- conveniences
    def detach(self) -> Value:
        """A new leaf with the same number and no history (PyTorch's ``detach``)."""
        return Value(self.data, self.label)

    def item(self) -> float:
        """The number, as PyTorch's ``Tensor.item()``."""
        return self.data

    def __float__(self) -> float:
        return self.data

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user (or under no_grad), False for an op result."""
        return self._op is None

    @property
    def op(self) -> str:
        """Name of the operation that made this Value ('' for a leaf)."""
        return "" if self._op is None else self._op.name

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def dot(ws: Sequence[Any], xs: Sequence[Any], bias: Any = None, *, relu: bool = False) -> Value:
    """w·x + bias, Σᵢ wᵢ·xᵢ + bias, as ONE node: a neuron's weighted sum.

    The result equals ``sum((w * x for w, x in zip(ws, xs)), bias)`` to the last bit, and
    so do the gradients, but it is one node with the Values among ``ws``, ``xs`` and
    ``bias`` as parents instead of 2n elementary nodes: the graph walk does far less work,
    which is what makes the scalar MLP train at a useful speed. Plain numbers (data
    inputs) stay constants inside the node, never nodes. ``bias=None`` starts the sum at
    0, as Python's ``sum`` does. ``relu=True`` makes the node a whole ReLU neuron,
    ``relu(w·x + bias)`` (rule ``dot_relu``): again the numbers and gradients of the two
    separate nodes, ``dot(...).relu()``, to the last bit.

    >>> w1, w2, b = Value(2.0), Value(-1.0), Value(0.5)
    >>> z = dot([w1, w2], [3.0, 4.0], b)
    >>> z.data, z.op
    (2.5, 'dot')
    >>> z.backward(); w1.grad, w2.grad, b.grad
    (3.0, 4.0, 1.0)
    """
    ws, xs = _flat(ws, "weights"), _flat(xs, "inputs")
    if len(ws) != len(xs):
        raise ValueError(
            f"dot: got {len(ws)} weights but {len(xs)} inputs; w·x needs one weight per input"
        )
    slots = [*ws, *xs, 0.0 if bias is None else bias]
    parents = [s for s in slots if s.__class__ is Value]
    spec: tuple[Any, ...]
    values = [p.data for p in parents]
    if len(parents) == len(slots):
        n = len(ws)
        spec = Factors((values[n:-1], values[:n]))
    elif len(parents) == len(ws) + 1 and bias.__class__ is Value and all(
            w.__class__ is Value for w in ws):  # the inputs are data
        spec = DataInputs(_as_float(x, "dot") for x in xs)
    else:
        spec = tuple(None if s.__class__ is Value else _as_float(s, "dot") for s in slots)
    rule = DOT_RELU if relu else DOT
    data = rule.forward(values, spec)
    if not parents:
        return Value(data)
    return _node(data, rule, tuple(parents), spec)


def _flat(seq: Any, what: str) -> Sequence[Any]:
    """A list or tuple of operands for dot; a 1-D NumPy array becomes Python floats."""
    if isinstance(seq, np.ndarray) and seq.ndim == 1:
        return seq.tolist()  # type: ignore[no-any-return]
    if isinstance(seq, (list, tuple)):
        return seq
    raise TypeError(
        f"dot: {what} must be a list or tuple of Values or numbers (or a 1-D NumPy array), "
        f"got {_describe(seq)}"
    )
