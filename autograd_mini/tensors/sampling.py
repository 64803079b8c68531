"""Random integers, permutations and draws from weights, with PyTorch's names and call forms:
``randint``, ``randint_like``, ``randperm`` and ``multinomial`` (also ``t.multinomial``).

They are what an introductory course samples with: mini-batch indices (``randint(n, (32,))``),
a shuffled order (``randperm(n)``), and the next character of a language model
(``multinomial(probs, 1)``). Each result is a tensor of indices (int64 unless ``dtype=`` asks
for another), so it has no gradient: nothing flows back through a random choice.

Every function draws from ``generator=`` (an :class:`autograd_mini.Generator`, or a NumPy
``np.random.Generator``), or else from the default generator that ``manual_seed`` seeds.
The generators are NumPy's PCG64, not PyTorch's Mersenne Twister, and the draws are made
with NumPy's algorithms, so a seed cannot give PyTorch's numbers bit for bit: the same seed
repeats the same numbers here, drawn from the same distributions as PyTorch's
(``tests/test_sampling.py`` checks those distributions with chi-square tests, ours and
PyTorch's samples alike).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .arguments import Shape
from .devices import _check_device
from .factories import default_generator
from .nodes import _describe, _leaf
from .tensor import Tensor  # loaded after the class: this file loads on first use

__all__ = ["multinomial", "randint", "randint_like", "randperm"]

_INT64 = np.dtype(np.int64)
# the dtypes a sampling function makes: PyTorch's default int64, int32, and the two float
# dtypes a Tensor holds (torch.randint(10, (3,), dtype=torch.float64) is allowed)
_DTYPES = (_INT64, np.dtype(np.int32), np.dtype(np.float64), np.dtype(np.float32))
# the largest whole number each float dtype holds exactly, with every smaller one
_EXACT = {np.dtype(np.float64): 2**53, np.dtype(np.float32): 2**24}


# ------------------------------------------------------------------ argument checks
def _int_arg(x: Any, name: str, who: str) -> int:
    """An int argument (a Python or NumPy int, not a bool), within int64 as PyTorch's are."""
    if not isinstance(x, (int, np.integer)) or isinstance(x, bool):
        raise TypeError(f"{who}: {name} must be an int, got {_describe(x)}")
    x = int(x)
    if not -2**63 <= x < 2**63:
        raise ValueError(f"{who}: {name}={x} is out of range; it must fit in int64 "
                         f"({-2**63} to {2**63 - 1})")
    return x


