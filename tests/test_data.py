"""Data generators, train_test_split, load_digits and DataLoader."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytest

from autograd_mini import data


@pytest.mark.parametrize("n", [1, 2, 7, 100])
@pytest.mark.parametrize("noise", [None, 0.1])
@pytest.mark.parametrize("shuffle", [True, False])
def test_moons_and_circles_equal_scikit_learns(n: int, noise: float | None, shuffle: bool) -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    for ours, theirs in [
        (data.make_moons(n, noise=noise, shuffle=shuffle, seed=3),
         datasets.make_moons(n, noise=noise, shuffle=shuffle, random_state=3)),
        (data.make_circles(n, noise=noise, shuffle=shuffle, factor=0.5, seed=3),
         datasets.make_circles(n, noise=noise, shuffle=shuffle, factor=0.5, random_state=3)),
    ]:
        for a, b in zip(ours, theirs):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_moons_geometry_without_noise() -> None:
    X, y = data.make_moons(50, shuffle=False)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 0.5).all()


def test_spirals_are_balanced_seeded_and_wind_outwards() -> None:
    X, y = data.make_spirals(301, n_classes=3, noise=0.0, shuffle=False, seed=1)
    assert X.shape == (301, 2) and X.dtype == np.float64
    assert np.bincount(y).tolist() == [101, 100, 100]
    radius = np.hypot(X[:, 0], X[:, 1])
    for k in range(3):
        assert np.all(np.diff(radius[y == k]) > 0)  # each arm moves away from the centre
    assert radius.max() == pytest.approx(1.0)
    a, b = data.make_spirals(60, seed=7), data.make_spirals(60, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], data.make_spirals(60, seed=8)[0])


def test_linear_regression_recovers_its_weights() -> None:
    X, y, w = data.make_linear_regression(500, 3, noise=0.01, bias=2.0, coef=True, seed=0)
    assert X.shape == (500, 3) and y.shape == (500,)
    A = np.column_stack([X, np.ones(len(X))])
    fit = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(fit, [*w, 2.0], atol=5e-3)
    X2, y2 = data.make_linear_regression(10, 2, noise=0.0, weights=[1.0, -1.0], seed=1)
    np.testing.assert_allclose(y2, X2[:, 0] - X2[:, 1])


@pytest.mark.parametrize("call, match", [
    (lambda: data.make_moons(0), "n_samples must be an int >= 1"),
    (lambda: data.make_moons(10, noise=-1), "noise must be a number >= 0"),
    (lambda: data.make_circles(10, factor=1.5), "factor"),
    (lambda: data.make_spirals(10, n_classes=1), "n_classes must be an int >= 2"),
    (lambda: data.make_linear_regression(10, 2, weights=[1.0]), "1 weights for n_features=2"),
    (lambda: data.make_moons(10, seed="a"), "seed must be an int"),
])
def test_generator_errors(call, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@pytest.mark.parametrize("test_size", [0.25, 0.3, 7])
@pytest.mark.parametrize("shuffle", [True, False])
def test_train_test_split_equals_scikit_learns(test_size: float, shuffle: bool) -> None:
    model_selection = pytest.importorskip("sklearn.model_selection")
    X, y = data.make_moons(50, seed=0)
    ours = data.train_test_split(X, y, test_size=test_size, seed=5, shuffle=shuffle)
    theirs = model_selection.train_test_split(X, y, test_size=test_size, random_state=5,
                                              shuffle=shuffle)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_train_test_split_errors() -> None:
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="same number of samples"):
        data.train_test_split(X, np.zeros(9))
    with pytest.raises(ValueError, match="both parts need at least one"):
        data.train_test_split(X, test_size=10)
    with pytest.raises(ValueError, match="test_size must be"):
        data.train_test_split(X, test_size=1.5)


def test_load_digits() -> None:
    pytest.importorskip("sklearn")
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    assert data.load_digits(scale=False)[0].max() == 16.0


def test_load_digits_without_scikit_learn_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_sklearn(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r"scikit-learn.*'notebooks' extra"):
        data.load_digits()


# ------------------------------------------------------------------ DataLoader
def _indexed(n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(2 * n, dtype=float).reshape(n, 2), np.arange(n)


def test_batch_minibatch_and_stochastic_cover_every_sample_once() -> None:
    X, y = _indexed(10)
    for batch_size, sizes in [(10, [10]), (4, [4, 4, 2]), (1, [1] * 10), (32, [10])]:
        loader = data.DataLoader((X, y), batch_size=batch_size)
        batches = list(loader)
        assert len(loader) == len(batches)
        assert [len(yb) for _, yb in batches] == sizes
        np.testing.assert_array_equal(np.concatenate([yb for _, yb in batches]), y)
        for xb, yb in batches:
            np.testing.assert_array_equal(xb, X[yb])


def test_drop_last() -> None:
    X, y = _indexed(10)
    loader = data.DataLoader((X, y), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(b[1]) for b in loader] == [4, 4]


def test_shuffling_is_a_fresh_permutation_each_epoch_and_repeats_by_seed() -> None:
    X, y = _indexed(20)
    loader = data.DataLoader((X, y), batch_size=6, shuffle=True, seed=42)
    epochs = [np.concatenate([yb for _, yb in loader]) for _ in range(3)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(20))
    assert not np.array_equal(epochs[0], epochs[1])
    again = data.DataLoader((X, y), batch_size=6, shuffle=True, seed=42)
    for order in epochs:
        np.testing.assert_array_equal(np.concatenate([yb for _, yb in again]), order)


def test_batches_are_copies() -> None:
    X, y = _indexed(4)
    xb, _ = next(iter(data.DataLoader((X, y), batch_size=2)))
    xb[:] = -1
    assert X.min() == 0


def test_single_array_and_dataset_objects() -> None:
    X, y = _indexed(5)
    assert [b.shape for b in data.DataLoader(X, batch_size=2)] == [(2, 2), (2, 2), (1, 2)]

    class Pairs:
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
            return X[i], int(y[i])

    xb, yb = next(iter(data.DataLoader(Pairs(), batch_size=3)))
    np.testing.assert_array_equal(xb, X[:3])
    np.testing.assert_array_equal(yb, [0, 1, 2])


@pytest.mark.parametrize("make, error, match", [
    (lambda: data.DataLoader((np.zeros((3, 2)), np.zeros(4))), ValueError, "same number"),
    (lambda: data.DataLoader((np.zeros(3),), batch_size=0), ValueError, "batch_size"),
    (lambda: data.DataLoader(42), TypeError, "dataset must be arrays"),
    (lambda: data.DataLoader(()), ValueError, "empty"),
    (lambda: data.DataLoader(np.zeros((0, 2))), ValueError, "empty"),
    (lambda: data.DataLoader(np.zeros(3), seed=1.5), TypeError, "seed"),
])
def test_loader_errors(make, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        make()


def test_linear_classes_lie_on_either_side_of_a_line() -> None:
    X, y = data.make_linear(200, noise=None, seed=3)
    assert X.shape == (200, 2) and X.dtype == np.float64 and set(y) == {0, 1}
    np.testing.assert_array_equal(y, (X[:, 1] > 0.5 * X[:, 0]).astype(np.intp))
    a, b = data.make_linear(50, seed=4), data.make_linear(50, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    noisy, labels = data.make_linear(200, noise=0.3, seed=3)
    assert labels.tolist() == y.tolist() and not np.allclose(noisy, X)
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        data.make_linear(10, noise=-1)
