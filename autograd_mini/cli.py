"""Command line: ``autograd-mini demo`` (and ``python -m autograd_mini``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-mini",
        description="A small reverse-mode automatic differentiation engine for learning "
        "how backpropagation works.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="walk through the course's worked example")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``autograd-mini`` command; returns the exit code."""
    if hasattr(sys.stdout, "reconfigure"):  # never die on a terminal that cannot show '·'
        sys.stdout.reconfigure(errors="backslashreplace")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import lines

        for line in lines():
            print(line)
        return 0
    parser.print_help()
    return 2
