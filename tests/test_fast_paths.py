"""Every fast path gives the plain path's numbers to the last bit.

The teaching path is the one a reader meets first; each fast path lives in its own file
and is checked here against it on the same random graphs, with ``np.array_equal`` (or
``==`` on floats), never a tolerance:

* the backward pass: ``engine/fast_walk.py`` (the visits inlined, PASS entries skipped,
  weighted shares multiplied as they are added) against ``engine/backward.py``'s visits;
* the fused neuron rules (``scalar/fused.py``: ``dot``, ``dot_relu``, ``hinge_loss``)
  against the elementary rules: ``tests/test_nn_scalar.py`` (``test_dot_equals_the_
  elementary_sum_bit_for_bit`` and its neighbours) and the MLP comparison below;
* cross_entropy's flat picks (``tensors/fast_cross_entropy.py``) and SGD's short loop
  (``optim/fast_sgd.py``): their sections below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_mini import Tensor, Value, grad, optim, tensor
from autograd_mini.engine import backward as backward_module
from autograd_mini.engine import fast_walk
from autograd_mini.nn import functional as F
from autograd_mini.optim import sgd as sgd_module
from autograd_mini.tensors.fast_cross_entropy import CROSS_ENTROPY_FLAT, batch_picks
from autograd_mini.tensors.rules_losses import CROSS_ENTROPY

from .strategies import Program, tensor_programs, value_programs


# ----------------------------------------------------------------- the backward pass
@contextmanager
def counting_fast_walk(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the calls of the fast walk, so a test can tell which path a pass took."""
    calls: list[int] = []
    original = fast_walk.visit_all

    def counted(*args: Any) -> None:
        calls.append(1)
        original(*args)

    with monkeypatch.context() as m:
        m.setattr(backward_module.fast_walk, "visit_all", counted)
        yield calls


def plain(node: Any, gradient: Any = None) -> None:
    """``node.backward(gradient)`` through the plain visits: an observer that does nothing
    turns the fast path off and changes nothing else."""
    seed = node._seed(gradient, False, "backward")
    backward_module.backward_pass([node], [seed], capture=(), observe=lambda *_: None)


def both_ways(build: Callable[[], tuple[Any, list[Any]]], run: Callable[[Any], None],
              plain_run: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch
              ) -> tuple[list[Any], list[Any]]:
    """The leaves' gradients after a fast pass and after a plain pass on the same graph."""
    with counting_fast_walk(monkeypatch) as calls:
        out, leaves = build()
        run(out)
        fast = [_grad_of(x) for x in leaves]
        assert calls, "the fast walk did not run"
        calls.clear()
        out, leaves = build()
        plain_run(out)
        slow = [_grad_of(x) for x in leaves]
        assert not calls, "the plain walk took the fast path"
    return fast, slow


def _grad_of(x: Any) -> Any:
    return x.grad if isinstance(x, Value) else (None if x.grad is None else np.array(x.grad))


def _same(fast: list[Any], slow: list[Any]) -> None:
    for f, s in zip(fast, slow):
        if isinstance(f, float):
            assert f == s or (f != f and s != s), (f, s)
        else:
            assert (f is None) == (s is None)
            if f is not None:
                assert f.dtype == s.dtype and np.array_equal(f, s, equal_nan=True), (f, s)


@settings(max_examples=150, deadline=None)
@given(program=value_programs())
def test_fast_walk_equals_the_plain_walk_on_random_value_graphs(program: Program) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(lambda: program.run(program.leaves, Value),
                               lambda out: out.backward(), plain, monkeypatch)
    _same(fast, slow)


@settings(max_examples=150, deadline=None)
@given(program=tensor_programs())
def test_fast_walk_equals_the_plain_walk_on_random_tensor_graphs(program: Program) -> None:
    def build() -> tuple[Any, list[Any]]:
        out, leaves = program.run(program.leaves, lambda x: Tensor(x, requires_grad=True))
        return out.sum(), leaves

    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(build, lambda out: out.backward(), plain, monkeypatch)
    _same(fast, slow)


