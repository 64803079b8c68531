"""Adam and AdamW with PyTorch's settings, formulas and order of operations
(``torch.optim.Adam``, ``torch.optim.AdamW``), so trajectories agree to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .optimizer import Optimizer, _check, _real

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: a step along the running mean of the gradient,
    scaled down where the gradient has been large (the running mean of its square).

    One step for each parameter p with gradient g, at step number t (PyTorch's formulas
    and order of operations, so trajectories agree to rounding)::

        g = g + weight_decay * p                         if weight_decay != 0
        m = m + (1 - beta1) * (g - m)                    running mean (a lerp)
        v = beta2 * v + (1 - beta2) * g * g              running mean of g²
        v_max = max(v_max, v); use v_max for v           if amsgrad
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps
        p = p - (lr / (1 - beta1**t)) * m / denom

    ``decoupled_weight_decay=True`` shrinks p by ``1 - lr * weight_decay`` instead of
    adding to g (that is AdamW); ``maximize=True`` ascends.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        lr, eps, wd, betas = group["lr"], group["eps"], group["weight_decay"], group["betas"]
        _check(f"{name} lr", lr, _real(lr) and lr >= 0, "a number >= 0 (not nan)")
        _check(f"{name} eps", eps, _real(eps) and eps >= 0, "a number >= 0")
        _check(f"{name} weight_decay", wd, _real(wd) and wd >= 0, "a number >= 0")
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"{name} betas: expected a pair (beta1, beta2), got {betas!r}")
        for k, beta in enumerate(betas):
            _check(f"{name} betas[{k}]", beta, _real(beta) and 0 <= beta < 1,
                   "a number in [0, 1)")

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        g = -grad if group["maximize"] else grad
        data = p.data
        step = state.get("step", 0.0) + 1.0  # a float, as PyTorch keeps it
        if wd != 0:
            if group["decoupled_weight_decay"]:
                data = data * (1 - lr * wd)
            else:
                g = g + wd * data
        zero = np.zeros_like(data) if isinstance(data, np.ndarray) else 0.0
        exp_avg = _lerp(state.get("exp_avg", zero), g, 1 - beta1)
        exp_avg_sq = state.get("exp_avg_sq", zero) * beta2 + (1 - beta2) * g * g
        new_state = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
        bias_correction1 = 1 - beta1**step
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        step_size = lr / bias_correction1
        if group["amsgrad"]:
            exp_avg_sq = _maximum(state.get("max_exp_avg_sq", zero), exp_avg_sq)
            new_state["max_exp_avg_sq"] = exp_avg_sq
        denom = _sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
        return data + (-step_size) * exp_avg / denom, new_state


class AdamW(Adam):
    """Adam with decoupled weight decay (default 0.01), as ``torch.optim.AdamW``."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)


def _lerp(start: Any, end: Any, weight: float) -> Any:
    """start + weight·(end - start), computed the way torch.lerp is for this weight."""
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _sqrt(x: Any) -> Any:
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


def _maximum(a: Any, b: Any) -> Any:
    """Elementwise max that keeps nan, as torch.maximum."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.maximum(a, b)
    return a if (a >= b or a != a) else b
