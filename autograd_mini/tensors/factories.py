"""Tensors made from nothing, or from data: zeros, ones, full, randn, rand, arange, linspace,
from_numpy, as_tensor, the default random generator (manual_seed) and the two dtypes.

Each factory takes PyTorch's ``device=``: None or "cpu" (autograd_mini computes on the CPU
with NumPy); another device raises a RuntimeError naming the op and the device.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arguments import Shape, _shape_arg
from .devices import _check_device
from .nodes import (
    _DTYPES,
    _INT32,
    _INT64,
    _describe,
    _dtype_arg,
    _float_dtype,
    _held,
    _infer_array,
    _leaf,
    _number,
    _number_dtype,
    _requires_float,
)

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .generators import Generator
    from .tensor import Tensor

__all__ = ["arange", "as_tensor", "double", "empty", "float32", "float64", "from_numpy", "full",
           "int32", "int64", "linspace", "long", "manual_seed", "ones", "rand", "randn",
           "tensor", "zeros"]

# The default random generator, made on first use: importing numpy.random costs about as
# much as the rest of `import autograd_mini`.
_generator: list[Any] = [None]


def default_generator() -> Generator:
    """The generator randn, rand and the layers' initialisation draw from (see manual_seed):
    an :class:`autograd_mini.Generator` (a NumPy ``np.random.Generator``) seeded afresh in
    each process until :func:`manual_seed` seeds it."""
    rng = _generator[0]
    if rng is None:
        from .generators import Generator

        rng = Generator()
        rng.seed()
        _generator[0] = rng
    return rng  # type: ignore[no-any-return]


def manual_seed(seed: int) -> Generator:
    """Seed the default random generator (used by randn, rand, dropout and the layers'
    initial weights) and return it, as ``torch.manual_seed``.

    The generator is an :class:`autograd_mini.Generator`, which is a NumPy
    ``np.random.Generator``: after ``manual_seed(s)`` it draws what
    ``np.random.default_rng(s)`` draws. Seeded streams cannot match PyTorch's bit for bit
    (PyTorch uses a Mersenne Twister and other transformations): the same seed repeats the
    same numbers here, from the same distributions as PyTorch's, but not PyTorch's numbers.
    """
    return default_generator().manual_seed(seed)


def _size_arg(size: tuple[Any, ...], who: str, by_name: Any = None,
              required: bool = True) -> Shape:
    """The shape a factory makes, given as PyTorch takes it: positionally, ``zeros(2, 3)`` or
    ``zeros((2, 3))``, or by name, ``zeros(size=(2, 3))`` (then a tuple or list of ints).
    ``required``: no size at all is a TypeError (``zeros()``), as in PyTorch."""
    if required and not size and by_name is None:
        raise TypeError(f'{who}() missing 1 required positional arguments: "size"; give it, '
                        f"e.g. {who}(2, 3), or {who}(()) for a 0-d tensor")
    if by_name is not None:
        if size:
            raise TypeError(f"{who}() got multiple values for argument 'size': {size!r} by "
                            f"position and size={by_name!r}; give one of them")
        if not isinstance(by_name, (tuple, list)):
            raise TypeError(f"{who}(): argument 'size' must be a tuple of ints, such as "
                            f"size=(2, 3), got {_describe(by_name)}")
        size = (by_name,)
    try:
        shape = _shape_arg(size)
    except TypeError:
        raise TypeError(f"{who}: size must be ints or one tuple of ints, got {size!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"{who}: sizes cannot be negative, got {shape}")
    return shape


def _generator_arg(generator: Any, who: str, method: str) -> np.random.Generator:
    """The stream to draw from: ``generator=``, or the default one (see manual_seed).
    Anything with the NumPy generator's ``method`` will do (a test's stand-in too)."""
    if generator is None:
        return default_generator()
    if not callable(getattr(generator, method, None)):
        raise TypeError(f"{who}: generator must be an autograd_mini.Generator (or a NumPy "
                        f"np.random.Generator), got {_describe(generator)}; e.g. "
                        "generator=autograd_mini.Generator().manual_seed(0)")
    return generator  # type: ignore[no-any-return]


def _new_leaf(data: Any, requires_grad: bool, who: str) -> Tensor:
    if not isinstance(requires_grad, (bool, np.bool_)):
        raise TypeError(f"{who}: requires_grad must be True or False, got {requires_grad!r}")
    if requires_grad and data.dtype.kind != "f":
        raise _requires_float(data.dtype, who)
    return _leaf(data, bool(requires_grad))


def from_numpy(array: np.ndarray[Any, Any], requires_grad: bool = False) -> Tensor:
    """A tensor that shares ``array``'s memory (no copy), as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a NumPy array, got {_describe(array)}")
    if array.dtype not in _DTYPES:
        held = _held(array.dtype) if array.dtype.kind == "f" else _INT64
        raise TypeError(f"from_numpy: the array has dtype {array.dtype}; a Tensor holds float64, "
                        f"float32, int64, int32 or bool, so it cannot share this memory: "
                        f"convert with tensor(array) (a copy in {held})")
    return _new_leaf(array, requires_grad, "from_numpy")


