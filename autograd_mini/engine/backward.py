"""The backward pass: the chain rule applied once to every node, in reverse topological order.

``z.backward()`` (``Value.backward`` or ``Tensor.backward``) and :func:`~autograd_mini.grad`
both come here, to :func:`backward_pass`, which takes four named steps:

1. **order**: :func:`~autograd_mini.engine.order.topological_order` lists the operations,
   each after every node it was computed from;
2. **seed**: each root starts with its seed gradient (1 for a scalar loss);
3. **visit**: walking the order backwards, each operation's gradient is complete when
   its turn comes (every node that used it has already sent its share), so it sends
   each parent ``g · d node / d parent``, computed by its rule (:func:`local_shares`);
4. **deliver to leaves**: the leaves (weights, inputs) take no place in the order: each
   is found when its first share arrives, and once every operation has had its turn its
   gradient is complete and is stored in ``.grad``.

A plain pass (no ``create_graph``, no ``detect_anomaly``, no observer) takes the same
steps with the calls written out inline, in ``fast_walk.py``; a test runs both on the
same random graphs and requires the same numbers to the last bit.

Graph lifetime. A backward pass frees nothing. A rule reads only its operands, its
result and its context (cross_entropy's context keeps the exponentials it computed),
all of which the graph holds anyway: there are no intermediate buffers that PyTorch
would free after ``backward()`` unless ``retain_graph=True``. So every graph can be
walked again, each pass adding its gradients once more, and ``retain_graph`` is
accepted only for compatibility. A graph lives as long as something refers to its
output, and reference counting frees it when dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import fast_walk
from .anomaly import AnomalyError, check_share
from .modes import OnePassLock, _mode, set_grad_enabled
from .order import on_paths_from, topological_order
from .rule import BINARY, UNARY, Saved, shares_of

__all__ = ["backward_pass", "local_shares"]

Observer = Callable[[Any, Any, list[tuple[Any, Any]]], None]

# One backward pass at a time: during a pass each node keeps its running gradient in
# its `_g` slot (about 3x faster than a dictionary), so two passes over shared nodes
# must not interleave. The GIL lets only one thread run Python at a time anyway, so
# waiting here costs nothing real. The one user code that runs inside a pass, the backward
# of an autograd.Function, cannot start another: OnePassLock (modes.py) refuses it.
_backward_lock = OnePassLock()
_UNCHANGED = contextlib.nullcontext()


class _EveryNode:
    """What ``backward_pass(capture=None)`` captures: every node it reaches."""

    def __contains__(self, node: Any) -> bool:
        return True


EVERY_NODE = _EveryNode()


def backward_pass(
    roots: Sequence[Any],
    seeds: Sequence[Any],
    create_graph: bool = False,
    accumulate: bool = True,
    capture: Iterable[Any] | None = None,
    order: list[Any] | None = None,
    observe: Observer | None = None,
) -> dict[Any, Any]:
    """Apply the chain rule from ``roots`` (seeded with ``seeds``) back through the graph.

    Nodes whose ``requires_grad`` is false receive nothing. With ``accumulate``, the
    complete gradient is added to ``.grad`` of every leaf and of every node that retains
    its gradient (all Values; Tensors after ``retain_grad()``), as PyTorch does. Returns
    ``{node: gradient}`` for the nodes in ``capture`` that were reached (every node
    reached when ``capture`` is None), so ``grad()`` can pick out what it was asked for
    without touching ``.grad``.

    ``observe(node, gradient, sent)``, if given, is called at each node's turn with the
    list of ``(parent, share)`` it sent, in the order they were added: this is how
    ``backprop_steps`` shows the pass one node at a time.
    """
    if order is None:
        order = topological_order(roots, leaves=False)  # 1. order (the operations only)
    wanted: Any = EVERY_NODE if capture is None else set(capture)
    _refuse_edited_graph(roots, order, accumulate or capture is None or not wanted, wanted)
    result: dict[Any, Any] = {}
    waiting: list[Any] = []  # the leaves reached, in the order their first share came
    check = _mode.anomaly
    node: Any = None
    with _backward_lock:
        try:
            _seed(roots, seeds, waiting)  # 2. seed
            # A plain pass computes on raw numbers and cannot record anything, so only a
            # create_graph pass switches recording on (even inside no_grad, as PyTorch).
            with set_grad_enabled(True) if create_graph else _UNCHANGED:
                if create_graph or check or observe is not None:
                    for node in reversed(order):  # 3. visit
                        _visit(node, create_graph, accumulate, wanted, result, waiting,
                               check, observe)
                    for node in waiting:  # 4. deliver to the leaves, in the order reached
                        _deliver(node, accumulate, wanted, result, observe)
                else:  # steps 3 and 4 with the calls inlined (fast_walk.py)
                    fast_walk.visit_all(order, roots, accumulate, wanted, result, waiting)
        except BaseException as exc:
            for n in (*order, *waiting):  # e.g. KeyboardInterrupt: leave no half pass behind
                n._g = None
            if (create_graph and node is not None and isinstance(exc, AnomalyError)
                    and "forward" in str(exc)[:30]):
                raise _in_recorded_backward(exc, node) from None
            raise
    return result


def _refuse_edited_graph(roots: Sequence[Any], order: list[Any], whole: bool,
                         wanted: Any) -> None:
    """Let each node kind refuse the pass before any gradient moves (Tensor: an operand
    that a backward formula reads was changed in place since the forward pass)."""
    for kind in (roots[0].__class__,) if len(roots) == 1 else {r.__class__ for r in roots}:
        check_graph = getattr(kind, "_check_graph", None)
        if check_graph is not None:
            # grad(outputs, inputs) needs only the nodes on a path from an input: a branch
            # that leads to no input may have been edited (PyTorch never runs it either)
            check_graph(order if whole else on_paths_from(order, wanted))


def _seed(roots: Sequence[Any], seeds: Sequence[Any], waiting: list[Any]) -> None:
    """Step 2: every root starts with its seed (added up when a root is given twice)."""
    for root, seed in zip(roots, seeds):
        _send(root, seed, waiting)


def _send(node: Any, share: Any, waiting: list[Any]) -> None:
    """Add one share to the gradient a node collects during the pass (in its ``_g`` slot);
    a leaf's first share puts it on the list of leaves waiting for their turn."""
    prev = node._g
    node._g = share if prev is None else prev + share
    if prev is None and node._op is None:
        waiting.append(node)


