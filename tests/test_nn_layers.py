"""Flatten, the loss modules, Embedding, LayerNorm, Dropout and BatchNorm1d against
torch.nn in float64: forward values, the gradients of every input and parameter (under
a random upstream gradient), BatchNorm's running statistics, reprs, state_dicts that
load across, and the errors."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, nn
from autograd_mini.nn import functional as F

pytestmark = pytest.mark.torch


def _pair(torch: Any, array: np.ndarray) -> tuple[Tensor, Any]:
    """The same numbers as a leaf of each library that requires grad."""
    return (Tensor(array, requires_grad=True),
            torch.tensor(array, dtype=torch.float64, requires_grad=True))


def _backward(torch: Any, ours: Tensor, theirs: Any, rng: np.random.Generator) -> None:
    """Backward from a random upstream gradient (the same for both)."""
    upstream = rng.standard_normal(theirs.shape)
    (ours * upstream).sum().backward()
    (theirs * torch.from_numpy(upstream)).sum().backward()


def _close(ours: Any, theirs: Any, atol: float = 1e-12) -> float:
    a = np.asarray(ours.data if isinstance(ours, Tensor) else ours)
    b = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(a, b, rtol=0, atol=atol)
    return float(np.abs(a - b).max()) if a.size else 0.0


def _copy_from_torch(module: Any, torch_module: Any) -> None:
    module.load_state_dict(torch_module.state_dict())


# ------------------------------------------------------------------ Flatten
@pytest.mark.parametrize("seed", range(6))
def test_flatten_equals_torch_on_random_shapes(torch: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ndim = int(rng.integers(2, 5))
    shape = tuple(int(n) for n in rng.integers(1, 4, ndim))
    for start, end in itertools.product(range(-ndim, ndim), repeat=2):
        if start % ndim > end % ndim:
            continue
        x, xt = _pair(torch, rng.standard_normal(shape))
        y, yt = nn.Flatten(start, end)(x), torch.nn.Flatten(start, end)(xt)
        assert y.shape == tuple(yt.shape)
        _backward(torch, y, yt, rng)
        _close(y, yt, 0)
        _close(x.grad, xt.grad, 0)
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Flatten(0, 2)) == repr(torch.nn.Flatten(0, 2))


# ------------------------------------------------------------------ losses
def _loss_cases(torch: Any, rng: np.random.Generator) -> list[tuple[Any, Any, str]]:
    """(our module, torch's, kind of input) for each loss and setting."""
    shape = (4, 3)
    w, pw = rng.uniform(0.5, 2, shape), rng.uniform(0.5, 2, 3)
    cases = []
    for reduction in ("mean", "sum", "none"):
        cases += [
            (nn.MSELoss(reduction=reduction), torch.nn.MSELoss(reduction=reduction), "real"),
            (nn.L1Loss(reduction=reduction), torch.nn.L1Loss(reduction=reduction), "real"),
            (nn.BCELoss(reduction=reduction), torch.nn.BCELoss(reduction=reduction), "prob"),
            (nn.BCELoss(weight=w, reduction=reduction),
             torch.nn.BCELoss(weight=torch.from_numpy(w), reduction=reduction), "prob"),
            (nn.BCEWithLogitsLoss(reduction=reduction),
             torch.nn.BCEWithLogitsLoss(reduction=reduction), "real"),
            (nn.BCEWithLogitsLoss(weight=w, reduction=reduction, pos_weight=pw),
             torch.nn.BCEWithLogitsLoss(weight=torch.from_numpy(w), reduction=reduction,
                                        pos_weight=torch.from_numpy(pw)), "real"),
        ]
    return cases


@pytest.mark.parametrize("seed", range(3))
def test_loss_modules_equal_torch(torch: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for ours, theirs, kind in _loss_cases(torch, rng):
        assert repr(ours) == repr(theirs)
        if kind == "prob":
            x_np, t_np = rng.uniform(0.02, 0.98, (4, 3)), rng.uniform(0, 1, (4, 3))
        else:
            x_np, t_np = 3 * rng.standard_normal((4, 3)), rng.uniform(0, 1, (4, 3))
        x, xt = _pair(torch, x_np)
        y, yt = ours(x, t_np), theirs(xt, torch.from_numpy(t_np))
        _backward(torch, y, yt, rng)
        _close(y, yt)
        _close(x.grad, xt.grad)


def test_loss_modules_keep_weights_as_buffers_as_torch(torch: Any) -> None:
    w, pw = np.array([1.0, 2.0]), np.array([0.5, 3.0])
    ours = nn.BCEWithLogitsLoss(weight=w, pos_weight=pw)
    theirs = torch.nn.BCEWithLogitsLoss(weight=torch.from_numpy(w),
                                        pos_weight=torch.from_numpy(pw))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "pos_weight"]
    assert list(nn.BCELoss().state_dict()) == list(torch.nn.BCELoss().state_dict()) == []
    assert [n for n, _ in ours.named_buffers()] == ["weight", "pos_weight"]
    assert list(ours.parameters()) == []
    fresh = nn.BCEWithLogitsLoss(weight=np.zeros(2), pos_weight=np.zeros(2))
    fresh.load_state_dict(theirs.state_dict())
    _close(fresh.pos_weight, theirs.pos_weight, 0)


def test_size_average_and_reduce_choose_the_reduction_as_in_torch(torch: Any) -> None:
    x, t = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 1.0])
    for size_average, reduce in itertools.product([None, True, False], repeat=2):
        if size_average is None and reduce is None:
            continue
        with warnings.catch_warnings(record=True) as ours_warned:
            warnings.simplefilter("always")
            ours = nn.L1Loss(size_average, reduce)
            mse = nn.MSELoss(size_average=size_average, reduce=reduce)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = torch.nn.L1Loss(size_average, reduce)
        assert ours.reduction == mse.reduction == theirs.reduction
        assert any("reduction=" in str(w.message) for w in ours_warned)
        _close(ours(Tensor(x), t), theirs(torch.from_numpy(x), torch.from_numpy(t)))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_l1_loss_with_weight_equals_torch(torch: Any, reduction: str) -> None:
    rng = np.random.default_rng(5)
    x, xt = _pair(torch, rng.standard_normal((3, 4)))
    t, w = rng.standard_normal((3, 4)), rng.uniform(0, 2, (3, 4))
    y = F.l1_loss(x, t, reduction=reduction, weight=w)
    yt = torch.nn.functional.l1_loss(xt, torch.from_numpy(t), reduction=reduction,
                                     weight=torch.from_numpy(w))
    _backward(torch, y, yt, rng)
    _close(y, yt)
    _close(x.grad, xt.grad)
    with pytest.raises(ValueError, match="one weight per element"):
        F.l1_loss(x, t, weight=np.ones(4))


