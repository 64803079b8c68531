"""Random sampling against PyTorch: randint, randint_like, randperm, multinomial
(``t.multinomial`` too), randn and rand with ``generator=``, and ``nn.functional.one_hot``.

A seed cannot give PyTorch's numbers here: autograd_mini draws with NumPy's PCG64 and NumPy's
algorithms, PyTorch with a Mersenne Twister and its own (README, the differences table). So
what is compared with PyTorch is

* the distribution: a chi-square goodness-of-fit test of many draws against the exact
  probabilities, worked out on paper (uniform, the weights, the exponential race's orderings,
  the normal's cumulative distribution). The same check is run on PyTorch's own samples,
  which must pass it, and on deliberately wrong samplers (an off-by-one range, a modulo
  bias, the wrong keys for drawing without replacement, a stretched normal), which it must
  reject, so the check is shown able to fail. Seeds are fixed, so each statistic is one
  fixed number and no test is flaky; the threshold, a p-value of 1e-4, leaves a right
  sampler room for its fluctuations while every wrong one lands far below it;
* everything else exactly: shapes and dtypes of every call form, the error classes for bad
  arguments, one_hot's numbers, and that a seed repeats its numbers.

The chi-square p-value is computed here with the regularized incomplete gamma function
(``chi2_sf``), itself checked against the closed forms of 1, 2 and 4 degrees of freedom.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini.nn import functional as F

from .conftest import TORCH_REASON

torch = pytest.importorskip("torch", reason=TORCH_REASON)

ALPHA = 1e-4
"""A sample passes when its chi-square p-value is above this."""


# ------------------------------------------------------------------ the chi-square check
def _lower_gamma_series(a: float, x: float) -> float:
    """P(a, x), the regularized lower incomplete gamma function, by its series (x < a + 1)."""
    term = total = 1.0 / a
    n = 0
    while abs(term) > abs(total) * 1e-16:
        n += 1
        term *= x / (a + n)
        total += term
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Q(a, x) = 1 - P(a, x) by its continued fraction (x >= a + 1), Lentz's method."""
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def chi2_sf(x: float, dof: int) -> float:
    """P(X >= x) for X chi-square with ``dof`` degrees of freedom: Q(dof / 2, x / 2)."""
    if x <= 0:
        return 1.0
    a, half = dof / 2.0, x / 2.0
    if half < a + 1.0:
        return 1.0 - _lower_gamma_series(a, half)
    return _upper_gamma_fraction(a, half)


def chi_square(counts: Any, probs: Any) -> float:
    """The p-value of ``counts`` (how often each category came up) under ``probs``.

    A category of probability 0 must never come up (checked exactly, and left out of the
    statistic); every other one must expect at least 5 draws, as the test needs."""
    counts = np.asarray(counts, dtype=np.float64).ravel()
    probs = np.asarray(probs, dtype=np.float64).ravel()
    assert counts.shape == probs.shape
    assert np.all(counts[probs == 0] == 0), "a category of probability 0 was drawn"
    counts, probs = counts[probs > 0], probs[probs > 0]
    expected = counts.sum() * probs / probs.sum()
    assert expected.min() >= 5, "too few draws for a chi-square test"
    stat = float(((counts - expected) ** 2 / expected).sum())
    return chi2_sf(stat, counts.size - 1)


def tally(draws: Any, k: int) -> Any:
    """How often each of 0 .. k - 1 was drawn (a value outside that range fails)."""
    draws = np.asarray(draws).ravel().astype(np.int64)
    assert draws.min() >= 0 and draws.max() < k, (draws.min(), draws.max())
    return np.bincount(draws, minlength=k)


def _numpy(t: Any) -> Any:
    """A result of either library as a NumPy array."""
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