def _visit(node: Any, create_graph: bool, accumulate: bool, wanted: Any,
           result: dict[Any, Any], waiting: list[Any], check: bool,
           observe: Observer | None) -> None:
    """Step 3, one operation's turn: its gradient ``g`` is complete, so keep it where it
    is wanted, then send each parent its share ``g · d node / d parent``."""
    g = node._g
    if g is None or node._op is None:  # not reached from a root, or a leaf (step 4)
        return
    node._g = None  # leave every node clean for the next pass
    _keep(node, g, accumulate, wanted, result)
    sent = local_shares(node, g, create_graph)
    for _, parent, share in sent:
        _send(parent, share, waiting)
    if check:
        for i, parent, share in sent:
            check_share(node, g, parent, i, share)
    if observe is not None:
        observe(node, g, [(parent, share) for _, parent, share in sent])


def local_shares(node: Any, g: Any, create_graph: bool = False) -> list[tuple[int, Any, Any]]:
    """``(input index, parent, share)`` for each parent of ``node`` that takes a gradient:
    its rule's backward formula applied to ``g`` (the chain rule's one local step).

    The formulas get the operands' numbers, or with ``create_graph`` the nodes
    themselves, so that the computation of the shares is recorded as a graph.
    """
    op, a, b = node._op, node._a, node._b
    if op.arity == UNARY:  # b is the rule's constant or context, never a node
        d_a = op.backward[0]
        share = d_a(g, a, b, node) if create_graph else d_a(g, a.data, b, node.data)
        return [(0, a, share)]
    if op.arity == BINARY:
        av, bv, out = (a, b, node) if create_graph else (a.data, b.data, node.data)
        return [(i, p, d(g, av, bv, out)) for i, (p, d) in enumerate(zip((a, b), op.backward))
                if p.requires_grad]
    # n-ary: one formula returns every parent's share (a Saved context holds the numbers)
    numbers = a if create_graph else None if isinstance(b, Saved) else [p.data for p in a]
    shares = shares_of(op, op.backward[0](g, numbers, b, node if create_graph else node.data))
    return [(i, p, share) for i, (p, share) in enumerate(zip(a, shares))
            if share is not None and p.requires_grad]


def _keep(node: Any, g: Any, accumulate: bool, wanted: Any, result: dict[Any, Any]) -> None:
    """Where a node's complete gradient goes besides its parents: into the result when
    ``grad()`` asked for it, and into ``.grad`` when the node retains its gradient."""
    if node in wanted:
        result[node] = g
    if accumulate and node._retains_grad:
        node._accumulate_grad(g)  # each node kind's own (a Tensor adds in place)


def _deliver(node: Any, accumulate: bool, wanted: Any, result: dict[Any, Any],
             observe: Observer | None) -> None:
    """Step 4, a leaf's turn: every share has come, so its gradient is complete and is
    stored (a leaf sends nothing on)."""
    g = node._g
    node._g = None
    if node in wanted:
        result[node] = g
    if accumulate:
        node._accumulate_grad(g)
    if observe is not None:
        observe(node, g, [])


def _in_recorded_backward(exc: AnomalyError, node: Any) -> AnomalyError:
    """An anomaly in an op of a recorded backward pass: say whose backward formula it is in."""
    label = f" {node.label!r}" if node.label else ""
    what = (f"the backward of {node._op.name}{label}" if node._op is not None
            else f"the gradient of the leaf{label}")  # its .grad + the new one
    where = f"while recording {what} (create_graph)"
    return AnomalyError(str(exc).replace("detect_anomaly:", f"detect_anomaly: {where}:", 1))
