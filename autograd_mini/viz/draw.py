"""Draw a computation graph, with the local derivative the backward pass uses on every edge.

``draw(z)`` returns a :class:`Drawing`. Each value is a box with its name, data
and gradient; each operation is an oval with its symbol (and its constant: the
``* -2`` in ``g = -2 * w1``); each edge from an input into an operation carries
the local derivative, ``∂g/∂w1 = -2``, computed by the same rule-table call that
``backward()`` makes (``explain.local_derivatives``), so the picture cannot
disagree with the engine.

The DOT text is built with the ``graphviz`` package and laid out by a ``dot``
program: a system Graphviz when one is on PATH, otherwise the self-contained
``graphviz-pure`` executable that autograd_mini depends on, so drawing works
after a plain ``pip install`` with no system packages.

Any node kind following the node protocol can be drawn. A node with a ``shape``
and an ndarray ``data`` (a Tensor) is shown by shape, dtype and a short summary
of its values; its edges are labelled symbolically, because the local derivative
of an array operation is a Jacobian, not a number.

``draw(z, tangents=w1)`` draws the forward reading: each box shows its tangent
``dy/dw1`` (what forward mode carries from the input ``w1`` towards ``z``, computed by
the engine's forward pass) in place of the gradient, and the edges keep their local
derivatives, the factors each tangent is multiplied by on its way.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import BINARY, UNARY, parents, topological_order
from .explain import fmt, local_derivatives, node_names
from .render import DEFAULT_TIMEOUT, RenderError, check_timeout, find_renderers, render

__all__ = [
    "DEFAULT_MAX_NODES", "DEFAULT_TIMEOUT", "Drawing", "RenderError", "draw", "find_renderers",
    "formula", "render",
]

DEFAULT_MAX_NODES = 400
"""Beyond this many values a drawing shows the ones nearest the root (and says so)."""

# Edge labels are laid out as extra nodes, which makes dot's layout ~5x slower; past
# this many drawn values they become "external" labels placed after the layout.
_INLINE_EDGE_LABELS = 120
_FONT = "Helvetica"
_HIGHLIGHT = "#d62728"  # a highlighted path
_DONE = "#d9f2d9"  # step-through: gradient complete and passed on
_CURRENT = "#ffd966"  # step-through: the node being processed
_PENDING = "#fdf1d6"  # step-through: has received part of its gradient
_REFLECTED = {"rsub", "rdiv", "rpow"}  # c - a, c / a, c ** a: the constant comes first
_WITH_CONSTANT = {"add", "sub", "mul", "div", "pow"}


@dataclass
class Drawing:
    """A drawn graph: ``.source`` (DOT), ``.svg()``, ``.save(path)``; shows itself in Jupyter.

    ``timeout`` bounds each run of the dot program, in seconds (None: no limit).
    """

    source: str
    n_values: int
    n_edges: int
    notes: list[str] = field(default_factory=list)
    timeout: float | None = DEFAULT_TIMEOUT

    def _render(self, format: str) -> bytes:
        return render(self.source, format, timeout=self.timeout, n_values=self.n_values)

    def svg(self) -> str:
        """The picture as SVG text (runs the dot program)."""
        return self._render("svg").decode("utf-8")

    def png(self) -> bytes:
        """The picture as PNG bytes."""
        return self._render("png")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path``; its suffix picks the format (.svg, .png, .dot/.gv)."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix in (".dot", ".gv"):
            target.write_text(self.source, encoding="utf-8")
        elif suffix in (".svg", ".png"):
            target.write_bytes(self._render(suffix[1:]))
        else:
            raise ValueError(
                f"Drawing.save: cannot tell the format from {str(path)!r}; "
                "use a name ending in .svg, .png or .dot"
            )
        return target

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # Jupyter shows the SVG; if no dot program runs, say why instead of a traceback.
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except RenderError as exc:
            return {"text/plain": f"{self!r}\n{exc}"}

    def __repr__(self) -> str:
        notes = "".join(f"\n  {n}" for n in self.notes)
        return (f"<Drawing of {self.n_values} values and {self.n_edges} edges: "
                f".svg(), .save(path), .source>{notes}")


# --------------------------------------------------------------------------- text
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """``text`` for a Graphviz HTML-like label: shown literally, valid XML in the SVG.

    ``& < > "`` become entities; backslashes are doubled because dot expands
    ``\\N``, ``\\G`` ... even inside HTML labels; characters XML cannot hold become
    visible escapes (``\\x01``); newlines become line breaks and tabs spaces (dot
    rejects a label of tabs alone).
    """
    text = _XML_ILLEGAL.sub(lambda m: repr(m.group())[1:-1], text).replace("\t", " ")
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\\", "\\\\"))
    return "<br/>".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _number(x: Any, digits: int | None) -> str:
    if digits is not None and isinstance(x, float) and math.isfinite(x) and x != int(x):
        return f"{x:.{digits}g}"
    return fmt(x)


def is_tensor(node: Any) -> bool:
    """A node holding an array: it has a shape and its data is an ndarray."""
    return hasattr(node, "shape") and isinstance(getattr(node, "data", None), np.ndarray)


def shape_text(shape: tuple[int, ...]) -> str:
    """(3, 4) as 3×4; () as 'scalar'."""
    return "×".join(str(n) for n in shape) if shape else "scalar"


def summarize(x: Any, digits: int | None = None) -> str:
    """A short summary of an array: its values when few, else min / mean / max."""
    if x is None:
        return "None"
    arr = np.asarray(x)
    if arr.dtype == object or arr.size == 1:
        return _number(arr.item(), digits) if arr.size == 1 else str(x)[:40]
    if arr.size == 0:
        return "[]"
    precision = 4 if digits is None else digits
    if arr.size <= 6:
        text = np.array2string(arr, precision=precision, separator=", ", threshold=6)
        return " ".join(text.split())
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        return f"{arr.size} values"
    with np.errstate(all="ignore"):
        lo, mean, hi = (float(f(arr)) for f in (np.min, np.mean, np.max))
    return (f"min {lo:.{precision}g}  mean {mean:.{precision}g}  max {hi:.{precision}g}")


def _constant_text(c: Any, digits: int | None) -> str:
    if isinstance(c, (int, float)) and not isinstance(c, bool):
        return _number(float(c), digits)
    if isinstance(c, np.ndarray):
        return summarize(c, digits) if c.size <= 4 else f"array {shape_text(c.shape)}"
    text = repr(c)
    return text if len(text) <= 30 else text[:29] + "…"


def _readable(c: Any) -> bool:
    """A context worth printing: numbers, small arrays, or tuples of axes and flags."""
    if isinstance(c, (int, float, str, np.ndarray)) or c is None:
        return True
    return type(c) in (tuple, list) and all(_readable(x) for x in c)


def op_text(node: Any, digits: int | None = None) -> str:
    """The operation as shown in its oval: the symbol, with its constant if it has one."""
    op = node._op
    symbol = op.symbol or op.name
    if op.arity == BINARY or node._b is None:
        return symbol
    c = node._b
    if op.arity == UNARY and op.name in _REFLECTED:  # c - x, c / x, c ** x
        return f"{_constant_text(c, digits)} {symbol}"
    if op.arity == UNARY and op.name in _WITH_CONSTANT:  # x * c, x + c ...
        return f"{symbol} {_constant_text(c, digits)}"
    return _context_text(op.name, symbol, c, digits)


def _context_text(name: str, symbol: str, c: Any, digits: int | None) -> str:
    """An op with its context as a learner writes it: ``sum dim=1 keepdim``, ``[0, 1:3]``."""
    if name in _REDUCTIONS and isinstance(c, tuple) and len(c) == 2:
        dims, keepdim = c
        if dims is None:
            return symbol + (" keepdim" if keepdim else "")
        dims = dims if isinstance(dims, tuple) else (dims,)
        dim = str(dims[0]) if len(dims) == 1 else str(tuple(dims))
        return f"{symbol} dim={dim}" + (" keepdim" if keepdim else "")
    if name == "getitem" and isinstance(c, tuple) and c:
        index = c[0] if isinstance(c[0], tuple) else (c[0],)
        return "[" + ", ".join(_index_text(i) for i in index) + "]"
    if name in ("softmax", "log_softmax") and isinstance(c, int):
        return f"{symbol} dim={c}"
    if not _readable(c):  # e.g. cross_entropy's table of picks: the name says enough
        return symbol
    return f"{symbol} {_constant_text(c, digits)}"  # a shape, a pair of bounds ...


_REDUCTIONS = {"sum", "mean", "var", "amax", "amin", "max", "min"}


def _index_text(i: Any) -> str:
    if isinstance(i, slice):
        parts = ["" if v is None else str(v) for v in (i.start, i.stop, i.step)]
        return ":".join(parts[:2]) + (f":{parts[2]}" if i.step is not None else "")
    if i is Ellipsis:
        return "..."
    if isinstance(i, np.ndarray):
        return f"{'mask' if i.dtype == bool else 'indices'} {shape_text(i.shape)}"
    return str(i)


def formula(node: Any, names: Mapping[Any, str]) -> str:
    """How ``node`` was computed, in its parents' names: ``w2 + t1``, ``-2 * w1``, ``exp(t3)``."""
    op = node._op
    if op is None:
        return names[node]
    ps = [names[p] for p in parents(node)]
    symbol = op.symbol or op.name
    if op.arity == BINARY:
        return f"{ps[0]} {symbol} {ps[1]}"
    if op.arity != UNARY:
        return f"{symbol}({', '.join(ps)})"
    c = node._b
    if op.name in _REFLECTED:
        return f"{_constant_text(c, None)} {symbol} {ps[0]}"
    if op.name in _WITH_CONSTANT and c is not None:
        if op.name == "mul":  # -2 * w1 reads better than w1 * -2
            return f"{_constant_text(c, None)} {symbol} {ps[0]}"
        return f"{ps[0]} {symbol} {_constant_text(c, None)}"
    if op.name == "neg":
        return f"-{ps[0]}"
    if c is None or not _readable(c):
        return f"{symbol}({ps[0]})"
    return f"{symbol}({ps[0]}, {_constant_text(c, None)})"


