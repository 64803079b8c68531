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


def _dot_relu(w1: Any, w2: Any, x1: Any, x2: Any, b: Any) -> Any:
    """relu(w·x + b): one dot_relu node for Values, the formula for floats."""
    if hasattr(w1, "grad"):
        from autograd_mini.scalar import dot

        return dot([w1, w2], [x1, x2], b, relu=True)
    return max(b + w1 * x1 + w2 * x2, 0.0)


def _hinge(s1: Any, s2: Any) -> Any:
    """micrograd's hinge loss of two scores with targets +1 and -1."""
    if hasattr(s1, "grad"):
        from autograd_mini.nn.scalar import hinge_loss

        return hinge_loss([s1, s2], [1.0, -1.0])
    return (max(1 - s1, 0.0) + max(1 + s2, 0.0)) / 2


def _relu_dot_derivative(w1: float, w2: float, x1: float, x2: float, b: float
                         ) -> tuple[float, ...]:
    on = 1.0 if b + w1 * x1 + w2 * x2 > 0 else 0.0
    return (on * x1, on * x2, on * w1, on * w2, on)


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
    # b far from 0 and |w·x| <= 2: the neuron is on (then off) for every draw, never at the kink
    ScalarOp("dot_relu", _dot_relu, (reals(-1, 1),) * 4 + (reals(3, 5),), _relu_dot_derivative),
    ScalarOp("dot_relu_off", _dot_relu, (reals(-1, 1),) * 4 + (reals(-5, -3),),
             _relu_dot_derivative),
    ScalarOp("hinge_loss", _hinge, (away_from([1.0], -3, 3), away_from([-1.0], -3, 3)),
             lambda s1, s2: (-0.5 if s1 < 1 else 0.0, 0.5 if s2 > -1 else 0.0)),
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


# ------------------------------------------------------------------ arrays and shapes
# Shapes for the Tensor tests: 0-d, size-1 axes and small sides (central differences
# cost two forward passes per element, so arrays stay small).
def shapes(min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> st.SearchStrategy[Any]:
    """Array shapes, including () and axes of size 1."""
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                            max_side=max_side)


def broadcast_shapes(num_shapes: int = 2, min_dims: int = 0,
                     max_dims: int = 3) -> st.SearchStrategy[tuple[Any, ...]]:
    """Shapes that broadcast together (leading axes missing, size-1 axes stretched)."""
    from hypothesis.extra import numpy as hnp

    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=4
    ).map(lambda bs: bs.input_shapes)


def arrays(shape: Any, lo: float = -3.0, hi: float = 3.0, unique: bool = False,
           avoid: tuple[float, ...] = (), gap: float = 1e-2) -> st.SearchStrategy[Any]:
    """float64 arrays of ``shape`` with elements in [lo, hi], at least ``gap`` away from the
    points in ``avoid`` (kinks and poles, where central differences are not derivatives)."""
    import numpy as np
    from hypothesis.extra import numpy as hnp

    elements = away_from(list(avoid), lo, hi, gap) if avoid else reals(lo, hi)
    drawn = hnp.arrays(np.float64, shape, elements=elements, unique=unique)
    if unique:  # distinct by more than a central-difference step: no near-ties
        drawn = drawn.filter(lambda a: a.size < 2 or bool(np.diff(np.sort(a, axis=None)).min()
                                                          > gap))
    return drawn


def numerical_gradient(f: Callable[..., float], arrays_: list[Any], i: int) -> Any:
    """d f / d arrays_[i], element by element, by central differences in float64."""
    import numpy as np

    x = arrays_[i]
    grad = np.zeros_like(x, dtype=np.float64)
    for j in np.ndindex(x.shape):
        h = 1e-6 * max(1.0, abs(float(x[j])))
        args_hi = [a.copy() for a in arrays_]
        args_lo = [a.copy() for a in arrays_]
        args_hi[i][j] += h
        args_lo[i][j] -= h
        grad[j] = (f(*args_hi) - f(*args_lo)) / (args_hi[i][j] - args_lo[i][j])
    return grad


# ------------------------------------------------------------------ the Tensor ops
@dataclass(frozen=True)
class TensorOp:
    """One Tensor op as a test exercises it, on autograd_mini and on PyTorch alike.

    ``fn(ns, p, *tensors)`` computes it; ``ns`` is ``autograd_mini`` or an adapter
    with the same names for torch (see test_tensor_torch), ``p`` the drawn
    parameters (axes, indices, targets). ``inputs`` draws ``(arrays, p)``, keeping
    values away from kinks and ties, where central differences are not derivatives.
    """

    name: str
    fn: Callable[..., Any]
    inputs: st.SearchStrategy[tuple[list[Any], dict[str, Any]]]


def _unary(lo: float = -3.0, hi: float = 3.0, avoid: tuple[float, ...] = (),
           min_dims: int = 0, max_dims: int = 3, unique: bool = False,
           gap: float = 1e-2) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    return shapes(min_dims=min_dims, max_dims=max_dims).flatmap(
        lambda s: arrays(s, lo, hi, unique=unique, avoid=avoid, gap=gap)
    ).map(lambda a: ([a], {}))


def _binary(lo: float = -3.0, hi: float = 3.0, lo_b: float | None = None,
            hi_b: float | None = None, avoid_b: tuple[float, ...] = (),
            no_ties: bool = False) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    import numpy as np

    lo_b = lo if lo_b is None else lo_b
    hi_b = hi if hi_b is None else hi_b
    pairs = broadcast_shapes(2).flatmap(lambda ss: st.tuples(
        arrays(ss[0], lo, hi), arrays(ss[1], lo_b, hi_b, avoid=avoid_b)))
    if no_ties:  # maximum/minimum: the gradient jumps where a == b
        pairs = pairs.filter(lambda ab: bool(np.all(np.abs(ab[0] - ab[1]) > 1e-2)))
    return pairs.map(lambda ab: (list(ab), {}))


@st.composite
def _reduction(draw: Any, unique: bool = False, min_dims: int = 0,
               single_dim: bool = False) -> tuple[list[Any], dict[str, Any]]:
    shape = draw(shapes(min_dims=min_dims))
    a = draw(arrays(shape, unique=unique))
    n = len(shape)
    if single_dim:
        dim = draw(st.integers(-n, n - 1)) if n else 0
    else:
        dim = draw(st.one_of(
            st.none(),
            st.integers(-n, n - 1) if n else st.just(0),
            st.lists(st.integers(0, n - 1), unique=True, max_size=n).map(tuple)
            if n else st.just(None)))
    return [a], {"dim": dim, "keepdim": draw(st.booleans())}


