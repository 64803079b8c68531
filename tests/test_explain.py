"""explain(): the chain rule with numbers, path by path, as text and as LaTeX."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value, explain
from autograd_mini.cli.demo import build
from autograd_mini.engine import topological_order
from autograd_mini.viz.explain import _all_paths, local_derivatives, node_names

from .strategies import random_value_graph


def test_course_example_text() -> None:
    ex = build()
    assert str(explain(ex.z, ex.w1)) == "dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2) = -10"
    assert str(explain(ex.z, ex.w2)) == "dz/dw2 = dz/dy · dy/dw2 = 5 · 1 = 5"
    assert str(explain(ex.z, ex.w3)) == "dz/dw3 = -2"
    assert str(explain(ex.z, ex.z)) == "dz/dz = 1"


def test_reused_node_two_paths_through_the_product_and_the_direct_path() -> None:
    a = Value(2.0, "a")
    b = a * a + a
    b.label = "b"
    assert explain(b, a).lines() == [
        "path 1: db/da = db/dt1 · dt1/da = 1 · 2 = 2",
        "path 2: db/da = db/dt1 · dt1/da = 1 · 2 = 2",
        "path 3: db/da = 1",
        "db/da = 2 + 2 + 1 = 5",
    ]
    b.backward()
    assert a.grad == 5.0


def test_auto_names_skip_names_the_user_took() -> None:
    t1 = Value(1.0, "t1")
    x = Value(2.0)
    out = (t1 * x).exp()
    names = node_names(out)
    assert names[t1] == "t1"
    assert sorted(names[n] for n in (x, out, out._a)) == ["t2", "t3", "t4"]


def test_unrelated_input_is_zero_with_a_reason() -> None:
    ex = build()
    q = Value(1.0, "q")
    assert str(explain(ex.z, q)) == "dz/dq = 0  (q does not affect z)"


def _doubling_chain(depth: int) -> tuple[Value, Value]:
    """out = x·(3 + 0.5)^depth through 2^depth paths of sizes 3^k·0.5^(depth-k)."""
    x = v = Value(1.5, "x")
    for _ in range(depth):
        v = v * 0.5 + v * 3
    v.label = "out"
    return v, x


def test_too_many_paths_says_so_and_gives_total_and_largest() -> None:
    out, x = _doubling_chain(10)
    e = explain(out, x, max_paths=5)
    lines = e.lines()
    assert lines[0] == ("dout/dx: 1024 paths lead from x to out, too many to list; "
                        "the 5 largest contributions:")
    out.backward()
    assert lines[-1] == f"dout/dx = {x.grad!r}  (sum over all 1024 paths)"
    assert x.grad == 3.5**10
    sizes = [t.value for t in e.terms]
    assert sizes[0] == 3.0**10  # every edge through the 3-branch
    assert sizes[1:] == [3.0**9 * 0.5] * 4
    assert len(lines) == 1 + 5 + 1


@given(random_value_graph(), st.integers(1, 6))
def test_k_largest_paths_are_the_largest_of_all_paths(graph: tuple[Value, list[Value]],
                                                      k: int) -> None:
    root, leaves = graph
    wrt = leaves[0]
    e = explain(root, wrt, max_paths=k)
    order = topological_order([root])
    if wrt not in order:
        assert e.n_paths == 0
        return
    edges = {n: local_derivatives(n) for n in order}
    n_paths = {n: e.n_paths for n in order}  # only used as "non-zero" by _all_paths
    every = sorted((abs(t.value) for t in _all_paths(root, wrt, edges, n_paths)), reverse=True)
    assert len(every) == e.n_paths
    shown = sorted((abs(t.value) for t in e.terms), reverse=True)
    assert shown == pytest.approx(every[: len(shown)], rel=1e-12)
    assert len(shown) == (e.n_paths if e.complete else k)
    root.backward()
    assert e.engine_total == wrt.grad
    if e.complete and math.isfinite(wrt.grad):
        assert e.total == pytest.approx(wrt.grad, rel=1e-9, abs=1e-9)


def test_latex_single_path_is_one_equation() -> None:
    ex = build()
    assert explain(ex.z, ex.w1)._repr_latex_() == (
        r"$$\begin{aligned}\frac{\partial \mathit{z}}{\partial \mathit{w1}} &= "
        r"\frac{\partial \mathit{z}}{\partial \mathit{y}} \cdot "
        r"\frac{\partial \mathit{y}}{\partial \mathit{g}} \cdot "
        r"\frac{\partial \mathit{g}}{\partial \mathit{w1}} = 5 \cdot 1 \cdot (-2) = -10"
        r"\end{aligned}$$"
    )
    assert explain(ex.z, ex.w3)._repr_latex_().endswith(r"\mathit{w3}} = -2\end{aligned}$$")


def test_latex_several_paths_lists_each_and_the_sum() -> None:
    a = Value(2.0, "a")
    b = a * a + a
    b.label = "b"
    tex = explain(b, a)._repr_latex_()
    assert tex.startswith("$$") and tex.endswith("$$")
    assert r"\text{the sum over 3 paths:}" in tex
    assert tex.count(r"\text{path ") == 3
    assert tex.endswith(r"&= 2 + 2 + 1 = 5\end{aligned}$$")


def test_latex_escapes_names_and_reports_many_paths() -> None:
    out, x = _doubling_chain(6)
    x.label = "x_1&{%}"
    tex = explain(out, x, max_paths=3)._repr_latex_()
    assert r"\mathit{x\_1\&\{\%\}}" in tex
    assert "too many to list; the 3 largest" in tex
    assert r"\text{(sum over all 64 paths)}" in tex
    q = Value(0.0, "q_2")
    assert r"\mathit{q\_2}\text{ does not affect }" in explain(out, q)._repr_latex_()


def test_explain_rejects_what_is_not_a_node() -> None:
    with pytest.raises(TypeError, match="explain: root must be a Value or a Tensor, got float"):
        explain(3.0, Value(1.0))  # type: ignore[arg-type]


def test_explain_works_on_one_element_tensors_and_refuses_arrays() -> None:
    import numpy as np

    from autograd_mini import Tensor

    s = Tensor(2.0, requires_grad=True, label="s")
    q = (s * s).exp()
    q.label = "q"
    lines = explain(q, s).lines()
    q.backward()
    e4 = float(np.exp(np.float64(4.0)))  # dq/dt1 = exp(s·s) at s = 2; dt1/ds = s = 2
    assert lines[0] == f"path 1: dq/ds = dq/dt1 · dt1/ds = {e4!r} · 2 = {e4 * 2!r}"
    assert lines[-1] == f"dq/ds = {e4 * 2!r} + {e4 * 2!r} = {s.grad.item()!r}"
    with pytest.raises(ValueError, match=r"has shape \(3,\).*draw\(\)"):
        explain(Tensor(np.ones(3), requires_grad=True).sum(), Tensor(np.ones(3)))


@pytest.mark.parametrize("max_paths, error", [
    (None, TypeError), (2.5, TypeError), ("3", TypeError), (True, TypeError), (False, TypeError),
    (0, ValueError), (-1, ValueError),
])
def test_max_paths_must_be_a_positive_int(max_paths: object, error: type[Exception]) -> None:
    out, x = _doubling_chain(3)
    with pytest.raises(error) as info:
        explain(out, x, max_paths=max_paths)  # type: ignore[arg-type]
    assert type(info.value) is error
    assert str(info.value) == (f"explain: max_paths must be an int >= 1 (how many paths to "
                               f"list at most), got {max_paths!r}")


def test_max_paths_takes_any_integer_type() -> None:
    import numpy as np

    out, x = _doubling_chain(3)
    assert len(explain(out, x, max_paths=np.int64(2)).terms) == 2
    assert len(explain(out, x, max_paths=1).terms) == 1
    assert explain(out, x, max_paths=8).complete


# ------------------------------------------------------------------ one-element tensors
# Each Tensor rule is applied to a gradient of ones of the node's shape and dtype (the ADD
# rule reads g.shape): a Python 1.0 made explain raise AttributeError on these (issue 18).
def _t() -> object:
    from autograd_mini import Tensor

    return Tensor(2.0, requires_grad=True, label="t")


@pytest.mark.parametrize("make, lines", [
    (lambda t: t + t, ["path 1: dz/dt = 1", "path 2: dz/dt = 1", "dz/dt = 1 + 1 = 2"]),
    (lambda t: t * t + t, ["path 1: dz/dt = dz/dt1 · dt1/dt = 1 · 2 = 2",
                           "path 2: dz/dt = dz/dt1 · dt1/dt = 1 · 2 = 2",
                           "path 3: dz/dt = 1", "dz/dt = 2 + 2 + 1 = 5"]),
    (lambda t: t.exp() + t, [f"path 1: dz/dt = dz/dt1 · dt1/dt = 1 · {math.exp(2)!r} = "
                             f"{math.exp(2)!r}", "path 2: dz/dt = 1",
                             f"dz/dt = {math.exp(2)!r} + 1 = {math.exp(2) + 1!r}"]),
    (lambda t: t - t * 2, ["path 1: dz/dt = 1", "path 2: dz/dt = dz/dt1 · dt1/dt = (-1) · 2 = -2",
                           "dz/dt = 1 + (-2) = -1"]),
], ids=["t+t", "t*t+t", "exp(t)+t", "t-t*2"])
def test_explain_zero_d_tensor_graphs(make: object, lines: list[str]) -> None:
    t = _t()
    z = make(t)  # type: ignore[operator]
    z.label = "z"
    assert explain(z, t).lines() == lines
    z.backward()
    assert explain(z, t).total == t.grad.item()  # type: ignore[attr-defined]


def test_explain_a_one_element_vector_summed() -> None:
    import numpy as np

    from autograd_mini import Tensor

    t = Tensor(np.array([2.0]), requires_grad=True, label="t")
    z = (t * t + t).sum()
    z.label = "z"
    assert explain(z, t).lines() == [
        "path 1: dz/dt = dz/dt2 · dt2/dt1 · dt1/dt = 1 · 1 · 2 = 2",
        "path 2: dz/dt = dz/dt2 · dt2/dt1 · dt1/dt = 1 · 1 · 2 = 2",
        "path 3: dz/dt = dz/dt2 · dt2/dt = 1 · 1 = 1",
        "dz/dt = 2 + 2 + 1 = 5",
    ]


def test_explain_keeps_a_float32_graph_in_float32() -> None:
    import numpy as np

    from autograd_mini import Tensor

    t = Tensor(np.float32(0.3), requires_grad=True, label="t")
    z = t.exp() * t + t
    e = explain(z, t)
    assert {np.asarray(f).dtype for term in e.terms for f in term.factors} == {np.dtype(np.float32)}
    z.backward()
    assert e.total == e.engine_total == t.grad.item()  # the same float32 sums: no note
    assert not e.notes


def test_explain_through_a_cast_and_a_recorded_backward() -> None:
    # the two rules no random program reaches: `to` (a dtype cast) and index_put (the
    # gradient of indexing, in the graph a create_graph pass records)
    import numpy as np

    from autograd_mini import Tensor, grad

    t = Tensor(np.float32(0.5), requires_grad=True, label="t")
    z = t.to(np.float64) * t
    z.backward()
    assert explain(z, t).total == pytest.approx(t.grad.item(), rel=1e-7)
    x = Tensor([2.0], requires_grad=True, label="x")
    (g,) = grad(x[0] ** 3, x, create_graph=True)
    assert str(explain(g.sum(), x)).endswith("= 1 · 1 · 1 · 3 · 4 · 1 = 12")


def test_explain_refuses_an_array_on_the_way_with_what_to_use() -> None:
    import numpy as np

    from autograd_mini import Tensor

    t = Tensor(2.0, requires_grad=True, label="t")
    wide = t * np.ones(3)
    wide.label = "wide"
    z = wide.sum()
    z.label = "z"
    with pytest.raises(ValueError, match=r"^explain: wide has shape \(3,\) and lies on a path "
                                         r"from t to z; .*backprop_steps\(\) or draw\(\)"):
        explain(z, t)
    W = Tensor(np.ones(3), requires_grad=True, label="W")  # an array off the path is fine
    y = t * W.sum()
    y.label = "y"
    assert str(explain(y, t)) == "dy/dt = 3"
