"""autograd.Function, autograd.backward and autograd.grad, against PyTorch 2.13 (float64).

Each tutorial-style program is written once, for a module ``m`` that is either
``autograd_mini`` or ``torch``, and run with both: the losses and gradients agree to
1e-12 (relative). The Functions are the ones of introductory material: "Learning PyTorch
with Examples"' LegendrePolynomial3, an Exp that saves its result, a Function with a
non-Tensor argument, one that reads ``ctx.needs_input_grad``, and a custom ReLU.
"""

from __future__ import annotations

import gc
import math
import weakref
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor
from autograd_mini.autograd import Function
from autograd_mini.viz.draw import formula
from autograd_mini.viz.explain import fmt, node_names

RTOL = 1e-12  # relative to each array's largest number (see _assert_same)


def _np(x: Any) -> np.ndarray[Any, Any]:
    """Numbers of a tensor of either library (or a gradient array) as a NumPy copy."""
    if isinstance(x, Tensor):
        return np.array(x.data)
    if hasattr(x, "detach"):
        return np.array(x.detach().numpy())
    return np.array(x)


def _param(m: Any, array: Any) -> Any:
    return m.from_numpy(np.array(array, dtype=np.float64)).requires_grad_()


def _data(m: Any, array: Any) -> Any:
    return m.from_numpy(np.array(array, dtype=np.float64))


def _sgd(m: Any, params: list[Any], lr: float) -> list[np.ndarray[Any, Any]]:
    grads = [_np(p.grad) for p in params]
    with m.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return grads


# ------------------------------------------------------------------ the Functions
def legendre(m: Any) -> Any:
    class LegendrePolynomial3(m.autograd.Function):  # type: ignore[misc,name-defined]
        """P3(x) = (5x³ - 3x) / 2, as in "Learning PyTorch with Examples"."""

        @staticmethod
        def forward(ctx: Any, input: Any) -> Any:
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def exp_function(m: Any) -> Any:
    class Exp(m.autograd.Function):  # type: ignore[misc,name-defined]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (result,) = ctx.saved_tensors
            return grad_output * result

    return Exp


def power_function(m: Any) -> Any:
    class Power(m.autograd.Function):  # type: ignore[misc,name-defined]
        """x ** n with the exponent n a plain int (a non-Tensor argument)."""

        @staticmethod
        def forward(ctx: Any, x: Any, n: int) -> Any:
            ctx.n = n
            ctx.save_for_backward(x)
            return x ** n

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad_output * ctx.n * x ** (ctx.n - 1), None

    return Power


def linear_function(m: Any, seen: list[tuple[bool, ...]]) -> Any:
    class LinearFunction(m.autograd.Function):  # type: ignore[misc,name-defined]
        """x @ W + b, computing only the gradients that ``needs_input_grad`` asks for."""

        @staticmethod
        def forward(ctx: Any, x: Any, W: Any, b: Any) -> Any:
            ctx.save_for_backward(x, W)
            return x @ W + b

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            x, W = ctx.saved_tensors
            seen.append(tuple(ctx.needs_input_grad))
            grad_x = grad_W = grad_b = None
            if ctx.needs_input_grad[0]:
                grad_x = grad_output @ W.T
            if ctx.needs_input_grad[1]:
                grad_W = x.T @ grad_output
            if ctx.needs_input_grad[2]:
                grad_b = grad_output.sum(0)
            return grad_x, grad_W, grad_b

    return LinearFunction


def relu_function(m: Any) -> Any:
    class MyReLU(m.autograd.Function):  # type: ignore[misc,name-defined]
        @staticmethod
        def forward(ctx: Any, input: Any) -> Any:
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (input,) = ctx.saved_tensors
            return grad_output * (input > 0)

    return MyReLU


# ------------------------------------------------------------------ the programs
def legendre_fit(m: Any, steps: int = 300) -> dict[str, Any]:
    """The tutorial's fit of sin(x) by a + b·P3(c + d·x), its numbers and learning rate."""
    P3 = legendre(m).apply
    xs = np.linspace(-math.pi, math.pi, 2000)
    x, y = _data(m, xs), _data(m, np.sin(xs))
    a, b, c, d = (m.full((), v, dtype=m.float64, requires_grad=True)
                  for v in (0.0, -1.0, 0.0, 0.3))
    losses, grads = [], []
    for _ in range(steps):
        y_pred = a + b * P3(c + d * x)
        loss = ((y_pred - y) ** 2).sum()
        losses.append(loss.item())
        loss.backward()
        grads.append(_sgd(m, [a, b, c, d], 5e-6))
    return {"losses": losses, "grads": grads, "params": [_np(p) for p in (a, b, c, d)]}