def _dim_kwargs(p: dict[str, Any]) -> dict[str, Any]:
    return {"dim": p["dim"]}


@st.composite
def _matmul_operands(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    batch = draw(st.sampled_from([(), (2,), (3, 1)]))
    other_batch = draw(st.sampled_from([(), (1,), (2,)])) if batch else ()
    a_shape, b_shape = draw(st.sampled_from([
        ((k,), (k,)), ((n, k), (k,)), ((k,), (k, m)), ((n, k), (k, m)),
        ((*batch, n, k), (k, m)), ((k,), (*batch, k, m)), ((*batch, n, k), (k,)),
        ((*batch, n, k), (*other_batch, k, m)),
    ]))
    return [draw(arrays(a_shape)), draw(arrays(b_shape))], {}


@st.composite
def _index(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    import numpy as np

    shape = draw(shapes(min_dims=1))
    a = draw(arrays(shape))
    kind = draw(st.sampled_from(["int", "slice", "ellipsis", "mask", "repeated", "mixed"]))
    n0 = shape[0]
    if kind == "int":
        index: Any = draw(st.integers(-n0, n0 - 1))
    elif kind == "slice":
        index = slice(draw(st.integers(0, n0)), None, draw(st.sampled_from([1, 2])))
    elif kind == "ellipsis":
        index = (Ellipsis, draw(st.integers(0, shape[-1] - 1)))
    elif kind == "mask":
        index = draw(arrays_of_bool(shape))
    elif kind == "repeated":  # repeated integer indices: their gradients add up
        index = np.array(draw(st.lists(st.integers(0, n0 - 1), min_size=1, max_size=6)))
    else:  # a slice and an integer array together
        rows = np.array(draw(st.lists(st.integers(0, n0 - 1), min_size=1, max_size=4)))
        index = (rows, Ellipsis) if len(shape) == 1 else (rows, slice(1, None, 2))
    return [a], {"index": index}


def arrays_of_bool(shape: Any) -> st.SearchStrategy[Any]:
    """Boolean masks of ``shape``."""
    import numpy as np
    from hypothesis.extra import numpy as hnp

    return hnp.arrays(np.bool_, shape)


@st.composite
def _joined(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    count = draw(st.integers(1, 3))
    parts = []
    for _ in range(count):
        s = list(shape)
        s[dim] = draw(st.integers(1, 3))
        parts.append(draw(arrays(tuple(s))))
    return parts, {"dim": dim}


@st.composite
def _stacked(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    shape = draw(shapes())
    count = draw(st.integers(1, 3))
    dim = draw(st.integers(-len(shape) - 1, len(shape)))
    return [draw(arrays(shape)) for _ in range(count)], {"dim": dim}


@st.composite
def _with_array(draw: Any, lo: float = -3.0, hi: float = 3.0,
                avoid: tuple[float, ...] = ()) -> tuple[list[Any], dict[str, Any]]:
    """A tensor input and a NumPy array constant ``p["c"]`` that broadcast together."""
    s_x, s_c = draw(broadcast_shapes(2))
    return [draw(arrays(s_x))], {"c": draw(arrays(s_c, lo, hi, avoid=avoid))}


@st.composite
def _where(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    s_cond, s_x, s_y = draw(broadcast_shapes(3))
    return [draw(arrays(s_x)), draw(arrays(s_y))], {"cond": draw(arrays_of_bool(s_cond))}


@st.composite
def _reshaped(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    shape = draw(shapes())
    size = 1
    for n in shape:
        size *= n
    factors = [d for d in range(1, size + 1) if size % d == 0]
    first = draw(st.sampled_from(factors))
    return [draw(arrays(shape))], {"shape": (first, -1)}


@st.composite
def _permuted(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    shape = draw(shapes())
    return [draw(arrays(shape))], {"axes": tuple(draw(st.permutations(range(len(shape)))))}


@st.composite
def _expanded(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    target = draw(shapes(min_dims=1))
    lead = draw(st.integers(0, len(target)))
    own = tuple(1 if draw(st.booleans()) else n for n in target[lead:])
    return [draw(arrays(own))], {"shape": target}


@st.composite
def _classes(draw: Any, probs: bool = False) -> tuple[list[Any], dict[str, Any]]:
    import numpy as np

    n, c = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    logits = draw(arrays((n, c), -5, 5))
    if probs:
        raw = draw(arrays((n, c), 0.1, 1.0))
        return [logits], {"target": raw / raw.sum(axis=1, keepdims=True)}
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return [logits], {"target": target, "reduction": draw(st.sampled_from(["mean", "sum",
                                                                           "none"]))}


@st.composite
def _pairs_same_shape(draw: Any, lo: float, hi: float, t_lo: float, t_hi: float,
                      signs: bool = False, gap_to: Any = None) -> tuple[list[Any], dict[str, Any]]:
    import numpy as np

    shape = draw(shapes())
    x = draw(arrays(shape, lo, hi))
    if signs:
        t = np.where(draw(arrays_of_bool(shape)), 1.0, -1.0)
    else:
        t = draw(arrays(shape, t_lo, t_hi))
    if gap_to is not None:  # keep away from the loss's kinks
        from hypothesis import assume

        assume(bool(np.all(gap_to(x, t) > 1e-2)))
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    if signs:  # labels are not numbers to differentiate by: a constant
        return [x], {"reduction": reduction, "target": t}
    return [x, t], {"reduction": reduction}


def _no_small(a: Any) -> bool:
    """No element within 0.01 of 0 (where |x| and a norm have their kink)."""
    import numpy as np

    return bool(np.all(np.abs(a) > 1e-2))


def _no_tiny(a: Any) -> bool:
    """No element that is not 0 but below 1e-3 in size."""
    import numpy as np

    return bool(np.all((a == 0) | (np.abs(a) > 1e-3)))


def _distinct_abs(ap: Any) -> Any:
    """Distinct values (in [-3, 3]) made into distinct sizes |x| in [0.1, 6.1], with signs
    alternating: no ties for the largest |x|, which share the gradient."""
    import numpy as np

    a = ap[0][0]
    signs = np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, 1.0, -1.0)
    return [np.asarray((a + 3.1) * signs)], ap[1]


TENSOR_OPS: list[TensorOp] = [
    # elementwise, one tensor
    TensorOp("neg", lambda ns, p, x: -x, _unary()),
    TensorOp("exp", lambda ns, p, x: x.exp(), _unary()),
    TensorOp("log", lambda ns, p, x: x.log(), _unary(0.1, 10)),
    TensorOp("log1p", lambda ns, p, x: x.log1p(), _unary(-0.5, 10)),
    TensorOp("sqrt", lambda ns, p, x: x.sqrt(), _unary(0.1, 10)),
    TensorOp("abs", lambda ns, p, x: x.abs(), _unary(avoid=(0.0,))),
    TensorOp("tanh", lambda ns, p, x: x.tanh(), _unary()),
    TensorOp("sin", lambda ns, p, x: x.sin(), _unary(-6, 6)),
    TensorOp("cos", lambda ns, p, x: x.cos(), _unary(-6, 6)),
    TensorOp("sigmoid", lambda ns, p, x: x.sigmoid(), _unary(-10, 10)),
    TensorOp("relu", lambda ns, p, x: x.relu(), _unary(avoid=(0.0,))),
    TensorOp("clamp", lambda ns, p, x: x.clamp(-0.5, 1.0), _unary(avoid=(-0.5, 1.0))),
    TensorOp("clamp_min", lambda ns, p, x: x.clamp(min=0.5), _unary(avoid=(0.5,))),
    TensorOp("pow_2", lambda ns, p, x: x**2, _unary()),
    TensorOp("pow_3", lambda ns, p, x: x**3, _unary()),
    TensorOp("pow_half", lambda ns, p, x: x**0.5, _unary(0.1, 10)),
    TensorOp("pow_neg", lambda ns, p, x: x**-1.5, _unary(0.1, 10)),
    TensorOp("rpow", lambda ns, p, x: 2.0**x, _unary()),
    TensorOp("add_const", lambda ns, p, x: x + 3.5, _unary()),
    TensorOp("radd_const", lambda ns, p, x: 3.5 + x, _unary()),
    TensorOp("sub_const", lambda ns, p, x: x - 3.5, _unary()),
    TensorOp("rsub_const", lambda ns, p, x: 3.5 - x, _unary()),
    TensorOp("mul_const", lambda ns, p, x: x * -2.5, _unary()),
    TensorOp("rmul_const", lambda ns, p, x: -2.5 * x, _unary()),
    TensorOp("div_const", lambda ns, p, x: x / 3.0, _unary()),
    TensorOp("rdiv_const", lambda ns, p, x: 3.0 / x, _unary(-10, 10, avoid=(0.0,), gap=0.3)),
    # elementwise, two tensors broadcast together
    TensorOp("add", lambda ns, p, a, b: a + b, _binary()),
    TensorOp("sub", lambda ns, p, a, b: a - b, _binary()),
    TensorOp("mul", lambda ns, p, a, b: a * b, _binary()),
    TensorOp("div", lambda ns, p, a, b: a / b, _binary(avoid_b=(0.0,), lo_b=-3, hi_b=3)),
    TensorOp("pow", lambda ns, p, a, b: a**b, _binary(0.2, 3.0, -2.0, 2.0)),
    TensorOp("maximum", lambda ns, p, a, b: ns.maximum(a, b), _binary(no_ties=True)),
    TensorOp("minimum", lambda ns, p, a, b: ns.minimum(a, b), _binary(no_ties=True)),
    TensorOp("where", lambda ns, p, a, b: ns.where(p["cond"], a, b), _where()),
    TensorOp("matmul", lambda ns, p, a, b: a @ b, _matmul_operands()),
    # a NumPy array on either side (on the left, NumPy defers to the reflected operator)
    TensorOp("add_array", lambda ns, p, x: x + ns.array(p["c"]), _with_array()),
    TensorOp("rsub_array", lambda ns, p, x: ns.array(p["c"]) - x, _with_array()),
    TensorOp("rmul_array", lambda ns, p, x: ns.array(p["c"]) * x, _with_array()),
    TensorOp("rdiv_array", lambda ns, p, x: ns.array(p["c"]) / x.exp(), _with_array()),
    TensorOp("rpow_array", lambda ns, p, x: ns.array(p["c"]) ** x, _with_array(0.2, 3.0)),
    TensorOp("rmatmul_array", lambda ns, p, x: ns.array(p["c"]) @ x,
             _matmul_operands().map(lambda ap: (ap[0][1:], {"c": ap[0][0]}))),
    # reductions
    TensorOp("sum", lambda ns, p, x: x.sum(**_dim_kwargs(p), keepdim=p["keepdim"]),
             _reduction()),
    TensorOp("mean", lambda ns, p, x: x.mean(**_dim_kwargs(p), keepdim=p["keepdim"]),
             _reduction()),
    TensorOp("var", lambda ns, p, x: x.var(**_dim_kwargs(p), keepdim=p["keepdim"],
                                           correction=0), _reduction()),
    TensorOp("var_unbiased", lambda ns, p, x: x.var(**_dim_kwargs(p), keepdim=p["keepdim"]),
             _reduction(min_dims=1).filter(lambda ap: ap[0][0].size > 1 and (
                 ap[1]["dim"] is None or all(ap[0][0].shape[d] > 1 for d in (
                     ap[1]["dim"] if isinstance(ap[1]["dim"], tuple) else (ap[1]["dim"],))))
             and ap[1]["dim"] != ())),
    TensorOp("amax", lambda ns, p, x: x.amax(**_dim_kwargs(p), keepdim=p["keepdim"]),
             _reduction(unique=True).filter(lambda ap: ap[1]["dim"] != ())),
    TensorOp("amin", lambda ns, p, x: x.amin(**_dim_kwargs(p), keepdim=p["keepdim"]),
             _reduction(unique=True).filter(lambda ap: ap[1]["dim"] != ())),
    TensorOp("max_all", lambda ns, p, x: x.max(), _unary(unique=True)),
    TensorOp("min_all", lambda ns, p, x: x.min(), _unary(unique=True)),
    TensorOp("max_dim", lambda ns, p, x: x.max(p["dim"], keepdim=p["keepdim"]).values,
             _reduction(unique=True, min_dims=1, single_dim=True)),
    TensorOp("min_dim", lambda ns, p, x: x.min(p["dim"], keepdim=p["keepdim"]).values,
             _reduction(unique=True, min_dims=1, single_dim=True)),
    # (no subnormal element: out / x loses its digits there, in PyTorch's formula as in ours)
    TensorOp("prod_all", lambda ns, p, x: x.prod(), _unary(-2, 2).filter(
        lambda ap: _no_tiny(ap[0][0]))),
    TensorOp("prod_dim", lambda ns, p, x: x.prod(p["dim"], keepdim=p["keepdim"]),
             _reduction(min_dims=1, single_dim=True).filter(lambda ap: _no_tiny(ap[0][0]))),
    TensorOp("cumsum", lambda ns, p, x: x.cumsum(p["dim"]),
             _reduction(min_dims=1, single_dim=True)),
    TensorOp("norm", lambda ns, p, x: x.norm(2, dim=p["dim"], keepdim=p["keepdim"]),
             _reduction().filter(lambda ap: ap[1]["dim"] != () and _no_small(ap[0][0]))),
    TensorOp("norm_1", lambda ns, p, x: x.norm(1, dim=p["dim"], keepdim=p["keepdim"]),
             _reduction().filter(lambda ap: ap[1]["dim"] != () and _no_small(ap[0][0]))),
    TensorOp("norm_inf", lambda ns, p, x: x.norm(float("inf"), p["dim"], p["keepdim"]),
             _reduction(unique=True).filter(lambda ap: ap[1]["dim"] != ()).map(
                 _distinct_abs)),
    TensorOp("dot", lambda ns, p, a, b: a.dot(b), _matmul_operands().filter(
        lambda ap: ap[0][0].ndim == 1 == ap[0][1].ndim)),
    TensorOp("mm", lambda ns, p, a, b: a.mm(b), _matmul_operands().filter(
        lambda ap: ap[0][0].ndim == 2 == ap[0][1].ndim)),
    TensorOp("softmax", lambda ns, p, x: x.softmax(p["dim"]),
             _reduction(min_dims=1, single_dim=True)),
    TensorOp("log_softmax", lambda ns, p, x: x.log_softmax(p["dim"]),
             _reduction(min_dims=1, single_dim=True)),
    # shapes and indexing
    TensorOp("reshape", lambda ns, p, x: x.reshape(p["shape"]), _reshaped()),
    TensorOp("view", lambda ns, p, x: x.view(p["shape"]), _reshaped()),
    TensorOp("flatten", lambda ns, p, x: x.flatten(), _unary(min_dims=1)),
    TensorOp("transpose", lambda ns, p, x: x.transpose(0, -1), _unary(min_dims=1)),
    TensorOp("permute", lambda ns, p, x: x.permute(p["axes"]), _permuted()),
    TensorOp("T", lambda ns, p, x: x.T, _unary(min_dims=2, max_dims=2)),
    TensorOp("expand", lambda ns, p, x: x.expand(*p["shape"]), _expanded()),
    TensorOp("squeeze", lambda ns, p, x: x.squeeze(), _unary()),
    TensorOp("unsqueeze", lambda ns, p, x: x.unsqueeze(-1), _unary()),
    TensorOp("getitem", lambda ns, p, x: ns.index(x, p["index"]), _index()),
    TensorOp("cat", lambda ns, p, *xs: ns.cat(list(xs), dim=p["dim"]), _joined()),
    TensorOp("stack", lambda ns, p, *xs: ns.stack(list(xs), dim=p["dim"]), _stacked()),
    # losses
    TensorOp("mse_loss", lambda ns, p, x, t: ns.F.mse_loss(x, t, reduction=p["reduction"]),
             _pairs_same_shape(-3, 3, -3, 3)),
    TensorOp("cross_entropy", lambda ns, p, x: ns.F.cross_entropy(
        x, ns.labels(p["target"]), reduction=p["reduction"]), _classes()),
    TensorOp("cross_entropy_probs", lambda ns, p, x: ns.F.cross_entropy(
        x, ns.constant(p["target"])), _classes(probs=True)),
    TensorOp("nll_loss", lambda ns, p, x: ns.F.nll_loss(
        x.log_softmax(1), ns.labels(p["target"]), reduction=p["reduction"]), _classes()),
    TensorOp("multi_margin_loss", lambda ns, p, x: ns.F.multi_margin_loss(
        x, ns.labels(p["target"]), reduction=p["reduction"]),
        _classes().filter(lambda ap: _margins_away_from_kinks(ap[0][0], ap[1]["target"]))),
    TensorOp("binary_cross_entropy", lambda ns, p, x, t: ns.F.binary_cross_entropy(
        x, t, reduction=p["reduction"]), _pairs_same_shape(0.02, 0.98, 0.0, 1.0)),
    TensorOp("binary_cross_entropy_with_logits",
             lambda ns, p, x, t: ns.F.binary_cross_entropy_with_logits(
                 x, t, reduction=p["reduction"]), _pairs_same_shape(-5, 5, 0.0, 1.0)),
    TensorOp("hinge_loss", lambda ns, p, x: ns.F.hinge_loss(x, ns.constant(p["target"]),
                                                           reduction=p["reduction"]),
             _pairs_same_shape(-3, 3, 0, 0, signs=True, gap_to=lambda x, t: abs(1 - x * t))),
    TensorOp("epsilon_insensitive_loss", lambda ns, p, x, t: ns.F.epsilon_insensitive_loss(
        x, t, reduction=p["reduction"]), _pairs_same_shape(
            -3, 3, -3, 3, gap_to=lambda x, t: abs(abs(x - t) - 0.1) * abs(x - t))),
]
TENSOR_OPS_BY_NAME = {op.name: op for op in TENSOR_OPS}


def _margins_away_from_kinks(x: Any, target: Any) -> bool:
    import numpy as np

    picked = x[np.arange(len(target)), target][:, None]
    return bool(np.all(np.abs(1.0 - picked + x) > 1e-2))


# ------------------------------------------------------------------ random programs (fuzzing)
# A program is a list of steps over earlier nodes; drawing one runs it (so each op can be
# given operands in its smooth domain: log of positive nodes, relu away from 0 ...), and the
# fuzz tests run it again with gradients, and again at moved leaves for central differences.
@dataclass(frozen=True)
class Program:
    """Leaves (numbers or arrays) and steps ``(name, fn, operand indices)`` over the nodes.

    Nodes are numbered in order: a step ``("leaf", None, (k,))`` makes leaf k a node (leaves
    can appear mid-program, e.g. the second operand of a matmul); any other step applies
    ``fn`` to the nodes it names. The last node is the output.
    """

    leaves: tuple[Any, ...]
    steps: tuple[tuple[str, Callable[..., Any], tuple[int, ...]], ...]

    def run(self, leaves: Any, make: Callable[[Any], Any]) -> tuple[Any, list[Any]]:
        """The output and the leaf nodes, with ``make`` turning each leaf into a node."""
        made = [make(x) for x in leaves]
        nodes: list[Any] = []
        for name, fn, args in self.steps:
            nodes.append(made[args[0]] if name == "leaf" else fn(*(nodes[i] for i in args)))
        return nodes[-1], made

    def ops(self) -> list[str]:
        return [name for name, _, _ in self.steps if name != "leaf"]


def _value_ops() -> list[tuple[str, int, Callable[..., Any], Callable[..., bool]]]:
    """Every Value op: (name, arity, fn, is the operand list in the op's smooth domain)."""
    from autograd_mini.nn.scalar import hinge_loss
    from autograd_mini.scalar import dot

    def anything(*xs: float) -> bool:
        return True

    ops: list[tuple[str, int, Callable[..., Any], Callable[..., bool]]] = [
        ("add", 2, lambda a, b: a + b, anything), ("sub", 2, lambda a, b: a - b, anything),
        ("mul", 2, lambda a, b: a * b, anything),
        ("div", 2, lambda a, b: a / b, lambda a, b: abs(b) >= 0.25),
        # b == 0 exactly is left out: there the rule's d/da is 0 by PyTorch's convention (its
        # pow_backward masks it), so the second derivative d/db of it is 0 too, in both
        # libraries, where the true one is a^(b-1) (x ** (x - y) at x = y = 1: 0 against 1)
        ("pow", 2, lambda a, b: a**b, lambda a, b: 0.25 <= a <= 5 and abs(b) <= 3 and b != 0),
        ("add_c", 1, lambda a: a + 1.5, anything), ("radd_c", 1, lambda a: 1.5 + a, anything),
        ("sub_c", 1, lambda a: a - 0.5, anything), ("rsub_c", 1, lambda a: 2.0 - a, anything),
        ("mul_c", 1, lambda a: a * -0.75, anything), ("rmul_c", 1, lambda a: 3 * a, anything),
        ("div_c", 1, lambda a: a / 2.5, anything),
        ("rdiv_c", 1, lambda a: 2.0 / a, lambda a: abs(a) >= 0.25),
        ("neg", 1, lambda a: -a, anything),
        ("rpow", 1, lambda a: 1.5**a, lambda a: abs(a) <= 10),
        ("exp", 1, lambda a: a.exp(), lambda a: a <= 5),
        ("log", 1, lambda a: a.log(), lambda a: a >= 0.25),
        ("tanh", 1, lambda a: a.tanh(), anything), ("sigmoid", 1, lambda a: a.sigmoid(), anything),
        ("relu", 1, lambda a: a.relu(), lambda a: abs(a) >= 0.05),
        ("dot", 3, lambda w, x, b: dot([w, x, 0.5], [x, -1.5, w], b), anything),
        ("dot_no_bias", 2, lambda w, x: dot([w, 2.0], [x, w]), anything),
        ("dot_relu", 3, lambda w, x, b: dot([w, x], [x, 2.0], b, relu=True),
         lambda w, x, b: abs(w * x + x * 2.0 + b) >= 0.05),
        ("hinge_loss", 2, lambda a, b: hinge_loss([a, b, a], [1.0, -1.0, -1.0]),
         lambda a, b: min(abs(1 - a), abs(1 + b), abs(1 + a)) >= 0.05),
    ]
    for c in (2.0, 3.0, 0.0, 1.0, -1.0, -2.0):  # whole exponents: any base but 0
        ops.append((f"pow_{c:g}", 1, lambda a, c=c: a**c,
                    (lambda a: abs(a) >= 0.25) if c < 0 else anything))
    for c in (0.5, -0.5, 1.7, -1.5):  # fractional exponents: positive bases only
        ops.append((f"pow_{c:g}", 1, lambda a, c=c: a**c, lambda a: a >= 0.25))
    return ops


VALUE_OPS = _value_ops()


@st.composite
def value_programs(draw: Any, max_ops: int = 12) -> Program:
    """Random DAGs over every Value op, each applied where it is smooth; nodes are reused."""
    from autograd_mini import Value

    leaves = tuple(draw(st.lists(reals(-2, 2), min_size=1, max_size=4)))
    steps: list[tuple[str, Callable[..., Any], tuple[int, ...]]] = [
        ("leaf", None, (i,)) for i in range(len(leaves))]  # type: ignore[misc]
    values = list(leaves)
    for _ in range(draw(st.integers(1, max_ops))):
        name, arity, fn, ok = draw(st.sampled_from(VALUE_OPS))
        args = tuple(draw(st.lists(st.integers(0, len(values) - 1), min_size=arity,
                                   max_size=arity)))
        if not ok(*(values[i] for i in args)):
            continue
        out = fn(*(Value(values[i]) for i in args)).data
        if not math.isfinite(out) or abs(out) > 1e3:  # keep the numbers tame
            continue
        steps.append((name, fn, args))
        values.append(out)
    return Program(leaves, tuple(steps))


# Tensor programs: each op builder looks at the nodes drawn so far (their numbers) and returns
# (fn, operand indices, new leaves) or None when no node suits it.
Nodes = list[Any]  # the numbers (NumPy arrays) of the nodes so far
Built = tuple[Callable[..., Any], tuple[int, ...], list[Any]] | None


def _pick(draw: Any, nodes: Nodes, ok: Callable[[Any], bool] = lambda a: True) -> int | None:
    import numpy as np

    candidates = [i for i, a in enumerate(nodes) if a.size and ok(np.asarray(a))]
    return draw(st.sampled_from(candidates)) if candidates else None


def _away(a: Any, points: tuple[float, ...], gap: float = 0.05) -> bool:
    import numpy as np

    return all(bool(np.all(np.abs(a - p) >= gap)) for p in points)


def _distinct(a: Any, gap: float = 0.05) -> bool:
    """No two elements within ``gap`` (max, min and their kin have no ties nearby)."""
    import numpy as np

    return a.size < 2 or bool(np.diff(np.sort(a, axis=None)).min() >= gap)


def _unary_op(fn: Callable[..., Any], ok: Callable[[Any], bool] = lambda a: True
              ) -> Callable[[Any, Nodes], Built]:
    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, ok)
        return None if i is None else (fn, (i,), [])
    return build


def _broadcast_partner(draw: Any, nodes: Nodes, i: int,
                       ok: Callable[[Any, Any], bool] = lambda a, b: True) -> Built:
    """A second operand for node i: an earlier node whose shape broadcasts with it (and suits
    ``ok``), or else a new leaf of a shape that does."""
    import numpy as np

    a = nodes[i]
    fits = []
    for j, b in enumerate(nodes):
        try:
            shape = np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            continue
        if b.size and ok(np.broadcast_to(a, shape), np.broadcast_to(b, shape)):
            fits.append(j)
    if fits and draw(st.booleans()):
        return None, (i, draw(st.sampled_from(fits))), []
    shape = tuple(1 if draw(st.booleans()) else n for n in a.shape[draw(st.integers(
        0, a.ndim)):])
    leaf = _away_from_zero(draw, shape)
    if not ok(*np.broadcast_arrays(a, leaf)):
        return None
    return None, (i, -1), [leaf]


def _away_from_zero(draw: Any, shape: tuple[int, ...]) -> Any:
    """A new leaf with numbers in ±[0.3, 2]: a divisor, an exponent or a base as it is."""
    import numpy as np
    from hypothesis.extra import numpy as hnp

    signs = np.where(draw(hnp.arrays(np.bool_, shape)), 1.0, -1.0)
    return np.asarray(draw(arrays(shape, 0.3, 2)) * signs)  # an array even when 0-d


def _binary_op(fn: Callable[..., Any], ok_a: Callable[[Any], bool] = lambda a: True,
               ok: Callable[[Any, Any], bool] = lambda a, b: True
               ) -> Callable[[Any, Nodes], Built]:
    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, ok_a)
        if i is None:
            return None
        partner = _broadcast_partner(draw, nodes, i, ok)
        return None if partner is None else (fn, partner[1], partner[2])
    return build


def _with_array(fn: Callable[..., Any], lo: float, hi: float,
                ok: Callable[[Any], bool] = lambda a: True) -> Callable[[Any, Nodes], Built]:
    """fn(x, c) with a NumPy array constant c whose shape broadcasts with x's."""
    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, ok)
        if i is None:
            return None
        a = nodes[i]
        shape = tuple(1 if draw(st.booleans()) else n for n in a.shape[draw(st.integers(
            0, a.ndim)):])
        c = draw(arrays(shape, lo, hi))
        return (lambda x, c=c: fn(x, c)), (i,), []
    return build


def _reduction(fn: Callable[..., Any], ok: Callable[[Any], bool] = lambda a: True,
               single: bool = False, min_count: int = 1) -> Callable[[Any, Nodes], Built]:
    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, lambda a: ok(a) and (a.ndim > 0 or not single))
        if i is None:
            return None
        n = nodes[i].ndim
        if single:
            dim: Any = draw(st.integers(-n, n - 1))
        else:
            dim = draw(st.one_of(st.none(), st.integers(-n, n - 1) if n else st.just(None),
                                 st.lists(st.integers(0, n - 1), unique=True, min_size=1,
                                          max_size=n).map(tuple) if n else st.just(None)))
        dims = range(n) if dim is None else (dim,) if isinstance(dim, int) else dim
        count = 1
        for d in dims:
            count *= nodes[i].shape[d]
        if count < min_count:
            return None
        keepdim = draw(st.booleans())
        return (lambda x: fn(x, dim, keepdim)), (i,), []
    return build


def _matmul(draw: Any, nodes: Nodes) -> Built:
    i = _pick(draw, nodes, lambda a: a.ndim >= 1)
    if i is None:
        return None
    k = nodes[i].shape[-1]
    shape = draw(st.sampled_from([(k,), (k, draw(st.integers(1, 3)))]))
    if draw(st.booleans()):  # x @ W
        return (lambda a, b: a @ b), (i, -1), [draw(arrays(shape, -1, 1))]
    # c @ x, with a NumPy array on the left (x's first matrix axis must match)
    rows = nodes[i].shape[-2] if nodes[i].ndim >= 2 else nodes[i].shape[0]
    c = draw(arrays((draw(st.integers(1, 3)), rows), -1, 1))
    return (lambda x, c=c: c @ x), (i,), []


def _index(draw: Any, nodes: Nodes) -> Built:
    import numpy as np

    i = _pick(draw, nodes, lambda a: a.ndim >= 1)
    if i is None:
        return None
    shape = nodes[i].shape
    n0 = shape[0]
    kind = draw(st.sampled_from(["int", "slice", "ellipsis", "mask", "repeated"]))
    if kind == "int":
        index: Any = draw(st.integers(-n0, n0 - 1))
    elif kind == "slice":
        index = slice(draw(st.integers(0, n0 - 1)), None, draw(st.sampled_from([1, 2])))
    elif kind == "ellipsis":
        index = (Ellipsis, draw(st.integers(0, shape[-1] - 1)))
    elif kind == "mask":
        from hypothesis.extra import numpy as hnp

        index = draw(hnp.arrays(np.bool_, shape))
        if not index.any():
            return None
    else:
        index = np.array(draw(st.lists(st.integers(0, n0 - 1), min_size=1, max_size=4)))
    return (lambda x, index=index: x[index]), (i,), []


def _joined(stack: bool) -> Callable[[Any, Nodes], Built]:
    import autograd_mini as am

    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, lambda a: a.ndim >= 1 or stack)
        if i is None:
            return None
        shape = nodes[i].shape
        if stack:
            dim = draw(st.integers(-len(shape) - 1, len(shape)))
            leaf = draw(arrays(shape, -2, 2))
            return (lambda a, b: am.stack([a, b, a], dim=dim)), (i, -1), [leaf]
        dim = draw(st.integers(-len(shape), len(shape) - 1))
        other = list(shape)
        other[dim] = draw(st.integers(1, 2))
        leaf = draw(arrays(tuple(other), -2, 2))
        return (lambda a, b: am.cat([b, a, a], dim=dim)), (i, -1), [leaf]
    return build


def _any_node(fn: Callable[[Any], Any], ok: Callable[[Any], bool] = lambda a: True
              ) -> Callable[[Any, Nodes], Built]:
    """An op that takes any node of at least ``ok``'s liking, as it is."""
    return _unary_op(fn, ok)


def _reshaped(draw: Any, nodes: Nodes) -> Built:
    i = _pick(draw, nodes)
    assert i is not None
    size = nodes[i].size
    first = draw(st.sampled_from([d for d in range(1, size + 1) if size % d == 0]))
    return (lambda x: x.reshape(first, -1)), (i,), []


def _permuted(draw: Any, nodes: Nodes) -> Built:
    i = _pick(draw, nodes)
    assert i is not None
    axes = tuple(draw(st.permutations(range(nodes[i].ndim))))
    return (lambda x: x.permute(axes)), (i,), []


def _expanded(draw: Any, nodes: Nodes) -> Built:
    i = _pick(draw, nodes)
    assert i is not None
    shape = nodes[i].shape
    target = (2, *[(2 if n == 1 and draw(st.booleans()) else n) for n in shape])
    return (lambda x: x.expand(*target)), (i,), []


def _where(draw: Any, nodes: Nodes) -> Built:
    import numpy as np
    from hypothesis.extra import numpy as hnp

    import autograd_mini as am

    i = _pick(draw, nodes)
    assert i is not None
    partner = _broadcast_partner(draw, nodes, i)
    assert partner is not None
    other = nodes[partner[1][1]] if partner[1][1] >= 0 else partner[2][0]
    shape = np.broadcast_shapes(nodes[i].shape, other.shape)
    mask = draw(hnp.arrays(np.bool_, shape))
    return (lambda a, b: am.where(mask, a, b)), partner[1], partner[2]


def _classes(fn: Callable[..., Any], ok: Callable[[Any, Any], bool] = lambda a, t: True
             ) -> Callable[[Any, Nodes], Built]:
    """A loss of (N, C) scores and N class labels (a constant)."""
    import numpy as np

    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, lambda a: a.ndim == 2 and a.shape[1] >= 2)
        if i is None:
            return None
        n, c = nodes[i].shape
        target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
        if not ok(nodes[i], target):
            return None
        reduction = draw(st.sampled_from(["mean", "sum", "none"]))
        return (lambda x: fn(x, target, reduction)), (i,), []
    return build


def _margins_clear(x: Any, target: Any) -> bool:
    import numpy as np

    picked = x[np.arange(len(target)), target][:, None]
    return bool(np.all(np.abs(1.0 - picked + x) > 0.05))


def _pairwise_loss(fn: Callable[..., Any], ok_x: Callable[[Any], bool] = lambda a: True,
                   target: tuple[float, float] = (-2.0, 2.0),
                   ok: Callable[[Any, Any], bool] = lambda x, t: True
                   ) -> Callable[[Any, Nodes], Built]:
    """A loss of a node and a new target leaf of the same shape (which gets a gradient too)."""
    def build(draw: Any, nodes: Nodes) -> Built:
        i = _pick(draw, nodes, ok_x)
        if i is None:
            return None
        t = draw(arrays(nodes[i].shape, *target))
        if not ok(nodes[i], t):
            return None
        reduction = draw(st.sampled_from(["mean", "sum", "none"]))
        return (lambda x, y: fn(x, y, reduction)), (i, -1), [t]
    return build


def _off_whole(a: Any, b: Any, gap: float = 0.05) -> bool:
    """Whether every a / b is at least ``gap`` from a whole number (off the remainders'
    jumps, so that a central difference sees the smooth part)."""
    import numpy as np

    q = np.asarray(a) / np.asarray(b)
    return bool(np.all(np.abs(q - np.round(q)) >= gap))


def _tensor_ops() -> list[tuple[str, Callable[[Any, Nodes], Built]]]:
    """Every Tensor op (but dtype casts: float32 rounding swamps a central difference; the
    float32 tests cover them; and a // b, which has no derivative, as in PyTorch), with the
    operands where it is smooth."""
    import numpy as np

    import autograd_mini as am
    from autograd_mini.nn import functional as F

    def pos(a: Any) -> bool:
        return bool(np.all(a >= 0.25))

    def nonzero(a: Any) -> bool:
        return bool(np.all(np.abs(a) >= 0.25))

    ops: list[tuple[str, Callable[[Any, Nodes], Built]]] = [
        ("neg", _unary_op(lambda x: -x)),
        ("exp", _unary_op(lambda x: x.exp(), lambda a: bool(np.all(a <= 5)))),
        ("log", _unary_op(lambda x: x.log(), pos)),
        ("log1p", _unary_op(lambda x: x.log1p(), lambda a: bool(np.all(a >= -0.75)))),
        ("sqrt", _unary_op(lambda x: x.sqrt(), pos)),
        ("abs", _unary_op(lambda x: x.abs(), lambda a: _away(a, (0.0,)))),
        ("tanh", _unary_op(lambda x: x.tanh())),
        ("sigmoid", _unary_op(lambda x: x.sigmoid())),
        ("sin", _unary_op(lambda x: x.sin())), ("cos", _unary_op(lambda x: x.cos())),
        ("relu", _unary_op(lambda x: x.relu(), lambda a: _away(a, (0.0,)))),
        ("clamp", _unary_op(lambda x: x.clamp(-0.5, 1.0), lambda a: _away(a, (-0.5, 1.0)))),
        ("clamp_min", _unary_op(lambda x: x.clamp(min=0.5), lambda a: _away(a, (0.5,)))),
        ("clip_max", _unary_op(lambda x: x.clip(max=0.3), lambda a: _away(a, (0.3,)))),
        ("add_c", _unary_op(lambda x: x + 1.5)), ("radd_c", _unary_op(lambda x: 1.5 + x)),
        ("sub_c", _unary_op(lambda x: x - 0.5)), ("rsub_c", _unary_op(lambda x: 2.0 - x)),
        ("mul_c", _unary_op(lambda x: x * -0.75)), ("rmul_c", _unary_op(lambda x: 3 * x)),
        ("div_c", _unary_op(lambda x: x / 2.5)),
        ("rdiv_c", _unary_op(lambda x: 2.0 / x, nonzero)),
        ("rpow_c", _unary_op(lambda x: 1.5**x, lambda a: bool(np.all(np.abs(a) <= 8)))),
        ("add", _binary_op(lambda a, b: a + b)), ("sub", _binary_op(lambda a, b: a - b)),
        ("mul", _binary_op(lambda a, b: a * b)),
        ("div", _binary_op(lambda a, b: a / b, ok=lambda a, b: nonzero(b))),
        ("pow", _binary_op(lambda a, b: a**b, lambda a: pos(a) and bool(np.all(a <= 5)),
                           # no exponent exactly 0: see "pow" in _value_ops
                           lambda a, b: bool(np.all((np.abs(b) <= 3) & (b != 0))))),
        # the remainders are smooth away from their jumps, where a / b is a whole number (the
        # dividend moved by 0.1234, so that the simplest operands, equal ones or a multiple,
        # are off the jumps too)
        ("remainder", _binary_op(lambda a, b: (a + 0.1234) % b,
                                 ok=lambda a, b: nonzero(b) and _off_whole(a + 0.1234, b))),
        ("fmod", _binary_op(lambda a, b: (a + 0.1234).fmod(b),
                            ok=lambda a, b: nonzero(b) and _off_whole(a + 0.1234, b))),
        ("maximum", _binary_op(am.maximum, ok=lambda a, b: _away(a - b, (0.0,)))),
        ("minimum", _binary_op(am.minimum, ok=lambda a, b: _away(a - b, (0.0,)))),
        ("where", _where),
        ("add_array", _with_array(lambda x, c: x + c, -2, 2)),
        ("rsub_array", _with_array(lambda x, c: c - x, -2, 2)),
        ("rmul_array", _with_array(lambda x, c: c * x, -2, 2)),
        ("rdiv_array", _with_array(lambda x, c: c / x, -2, 2, nonzero)),
        ("rpow_array", _with_array(lambda x, c: c**x, 0.5, 2, lambda a: bool(np.all(
            np.abs(a) <= 5)))),
        ("matmul", _matmul),
        ("sum", _reduction(lambda x, d, k: x.sum(d, keepdim=k))),
        ("mean", _reduction(lambda x, d, k: x.mean(d, keepdim=k))),
        ("var", _reduction(lambda x, d, k: x.var(d, keepdim=k, correction=0))),
        ("var_unbiased", _reduction(lambda x, d, k: x.var(d, keepdim=k), min_count=2)),
        ("amax", _reduction(lambda x, d, k: x.amax(d, keepdim=k), _distinct)),
        ("amin", _reduction(lambda x, d, k: x.amin(d, keepdim=k), _distinct)),
        ("max_dim", _reduction(lambda x, d, k: x.max(d, keepdim=k).values, _distinct, True)),
        ("min_dim", _reduction(lambda x, d, k: x.min(d, keepdim=k).values, _distinct, True)),
        # (no subnormal-sized element: out / x loses its digits there, as in PyTorch)
        ("prod", _reduction(lambda x, d, k: x.prod(d, keepdim=k), _no_tiny, single=True)),
        ("prod_all", _unary_op(lambda x: x.prod(), _no_tiny)),
        ("cumsum", _reduction(lambda x, d, k: x.cumsum(d), single=True)),
        # (p="fro" is a matrix norm, of at most 2 dims, in PyTorch as here: p=2 over more)
    ("norm", _reduction(lambda x, d, k: x.norm(
        2 if isinstance(d, tuple) and len(d) > 2 else "fro", dim=d, keepdim=k), nonzero)),
        ("max_all", _unary_op(lambda x: x.max(), _distinct)),
        ("min_all", _unary_op(lambda x: x.min(), _distinct)),
        ("softmax", _reduction(lambda x, d, k: x.softmax(d), single=True)),
        ("log_softmax", _reduction(lambda x, d, k: x.log_softmax(d), single=True)),
        ("reshape", _reshaped), ("view", _any_node(lambda x: x.view(-1))),
        ("flatten", _any_node(lambda x: x.flatten())),
        ("squeeze", _any_node(lambda x: x.squeeze())),
        ("unsqueeze", _any_node(lambda x: x.unsqueeze(-1))),
        ("clone", _any_node(lambda x: x.clone())),
        ("permute", _permuted), ("transpose", _any_node(lambda x: x.transpose(0, -1),
                                                         lambda a: a.ndim >= 1)),
        ("T", _any_node(lambda x: x.T, lambda a: a.ndim == 2)),
        ("mT", _any_node(lambda x: x.mT, lambda a: a.ndim >= 2)),
        ("expand", _expanded),
        ("getitem", _index), ("cat", _joined(stack=False)), ("stack", _joined(stack=True)),
        ("mse_loss", _pairwise_loss(lambda x, t, r: F.mse_loss(x, t, reduction=r))),
        ("binary_cross_entropy", _pairwise_loss(
            lambda x, t, r: F.binary_cross_entropy(x, t, reduction=r),
            lambda a: bool(np.all((a >= 0.05) & (a <= 0.95))), (0.0, 1.0))),
        ("binary_cross_entropy_with_logits", _pairwise_loss(
            lambda x, t, r: F.binary_cross_entropy_with_logits(x, t, reduction=r),
            target=(0.0, 1.0))),
        ("epsilon_insensitive_loss", _pairwise_loss(
            lambda x, t, r: F.epsilon_insensitive_loss(x, t, reduction=r),
            ok=lambda x, t: _away(np.abs(x - t), (0.1,)) and _away(x - t, (0.0,)))),
        ("hinge_loss", _unary_op(lambda x: F.hinge_loss(x, np.where(np.arange(x.size).reshape(
            x.shape) % 2 == 0, 1.0, -1.0)),
            lambda a: _away(a * np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, 1, -1),
                            (1.0,)))),
        ("cross_entropy", _classes(lambda x, t, r: F.cross_entropy(x, t, reduction=r))),
        ("cross_entropy_probs", _unary_op(lambda x: F.cross_entropy(x, np.full(
            x.shape, 1.0 / x.shape[1])), lambda a: a.ndim == 2 and a.shape[1] >= 2)),
        ("nll_loss", _classes(lambda x, t, r: F.nll_loss(x, t, reduction=r))),
        ("multi_margin_loss", _classes(lambda x, t, r: F.multi_margin_loss(x, t, reduction=r),
                                       _margins_clear)),
    ]
    return ops


