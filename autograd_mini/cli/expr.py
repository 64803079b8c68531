"""Safe arithmetic expressions for the command line: ``(w2 + -2*w1)*w3``.

The text is read by a small parser of its own that knows only the grammar allowed:

    numbers, names, + - * / **, parentheses, unary - and +,
    and calls of exp log tanh sigmoid relu with one argument,

with Python's precedence and numbers, and names NFKC-normalised as Python reads
them (``ｘ`` is ``x``; :func:`normalize_name`, which ``--at`` uses too). It builds
the syntax tree Python would (``ast`` nodes) without recursion: a chain such as
``a + b + c + ...`` is read in a loop, however long (up to :data:`MAX_LENGTH`
characters), and only real nesting (parentheses, calls, unary signs, ``**``, which
groups to the right) counts against :data:`MAX_NESTING`.

Anything else (attribute access, other calls, subscripts, lambdas, strings,
comprehensions, dunder names, ...) is refused with an :class:`ExpressionError`
naming it; to word that refusal, the text is given to Python's own parser
(``ast.parse``, which only builds a tree and runs nothing) and its tree checked
against the whitelist. Evaluation walks the tree with Values; nothing is ever
passed to ``eval`` or ``exec``. Every walk uses an explicit stack, so no
expression can exhaust the recursion limit.
"""

from __future__ import annotations

import ast
import keyword
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from ..scalar import Value

__all__ = ["FUNCTIONS", "MAX_LENGTH", "MAX_NESTING", "Expression", "ExpressionError",
           "normalize_name", "parse_expression"]

MAX_LENGTH = 10_000
"""Longest expression accepted, in characters."""

MAX_NESTING = 200
"""Most parentheses, function calls, unary signs and ``**`` open at once (Python's own
parser allows 200 nested parentheses). A flat chain ``a + b + c ...`` does not nest."""

_Node = TypeVar("_Node", bound=ast.AST)

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


def normalize_name(name: str) -> str:
    """A variable name as Python reads it: NFKC-normalised, so ``ｘ`` and ``x`` are one name.

    The names in an expression and the names given with ``--at`` both go through this.
    """
    return unicodedata.normalize("NFKC", name)


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
        tree, names = _Parser(text).parse()
    except _Unreadable as exc:  # Python's parser can often name the construct better
        raise _python_refusal(text) or ExpressionError(str(exc)) from None
    return Expression(text, tree, names)


# ------------------------------------------------------------------ reading the text
class _Unreadable(Exception):
    """The own parser's reason for refusing; :func:`_python_refusal` may word it better."""


class _Token(NamedTuple):
    kind: str  # number, name, op, newline, other or end
    text: str
    column: int  # 1-based, in characters


_DIGITS = r"[0-9](?:_?[0-9])*"
_FLOAT = (rf"(?:{_DIGITS}\.(?:{_DIGITS})?|\.{_DIGITS})(?:[eE][-+]?{_DIGITS})?"
          rf"|{_DIGITS}[eE][-+]?{_DIGITS}")
_INT = r"0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?0)*|[1-9](?:_?[0-9])*"
_TOKEN = re.compile("|".join((
    r"(?P<space>[ \t\f]+|\\\r?\n|#[^\r\n\x00]*)",  # blanks, a backslash line join, a comment
    r"(?P<newline>\r\n|[\r\n])",
    rf"(?P<number>(?:{_FLOAT}|{_DIGITS})[jJ]|{_FLOAT}|{_INT})",  # Python's number literals
    r"(?P<name>[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)",  # checked by _name
    r"(?P<op>\*\*|[-+*/()])",
    r"(?P<other>//|<<|>>|[<>=!]=|:=|.)",
)), re.DOTALL)
_FLOAT_LITERAL = re.compile(_FLOAT)
_SYMBOLS = {
    **{symbol: f"the operator {symbol}" for symbol in _OPERATOR_NAMES.values() if symbol != "not"},
    ".": "attribute access (x.y)", "[": "subscripts (x[i])", ",": "tuples (a comma)",
    "'": "strings", '"': "strings", "=": "assignment (=)", ":=": "assignment (:=)",
    "{": "dicts and sets", **dict.fromkeys(("<", ">", "<=", ">=", "==", "!="), "comparisons"),
}