# --------------------------------------------------------------------------- the graph
@dataclass
class _Frame:
    """What a backprop step-through frame adds: gradients so far and progress colours."""

    grads: Mapping[Any, Any]
    done: set[Any]
    current: Any


def _edge_derivatives(node: Any) -> list[tuple[Any, Any]]:
    """``[(parent, local derivative or None), ...]`` for every operand edge of ``node``."""
    ps = parents(node)
    if is_tensor(node) or any(is_tensor(p) for p in ps):
        # An array op's local derivative is a Jacobian: print a number only for 1-element arrays.
        if getattr(node, "size", 0) != 1 or any(getattr(p, "size", 0) != 1 for p in ps):
            return [(p, None) for p in ps]
        try:
            found = [(p, np.asarray(d).item()) for p, d in local_derivatives(node)]
        except RuntimeError:  # an op without a derivative (a // b, as in PyTorch): no labels
            return [(p, None) for p in ps]
    else:
        found = local_derivatives(node)
    # local_derivatives leaves out parents that need no gradient; draw their edges anyway.
    result: list[tuple[Any, Any]] = []
    remaining = list(found)
    for p in ps:
        for i, (q, d) in enumerate(remaining):
            if q is p:
                result.append((p, d))
                del remaining[i]
                break
        else:
            result.append((p, None))
    return result


