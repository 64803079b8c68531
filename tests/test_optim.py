"""SGD and Adam against torch.optim (float64, 25 steps, on Values and on Tensor parameters
whose gradients come from a backward pass), schedulers, errors, no half updates."""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, Value, nn, optim

STEPS = 25
START = np.array([[0.5, -1.5], [2.0, 0.25], [-0.75, 1.0]])


def _gradient(p: np.ndarray, k: int) -> np.ndarray:
    """A gradient that depends on where the parameter is, so trajectories can diverge."""
    return np.sin(3 * p) + 0.5 * p - 0.1 * k


def _loss(params: list[Any], k: int) -> Any:
    """The same loss written for either library's tensors: its gradient
    3·(1 - tanh²(3p)) + 0.5·p - 0.1·k also depends on where each parameter is. Its
    backward pass fills the parameters' .grad."""
    return sum(((p * 3).tanh() + 0.25 * p * p - (0.1 * k) * p).sum() for p in params)


def _run_ours(make_opt: Any, kind: str) -> np.ndarray:
    if kind == "value":  # Values, with the gradient set by hand
        params: list[Any] = [Value(x) for x in START.ravel()]
    else:  # Tensor parameters, with the gradient from a backward pass
        params = [nn.Parameter(START), nn.Parameter(-START[:2])]
    opt = make_opt(params)
    trajectory = []
    for k in range(STEPS):
        opt.zero_grad()
        if kind == "value":
            grads = _gradient(np.array([p.data for p in params]), k)
            for p, g in zip(params, grads.tolist()):
                p.grad = g
        else:
            _loss(params, k).backward()
        opt.step()
        trajectory.append(np.concatenate([np.ravel(p.data) for p in params]).tolist())
    return np.array(trajectory)


def _run_torch(torch: Any, make_opt: Any, kind: str) -> np.ndarray:
    if kind == "value":
        params = [torch.tensor(START.ravel(), dtype=torch.float64, requires_grad=True)]
    else:
        params = [torch.nn.Parameter(torch.tensor(START, dtype=torch.float64)),
                  torch.nn.Parameter(torch.tensor(-START[:2], dtype=torch.float64))]
    opt = make_opt(params)
    trajectory = []
    for k in range(STEPS):
        opt.zero_grad()
        if kind == "value":
            for p in params:
                p.grad = torch.from_numpy(_gradient(p.detach().numpy(), k))
        else:
            _loss(params, k).backward()
        opt.step()
        trajectory.append(np.concatenate([p.detach().numpy().ravel() for p in params]).tolist())
    return np.array(trajectory)


SGD_OPTIONS = [
    dict(momentum=m, dampening=d, nesterov=n, weight_decay=w, maximize=x)
    for m, d, n, w, x in itertools.product([0.0, 0.9], [0.0, 0.3], [False, True],
                                           [0.0, 0.05], [False, True])
    if not (n and (m == 0 or d != 0))  # nesterov needs momentum and no dampening
]


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["value", "tensor"])
@pytest.mark.parametrize("options", SGD_OPTIONS, ids=lambda o: "-".join(
    f"{k}={v}" for k, v in o.items()))
def test_sgd_trajectory_equals_torch(torch: Any, kind: str, options: dict[str, Any]) -> None:
    ours = _run_ours(lambda ps: optim.SGD(ps, lr=0.05, **options), kind)
    theirs = _run_torch(torch, lambda ps: torch.optim.SGD(ps, lr=0.05, **options), kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


ADAM_OPTIONS = [
    dict(amsgrad=a, weight_decay=w, maximize=x, decoupled_weight_decay=d)
    for a, w, x, d in itertools.product([False, True], [0.0, 0.1], [False, True],
                                        [False, True])
    if not (d and w == 0)
]


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["value", "tensor"])
@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=lambda o: "-".join(
    f"{k}={v}" for k, v in o.items()))
