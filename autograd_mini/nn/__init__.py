"""Neural-network building blocks.

``nn.scalar`` builds networks out of scalar :class:`~autograd_mini.Value` nodes, in
micrograd's shape (``Neuron``, ``Layer``, ``MLP``): every weight is a node you can
print, draw and explain.
"""

from . import scalar

__all__ = ["scalar"]
