"""Neural-network building blocks, as ``torch.nn``: for now the functional API."""

from . import functional

__all__ = ["functional"]
