"""Neural-network building blocks.

The names follow ``torch.nn``: :class:`Module` (with registered parameters, buffers and
sub-modules), :class:`Parameter`, :class:`Linear`, :class:`Embedding`, the activations
``ReLU Tanh Sigmoid``, the containers ``Sequential ModuleList``, ``Flatten Dropout
Identity``, the normalizations ``LayerNorm BatchNorm1d``, the losses ``CrossEntropyLoss
MSELoss L1Loss BCELoss BCEWithLogitsLoss``, and an :class:`MLP` convenience
(``MLP(64, [128, 10])``). ``nn.functional`` has PyTorch's activation, loss and layer
functions for Tensors.

The files: ``modules.py`` (Module, Parameter, the containers, Linear, the activations,
Flatten, MLP), ``sparse.py`` (Embedding), ``normalization.py`` (LayerNorm, BatchNorm1d),
``dropout.py``, ``losses.py``, ``functional.py`` and ``functional_layers.py``.

``nn.scalar`` builds networks out of scalar :class:`~autograd_mini.Value` nodes, in
micrograd's shape (``Neuron``, ``Layer``, ``MLP``): every weight is a node you can
print, draw and explain.
"""

from . import functional, scalar
from .dropout import Dropout
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from .modules import (
    MLP,
    Flatten,
    Identity,
    IncompatibleKeys,
    Linear,
    Module,
    ModuleList,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from .normalization import BatchNorm1d, LayerNorm
from .sparse import Embedding

__all__ = [
    "MLP",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "L1Loss",
    "LayerNorm",
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
