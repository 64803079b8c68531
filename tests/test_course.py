"""The course's worked examples, computed by the engine, and the demo that walks them."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value, optim
from autograd_mini.cli.demo import SLIDE_PREDICTION, SLIDE_W, TARGET, build, descend, lines, predict
from autograd_mini.cli.main import main
from autograd_mini.viz.explain import explain

from .strategies import central_difference, reals


# ----------------------------------------------------------------- (a) the three-weight graph
def test_example_a_forward_and_backward() -> None:
    ex = build()
    assert (ex.g.data, ex.y.data, ex.z.data) == (-6.0, -2.0, -10.0)
    ex.z.backward()
    assert (ex.w1.grad, ex.w2.grad, ex.w3.grad) == (-10.0, 5.0, -2.0)
    # dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2)
    assert str(explain(ex.z, ex.w1)) == "dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2) = -10"
    assert str(explain(ex.z, ex.w2)) == "dz/dw2 = dz/dy · dy/dw2 = 5 · 1 = 5"
    assert str(explain(ex.z, ex.w3)) == "dz/dw3 = -2"


def test_example_a_one_sgd_step_gives_the_exact_weights_not_the_slides() -> None:
    ex = build()
    loss = TARGET - ex.z
    assert loss.data == 20.0
    opt = optim.SGD([ex.w1, ex.w2, ex.w3], lr=0.01)
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert (ex.w1.data, ex.w2.data, ex.w3.data) == (2.9, 4.05, 4.98)
    assert predict(ex.w1.data, ex.w2.data, ex.w3.data) == pytest.approx(-8.715, abs=1e-12)
    # The slide's weights (2.9, 4.1, 4.9) are a slip; its -8.33 is what they predict.
    assert (ex.w1.data, ex.w2.data, ex.w3.data) != SLIDE_W
    assert predict(*SLIDE_W) == pytest.approx(SLIDE_PREDICTION, abs=1e-12)


def test_example_a_descent_on_squared_error_reaches_the_target() -> None:
    ex = build()
    history = descend(ex)
    _, z, loss = history[-1]
    assert abs(TARGET - z) < 0.01
    assert loss == pytest.approx((TARGET - z) ** 2)
    assert all(later[2] <= earlier[2] for earlier, later in pairwise(history))
    assert predict(ex.w1.data, ex.w2.data, ex.w3.data) == pytest.approx(z)


def test_slide_loss_has_no_minimum() -> None:
    # Descending target - z never stops: z passes the target and keeps growing.
    ex = build()
    opt = optim.SGD([ex.w1, ex.w2, ex.w3], lr=0.01)
    zs = []
    for _ in range(200):
        z = (ex.w2 + -2 * ex.w1) * ex.w3
        zs.append(z.data)
        opt.zero_grad()
        (TARGET - z).backward()
        opt.step()
    assert zs[-1] > TARGET + 10
    assert all(b > a for a, b in pairwise(zs))


# ----------------------------------------------------------------- (b) one weight
def test_example_b_one_weight() -> None:
    w = Value(2.0, label="w")
    prediction = 3 * w
    error = prediction - 10
    assert (prediction.data, error.data) == (6.0, -4.0)
    (error**2).backward()
    assert w.grad == 2 * error.data * 3 == -24.0  # slope of error² = 2·error·input
    optim.SGD([w], lr=0.01).step()
    assert w.data == pytest.approx(2.24, abs=1e-15)


# ----------------------------------------------------------------- (c) two weights
def test_example_c_two_weights() -> None:
    w = [Value(1.0, label="w1"), Value(2.0, label="w2")]
    x = [3.0, 4.0]
    prediction = w[0] * x[0] + w[1] * x[1]
    error = prediction - 6
    assert (prediction.data, error.data) == (11.0, 5.0)
    (error**2).backward()
    assert [p.grad for p in w] == [30.0, 40.0]  # 2·error·inputs
    optim.SGD(w, lr=0.01).step()
    assert [p.data for p in w] == pytest.approx([0.7, 1.6], abs=1e-15)
    new_error = w[0].data * x[0] + w[1].data * x[1] - 6
    assert new_error == pytest.approx(2.5, abs=1e-12)


# ----------------------------------------------------------------- (d) derivative rules
RULES = {
    # name: (f built from Values, closed-form derivative)
    "constant": (lambda x: x * 0 + 7.0, lambda x: 0.0),
    "constant multiple": (lambda x: 4.0 * x, lambda x: 4.0),
    "sum": (lambda x: x**2 + x**3, lambda x: 2 * x + 3 * x**2),
    "difference": (lambda x: x**3 - x**2, lambda x: 3 * x**2 - 2 * x),
    "product": (lambda x: (x**2) * (x + 1), lambda x: 2 * x * (x + 1) + x**2),
    "quotient": (lambda x: (x + 1) / (x**2 + 1),
                 lambda x: ((x**2 + 1) - (x + 1) * 2 * x) / (x**2 + 1) ** 2),
    "power": (lambda x: x**5, lambda x: 5 * x**4),
    "chain": (lambda x: (3 * x + 1) ** 2, lambda x: 2 * (3 * x + 1) * 3),
}


@pytest.mark.parametrize("name", list(RULES))
def test_example_d_derivative_rules(name: str) -> None:
    f, closed = RULES[name]

    @given(reals(-3, 3))
    def check(x: float) -> None:
        v = Value(x)
        f(v).backward()
        assert v.grad == pytest.approx(closed(x), rel=1e-12, abs=1e-12)
        numeric = central_difference(lambda t: f(Value(t)).data, [x], 0)
        assert v.grad == pytest.approx(numeric, rel=1e-6, abs=1e-6)

    check()


def test_chain_rule_with_exp_and_log() -> None:
    @given(st.floats(0.1, 5))
    def check(x: float) -> None:
        v = Value(x)
        (v * v + 1).log().exp().backward()  # exp(log(u)) = u, so d/dx = 2x
        assert v.grad == pytest.approx(2 * x, rel=1e-12)

    check()


# ----------------------------------------------------------------- the demo
def test_demo_walks_the_example_with_exact_and_slide_figures() -> None:
    text = "\n".join(lines())
    for expected in [
        "g = -2·w1 = -2·3 = -6",
        "z = y·w3 = (-2)·5 = -10",
        "dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2) = -10",
        "loss = target - z = 10 - (-10) = 20",
        "w1 = 3 - 0.01·10 = 2.9",
        "w2 = 4 - 0.01·(-5) = 4.05",
        "w3 = 5 - 0.01·2 = 4.98",
        "= -8.715",
        "w2 = 4.1, w3 = 4.9 and a new prediction of -8.33",
        "no minimum",
        "Within 0.01 of the target after",
    ]:
        assert expected in text


def test_demo_step_count_is_the_one_computed() -> None:
    history = descend(build())
    assert f"after {history[-1][0]} steps" in "\n".join(lines())


def test_cli_demo_entry_points(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo draws ./worked_example.svg
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "dz/dw1 = dz/dy · dy/dg · dg/dw1" in out
    assert out.rstrip().endswith("is drawn in worked_example.svg")
    assert (tmp_path / "worked_example.svg").is_file()
    assert main([]) == 2
    # A terminal that cannot show '·' gets escapes, not a UnicodeEncodeError; and with no
    # PATH at all the drawing still works (graphviz-pure is found next to Python).
    (tmp_path / "sub").mkdir()
    result = subprocess.run([sys.executable, "-m", "autograd_mini", "demo"], capture_output=True,
                            text=True, check=True, env={"PYTHONIOENCODING": "ascii"},
                            cwd=tmp_path / "sub")
    assert "dz/dw1 = dz/dy \\xb7 dy/dg" in result.stdout
    assert (tmp_path / "sub" / "worked_example.svg").is_file()


def test_cli_demo_svg_options(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "pictures" / "example.svg"
    target.parent.mkdir()
    assert main(["demo", "--svg", str(target)]) == 0
    assert f"is drawn in {target}" in capsys.readouterr().out
    svg = ET.parse(target).getroot()
    # (Graphviz writes a run of spaces as space + no-break space)
    texts = {"".join(t.itertext()).replace("\xa0", " ")
             for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    # drawn right after the first backward pass: the gradients of step 2, not later ones
    assert {"grad -10", "∂g/∂w1 = -2", "∂z/∂y = 5", "g = -2·w1,  y = w2 + g,  z = y·w3"} <= texts
    assert main(["demo", "--no-svg"]) == 0
    assert "drawn in" not in capsys.readouterr().out
    assert not (tmp_path / "worked_example.svg").exists()
    assert main(["demo", "--svg", str(tmp_path / "missing" / "x.svg")]) == 0
    assert "Could not draw the graph in" in capsys.readouterr().out
