"""Small data sets to learn on, and a loader that cuts them into batches.

The generators make data from a seed, with nothing to download::

    X, y = make_moons(100, noise=0.1, seed=1)       # two interleaving half circles
    X, y = make_circles(100, noise=0.05, seed=1)    # a ring around a disc
    X, y = make_spirals(300, n_classes=3, seed=1)   # arms winding out from the centre
    X, y = make_linear(100, noise=0.1, seed=1)      # two classes on either side of a line
    X, y = make_linear_regression(50, seed=1)       # y = X·w + b + noise

Each returns NumPy arrays: ``X`` of shape (n_samples, n_features) in float64 and ``y``
of shape (n_samples,), integer class labels (0, 1, ...) or float targets. They use
NumPy's ``RandomState``, so ``make_moons`` and ``make_circles`` give exactly what
scikit-learn's functions of the same name give with ``random_state=seed``.

:class:`DataLoader` yields batches for the three flavours of gradient descent::

    DataLoader((X, y), batch_size=len(X))              # batch: all samples each step
    DataLoader((X, y), batch_size=16, shuffle=True)    # mini-batch
    DataLoader((X, y), batch_size=1, shuffle=True)     # stochastic: one sample per step

The batches are plain NumPy arrays, so they feed scalar Values and Tensors alike.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

__all__ = [
    "DataLoader",
    "load_digits",
    "make_circles",
    "make_linear",
    "make_linear_regression",
    "make_moons",
    "make_spirals",
    "train_test_split",
]

Seed = int | np.random.RandomState | None


def _random_state(seed: Seed, who: str) -> np.random.RandomState:
    if isinstance(seed, np.random.RandomState):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.RandomState(seed)
    raise TypeError(f"{who}: seed must be an int, a numpy RandomState or None, "
                    f"got {type(seed).__name__}")


def _count(n: Any, who: str, name: str = "n_samples", least: int = 1) -> int:
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < least:
        raise ValueError(f"{who}: {name} must be an int >= {least}, got {n!r}")
    return int(n)


def _noise(noise: Any, who: str) -> float | None:
    if noise is None:
        return None
    if not isinstance(noise, numbers.Real) or not float(noise) >= 0:
        raise ValueError(f"{who}: noise must be a number >= 0 (or None), got {noise!r}")
    return float(noise)


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.RandomState
              ) -> tuple[np.ndarray, np.ndarray]:
    # scikit-learn's utils.shuffle: permute an index array in place with the same generator
    order = np.arange(len(X))
    rng.shuffle(order)
    return X[order], y[order]


def _two_classes(X: np.ndarray, n_out: int, n_in: int, shuffle: bool, noise: float | None,
                 rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Label the first n_out points 0 and the rest 1, then shuffle and add noise in
    scikit-learn's order (the same generator calls, so the same data for a seed)."""
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    if shuffle:
        X, y = _shuffled(X, y, rng)
    if noise is not None:
        X += rng.normal(scale=noise, size=X.shape)
    return X, y


def make_moons(n_samples: int = 100, *, noise: float | None = None, shuffle: bool = True,
               seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below), as scikit-learn's.

    The upper moon is the half circle of radius 1 around (0, 0); the lower one the same
    half circle turned over and moved to (1, 0.5). ``noise`` is the standard deviation
    of Gaussian noise added to every coordinate. Not separable by a straight line: a
    network needs a hidden layer to tell them apart.
    """
    who = "make_moons"
    n = _count(n_samples, who)
    noise = _noise(noise, who)
    rng = _random_state(seed, who)
    n_out, n_in = n // 2, n - n // 2
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.append(np.cos(outer), 1 - np.cos(inner)),
                   np.append(np.sin(outer), 1 - np.sin(inner) - 0.5)]).T
    return _two_classes(X, n_out, n_in, shuffle, noise, rng)


def make_circles(n_samples: int = 100, *, noise: float | None = None, factor: float = 0.8,
                 shuffle: bool = True, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (class 0) around a smaller one of radius ``factor`` (class 1),
    as scikit-learn's ``make_circles``."""
    who = "make_circles"
    n = _count(n_samples, who)
    noise = _noise(noise, who)
    if not isinstance(factor, numbers.Real) or not 0 <= factor < 1:
        raise ValueError(f"{who}: factor (inner radius / outer radius) must be in [0, 1), "
                         f"got {factor!r}")
    rng = _random_state(seed, who)
    n_out, n_in = n // 2, n - n // 2
    outer = np.linspace(0, 2 * np.pi, n_out, endpoint=False)  # endpoint=False: no double point
    inner = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.append(np.cos(outer), np.cos(inner) * factor),
                   np.append(np.sin(outer), np.sin(inner) * factor)]).T
    return _two_classes(X, n_out, n_in, shuffle, noise, rng)


