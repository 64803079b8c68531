"""autograd_mini: reverse-mode automatic differentiation for learning how backpropagation works."""

from . import optim
from .draw import draw
from .explain import explain
from .graph import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .scalar import Value
from .steps import backprop_steps

__all__ = [
    "AnomalyError",
    "Value",
    "backprop_steps",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "explain",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "optim",
    "set_grad_enabled",
]
__version__ = "0.1.0"