# ------------------------------------------------------------------ Embedding
@pytest.mark.parametrize("seed", range(6))
def test_embedding_equals_torch_on_random_indices(torch: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, dim = int(rng.integers(2, 12)), int(rng.integers(1, 5))
    shape = tuple(int(k) for k in rng.integers(1, 5, int(rng.integers(0, 3))))
    idx = rng.integers(0, n, shape)  # repeats likely: their gradients add up
    padding = [None, int(rng.integers(0, n)), -1][seed % 3]
    ours = nn.Embedding(n, dim, padding_idx=padding)
    theirs = torch.nn.Embedding(n, dim, padding_idx=padding, dtype=torch.float64)
    assert repr(ours) == repr(theirs) and ours.padding_idx == theirs.padding_idx
    if padding is not None:
        assert not ours.weight.data[padding].any()
    with torch.no_grad():  # a padding row changed by hand: its numbers show, no gradient
        theirs.weight.add_(torch.from_numpy(rng.standard_normal((n, dim))))
    _copy_from_torch(ours, theirs)
    for given in (idx, idx.tolist(), idx.astype(np.int32)):
        ours.zero_grad()
        theirs.zero_grad()
        y, yt = ours(given), theirs(torch.from_numpy(idx))
        assert y.shape == (*shape, dim)
        _backward(torch, y, yt, rng)
        _close(y, yt, 0)
        _close(ours.weight.grad, theirs.weight.grad, 1e-13)
    y = F.embedding(idx, ours.weight, padding)
    _close(y, torch.nn.functional.embedding(torch.from_numpy(idx), theirs.weight, padding), 0)


def test_embedding_starts_standard_normal_as_torch() -> None:
    am.manual_seed(0)
    w = nn.Embedding(20000, 5).weight.data
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01
    assert nn.Embedding(3, 2, padding_idx=1).weight.data[1].tolist() == [0.0, 0.0]
    assert [n for n, _ in nn.Embedding(3, 2).named_parameters()] == ["weight"]


def test_embedding_refuses_float_and_out_of_range_indices_as_torch(torch: Any) -> None:
    ours, theirs = nn.Embedding(10, 3), torch.nn.Embedding(10, 3)
    for bad, error in (([1.0, 2.0], RuntimeError), ([1, 10], IndexError), ([-1], IndexError),
                       ([True], RuntimeError)):
        with pytest.raises(error):
            theirs(torch.tensor(bad))
        with pytest.raises(error, match=r"Embedding\(10, 3\)"):
            ours(bad)
    with pytest.raises(IndexError, match=r"index 10 at position \(1,\) is out of range for "
                                         r"num_embeddings=10 \(expected 0 to 9\)"):
        ours([3, 10])
    with pytest.raises(RuntimeError, match="a Tensor holds floats"):
        ours(Tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="padding_idx 10 must be within num_embeddings=10"):
        nn.Embedding(10, 3, padding_idx=10)


# ------------------------------------------------------------------ LayerNorm
@pytest.mark.parametrize("seed", range(8))
def test_layer_norm_equals_torch_on_random_shapes(torch: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ndim = int(rng.integers(1, 4))
    shape = tuple(int(k) for k in rng.integers(1, 5, ndim))
    k = int(rng.integers(1, ndim + 1))
    normalized = shape[ndim - k:] if k > 1 or seed % 2 else shape[-1]
    affine, bias = [(True, True), (True, False), (False, False)][seed % 3]
    eps = [1e-5, 1e-3][seed % 2]
    ours = nn.LayerNorm(normalized, eps=eps, elementwise_affine=affine, bias=bias)
    theirs = torch.nn.LayerNorm(normalized, eps=eps, elementwise_affine=affine, bias=bias,
                                dtype=torch.float64)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if affine:
        with torch.no_grad():
            for p in theirs.parameters():
                p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape))))
        _copy_from_torch(ours, theirs)
    x, xt = _pair(torch, 2 + 3 * rng.standard_normal(shape))
    y, yt = ours(x), theirs(xt)
    _backward(torch, y, yt, rng)
    _close(y, yt)
    _close(x.grad, xt.grad, 1e-11)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        _close(p.grad, q.grad)
    y2 = F.layer_norm(x, normalized, ours.weight, ours.bias, eps)
    _close(y2, yt)