def make_spirals(n_samples: int = 100, *, n_classes: int = 2, noise: float = 0.2,
                 shuffle: bool = True, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` spiral arms winding out from the centre (the CS231n spiral data).

    Arm ``k`` has its points at radius r from 0 to 1 and angle ``4r + 2πk/n_classes``
    (plus Gaussian noise of standard deviation ``noise`` radians), at
    ``(r·sin θ, r·cos θ)``. Samples are split among the classes as evenly as possible.
    """
    who = "make_spirals"
    n = _count(n_samples, who)
    k = _count(n_classes, who, "n_classes", least=2)
    noise = _noise(noise, who) or 0.0
    rng = _random_state(seed, who)
    sizes = [n // k + (1 if j < n % k else 0) for j in range(k)]
    Xs, ys = [], []
    for j, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m)
        theta = 4.0 * r + 2 * np.pi * j / k + rng.normal(scale=noise, size=m)
        Xs.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        ys.append(np.full(m, j, dtype=np.intp))
    X, y = np.vstack(Xs), np.concatenate(ys)
    if shuffle:
        X, y = _shuffled(X, y, rng)
    return X, y


def make_linear(n_samples: int = 100, *, noise: float | None = 0.1, shuffle: bool = True,
                seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two classes on either side of a straight line: the simplest toy classification.

    Points are uniform in the square [-1, 1]², the class being 1 above the line
    ``x2 = 0.5·x1`` and 0 below it; then ``noise`` (a standard deviation) is added to every
    coordinate, so that with noise a few points cross the line. Separable by a network
    with no hidden layer (logistic regression) when ``noise`` is 0 or None.
    """
    who = "make_linear"
    n = _count(n_samples, who)
    noise = _noise(noise, who)
    rng = _random_state(seed, who)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 1] > 0.5 * X[:, 0]).astype(np.intp)
    if shuffle:
        X, y = _shuffled(X, y, rng)
    if noise is not None:
        X += rng.normal(scale=noise, size=X.shape)
    return X, y


def make_linear_regression(
    n_samples: int = 100, n_features: int = 1, *, noise: float = 0.1,
    weights: Sequence[float] | np.ndarray | None = None, bias: float = 0.0,
    coef: bool = False, seed: Seed = None,
) -> tuple[np.ndarray, ...]:
    """Points on a plane plus noise: ``y = X·w + bias + noise·ε`` with X and ε standard normal.

    ``weights`` defaults to numbers drawn uniformly from [-2, 2]. With ``coef=True`` the
    true weights come back too, ``(X, y, w)``, to compare with what a model learns.
    """
    who = "make_linear_regression"
    n = _count(n_samples, who)
    d = _count(n_features, who, "n_features")
    noise = _noise(noise, who) or 0.0
    rng = _random_state(seed, who)
    if weights is None:
        w = rng.uniform(-2.0, 2.0, size=d)
    else:
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != (d,):
            raise ValueError(f"{who}: got {w.size} weights for n_features={d}")
    X = rng.normal(size=(n, d))
    y = X @ w + float(bias) + noise * rng.normal(size=n)
    return (X, y, w) if coef else (X, y)


def load_digits(*, scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten digits as ``(X, y)``: X of shape (1797, 64), one
    8×8 image per row, and labels 0–9.

    The pixels are 0–16; ``scale=True`` divides them by 16 so they lie in [0, 1].
    scikit-learn ships the data inside its package (nothing is downloaded); it is in the
    ``notebooks`` extra.
    """
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the 8x8 digits: install the "
            "'notebooks' extra (pip install 'autograd-mini[notebooks]') or scikit-learn"
        ) from exc
    X, y = sk_load_digits(return_X_y=True)
    X = np.asarray(X, dtype=np.float64)
    return (X / 16.0 if scale else X), np.asarray(y, dtype=np.intp)


def train_test_split(*arrays: Any, test_size: float | int = 0.25, shuffle: bool = True,
                     seed: Seed = None) -> list[np.ndarray]:
    """Split arrays into a training part and a held-out test part, as scikit-learn does.

    Returns ``[a_train, a_test, b_train, b_test, ...]``. ``test_size`` is a fraction
    (rounded up) or a count. With the same seed the split equals scikit-learn's
    ``train_test_split(..., random_state=seed)``.
    """
    who = "train_test_split"
    if not arrays:
        raise ValueError(f"{who}: give at least one array")
    arrs = _same_length([np.asarray(a) for a in arrays], who)
    n = len(arrs[0])
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0 < test_size < 1:
        n_test = math.ceil(float(test_size) * n)
    else:
        raise ValueError(f"{who}: test_size must be a fraction in (0, 1) or a count, "
                         f"got {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(f"{who}: test_size={test_size!r} leaves {n_test} of {n} samples for "
                         "testing; both parts need at least one")
    if shuffle:  # scikit-learn's ShuffleSplit: the first n_test of a permutation are the test set
        order = _random_state(seed, who).permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:  # unshuffled, the test set is the last n_test rows
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    out: list[np.ndarray] = []
    for a in arrs:
        out += [a[train], a[test]]
    return out


def _same_length(arrays: list[np.ndarray], who: str) -> list[np.ndarray]:
    for a in arrays:
        if a.ndim == 0:
            raise ValueError(f"{who}: expected arrays with one row per sample, got a scalar")
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) > 1:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"{who}: arrays must have the same number of samples (rows), "
                         f"got shapes {shapes}")
    return arrays


class DataLoader:
    """Batches from a data set, as ``torch.utils.data.DataLoader`` (the common options).

    ``dataset`` is a tuple of arrays with one row per sample, e.g. ``(X, y)``; a single
    array; or any object with ``__len__`` and ``__getitem__`` returning one sample (a
    PyTorch-style Dataset), whose samples are stacked into arrays.

    Each pass (``for xb, yb in loader``) yields ``len(loader)`` batches of
    ``batch_size`` samples (the last one smaller unless ``drop_last``). With
    ``shuffle=True`` every pass visits the samples in a fresh random order, drawn from a
    generator seeded once with ``seed``: the whole run repeats exactly for the same seed.
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 seed: int | np.random.Generator | None = None, drop_last: bool = False
                 ) -> None:
        who = "DataLoader"
        self.batch_size = _count(batch_size, who, "batch_size")
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self._single = False
        self._arrays: list[np.ndarray] | None = None
        if isinstance(dataset, np.ndarray):
            self._single = True
            self._arrays = _same_length([dataset], who)
        elif isinstance(dataset, (tuple, list)):
            if not dataset:
                raise ValueError(f"{who}: the dataset is an empty tuple; give (X, y)")
            self._arrays = _same_length([np.asarray(a) for a in dataset], who)
        elif hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__"):
            pass
        else:
            raise TypeError(f"{who}: dataset must be arrays such as (X, y), or an object with "
                            f"__len__ and __getitem__, got {type(dataset).__name__}")
        self.dataset = dataset
        self._n = len(self._arrays[0]) if self._arrays is not None else len(dataset)
        if self._n == 0:
            raise ValueError(f"{who}: the dataset is empty")
        if isinstance(seed, np.random.Generator):
            self.generator = seed
        elif seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
            self.generator = np.random.default_rng(seed)
        else:
            raise TypeError(f"{who}: seed must be an int, a numpy Generator or None, "
                            f"got {type(seed).__name__}")

    def __len__(self) -> int:
        """Batches per pass."""
        full, rest = divmod(self._n, self.batch_size)
        return full if self.drop_last or rest == 0 else full + 1

    def __iter__(self) -> Iterator[Any]:
        order = self.generator.permutation(self._n) if self.shuffle else np.arange(self._n)
        for i in range(len(self)):
            idx = order[i * self.batch_size:(i + 1) * self.batch_size]
            yield self._batch(idx)

    def _batch(self, idx: np.ndarray) -> Any:
        if self._arrays is not None:
            parts = [a[idx] for a in self._arrays]  # fancy indexing copies: batches are fresh
            return parts[0] if self._single else tuple(parts)
        samples = [self.dataset[int(i)] for i in idx]
        if isinstance(samples[0], tuple):
            return tuple(np.stack([np.asarray(s[k]) for s in samples])
                         for k in range(len(samples[0])))
        return np.stack([np.asarray(s) for s in samples])

    def __repr__(self) -> str:
        return (f"DataLoader({self._n} samples, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, {len(self)} batches)")
