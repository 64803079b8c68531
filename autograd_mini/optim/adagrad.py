"""Adagrad with PyTorch's settings, formulas and order of operations
(``torch.optim.Adagrad``), so trajectories agree to rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .adam import _sqrt
from .optimizer import Optimizer, _check, _real

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``: each step divides the gradient by the root of
    the *sum* of every squared gradient so far, so a parameter that has seen large
    gradients takes ever smaller steps.

    One step for each parameter p with gradient g, at step number t (PyTorch's formulas
    and order of operations, so trajectories agree to rounding)::

        g = g + weight_decay * p                      if weight_decay != 0
        clr = lr / (1 + (t - 1) * lr_decay)
        sum = sum + g * g                             starts at initial_accumulator_value
        p = p - clr * g / (sqrt(sum) + eps)

    ``maximize=True`` ascends. As in PyTorch, every parameter given to the constructor
    has its state (``step`` 0 and ``sum``) from the start, so ``state_dict()`` lists it
    before the first step; parameters of a group added later get theirs at their first
    step. The accumulator starts at the ``initial_accumulator_value`` given to the
    constructor, also for a group that sets its own (PyTorch reads only the default).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {"step": 0.0, "sum": self._start(p.data)}

    def _validate(self, group: dict[str, Any]) -> None:
        _check("Adagrad lr", group["lr"], _real(group["lr"]) and group["lr"] >= 0,
               "a number >= 0 (not nan)")
        for key in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            value = group[key]
            _check(f"Adagrad {key}", value, _real(value) and value >= 0, "a number >= 0")

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        g = -grad if group["maximize"] else grad
        data = p.data
        step = state.get("step", 0.0) + 1.0
        if wd != 0:
            g = g + wd * data
        clr = lr / (1 + (step - 1) * group["lr_decay"])
        total = state["sum"] if "sum" in state else self._start(data)
        total = total + 1 * g * g
        std = _sqrt(total) + eps
        return data + (-clr) * g / std, {"step": step, "sum": total}

    def _start(self, data: Any) -> Any:
        """The accumulator's start: the constructor's initial_accumulator_value everywhere
        (as PyTorch, which reads it from the defaults, not from the parameter's group)."""
        value = self.defaults["initial_accumulator_value"]
        if isinstance(data, np.ndarray):
            return np.full_like(data, value)
        return float(value)