def _scan(text: str) -> list[_Token]:
    """The tokens of ``text``, then an end token. As in Python, a line break is a blank
    inside parentheses, after a line of only blanks and comments, and at the end."""
    tokens: list[_Token] = []
    depth, line_start = 0, 0
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup or "other", match.group()
        if kind == "newline" and (depth > 0 or len(tokens) == line_start):
            continue
        if kind != "space":
            depth += {"(": 1, ")": -1 if depth else 0}.get(token, 0)
            tokens.append(_Token(kind, token, match.start() + 1))
            line_start = len(tokens) if kind == "newline" else line_start
    while tokens and tokens[-1].kind == "newline":
        tokens.pop()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# Precedence as in Python: + - < * / < unary signs < **, whose right side may start with a
# sign (2**-x) while its left side may not (-x**2 is -(x**2)).
_INFIX: dict[str, tuple[int, type[ast.operator]]] = {
    "+": (1, ast.Add), "-": (1, ast.Sub), "*": (2, ast.Mult), "/": (2, ast.Div), "**": (4, ast.Pow),
}
_SIGN = 3
_SIGNS: dict[str, type[ast.unaryop]] = {"-": ast.USub, "+": ast.UAdd}


@dataclass(frozen=True)
class _Open:
    """An operator, parenthesis or call that has been read but is not complete yet."""

    token: _Token
    precedence: int  # 0 for a parenthesis or a call: no operator reaches below it
    op: type[ast.operator] | type[ast.unaryop] | None = None
    function: str = ""  # for a call

    @property
    def nests(self) -> bool:
        """All but + - * / count as nesting: their chains are read flat."""
        return self.precedence not in (1, 2)


class _Parser:
    """Operator precedence parsing ("shunting yard"): operands and open items on two stacks.

    Before it is pushed, an operator completes the open ones of higher precedence, or
    of equal precedence when it groups to the left; so a chain a + b + c + ... never has
    more than one + open and is read in a loop, not by recursion. What does stay open
    until its operand is complete (a parenthesis, a call, a unary sign, a **) is nesting,
    and more than MAX_NESTING of it at once is refused.
    """

    def __init__(self, text: str) -> None:
        self.tokens = _scan(text)
        self.operands: list[ast.expr] = []
        self.open: list[_Open] = []
        self.nesting = 0
        self.names: dict[str, None] = {}

    def parse(self) -> tuple[ast.expr, tuple[str, ...]]:
        tokens, i, want_operand = self.tokens, 0, True
        while True:
            token = tokens[i]
            if want_operand:
                if token.kind == "name" and tokens[i + 1].text == "(":
                    self._push(_Open(token, 0, None, self._function(token)))
                    i += 1  # the (
                elif token.text == "(":
                    self._push(_Open(token, 0))
                elif token.text in _SIGNS:
                    self._push(_Open(token, _SIGN, _SIGNS[token.text]))
                else:
                    self.operands.append(self._operand(token))
                    want_operand = False
            elif token.text in _INFIX:
                precedence, op = _INFIX[token.text]
                self._complete(precedence if token.text == "**" else precedence - 1)
                self._push(_Open(token, precedence, op))
                want_operand = True
            elif token.text == ")":
                self._close(token)
            elif token.kind == "end":
                self._complete(0)
                if self.open:
                    raise _Unreadable(f"cannot read the expression at column "
                                      f"{self.open[-1].token.column}: '(' was never closed")
                return self.operands[0], tuple(self.names)
            else:
                raise _Unreadable(_unexpected(token))
            i += 1

    def _push(self, item: _Open) -> None:
        self.open.append(item)
        self.nesting += item.nests
        if self.nesting > MAX_NESTING:
            raise ExpressionError(
                f"cannot read the expression: it is nested too deeply (at column "
                f"{item.token.column}, more than {MAX_NESTING} parentheses, function calls, "
                "unary signs and ** are open at once); a long flat chain such as "
                "a + b + c + ... is fine")

    def _complete(self, above: int) -> None:
        """Apply the open operators of precedence greater than ``above``, last first."""
        while self.open and self.open[-1].precedence > above:
            item = self.open.pop()
            self.nesting -= item.nests
            op = item.op() if item.op is not None else None  # never None above precedence 0
            right = self.operands.pop()
            if isinstance(op, ast.unaryop):
                self.operands.append(_at(ast.UnaryOp(op, right), item.token.column))
            elif isinstance(op, ast.operator):
                left = self.operands.pop()
                self.operands.append(_at(ast.BinOp(left, op, right), left.col_offset + 1))

    def _close(self, token: _Token) -> None:
        self._complete(0)
        if not self.open:
            raise _Unreadable(f"cannot read the expression at column {token.column}: "
                              "unmatched ')'")
        item = self.open.pop()
        self.nesting -= item.nests
        if item.function:
            func = _at(ast.Name(item.function, ast.Load()), item.token.column)
            call = ast.Call(func, [self.operands.pop()], [])
            self.operands.append(_at(call, item.token.column))

    def _operand(self, token: _Token) -> ast.expr:
        if token.kind == "number":
            return _at(ast.Constant(_number(token)), token.column)
        if token.kind != "name":
            raise _Unreadable(_unexpected(token))
        name = _name(token)
        if name in FUNCTIONS:
            raise _Unreadable(_not_allowed(token, f"{name} without an argument (write {name}(x))"))
        self.names.setdefault(name)
        return _at(ast.Name(name, ast.Load()), token.column)

    def _function(self, token: _Token) -> str:
        name = _name(token)
        if name not in FUNCTIONS:
            raise _Unreadable(_not_allowed(token, f"the function {name}"))
        return name


