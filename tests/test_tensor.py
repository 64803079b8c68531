"""Tensor: construction, properties, backward semantics, errors, mixing with Values."""

from __future__ import annotations

import gc
import operator
import sys
import threading
import weakref
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, Value, grad, no_grad
from autograd_mini.engine import topological_order
from autograd_mini.tensors import RULES, unbroadcast


# ------------------------------------------------------------------ construction
@pytest.mark.parametrize("data, dtype", [
    (3, np.float64), (2.5, np.float64), ([1, 2, 3], np.float64), ([[1.0], [2.0]], np.float64),
    (np.arange(3), np.float64), (np.ones(2, np.float32), np.float32), (True, np.float64),
    (np.float32(1.5), np.float32),
])
def test_tensor_holds_floats(data: Any, dtype: Any) -> None:
    t = Tensor(data)
    assert isinstance(t.data, np.ndarray) and t.dtype == dtype
    assert t.grad is None and not t.requires_grad and t.is_leaf and t.label == ""


def test_tensor_copies_its_data_and_from_numpy_shares_it() -> None:
    a = np.array([1.0, 2.0])
    t, shared = Tensor(a), am.from_numpy(a)
    a[0] = 10.0
    assert t.data[0] == 1.0 and shared.data[0] == 10.0


@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float64")])
def test_dtype_argument(dtype: Any) -> None:
    assert Tensor([1, 2], dtype=dtype).dtype == np.dtype(dtype)


