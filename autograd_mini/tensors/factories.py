"""Tensors made from nothing, or from data: zeros, ones, full, randn, rand, arange,
from_numpy, as_tensor, the default random generator (manual_seed) and the two dtypes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arguments import Shape, _shape_arg
from .nodes import _HELD, _describe, _float_dtype, _held, _leaf, _number, _to_array

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .tensor import Tensor

__all__ = ["arange", "as_tensor", "float32", "float64", "from_numpy", "full", "manual_seed",
           "ones", "rand", "randn", "zeros"]

# The default random generator, made on first use: importing numpy.random costs about as
# much as the rest of `import autograd_mini`.
_generator: list[np.random.Generator | None] = [None]


def default_generator() -> np.random.Generator:
    """The generator randn, rand and the layers' initialisation draw from (see manual_seed)."""
    rng = _generator[0]
    if rng is None:
        rng = _generator[0] = np.random.default_rng()
    return rng


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the default random generator (used by randn and rand), as ``torch.manual_seed``."""
    rng = _generator[0] = np.random.default_rng(seed)
    return rng


def _size_arg(size: tuple[Any, ...], who: str) -> Shape:
    try:
        shape = _shape_arg(size)
    except TypeError:
        raise TypeError(f"{who}: size must be ints or one tuple of ints, got {size!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"{who}: sizes cannot be negative, got {shape}")
    return shape


def _new_leaf(data: Any, requires_grad: bool, who: str) -> Tensor:
    if not isinstance(requires_grad, (bool, np.bool_)):
        raise TypeError(f"{who}: requires_grad must be True or False, got {requires_grad!r}")
    return _leaf(data, bool(requires_grad))


def from_numpy(array: np.ndarray[Any, Any], requires_grad: bool = False) -> Tensor:
    """A tensor that shares ``array``'s memory (no copy), as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a NumPy array, got {_describe(array)}")
    if array.dtype.kind != "f":
        raise TypeError(f"from_numpy: the array has dtype {array.dtype}; a Tensor holds floats, "
                        "so convert with Tensor(array) (a float64 copy)")
    if array.dtype not in _HELD:
        raise TypeError(f"from_numpy: the array has dtype {array.dtype}; a Tensor holds float64 "
                        f"or float32, so it cannot share this memory: convert with "
                        f"Tensor(array) (a {_held(array.dtype)} copy)")
    return _new_leaf(array, requires_grad, "from_numpy")


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """``data`` as a Tensor, sharing memory when it can, as ``torch.as_tensor``.

    A Tensor of the dtype asked for is returned as it is, a float NumPy array is
    shared (as by :func:`from_numpy`), anything else is copied (as by ``Tensor(data)``).
    Unlike PyTorch, integer data gives float64 (a Tensor holds floats); the losses
    accept such a tensor of whole numbers as class labels, so
    ``F.cross_entropy(logits, lib.as_tensor(y))`` works with either library as ``lib``.
    """
    dt = None if dtype is None else _float_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dt is None or data.data.dtype == dt else data.to(dt)
    if isinstance(data, np.ndarray) and data.dtype in _HELD and dt in (None, data.dtype):
        return _leaf(data)
    return _leaf(_to_array(data, dt, "as_tensor"))


# the two dtypes a Tensor can hold, under PyTorch's names (dtype=autograd_mini.float64)
float32, float64 = np.dtype(np.float32), np.dtype(np.float64)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "zeros")
    return _new_leaf(np.zeros(_size_arg(size, "zeros"), dt), requires_grad, "zeros")


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "ones")
    return _new_leaf(np.ones(_size_arg(size, "ones"), dt), requires_grad, "ones")


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "full")
    shape = _size_arg(size if isinstance(size, tuple) else (size,), "full")
    if _number(fill_value) is None:
        raise TypeError(f"full: fill_value must be a number, got {_describe(fill_value)}")
    return _new_leaf(np.full(shape, fill_value, dt), requires_grad, "full")


def randn(*size: Any, generator: np.random.Generator | None = None, dtype: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples. Seed with :func:`manual_seed`, or pass a NumPy
    ``generator=np.random.default_rng(seed)`` for a stream of your own."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "randn")
    rng = default_generator() if generator is None else generator
    data = rng.standard_normal(_size_arg(size, "randn"), dtype=dt)
    return _new_leaf(np.asarray(data), requires_grad, "randn")


def rand(*size: Any, generator: np.random.Generator | None = None, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) (seeded like :func:`randn`)."""
    dt = np.float64 if dtype is None else _float_dtype(dtype, "rand")
    rng = default_generator() if generator is None else generator
    data = rng.random(_size_arg(size, "rand"), dtype=dt)
    return _new_leaf(np.asarray(data), requires_grad, "rand")


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to (not including) end; ``arange(n)`` is 0 .. n-1.

    Always floating point (float64 by default), where ``torch.arange`` of ints
    gives int64: a Tensor holds numbers gradients can flow through.
    """
    for name, v in (("start", start), ("end", end), ("step", step)):
        if v is not None and _number(v) is None:
            raise TypeError(f"arange: {name} must be a number, got {_describe(v)}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    lo, hi = (0, start) if end is None else (start, end)
    dt = np.float64 if dtype is None else _float_dtype(dtype, "arange")
    return _new_leaf(np.arange(lo, hi, step, dtype=dt), requires_grad, "arange")
