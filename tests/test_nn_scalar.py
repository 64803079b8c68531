"""The n-ary dot rule and the scalar MLP: shape, numbers, gradients, learning, state_dict."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value, grad, no_grad, optim
from autograd_mini.engine import topological_order
from autograd_mini.nn.scalar import (
    MLP,
    Layer,
    Neuron,
    binary_accuracy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)
from autograd_mini.scalar import dot
from autograd_mini.viz.explain import local_derivatives
from benchmarks.common import forward_backward, init_params, moons_problem

from .strategies import reals


# ------------------------------------------------------------------ the dot rule
@given(st.lists(st.tuples(reals(), reals(), st.booleans()), min_size=1, max_size=8), reals())
def test_dot_equals_the_elementary_sum_bit_for_bit(terms, b) -> None:  # type: ignore[no-untyped-def]
    """Same value and same gradients as b + w1*x1 + ..., with inputs Values or numbers."""
    def build(fused: bool) -> tuple[Value, list[Value], list[Value | float], Value]:
        ws = [Value(w) for w, _, _ in terms]
        xs: list[Value | float] = [Value(x) if is_node else x for _, x, is_node in terms]
        bias = Value(b)
        out = dot(ws, xs, bias) if fused else sum((w * x for w, x in zip(ws, xs)), bias)
        return out, ws, xs, bias

    fused, ws1, xs1, b1 = build(True)
    plain, ws2, xs2, b2 = build(False)
    assert fused.data == plain.data
    (fused * fused).backward()  # a non-trivial incoming gradient
    (plain * plain).backward()
    assert [w.grad for w in ws1] == [w.grad for w in ws2]
    assert [x.grad for x in xs1 if isinstance(x, Value)] == \
        [x.grad for x in xs2 if isinstance(x, Value)]
    assert b1.grad == b2.grad


def test_dot_keeps_plain_numbers_out_of_the_graph() -> None:
    w1, w2, b = Value(2.0), Value(-1.0), Value(0.5)
    z = dot([w1, w2], [3, np.float64(4.0)], b)
    assert z.op == "dot"
    assert set(z._a) == {w1, w2, b}  # the inputs 3 and 4 are constants inside the node
    assert z.data == 0.5 + 2.0 * 3 + -1.0 * 4.0
    assert local_derivatives(z) == [(w1, 3.0), (w2, 4.0), (b, 1.0)]
    z.backward()
    assert (w1.grad, w2.grad, b.grad) == (3.0, 4.0, 1.0)


def test_dot_with_the_same_value_twice_sums_both_shares() -> None:
    p = Value(3.0)
    s = dot([p, p], [p, 2.0])  # p*p + p*2, no bias
    assert s.data == 15.0
    s.backward()
    assert p.grad == 2 * 3.0 + 2.0


def test_dot_second_derivatives_with_create_graph() -> None:
    w, x = Value(1.5), Value(-2.0)
    y = dot([w, w], [x, x * x], Value(0.25))  # w·x + w·x² + 0.25
    (dy_dx,) = grad(y, [x], create_graph=True)
    assert dy_dx.data == pytest.approx(1.5 + 1.5 * 2 * -2.0)
    (d2,) = grad(dy_dx, [x])
    assert d2.data == pytest.approx(2 * 1.5)
    (dw,) = grad(dy_dx, [w])
    assert dw.data == pytest.approx(1 + 2 * -2.0)
    # with a data input (a constant inside the node): d/dw (3w + w·w + 1) = 3 + 2w, then 2
    z = dot([w, w], [3.0, w], 1.0)
    (dz,) = grad(z, [w], create_graph=True)
    assert dz.data == 3 + 2 * 1.5
    assert grad(dz, [w])[0].data == 2.0


def test_dot_of_numbers_only_is_a_leaf_and_under_no_grad_records_nothing() -> None:
    assert dot([1.0, 2.0], [3.0, 4.0], 1).is_leaf
    with no_grad():
        assert dot([Value(1.0)], [Value(2.0)]).is_leaf


@pytest.mark.parametrize("ws, xs, error, match", [
    ([Value(1.0)], [1.0, 2.0], ValueError, "1 weights but 2 inputs"),
    ([Value(1.0)], "ab", TypeError, "inputs must be a list or tuple"),
    ([Value(1.0)], ["a"], TypeError, "dot: expected a real number"),
    (np.ones((2, 2)), [1.0], TypeError, "weights must be a list"),
])
def test_dot_errors_name_what_is_wrong(ws, xs, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        dot(ws, xs)


# ------------------------------------------------------------------ the MLP's shape
def test_mlp_has_micrograds_shape_and_337_parameters() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    assert len(model.parameters()) == 337
    assert [(layer.nin, layer.nout, layer.nonlin) for layer in model.layers] == \
        [(2, 16, True), (16, 16, True), (16, 1, False)]
    assert repr(model.layers[0].neurons[0]) == "ReLUNeuron(2)"
    assert "Layer(16 -> 1, linear)" in repr(model)
    assert len({id(p) for p in model.parameters()}) == 337


def test_init_is_micrograds_uniform_weights_and_zero_biases_by_seed() -> None:
    rng = random.Random(1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    expected = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):
            expected += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == expected
    assert [p.data for p in MLP(2, [3], seed=5).parameters()] == \
        [p.data for p in MLP(2, [3], seed=random.Random(5)).parameters()]
    assert [p.data for p in MLP(2, [3]).parameters()] != \
        [p.data for p in MLP(2, [3]).parameters()]


def test_mlp_takes_numbers_values_arrays_and_batches() -> None:
    model = MLP(2, [4, 1], seed=3)
    a = model([0.5, -1.0])
    assert isinstance(a, Value)
    assert model((0.5, -1)).data == a.data
    assert model(np.array([0.5, -1.0])).data == a.data
    assert model([Value(0.5), Value(-1.0)]).data == a.data
    assert model([Value(0.5), -1.0]).data == a.data  # a mix goes through dot() one by one
    batch = model(np.array([[0.5, -1.0], [2.0, 3.0]]))
    assert [s.data for s in batch] == [a.data, model([2.0, 3.0]).data]
    assert [s.data for s in model([[0.5, -1.0], [2.0, 3.0]])] == [s.data for s in batch]
    wide = MLP(2, [3, 2], seed=3)([1.0, 2.0])
    assert isinstance(wide, list) and len(wide) == 2


def test_a_layer_of_one_neuron_feeds_the_next_layer() -> None:
    model = MLP(2, [1, 3, 1], seed=1)
    assert isinstance(model([1.0, 2.0]), Value)
    assert len(model([[1.0, 2.0], [3.0, 4.0]])) == 2


@pytest.mark.parametrize("call, error, match", [
    (lambda m: m([1.0, 2.0, 3.0]), ValueError, "expected 2 inputs, got 3"),
    (lambda m: m("ab"), TypeError, "expected a list of 2 numbers"),
    (lambda m: m(np.zeros((2, 2, 2))), ValueError, "shape"),
    (lambda m: m([1.0, "x"]), TypeError, "expected a real number"),
])
def test_mlp_input_errors(call, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        call(MLP(2, [3, 1], seed=0))


@pytest.mark.parametrize("make, match", [
    (lambda: MLP(2, 16), "nouts must be a non-empty list"),
    (lambda: MLP(2, []), "nouts must be a non-empty list"),
    (lambda: Neuron(0), "nin"),
    (lambda: Layer(2, 0), "nout"),
    (lambda: MLP(2, [3], seed="x"), "seed"),  # type: ignore[arg-type]
])
def test_constructor_errors(make, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValueError, TypeError), match=match):
        make()


# ------------------------------------------------------------------ fused vs elementary
def test_fused_neuron_is_one_node_elementary_is_2n_binary_nodes() -> None:
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    fused = Neuron(3, nonlin=False, seed=4)(xs)
    plain = Neuron(3, nonlin=False, fused=False, seed=4)(xs)
    assert fused.data == plain.data
    inner = [n for n in topological_order([fused]) if not n.is_leaf]
    assert [n.op for n in inner] == ["dot"]
    ops = sorted(n.op for n in topological_order([plain]) if not n.is_leaf)
    assert ops == ["add"] * 3 + ["mul"] * 3


def test_fused_relu_neuron_is_one_node() -> None:
    xs = [Value(1.0), Value(-2.0), Value(3.0)]
    fused = Neuron(3, seed=4)(xs)
    plain = Neuron(3, fused=False, seed=4)(xs)
    assert fused.data == plain.data
    assert [n.op for n in topological_order([fused]) if not n.is_leaf] == ["dot_relu"]
    ops = sorted(n.op for n in topological_order([plain]) if not n.is_leaf)
    assert ops == ["add"] * 3 + ["mul"] * 3 + ["relu"]


def _elementary_hinge(scores: list[Value], targets: list[float]) -> Value:
    """micrograd's demo loss, op by op."""
    losses = [(1 + -y * s).relu() for y, s in zip(targets, scores)]
    return sum(losses) * (1.0 / len(losses))  # type: ignore[no-any-return]


small = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 1))  # zeros and kinks too


@given(st.lists(st.tuples(small, small), min_size=1, max_size=4), small)
def test_dot_relu_equals_dot_then_relu_bit_for_bit(pairs, b) -> None:  # type: ignore[no-untyped-def]
    def build(fused: bool) -> tuple[Value, list[Value]]:
        ws = [Value(w) for w, _ in pairs]
        xs = [Value(x) for _, x in pairs]
        bias = Value(b)
        out = dot(ws, xs, bias, relu=True) if fused else dot(ws, xs, bias).relu()
        return out, [*ws, *xs, bias]

    (f, leaves_f), (p, leaves_p) = build(True), build(False)
    assert f.data == p.data
    (f * f).backward()
    (p * p).backward()
    assert [v.grad for v in leaves_f] == [v.grad for v in leaves_p]
    # second derivatives: the recorded backward passes agree too
    df = grad(f * f, leaves_f[0], create_graph=True)[0]
    dp = grad(p * p, leaves_p[0], create_graph=True)[0]
    assert df.data == dp.data
    second_f = grad(df, leaves_f, allow_unused=True)
    second_p = grad(dp, leaves_p, allow_unused=True)
    assert [None if g is None else g.data for g in second_f] == [
        None if g is None else g.data for g in second_p]