def test_fast_walk_equals_the_plain_walk_on_a_fused_scalar_mlp(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Weighted shares (dot and dot_relu nodes, a Saved context) and the hinge loss."""
    from autograd_mini import data
    from autograd_mini.nn.scalar import MLP, hinge_loss

    x, y = data.make_moons(24, noise=0.1, seed=3)

    def build() -> tuple[Any, list[Any]]:
        model = MLP(2, [8, 8, 1], seed=5)
        scores = [model([float(a) for a in row]) for row in x]
        return hinge_loss(scores, [1.0 if t else -1.0 for t in y]), model.parameters()

    fast, slow = both_ways(build, lambda out: out.backward(), plain, monkeypatch)
    assert any(g != 0 for g in fast)
    _same(fast, slow)


def test_fast_walk_equals_the_plain_walk_for_two_roots(monkeypatch: pytest.MonkeyPatch) -> None:
    """grad() of two outputs: the per-edge requires_grad checks (no single node kind to ask
    once) and a data operand that needs no gradient."""
    rng = np.random.default_rng(0)
    w0, x0 = rng.normal(size=(3, 4)), rng.normal(size=(5, 3))
    made: dict[str, Any] = {}

    def build() -> tuple[Any, list[Any]]:
        w = made["w"] = Tensor(w0, requires_grad=True)
        h = (Tensor(x0) @ w).tanh()
        return [h.sum(), (h * h).mean()], [w]

    def fast_run(outs: list[Any]) -> None:
        (g,) = grad(outs, [made["w"]])
        made["w"].grad = g

    def plain_run(outs: list[Any]) -> None:
        w = made["w"]
        seeds = [o._seed(None, False, "grad") for o in outs]
        w.grad = Tensor(backward_module.backward_pass(outs, seeds, accumulate=False,
                                                      capture=[w], observe=lambda *_: None)[w])

    fast, slow = both_ways(build, fast_run, plain_run, monkeypatch)
    _same(fast, slow)


# ----------------------------------------------------------------- SGD's short loop
SGD_SHAPES = [(64, 128), (128,), (128, 10), (10,), (3, 1, 5), ()]  # the last two: 2nd group
SGD_STEPS = 4


@contextmanager
def counting_sgd_loops(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Record which of SGD's loops ran: each answer of the short loop (True: it stepped;
    False: it declined, writing nothing), each call of the checked loop, and each
    parameter the general formula (``_update``, the one momentum takes) updated."""
    ran: dict[str, list[Any]] = {"short": [], "checked": [], "general": []}
    short, checked, general = (sgd_module.fast_sgd_step, optim.SGD._plain_step,
                               optim.SGD._update)

    def counted_short(param_groups: list[dict[str, Any]]) -> bool:
        ran["short"].append(short(param_groups))
        return bool(ran["short"][-1])

    def counted_checked(self: optim.SGD) -> None:
        ran["checked"].append(1)
        checked(self)

    def counted_general(self: optim.SGD, *args: Any) -> Any:
        ran["general"].append(1)
        return general(self, *args)

    with monkeypatch.context() as m:
        m.setattr(sgd_module, "fast_sgd_step", counted_short)
        m.setattr(optim.SGD, "_plain_step", counted_checked)
        m.setattr(optim.SGD, "_update", counted_general)
        yield ran


def _sgd_problem(dtype: Any, seed: int) -> tuple[list[Any], list[list[Any]]]:
    """Random parameters and, for each step, random gradients of their shape and dtype
    (None for one parameter at one step: both loops skip it), of magnitudes from 1e-3 to
    1e3 so that every step rounds."""
    rng = np.random.default_rng(seed)

    def random(shape: tuple[int, ...]) -> Any:
        x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)
        return np.asarray(x, dtype=dtype)  # an array even for shape (), not a NumPy scalar

    starts = [random(shape) for shape in SGD_SHAPES]
    grads = [[random(shape) for shape in SGD_SHAPES] for _ in range(SGD_STEPS)]
    grads[1][2] = None
    return starts, grads