def exp_fit(m: Any, steps: int = 40) -> dict[str, Any]:
    Exp = exp_function(m)
    xs = np.linspace(-1, 1, 50)
    x, target = _data(m, xs), _data(m, 2 * np.exp(0.7 * xs))
    w, s = _param(m, [0.1, 0.2]), _param(m, 1.0)
    losses, grads = [], []
    for _ in range(steps):
        loss = ((s * Exp.apply(x[:, None] * w).sum(1) / 2 - target) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        grads.append(_sgd(m, [w, s], 0.05))
    return {"losses": losses, "grads": grads}


def power_fit(m: Any, steps: int = 40) -> dict[str, Any]:
    Power = power_function(m)
    xs = np.linspace(-1, 1, 30)
    x, y = _data(m, xs), _data(m, np.sin(2 * xs))
    a, b, c = _param(m, 0.5), _param(m, 0.1), _param(m, 0.8)
    losses, grads = [], []
    for _ in range(steps):
        y_pred = a * Power.apply(c * x, 3) + b * Power.apply(x, 2)
        loss = ((y_pred - y) ** 2).sum()
        losses.append(loss.item())
        loss.backward()
        grads.append(_sgd(m, [a, b, c], 0.01))
    return {"losses": losses, "grads": grads}


def linear_fit(m: Any, steps: int = 20) -> dict[str, Any]:
    seen: list[tuple[bool, ...]] = []
    Linear = linear_function(m, seen)
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(32, 3))
    x, y = _data(m, xs), _data(m, xs @ np.array([[1.0], [-2.0], [0.5]]) + 0.3)
    W, b = _param(m, rng.normal(size=(3, 1))), _param(m, np.zeros(1))
    losses, grads = [], []
    for _ in range(steps):
        loss = ((Linear.apply(x, W, b) - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        grads.append(_sgd(m, [W, b], 0.1))
    return {"losses": losses, "grads": grads, "seen": seen}


def relu_net(m: Any, steps: int = 25) -> dict[str, Any]:
    """The tutorial's two-layer network with the custom ReLU (smaller sizes)."""
    relu = relu_function(m).apply
    rng = np.random.default_rng(1)
    x, y = _data(m, rng.normal(size=(64, 10))), _data(m, rng.normal(size=(64, 1)))
    w1, w2 = _param(m, rng.normal(size=(10, 16))), _param(m, rng.normal(size=(16, 1)))
    losses, grads = [], []
    for _ in range(steps):
        loss = ((relu(x @ w1) @ w2 - y) ** 2).sum()
        losses.append(loss.item())
        loss.backward()
        grads.append(_sgd(m, [w1, w2], 1e-4))
    return {"losses": losses, "grads": grads}


PROGRAMS = [legendre_fit, exp_fit, power_fit, linear_fit, relu_net]


def _flat(x: Any) -> np.ndarray[Any, Any]:
    if isinstance(x, list):
        return np.concatenate([_flat(a) for a in x]) if x else np.zeros(0)
    return np.ravel(np.asarray(x, dtype=np.float64))


def _assert_same(mine: Any, theirs: Any) -> float:
    """Equal to RTOL relative to the largest number of each series (the losses, all the
    gradients of a run); returns the largest such difference. (Element by element would
    fail on a gradient that cancels to ~0, such as the first steps' d loss / d a: its last
    bits differ as sums taken in another order do.)"""
    if isinstance(mine, dict):
        return max(_assert_same(mine[k], theirs[k]) for k in mine)
    if isinstance(mine, list) and mine and isinstance(mine[0], tuple):  # needs_input_grad
        assert mine == theirs
        return 0.0
    a, b = _flat(mine), _flat(theirs)
    assert a.shape == b.shape
    if not a.size:
        return 0.0
    worst = float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))
    assert worst < RTOL, worst
    return worst


@pytest.mark.torch
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_tutorial_programs_match_torch(program: Any, torch: Any) -> None:
    mine, theirs = program(am), program(torch)
    worst = _assert_same(mine, theirs)
    assert worst < RTOL
    assert mine["losses"][-1] < mine["losses"][0]  # the fit makes progress


