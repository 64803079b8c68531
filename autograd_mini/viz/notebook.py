"""Rich display in Jupyter: the HTML that ``Value``, ``Tensor``, ``nn.Module``, explanations
and training histories show as the last line of a notebook cell.

Each class has a one-line ``_repr_html_`` that calls a builder here, so the classes stay
small and this module (with the drawing it may use) loads only when a notebook first
shows something. The plain-text ``repr`` of every class is unchanged. Every number shown
is the engine's own (``.data``, ``.grad``, the explanation's factors, the history's
losses), formatted as ``explain`` formats them; nothing is recomputed.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from .explain import fmt, fmt_factor

__all__ = ["explanation_html", "history_html", "loss_plot_svg", "module_html", "tensor_html",
           "value_html"]

MAX_DRAWN_NODES = 30
"""A Value whose graph has at most this many nodes shows its drawing under its card."""

_STYLE = ("font-family: Helvetica, Arial, sans-serif; font-size: 13px; "
          "border-collapse: collapse; margin: 2px 0")
_CELL = "padding: 2px 8px; border: 1px solid #ddd; text-align: left"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _table(rows: list[tuple[str, str]], caption: str) -> str:
    """A two-column table; the values are HTML already escaped by the caller."""
    body = "".join(f"<tr><th style='{_CELL}'>{_e(k)}</th><td style='{_CELL}'>{v}</td></tr>"
                   for k, v in rows)
    return (f"<table class='autograd-mini' style='{_STYLE}'>"
            f"<caption style='text-align: left; font-weight: bold'>{caption}</caption>"
            f"{body}</table>")


# --------------------------------------------------------------------------- Value
def value_html(v: Any) -> str:
    """A Value's card (label, data, grad, the operation that made it), then its graph when
    the graph is small enough to read (at most :data:`MAX_DRAWN_NODES` nodes)."""
    from ..engine import topological_order

    rows = [("data", _e(fmt(v.data))), ("grad", _e(fmt(v.grad)))]
    if v.label:
        rows.insert(0, ("label", _e(v.label)))
    rows.append(("made by", _e(v.op) if v.op else "a leaf (made by you)"))
    card = _table(rows, "Value")
    nodes = topological_order([v])
    if len(nodes) < 2 or len(nodes) > MAX_DRAWN_NODES:
        return card
    from .draw import RenderError, draw

    try:
        svg = draw(v).svg()
    except RenderError as exc:
        return card + f"<p style='color: #a00'>(the graph could not be drawn: {_e(exc)})</p>"
    return card + f"<div class='autograd-mini-graph'>{_strip_xml_header(svg)}</div>"


def _strip_xml_header(svg: str) -> str:
    """An SVG document without its ``<?xml ...?>`` and DOCTYPE, to sit inside HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


# --------------------------------------------------------------------------- Tensor
def _numbers(a: np.ndarray[Any, Any]) -> str:
    """All the numbers when there are few, otherwise min, mean, max to 4 digits (and how many
    are nan or infinite)."""
    if a.size <= 8:
        return _e(np.array2string(a, separator=", "))
    if a.dtype.kind == "b":
        return _e(f"{int(a.sum())} True, {a.size - int(a.sum())} False")
    finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
    parts = []
    if finite.size:
        parts.append(f"min {finite.min().item():.4g}, mean {finite.mean().item():.4g}, "
                     f"max {finite.max().item():.4g}")
    if finite.size != a.size:
        n_nan = int(np.isnan(a).sum())
        parts.append(f"{n_nan} nan, {a.size - finite.size - n_nan} ±inf")
    return _e("; ".join(parts))


