"""Rich display in Jupyter: the HTML of Value, Tensor, nn.Module, explanations, histories.

The plain-text reprs are checked elsewhere (and stay as they were); here, that each rich
form shows the engine's own numbers and loads nothing at ``import autograd_mini``.
"""

from __future__ import annotations

import html
import re

import numpy as np

import autograd_mini as am
from autograd_mini import Tensor, Value, explain, nn
from autograd_mini.cli.demo import build
from autograd_mini.train import History, fit
from autograd_mini.viz.explain import fmt


def cells(text: str) -> list[str]:
    return [html.unescape(re.sub("<[^>]+>", "", c))
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", text)]


def test_a_value_shows_its_data_grad_and_graph() -> None:
    ex = build()
    ex.z.backward()
    html = ex.z._repr_html_()
    assert cells(html)[:6] == ["label", "z", "data", "-10", "grad", "1"]
    assert "<svg" in html and "<?xml" not in html  # the graph, inline
    leaf = Value(2.5)._repr_html_()
    assert "a leaf" in leaf and "<svg" not in leaf
    assert repr(ex.z) == "Value(data=-10.0, grad=1.0, label='z')"


def test_a_big_graph_shows_only_the_card() -> None:
    x = Value(1.0)
    total = x
    for _ in range(40):
        total = total + x
    assert "<svg" not in total._repr_html_()


def test_a_tensor_shows_shape_dtype_summary_and_grad() -> None:
    t = am.from_numpy(np.arange(12, dtype=np.float64).reshape(3, 4))
    t.requires_grad_()
    (t * 2).sum().backward()
    c = cells(t._repr_html_())
    assert c[c.index("shape") + 1] == "(3, 4)" and c[c.index("dtype") + 1] == "float64"
    assert c[c.index("values") + 1] == "min 0, mean 5.5, max 11"
    assert c[c.index("grad") + 1] == "min 2, mean 2, max 2"
    small = cells(Tensor([1.0, float("nan")], label="w")._repr_html_())
    assert small[small.index("values") + 1] == "[ 1., nan]" and small[1] == "w"
    assert small[small.index("grad") + 1] == "None"


def test_a_module_shows_its_layers_and_parameter_counts() -> None:
    model = nn.MLP(2, [16, 16, 1])
    c = cells(model._repr_html_())
    assert c[3:6] == ["0", "Linear(in_features=2, out_features=16, bias=True)", "48"]
    assert c[-2:] == ["total (MLP)", "337"]
    assert repr(model).startswith("MLP(\n  (0): Linear(in_features=2")


def test_an_explanation_shows_the_equation_with_the_same_numbers() -> None:
    ex = build()
    ex.z.backward()
    e = explain(ex.z, ex.w1)
    html = e._repr_html_()
    text = re.sub("<[^>]+>", "", html)
    assert "= 5 · 1 · (-2) = -10" in text and "∂z∂y" in text  # fractions: ∂z over ∂y
    assert str(e) == "dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2) = -10"
    a = Value(2.0, label="a")
    b = a * a
    b.label = "b"
    two = re.sub("<[^>]+>", "", explain(b, a)._repr_html_())
    assert "path 1:" in two and "path 2:" in two and "= 2 + 2 = 4" in two


def test_a_history_shows_a_loss_plot_without_matplotlib() -> None:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = 2 * X[:, 0] + 1
    model = nn.Linear(1, 1)
    opt = am.optim.SGD(model.parameters(), lr=0.05)
    history = fit(model, lambda p, t: nn.functional.mse_loss(p.reshape(-1), t), opt, (X, y),
                  epochs=5, progress=False)
    html = history._repr_html_()
    assert html.count("<svg") == 1 and "<polyline" in html
    c = cells(html)
    assert c[c.index("last epoch's loss") + 1] == fmt(history.epoch_loss[-1])
    assert "no finite loss" in History(loss=[float("nan")])._repr_html_()
