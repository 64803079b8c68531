"""The forward reading of the chain rule: tangents carried from one input towards the root.

Reverse mode (``backward()``) starts at the root with d root / d root = 1 and sends the
gradient back to every input at once. Forward mode starts at one input ``x`` with
dx/dx = 1 (the *seed*) and carries each node's *tangent* d node / dx forwards, parents
first: a node's tangent is the sum, over its operand edges, of the parent's tangent times
the local derivative ∂node/∂parent::

    dw1/dw1 = 1                                   (the seed)
    dg/dw1  = dw1/dw1 · ∂g/∂w1 = 1 · (-2) = -2
    dy/dw1  = dg/dw1 · ∂y/∂g   = (-2) · 1 = -2
    dz/dw1  = dy/dw1 · ∂z/∂y   = (-2) · 5 = -10

One sweep gives the derivative of every node with respect to one input; a gradient of a
scalar with respect to n inputs needs n sweeps, one backward pass gives them all. That is
the whole cost argument of notebook 08.

:func:`tangent_sweep` computes these rows with the same local derivatives that
:func:`~autograd_mini.viz.explain.explain` and :func:`~autograd_mini.viz.draw.draw` print
(each rule's table entry applied to a unit input, ``explain.local_derivatives``), and checks
the tangent it shows against the engine's own forward pass (``engine.forward_pass``), so
what is printed is what the engine computes: where the two add the same products in
another order and round differently, the row says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import parents, topological_order

__all__ = ["Tangent", "check_forward_input", "engine_tangents", "tangent_sweep"]


@dataclass(frozen=True)
class Tangent:
    """One node's tangent d node / d wrt in a forward sweep.

    ``terms`` has one ``(parent, parent's tangent, ∂node/∂parent)`` per operand edge that
    carries a tangent (a parent that depends on ``wrt``); the seed has none. ``value`` is the
    engine's tangent, ``total`` the sum of the terms as printed (equal but for rounding).
    """

    node: Any
    terms: tuple[tuple[Any, Any, Any], ...]
    value: Any
    total: Any

    @property
    def is_seed(self) -> bool:
        return not self.terms


def check_forward_input(root: Any, wrt: Any, who: str) -> list[Any]:
    """``root``'s topological order, after checking that ``wrt`` is one of its inputs.

    A forward sweep is seeded at an input: a leaf of ``root``'s graph. A node computed
    from others has its tangent *made* by the sweep, so it cannot be seeded; a node outside
    the graph would seed nothing (every tangent 0). Both are a ValueError saying what to pass.
    """
    from .explain import node_names

    order = topological_order([root])
    names = node_names(root)  # the names explain and draw print: labels, else t1, t2, ...
    root_name = names[root]
    wrt_name = names.get(wrt) or getattr(wrt, "label", "") or "the input"
    listed = ", ".join(names[n] for n in order if n._op is None)
    if wrt not in names:
        raise ValueError(
            f"{who}: forward mode seeds a tangent at an input of {root_name}'s graph, and "
            f"{wrt_name} is not in it (every tangent would be 0); pass one of its leaves "
            f"({listed})"
        )
    if not getattr(wrt, "requires_grad", True):
        raise ValueError(
            f"{who}: {wrt_name} does not require grad, so the graph recorded no edge from it "
            f"and no tangent can flow; make it with requires_grad=True"
        )
    if wrt._op is not None:
        raise ValueError(
            f"{who}: forward mode seeds a tangent at an input (a leaf), and {wrt_name} is "
            f"computed by {wrt._op.name}: its tangent comes from its inputs' tangents; pass "
            f"one of the leaves ({listed}), or use mode='reverse' for d{root_name}/d{wrt_name}"
        )
    return order


def engine_tangents(root: Any, wrt: Any) -> dict[Any, Any]:
    """``{node: d node / d wrt}`` from the engine's forward pass, seeded with 1 at ``wrt``
    (a unit of ``wrt``'s shape and dtype for a one-element Tensor)."""
    from ..engine.forward import forward_pass
    from .explain import unit_gradient

    return forward_pass([root], {wrt: unit_gradient(wrt)})


def tangent_sweep(root: Any, wrt: Any, order: list[Any] | None = None) -> list[Tangent]:
    """The forward sweep from ``wrt``: one :class:`Tangent` per node that depends on it,
    parents first (``wrt`` itself, the seed, is first). Nodes not listed have tangent 0.

    Every node of the sweep must hold one number (the caller checks this, as ``explain``
    does): through an array, ∂node/∂parent is a Jacobian and a tangent a vector.
    """
    from .explain import as_number, local_derivatives, unit_gradient

    order = topological_order([root]) if order is None else order
    engine = engine_tangents(root, wrt)
    seed = as_number(unit_gradient(wrt))
    rows = [Tangent(wrt, (), _number_or(engine.get(wrt), seed), seed)]
    carried: dict[Any, Any] = {wrt: seed}
    for node in order:
        if node is wrt or node._op is None or not any(p in carried for p in parents(node)):
            continue
        terms = tuple((p, carried[p], d) for p, d in local_derivatives(node) if p in carried)
        total: Any = 0.0
        for i, (_, t, d) in enumerate(terms):
            total = t * d if i == 0 else total + t * d
        value = _number_or(engine.get(node), total)
        carried[node] = value  # the next rows start from the engine's number, as it does
        rows.append(Tangent(node, terms, value, total))
    return rows


def _number_or(x: Any, fallback: Any) -> Any:
    """The engine's tangent as a number (a one-element array unwrapped), or ``fallback``
    when the engine has none for the node (a node no tangent reaches)."""
    from .explain import as_number

    return fallback if x is None else as_number(x)