def _sample_size(size: Any, who: str) -> Shape:
    """``size`` as a shape: a tuple (or list) of non-negative ints, as PyTorch takes it."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{who}: size must be a tuple of ints, such as (3,) or (2, 5), got "
                        f"{_describe(size)}; e.g. randint(10, (3,))")
    shape = []
    for n in size:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"{who}: size must be a tuple of ints, got {size!r}")
        if n < 0:
            raise RuntimeError(f"{who}: sizes cannot be negative, got {tuple(size)}")
        shape.append(int(n))
    return tuple(shape)


def _sample_dtype(dtype: Any, device: Any, who: str) -> np.dtype[Any]:
    """The dtype of the result (int64 unless asked), after checking ``device``."""
    _check_device(device, who)
    if dtype is None:
        return _INT64
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype {dtype!r} is not a NumPy dtype; use np.int64 (the "
                        "default), np.int32, float64 or float32") from None
    if dt not in _DTYPES:
        raise TypeError(f"{who}: dtype {dt} is not supported; use np.int64 (the default), "
                        "np.int32, float64 or float32")
    return dt


def _rng(generator: Any, who: str) -> np.random.Generator:
    """The stream to draw from: ``generator``, or the default one (see manual_seed)."""
    if generator is None:
        return default_generator()
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"{who}: generator must be an autograd_mini.Generator (or a NumPy "
                        f"np.random.Generator), got {_describe(generator)}; e.g. "
                        "generator=autograd_mini.Generator().manual_seed(0)")
    return generator


def _result(data: np.ndarray[Any, Any], requires_grad: Any, who: str) -> Tensor:
    """The result as a leaf; only a float result may require grad, as in PyTorch."""
    if not isinstance(requires_grad, (bool, np.bool_)):
        raise TypeError(f"{who}: requires_grad must be True or False, got {requires_grad!r}")
    if requires_grad and data.dtype.kind != "f":
        raise RuntimeError(f"{who}: only Tensors of floating point dtype can require "
                           f"gradients, and this one is {data.dtype}; pass dtype=float64 "
                           "too, or leave requires_grad False")
    return _leaf(data, bool(requires_grad))


def _check_range(low: int, high: int, dt: np.dtype[Any], who: str) -> None:
    """``low < high``, and every number of [low, high) representable in ``dt``."""
    if low >= high:
        raise RuntimeError(f"{who}: low must be less than high, got low={low} >= high={high}"
                           " (the numbers are drawn from [low, high): high itself is never "
                           "drawn, so randint(n, size) gives 0 to n - 1)")
    if dt.kind == "i":
        info = np.iinfo(dt)
        if low < info.min or high - 1 > info.max:
            raise RuntimeError(f"{who}: [low, high) = [{low}, {high}) does not fit in {dt} "
                               f"({info.min} to {info.max}); use dtype=np.int64")
    elif max(-low, high - 1) > _EXACT[dt]:
        limit = _EXACT[dt]
        # PyTorch warns here too: the draw is uniform, its rounding to dt is not
        warnings.warn(f"{who}: [low, high) = [{low}, {high}) goes past +-2**"
                      f"{limit.bit_length() - 1}, beyond which {dt} cannot hold every whole "
                      "number, so the numbers are rounded and not uniform; use np.int64",
                      UserWarning, stacklevel=3)


# ------------------------------------------------------------------ randint, randperm
def _randint_args(who: str, args: tuple[Any, ...], low: Any, high: Any,
                  size: Any) -> tuple[Any, Any, Any]:
    """PyTorch's call forms: ``(high, size)``, ``(low, high, size)``, or by keyword.

    The positional arguments are, in order: (low, high, size) when there are three;
    (low, high) when size is given by name, else (high, size); high, or low when high is
    given by name."""
    if low is not None and high is None and args:
        # PyTorch's two signatures are (high, size) and (low, high, size): low by name
        # with high by position fits neither (randint(10, (2,), low=1) is ambiguous)
        raise TypeError(f"{who}: low was given by name and high by position; give both by "
                        "name, randint(low=1, high=10, size=(2,)), or both by position, "
                        "randint(1, 10, (2,))")
    named = {"low": low, "high": high, "size": size}
    if len(args) == 3:
        order = ["low", "high", "size"]
    elif len(args) == 2:
        order = ["low", "high"] if size is not None else ["high", "size"]
    elif len(args) == 1:
        order = ["low"] if high is not None else ["high"]
    elif not args:
        order = []
    else:
        raise TypeError(f"{who}: expected (high, size) or (low, high, size), got "
                        f"{len(args)} positional arguments")
    for name, value in zip(order, args):
        if named[name] is not None:
            raise TypeError(f"{who}: got {name} twice, by position and by name")
        named[name] = value
    if named["high"] is None or named["size"] is None:
        missing = "high" if named["high"] is None else "size"
        raise TypeError(f"{who}: {missing} is missing; call randint(high, size) or "
                        "randint(low, high, size) with size a tuple, e.g. randint(10, (3,))")
    return 0 if named["low"] is None else named["low"], named["high"], named["size"]


def randint(*args: Any, low: Any = None, high: Any = None, size: Any = None,
            generator: Any = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Whole numbers drawn uniformly from [low, high) (high itself never), as
    ``torch.randint``: ``randint(high, size)`` or ``randint(low, high, size)``, with
    ``size`` a tuple: ``randint(10, (32,))`` is 32 numbers from 0 to 9.

    The result is int64 unless ``dtype=`` asks for np.int32, float64 or float32 (a float
    result may require grad). Drawn by NumPy's ``Generator.integers`` from ``generator=``
    or the default generator: the same seed repeats the same numbers, which cannot be
    PyTorch's numbers for that seed (different generators), only from the same
    distribution.
    """
    low, high, size = _randint_args("randint", args, low, high, size)
    lo, hi = _int_arg(low, "low", "randint"), _int_arg(high, "high", "randint")
    shape = _sample_size(size, "randint")
    dt = _sample_dtype(dtype, device, "randint")
    _check_range(lo, hi, dt, "randint")
    data = _rng(generator, "randint").integers(lo, hi, shape, dtype=np.int64, endpoint=False)
    return _result(np.asarray(data).astype(dt, copy=False), requires_grad, "randint")


