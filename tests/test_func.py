"""autograd_mini.func (jvp, vjp, jacrev, jacfwd, hessian) and autograd.functional (jacobian,
hessian) against torch.func and torch.autograd.functional in float64, to 1e-10: every op of
the table in strategies.TENSOR_OPS, random programs, Values, nesting, custom Functions, and
the errors for bad input. Plus: every Rule of the package has a forward-mode formula."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import Tensor, Value, func
from autograd_mini.autograd import functional as AF
from autograd_mini.engine import Rule

from .strategies import TENSOR_OPS, Program, TensorOp, arrays, tensor_programs, value_programs
from .test_tensor_ops import NS
from .test_tensor_torch import TorchNamespace

TOL = 1e-10


def close(ours: Any, theirs: Any, what: str, tol: float = TOL) -> None:
    theirs = theirs.numpy(force=True) if hasattr(theirs, "detach") else np.asarray(theirs)
    ours = ours.data if isinstance(ours, (Tensor, Value)) else ours
    np.testing.assert_allclose(np.asarray(ours, dtype=float), theirs, rtol=tol, atol=tol,
                               err_msg=what)


def close_tree(ours: Any, theirs: Any, what: str, tol: float = TOL,
               sequences: tuple[type, ...] | None = None) -> None:
    """The same structure (tuple or list as torch gives; any sequence with ``sequences``)
    and the same numbers."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, sequences or type(theirs)) and len(ours) == len(theirs), what
        for k, (o, t) in enumerate(zip(ours, theirs)):
            close_tree(o, t, f"{what}[{k}]", tol, sequences)
    else:
        assert isinstance(ours, Tensor), what
        assert ours.shape == tuple(theirs.shape), f"{what}: {ours.shape} vs {theirs.shape}"
        close(ours, theirs, what, tol)


# ------------------------------------------------------------------ every rule has a JVP
def _package_rules() -> list[tuple[str, Rule]]:
    # (importing a submodule binds its name on the package, ahead of the lazy loader: the
    # bindings are put back so that later tests see the package as a user's import leaves it)
    bound = dict(vars(am))
    found = []
    for info in pkgutil.walk_packages(am.__path__, "autograd_mini."):
        if ".playground" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, Rule) and (name, obj) not in found:
                found.append((f"{info.name}.{name}", obj))
    for name in set(vars(am)) - set(bound):
        delattr(am, name)
    for name, value in bound.items():
        setattr(am, name, value)
    return found


def test_every_rule_in_the_package_has_a_jvp_beside_its_backward() -> None:
    rules = _package_rules()
    assert len(rules) > 80  # the scalar, tensor, loss, fused and fast-path tables
    missing = [name for name, r in rules if len(r.jvp) != (len(r.backward) if r.arity in (1, 2)
                                                           else 1)]
    assert not missing, f"rules without a forward-mode formula: {missing}"


