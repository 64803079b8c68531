"""Optimizers with PyTorch's names, settings and exact update formulas.

They work on anything with ``.data`` and ``.grad``: Values (floats) and Tensors
(NumPy arrays) alike. Each step first computes every new value and only then
writes them, so an error part-way never leaves half the parameters updated. A
Tensor's new numbers are written into its array, as PyTorch's optimizers update
parameters in place: an array kept from ``p.data`` before a step shows the new
numbers (copy it to keep the old ones), and so do views of the parameter and the
tensor a Parameter was made from. An array that cannot be written (read-only) is
replaced instead.
Learning-rate schedules live in :mod:`autograd_mini.optim.lr_scheduler`, as in PyTorch.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from ..scalar import Value
from ..tensors import Tensor

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "lr_scheduler"]


_NO_STATE: Mapping[str, Any] = MappingProxyType({})  # the state of a parameter not yet updated


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
        if callable(getattr(params, "parameters", None)):  # a model (a Sequential is iterable)
            raise TypeError(f"{name}: params must be an iterable of parameters: pass "
                            f"model.parameters(), not the {type(params).__name__} itself")
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
        if len({id(p) for p in params}) != len(params):
            warnings.warn(f"{name}: a parameter group holds the same parameter more than once, so "
                          "each step updates it once for each time it appears (PyTorch warns "
                          "the same, and will refuse it)", UserWarning, stacklevel=2)
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
                if isinstance(p, Value):  # a Value's "no gradient yet" is 0.0, never None
                    p.grad = 0.0
                else:
                    p.grad = None if set_to_none else np.zeros_like(p.data)

    def step(self) -> None:
        """Update every parameter that has a gradient.

        All new values are computed first and written only when every one of them is
        ready, so a bad gradient raises before any parameter or buffer has changed.
        """
        updates: list[tuple[Any, Any, Mapping[str, Any]]] = []
        for i, group in enumerate(self.param_groups):
            self._group_updates(i, group, updates)
        state = self.state
        for p, data, new_state in updates:
            _write(p, data)
            entry = state.get(p)
            if entry is None:
                state[p] = dict(new_state)
            elif new_state:
                entry.update(new_state)
        self._opt_called = True  # schedulers warn when they are stepped before the optimizer

    def _group_updates(self, i: int, group: dict[str, Any],
                       out: list[tuple[Any, Any, Mapping[str, Any]]]) -> None:
        """Append (parameter, new data, state entries to store) for each parameter of group
        ``i`` that has a gradient, changing nothing yet."""
        state, update = self.state, self._update
        for j, p in enumerate(group["params"]):
            if p.grad is None:
                continue
            grad = _gradient(p, self, i, j)
            out.append((p, *update(p, grad, group, state.get(p, _NO_STATE))))

    def _update(
        self, p: Any, grad: Any, group: dict[str, Any], state: Mapping[str, Any]
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

    def step(self) -> None:
        # Plain SGD, p - lr * g, is most of what a training step of a small network does
        # besides its matrix products: the same numbers as _update, without the bookkeeping
        # of buffers (and, as in PyTorch, without a state entry per parameter)
        for group in self.param_groups:
            if group["momentum"] != 0 or group["weight_decay"] != 0 or group["maximize"]:
                super().step()
                return
        steps = self._tensor_steps()
        if steps is None:  # Values, or a gradient that needs checking: nothing written yet
            self._plain_step()
            return
        Tensor._subtract_data(steps)  # into each array, as torch's param.add_(g, alpha=-lr)
        self._opt_called = True

    def _tensor_steps(self) -> list[tuple[Any, Any]] | None:
        """``(parameter, lr * g)`` for every parameter with a gradient when all are the usual
        case, a Tensor whose writable array the gradient array matches in shape and dtype
        with a float lr (then lr * g keeps the dtype: NumPy's rule for Python numbers);
        None at the first one that is not."""
        steps = []
        for group in self.param_groups:
            lr = group["lr"]
            if lr.__class__ is not float:
                return None
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                data = p.data
                if not (grad.__class__ is np.ndarray and data.__class__ is np.ndarray
                        and grad.dtype is data.dtype and grad.shape == data.shape
                        and data.flags.writeable):
                    return None
                steps.append((p, lr * grad))
        return steps

    def _plain_step(self) -> None:
        """The plain step for any parameters: Values, and gradients that _gradient checks."""
        replaced = []  # (parameter, its new value)
        for i, group in enumerate(self.param_groups):
            lr = group["lr"]
            for j, p in enumerate(group["params"]):
                if p.grad is not None:
                    replaced.append((p, _minus(p.data, lr * _gradient(p, self, i, j))))
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


def _gradient(p: Any, opt: Optimizer, group: int, index: int) -> Any:
    """The parameter's gradient as plain numbers, checked against its data.

    A gradient recorded with create_graph=True is a node: its number is what counts. A
    gradient whose shape differs from the parameter's would broadcast into a parameter of
    the wrong shape, so it is an error here rather than a silent reshape. Errors name the
    parameter as ``parameter {index} of group {group}``.
    """
    grad = p.grad
    data = p.data
    if grad.__class__ is float and data.__class__ is float:  # a Value: nothing to check
        return grad
    if (grad.__class__ is np.ndarray and data.__class__ is np.ndarray  # a Tensor: the usual case
            and grad.shape == data.shape and grad.dtype.kind == "f"):
        return grad
    # the message is made only here: formatting it for every parameter of every step
    # would cost more than the checks above
    where = f"{type(opt).__name__}.step: parameter {index} of group {group}"
    if not isinstance(grad, (float, int, np.ndarray, np.generic)) and hasattr(grad, "data"):
        grad = grad.data
    if isinstance(grad, bool) or not isinstance(grad, (float, int, np.ndarray, np.generic)):
        raise TypeError(f"{where}: .grad must be a number or an array, got {type(grad).__name__}")
    if np.shape(grad) != np.shape(p.data):
        raise ValueError(f"{where}: gradient of shape {np.shape(grad)} does not match the "
                         f"parameter's shape {np.shape(p.data)}")
    if isinstance(grad, np.ndarray) and grad.dtype.kind not in "fiu":
        raise TypeError(f"{where}: .grad has dtype {grad.dtype}; expected real numbers")
    return float(grad) if isinstance(grad, (int, np.generic)) else grad


def _write(p: Any, value: Any) -> None:
    """``p.data = value``, written into the parameter's array when it can take it, as
    PyTorch's optimizers update parameters in place (views of it and tensors that share
    it, such as the Tensor a Parameter was made from, see the new numbers)."""
    old = p.data
    if (value.__class__ is np.ndarray and old.__class__ is np.ndarray and value is not old
            and value.shape == old.shape and value.dtype is old.dtype and old.flags.writeable):
        np.copyto(old, value)
        p.data = old  # counted as an edit of the array, as t.data -= ... is
    else:
        p.data = value


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


def _real(x: Any) -> bool:
    """A real number that is not nan (bool excluded)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and not math.isnan(x)


def _clone(x: Any) -> Any:
    """A copy that later in-place edits of ``x`` cannot reach (floats are immutable)."""
    return x.copy() if isinstance(x, np.ndarray) else x


from . import lr_scheduler  # noqa: E402  (the schedulers need Optimizer, defined above)
