"""Forward mode: the chain rule applied from the input side, one sweep per input direction.

Reverse mode (``backward.py``) starts at the output and asks, for every node, *how much
does the output change when this node changes* (its gradient). Forward mode starts at the
inputs and asks, for every node, *how much does this node change when the inputs move in
the direction t* (its **tangent**, d node / d input · t). That is arithmetic with dual
numbers: each node carries ``(value, tangent)``, and each rule turns its operands' tangents
into its own with its Jacobian-vector product, ``Rule.jvp`` (for ``y = a * b``,
``ẏ = ȧ · b + a · ḃ``), written in the rule tables beside the backward formulas.

:func:`forward_pass` takes three named steps over a graph that is already recorded:

1. **order**: :func:`~autograd_mini.engine.order.topological_order`, the same iterative walk
   the backward pass uses (no recursion: a chain of a million nodes works);
2. **seed**: each input in ``seeds`` starts with its tangent (a direction in input space);
3. **visit**: in topological order (parents first), each operation's tangent is the sum of
   its parents' contributions ``jvp_i(ṗ_i, a, b, out)``; an operation none of whose parents
   has a tangent does not depend on the inputs and gets none.

The cost. One forward sweep gives the derivative of *every* output along *one* input
direction: a whole column of the Jacobian, J · t. One backward pass gives the gradient of
*one* output with respect to *every* input: a row, gᵀ · J. So a Jacobian of f: Rⁿ → Rᵐ costs
n sweeps forward and m passes backward: forward mode wins for few inputs and many outputs,
reverse mode (backpropagation) for a scalar loss of many weights.

Tangents are plain numbers (floats, arrays), computed from the nodes' numbers; nothing is
recorded. A graph recorded by a ``create_graph=True`` backward pass is an ordinary graph,
so sweeping it forward gives forward-over-reverse second derivatives (Hessian-vector
products), as ``torch.func.hessian`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .order import topological_order
from .rule import BINARY, UNARY

__all__ = ["forward_pass", "no_jvp_error"]


def forward_pass(outputs: Any, seeds: Mapping[Any, Any],
                 order: list[Any] | None = None) -> dict[Any, Any]:
    """The tangent of every node ``outputs`` depend on, given the tangents of some nodes.

    ``outputs``: a node (Value or Tensor) or an iterable of nodes. ``seeds``: a mapping
    from nodes (usually the inputs, leaves) to their tangents, ``{x: 1.0}`` for d/dx, an
    array of the node's shape for a Tensor. Returns ``{node: tangent}`` for every node that
    has one: the seeded nodes and every node computed from them (a node that does not
    depend on a seeded node is left out, its tangent being 0). Tangents are plain numbers:
    floats for Values, NumPy arrays of the node's shape and dtype for Tensors. A seeded
    node that is an operation keeps its seed (its parents' tangents are not used).

    ``order``, if given, is ``topological_order(outputs, leaves=False)``, computed once by
    a caller that sweeps the same graph in many directions (``func.jacfwd``).

    >>> from autograd_mini import Value
    >>> x = Value(3.0)
    >>> y = x * x + 2 * x
    >>> forward_pass(y, {x: 1.0})[y]  # dy/dx = 2x + 2
    8.0
    """
    roots = [outputs] if hasattr(outputs, "_op") else list(outputs)
    if order is None:
        order = topological_order(roots, leaves=False)  # 1. order (the operations)
    tangents: dict[Any, Any] = dict(seeds)  # 2. seed
    get = tangents.get
    for node in order:  # 3. visit, parents first
        if node in tangents:
            continue  # a seeded operation: its seed is its tangent
        op = node._op
        arity = op.arity
        jvp = op.jvp
        if not jvp:
            raise no_jvp_error(node)
        if arity == UNARY:
            a = node._a
            ta = get(a)
            if ta is None:
                continue
            t = jvp[0](ta, a.data, node._b, node.data)
        elif arity == BINARY:
            a, b = node._a, node._b
            ta, tb = get(a), get(b)
            if ta is None and tb is None:
                continue
            av, bv, out = a.data, b.data, node.data
            if tb is None:
                t = jvp[0](ta, av, bv, out)
            elif ta is None:
                t = jvp[1](tb, av, bv, out)
            else:
                t = jvp[0](ta, av, bv, out) + jvp[1](tb, av, bv, out)
        else:  # n-ary: one formula takes every parent's tangent (None: it has none)
            ts = [get(p) for p in node._a]
            if all(x is None for x in ts):
                continue
            t = jvp[0](ts, [p.data for p in node._a], node._b, node.data)
        out_data = node.data
        if out_data.__class__ is np.ndarray:
            t = _fit(t, out_data)
        tangents[node] = t
    return tangents


def _fit(t: Any, out: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """A Tensor tangent as an array of the node's shape and dtype: a broadcast operand's
    contribution (``ȧ`` in ``a + b`` with ``a`` of shape (1,)) is broadcast as its value
    was, and a float32 node keeps a float32 tangent, as in PyTorch."""
    if t.__class__ is not np.ndarray:
        t = np.asarray(t)
    if t.shape != out.shape:
        t = np.broadcast_to(t, out.shape)
    if t.dtype != out.dtype:
        t = t.astype(out.dtype)
    return t


def no_jvp_error(node: Any) -> RuntimeError:
    """The error for a node whose rule has no forward-mode formula."""
    name = node._op.name
    return RuntimeError(
        f"forward mode: the rule {name!r} has no JVP (Rule.jvp is empty), so the tangent of "
        f"its {type(node).__name__} cannot be computed; give the rule a jvp= formula beside its "
        "backward one (an autograd.Function: define a jvp(ctx, *tangents) staticmethod), or "
        "use reverse mode (backward, grad, func.vjp, func.jacrev)")
