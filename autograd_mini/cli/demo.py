"""The course's worked example, walked through for a learner (``autograd-mini demo``).

    g = -2·w1,  y = w2 + g,  z = y·w3     at w1 = 3, w2 = 4, w3 = 5

Forward, backward (each gradient as its chain-rule product), one SGD step on the
slide's loss, the slide's rounded figures beside the exact ones, then gradient
descent on the squared error until the prediction reaches the target.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..optim import SGD
from ..scalar import Value
from ..viz.draw import RenderError, draw
from ..viz.explain import explain, fmt, fmt_factor

__all__ = ["TARGET", "WorkedExample", "build", "descend", "lines"]

TARGET = 10.0
LR = 0.01
# What the slides print after one step, and what those rounded weights predict.
SLIDE_W = (2.9, 4.1, 4.9)
SLIDE_PREDICTION = -8.33


@dataclass
class WorkedExample:
    """The example's weights and the nodes computed from them."""

    w1: Value
    w2: Value
    w3: Value
    g: Value
    y: Value
    z: Value


def build(w1: float = 3.0, w2: float = 4.0, w3: float = 5.0) -> WorkedExample:
    """Build g = -2·w1, y = w2 + g, z = y·w3 with labelled nodes."""
    a, b, c = Value(w1, "w1"), Value(w2, "w2"), Value(w3, "w3")
    return WorkedExample(a, b, c, *_forward(a, b, c))


def _forward(w1: Value, w2: Value, w3: Value) -> tuple[Value, Value, Value]:
    g = -2 * w1
    g.label = "g"
    y = w2 + g
    y.label = "y"
    z = y * w3
    z.label = "z"
    return g, y, z


def predict(w1: float, w2: float, w3: float) -> float:
    """z for given weights, with plain floats (what the slide computes by hand)."""
    return (w2 + -2 * w1) * w3


def descend(ex: WorkedExample, lr: float = 0.001, tol: float = 0.01,
            max_steps: int = 10_000) -> list[tuple[int, float, float]]:
    """Gradient descent on (target - z)² until |target - z| < tol.

    Each step is the course's four steps: predict, loss, backpropagate, update.
    Returns ``[(step, z, loss), ...]``, step 0 being the starting prediction.
    """
    params = [ex.w1, ex.w2, ex.w3]
    opt = SGD(params, lr=lr)
    history = []
    for step in range(max_steps + 1):
        _, _, z = _forward(*params)  # 1. predict
        loss = (TARGET - z) ** 2  # 2. loss
        history.append((step, z.data, loss.data))
        if abs(TARGET - z.data) < tol:
            break
        opt.zero_grad()
        loss.backward()  # 3. backpropagate
        opt.step()  # 4. update
    return history


def lines(svg_path: str | None = None) -> Iterator[str]:
    """The walkthrough, line by line."""
    ex = build()
    w1, w2, w3, g, y, z = ex.w1, ex.w2, ex.w3, ex.g, ex.y, ex.z
    yield "autograd_mini: the course's worked example"
    yield ""
    yield "  g = -2·w1,   y = w2 + g,   z = y·w3      with w1 = 3, w2 = 4, w3 = 5"
    yield ""
    yield "1. Forward pass: compute each node from its inputs"
    yield f"   g = -2·w1 = -2·{fmt(w1.data)} = {fmt(g.data)}"
    yield f"   y = w2 + g = {fmt(w2.data)} + ({fmt(g.data)}) = {fmt(y.data)}"
    yield f"   z = y·w3 = ({fmt(y.data)})·{fmt(w3.data)} = {fmt(z.data)}"
    yield ""
    z.backward()
    yield "2. Backward pass: z.backward() applies the chain rule from z back to every weight"
    for w in (w1, w2, w3):
        for line in explain(z, w).lines():
            yield "   " + line
    yield (f"   (stored by the engine in .grad: w1.grad = {fmt(w1.grad)}, "
           f"w2.grad = {fmt(w2.grad)}, w3.grad = {fmt(w3.grad)})")
    drawing = draw(z, title="g = -2·w1,  y = w2 + g,  z = y·w3") if svg_path else None
    yield ""
    yield f"3. Loss and one gradient-descent step (target {fmt(TARGET)}, learning rate {LR})"
    loss = TARGET - z
    loss.label = "loss"
    yield f"   loss = target - z = {fmt(TARGET)} - ({fmt(z.data)}) = {fmt(loss.data)}"
    params = [w1, w2, w3]
    opt = SGD(params, lr=LR)
    opt.zero_grad()
    loss.backward()
    yield "   dloss/dw = -dz/dw, so each weight moves by -lr·dloss/dw:"
    old = [p.data for p in params]
    grads = [p.grad for p in params]
    opt.step()
    for p, o, gr in zip(params, old, grads):
        yield f"   {p.label} = {fmt(o)} - {LR}·{fmt_factor(gr)} = {fmt(p.data)}"
    new_z = predict(w1.data, w2.data, w3.data)
    yield (f"   new prediction z = ({fmt(w2.data)} + -2·{fmt(w1.data)})·{fmt(w3.data)}"
           f" = {fmt(new_z)}")
    yield ""
    s1, s2, s3 = SLIDE_W
    yield "   The slides show w1 = 2.9, w2 = 4.1, w3 = 4.9 and a new prediction of -8.33."
    yield f"   w1 agrees; w2 and w3 are an arithmetic slip: 4 + 0.01·5 = {fmt(4 + 0.01 * 5)},"
    yield f"   not 4.1, and 5 + 0.01·(-2) = {fmt(5 + 0.01 * -2)}, not 4.9. The slide's -8.33 is"
    yield f"   what the slipped weights give: ({s2} + -2·{s1})·{s3} = {fmt(predict(*SLIDE_W))}"
    yield f"   (-8.33 up to floating-point rounding); the exact weights give {fmt(new_z)}."
    yield ""
    yield "4. Repeat until the prediction reaches the target"
    yield "   The slide's loss, target - z, has no minimum: its gradient never vanishes, so"
    yield "   descending it pushes z up past the target and on forever. We continue with"
    yield "   the squared error (target - z)², which is smallest (0) exactly at z = target."
    history = descend(ex)
    yield "   step        z             loss (target - z)²"
    shown = {0, 1, 2, 3, len(history) - 1} | {s for s in (5, 10, 20, 50, 100, 200)}
    for step, zs, ls in history:
        if step in shown:
            yield f"   {step:>4}   {zs:>12.6f}   {ls:>14.6f}"
    last = history[-1][0]
    yield (f"   Within 0.01 of the target after {last} steps (learning rate 0.001): "
           f"z = {history[-1][1]:.6f}")
    yield f"   w1 = {w1.data:.6f}, w2 = {w2.data:.6f}, w3 = {w3.data:.6f}"
    if drawing is not None and svg_path:
        yield ""
        try:
            drawing.save(svg_path)
        except (RenderError, OSError) as exc:
            yield f"Could not draw the graph in {svg_path}: {exc}"
        else:
            yield (f"The computation graph of the example (after step 2's backward pass, each "
                   f"edge labelled with its local derivative) is drawn in {svg_path}")
