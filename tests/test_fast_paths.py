"""Every fast path gives the plain path's numbers to the last bit.

The teaching path is the one a reader meets first; each fast path lives in its own file
and is checked here against it on the same random graphs, with ``np.array_equal`` (or
``==`` on floats), never a tolerance:

* the backward pass: ``engine/fast_walk.py`` (the visits inlined, PASS entries skipped,
  weighted shares multiplied as they are added) against ``engine/backward.py``'s visits;
* the fused neuron rules (``scalar/fused.py``: ``dot``, ``dot_relu``, ``hinge_loss``)
  against the elementary rules: ``tests/test_nn_scalar.py`` (``test_dot_equals_the_
  elementary_sum_bit_for_bit`` and its neighbours) and the MLP comparison below;
* cross_entropy's flat picks and SGD's short loop: their sections below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_mini import Tensor, Value, grad
from autograd_mini.engine import backward as backward_module
from autograd_mini.engine import fast_walk

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
        made["w"].grad = g.data

    def plain_run(outs: list[Any]) -> None:
        w = made["w"]
        seeds = [o._seed(None, False, "grad") for o in outs]
        w.grad = backward_module.backward_pass(outs, seeds, accumulate=False, capture=[w],
                                               observe=lambda *_: None)[w]

    fast, slow = both_ways(build, fast_run, plain_run, monkeypatch)
    _same(fast, slow)
