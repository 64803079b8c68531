"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


def reals(lo: float = -10.0, hi: float = 10.0) -> st.SearchStrategy[float]:
    """Finite floats in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from(
    points: list[float], lo: float, hi: float, gap: float = 1e-3
) -> st.SearchStrategy[float]:
    """Floats in [lo, hi] at least ``gap`` from each point (kinks, poles)."""
    return reals(lo, hi).filter(lambda x: all(abs(x - p) > gap for p in points))


@dataclass(frozen=True)
class ScalarOp:
    """An elementary scalar op as a learner writes it, with a domain where it is smooth."""

    name: str
    fn: Callable[..., Any]  # works on Values and on floats (math for the closed forms)
    domains: tuple[st.SearchStrategy[float], ...]
    derivative: Callable[..., tuple[float, ...]]  # the closed form, per argument


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _dot(w1: Any, w2: Any, x1: Any, x2: Any, b: Any) -> Any:
    """w·x + b: one n-ary node for Values, the formula for floats."""
    if hasattr(w1, "grad"):
        from autograd_mini.scalar import dot

        return dot([w1, w2], [x1, x2], b)
    return b + w1 * x1 + w2 * x2


def _dot_const(w1: Any, w2: Any, b: Any) -> Any:
    """w·x + b with data inputs (plain numbers, kept as constants inside the node)."""
    if hasattr(w1, "grad"):
        from autograd_mini.scalar import dot

        return dot([w1, w2], [2.5, -1.5], b)
    return b + w1 * 2.5 + w2 * -1.5


SCALAR_OPS: list[ScalarOp] = [
    ScalarOp("add", lambda a, b: a + b, (reals(), reals()), lambda a, b: (1.0, 1.0)),
    ScalarOp("sub", lambda a, b: a - b, (reals(), reals()), lambda a, b: (1.0, -1.0)),
    ScalarOp("mul", lambda a, b: a * b, (reals(), reals()), lambda a, b: (b, a)),
    ScalarOp("div", lambda a, b: a / b, (reals(), away_from([0], -10, 10, 0.1)),
             lambda a, b: (1 / b, -a / b**2)),
    ScalarOp("add_const", lambda a: a + 3.5, (reals(),), lambda a: (1.0,)),
    ScalarOp("radd_const", lambda a: 3.5 + a, (reals(),), lambda a: (1.0,)),
    ScalarOp("sub_const", lambda a: a - 3.5, (reals(),), lambda a: (1.0,)),
    ScalarOp("rsub_const", lambda a: 3.5 - a, (reals(),), lambda a: (-1.0,)),
    ScalarOp("mul_const", lambda a: a * -2.5, (reals(),), lambda a: (-2.5,)),
    ScalarOp("rmul_const", lambda a: -2.5 * a, (reals(),), lambda a: (-2.5,)),
    ScalarOp("div_const", lambda a: a / 3.0, (reals(),), lambda a: (1 / 3.0,)),
    ScalarOp("rdiv_const", lambda a: 3.0 / a, (away_from([0], -10, 10, 0.1),),
             lambda a: (-3.0 / a**2,)),
    ScalarOp("neg", lambda a: -a, (reals(),), lambda a: (-1.0,)),
    ScalarOp("pow_2", lambda a: a**2, (reals(),), lambda a: (2 * a,)),
    ScalarOp("pow_3", lambda a: a**3, (reals(-5, 5),), lambda a: (3 * a**2,)),
    ScalarOp("pow_half", lambda a: a**0.5, (reals(0.01, 10),), lambda a: (0.5 * a**-0.5,)),
    ScalarOp("pow_neg", lambda a: a**-1.5, (reals(0.1, 10),), lambda a: (-1.5 * a**-2.5,)),
    ScalarOp("rpow", lambda a: 2.0**a, (reals(-5, 5),), lambda a: (2.0**a * math.log(2.0),)),
    ScalarOp("pow_values", lambda a, b: a**b, (reals(0.1, 5), reals(-3, 3)),
             lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
    ScalarOp("exp", lambda a: a.exp() if hasattr(a, "exp") else math.exp(a), (reals(-10, 10),),
             lambda a: (math.exp(a),)),
    ScalarOp("log", lambda a: a.log() if hasattr(a, "log") else math.log(a), (reals(0.01, 10),),
             lambda a: (1 / a,)),
    ScalarOp("tanh", lambda a: a.tanh() if hasattr(a, "tanh") else math.tanh(a), (reals(-5, 5),),
             lambda a: (1 - math.tanh(a) ** 2,)),
    ScalarOp("sigmoid", lambda a: a.sigmoid() if hasattr(a, "sigmoid") else _sig(a),
             (reals(-10, 10),), lambda a: (_sig(a) * (1 - _sig(a)),)),
    ScalarOp("relu", lambda a: a.relu() if hasattr(a, "relu") else max(a, 0.0),
             (away_from([0], -10, 10),), lambda a: (1.0 if a > 0 else 0.0,)),
    ScalarOp("dot", _dot, (reals(),) * 5, lambda w1, w2, x1, x2, b: (x1, x2, w1, w2, 1.0)),
    ScalarOp("dot_const", _dot_const, (reals(),) * 3, lambda w1, w2, b: (2.5, -1.5, 1.0)),
]
SCALAR_OPS_BY_NAME = {op.name: op for op in SCALAR_OPS}


def central_difference(f: Callable[..., float], args: list[float], i: int) -> float:
    """d f / d args[i] by central differences in float64 (error ~ h², h scaled to the argument)."""
    h = 1e-6 * max(1.0, abs(args[i]))
    hi = list(args)
    lo = list(args)
    hi[i] += h
    lo[i] -= h
    return (f(*hi) - f(*lo)) / (hi[i] - lo[i])


# ------------------------------------------------------------------ random graphs of Values
_GRAPH_OPS: list[tuple[int, Callable[..., Any]]] = [
    (2, lambda a, b: a + b), (2, lambda a, b: a - b), (2, lambda a, b: a * b),
    (1, lambda a: a * -2.0), (1, lambda a: 3.0 - a), (1, lambda a: a + 0.5), (1, lambda a: -a),
    (1, lambda a: a.tanh()), (1, lambda a: a.sigmoid()), (1, lambda a: a.relu()),
    (1, lambda a: a**2), (1, lambda a: a / 4.0),
]


@st.composite
def random_value_graph(draw: Any, max_leaves: int = 3, max_ops: int = 8) -> tuple[Any, list[Any]]:
    """A random DAG of Values: (root, leaves). Operands are drawn from every earlier node,
    so nodes are reused (a*a, diamonds) and some leaves may not reach the root."""
    from autograd_mini import Value

    n_leaves = draw(st.integers(1, max_leaves))
    leaves = [Value(draw(reals(-2, 2)), label=f"x{i}") for i in range(n_leaves)]
    nodes: list[Any] = list(leaves)
    for _ in range(draw(st.integers(1, max_ops))):
        arity, fn = draw(st.sampled_from(_GRAPH_OPS))
        operands = [draw(st.sampled_from(nodes)) for _ in range(arity)]
        nodes.append(fn(*operands))
    return nodes[-1], leaves
