"""Named steps for the playground: ``g = -2*w1; y = w2 + g; z = y*w3``.

A program is expressions separated by ``;`` or new lines, each but the last one written
``name = expression``; the last may be named too. Every expression is parsed by the CLI's
:func:`~autograd_mini.cli.expr.parse_expression` (so a mistake in one gets the CLI's
message) and evaluated with the CLI's own tree walk; a name defined by an earlier step
stands for that step's node, so ``g`` and ``y`` appear in the graph under their names, as
in the course. A single expression without ``=`` is exactly what ``autograd-mini grad``
takes. Nothing is evaluated as Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..cli.expr import (
    FUNCTIONS,
    Expression,
    ExpressionError,
    _evaluate,
    normalize_name,
    parse_expression,
)
from ..scalar import Value

__all__ = ["Program", "parse_program"]

_ASSIGN = re.compile(r"\s*([^\W\d]\w*)\s*=(?!=)(.*)\Z", re.S)
ROOT_NAMES = ("z", "f", "out", "result", "value")  # as the CLI names an unnamed result


@dataclass(frozen=True)
class Program:
    """The checked steps (name or None, expression) and the variables, first use first."""

    text: str
    steps: tuple[tuple[str | None, Expression], ...]
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        """Build the graph with a Value leaf per variable; returns ``(root, leaves)``."""
        missing = [n for n in self.names if n not in values]
        if missing:  # Expression.evaluate's message
            raise ExpressionError(f"no value for {', '.join(missing)}: give "
                                  + " ".join(f"--at {n}=VALUE" for n in missing))
        leaves = {n: Value(float(values[n]), label=n) for n in self.names}
        known: dict[str, Value] = dict(leaves)
        result: Value | None = None
        for name, expression in self.steps:
            out = _evaluate(expression.tree, known)
            result = out if isinstance(out, Value) else Value(out)
            if name is not None:
                if result not in known.values():  # g = w1 names no new node
                    result.label = name
                known[name] = result
        assert result is not None  # a program has at least one step
        if result.label == "" and result not in leaves.values():
            result.label = next(n for n in ROOT_NAMES if n not in known)
        return result, leaves


def _split(text: str) -> list[str]:
    parts = [p for p in re.split(r"[;\n]", text) if p.strip()]
    return parts or [""]  # nothing but separators: the parser says it is empty


def parse_program(text: str) -> Program:
    """Check every step; raise :class:`ExpressionError` saying which step is wrong and why."""
    parts = _split(text)
    steps: list[tuple[str | None, Expression]] = []
    names: dict[str, None] = {}
    defined: set[str] = set()
    for i, part in enumerate(parts, 1):
        match = _ASSIGN.match(part)
        name, body = (normalize_name(match.group(1)), match.group(2)) if match else (None, part)
        where = f"step {i} ({part.strip()}): " if len(parts) > 1 else ""
        if name is None and i < len(parts):
            raise ExpressionError(f"{where}only the last step may be left without a name; "
                                  "write name = expression")
        if name is not None:
            if name in FUNCTIONS or "__" in name:
                raise ExpressionError(f"{where}{name} cannot be a name (it is a function or "
                                      "has '__')")
            if name in defined:
                raise ExpressionError(f"{where}{name} is defined twice")
            if name in names:
                raise ExpressionError(f"{where}{name} is used as a variable before this "
                                      "step defines it")
        try:
            expression = parse_expression(body)
        except ExpressionError as exc:
            raise ExpressionError(f"{where}{exc}") from None
        for n in expression.names:
            if n not in defined:
                names.setdefault(n)
        if name is not None:
            defined.add(name)
        steps.append((name, expression))
    return Program(text.strip(), tuple(steps), tuple(names))