@pytest.mark.parametrize("bad, message", [
    ("abc", "expected real numbers, got str"),
    ([1, "a"], "expected real numbers"),
    ([[1, 2], [3]], "nested lists must be rectangular"),
    (None, "expected numbers"),
    ([1 + 2j], "expected real numbers"),
])
def test_bad_data_is_refused_with_the_reason(bad: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        Tensor(bad)


def test_integer_dtype_is_refused() -> None:
    with pytest.raises(TypeError, match="int64 is not a floating-point type"):
        Tensor([1, 2], dtype=np.int64)
    with pytest.raises(TypeError, match="float64, float32, int64, int32 or bool"):
        am.zeros(2, dtype="int8")
    assert am.zeros(2, dtype="int32").dtype == am.int32  # (the integer dtypes: tensor())


def test_tensor_of_a_tensor_or_of_values_says_what_to_do() -> None:
    with pytest.raises(TypeError, match=r"already a Tensor; use it directly, t\.detach\(\)"):
        Tensor(Tensor(1.0))
    with pytest.raises(TypeError, match=r"Use Tensor\(v.data\)"):
        Tensor(Value(1.0))
    with pytest.raises(TypeError, match=r"contains Values.*v.data for v in values"):
        Tensor([Value(1.0), Value(2.0)])


def test_label_and_requires_grad_are_checked() -> None:
    with pytest.raises(TypeError, match="label must be a str"):
        Tensor(1.0, label=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="requires_grad must be True or False"):
        Tensor(1.0, requires_grad="yes")  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties
def test_shape_ndim_size_and_pytorch_size_call() -> None:
    t = Tensor(np.zeros((2, 3)))
    assert t.shape == (2, 3) and t.ndim == 2 and t.dim() == 2
    assert t.size == 6 and t.numel() == 6  # NumPy's attribute ...
    assert t.size() == (2, 3) and t.size(1) == 3  # ... and PyTorch's method
    assert t.T.shape == (3, 2) and t.mT.shape == (3, 2)


def test_item_numpy_tolist_float() -> None:
    t = Tensor([[2.5]])
    assert t.item() == 2.5 and isinstance(t.item(), float) and float(t) == 2.5
    assert t.tolist() == [[2.5]] and t.numpy() is t.data
    with pytest.raises(ValueError, match=r"only a one-element tensor.*shape \(2,\)"):
        Tensor([1.0, 2.0]).item()


def test_numpy_refuses_a_tensor_that_requires_grad_as_pytorch() -> None:
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"t.detach\(\).numpy\(\)"):
        t.numpy()
    with pytest.raises(TypeError, match="requires grad"):
        np.asarray(t)
    assert np.asarray(Tensor([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert t.detach().numpy() is t.data


def test_repr_is_readable() -> None:
    assert repr(Tensor([1.0, 2.0], requires_grad=True, label="w")) == (
        "Tensor([1., 2.], requires_grad=True, label='w')")
    assert repr(Tensor(3.0) * 2) == "Tensor(6.)"
    assert repr(Tensor([1.0], requires_grad=True) * 2) == "Tensor([2.], op='mul')"
    assert repr(Tensor([[1, 2], [3, 4]], dtype=np.float32)) == (
        "Tensor([[1., 2.],\n        [3., 4.]], dtype=float32)")


def test_len_iter_bool_and_comparisons() -> None:
    t = Tensor([[1.0, -2.0], [3.0, 0.0]], requires_grad=True)
    assert len(t) == 2 and [row.shape for row in t] == [(2,), (2,)]
    rows = list(t)
    assert rows[1].op == "getitem"
    assert (t > 0).dtype == bool and (t > 0).tolist() == [[True, False], [True, False]]
    assert (t == t).all() and not (t != t.detach()).any()
    assert bool(Tensor(1.0)) and not bool(Tensor([0.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    with pytest.raises(TypeError, match="0-d tensor"):
        len(Tensor(1.0))


def test_identity_hash_lets_the_walk_keep_tensors_in_sets() -> None:
    a, b = Tensor([1.0]), Tensor([1.0])
    assert len({a, b}) == 2 and hash(a) != hash(b)


# ------------------------------------------------------------------ backward semantics
def test_backward_accumulates_until_reset() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    assert w.grad.tolist() == [6.0, 6.0]
    w.grad = None
    (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0]


def test_backward_of_a_non_scalar_needs_a_gradient_as_pytorch() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="grad can be implicitly created only for scalar "
                                         r"outputs; this output has shape \(2,\)"):
        (x * 2).backward()
    (x * 2).backward(gradient=np.array([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\) but the output has "
                                         r"shape \(2,\)"):
        (x * 2).backward(gradient=[1.0, 2.0, 3.0])
    y = Tensor([[3.0]], requires_grad=True)
    (y * 2).backward()  # one element: fine, as in PyTorch
    assert y.grad.tolist() == [[2.0]]


def test_backward_without_history_says_why() -> None:
    with pytest.raises(ValueError, match="does not require grad and has no history"):
        Tensor([1.0]).sum().backward()
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        y = (x * 2).sum()
    with pytest.raises(ValueError, match="not under no_grad"):
        y.backward()


def test_only_tensors_that_require_grad_get_gradients() -> None:
    x = Tensor(np.ones((2, 3)))
    w = Tensor(np.ones((3, 4)), requires_grad=True)
    (x @ w).sum().backward()
    assert x.grad is None and w.grad.shape == (3, 4)


def test_data_operand_gets_no_gradient_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    """x @ W with data x must not even compute dx (the walk skips the call)."""
    import autograd_mini.tensors.rules_arithmetic as rules

    calls: list[int] = []
    original = rules._matmul_grad
    monkeypatch.setattr(rules, "_matmul_grad", lambda g, a, b, side: calls.append(side)
                        or original(g, a, b, side))
    x = Tensor(np.ones((2, 3, 4)))  # batched, so the rule goes through _matmul_grad
    w = Tensor(np.ones((4, 5)), requires_grad=True)
    (x @ w).sum().backward()
    assert calls == [1]  # only the gradient of w


def test_retain_grad_keeps_an_intermediate_gradient() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    assert h.retains_grad and not x.retains_grad
    (h * h).sum().backward()
    assert h.grad.tolist() == [6.0, 12.0] and x.grad.tolist() == [18.0, 36.0]
    with pytest.raises(ValueError, match="does not require grad"):
        Tensor([1.0]).retain_grad()
    x.retain_grad()  # a leaf keeps its gradient anyway
    assert not x.retains_grad


def test_gradients_are_never_shared_between_tensors() -> None:
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    h = a + b
    h.retain_grad()
    c = Tensor([0.0, 0.0], requires_grad=True)
    out = h + c + 1
    out.backward(gradient=np.ones(2))
    grads = [a.grad, b.grad, h.grad, c.grad]
    for i, g in enumerate(grads):
        for other in grads[i + 1:]:
            assert not np.shares_memory(g, other)
    a.grad *= 0  # editing one gradient in place changes no other
    assert b.grad.tolist() == [1.0, 1.0] and h.grad.tolist() == [1.0, 1.0]


def test_gradient_argument_is_copied() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    seed = np.array([1.0, 1.0])
    x.backward(gradient=seed)
    seed[0] = 5.0
    assert x.grad.tolist() == [1.0, 1.0]


def test_grad_returns_tensors_and_leaves_grad_alone() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (gx,) = grad((x * x).sum(), x)
    assert isinstance(gx, Tensor) and gx.tolist() == [2.0, 4.0] and x.grad is None
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    ga, gb = grad((a + b).sum(), [a, b])
    assert not np.shares_memory(ga.data, gb.data)
    with pytest.raises(ValueError, match="was not used"):
        grad((a * 2).sum(), [a, b])
    assert grad((a * 2).sum(), [a, b], allow_unused=True)[1] is None


def test_third_derivative() -> None:
    x = Tensor(2.0, requires_grad=True)
    (d1,) = grad(x**3, x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x)
    assert [d1.item(), d2.item(), d3.item()] == [12.0, 12.0, 6.0]


def test_backward_create_graph_warns_about_the_cycle_and_stores_a_tensor() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="reference cycle"):
        (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.requires_grad
    assert x.grad.tolist() == [3.0, 12.0]


def test_no_grad_records_nothing_and_is_per_thread() -> None:
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        y = x * 2
        seen: list[bool] = []
        worker = threading.Thread(target=lambda: seen.append((x * 2).requires_grad))
        worker.start()
        worker.join()
    assert y.is_leaf and not y.requires_grad and seen == [True]

    @no_grad()
    def f(t: Tensor) -> Tensor:
        return t * 2

    assert f(x).is_leaf
    with no_grad(), am.enable_grad():
        assert (x * 2).requires_grad


def test_detach_shares_numbers_and_drops_history() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).detach()
    assert y.is_leaf and not y.requires_grad and y.tolist() == [2.0, 4.0]
    z = x.clone()
    assert z.op == "clone" and not np.shares_memory(z.data, x.data)


def test_requires_grad_underscore() -> None:
    x = Tensor([1.0]).requires_grad_()
    assert x.requires_grad
    with pytest.raises(ValueError, match="only a leaf"):
        (x * 2).requires_grad_(False)


# ------------------------------------------------------------------ in-place updates
def test_inplace_update_under_no_grad_keeps_the_tensor() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    same = w
    with no_grad():
        w -= 0.5 * w.grad
    assert w is same and w.requires_grad and w.tolist() == [0.0, 0.0]


def test_inplace_update_of_a_graph_tensor_in_grad_mode_is_refused() -> None:
    w = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="only allowed under no_grad"):
        w += 1
    with pytest.raises(ValueError, match=r"must keep the shape \(1,\)"), no_grad():
        w += np.ones(3)


def test_inplace_update_replaces_the_array_and_leaves_old_results_alone() -> None:
    w = Tensor([2.0, 3.0], requires_grad=True)
    old = w.data
    view = w[0]
    with no_grad():
        w += 1.0
    assert old.tolist() == [2.0, 3.0] and view.item() == 2.0  # a new array, not an edit
    (w * w).sum().backward()  # a new forward pass uses the new numbers
    assert w.grad.tolist() == [6.0, 8.0]


def test_item_assignment_is_refused_with_advice() -> None:
    with pytest.raises(TypeError, match="where"):
        Tensor([1.0], requires_grad=True)[0] = 2.0
    t = Tensor([1.0, -2.0])  # no grad: allowed, as torch's grad_input[input < 0] = 0
    t[t < 0] = 0
    assert t.tolist() == [1.0, 0.0] and t._version == 1


# ------------------------------------------------------------------ broadcasting
@pytest.mark.parametrize("grad_shape, shape, expected", [
    ((2, 3), (2, 3), np.ones((2, 3))),
    ((2, 3), (3,), np.full(3, 2.0)),
    ((2, 3), (1, 3), np.full((1, 3), 2.0)),
    ((2, 3), (2, 1), np.full((2, 1), 3.0)),
    ((4, 2, 3), (2, 1), np.full((2, 1), 12.0)),
    ((2, 3), (), np.array(6.0)),
    ((2, 3), (1, 1), np.full((1, 1), 6.0)),
])
def test_unbroadcast_sums_leading_and_stretched_axes(grad_shape: Any, shape: Any,
                                                     expected: Any) -> None:
    out = unbroadcast(np.ones(grad_shape), shape)
    assert np.shape(out) == shape
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("op, fn", [("add", operator.add), ("sub", operator.sub),
                                    ("mul", operator.mul), ("div", operator.truediv),
                                    ("pow", operator.pow)])
def test_broadcast_error_names_the_op_and_both_shapes(op: str, fn: Any) -> None:
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=rf"^{op}: cannot broadcast \(2, 3\) with \(4, 5\)"):
        fn(a, b)
    with pytest.raises(ValueError, match=rf"^{op}: cannot broadcast \(2, 3\) with \(4, 5\)"):
        fn(a, np.ones((4, 5)))


def test_other_shape_errors_name_the_op() -> None:
    with pytest.raises(ValueError, match=r"matmul: cannot multiply shapes \(2, 3\) and \(4, 5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match="matmul: both operands need at least one dimension"):
        Tensor(1.0) @ Tensor([1.0])
    with pytest.raises(TypeError, match="use \\* to multiply by a number"):
        Tensor([1.0]) @ 2
    with pytest.raises(ValueError, match=r"matmul \(batch axes\): cannot broadcast \(2,\) with "
                                         r"\(3,\)"):
        Tensor(np.ones((2, 1, 2))) @ Tensor(np.ones((3, 2, 1)))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\) "
                                         r"\(6 elements\) into shape \(4,\)"):
        Tensor(np.ones((2, 3))).reshape(4)
    with pytest.raises(ValueError, match="sum: dim 2 is out of range for a tensor with 2"):
        Tensor(np.ones((2, 3))).sum(2)
    with pytest.raises(TypeError, match=r"give dim .* or axis .*, not both"):
        Tensor(np.ones((2, 3))).sum(dim=0, axis=1)
    with pytest.raises(IndexError, match=r"does not fit shape \(2, 3\)"):
        Tensor(np.ones((2, 3)))[5]
    with pytest.raises(ValueError, match=r"expand: cannot expand shape \(2,\) to \(3,\)"):
        Tensor([1.0, 2.0]).expand(3)
    with pytest.raises(ValueError, match=r"where: cannot broadcast"):
        am.where(np.array([True, False, True]), Tensor([1.0, 2.0]), 0.0)
    with pytest.raises(ValueError, match=r"cat: shapes \(2, 3\) and \(2, 4\) differ outside "
                                         "dim 0"):
        am.cat([Tensor(np.ones((2, 3))), Tensor(np.ones((2, 4)))])
    with pytest.raises(ValueError, match="stack: all tensors need the same shape"):
        am.stack([Tensor([1.0]), Tensor([1.0, 2.0])])


def test_numpy_reductions_names_are_accepted() -> None:
    t = Tensor(np.arange(6.0).reshape(2, 3))
    assert t.sum(axis=0, keepdims=True).shape == (1, 3)
    assert t.mean(axis=(0, 1)).item() == 2.5
    assert t.var(ddof=0).item() == pytest.approx(np.var(np.arange(6.0)))


def test_dtype_mixing_promotes_and_returns_gradients_in_each_dtype() -> None:
    a = Tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    out = a * b + 1.5
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    assert (a * 2.5).dtype == np.float32  # a number keeps the tensor's dtype
    assert (a * np.array([2, 3])).dtype == np.float32  # so does an integer array
    assert (a * np.array([2.0, 3.0])).dtype == np.float64  # a float64 array promotes


# ------------------------------------------------------------------ NumPy operands
def test_numpy_operands_on_the_left_defer_to_tensor() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    for out in (np.float64(2.0) * x, np.array([1.0, 1.0]) + x, np.ones(2) - x,
                np.ones((3, 2)) @ x):
        assert isinstance(out, Tensor) and out.requires_grad
    (np.ones((3, 2)) @ x).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_lists_are_constants_and_strings_are_refused() -> None:
    x = Tensor([1.0, 2.0])
    assert (x + [1, 1]).tolist() == [2.0, 3.0]  # noqa: RUF005 - a list is an array here
    with pytest.raises(TypeError, match="Tensor \\+ str: expected a Tensor, a NumPy array or "
                                        "a real number"):
        x + "a"  # type: ignore[operator]


# ------------------------------------------------------------------ Values and Tensors
@pytest.mark.parametrize("expr", [
    lambda v, t: v + t, lambda v, t: t + v, lambda v, t: t * v, lambda v, t: v * t,
    lambda v, t: t - v, lambda v, t: v / t, lambda v, t: t**v, lambda v, t: am.where(
        np.array(True), t, v), lambda v, t: am.stack([t, v]),
])
def test_mixing_values_and_tensors_fails_with_the_conversion(expr: Any) -> None:
    with pytest.raises(TypeError, match=r"Tensor\(v.data\).*Value\(t.item\(\)\)"):
        expr(Value(2.0), Tensor(3.0, requires_grad=True))


def test_conversions_between_values_and_tensors() -> None:
    v = Value(3.0)
    t = Tensor(v.data, requires_grad=True)
    (t * t).backward()
    assert t.grad.item() == 6.0
    back = Value(t.item())
    assert back.data == 3.0
    with pytest.raises(TypeError, match="Value: expected a real number"):
        Value(t)  # type: ignore[arg-type]


# ------------------------------------------------------------------ factories
def test_factories() -> None:
    assert am.zeros(2, 3).shape == (2, 3) and am.zeros((2, 3)).data.sum() == 0
    assert am.ones(2, dtype="float32").dtype == np.float32
    assert am.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert am.arange(4).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert am.arange(1, 2, 0.5).tolist() == [1.0, 1.5]
    like = Tensor(np.ones((2, 2), np.float32))
    assert am.zeros_like(like).dtype == np.float32 and am.ones_like(like).shape == (2, 2)
    with pytest.raises(ValueError, match="sizes cannot be negative"):
        am.zeros(-1)
    with pytest.raises(ValueError, match="step must not be zero"):
        am.arange(0, 1, 0)


def test_random_factories_are_seedable() -> None:
    am.manual_seed(7)
    a = am.randn(3, 2)
    am.manual_seed(7)
    b = am.randn(3, 2)
    np.testing.assert_array_equal(a.data, b.data)
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    np.testing.assert_array_equal(am.rand(4, generator=g1).data, am.rand(4, generator=g2).data)
    assert am.randn(2, dtype=np.float32).dtype == np.float32
    assert am.randn(5, requires_grad=True).requires_grad


# ------------------------------------------------------------------ indexing
def test_negative_steps_and_newaxis_indexing() -> None:
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x[::-1, None, ::-2]
    assert y.shape == (2, 1, 2)
    (y * Tensor(np.arange(4.0).reshape(2, 1, 2))).sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0, 2.0], [1.0, 0.0, 0.0]]


