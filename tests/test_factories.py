"""The factories' call forms against PyTorch: every way torch takes a size (``zeros(2, 3)``,
``zeros((2, 3))``, ``zeros(size=(2, 3))``), the other arguments by name, and ``empty``,
``empty_like``, ``full_like``, ``zeros_like`` and ``ones_like`` with ``dtype=``. A call that
makes numbers without randomness must give PyTorch's numbers, dtype and shape; a random one
(randn, rand) PyTorch's shape and dtype (its numbers: tests/test_sampling.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am

from .conftest import TORCH_REASON

torch = pytest.importorskip("torch", reason=TORCH_REASON)


def _x(m: Any) -> Any:
    return m.tensor([[1.5, -2.0, 3.0]], dtype=m.float64)


def _i(m: Any) -> Any:
    return m.tensor([[1, -2, 3]])


F64 = "dtype=m.float64"
# PyTorch's default dtype is float32 and ours float64, so a float factory names its dtype
EXACT: dict[str, Callable[[Any], Any]] = {
    "zeros(2, 3)": lambda m: m.zeros(2, 3, dtype=m.float64),
    "zeros((2, 3))": lambda m: m.zeros((2, 3), dtype=m.float64),
    "zeros([2, 3])": lambda m: m.zeros([2, 3], dtype=m.float64),
    "zeros(size=(2, 3))": lambda m: m.zeros(size=(2, 3), dtype=m.float64),
    "zeros(size=[2, 3])": lambda m: m.zeros(size=[2, 3], dtype=m.float64),
    "zeros(size=())": lambda m: m.zeros(size=(), dtype=m.float64),
    "zeros(size=[])": lambda m: m.zeros(size=[], dtype=m.float64),
    "zeros(())": lambda m: m.zeros((), dtype=m.float64),
    "full((), 2)": lambda m: m.full((), 2),
    "zeros int64": lambda m: m.zeros(size=(2,), dtype=m.int64),
    "zeros bool": lambda m: m.zeros(2, dtype=m.bool),
    "zeros requires_grad": lambda m: m.zeros(size=(2,), dtype=m.float64, requires_grad=True),
    "zeros device": lambda m: m.zeros(size=(2,), dtype=m.float64, device="cpu"),
    "ones(2, 3)": lambda m: m.ones(2, 3, dtype=m.float64),
    "ones(size=(2, 3))": lambda m: m.ones(size=(2, 3), dtype=m.float64),
    "ones int32": lambda m: m.ones(size=[3], dtype=m.int32),
    "empty(2, 3)": lambda m: m.empty(2, 3, dtype=m.float64).shape,
    "empty(size=(2,))": lambda m: m.empty(size=(2,), dtype=m.int64).dtype,
    "empty requires_grad": lambda m: m.empty(2, dtype=m.float64, requires_grad=True).shape,
    "full((2,), 3)": lambda m: m.full((2,), 3),
    "full(size=, fill_value=)": lambda m: m.full(size=(2, 2), fill_value=True),
    "full dtype": lambda m: m.full((2,), 3, dtype=m.float64),
    "full float": lambda m: m.full((2,), 0.5, dtype=m.float64),
    "zeros_like": lambda m: m.zeros_like(_x(m)),
    "zeros_like(input=)": lambda m: m.zeros_like(input=_x(m)),
    "zeros_like dtype": lambda m: m.zeros_like(_x(m), dtype=m.int64),
    "zeros_like int": lambda m: m.zeros_like(_i(m)),
    "ones_like dtype": lambda m: m.ones_like(_i(m), dtype=m.float64),
    "ones_like bool": lambda m: m.ones_like(_i(m), dtype=m.bool),
    "ones_like requires_grad": lambda m: m.ones_like(_x(m), requires_grad=True),
    "empty_like": lambda m: m.empty_like(_x(m)).shape,
    "empty_like dtype": lambda m: m.empty_like(_x(m), dtype=m.int32).dtype,
    "full_like": lambda m: m.full_like(_x(m), 7),
    "full_like float into int": lambda m: m.full_like(_i(m), 2.7),
    "full_like negative into int": lambda m: m.full_like(_i(m), -2.7),
    "full_like(input=, fill_value=)": lambda m: m.full_like(input=_x(m), fill_value=2.5),
    "full_like dtype": lambda m: m.full_like(_x(m), 7, dtype=m.int64),
    "full_like bool": lambda m: m.full_like(_i(m), 2, dtype=m.bool),
    "full_like requires_grad": lambda m: m.full_like(_x(m), 1.0, requires_grad=True),
    "arange(end=)": lambda m: m.arange(end=5),
    "arange(start=, end=, step=)": lambda m: m.arange(start=1, end=5, step=2),
    "arange(1, end=)": lambda m: m.arange(1, end=5),
    "arange float": lambda m: m.arange(0, 1, 0.25, dtype=m.float64),
    "linspace(start=, end=, steps=)": lambda m: m.linspace(start=0, end=1, steps=5,
                                                           dtype=m.float64),
    "tensor(data=)": lambda m: m.tensor(data=[1, 2]),
    "eye(3)": lambda m: m.eye(3, dtype=m.float64),
    "eye(2, 3)": lambda m: m.eye(2, 3, dtype=m.float64),
    "eye(n=3, m=1)": lambda m: m.eye(n=3, m=1, dtype=m.float64),
    "eye(0)": lambda m: m.eye(0, dtype=m.float64),
    "eye int64": lambda m: m.eye(2, dtype=m.int64),
    "eye bool": lambda m: m.eye(2, dtype=m.bool),
    "eye requires_grad": lambda m: m.eye(2, dtype=m.float64, requires_grad=True, device="cpu"),
    "as_tensor(data=)": lambda m: m.as_tensor(data=[1.5], dtype=m.float64),
}


def _plain(r: Any) -> Any:
    """A result as something == compares: a tensor as (numbers, dtype, requires_grad)."""
    if hasattr(r, "requires_grad"):
        return (r.detach().numpy().tolist(), str(r.dtype).replace("torch.", ""),
                bool(r.requires_grad))
    return tuple(r) if isinstance(r, (tuple, list)) or type(r).__name__ == "Size" else \
        str(r).replace("torch.", "")


@pytest.mark.parametrize("call", list(EXACT))
def test_factory_call_forms_give_torchs_numbers(call: str) -> None:
    assert _plain(EXACT[call](am)) == _plain(EXACT[call](torch))


def _g(m: Any) -> Any:
    return m.Generator().manual_seed(0)


RANDOM: dict[str, Callable[[Any], Any]] = {
    "randn(2, 3)": lambda m: m.randn(2, 3, dtype=m.float64),
    "randn((2, 3))": lambda m: m.randn((2, 3), dtype=m.float64),
    "randn(size=(2, 3))": lambda m: m.randn(size=(2, 3), dtype=m.float64),
    "randn(size=[2, 3])": lambda m: m.randn(size=[2, 3], dtype=m.float64),
    "randn(size=())": lambda m: m.randn(size=(), dtype=m.float64),
    "randn(size=(), requires_grad=True)": lambda m: m.randn(size=(), dtype=m.float64,
                                                           requires_grad=True),
    "randn(2, 3, generator=, dtype=, requires_grad=)": lambda m: m.randn(
        2, 3, generator=_g(m), dtype=m.float64, requires_grad=True),
    "randn(size=, generator=)": lambda m: m.randn(size=(4,), generator=_g(m),
                                                  dtype=m.float32),
    "rand(size=(2, 3))": lambda m: m.rand(size=(2, 3), dtype=m.float64),
    "rand(3, generator=, dtype=float32)": lambda m: m.rand(3, generator=_g(m),
                                                           dtype=m.float32),
    "rand((2,), generator=None)": lambda m: m.rand((2,), generator=None, dtype=m.float64),
    "randn_like": lambda m: m.randn_like(_x(m)),
    "randn_like float32": lambda m: m.randn_like(_x(m).float()),
    "randn_like(int, dtype=float64)": lambda m: m.randn_like(_i(m), dtype=m.float64),
    "randn_like requires_grad": lambda m: m.randn_like(_x(m), requires_grad=True),
    "randn_like generator": lambda m: m.randn_like(_x(m), generator=_g(m)),
    "rand_like": lambda m: m.rand_like(_x(m), device="cpu"),
    "rand_like(input=, dtype=float32)": lambda m: m.rand_like(input=_x(m), dtype=m.float32),
}


@pytest.mark.parametrize("call", list(RANDOM))
def test_random_factory_call_forms_give_torchs_shape_and_dtype(call: str) -> None:
    ours, theirs = RANDOM[call](am), RANDOM[call](torch)
    assert (tuple(ours.shape), str(ours.dtype), ours.requires_grad, ours.is_leaf) == (
        tuple(theirs.shape), str(theirs.dtype).replace("torch.", ""), theirs.requires_grad,
        theirs.is_leaf)


def test_randn_like_draws_what_randn_draws_from_the_same_seed() -> None:
    x = am.zeros(2, 3)
    assert np.array_equal(am.randn_like(x, generator=_g(am)).numpy(),
                          am.randn(2, 3, generator=_g(am)).numpy())
    assert np.array_equal(am.rand_like(x, generator=_g(am)).numpy(),
                          am.rand(2, 3, generator=_g(am)).numpy())


def test_randn_by_name_and_by_position_draw_the_same_numbers() -> None:
    a = am.randn(2, 3, generator=_g(am)).numpy()
    b = am.randn(size=(2, 3), generator=_g(am)).numpy()
    assert np.array_equal(a, b) and a.shape == (2, 3)


BAD: dict[str, str] = {
    "zeros size twice": "m.zeros(2, size=(3,))",
    "zeros size= an int": "m.zeros(size=3)",
    "ones size= a float": "m.ones(size=2.5)",
    "randn size twice": "m.randn(2, size=(3,))",
    "randn size= an int": "m.randn(size=3)",
    "rand size= a str": "m.rand(size='2')",
    "empty size= an int": "m.empty(size=3)",
    "randn generator int": "m.randn(3, generator=3)",
    "rand generator list": "m.rand(3, generator=[1])",
    "zeros no size": "m.zeros()",
    "ones no size": "m.ones(dtype=m.float64)",
    "empty no size": "m.empty()",
    "randn no size": "m.randn()",
    "rand no size": "m.rand(generator=None)",
    "eye negative": "m.eye(-1)",
    "eye m negative": "m.eye(2, -3)",
    "eye float n": "m.eye(2.5)",
    "randn_like of ints": "m.randn_like(m.tensor([1, 2]))",
    "rand_like of bools": "m.rand_like(m.tensor([True]))",
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_sizes_and_generators_raise_torchs_error_class(case: str) -> None:
    def error(m: Any) -> Any:
        try:
            eval(BAD[case], {"m": m})
        except Exception as exc:
            return type(exc)
        return None

    assert error(torch) is not None
    assert error(am) is error(torch)


def test_the_messages_say_what_to_do() -> None:
    with pytest.raises(TypeError, match=r"zeros\(\) got multiple values for argument 'size'"):
        am.zeros(2, size=(3,))
    with pytest.raises(TypeError, match=r"must be a tuple of ints, such as size=\(2, 3\), got"
                                        " int 3"):
        am.randn(size=3)
    with pytest.raises(TypeError, match=r"randn: generator must be an autograd_mini\.Generator"):
        am.randn(3, generator=3)
