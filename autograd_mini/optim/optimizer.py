"""The Optimizer base class, as ``torch.optim.Optimizer``: parameter groups and their
settings, per-parameter state, ``zero_grad``, ``state_dict``, and the checks every
optimizer's step shares (a gradient against its parameter, a setting against its range).

Each step first computes every new value and only then writes them, so an error part-way
never leaves half the parameters updated. A Tensor's new numbers are written into its
array (see ``_write``), as PyTorch's optimizers update parameters in place.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from ..scalar import Value
from ..tensors.inplace import _zero_grad

__all__ = ["Optimizer"]


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

    # state that PyTorch's step creates inside its loop over the parameters, so that the two
    # appearances of a parameter listed twice each make their own on the step it appears
    _made_in_the_loop: tuple[str, ...] = ()

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

        Tensors get ``.grad = None`` (PyTorch's default), or with ``set_to_none=False``
        their gradient Tensor zeroed in place (``p.grad.zero_()``, detached first if it
        has history; None stays None), as PyTorch's; Values, whose gradient is a plain
        float, get 0.0.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p, Value):  # a Value's "no gradient yet" is 0.0, never None
                    p.grad = 0.0
                else:
                    _zero_grad(p, set_to_none)

    def step(self) -> None:
        """Update every parameter that has a gradient.

        All new values are computed first and written only when every one of them is
        ready, so a bad gradient raises before any parameter or buffer has changed.
        """
        updates: list[tuple[Any, Any, Mapping[str, Any]]] = []
        pending: dict[int, tuple[Any, Mapping[str, Any]]] = {}
        for i, group in enumerate(self.param_groups):
            self._group_updates(i, group, updates, pending)
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
                       out: list[tuple[Any, Any, Mapping[str, Any]]],
                       pending: dict[int, tuple[Any, Mapping[str, Any]]]) -> None:
        """Append (parameter, new data, state entries to store) for each parameter of group
        ``i`` that has a gradient, changing nothing yet.

        A parameter listed twice is updated twice, as PyTorch's in-place steps update it
        (the optimizers warn about it): its second update starts from the new data and state
        of its first, kept in ``pending`` -- except a buffer PyTorch makes inside its loop on
        this step (``_made_in_the_loop``: SGD's momentum buffer), which each appearance makes
        afresh there."""
        state, update = self.state, self._update
        for j, p in enumerate(group["params"]):
            if p.grad is None:
                continue
            grad = _gradient(p, self, i, j)
            first = pending.get(id(p))
            if first is None:
                data, new_state = update(p, grad, group, state.get(p, _NO_STATE))
            else:
                old = state.get(p, _NO_STATE)
                chained = {k: v for k, v in first[1].items()
                           if k in old or k not in self._made_in_the_loop}
                data, new_state = update(_Pending(first[0]), grad, group, {**old, **chained})
            pending[id(p)] = (data, new_state)
            out.append((p, data, new_state))

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


def _gradient(p: Any, opt: Optimizer, group: int, index: int) -> Any:
    """The parameter's gradient as plain numbers (a Tensor's array), checked against its data.

    A gradient recorded with create_graph=True is a node: its number is what counts. A
    gradient whose shape differs from the parameter's would broadcast into a parameter of
    the wrong shape, so it is an error here rather than a silent reshape. Errors name the
    parameter as ``parameter {index} of group {group}``.
    """
    grad = p.grad
    data = p.data
    if grad.__class__ is float and data.__class__ is float:  # a Value: nothing to check
        return grad
    arr = getattr(grad, "_data", None)  # a Tensor's numbers (the setter checked them)
    if (arr.__class__ is np.ndarray and data.__class__ is np.ndarray  # the usual case
            and arr.shape == data.shape and arr.dtype.kind == "f"):
        return arr
    # the message is made only here: formatting it for every parameter of every step
    # would cost more than the checks above
    where = f"{type(opt).__name__}.step: parameter {index} of group {group}"
    if arr is not None:
        grad = arr
    elif hasattr(grad, "data") and not isinstance(grad, np.ndarray):  # a Value with history
        grad = grad.data
    if isinstance(grad, bool) or not isinstance(grad, (float, int, np.ndarray, np.generic)):
        raise TypeError(f"{where}: .grad must be a number or a Tensor, got "
                        f"{type(grad).__name__}")
    if np.shape(grad) != np.shape(p.data):
        raise ValueError(f"{where}: gradient of shape {np.shape(grad)} does not match the "
                         f"parameter's shape {np.shape(p.data)}")
    if isinstance(grad, np.ndarray) and grad.dtype.kind not in "fiu":
        raise TypeError(f"{where}: .grad has dtype {grad.dtype}; expected real numbers")
    return float(grad) if isinstance(grad, (int, np.generic)) else grad


class _Pending:
    """A parameter's new data, not written yet, as an update formula reads it (``.data``)."""

    __slots__ = ("data",)

    def __init__(self, data: Any) -> None:
        self.data = data


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



def _real(x: Any) -> bool:
    """A real number that is not nan (bool excluded)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and not math.isnan(x)