def test_index_arrays_are_copied() -> None:
    x = Tensor(np.arange(3.0), requires_grad=True)
    idx = np.array([0, 0])
    y = x[idx]
    idx[:] = 2
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0]


def test_a_tensor_is_not_an_index() -> None:
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or "
                       "bool tensors, got float64"):
        Tensor([1.0, 2.0])[Tensor([0.0])]


def test_max_with_dim_returns_values_and_indices() -> None:
    t = Tensor([[1.0, 3.0], [4.0, 2.0]], requires_grad=True)
    result = t.max(dim=1)
    assert result.values.tolist() == [3.0, 4.0] and result.indices.tolist() == [1, 0]
    values, indices = t.min(0, keepdim=True)
    assert values.shape == (1, 2) and indices.tolist() == [[0, 1]]
    assert t.argmax(1).tolist() == [1, 0] and int(t.argmin()) == 0
    with pytest.raises(ValueError, match="empty"):
        Tensor(np.zeros((0, 2))).max()


# ------------------------------------------------------------------ memory and depth
def test_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    gc.disable()
    try:
        x = Tensor(np.ones(3), requires_grad=True)
        y = ((x * 2).exp() @ Tensor(np.ones(3))).relu()
        y.backward()
        probe = weakref.ref(y._a)  # an intermediate node
        del y
        assert probe() is None
    finally:
        gc.enable()


def test_long_chain_needs_no_recursion() -> None:
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y + 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        y.sum().backward()
    finally:
        sys.setrecursionlimit(limit)
    assert x.grad.tolist() == [1.0]
    assert len(topological_order([y])) == 20_001


def test_every_rule_is_in_the_table_with_backward_entries() -> None:
    for name, rule in RULES.items():
        assert rule.name == name and rule.backward and callable(rule.forward)


def test_explain_works_on_one_element_tensors() -> None:
    from autograd_mini.viz.explain import explain

    w = Tensor([3.0], requires_grad=True, label="w")
    z = (w * -2 + 4) * 5
    text = str(explain(z, w))
    assert text.endswith("= -10")


def test_docstring_examples_run() -> None:
    # the doctests of every file of the tensors package (the Tensor class has some)
    import doctest
    import importlib
    import pkgutil

    import autograd_mini.tensors as package

    attempted = 0
    for info in pkgutil.iter_modules(package.__path__):
        result = doctest.testmod(importlib.import_module(f"{package.__name__}.{info.name}"))
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted >= 6