TENSOR_FUZZ_OPS = _tensor_ops()


@st.composite
def tensor_programs(draw: Any, max_ops: int = 10, one_element: bool = False) -> Program:
    """Random DAGs over every Tensor op, on leaves of shapes that broadcast together.

    ``one_element``: every node holds one number (leaves of shapes (), (1,) and (1, 1); a
    step whose result has more elements is left out), as explain() needs.
    """
    import numpy as np

    from autograd_mini import Tensor, no_grad

    if one_element:
        leaf_shapes = draw(st.lists(st.sampled_from([(), (1,), (1, 1)]), min_size=1,
                                    max_size=3))
    else:
        leaf_shapes = draw(broadcast_shapes(draw(st.integers(1, 3)), max_dims=3))
    leaves = [draw(arrays(s, -2, 2)) for s in leaf_shapes]
    steps: list[tuple[str, Callable[..., Any], tuple[int, ...]]] = [
        ("leaf", None, (i,)) for i in range(len(leaves))]  # type: ignore[misc]
    nodes: Nodes = list(leaves)
    for _ in range(draw(st.integers(2, max_ops))):
        name, build = draw(st.sampled_from(TENSOR_FUZZ_OPS))
        built = build(draw, nodes)
        if built is None:
            continue
        fn, args, new = built
        if one_element and any(a.size != 1 for a in new):
            continue
        if new:  # the op's new leaf becomes a node first
            steps.append(("leaf", None, (len(leaves),)))  # type: ignore[arg-type]
            leaves.append(new[0])
            nodes.append(new[0])
            args = tuple(len(nodes) - 1 if a == -1 else a for a in args)
        with no_grad():
            out = fn(*(Tensor(nodes[i]) for i in args)).data
        if (out.size != 1 if one_element else out.size == 0) or not np.all(
                np.isfinite(out)) or np.abs(out).max() > 1e3:
            continue  # keep the numbers tame (a new leaf stays: unused, its gradient is 0)
        steps.append((name, fn, args))
        nodes.append(out)
    return Program(tuple(leaves), tuple(steps))