@pytest.mark.parametrize("dof", [1, 2, 4])
@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 3.0, 7.5, 20.0, 60.0])
def test_chi2_sf_agrees_with_the_closed_forms(dof: int, x: float) -> None:
    exact = {1: math.erfc(math.sqrt(x / 2)), 2: math.exp(-x / 2),
             4: math.exp(-x / 2) * (1 + x / 2)}[dof]
    assert chi2_sf(x, dof) == pytest.approx(exact, rel=1e-12, abs=1e-300)


def test_chi2_sf_at_known_critical_values() -> None:
    # tabulated quantiles: chi-square(9) exceeds 21.666 with probability 0.01, and
    # chi-square(30) exceeds 59.703 with probability 0.001
    assert chi2_sf(21.666, 9) == pytest.approx(0.01, rel=1e-3)
    assert chi2_sf(59.703, 30) == pytest.approx(0.001, rel=1e-3)


def test_chi_square_accepts_the_expected_counts_and_rejects_a_tilt() -> None:
    assert chi_square([1000, 2000, 3000], [1, 2, 3]) == 1.0
    # 100 too many of the first, 100 too few of the last: 100**2/1000 + 100**2/3000 on 2
    # degrees of freedom, whose p-value is exp(-stat / 2)
    assert chi_square([1100, 2000, 2900], [1, 2, 3]) == pytest.approx(math.exp(-40 / 6))
    assert chi_square([1200, 2000, 2800], [1, 2, 3]) < ALPHA
    with pytest.raises(AssertionError, match="probability 0"):
        chi_square([1, 5, 5], [0, 1, 1])


# ------------------------------------------------------------------ randint
N = 60_000


def _randint_numbers(lib: Any, seed: int, low: int, high: int, n: int) -> Any:
    if lib is am:
        return _numpy(am.randint(low, high, (n,), generator=am.Generator().manual_seed(seed)))
    return _numpy(torch.randint(low, high, (n,), generator=torch.Generator().manual_seed(seed)))


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
@pytest.mark.parametrize("low, high", [(0, 10), (-3, 4), (5, 6), (0, 37)])
def test_randint_is_uniform_on_low_to_high(lib: Any, low: int, high: int) -> None:
    draws = _randint_numbers(lib, 1, low, high, N)
    assert chi_square(tally(draws - low, high - low), np.ones(high - low)) > ALPHA


def _rounded(rng: Any, low: int, high: int, n: int) -> Any:
    """A classic mistake: round(u * (high - 1 - low)) gives the two ends half a share."""
    return np.rint(low + rng.random(n) * (high - 1 - low)).astype(np.int64)


def _modulo(rng: Any, low: int, high: int, n: int) -> Any:
    """Another: a random byte modulo the range (0 .. 255 % 10 come up more often)."""
    return low + rng.integers(0, 256, n) % (high - low)


def _one_past(rng: Any, low: int, high: int, n: int) -> Any:
    """And another: high included, then clipped into range (high - 1 twice as likely)."""
    return np.minimum(rng.integers(low, high + 1, n), high - 1)


@pytest.mark.parametrize("wrong", [_rounded, _modulo, _one_past], ids=lambda f: f.__name__)
def test_the_uniformity_check_rejects_a_wrong_randint(wrong: Callable[..., Any]) -> None:
    draws = wrong(np.random.default_rng(1), 0, 10, N)
    assert chi_square(tally(draws, 10), np.ones(10)) < ALPHA


def test_randint_float_dtype_holds_whole_numbers_in_range() -> None:
    for dt in (am.float64, am.float32, am.int32):
        t = am.randint(-5, 5, (4000,), dtype=dt, generator=am.Generator().manual_seed(2))
        x = t.numpy()
        assert x.dtype == dt and np.all(x == np.floor(x)) and x.min() >= -5 and x.max() <= 4
        assert chi_square(tally(x + 5, 10), np.ones(10)) > ALPHA


