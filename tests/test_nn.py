"""nn.Module and its layers: registration, state_dict, modes, and agreement with torch.nn."""

from __future__ import annotations

import copy
import math
import pathlib
import re
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, nn, optim
from autograd_mini.nn import functional as F
from autograd_mini.nn import scalar as scalar_nn
from autograd_mini.train import accuracy, evaluate, fit


class TwoLayer(nn.Module):
    """A hand-written module: a parameter, two sub-modules, a plain attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(3))
        self.hidden = nn.Linear(4, 5)
        self.out = nn.Linear(5, 3)
        self.note = "not registered"

    def forward(self, x: Any) -> Any:
        return self.out(self.hidden(x).relu()) * self.scale


def _params(model: nn.Module) -> dict[str, np.ndarray]:
    return {name: p.data.copy() for name, p in model.named_parameters()}


# ------------------------------------------------------------------ Parameter
def test_parameter_is_a_tensor_leaf_that_requires_grad() -> None:
    t = Tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, nn.Parameter) and isinstance(p, Tensor)
    assert not isinstance(t, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad is None
    assert p.data is t.data  # shares the tensor's array, as torch.nn.Parameter
    assert not nn.Parameter([1.0], requires_grad=False).requires_grad
    assert repr(p) == "Parameter containing:\nTensor([1., 2.], requires_grad=True)"
    # operations treat it as the Tensor it is and give plain Tensors, either side
    x = Tensor([[3.0, 4.0]])
    for out in (p * 2, 2 * p, x @ p, p @ x.T, x + p, p - x, x / p):
        assert type(out) is Tensor
    (x @ p + (p * p).sum()).backward()
    np.testing.assert_array_equal(p.grad, [3.0 + 2.0, 4.0 + 4.0])


def test_gradients_of_gradients_flow_through_parameters() -> None:
    p = nn.Parameter([2.0])
    (g,) = am.grad((p**3).sum(), p, create_graph=True)  # 3p² = 12
    (h,) = am.grad(g.sum(), p)  # 6p = 12
    assert g.item() == 12.0 and h.item() == 12.0


# ------------------------------------------------------------------ registration
def test_attributes_register_parameters_and_modules() -> None:
    model = TwoLayer()
    assert [n for n, _ in model.named_parameters()] == [
        "scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [n for n, _ in model.named_children()] == ["hidden", "out"]
    assert list(model.children()) == [model.hidden, model.out]
    assert list(model.modules()) == [model, model.hidden, model.out]
    assert [n for n, _ in model.named_modules()] == ["", "hidden", "out"]
    assert len(list(model.parameters())) == 5
    assert model.note == "not registered" and "note" not in model.state_dict()
    assert "hidden" in dir(model) and "scale" in dir(model)
    # replacing, removing
    model.out = nn.Linear(5, 2)
    assert model.out.out_features == 2
    model.scale = None
    assert "scale" not in dict(model.named_parameters())
    del model.hidden
    assert [n for n, _ in model.named_children()] == ["out"]
    with pytest.raises(AttributeError, match="'TwoLayer' object has no attribute 'hidden'"):
        model.hidden  # noqa: B018


def test_the_same_names_as_torch_for_the_same_network(torch: Any) -> None:
    ours = nn.Sequential(nn.Linear(4, 5), nn.Tanh(),
                         nn.Sequential(nn.Linear(5, 5), nn.Sigmoid()), nn.Flatten(),
                         nn.Linear(5, 2, bias=False), nn.ReLU(), nn.Identity())
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(),
                                 torch.nn.Sequential(torch.nn.Linear(5, 5), torch.nn.Sigmoid()),
                                 torch.nn.Flatten(), torch.nn.Linear(5, 2, bias=False),
                                 torch.nn.ReLU(), torch.nn.Identity())
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert repr(nn.CrossEntropyLoss()) == repr(torch.nn.CrossEntropyLoss())
    assert repr(nn.MSELoss()) == repr(torch.nn.MSELoss())


def test_shared_parameters_are_listed_once_but_saved_under_each_name() -> None:
    a = nn.Linear(3, 3)
    model = nn.Sequential(a, nn.ReLU(), a)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "2.weight", "2.bias"]


@pytest.mark.parametrize("assign, error, match", [
    (lambda m: setattr(m, "scale", Tensor([1.0, 1.0, 1.0])), TypeError,
     r"cannot assign a Tensor of shape \(3,\) as parameter 'scale' \(nn.Parameter or None "
     r"expected\)"),
    (lambda m: setattr(m, "hidden", np.ones(3)), TypeError,
     "as child module 'hidden' \\(nn.Module or None expected\\)"),
    (lambda m: setattr(m, "layers", [nn.Linear(2, 2), nn.ReLU()]), TypeError,
     "'layers' would be a list of Modules.*nn.ModuleList"),
    (lambda m: setattr(m, "weights", (nn.Parameter([1.0]),)), TypeError,
     "'weights' would be a tuple of Parameters"),
    (lambda m: m.register_parameter("a.b", None), ValueError, "contain no '.'"),
    (lambda m: m.register_parameter("w", Tensor([1.0])), TypeError,
     "nn.Parameter or None expected"),
    (lambda m: m.register_parameter("note", None), KeyError, "attribute 'note' already exists"),
    (lambda m: m.add_module("x", 3), TypeError, "is not a Module"),
])
def test_module_misuse_is_refused(assign: Any, error: type, match: str) -> None:
    model = TwoLayer()
    before = _params(model)
    with pytest.raises(error, match=match):
        assign(model)
    assert _params(model).keys() == before.keys()


def test_forgetting_super_init_is_explained() -> None:
    class Forgot(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"Forgot: cannot assign module 'layer' before "
                                             r"Module.__init__\(\) was called; call "
                                             r"super\(\).__init__\(\) first"):
        Forgot()
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


# ------------------------------------------------------------------ Linear
def test_linear_has_torchs_layout_and_initial_distribution() -> None:
    am.manual_seed(0)
    layer = nn.Linear(400, 300)
    w, b = layer.weight.data, layer.bias.data
    assert w.shape == (300, 400) and b.shape == (300,) and w.dtype == np.float64
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) on fan_in = 400
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.999 * bound  # the whole range is used
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound  # a uniform's std
    assert abs(w.mean()) < 0.01 * bound
    am.manual_seed(0)
    again = nn.Linear(400, 300)
    np.testing.assert_array_equal(again.weight.data, w)  # seeded: reproducible
    assert nn.Linear(3, 2, dtype=np.float32).weight.dtype == np.float32
    assert nn.Linear(3, 2, bias=False).bias is None


def test_linear_init_statistics_match_torch(torch: Any) -> None:
    """The same distribution as torch.nn.Linear's: uniform in ±1/sqrt(fan_in), weight and
    bias alike (enough samples that the range and spread are pinned down)."""
    torch.manual_seed(0)
    am.manual_seed(0)
    for fan_in, fan_out in ((64, 3000), (3, 5000)):
        theirs = torch.nn.Linear(fan_in, fan_out)
        ours = nn.Linear(fan_in, fan_out)
        bound = 1 / math.sqrt(fan_in)
        for mine, other in ((ours.weight.data, theirs.weight), (ours.bias.data, theirs.bias)):
            other = other.detach().double().numpy()
            assert mine.shape == other.shape
            for sample in (mine, other):
                assert 0.995 * bound < np.abs(sample).max() <= bound
                assert sample.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)


@pytest.mark.parametrize("shape", [(7, 4), (4,), (2, 3, 4)])
def test_linear_forward_and_backward_equal_torch(torch: Any, shape: tuple[int, ...]) -> None:
    ours = nn.Linear(4, 3)
    theirs = torch.nn.Linear(4, 3, dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in
                            ours.state_dict().items()})
    x = np.random.default_rng(1).standard_normal(shape)
    out = ours(x)
    t_out = theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-13, atol=1e-15)
    (out * out).sum().backward()
    (t_out * t_out).sum().backward()
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.bias.grad, theirs.bias.grad.numpy(), rtol=1e-12)


def test_linear_names_a_wrong_input() -> None:
    layer = nn.Linear(64, 10)
    with pytest.raises(ValueError, match=r"Linear\(in_features=64, out_features=10, bias=True\): "
                                         r"expected inputs whose last axis has 64 features, "
                                         r"got shape \(32, 63\)"):
        layer(np.ones((32, 63)))
    with pytest.raises(TypeError, match="a Value: use Tensor"):
        layer(am.Value(1.0))
    with pytest.raises(ValueError, match="in_features must be an int >= 0"):
        nn.Linear(2.5, 3)  # type: ignore[arg-type]


# ------------------------------------------------------------------ containers
def test_sequential_indexing_slicing_and_names() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[1], nn.ReLU) and model[-1] is model[2]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [model[0], model[1]]
    x = np.array([[1.0, -2.0]])
    np.testing.assert_array_equal(model(x).data, model[2](model[1](model[0](x))).data)
    named = nn.Sequential({"encode": nn.Linear(2, 3), "act": nn.Tanh()})
    assert list(named.state_dict()) == ["encode.weight", "encode.bias"]
    assert named.append(nn.Linear(3, 1)) is named and list(named.state_dict())[-1] == "2.bias"
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        model[3]
    with pytest.raises(TypeError, match=r"argument 1 is .*, not a Module"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)


def test_module_list_registers_and_renumbers() -> None:
    class Stack(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x: Any) -> Any:
            for layer in self.layers:
                x = layer(x).tanh()
            return x

    model = Stack()
    assert len(list(model.parameters())) == 6
    assert list(model.state_dict())[:2] == ["layers.0.weight", "layers.0.bias"]
    first, last = model.layers[0], model.layers[2]
    del model.layers[1]
    assert len(model.layers) == 2 and list(model.layers) == [first, last]
    assert list(model.state_dict())[2] == "layers.1.weight"
    model.layers.insert(0, nn.Linear(2, 2))
    model.layers.append(nn.Linear(2, 2)).extend([nn.Linear(2, 2)])
    assert len(model.layers) == 5 and model.layers[1] is first
    model.layers[0] = first
    assert model.layers[0] is first
    assert model(np.ones((1, 2))).shape == (1, 2)
    with pytest.raises(TypeError, match="is not a Module"):
        model.layers.append(3)  # type: ignore[arg-type]


def test_mlp_spells_out_a_sequential() -> None:
    am.manual_seed(3)
    model = nn.MLP(64, [128, 10])
    am.manual_seed(3)
    seq = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    assert repr(model) == repr(seq).replace("Sequential(", "MLP(", 1)
    for (n1, p1), (n2, p2) in zip(model.state_dict().items(), seq.state_dict().items()):
        assert n1 == n2
        np.testing.assert_array_equal(p1.data, p2.data)
    tanh = nn.MLP(2, [8, 8, 1], activation=nn.Tanh)
    assert [type(m).__name__ for m in tanh] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert sum(p.numel() for p in tanh.parameters()) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    with pytest.raises(ValueError, match="layer_sizes must be a non-empty list"):
        nn.MLP(64, 10)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="activation must make a Module"):
        nn.MLP(2, [3, 1], activation=F.relu)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a Module class such as nn\.ReLU"):
        nn.MLP(2, [3, 1], activation=nn.ReLU())  # type: ignore[arg-type]


# ------------------------------------------------------------------ state_dict
def test_state_dict_is_a_snapshot_and_loads_into_the_same_parameters() -> None:
    src, dst = nn.MLP(3, [4, 2]), nn.MLP(3, [4, 2])
    sd = src.state_dict()
    assert all(type(v) is Tensor and not v.requires_grad for v in sd.values())
    src[0].weight.data = src[0].weight.data + 1.0  # training later does not change sd
    assert not np.array_equal(sd["0.weight"].data, src[0].weight.data)
    params = list(dst.parameters())
    opt = optim.SGD(dst.parameters(), lr=0.1)
    assert dst.load_state_dict(sd) == nn.IncompatibleKeys([], [])
    assert list(dst.parameters()) == params  # the same objects: the optimizer still holds them
    assert opt.param_groups[0]["params"] == params
    for name, p in dst.named_parameters():
        np.testing.assert_array_equal(p.data, sd[name].data)
        assert p.data is not sd[name].data  # copied in
    assert src.state_dict(keep_vars=True)["0.weight"] is src[0].weight


def test_load_state_dict_keeps_the_parameters_dtype() -> None:
    model = nn.Linear(2, 2, dtype=np.float32)
    model.load_state_dict({"weight": np.ones((2, 2)), "bias": np.arange(2)})
    assert model.weight.dtype == np.float32 and model.bias.dtype == np.float32
    assert model.bias.data.tolist() == [0.0, 1.0]


def _float32_mlp_and_a_state_dict_too_large_at_the_end() -> tuple[nn.Module, dict[str, Any]]:
    model = nn.MLP(3, [4, 2]).float()
    sd: dict[str, Any] = {k: v.data.copy() for k, v in nn.MLP(3, [4, 2]).state_dict().items()}
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    sd["2.bias"] = np.array([0.5, 1e300])  # the last entry: float32 overflows to inf
    return model, sd


def test_load_state_dict_overflow_under_warnings_as_errors_loads_nothing() -> None:
    # issue 18.2: under `pytest -W error` the cast's overflow warning was raised by the write
    # loop, after 0.weight, 0.bias and 2.weight had been overwritten
    model, sd = _float32_mlp_and_a_state_dict_too_large_at_the_end()
    before = _params(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning) as info:
            model.load_state_dict(sd)
    after = _params(model)
    for name in before:  # first: the old code had overwritten the first three
        np.testing.assert_array_equal(after[name], before[name])
        assert after[name].dtype == np.float32
    assert re.search(r"MLP\.load_state_dict: '2\.bias' holds 1e\+300 \(at index \(1,\)\), "
                     r"too large for float32", str(info.value))


def test_load_state_dict_overflow_warns_naming_the_entry_and_loads_inf() -> None:
    model, sd = _float32_mlp_and_a_state_dict_too_large_at_the_end()
    with pytest.warns(RuntimeWarning, match=r"'2\.bias' holds 1e\+300 .*float32.*loaded as inf"):
        model.load_state_dict(sd)  # as NumPy's cast (and torch's copy_, silently) do
    assert model[2].bias.data.tolist() == [0.5, np.inf]
    np.testing.assert_array_equal(model[0].weight.data, sd["0.weight"].astype(np.float32))


@pytest.mark.skipif(np.finfo(np.longdouble).max <= np.finfo(np.float64).max,
                    reason="np.longdouble is float64 here: nothing overflows float64")
def test_scalar_mlp_load_state_dict_overflow_under_warnings_as_errors_loads_nothing() -> None:
    model = scalar_nn.MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    sd: dict[str, Any] = scalar_nn.MLP(2, [3, 1], seed=1).state_dict()
    sd["layers.1.bias"] = np.array([np.longdouble("1e400")])  # the last entry; a Value is a float
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning) as info:
            model.load_state_dict(sd)
    assert [p.data for p in model.parameters()] == before  # the old code had loaded layers.0.*
    assert re.search(r"'layers\.1\.bias' holds 1e\+400 .*float64", str(info.value))


@pytest.mark.parametrize("edit, error, match", [
    (lambda sd: sd.pop("2.bias"), ValueError,
     r"MLP.load_state_dict: the state_dict does not fit this model \(missing key\(s\): "
     r"'2.bias'\); nothing was loaded"),
    (lambda sd: sd.update(extra=np.zeros(1)), ValueError, r"unexpected key\(s\): 'extra'"),
    (lambda sd: sd.update({"2.weight": np.zeros((2, 3))}), ValueError,
     r"size mismatch for '2.weight': the state_dict has shape \(2, 3\), the model has "
     r"\(2, 4\); nothing was loaded"),
    (lambda sd: sd.update({"0.bias": np.array(["a"] * 4)}), TypeError,
     r"'0.bias' holds <U1 data; expected real numbers"),
])
def test_load_state_dict_refuses_bad_dicts_and_loads_nothing(edit: Any, error: type,
                                                             match: str) -> None:
    model = nn.MLP(3, [4, 2])
    before = _params(model)
    sd = {k: v.data.copy() for k, v in nn.MLP(3, [4, 2]).state_dict().items()}
    edit(sd)
    with pytest.raises(error, match=match):
        model.load_state_dict(sd)
    after = _params(model)
    for name in before:  # the keys before the bad one were not loaded either
        np.testing.assert_array_equal(after[name], before[name])


def test_load_state_dict_non_strict_reports_what_it_skipped_but_checks_shapes() -> None:
    model = nn.MLP(3, [4, 2])
    sd = nn.MLP(3, [4, 2]).state_dict()
    del sd["0.bias"]
    sd["other"] = Tensor(np.zeros(2))
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(model[0].weight.data, sd["0.weight"].data)
    sd["2.bias"] = Tensor(np.zeros(5))
    with pytest.raises(ValueError, match=r"size mismatch for .2\.bias."):
        model.load_state_dict(sd, strict=False)


def test_state_dicts_cross_between_the_libraries(torch: Any) -> None:
    ours = nn.MLP(5, [7, 3])
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(),
                                 torch.nn.Linear(7, 3)).double()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in
                            ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 5))
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(), ours(x).data,
                               rtol=1e-13)
    back = nn.MLP(5, [7, 3])
    back.load_state_dict(theirs.state_dict())  # torch tensors are read directly
    back.load_state_dict(dict(theirs.named_parameters()))  # even ones that require grad
    np.testing.assert_array_equal(back(x).data, ours(x).data)


def test_save_and_load_round_trip_exactly(tmp_path: pathlib.Path) -> None:
    model = TwoLayer()
    am.save(model.state_dict(), tmp_path / "two.npz")
    other = TwoLayer()
    other.load_state_dict(am.load(tmp_path / "two.npz"))
    for (n1, p1), (n2, p2) in zip(model.named_parameters(), other.named_parameters()):
        assert n1 == n2
        np.testing.assert_array_equal(p1.data, p2.data)


def test_deepcopy_makes_an_independent_model() -> None:
    model = TwoLayer()
    twin = copy.deepcopy(model)
    assert type(twin.hidden.weight) is nn.Parameter
    assert twin.hidden.weight is not model.hidden.weight
    np.testing.assert_array_equal(twin.hidden.weight.data, model.hidden.weight.data)


# ------------------------------------------------------------------ modes and helpers
def test_train_eval_and_dropout() -> None:
    model = nn.Sequential(nn.Linear(50, 50), nn.Dropout(0.25), nn.Sequential(nn.Dropout()))
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    x = Tensor(np.ones((40, 50)), requires_grad=True)
    drop = model[1]
    assert drop(x) is x  # eval: the identity
    model.train()
    assert all(m.training for m in model.modules())
    am.manual_seed(0)
    y = drop(x)
    kept = y.data != 0
    assert 0.7 < kept.mean() < 0.8  # p = 0.25 of the elements are zeroed
    np.testing.assert_allclose(y.data[kept], 1 / 0.75)  # the rest scaled by 1 / (1 - p)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, kept / 0.75)
    with pytest.raises(ValueError, match="mode must be True or False"):
        model.train("no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_zero_grad_dtype_and_requires_grad() -> None:
    model = nn.MLP(2, [3, 1])
    model(np.ones((4, 2))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(np.array_equal(p.grad, np.zeros_like(p.data)) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.float() is model and all(p.dtype == np.float32 for p in model.parameters())
    assert model(np.ones((1, 2), dtype=np.float32)).dtype == np.float32
    model.double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(ValueError, match="does not require grad"):
        optim.SGD(model.parameters(), lr=0.1)


def test_loss_modules_equal_the_functions() -> None:
    logits = Tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    labels = np.array([1, 2])
    assert nn.CrossEntropyLoss()(logits, labels).item() == F.cross_entropy(logits,
                                                                          labels).item()
    assert nn.CrossEntropyLoss(reduction="sum")(logits, labels).item() == pytest.approx(
        2 * F.cross_entropy(logits, labels).item())
    assert nn.MSELoss()(logits, np.zeros((2, 3))).item() == F.mse_loss(
        logits, np.zeros((2, 3))).item()


# ------------------------------------------------------------------ training
def test_accuracy_reads_every_kind_of_output(torch: Any) -> None:
    logits = Tensor([[2.0, 1.0, 0.0], [0.0, 1.0, 3.0], [0.0, 5.0, 1.0], [1.0, 0.0, 0.0]])
    labels = np.array([0, 2, 1, 1])
    assert accuracy(logits, labels) == 0.75
    assert accuracy(torch.tensor(logits.data, requires_grad=True), torch.tensor(labels)) == 0.75
    assert accuracy(logits, np.eye(3)[labels]) == 0.75  # one-hot targets
    assert accuracy(Tensor([[0.3], [-1.0], [2.0]]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy([am.Value(1.0), am.Value(-2.0)], [1, 1]) == 0.5  # the scalar MLP's
    with pytest.raises(ValueError, match="3 predictions but targets of shape"):
        accuracy(logits[:3], labels)


def test_fit_trains_a_module_to_separate_spirals() -> None:
    X, y = am.data.make_spirals(300, n_classes=3, noise=0.1, seed=0)
    am.manual_seed(0)
    model = nn.MLP(2, [32, 32, 3])
    opt = optim.Adam(model.parameters(), lr=0.01)
    loader = am.data.DataLoader((X, y), batch_size=32, shuffle=True, seed=0)
    history = fit(model, F.cross_entropy, opt, loader, epochs=60,
                  metrics={"accuracy": accuracy}, val_data=(X, y), progress=False)
    assert history.steps == 60 * len(loader)
    assert history.epoch_loss[-1] < 0.3 * history.epoch_loss[0]
    assert history.metrics["accuracy"][-1] > 0.9 and history.val_metrics["accuracy"][-1] > 0.9
    scores = evaluate(model, nn.CrossEntropyLoss(), (X, y), {"accuracy": accuracy})
    assert scores["accuracy"] == history.val_metrics["accuracy"][-1]


def test_as_tensor_and_dtype_names_for_scripts_shared_with_torch() -> None:
    floats, ints = np.array([1.0, 2.0]), np.array([2, 0])
    assert am.as_tensor(floats).data is floats  # shared, as torch.as_tensor
    labels = am.as_tensor(ints)
    assert labels.dtype == am.int64 and labels.tolist() == [2, 0]  # as torch.as_tensor
    t = Tensor([1.0])
    assert am.as_tensor(t) is t and am.as_tensor(t, dtype=am.float32).dtype == am.float32
    logits = Tensor([[0.5, 1.0, -1.0], [2.0, 0.0, 0.1]])
    assert F.cross_entropy(logits, labels).item() == F.cross_entropy(logits, ints).item()
    assert am.as_tensor(ints, dtype=np.int64).data is ints
    with pytest.raises(TypeError, match="dtype int8 is not supported"):
        am.as_tensor(ints, dtype=np.int8)
