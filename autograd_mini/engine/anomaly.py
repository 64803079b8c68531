"""``detect_anomaly``: stop at the first op, forward or backward, that turns finite
numbers into nan or inf, and say which op, on which inputs, and why it may happen.

The checks run only inside ``detect_anomaly`` (the walk and the ops take a slow path
then); ordinary passes never call this module.
"""

from __future__ import annotations

from typing import Any

from .modes import _mode, _set_mode
from .rule import BINARY, UNARY, Rule

__all__ = ["AnomalyError", "check_forward", "check_result", "check_share", "detect_anomaly"]


class AnomalyError(FloatingPointError):
    """An op or a gradient produced nan or inf from finite inputs (see ``detect_anomaly``)."""


class detect_anomaly:
    """Context manager: stop at the first op that turns finite numbers into nan or inf.

    Inside it, every forward op and every step of the backward pass is checked, and
    the first one that produces nan or inf from finite inputs raises
    :class:`AnomalyError` naming the op, its inputs (labels, values or shapes) and
    what went bad, e.g. ``log`` of a negative number. Affects only this thread and
    slows things down, so use it to hunt a nan, not for training.
    """

    def __init__(self) -> None:
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_mode.anomaly)
        _set_mode(anomaly=True)

    def __exit__(self, *exc: object) -> None:
        _set_mode(anomaly=self.prev.pop())


# Why an op may turn finite inputs into nan or inf: forward, then backward (by op name,
# shared by Values and Tensors); ops not listed can only overflow.
_HINTS = {
    "log": "log is defined for x > 0: log(0) = -inf and log(x < 0) = nan",
    "log1p": "log1p(x) = log(1 + x) is defined for x > -1: log1p(-1) = -inf, below it nan",
    "div": "division by zero (or 0/0, inf/inf)",
    "rdiv": "division by zero",
    "pow": "a negative base with a non-integer exponent is nan; 0 to a negative power is "
    "inf; or the power overflows",
    "rpow": "a negative base with a non-integer exponent is nan, or the power overflows",
    "exp": "exp(x) overflows to inf for x > 709.78 in float64 (x > 88.72 in float32)",
    "sqrt": "sqrt is defined for x >= 0",
    "var": "the variance divides by n - correction, which is 0 or less here (e.g. one element "
    "with the default correction=1)",
    "mean": "the mean of no elements is 0/0",
    "to": "float32 holds numbers up to 3.4e38: larger ones become inf",
}
_BACKWARD_HINTS = {
    "log": "the derivative 1/x is infinite at x = 0",
    "log1p": "the derivative 1/(1 + x) is infinite at x = -1",
    "sqrt": "the derivative 1/(2 sqrt(x)) is infinite at x = 0",
    "div": "the derivatives 1/b and -a/b² are infinite at b = 0 (or overflow for a tiny b)",
    "rdiv": "the derivative -c/x² is infinite at x = 0 (or overflows for a tiny x)",
    "pow": "the derivative c·x^(c-1) is infinite at x = 0 when c < 1, and the exponent's "
    "derivative x^c·log(x) is nan for x < 0",
    "rpow": "the derivative c^x·log(c) is nan for a negative base c",
    "var": "the variance divides by n - correction, which is 0 or less here",
    "binary_cross_entropy": "the target's derivative log(1 - p) - log(p) is infinite where "
    "the probability p is 0 or 1",
}
# Ops whose result element i comes from their operands' elements i (after broadcasting):
# an anomaly message can then show the operands' numbers at the bad element.
_ELEMENTWISE = frozenset({
    "add", "sub", "rsub", "mul", "div", "rdiv", "pow", "rpow", "neg", "exp", "log", "log1p",
    "sqrt", "sin", "cos", "abs", "tanh", "sigmoid", "relu", "clamp", "maximum", "minimum",
    "where", "to",
    "binary_cross_entropy", "binary_cross_entropy_with_logits"})


def _data(x: Any) -> Any:
    return x.data if hasattr(x, "_op") else x


def _bad(x: Any) -> bool:
    """True if x (a number, an array or a node) holds nan or inf anywhere."""
    data = _data(x)
    if isinstance(data, float):
        return data - data != 0  # nan - nan and inf - inf are nan
    if isinstance(data, int):
        return False
    import numpy as np

    return not bool(np.isfinite(data).all())


