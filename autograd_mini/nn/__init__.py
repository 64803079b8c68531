"""Neural-network building blocks.

The names follow ``torch.nn``: :class:`Module` (with registered parameters and
sub-modules), :class:`Parameter`, :class:`Linear`, the activations ``ReLU Tanh
Sigmoid``, the containers ``Sequential ModuleList``, ``Flatten Dropout Identity``,
the losses ``CrossEntropyLoss MSELoss``, and an :class:`MLP` convenience
(``MLP(64, [128, 10])``). ``nn.functional`` has PyTorch's activation and loss
functions for Tensors.

``nn.scalar`` builds networks out of scalar :class:`~autograd_mini.Value` nodes, in
micrograd's shape (``Neuron``, ``Layer``, ``MLP``): every weight is a node you can
print, draw and explain.
"""

from . import functional, scalar
from .modules import (
    MLP,
    CrossEntropyLoss,
    Dropout,
    Flatten,
    Identity,
    IncompatibleKeys,
    Linear,
    Module,
    ModuleList,
    MSELoss,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)

__all__ = [
    "MLP",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "MSELoss",
    "Module",
    "ModuleList",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "functional",
    "scalar",
]
