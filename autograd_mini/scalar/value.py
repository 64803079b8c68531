"""Scalar autodiff: :class:`Value`, one float that remembers the operation that produced it.

Calling ``backward()`` on a result walks the graph once (``engine/backward.py``), in
reverse topological order, and applies the chain rule with the rules in ``rules.py``.

Plain numbers mixed into expressions (the 3 in ``x * 3``) are never wrapped in
nodes: they ride along in the node's ``_b`` slot. That keeps a node at about
100 bytes and makes the graph walk shorter.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..engine import Rule, backward_pass, record, threads_off_default

__all__ = ["Value"]

Number = int | float


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
        return _real(x, what)
    if isinstance(x, Value):
        return x.data
    raise TypeError(f"{what}: expected a real number (int or float), got {_describe(x)}")


def _real(x: numbers.Real, what: str) -> float:
    """float(x), or an OverflowError that names the number (as PyTorch's, for 10**400)."""
    try:
        return float(x)
    except OverflowError:
        raise _too_large(x, what) from None


def _too_large(x: Any, what: str) -> OverflowError:
    text = str(x)
    if len(text) > 24:
        text = f"{text[:10]}...{text[-4:]} (an integer of {len(text.lstrip('-'))} digits)"
    return OverflowError(f"{what}: the number {text} is too large for float64, which holds "
                         "numbers up to about 1.8e308")


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
        try:
            return float(other)
        except OverflowError:
            raise _too_large(other, f"Value {symbol} {cls.__name__}") from None
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

    # hooks for the graph walk: what gradient an output starts from, how a result looks,
    # and how a pass's gradient is added to .grad (a float here; Tensor's adds in place)
    def _accumulate_grad(self, g: Any) -> None:
        """Add a pass's gradient to ``.grad``: a float is a new number, nothing to share."""
        self.grad = self.grad + g

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

    def _repr_html_(self) -> str:  # Jupyter: a card with data and grad, then the graph
        from ..viz.notebook import value_html

        return value_html(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


# The rule table reads Value (its formulas also take Values, in a recorded backward pass), so
# it is imported after the class exists. Import the package, autograd_mini.scalar, not this
# module alone.
from .rules import (  # noqa: E402, I001
    ADD,
    ADD_C,
    DIV,
    DIV_C,
    EXP,
    LOG,
    MUL,
    MUL_C,
    NEG,
    POW,
    POW_C,
    RDIV,
    RELU,
    RPOW,
    RSUB,
    SIGMOID,
    SUB,
    SUB_C,
    TANH,
)
from .ieee import _div, _exp, _log, _pow, _pow_const, _sigmoid  # noqa: E402