def test_randint_like_draws_the_shape_of_its_input() -> None:
    g = am.Generator().manual_seed(3)
    t = am.randint_like(am.zeros(300, 200, dtype=am.int32), 2, 9, generator=g)
    assert t.shape == (300, 200) and t.dtype == am.int32
    assert chi_square(tally(t.numpy() - 2, 7), np.ones(7)) > ALPHA


# ------------------------------------------------------------------ randperm
PERM_N = 4
PERM_DRAWS = 12_000


def _orderings(perms: Any) -> Any:
    """How often each of the n! orderings came up, in itertools.permutations' order."""
    index = {p: i for i, p in enumerate(itertools.permutations(range(PERM_N)))}
    counts = np.zeros(len(index), np.int64)
    for p in perms:
        counts[index[tuple(int(i) for i in p)]] += 1
    return counts


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
def test_randperm_gives_every_ordering_equally_often(lib: Any) -> None:
    g = lib.Generator().manual_seed(4)
    perms = [_numpy(lib.randperm(PERM_N, generator=g)) for _ in range(PERM_DRAWS)]
    assert chi_square(_orderings(perms), np.ones(math.factorial(PERM_N))) > ALPHA


def test_the_ordering_check_rejects_a_naive_shuffle() -> None:
    """Swapping each position with any position (not one at or after it) favours some
    orderings: n**n equally likely swap sequences cannot spread evenly over n! orders."""
    rng = np.random.default_rng(4)
    perms = []
    for _ in range(PERM_DRAWS):
        p = list(range(PERM_N))
        for i in range(PERM_N):
            j = int(rng.integers(0, PERM_N))
            p[i], p[j] = p[j], p[i]
        perms.append(p)
    assert chi_square(_orderings(perms), np.ones(math.factorial(PERM_N))) < ALPHA


@given(st.integers(0, 300), st.integers(0, 2**32))
def test_randperm_is_a_permutation(n: int, seed: int) -> None:
    p = am.randperm(n, generator=am.Generator().manual_seed(seed)).numpy()
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(n))


# ------------------------------------------------------------------ multinomial
WEIGHTS = np.array([1.0, 0.0, 2.0, 3.0, 4.0, 0.5])  # not normalised, one zero


def _multinomial(lib: Any, weights: Any, n: int, replacement: bool, seed: int) -> Any:
    w = lib.tensor(weights, dtype=lib.float64)
    return _numpy(lib.multinomial(w, n, replacement,
                                  generator=lib.Generator().manual_seed(seed)))


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
def test_multinomial_with_replacement_follows_the_weights(lib: Any) -> None:
    draws = _multinomial(lib, WEIGHTS, N, True, 5)
    assert draws.shape == (N,)
    assert chi_square(tally(draws, 6), WEIGHTS) > ALPHA


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
def test_multinomial_draws_each_row_from_its_own_weights(lib: Any) -> None:
    rows = np.array([WEIGHTS, WEIGHTS[::-1], [0, 0, 0, 0, 0, 1e-300], [1, 1, 1, 1, 1, 1]])
    draws = _multinomial(lib, rows, 20_000, True, 6)
    assert draws.shape == (4, 20_000)
    assert np.all(draws[2] == 5)  # the only weight, however small
    for row, d in zip(rows[[0, 1, 3]], draws[[0, 1, 3]]):
        assert chi_square(tally(d, 6), row) > ALPHA


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
def test_one_draw_at_a_time_follows_the_weights(lib: Any) -> None:
    """multinomial(probs, 1), a sampling loop's next token (autograd_mini's quickest path)."""
    w = lib.tensor(WEIGHTS[:5], dtype=lib.float64)
    g = lib.Generator().manual_seed(7)
    draws = [int(lib.multinomial(w, 1, generator=g)[0]) for _ in range(5000)]
    assert chi_square(tally(draws, 5), WEIGHTS[:5]) > ALPHA


