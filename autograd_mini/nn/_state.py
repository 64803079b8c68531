"""What the two kinds of modules share about ``load_state_dict``: the checks.

Both :class:`autograd_mini.nn.Module` (Tensors) and the scalar modules of
:mod:`autograd_mini.nn.scalar` (Values) load a state_dict the same way: every entry
is checked against the model first (names, numbers, shapes) and converted to the
model's dtype, and only when all of them fit is anything written, so a bad state_dict
never leaves a model half loaded.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

__all__ = ["IncompatibleKeys", "checked_arrays"]

Shape = tuple[int, ...]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(..., strict=False)`` skipped, as PyTorch returns it."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _as_array(value: Any) -> np.ndarray[Any, Any]:
    """The numbers of one state_dict entry: an array, a Value or Tensor (its ``.data``),
    a PyTorch tensor (detached: a state_dict made with keep_vars=True holds parameters)."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "data") and hasattr(value, "grad") and isinstance(
            getattr(value, "data", None), (np.ndarray, float, int)):
        return np.asarray(value.data)  # a Tensor (or a Value)
    detach = getattr(value, "detach", None)
    if callable(detach) and hasattr(value, "numpy"):  # a torch.Tensor (on the CPU)
        return np.asarray(detach().cpu().numpy())
    return np.asarray(value)


def _converted(who: str, name: str, array: np.ndarray[Any, Any], dtype: np.dtype[Any]
               ) -> np.ndarray[Any, Any]:
    """A copy of ``array`` in ``dtype``. A finite number too large for ``dtype`` becomes inf,
    as in NumPy's cast, with a RuntimeWarning naming the entry instead of NumPy's anonymous
    one (so that under warnings-as-errors it is raised here, before anything is written)."""
    try:
        with np.errstate(over="raise"):
            return np.array(array, dtype=dtype, copy=True)
    except FloatingPointError:
        pass
    with np.errstate(over="ignore", invalid="ignore"):
        result = np.array(array, dtype=dtype, copy=True)
        index = tuple(int(i) for i in np.argwhere(np.isinf(result) & np.isfinite(array))[0])
    where = f" (at index {index})" if index else ""
    message = (f"{who}: {name!r} holds {array[index]!s}{where}, too large for {dtype}, the "
               f"parameter's dtype (largest {np.finfo(dtype).max!s}): it is loaded as inf")
    if dtype != np.float64:
        message += ". To keep it, convert the model to float64 first (model.double())"
    mode = np.geterr()["over"]  # what the caller asked NumPy to do with an overflow
    if mode == "raise":
        raise FloatingPointError(message)
    if mode != "ignore":
        warnings.warn(message, RuntimeWarning, stacklevel=4)  # the caller's load_state_dict
    return result


def checked_arrays(who: str, shapes: Mapping[str, Shape], state_dict: Any, strict: bool,
                   dtypes: Mapping[str, np.dtype[Any]] | None = None
                   ) -> tuple[dict[str, np.ndarray[Any, Any]], IncompatibleKeys]:
    """Check ``state_dict`` against the model's ``{name: shape}``; return the arrays to
    load (one per name present, each a new array converted to ``dtypes[name]``, float64
    when ``dtypes`` is None: a Value holds a Python float) and the missing / unexpected keys.

    Raises, naming the key, before anything is loaded: ValueError for missing or
    unexpected keys (with ``strict=True``) and for a wrong shape (always, as PyTorch),
    TypeError for an entry that does not hold real numbers. A number too large for its
    dtype warns (RuntimeWarning, naming it) and becomes inf, as a NumPy cast does; under
    warnings-as-errors that warning is raised here, so nothing is loaded.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"{who}: expected a dict of arrays such as model.state_dict(), "
                        f"got {type(state_dict).__name__}")
    missing = [k for k in shapes if k not in state_dict]
    unexpected = [str(k) for k in state_dict if k not in shapes]
    if strict and (missing or unexpected):
        parts = []
        if missing:
            parts.append(f"missing key(s): {', '.join(map(repr, missing))}")
        if unexpected:
            parts.append(f"unexpected key(s): {', '.join(map(repr, unexpected))}")
        raise ValueError(f"{who}: the state_dict does not fit this model ({'; '.join(parts)}); "
                         "nothing was loaded")
    arrays = {}
    for name, shape in shapes.items():
        if name not in state_dict:
            continue
        try:
            array = _as_array(state_dict[name])
        except (TypeError, ValueError, RuntimeError) as exc:
            raise TypeError(f"{who}: {name!r} cannot be read as an array of numbers ({exc}); "
                            "nothing was loaded") from None
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{who}: {name!r} holds {array.dtype} data; expected real numbers; "
                            "nothing was loaded")
        if array.shape != tuple(shape):
            raise ValueError(f"{who}: size mismatch for {name!r}: the state_dict has shape "
                             f"{array.shape}, the model has {tuple(shape)}; nothing was loaded")
        dtype = np.dtype(np.float64 if dtypes is None else dtypes[name])
        arrays[name] = _converted(who, name, array, dtype)
    return arrays, IncompatibleKeys(missing, unexpected)
