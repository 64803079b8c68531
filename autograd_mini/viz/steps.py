"""Backpropagation one node at a time, for showing it as a sequence.

``backprop_steps(z)`` yields what ``z.backward()`` does, node by node, in the
order the engine does it (the operations in the reverse of
``graph.topological_order``, then the leaves): the node, the gradient it has
received in full, the local derivative towards each parent and what it adds to
each parent's gradient. Each step can be drawn as a frame
in which the nodes already done are green and the current one yellow::

    for step in backprop_steps(z):
        print(step)            # step 1 of 6: z = y * w3 has gradient 1 ...
        display(step)          # in Jupyter: the frame as SVG

The shares are computed by the rule table's own backward formulas with the same
arguments, in the same order and summed the same way as ``graph.backward_pass``,
so every number equals the engine's to the last bit. Nothing is written to
``.grad``: stepping through is only looking.

``forward_steps(z, w1)`` is the forward sweep's counterpart: seeded at the input ``w1``
with dw1/dw1 = 1, each node in topological order (parents first) gets its tangent
dnode/dw1 from its inputs' tangents and the local derivatives, as the engine's forward
pass computes it (``viz/forward.py``). Its frames show the tangents known so far.
"""


from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import backward_pass, parents
from .draw import Drawing, _Forward, _Frame, draw, summarize
from .explain import fmt, fmt_factor, local_derivatives, node_names
from .forward import Tangent, check_forward_input, tangent_sweep

__all__ = ["BackpropStep", "Edge", "ForwardStep", "backprop_steps", "forward_steps"]


class _ShownStep:
    """What a step of either sweep shows in a notebook: its frame (``draw``) as SVG."""

    def draw(self, rankdir: str = "LR", **options: Any) -> Drawing:
        raise NotImplementedError

    def svg(self, rankdir: str = "LR", **options: Any) -> str:
        """This step's frame as SVG text."""
        return self.draw(rankdir, **options).svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = self.draw()._repr_mimebundle_()
        bundle["text/plain"] = str(self)
        return bundle


@dataclass(frozen=True)
class Edge:
    """What one step sends along one operand edge: ``share = gradient · local``."""

    parent: Any
    local: Any  # d node / d parent, f(1, ...) of the rule; None for an array op (a Jacobian)
    share: Any  # what is added to the parent's gradient
    after: Any  # the parent's gradient so far, this share included


@dataclass(frozen=True)
class BackpropStep(_ShownStep):
    """One node's turn in the backward pass."""

    index: int  # 1, 2, ...
    total: int  # how many nodes the pass visits
    node: Any
    gradient: Any  # d root / d node, complete when the node's turn comes
    edges: tuple[Edge, ...]  # one per operand edge (a * a has two); empty for a leaf
    stored: bool  # the engine adds ``gradient`` to ``node.grad`` (leaves, and every Value)
    root: Any
    names: dict[Any, str]
    grads: dict[Any, Any]  # every gradient known after this step (complete or partial)
    done: tuple[Any, ...]  # the nodes whose turn has come, this one included

    @property
    def name(self) -> str:
        return self.names[self.node]

    def lines(self) -> list[str]:
        """What happens in this step, in words and numbers."""
        me = self.name
        root = self.names[self.root]
        g = _show(self.gradient)
        head = f"step {self.index} of {self.total}: {me}"
        if self.index == 1:
            head += f" gets the seed gradient d{root}/d{me} = {g}"
        else:
            head += f" has its complete gradient d{root}/d{me} = {g}"
        out = [head]
        if not self.edges:
            out.append(f"  {me} is a leaf: the gradient stops here"
                       + (f" ({me}.grad += {g})" if self.stored else ""))
            return out
        for e in self.edges:
            p = self.names[e.parent]
            if e.local is None:  # an array op: the local derivative is a Jacobian
                text = f"  to {p}: d{root}/d{me} times the Jacobian d{me}/d{p} = {_show(e.share)}"
            else:
                text = (f"  to {p}: d{root}/d{me} · d{me}/d{p} = {fmt_factor(_item(self.gradient))}"
                        f" · {fmt_factor(_item(e.local))} = {_show(e.share)}")
            out.append(f"{text}   ({p}'s gradient so far: {_show(e.after)})")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def draw(self, rankdir: str = "LR", **options: Any) -> Drawing:
        """This step as a frame: done nodes green, this one yellow, partial gradients so marked.

        Takes :func:`~autograd_mini.draw.draw`'s options (``rankdir``, ``digits`` ...).
        """
        frame = _Frame(grads=self.grads, done=set(self.done), current=self.node)
        options.setdefault("title", f"step {self.index} of {self.total}: {self.name}")
        return draw(self.root, rankdir, _frame=frame, **options)