def _race_probabilities(weights: Any, n: int) -> dict[tuple[int, ...], float]:
    """The probability of each ordered draw of n distinct indices: each draw picks one of
    the indices not yet drawn, in proportion to its weight."""
    probs = {}
    for seq in itertools.permutations(range(len(weights)), n):
        p, left = 1.0, float(np.sum(weights))
        for i in seq:
            p *= weights[i] / left
            left -= weights[i]
        probs[seq] = p
    return probs


def _sequences(draws: Any, probs: dict[tuple[int, ...], float]) -> Any:
    index = {seq: i for i, seq in enumerate(probs)}
    counts = np.zeros(len(index), np.int64)
    for row in draws:
        counts[index[tuple(int(i) for i in row)]] += 1
    return counts


RACE = np.array([1.0, 2.0, 3.0, 4.0])
RACE_ROWS = 20_000


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
@pytest.mark.parametrize("n", [1, 2, 4])
def test_multinomial_without_replacement_draws_in_proportion_to_what_is_left(
        lib: Any, n: int) -> None:
    """Many rows of the same weights, n draws each: the orderings' frequencies against
    their probabilities (n = 1: the first draw's marginal; 4: whole orderings)."""
    draws = _multinomial(lib, np.tile(RACE, (RACE_ROWS, 1)), n, False, 8)
    assert draws.shape == (RACE_ROWS, n)
    assert all(len(set(row)) == n for row in draws.tolist())  # no index twice in a row
    probs = _race_probabilities(RACE, n)
    assert chi_square(_sequences(draws, probs), list(probs.values())) > ALPHA


def test_the_race_check_rejects_the_wrong_keys() -> None:
    """Sorting weight * U (U uniform) is a tempting way to draw without replacement, and a
    wrong one: the first draw is then not proportional to the weights."""
    rng = np.random.default_rng(8)
    keys = RACE * rng.random((RACE_ROWS, 4))
    draws = np.argsort(-keys, axis=1)[:, :2]
    probs = _race_probabilities(RACE, 2)
    assert chi_square(_sequences(draws, probs), list(probs.values())) < ALPHA
    first = _race_probabilities(RACE, 1)
    assert chi_square(_sequences(draws[:, :1], first), list(first.values())) < ALPHA


