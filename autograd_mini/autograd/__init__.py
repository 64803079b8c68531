"""``autograd_mini.autograd``: PyTorch's ``torch.autograd`` names.

* :func:`grad`      the gradients of outputs with respect to inputs, returned (the engine's)
* :func:`backward`  ``torch.autograd.backward``: several roots at once, or only some inputs
* :class:`Function` a learner's own operation, with its own forward and backward
  (``function.py``)
"""

from __future__ import annotations

from ..engine import grad
from .backward import backward
from .function import Function, FunctionCtx

__all__ = ["Function", "FunctionCtx", "backward", "grad"]
