"""autograd_mini: reverse-mode automatic differentiation for learning how backpropagation works."""

from . import nn, optim
from .gradcheck import GradcheckError, gradcheck
from .graph import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .scalar import Value
from .tensor import (
    Tensor,
    arange,
    cat,
    concatenate,
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
    "GradcheckError",
    "Tensor",
    "Value",
    "arange",
    "cat",
    "concatenate",
    "enable_grad",
    "from_numpy",
    "full",
    "grad",
    "gradcheck",
    "is_grad_enabled",
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
    "set_grad_enabled",
    "stack",
    "where",
    "zeros",
    "zeros_like",
]
__version__ = "0.1.0"