def tensor_html(t: Any) -> str:
    """A Tensor's shape, dtype, how it was made, a summary of its numbers and of its grad."""
    a = t.data
    shape = "(" + ", ".join(str(n) for n in a.shape) + ("," if a.ndim == 1 else "") + ")"
    rows = [("shape", _e(shape)), ("dtype", _e(a.dtype))]
    if t.label:
        rows.insert(0, ("label", _e(t.label)))
    made = f"{_e(t._op.name)}" if t._op is not None else "a leaf (made by you)"
    rows.append(("made by", made))
    rows.append(("requires_grad", _e(bool(t.requires_grad))))
    rows.append(("values", _numbers(a)))
    rows.append(("grad", "None" if t.grad is None else _numbers(np.asarray(t.grad.data))))
    return _table(rows, "Tensor")


# --------------------------------------------------------------------------- nn.Module
def module_html(m: Any) -> str:
    """A module's layers (every sub-module that holds parameters directly, or none at all
    below it) with their parameter counts, and the total."""
    head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in ("name", "layer", "parameters"))
    rows = []
    for name, sub in m.named_modules():
        if sub is m and list(sub.named_children()):
            continue  # the container itself: its total is the last row
        own = sum(p.numel() for _, p in sub.named_parameters(recurse=False))
        if list(sub.named_children()) and not own:
            continue  # a container inside: its layers have their own rows
        rows.append(f"<tr><td style='{_CELL}'><code>{_e(name or type(sub).__name__)}</code></td>"
                    f"<td style='{_CELL}'><code>{_e(_one_line(sub))}</code></td>"
                    f"<td style='{_CELL}; text-align: right'>{own:,}</td></tr>")
    total = sum(p.numel() for p in m.parameters())
    trainable = sum(p.numel() for p in m.parameters() if p.requires_grad)
    foot = (f"<tr><th style='{_CELL}' colspan='2'>total ({_e(type(m).__name__)})</th>"
            f"<th style='{_CELL}; text-align: right'>{total:,}</th></tr>")
    note = "" if trainable == total else f"<p>{trainable:,} of them trainable</p>"
    return (f"<table class='autograd-mini' style='{_STYLE}'><caption style='text-align: left; "
            f"font-weight: bold'>{_e(type(m).__name__)}</caption><tr>{head}</tr>"
            + "".join(rows) + foot + "</table>" + note)


def _one_line(m: Any) -> str:
    if list(m.named_children()):
        return type(m).__name__
    return f"{type(m).__name__}({m.extra_repr()})"


# --------------------------------------------------------------------------- explain
_FRAC = ("display: inline-flex; flex-direction: column; vertical-align: middle; "
         "text-align: center; margin: 0 2px")


def _frac(top: str, bottom: str) -> str:
    return (f"<span style='{_FRAC}'><span style='border-bottom: 1px solid; padding: 0 2px'>"
            f"∂{_e(top)}</span><span style='padding: 0 2px'>∂{_e(bottom)}</span></span>")


def explanation_html(ex: Any) -> str:
    """The chain rule as an equation with stacked fractions: the same rows and numbers as
    ``str(explain(...))`` and its ``_repr_latex_``, readable without MathJax."""
    names = ex.names

    def d(top: Any, bottom: Any) -> str:
        return _frac(names[top], names[bottom])

    head = d(ex.root, ex.wrt)
    rows: list[tuple[str, str]] = []
    if ex.n_paths == 0:
        rows.append((head, f"= 0 ({_e(names[ex.wrt])} does not affect {_e(names[ex.root])})"))
    elif ex.root is ex.wrt:
        rows.append((head, "= 1"))
    else:
        for i, term in enumerate(ex.terms, 1):
            chain = " · ".join(d(a, b) for a, b in term.derivatives())
            nums = " · ".join(_e(fmt_factor(f)) for f in term.factors)
            value = _e(fmt(term.value))
            text = (f"= {chain} = {value}" if len(term.factors) == 1
                    else f"= {chain} = {nums} = {value}")
            rows.append((head if ex.n_paths == 1 else f"path {i}:", text))
        if not ex.complete:
            rows.insert(0, (head, f"= the sum over {ex.n_paths} paths, too many to list; the "
                                  f"{len(ex.terms)} largest:"))
            rows.append((head, f"= {_e(fmt(ex.engine_total))} (sum over all {ex.n_paths} paths)"))
        elif ex.n_paths > 1:
            parts = " + ".join(_e(fmt_factor(t.value)) for t in ex.terms)
            rows.insert(0, (head, f"= the sum over {ex.n_paths} paths:"))
            rows.append((head, f"= {parts} = {_e(fmt(ex.total))}"))
    body = "".join(f"<tr><td style='padding: 2px 4px; text-align: right'>{k}</td>"
                   f"<td style='padding: 2px 4px'>{v}</td></tr>" for k, v in rows)
    notes = "".join(f"<p>{_e(n)}</p>" for n in [*ex.sweep_lines(), *ex.notes])
    return (f"<table class='autograd-mini-explain' style='{_STYLE}; font-size: 15px'>{body}"
            f"</table>{notes}")


