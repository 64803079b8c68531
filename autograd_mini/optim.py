"""Optimizers with PyTorch's names, settings and exact update formulas.

They work on anything with ``.data`` and ``.grad``: Values (floats) and Tensors
(NumPy arrays) alike. Each step first computes every new value and only then
writes them, so an error part-way never leaves half the parameters updated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["SGD", "Optimizer"]


def _check(name: str, value: float, ok: bool, expected: str) -> None:
    if not ok:
        raise ValueError(f"{name}: invalid value {value!r}; expected {expected}")


class Optimizer:
    """Base class: holds ``param_groups`` (a list of dicts, each with its own settings)
    and ``state`` (per-parameter buffers such as momentum), as ``torch.optim.Optimizer``.

    ``params`` is an iterable of parameters, or of dicts ``{"params": [...], "lr": ...}``
    whose keys override the defaults for that group.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, (str, bytes)) or not isinstance(params, Iterable):
            raise TypeError(
                f"{name}: params must be an iterable of parameters (e.g. model.parameters()), "
                f"got {type(params).__name__}"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Any, dict[str, Any]] = {}
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters with settings of its own (defaults fill the rest)."""
        name = type(self).__name__
        params = group["params"]
        params = [params] if hasattr(params, "data") else list(params)
        for p in params:
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(
                    f"{name}: every parameter needs .data and .grad (a Value or a Tensor), "
                    f"got {type(p).__name__}"
                )
            if getattr(p, "requires_grad", True) is False:
                raise ValueError(
                    f"{name}: a parameter does not require grad, so it would never be "
                    "updated; create it with requires_grad=True"
                )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        full = {**self.defaults, **group, "params": params}
        self._validate(full)
        self.param_groups.append(full)

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError naming any bad setting (subclasses check their own)."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients before the next backward pass (they accumulate otherwise).

        Tensors get ``.grad = None`` (PyTorch's default) or zeros with
        ``set_to_none=False``; Values, whose gradient is a plain float, get 0.0.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p.grad, float):  # a Value: its "no gradient yet" is 0.0
                    p.grad = 0.0
                else:
                    p.grad = None if set_to_none else np.zeros_like(p.data)

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        updates: list[tuple[Any, Any]] = []
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state.setdefault(p, {})
                    updates.append((p, self._update(p, p.grad, group, state)))
        for p, (data, new_state) in updates:
            p.data = data
            self.state[p].update(new_state)

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: dict[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        """Return the parameter's new data and the state entries to store."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Settings and buffers, with parameters referred to by position (as PyTorch)."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        groups = []
        for g in self.param_groups:
            groups.append({**{k: v for k, v in g.items() if k != "params"},
                           "params": [index[id(p)] for p in g["params"]]})
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(g.items()) if k != "params"]
        return "\n".join([*lines, ")"])


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, as ``torch.optim.SGD``.

    One step, for each parameter p with gradient g (PyTorch's order of operations)::

        g = g + weight_decay * p                       if weight_decay != 0
        buf = g            (first step)                if momentum != 0
        buf = momentum * buf + (1 - dampening) * g     (later steps)
        g = g + momentum * buf  if nesterov  else buf
        p = p - lr * g
    """

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

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: dict[str, Any]
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
        return p.data - group["lr"] * g, new_state


def _real(x: Any) -> bool:
    """A real number that is not nan (bool excluded)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and not math.isnan(x)


def _clone(x: Any) -> Any:
    """A copy that later in-place edits of ``x`` cannot reach (floats are immutable)."""
    return x.copy() if isinstance(x, np.ndarray) else x
