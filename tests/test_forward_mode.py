"""Forward mode (engine/forward.py): tangents of every node, for Values and Tensors, against
reverse mode and against PyTorch's forward mode (torch.func.jvp), in float64."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_mini import Value, grad
from autograd_mini.engine import forward_pass, topological_order
from autograd_mini.scalar import RULES as VALUE_RULES
from autograd_mini.scalar import fused
from autograd_mini.scalar import rules as value_rules

from .strategies import Program, value_programs


def close(a: float, b: float, tol: float = 1e-10) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


# ------------------------------------------------------------------ Values
@settings(max_examples=200)
@given(value_programs())
def test_value_tangents_equal_reverse_mode_gradients(program: Program) -> None:
    # for a scalar output, the tangent along leaf k is d out / d leaf k: the gradient
    out, leaves = program.run(program.leaves, Value)
    gs = grad(out, leaves, allow_unused=True)
    order = topological_order([out], leaves=False)
    for k, leaf in enumerate(leaves):
        tangents = forward_pass(out, {leaf: 1.0}, order=order)
        g = 0.0 if gs[k] is None else gs[k].data
        assert close(float(tangents.get(out, 0.0)), g), (program.ops(), k)


@settings(max_examples=100)
@given(value_programs())
def test_a_value_tangent_is_linear_in_the_seeds(program: Program) -> None:
    # seeding every leaf at once (a direction) gives the sum of the gradients times it
    out, leaves = program.run(program.leaves, Value)
    gs = grad(out, leaves, allow_unused=True)
    direction = [0.5 - k for k in range(len(leaves))]
    seeds: dict[Any, float] = {}
    for leaf, d in zip(leaves, direction):  # a leaf given twice keeps one seed
        seeds[leaf] = d
    want = sum(0.0 if g is None else g.data * seeds[x] for x, g in
               {x: g for x, g in zip(leaves, gs)}.items())
    assert close(float(forward_pass(out, seeds).get(out, 0.0)), want, 1e-9)


def test_a_scalar_rules_jvps_are_its_backward_formulas() -> None:
    # scalar products commute: the table gives each Value rule its VJPs as JVPs (rules.py)
    rules = [r for r in vars(value_rules).values() if r.__class__.__name__ == "Rule"]
    assert {r.name for r in rules} | set(fused.FUSED_RULES) == set(VALUE_RULES)
    for rule in rules:
        assert rule.jvp == rule.backward, rule.name


def test_every_value_rule_has_a_jvp() -> None:
    rules = [r for r in vars(value_rules).values() if r.__class__.__name__ == "Rule"]
    rules += list(fused.FUSED_RULES.values())
    missing = [r.name for r in rules if len(r.jvp) != (len(r.backward) if r.arity else 1)]
    assert not missing


def test_a_million_deep_value_chain_under_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.5)
    y = x
    for _ in range(10**6):
        y = y * 1.0 + 0.0
    tangents = forward_pass(y, {x: 2.0})
    assert tangents[y] == 2.0
    assert len(tangents) == 2 * 10**6 + 1


def test_nodes_that_do_not_depend_on_the_seeds_get_no_tangent() -> None:
    x, w = Value(2.0), Value(3.0)
    c = w * w
    y = x * c
    tangents = forward_pass(y, {x: 1.0})
    assert c not in tangents and w not in tangents
    assert tangents[y] == 9.0


def test_a_seeded_operation_keeps_its_seed() -> None:
    x = Value(2.0)
    h = x * x
    y = h * 3.0
    assert forward_pass(y, {h: 1.0})[y] == 3.0


def test_forward_over_reverse_gives_the_second_derivative_of_a_value() -> None:
    x = Value(1.5)
    y = (x * x * x).tanh() + x.exp()
    (g,) = grad(y, x, create_graph=True)  # a recorded graph of dy/dx
    (h,) = grad(g, x)
    assert close(forward_pass(g, {x: 1.0})[g], h.data)


def test_a_rule_without_a_jvp_is_refused_by_name() -> None:
    from autograd_mini.engine import UNARY, Rule

    x = Value(1.0)
    y = x * 2.0
    y._op = Rule("mystery", UNARY, None, (lambda g, a, b, out: g,))
    with pytest.raises(RuntimeError, match="'mystery' has no JVP"):
        forward_pass(y, {x: 1.0})


def test_tensor_tangents_have_the_nodes_shape_and_dtype() -> None:
    from autograd_mini import Tensor

    a = Tensor(np.ones((1,), np.float32), requires_grad=True)
    b = Tensor(np.arange(3.0, dtype=np.float32), requires_grad=True)
    y = a + b
    t = forward_pass(y, {a: np.ones((1,), np.float32)})[y]
    assert t.shape == (3,) and t.dtype == np.float32
    np.testing.assert_array_equal(t, np.ones(3))