def randint_like(input: Tensor, *args: Any, low: Any = None, high: Any = None,
                 generator: Any = None, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """``randint(low, high, input.shape)`` of ``input``'s dtype (unless ``dtype=``), as
    ``torch.randint_like``: ``randint_like(t, high)`` or ``randint_like(t, low, high)``.
    (Seeded like :func:`randint`: not PyTorch's numbers for a seed.)"""
    if not isinstance(input, Tensor):
        raise TypeError(f"randint_like: input must be a Tensor, got {_describe(input)}")
    if len(args) > 2:
        raise TypeError("randint_like: expected (input, high) or (input, low, high), got "
                        f"{len(args) + 1} positional arguments")
    return randint(*args, low=low, high=high, size=tuple(input.shape), generator=generator,
                   dtype=input.dtype if dtype is None else dtype, device=device,
                   requires_grad=requires_grad)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """0, 1, ..., n - 1 in a random order, every order equally likely, as
    ``torch.randperm`` (int64 unless ``dtype=``): ``x[randperm(len(x))]`` shuffles.

    Drawn by NumPy's ``Generator.permutation`` (a Fisher-Yates shuffle) from ``generator=``
    or the default generator: the same seed repeats the same order, which cannot be
    PyTorch's for that seed (different generators)."""
    n = _int_arg(n, "n", "randperm")
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    dt = _sample_dtype(dtype, device, "randperm")
    biggest = _EXACT[dt] + 1 if dt.kind == "f" else int(np.iinfo(dt).max) + 1
    if n > biggest:
        raise RuntimeError(f"randperm: n={n} is too large for {dt}, which cannot hold every "
                           f"number below it (at most n={biggest}); use np.int64")
    data = _rng(generator, "randperm").permutation(n)
    return _result(data.astype(dt, copy=False), requires_grad, "randperm")


# ------------------------------------------------------------------ multinomial
def _weights(input: Any, num_samples: Any, replacement: Any) -> np.ndarray[Any, Any]:
    """The weights as a 2-d float array, one row per distribution, after PyTorch's checks
    (shape, num_samples, finite and non-negative) and a non-zero weight in every row."""
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial: input must be a Tensor of weights, got "
                        f"{_describe(input)}; e.g. multinomial(Tensor(weights), 1)")
    p = input._data
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial: the weights must be floating point, got {p.dtype};"
                           " convert them, e.g. weights.to(float64)")
    if p.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: input must be 1-d (one distribution) or 2-d (one "
                           f"per row), got shape {p.shape}")
    if not isinstance(replacement, (bool, np.bool_)):
        raise TypeError(f"multinomial: replacement must be True or False, got "
                        f"{_describe(replacement)}")
    n = _int_arg(num_samples, "num_samples", "multinomial")
    k = p.shape[-1]
    if n <= 0:
        raise RuntimeError(f"multinomial: cannot sample num_samples={n} <= 0 samples; ask "
                           "for at least 1")
    if not replacement and n > k:
        raise RuntimeError(f"multinomial: cannot sample {n} samples without replacement from"
                           f" {k} categories (input shape {p.shape}); ask for at most {k}, "
                           "or pass replacement=True")
    rows = p.reshape(1, k) if p.ndim == 1 else p
    if rows.size == 0:
        if k == 0 and rows.shape[0]:
            raise RuntimeError(f"multinomial: the weights have shape {p.shape}, no "
                               "categories to draw from")
        return rows
    return rows


def _check_weights(rows: np.ndarray[Any, Any], shape: Shape) -> None:
    """RuntimeError naming the first weight that is nan, inf or negative (as PyTorch)."""
    if not rows.min() >= 0 or not np.isfinite(rows.max()):  # nan fails both comparisons
        bad = ~(np.isfinite(rows) & (rows >= 0))
        at = tuple(int(i) for i in np.argwhere(bad.reshape(shape))[0])
        raise RuntimeError(f"multinomial: probability tensor contains either inf, nan or "
                           f"element < 0: {rows.reshape(shape)[at]} at position {at}; the "
                           "weights must be finite and >= 0 (they need not sum to 1)")


def _no_positive_row(positive: np.ndarray[Any, Any], n: int, replacement: bool) -> None:
    """RuntimeError for a row that cannot give ``n`` draws: all zeros, or (without
    replacement) fewer non-zero weights than draws."""
    counts = positive.sum(axis=1)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        raise RuntimeError(f"multinomial: invalid multinomial distribution (sum of "
                           f"probabilities <= 0): row {int(empty[0])} of the weights is all"
                           " zeros; give every row a positive weight")
    if not replacement:
        short = np.flatnonzero(counts < n)
        if short.size:
            i = int(short[0])
            raise RuntimeError(
                f"multinomial: cannot sample {n} samples without replacement from row {i}, "
                f"which has only {int(counts[i])} non-zero weights; ask for at most "
                f"{int(counts[i])}, or pass replacement=True")


def _one_draw(w: np.ndarray[Any, Any], rng: np.random.Generator) -> int | None:
    """One draw from one row of weights, as :func:`_inverse_cdf` makes it; None when the
    weights need the full checks (a negative, nan or inf weight, all zeros, or a sum that
    overflows), which then name the problem."""
    cdf = np.cumsum(w, dtype=np.float64)
    total = float(cdf[-1])
    # nan fails the first comparison; a negative weight the second; inf the last
    if not (w.min() >= 0 and 0 < total < math.inf):
        return None
    target = rng.random() * total
    if target >= total:  # rounded up to the total: just below it is the last positive weight
        target = math.nextafter(total, 0)
    return int(cdf.searchsorted(target, side="right"))