def test_a_custom_functions_rule_has_a_jvp_entry() -> None:
    class Square(am.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    Square.apply(Tensor(np.ones(2), requires_grad=True))
    assert Square._rule is not None and len(Square._rule.jvp) == 1


# ------------------------------------------------------------------ every op against torch.func
def _both(op: TensorOp, p: dict[str, Any], torch: Any) -> tuple[Any, Any]:
    tns = TorchNamespace(torch)
    return (lambda *xs: op.fn(NS, p, *xs)), (lambda *xs: op.fn(tns, p, *xs))


def _torch_or(torch: Any, forward: Any, fallback: Any) -> Any:
    """torch's forward-mode answer, or its reverse-mode one for an op whose forward-mode
    formula PyTorch lacks (the numbers are the same Jacobian)."""
    try:
        return forward()
    except (NotImplementedError, RuntimeError):
        return fallback()


@pytest.mark.torch
@pytest.mark.parametrize("op", TENSOR_OPS, ids=lambda op: op.name)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_jvp_vjp_jacfwd_jacrev_of_every_op_match_torch_func(
        torch: Any, op: TensorOp, data: st.DataObject) -> None:
    inputs, p = data.draw(op.inputs)
    assume(not (op.name.startswith("var") and p.get("dim") == ()))  # see test_tensor_torch
    ours_f, torch_f = _both(op, p, torch)
    xs = tuple(Tensor(a) for a in inputs)
    ts = tuple(torch.tensor(a) for a in inputs)
    argnums = tuple(range(len(xs)))
    tf = torch.func
    # jvp along a random direction
    directions = [data.draw(arrays(a.shape, -1.0, 1.0)) for a in inputs]
    out, tangent = func.jvp(ours_f, xs, tuple(Tensor(d) for d in directions))
    t_dirs = tuple(torch.tensor(d) for d in directions)
    t_out, t_tangent = _torch_or(
        torch, lambda: tf.jvp(torch_f, ts, t_dirs),
        lambda: (torch_f(*ts), sum((torch.tensordot(j, d, d.ndim) for j, d in zip(
            tf.jacrev(torch_f, argnums)(*ts), t_dirs)), torch.zeros(()))))
    close(out, t_out, f"{op.name}: jvp output")
    close(tangent, t_tangent, f"{op.name}: jvp tangent")
    # vjp of a random cotangent
    out, vjp_fn = func.vjp(ours_f, *xs)
    cot = data.draw(arrays(out.shape, -1.0, 1.0))
    _, t_vjp_fn = tf.vjp(torch_f, *ts)
    close_tree(vjp_fn(Tensor(cot)), t_vjp_fn(torch.tensor(cot)), f"{op.name}: vjp")
    # whole Jacobians, both ways
    t_rev = tf.jacrev(torch_f, argnums)(*ts)
    close_tree(func.jacrev(ours_f, argnums)(*xs), t_rev, f"{op.name}: jacrev")
    t_fwd = _torch_or(torch, lambda: tf.jacfwd(torch_f, argnums)(*ts), lambda: t_rev)
    close_tree(func.jacfwd(ours_f, argnums)(*xs), t_fwd, f"{op.name}: jacfwd")


_LINEAR_OR_PIECEWISE = {"multi_margin_loss", "hinge_loss", "epsilon_insensitive_loss"}


@pytest.mark.torch
@pytest.mark.parametrize("op", [op for op in TENSOR_OPS if op.name not in _LINEAR_OR_PIECEWISE],
                         ids=lambda op: op.name)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_hessian_of_every_op_matches_torch_func(torch: Any, op: TensorOp,
                                                data: st.DataObject) -> None:
    # the Hessian of a weighted sum of the op's output: forward-over-reverse, through the
    # graph every backward formula records (create_graph), as torch.func.hessian
    inputs, p = data.draw(op.inputs)
    assume(not (op.name.startswith("var") and p.get("dim") == ()))
    ours_f, torch_f = _both(op, p, torch)
    with am.no_grad():
        shape = ours_f(*(Tensor(a) for a in inputs)).shape
    w = data.draw(arrays(shape, -1.0, 1.0))
    argnums = tuple(range(len(inputs)))

    def ours(*xs: Any) -> Any:
        return (ours_f(*xs) * Tensor(w)).sum()

    def theirs(*xs: Any) -> Any:
        return (torch_f(*xs) * torch.tensor(w)).sum()

    ts = tuple(torch.tensor(a) for a in inputs)
    expected = _torch_or(torch, lambda: torch.func.hessian(theirs, argnums)(*ts),
                         lambda: torch.func.jacrev(torch.func.jacrev(theirs, argnums),
                                                   argnums)(*ts))
    # (binary_cross_entropy to 1e-9: PyTorch's double backward of it is off by up to 1e-10
    # relative, ours is the closed form; see the test after this one)
    close_tree(func.hessian(ours, argnums)(*(Tensor(a) for a in inputs)), expected,
               f"{op.name}: hessian", tol=1e-9 if op.name == "binary_cross_entropy" else TOL)


def test_the_hessian_of_binary_cross_entropy_is_the_closed_form() -> None:
    # -log(1 - x) for target 0: d²/dx² = 1 / (1 - x)², 2499.9999999999955 at x = 0.98 in
    # float64; torch.func.hessian gives 2499.99999974489 (1.02e-10 relative off)
    from autograd_mini.nn import functional as F

    x = 0.98
    h = func.hessian(lambda a: F.binary_cross_entropy(a, Tensor(np.array(0.0))))(
        Tensor(np.array(x)))
    assert abs(float(h.data) - 1 / (1 - x) ** 2) <= 1e-15 * 2500


# ------------------------------------------------------------------ random programs
def _program_function(program: Program) -> Any:
    def f(*leaves: Any) -> Any:
        made = iter(leaves)
        nodes: list[Any] = []
        for name, fn, args in program.steps:
            nodes.append(next(made) if name == "leaf" else fn(*(nodes[i] for i in args)))
        return nodes[-1]
    return f


def _function_and_inputs(program: Program) -> tuple[Callable[..., Any], list[Tensor]]:
    """The program as a function of its leaves, and the leaves as Tensors (a program whose
    leaves are not all used as inputs is skipped)."""
    xs = [Tensor(a) for a in program.leaves]
    assume(sum(1 for name, _, _ in program.steps if name == "leaf") == len(xs))
    return _program_function(program), xs


@settings(max_examples=60, deadline=None)
@given(tensor_programs(max_ops=6))
def test_jacfwd_equals_jacrev_on_random_tensor_programs(program: Program) -> None:
    f, xs = _function_and_inputs(program)
    argnums = tuple(range(len(xs)))
    fwd, rev = func.jacfwd(f, argnums)(*xs), func.jacrev(f, argnums)(*xs)
    for k, (a, b) in enumerate(zip(fwd, rev)):
        np.testing.assert_allclose(a.data, b.data, rtol=TOL, atol=TOL, err_msg=str(
            (program.ops(), k)))


@settings(max_examples=25, deadline=None)
@given(tensor_programs(max_ops=4))
def test_hessian_equals_reverse_over_reverse_on_random_tensor_programs(program: Program) -> None:
    f, xs = _function_and_inputs(program)

    def loss(x: Any) -> Any:
        return f(x, *xs[1:]).sum()

    forward_over_reverse = func.hessian(loss)(xs[0])
    reverse_over_reverse = func.jacrev(func.jacrev(loss))(xs[0])
    np.testing.assert_allclose(forward_over_reverse.data, reverse_over_reverse.data,
                               rtol=1e-9, atol=1e-9, err_msg=str(program.ops()))


@settings(max_examples=100, deadline=None)
@given(value_programs())
def test_value_jacobians_forward_equal_reverse(program: Program) -> None:
    f = _program_function(program)
    xs = [Value(x) for x in program.leaves]
    assume(sum(1 for name, _, _ in program.steps if name == "leaf") == len(xs))
    argnums = tuple(range(len(xs)))
    for a, b in zip(func.jacfwd(f, argnums)(*xs), func.jacrev(f, argnums)(*xs)):
        assert isinstance(a, Value) and isinstance(b, Value)
        assert abs(a.data - b.data) <= TOL * max(1.0, abs(b.data)), program.ops()


# ------------------------------------------------------------------ Values, against torch
def test_the_worked_example_both_ways_matches_torch(torch: Any) -> None:
    def z(w1: Any, w2: Any, w3: Any) -> Any:
        return (w2 + -2 * w1) * w3

    vals = (3.0, 4.0, 5.0)
    ours_rev = func.jacrev(z, (0, 1, 2))(*(Value(v) for v in vals))
    ours_fwd = func.jacfwd(z, (0, 1, 2))(*(Value(v) for v in vals))
    theirs = torch.func.jacrev(z, (0, 1, 2))(*(torch.tensor(v) for v in vals))
    for a, b, t in zip(ours_rev, ours_fwd, theirs):
        assert a.data == b.data == float(t)  # -10, 5, -2
    out, tangent = func.jvp(z, tuple(Value(v) for v in vals), (1.0, 0.0, 0.0))
    assert (out.data, tangent.data) == (-10.0, -10.0)
    _, vjp_fn = func.vjp(z, *(Value(v) for v in vals))
    assert [g.data for g in vjp_fn(1.0)] == [-10.0, 5.0, -2.0]


def test_value_hessian_matches_torch(torch: Any) -> None:
    def f(a: Any, b: Any) -> Any:
        return (a * b).tanh() + a.exp() * b ** 3

    ours = func.hessian(f, (0, 1))(Value(0.3), Value(-1.2))
    theirs = torch.func.hessian(f, (0, 1))(torch.tensor(0.3, dtype=torch.float64),
                                           torch.tensor(-1.2, dtype=torch.float64))
    for i in range(2):
        for j in range(2):
            close(ours[i][j], theirs[i][j], f"H[{i}][{j}]")


# ------------------------------------------------------------------ structures and options
@pytest.mark.torch
def test_output_structures_follow_torch_func(torch: Any) -> None:
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(3), rng.standard_normal((2, 3))

    def f(x: Any, y: Any) -> Any:
        return ((x * y).sin(), (x.exp() * y).sum())

    def g(x: Any, y: Any) -> Any:
        return [x * y, x.sum()]

    ours, theirs = (Tensor(a), Tensor(b)), (torch.tensor(a), torch.tensor(b))
    tf = torch.func
    for argnums in (0, 1, (0, 1), (1,), -1):
        for fn in (f, g):
            close_tree(func.jacrev(fn, argnums)(*ours), tf.jacrev(fn, argnums)(*theirs),
                       f"jacrev {argnums}")
            # (torch 2.13's jacfwd gives zeros for a negative argnums, its jacrev does not:
            # it is asked for the same argument counted from 0)
            positive = 1 if argnums == -1 else argnums
            close_tree(func.jacfwd(fn, argnums)(*ours), tf.jacfwd(fn, positive)(*theirs),
                       f"jacfwd {argnums}")
    (j, aux) = func.jacrev(lambda x: (x.sin(), x * 2), has_aux=True)(Tensor(a))
    close(j, tf.jacrev(torch.sin)(torch.tensor(a)), "has_aux")
    np.testing.assert_array_equal(aux.data, a * 2)
    _, tangent, aux = func.jvp(lambda x: (x.sin(), x.sum()), (Tensor(a),), (Tensor(b[0]),),
                                 has_aux=True)
    close(tangent, np.cos(a) * b[0], "jvp has_aux")
    assert float(aux.data) == pytest.approx(a.sum())
    _, vjp_fn, aux = func.vjp(lambda x: (x.sin(), 7), Tensor(a), has_aux=True)
    assert aux == 7
    close(vjp_fn(Tensor(b[1]))[0], np.cos(a) * b[1], "vjp has_aux")


@pytest.mark.torch
def test_a_jacobian_of_an_output_that_ignores_the_input_is_zero(torch: Any) -> None:
    x = Tensor(np.arange(3.0))
    const = Tensor(np.ones(2))
    for make in (func.jacrev, func.jacfwd):
        j = make(lambda a: const * 2.0)(x)
        assert j.shape == (2, 3) and not j.data.any()
    _, tangent = func.jvp(lambda a: const, (x,), (x,))
    assert tangent.shape == (2,) and not tangent.data.any()


@pytest.mark.torch
@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_autograd_functional_matches_torch(torch: Any, strategy: str) -> None:
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    TF = torch.autograd.functional
    vec = strategy == "forward-mode"

    def f(x: Any, y: Any) -> Any:
        return ((x * y).tanh(), (x.exp() * y).sum())

    def s(x: Any, y: Any) -> Any:
        return (x.exp() * y * y).sum() + (x * y).sin().sum()

    def one(x: Any) -> Any:
        return (x ** 3).sum()

    ours, theirs = (Tensor(a), Tensor(b)), (torch.tensor(a), torch.tensor(b))
    # (torch's vectorized path returns lists where its documentation and its other path
    # give tuples; ours are tuples)
    close_tree(AF.jacobian(f, ours, vectorize=vec, strategy=strategy),
               TF.jacobian(f, theirs, vectorize=vec, strategy=strategy), "jacobian",
               sequences=(tuple,) if vec else None)
    close_tree(AF.jacobian(torch_free_sin, ours[0], vectorize=vec, strategy=strategy),
               TF.jacobian(torch.sin, theirs[0]), "jacobian of one input")
    close_tree(AF.hessian(s, ours, vectorize=vec, outer_jacobian_strategy=strategy),
               TF.hessian(s, theirs, vectorize=vec, outer_jacobian_strategy=strategy),
               "hessian", sequences=(tuple,) if vec else None)
    close_tree(AF.hessian(one, ours[0], vectorize=vec, outer_jacobian_strategy=strategy),
               TF.hessian(one, theirs[0]), "hessian of one input")


def torch_free_sin(x: Any) -> Any:
    return x.sin()


def test_create_graph_keeps_the_jacobian_differentiable(torch: Any) -> None:
    a = np.array([0.5, -1.0, 2.0])
    x, t = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    J = AF.jacobian(lambda v: v ** 3, x, create_graph=True)
    tJ = torch.autograd.functional.jacobian(lambda v: v ** 3, t, create_graph=True)
    (J * J).sum().backward()
    (tJ * tJ).sum().backward()
    close(x.grad, t.grad, "d/dx of the Jacobian")
    assert not AF.jacobian(lambda v: v ** 3, x.detach()).requires_grad


def test_jacrev_of_a_parameter_is_differentiable_as_in_torch(torch: Any) -> None:
    a = np.array([0.5, -1.0])
    w, tw = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    func.jacrev(lambda v: v.sin() * v)(w).sum().backward()
    torch.func.jacrev(lambda v: v.sin() * v)(tw).sum().backward()
    close(w.grad, tw.grad, "gradient of a Jacobian")


def test_jacrev_inside_jacrev_does_not_confuse_the_two_variables(torch: Any) -> None:
    # d/dx [d/dy (x * y) at y = x] = d/dx x = 1 (perturbation confusion would give 2)
    def inner(x: Any) -> Any:
        return func.jacrev(lambda y: (x * y).sum())(x).sum()

    assert float(func.jacrev(inner)(Tensor(np.array([3.0]))).data[0]) == 1.0
    assert float(torch.func.jacrev(lambda x: torch.func.jacrev(lambda y: (x * y).sum())(
        x).sum())(torch.tensor([3.0])).item()) == 1.0


# ------------------------------------------------------------------ custom Functions
def _custom_cube(torch_like: Any, with_jvp: bool) -> Any:
    base = torch_like.autograd.Function

    class Cube(base):  # type: ignore[misc, valid-type]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)
            return x ** 3

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    if with_jvp:
        def jvp(ctx: Any, t: Any) -> Any:
            (x,) = ctx.saved_tensors
            return t * 3 * x ** 2
        Cube.jvp = staticmethod(jvp)
    return Cube


def test_a_custom_function_with_jvp_works_in_forward_mode_like_torch(torch: Any) -> None:
    # (torch.func wants setup_context-style Functions; torch.autograd.forward_ad takes this
    # one as written, jvp(ctx, t) reading ctx.saved_tensors from save_for_forward)
    import torch.autograd.forward_ad as fwAD

    a, d = np.array([0.5, -2.0, 1.5]), np.array([1.0, 0.5, -1.0])
    ours, theirs = _custom_cube(am, True), _custom_cube(torch, True)
    _, tangent = func.jvp(ours.apply, (Tensor(a),), (Tensor(d),))
    with fwAD.dual_level():
        t_tangent = fwAD.unpack_dual(theirs.apply(fwAD.make_dual(torch.tensor(a),
                                                                 torch.tensor(d)))).tangent
    close(tangent, t_tangent, "custom jvp")
    close(tangent, 3 * a ** 2 * d, "custom jvp, by hand")
    close(func.jacfwd(ours.apply)(Tensor(a)), np.diag(3 * a ** 2),
          "jacfwd through a custom Function")


def test_a_custom_function_without_jvp_is_refused_in_forward_mode() -> None:
    Cube = _custom_cube(am, False)
    x = Tensor(np.array([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match=r"jvp function.*Cube.*@staticmethod jvp"):
        func.jacfwd(Cube.apply)(x)
    close(func.jacrev(Cube.apply)(x), np.diag(3 * x.data ** 2), "reverse mode still works")


# ------------------------------------------------------------------ errors a learner can act on
X = Tensor(np.arange(3.0))


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: func.jvp(am.sin, [X], [X]), RuntimeError, "Expected primals to be a tuple"),
    (lambda: func.jvp(am.sin, (X,), [X]), RuntimeError, "Expected tangents to be a tuple"),
    (lambda: func.jvp(lambda a, b: a * b, (X, X), (X,)), RuntimeError,
     "2 primals and 1 tangents"),
    (lambda: func.jvp(am.sin, (X,), (Tensor(np.ones(4)),)), RuntimeError,
     r"tangent 0 has shape \(4,\) but its primal has shape \(3,\)"),
    (lambda: func.jvp(am.sin, (X,), (am.tensor(np.ones(3, np.int64)),)), ValueError,
     "Expected tangent to be floating point, but got int64"),
    (lambda: func.jvp(am.sin, (3.0,), (1.0,)), RuntimeError,
     "(?i)expected primals to only contain Tensors"),
    (lambda: func.jvp(lambda a: 3.0, (X,), (X,)), RuntimeError,
     "expected f.*primals.* to return only tensors, got unsupported type float"),
    (lambda: func.jacrev(lambda a: a.data)(X), RuntimeError,
     "return only tensors, got unsupported type ndarray"),
    (lambda: func.jacfwd(lambda a: [a, 1])(X), RuntimeError, "output 1 of f returned 1"),
    (lambda: func.jacrev(am.sin, argnums=1)(X), RuntimeError,
     "Got argnum=1, but only 1 positional inputs"),
    (lambda: func.jacfwd(am.sin, argnums=-2)(X), RuntimeError,
     "Got argnum=-2, but only 1 positional inputs"),
    (lambda: func.jacrev(am.sin, argnums=[0])(X), RuntimeError,
     "argnums must be int or Tuple"),
    (lambda: func.jacrev(lambda a, b: a, argnums=())(X, X), RuntimeError, "non-empty"),
    (lambda: func.jacrev(lambda a, b: a, argnums=(0, 0))(X, X), RuntimeError, "unique"),
    (lambda: func.jacrev(am.sin)(np.arange(3.0)), ValueError,
     "expected primals to only contain Tensors.*ndarray"),
    (lambda: func.jacrev(lambda a: a * 2)(am.arange(3)), ValueError,
     "expected primal to be floating point, but got int64"),
    (lambda: func.jacrev(am.sin, has_aux=True)(X), RuntimeError, r"\(output, aux\)"),
    (lambda: func.vjp(am.sin, X)[1](Tensor(np.ones(2))), RuntimeError,
     r"Mismatch in shape: grad_output\[0\] has a shape of \(2,\)"),
    (lambda: func.vjp(am.sin, X)[1]((X,)), RuntimeError, "pytree structure of cotangents"),
    (lambda: func.jacrev(func.jacfwd(am.sin))(X), RuntimeError,
     "forward mode inside a transform.*not supported.*hessian"),
    (lambda: AF.jacobian(am.sin, [X]), TypeError,
     "must be either a Tensor or a tuple of Tensors but the given inputs has type list"),
    (lambda: AF.jacobian(lambda a: 3.0, X), TypeError, "outputs of the user-provided"),
    (lambda: AF.jacobian(am.sin, X, strategy="forward"), ValueError, "forward-mode"),
    (lambda: AF.jacobian(am.sin, X, strategy="forward-mode"), NotImplementedError,
     "vectorize=True"),
    (lambda: AF.jacobian(am.sin, X, strict=True, vectorize=True), RuntimeError,
     "not supported together"),
    (lambda: AF.jacobian(lambda a: Tensor(np.ones(2)), X, strict=True), RuntimeError,
     "Output 0 of the user-provided function does not require gradients"),
    (lambda: AF.hessian(am.sin, X), RuntimeError, "should contain a single element"),
    (lambda: AF.hessian(lambda a: a.sum(), X, strict=True), RuntimeError,
     "independent of the input"),
])
def test_bad_input_is_refused_with_a_clear_message(call: Any, error: type[Exception],
                                                   pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_func_loads_on_first_use() -> None:
    assert am.func is func
    assert set(func.__all__) == {"jvp", "vjp", "jacrev", "jacfwd", "hessian"}
    assert am.autograd.functional is AF
