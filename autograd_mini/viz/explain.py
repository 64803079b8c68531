"""Explain a gradient as the chain rule with numbers.

``explain(z, w1)`` lists every path from ``w1`` up to ``z``. Along a path the chain
rule multiplies the local derivatives, and the gradient is the sum over paths::

    dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2) = -10

``explain(z, w1, mode="forward")`` reads the same products from the input side, as forward
mode computes them (the product grows from w1 towards z), and adds the forward sweep: each
node's tangent d node / d w1 (``viz/forward.py``)::

    dz/dw1 = dg/dw1 · dy/dg · dz/dy = (-2) · 1 · 5 = -10

Local derivatives come from the same rule table the backward pass uses (each
rule's gradient formula evaluated with an incoming gradient of 1), so the
explanation cannot drift from what the engine computes.
"""

from __future__ import annotations

import heapq
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import BINARY, UNARY, parents, shares_of, topological_order
from .forward import Tangent, check_forward_input, tangent_sweep

__all__ = ["Explanation", "PathTerm", "explain", "fmt", "fmt_factor", "node_names"]


def fmt(x: Any) -> str:
    """A number as a learner would write it: 5, -2, 4.05, 2.9 (shortest exact repr)."""
    if hasattr(x, "item") and getattr(x, "size", 1) == 1:
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e16:
        return str(int(x)) if x != 0 else "0"
    return repr(x)


