"""autograd_mini: reverse-mode automatic differentiation for learning how backpropagation works."""

from . import optim
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

__all__ = [
    "AnomalyError",
    "Value",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "optim",
    "set_grad_enabled",
]
__version__ = "0.1.0"
