"""autograd_mini: reverse-mode automatic differentiation for learning how backpropagation works."""

from . import data, nn, optim, train
from .draw import draw
from .explain import explain
from .gradcheck import GradcheckError, gradcheck
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
from .tensor import (
    Tensor,
    arange,
    as_tensor,
    cat,
    concatenate,
    float32,
    float64,
    from_numpy,
    full,
    manual_seed,
    maximum,
    minimum,
    ones,
    ones_like,
    rand,
    randn,
    stack,
    where,
    zeros,
    zeros_like,
)

__all__ = [
    "AnomalyError",
    "GradcheckError",
    "Tensor",
    "Value",
    "arange",
    "as_tensor",
    "backprop_steps",
    "cat",
    "concatenate",
    "data",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "explain",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "load",
    "manual_seed",
    "maximum",
    "minimum",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "randn",
    "save",
    "set_grad_enabled",
    "stack",
    "train",
    "where",
    "zeros",
    "zeros_like",
]
__version__ = "0.1.0"
