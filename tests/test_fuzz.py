"""Fuzzing: random expression graphs over every op, Values and Tensors, against central
differences in float64 (first and second derivatives).

The programs (tests/strategies.py) reuse nodes (diamonds, a*a), broadcast, reduce, index,
join and end in any op; each op is applied where it is smooth, so a central difference is
a derivative there. A leaf where two step sizes disagree lies within a step of a kink and
is skipped (rare), anything else must match.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from autograd_mini import Tensor, Value, backprop_steps, draw, explain, grad, no_grad
from autograd_mini.engine import backward_pass, topological_order
from autograd_mini.scalar import RULES as VALUE_RULES
from autograd_mini.tensors import RULES as TENSOR_RULES

from .strategies import (
    TENSOR_FUZZ_OPS,
    VALUE_OPS,
    Program,
    tensor_programs,
    value_programs,
)


def numeric(f: Callable[[float], float], x: float) -> float | None:
    """df/dx by central differences, or None when two step sizes disagree (a kink nearby)."""
    estimates = []
    for scale in (1e-5, 1e-6):
        h = scale * max(1.0, abs(x))
        estimates.append((f(x + h) - f(x - h)) / (2 * h))
    coarse, fine = estimates
    if abs(coarse - fine) > 1e-4 * max(1.0, abs(fine)):
        return None
    return fine


def agree(analytic: float, estimate: float) -> bool:
    return abs(analytic - estimate) <= 1e-5 * max(1.0, abs(analytic), abs(estimate))


# ------------------------------------------------------------------ Values
def value_output(program: Program, leaves: list[float]) -> float:
    with no_grad():
        return float(program.run(leaves, Value)[0].data)


@settings(max_examples=300)
@given(value_programs())
def test_random_value_graphs_match_central_differences(program: Program) -> None:
    out, leaves = program.run(program.leaves, Value)
    out.backward()
    for k, leaf in enumerate(leaves):
        def f(x: float, k: int = k) -> float:
            moved = list(program.leaves)
            moved[k] = x
            return value_output(program, moved)

        estimate = numeric(f, program.leaves[k])
        if estimate is None:
            event("leaf next to a kink: skipped")
            continue
        assert agree(leaf.grad, estimate), (program.ops(), k, leaf.grad, estimate)


@settings(max_examples=100)
@given(value_programs(max_ops=8))
def test_random_value_graphs_second_derivatives(program: Program) -> None:
    out, leaves = program.run(program.leaves, Value)
    first = grad(out, leaves, allow_unused=True, create_graph=True)
    # d/dx0 of (sum of the first derivatives): a row sum of the Hessian
    total = sum((g for g in first if g is not None), Value(0.0))
    if total.is_leaf:
        return  # linear in every leaf
    (row,) = grad(total, leaves[0], allow_unused=True)

    def first_derivatives_sum(x: float) -> float:
        moved = [x, *program.leaves[1:]]
        o, ls = program.run(moved, Value)
        gs = grad(o, ls, allow_unused=True)
        return sum(g.data for g in gs if g is not None)

    estimate = numeric(first_derivatives_sum, program.leaves[0])
    if estimate is None:
        event("leaf next to a kink: skipped")
        return
    assert agree(0.0 if row is None else row.data, estimate), program.ops()


def test_the_value_fuzz_table_has_every_rule() -> None:
    seen = set()
    for name, arity, fn, ok in VALUE_OPS:
        args = [Value(0.75 + 0.25 * i) for i in range(arity)]
        assert ok(*(a.data for a in args)), name
        out = fn(*args)
        seen |= {n.op for n in topological_order([out]) if not n.is_leaf}
    assert seen == set(VALUE_RULES)


# ------------------------------------------------------------------ Tensors
def weights(shape: tuple[int, ...]) -> Any:
    """Fixed, uneven weights for each output element (so every element counts differently)."""
    return np.cos(np.arange(math.prod(shape)) + 0.5).reshape(shape)


def tensor_loss(program: Program, leaves: list[Any], requires_grad: bool) -> Any:
    out, made = program.run(leaves, lambda a: Tensor(a, requires_grad=requires_grad))
    return (out * weights(out.shape)).sum(), made


def check_tensor_gradients(program: Program) -> None:
    loss, made = tensor_loss(program, list(program.leaves), True)
    if not loss.requires_grad:
        return
    loss.backward()
    for k, leaf in enumerate(made):
        analytic = np.zeros(leaf.shape) if leaf.grad is None else leaf.grad
        for j in np.ndindex(leaf.shape):
            def f(x: float, k: int = k, j: Any = j) -> float:
                moved = [a.copy() for a in program.leaves]
                moved[k][j] = x
                with no_grad():
                    return float(tensor_loss(program, moved, False)[0].item())

            estimate = numeric(f, float(program.leaves[k][j]))
            if estimate is None:
                event("element next to a kink: skipped")
                continue
            assert agree(float(analytic[j]), estimate), (program.ops(), k, j,
                                                         analytic[j], estimate)


@settings(max_examples=150)
@given(tensor_programs())
def test_random_tensor_graphs_match_central_differences(program: Program) -> None:
    check_tensor_gradients(program)


@settings(max_examples=40)
@given(tensor_programs(max_ops=5))
def test_random_tensor_graphs_second_derivatives(program: Program) -> None:
    # the gradient of (first gradient · v) is a Hessian-vector product: it runs every rule's
    # backward formula as recorded ops (index_put among them), then differentiates those
    loss, made = tensor_loss(program, list(program.leaves), True)
    if not loss.requires_grad:
        return
    first = grad(loss, made, allow_unused=True, create_graph=True)
    v = [weights(x.shape) * 0.5 for x in made]
    dot = sum(((g * w).sum() for g, w in zip(first, v) if g is not None), Tensor(0.0))
    if not dot.requires_grad:
        return  # linear in every leaf
    (hv,) = grad(dot, made[0], allow_unused=True)
    analytic = np.zeros(made[0].shape) if hv is None else hv.data

    def directional(x: float, j: Any) -> float:
        moved = [a.copy() for a in program.leaves]
        moved[0][j] = x
        lo, ls = tensor_loss(program, moved, True)
        gs = grad(lo, ls, allow_unused=True)
        return float(sum((g.data * w).sum() for g, w in zip(gs, v) if g is not None))

    for j in np.ndindex(made[0].shape):
        estimate = numeric(lambda x, j=j: directional(x, j), float(program.leaves[0][j]))
        if estimate is None:
            event("element next to a kink: skipped")
            continue
        assert agree(float(analytic[j]), estimate), (program.ops(), j, analytic[j], estimate)


def smooth_nodes(data: st.DataObject) -> list[Any]:
    """Nodes where every op of the table is smooth: distinct numbers in [0.3, 0.85] in the
    shapes the ops need (a matrix for the losses, a vector, a number)."""
    values = np.linspace(0.3, 0.85, 12)[list(data.draw(st.permutations(range(12))))]
    return [values.reshape(3, 4), values[:4].copy(), np.array(0.6)]


@pytest.mark.parametrize("name", [name for name, _ in TENSOR_FUZZ_OPS])
@settings(max_examples=15)
@given(data=st.data())
def test_each_tensor_fuzz_op_on_its_own(name: str, data: st.DataObject) -> None:
    # every op of the table on its own, on nodes where all of them are smooth
    build = dict(TENSOR_FUZZ_OPS)[name]
    leaves = smooth_nodes(data)
    built = None
    for _ in range(20):  # ops with a random new target may miss their domain: draw again
        built = build(data.draw, list(leaves))
        if built is not None:
            break
    assume(built is not None)
    assert built is not None
    fn, args, new = built
    steps: list[Any] = [("leaf", None, (i,)) for i in range(3)]
    if new:
        steps.append(("leaf", None, (3,)))
        args = tuple(3 if a == -1 else a for a in args)
    steps.append((name, fn, args))
    check_tensor_gradients(Program(tuple(leaves + new), tuple(steps)))


@settings(max_examples=3)
@given(data=st.data())
def test_the_tensor_fuzz_table_has_every_rule(data: st.DataObject) -> None:
    # every rule shows up in some op's graph (the dtype cast excepted, see strategies), and
    # index_put, the gradient of indexing, when that graph is differentiated twice
    seen = set()
    for _, build in TENSOR_FUZZ_OPS:
        leaves = smooth_nodes(data)
        built = next((b for b in (build(data.draw, list(leaves)) for _ in range(20)) if b), None)
        assume(built is not None)
        assert built is not None
        fn, args, new = built
        nodes = [Tensor(a, requires_grad=True) for a in leaves + new]
        out = fn(*(nodes[3 if a == -1 else a] for a in args))
        gs = grad((out * out * weights(out.shape)).sum(), nodes, allow_unused=True,
                  create_graph=True)  # squared, so the incoming gradients have history
        roots = [out, *(g for g in gs if g is not None)]
        seen |= {n.op for n in topological_order(roots) if not n.is_leaf}
    # (and floor_divide, which has no derivative to fuzz: tests/test_int_division.py)
    left_out = {"to", "floor_divide"}
    assert seen == set(TENSOR_RULES) - left_out, set(TENSOR_RULES) - left_out - seen


# ------------------------------------------------------------------ explain and steps on Tensors
# The explainer and the step-through apply each rule themselves (to a gradient of ones of the
# node's shape and dtype), apart from the engine: on random programs over the Tensor table
# their numbers must add up to the engine's gradients.
def _engine_gradients(out: Any) -> dict[Any, Any]:
    return backward_pass([out], [out._seed(None, False, "test")], accumulate=False)


def _every_node_added(program: Program) -> tuple[Any, list[Any]]:
    """The program's nodes all added up (so that every node counts, by many paths), and
    its leaves."""
    made = [Tensor(a, requires_grad=True) for a in program.leaves]
    nodes: list[Any] = []
    for name, fn, args in program.steps:
        nodes.append(made[args[0]] if name == "leaf" else fn(*(nodes[i] for i in args)))
    root = nodes[-1]
    for node in reversed(nodes[:-1]):
        root = root + node
    return root, made


@settings(max_examples=150)
@given(tensor_programs(max_ops=8, one_element=True))
def test_explain_on_one_element_tensor_graphs_adds_up_to_the_engines_gradient(
        program: Program) -> None:
    out, made = _every_node_added(program)
    engine = _engine_gradients(out)
    for leaf in dict.fromkeys(made):  # each leaf once, in order
        e = explain(out, leaf, max_paths=10**6)
        assert e.complete
        g = float(np.asarray(engine.get(leaf, 0.0)).item())
        assert e.engine_total == g
        for term in e.terms:  # a path: root ... leaf, one local derivative per step
            assert term.nodes[0] is out and term.nodes[-1] is leaf
            assert len(term.factors) == len(term.nodes) - 1
        size = sum(abs(float(t.value)) for t in e.terms)
        assert abs(float(e.total) - g) <= 1e-9 * max(1.0, size), (program.ops(), str(e))
    draw(out).source  # noqa: B018  every edge label computed (none raises)


def _check_steps(out: Any, engine: dict[Any, Any]) -> list[Any]:
    steps = list(backprop_steps(out))
    assert len({id(s.node) for s in steps}) == len(steps) == len(engine)
    for s in steps:  # the engine's own pass: bit for bit
        np.testing.assert_array_equal(s.gradient, engine[s.node])
        str(s)
    return steps


@settings(max_examples=100)
@given(tensor_programs(max_ops=8, one_element=True))
def test_steps_on_one_element_tensor_graphs_equal_the_engines_gradients(
        program: Program) -> None:
    out, _ = _every_node_added(program)
    for s in _check_steps(out, _engine_gradients(out)):
        for e in s.edges:  # every share is the gradient times a number here
            assert e.local is not None
            scale = max(1.0, abs(float(np.asarray(s.gradient).item())))
            assert float(np.asarray(e.share).item()) == pytest.approx(
                float(np.asarray(s.gradient).item()) * float(e.local), rel=1e-12,
                abs=1e-12 * scale)


@settings(max_examples=60)
@given(tensor_programs(max_ops=6))
def test_steps_on_tensor_graphs_equal_the_engines_gradients(program: Program) -> None:
    # any shapes (cat, stack, expand and the losses too): a step's gradients are arrays
    loss, _ = tensor_loss(program, list(program.leaves), True)
    if loss.requires_grad:
        _check_steps(loss, _engine_gradients(loss))


# rules whose node, or an operand of it, holds more than one number (a class-index loss
# needs two classes or more): explain refuses them, the steps test above covers them
NOT_ONE_ELEMENT = {"cat", "stack", "expand", "cross_entropy", "nll_loss"}


@settings(max_examples=3)
@given(data=st.data())
def test_the_one_element_fuzz_reaches_every_rule_explain_shows(data: st.DataObject) -> None:
    # `to` (a dtype cast, left out of the table) and index_put (in recorded backward passes
    # only) are tested in test_explain.py
    seen = set()
    for _, build in TENSOR_FUZZ_OPS:
        leaves = [np.array(0.6), np.array([0.45]), np.array([[0.7]])]
        for _ in range(20):
            built = build(data.draw, list(leaves))
            if built is None or any(a.size != 1 for a in built[2]):
                continue
            fn, args, new = built
            nodes = [Tensor(a, requires_grad=True) for a in leaves + new]
            out = fn(*(nodes[3 if a == -1 else a] for a in args))
            if out.size == 1:
                seen |= {n.op for n in topological_order([out]) if not n.is_leaf}
                break
    assert seen == set(TENSOR_RULES) - {"to", "index_put", "floor_divide"} - NOT_ONE_ELEMENT
