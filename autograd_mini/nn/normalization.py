"""``LayerNorm`` and ``BatchNorm1d``, as ``torch.nn``'s: inputs rescaled to mean 0 and
variance 1 (over each example's last axes, or over the batch for each feature), then
scaled and shifted by a learned ``weight`` and ``bias``.

BatchNorm1d behaves differently in the two modes, as in PyTorch: in training it uses
the batch's statistics and moves its running estimates (the buffers ``running_mean``,
``running_var`` and ``num_batches_tracked``, saved in the state_dict) towards them; after
``model.eval()`` it uses the running estimates, so an example's output no longer
depends on the rest of its batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensors import Tensor
from ..tensors.devices import _check_device
from .functional_layers import _normalized_shape, batch_norm, layer_norm
from .modules import Module, Parameter, _features, _float_dtype

__all__ = ["BatchNorm1d", "LayerNorm"]


def _device(who: str, device: Any) -> None:
    _check_device(device, who)


def _renamed(exc: Exception, who: str, module: Module) -> Exception:
    """The same error, naming the module (``LayerNorm((4,), ...)``) for the function."""
    return type(exc)(str(exc).replace(f"{who}:", f"{module!r}:", 1))


class LayerNorm(Module):
    """Each example normalized over its last axes (``normalized_shape``): minus their
    mean, divided by sqrt(their variance + eps) (the variance divides by n), then
    ``* weight + bias``, learned, of shape ``normalized_shape`` (ones and zeros at the
    start; neither with ``elementwise_affine=False``, no bias with ``bias=False``)."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        who = "LayerNorm"
        _device(who, device)
        self.normalized_shape = _normalized_shape(who, normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dt = _float_dtype(np.float64 if dtype is None else dtype, who)
        shape = self.normalized_shape
        self.register_parameter("weight", Parameter(np.ones(shape, dt))
                                if elementwise_affine else None)
        self.register_parameter("bias", Parameter(np.zeros(shape, dt))
                                if elementwise_affine and bias else None)

    def forward(self, input: Any) -> Tensor:
        try:
            return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)
        except RuntimeError as exc:
            raise _renamed(exc, "layer_norm", self) from None

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class BatchNorm1d(Module):
    """Each feature (axis 1 of an (N, C) or (N, C, L) input) normalized over the batch,
    then ``* weight + bias`` (learned, ones and zeros at the start, if ``affine``).

    In training mode the batch's mean and variance (divided by n) normalize, and the
    running estimates move towards them: ``running = (1 - momentum) * running +
    momentum * batch``, the variance unbiased (divided by n - 1); ``momentum=None``
    keeps a plain average of every batch instead. In eval mode the running estimates
    normalize. With ``track_running_stats=False`` there are none, and the batch's
    statistics are used in both modes.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        who = "BatchNorm1d"
        _device(who, device)
        self.num_features = _features(who, "num_features", num_features)
        self.eps, self.momentum, self.affine = eps, momentum, affine
        self.track_running_stats = track_running_stats
        dt = _float_dtype(np.float64 if dtype is None else dtype, who)
        c = self.num_features
        self.register_parameter("weight", Parameter(np.ones(c, dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(c, dt))
                                if affine and bias else None)
        stats = track_running_stats
        self.register_buffer("running_mean", Tensor(np.zeros(c, dt)) if stats else None)
        self.register_buffer("running_var", Tensor(np.ones(c, dt)) if stats else None)
        # a count: PyTorch keeps it as an int64 tensor (here a float one, for now)
        self.register_buffer("num_batches_tracked", Tensor(0.0) if stats else None)

    def reset_running_stats(self) -> None:
        """Running mean 0, variance 1, no batches counted (PyTorch's)."""
        if self.track_running_stats:
            self.running_mean.data = np.zeros_like(self.running_mean.data)
            self.running_var.data = np.ones_like(self.running_var.data)
            self.num_batches_tracked.data = np.zeros_like(self.num_batches_tracked.data)

    def forward(self, input: Any) -> Tensor:
        factor = 0.0 if self.momentum is None else self.momentum
        count = self.num_batches_tracked
        counting = self.training and self.track_running_stats and count is not None
        if counting and self.momentum is None:  # the plain average of every batch so far
            factor = 1.0 / (float(count.data) + 1)
        # the batch's statistics in training, and whenever there are no running ones;
        # the running ones are given to be used (eval) or updated (training)
        use_batch = self.training or self.running_mean is None or self.running_var is None
        update = not self.training or self.track_running_stats
        try:
            out = batch_norm(input, self.running_mean if update else None,
                             self.running_var if update else None, self.weight, self.bias,
                             use_batch, factor, self.eps)
        except (RuntimeError, ValueError) as exc:
            raise _renamed(exc, "batch_norm", self) from None
        if counting:  # counted once the batch went through (PyTorch counts it before)
            count.data = count.data + 1
        return out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")
