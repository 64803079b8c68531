"""``autograd_mini.autograd``: PyTorch's ``torch.autograd`` names.

* :func:`grad`      the gradients of outputs with respect to inputs, returned (the engine's)
* :func:`backward`  ``torch.autograd.backward``: several roots at once, or only some inputs
* :class:`Function` a learner's own operation, with its own forward and backward
  (``function.py``)
* ``functional``    ``jacobian`` and ``hessian``, torch.autograd.functional's (``functional.py``,
  loaded on first use)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..engine import grad
from .backward import backward
from .function import Function, FunctionCtx

if TYPE_CHECKING:
    from . import functional

__all__ = ["Function", "FunctionCtx", "backward", "functional", "grad"]


def __getattr__(name: str) -> Any:
    """``autograd.functional`` loads the first time it is asked for (PEP 562)."""
    if name == "functional":
        return importlib.import_module(".functional", __name__)
    raise AttributeError(f"module 'autograd_mini.autograd' has no attribute {name!r}")
