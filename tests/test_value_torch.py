"""PyTorch is the oracle: random scalar expression graphs, values and gradients in float64."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mini import Value, grad
from autograd_mini.scalar import dot

pytestmark = pytest.mark.torch

# Each op: (arity, how autograd_mini computes it, how torch computes it). The same Python
# expression works on both kinds, except for the few functions with different spellings.
ARITH: dict[str, tuple[int, Callable[..., Any]]] = {
    "add": (2, lambda a, b: a + b), "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b), "div": (2, lambda a, b: a / b),
    "neg": (1, lambda a: -a),
    "add_c": (1, lambda a: a + 1.25), "radd_c": (1, lambda a: 0.75 + a),
    "sub_c": (1, lambda a: a - 2.5), "rsub_c": (1, lambda a: 1.5 - a),
    "mul_c": (1, lambda a: a * -1.75), "rmul_c": (1, lambda a: 3 * a),
    "div_c": (1, lambda a: a / 3.0), "rdiv_c": (1, lambda a: 3.0 / a),
    "sq": (1, lambda a: a**2), "cube": (1, lambda a: a**3), "inv": (1, lambda a: a**-1),
    "inv_sq": (1, lambda a: a**-2), "relu": (1, lambda a: a.relu()),
}
TRANSCENDENTAL: dict[str, tuple[int, Callable[..., Any]]] = {
    "exp": (1, lambda a: a.exp()), "log": (1, lambda a: a.log()),
    "tanh": (1, lambda a: a.tanh()), "sigmoid": (1, lambda a: a.sigmoid()),
    "sqrt": (1, lambda a: a**0.5), "rsqrt": (1, lambda a: a**-0.5),
    "pow_c": (1, lambda a: a**1.7), "rpow": (1, lambda a: 1.3**a),
    "pow": (2, lambda a, b: a**b),
    "dot": (2, lambda a, b: _dot(a, b)),
}


def _dot(a: Any, b: Any) -> Any:
    """a·b + b·2 + a, as one n-ary dot node for Values, written out for torch."""
    if isinstance(a, Value):
        return dot([a, b], [b, 2.0], a)
    return a + a * b + b * 2.0


@st.composite
def programs(draw: st.DrawFn, ops: dict[str, tuple[int, Callable[..., Any]]],
             max_uses: int | None = None) -> tuple[list[float], list[tuple[str, list[int]]]]:
    """Leaf values and a list of (op, operand indices) steps over earlier nodes."""
    leaves = draw(st.lists(st.floats(-3, 3, allow_nan=False).filter(lambda x: abs(x) > 1e-3),
                           min_size=1, max_size=4))
    steps: list[tuple[str, list[int]]] = []
    uses: Counter[int] = Counter()
    for _ in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(ops)))
        arity = ops[name][0]
        n_nodes = len(leaves) + len(steps)
        candidates = [i for i in range(n_nodes) if max_uses is None or uses[i] < max_uses]
        if len(candidates) < arity:
            break
        args = draw(st.lists(st.sampled_from(candidates), min_size=arity, max_size=arity))
        if max_uses is not None and any(uses[i] + args.count(i) > max_uses for i in args):
            continue
        uses.update(args)
        steps.append((name, args))
    return leaves, steps


def run(program: Any, ops: dict[str, Any], make: Callable[[float], Any]) -> tuple[Any, list[Any]]:
    leaves, steps = program
    nodes = [make(x) for x in leaves]
    for name, args in steps:
        nodes.append(ops[name][1](*(nodes[i] for i in args)))
    return nodes[-1], nodes[: len(leaves)]


def torch_run(torch: Any, program: Any, ops: dict[str, Any]) -> tuple[float, list[float]]:
    out, leaves = run(program, ops, lambda x: torch.tensor(x, dtype=torch.float64,
                                                          requires_grad=True))
    if out.requires_grad:
        out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


def ours(program: Any, ops: dict[str, Any]) -> tuple[float, list[float]]:
    out, leaves = run(program, ops, Value)
    out.backward()
    return out.data, [v.grad for v in leaves]


def same_bits(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def close(a: float, b: float, scale: float) -> bool:
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return same_bits(a, b)
    return abs(a - b) <= 1e-9 * max(1.0, abs(b), scale)


@settings(max_examples=200)
@given(programs(ARITH, max_uses=2))
def test_arithmetic_graphs_equal_pytorch_to_the_last_bit(torch: Any, program: Any) -> None:
    # + - * / and the powers PyTorch computes by multiplication agree bit for bit, as long
    # as no node has more than two consumers (then the engines may add shares in another
    # order, and floating-point addition is not associative).
    value, grads = ours(program, ARITH)
    t_value, t_grads = torch_run(torch, program, ARITH)
    assert same_bits(value, t_value)
    for g, tg in zip(grads, t_grads):
        assert same_bits(g, tg), (grads, t_grads)


@settings(max_examples=300)
@given(programs({**ARITH, **TRANSCENDENTAL}))
def test_random_graphs_match_pytorch(torch: Any, program: Any) -> None:
    # exp, tanh, log ... come from the C library here and from SLEEF in PyTorch: they can
    # differ in the last bit, so values are compared to 1e-9 relative to their scale.
    ops = {**ARITH, **TRANSCENDENTAL}
    value, grads = ours(program, ops)
    t_value, t_grads = torch_run(torch, program, ops)
    scale = max([abs(x) for x in (value, *grads) if math.isfinite(x)], default=1.0)
    assert close(value, t_value, scale)
    for g, tg in zip(grads, t_grads):
        assert close(g, tg, scale), (grads, t_grads)


@pytest.mark.parametrize("x", [-1000.0, -1e-300, -0.0, 0.0, 1e-300, 1000.0, math.inf, -math.inf,
                               math.nan])
@pytest.mark.parametrize("name", sorted({**ARITH, **TRANSCENDENTAL}))
def test_edge_values_match_pytorch(torch: Any, name: str, x: float) -> None:
    ops = {**ARITH, **TRANSCENDENTAL}
    arity = ops[name][0]
    program = ([x] * arity, [(name, list(range(arity)))])
    value, grads = ours(program, ops)
    t_value, t_grads = torch_run(torch, program, ops)
    assert close(value, t_value, 0.0), (value, t_value)
    for g, tg in zip(grads, t_grads):
        assert close(g, tg, 0.0), (grads, t_grads)


@pytest.mark.parametrize("x", [0.5, 2.0, -1.3])
def test_higher_order_derivatives_match_pytorch(torch: Any, x: float) -> None:
    def f(v: Any) -> Any:
        return (v**3 * v.tanh() + 2.0 ** v / (1 + v * v)).sigmoid()

    v = Value(x)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    d, td = f(v), f(t)
    for _ in range(3):
        (d,) = grad(d, v, create_graph=True)
        (td,) = torch.autograd.grad(td, t, create_graph=True)
        assert d.data == pytest.approx(td.item(), rel=1e-9)


def test_masked_pow_derivative_times_infinite_gradient_is_nan_as_in_pytorch(torch: Any) -> None:
    # Found by the random-graph test: (0 ** y) ** -1 at y = 1. PyTorch multiplies the
    # exponent's masked derivative (0 at base 0) by the incoming gradient (-inf): nan.
    program = ([1.0, 1.0], [("sub", [0, 0]), ("pow", [2, 1]), ("inv", [3])])
    value, grads = ours(program, {**ARITH, **TRANSCENDENTAL})
    t_value, t_grads = torch_run(torch, program, {**ARITH, **TRANSCENDENTAL})
    assert same_bits(value, t_value)
    assert all(same_bits(g, tg) for g, tg in zip(grads, t_grads)), (grads, t_grads)
    assert math.isnan(grads[1])
