"""Fast paths of the scalar engine: a whole neuron, and micrograd's hinge loss, as ONE node.

A scalar MLP built from the elementary rules (``rules.py``) makes 2n nodes per neuron
(n products, n sums) and more for its activation; these rules make one, with the same
numbers and the same gradients to the last bit (``tests/test_fast_paths.py`` and
``tests/test_nn_scalar.py`` build both graphs and compare). ``nn.scalar.MLP`` uses them
unless ``fused=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

from ..engine import NARY, WEIGHTED, Rule, Saved
from .ieee import _data
from .value import Value, _as_float, _describe, _node

__all__ = ["DOT", "DOT_RELU", "FUSED_RULES", "HINGE", "DataInputs", "Factors",
           "dot"]



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


def _dot_jvp(tangents: list[Any], parents: Any, spec: tuple[Any, ...], out: Any) -> Any:
    """Forward mode: the tangent of w·x + b is Σ coefficient · tangent over the parents
    that have one (each coefficient the other factor of the product, 1 for b)."""
    _, coefficients = _dot_backward(1.0, parents, spec, out)
    return _weighted_sum(tangents, coefficients)


def _weighted_sum(tangents: list[Any], coefficients: Any) -> Any:
    total = 0.0
    for t, c in zip(tangents, coefficients):
        if t is not None:
            total = total + c * t
    return total


DOT = Rule("dot", WEIGHTED, _dot_forward, (_dot_backward,), "·", jvp=(_dot_jvp,))


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


def _dot_relu_jvp(tangents: list[Any], parents: Any, spec: tuple[Any, ...], out: Any) -> Any:
    """dot's tangent, or 0.0 where the neuron is off (relu's derivative)."""
    return 0.0 if out <= 0 else _dot_jvp(tangents, parents, spec, out)


DOT_RELU = Rule("dot_relu", WEIGHTED, _dot_relu_forward, (_dot_relu_backward,), "relu ·",
                jvp=(_dot_relu_jvp,))


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


def _hinge_jvp(tangents: list[Any], scores: Any, targets: tuple[float, ...], out: Any) -> Any:
    """Σ d loss / d sᵢ · tᵢ, with each d loss / d sᵢ the backward formula's share for g = 1."""
    return _weighted_sum(tangents, _hinge_backward(1.0, scores, targets, out))


HINGE = Rule("hinge_loss", NARY, _hinge_forward, (_hinge_backward,), "hinge", jvp=(_hinge_jvp,))

FUSED_RULES: dict[str, Rule] = {r.name: r for r in (DOT, DOT_RELU, HINGE)}
"""The rules of the fused nodes by name."""


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