def _item(x: Any) -> Any:
    return x.item() if hasattr(x, "item") and getattr(x, "size", 1) == 1 else x


def _show(x: Any) -> str:
    x = _item(x)
    return summarize(x) if hasattr(x, "shape") else fmt(x)


def backprop_steps(root: Any, gradient: Any = None) -> Iterator[BackpropStep]:
    """Yield the backward pass from ``root`` one node at a time, as the engine runs it.

    ``gradient`` seeds the root as in ``backward(gradient)`` (default 1). Nodes no
    gradient reaches are skipped, as the engine skips them. ``.grad`` is left alone.
    """
    # the arguments are checked and the pass is run now, so a mistake raises at the call,
    # not at the first next(); the steps are handed out one by one
    if not hasattr(root, "_op"):
        raise TypeError(f"backprop_steps: expected a Value or a Tensor, got {type(root).__name__}")
    seed = root._seed(gradient, False, "backprop_steps")
    return _steps(root, seed, node_names(root), _run(root, seed))


def _steps(root: Any, seed: Any, names: Any, records: list[_Record]) -> Iterator[BackpropStep]:
    grads: dict[Any, Any] = {root: seed}
    done: list[Any] = []
    for index, (node, g, edges, stored, updates) in enumerate(records, 1):
        grads.update(updates)
        done.append(node)
        yield BackpropStep(index, len(records), node, g, edges, stored, root, names,
                           dict(grads), tuple(done))


_Record = tuple[Any, Any, tuple[Edge, ...], bool, list[tuple[Any, Any]]]


def _run(root: Any, seed: Any) -> list[_Record]:
    """Run the engine's own backward pass (writing no ``.grad``) and record each turn:
    the node, its gradient, what it sent along each edge, and the sums that changed."""
    records: list[_Record] = []
    so_far: dict[Any, Any] = {root: seed}

    def observe(node: Any, g: Any, sent: list[tuple[Any, Any]]) -> None:
        local = _locals(node) or [None] * len(sent)  # in operand order, as `sent`
        edges, updates = [], []
        for (parent, share), d in zip(sent, local):
            prev = so_far.get(parent)  # the engine adds the shares in this same order
            so_far[parent] = total = share if prev is None else prev + share
            edges.append(Edge(parent, d, share, total))
            updates.append((parent, total))
        stored = node._op is None or bool(node._retains_grad)
        records.append((node, g, tuple(edges), stored, updates))

    backward_pass([root], [seed], accumulate=False, capture=(), observe=observe)
    return records


def _locals(node: Any) -> list[Any]:
    """d node / d parent for each operand edge of a scalar node, in operand order; none
    for array ops, whose local derivative is a Jacobian, not a number."""
    if any(getattr(x.data, "size", 1) != 1 for x in (node, *parents(node))):
        return []
    return [d for _, d in local_derivatives(node)]