def test_needs_input_grad_says_which_inputs_want_gradients() -> None:
    seen = linear_fit(am, steps=1)["seen"]
    assert seen == [(False, True, True)]  # x is data; W and b are parameters


# ------------------------------------------------------------------ create_graph
def _second_derivatives(m: Any) -> list[np.ndarray[Any, Any]]:
    out = []
    xs = np.linspace(-1.2, 1.3, 7)
    for f in (lambda x: legendre(m).apply(x), lambda x: exp_function(m).apply(x * 0.7),
              lambda x: power_function(m).apply(x, 4) * legendre(m).apply(x)):
        x = _param(m, xs)
        (g,) = m.autograd.grad(f(x).sum(), x, create_graph=True)
        (h,) = m.autograd.grad((g * g).sum(), x)
        out += [_np(g), _np(h)]
    return out


@pytest.mark.torch
def test_second_derivatives_through_functions_match_torch(torch: Any) -> None:
    mine, theirs = _second_derivatives(am), _second_derivatives(torch)
    assert _assert_same(mine, theirs) < RTOL
    xs = np.linspace(-1.2, 1.3, 7)
    np.testing.assert_allclose(mine[1], 2 * 1.5 * (5 * xs ** 2 - 1) * 15 * xs, rtol=1e-12)


def test_a_saved_output_is_the_node_itself_in_a_recorded_pass() -> None:
    Exp = exp_function(am)
    x = Tensor([0.5, -1.0], requires_grad=True)
    (g,) = am.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    (h,) = am.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(_np(h), np.exp([0.5, -1.0]), rtol=1e-15)


# ------------------------------------------------------------------ autograd.backward
def _backward_program(m: Any) -> list[np.ndarray[Any, Any]]:
    P3 = legendre(m).apply
    x, w = _param(m, [0.3, -0.4, 0.9]), _param(m, [1.5, 2.0, -1.0])
    y1, y2 = P3(x * w), (x * w).exp()
    m.autograd.backward([y1, y2], [_data(m, [1.0, 2.0, 3.0]), _data(m, [0.5, 0.5, -1.0])])
    first = [_np(x.grad), _np(w.grad)]
    x.grad = w.grad = None
    m.autograd.backward(P3(x * w).sum(), inputs=[w])
    return [*first, _np(w.grad), np.array(x.grad is None, dtype=float)]


@pytest.mark.torch
def test_autograd_backward_matches_torch(torch: Any) -> None:
    assert _assert_same(_backward_program(am), _backward_program(torch)) < RTOL


def test_autograd_backward_refuses_what_torch_refuses() -> None:
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        am.autograd.backward([am.ones(2).sum()])
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="got 1 tensors and 2 grad_tensors"):
        am.autograd.backward([x * 2], [am.ones(1), am.ones(1)])
    with pytest.raises(RuntimeError, match="'inputs' argument to backward"):
        am.autograd.backward(x.sum(), inputs=[])


# ------------------------------------------------------------------ drawing, explaining
def _graph_with_a_function() -> tuple[Tensor, Tensor]:
    x = Tensor(0.5, requires_grad=True, label="x")
    y = legendre(am).apply(x * 2)
    z = exp_function(am).apply(y) * 3
    z.label = "z"
    return z, x


def test_draw_explain_and_steps_show_the_class_name() -> None:
    z, x = _graph_with_a_function()
    source = am.draw(z).source
    assert "label=<LegendrePolynomial3>" in source and "label=<Exp>" in source
    # explain() names nodes (t1, t2 ...), for Functions as for built-in ops; the legend
    # that the command line and the playground print beside it names the operations
    names = node_names(z)
    y = z._a
    assert formula(y, names) == f"Exp({names[y._a[0]]})"
    assert formula(y._a[0], names) == f"LegendrePolynomial3({names[y._a[0]._a[0]]})"
    text = str(am.explain(z, x))
    z.backward()
    assert text == ("dz/dx = dz/dt3 · dt3/dt2 · dt2/dt1 · dt1/dx = 3 · 2.718281828459045 · 6 "
                    f"· 2 = {fmt(x.grad)}")  # the Functions' own backward: e^1, P3'(1) = 6
    steps = list(am.backprop_steps(z))
    assert [len(s.edges) for s in steps] == [1, 1, 1, 1, 0]
    frames = [s.draw().source for s in steps]
    assert all("label=<LegendrePolynomial3>" in f and "label=<Exp>" in f for f in frames)
    assert 'fillcolor="#' in frames[2]


