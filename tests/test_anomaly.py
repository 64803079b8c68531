"""detect_anomaly: the first op or gradient that turns finite numbers into nan/inf raises."""

from __future__ import annotations

import math
import threading
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import AnomalyError, Tensor, Value, detect_anomaly, no_grad
from autograd_mini.nn import functional as F


def test_forward_log_of_negative_number_names_op_input_and_reason() -> None:
    a = Value(-1.0, label="a")
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        a.log()
    message = str(info.value)
    assert "forward log(a = -1.0) produced nan" in message
    assert "log is defined for x > 0" in message


@pytest.mark.parametrize(
    "make, op",
    [(lambda: Value(1.0, label="x") / Value(0.0, label="zero"), "div"),
     (lambda: Value(1000.0, label="x").exp(), "exp"),
     (lambda: Value(-8.0, label="x") ** (1 / 3), "pow"),
     (lambda: Value(1e200, label="x") * 1e200, "mul")],
)
def test_forward_anomalies(make, op: str) -> None:  # type: ignore[no-untyped-def]
    with detect_anomaly(), pytest.raises(AnomalyError, match=rf"forward {op}\("):
        make()


def test_backward_anomaly_names_the_op_and_the_input() -> None:
    x = Value(0.0, label="x")
    with detect_anomaly():
        y = x**0.5  # sqrt(0) = 0 is fine; its derivative 1/(2 sqrt 0) is not
        y.label = "y"
        expected = r"backward of pow 'y' sent inf to its input 0 \(x = 0.0\)"
        with pytest.raises(AnomalyError, match=expected):
            y.backward()


def test_existing_nan_is_not_blamed_on_the_next_op() -> None:
    nan = Value(math.nan)
    with detect_anomaly():
        out = nan * 2 + 1  # the nan came in from outside: not this op's doing
        out.backward()
    assert math.isnan(out.data)


def test_without_detect_anomaly_nothing_is_raised() -> None:
    assert math.isnan(Value(-1.0).log().data)
    x = Value(0.0)
    (x**0.5).backward()
    assert x.grad == math.inf


def test_detect_anomaly_is_per_thread_and_nests_with_no_grad() -> None:
    errors: list[BaseException] = []

    def other() -> None:
        try:
            Value(-1.0).log()  # not checked in this thread
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    with detect_anomaly():
        t = threading.Thread(target=other)
        t.start()
        t.join()
        with no_grad(), pytest.raises(AnomalyError):
            Value(-1.0).log()  # still checked under no_grad
        with no_grad():
            assert (Value(2.0) * 3).is_leaf
    assert errors == []
    assert not (Value(2.0) * 3).is_leaf
    Value(-1.0).log()


# ------------------------------------------------------------------ Tensors
def _raises(make: Any) -> str:
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        make()
    return str(info.value)


def test_tensor_forward_names_op_shapes_index_and_the_numbers_there() -> None:
    x = Tensor([1.0, -1.0, 2.0], requires_grad=True, label="x")
    message = _raises(lambda: x.log())
    assert message.startswith("detect_anomaly: forward log(x of shape (3,)) produced nan at "
                              "index (1,), where x = -1.0, from finite inputs (log is defined")
    d = Tensor([[1.0, 0.0, 1.0]], label="d")  # broadcast against x
    message = _raises(lambda: x / d)
    assert "forward div(x of shape (3,), d of shape (1, 3)) produced inf at index (0, 1), " \
           "where x = -1.0 and d = 0.0" in message
    assert "division by zero" in message