@dataclass(frozen=True)
class ForwardStep(_ShownStep):
    """One node's turn in a forward sweep from ``wrt``: its tangent d node / d wrt."""

    index: int  # 1, 2, ...
    total: int  # how many nodes get a tangent (those that depend on wrt)
    tangent: Tangent  # the node, its terms and the engine's tangent
    root: Any
    wrt: Any
    names: dict[Any, str]
    known: dict[Any, Any]  # every tangent computed up to this step, this one included
    later: frozenset[Any]  # the nodes whose turn is yet to come

    @property
    def node(self) -> Any:
        return self.tangent.node

    @property
    def name(self) -> str:
        return self.names[self.node]

    def lines(self) -> list[str]:
        """What happens in this step, in words and numbers (``∂``: a local derivative)."""
        me, x, row = self.name, self.names[self.wrt], self.tangent
        head = f"step {self.index} of {self.total}: {me}"
        if row.is_seed:
            return [f"{head} gets the seed tangent d{x}/d{x} = {fmt(row.value)}"]
        out = [f"{head} = {_formula(self.node, self.names)} gets its tangent from "
               + ("its input's" if len(row.terms) == 1 else "its inputs'")]
        for p, t, d in row.terms:
            q = self.names[p]
            out.append(f"  from {q}: d{q}/d{x} · ∂{me}/∂{q} = {fmt_factor(t)} · "
                       f"{fmt_factor(d)} = {fmt(t * d)}")
        total = f"  d{me}/d{x} = {fmt(row.total)}"
        if len(row.terms) > 1:
            total = f"  d{me}/d{x} = " + " + ".join(fmt_factor(t * d) for _, t, d in row.terms) \
                + f" = {fmt(row.total)}"
        if fmt(row.total) != fmt(row.value):
            total += f"  (the engine's forward pass: {fmt(row.value)}, added in another order)"
        return [*out, total]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def draw(self, rankdir: str = "LR", **options: Any) -> Drawing:
        """This step as a frame: done nodes green, this one yellow, each box its tangent so
        far (– where it is yet to come). Takes :func:`~autograd_mini.draw.draw`'s options."""
        done = {n for n in self.known if n not in self.later}
        frame = _Frame(grads={}, done=done, current=self.node)
        options.setdefault("title", f"step {self.index} of {self.total}: {self.name}")
        forward = _Forward(self.known, self.wrt, self.later)
        return draw(self.root, rankdir, tangents=forward, _frame=frame, **options)



def _formula(node: Any, names: dict[Any, str]) -> str:
    from .draw import formula

    return formula(node, names)


def forward_steps(root: Any, wrt: Any) -> Iterator[ForwardStep]:
    """Yield the forward sweep from the input ``wrt`` one node at a time, parents first.

    Only the nodes that depend on ``wrt`` get a turn (the others' tangent is 0). Every node
    of the sweep must hold one number, as in :func:`~autograd_mini.explain`; ``wrt`` must be
    a leaf of ``root``'s graph (a ValueError otherwise). Nothing is written to ``.grad``.
    """
    if not hasattr(root, "_op"):
        raise TypeError(f"forward_steps: expected a Value or a Tensor, got {type(root).__name__}")
    order = check_forward_input(root, wrt, "forward_steps")
    names = node_names(root)
    depends = {wrt}
    for node in order:
        if node in depends or not any(p in depends for p in parents(node)):
            continue
        depends.add(node)
    for node in depends:
        if getattr(node, "size", 1) != 1:
            raise ValueError(
                f"forward_steps: {names[node]} has shape {node.shape} and depends on "
                f"{names[wrt]}; a step's tangent must be one number (through an array it is a "
                "vector and the local derivative a Jacobian). Use draw(root, tangents=...)."
            )
    return _forward_steps(root, wrt, names, tangent_sweep(root, wrt, order))


def _forward_steps(root: Any, wrt: Any, names: dict[Any, str],
                   sweep: list[Tangent]) -> Iterator[ForwardStep]:
    known: dict[Any, Any] = {}
    for index, row in enumerate(sweep, 1):
        known[row.node] = row.value
        later = frozenset(r.node for r in sweep[index:])
        yield ForwardStep(index, len(sweep), row, root, wrt, names, dict(known), later)
