"""Neural-network building blocks.

``nn.functional`` has PyTorch's activation and loss functions for Tensors.
``nn.scalar`` builds networks out of scalar :class:`~autograd_mini.Value` nodes, in
micrograd's shape (``Neuron``, ``Layer``, ``MLP``): every weight is a node you can
print, draw and explain.
"""

from . import functional, scalar

__all__ = ["functional", "scalar"]
