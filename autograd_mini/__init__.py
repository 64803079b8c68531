"""autograd_mini: reverse-mode automatic differentiation for learning how backpropagation works."""

from . import data, nn, optim, train
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
from .serialization import load, save
from .steps import backprop_steps

__all__ = [
    "AnomalyError",
    "Value",
    "backprop_steps",
    "data",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "explain",
    "grad",
    "is_grad_enabled",
    "load",
    "nn",
    "no_grad",
    "optim",
    "save",
    "set_grad_enabled",
    "train",
]
__version__ = "0.1.0"
