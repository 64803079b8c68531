"""What the playground's page asks the server, as plain functions: JSON-like dict in, dict out.

Each function checks its request and raises :class:`BadRequest` with a message a learner
can act on (for expressions, the very message ``autograd-mini grad`` prints). Every number
in an answer is the engine's: a Value graph built by the CLI's safe parser, its
``backward()``, ``backprop_steps`` and ``optim.SGD``. No request can run code: an
expression, or each named step of one (``g = -2*w1; y = w2 + g; z = y*w3``, see
:mod:`.program`), is only ever parsed by :func:`autograd_mini.cli.expr.parse_expression`.
"""

from __future__ import annotations

import math
from typing import Any

from ..cli.expr import FUNCTIONS, ExpressionError
from .program import Program, parse_program

__all__ = ["MAX_EXPRESSION", "MAX_VARIABLES", "BadRequest", "descent", "descent_setup", "graph",
           "parse", "steps"]

MAX_EXPRESSION = 500
"""Longest expression the playground takes, in characters (its graph must stay drawable)."""
MAX_VARIABLES = 12
MAX_STEP_NODES = 60  # backprop frames drawn for at most this many nodes
MAX_DRAWN = 150  # values drawn in the expression's graph (draw's max_nodes)
LIMIT = 1e6  # largest |value| for a slider, target or weight


class BadRequest(ValueError):
    """A request the page should not have sent, or input to explain to the learner."""


