"""The function spellings of the Tensor's methods, as PyTorch has both: ``sin(x)`` is
``x.sin()``, ``sum(x, dim)`` is ``x.sum(dim)``, ``max(x, y)`` is ``maximum(x, y)``.

Each takes a Tensor first (a number or a list is refused with a TypeError, as PyTorch's
functions refuse them) and calls the method: the rule, the gradient and the errors are the
method's.
"""

from __future__ import annotations

from typing import Any

from .nodes import _describe
from .tensor import Tensor

__all__ = ["abs", "clamp", "cos", "cumsum", "dot", "exp", "floor_divide", "fmod", "log",
           "matmul", "max", "mean", "min", "mm", "norm", "pow", "prod", "relu", "remainder",
           "sigmoid", "sin", "sqrt", "sum", "tanh"]

Real = float


def _input(op: str, x: Any) -> Tensor:
    if x.__class__ is not Tensor:
        raise TypeError(f"{op}(): argument 'input' must be a Tensor, got {_describe(x)}; "
                        f"make one with Tensor(...) (or use math.{op} for a number)"
                        if op in ("sin", "cos", "exp", "log", "sqrt", "tanh") else
                        f"{op}(): argument 'input' must be a Tensor, got {_describe(x)}; "
                        "make one with Tensor(...)")
    return x  # type: ignore[no-any-return]


def sin(input: Any) -> Tensor:
    """``input.sin()``."""
    return _input("sin", input).sin()


def cos(input: Any) -> Tensor:
    """``input.cos()``."""
    return _input("cos", input).cos()


def exp(input: Any) -> Tensor:
    """``input.exp()``."""
    return _input("exp", input).exp()


def log(input: Any) -> Tensor:
    """``input.log()``."""
    return _input("log", input).log()


def sqrt(input: Any) -> Tensor:
    """``input.sqrt()``."""
    return _input("sqrt", input).sqrt()


def tanh(input: Any) -> Tensor:
    """``input.tanh()``."""
    return _input("tanh", input).tanh()


def sigmoid(input: Any) -> Tensor:
    """``input.sigmoid()``."""
    return _input("sigmoid", input).sigmoid()


def relu(input: Any) -> Tensor:
    """``input.relu()``."""
    return _input("relu", input).relu()


def abs(input: Any) -> Tensor:
    """``input.abs()``."""
    return _input("abs", input).abs()


def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``; ``input`` may be a number when ``exponent`` is a Tensor."""
    if input.__class__ is not Tensor and exponent.__class__ is Tensor:
        return input ** exponent  # type: ignore[no-any-return]
    return _input("pow", input) ** exponent  # type: ignore[no-any-return,operator]


def floor_divide(input: Any, other: Any) -> Tensor:
    """``input // other`` (rounded down, as Python's //)."""
    return _input("floor_divide", input).floor_divide(other)


def remainder(input: Any, other: Any) -> Tensor:
    """``input % other`` (the sign of ``other``); ``input`` may be a number when ``other`` is
    a Tensor, as in PyTorch."""
    if input.__class__ is not Tensor and other.__class__ is Tensor:
        return input % other  # type: ignore[no-any-return]
    return _input("remainder", input).remainder(other)


def fmod(input: Any, other: Any) -> Tensor:
    """C's fmod: the remainder with the sign of ``input``."""
    return _input("fmod", input).fmod(other)


def clamp(input: Any, min: Real | None = None, max: Real | None = None) -> Tensor:
    """``input.clamp(min, max)``."""
    return _input("clamp", input).clamp(min, max)


def sum(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``input.sum(dim, keepdim)``."""
    return _input("sum", input).sum(dim, keepdim)


def mean(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``input.mean(dim, keepdim)``."""
    return _input("mean", input).mean(dim, keepdim)


def prod(input: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """``input.prod(dim, keepdim)``."""
    return _input("prod", input).prod(dim, keepdim)


def cumsum(input: Any, dim: int) -> Tensor:
    """``input.cumsum(dim)``."""
    return _input("cumsum", input).cumsum(dim)


def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """``input.norm(p, dim, keepdim)``."""
    return _input("norm", input).norm(p, dim, keepdim)


def max(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """``input.max()``, ``input.max(dim)`` (values and indices), or with a Tensor as the
    second argument the elementwise ``maximum(input, other)``, as PyTorch's torch.max."""
    return _input("max", input).max(dim, keepdim)


def min(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """``input.min()``, ``input.min(dim)``, or the elementwise ``minimum(input, other)``."""
    return _input("min", input).min(dim, keepdim)


def matmul(input: Any, other: Any) -> Tensor:
    """``input @ other``."""
    return _input("matmul", input).matmul(other)


def mm(input: Any, mat2: Any) -> Tensor:
    """``input.mm(mat2)``: matrices only."""
    return _input("mm", input).mm(mat2)


def dot(input: Any, other: Any) -> Tensor:
    """``input.dot(other)``: vectors only."""
    return _input("dot", input).dot(other)