def _chains(order: list[Any], users: dict[Any, int], keep: set[Any],
            min_length: int) -> dict[Any, list[Any]]:
    """Runs of unlabelled one-input, one-use values at least ``min_length`` long.

    Returns ``{last node of the run: [nodes of the run, first to last]}``.
    """
    def link(n: Any) -> bool:
        return (n._op is not None and not getattr(n, "label", "") and n not in keep
                and len(parents(n)) == 1 and users.get(n, 0) == 1)

    runs: dict[Any, list[Any]] = {}
    run_of: dict[Any, list[Any]] = {}
    for n in order:  # parents first, so a run grows from its start
        if not link(n):
            continue
        p = parents(n)[0]
        run = run_of.get(p)
        if run is not None and run[-1] is p:
            run.append(n)
        else:
            run = [n]
        run_of[n] = run
    for run in run_of.values():
        if len(run) >= min_length:
            runs[run[-1]] = run
    return runs


def draw(
    root: Any,
    rankdir: str = "LR",
    *,
    show_grads: bool | None = None,
    highlight: Any = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    collapse: int | None = None,
    digits: int | None = None,
    title: str | None = None,
    grads: Mapping[Any, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    tangents: Any = None,
    _frame: _Frame | None = None,
) -> Drawing:
    """Draw the graph that computed ``root``.

    - ``rankdir``: "LR" (inputs on the left) or "TB", "RL", "BT".
    - ``show_grads``: show each value's ``.grad`` (run ``backward()`` first); by default
      True, but False when ``tangents`` is given (pass True to see both).
    - ``highlight``: a node, or several, whose paths up to ``root`` are drawn in red
      (e.g. ``draw(loss, highlight=w1)`` shows every way w1 influences the loss).
    - ``max_nodes``: draw at most this many values, the ones nearest ``root``; a
      note says how many were left out (None draws everything).
    - ``collapse``: replace runs of at least this many unlabelled single-input
      operations by one box whose edge carries the chain's derivative (their product).
    - ``digits``: round numbers to this many significant digits (default: exact).
    - ``grads``: show these gradients instead of ``.grad`` (``{node: gradient}``).
    - ``tangents``: an input (a one-number leaf): each value shows d value / d input, from
      the engine's forward pass; or the seeds ``{leaf: tangent}`` of a forward pass.
    - ``timeout``: seconds dot may take to lay out the picture (``.svg()``, ``.save()``, in
      Jupyter) before it is stopped with a :class:`RenderError` saying what to try (None: no limit).

    A value read far apart (x at every step of a long chain), whose edges dot would lay out
    very slowly, is drawn at each use if a leaf, else its edges are bundled (with a note).
    """
    _check_options(root, rankdir, max_nodes, collapse)
    timeout = check_timeout(timeout, "draw")
    forward = _forward_reading(root, tangents) if tangents is not None else None
    if show_grads is None:
        show_grads = forward is None

    order = topological_order([root])
    names = node_names(root)
    marked = _on_paths(order, highlight)
    users: dict[Any, int] = {}
    for n in order:
        for p in parents(n):
            users[p] = users.get(p, 0) + 1

    keep = {root} | marked
    if _frame is not None:
        keep.add(_frame.current)
    runs = _chains(order, users, keep, collapse) if collapse else {}
    hidden_in_run = {n for run in runs.values() for n in run[:-1]}
    visible = [n for n in order if n not in hidden_in_run]

    notes: list[str] = []
    if max_nodes is not None and len(visible) > max_nodes:
        visible = _nearest(visible, root, runs, max_nodes)
        notes.append(
            f"showing the {max_nodes} values nearest {names[root]} of {len(order)}; "
            f"draw(..., max_nodes=None) draws them all"
        )
    shown = set(visible)
    if runs:
        n_collapsed = sum(len(r) for r in runs.values() if r[-1] in shown)
        if n_collapsed:
            notes.append(f"{n_collapsed} operations in single-input chains collapsed into boxes")

    far, copies = _far_values(visible, runs, shown, names, notes)
    big = len(visible) > _INLINE_EDGE_LABELS
    dot = _digraph(rankdir, big, len(copies) < len(far), [t for t in (title, *notes) if t])
    scene = _Scene(dot, {n: f"v{i}" for i, n in enumerate(order)}, names, shown, marked,
                   copies, big, show_grads, digits,
                   grads if grads is not None else (_frame.grads if _frame else None), _frame,
                   forward)
    for node in visible:
        scene.value(node, runs.get(node))
    return Drawing(dot.source, len(visible), scene.n_edges, notes, timeout)


def _check_options(root: Any, rankdir: str, max_nodes: int | None,
                   collapse: int | None) -> None:
    if not hasattr(root, "_op"):
        raise TypeError(f"draw: expected a Value or a Tensor, got {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be at least 1 (or None), got {max_nodes}")
    if collapse is not None and collapse < 2:
        raise ValueError(f"draw: collapse must be at least 2 (or None), got {collapse}")


def _digraph(rankdir: str, big: bool, bundle: bool, heading: list[str]) -> Any:
    """An empty DOT graph with the drawing's settings and its heading (title and notes)."""
    import graphviz  # here, not at the top: `import autograd_mini` should stay quick

    dot = graphviz.Digraph(name="autograd_mini")
    dot.attr("graph", rankdir=rankdir, fontname=_FONT, bgcolor="white")
    if big:  # network simplex on a big graph is the slow part of dot: a rougher placement
        dot.attr("graph", nslimit="1", nslimit1="1")
    if bundle:  # long edges from computed values: bundled, placed and routed roughly
        dot.attr("graph", concentrate="true", splines="line", **({} if big else {"nslimit": "5"}))
    dot.attr("node", fontname=_FONT, fontsize="12")
    dot.attr("edge", fontname=_FONT, fontsize="10", color="#555555", arrowsize="0.7")
    if heading:
        dot.attr("graph", label="<" + "<br/>".join(escape(t) for t in heading) + ">",
                 labelloc="t", fontsize="12")
    return dot


@dataclass
class _Scene:
    """The DOT graph being written, and what every box and edge needs to know."""

    dot: Any  # a graphviz.Digraph
    ids: dict[Any, str]
    names: Mapping[Any, str]
    shown: set[Any]
    marked: set[Any]
    copies: dict[Any, int]  # leaves drawn once per use: how many uses
    big: bool  # edge labels placed after the layout (xlabel), not as nodes
    show_grads: bool
    digits: int | None
    grads: Mapping[Any, Any] | None
    frame: _Frame | None
    forward: _Forward | None = None
    n_edges: int = 0

    def label(self, node: Any, run: list[Any] | None = None) -> str:
        style = _node_style(node, self.marked, self.frame)
        tangent = None
        if self.forward is not None:
            tangent = self.forward.cell(node, self.names, self.digits)
        return _value_label(node, self.names[node], self.show_grads, self.grads, self.digits,
                            style, run=run, frame=self.frame, tangent=tangent)

    def value(self, node: Any, run: list[Any] | None) -> None:
        """A value's box, its operation's oval and the edges from its operands."""
        if node in self.copies:
            return  # a leaf drawn at each of its uses: the edges draw its boxes
        vid = self.ids[node]
        self.dot.node(vid, label=self.label(node, run), shape="plain")
        if node._op is None:
            return
        _, pen, border = _node_style(node, self.marked, self.frame)
        if run is not None:  # the box stands for the whole chain; its input edge gets the product
            target = vid
            ps = [(parents(run[0])[0], _chain_product(run))]
        else:
            target = "o" + vid
            self.dot.node(target, label="<" + escape(op_text(node, self.digits)) + ">",
                          shape="ellipse", style="filled", fillcolor="#eef3fb", color=border,
                          penwidth=pen, margin="0.05,0.02", height="0.3")
            self.dot.edge(target, vid, color=border, penwidth=pen)
            ps = _edge_derivatives(node)
        for parent, d in ps:
            self.edge(node, parent, d, target)

    def edge(self, node: Any, parent: Any, d: Any, target: str) -> None:
        """The edge from ``parent`` into ``node``'s operation, labelled with ∂node/∂parent."""
        self.n_edges += 1
        if parent in self.copies:  # this use's own box for the leaf
            source_id = f"{self.ids[parent]}_use{self.n_edges}"
            name = self.names[parent]
            self.dot.node(source_id, label=self.label(parent), shape="plain",
                          tooltip=f"{name}: one value, drawn at each of its "
                                  f"{self.copies[parent]} uses")
        elif parent in self.shown:
            source_id = self.ids[parent]
        else:  # left out by max_nodes: a stub says the graph goes on
            source_id = f"{target}_more{self.n_edges}"
            self.dot.node(source_id, label="<…>", shape="plaintext", fontcolor="#888888")
        text = f"∂{self.names[node]}/∂{self.names[parent]}"
        if d is not None:
            text += f" = {_number(_plain(d), self.digits)}"
        on_path = parent in self.marked and node in self.marked
        sending = self.frame is not None and node is self.frame.current
        color = _HIGHLIGHT if on_path else ("#b45f06" if sending else "#555555")
        attrs = {"color": color, "fontcolor": color if (on_path or sending) else "#333333"}
        if on_path or sending:
            attrs["penwidth"] = "2"
        self.dot.edge(source_id, target, **{"xlabel" if self.big else "label":
                                            f"<{escape(text)}>"}, **attrs)


# A value used at several depths sits left of its highest use, and each of its edges crosses
# one layout rank per step: dot lays every crossing out as a hidden node, and its layout time
# grows much faster than their number (x read at each of 60 steps of a chain: ~15,000
# hidden nodes, 10-20 s). Past this many crossings (x read at every step of a 20-step chain)
# a leaf is drawn at each use, and for any other value the layout is made rougher.
_FAR_CROSSINGS = 400


def _far_used(visible: list[Any], runs: dict[Any, list[Any]],
              shown: set[Any]) -> dict[Any, int]:
    """``{value: number of uses}`` for the drawn values whose edges would span the picture.

    Each value's height is its longest distance from the root (a value and its operation
    are one step each, as dot ranks them). A value is placed past its highest use, so its
    edges cross sum(highest - height of the use) ranks.
    """
    height: dict[Any, int] = {}
    uses: dict[Any, list[int]] = {}
    for n in reversed(visible):  # children before parents: each height is final when read
        h = height.setdefault(n, 0)
        if n._op is None:
            continue
        run = runs.get(n)
        for p in parents(run[0]) if run else parents(n):
            if p in shown:
                height[p] = max(height.get(p, 0), h + 2)
                uses.setdefault(p, []).append(h + 1)
    return {n: len(hs) for n, hs in uses.items()
            if sum(max(hs) - h for h in hs) > _FAR_CROSSINGS}


def _far_values(visible: list[Any], runs: dict[Any, list[Any]], shown: set[Any],
                names: Mapping[Any, str], notes: list[str]
                ) -> tuple[dict[Any, int], dict[Any, int]]:
    """The values used far apart (:func:`_far_used`) and, of them, the leaves drawn at each
    use; the notes saying so are added to ``notes``."""
    far = _far_used(visible, runs, shown)
    copies = {n: k for n, k in far.items() if n._op is None}  # drawn at each use
    if copies:
        notes.append(_copies_note([n for n in visible if n in copies], names))
    bundled = [n for n in visible if n in far and n not in copies]
    if bundled:
        notes.append(f"the edges from {_listed(bundled, names)} are drawn bundled (one line "
                     "that branches towards each use) so that the layout stays quick")
    return far, copies


def _listed(nodes: list[Any], names: Mapping[Any, str]) -> str:
    return ", ".join(names[n] for n in nodes[:3]) + (
        f" and {len(nodes) - 3} more" if len(nodes) > 3 else "")


def _copies_note(leaves: list[Any], names: Mapping[Any, str]) -> str:
    if len(leaves) == 1:
        return (f"{_listed(leaves, names)} is one value, drawn at each of its uses so that "
                "the edges stay short")
    return (f"{_listed(leaves, names)} are drawn at each of their uses (one value each) so "
            "that the edges stay short")


def _plain(d: Any) -> Any:
    return d.item() if hasattr(d, "item") and getattr(d, "size", 1) == 1 else d


def _chain_product(run: list[Any]) -> Any:
    product: Any = 1.0
    for n in run:
        ds = _edge_derivatives(n)
        if not ds or ds[0][1] is None:
            return None
        product = product * ds[0][1]
    return product


def _on_paths(order: list[Any], highlight: Any) -> set[Any]:
    """Nodes on some path from a highlighted node up to the root (the order's last node)."""
    if highlight is None:
        return set()
    starts = list(highlight) if isinstance(highlight, (list, tuple, set)) else [highlight]
    affected = {id(s) for s in starts}
    downstream: list[Any] = []
    for n in order:  # parents first: a node depends on a start if one of its parents does
        if id(n) in affected or any(id(p) in affected for p in parents(n)):
            affected.add(id(n))
            downstream.append(n)
    if not downstream or downstream[-1] is not order[-1]:
        return set()  # the root does not depend on it: no path to draw
    # keep only those the root depends on through affected nodes: walk back from the root
    on_path = {order[-1]}
    for n in reversed(downstream):
        if n in on_path:
            on_path.update(p for p in parents(n) if id(p) in affected)
    return on_path


def _nearest(visible: list[Any], root: Any, runs: dict[Any, list[Any]],
             limit: int) -> list[Any]:
    """The ``limit`` visible values with the fewest operations between them and the root."""
    depth = {root: 0}
    shown = set(visible)
    for n in reversed(visible):  # children before parents: each depth is final when read
        d = depth.get(n)
        if d is None:
            continue
        run = runs.get(n)
        ps = parents(run[0]) if run else parents(n)
        for p in ps:
            if p in shown and depth.get(p, d + 2) > d + 1:
                depth[p] = d + 1
    position = {n: i for i, n in enumerate(visible)}
    chosen = sorted(depth, key=lambda n: (depth[n], -position[n]))[:limit]
    chosen_set = set(chosen)
    return [n for n in visible if n in chosen_set]


def _node_style(node: Any, marked: set[Any], frame: _Frame | None) -> tuple[str, str, str]:
    """(fill colour, pen width, border colour) of a value box."""
    fill = "#ffffff"
    if frame is not None:
        if node is frame.current:
            fill = _CURRENT
        elif node in frame.done:
            fill = _DONE
        elif node in frame.grads:
            fill = _PENDING
    if node in marked:
        return fill, "2", _HIGHLIGHT
    return fill, "1", "#333333"


def _value_label(node: Any, name: str, show_grads: bool, grads: Mapping[Any, Any] | None,
                 digits: int | None, style: tuple[str, str, str], run: list[Any] | None,
                 frame: _Frame | None, tangent: str | None = None) -> str:
    """The HTML-like label of a value box: name | data | grad | tangent (one row)."""
    auto = not getattr(node, "label", "")
    name_html = f"<i>{escape(name)}</i>" if auto else f"<b>{escape(name)}</b>"
    cells = [name_html]
    if run is not None:
        ops = " → ".join(op_text(n, digits) for n in run[:3])
        more = " → …" if len(run) > 3 else ""
        cells.insert(0, escape(f"{len(run)} ops: {ops}{more}"))
    if is_tensor(node):
        dtype = getattr(node.data, "dtype", "")
        cells.append(escape(f"{shape_text(tuple(node.shape))} {dtype}"))
        cells.append(escape(f"data {summarize(node.data, digits)}"))
    else:
        cells.append(escape(f"data {_number(_plain(node.data), digits)}"))
    if show_grads:
        cells.append(escape("grad " + _grad_text(node, grads, digits, frame)))
    if tangent is not None:
        cells.append(escape(tangent))
    fill, pen, border = style
    row = "".join(f'<td bgcolor="{fill}">{c}</td>' for c in cells)
    return (f'<<table border="0" cellborder="{pen}" cellspacing="0" cellpadding="4" '
            f'color="{border}"><tr>{row}</tr></table>>')


def _grad_text(node: Any, grads: Mapping[Any, Any] | None, digits: int | None,
               frame: _Frame | None) -> str:
    if grads is None:
        g = getattr(node, "grad", None)
    elif node in grads:
        g = grads[node]
        if frame is not None and node not in frame.done and node is not frame.current:
            return f"{_summary_or_number(g, digits)} so far"
    else:
        return "–"
    return _summary_or_number(g, digits)


def _summary_or_number(g: Any, digits: int | None) -> str:
    if is_tensor(g):  # a Tensor's .grad is a Tensor: show its numbers
        g = g.data
    if isinstance(g, np.ndarray) and g.size != 1:
        return summarize(g, digits)
    return _number(_plain(g), digits) if g is not None else "None"


# --------------------------------------------------------------------------- forward reading
@dataclass
class _Forward:
    """The tangents a forward drawing shows: ``{node: tangent}`` from the engine's forward
    pass, and the input they are taken with respect to (None for a mapping of seeds)."""

    tangents: Mapping[Any, Any]
    wrt: Any
    later: frozenset[Any] = frozenset()  # step-through: nodes whose tangent is yet to come

    def cell(self, node: Any, names: Mapping[Any, str], digits: int | None) -> str:
        t = self.tangents.get(node)
        text = "0" if t is None else _summary_or_number(t, digits)
        if node in self.later:
            text = "–"
        if self.wrt is None:
            return f"tangent {text}"
        return f"d{names[node]}/d{names[self.wrt]} = {text}"


def _forward_reading(root: Any, tangents: Any) -> _Forward:
    """Check ``draw``'s ``tangents`` and run the engine's forward pass it asks for."""
    from ..engine.forward import forward_pass
    from .forward import check_forward_input, engine_tangents

    if isinstance(tangents, _Forward):  # a step of forward_steps: already computed
        return tangents
    if isinstance(tangents, Mapping):
        if not tangents:
            raise ValueError("draw: tangents={} seeds nothing; give {input: tangent, ...} "
                             "or one input")
        for leaf in tangents:
            check_forward_input(root, leaf, "draw")
        return _Forward(forward_pass([root], dict(tangents)), None)
    if not hasattr(tangents, "_op"):
        raise TypeError("draw: tangents must be an input of the graph (a Value or a Tensor) "
                        f"or a dict {{input: tangent}}, got {type(tangents).__name__}")
    check_forward_input(root, tangents, "draw")
    if getattr(tangents, "size", 1) != 1:
        raise ValueError(
            f"draw: tangents={getattr(tangents, 'label', '') or 'the input'} has shape "
            f"{tuple(tangents.shape)}: d value / d input is then a Jacobian, not one number "
            "per value; pass a direction, tangents={input: array of its shape}"
        )
    return _Forward(engine_tangents(root, tangents), tangents)
