"""Stochastic gradient descent with PyTorch's settings and update formula
(``torch.optim.SGD``).

A plain step (no momentum, weight decay or maximize) on Tensors with their usual
gradients goes through a short loop of its own, :mod:`.fast_sgd`; everything else takes
the checked loops here, which give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .fast_sgd import fast_sgd_step
from .optimizer import Optimizer, _check, _gradient, _real, _write

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, as ``torch.optim.SGD``.

    One step, for each parameter p with gradient g (PyTorch's order of operations)::

        g = g + weight_decay * p                       if weight_decay != 0
        buf = g            (first step)                if momentum != 0
        buf = momentum * buf + (1 - dampening) * g     (later steps)
        g = g + momentum * buf  if nesterov  else buf
        p = p - lr * g
    """

    _made_in_the_loop = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        lr, momentum = group["lr"], group["momentum"]
        _check("SGD lr", lr, _real(lr) and lr >= 0, "a number >= 0 (not nan)")
        _check("SGD momentum", momentum, _real(momentum) and momentum >= 0, "a number >= 0")
        _check("SGD dampening", group["dampening"], _real(group["dampening"]), "a number")
        _check("SGD weight_decay", group["weight_decay"],
               _real(group["weight_decay"]) and group["weight_decay"] >= 0, "a number >= 0")
        if group["nesterov"] and (momentum <= 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD nesterov=True: Nesterov momentum requires momentum > 0 and dampening = 0 "
                f"(got momentum={momentum}, dampening={group['dampening']})"
            )

    def step(self) -> None:
        # Plain SGD, p - lr * g, is most of what a training step of a small network does
        # besides its matrix products: the same numbers as _update, without the bookkeeping
        # of buffers (and, as in PyTorch, without a state entry per parameter)
        for group in self.param_groups:
            if group["momentum"] != 0 or group["weight_decay"] != 0 or group["maximize"]:
                super().step()
                return
        if not fast_sgd_step(self.param_groups):
            # Values, or a gradient that needs checking: nothing written yet
            self._plain_step()
            return
        self._opt_called = True

    def _plain_step(self) -> None:
        """The plain step for any parameters: Values, and gradients that _gradient checks."""
        replaced = []  # (parameter, its new value)
        new: dict[int, Any] = {}  # a parameter listed twice steps twice, as in PyTorch
        for i, group in enumerate(self.param_groups):
            lr = group["lr"]
            for j, p in enumerate(group["params"]):
                if p.grad is not None:
                    value = new[id(p)] = _minus(new.get(id(p), p.data),
                                                lr * _gradient(p, self, i, j))
                    replaced.append((p, value))
        for p, value in replaced:  # every new value is ready: write them
            _write(p, value)
        self._opt_called = True

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p.data
        new_state: dict[str, Any] = {}
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            buf = _clone(g) if buf is None else buf * momentum + (1 - group["dampening"]) * g
            new_state["momentum_buffer"] = buf
            g = g + momentum * buf if group["nesterov"] else buf
        return _minus(p.data, group["lr"] * g), new_state  # lr * g: a new array, or a float


def _minus(data: Any, amount: Any) -> Any:
    """``data - amount`` as a new value, for an ``amount`` the caller has just computed.

    When ``amount`` is an array of ``data``'s shape and dtype, no one else holds it, so the
    difference is written into it: the same numbers, one array fewer to allocate (for a
    small network, allocating the new parameters costs as much as computing them).
    """
    if (amount.__class__ is np.ndarray and data.__class__ is np.ndarray
            and amount.dtype == data.dtype and amount.shape == data.shape):
        return np.subtract(data, amount, out=amount)
    return data - amount


def _clone(x: Any) -> Any:
    """A copy that later in-place edits of ``x`` cannot reach (floats are immutable)."""
    return x.copy() if isinstance(x, np.ndarray) else x
