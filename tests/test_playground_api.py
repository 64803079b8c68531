"""The playground's server without a browser: its JSON API, its refusals and its trainer."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from autograd_mini import Value
from autograd_mini.cli.demo import SLIDE_PREDICTION, SLIDE_W
from autograd_mini.playground import IFrame, start
from autograd_mini.playground.server import MAX_BODY

COURSE = {"expression": "(w2 + -2*w1)*w3", "at": ["w1=3", "w2=4", "w3=5"]}


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    playground = start()
    yield playground
    playground.stop()


def request(server: Any, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server.port, timeout=30)
    data = body if isinstance(body, bytes) else (None if body is None else
                                                 json.dumps(body).encode())
    sent = {"Content-Type": "application/json"} if data is not None else {}
    sent.update(headers or {})
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(raw) if kind.startswith("application/json") else raw)


def post(server: Any, path: str, body: Any) -> tuple[int, Any]:
    return request(server, "POST", path, body)


def cli_error(expression: str, *at: str) -> str:
    """What ``autograd-mini grad`` prints for bad input, without its 'autograd-mini grad: '."""
    out = subprocess.run([sys.executable, "-m", "autograd_mini", "grad", expression, "--at", *at],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 2
    return out.stderr.strip().removeprefix("autograd-mini grad: ")


def test_the_page_and_its_files_are_served_from_the_package(server: Any) -> None:
    status, page = request(server, "GET", "/")
    assert status == 200 and b"autograd_mini playground" in page
    assert b"http" not in page.replace(b"http-equiv", b"")  # nothing from the internet
    for path in ("/app.js", "/app.css"):
        status, body = request(server, "GET", path)
        assert status == 200 and body
    assert request(server, "GET", "/../pyproject.toml")[0] == 404
    assert request(server, "GET", "/favicon.ico")[0] == 204


def test_the_graph_is_the_engines(server: Any) -> None:
    status, g = post(server, "/api/graph", COURSE)
    assert status == 200
    w1, w2, w3 = Value(3.0), Value(4.0), Value(5.0)
    z = (w2 + -2 * w1) * w3
    z.backward()
    assert g["root"] == {"name": "z", "data": z.data, "text": "-10"}
    assert {r["name"]: r["grad"] for r in g["grads"]} == {"w1": w1.grad, "w2": w2.grad,
                                                         "w3": w3.grad}
    assert g["svg"].startswith("<svg") and "∂t1/∂w1 = &#45;2" in g["svg"]
    assert g["explain"]["w1"] == "dz/dw1 = dz/dt2 · dt2/dt1 · dt1/dw1 = 5 · 1 · (-2) = -10"
    assert post(server, "/api/parse", {"expression": "x*y + x"})[1]["names"] == ["x", "y"]


def test_named_steps_give_the_courses_graph(server: Any) -> None:
    from autograd_mini import backprop_steps, explain
    from autograd_mini.cli.demo import build

    course = {"expression": "g = -2*w1; y = w2 + g; z = y*w3", "at": ["w1=3", "w2=4", "w3=5"]}
    _, g = post(server, "/api/graph", course)
    ex = build()
    ex.z.backward()
    assert g["names"] == ["w1", "w2", "w3"] and g["where"] == []
    assert g["explain"]["w1"] == str(explain(ex.z, ex.w1)) == (
        "dz/dw1 = dz/dy · dy/dg · dg/dw1 = 5 · 1 · (-2) = -10")
    assert "∂g/∂w1 = &#45;2" in g["svg"] and "∂z/∂y = 5" in g["svg"]
    _, frames = post(server, "/api/steps", course)
    assert [f["lines"] for f in frames["frames"]] == [s.lines() for s in backprop_steps(
        build().z)]


@pytest.mark.parametrize(("expression", "message"), [
    ("g = -2*w1; w2 + g; z = g", "step 2 (w2 + g): only the last step may be left without"),
    ("g = 1; g = 2", "step 2 (g = 2): g is defined twice"),
    ("y = x + g; g = 2", "g is used as a variable before this step defines it"),
    ("exp = 2*x", "exp cannot be a name"),
    ("g = (x + ; z = g", "step 1 (g = (x +): cannot read the expression at column 1"),
    (" ; ", "the expression is empty"),
])
def test_bad_steps_say_which_step(server: Any, expression: str, message: str) -> None:
    status, answer = post(server, "/api/graph", {"expression": expression, "at": ["x=1"]})
    assert status == 400 and message in answer["error"]


def test_nan_and_inf_travel_as_text(server: Any) -> None:
    status, g = post(server, "/api/graph", {"expression": "log(x)", "at": ["x=-1"]})
    assert status == 200 and g["root"]["data"] == "nan" and g["root"]["text"] == "nan"


@pytest.mark.parametrize(("expression", "at"), [
    ("(w2 + ", ["w2=1"]),
    ("foo(x)", ["x=1"]),
    ("__import__('os')", []),
    ("x.real", ["x=1"]),
    ("1" + "0" * 400 + " * x", ["x=1"]),
    ("x + y", ["x=1"]),
    ("x", ["x=abc"]),
    ("x", ["y=1"]),
])
def test_bad_input_gets_the_clis_message_and_the_server_keeps_serving(
        server: Any, expression: str, at: list[str]) -> None:
    status, answer = post(server, "/api/graph", {"expression": expression, "at": at})
    assert status == 400
    assert answer["error"] == cli_error(expression, *at) if at else answer["error"]
    assert post(server, "/api/graph", COURSE)[0] == 200


def test_limits_on_sizes_and_values(server: Any) -> None:
    status, answer = post(server, "/api/graph", {"expression": "x+" * 300 + "x", "at": ["x=1"]})
    assert status == 400 and "at most 500 are accepted in the playground" in answer["error"]
    many = " + ".join(f"v{i}" for i in range(13))
    status, answer = post(server, "/api/parse", {"expression": many})
    assert status == 400 and "13 variables; the playground takes at most 12" in answer["error"]
    status, answer = post(server, "/api/graph", {"expression": "x", "at": ["x=1e300"]})
    assert status == 400 and "out of range" in answer["error"]
    status, answer = request(server, "POST", "/api/graph", b"x" * (MAX_BODY + 1))
    assert status == 413 and f"at most {MAX_BODY}" in answer["error"]
    status, answer = request(server, "POST", "/api/graph", b"{not json")
    assert status == 400 and "not JSON" in answer["error"]
    status, answer = request(server, "POST", "/api/graph", b"[1]")
    assert status == 400 and "JSON object" in answer["error"]
    status, answer = request(server, "POST", "/api/graph", b"{}",
                             {"Content-Type": "text/plain"})
    assert status == 415
    assert post(server, "/api/nothing", {})[0] == 404
    assert post(server, "/api/graph", COURSE)[0] == 200


@pytest.mark.parametrize("host", ["evil.example:80", "127.0.0.1", "localhost:1", "",
                                  "127.0.0.1.nip.io"])
def test_other_host_headers_are_refused(server: Any, host: str) -> None:
    for method, body in (("GET", None), ("POST", COURSE)):
        status, answer = request(server, method, "/" if method == "GET" else "/api/graph",
                                 body, {"Host": host})
        assert status == 400 and "answers only to" in answer["error"]
    assert request(server, "GET", "/", headers={"Host": f"localhost:{server.server.port}"}
                   )[0] == 200


def test_requests_from_other_origins_are_refused(server: Any) -> None:
    status, answer = request(server, "POST", "/api/graph", json.dumps(COURSE).encode(),
                             {"Origin": "http://evil.example"})
    assert status == 403 and "refused" in answer["error"]


def test_the_server_binds_to_loopback_only(server: Any) -> None:
    assert server.server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.server.port}/"
    assert server.iframe()._repr_html_().startswith(f"<iframe src='{server.url}'")
    assert isinstance(server.iframe(), IFrame)


def test_steps_are_the_frames_of_backprop_steps(server: Any) -> None:
    from autograd_mini import backprop_steps
    from autograd_mini.cli.expr import parse_expression

    status, answer = post(server, "/api/steps", COURSE)
    assert status == 200
    root, _ = parse_expression(COURSE["expression"]).evaluate({"w1": 3, "w2": 4, "w3": 5})
    root.label = "z"
    expected = list(backprop_steps(root))
    assert [f["lines"] for f in answer["frames"]] == [s.lines() for s in expected]
    assert all(f["svg"].startswith("<svg") for f in answer["frames"])
    assert answer["frames"][0]["lines"][1] == "  to t2: dz/dz · dz/dt2 = 1 · 5 = 5   " \
                                              "(t2's gradient so far: 5)"


def test_descent_shows_the_slides_slip_beside_the_exact_step(server: Any) -> None:
    status, setup = post(server, "/api/descent/setup", {})
    assert status == 200
    assert setup["slide"]["w"] == list(SLIDE_W) and setup["slide"]["z"] == SLIDE_PREDICTION
    assert setup["exact"]["w"] == [2.9, 4.05, 4.98] and setup["exact"]["grads"] == [10, -5, 2]
    status, step = post(server, "/api/descent", {"w": [3, 4, 5], "target": 10, "lr": 0.01,
                                                 "loss": "squared"})
    assert status == 200
    assert step["before"]["loss"] == 400 and step["before"]["grads"] == [400, -200, 80]
    assert step["after"]["w"] == pytest.approx([-1, 6, 4.2])
    assert step["after"]["z"] == pytest.approx((6 - 2 * -1) * 4.2)
    status, answer = post(server, "/api/descent", {"w": [3, 4, 5], "target": 10, "lr": -1,
                                                   "loss": "squared"})
    assert status == 400 and "learning rate must be between 0 and 10" in answer["error"]
    status, answer = post(server, "/api/descent", {"w": [3, 4, 5], "target": 10, "lr": 0.1,
                                                   "loss": "cubed"})
    assert status == 400 and "'slide'" in answer["error"]


TRAIN = {"dataset": "moons", "activation": "relu", "batch": "batch", "optimizer": "adam",
         "layers": [16, 16], "lr": 0.03, "batch_size": 16, "noise": 0.1, "n": 200, "seed": 1}


def test_the_trainer_learns_moons_in_the_background(server: Any) -> None:
    status, info = post(server, "/api/train/start", TRAIN)
    assert status == 200 and info["layers"] == [2, 16, 16, 1] and info["parameters"] == 337
    assert len(info["points"]) == 200
    since, losses, snapshots, t0 = 0, [], 0, time.monotonic()
    while time.monotonic() - t0 < 30:
        _, s = post(server, "/api/train/poll", {"session": info["session"], "since": since,
                                                "n_losses": len(losses)})
        snapshots += s["version"] > since
        since = s["version"]
        losses += s["losses"]
        if s["accuracy"] >= 0.97 and snapshots >= 3:
            break
    assert s["accuracy"] >= 0.97 and len(s["grid"]) == info["grid_size"] ** 2
    assert losses[-1] < losses[0]
    assert post(server, "/api/train/stop", {"session": info["session"]})[1] == {"stopped": True}
    _, s = post(server, "/api/train/poll", {"session": info["session"], "since": since,
                                            "n_losses": 0})
    assert s["running"] is False


@pytest.mark.parametrize(("change", "message"), [
    ({"layers": [16, 0]}, "hidden layers must be 1 to 4 sizes"),
    ({"layers": [None]}, "hidden layers must be 1 to 4 sizes"),
    ({"dataset": "iris"}, "dataset must be one of moons, circles, spirals, linear"),
    ({"lr": 100}, "the learning rate must be between"),
])
def test_bad_trainer_settings_are_explained(server: Any, change: dict[str, Any],
                                            message: str) -> None:
    status, answer = post(server, "/api/train/start", {**TRAIN, **change})
    assert status == 400 and message in answer["error"]


def test_each_data_set_trains(server: Any) -> None:
    for name in ("circles", "spirals", "linear"):
        status, info = post(server, "/api/train/start", {**TRAIN, "dataset": name,
                                                         "batch": "minibatch"})
        assert status == 200, info
        _, s = post(server, "/api/train/poll", {"session": info["session"], "since": 0,
                                                "n_losses": 0})
        assert 0 <= s["accuracy"] <= 1
        post(server, "/api/train/stop", {"session": info["session"]})
    assert post(server, "/api/train/poll", {"session": "nope", "since": 0, "n_losses": 0}
                )[1]["error"].startswith("this training session has ended")


def test_serve_is_a_cli_command() -> None:
    out = subprocess.run([sys.executable, "-m", "autograd_mini", "serve", "--help"],
                         capture_output=True, text=True, check=True)
    assert "--port" in out.stdout and "--no-browser" in out.stdout


def test_show_embeds_one_background_playground_in_a_notebook() -> None:
    from autograd_mini import playground

    first, again = playground.show(), playground.show(height=400)
    try:
        assert first.src == again.src and "height='400'" in again._repr_html_()
        status, _ = request(playground._shown, "GET", "/")
        assert status == 200
    finally:
        assert playground._shown is not None
        playground._shown.stop()
        playground._shown = None
