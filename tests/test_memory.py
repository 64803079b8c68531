"""No reference cycles and no leaks: graphs are freed by reference counting alone.

A node points at its operands and at a shared rule, never back at itself, so a dropped
graph is freed the moment its last reference goes, without Python's cyclic garbage
collector. These tests switch the collector off: anything a cycle kept alive would stay,
and show up in gc.collect() or in tracemalloc's count.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, grad, optim
from autograd_mini.nn import functional as F
from autograd_mini.nn.scalar import MLP, hinge_loss, l2_penalty

MB = 1024 * 1024


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def tensor_graph(n_blocks: int = 60) -> tuple[Tensor, list[Tensor]]:
    """A loss over a graph of 2,000+ Tensor nodes that uses every kind of op."""
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((4, 4)) * 0.5, requires_grad=True, label="W")
    b = Tensor(rng.standard_normal(4), requires_grad=True, label="b")
    h = Tensor(rng.standard_normal((3, 4)), requires_grad=True, label="x")
    labels = np.array([0, 3, 1])
    mask = rng.random((3, 4)) > 0.5
    total = h.sum() * 0.0
    for _ in range(n_blocks):
        z = (h @ W + b).tanh() * 0.9 + h.sigmoid() * 0.1 - (h * h).mean(1, keepdim=True) / 7
        z = am.where(mask, z, z.relu()) + am.maximum(z, 0.1) - am.minimum(z, -0.1)
        z = z.clamp(-3.0, 3.0) + (z.abs() + 1).log() - (z.exp() + 1).sqrt() * 0.01
        z = am.cat([z[:, :2], z[:, 2:]], dim=1) + am.stack([z, z]).sum(0) * 0.5
        z = z.reshape(4, 3).T.flatten().view(3, 4) + z.permute(1, 0).T.unsqueeze(0).squeeze(0)
        z = z + z.expand(2, 3, 4)[1] ** 2 * 0.01 + 1.5 ** z.clip(-1, 1) - 2 / (z * z + 1)
        z = z.softmax(1) + z.log_softmax(1) * 0.1 + z.var(0) * 0.01 + z.amax(1, keepdim=True)
        z = z + z.max(1, keepdim=True).values - z.amin(0) + z.to(np.float32).to(np.float64)
        total = total + F.cross_entropy(z, labels) + F.mse_loss(z, z.detach() * 0.5)
        total = total + F.binary_cross_entropy_with_logits(z, (z > 0).double()) * 0.1
        total = total + F.nll_loss(z.log_softmax(1), labels) + z[[0, 2, 1], labels].sum() * 1e-3
        h = z.clone().tanh() * 0.5  # bounded numbers, block after block
    return total, [W, b]


@pytest.mark.filterwarnings("error")  # finite numbers all along
def test_dropped_tensor_graph_is_freed_by_reference_counting_alone() -> None:
    with no_cyclic_gc():
        loss, params = tensor_graph()
        n_nodes = len(am.engine.topological_order([loss]))
        assert n_nodes > 2000
        loss.backward()
        some_node = weakref.ref(loss._a)
        del loss
        assert some_node() is None  # freed the moment the last reference went
        assert gc.collect() == 0  # and nothing was left for the cyclic collector
        assert all(p.grad is not None for p in params)


def test_graphs_of_gradients_are_freed_too() -> None:
    with no_cyclic_gc():
        loss, (W, b) = tensor_graph(20)
        gW, gb = grad(loss, [W, b], create_graph=True)  # gradients with history
        hvp = (gW * gW).sum() + gb.sum()
        hvp.backward()
        watched = weakref.ref(hvp._a)
        del loss, gW, gb, hvp
        assert watched() is None
        assert gc.collect() == 0


def test_backward_create_graph_makes_the_cycle_pytorch_warns_about() -> None:
    # x.grad refers back to x through its history: the one cycle, which set .grad = None breaks
    with no_cyclic_gc():
        x = Tensor([1.0, 2.0], requires_grad=True)
        with pytest.warns(UserWarning, match="reference cycle"):
            (x * x).sum().backward(create_graph=True)
        x.grad = None
        del x
        assert gc.collect() == 0


def growth_over(steps: int, step: Callable[[], Any], warmup: int = 20) -> int:
    """Bytes still allocated after ``steps`` more steps, with the cyclic collector off."""
    with no_cyclic_gc():
        for _ in range(warmup):  # caches, optimizer state, first-call allocations
            step()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(steps):
                step()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    return after - before


@pytest.mark.slow
def test_scalar_mlp_training_keeps_memory_flat() -> None:
    X, y = am.data.make_moons(8, noise=0.1, seed=0)
    targets = 2 * y - 1
    model = MLP(2, [6, 6, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step() -> None:
        opt.zero_grad()
        loss = hinge_loss(model(X), targets) + l2_penalty(model.parameters(), 1e-4)
        loss.backward()
        opt.step()

    assert growth_over(500, step) < 1 * MB


@pytest.mark.slow
def test_tensor_mlp_training_keeps_memory_flat() -> None:
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((32, 10)))
    y = rng.integers(0, 3, 32)
    params = [Tensor(rng.standard_normal(s) * 0.3, requires_grad=True)
              for s in ((10, 16), (16,), (16, 3), (3,))]
    W1, b1, W2, b2 = params
    opt = optim.Adam(params, lr=1e-2)

    def step() -> None:
        opt.zero_grad()
        h = (x @ W1 + b1).relu()
        loss = F.cross_entropy(h @ W2 + b2, y) + 1e-4 * sum((p * p).sum() for p in params)
        loss.backward()
        opt.step()

    assert growth_over(500, step) < 1 * MB
