"""Command line: ``autograd-mini demo`` and ``autograd-mini grad EXPR --at NAME=VALUE ...``.

Also ``python -m autograd_mini``. Exit codes: 0 done, 2 a bad command line or
expression (one line on stderr, no traceback), 1 the picture could not be written.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

__all__ = ["main"]

DEMO_SVG = "worked_example.svg"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-mini",
        description="A small reverse-mode automatic differentiation engine for learning "
        "how backpropagation works.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="walk through the course's worked example")
    demo.add_argument("--svg", metavar="PATH", default=DEMO_SVG,
                      help=f"where to draw the example's graph (default: ./{DEMO_SVG})")
    demo.add_argument("--no-svg", action="store_true", help="do not draw the graph")
    grad = sub.add_parser(
        "grad", help="differentiate an expression, e.g. grad '(w2 + -2*w1)*w3' --at w1=3 w2=4 w3=5",
        description="Evaluate EXPR at the given values and print its value and its gradient "
        "with respect to every variable. EXPR may use numbers, names, + - * / **, parentheses, "
        "unary minus and exp log tanh sigmoid relu.",
    )
    grad.add_argument("expr", metavar="EXPR", help="the expression, quoted")
    grad.add_argument("--at", metavar="NAME=VALUE", nargs="+", action="extend", default=[],
                      help="the value of each variable")
    grad.add_argument("--svg", metavar="PATH", help="also draw the graph (.svg, .png or .dot)")
    grad.add_argument("--explain", action="store_true",
                      help="also print each gradient as the chain rule with numbers")
    grad.add_argument("--steps", action="store_true",
                      help="also print the backward pass one node at a time")
    grad.add_argument("--forward", action="store_true",
                      help="forward mode: --explain reads each chain rule from the variable's "
                      "side and adds each node's tangent, --steps prints the forward sweep "
                      "from each variable (alone: both)")
    serve = sub.add_parser("serve", help="the playground: a local web page to see the engine "
                           "move (http://127.0.0.1:8765/)")
    serve.add_argument("--port", type=int, default=8765, help="the port (0: any free one)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


def _serve(args: argparse.Namespace) -> int:
    from ..playground import serve

    try:
        serve(args.port, open_browser=not args.no_browser)
    except OSError as exc:
        print(f"autograd-mini serve: {exc}", file=sys.stderr)
        return 1
    return 0


def _values(pairs: list[str]) -> dict[str, float]:
    """``{name: value}`` from NAME=VALUE pairs, each name read as the expression's are."""
    from .expr import ExpressionError, normalize_name

    values: dict[str, float] = {}
    for pair in pairs:
        given, sep, text = pair.partition("=")
        given, text = given.strip(), text.strip()
        if not sep or not given or not text:
            raise ExpressionError(f"--at {pair!r}: expected NAME=VALUE, for example --at w1=3")
        name = normalize_name(given)
        if not (given.isidentifier() and name.isidentifier()):
            raise ExpressionError(f"--at {pair!r}: {given!r} is not a variable name")
        try:
            value = float(text)
        except ValueError:
            raise ExpressionError(f"--at {pair!r}: {text!r} is not a number") from None
        if name in values:
            spelling = f" ({given!r} is read as {name})" if given != name else ""
            raise ExpressionError(f"--at: {name} is given twice{spelling}")
        values[name] = value
    return values


def _grad(args: argparse.Namespace) -> int:
    from ..engine import topological_order
    from ..viz.draw import RenderError, draw, formula
    from ..viz.explain import explain, fmt, node_names
    from ..viz.steps import backprop_steps, forward_steps
    from .expr import FUNCTIONS, ExpressionError, parse_expression

    try:
        expression = parse_expression(args.expr)
        values = _values(args.at)
        clash = sorted(set(values) & set(FUNCTIONS))
        if clash:
            raise ExpressionError(f"--at: {_join(clash)} is a function, not a variable")
        unknown = [n for n in values if n not in expression.names]
        if unknown:
            uses = _join(list(expression.names)) if expression.names else "no variables"
            raise ExpressionError(f"--at gives {_join(unknown)}, which the expression does "
                                  f"not use (it uses {uses})")
        root, leaves = expression.evaluate(values)
    except ExpressionError as exc:
        print(f"autograd-mini grad: {exc}", file=sys.stderr)
        return 2
    if root.label == "" and root not in leaves.values():
        root.label = next(n for n in ("z", "f", "out", "result", "value") if n not in leaves)
    name = root.label
    at = ", ".join(f"{n} = {fmt(v)}" for n, v in values.items())
    print(f"{name} = {expression.text} = {fmt(root.data)}" + (f"   at {at}" if at else ""))
    if not leaves:
        print("(no variables: nothing to differentiate)")
    root.backward()
    ordered = [n for n in values if n in leaves]  # the order given on the command line
    for n in ordered:
        print(f"d{name}/d{n} = {fmt(leaves[n].grad)}")
    if any(math.isnan(leaves[n].grad) for n in ordered):
        print("(nan: the expression is not differentiable there, or a step divided 0 by 0)")
    if args.forward and not (args.explain or args.steps):
        args.explain = args.steps = True
    if args.explain or args.steps:
        names = node_names(root)
        auto = [n for n in topological_order([root]) if n._op is not None and not n.label]
        if auto:
            print("where " + ", ".join(f"{names[n]} = {formula(n, names)}" for n in auto))
    mode = "forward" if args.forward else "reverse"
    if args.explain:
        for n in ordered:
            print()
            print(explain(root, leaves[n], mode=mode))
    if args.steps and args.forward:
        for n in ordered:
            print()
            print(f"the forward sweep from {n}, node by node:")
            for forward_step in forward_steps(root, leaves[n]):
                print(forward_step)
    elif args.steps:
        print()
        print("the backward pass, node by node:")
        for step in backprop_steps(root):
            print(step)
    if args.svg:
        try:
            path = draw(root).save(args.svg)
        except (RenderError, ValueError, OSError) as exc:
            print(f"autograd-mini grad: cannot write {args.svg}: {exc}", file=sys.stderr)
            return 1
        print(f"graph drawn in {path}")
    return 0


def _join(names: list[str]) -> str:
    return ", ".join(names)


def _expression_first(argv: list[str]) -> list[str]:
    """Let ``grad -2*x ...`` work: an EXPR starting with '-' is not an option."""
    flags = ("-h", "--help", "--explain", "--steps", "--forward")
    if len(argv) >= 2 and argv[0] == "grad" and argv[1].startswith("-") and argv[1] not in (
            flags) and not argv[1].startswith(("--at", "--svg")):
        return [argv[0], " " + argv[1], *argv[2:]]  # argparse takes ' -2*x' as positional
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``autograd-mini`` command; returns the exit code."""
    if hasattr(sys.stdout, "reconfigure"):  # never die on a terminal that cannot show '·'
        sys.stdout.reconfigure(errors="backslashreplace")
    if hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")
    parser = _parser()
    try:
        args = parser.parse_args(_expression_first(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as exc:  # --help, or a usage error argparse has already explained
        return exc.code if isinstance(exc.code, int) else 2
    if args.command == "demo":
        from .demo import lines

        for line in lines(None if args.no_svg else args.svg):
            print(line)
        return 0
    if args.command == "grad":
        return _grad(args)
    if args.command == "serve":
        return _serve(args)
    parser.print_help()
    return 2