def _name(token: _Token) -> str:
    """The name as Python reads it, if it may be a variable or function name."""
    name = normalize_name(token.text)
    if not (token.text.isidentifier() and name.isidentifier()):
        raise _Unreadable(f"cannot read the expression at column {token.column}: "
                          f"{token.text!r} is not a name")
    if keyword.iskeyword(token.text):  # Python matches keywords before normalising
        raise _Unreadable(_not_allowed(token, f"the keyword {token.text}"))
    if "__" in name:
        raise _Unreadable(_not_allowed(token, f"the name {name} (names with '__')"))
    return name


def _number(token: _Token) -> int | float:
    text = token.text
    if text[-1] in "jJ":
        raise _Unreadable(_not_allowed(token, "complex numbers"))
    value = float(text) if _FLOAT_LITERAL.fullmatch(text) else int(text, 0)
    try:
        float(value)
    except OverflowError:
        raise _Unreadable(_not_allowed(token, "a number this large")) from None
    return value


def _at(node: _Node, column: int) -> _Node:
    node.lineno, node.col_offset = 1, column - 1  # type: ignore[attr-defined]
    return node


def _unexpected(token: _Token) -> str:
    if token.text in _SYMBOLS:
        return _not_allowed(token, _SYMBOLS[token.text])
    if token.kind == "other":
        return _not_allowed(token, f"the character {token.text!r}")
    return f"cannot read the expression at column {token.column}: invalid syntax"


def _not_allowed(token: _Token, what: str) -> str:
    return f"not allowed (at column {token.column}): {what}; an expression may use {ALLOWED}"


# ------------------------------------------------------------------ Python's wording
def _python_refusal(text: str) -> ExpressionError | None:
    """What Python's parser, then the whitelist, find wrong with ``text``; None if
    nothing, or if the text is too long a chain for Python's parser (3.11 gives up at
    about 3,000 terms)."""
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and such: we say it ourselves
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        return ExpressionError(f"cannot read the expression{col}: {exc.msg}")
    except ValueError as exc:  # "source code string cannot contain null bytes"
        return ExpressionError(f"cannot read the expression: {exc}")
    except (RecursionError, MemoryError):
        return None
    try:
        _whitelist(tree.body)
    except ExpressionError as exc:
        return exc
    return None


def _whitelist(tree: ast.expr) -> None:
    """Refuse the first node of Python's tree that is not allowed (explicit-stack walk)."""
    stack: list[ast.AST] = [tree]
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


def _refuse(node: ast.AST, what: str) -> ExpressionError:
    col = getattr(node, "col_offset", None)
    where = f" (at column {col + 1})" if col is not None else ""
    return ExpressionError(f"not allowed{where}: {what}; an expression may use {ALLOWED}")


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
