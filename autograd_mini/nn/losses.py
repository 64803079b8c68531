"""The loss modules, as ``torch.nn``'s: each one holds its settings and calls the
function of :mod:`autograd_mini.nn.functional` that does the work.

::

    loss_fn = nn.MSELoss(reduction="sum")
    loss = loss_fn(model(x), y)        # the same as F.mse_loss(model(x), y, reduction="sum")

The signatures are PyTorch's, down to the old ``size_average`` and ``reduce``
arguments that come before ``reduction`` (old tutorials write
``nn.MSELoss(size_average=False)``): given, they choose the reduction as in PyTorch,
with PyTorch's deprecation warning. The class weights of ``BCELoss`` and
``BCEWithLogitsLoss`` (``weight``, ``pos_weight``) are *buffers*, as in PyTorch:
saved in the state_dict under those names when given.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..tensors import Tensor
from . import functional as F
from .modules import Module

__all__ = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "L1Loss", "MSELoss"]


def _reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """The reduction, from the deprecated pair when either is given (PyTorch's rule)."""
    if size_average is None and reduce is None:
        return reduction
    mean, keep = size_average is not False, reduce is not False
    chosen = "mean" if mean and keep else "sum" if keep else "none"
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{chosen}' instead.", UserWarning, stacklevel=3)
    return chosen


def _buffer(who: str, name: str, value: Any) -> Tensor | None:
    """An optional weight as a Tensor, to register as a buffer (None stays None)."""
    if value is None or isinstance(value, Tensor):
        return value
    try:
        return Tensor(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{who}: {name} must be a Tensor or an array of numbers ({exc})") from None


class CrossEntropyLoss(Module):
    """:func:`nn.functional.cross_entropy` as a module: softmax cross-entropy of logits."""

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.weight, self.ignore_index, self.reduction = weight, ignore_index, reduction

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction)


class MSELoss(Module):
    """:func:`nn.functional.mse_loss` as a module: the mean squared error."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction(size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(Module):
    """:func:`nn.functional.l1_loss` as a module: the mean absolute error |input - target|."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction(size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(Module):
    """:func:`nn.functional.binary_cross_entropy` as a module, for probabilities in [0, 1]
    (the output of a sigmoid). ``weight`` rescales each element's loss."""

    def __init__(self, weight: Any = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__()
        self.register_buffer("weight", _buffer("BCELoss", "weight", weight))
        self.reduction = _reduction(size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(Module):
    """:func:`nn.functional.binary_cross_entropy_with_logits` as a module: a sigmoid and
    the binary cross-entropy in one, computed stably from raw scores. ``weight`` rescales
    each element's loss, ``pos_weight`` the loss of the positive targets (per class)."""

    def __init__(self, weight: Any = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__()
        self.register_buffer("weight", _buffer("BCEWithLogitsLoss", "weight", weight))
        self.register_buffer("pos_weight",
                             _buffer("BCEWithLogitsLoss", "pos_weight", pos_weight))
        self.reduction = _reduction(size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)
