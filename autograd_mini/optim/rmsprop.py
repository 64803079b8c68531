"""RMSprop with PyTorch's settings, formulas and order of operations
(``torch.optim.RMSprop``), so trajectories agree to rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .adam import _lerp, _sqrt
from .optimizer import Optimizer, _check, _real

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``: each step divides the gradient by the root of
    a running mean of its square, so every parameter moves at about the same pace
    whatever the size of its gradient.

    One step for each parameter p with gradient g (PyTorch's formulas and order of
    operations, so trajectories agree to rounding)::

        g = g + weight_decay * p                      if weight_decay != 0
        v = alpha * v + (1 - alpha) * g * g           running mean of g²
        avg = sqrt(v)
        m = m + (1 - alpha) * (g - m)                 if centered: running mean of g
        avg = sqrt(v - m * m)                         (a lerp; the variance of g)
        avg = avg + eps
        buf = momentum * buf + g / avg                if momentum > 0
        p = p - lr * buf
        p = p - lr * g / avg                          otherwise

    ``maximize=True`` ascends. The state of each parameter holds ``step``,
    ``square_avg``, and ``momentum_buffer`` (if momentum > 0) and ``grad_avg`` (if
    centered), PyTorch's names.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        _check("RMSprop lr", group["lr"], _real(group["lr"]) and group["lr"] >= 0,
               "a number >= 0 (not nan)")
        for key in ("alpha", "eps", "weight_decay", "momentum"):
            value = group[key]
            # PyTorch refuses only negative values (an alpha above 1 is accepted there too)
            _check(f"RMSprop {key}", value, _real(value) and value >= 0, "a number >= 0")

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        wd, momentum = group["weight_decay"], group["momentum"]
        g = -grad if group["maximize"] else grad
        data = p.data
        zero = np.zeros_like(data) if isinstance(data, np.ndarray) else 0.0
        new_state: dict[str, Any] = {"step": state.get("step", 0.0) + 1.0}
        if wd != 0:
            g = g + wd * data
        square_avg = state.get("square_avg", zero) * alpha + (1 - alpha) * g * g
        new_state["square_avg"] = square_avg
        if group["centered"]:
            grad_avg = _lerp(state.get("grad_avg", zero), g, 1 - alpha)
            new_state["grad_avg"] = grad_avg
            avg = _sqrt(square_avg + (-1 * grad_avg) * grad_avg)
        else:
            avg = _sqrt(square_avg)
        avg = avg + eps
        if momentum > 0:
            buf = state.get("momentum_buffer", zero) * momentum + g / avg
            new_state["momentum_buffer"] = buf
            return data + (-lr) * buf, new_state
        return data + (-lr) * g / avg, new_state