def _sgd_run(starts: list[Any], grads: list[list[Any]], lr: float, step: str,
             monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], dict[str, list[Any]]]:
    """Parameters after SGD_STEPS steps taken the way ``step`` names, and the loops that
    ran. Two groups (lr and lr / 3), so each group's lr is read."""
    params = [Tensor(x.copy(), requires_grad=True) for x in starts]
    arrays = [p.data for p in params]
    lrs: list[Any] = [lr, lr / 3]
    if step == "numpy float lr":  # an np.float64: a float to the checks, not to the short loop
        lrs = [np.float64(x) for x in lrs]
    opt = optim.SGD([{"params": params[:4], "lr": lrs[0]}, {"params": params[4:], "lr": lrs[1]}])
    with counting_sgd_loops(monkeypatch) as ran:
        for k in range(SGD_STEPS):
            for p, g in zip(params, grads[k]):
                p.grad = None if g is None else Tensor(g.copy())
                if step == "tensor gradient" and g is not None:
                    # what create_graph=True leaves, a gradient with history: the number counts
                    p.grad = Tensor(g.copy(), requires_grad=True)
            if step == "checked loop":
                opt._plain_step()
            elif step == "general formula":
                optim.Optimizer.step(opt)
            else:
                opt.step()
    # both loops write into the parameters' arrays (the checked ones replace a 0-d array:
    # there lr * g is a NumPy scalar, not an array to subtract into)
    assert all(p.data is a for p, a in zip(params, arrays) if a.ndim), "an array was replaced"
    assert all(p._version == SGD_STEPS - (i == 2) for i, p in enumerate(params))
    assert all(p.dtype == x.dtype for p, x in zip(params, starts))
    return [p.data for p in params], ran


# each way of taking the checked loops, and the loops it must run (the counts per run)
CHECKED_WAYS = {
    "checked loop": {"short": [], "checked": SGD_STEPS, "general": 0},  # called by name
    "general formula": {"short": [], "checked": 0, "general": len(SGD_SHAPES) * SGD_STEPS - 1},
    "tensor gradient": {"short": [False] * SGD_STEPS, "checked": SGD_STEPS, "general": 0},
    "numpy float lr": {"short": [False] * SGD_STEPS, "checked": SGD_STEPS, "general": 0},
}


# (not an np.float64 lr with float32 parameters: it makes their steps float64, in both loops)
WAYS_AND_DTYPES = [(way, dtype) for way in CHECKED_WAYS for dtype in (np.float32, np.float64)
                   if not (way == "numpy float lr" and dtype is np.float32)]


@pytest.mark.parametrize("lr, seed", [(0.1, 0), (1e-3, 1), (0.37, 2), (3.0, 3)])
@pytest.mark.parametrize("way, dtype", WAYS_AND_DTYPES,
                         ids=[f"{w}-{np.dtype(d).name}" for w, d in WAYS_AND_DTYPES])
def test_sgd_short_loop_equals_the_checked_loops_bit_for_bit(
        way: str, dtype: Any, lr: float, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    starts, grads = _sgd_problem(dtype, seed)
    fast, ran = _sgd_run(starts, grads, lr, "step", monkeypatch)
    assert ran == {"short": [True] * SGD_STEPS, "checked": [], "general": []}, ran
    slow, ran = _sgd_run(starts, grads, lr, way, monkeypatch)
    expected = CHECKED_WAYS[way]
    assert (ran["short"], len(ran["checked"]), len(ran["general"])) == (
        expected["short"], expected["checked"], expected["general"]), ran
    assert not any(np.array_equal(f, x) for f, x in zip(fast, starts)), "nothing moved"
    for f, s in zip(fast, slow):
        assert f.dtype == s.dtype and np.array_equal(f, s), np.max(np.abs(f - s))


# ------------------------------------------------------------------ cross_entropy's flat picks
def _cross_entropy_loss_and_grad(x: np.ndarray[Any, Any], target: Any,
                                 **kwargs: Any) -> tuple[Any, Any, Any]:
    logits = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, target, **kwargs)
    loss.backward()
    return loss.data, logits.grad, loss._op


# the general path's ways to the same labels and the same loss: other kinds of labels, an
# ignore_index that no label equals, a weight of ones (which multiplies by exactly 1.0)
GENERAL_PATH = ["list", "int32", "int64_tensor", "ignore_index", "weight_ones"]
SHAPES = [(1, 1), (1, 5), (7, 1), (9, 4), (64, 10), (200, 37)]


def _general_target(how: str, y: np.ndarray[Any, Any], c: int,
                    rng: np.random.Generator) -> tuple[np.ndarray[Any, Any], Any, dict[str, Any]]:
    """The labels (int64, for the fast path), and the same labels and arguments that make
    cross_entropy take its general path."""
    if how == "ignore_index":  # a class that no label has (the labels avoid it)
        free = int(rng.integers(0, c))
        y = np.where(y == free, (free + 1) % c, y)
        return y, y, {"ignore_index": free}
    if how == "weight_ones":
        return y, y, {"weight": np.ones(c)}
    other = {"list": y.tolist(), "int32": y.astype(np.int32),
             "int64_tensor": tensor(y)}[how]
    return y, other, {}