def fmt_factor(x: Any) -> str:
    """A number inside a product: negatives in parentheses, 5 · (-2)."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


def node_names(root: Any) -> dict[Any, str]:
    """Labels where the user gave them; t1, t2, ... elsewhere, in the order of
    ``topological_order`` (each after its inputs, operands left to right)."""
    names: dict[Any, str] = {}
    order = topological_order([root])
    used = {n.label for n in order if getattr(n, "label", "")}
    k = 0
    for node in order:
        if getattr(node, "label", ""):
            names[node] = node.label
            continue
        k += 1
        while f"t{k}" in used:
            k += 1
        names[node] = f"t{k}"
    return names


def unit_gradient(node: Any) -> Any:
    """The incoming gradient 1 in the form ``node``'s rule takes: ``1.0`` for a Value, an
    array of ones of the node's shape and dtype for a Tensor (whose rules read ``g.shape``
    and compute in ``g``'s dtype, as the engine's seed is made)."""
    data = node.data
    return np.ones(data.shape, data.dtype) if isinstance(data, np.ndarray) else 1.0


def as_number(d: Any) -> Any:
    """A one-element array as a number (a NumPy scalar of its dtype, so products keep the
    precision the engine computes in); anything else unchanged."""
    if isinstance(d, np.ndarray) and d.size == 1:
        return d.reshape(())[()]
    return d


def local_derivatives(node: Any) -> list[tuple[Any, Any]]:
    """``[(parent, d node / d parent), ...]`` for each operand edge (a*a has two).

    The node's rule is applied to the gradient 1 (:func:`unit_gradient`). A Tensor rule
    returns its share as an array of the parent's shape: a one-element one is given as a
    number; for bigger ones it is the sum of a Jacobian's rows, no local derivative.
    """
    op = node._op
    if op is None:
        return []
    g, out = unit_gradient(node), node.data
    if op.arity == UNARY:
        found = [(node._a, op.backward[0](g, node._a.data, node._b, out))]
    elif op.arity == BINARY:
        a, b = node._a, node._b
        found = [(parent, d(g, a.data, b.data, out))
                 for parent, d in zip((a, b), op.backward) if parent.requires_grad]
    else:
        shares = shares_of(op, op.backward[0](g, [p.data for p in node._a], node._b, out))
        found = [(p, s) for p, s in zip(node._a, shares) if s is not None and p.requires_grad]
    return [(p, as_number(d)) for p, d in found]


@dataclass
class PathTerm:
    """One path from ``wrt`` to the root: its nodes and the local derivative of each step.

    Reverse mode lists them from the root down (``nodes[0]`` is the root, ``factors[0]``
    d nodes[0] / d nodes[1]); ``forward=True``, from ``wrt`` up (``nodes[0]`` is ``wrt``,
    ``factors[0]`` d nodes[1] / d nodes[0]). ``value`` multiplies them in that order.
    """

    nodes: list[Any]
    factors: list[Any]
    forward: bool = False

    def derivatives(self) -> list[tuple[Any, Any]]:
        """``(top, bottom)`` of each factor d top / d bottom, in the order of ``factors``."""
        steps = list(zip(self.nodes, self.nodes[1:]))
        return [(b, a) for a, b in steps] if self.forward else steps

    @property
    def value(self) -> Any:
        product: Any = 1.0
        for f in self.factors:
            product = product * f
        return product


@dataclass
class Explanation:
    """The chain rule for d root / d wrt, path by path. ``str()`` gives the text."""

    root: Any
    wrt: Any
    names: dict[Any, str]
    terms: list[PathTerm]
    n_paths: int
    total: Any
    engine_total: Any
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    mode: str = "reverse"
    sweep: list[Tangent] = field(default_factory=list)  # forward mode: each node's tangent

    def _d(self, top: Any, bottom: Any) -> str:
        return f"d{self.names[top]}/d{self.names[bottom]}"

    def lines(self) -> list[str]:
        """The derivation, one line per path, then the sum when there is more than one."""
        head = self._d(self.root, self.wrt)
        if self.n_paths == 0:
            return [f"{head} = 0  ({self.names[self.wrt]} does not affect {self.names[self.root]})"]
        out = []
        for i, term in enumerate(self.terms, 1):
            if self.root is self.wrt:
                out.append(f"{head} = 1")
                continue
            prefix = head if self.n_paths == 1 else f"path {i}: {head}"
            if len(term.factors) == 1:  # one edge: the local derivative is the whole story
                out.append(f"{prefix} = {fmt(term.value)}")
                continue
            symbolic = " · ".join(self._d(a, b) for a, b in term.derivatives())
            numbers = " · ".join(fmt_factor(f) for f in term.factors)
            out.append(f"{prefix} = {symbolic} = {numbers} = {fmt(term.value)}")
        if not self.complete:
            out.insert(0, f"{head}: {self.n_paths} paths lead from {self.names[self.wrt]} to "
                          f"{self.names[self.root]}, too many to list; the {len(self.terms)} "
                          "largest contributions:")
            out.append(f"{head} = {fmt(self.engine_total)}  (sum over all {self.n_paths} paths)")
        elif self.n_paths > 1:
            parts = " + ".join(fmt_factor(t.value) for t in self.terms)
            out.append(f"{head} = {parts} = {fmt(self.total)}")
        return out + self.sweep_lines() + self.notes

    def sweep_lines(self) -> list[str]:
        """Forward mode: the tangent of each node from its inputs', parents first (none in
        reverse mode). ``d·/dw`` is a tangent, ``∂·/∂·`` a local derivative."""
        if not self.sweep:
            return []
        me = self.names[self.wrt]
        out = [f"forward sweep: the tangent d·/d{me} of each node, from its inputs' tangents "
               "(∂: a local derivative)"]
        for row in self.sweep:
            tangent = self._d(row.node, self.wrt)
            if row.is_seed:
                out.append(f"  {tangent} = {fmt(row.value)}  (the seed)")
                continue
            symbolic = " + ".join(f"{self._d(p, self.wrt)} · ∂{self.names[row.node]}/"
                                  f"∂{self.names[p]}" for p, _, _ in row.terms)
            numbers = " + ".join(f"{fmt_factor(t)} · {fmt_factor(d)}" for _, t, d in row.terms)
            line = f"  {tangent} = {symbolic} = {numbers} = {fmt(row.total)}"
            if _number(row.total) != _number(row.value):
                line += f"  (the engine's forward pass: {fmt(row.value)}, added in another order)"
            out.append(line)
        swept = {row.node for row in self.sweep}
        rest = [self.names[n] for n in topological_order([self.root]) if n not in swept]
        if rest:
            they = "it does" if len(rest) == 1 else "they do"
            out.append(f"  {', '.join(rest)}: tangent 0 ({they} not depend on {me})")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<Explanation of {self._d(self.root, self.wrt)}: {len(self.terms)} path(s)>\n{self}"

    def _repr_html_(self) -> str:  # Jupyter without MathJax too: stacked fractions
        from .notebook import explanation_html

        return explanation_html(self)

    def _repr_latex_(self) -> str:
        """The derivation as an aligned equation, for Jupyter (same numbers as ``str()``);
        in forward mode the sweep's rows follow the paths'."""
        paths = self._paths_latex()
        rows = self._sweep_latex()
        end = r"\end{aligned}$$"
        if not rows or not paths.endswith(end):
            return paths
        return paths[: -len(end)] + r" \\ " + r" \\ ".join(rows) + end

    def _sweep_latex(self) -> list[str]:
        """The forward sweep's rows: tangents as d/d fractions, local derivatives as ∂/∂."""
        def frac(top: Any, bottom: Any, d: str = "d") -> str:
            return rf"\frac{{{d} {_tex(self.names[top])}}}{{{d} {_tex(self.names[bottom])}}}"

        partial = r"\partial"
        rows = []
        for row in self.sweep:
            head = frac(row.node, self.wrt)
            if row.is_seed:
                rows.append(rf"{head} &= {fmt(row.value)} \quad \text{{(the seed)}}")
                continue
            chain = " + ".join(rf"{frac(p, self.wrt)} \cdot {frac(row.node, p, partial)}"
                               for p, _, _ in row.terms)
            nums = " + ".join(rf"{fmt_factor(t)} \cdot {fmt_factor(d)}" for _, t, d in row.terms)
            rows.append(rf"{head} &= {chain} = {nums} = {fmt(row.total)}")
        return rows

    def _paths_latex(self) -> str:
        def d(top: Any, bottom: Any) -> str:
            return (rf"\frac{{\partial {_tex(self.names[top])}}}"
                    rf"{{\partial {_tex(self.names[bottom])}}}")

        head = d(self.root, self.wrt)
        if self.n_paths == 0:
            return (rf"$${head} = 0 \quad \text{{(}}{_tex(self.names[self.wrt])}"
                    rf"\text{{ does not affect }}{_tex(self.names[self.root])}\text{{)}}$$")
        if self.root is self.wrt:
            return rf"$${head} = 1$$"

        def product(term: PathTerm) -> str:
            chain = r" \cdot ".join(d(a, b) for a, b in term.derivatives())
            if len(term.factors) == 1:
                return f"{chain} = {fmt(term.value)}"
            nums = r" \cdot ".join(fmt_factor(f) for f in term.factors)
            return f"{chain} = {nums} = {fmt(term.value)}"

        if self.n_paths == 1:
            return rf"$$\begin{{aligned}}{head} &= {product(self.terms[0])}\end{{aligned}}$$"
        if self.complete:
            rows = [rf"{head} &= \text{{the sum over {self.n_paths} paths:}}"]
        else:
            rows = [rf"{head} &= \text{{the sum over {self.n_paths} paths, too many to list; "
                    rf"the {len(self.terms)} largest:}}"]
        rows += [rf"\text{{path {i}:}}\; & {product(t)}" for i, t in enumerate(self.terms, 1)]
        if self.complete:
            parts = " + ".join(fmt_factor(t.value) for t in self.terms)
            rows.append(rf"{head} &= {parts} = {fmt(self.total)}")
        else:
            rows.append(rf"{head} &= {fmt(self.engine_total)} \quad "
                        rf"\text{{(sum over all {self.n_paths} paths)}}")
        return r"$$\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$$"


