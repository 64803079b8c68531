"""What a node points at: the Rule that made it, one entry of a derivative table.

Every node kind (the scalar :class:`~autograd_mini.Value`, the array
:class:`~autograd_mini.Tensor`) stores its history in the same four slots::

    data   what the node holds (a float, an ndarray)
    _op    the Rule that made it; None for a leaf (made by the user, or under no_grad)
    _a     first operand: a parent node; for n-ary rules, a tuple of parent nodes
    _b     second operand: a parent node when the rule is binary; otherwise the
           rule's constant (the 3 in ``x * 3``) or context (the axis of a sum)

and ``Rule.arity`` says which of ``_a``/``_b`` are parents. A node keeps no closure: it
points at its parents and at a shared Rule, never back at itself, so dropping a graph
frees it by reference counting alone (micrograd's per-node closures make reference
cycles and leave them to the slow cyclic garbage collector).

The tables themselves are in ``scalar/rules.py`` (Values) and ``tensors/rules_*.py``
(Tensors); this module holds only the shape of an entry and the helpers that make one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

__all__ = ["BINARY", "NARY", "PASS", "UNARY", "WEIGHTED", "Rule", "Saved", "binary", "nary",
           "shares_of", "unary"]

UNARY, BINARY, NARY, WEIGHTED = 1, 2, 0, 3


class Rule(NamedTuple):
    """How one kind of node computes its value and sends gradient back.

    ``backward`` holds one vector-Jacobian product per parent: given the gradient
    ``g`` of the final output with respect to this node, it returns that
    parent's share. For unary and binary rules each is called as ``f(g, a, b, out)``
    with the operands and the node's own value; n-ary rules have a single entry
    called as ``f(g, parents, b, out)`` that returns a list, one share per parent.
    A ``WEIGHTED`` rule is an n-ary rule whose every share is ``g`` times a number, as
    in a weighted sum (the scalar ``dot``): its entry returns the pair ``(g, coefficients)``
    instead, the share of parent i being ``g * coefficients[i]`` (see :func:`shares_of`).
    All rules are linear in ``g``, so ``f(1, ...)`` is the local derivative
    d out / d parent that drawings and explanations print.

    ``reads`` says, for each backward entry, which numbers its formula reads: ``"a"``,
    ``"b"`` (the operands; for an n-ary rule ``"a"`` is every parent) and ``"out"`` (the
    node's own value). A formula that reads only shapes reads nothing. PyTorch saves
    exactly these for the backward pass; the Tensor's in-place check (``tensors/versions.py``)
    refuses a backward pass when one of them was edited after the forward pass.

    In an ordinary backward pass the arguments are plain numbers (floats or
    arrays). With ``create_graph=True`` they are the nodes themselves, so the same
    formula records a graph of the backward pass and gradients of gradients work.
    An n-ary node whose context ``b`` is :class:`Saved` already holds every number its
    formula reads, and a plain pass gives it ``None`` for ``parents``.

    ``jvp`` holds the forward-mode twin of ``backward``, a Jacobian-vector product
    (``forward.py``): given the tangent ``t`` of one parent (d parent / d input, in the
    parent's shape), parent i's entry returns its contribution to this node's tangent,
    ``d out / d parent_i · t``, called ``jvp_i(t, a, b, out)`` with the operands' numbers.
    The node's tangent is the sum of its parents' contributions. An n-ary rule has one
    entry called ``jvp(tangents, parents, b, out)``, ``tangents`` holding None for each
    parent without a tangent; it returns the node's whole tangent. The backward entries
    multiply by the Jacobian from the left (g · J), these from the right (J · t): for a
    scalar both are the local derivative times a number, for a Tensor they differ (a
    broadcast operand's VJP sums the gradient back; its JVP is the tangent broadcast).
    """

    name: str
    arity: int
    forward: Callable[..., Any]
    backward: tuple[Callable[..., Any], ...]
    symbol: str = ""
    reads: tuple[frozenset[str], ...] = ()
    jvp: tuple[Callable[..., Any], ...] = ()


def PASS(g: Any, a: Any, b: Any, out: Any) -> Any:
    """The derivative is 1: the gradient passes through unchanged (as for a + b).

    The fast walk (``fast_walk.py``) recognises this rule entry and skips the call.
    """
    return g


def _reads(spec: str) -> frozenset[str]:
    names = frozenset(spec.split())
    unknown = names - {"a", "b", "out"}
    if unknown:
        raise ValueError(f"Rule: reads names {sorted(unknown)}; expected 'a', 'b' or 'out'")
    return names


# The three shapes of an entry. `reads` is a space-separated list per backward entry
# ("a out": the operand and the result); the default, "a" / ("a b", "a b"), reads the lot.
# `jvp` is the forward-mode entry (see Rule): ``jvp_a(t, a, c, out)`` for a unary rule, a
# pair for a binary one, one ``jvp(tangents, parents, context, out)`` for an n-ary one.
# A rule made without one has ``jvp == ()``; forward mode refuses it by name
# (tests/test_forward_mode.py requires one in every table).
def unary(name: str, symbol: str, forward: Any, d_a: Any, reads: str = "a",
          jvp: Any = None) -> Rule:
    """out = forward(a, c) with ``c`` a constant or context; ``d_a(g, a, c, out)``;
    forward mode: ``jvp(t, a, c, out)``."""
    return Rule(name, UNARY, forward, (d_a,), symbol, (_reads(reads),),
                () if jvp is None else (jvp,))


def binary(name: str, symbol: str, forward: Any, d_a: Any, d_b: Any,
           reads: tuple[str, str] = ("a b", "a b"),
           jvp: tuple[Any, Any] | None = None) -> Rule:
    """out = forward(a, b) of two nodes; ``d_a`` and ``d_b`` are called ``(g, a, b, out)``;
    forward mode: ``jvp = (jvp_a, jvp_b)``, called ``(t, a, b, out)`` with a's (b's) tangent."""
    return Rule(name, BINARY, forward, (d_a, d_b), symbol, (_reads(reads[0]), _reads(reads[1])),
                () if jvp is None else tuple(jvp))


def nary(name: str, symbol: str, forward: Any, d_all: Any, reads: str = "a",
         arity: int = NARY, jvp: Any = None) -> Rule:
    """out = forward(parents, context); ``d_all(g, parents, context, out)`` returns a
    share for each parent (a ``WEIGHTED`` rule: ``(g, coefficients)``); forward mode:
    ``jvp(tangents, parents, context, out)`` returns the node's tangent."""
    return Rule(name, arity, forward, (d_all,), symbol, (_reads(reads),),
                () if jvp is None else (jvp,))


class Saved(tuple):  # type: ignore[type-arg]
    """An n-ary node's context that holds every number its backward formula reads, saved
    by the forward pass (as PyTorch's nodes save their inputs), so that a plain backward
    pass need not read all its parents' numbers again: it passes ``None`` for them."""

    __slots__ = ()


def shares_of(op: Rule, result: Any) -> Any:
    """What an n-ary rule's backward returned, as one share per parent."""
    if op.arity == WEIGHTED:
        g, coefficients = result
        return [g * c for c in coefficients]
    return result
