"""The playground in a real browser: Playwright drives Debian's headless Chromium.

Each test uses the page as a learner would (typing, moving a slider with the keyboard,
pressing buttons) and checks what it shows against the engine, computed here in the test.
The redraw and training-update times are measured in the page and printed (run with
``-s`` to see them); they are not asserted, timing belongs in benchmarks. Screenshots of
each view go to ``$AUTOGRAD_MINI_SCREENSHOTS`` (default: a temporary folder).

Without Playwright or Chromium the tests are skipped with the reason, except under
``CI=true`` or ``AUTOGRAD_MINI_REQUIRE_BROWSER=1``, where a missing browser fails them.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd_mini import Value, explain
from autograd_mini.cli.demo import build, descend
from autograd_mini.playground import start
from autograd_mini.viz.explain import fmt

CHROMIUM = os.environ.get("AUTOGRAD_MINI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = (os.environ.get("CI", "").lower() in ("true", "1")
            or os.environ.get("AUTOGRAD_MINI_REQUIRE_BROWSER") == "1")
INSTALL = ("install them with `pip install -e '.[test]'` and `apt-get install -y chromium` "
           "(make test does both)")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"Playwright is not installed; {INSTALL}"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (set AUTOGRAD_MINI_CHROMIUM); {INSTALL}"
    return None


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("AUTOGRAD_MINI_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"{reason} (the browser tests are required here: CI=true or "
                        "AUTOGRAD_MINI_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playground = start()
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 820})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(playground.url)
        tab.wait_for_selector("body[data-ready]")
        tab.playground, tab.errors = playground, errors
        yield tab
        context.close()
    playground.stop()
    assert not errors, f"the page raised: {errors}"


def wait_until(page: Any, script: str, timeout: float = 20.0) -> Any:
    """Poll a JavaScript expression until it is truthy (the page's CSP forbids eval, which
    Playwright's wait_for_function needs)."""
    end = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.02)


def shown_grads(page: Any) -> dict[str, str]:
    rows = page.query_selector_all("#grads tbody tr")
    return {r.get_attribute("data-name"): r.query_selector(".grad").inner_text() for r in rows}


def set_expression(page: Any, text: str) -> None:
    count = page.evaluate("window.__pg.applied")
    page.fill("#expr", text)
    page.press("#expr", "Enter")
    wait_until(page, f"window.__pg.applied > {count}")


def test_slider_redraws_the_graph_with_the_engines_gradient(page: Any, shots: Path) -> None:
    page.click("#tabs button[data-view=expression]")
    set_expression(page, "x*y + tanh(x)")
    assert page.inner_text("label[for=slider-x]") == "x"
    page.focus("#slider-x")
    for _ in range(5):  # x: 1 -> 1.5 in steps of 0.1
        count = page.evaluate("window.__pg.graphs")
        page.keyboard.press("ArrowRight")
        wait_until(page, f"window.__pg.graphs > {count}")
    wait_until(page, "document.querySelector('#value-x').value === '1.5'")
    wait_until(page, "document.querySelector('#grads tr[data-name=x] .value')"
                     ".textContent === '1.5'")
    x, y = Value(1.5, label="x"), Value(1.0, label="y")
    z = x * y + x.tanh()
    z.backward()
    assert shown_grads(page) == {"x": fmt(x.grad), "y": fmt(y.grad)}
    assert page.inner_text("#root-value") == f"z = x*y + tanh(x) = {fmt(z.data)}"


COURSE = "g = -2*w1; y = w2 + g; z = y*w3"


