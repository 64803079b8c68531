"""What a Tensor holds: float64 or float32 (docs/errors.md T6). Float data of another width
is converted (float16 to float32, exactly; np.longdouble to float64), float16 as a dtype of
its own is refused (issue 19 item 5); integers beyond int64 become float64, and a number
too large for float64 is an OverflowError naming it (issue 19 item 3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, nn, optim
from autograd_mini.nn import functional as F

HALF = np.array([[1.5, -2.0], [0.099975586, 65504.0]], dtype=np.float16)
F32 = np.dtype(np.float32)

# every way float16 data enters; each gives float32, the numbers exactly
ENTRIES: dict[str, Callable[[], Any]] = {
    "Tensor": lambda: Tensor(HALF),
    "Tensor of a 0-d array": lambda: Tensor(HALF[0, 0]),
    "as_tensor": lambda: am.as_tensor(HALF),
    "Parameter": lambda: nn.Parameter(HALF),
    "zeros_like": lambda: am.zeros_like(HALF) + Tensor(HALF),
    "ones_like": lambda: am.ones_like(HALF) * Tensor(HALF),
    "where of two arrays": lambda: am.where(np.ones((2, 2), bool), HALF, HALF),
    "maximum of two arrays": lambda: am.maximum(HALF, HALF),
    "float32 tensor * array": lambda: am.ones(2, 2, dtype=np.float32) * HALF,
    "array + float32 tensor": lambda: HALF + am.zeros(2, 2, dtype=np.float32),
}


@pytest.mark.parametrize("make", ENTRIES.values(), ids=list(ENTRIES))
def test_float16_data_becomes_float32(make: Callable[[], Any]) -> None:
    t = make()
    assert t.dtype == F32
    expected = HALF.astype(np.float32)[0, 0] if t.shape == () else HALF.astype(np.float32)
    np.testing.assert_array_equal(t.data, expected)


def test_float16_with_float64_gives_float64() -> None:
    assert (am.ones(2, 2) * HALF).dtype == np.float64
    assert Tensor(np.array([1.0], np.longdouble)).dtype == np.float64


def test_a_float16_model_trains_in_float32() -> None:
    x = Tensor(HALF[:, :1].copy() / 1000, requires_grad=True)
    layer = nn.Linear(1, 3, dtype=np.float32)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    loss = F.cross_entropy(layer(x), np.array([0, 2]))
    loss.backward()
    opt.step()
    assert loss.dtype == x.grad.dtype == F32
    assert all(p.dtype == p.grad.dtype == F32 for p in layer.parameters())
    m = nn.Linear(2, 2)
    m.load_state_dict({k: v.data.astype(np.float16) for k, v in m.state_dict().items()})
    assert all(p.dtype == np.float64 for p in m.parameters())


@pytest.mark.parametrize("make, match", [
    (lambda: Tensor([1.0], dtype=np.float16), "Tensor: dtype float16 is not supported"),
    (lambda: am.zeros(2, dtype="float16"), "zeros: dtype float16 .* Use float32"),
    (lambda: am.ones(2).to(np.float16), "to: dtype float16"),
    (lambda: nn.Linear(2, 2).to(np.float16), "Linear.to: dtype float16"),
    (lambda: nn.Linear(2, 2, dtype=np.float16), "Linear: dtype float16"),
    (lambda: Tensor([1.0], dtype=np.longdouble), "Use float64: Tensor.data. converts"),
    (lambda: am.from_numpy(HALF), "from_numpy: the array has dtype float16.*copy in float32"),
    (lambda: setattr(am.ones(2, 2), "data", HALF), "Tensor.data must be .* float16"),
])
def test_float16_as_a_dtype_is_refused(make: Callable[[], Any], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        make()


# ---- integers beyond int64 (issue 19 item 3)
def test_an_integer_beyond_int64_becomes_float64_as_in_pytorch(torch: Any) -> None:
    for data in ([2**70], [[1, 2**70], [3.5, -2**80]], 2**64):
        t = Tensor(data)
        assert t.dtype == np.float64
        np.testing.assert_array_equal(t.data, torch.tensor(data, dtype=torch.float64).numpy())
    assert Tensor([2**70], dtype=np.float32).tolist() == [float(np.float32(2**70))]


@pytest.mark.parametrize("data", [[10**400], 10**400, [[1.0, 2.0], [3.0, -10**400]]],
                         ids=["list", "number", "nested negative"])
def test_a_number_too_large_for_float64_is_named(data: Any, torch: Any) -> None:
    with pytest.raises(OverflowError, match=r"Tensor: the number -?10+\.\.\.0000 \(an "
                       r"integer of 401 digits\) is too large for float64"):
        Tensor(data)
    with pytest.raises(OverflowError):  # PyTorch's class
        torch.tensor(data, dtype=torch.float64)


def test_the_wording_is_the_values() -> None:
    with pytest.raises(OverflowError) as tensor_error:
        Tensor([10**400])
    with pytest.raises(OverflowError) as value_error:
        am.Value(10**400)
    assert str(tensor_error.value).replace("Tensor", "Value") == str(value_error.value)


def test_what_is_not_a_number_is_still_refused() -> None:
    for data in ([None], [2**70, "x"], [2**70, None], [1j * 2**70]):
        with pytest.raises(TypeError, match="Tensor: expected"):
            Tensor(data)


@pytest.mark.parametrize("make", [
    lambda: am.ones(2) * 10**400,
    lambda: 10**400 + am.ones(2),
    lambda: am.full((2,), 10**400),
    lambda: am.ones(2).clamp(max=-(10**400)),
])
def test_an_int_too_large_for_float64_as_a_constant_is_named(make: Any) -> None:
    with pytest.raises(OverflowError, match=r"^Tensor: the number .* \(an integer of 401 digits\) "
                                            "is too large for float64"):
        make()
