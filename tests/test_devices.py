"""device="cpu", ``to(device)``, linspace, Generator and the dtype names float and double,
against PyTorch 2.13 (float64): the same results, the same error class for a device that is
not there, and linspace's numbers equal to the last bit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.nn import functional as F

pytestmark = pytest.mark.torch

OTHER_DEVICES = ["cuda", "cuda:0", "mps", "xla", "meta"]


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def test_the_dtype_names_are_torchs(torch: Any) -> None:
    assert am.float == am.float32 and am.double == am.float64
    assert am.zeros(2, dtype=am.float).dtype == np.float32
    assert am.ones(2, dtype=am.double).dtype == np.float64
    assert str(torch.float) == "torch.float32" and str(torch.double) == "torch.float64"
    assert "float" not in am.__all__  # `from autograd_mini import *` keeps Python's float


def test_the_device_type_prints_as_torchs(torch: Any) -> None:
    ours, theirs = am.device("cpu"), torch.device("cpu")
    assert repr(ours) == repr(theirs) == "device(type='cpu')"
    assert str(ours) == str(theirs) == "cpu"
    assert ours.type == theirs.type == "cpu" and ours.index is theirs.index is None
    assert am.zeros(2).device == ours == "cpu"
    assert repr(am.zeros(2).device) == repr(torch.zeros(2).device)
    assert am.device(torch.device("cpu")) == ours  # a torch.device, by its str


FACTORIES = [
    ("zeros", lambda lib, d: lib.zeros(2, 3, device=d)),
    ("ones", lambda lib, d: lib.ones((2, 3), device=d)),
    ("full", lambda lib, d: lib.full((2,), 1.5, device=d)),
    ("zeros_like", lambda lib, d: lib.zeros_like(lib.ones(2, dtype=lib.float64), device=d)),
    ("ones_like", lambda lib, d: lib.ones_like(lib.ones(2, dtype=lib.float64), device=d)),
    ("arange", lambda lib, d: lib.arange(0.0, 5.0, 0.5, device=d)),
    ("linspace", lambda lib, d: lib.linspace(-1, 1, 7, dtype=lib.float64, device=d)),
    ("as_tensor", lambda lib, d: lib.as_tensor(np.arange(3.0), device=d)),
    ("rand", lambda lib, d: lib.rand(2, device=d) * 0),
    ("randn", lambda lib, d: lib.randn(2, device=d) * 0),
]


@pytest.mark.parametrize("name,make", FACTORIES, ids=[n for n, _ in FACTORIES])
@pytest.mark.parametrize("cpu", ["cpu", "cpu:0", None, "device"])
def test_every_factory_takes_the_cpu(torch: Any, name: str, make: Any, cpu: Any) -> None:
    theirs = make(torch, torch.device("cpu") if cpu == "device" else cpu)
    ours = make(am, am.device("cpu") if cpu == "device" else cpu)
    np.testing.assert_array_equal(ours.numpy(), theirs.double().numpy())
    assert str(ours.device) == str(theirs.device) == "cpu"


@pytest.mark.parametrize("name,make", FACTORIES, ids=[n for n, _ in FACTORIES])
@pytest.mark.parametrize("other", OTHER_DEVICES)
def test_another_device_is_a_runtime_error_naming_the_op(name: str, make: Any,
                                                         other: str) -> None:
    with pytest.raises(RuntimeError, match=rf"^{name}: device '{other}' is not available: "
                       "autograd_mini computes on the CPU with NumPy"):
        make(am, other)


def test_torchs_error_for_an_absent_device_is_runtime_error_or_its_kin(torch: Any) -> None:
    # What a PyTorch user meets for a device the build lacks: RuntimeError (mps, xla through
    # .to), NotImplementedError (a RuntimeError subclass) from the factories, AssertionError
    # for CUDA in a CPU-only build. autograd_mini raises RuntimeError throughout.
    with pytest.raises(RuntimeError):
        torch.zeros(2).to("mps")
    with pytest.raises(RuntimeError):
        torch.zeros(2, device="xla")
    with pytest.raises(RuntimeError, match="not available"):
        am.zeros(2).to(torch.device("meta"))


@pytest.mark.parametrize("other", OTHER_DEVICES)
def test_tensor_module_generator_and_device_refuse_other_devices(other: str) -> None:
    for make, who in ((lambda: am.Tensor([1.0], device=other), "Tensor"),
                      (lambda: am.zeros(2).to(other), "to"),
                      (lambda: am.zeros(2).to(device=other, dtype=am.float), "to"),
                      (lambda: nn.Linear(2, 2).to(other), "Linear.to"),
                      (lambda: nn.Linear(2, 2, device=other), "Linear"),
                      (lambda: nn.Embedding(3, 2, device=other), "Embedding"),
                      (lambda: nn.LayerNorm(2, device=other), "LayerNorm"),
                      (lambda: am.Generator(device=other), "Generator"),
                      (lambda: am.device(other), "device")):
        with pytest.raises(RuntimeError, match=rf"^{who}: device '{other}' is not available"):
            make()


def test_a_device_that_is_no_name_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="zeros: device must be a str such as 'cpu'"):
        am.zeros(2, device=[1])
    with pytest.raises(RuntimeError, match="device 'cuda:1'"):  # torch reads an int so
        am.zeros(2, device=1)


def test_to_in_each_of_torchs_forms(torch: Any) -> None:
    data = np.arange(4.0).reshape(2, 2)
    for lib in (am, torch):
        t = lib.as_tensor(data, dtype=lib.float64)
        assert t.to("cpu") is t and t.to(device="cpu") is t and t.cpu() is t
        assert t.to(lib.float64) is t and t.to("cpu", lib.float64) is t
        for u in (t.to("cpu", lib.float32), t.to(device="cpu", dtype=lib.float32),
                  t.to(lib.float32), t.to(dtype=lib.float32), t.to(lib.ones(1, dtype=lib.float32)),
                  t.float()):
            assert str(u.dtype).endswith("float32")
            np.testing.assert_array_equal(u.numpy(), data.astype(np.float32))
        c = t.to("cpu", copy=True)
        assert c is not t and np.array_equal(c.numpy(), data)


def test_to_keeps_the_graph(torch: Any) -> None:
    x = am.Tensor([1.0, 2.0], requires_grad=True)
    (x.to("cpu", am.float) * 3).sum().backward()
    xt = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (xt.to("cpu", torch.float) * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, xt.grad.numpy())


def test_modules_move_to_the_cpu(torch: Any) -> None:
    for lib in (am, torch):
        m = lib.nn.Sequential(lib.nn.Linear(3, 2, device="cpu", dtype=lib.float64),
                              lib.nn.LayerNorm(2, device="cpu", dtype=lib.float64))
        assert m.to("cpu") is m and m.cpu() is m and m.to(device="cpu") is m
        assert m[0].weight.dtype == lib.float64
        m.to("cpu", lib.float32)
        assert m[0].weight.dtype == lib.float32 and m[1].bias.dtype == lib.float32
        m.to(dtype=lib.float64)
        assert m[0].weight.dtype == lib.float64
        assert str(m[0].weight.device) == "cpu"


# ---- linspace
def _linspace_cases() -> list[tuple[float, float, int]]:
    rng = np.random.default_rng(0)
    cases = [(float(a), float(b), int(n)) for a, b, n in zip(
        rng.normal(0, 10.0 ** rng.integers(-3, 6, 1500)), rng.normal(0, 10.0 ** rng.integers(
            -3, 6, 1500)), rng.integers(0, 300, 1500))]
    cases += [(0, 1, n) for n in range(200)] + [(-1, 1, n) for n in range(200)]
    cases += [(3, -7.5, n) for n in range(100)] + [(0.1, 0.7, n) for n in range(100)]
    return [*cases, (0, 0, 5), (5, 5, 7), (0, 1, 100_000), (-3.3, 1e4, 12_345), (1e30, -1e30, 11)]


def test_linspace_equals_torchs_to_the_last_bit(torch: Any) -> None:
    cases = _linspace_cases()
    for dt, tdt in ((am.float64, torch.float64), (am.float32, torch.float32)):
        differ = [(a, b, n) for a, b, n in cases
                  if not np.array_equal(am.linspace(a, b, n, dtype=dt).numpy(),
                                        torch.linspace(a, b, n, dtype=tdt).numpy())]
        assert not differ, f"{len(differ)} of {len(cases)} differ in {dt}, e.g. {differ[:3]}"
    assert am.linspace(0, 1, 5).dtype == np.float64  # torch's default float32 aside


def test_linspace_arguments_and_gradients(torch: Any) -> None:
    t = am.linspace(0, 2, 3, requires_grad=True)
    assert t.is_leaf and t.requires_grad
    (t * t).sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 2.0, 4.0])
    assert am.linspace(2, 3, 0).shape == (0,) and am.linspace(2, 3, 1).tolist() == [2.0]
    for bad, cls, match in ((lambda: am.linspace(0, 1, -1), RuntimeError,
                             "linspace: number of steps must be non-negative"),
                            (lambda: am.linspace(0, 1, 2.5), TypeError, "steps must be an int"),
                            (lambda: am.linspace("a", 1, 2), TypeError, "start must be a number"),
                            (lambda: am.linspace(0, 1e300, 3, dtype=am.float32), RuntimeError,
                             "cannot be converted to float32")):
        with pytest.raises(cls, match=match):
            bad()
    with pytest.raises(RuntimeError, match="non-negative"):
        torch.linspace(0, 1, -1)


# ---- Generator
def test_generator_methods_as_torchs(torch: Any) -> None:
    for lib in (am, torch):
        g = lib.Generator()
        assert g.initial_seed() == 67280421310721  # PyTorch's default seed
        assert g.manual_seed(5) is g and g.initial_seed() == 5
        s = g.seed()
        assert isinstance(s, int) and g.initial_seed() == s
        a = lib.randn(4, generator=g.manual_seed(7), dtype=lib.float64)
        b = lib.randn(4, generator=lib.Generator().manual_seed(7), dtype=lib.float64)
        assert lib.equal(a, b) if lib is torch else np.array_equal(a.numpy(), b.numpy())
        assert str(g.device) == "cpu"
    assert am.Generator().manual_seed(-1).initial_seed() == torch.Generator().manual_seed(
        -1).initial_seed()


def test_generator_is_numpys_stream_and_numpy_generators_still_work() -> None:
    g = am.Generator().manual_seed(3)
    assert isinstance(g, np.random.Generator)
    np.testing.assert_array_equal(am.rand(5, generator=g).numpy(),
                                  np.random.default_rng(3).random(5))
    np.testing.assert_array_equal(am.randn(5, generator=np.random.default_rng(3)).numpy(),
                                  np.random.default_rng(3).standard_normal(5))
    x = am.ones(1000)
    m1 = F.dropout(x, 0.3, generator=am.Generator().manual_seed(1)).numpy()
    m2 = F.dropout(x, 0.3, generator=np.random.default_rng(1)).numpy()
    np.testing.assert_array_equal(m1, m2)


def test_manual_seed_returns_the_default_generator(torch: Any) -> None:
    g = am.manual_seed(11)
    assert isinstance(g, am.Generator) and isinstance(g, np.random.Generator)
    assert am.manual_seed(12) is g and g.initial_seed() == 12  # one default, as torch's
    assert torch.manual_seed(12) is torch.manual_seed(13)
    a = am.randn(3).numpy()
    am.manual_seed(12)
    np.testing.assert_array_equal(am.randn(3).numpy(), a)
    np.testing.assert_array_equal(a, np.random.default_rng(12).standard_normal(3))
    assert g.normal(size=2).shape == (2,)  # still a NumPy generator, as manual_seed gave


def test_seeded_draws_follow_torchs_distributions_not_its_numbers(torch: Any) -> None:
    n = 200_000
    ours = am.randn(n, generator=am.Generator().manual_seed(0)).numpy()
    theirs = torch.randn(n, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert not np.array_equal(ours[:10], theirs.numpy()[:10])  # documented: not bit for bit
    edges = np.array([-np.inf, -2, -1, -0.5, 0, 0.5, 1, 2, np.inf])
    for sample in (ours, theirs.numpy()):
        counts = np.histogram(sample, edges)[0]
        cdf = np.array([0.02275013, 0.15865525, 0.30853754, 0.5, 0.69146246, 0.84134475,
                        0.97724987, 1.0])
        expected = np.diff(np.concatenate([[0.0], cdf])) * n
        chi2 = float(((counts - expected) ** 2 / expected).sum())
        assert chi2 < 24.3, chi2  # 7 degrees of freedom, p = 0.001