@pytest.mark.parametrize("make, expected", [
    (lambda: Tensor([1.0, 800.0], requires_grad=True).exp(),
     "forward exp(input 0 of shape (2,)) produced inf at index (1,), where input 0 = 800.0"),
    (lambda: Tensor([4.0, -4.0], requires_grad=True).sqrt(), "sqrt is defined for x >= 0"),
    (lambda: Tensor([-2.0], requires_grad=True).log1p(), "log1p(x) = log(1 + x) is defined"),
    (lambda: Tensor([-1.0, 2.0], requires_grad=True) ** Tensor([0.5, 1.0]),
     "where input 0 = -1.0 and input 1 = 0.5"),
    (lambda: 2.0 ** Tensor([1.0, 2000.0], requires_grad=True), "forward rpow("),
    (lambda: Tensor([1.0], requires_grad=True).var(), "n - correction, which is 0 or less"),
    (lambda: am.zeros(0, requires_grad=True).mean(), "the mean of no elements is 0/0"),
    (lambda: Tensor([1e300], requires_grad=True).float(), "float32 holds numbers up to 3.4e38"),
    (lambda: Tensor([[1e200, 1e200]], requires_grad=True) @ Tensor([[1e200], [1.0]]),
     "forward matmul(input 0 of shape (1, 2), input 1 of shape (2, 1)) produced inf"),
    (lambda: Tensor([1e308, 1e308], requires_grad=True).sum(),
     "forward sum(input 0 of shape (2,))"),
])
def test_tensor_forward_anomalies(make: Any, expected: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's overflow and var's degrees-of-freedom warnings
        assert expected in _raises(make)


def test_data_only_tensors_are_checked_too() -> None:
    # nothing requires grad here, so nothing is recorded, but the first nan still stops
    assert "forward log(constant" not in _raises(lambda: Tensor([-1.0], label="c").log())
    assert "forward log(c of shape (1,)) produced nan" in _raises(
        lambda: Tensor([-1.0], label="c").log())


def test_tensor_backward_names_the_node_its_input_and_the_element() -> None:
    z = Tensor([0.0, 1.0], requires_grad=True, label="z")
    with detect_anomaly():
        y = z**0.5  # sqrt(0) = 0 is fine; its derivative 1/(2 sqrt 0) is not
        y.label = "y"
        with pytest.raises(AnomalyError) as info:
            y.sum().backward()
    message = str(info.value)
    assert message.startswith("detect_anomaly: backward of pow 'y' sent inf to its input 0 "
                              "(z of shape (2,)) at index (0,), where z = 0.0, from finite "
                              "inputs and a finite incoming gradient; inputs were z of shape "
                              "(2,), constant 0.5")
    assert "c·x^(c-1) is infinite at x = 0 when c < 1" in message
    assert z.grad is None


def test_tensor_backward_of_a_loss_names_the_target() -> None:
    p = Tensor([0.0, 0.5], label="p")
    t = Tensor([1.0, 0.5], requires_grad=True, label="t")
    with detect_anomaly():
        loss = F.binary_cross_entropy(p, t)  # log clamped at -100: a finite loss
        assert np.isfinite(loss.item())
        with pytest.raises(AnomalyError, match=r"backward of binary_cross_entropy sent inf to its "
                                               r"input 1 \(t of shape \(2,\)\) at index \(0,\)"):
            loss.backward()


def test_tensor_existing_nan_and_inf_are_not_blamed() -> None:
    x = Tensor([np.nan, 1.0, np.inf], requires_grad=True)
    with detect_anomaly():
        y = (x * 2 + 1).exp().sum()
        y.backward()
    assert np.isnan(y.item())


def test_anomalies_in_a_recorded_backward_pass_are_caught() -> None:
    x = Tensor([0.0, 4.0], requires_grad=True, label="x")
    with detect_anomaly():
        y = x.sqrt()
        y.label = "y"
        with pytest.raises(AnomalyError) as info:  # 1/(2 sqrt x) is recorded as a division
            am.grad(y.sum(), x, create_graph=True)
    assert str(info.value).startswith(
        "detect_anomaly: while recording the backward of sqrt 'y' (create_graph): forward "
        "div(input 0 of shape (2,), input 1 of shape (2,)) produced inf at index (0,), where "
        "input 0 = 1.0 and input 1 = 0.0")
    x = Tensor([1.0, 4.0], requires_grad=True, label="x")
    with detect_anomaly():
        (g,) = am.grad((x**1.5).sum(), x, create_graph=True)  # 1.5 sqrt(x): fine
        np.testing.assert_allclose(g.data, [1.5, 3.0])
        x2 = Tensor([0.0, 4.0], requires_grad=True, label="x")
        (g2,) = am.grad((x2**1.5).sum(), x2, create_graph=True)
        with pytest.raises(AnomalyError, match="backward of pow"):
            g2.sum().backward()  # d/dx 1.5 sqrt(x) = 0.75 / sqrt(x): inf at 0