def _tex(name: str) -> str:
    special = {"\\": r"\backslash{}", "_": r"\_", "{": r"\{", "}": r"\}", "#": r"\#",
               "$": r"\$", "%": r"\%", "&": r"\&", "^": r"\^{}", "~": r"\~{}"}
    return r"\mathit{" + "".join(special.get(c, c) for c in name) + "}"


def explain(root: Any, wrt: Any, max_paths: int = 12, mode: str = "reverse") -> Explanation:
    """The chain rule for d root / d wrt with numbers, one line per path.

    ``mode="reverse"`` (the default) reads each path from the root down, as the backward
    pass multiplies: ``dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2)``. ``mode="forward"``
    reads it from the input up, as forward mode does, ``dz/dw1 = dg/dw1 · dy/dg · dz/dy =
    (-2) · 1 · 5``, and adds the forward sweep: every node's tangent d node / d wrt from its
    inputs', checked against the engine's forward pass. Forward mode is seeded at an input,
    so there ``wrt`` must be a leaf of ``root``'s graph (a ValueError otherwise).

    ``root`` and ``wrt`` are Values (or one-element Tensors). When more than
    ``max_paths`` paths lead from ``wrt`` to ``root``, it says how many there are
    and shows the ``max_paths`` contributions largest in size, found without
    listing every path. ``max_paths`` is an int >= 1; there is no "no limit" (the
    number of paths can grow exponentially with the graph), so to see every path
    pass a number at least as large as the count the explanation reports.
    """
    _check_max_paths(max_paths)
    if mode not in ("reverse", "forward"):
        raise ValueError(f"explain: mode must be 'reverse' or 'forward', got {mode!r}")
    for what, node in (("root", root), ("wrt", wrt)):
        if not hasattr(node, "_op"):
            raise TypeError(
                f"explain: {what} must be a Value or a Tensor, got {type(node).__name__}"
            )
        if getattr(node, "size", 1) != 1:
            raise ValueError(
                f"explain: {what} has shape {node.shape}; the chain rule with numbers needs "
                "scalars (a Value or a one-element Tensor). Use draw() to see array graphs."
            )
    if mode == "forward":
        order = check_forward_input(root, wrt, "explain")
    else:
        order = topological_order([root])  # parents before children
    names = node_names(root)
    position = {node: i for i, node in enumerate(order)}
    if wrt not in position:
        return Explanation(root, wrt, {**names, wrt: getattr(wrt, "label", "") or "x"}, [], 0,
                           0.0, 0.0)
    edges = _edges_to(wrt, order[position[wrt] + 1 :])
    # Number of paths from each node down to wrt (nodes before wrt cannot reach it).
    n_paths: dict[Any, int] = {wrt: 1}
    for node in order[position[wrt] + 1 :]:
        n_paths[node] = sum(n_paths.get(p, 0) for p, _ in edges.get(node, ()))
    _check_one_number_each(root, wrt, n_paths, names)
    total_paths = n_paths.get(root, 0)
    sweep = tangent_sweep(root, wrt, order) if mode == "forward" else []
    engine_total = sweep[-1].value if sweep and sweep[-1].node is root else (
        0.0 if sweep else _engine_gradient(root, wrt))
    if total_paths <= max_paths:
        terms = _all_paths(root, wrt, edges, n_paths)
        complete = True
    else:
        terms = _largest_paths(root, wrt, edges, n_paths, order, position, max_paths)
        complete = False
    if mode == "forward":
        terms = [_forward_term(t) for t in terms]
    total: Any = 0.0
    for t in terms:
        total = total + t.value
    notes = []
    if complete and terms and _number(total) != _number(engine_total):
        pass_name = "forward pass's tangent" if mode == "forward" else "gradient"
        notes.append(
            f"(the engine's {pass_name} is {fmt(engine_total)}: it adds the same products in "
            "another order, and floating-point rounding depends on the order)"
        )
    return Explanation(root, wrt, names, terms, total_paths, total, engine_total, complete, notes,
                       mode, sweep)