def test_adam_trajectory_equals_torch(torch: Any, kind: str, options: dict[str, Any]) -> None:
    settings = dict(lr=0.1, betas=(0.8, 0.95), eps=1e-6, **options)
    ours = _run_ours(lambda ps: optim.Adam(ps, **settings), kind)
    theirs = _run_torch(torch, lambda ps: torch.optim.Adam(ps, foreach=False, **settings), kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_adam_defaults_and_adamw_equal_torch(torch: Any, kind: str) -> None:
    ours = _run_ours(lambda ps: optim.Adam(ps), kind)
    theirs = _run_torch(torch, lambda ps: torch.optim.Adam(ps, foreach=False), kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)
    ours = _run_ours(lambda ps: optim.AdamW(ps, lr=0.05), kind)
    theirs = _run_torch(torch, lambda ps: torch.optim.AdamW(ps, lr=0.05, foreach=False), kind)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.torch
def test_parameter_groups_with_their_own_settings_equal_torch(torch: Any) -> None:
    def ours(ps: list[Any]) -> Any:
        return optim.Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01, "amsgrad": True}],
                          lr=0.2)

    def theirs(ps: list[Any]) -> Any:
        return torch.optim.Adam([{"params": ps[:1]},
                                 {"params": ps[1:], "lr": 0.01, "amsgrad": True}],
                                lr=0.2, foreach=False)

    np.testing.assert_allclose(_run_ours(ours, "tensor"), _run_torch(torch, theirs, "tensor"),
                               rtol=0, atol=1e-10)


def test_adam_state_holds_step_and_moments() -> None:
    p = Value(1.0)
    opt = optim.Adam([p], lr=0.1, amsgrad=True)
    p.grad = 2.0
    opt.step()
    state = opt.state[p]
    assert state["step"] == 1.0
    assert state["exp_avg"] == pytest.approx(0.2)
    assert state["exp_avg_sq"] == pytest.approx(0.004)
    assert state["max_exp_avg_sq"] == state["exp_avg_sq"]
    # the first Adam step moves every parameter by about lr, whatever the gradient's size
    assert p.data == pytest.approx(0.9, abs=1e-6)


def test_gradient_recorded_with_create_graph_is_used_as_a_number() -> None:
    p = Value(2.0)
    p.grad = Value(0.5)  # what backward(create_graph=True) leaves behind
    opt = optim.SGD([p], lr=0.1)
    opt.step()
    assert type(p.data) is float and p.data == pytest.approx(1.95)
    opt.zero_grad()
    assert p.grad == 0.0


# ------------------------------------------------------------------ settings checked
@pytest.mark.parametrize("make, match", [
    (lambda ps: optim.SGD(ps, lr=-0.1), "SGD lr: invalid value -0.1"),
    (lambda ps: optim.SGD(ps, lr=math.nan), "SGD lr: invalid value nan"),
    (lambda ps: optim.SGD(ps, lr="fast"), "SGD lr"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-0.5), "SGD momentum"),
    (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1), "SGD weight_decay"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov momentum requires momentum > 0"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "dampening = 0"),
    (lambda ps: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda ps: optim.Adam([], lr=0.1), "empty parameter list"),
    (lambda ps: optim.Adam(ps, lr=-1), "Adam lr"),
    (lambda ps: optim.Adam(ps, lr=math.nan), "Adam lr"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), r"Adam betas\[0\]: invalid value 1.0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), r"Adam betas\[1\]"),
    (lambda ps: optim.Adam(ps, betas=(0.9, math.nan)), r"Adam betas\[1\]"),
    (lambda ps: optim.Adam(ps, betas=0.9), "expected a pair"),
    (lambda ps: optim.Adam(ps, eps=-1e-8), "Adam eps"),
    (lambda ps: optim.Adam(ps, weight_decay=-0.1), "Adam weight_decay"),
    (lambda ps: optim.AdamW(ps, weight_decay=-0.1), "AdamW weight_decay"),
])
def test_bad_settings_raise_naming_the_setting(make, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=match):
        make([Value(1.0)])


def test_params_must_be_parameters() -> None:
    with pytest.raises(TypeError, match="iterable of parameters"):
        optim.Adam(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"needs \.data and \.grad"):
        optim.Adam([1.0])


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1),
                                  lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1)])
def test_a_bad_gradient_changes_nothing(make) -> None:  # type: ignore[no-untyped-def]
    good, bad = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(3))
    opt = make([good, bad])
    good.grad, bad.grad = Tensor(np.ones(3)), Tensor(np.ones(3))
    opt.step()
    before = (good.data.copy(), bad.data.copy(), {id(k): dict(v) for k, v in opt.state.items()})
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
    assert {id(k): dict(v) for k, v in opt.state.items()}.keys() == before[2].keys()
    for key, state in opt.state.items():
        for name, value in state.items():
            np.testing.assert_array_equal(value, before[2][id(key)][name])


