"""IEEE-safe arithmetic for the scalar rules.

Python raises where IEEE 754 (and PyTorch) return inf or nan: 1/0, exp(1000), log(0),
0 ** -1, (-8) ** (1/3). These helpers return what PyTorch returns. Each also accepts
Values, so one derivative formula serves a plain backward pass (floats) and a
``create_graph=True`` pass (Values, recorded so they can be differentiated again).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .value import Value

inf, nan = math.inf, math.nan


def _div(a: Any, b: Any) -> Any:
    try:
        return a / b
    except ZeroDivisionError:  # only floats get here: x / 0.0 is +-inf, 0 / 0 is nan
        if a != a or a == 0:
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)


def _exp(a: Any) -> Any:
    if a.__class__ is Value:
        return a.exp()
    try:
        return math.exp(a)
    except OverflowError:
        return inf


def _log(a: Any) -> Any:
    if a.__class__ is Value:
        return a.log()
    try:
        return math.log(a)
    except ValueError:  # log(0) is -inf, log(negative) is nan
        return -inf if a == 0 else nan


def _pow(a: Any, b: Any) -> Any:
    """C's pow(a, b): what torch.pow gives for a tensor exponent."""
    if a.__class__ is Value or b.__class__ is Value:
        return a**b
    try:
        r = a**b
        if r.__class__ is float:
            return r
    except (ZeroDivisionError, OverflowError):
        pass
    # 0 ** -1, overflow, or a complex result for a negative base: ask C's pow via NumPy.
    with np.errstate(all="ignore"):
        return float(np.power(np.float64(a), np.float64(b)))


def _pow_const(a: Any, c: float) -> Any:
    """``a ** c`` for a constant exponent, rounded exactly as torch.pow(tensor, c).

    PyTorch replaces a few exponents by cheaper exact formulas (x*x for 2, 1/sqrt(x)
    for -0.5, ...); using the same ones makes results equal to the last bit.
    """
    if a.__class__ is Value:
        return a**c
    if c == 2.0:
        return a * a
    if c == 3.0:
        return a * a * a
    if c == 0.5:
        return math.sqrt(a) if a >= 0 else nan
    if c == -0.5:
        return _div(1.0, math.sqrt(a)) if a >= 0 else nan
    if c == -1.0:
        return _div(1.0, a)
    if c == -2.0:
        return _div(1.0, a * a)
    if c == 0.0:
        return 1.0
    if c == 1.0:
        return a
    return _pow(a, c)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + _exp(-a))  # exp(1000) is inf, and 1/inf is 0: no overflow


def _data(x: Any) -> Any:
    """The number inside a Value (masks and tests look at numbers, not at nodes)."""
    return x.data if x.__class__ is Value else x
