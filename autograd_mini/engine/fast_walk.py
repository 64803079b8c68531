"""The fast path of the backward pass: steps 3 and 4 of ``backward.py`` with every call inlined.

An ordinary ``loss.backward()`` (no ``create_graph``, no ``detect_anomaly``, no observer)
comes here. It visits the same nodes in the same order and adds the same shares in the
same order as ``backward._visit`` and ``backward.local_shares``, so the gradients are
equal to the last bit (``tests/test_fast_paths.py`` runs both on random graphs); it is
only quicker, by what it leaves out:

* no function call per node or per share (about a third of a small node's turn);
* ``PASS`` entries (d out / d operand = 1, as in a + b) are not called: ``g`` is the share;
* a node kind whose class says every node requires and retains its gradient (Value) is
  asked once per pass, not once per edge;
* the weighted shares: a ``WEIGHTED`` rule (the scalar ``dot``, a neuron's w·x + b as
  one node with 2n + 1 parents) returns ``(g, coefficients)`` and this walk multiplies
  each coefficient by g as it adds the share, without making the list of shares first.

Read ``backward.py`` first: this file says nothing new about backpropagation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .rule import BINARY, PASS, UNARY, WEIGHTED, Saved

__all__ = ["visit_all"]


def visit_all(order: list[Any], roots: Sequence[Any], accumulate: bool, wanted: Any,
              result: dict[Any, Any], waiting: list[Any]) -> None:
    """Every operation's turn, last to first, as ``backward._visit`` takes it; then the
    leaves', as ``backward._deliver`` takes them."""
    # A kind whose class says every node requires and retains its gradient (Value) is
    # checked once here instead of once per edge. A Value op never takes a Tensor, so a
    # graph under a Value root holds only Values.
    kind = type(roots[0]) if len(roots) == 1 else None
    every_node_requires = getattr(kind, "requires_grad", None) is True
    every_node_retains = accumulate and getattr(kind, "_retains_grad", None) is True
    for node in reversed(order):
        g = node._g
        if g is None:  # no path from a root through a differentiable op
            continue
        op = node._op
        if op is None:  # a leaf (in an order given with leaves): step 4 takes it
            continue
        node._g = None
        if node in wanted:
            result[node] = g
        if every_node_retains:  # a Value: its float, inlined
            node.grad = node.grad + g
        elif accumulate and node._retains_grad:
            node._accumulate_grad(g)
        a = node._a
        arity = op.arity
        if arity == UNARY:
            d_a = op.backward[0]
            share = g if d_a is PASS else d_a(g, a.data, node._b, node.data)
            prev = a._g
            a._g = share if prev is None else prev + share
            if prev is None and a._op is None:  # a leaf's first share
                waiting.append(a)
        elif arity == BINARY:
            b = node._b
            av, bv, out = a.data, b.data, node.data
            d_a, d_b = op.backward
            if every_node_requires or a.requires_grad:
                share = g if d_a is PASS else d_a(g, av, bv, out)
                prev = a._g
                a._g = share if prev is None else prev + share
                if prev is None and a._op is None:
                    waiting.append(a)
            if every_node_requires or b.requires_grad:
                share = g if d_b is PASS else d_b(g, av, bv, out)
                prev = b._g
                b._g = share if prev is None else prev + share
                if prev is None and b._op is None:
                    waiting.append(b)
        else:
            context = node._b
            numbers = None if isinstance(context, Saved) else [p.data for p in a]
            shares = op.backward[0](g, numbers, context, node.data)
            if arity == WEIGHTED:  # parent i gets scale * cᵢ
                scale, coefficients = shares
                if every_node_requires:
                    for p, c in zip(a, coefficients):
                        share = scale * c
                        prev = p._g
                        p._g = share if prev is None else prev + share
                        if prev is None and p._op is None:
                            waiting.append(p)
                    continue
                shares = [scale * c for c in coefficients]
            for p, share in zip(a, shares):
                if share is not None and (every_node_requires or p.requires_grad):
                    prev = p._g
                    p._g = share if prev is None else prev + share
                    if prev is None and p._op is None:
                        waiting.append(p)
    for node in waiting:  # the leaves, in the order their first shares came
        g = node._g
        node._g = None
        if node in wanted:
            result[node] = g
        if every_node_retains:
            node.grad = node.grad + g
        elif accumulate:
            node._accumulate_grad(g)  # a Tensor adds into its .grad in place
