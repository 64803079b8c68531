"""The one graph walk: order, grad mode per thread, and graphs freed without the cyclic GC."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value, enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd_mini.engine import backward_pass, parents, topological_order


@st.composite
def random_graphs(draw: st.DrawFn) -> list[Value]:
    """Random DAGs of Values (with shared subexpressions); returns every node made."""
    nodes = [Value(draw(st.floats(-2, 2, allow_nan=False))) for _ in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["add", "mul", "tanh", "const"]))
        a = draw(st.sampled_from(nodes))
        b = draw(st.sampled_from(nodes))
        if kind == "add":
            nodes.append(a + b)
        elif kind == "mul":
            nodes.append(a * b)
        elif kind == "tanh":
            nodes.append(a.tanh())
        else:
            nodes.append(a * 0.5)
    return nodes


@given(random_graphs())
def test_topological_order_lists_each_node_once_after_its_parents(nodes: list[Value]) -> None:
    root = nodes[-1]
    order = topological_order([root])
    position = {n: i for i, n in enumerate(order)}
    assert len(position) == len(order)
    assert order[-1] is root
    for node in order:
        for p in parents(node):
            assert position[p] < position[node]
    # Every ancestor is there, and nothing else.
    reachable, stack = {root}, [root]
    while stack:
        for p in parents(stack.pop()):
            if p not in reachable:
                reachable.add(p)
                stack.append(p)
    assert set(order) == reachable
    # leaves=False (the backward pass's order) lists the same operations in the same order
    assert topological_order([root], leaves=False) == [n for n in order if n._op is not None]


@given(random_graphs())
def test_backward_equals_sum_over_all_paths(nodes: list[Value]) -> None:
    # The chain rule as a sum over paths, computed by brute force on small graphs.
    root = nodes[-1]
    grads = backward_pass([root], [1.0], accumulate=False)

    def path_sum(node: Value, target: Value) -> float:
        if node is target:
            return 1.0
        total = 0.0
        op = node._op
        if op is None:
            return 0.0
        if op.arity == 1:
            edges = [(node._a, op.backward[0](1.0, node._a.data, node._b, node.data))]
        else:
            a, b = node._a, node._b
            edges = [(a, op.backward[0](1.0, a.data, b.data, node.data)),
                     (b, op.backward[1](1.0, a.data, b.data, node.data))]
        for parent, d in edges:
            total += d * path_sum(parent, target)
        return total

    for leaf in [n for n in nodes if n.is_leaf and n in grads]:
        assert grads[leaf] == pytest.approx(path_sum(root, leaf), rel=1e-9, abs=1e-12)


def test_no_grad_is_per_thread() -> None:
    inside, other = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def worker() -> None:
        inside.wait()
        seen["other thread records"] = not (Value(1.0) * 2).is_leaf
        seen["other thread enabled"] = is_grad_enabled()
        other.set()

    t = threading.Thread(target=worker)
    t.start()
    with no_grad():
        inside.set()
        other.wait()
        seen["this thread records"] = not (Value(1.0) * 2).is_leaf
    t.join()
    assert seen == {"other thread records": True, "other thread enabled": True,
                    "this thread records": False}
    assert not (Value(1.0) * 2).is_leaf


def test_grad_mode_nesting_and_decorators() -> None:
    @no_grad()
    def f(v: Value) -> Value:
        assert not is_grad_enabled()
        with enable_grad():
            inner = v * 2
        assert not inner.is_leaf
        return v * 2

    out = f(Value(1.0))
    assert out.is_leaf and is_grad_enabled()
    with set_grad_enabled(False):
        assert not is_grad_enabled()
        with set_grad_enabled(True):
            assert is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_exception_inside_no_grad_restores_mode() -> None:
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert is_grad_enabled()
    assert not (Value(1.0) * 2).is_leaf


def test_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = x
        for i in range(3000):
            y = (y * 1.0001 + 0.1).tanh() if i % 2 else y * y
        y.backward()
        del y
        assert gc.collect() == 0  # nothing was left for the cyclic collector
    finally:
        gc.enable()


def test_grad_with_several_outputs_and_weights() -> None:
    x, w = Value(2.0), Value(3.0)
    a, b = x * w, x + w
    gx, gw = grad([a, b], [x, w], grad_outputs=[1.0, 10.0])
    assert (gx.data, gw.data) == (3.0 + 10.0, 2.0 + 10.0)
    with pytest.raises(ValueError, match="2 grad_outputs for 1 outputs"):
        grad(a, x, grad_outputs=[1.0, 2.0])
    with no_grad():
        c = x * 2
    with pytest.raises(ValueError, match="does not require grad and has no history"):
        grad(c, x)


def test_interrupted_backward_leaves_no_half_pass_behind() -> None:
    from autograd_mini.engine import UNARY, Rule, topological_order

    def interrupt(g: float, a: float, b: object, out: float) -> float:
        raise KeyboardInterrupt

    x = Value(2.0)
    h = x * 3.0
    boom = h * 1.0
    boom._op = Rule("boom", UNARY, None, (interrupt,))  # a rule that fails mid-pass
    y = boom + h
    with pytest.raises(KeyboardInterrupt):
        y.backward()
    assert all(n._g is None for n in topological_order([y]))
    # The pass stopped at `boom`, before x (reverse topological order: y, boom, h, x).
    assert x.grad == 0.0
    z = h * 2.0  # the lock was released and no stale gradient remains
    z.backward()
    assert x.grad == 6.0


# ------------------------------------------------------------------ graph lifetime
def test_a_second_backward_through_a_value_graph_adds_the_same_gradients() -> None:
    from autograd_mini.scalar import dot

    w1, w2, b = Value(0.5), Value(-1.5), Value(0.25)
    h = dot([w1, w2], [2.0, w1], b).tanh()  # w1 reached along three paths
    loss = (h * h + h.exp() / w2).relu()
    loss.backward()
    first = [w1.grad, w2.grad, b.grad, h.grad]
    loss.backward(retain_graph=True)  # accepted for PyTorch compatibility
    assert [w1.grad, w2.grad, b.grad, h.grad] == [2 * g for g in first]
    loss.backward(retain_graph=False)  # nothing was freed: a third pass is as good
    assert [w1.grad, w2.grad, b.grad, h.grad] == [3 * g for g in first]
    (once,) = grad(loss, w1)
    (again,) = grad(loss, w1, retain_graph=False)
    assert once.data == again.data == first[0]


@pytest.mark.torch
def test_a_second_backward_through_a_tensor_graph_adds_the_same_gradients(torch: Any) -> None:
    import numpy as np

    from autograd_mini import Tensor
    from autograd_mini.nn import functional as F

    rng = np.random.default_rng(0)
    data = {"x": rng.standard_normal((5, 3)), "W": rng.standard_normal((3, 4)),
            "b": rng.standard_normal(4)}
    y = np.array([0, 3, 1, 1, 2])

    def run(lib: Any, tensor: Any, F_: Any, passes: int, **kwargs: Any) -> list[Any]:
        x = tensor(data["x"])
        W, b = tensor(data["W"], requires_grad=True), tensor(data["b"], requires_grad=True)
        h = (x @ W + b).relu()
        h.retain_grad()
        loss = F_.cross_entropy(h * h.sigmoid(), lib(y)) + (W * W).sum() * 0.1
        for _ in range(passes):
            loss.backward(**kwargs)
        return [np.asarray(t.grad) for t in (W, b, h)]

    ours = run(np.asarray, Tensor, F, 2, retain_graph=False)
    twice = [2 * g for g in run(np.asarray, Tensor, F, 1)]
    theirs = run(torch.as_tensor, lambda a, **k: torch.tensor(a, **k), torch.nn.functional, 2,
                 retain_graph=True)
    for mine, double, torch_grad in zip(ours, twice, theirs):
        np.testing.assert_array_equal(mine, double)
        np.testing.assert_allclose(mine, torch_grad, rtol=1e-12)