def _edges_to(wrt: Any, later: list[Any]) -> dict[Any, list[tuple[Any, Any]]]:
    """The local derivatives of the nodes computed from ``wrt`` (``later``: the nodes after
    it, in topological order); no other node is on a path, and its rule is not run."""
    depends = {wrt}
    edges = {}
    for node in later:
        if any(p in depends for p in parents(node)):
            depends.add(node)
            edges[node] = local_derivatives(node)
    return edges


def _check_one_number_each(root: Any, wrt: Any, n_paths: dict[Any, int],
                           names: dict[Any, str]) -> None:
    """Every node on a path must hold one number: through an array the chain rule's factor
    is a Jacobian, and the products of numbers this explanation prints would be wrong."""
    for node, count in n_paths.items():
        if count and getattr(node, "size", 1) != 1:
            raise ValueError(
                f"explain: {names[node]} has shape {node.shape} and lies on a path from "
                f"{names[wrt]} to {names[root]}; the chain rule with numbers needs one number "
                "at each node of a path (through an array, a step's factor is a Jacobian). "
                "Use backprop_steps() or draw() to follow the gradient through arrays."
            )


def _check_max_paths(max_paths: Any) -> None:
    """An int >= 1 (any integer type but bool); a clear TypeError or ValueError otherwise."""
    if isinstance(max_paths, bool) or not isinstance(max_paths, numbers.Integral):
        raise TypeError(f"explain: {_MAX_PATHS_EXPECTED}, got {max_paths!r}")
    if max_paths < 1:
        raise ValueError(f"explain: {_MAX_PATHS_EXPECTED}, got {max_paths!r}")