@pytest.mark.parametrize("shape, general", [
    (s, g) for s in SHAPES for g in GENERAL_PATH if not (g == "ignore_index" and s[1] == 1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_flat_picks_equal_the_general_path(shape: tuple[int, int], general: str,
                                                         dtype: Any) -> None:
    n, c = shape
    rng = np.random.default_rng([n, c, GENERAL_PATH.index(general), np.dtype(dtype).itemsize])
    x = (rng.standard_normal(shape) * rng.choice([0.1, 3.0, 30.0])).astype(dtype)
    y, target, kwargs = _general_target(general, rng.integers(0, c, n), c, rng)
    assert batch_picks(x, y, -100) is not None
    fast = _cross_entropy_loss_and_grad(x, y)
    slow = _cross_entropy_loss_and_grad(x, target, **kwargs)
    assert fast[2] is CROSS_ENTROPY_FLAT and slow[2] is CROSS_ENTROPY  # both paths ran
    assert fast[0].dtype == slow[0].dtype == dtype and np.array_equal(fast[0], slow[0])
    assert fast[1].dtype == slow[1].dtype == dtype and np.array_equal(fast[1], slow[1])


@pytest.mark.parametrize("shape", [(3, 4), (16, 10)])
def test_cross_entropy_flat_picks_equal_the_general_path_in_a_recorded_backward(
        shape: tuple[int, int]) -> None:
    # create_graph: both record softmax(logits) - one_hot; the gradient of a function of the
    # gradient (a second derivative) is the same too
    from autograd_mini import grad

    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    y = rng.integers(0, shape[1], shape[0])
    results = []
    for target in (y, y.tolist()):
        logits = Tensor(x, requires_grad=True)
        (g,) = grad(F.cross_entropy(logits, target), [logits], create_graph=True)
        (gg,) = grad((g * g).sum(), [logits])
        results.append((g.data, gg.data))
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("other_labels", [
    lambda y: y.tolist(),  # a list
    lambda y: y.astype(np.int32),
    lambda y: tensor(y),  # an int64 Tensor
])
def test_cross_entropy_takes_a_short_path_with_the_same_numbers(other_labels: Any) -> None:
    # a batch with int64 labels skips the general path's layers (batch_picks): every other
    # kind of label goes the general way, to the same loss and gradient, bit for bit
    rng = np.random.default_rng(5)
    x = rng.standard_normal((9, 4)) * 30
    y = rng.integers(0, 4, 9)
    assert batch_picks(x, y, -100) is not None
    assert batch_picks(x, np.repeat(y, 2)[::2], -100) is not None  # any 1-D int64 layout
    short, general = Tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    loss_short, loss_general = F.cross_entropy(short, y), F.cross_entropy(general, other_labels(y))
    assert loss_short.item() == loss_general.item()
    loss_short.backward()
    loss_general.backward()
    assert np.array_equal(short.grad, general.grad)


def test_cross_entropy_short_path_leaves_unusual_labels_to_the_general_one() -> None:
    x = np.zeros((3, 4))
    assert batch_picks(x, np.array([0, 4, 1]), -100) is None  # out of range: the general
    with pytest.raises(ValueError, match=r"target 4 at position \(1,\) is out of range"):
        F.cross_entropy(Tensor(x), np.array([0, 4, 1]))  # path names it
    assert batch_picks(x, np.array([0, 2, 1]), 2) is None  # label 2 is ignored
    loss = F.cross_entropy(Tensor(x), np.array([0, 2, 1]), ignore_index=2)
    assert loss.item() == pytest.approx(np.log(4))
    assert batch_picks(x[None], np.array([[0, 2, 1]]), -100) is None  # not (N, C)
    y = np.array([0, 2, 1])
    assert batch_picks(np.asfortranarray(np.zeros((3, 4))), y,
                       -100) is None  # not C-contiguous: the flat index would not apply
    logits_f = Tensor(np.asfortranarray(np.arange(12.0).reshape(3, 4)), requires_grad=True)
    logits_c = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    F.cross_entropy(logits_f, y).backward()
    F.cross_entropy(logits_c, y).backward()
    assert np.array_equal(logits_f.grad, logits_c.grad)
    logits = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, y)
    y[:] = 3  # the labels were copied: editing them does not change the backward pass
    loss.backward()
    assert logits.grad[0].tolist() == [-0.25, 1 / 12, 1 / 12, 1 / 12]