@given(st.lists(st.tuples(small, st.sampled_from([-1.0, 1.0])), min_size=1, max_size=5))
def test_hinge_loss_is_micrograds_formula_bit_for_bit(rows) -> None:  # type: ignore[no-untyped-def]
    targets = [y for _, y in rows]
    scores_f = [Value(s) * 1.5 for s, _ in rows]  # scores with a history, as a model makes
    scores_p = [Value(s) * 1.5 for s, _ in rows]
    fused, plain = hinge_loss(scores_f, targets), _elementary_hinge(scores_p, targets)
    assert fused.op == "hinge_loss"
    assert fused.data == plain.data
    fused.backward()
    plain.backward()
    assert [s.grad for s in scores_f] == [s.grad for s in scores_p]
    # a recorded backward pass (create_graph) gives the same first derivative too
    (gf,) = grad(fused, [scores_f[0]], create_graph=True)
    (gp,) = grad(plain, [scores_p[0]], create_graph=True)
    assert gf.data == gp.data


def test_hinge_loss_of_plain_numbers_names_the_position() -> None:
    with pytest.raises(TypeError, match=r"hinge_loss: the scores must be Values .* float at "
                                        r"position 1"):
        hinge_loss([Value(1.0), 2.0], [1.0, -1.0])


def test_data_inputs_never_become_nodes() -> None:
    model = MLP(2, [4, 4, 1], seed=2)
    out = model([0.3, -0.7])
    leaves = {n for n in topological_order([out]) if n.is_leaf}
    assert leaves == set(model.parameters())