def tensor(data: Any, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data``, its dtype inferred as ``torch.tensor`` infers
    it: bools give bool, integers int64, floats float64 (our default float dtype, where
    PyTorch's is float32), a NumPy array keeps its dtype (float32, int32 ...; float16 becomes
    float32, other integers int64). ``Tensor(data)``, the class, always makes floats, as
    ``torch.Tensor`` does. Only a floating tensor can require grad.

    >>> tensor([1, 2]), tensor([True]), tensor([0.5])
    (Tensor([1, 2], dtype=int64), Tensor([ True], dtype=bool), Tensor([0.5]))
    """
    _check_device(device, "tensor")
    return _new_leaf(_infer_array(data, dtype, "tensor"), requires_grad, "tensor")


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor, sharing memory when it can, as ``torch.as_tensor``.

    A Tensor of the dtype asked for is returned as it is, a NumPy array of a dtype a Tensor
    holds (and the dtype asked for) is shared (as by :func:`from_numpy`), anything else is
    copied with the dtype :func:`tensor` infers: ``as_tensor([0, 2])`` is int64, as in
    PyTorch, so ``F.cross_entropy(logits, lib.as_tensor(y))`` works with either library.
    """
    _check_device(device, "as_tensor")
    dt = None if dtype is None else _dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dt is None or data.data.dtype == dt else data.to(dt)
    if isinstance(data, np.ndarray) and data.dtype in _DTYPES and dt in (None, data.dtype):
        return _leaf(data)
    return _leaf(_infer_array(data, dt, "as_tensor"))


# the two dtypes a Tensor can hold, under PyTorch's names (dtype=autograd_mini.float64), and
# PyTorch's other names for them: autograd_mini.float is float32 and autograd_mini.double is
# float64, as torch.float and torch.double (the package exports float32 as `float`: here the
# name would hide Python's float)
float32, float64 = np.dtype(np.float32), np.dtype(np.float64)
double = float64
# the integer and bool dtypes (tensors of indices, labels, counts and masks: no gradients),
# with PyTorch's other names: long is int64; the package's `int` is int32 and its `bool` is
# bool, left out of __all__ there as `float` is
int64, int32 = _INT64, _INT32
long = int64


def _factory_dtype(dtype: Any, device: Any, who: str, floats: bool = True) -> np.dtype[Any]:
    """The dtype a factory makes (float64 unless asked), after checking that ``device``
    names the CPU; ``floats``: only a floating dtype (randn, rand, linspace)."""
    _check_device(device, who)
    if dtype is None:
        return np.dtype(np.float64)
    return _float_dtype(dtype, who) if floats else _dtype_arg(dtype, who)


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    dt = _factory_dtype(dtype, device, "zeros", floats=False)
    return _new_leaf(np.zeros(_size_arg(sizes, "zeros", size), dt), requires_grad, "zeros")


def ones(*sizes: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """A tensor of ones: ``ones(2, 3)``, ``ones((2, 3))`` or ``ones(size=(2, 3))``."""
    dt = _factory_dtype(dtype, device, "ones", floats=False)
    return _new_leaf(np.ones(_size_arg(sizes, "ones", size), dt), requires_grad, "ones")


def empty(*sizes: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:
    """A tensor to be filled in, as ``torch.empty``: PyTorch leaves its numbers
    uninitialised (whatever was in memory); here they are zeros, so a program that reads
    them before writing gives the same numbers every run (never rely on that in PyTorch)."""
    dt = _factory_dtype(dtype, device, "empty", floats=False)
    return _new_leaf(np.zeros(_size_arg(sizes, "empty", size), dt), requires_grad, "empty")


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``; its dtype, unless given, is the
    number's, as in PyTorch: ``full((2,), 3)`` is int64, ``full((2,), True)`` bool,
    ``full((2,), 0.5)`` float64."""
    if _number(fill_value) is None:
        raise TypeError(f"full: fill_value must be a number, got {_describe(fill_value)}")
    dt = _factory_dtype(dtype, device, "full", floats=False) if dtype is not None else (
        _factory_dtype(None, device, "full") if isinstance(fill_value, float) else
        _number_dtype(fill_value))
    shape = _size_arg(size if isinstance(size, tuple) else (size,), "full", required=False)
    return _new_leaf(np.full(shape, fill_value, dt), requires_grad, "full")


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False,
        device: Any = None) -> Tensor:
    """The n × m identity (m = n unless given): ones on the diagonal, as ``torch.eye``."""
    for name, k in (("n", n), ("m", n if m is None else m)):
        if not isinstance(k, (int, np.integer)) or isinstance(k, (bool, np.bool_)):
            raise TypeError(f"eye: {name} must be an int, got {_describe(k)}")
        if k < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {k}")
    dt = _factory_dtype(dtype, device, "eye", floats=False)
    return _new_leaf(np.eye(int(n), None if m is None else int(m), dtype=dt), requires_grad,
                     "eye")


def randn(*sizes: Any, size: Any = None, generator: np.random.Generator | None = None,
          dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples. Seed with :func:`manual_seed`, or pass a stream of your own:
    ``generator=autograd_mini.Generator().manual_seed(seed)`` (as in PyTorch) or a NumPy
    ``np.random.default_rng(seed)``. The numbers cannot equal PyTorch's for the same seed
    (different algorithms), only follow the same distribution. The size as for
    :func:`zeros`: ``randn(2, 3)``, ``randn((2, 3))`` or ``randn(size=(2, 3))``."""
    dt = _factory_dtype(dtype, device, "randn")
    shape = _size_arg(sizes, "randn", size)
    data = _generator_arg(generator, "randn", "standard_normal").standard_normal(shape, dtype=dt)
    return _new_leaf(np.asarray(data), requires_grad, "randn")


def rand(*sizes: Any, size: Any = None, generator: np.random.Generator | None = None,
         dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1) (seeded like :func:`randn`; the size as for :func:`zeros`)."""
    dt = _factory_dtype(dtype, device, "rand")
    shape = _size_arg(sizes, "rand", size)
    data = _generator_arg(generator, "rand", "random").random(shape, dtype=dt)
    return _new_leaf(np.asarray(data), requires_grad, "rand")


def arange(start: float | None = None, end: float | None = None, step: float = 1,
           dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """start, start + step, ... up to (not including) end; ``arange(n)`` (or
    ``arange(end=n)``) is 0 .. n-1.

    As ``torch.arange``: int64 when start, end and step are all ints, else the default
    float dtype (float64 here; PyTorch's is float32), unless ``dtype`` says otherwise.
    """
    if start is None and end is None:
        raise TypeError("arange: end is missing; call arange(end), arange(start, end) or "
                        "arange(start, end, step), e.g. arange(5) for 0 to 4")
    for name, v in (("start", start), ("end", end), ("step", step)):
        if v is not None and _number(v) is None:
            raise TypeError(f"arange: {name} must be a number, got {_describe(v)}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    # arange(n): n is the end; arange(end=n) too; else the two ends
    lo, hi = (0, start) if end is None else (0 if start is None else start, end)
    ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step) if v is not None)
    dt = _factory_dtype(dtype, device, "arange", floats=False) if dtype is not None else (
        _INT64 if ints else _factory_dtype(None, device, "arange"))
    return _new_leaf(np.arange(lo, hi, step, dtype=dt), requires_grad, "arange")



def _fma(a: Any, b: np.ndarray[Any, Any], c: Any) -> np.ndarray[Any, Any]:
    """``a * b + c`` rounded once, as a fused multiply-add (PyTorch's compiled kernel fuses
    linspace's ``start + step * i``): the product's rounding error, found exactly by
    Dekker's splitting, is added back. float32 works in float64, where the product is exact.
    """
    if b.dtype == np.float32:
        return (np.float64(a) * b.astype(np.float64) + np.float64(c)).astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        p = a * b
        split = 134217729.0  # 2**27 + 1
        ta, tb = split * a, split * b
        a_hi, b_hi = ta - (ta - a), tb - (tb - b)
        a_lo, b_lo = a - a_hi, b - b_hi
        err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
        s = p + c  # the sum, and its rounding error (Knuth's two-sum)
        bb = s - p
        t = (p - (s - bb)) + (c - bb)
        out = s + (t + err)
    return np.where(np.isfinite(out), out, p + c)  # type: ignore[no-any-return]


def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included, as
    ``torch.linspace``, with PyTorch's formula, so the same numbers: with
    ``step = (end - start) / (steps - 1)``, the first half is ``start + i * step`` and the
    second half ``end - (steps - 1 - i) * step``, so both ends are exact, each rounded once
    (a fused multiply-add, as PyTorch's compiled kernel). NumPy's ``np.linspace`` computes
    ``start + i * step`` throughout, with two roundings, so it differs in the last bits.
    """
    for name, v in (("start", start), ("end", end)):
        if _number(v) is None:
            raise TypeError(f"linspace: {name} must be a number, got {_describe(v)}")
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace: steps must be an int, got {_describe(steps)}")
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    dt = _factory_dtype(dtype, device, "linspace")
    # computed in the result's dtype, as PyTorch's kernel does
    with np.errstate(over="raise"):
        try:
            lo, hi, n = dt.type(start), dt.type(end), int(steps)
        except FloatingPointError:
            raise RuntimeError(f"linspace: start {start!r} or end {end!r} cannot be converted "
                               f"to {dt} without overflow") from None
    if n == 1:
        data = np.full(1, lo, dt)
    else:
        step = (hi - lo) / dt.type(n - 1) if n > 1 else dt.type(0)
        i = np.arange(n, dtype=dt)
        half = n // 2
        data = np.empty(n, dt)
        data[:half] = _fma(step, i[:half], lo)
        data[half:] = _fma(-step, dt.type(n - 1) - i[half:], hi)
    return _new_leaf(data, requires_grad, "linspace")