_MAX_PATHS_EXPECTED = "max_paths must be an int >= 1 (how many paths to list at most)"


def _number(x: Any) -> float:
    return float(x.item() if hasattr(x, "item") else x)


def _engine_gradient(root: Any, wrt: Any) -> Any:
    from ..engine import backward_pass

    seed = root._seed(None, False, "explain")
    g = backward_pass([root], [seed], accumulate=False, capture=[wrt]).get(wrt, 0.0)
    return g.item() if hasattr(g, "item") else g


# A path is kept as a chain of shared links, each one node and the factor of its edge, so a
# path one step longer than another costs one link, not a copy (which made explaining a
# chain of n steps take time ~ n · paths · length: 13 s for 5,000 steps).
_Link = tuple[Any, Any, "_Link | None"]  # (node, factor of its edge to the next node, next)


def _term(link: _Link) -> PathTerm:
    """The path a chain of links stands for, its first node first."""
    nodes, factors = [], []
    at: _Link | None = link
    while at is not None:
        node, factor, at = at
        nodes.append(node)
        if at is not None:
            factors.append(factor)
    return PathTerm(nodes, factors)


def _all_paths(
    root: Any, wrt: Any, edges: dict[Any, Any], n_paths: dict[Any, int]
) -> list[PathTerm]:
    """Every path root -> ... -> wrt, by an explicit-stack depth-first search."""
    terms: list[PathTerm] = []
    # (node, the path from root to it as links from the node back to root)
    stack: list[tuple[Any, _Link]] = [(root, (root, None, None))]
    while stack:
        node, back = stack.pop()
        if node is wrt:
            terms.append(_reversed_term(back))
            continue
        for parent, d in reversed(edges.get(node, [])):
            if n_paths.get(parent, 0):
                stack.append((parent, (parent, d, back)))
    return terms


def _reversed_term(back: _Link) -> PathTerm:
    """The path of links that run from its last node back to its first, first node first."""
    term = _term(back)
    term.nodes.reverse()
    term.factors.reverse()
    return term


def _forward_term(term: PathTerm) -> PathTerm:
    """A root-first path read from ``wrt`` up, as forward mode multiplies."""
    return PathTerm(term.nodes[::-1], term.factors[::-1], forward=True)


def _largest_paths(
    root: Any, wrt: Any, edges: dict[Any, Any], n_paths: dict[Any, int],
    order: list[Any], position: dict[Any, int], k: int,
) -> list[PathTerm]:
    """The k paths whose products are largest in absolute value.

    Dynamic programming from wrt upwards: a node's k best paths down to wrt are
    among (edge factor x one of the k best paths of a parent), because scaling by the
    edge's factor keeps the ranking of the parent's paths. Exact, and linear in the
    number of edges (times k log k), however many paths there are: each path is one
    new link onto a parent's path.
    """
    best: dict[Any, list[tuple[float, _Link]]] = {wrt: [(1.0, (wrt, None, None))]}
    for node in order[position[wrt] + 1 :]:
        if not n_paths.get(node):
            continue
        candidates = []
        for parent, d in edges[node]:
            size_d = abs(_number(d))
            for size, path in best.get(parent, []):
                candidates.append((size * size_d, (node, d, path)))
        best[node] = heapq.nlargest(k, candidates, key=lambda c: c[0])
    return [_term(path) for _, path in best[root]]
