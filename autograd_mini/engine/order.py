"""Step 1 of every backward pass: the nodes in topological order, parents first.

One iterative walk (an explicit stack, no recursion) serves both node kinds,
``backward()`` and :func:`~autograd_mini.grad`, so a chain of a million operations
needs no more than Python's default recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .rule import BINARY, UNARY

__all__ = ["on_paths_from", "parents", "topological_order"]


def parents(node: Any) -> tuple[Any, ...]:
    """The nodes ``node`` was computed from (empty for a leaf)."""
    op = node._op
    if op is None:
        return ()
    if op.arity == UNARY:
        return (node._a,)
    if op.arity == BINARY:
        return (node._a, node._b)
    return tuple(node._a)


_EMIT = None  # stack marker: "the node entered last has all its parents done"


def topological_order(roots: Iterable[Any], leaves: bool = True) -> list[Any]:
    """Every node the roots depend on, each listed after all of its parents.

    Iterative depth-first search with an explicit stack, so a chain of a million
    nodes needs no recursion. Entering a node pushes a marker and then its
    parents above the marker; by the time the marker is popped again, the
    parents (and everything they depend on) are in ``order``, so the node goes next.
    With ``leaves=False`` only the nodes that have parents are listed (the backward
    pass finds the leaves as their gradients arrive).
    """
    order: list[Any] = []
    seen: set[Any] = set()
    entered: list[Any] = []  # nodes waiting for their marker, innermost last
    stack = list(roots)
    push, pop, see = stack.append, stack.pop, seen.add
    while stack:
        node = pop()
        if node is _EMIT:
            order.append(entered.pop())
            continue
        if node in seen:
            continue
        see(node)
        op = node._op
        if op is None:  # a leaf has no parents: it is done at once
            if leaves:
                order.append(node)
            continue
        entered.append(node)
        push(_EMIT)
        # Push operands last to first, so they are entered first to last: the order of
        # `order` then reads like the computation (x*3 before y*4 in x*3 + y*4).
        arity = op.arity
        if arity == UNARY:
            a = node._a
            if (leaves or a._op is not None) and a not in seen:
                push(a)
        elif arity == BINARY:
            a, b = node._a, node._b
            if (leaves or b._op is not None) and b not in seen:
                push(b)
            if (leaves or a._op is not None) and a not in seen:
                push(a)
        elif not seen.issuperset(node._a):  # one C loop: most n-ary parents are seen already
            stack.extend([p for p in reversed(node._a) if p not in seen])
    return order


def on_paths_from(order: list[Any], sources: Iterable[Any]) -> list[Any]:
    """The nodes of ``order`` (a topological order) that depend on one of ``sources``."""
    reached = set(sources)
    for node in order:  # parents come first, so one pass suffices
        if node not in reached and any(p in reached for p in parents(node)):
            reached.add(node)
    return [node for node in order if node in reached]