def _describe(x: Any, name: str = "") -> str:
    """A node as an anomaly message names it: ``a = -1.0``, ``W of shape (3, 2)``."""
    if not hasattr(x, "_op"):
        return f"constant {x!r}" if isinstance(x, (int, float)) else f"constant of shape {x.shape}"
    label = x.label or name
    shape = getattr(x, "shape", None)
    if shape is None or shape == ():
        return f"{label or type(x).__name__} = {x.data if shape is None else x.item()!r}"
    return f"{label or type(x).__name__} of shape {tuple(shape)}"


def _operands(op: Rule, a: Any, b: Any) -> list[Any]:
    if op.arity == UNARY:  # b is a constant (a float) or the rule's context (axes, shapes ...)
        return [a, b] if isinstance(b, float) else [a]
    if op.arity == BINARY:
        return [a, b]
    return list(a)


def _first_bad(data: Any) -> tuple[int, ...] | None:
    """Where the first nan or inf of an array is (None for a number or a one-element array)."""
    if isinstance(data, (int, float)) or getattr(data, "size", 1) <= 1 or data.ndim == 0:
        return None
    import numpy as np

    return tuple(int(i) for i in np.argwhere(~np.isfinite(data))[0])


def _numbers_at(where: tuple[int, ...], shape: tuple[int, ...], operands: list[Any]) -> str:
    """The operands' numbers that made element ``where`` of an elementwise op's result."""
    import numpy as np

    shown = []
    for i, x in enumerate(operands):
        data = _data(x)
        if not hasattr(data, "shape"):
            continue  # a plain number is in the message already
        try:
            value = np.broadcast_to(data, shape)[where]
        except ValueError:
            return ""
        name = (x.label if hasattr(x, "_op") and x.label else f"input {i}")
        shown.append(f"{name} = {float(value)!r}")
    return f", where {' and '.join(shown)}," if shown else ""


def check_forward(node: Any, op: Rule, a: Any, b: Any) -> None:
    """Under ``detect_anomaly``, check a result that records no history (data only)."""
    if _mode.anomaly:
        check_result(node, op, a, b)


def check_result(node: Any, op: Rule, a: Any, b: Any) -> None:
    operands = _operands(op, a, b)
    if _bad(node) and not any(_bad(x) for x in operands if x is not None):
        data = _data(node)
        what = "nan" if _has_nan(data) else "inf"
        inputs = ", ".join(_describe(x, f"input {i}") for i, x in enumerate(operands))
        where = _first_bad(data)
        at = ""
        if where is not None:
            at = f" at index {where}"
            if op.name in _ELEMENTWISE:
                at += _numbers_at(where, data.shape, operands)
        hint = _HINTS.get(op.name, "the result overflows the floating-point range")
        raise AnomalyError(
            f"detect_anomaly: forward {op.name}({inputs}) produced {what}{at} from finite "
            f"inputs ({hint})"
        )


def check_share(node: Any, g: Any, parent: Any, index: int, share: Any) -> None:
    if share is None or not _bad(share) or _bad(g):
        return
    operands = _operands(node._op, node._a, node._b)
    if not any(_bad(x) for x in (node, *operands)):  # else a nan came in with the inputs
        share_data = _data(share)
        what = "nan" if _has_nan(share_data) else "inf"
        inputs = ", ".join(_describe(x, f"input {i}") for i, x in enumerate(operands))
        label = f" {node.label!r}" if node.label else ""
        where = _first_bad(share_data)
        at = ""
        if where is not None:
            at = f" at index {where}"
            same_shape = [x for x in operands if getattr(_data(x), "shape", None)
                          == share_data.shape]
            if node._op.name in _ELEMENTWISE or same_shape == [parent]:
                at += _numbers_at(where, share_data.shape,
                                  same_shape if node._op.name in _ELEMENTWISE else [parent])
        hint = _BACKWARD_HINTS.get(node._op.name) or _HINTS.get(
            node._op.name, "the local derivative is not finite there, or the gradient overflows")
        raise AnomalyError(
            f"detect_anomaly: backward of {node._op.name}{label} sent {what} to its input "
            f"{index} ({_describe(parent, f'input {index}')}){at} from finite inputs and a "
            f"finite incoming gradient; inputs were {inputs} ({hint})"
        )


def _has_nan(data: Any) -> bool:
    if isinstance(data, float):
        return data != data
    import numpy as np

    return bool(np.isnan(data).any())
