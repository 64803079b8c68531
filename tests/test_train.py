"""fit(): the loop, the history, the progress bar, and stopping cleanly on KeyboardInterrupt."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd_mini import data, optim
from autograd_mini.nn.scalar import MLP, binary_accuracy, hinge_loss, l2_penalty, mse_loss
from autograd_mini.train import History, evaluate, fit


def _moons(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    X, y = data.make_moons(n, noise=0.1, seed=1337)
    return X, 2.0 * y - 1


def _setup(momentum: float = 0.9) -> tuple[MLP, Any, optim.SGD]:
    model = MLP(2, [8, 8, 1], seed=1)

    def loss_fn(scores: Any, targets: Any) -> Any:
        return hinge_loss(scores, targets) + l2_penalty(model.parameters(), 1e-4)

    return model, loss_fn, optim.SGD(model.parameters(), lr=0.1, momentum=momentum)


def _numbers(model: MLP) -> list[float]:
    return [p.data for p in model.parameters()]


def test_micrograds_demo_through_fit_learns_two_moons() -> None:
    X, y = data.make_moons(100, noise=0.1, seed=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    opt = optim.SGD(model.parameters(), lr=1.0)
    history = fit(
        model, lambda s, t: hinge_loss(s, t) + l2_penalty(model.parameters(), 1e-4), opt,
        data.DataLoader((X, 2 * y - 1), batch_size=len(X)), epochs=100,
        metrics={"accuracy": binary_accuracy},
        scheduler=optim.lr_scheduler.LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100),
        progress=False,
    )
    assert history.metrics["accuracy"][-1] >= 0.97
    assert binary_accuracy(model(X), 2 * y - 1) >= 0.97
    assert history.epochs == 100 and history.steps == 100 and not history.interrupted
    assert history.lr[:2] == [1.0, 1.0 - 0.9 / 100] and len(history.lr) == 100
    assert history.epoch_loss[-1] < history.epoch_loss[0] / 10


def test_history_records_every_step_and_size_weighted_epoch_means() -> None:
    X, y = _moons(10)
    model, loss_fn, opt = _setup()
    loader = data.DataLoader((X, y), batch_size=4)  # batches of 4, 4 and 2
    seen: list[float] = []
    history = fit(model, loss_fn, opt, loader, epochs=2, progress=False,
                  metrics={"accuracy": binary_accuracy},
                  callback=lambda h: seen.append(h.loss[-1]))
    assert history.steps == 6 and len(history.loss) == 6 and seen == history.loss
    weights = np.array([4, 4, 2]) / 10
    assert history.epoch_loss[0] == pytest.approx(np.dot(history.loss[:3], weights))
    assert history.epoch_loss[1] == pytest.approx(np.dot(history.loss[3:], weights))
    assert len(history.metrics["accuracy"]) == 2


def test_a_pair_of_arrays_means_full_batch_and_val_data_is_evaluated() -> None:
    X, y = _moons(20)
    model, loss_fn, opt = _setup()
    history = fit(model, loss_fn, opt, (X, y), epochs=3, val_data=(X, y),
                  metrics={"accuracy": binary_accuracy}, progress=False)
    assert history.steps == 3
    assert len(history.val_loss) == 3 and len(history.val_metrics["accuracy"]) == 3
    final = evaluate(model, loss_fn, (X, y), {"accuracy": binary_accuracy})
    assert final["loss"] == pytest.approx(history.val_loss[-1])
    assert final["accuracy"] == history.val_metrics["accuracy"][-1]


def test_regression_with_minibatches_and_adam() -> None:
    X, y = data.make_linear_regression(64, 2, noise=0.01, bias=0.5, seed=3)
    model = MLP(2, [1], seed=0)  # a single linear neuron: linear regression
    history = fit(model, mse_loss, optim.Adam(model.parameters(), lr=0.05),
                  data.DataLoader((X, y), batch_size=8, shuffle=True, seed=0), epochs=40,
                  progress=False)
    assert history.epoch_loss[-1] < 1e-3


def test_progress_bar_shows_the_running_loss(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = _moons(10)
    model, loss_fn, opt = _setup()
    fit(model, loss_fn, opt, data.DataLoader((X, y), batch_size=5), epochs=2,
        metrics={"accuracy": binary_accuracy}, desc="moons")
    err = capsys.readouterr().err
    assert "moons" in err and "4/4" in err and "loss=" in err and "accuracy=" in err


def _run(steps: int) -> list[float]:
    """Parameters after ``steps`` uninterrupted steps (stochastic, momentum 0.9)."""
    X, y = _moons(10)
    model, loss_fn, opt = _setup()
    fit(model, loss_fn, opt, [(X[i:i + 1], y[i:i + 1]) for i in range(steps)], epochs=1,
        progress=False)
    return _numbers(model)


def test_keyboard_interrupt_in_a_callback_keeps_the_finished_step(
        capsys: pytest.CaptureFixture[str]) -> None:
    X, y = _moons(10)
    model, loss_fn, opt = _setup()

    def stop_after_four(history: History) -> None:
        if history.steps == 4:
            raise KeyboardInterrupt

    history = fit(model, loss_fn, opt, data.DataLoader((X, y), batch_size=1), epochs=3,
                  callback=stop_after_four, progress=False)
    assert history.interrupted and history.steps == 4 and history.epochs == 0
    assert len(history.loss) == 4 and history.epoch_loss == []
    assert _numbers(model) == _run(4)
    assert "interrupted after 4 steps" in capsys.readouterr().out


def test_keyboard_interrupt_during_the_forward_pass_keeps_the_last_step() -> None:
    X, y = _moons(10)
    model, loss_fn, opt = _setup()
    calls = 0

    def interrupted_loss(scores: Any, targets: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise KeyboardInterrupt
        return loss_fn(scores, targets)

    history = fit(model, interrupted_loss, opt, data.DataLoader((X, y), batch_size=1),
                  epochs=1, progress=False)
    assert history.interrupted and history.steps == 5
    assert _numbers(model) == _run(5)


def test_keyboard_interrupt_inside_optimizer_step_puts_the_step_back() -> None:
    X, y = _moons(10)
    model, loss_fn, _ = _setup()

    class HalfwaySGD(optim.SGD):
        """Writes the first parameter and its momentum, then is interrupted (step 3)."""

        steps = 0

        def step(self) -> None:
            HalfwaySGD.steps += 1
            if HalfwaySGD.steps < 3:
                super().step()
                return
            p = self.param_groups[0]["params"][0]
            p.data -= 123.0
            self.state[p]["momentum_buffer"] = 99.0
            raise KeyboardInterrupt

    opt = HalfwaySGD(model.parameters(), lr=0.1, momentum=0.9)
    history = fit(model, loss_fn, opt, data.DataLoader((X, y), batch_size=1), epochs=1,
                  progress=False)
    assert history.interrupted and history.steps == 2
    assert _numbers(model) == _run(2)
    first = model.parameters()[0]
    assert opt.state[first]["momentum_buffer"] != 99.0
    # training can go on from there as if nothing had happened
    HalfwaySGD.steps = -100
    fit(model, loss_fn, opt, [(X[2:3], y[2:3])], epochs=1, progress=False)
    assert _numbers(model) == _run(3)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(data=iter([(1, 2)])), TypeError, "an iterator is used up"),
    (dict(data=5), TypeError, "data must be a DataLoader"),
    (dict(epochs=-1), ValueError, "epochs must be an int >= 0"),
    (dict(data=[]), ValueError, "no batches"),
    (dict(data=[(1, 2, 3)]), TypeError, "pair \\(inputs, targets\\)"),
    (dict(optimizer=object()), TypeError, "optimizer must have step"),
])
def test_fit_errors(kwargs: dict[str, Any], error: type, match: str) -> None:
    X, y = _moons(4)
    model, loss_fn, opt = _setup()
    args: dict[str, Any] = dict(model=model, loss_fn=loss_fn, optimizer=opt, data=(X, y),
                                epochs=1, progress=False)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        fit(**args)


@pytest.mark.torch
def test_fit_drives_a_torch_model_too(torch: Any) -> None:
    """fit only asks what PyTorch objects also have: a Tensor model drops in the same way."""
    torch.manual_seed(0)
    X, y = data.make_linear_regression(32, 2, noise=0.0, weights=[1.0, -2.0], seed=0)
    model = torch.nn.Linear(2, 1).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)

    def loss_fn(out: Any, target: Any) -> Any:
        return torch.nn.functional.mse_loss(out.squeeze(1), torch.from_numpy(target))

    batches = [(torch.from_numpy(X), y)]
    history = fit(model, loss_fn, opt, batches, epochs=50, progress=False)
    assert history.epoch_loss[-1] < 1e-3 * history.epoch_loss[0]
    # an interrupt inside the torch optimizer's step restores its in-place updates too
    weights = model.weight.detach().clone()
    buffers = {k: v["momentum_buffer"].clone() for k, v in opt.state.items()}

    class Interrupted(torch.optim.SGD):  # type: ignore[misc,name-defined]
        def step(self, closure: Any = None) -> Any:
            super().step(closure)
            raise KeyboardInterrupt

    opt2 = Interrupted(model.parameters(), lr=0.1, momentum=0.5)
    opt2.load_state_dict(opt.state_dict())
    history = fit(model, loss_fn, opt2, batches, epochs=1, progress=False)
    assert history.interrupted and history.steps == 0
    assert torch.equal(model.weight.detach(), weights)
    for p, state in opt2.state.items():
        assert torch.equal(state["momentum_buffer"], buffers[p])
