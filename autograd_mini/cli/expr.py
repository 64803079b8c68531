"""Safe arithmetic expressions for the command line: ``(w2 + -2*w1)*w3``.

The text is parsed by Python's own parser (``ast.parse``, which only builds a
tree and runs nothing) and the tree is then checked against a whitelist:

    numbers, names, + - * / **, parentheses, unary - and +,
    and calls of exp log tanh sigmoid relu with one argument.

Everything else (attribute access, other calls, subscripts, lambdas, strings,
comprehensions, dunder names, ...) is refused with an :class:`ExpressionError`
naming it. Evaluation walks the checked tree with Values; nothing is ever
passed to ``eval`` or ``exec``. Both walks use an explicit stack, so deeply
nested expressions cannot exhaust the recursion limit.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..scalar import Value

__all__ = ["FUNCTIONS", "MAX_LENGTH", "Expression", "ExpressionError", "parse_expression"]

MAX_LENGTH = 10_000
"""Longest expression accepted, in characters."""

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_OPERATOR_NAMES = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
}
_WHAT = {
    ast.Attribute: "attribute access (x.y)",
    ast.Subscript: "subscripts (x[i])",
    ast.Lambda: "lambda",
    ast.JoinedStr: "f-strings",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignment (:=)", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Starred: "starred arguments (*x)",
    ast.Tuple: "tuples (a comma)", ast.List: "lists", ast.Dict: "dicts", ast.Set: "sets",
    ast.Slice: "slices",
}
ALLOWED = ("numbers, names, + - * / **, parentheses, unary - and +, and the functions "
           + " ".join(FUNCTIONS))


class ExpressionError(ValueError):
    """An expression that is not allowed or cannot be read; the message says why in one line."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, syntax tree and variable names (first use first)."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        """Compute the expression with a Value leaf (labelled by its name) per variable.

        Returns ``(result, {name: leaf})``. Numbers stay plain constants, riding in
        the nodes as the 3 in ``x * 3`` does; operations between numbers alone are
        done with the same IEEE-safe rules as Values (``1/0`` is inf, as in PyTorch).
        Raises :class:`ExpressionError` naming any variable without a value.
        """
        missing = [n for n in self.names if n not in values]
        if missing:
            raise ExpressionError(
                f"no value for {_list(missing)}: give "
                + " ".join(f"--at {n}=VALUE" for n in missing)
            )
        leaves = {n: Value(float(values[n]), label=n) for n in self.names}
        result = _evaluate(self.tree, leaves)
        if not isinstance(result, Value):  # only numbers: still a node, so it can be drawn
            result = Value(result)
        return result, leaves


def _list(names: list[str]) -> str:
    return ", ".join(names)


def _refuse(node: ast.AST, what: str) -> ExpressionError:
    col = getattr(node, "col_offset", None)
    where = f" (at column {col + 1})" if col is not None else ""
    return ExpressionError(f"not allowed{where}: {what}; an expression may use {ALLOWED}")


def parse_expression(text: str) -> Expression:
    """Parse and check ``text``; raise :class:`ExpressionError` if anything is not allowed."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ExpressionError(f"the expression is empty; it may use {ALLOWED}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; "
                              f"at most {MAX_LENGTH} are accepted")
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and such: we say it ourselves
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"cannot read the expression{col}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        reason = ("it is nested too deeply" if isinstance(exc, (RecursionError, MemoryError))
                  else str(exc))
        raise ExpressionError(f"cannot read the expression: {reason}") from None
    names: dict[str, None] = {}
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise _refuse(node, f"the operator {_OPERATOR_NAMES.get(type(node.op), '?')}")
            stack += (node.right, node.left)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refuse(node, f"the operator {_OPERATOR_NAMES.get(type(node.op), '?')}")
            stack.append(node.operand)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                kind = {str: "strings", bytes: "bytes", complex: "complex numbers"}.get(
                    type(node.value), repr(node.value))
                raise _refuse(node, kind)
            try:
                float(node.value)
            except OverflowError:
                raise _refuse(node, "a number this large") from None
        elif isinstance(node, ast.Name):
            _check_name(node)
            if node.id in FUNCTIONS:
                raise _refuse(node, f"{node.id} without an argument (write {node.id}(x))")
            names.setdefault(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise _refuse(node, "calling anything but " + " ".join(FUNCTIONS))
            _check_name(node.func)
            if node.func.id not in FUNCTIONS:
                raise _refuse(node, f"the function {node.func.id}")
            if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise _refuse(node, f"{node.func.id} with anything but one argument")
            stack.append(node.args[0])
        else:
            raise _refuse(node, _WHAT.get(type(node), type(node).__name__))
    return Expression(text, tree.body, tuple(names))


def _check_name(node: ast.Name) -> None:
    if "__" in node.id:
        raise _refuse(node, f"the name {node.id} (names with '__')")


def _evaluate(tree: ast.expr, leaves: Mapping[str, Value]) -> Any:
    """Post-order evaluation of a checked tree, with an explicit stack."""
    results: list[Any] = []
    stack: list[tuple[ast.expr, bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            results.append(float(node.value))  # type: ignore[arg-type]  # checked: int or float
        elif isinstance(node, ast.Name):
            results.append(leaves[node.id])
        elif not ready:  # children first, then this node again
            stack.append((node, True))
            if isinstance(node, ast.BinOp):
                stack += [(node.right, False), (node.left, False)]
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, False))
            elif isinstance(node, ast.Call):
                stack.append((node.args[0], False))
        elif isinstance(node, ast.BinOp):
            b = results.pop()
            a = results.pop()
            results.append(_binary(type(node.op), a, b))
        elif isinstance(node, ast.UnaryOp):
            a = results.pop()
            if isinstance(node.op, ast.USub):
                results.append((-Value(a)).data if isinstance(a, float) else -a)
            else:
                results.append(a)
        elif isinstance(node, ast.Call):
            a = results.pop()
            f = FUNCTIONS[node.func.id]  # type: ignore[attr-defined]
            results.append(f(Value(a)).data if isinstance(a, float) else f(a))
    return results[0]


def _binary(op: type[ast.operator], a: Any, b: Any) -> Any:
    apply = _BINARY[op]
    if isinstance(a, float) and isinstance(b, float):
        return apply(Value(a), b).data  # the engine's arithmetic: 1/0 is inf, not an error
    return apply(a, b)