# --------------------------------------------------------------------------- checking
def _field(req: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(req, dict):
        raise BadRequest("the request must be a JSON object")
    value = req.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadRequest(f"'{key}' must be {what}")
    return value


def _number(req: dict[str, Any], key: str, low: float, high: float, what: str) -> float:
    value = _field(req, key, (int, float), f"a number ({what})")
    x = float(value)
    if not (math.isfinite(x) and low <= x <= high):
        raise BadRequest(f"{what} must be between {low:g} and {high:g}, got {value!r}")
    return x


def _expression(req: dict[str, Any]) -> Program:
    text = _field(req, "expression", str, "text, the expression")
    if len(text.strip()) > MAX_EXPRESSION:
        raise ExpressionError(f"the expression is {len(text.strip())} characters long; at most "
                              f"{MAX_EXPRESSION} are accepted in the playground")
    program = parse_program(text)
    if len(program.names) > MAX_VARIABLES:
        raise BadRequest(f"the expression has {len(program.names)} variables; the "
                         f"playground takes at most {MAX_VARIABLES}")
    return program


def _values(req: dict[str, Any], names: tuple[str, ...]) -> dict[str, float]:
    """The variables' values, given as the CLI's ``NAME=VALUE`` texts, with its messages."""
    from ..cli.main import _values as cli_values

    at = req.get("at", [])
    if not isinstance(at, list) or not all(isinstance(a, str) and len(a) <= 200 for a in at):
        raise BadRequest("'at' must be a list of NAME=VALUE texts")
    values = cli_values(at)
    clash = sorted(set(values) & set(FUNCTIONS))
    if clash:
        raise ExpressionError(f"--at: {', '.join(clash)} is a function, not a variable")
    unknown = [n for n in values if n not in names]
    if unknown:
        uses = ", ".join(names) if names else "no variables"
        raise ExpressionError(f"--at gives {', '.join(unknown)}, which the expression does "
                              f"not use (it uses {uses})")
    for name, x in values.items():
        if not (math.isfinite(x) and abs(x) <= LIMIT):
            raise BadRequest(f"{name} = {x:g} is out of range: the playground takes values "
                             f"between {-LIMIT:g} and {LIMIT:g}")
    return values


def _built(req: dict[str, Any]) -> tuple[Program, Any, dict[str, Any], dict[str, float]]:
    """The checked expression, its root (labelled as the CLI labels it), leaves and values."""
    expression = _expression(req)
    values = _values(req, expression.names)
    root, leaves = expression.evaluate(values)
    return expression, root, leaves, values


# --------------------------------------------------------------------------- the views
def parse(req: dict[str, Any]) -> dict[str, Any]:
    """The expression's variables, first use first (the page makes a slider for each)."""
    expression = _expression(req)
    return {"expression": expression.text, "names": list(expression.names)}


def graph(req: dict[str, Any]) -> dict[str, Any]:
    """The expression at the given values: its value, every gradient, the chain rule for each
    variable and the graph drawn as SVG (values, gradients, local derivatives on the edges)."""
    from ..engine import topological_order
    from ..viz.draw import draw, formula
    from ..viz.explain import explain, fmt, node_names

    expression, root, leaves, values = _built(req)
    root.backward()
    names = node_names(root)
    auto = [n for n in topological_order([root]) if n._op is not None and not n.label]
    return {
        "expression": expression.text,
        "names": list(expression.names),
        "root": {"name": root.label, "data": root.data, "text": fmt(root.data)},
        "summary": (f"{root.label} = {expression.text} = {fmt(root.data)}"
                    if len(expression.steps) == 1 and expression.steps[0][0] is None
                    else f"{root.label} = {fmt(root.data)}"),
        "grads": [{"name": n, "value": values[n], "grad": leaves[n].grad,
                   "text": fmt(leaves[n].grad)} for n in expression.names],
        "where": [f"{names[n]} = {formula(n, names)}" for n in auto],
        "explain": {n: str(explain(root, leaves[n])) for n in expression.names},
        "svg": _svg(draw(root, max_nodes=MAX_DRAWN).svg()),
    }


def steps(req: dict[str, Any]) -> dict[str, Any]:
    """The frames of ``backprop_steps``: per node, its lines (the chain-rule products) and
    the frame drawn with the current node highlighted."""
    from ..engine import topological_order
    from ..viz.steps import backprop_steps

    _, root, _, _ = _built(req)
    n = len(topological_order([root]))
    if n > MAX_STEP_NODES:
        raise BadRequest(f"the graph has {n} nodes; stepping through draws a frame per node, "
                         f"for at most {MAX_STEP_NODES}")
    frames = [{"index": s.index, "total": s.total, "name": s.name, "lines": s.lines(),
               "gradient": float(s.gradient), "svg": _svg(s.svg())}
              for s in backprop_steps(root)]
    return {"frames": frames}


def _svg(text: str) -> str:
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


# --------------------------------------------------------------------------- descent
LOSSES = {"slide": "target − z", "squared": "(target − z)²"}


def _descent_loss(kind: str, target: float, z: Any) -> Any:
    return target - z if kind == "slide" else (target - z) ** 2


def descent(req: dict[str, Any]) -> dict[str, Any]:
    """One gradient-descent step on the course's example from the weights given:
    predict, loss, backpropagate, update (``optim.SGD``), then predict again."""
    from ..cli.demo import build, predict
    from ..optim import SGD

    w = req.get("w") if isinstance(req, dict) else None
    if not (isinstance(w, list) and len(w) == 3):
        raise BadRequest("'w' must be the three weights [w1, w2, w3]")
    weights = [_number({"w": x}, "w", -LIMIT, LIMIT, f"w{i}") for i, x in enumerate(w, 1)]
    target = _number(req, "target", -LIMIT, LIMIT, "the target")
    lr = _number(req, "lr", 0.0, 10.0, "the learning rate")
    kind = _field(req, "loss", str, "'slide' or 'squared'")
    if kind not in LOSSES:
        raise BadRequest(f"the loss must be 'slide' ({LOSSES['slide']}) or 'squared' "
                         f"({LOSSES['squared']}), got {kind!r}")
    ex = build(*weights)
    params = [ex.w1, ex.w2, ex.w3]
    loss = _descent_loss(kind, target, ex.z)
    opt = SGD(params, lr=lr)
    opt.zero_grad()
    loss.backward()
    grads = [p.grad for p in params]
    opt.step()
    after = [p.data for p in params]
    z_after = build(*after).z
    loss_after = _descent_loss(kind, target, z_after).data
    if not all(math.isfinite(x) for x in (*after, z_after.data, loss_after)):
        raise BadRequest("the weights overflowed: lower the learning rate and press reset")
    return {"before": {"w": weights, "z": ex.z.data, "loss": loss.data, "grads": grads},
            "after": {"w": after, "z": z_after.data, "loss": loss_after},
            "check": predict(*after)}


def descent_setup() -> dict[str, Any]:
    """The course's start, the slide's figures after its step and the engine's exact ones."""
    from ..cli.demo import LR, SLIDE_PREDICTION, SLIDE_W, TARGET, predict

    exact = descent({"w": [3.0, 4.0, 5.0], "target": TARGET, "lr": LR, "loss": "slide"})
    return {"start": [3.0, 4.0, 5.0], "target": TARGET, "lr": LR, "losses": LOSSES,
            "slide": {"w": list(SLIDE_W), "z": SLIDE_PREDICTION,
                      "z_from_slide_w": predict(*SLIDE_W)},
            "exact": {"w": exact["after"]["w"], "z": exact["after"]["z"],
                      "grads": exact["before"]["grads"]}}