def test_backprop_steps_send_what_backward_stores() -> None:
    z, x = _graph_with_a_function()
    steps = list(am.backprop_steps(z))
    z.backward()
    last = steps[-1]
    assert last.node is x and np.allclose(last.gradient, x.grad)


# ------------------------------------------------------------------ the engine's rules
def test_one_rule_per_class_named_after_it() -> None:
    Exp = exp_function(am)
    x = Tensor([1.0], requires_grad=True)
    a, b = Exp.apply(x), Exp.apply(x)
    assert a._op is b._op and a._op.name == "Exp" and Exp._rule is a._op

    class Exp2(Exp):
        pass

    assert Exp2.apply(x)._op.name == "Exp2" and Exp._rule.name == "Exp"


def test_a_function_node_holds_no_reference_cycle() -> None:
    Exp = exp_function(am)
    x = Tensor([1.0, 2.0], requires_grad=True)
    gc.disable()
    try:
        y = Exp.apply(x)
        ctx = weakref.ref(y._b)
        node = weakref.ref(y)
        del y
        assert node() is None and ctx() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_forward_runs_without_recording_and_output_is_a_node_only_when_needed() -> None:
    recorded: list[bool] = []

    class Probe(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            recorded.append(am.is_grad_enabled())
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 2

    assert Probe.apply(Tensor([1.0], requires_grad=True))._op is not None
    assert Probe.apply(Tensor([1.0]))._op is None
    with am.no_grad():
        assert Probe.apply(Tensor([1.0], requires_grad=True))._op is None
    assert recorded == [False, False, False]


@pytest.mark.torch
def test_calls_torch_allows_are_allowed(torch: Any) -> None:
    for m in (am, torch):
        class Twice(m.autograd.Function):  # type: ignore[misc,name-defined]
            @staticmethod
            def forward(ctx: Any, x: Any, k: float = 2.0) -> Any:
                return x * k

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g * 2, None

        assert Twice.apply(3.0, 2.0) == 6.0  # no tensor: forward's result as it is
        x = _param(m, [1.0, 2.0])
        Count = type("Count", (m.autograd.Function,), {
            "forward": staticmethod(lambda ctx, x: float(x.shape[0]))})
        assert Count.apply(x) == 2.0  # a result that is no Tensor passes through too
        assert _np(Twice.forward(None, _data(m, [1.0]))).tolist() == [2.0]  # forward directly
        x = _param(m, [1.0, 2.0])
        Twice.apply(x, k=3.0).sum().backward()  # keyword arguments pass through
        assert _np(x.grad).tolist() == [2.0, 2.0]


def wide_function(m: Any) -> Any:
    class Wide(m.autograd.Function):  # type: ignore[misc,name-defined]
        """Its backward returns a float32 gradient of a broadcast shape (3, 2)."""

        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 1

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return m.ones(3, 2, dtype=m.float32) * 1.5

    return Wide


@pytest.mark.torch
def test_gradients_of_a_broadcast_shape_are_summed_and_cast_as_torch_does(torch: Any) -> None:
    results = []
    for m in (am, torch):
        x = _param(m, [1.0, 2.0])
        wide_function(m).apply(x).sum().backward()
        results.append((_np(x.grad), str(x.grad.dtype)))
    assert results[0][0].tolist() == results[1][0].tolist() == [4.5, 4.5]
    assert results[0][1] == "float64" and results[1][1] == "torch.float64"
    recorded = []
    for m in (am, torch):  # the same, in a recorded pass: Tensors summed and cast
        x = _param(m, [1.0, 2.0])
        (g,) = m.autograd.grad((wide_function(m).apply(x) * x).sum(), x, create_graph=True)
        recorded.append((_np(g).tolist(), str(g.dtype).replace("torch.", "")))
    assert recorded[0] == recorded[1] == ([5.5, 6.5], "float64")


@pytest.mark.torch
def test_edits_in_place_refused_exactly_where_torch_refuses(torch: Any) -> None:
    for m in (am, torch):
        Power = power_function(m)
        x, w = _param(m, [1.0, 2.0]), _param(m, [3.0, 4.0])
        y = Power.apply(x, 2) * w  # Power saves x; mul saves w and the Power output
        with m.no_grad():
            x += 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        # an input that backward does not save may change (Exp saves its output)
        y = legendre(m).apply(w) + exp_function(m).apply(x)
        with m.no_grad():
            x += 1
        y.sum().backward()


def test_the_refusal_names_the_function_and_the_saved_tensor() -> None:
    Exp = exp_function(am)
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Exp.apply(x)
    loss = (y + 1).sum()
    with am.no_grad():
        y += 1  # the saved output itself
    with pytest.raises(RuntimeError, match=r"saved tensor 0 of Exp \(its output, shape \(2,\)\) "
                       "is at version 1; expected version 0"):
        loss.backward()
    assert x.grad is None  # a refused pass changes nothing


def test_returned_gradients_are_checked() -> None:
    class Bad(Function):
        answer: Any = None

        @staticmethod
        def forward(ctx: Any, x: Any, k: Any) -> Any:
            return x * k

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return Bad.answer

    x = Tensor([1.0, 2.0], requires_grad=True)
    cases = [
        (g1 := am.ones(2), RuntimeError, r"function BadBackward returned an incorrect number of "
         r"gradients \(expected 2, got 1\)"),
        ((am.ones(3), None), RuntimeError, r"Function BadBackward returned an invalid gradient "
         r"at index 0 - got \[3\] but expected shape compatible with \[2\]"),
        ((g1, g1), RuntimeError, "gradient different than None at position 2"),
        ((np.ones(2), None), RuntimeError, r"expected Variable or None \(got numpy.ndarray\)"),
    ]
    for answer, error, message in cases:
        Bad.answer = answer
        with pytest.raises(error, match=message):
            Bad.apply(x, 2.0).sum().backward()
    Bad.answer = (g1, None, None)  # trailing Nones are allowed, as in PyTorch
    Bad.apply(x, 2.0).sum().backward()
    assert _np(x.grad).tolist() == [1.0, 1.0]


def test_a_returned_gradient_is_never_an_array_someone_else_holds() -> None:
    class Identity(Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            ctx.save_for_backward(x)
            return x + y

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return x, g  # x's own numbers as its gradient; g for y

    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    Identity.apply(x, y).sum().backward()
    assert not np.shares_memory(x.grad, x.data)
    x.grad[0] = 10.0  # editing the gradient leaves x alone
    assert x.data.tolist() == [1.0, 2.0]


def test_wrong_uses_raise_clear_errors() -> None:
    Exp = exp_function(am)
    with pytest.raises(TypeError, match="argument 0 is a Value"):
        Exp.apply(am.Value(1.0))
    with pytest.raises(RuntimeError, match="non-static forward method is deprecated"):
        Exp()(Tensor([1.0]))

    class Pair(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 1, x * 2

    with pytest.raises(NotImplementedError, match="several outputs is not supported"):
        Pair.apply(Tensor([1.0], requires_grad=True))

    class NoBackward(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x, 3)
            return x

    with pytest.raises(TypeError, match="save_for_backward can only save variables, but "
                       "argument 1 is of type int"):
        NoBackward.apply(Tensor([1.0], requires_grad=True))


def test_mark_non_differentiable_gives_an_output_without_history() -> None:
    class Sign(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            out = Tensor(np.sign(x.data))
            ctx.mark_non_differentiable(out)
            return out

    y = Sign.apply(Tensor([-2.0, 3.0], requires_grad=True))
    assert not y.requires_grad and y._op is None


def test_gradcheck_checks_a_learners_function() -> None:
    x = Tensor(np.linspace(-1, 1, 5), requires_grad=True)
    assert am.gradcheck(legendre(am).apply, (x,))

    class WrongExp(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x.exp()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * x  # should be g * exp(x)

    with pytest.raises(am.GradcheckError):
        am.gradcheck(WrongExp.apply, (x,))


def test_a_backward_pass_started_inside_a_functions_backward_is_refused() -> None:
    class Nested(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            with am.enable_grad():
                return am.grad((x * x).sum(), x)[0] * g  # a pass inside the pass

    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="cannot start inside another one"):
        Nested.apply(x).sum().backward()
    Exp = exp_function(am)  # the engine is usable again afterwards
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad, np.exp([1.0, 2.0]))