def test_the_worked_example_redraws_as_the_slider_moves(page: Any, shots: Path) -> None:
    set_expression(page, COURSE)
    assert shown_grads(page) == {"w1": "-10", "w2": "5", "w3": "-2"}
    page.evaluate("window.__pg.redrawMs = []")
    page.focus("#slider-w1")
    for _ in range(20):
        count = page.evaluate("window.__pg.redrawMs.length")
        page.keyboard.press("ArrowRight")
        wait_until(page, f"window.__pg.redrawMs.length > {count}")
    times = page.evaluate("window.__pg.redrawMs")
    print(f"\nredraw, slider input to redrawn graph (worked example, {len(times)} moves): "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    ex = build(w1=5.0)  # 3 + 20 * 0.1
    ex.z.backward()
    wait_until(page, "document.querySelector('#value-w1').value === '5'")
    assert shown_grads(page) == {"w2": fmt(ex.w2.grad), "w1": fmt(ex.w1.grad),
                                 "w3": fmt(ex.w3.grad)}
    assert "∂g/∂w1 = -2" in page.inner_text("#graph")  # the local derivative on its edge
    assert page.inner_text("#explain").splitlines()[0] == str(explain(ex.z, ex.w1))
    page.screenshot(path=str(shots / "expression.png"), full_page=True)


def test_bad_input_shows_the_clis_message(page: Any, shots: Path) -> None:
    from autograd_mini.cli.expr import ExpressionError, parse_expression

    for text in ("(w2 + ", "foo(w1)", "w1.real"):
        set_expression(page, text)
        with pytest.raises(ExpressionError) as caught:
            parse_expression(text)
        assert page.inner_text("#expr-error") == str(caught.value)
    page.screenshot(path=str(shots / "error.png"), full_page=True)
    set_expression(page, COURSE)
    assert page.is_hidden("#expr-error")
    count = page.evaluate("window.__pg.answers")
    page.fill("#value-w3", "abc")
    page.press("#value-w3", "Enter")
    wait_until(page, f"window.__pg.answers > {count}")
    assert page.inner_text("#expr-error") == "--at 'w3=abc': 'abc' is not a number"
    page.fill("#value-w3", "5")
    page.press("#value-w3", "Enter")
    wait_until(page, "document.querySelector('#expr-error').hidden")
    page.fill("#value-w1", "3")
    page.press("#value-w1", "Enter")
    wait_until(page, "document.querySelector('#grads tr[data-name=w1] .grad')"
                     ".textContent === '-10'")


def test_backprop_step_by_step(page: Any, shots: Path) -> None:
    from autograd_mini import backprop_steps

    expected = [s.lines() for s in backprop_steps(build().z)]  # the demo's g, y, z
    page.click("#tabs button[data-view=steps]")
    page.wait_for_selector("#step-graph svg")
    assert page.inner_text("#step-count") == f"frame 1 of {len(expected)}"
    assert page.inner_text("#step-lines").splitlines() == expected[0]
    page.click("#step-next")
    page.click("#step-next")
    assert page.inner_text("#step-count") == "frame 3 of 6"
    assert page.inner_text("#step-lines").splitlines() == expected[2]
    assert "dz/dg · dg/dw1 = 5 · (-2) = -10" in page.inner_text("#step-lines")
    assert 'fill="#ffd966"' in page.inner_html("#step-graph")  # the current node, yellow
    page.screenshot(path=str(shots / "steps.png"), full_page=True)
    page.click("#step-back")
    assert page.inner_text("#step-lines").splitlines() == expected[1]
    page.click("#step-play")
    wait_until(page, "document.querySelector('#step-count').textContent === 'frame 6 of 6'")
    assert page.inner_text("#step-lines").splitlines() == expected[5]


def test_gradient_descent_shows_the_slip(page: Any, shots: Path) -> None:
    page.click("#tabs button[data-view=descent]")
    page.wait_for_selector("#gd-slide tbody tr")
    slide = {r.get_attribute("data-name"): (r.query_selector(".slide").inner_text(),
                                            r.query_selector(".exact").inner_text())
             for r in page.query_selector_all("#gd-slide tbody tr")}
    assert slide == {"w1": ("2.9", "2.9"), "w2": ("4.1", "4.05"), "w3": ("4.9", "4.98"),
                     "new z": ("-8.33", "-8.715")}
    assert page.locator("#gd-slide td.slip").count() == 3
    page.click("#gd-step")
    page.wait_for_selector("#gd-state tr[data-step='1']")
    row = page.inner_text("#gd-state tr[data-step='1']").split()
    assert row == ["1", "2.9", "4.05", "4.98", "-8.715", "18.715"]
    page.select_option("#gd-loss", "squared")
    page.fill("#gd-lr", "0.001")
    page.click("#gd-reset")
    page.click("#gd-step10")
    page.wait_for_selector("#gd-state tr[data-step='10']")
    history = descend(build(), lr=0.001)  # the demo's loop: the same engine steps
    cells = page.inner_text("#gd-state tr[data-step='10']").split()
    assert cells[4] == f"{float(f'{history[10][1]:.6g}'):g}"
    assert cells[5] == f"{float(f'{history[10][2]:.6g}'):g}"
    assert page.locator("#gd-curve polyline").count() == 1
    page.screenshot(path=str(shots / "descent.png"), full_page=True)


def test_the_trainer_learns_moons_live(page: Any, shots: Path) -> None:
    page.click("#tabs button[data-view=trainer]")
    page.select_option("#tr-data", "moons")
    page.fill("#tr-layers", "16, 16")
    page.click("#tr-train")
    wait_until(page, "Number(document.querySelector('#tr-acc').dataset.value) >= 0.95", 60)
    t0 = page.evaluate("performance.now()")
    time.sleep(2.0)
    updates = page.evaluate(f"window.__pg.trainUpdates.filter(u => u.t >= {t0})")
    assert page.inner_text("#tr-net") == "2-16-16-1 (337 parameters)"
    page.screenshot(path=str(shots / "trainer.png"), full_page=True)
    page.click("#tr-stop")
    wait_until(page, "document.querySelector('#tr-state').textContent === 'stopped'")
    span = (updates[-1]["t"] - updates[0]["t"]) / 1000 if len(updates) > 1 else 0
    rate = (len(updates) - 1) / span if span else 0.0
    steps = updates[-1]["step"] - updates[0]["step"] if updates else 0
    print(f"\ntrainer (moons, 2-16-16-1, full batch, Adam): {rate:.1f} boundary updates per "
          f"second over {span:.2f} s, {steps / span if span else 0:.0f} optimizer steps/s, "
          f"accuracy {updates[-1]['accuracy'] if updates else '?'}")
    assert updates and float(page.get_attribute("#tr-acc", "data-value")) >= 0.95


def test_bad_trainer_settings_are_shown(page: Any) -> None:
    page.fill("#tr-layers", "16, x")
    page.click("#tr-train")
    wait_until(page, "!document.querySelector('#tr-error').hidden")
    assert "hidden layers must be 1 to 4 sizes" in page.inner_text("#tr-error")
    page.fill("#tr-layers", "16, 16")


def test_other_hosts_are_refused(page: Any) -> None:
    port = page.playground.server.port
    answer = page.request.get(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"})
    assert answer.status == 400 and "answers only to" in answer.text()
    answer = page.request.get(f"http://localhost:{port}/")
    assert answer.status == 200