def test_layer_norm_names_the_expected_and_the_given_shape(torch: Any) -> None:
    with pytest.raises(RuntimeError):
        torch.nn.LayerNorm(4)(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"LayerNorm\(\(4,\), eps=1e-05, elementwise_affine="
                                           r"True, bias=True\): given normalized_shape=\[4\], "
                                           r"expected input with shape \[\*, 4\], but got input "
                                           r"of size \[2, 3\]"):
        nn.LayerNorm(4)(Tensor(np.ones((2, 3))))
    with pytest.raises(RuntimeError, match=r"\[\*, 2, 3\].*\[3, 2\]"):
        nn.LayerNorm((2, 3))(np.ones((3, 2)))


# ------------------------------------------------------------------ Dropout
class _Draws:
    """A generator stand-in that gives back chosen uniform draws, so our dropout can be
    given torch's mask."""

    def __init__(self, draws: np.ndarray) -> None:
        self.draws = draws

    def random(self, shape: Any, dtype: Any = None) -> np.ndarray:
        assert tuple(shape) == self.draws.shape
        return self.draws


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_with_torchs_mask_gives_torchs_output_and_gradient(torch: Any,
                                                                    p: float) -> None:
    rng = np.random.default_rng(int(p * 10))
    x, xt = _pair(torch, rng.uniform(0.5, 2, (6, 7)))  # no zeros: the mask shows
    yt = torch.nn.functional.dropout(xt, p)
    keep = yt.detach().numpy() != 0
    draws = np.where(keep, p + (1 - p) * 0.5, p * 0.5)  # kept exactly where draw >= p
    y = F.dropout(x, p, generator=_Draws(draws))
    _backward(torch, y, yt, rng)
    _close(y, yt, 1e-15)
    _close(x.grad, xt.grad, 1e-15)


