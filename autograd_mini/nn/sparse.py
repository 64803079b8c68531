"""``Embedding``, as ``torch.nn.Embedding``: a table of learned vectors, one row per
index (a word, a character, a class), looked up by integer indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensors import randn
from ..tensors.devices import _check_device
from .functional_layers import _padding_index, embedding
from .modules import Module, Parameter, _features

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table: ``Embedding(27, 10)(X)`` gives, for each integer in ``X``, that row
    of ``weight`` (27, 10), so the output has shape ``X.shape + (10,)``::

        C = nn.Embedding(27, 2)       # 27 characters, each a point in 2-d
        emb = C(X)                    # X: (N, 3) integer indices -> emb: (N, 3, 2)

    ``weight`` starts as standard normal samples (PyTorch's initial distribution, from
    the generator :func:`autograd_mini.manual_seed` seeds). ``padding_idx``: that row
    starts at zero and never gets a gradient, so it stays as it is in training.

    The indices may be a list of ints, a NumPy integer array, or anything whose ``.data``
    has an integer dtype; float indices raise a RuntimeError and indices outside
    0 .. num_embeddings - 1 an IndexError, as in PyTorch.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int,
                 padding_idx: int | None = None, *, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        who = "Embedding"
        _check_device(device, who)
        self.num_embeddings = _features(who, "num_embeddings", num_embeddings)
        self.embedding_dim = _features(who, "embedding_dim", embedding_dim)
        self.padding_idx = _padding_index(who, padding_idx, self.num_embeddings)
        self.weight = Parameter(randn(self.num_embeddings, self.embedding_dim,
                                      dtype=np.float64 if dtype is None else dtype))
        self._zero_padding_row()

    def reset_parameters(self) -> None:
        """Draw a new table from N(0, 1), the padding row zero (PyTorch's)."""
        w = self.weight.data
        self.weight.data = randn(*w.shape, dtype=w.dtype).data
        self._zero_padding_row()

    def _zero_padding_row(self) -> None:
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input: Any) -> Any:
        try:
            return embedding(input, self.weight, self.padding_idx)
        except (IndexError, RuntimeError) as exc:  # name the module, not the function
            raise type(exc)(str(exc).replace("embedding:", f"{self!r}:", 1)) from None

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        return s if self.padding_idx is None else s + f", padding_idx={self.padding_idx}"