def _moons_loss(model: MLP, X: list[list[float]], Y: list[float]) -> Value:
    return hinge_loss(model(X), Y) + l2_penalty(model.parameters(), 1e-4)


def test_fused_and_elementary_models_give_the_same_loss_and_gradients() -> None:
    X, Y = moons_problem(40, seed=3)
    fused, plain = MLP(2, [8, 8, 1], seed=9), MLP(2, [8, 8, 1], seed=9, fused=False)
    loss_f, loss_p = _moons_loss(fused, X, Y), _moons_loss(plain, X, Y)
    assert loss_f.data == loss_p.data
    loss_f.backward()
    loss_p.backward()
    for a, b in zip(fused.parameters(), plain.parameters()):
        assert a.grad == pytest.approx(b.grad, rel=1e-13, abs=1e-16)


def test_every_path_of_the_walk_gives_the_same_gradients() -> None:
    """The plain pass multiplies a neuron's saved numbers as it adds; detect_anomaly, two
    roots at once and a recorded pass build the shares first. All agree to the last bit."""
    from autograd_mini import detect_anomaly

    X, Y = moons_problem(30, seed=5)

    def gradients(how: str) -> list[float]:
        model = MLP(2, [6, 6, 1], seed=3)
        loss = _moons_loss(model, X, Y)
        ps = model.parameters()
        if how == "plain":
            loss.backward()
            return [p.grad for p in ps]
        if how == "anomaly":
            with detect_anomaly():
                loss.backward()
            return [p.grad for p in ps]
        if how == "two roots":
            return [g.data for g in grad([loss, loss * 0.0], ps)]
        return [g.data for g in grad(loss, ps, create_graph=True)]

    plain = gradients("plain")
    assert any(plain)
    for how in ("anomaly", "two roots", "create_graph"):
        assert gradients(how) == plain, how


