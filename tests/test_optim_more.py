"""RMSprop and Adagrad against torch.optim (float64, 25 steps, every option combination,
on Values and on Tensor parameters whose gradients come from a backward pass), their
state, state_dict, settings checks and the no-half-update guarantee. The runs are those
of test_optim.py."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from autograd_mini import Tensor, Value, nn, optim

from .test_optim import _run_ours, _run_torch

RMSPROP_OPTIONS = [
    dict(alpha=a, weight_decay=w, momentum=m, centered=c, maximize=x)
    for a, w, m, c, x in itertools.product([0.99, 0.8], [0.0, 0.05], [0.0, 0.9],
                                           [False, True], [False, True])
]


def _ids(options: dict[str, Any]) -> str:
    return "-".join(f"{k}={v}" for k, v in options.items())


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["value", "tensor"])
@pytest.mark.parametrize("options", RMSPROP_OPTIONS, ids=_ids)
def test_rmsprop_trajectory_equals_torch(torch: Any, kind: str,
                                         options: dict[str, Any]) -> None:
    settings = dict(lr=0.01, eps=1e-6, **options)
    ours = _run_ours(lambda ps: optim.RMSprop(ps, **settings), kind)
    theirs = _run_torch(torch, lambda ps: torch.optim.RMSprop(ps, foreach=False, **settings),
                        kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


ADAGRAD_OPTIONS = [
    dict(lr_decay=d, weight_decay=w, initial_accumulator_value=i, maximize=x)
    for d, w, i, x in itertools.product([0.0, 0.05], [0.0, 0.1], [0.0, 0.5],
                                        [False, True])
]


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["value", "tensor"])
@pytest.mark.parametrize("options", ADAGRAD_OPTIONS, ids=_ids)
def test_adagrad_trajectory_equals_torch(torch: Any, kind: str,
                                         options: dict[str, Any]) -> None:
    settings = dict(lr=0.2, eps=1e-8, **options)
    ours = _run_ours(lambda ps: optim.Adagrad(ps, **settings), kind)
    theirs = _run_torch(torch, lambda ps: torch.optim.Adagrad(ps, foreach=False, **settings),
                        kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["value", "tensor"])
@pytest.mark.parametrize("name", ["RMSprop", "Adagrad"])
def test_defaults_equal_torch(torch: Any, kind: str, name: str) -> None:
    ours = _run_ours(lambda ps: getattr(optim, name)(ps), kind)
    theirs = _run_torch(torch, lambda ps: getattr(torch.optim, name)(ps, foreach=False), kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("name, extra", [
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.2}),
])
def test_parameter_groups_with_their_own_settings_equal_torch(
        torch: Any, name: str, extra: dict[str, Any]) -> None:
    def ours(ps: list[Any]) -> Any:
        return getattr(optim, name)([{"params": ps[:1]},
                                     {"params": ps[1:], "lr": 0.05, **extra}], lr=0.02)

    def theirs(ps: list[Any]) -> Any:
        return getattr(torch.optim, name)([{"params": ps[:1]},
                                           {"params": ps[1:], "lr": 0.05, **extra}],
                                          lr=0.02, foreach=False)

    np.testing.assert_allclose(_run_ours(ours, "tensor"), _run_torch(torch, theirs, "tensor"),
                               rtol=0, atol=1e-10)


def _state_numbers(opt: Any) -> dict[int, dict[str, Any]]:
    return {i: {k: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v).tolist()
                for k, v in s.items()}
            for i, s in opt.state_dict()["state"].items()}


@pytest.mark.torch
@pytest.mark.parametrize("name, settings", [
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True}),
    ("Adagrad", {}), ("Adagrad", {"initial_accumulator_value": 0.3, "lr_decay": 0.1}),
])
def test_state_dict_holds_torchs_names_and_numbers(torch: Any, name: str,
                                                   settings: dict[str, Any]) -> None:
    p = nn.Parameter(np.array([1.0, -2.0]))
    q = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    ours = getattr(optim, name)([p], lr=0.1, **settings)
    theirs = getattr(torch.optim, name)([q], lr=0.1, foreach=False, **settings)
    # Adagrad's state exists from the start, in both (step 0 and the accumulator)
    assert _state_numbers(ours) == _state_numbers(theirs)
    for k in range(3):
        (p * p * (k + 1)).sum().backward()
        (q * q * (k + 1)).sum().backward()
        ours.step()
        theirs.step()
    assert _state_numbers(ours).keys() == _state_numbers(theirs).keys()
    for i, state in _state_numbers(theirs).items():
        assert _state_numbers(ours)[i].keys() == state.keys()
        for key, value in state.items():
            np.testing.assert_allclose(_state_numbers(ours)[i][key], value, rtol=0, atol=1e-12)
    group = {k: v for k, v in ours.state_dict()["param_groups"][0].items()}
    torch_group = theirs.state_dict()["param_groups"][0]
    assert {k: group[k] for k in group} == {k: torch_group[k] for k in group}


def test_adagrad_state_of_a_group_added_later_starts_at_its_first_step() -> None:
    # and, as in PyTorch, from the constructor's initial_accumulator_value, not the group's
    a, b = Value(1.0), Value(2.0)
    opt = optim.Adagrad([a], initial_accumulator_value=0.5)
    assert opt.state[a] == {"step": 0.0, "sum": 0.5}
    opt.add_param_group({"params": [b], "initial_accumulator_value": 3.0})
    assert b not in opt.state
    a.grad, b.grad = 1.0, 2.0
    opt.step()
    assert opt.state[a] == {"step": 1.0, "sum": 1.5}
    assert opt.state[b] == {"step": 1.0, "sum": 4.5}


@pytest.mark.parametrize("make, match", [
    (lambda ps: optim.RMSprop(ps, lr=-0.1), "RMSprop lr: invalid value -0.1; expected a number"),
    (lambda ps: optim.RMSprop(ps, lr=math.nan), "RMSprop lr: invalid value nan"),
    (lambda ps: optim.RMSprop(ps, alpha=-0.5), "RMSprop alpha: invalid value -0.5"),
    (lambda ps: optim.RMSprop(ps, eps=-1e-8), "RMSprop eps"),
    (lambda ps: optim.RMSprop(ps, momentum=-0.9), "RMSprop momentum"),
    (lambda ps: optim.RMSprop(ps, weight_decay=math.nan), "RMSprop weight_decay"),
    (lambda ps: optim.RMSprop([], lr=0.1), "RMSprop: optimizer got an empty parameter list"),
    (lambda ps: optim.Adagrad(ps, lr=-1), "Adagrad lr: invalid value -1"),
    (lambda ps: optim.Adagrad(ps, lr_decay=-0.1), "Adagrad lr_decay"),
    (lambda ps: optim.Adagrad(ps, weight_decay=-0.1), "Adagrad weight_decay"),
    (lambda ps: optim.Adagrad(ps, initial_accumulator_value=-1),
     "Adagrad initial_accumulator_value: invalid value -1; expected a number >= 0"),
    (lambda ps: optim.Adagrad(ps, eps="x"), "Adagrad eps: invalid value 'x'"),
])
def test_bad_settings_raise_naming_the_setting(make, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=match):
        make([Value(1.0)])


@pytest.mark.torch
@pytest.mark.parametrize("name, settings", [
    ("RMSprop", {"lr": -0.1}), ("RMSprop", {"alpha": -0.5}), ("RMSprop", {"eps": -1.0}),
    ("RMSprop", {"momentum": -1.0}), ("RMSprop", {"weight_decay": -1.0}),
    ("Adagrad", {"lr": -0.1}), ("Adagrad", {"lr_decay": -1.0}),
    ("Adagrad", {"weight_decay": -1.0}), ("Adagrad", {"initial_accumulator_value": -1.0}),
    ("Adagrad", {"eps": -1.0}),
])
def test_torch_refuses_the_same_settings(torch: Any, name: str,
                                         settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **settings)
    with pytest.raises(ValueError):
        getattr(optim, name)([Value(1.0)], **settings)
    # and both accept an alpha above 1 (PyTorch checks only alpha >= 0)
    optim.RMSprop([Value(1.0)], alpha=1.5)
    torch.optim.RMSprop([torch.zeros(1, requires_grad=True)], alpha=1.5)


@pytest.mark.parametrize("make", [
    lambda ps: optim.RMSprop(ps, lr=0.1),
    lambda ps: optim.RMSprop(ps, lr=0.1, momentum=0.9, centered=True, weight_decay=0.1),
    lambda ps: optim.Adagrad(ps, lr=0.1),
    lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.1, initial_accumulator_value=0.5),
])
def test_a_bad_gradient_changes_nothing(make) -> None:  # type: ignore[no-untyped-def]
    good, bad = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(3))
    opt = make([good, bad])
    good.grad, bad.grad = Tensor(np.ones(3)), Tensor(np.ones(3))
    opt.step()
    before = (good.data.copy(), bad.data.copy(),
              {id(k): {n: np.copy(v) for n, v in s.items()} for k, s in opt.state.items()})
    # .grad = refuses a wrong shape or dtype (tests/test_tensor_grad.py); the step still
    # checks what reaches it past the assignment (written to the slot here)
    good.grad, bad._grad = Tensor(np.ones(3)), Tensor(np.ones(4))  # would broadcast to (4,)
    with pytest.raises(ValueError, match=r"parameter 1 of group 0.*\(4,\).*\(3,\)"):
        opt.step()
    bad._grad = np.array(["x", "y", "z"])
    with pytest.raises(TypeError, match="dtype"):
        opt.step()
    np.testing.assert_array_equal(good.data, before[0])
    np.testing.assert_array_equal(bad.data, before[1])
    assert {id(k) for k in opt.state} == before[2].keys()
    for key, state in opt.state.items():
        assert state.keys() == before[2][id(key)].keys()
        for name, value in state.items():
            np.testing.assert_array_equal(value, before[2][id(key)][name])


@pytest.mark.torch
@pytest.mark.parametrize("name", ["RMSprop", "Adagrad"])
def test_a_step_writes_into_the_parameters_array(torch: Any, name: str) -> None:
    p = nn.Parameter(np.array([1.0, 2.0]))
    array = p.data
    opt = getattr(optim, name)([p], lr=0.5)
    (p * p).sum().backward()
    opt.step()
    assert p.data is array
    q = torch.nn.Parameter(torch.tensor([1.0, 2.0], dtype=torch.float64))
    t_opt = getattr(torch.optim, name)([q], lr=0.5, foreach=False)
    (q * q).sum().backward()
    t_opt.step()
    np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=0, atol=1e-15)


def test_repr_lists_the_settings() -> None:
    text = repr(optim.RMSprop([Value(1.0)]))
    assert text.startswith("RMSprop (") and "alpha: 0.99" in text and "centered: False" in text
    text = repr(optim.Adagrad([Value(1.0)]))
    assert "lr_decay: 0" in text and "eps: 1e-10" in text