def test_dropout_keeps_about_one_minus_p_and_eval_is_the_identity(torch: Any) -> None:
    am.manual_seed(1)
    n, p = 200_000, 0.3
    x = Tensor(np.ones(n), requires_grad=True)
    y = nn.Dropout(p)(x)
    kept = int((y.data != 0).sum())
    # binomial(n, 1 - p): mean 140000, standard deviation about 205; 5 of them either side
    assert abs(kept - n * (1 - p)) < 5 * np.sqrt(n * p * (1 - p))
    np.testing.assert_allclose(y.data[y.data != 0], 1 / (1 - p), rtol=1e-15)
    drop = nn.Dropout(p).eval()
    assert drop(x) is x and F.dropout(x, p, training=False) is x
    assert repr(nn.Dropout()) == repr(torch.nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    assert not F.dropout(x, 1.0).data.any()
    with pytest.raises(ValueError, match=r"dropout probability has to be between 0 and 1, but "
                                         r"got 1\.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match=r"got -0\.1"):
        F.dropout(x, -0.1)
    gen = np.random.default_rng(7)
    same = F.dropout(x, p, generator=np.random.default_rng(7))
    assert (same.data == F.dropout(x, p, generator=gen).data).all()


# ------------------------------------------------------------------ BatchNorm1d
BN_SETTINGS = [
    dict(), dict(momentum=0.3, eps=1e-3), dict(momentum=None), dict(affine=False),
    dict(track_running_stats=False), dict(affine=False, track_running_stats=False),
    dict(bias=False),
]


def _bn_step(torch: Any, ours: Any, theirs: Any, shape: tuple[int, ...],
             rng: np.random.Generator) -> float:
    x, xt = _pair(torch, 1.5 + 2 * rng.standard_normal(shape))
    for m in (ours, theirs):
        m.zero_grad()
    y, yt = ours(x), theirs(xt)
    _backward(torch, y, yt, rng)
    worst = max(_close(y, yt, 1e-11), _close(x.grad, xt.grad, 1e-11))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        worst = max(worst, _close(p.grad, q.grad, 1e-11))
    for (name, b), (tname, tb) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert name == tname
        worst = max(worst, _close(b, tb, 1e-12))
    return worst


@pytest.mark.parametrize("settings", BN_SETTINGS, ids=lambda s: "-".join(
    f"{k}={v}" for k, v in s.items()) or "defaults")
@pytest.mark.parametrize("three_d", [False, True])
def test_batch_norm_equals_torch_in_training_and_eval(torch: Any, settings: dict[str, Any],
                                                      three_d: bool) -> None:
    rng = np.random.default_rng(len(settings) + 10 * three_d)
    c = int(rng.integers(1, 5))
    ours = nn.BatchNorm1d(c, **settings)
    theirs = torch.nn.BatchNorm1d(c, dtype=torch.float64, **settings)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.from_numpy(rng.uniform(0.5, 2, tuple(p.shape))))
    _copy_from_torch(ours, theirs)
    for _ in range(4):  # training: batch statistics, running ones updated
        n = int(rng.integers(2, 6))
        _bn_step(torch, ours, theirs, (n, c, int(rng.integers(1, 4))) if three_d else (n, c),
                 rng)
    ours.eval()
    theirs.eval()
    # eval: the running statistics (a batch of one is fine), or without them the batch's
    # (then, as in torch, a batch of one is refused)
    for n in (1, 3) if ours.track_running_stats else (2, 3):
        _bn_step(torch, ours, theirs, (n, c, 2) if three_d else (n, c), rng)
    if ours.track_running_stats:
        assert float(ours.num_batches_tracked.data) == int(theirs.num_batches_tracked) == 4


def test_batch_norm_state_dicts_load_across_both_ways(torch: Any) -> None:
    rng = np.random.default_rng(3)
    ours, theirs = nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3, dtype=torch.float64)
    assert list(ours.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                       "num_batches_tracked"]
    for _ in range(3):
        theirs(torch.from_numpy(rng.standard_normal((5, 3))))
    ours.load_state_dict(theirs.state_dict())
    _close(ours.running_var, theirs.running_var, 0)
    assert float(ours.num_batches_tracked.data) == 3
    back = torch.nn.BatchNorm1d(3, dtype=torch.float64)
    back.load_state_dict({k: torch.from_numpy(np.asarray(v.data))
                          for k, v in ours.state_dict().items()})
    assert int(back.num_batches_tracked) == 3
    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
    assert list(model.state_dict()) == list(
        torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3)).state_dict())