def test_gradients_match_the_hand_written_backward_pass() -> None:
    X, Y = moons_problem()
    model = MLP(2, [16, 16, 1], seed=1337)
    loss = _moons_loss(model, X, Y)
    loss.backward()
    ref_loss, ref_acc, ref_grads = forward_backward(init_params(), X, Y)
    assert loss.data == pytest.approx(ref_loss, rel=1e-15)
    assert binary_accuracy(model(X), Y) == ref_acc
    expected = []
    for gW, gb in ref_grads:
        for row, bias in zip(gW, gb):
            expected += [*row, bias]
    assert [p.grad for p in model.parameters()] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_matches_torch_on_a_small_network(torch) -> None:  # type: ignore[no-untyped-def]
    X, Y = moons_problem(30, seed=4)
    model = MLP(2, [5, 1], seed=8)
    loss = _moons_loss(model, X, Y)
    loss.backward()
    sd = {k: torch.tensor(v, requires_grad=True) for k, v in model.state_dict().items()}
    Xt, Yt = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    h = torch.relu(Xt @ sd["layers.0.weight"].T + sd["layers.0.bias"])
    s = (h @ sd["layers.1.weight"].T + sd["layers.1.bias"]).squeeze(1)
    t_loss = torch.relu(1 - Yt * s).mean() + 1e-4 * sum((p * p).sum() for p in sd.values())
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    ours = model.state_dict()
    for name, p in sd.items():
        grads = np.array([v.grad for v in model._arrays()[name][1]]).reshape(ours[name].shape)
        np.testing.assert_allclose(grads, p.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_micrograds_demo_reaches_at_least_97_percent_in_100_epochs() -> None:
    X, Y = moons_problem()
    model = MLP(2, [16, 16, 1], seed=1337)
    opt = optim.SGD(model.parameters(), lr=1.0)
    schedule = optim.lr_scheduler.LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)
    for _ in range(100):
        loss = _moons_loss(model, X, Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    assert binary_accuracy(model(X), Y) >= 0.97


# ------------------------------------------------------------------ losses and metrics
def test_losses_and_accuracy() -> None:
    s = [Value(2.0), Value(-0.5), Value(0.25)]
    loss = hinge_loss(s, np.array([1, 1, -1]))
    assert loss.data == pytest.approx((0 + 1.5 + 1.25) / 3)
    assert mse_loss(s, [1.0, 0.0, 0.0]).data == pytest.approx((1 + 0.25 + 0.0625) / 3)
    assert binary_accuracy(s, [1, 1, -1]) == pytest.approx(1 / 3)
    assert binary_accuracy(s, np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert l2_penalty(s, 0.5).data == pytest.approx(0.5 * (4 + 0.25 + 0.0625))
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        hinge_loss(s, [1, 1])


# ------------------------------------------------------------------ state_dict
def test_state_dict_has_pytorch_linear_names_and_shapes() -> None:
    model = MLP(2, [16, 16, 1], seed=1)
    sd = model.state_dict()
    assert {k: v.shape for k, v in sd.items()} == {
        "layers.0.weight": (16, 2), "layers.0.bias": (16,),
        "layers.1.weight": (16, 16), "layers.1.bias": (16,),
        "layers.2.weight": (1, 16), "layers.2.bias": (1,),
    }
    assert sd["layers.0.weight"][3, 1] == model.layers[0].neurons[3].w[1].data
    sd["layers.0.bias"][:] = 7.0  # a copy: the model does not change
    assert model.layers[0].neurons[0].b.data == 0.0
    assert set(Neuron(3, seed=0).state_dict()) == {"weight", "bias"}


def test_load_state_dict_copies_numbers_into_the_same_values() -> None:
    src, dst = MLP(2, [4, 1], seed=1), MLP(2, [4, 1], seed=2)
    params = dst.parameters()
    dst.load_state_dict(src.state_dict())
    assert dst.parameters() == params  # same objects: an optimizer keeps working
    assert [p.data for p in params] == [p.data for p in src.parameters()]
    assert dst([0.1, 0.2]).data == src([0.1, 0.2]).data


@pytest.mark.parametrize("edit, error, match", [
    (lambda sd: sd.pop("layers.1.bias"), ValueError, "missing key.*layers.1.bias"),
    (lambda sd: sd.update(extra=np.zeros(1)), ValueError, "unexpected key.*extra"),
    (lambda sd: sd.update({"layers.1.weight": np.zeros((1, 3))}), ValueError,
     "size mismatch for 'layers.1.weight'.*\\(1, 3\\).*\\(1, 4\\)"),
    (lambda sd: sd.update({"layers.1.bias": np.array(["a"])}), TypeError, "'layers.1.bias'"),
])
def test_load_state_dict_refuses_bad_dicts_and_loads_nothing(edit, error, match) -> None:  # type: ignore[no-untyped-def]
    model = MLP(2, [4, 1], seed=1)
    before = [p.data for p in model.parameters()]
    sd = MLP(2, [4, 1], seed=2).state_dict()
    edit(sd)
    with pytest.raises(error, match=match):
        model.load_state_dict(sd)
    assert [p.data for p in model.parameters()] == before


def test_load_state_dict_non_strict_reports_what_it_skipped() -> None:
    model = MLP(2, [4, 1], seed=1)
    sd = MLP(2, [4, 1], seed=2).state_dict()
    del sd["layers.0.bias"]
    sd["other"] = np.zeros(2)
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["layers.0.bias"]
    assert result.unexpected_keys == ["other"]
    assert model.state_dict()["layers.0.weight"].tolist() == sd["layers.0.weight"].tolist()