def _inverse_cdf(rows: np.ndarray[Any, Any], n: int,
                 rng: np.random.Generator) -> np.ndarray[Any, Any]:
    """``n`` independent draws per row: the first index whose cumulative weight exceeds
    u * total, u uniform in [0, 1) (so a zero weight, whose cumulative weight equals the
    one before it, is never drawn). The cumulative sums are float64 whatever the weights."""
    cdf = np.cumsum(rows, axis=1, dtype=np.float64)
    total = cdf[:, -1:]
    if not np.isfinite(total).all():  # finite weights whose sum overflows: scale them
        cdf = np.cumsum(rows / rows.max(axis=1, keepdims=True), axis=1, dtype=np.float64)
        total = cdf[:, -1:]
    # u * total can round up to total itself; just below it picks the last positive weight
    target = np.minimum(rng.random((rows.shape[0], n)) * total, np.nextafter(total, 0))
    if rows.shape[0] == 1:
        return np.searchsorted(cdf[0], target[0], side="right").reshape(1, n)
    # every row at once: a binary search in lockstep, one vectorised step per bit of k.
    # idx counts the cumulative weights <= target (searchsorted's side="right"): each step
    # tries to move it on by a power of two, largest first.
    k = cdf.shape[1]
    flat, base = cdf.ravel(), np.arange(0, cdf.size, k)[:, None] - 1
    idx = np.zeros(target.shape, np.int64)
    step = 1 << (k.bit_length() - 1)
    while step:
        further = np.minimum(idx + step, k)
        idx = np.where(flat[base + further] <= target, further, idx)
        step >>= 1
    return idx


def _without_replacement(rows: np.ndarray[Any, Any], n: int,
                         rng: np.random.Generator) -> np.ndarray[Any, Any]:
    """``n`` distinct indices per row, in the order a draw-remove-redraw process gives them:
    the ``n`` largest of weight / E with E exponential(1) (the exponential race, also
    PyTorch's method: index j wins the race first with probability w_j / sum(w), and then
    the race among the rest). A zero weight never wins (its key is 0)."""
    with np.errstate(divide="ignore"):  # E = 0 (probability 2**-53): key inf, the winner
        keys = rows / rng.standard_exponential(rows.shape)
    if n < rows.shape[1]:
        top = np.argpartition(-keys, n - 1, axis=1)[:, :n]
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1, kind="stable")
        return np.take_along_axis(top, order, axis=1)
    return np.argsort(-keys, axis=1, kind="stable")


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """Indices drawn with probabilities proportional to the weights ``input`` (1-d: one
    distribution; 2-d: one per row), as ``torch.multinomial``: an int64 tensor of shape
    ``(num_samples,)`` or ``(rows, num_samples)``. The weights must be finite and >= 0,
    with a positive one in every row; they need not sum to 1.

    With ``replacement=True`` the draws are independent. Without (the default) an index is
    drawn at most once per row, each draw proportional to the weights not yet drawn, so
    ``num_samples`` can be at most the number of non-zero weights of a row: a RuntimeError
    otherwise. (PyTorch 2.13 on the CPU documents that limit but does not check it: it
    fills the missing draws with zero-weight indices. Here that is an error, not indices
    that had no chance of being drawn.)

    ``multinomial(probs, 1)``, a language model's next token, is one searchsorted on the
    cumulative weights. Draws come from ``generator=`` or the default generator; they
    cannot be PyTorch's numbers for a seed (different generators and methods), only from
    the same distribution.
    """
    rows = _weights(input, num_samples, replacement)
    n, shape = int(num_samples), input._data.shape
    out_shape = (n,) if len(shape) == 1 else (shape[0], n)
    rng = _rng(generator, "multinomial")
    if rows.size == 0:
        return _leaf(np.zeros(out_shape, np.int64))
    if n == 1 and rows.shape[0] == 1:  # a sampling loop's next token: the cheapest path
        index = _one_draw(rows[0], rng)
        if index is not None:
            return _leaf(np.full(out_shape, index, np.int64))
    _check_weights(rows, shape)
    positive = rows > 0
    # a row of zeros, or (drawing several without replacement) too few non-zero weights
    if not positive.any(axis=1).all() or (not replacement and n > 1):
        _no_positive_row(positive, n, bool(replacement))
    if replacement or n == 1:
        draws = _inverse_cdf(rows, n, rng)
    else:
        draws = _without_replacement(rows, n, rng)
    return _leaf(draws.reshape(out_shape).astype(np.int64, copy=False))