# --------------------------------------------------------------------------- History
def loss_plot_svg(losses: list[float], width: int = 360, height: int = 150,
                  title: str = "loss per step") -> str:
    """A line plot of ``losses`` as inline SVG (no matplotlib), with its range on the axis."""
    pad_l, pad_r, pad_t, pad_b = 48, 8, 18, 20
    finite = [x for x in losses if math.isfinite(x)]
    frame = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' font-family='Helvetica, Arial, sans-serif' "
             f"font-size='11'><text x='{pad_l}' y='12'>{_e(title)}</text>")
    if not finite:
        return frame + f"<text x='{pad_l}' y='{height // 2}'>no finite loss yet</text></svg>"
    lo, hi = min(finite), max(finite)
    span = hi - lo or 1.0
    n = len(losses)
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    step = max(1, n // 600)  # at most ~600 points drawn
    points = []
    for i in range(0, n, step):
        x = losses[i]
        if math.isfinite(x):
            px = pad_l + (w * i / (n - 1) if n > 1 else w / 2)
            points.append(f"{px:.1f},{pad_t + h * (hi - x) / span:.1f}")
    axis = (f"<rect x='{pad_l}' y='{pad_t}' width='{w}' height='{h}' fill='none' "
            f"stroke='#bbb'/><text x='{pad_l - 4}' y='{pad_t + 8}' text-anchor='end'>"
            f"{_e(fmt(hi))}</text><text x='{pad_l - 4}' y='{pad_t + h}' text-anchor='end'>"
            f"{_e(fmt(lo))}</text><text x='{pad_l}' y='{height - 5}'>1</text>"
            f"<text x='{pad_l + w}' y='{height - 5}' text-anchor='end'>{n}</text>")
    line = (f"<polyline fill='none' stroke='#1f77b4' stroke-width='1.5' "
            f"points='{' '.join(points)}'/>")
    return frame + axis + line + "</svg>"


def history_html(h: Any) -> str:
    """A training history: the loss per step as a small plot, then the last epoch's numbers."""
    rows = [("epochs", _e(h.epochs)), ("optimizer steps", _e(h.steps))]
    if h.epoch_loss:
        rows.append(("last epoch's loss", _e(fmt(h.epoch_loss[-1]))))
    for name, values in h.metrics.items():
        if values:
            rows.append((f"last epoch's {name}", _e(fmt(values[-1]))))
    if h.val_loss:
        rows.append(("validation loss", _e(fmt(h.val_loss[-1]))))
    for name, values in h.val_metrics.items():
        if values:
            rows.append((f"validation {name}", _e(fmt(values[-1]))))
    if h.interrupted:
        rows.append(("stopped", "interrupted (Ctrl-C)"))
    plot = loss_plot_svg(list(h.loss)) if h.loss else ""
    return f"<div class='autograd-mini-history'>{plot}{_table(rows, 'History')}</div>"
