"""The forward reading: explain(mode="forward"), draw(tangents=...), forward_steps and the
CLI's --forward, each number checked against the engine's forward and backward passes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given

from autograd_mini import Tensor, Value, draw, explain, forward_steps
from autograd_mini.cli.demo import build
from autograd_mini.cli.main import main
from autograd_mini.engine import topological_order
from autograd_mini.engine.forward import forward_pass
from autograd_mini.viz.draw import summarize
from autograd_mini.viz.explain import node_names

from .strategies import random_value_graph


def _cells(source: str) -> dict[str, list[str]]:
    """``{value name: [its box's cells after the name]}`` from a drawing's DOT text."""
    boxes = {}
    for row in re.findall(r"<tr>(.*?)</tr>", source):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        name = re.sub(r"</?[bi]>", "", cells[0])
        boxes[name] = cells[1:]
    return boxes


def test_course_example_forward_text() -> None:
    ex = build()
    assert explain(ex.z, ex.w1, mode="forward").lines() == [
        "dz/dw1 = dg/dw1 · dy/dg · dz/dy = (-2) · 1 · 5 = -10",
        "forward sweep: the tangent d·/dw1 of each node, from its inputs' tangents "
        "(∂: a local derivative)",
        "  dw1/dw1 = 1  (the seed)",
        "  dg/dw1 = dw1/dw1 · ∂g/∂w1 = 1 · (-2) = -2",
        "  dy/dw1 = dg/dw1 · ∂y/∂g = (-2) · 1 = -2",
        "  dz/dw1 = dy/dw1 · ∂z/∂y = (-2) · 5 = -10",
        "  w2, w3: tangent 0 (they do not depend on w1)",
    ]
    assert explain(ex.z, ex.w2, mode="forward").lines()[0] == "dz/dw2 = dy/dw2 · dz/dy = 1 · 5 = 5"
    assert explain(ex.z, ex.w3, mode="forward").lines()[0] == "dz/dw3 = -2"


def test_course_example_same_numbers_both_ways_and_as_the_engine() -> None:
    ex = build()
    ex.z.backward()
    for w in (ex.w1, ex.w2, ex.w3):
        fwd, rev = explain(ex.z, w, mode="forward"), explain(ex.z, w)
        tangents = forward_pass(ex.z, {w: 1.0})
        assert fwd.engine_total == tangents[ex.z] == rev.engine_total == w.grad
        assert [t.factors[::-1] for t in fwd.terms] == [t.factors for t in rev.terms]
        for row in fwd.sweep:  # every tangent shown is the engine's
            assert row.value == tangents[row.node] == row.total


def test_reused_input_sums_its_edges_in_the_sweep() -> None:
    a = Value(2.0, "a")
    b = a * a + a
    b.label = "b"
    e = explain(b, a, mode="forward")
    assert e.lines() == [
        "path 1: db/da = dt1/da · db/dt1 = 2 · 1 = 2",
        "path 2: db/da = dt1/da · db/dt1 = 2 · 1 = 2",
        "path 3: db/da = 1",
        "db/da = 2 + 2 + 1 = 5",
        "forward sweep: the tangent d·/da of each node, from its inputs' tangents "
        "(∂: a local derivative)",
        "  da/da = 1  (the seed)",
        "  dt1/da = da/da · ∂t1/∂a + da/da · ∂t1/∂a = 1 · 2 + 1 · 2 = 4",
        "  db/da = dt1/da · ∂b/∂t1 + da/da · ∂b/∂a = 4 · 1 + 1 · 1 = 5",
    ]
    b.backward()
    assert e.engine_total == a.grad == forward_pass(b, {a: 1.0})[b]


@given(random_value_graph())
def test_forward_reading_agrees_with_both_passes(graph: tuple[Value, list[Value]]) -> None:
    root, leaves = graph
    order = topological_order([root])
    inputs = [leaf for leaf in leaves if leaf in set(order)]
    root.backward()
    for x in inputs:
        e = explain(root, x, max_paths=4, mode="forward")
        tangents = forward_pass(root, {x: 1.0})
        assert e.engine_total == tangents.get(root, 0.0)
        assert {row.node for row in e.sweep} == set(tangents)
        for row in e.sweep:
            assert row.value == tangents[row.node]
        for term in e.terms:  # input first, each factor d (next node) / d (this one)
            assert term.nodes[0] is x and term.nodes[-1] is root
        if np.isfinite(x.grad) and np.isfinite(e.engine_total):
            assert e.engine_total == pytest.approx(x.grad, rel=1e-9, abs=1e-9)


def test_forward_latex_has_the_paths_and_the_sweep() -> None:
    ex = build()
    tex = explain(ex.z, ex.w1, mode="forward")._repr_latex_()
    assert tex.startswith(r"$$\begin{aligned}") and tex.endswith(r"\end{aligned}$$")
    assert (r"\frac{\partial \mathit{g}}{\partial \mathit{w1}} \cdot "
            r"\frac{\partial \mathit{y}}{\partial \mathit{g}} \cdot "
            r"\frac{\partial \mathit{z}}{\partial \mathit{y}} = (-2) \cdot 1 \cdot 5 = -10") in tex
    assert (r"\frac{d \mathit{z}}{d \mathit{w1}} &= \frac{d \mathit{y}}{d \mathit{w1}} \cdot "
            r"\frac{\partial \mathit{z}}{\partial \mathit{y}} = (-2) \cdot 5 = -10") in tex
    html = explain(ex.z, ex.w1, mode="forward")._repr_html_()
    assert "dz/dw1 = dy/dw1 · ∂z/∂y = (-2) · 5 = -10" in html


def test_forward_one_element_tensors_keep_their_dtype() -> None:
    t = Tensor(np.float32(0.3), requires_grad=True, label="t")
    z = t.exp() * t + t
    z.label = "z"
    e = explain(z, t, mode="forward")
    tangent = forward_pass(z, {t: np.ones((), np.float32)})[z]
    assert e.engine_total == tangent.item()
    assert {np.asarray(row.value).dtype for row in e.sweep} == {np.dtype(np.float32)}
    z.backward()
    assert e.engine_total == pytest.approx(t.grad.item(), rel=1e-6)


@pytest.mark.parametrize("mode", ["Forward", "backward", None])
def test_mode_is_forward_or_reverse(mode: object) -> None:
    with pytest.raises(ValueError, match=r"^explain: mode must be 'reverse' or 'forward', got"):
        explain(Value(1.0), Value(1.0), mode=mode)  # type: ignore[arg-type]


def test_forward_needs_an_input_of_the_graph() -> None:
    ex = build()
    with pytest.raises(ValueError, match=r"^explain: forward mode seeds a tangent at an input "
                                         r"\(a leaf\), and y is computed by add: .* \(w2, w1, "
                                         r"w3\), or use mode='reverse' for dz/dy$"):
        explain(ex.z, ex.y, mode="forward")
    assert str(explain(ex.z, ex.y)) == "dz/dy = 5"  # reverse mode explains it
    q = Value(1.0, "q")
    with pytest.raises(ValueError, match=r"q is not in it \(every tangent would be 0\); pass "
                                         r"one of its leaves \(w2, w1, w3\)$"):
        explain(ex.z, q, mode="forward")
    W = Tensor(2.0, label="W")  # requires no grad: the graph records no edge from it
    with pytest.raises(ValueError, match="W does not require grad"):
        explain(W * Tensor(1.0, requires_grad=True), W, mode="forward")


# ------------------------------------------------------------------ draw(tangents=...)
def test_draw_tangents_labels_each_box_with_the_engines_tangent() -> None:
    ex = build()
    names = node_names(ex.z)
    src = draw(ex.z, tangents=ex.w1).source
    boxes = _cells(src)
    tangents = forward_pass(ex.z, {ex.w1: 1.0})
    for node in topological_order([ex.z]):
        data, tangent = boxes[names[node]]  # no grad cell unless asked for
        assert data == f"data {node.data:g}"
        expected = tangents.get(node, 0.0)
        assert tangent == f"d{names[node]}/dw1 = {expected:g}"
    assert "∂g/∂w1 = -2" in src and "∂z/∂y = 5" in src  # edges keep the local derivatives
    ex.z.backward()
    both = _cells(draw(ex.z, tangents=ex.w1, show_grads=True).source)
    assert both["z"] == ["data -10", "grad 1", "dz/dw1 = -10"]
    assert both["w1"] == ["data 3", f"grad {ex.w1.grad:g}", "dw1/dw1 = 1"]


def test_draw_tangents_in_a_direction_of_several_inputs() -> None:
    ex = build()
    boxes = _cells(draw(ex.z, tangents={ex.w1: 1.0, ex.w2: 2.0}).source)
    tangents = forward_pass(ex.z, {ex.w1: 1.0, ex.w2: 2.0})
    assert tangents[ex.y] == 2.0 + (-2.0)
    assert boxes["y"] == ["data -2", "tangent 0"]
    assert boxes["w3"] == ["data 5", "tangent 0"]
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True, label="x")
    s = x * x + x
    s.label = "s"
    direction = np.array([1.0, 0.0, -1.0])
    boxes = _cells(draw(s, tangents={x: direction}).source)
    tangent = forward_pass(s, {x: direction})[s]
    np.testing.assert_array_equal(tangent, (2 * x.data + 1) * direction)
    assert boxes["s"][-1] == f"tangent {summarize(tangent)}" == "tangent [ 3., 0., -7.]"


def test_draw_tangents_refuses_what_cannot_be_seeded() -> None:
    ex = build()
    with pytest.raises(ValueError, match=r"^draw: forward mode seeds a tangent at an input"):
        draw(ex.z, tangents=ex.g)
    with pytest.raises(ValueError, match=r"^draw: .*q is not in it"):
        draw(ex.z, tangents={Value(1.0, "q"): 1.0})
    with pytest.raises(ValueError, match=r"^draw: tangents=\{\} seeds nothing"):
        draw(ex.z, tangents={})
    with pytest.raises(TypeError, match=r"^draw: tangents must be an input .* got float"):
        draw(ex.z, tangents=1.0)
    x = Tensor([1.0, 2.0], requires_grad=True, label="x")
    with pytest.raises(ValueError, match=r"^draw: tangents=x has shape \(2,\): .* pass a "
                                         r"direction, tangents=\{input: array of its shape\}$"):
        draw((x * x).sum(), tangents=x)


# ------------------------------------------------------------------ forward_steps
def test_forward_steps_walk_the_sweep_with_the_engines_numbers() -> None:
    ex = build()
    steps = list(forward_steps(ex.z, ex.w1))
    assert [str(s) for s in steps] == [
        "step 1 of 4: w1 gets the seed tangent dw1/dw1 = 1",
        "step 2 of 4: g = -2 * w1 gets its tangent from its input's\n"
        "  from w1: dw1/dw1 · ∂g/∂w1 = 1 · (-2) = -2\n  dg/dw1 = -2",
        "step 3 of 4: y = w2 + g gets its tangent from its input's\n"
        "  from g: dg/dw1 · ∂y/∂g = (-2) · 1 = -2\n  dy/dw1 = -2",
        "step 4 of 4: z = y * w3 gets its tangent from its input's\n"
        "  from y: dy/dw1 · ∂z/∂y = (-2) · 5 = -10\n  dz/dw1 = -10",
    ]
    tangents = forward_pass(ex.z, {ex.w1: 1.0})
    assert [s.node for s in steps] == [ex.w1, ex.g, ex.y, ex.z]
    assert all(s.tangent.value == tangents[s.node] for s in steps)
    frame = _cells(steps[1].draw().source)  # g's turn: y and z are yet to come
    assert frame["g"][-1] == "dg/dw1 = -2" and frame["y"][-1] == "dy/dw1 = –"
    assert frame["w2"][-1] == "dw2/dw1 = 0"
    assert 'bgcolor="#ffd966"' in steps[1].draw().source  # the current node's colour
    assert ex.w1.grad == 0.0  # looking only


def test_forward_steps_sum_at_a_reused_input_and_refuse_arrays() -> None:
    a = Value(2.0, "a")
    b = a * a + a
    b.label = "b"
    last = list(forward_steps(b, a))[-1]
    assert str(last).endswith("  db/da = 4 + 1 = 5")
    b.backward()
    assert last.tangent.value == a.grad
    t = Tensor(2.0, requires_grad=True, label="t")
    wide = t * np.ones(3)
    wide.label = "wide"
    with pytest.raises(ValueError, match=r"^forward_steps: wide has shape \(3,\) and depends on t"):
        forward_steps(wide.sum(), t)
    with pytest.raises(TypeError, match=r"^forward_steps: expected a Value or a Tensor, got int"):
        forward_steps(3, t)


# ------------------------------------------------------------------ the command line
def test_cli_forward_explains_and_steps_from_each_variable(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["grad", "(w2 + -2*w1)*w3", "--at", "w1=3", "w2=4", "w3=5", "--forward"])
    out = capsys.readouterr().out
    assert code == 0
    assert "dz/dw1 = dt1/dw1 · dt2/dt1 · dz/dt2 = (-2) · 1 · 5 = -10" in out
    assert "  dz/dw1 = dt2/dw1 · ∂z/∂t2 = (-2) · 5 = -10" in out
    for n in ("w1", "w2", "w3"):
        assert f"the forward sweep from {n}, node by node:" in out
    assert "the backward pass" not in out
    main(["grad", "(w2 + -2*w1)*w3", "--at", "w1=3", "w2=4", "w3=5", "--forward", "--explain"])
    only = capsys.readouterr().out
    assert "dz/dw2 = dt2/dw2 · dz/dt2 = 1 · 5 = 5" in only and "node by node" not in only
