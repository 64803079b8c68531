"""Flatten, the loss modules and Dropout against
torch.nn in float64: forward values, the gradients of every input and parameter (under
a random upstream gradient), reprs, state_dicts that load across, and the errors."""

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