@pytest.mark.torch
@pytest.mark.parametrize("name, settings", [("SGD", {}), ("SGD", {"momentum": 0.9}),
                                            ("Adam", {})])
def test_a_step_writes_into_the_parameters_array_as_in_pytorch(
        torch: Any, name: str, settings: dict[str, Any]) -> None:
    # PyTorch's optimizers update parameters in place: the array (the storage) stays the
    # same, and what shares it (the tensor a Parameter was made from) sees the new numbers
    base, torch_base = Tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64)
    p, q = nn.Parameter(base), torch.nn.Parameter(torch_base)
    array, storage = p.data, q.data_ptr()
    for param, lib in ((p, am), (q, torch)):
        opt = getattr(lib.optim, name)([param], lr=0.5, **settings)
        (param * param).sum().backward()
        opt.step()
    assert p.data is array and q.data_ptr() == storage
    np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12)
    assert base.tolist() == p.tolist() and torch_base.tolist() == q.tolist()


def test_plain_sgd_steps_the_same_whatever_the_lr_and_gradient_types() -> None:
    # the usual case (float lr, gradient arrays of the parameter's dtype) is written in
    # place by a short loop; an int lr, a float32 gradient or a Value take the checked one
    # (a float32 gradient of a float64 parameter reaches the step only past .grad =, which
    # refuses it as PyTorch does: written to the slot here)
    def run(lr: Any, grad_dtype: Any) -> list[float]:
        p = nn.Parameter(np.array([1.0, 2.0]))
        opt = optim.SGD([p], lr=lr)
        p._grad = Tensor(np.array([0.5, -0.25], dtype=grad_dtype))
        opt.step()
        assert p.dtype == np.float64
        return p.tolist()

    expected = [1.0 - 0.5, 2.0 + 0.25]
    assert run(1.0, np.float64) == run(1, np.float64) == run(1.0, np.float32) == expected
    v = Value(1.0)
    v.grad = 0.5
    optim.SGD([v], lr=1).step()
    assert v.data == 0.5


@pytest.mark.torch
def test_a_parameter_twice_in_a_group_warns_and_steps_twice_as_in_pytorch(torch: Any) -> None:
    p, q = nn.Parameter(np.ones(2)), torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
    with pytest.warns(UserWarning, match="same parameter more than once"):
        ours = optim.SGD([p, p], lr=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.optim.SGD([q, q], lr=0.5)
    p.grad, q.grad = Tensor(np.ones(2)), torch.ones(2, dtype=torch.float64)
    ours.step()
    theirs.step()
    assert p.tolist() == q.tolist() == [0.0, 0.0]


@pytest.mark.torch
@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": 0.5, "momentum": 0.9}),
    ("SGD", {"lr": 0.5, "weight_decay": 0.1, "nesterov": True, "momentum": 0.5}),
    ("Adam", {"lr": 0.1}),
    ("AdamW", {"lr": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.1, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
])
def test_a_parameter_listed_twice_steps_twice_in_every_loop(torch: Any, name: str,
                                                            kwargs: dict[str, Any]) -> None:
    """The checked loops (momentum, weight decay, the adaptive optimizers) and the short loop
    alike: each appearance updates the parameter and its state, as PyTorch's in-place steps."""
    rng = np.random.default_rng(3)
    start, grads = rng.normal(size=3), [rng.normal(size=3) for _ in range(3)]
    p = nn.Parameter(start.copy())
    q = torch.nn.Parameter(torch.tensor(start))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = getattr(optim, name)([p, p], **kwargs)
        theirs = getattr(torch.optim, name)([q, q], foreach=False, **kwargs)
    for g in grads:
        p.grad, q.grad = Tensor(g), torch.tensor(g)
        ours.step()
        theirs.step()
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_a_value_listed_twice_steps_twice() -> None:
    v = Value(1.0)
    with pytest.warns(UserWarning, match="same parameter more than once"):
        opt = optim.SGD([v, v], lr=0.25)
    v.grad = 1.0
    opt.step()
    assert v.data == 0.5


def test_a_read_only_parameter_array_is_replaced_not_half_written() -> None:
    # a parameter whose array cannot be written (a frozen array given to from_numpy) gets a
    # new array; the others are still updated in place
    frozen = np.ones(3)
    frozen.flags.writeable = False
    for make in (lambda ps: optim.SGD(ps, lr=0.5), lambda ps: optim.Adam(ps, lr=0.5)):
        a, b = nn.Parameter(np.ones(3)), nn.Parameter(am.from_numpy(frozen))
        a_array = a.data
        opt = make([a, b])
        a.grad, b.grad = Tensor(np.ones(3)), Tensor(np.ones(3))
        opt.step()
        assert a.data is a_array and a.data.tolist() == pytest.approx([0.5, 0.5, 0.5])
        assert b.data is not frozen and b.data.tolist() == a.data.tolist()
        assert frozen.tolist() == [1.0, 1.0, 1.0]


def test_a_value_with_a_text_gradient_changes_nothing() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = optim.Adam([a, b])
    a.grad, b.grad = 1.0, "oops"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"parameter 1 of group 0: \.grad must be a number"):
        opt.step()
    assert (a.data, b.data) == (1.0, 2.0) and not opt.state