def test_batch_norm_errors_name_the_expected_and_the_given_shape(torch: Any) -> None:
    for shape, error in (((4, 5), RuntimeError), ((4, 5, 2), RuntimeError),
                         ((4,), ValueError), ((1, 3), ValueError)):
        with pytest.raises(error):
            torch.nn.BatchNorm1d(3)(torch.ones(shape))
        with pytest.raises(error, match=r"BatchNorm1d\(3, eps=1e-05"):
            nn.BatchNorm1d(3)(np.ones(shape))
    with pytest.raises(RuntimeError, match=r"running_mean should contain 5 elements not 3: "
                                           r"the input has 5 features on axis 1"):
        nn.BatchNorm1d(3)(np.ones((4, 5)))
    with pytest.raises(ValueError, match="expected more than 1 value per channel when "
                                         "training"):
        nn.BatchNorm1d(3)(np.ones((1, 3)))
    bn = nn.BatchNorm1d(3)
    with pytest.raises(RuntimeError):
        bn(np.ones((4, 5)))
    assert float(bn.num_batches_tracked.data) == 0  # a batch that failed is not counted


def test_buffers_convert_with_the_module_and_refuse_non_tensors() -> None:
    bn = nn.BatchNorm1d(2).float()
    assert bn.running_mean.dtype == np.float32 and bn.weight.dtype == np.float32
    with pytest.raises(TypeError, match="buffer 'running_mean'"):
        bn.running_mean = [0.0, 0.0]
    bn.running_mean = Tensor(np.array([1.0, 2.0]))
    assert bn.state_dict()["running_mean"].tolist() == [1.0, 2.0]
    m = nn.Module()
    m.register_buffer("scratch", Tensor(1.0), persistent=False)
    assert "scratch" not in m.state_dict() and [n for n, _ in m.named_buffers()] == ["scratch"]


def test_buffers_are_saved_loaded_and_refuse_non_tensors() -> None:
    m = nn.BCELoss(weight=np.ones(2))
    with pytest.raises(TypeError, match="buffer 'weight'"):
        m.weight = [0.0, 0.0]
    m.weight = Tensor(np.array([1.0, 2.0]))
    assert m.state_dict()["weight"].tolist() == [1.0, 2.0]
    assert m.float().weight.dtype == np.float32
    m = nn.Module()
    m.register_buffer("scratch", Tensor(1.0), persistent=False)
    assert "scratch" not in m.state_dict() and [n for n, _ in m.named_buffers()] == ["scratch"]
