"""``Dropout``, as ``torch.nn.Dropout``: :func:`nn.functional.dropout` in training mode,
the identity after ``model.eval()``."""

from __future__ import annotations

from typing import Any

from .functional_layers import _probability, dropout
from .modules import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale the rest by
    1 / (1 - p) (so the expected value is unchanged); in eval mode, the identity.

    The random mask comes from the generator :func:`autograd_mini.manual_seed` seeds.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = _probability("Dropout", p)
        if inplace:
            raise NotImplementedError("Dropout: inplace=True is not supported; "
                                      "use nn.Dropout(p)")
        self.inplace = False

    def forward(self, input: Any) -> Any:
        return dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