# ------------------------------------------------------------------ schedulers
def _lr_trajectories(lib: Any, opt_cls: Any, params: list[Any], make_sched: Any,
                     epochs: int = 14) -> list[list[float]]:
    opt = opt_cls([{"params": params[:1]}, {"params": params[1:], "lr": 0.3}], lr=0.1)
    sched = make_sched(lib, opt)
    lrs = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == lrs[-1]
    return lrs


SCHEDULES = {
    "StepLR": lambda lib, o: lib.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda lib, o: lib.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.1),
    "ExponentialLR": lambda lib, o: lib.ExponentialLR(o, gamma=0.9),
    "LambdaLR": lambda lib, o: lib.LambdaLR(o, lambda e: 1.0 - 0.9 * e / 100),
    "LambdaLR per group": lambda lib, o: lib.LambdaLR(o, [lambda e: 0.5**e, lambda e: 1 / (e + 1)]),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", SCHEDULES)
def test_schedulers_give_torchs_learning_rates_exactly(torch: Any, name: str) -> None:
    ours = _lr_trajectories(optim.lr_scheduler, optim.SGD, [Value(1.0), Value(2.0)],
                            SCHEDULES[name])
    theirs = _lr_trajectories(torch.optim.lr_scheduler, torch.optim.SGD,
                              [torch.zeros(1, requires_grad=True),
                               torch.zeros(1, requires_grad=True)], SCHEDULES[name])
    assert ours == theirs  # exactly: the same float operations in the same order


def test_step_lr_closed_form_and_initial_lr() -> None:
    opt = optim.SGD([Value(1.0)], lr=1.0)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] == 1.0
    seen = []
    for _ in range(6):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert sched.state_dict()["last_epoch"] == 6


def test_scheduler_stepped_before_the_optimizer_warns() -> None:
    opt = optim.SGD([Value(1.0)], lr=1.0)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="before optimizer.step"):
        sched.step()
    opt2 = optim.SGD([Value(1.0)], lr=1.0)
    sched2 = optim.lr_scheduler.ExponentialLR(opt2, gamma=0.5)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched2.step()


@pytest.mark.parametrize("make, error, match", [
    (lambda o: optim.lr_scheduler.StepLR(o, step_size=0), ValueError, "step_size"),
    (lambda o: optim.lr_scheduler.StepLR(o, step_size=2, gamma="x"), ValueError, "gamma"),
    (lambda o: optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0] * 2), ValueError,
     "expected 1 lr_lambdas"),
    (lambda o: optim.lr_scheduler.LambdaLR(o, 0.5), TypeError, "function of the epoch"),
    (lambda o: optim.lr_scheduler.MultiStepLR(o, [1.5]), ValueError, "milestones"),
    (lambda o: optim.lr_scheduler.ExponentialLR(object(), 0.5), TypeError, "optimizer"),
    (lambda o: optim.lr_scheduler.ExponentialLR(o, 0.5, last_epoch=3), ValueError,
     "initial_lr"),
])
def test_scheduler_errors(make, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        make(optim.SGD([Value(1.0)], lr=0.1))