@given(st.integers(1, 8), st.integers(1, 5), st.integers(0, 2**32))
def test_multinomial_without_replacement_never_repeats_nor_draws_a_zero(
        k: int, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    w = rng.random((rows, k + 2))
    w[:, -2:] = 0.0  # two zero weights per row, never drawn
    draws = am.multinomial(am.tensor(w), k, generator=am.Generator().manual_seed(seed)).numpy()
    assert draws.shape == (rows, k)
    for row in draws.tolist():
        assert len(set(row)) == k and max(row) < k


def test_tensor_multinomial_is_the_function() -> None:
    w = am.tensor(WEIGHTS)
    a = w.multinomial(50, True, generator=am.Generator().manual_seed(9))
    b = am.multinomial(w, 50, True, generator=am.Generator().manual_seed(9))
    assert np.array_equal(a.numpy(), b.numpy()) and a.dtype == am.int64


# ------------------------------------------------------------------ randn, rand
def _normal_cdf(x: Any) -> Any:
    return 0.5 * np.vectorize(math.erfc)(-np.asarray(x, dtype=np.float64) / math.sqrt(2))


BINS = 25


def _uniform_bins(u: Any) -> Any:
    """Counts of numbers in [0, 1) over BINS equal bins."""
    return tally(np.floor(np.asarray(u, dtype=np.float64) * BINS), BINS)


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_randn_is_standard_normal(lib: Any, dtype: str) -> None:
    """Through the normal's CDF, standard normal numbers are uniform on (0, 1)."""
    g = lib.Generator().manual_seed(10)
    x = _numpy(lib.randn(N, generator=g, dtype=getattr(lib, dtype)))
    assert str(x.dtype) == dtype
    assert chi_square(_uniform_bins(_normal_cdf(x)), np.ones(BINS)) > ALPHA


@pytest.mark.parametrize("scale, shift", [(1.05, 0.0), (1.0, 0.05)])
def test_the_normal_check_rejects_a_stretched_or_shifted_normal(scale: float,
                                                                shift: float) -> None:
    x = np.random.default_rng(10).standard_normal(N) * scale + shift
    assert chi_square(_uniform_bins(_normal_cdf(x)), np.ones(BINS)) < ALPHA


@pytest.mark.parametrize("lib", [am, torch], ids=["autograd_mini", "torch"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rand_is_uniform_on_0_to_1(lib: Any, dtype: str) -> None:
    u = _numpy(lib.rand(N, generator=lib.Generator().manual_seed(11), dtype=getattr(lib, dtype)))
    assert str(u.dtype) == dtype and u.min() >= 0 and u.max() < 1
    assert chi_square(_uniform_bins(u), np.ones(BINS)) > ALPHA


def test_the_uniform_check_rejects_a_bent_uniform() -> None:
    u = np.random.default_rng(11).random(N) ** 1.05
    assert chi_square(_uniform_bins(u), np.ones(BINS)) < ALPHA


# ------------------------------------------------------------------ seeds
DRAWS: dict[str, Callable[..., Any]] = {
    "randint": lambda g: am.randint(0, 1000, (20,), generator=g),
    "randint_like": lambda g: am.randint_like(am.zeros(4, 5), 1000, generator=g),
    "randperm": lambda g: am.randperm(20, generator=g),
    "multinomial": lambda g: am.multinomial(am.tensor(WEIGHTS), 4, generator=g),
    "multinomial_replacement": lambda g: am.multinomial(am.ones(3, 50), 20, True, generator=g),
    "randn": lambda g: am.randn(20, generator=g),
    "rand": lambda g: am.rand(4, 5, generator=g),
}


@pytest.mark.parametrize("name", list(DRAWS))
def test_a_seeded_generator_repeats_its_numbers(name: str) -> None:
    draw = DRAWS[name]
    first = draw(am.Generator().manual_seed(12)).numpy()
    again = draw(am.Generator().manual_seed(12)).numpy()
    other = draw(am.Generator().manual_seed(13)).numpy()
    assert np.array_equal(first, again) and not np.array_equal(first, other)


@pytest.mark.parametrize("name", list(DRAWS))
def test_manual_seed_repeats_the_default_stream(name: str) -> None:
    draw = DRAWS[name]
    assert am.manual_seed(14) is am.manual_seed(14)  # the default generator, returned
    first = draw(None).numpy()
    second = draw(None).numpy()
    am.manual_seed(14)
    assert np.array_equal(draw(None).numpy(), first)
    assert np.array_equal(draw(None).numpy(), second)
    am.manual_seed(14)  # a generator of one's own leaves the default stream alone
    draw(am.Generator().manual_seed(0))
    assert np.array_equal(draw(None).numpy(), first)


def test_the_generator_is_numpys_pcg64_as_documented() -> None:
    """Generator().manual_seed(s) draws what np.random.default_rng(s) draws (the docstring
    says so), a new Generator starts from torch's default seed, and a NumPy generator is
    accepted as generator= too."""
    assert np.array_equal(am.randn(5, generator=am.Generator().manual_seed(15)).numpy(),
                          np.random.default_rng(15).standard_normal(5))
    assert np.array_equal(am.randperm(9, generator=np.random.default_rng(15)).numpy(),
                          np.random.default_rng(15).permutation(9))
    assert am.Generator().initial_seed() == torch.Generator().initial_seed()
    assert am.Generator().manual_seed(16).initial_seed() == 16
    a, b = am.Generator(), am.Generator()
    assert np.array_equal(am.rand(3, generator=a).numpy(), am.rand(3, generator=b).numpy())


# ------------------------------------------------------------------ shapes and dtypes
def _zeros23(m: Any) -> Any:
    return m.zeros(2, 3, dtype=m.float64)


CALLS: dict[str, Callable[[Any], Any]] = {
    "randint(high, size)": lambda m: m.randint(10, (3,)),
    "randint(low, high, size)": lambda m: m.randint(2, 10, (2, 3)),
    "randint(high, size=)": lambda m: m.randint(10, size=(3,)),
    "randint(low, high, size=)": lambda m: m.randint(2, 10, size=(3,)),
    "randint(low, high=, size=)": lambda m: m.randint(2, high=10, size=(3,)),
    "randint(high=, size=)": lambda m: m.randint(high=10, size=(3,)),
    "randint(low=, high=, size=)": lambda m: m.randint(low=2, high=5, size=(3,)),
    "randint 0-d": lambda m: m.randint(10, ()),
    "randint empty": lambda m: m.randint(10, (0, 2)),
    "randint list size": lambda m: m.randint(10, [2, 2]),
    "randint int32": lambda m: m.randint(10, (3,), dtype=m.int32),
    "randint float64": lambda m: m.randint(10, (3,), dtype=m.float64),
    "randint float32": lambda m: m.randint(10, (3,), dtype=m.float32),
    "randint float requires_grad": lambda m: m.randint(10, (3,), dtype=m.float64,
                                                       requires_grad=True),
    "randint device": lambda m: m.randint(10, (3,), device="cpu"),
    "randint_like float": lambda m: m.randint_like(_zeros23(m), 5),
    "randint_like low high": lambda m: m.randint_like(m.zeros(2, dtype=m.int32), 2, 5),
    "randint_like high=": lambda m: m.randint_like(_zeros23(m), high=5),
    "randint_like low= high=": lambda m: m.randint_like(_zeros23(m), low=1, high=5),
    "randint_like dtype": lambda m: m.randint_like(_zeros23(m), 5, dtype=m.int64),
    "randint_like int64": lambda m: m.randint_like(m.tensor([[1, 2]]), 5),
    "randperm": lambda m: m.randperm(5),
    "randperm 0": lambda m: m.randperm(0),
    "randperm int32": lambda m: m.randperm(5, dtype=m.int32),
    "randperm float64": lambda m: m.randperm(5, dtype=m.float64),
    "multinomial 1-d": lambda m: m.multinomial(m.ones(4, dtype=m.float64), 2),
    "multinomial 2-d": lambda m: m.multinomial(m.ones(3, 4, dtype=m.float64), 2),
    "multinomial all": lambda m: m.multinomial(m.ones(3, 4, dtype=m.float64), 4),
    "multinomial replacement": lambda m: m.multinomial(m.ones(4, dtype=m.float64), 9, True),
    "multinomial replacement=": lambda m: m.multinomial(m.ones(4, dtype=m.float64), 3,
                                                        replacement=True),
    "multinomial num_samples=": lambda m: m.multinomial(m.ones(4, dtype=m.float64),
                                                        num_samples=1),
    "multinomial float32": lambda m: m.multinomial(m.ones(4, dtype=m.float32), 1),
    "multinomial no rows": lambda m: m.multinomial(m.ones(0, 3, dtype=m.float64), 1),
    "Tensor.multinomial": lambda m: m.ones(3, 4, dtype=m.float64).multinomial(5, True),
    "randn": lambda m: m.randn(2, 3, dtype=m.float64),
    "randn tuple": lambda m: m.randn((2, 3), dtype=m.float64),
    "randn generator dtype requires_grad": lambda m: m.randn(
        2, 3, generator=m.Generator().manual_seed(0), dtype=m.float64, requires_grad=True),
    "randn 0-d": lambda m: m.randn((), dtype=m.float64),
    "rand float32": lambda m: m.rand(4, dtype=m.float32, generator=m.Generator()),
    "one_hot": lambda m: m.nn.functional.one_hot(m.tensor([0, 2, 1])),
    "one_hot num_classes": lambda m: m.nn.functional.one_hot(m.tensor([0, 2]), 5),
    "one_hot num_classes=": lambda m: m.nn.functional.one_hot(m.tensor([[0], [2]]),
                                                              num_classes=3),
    "one_hot 0-d": lambda m: m.nn.functional.one_hot(m.tensor(2), 4),
    "one_hot empty": lambda m: m.nn.functional.one_hot(m.tensor([], dtype=m.int64), 3),
}


def _kind(t: Any) -> tuple[tuple[int, ...], str, bool, bool]:
    return (tuple(t.shape), str(t.dtype).replace("torch.", ""), bool(t.requires_grad),
            bool(t.is_leaf))


@pytest.mark.parametrize("call", list(CALLS))
def test_every_call_form_gives_torchs_shape_and_dtype(call: str) -> None:
    assert _kind(CALLS[call](am)) == _kind(CALLS[call](torch))


# ------------------------------------------------------------------ errors
W3 = "m.ones(3, dtype=m.float64)"
BAD: dict[str, str] = {
    "randint low == high": "m.randint(5, 5, (3,))",
    "randint low > high": "m.randint(6, 5, (3,))",
    "randint high 0": "m.randint(0, (3,))",
    "randint negative size": "m.randint(10, (-1,))",
    "randint size an int": "m.randint(10, 3)",
    "randint float high": "m.randint(1.5, (3,))",
    "randint float low": "m.randint(0.5, 3, (3,))",
    "randint no size": "m.randint(10)",
    "randint no high": "m.randint(size=(2,))",
    "randint low by name after high": "m.randint(10, (2,), low=1)",
    "randint low by name alone": "m.randint(10, low=1, size=(2,))",
    "randint too many": "m.randint(1, 2, (3,), 4)",
    "randint range past int32": "m.randint(2**40, (2,), dtype=m.int32)",
    "randint requires_grad int": "m.randint(10, (3,), requires_grad=True)",
    "randint generator int": "m.randint(10, (3,), generator=3)",
    "randint_like not a tensor": "m.randint_like([1, 2], 5)",
    "randint_like no high": "m.randint_like(m.zeros(2))",
    "randperm negative": "m.randperm(-1)",
    "randperm float": "m.randperm(2.5)",
    "randperm requires_grad int": "m.randperm(3, requires_grad=True)",
    "multinomial negative weight": "m.multinomial(m.tensor([1.0, -1.0]), 1)",
    "multinomial nan": "m.multinomial(m.tensor([1.0, float('nan')]), 1)",
    "multinomial inf": "m.multinomial(m.tensor([1.0, float('inf')]), 1)",
    "multinomial negative, several": "m.multinomial(m.tensor([[1.0, 2.0], [-1.0, 1.0]]), 2, True)",
    "multinomial zero row": "m.multinomial(m.zeros(2, 3, dtype=m.float64), 1)",
    "multinomial zero 1-d": "m.multinomial(m.zeros(3, dtype=m.float64), 2, True)",
    "multinomial too many": f"m.multinomial({W3}, 4)",
    "multinomial no categories": "m.multinomial(m.ones(2, 0, dtype=m.float64), 1)",
    "multinomial int weights": "m.multinomial(m.ones(3, dtype=m.int64), 1)",
    "multinomial bool weights": "m.multinomial(m.ones(3, dtype=m.bool), 1)",
    "multinomial 3-d": "m.multinomial(m.ones(2, 2, 2, dtype=m.float64), 1)",
    "multinomial 0-d": "m.multinomial(m.tensor(1.0), 1)",
    "multinomial zero samples": f"m.multinomial({W3}, 0)",
    "multinomial negative samples": f"m.multinomial({W3}, -1, True)",
    "multinomial float samples": f"m.multinomial({W3}, 1.5)",
    "multinomial list": "m.multinomial([1.0, 2.0], 1)",
    "multinomial replacement int": f"m.multinomial({W3}, 1, replacement=1)",
    "multinomial generator str": f"m.multinomial({W3}, 1, generator='x')",
    "randn generator int": "m.randn(3, generator=3)",
    "rand generator str": "m.rand(3, generator='x')",
    "one_hot float": "m.nn.functional.one_hot(m.tensor([0.0, 2.0]))",
    "one_hot int32": "m.nn.functional.one_hot(m.tensor([0, 2], dtype=m.int32))",
    "one_hot bool": "m.nn.functional.one_hot(m.tensor([True]))",
    "one_hot negative": "m.nn.functional.one_hot(m.tensor([-1, 2]))",
    "one_hot too small": "m.nn.functional.one_hot(m.tensor([0, 2]), 2)",
    "one_hot zero classes": "m.nn.functional.one_hot(m.tensor([0, 2]), 0)",
    "one_hot -2 classes": "m.nn.functional.one_hot(m.tensor([0, 2]), -2)",
    "one_hot empty": "m.nn.functional.one_hot(m.tensor([], dtype=m.int64))",
    "one_hot list": "m.nn.functional.one_hot([1, 2])",
}


def _error(code: str, m: Any) -> type[BaseException] | None:
    try:
        eval(code, {"m": m})
    except Exception as exc:
        return type(exc)
    return None


@pytest.mark.parametrize("case", list(BAD))
def test_bad_arguments_raise_torchs_error_class(case: str) -> None:
    theirs = _error(BAD[case], torch)
    assert theirs is not None, "torch accepts it: not a bad argument"
    assert _error(BAD[case], am) is theirs


def test_multinomial_refuses_more_draws_than_nonzero_weights_where_torch_fills_in() -> None:
    """The one deliberate difference (README's table): PyTorch 2.13 on the CPU returns
    indices of zero weight once the non-zero ones run out, indices that had no chance of
    being drawn; here that is a RuntimeError saying how many can be drawn."""
    drawn = torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2)
    assert drawn[0] == 1 and drawn.shape == (2,)
    with pytest.raises(RuntimeError, match="only 1 non-zero weights"):
        am.multinomial(am.tensor([0.0, 1.0, 0.0]), 2)


def test_error_messages_name_the_op_and_what_to_do() -> None:
    cases = [("am.randint(5, 5, (3,))", "randint: low must be less than high"),
             ("am.multinomial(am.tensor([1.0, -1.0]), 1)", "-1.0 at position (1,)"),
             ("am.multinomial(am.zeros(2, 3), 1)", "row 0 of the weights is all zeros"),
             ("am.multinomial(am.ones(3), 4)", "ask for at most 3, or pass replacement=True"),
             ("am.randn(3, generator=3)", "randn: generator must be an autograd_mini.Generator"),
             ("F.one_hot(am.tensor([0, 2]), 2)", "smaller than num_classes=2, got 2")]
    for code, message in cases:
        with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")):
            eval(code, {"am": am, "F": F})


# ------------------------------------------------------------------ one_hot's numbers
@given(st.lists(st.integers(0, 6), min_size=1, max_size=12), st.sampled_from([-1, 7, 9]),
       st.sampled_from([(-1,), (1, -1)]))
def test_one_hot_matches_torch(indices: list[int], num_classes: int,
                               shape: tuple[int, ...]) -> None:
    ours = F.one_hot(am.tensor(indices).reshape(*shape), num_classes)
    theirs = torch.nn.functional.one_hot(torch.tensor(indices).reshape(*shape), num_classes)
    assert ours.dtype == am.int64 and ours.shape == tuple(theirs.shape)
    assert np.array_equal(ours.numpy(), theirs.numpy())


def test_one_hot_infers_the_classes_from_the_largest_index() -> None:
    assert F.one_hot(am.tensor([3, 0])).shape == (2, 4)
    assert np.array_equal(F.one_hot(np.array([1, 0])).numpy(), [[0, 1], [1, 0]])
