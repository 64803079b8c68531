"""backprop_steps(): the engine's backward pass, one node at a time, with the engine's numbers."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value, backprop_steps
from autograd_mini.cli.demo import build
from autograd_mini.engine import backward_pass, topological_order
from autograd_mini.scalar import RULES

from .strategies import random_value_graph, reals


def test_course_example_step_by_step() -> None:
    ex = build()
    steps = list(backprop_steps(ex.z))
    # the operations in reverse topological order, then the leaves (in the order their
    # first shares came), whose gradients are complete once every operation has had its turn
    assert [s.name for s in steps] == ["z", "y", "g", "w3", "w2", "w1"]
    assert [s.gradient for s in steps] == [1.0, 5.0, 5.0, -2.0, 5.0, -10.0]
    assert str(steps[0]) == (
        "step 1 of 6: z gets the seed gradient dz/dz = 1\n"
        "  to y: dz/dz · dz/dy = 1 · 5 = 5   (y's gradient so far: 5)\n"
        "  to w3: dz/dz · dz/dw3 = 1 · (-2) = -2   (w3's gradient so far: -2)"
    )
    assert str(steps[2]) == (
        "step 3 of 6: g has its complete gradient dz/dg = 5\n"
        "  to w1: dz/dg · dg/dw1 = 5 · (-2) = -10   (w1's gradient so far: -10)"
    )
    assert str(steps[5]) == ("step 6 of 6: w1 has its complete gradient dz/dw1 = -10\n"
                             "  w1 is a leaf: the gradient stops here (w1.grad += -10)")
    assert (ex.w1.grad, ex.z.grad) == (0.0, 0.0)  # looking changes nothing


def test_reused_node_receives_one_share_per_use() -> None:
    a = Value(2.0, "a")
    b = a * a + a
    b.label = "b"
    steps = list(backprop_steps(b))
    product = steps[1]
    assert [(product.names[e.parent], e.local, e.share, e.after) for e in product.edges] == [
        ("a", 2.0, 2.0, 3.0), ("a", 2.0, 2.0, 5.0)]
    assert steps[-1].gradient == 5.0


def test_seed_gradient_scales_every_step() -> None:
    ex = build()
    steps = list(backprop_steps(ex.z, gradient=2.0))
    plain = list(backprop_steps(ex.z))
    assert [s.node for s in steps] == [s.node for s in plain]
    assert [s.gradient for s in steps] == [2 * s.gradient for s in plain]
    assert {s.name: s.gradient for s in steps}["w1"] == -20.0
    with pytest.raises(TypeError, match="backprop_steps: expected a Value or a Tensor"):
        next(backprop_steps(3.0))


@given(random_value_graph(max_ops=10))
def test_order_and_numbers_equal_the_engines(graph: tuple[Value, list[Value]]) -> None:
    root, _ = graph
    operations = topological_order([root], leaves=False)
    leaves = [n for n in topological_order([root]) if n._op is None]
    steps = list(backprop_steps(root))
    # every operation in reverse topological order, then every leaf once
    assert [s.node for s in steps[:len(operations)]] == list(reversed(operations))
    assert sorted(map(id, (s.node for s in steps[len(operations):]))) == sorted(map(id, leaves))
    engine = backward_pass([root], [1.0], accumulate=False)
    for s in steps:  # bit for bit: the same formulas, arguments and order of addition
        assert _same(s.gradient, engine[s.node])
    root.backward()
    for s in steps:
        assert _same(s.gradient, s.node.grad)
        assert s.total == len(steps)


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


# A node kind of our own that logs every write to .grad: it shows the order in which
# graph.backward_pass itself completes the nodes, without assuming it is reversed().
class Logged:
    requires_grad = True
    _retains_grad = True
    log: ClassVar[list[tuple[Logged, float]]] = []

    def __init__(self, data: float, op: Any = None, a: Any = None, b: Any = None) -> None:
        self.data, self.label, self._op, self._a, self._b = data, "", op, a, b
        self._grad = 0.0
        self._g: Any = None  # the engine's running gradient during a pass

    @property
    def grad(self) -> float:
        return self._grad

    @grad.setter
    def grad(self, value: float) -> None:
        Logged.log.append((self, value))
        self._grad = value

    def _seed(self, gradient: Any, create_graph: bool, who: str) -> float:
        return 1.0 if gradient is None else float(gradient)


_OPS = ["add", "sub", "mul", "tanh", "sigmoid", "exp", "neg"]


@given(st.lists(st.tuples(st.sampled_from(_OPS), st.integers(0, 100), st.integers(0, 100)),
                min_size=1, max_size=12), st.lists(reals(-1, 1), min_size=1, max_size=3))
def test_order_equals_the_order_backward_pass_writes_gradients(
        ops: list[tuple[str, int, int]], leaves: list[float]) -> None:
    nodes = [Logged(x) for x in leaves]
    for name, i, j in ops:
        rule = RULES[name]
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if rule.arity == 2:
            nodes.append(Logged(rule.forward(a.data, b.data), rule, a, b))
        else:
            nodes.append(Logged(rule.forward(a.data, None), rule, a, None))
    root = nodes[-1]
    Logged.log = []
    backward_pass([root], [1.0])
    steps = list(backprop_steps(root))
    assert [s.node for s in steps] == [n for n, _ in Logged.log]
    assert [s.gradient for s in steps] == [g for _, g in Logged.log]


def test_each_step_is_a_frame_with_the_done_nodes_marked() -> None:
    ex = build()
    steps = list(backprop_steps(ex.z))
    for s in steps:
        src = s.draw().source
        assert src.count("#ffd966") == 3  # the current node's three cells
        assert src.count("#d9f2d9") == 3 * (s.index - 1)  # the nodes done before it
        assert f"step {s.index} of 6: {s.name}" in src
    second = steps[1].draw().source  # y's turn (after z)
    assert second.count("grad 5 so far") == 2  # g and w2: y just sent to them
    assert "grad –" in steps[0].draw().source  # w1 has not received anything yet
    svg = ET.fromstring(steps[2].svg())
    texts = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "grad -10 so far" in texts  # w1, just sent to, not yet done
    assert "step 3 of 6: g" in texts
    bundle = steps[0]._repr_mimebundle_()
    assert bundle["text/plain"].startswith("step 1 of 6: z") and "image/svg+xml" in bundle


def test_a_frame_takes_draws_options_as_draw_does() -> None:
    ex = build()
    step = next(backprop_steps(ex.z))
    assert step.draw("TB").source == step.draw(rankdir="TB").source
    assert "rankdir=TB" in step.draw("TB").source
    assert "data -10" in step.draw(digits=3).source
    with pytest.raises(ValueError, match="rankdir"):
        step.draw("sideways")


def test_tensor_graph_steps_equal_the_engines_gradients() -> None:
    import numpy as np

    from autograd_mini import Tensor
    from autograd_mini.nn import functional as F

    x = Tensor(np.arange(6.0).reshape(2, 3), label="x")
    W = Tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True, label="W")
    b = Tensor(np.full(4, 0.1), requires_grad=True, label="b")
    loss = F.cross_entropy((x @ W + b).relu(), np.array([1, 3]))
    steps = list(backprop_steps(loss))
    loss.backward()
    by_node = {s.node: s for s in steps}
    np.testing.assert_array_equal(by_node[W].gradient, W.grad)
    np.testing.assert_array_equal(by_node[b].gradient, b.grad)
    assert x not in by_node  # x does not require grad: no gradient reaches it
    matmul = next(s for s in steps if s.node._op is not None and s.node._op.name == "matmul")
    assert [e.local for e in matmul.edges] == [None]  # a Jacobian, not a number
    assert "times the Jacobian" in str(matmul)
    assert steps[0].svg().startswith("<?xml")


def test_zero_d_tensor_steps_show_numbers() -> None:
    # the local derivative of a Tensor node is its rule applied to ones of the node's shape
    # and dtype: a Python 1.0 made this raise AttributeError in the ADD rule (issue 18)
    import numpy as np

    from autograd_mini import Tensor

    s = Tensor(2.0, requires_grad=True, label="s")
    z = s + s
    z.label = "z"
    steps = list(backprop_steps(z))
    assert str(steps[0]) == (
        "step 1 of 2: z gets the seed gradient dz/dz = 1\n"
        "  to s: dz/dz · dz/ds = 1 · 1 = 1   (s's gradient so far: 1)\n"
        "  to s: dz/dz · dz/ds = 1 · 1 = 1   (s's gradient so far: 2)")
    assert [e.local for e in steps[0].edges] == [1.0, 1.0]
    u = Tensor(np.array([2.0], dtype=np.float32), requires_grad=True, label="u")
    q = (u * u + u).sum()
    last = list(backprop_steps(q))[-1]
    q.backward()
    assert last.node is u and np.array_equal(last.gradient, u.grad)
    assert str(last).endswith("(u.grad += 5)")
