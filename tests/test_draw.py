"""draw(): DOT content, SVG validity, escaping, options, and finding a dot program."""

from __future__ import annotations

import importlib
import re
import shutil
import stat
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import Tensor, Value, draw
from autograd_mini.cli.demo import build
from autograd_mini.cli.main import main
from autograd_mini.engine import topological_order
from autograd_mini.nn import functional as F
from autograd_mini.viz.draw import RenderError, find_renderers, op_text, render, summarize

# `autograd_mini.viz.draw` is the function (exported by the package); this is its module.
draw_module = importlib.import_module("autograd_mini.viz.draw")
render_module = importlib.import_module("autograd_mini.viz.render")
SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<b>&"{x|y}\\'


class DotEdge(NamedTuple):
    tail: str
    head: str
    label: str


def edges(source: str) -> list[DotEdge]:
    """The edges of DOT text written by draw(), with their (un-escaped) labels."""
    found = []
    for m in re.finditer(r"^\s*(\S+) -> (\S+)(?: \[(.*)\])?$", source, re.M):
        label = re.search(r"(?:x?label)=<(.*?)> ", (m.group(3) or "") + " ")
        found.append(DotEdge(m.group(1), m.group(2), unescape(label.group(1)) if label else ""))
    return found


def node_ids(source: str, text: str) -> list[str]:
    """Ids of the DOT nodes whose label contains ``text`` (escaped as draw() escapes it)."""
    return [m.group(1) for m in re.finditer(r"^\s*(\S+) \[label=<(.*)$", source, re.M)
            if text in unescape(m.group(2))]


def unescape(html: str) -> str:
    return (re.sub("<[^>]*>", "", html).replace("&lt;", "<").replace("&gt;", ">")
            .replace("&quot;", '"').replace("\\\\", "\\").replace("&amp;", "&"))


def svg_texts(svg: str) -> list[str]:
    """Every text line of an SVG, after XML parsing (so this also checks it is valid XML).

    Graphviz writes a run of spaces as space + no-break space; those count as spaces here.
    """
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return ["".join(t.itertext()).replace("\xa0", " ") for t in root.iter(SVG + "text")]


@pytest.fixture
def course() -> Any:
    ex = build()
    ex.z.backward()
    return ex


# ------------------------------------------------------------------ DOT content
def test_course_example_nodes_ops_and_edge_derivatives(course: Any) -> None:
    src = draw(course.z).source
    for text in ["w1", "data 3", "grad -10", "data -6", "grad 5", "data -10", "grad 1"]:
        assert node_ids(src, text), text
    [w1] = node_ids(src, "grad -10")
    [g_op] = node_ids(src, "* -2")  # the constant -2 of g = -2·w1 is shown in its op
    labels = {(e.tail, e.head): e.label for e in edges(src)}
    assert labels[(w1, g_op)] == "∂g/∂w1 = -2"
    assert sorted(e.label for e in edges(src) if e.label) == sorted(
        ["∂g/∂w1 = -2", "∂y/∂w2 = 1", "∂y/∂g = 1", "∂z/∂y = 5", "∂z/∂w3 = -2"])
    # every op node feeds exactly its value node, unlabelled
    ops = [e for e in edges(src) if e.tail.startswith("o")]
    assert len(ops) == 3 and all(e.label == "" and e.head == e.tail[1:] for e in ops)


def test_reused_operand_gets_one_edge_per_use() -> None:
    a = Value(3.0, "a")
    b = a * a
    b.label = "b"
    src = draw(b).source
    assert [e.label for e in edges(src) if e.label] == ["∂b/∂a = 3", "∂b/∂a = 3"]


@pytest.mark.parametrize(
    "make, op_text",
    [(lambda x: x * 3, "* 3"), (lambda x: x + 0.5, "+ 0.5"), (lambda x: 3 - x, "3 -"),
     (lambda x: x - 3, "- 3"), (lambda x: 1 / x, "1 /"), (lambda x: x / 4, "/ 4"),
     (lambda x: 2**x, "2 **"), (lambda x: x**2, "** 2"), (lambda x: -x, "-"),
     (lambda x: x.exp(), "exp"), (lambda x: x.tanh(), "tanh"), (lambda x: x.relu(), "relu")],
)
def test_op_nodes_show_the_op_and_its_constant(make: Any, op_text: str) -> None:
    x = Value(2.0, "x")
    y = make(x)
    src = draw(y).source
    assert re.search(rf"^\s*ov\d+ \[label=<{re.escape(op_text)}>", src, re.M), src
    [edge] = [e for e in edges(src) if e.label]
    # the edge carries d y / d x as the rule computes it with an incoming gradient of 1
    expected = y._op.backward[0](1.0, x.data, y._b, y.data)
    assert edge.label == f"∂t1/∂x = {draw_module.fmt(expected)}"


def test_hide_grads_and_round_digits(course: Any) -> None:
    src = draw(course.z, show_grads=False).source
    assert not node_ids(src, "grad") and node_ids(src, "data -10")
    x = Value(1 / 3, "x")
    y = x * 3
    assert "data 0.333" in draw(y, digits=3).source
    assert "data 0.3333333333333333" in draw(y).source  # exact by default


def test_highlight_marks_every_path_from_a_weight_to_the_loss(course: Any) -> None:
    src = draw(course.z, highlight=course.w1).source
    red = {e.label for e in edges(src)
           if e.label and re.search(rf"{re.escape(e.tail)} -> {re.escape(e.head)} .*d62728", src)}
    assert red == {"∂g/∂w1 = -2", "∂y/∂g = 1", "∂z/∂y = 5"}
    assert len(node_ids(src, "grad")) == 6
    highlighted = [n for n in node_ids(src, "grad")
                   if re.search(rf"^\s*{n} \[label=.*color=\"#d62728\"", src, re.M)]
    assert len(highlighted) == 4  # w1, g, y, z; not w2, w3
    # a node the root does not depend on highlights nothing
    assert "#d62728" not in draw(course.z, highlight=Value(1.0)).source


def test_max_nodes_draws_the_nearest_and_says_how_many_are_left_out() -> None:
    v = Value(0.5, "x")
    for _ in range(50):
        v = v * 1.01
    v.label = "end"
    d = draw(v, max_nodes=10)
    assert d.n_values == 10
    assert len(node_ids(d.source, "data")) == 10
    assert "showing the 10 values nearest end of 51" in d.source
    assert "max_nodes=None" in d.source
    assert "x" not in [unescape(m) for m in re.findall(r"<b>(.*?)</b>", d.source)]
    assert any(e.tail.endswith(tuple(f"_more{i}" for i in range(60))) for e in edges(d.source))
    assert draw(v, max_nodes=None).n_values == 51
    assert d.notes and "showing" in repr(d)


def test_collapse_long_chains_into_one_box_with_the_chain_rule_product() -> None:
    x = Value(0.3, "x")
    v = x
    for _ in range(30):
        v = v.tanh()
    out = v * 2
    out.label = "out"
    out.backward()
    d = draw(out, collapse=5)
    assert d.n_values == 3  # x, the box for the 30 tanh, out
    assert "30 ops: tanh → tanh → tanh → …" in unescape(d.source)
    [chain_edge] = [e for e in edges(d.source) if e.label.startswith("∂t30/∂x")]
    product = float(chain_edge.label.split(" = ")[1])
    assert product * 2 == pytest.approx(x.grad, rel=1e-12)
    assert "30 operations in single-input chains collapsed" in d.source
    assert draw(out).n_values == 32


def test_bad_options_are_named() -> None:
    v = Value(1.0)
    with pytest.raises(TypeError, match="draw: expected a Value or a Tensor, got float"):
        draw(1.0)
    with pytest.raises(ValueError, match="rankdir must be"):
        draw(v, rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes must be at least 1"):
        draw(v, max_nodes=0)
    with pytest.raises(ValueError, match="collapse must be at least 2"):
        draw(v, collapse=1)
    with pytest.raises(ValueError, match=r"draw: timeout must be a number of seconds > 0 "
                                         r"\(or None for no limit\), got 0"):
        draw(v, timeout=0)
    with pytest.raises(ValueError, match="got nan"):
        draw(v, timeout=float("nan"))
    with pytest.raises(TypeError, match="draw: timeout must be a number of seconds"):
        draw(v, timeout="30")
    with pytest.raises(TypeError, match="render: timeout must be a number"):
        render("digraph {}", timeout=True)


# ------------------------------------------------------------------ long edges (#18.5, #19.1)
def read_at_every_step(n_ops: int, computed: bool = False) -> Any:
    """A chain in which every operation also reads x (or m = tanh(x)): the edges from that
    one value reach across the whole picture."""
    x = Value(0.5, "x")
    shared = x.tanh() if computed else x
    if computed:
        shared.label = "m"
    y = shared
    for i in range(n_ops):
        y = (y + shared, y * shared, y - shared)[i % 3]
    y.label = "end"
    y.backward()
    return y


def x_boxes(source: str) -> list[str]:
    """Ids of the boxes drawn for the value x at each of its uses."""
    return re.findall(r'^\s*(\S+) \[label=.* tooltip="x: one value', source, re.M)


def test_a_leaf_read_at_every_step_is_drawn_at_each_use() -> None:
    d = draw(read_at_every_step(60), max_nodes=100)
    src = d.source
    boxes = x_boxes(src)
    assert boxes == node_ids(src, "x")  # the only label with an x in it is x's own
    reads = [e for e in edges(src) if "/∂x" in e.label]
    assert len(boxes) == len(reads) == 61 and {e.tail for e in reads} == set(boxes)
    assert d.n_values == 61 and d.n_edges == 120  # still one value, one edge per use
    assert src.count('tooltip="x: one value, drawn at each of its 61 uses"') == 61
    note = "x is one value, drawn at each of its uses so that the edges stay short"
    assert note in d.notes and note in src
    # one x took 10-20 s to lay out here (each edge crosses up to 120 ranks): now well within
    d = draw(read_at_every_step(100), max_nodes=100, timeout=20)
    texts = svg_texts(d.svg())
    assert texts.count("x") == len(x_boxes(d.source)) == 99
    assert sum(t.startswith("∂") for t in texts) == d.n_edges


def test_a_ten_thousand_node_graph_reading_one_leaf_renders_in_seconds() -> None:
    root = read_at_every_step(10_000)  # every operation reads x
    d = draw(root)  # the default max_nodes=400
    assert d.n_values == 400 and len(x_boxes(d.source)) == 399
    texts = svg_texts(draw(root, timeout=20).svg())  # took 22 s and more with one x box
    assert sum(t.startswith("∂") for t in texts) == d.n_edges


def test_a_computed_value_read_at_every_step_gets_bundled_edges() -> None:
    root = read_at_every_step(10_000, computed=True)
    d = draw(root)
    assert d.source.count("<b>m</b>") == 1  # a computed value is not copied
    assert "concentrate=true" in d.source and "splines=line" in d.source
    assert any("the edges from m are drawn bundled" in n for n in d.notes)
    d.timeout = 20
    texts = svg_texts(d.svg())  # took 50 s
    assert sum(t.startswith("∂") for t in texts) == d.n_edges


def test_ordinary_graphs_keep_one_box_per_value(course: Any) -> None:
    short = read_at_every_step(12)  # x read at each of 12 steps: short enough
    for root in (course.z, short):
        d = draw(root)
        assert not d.notes and "_use" not in d.source and "concentrate" not in d.source
    assert len(node_ids(draw(short).source, "x")) == 1 and not x_boxes(draw(short).source)


# ------------------------------------------------------------------ tensors
def test_tensor_nodes_show_shape_dtype_and_a_summary() -> None:
    W = Tensor(np.arange(12.0).reshape(3, 4) / 10, requires_grad=True, label="W")
    x = Tensor([[1.0], [2.0], [3.0], [4.0]], label="x")
    loss = (W @ x).sum(dim=0)
    loss.label = "loss"
    loss.backward(np.ones(1))
    src = unescape(draw(loss).source)
    assert "3×4 float64" in src and "4×1 float64" in src and "1 float64" in src
    assert "data min 0  mean 0.55  max 1.1" in src  # 12 values: a summary
    assert "data [[1.], [2.], [3.], [4.]]" in src  # 4 values: shown
    assert "grad min 1  mean 2.5  max 4" in src  # W.grad = ones(3, 1) @ x.T
    assert "grad None" in src  # x does not require grad
    assert "<sum dim=0>" in draw(loss).source
    labels = [e.label for e in edges(draw(loss).source) if e.label]
    assert sorted(labels) == ["∂loss/∂t1", "∂t1/∂W", "∂t1/∂x"]  # Jacobians: no number


def test_tensor_op_contexts_read_as_a_learner_writes_them() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    cases = {
        F.cross_entropy(x, np.array([0, 2])): "cross_entropy",  # its table of picks is hidden
        x.sum(dim=1, keepdim=True): "dim=1 keepdim",
        x[:, 1:3]: "[:, 1:3]",
        x[x.data > 0]: "[mask 2×3]",
        x.softmax(1): "softmax dim=1",
        x.reshape(3, 2): "reshape (3, 2)",
    }
    for node, text in cases.items():
        assert text in op_text(node)
        assert "Picks" not in draw(node).source


def test_a_tensor_mlp_renders_to_valid_svg() -> None:
    am.manual_seed(0)
    x = Tensor(np.arange(6.0).reshape(2, 3), label="x")
    W = am.randn(3, 4, requires_grad=True)
    b = am.zeros(4, requires_grad=True)
    loss = F.cross_entropy((x @ W + b).relu(), np.array([1, 3]))
    loss.backward()
    svg = ET.fromstring(draw(loss).svg())
    texts = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "2×3 float64" in texts and "cross_entropy" in texts and "relu" in texts


def test_one_element_tensors_get_numbers_on_edges() -> None:
    x = Tensor([2.0], requires_grad=True, label="x")
    y = x * 3
    y.label = "y"
    assert [e.label for e in edges(draw(y).source) if e.label] == ["∂y/∂x = 3"]


def test_one_element_tensor_edges_every_rule_and_every_operand() -> None:
    # the ADD rule reads g.shape: a Python 1.0 for g made draw raise AttributeError; and an
    # operand that needs no gradient lost its edge (issue 18)
    t = Tensor(2.0, requires_grad=True, label="t")
    c = Tensor(3.0, label="c")
    z = t + t * c
    z.label = "z"
    assert sorted(e.label for e in edges(draw(z).source) if e.label) == [
        "∂t1/∂c", "∂t1/∂t = 3", "∂z/∂t = 1", "∂z/∂t1 = 1"]


def test_summarize() -> None:
    assert summarize(None) == "None"
    assert summarize(np.array(2.5)) == "2.5"
    assert summarize(np.array([1.0, 2.0])) == "[1., 2.]"
    assert summarize(np.zeros((0,))) == "[]"
    assert summarize(np.arange(10.0)) == "min 0  mean 4.5  max 9"
    assert summarize(np.arange(10.0) / 3, digits=2) == "min 0  mean 1.5  max 3"


# ------------------------------------------------------------------ SVG and escaping
def test_svg_is_valid_xml_with_the_labels(course: Any) -> None:
    texts = svg_texts(draw(course.z).svg())
    for t in ["w1", "data 3", "grad -10", "* -2", "∂g/∂w1 = -2", "∂z/∂y = 5"]:
        assert t in texts


def test_labels_render_literally(tmp_path: Path) -> None:
    x = Value(1.0, NASTY)
    y = x * 2
    y.label = "\\N & \\G"  # dot would expand \N to the node's id, were it not escaped
    d = draw(y)
    texts = svg_texts(d.svg())
    assert NASTY in texts and "\\N & \\G" in texts
    assert f"∂\\N & \\G/∂{NASTY} = 2" in texts


@settings(max_examples=25)
@given(st.text(max_size=30), st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_any_label_gives_valid_svg(label: str, other: str) -> None:
    x = Value(1.0, label)
    y = (x * 2).tanh()
    y.label = other
    texts = svg_texts(draw(y).svg())  # parses, or the test fails
    printable = label.strip()
    if printable and printable.isprintable():
        assert any(printable in t for t in texts)


# Labels as hostile as text gets: markup and DOT syntax, escapes, control characters,
# combining marks, right-to-left text, very long names.
HOSTILE_PIECES = st.sampled_from(
    ["<", ">", "&", '"', "'", "\\", "\\N", "\\G", "\\l", "{", "}", "|", "]", "[", ";", "->",
     "--", "\n", "\r", "\t", "\x00", "\x1b[31m", "\x7f", "\u0301", "\u202e", "\ufeff",
     "&amp;", "<br/>", "]]>", "<!--", "@", "%", "é", "∂", "😀", "label", " "])


@settings(max_examples=20)
@given(st.lists(HOSTILE_PIECES, max_size=15).map("".join),
       st.text(max_size=200), st.booleans())
def test_hostile_labels_on_every_kind_of_node_give_valid_svg(hostile: str, long: str,
                                                             tensors: bool) -> None:
    if tensors:
        from autograd_mini import Tensor

        x = Tensor([[1.0, -2.0]], requires_grad=True, label=hostile)
        h = (x * 3).relu()
        h.label = long
        y = h.sum()
    else:
        x = Value(1.0, hostile)
        h = (x * 3).relu()
        h.label = long
        y = h + x
    y.label = hostile[::-1]
    y.backward()
    for picture in (draw(y), draw(y, highlight=[x], collapse=2, max_nodes=2, title=long)):
        svg_texts(picture.svg())  # valid XML, or the test fails
        assert "<svg" in picture.svg() and picture.source.count("digraph") == 1


# ------------------------------------------------------------------ saving and notebooks
def test_save_by_suffix(course: Any, tmp_path: Path) -> None:
    d = draw(course.z)
    assert d.save(tmp_path / "g.dot").read_text(encoding="utf-8") == d.source
    assert "∂g/∂w1 = -2" in svg_texts(d.save(tmp_path / "g.svg").read_text(encoding="utf-8"))
    assert d.save(tmp_path / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match=r"use a name ending in \.svg, \.png or \.dot"):
        d.save(tmp_path / "g.pdf")


def test_jupyter_bundle(course: Any) -> None:
    bundle = draw(course.z)._repr_mimebundle_()
    svg_texts(bundle["image/svg+xml"])
    assert bundle["text/plain"].startswith("<Drawing of 6 values and 5 edges")


# ------------------------------------------------------------------ finding a dot program
PYTHON = sys.executable


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!{PYTHON}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _pure() -> str:
    found = [p for p in find_renderers() if Path(p).name.startswith("graphviz-pure")]
    assert found, "graphviz-pure (a dependency) is not installed next to this Python"
    return found[0]


@pytest.fixture
def no_system_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH holds only an empty folder: no system Graphviz, as on CI."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("AUTOGRAD_MINI_DOT", raising=False)
    return empty


def test_without_system_dot_graphviz_pure_renders(course: Any, no_system_dot: Path) -> None:
    assert shutil.which("dot") is None
    programs = find_renderers()
    assert len(programs) == 1 and Path(programs[0]).name.startswith("graphviz-pure")
    texts = svg_texts(draw(course.z).svg())
    assert "∂g/∂w1 = -2" in texts


def test_a_system_dot_on_path_is_preferred(course: Any, no_system_dot: Path) -> None:
    log = no_system_dot / "calls.log"
    # a stand-in for Graphviz's dot: records that it ran, then lays out with graphviz-pure
    _script(no_system_dot, "dot", "import subprocess, sys\n"
            f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
            f"sys.exit(subprocess.run([{_pure()!r}, *sys.argv[1:]]).returncode)\n")
    assert find_renderers()[0] == str(no_system_dot / "dot")
    texts = svg_texts(draw(course.z).svg())
    assert "∂z/∂y = 5" in texts
    assert log.read_text() == "-Tsvg\n"


def test_a_broken_system_dot_falls_back_to_graphviz_pure(course: Any,
                                                        no_system_dot: Path) -> None:
    _script(no_system_dot, "dot", "import sys\nsys.stderr.write('dot: no svg plugin')\n"
            "sys.exit(1)\n")
    assert "∂z/∂y = 5" in svg_texts(draw(course.z).svg())


def test_no_renderer_at_all_says_how_to_fix_it(course: Any, no_system_dot: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module.sys, "executable", str(no_system_dot / "python"))
    monkeypatch.setattr(render_module.sysconfig, "get_path", lambda name: str(no_system_dot))
    assert find_renderers() == []
    d = draw(course.z)
    with pytest.raises(RenderError, match="pip install graphviz-pure") as info:
        d.svg()
    assert "apt-get install graphviz" in str(info.value)
    assert "∂g/∂w1 = -2" in d.source  # the DOT text still works
    assert "could not render" not in d._repr_mimebundle_()["text/plain"]
    assert "pip install graphviz-pure" in d._repr_mimebundle_()["text/plain"]
    _script(no_system_dot, "dot", "import sys\nsys.exit(3)\n")
    with pytest.raises(RenderError, match="exit code 3"):
        render(d.source)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to see processes")
def test_a_renderer_past_the_timeout_is_killed_with_its_children(course: Any,
                                                                 no_system_dot: Path) -> None:
    pids = no_system_dot / "pids"
    # a stand-in for a dot stuck in its layout, which has started a process of its own
    _script(no_system_dot, "dot", "import os, subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
            "time.sleep(60)\n")
    d = draw(course.z, timeout=2)
    assert d.timeout == 2
    start = time.monotonic()
    with pytest.raises(RenderError) as info:
        d.svg()
    assert time.monotonic() - start < 15
    message = str(info.value)
    assert f"cannot render the graph of 6 values: {no_system_dot / 'dot'} was still laying it " \
           "out after the 2 s timeout and was stopped" in message
    assert "max_nodes=3" in message and "collapse=3" in message and "timeout=None" in message
    assert "a smaller expression" in message and "pip install" not in message
    assert "graphviz-pure" not in message  # stopped at once, not tried again with the next
    deadline = time.monotonic() + 5
    while any(_alive(int(p)) for p in pids.read_text().split()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(int(p)) for p in pids.read_text().split())  # no orphan left


def test_timeouts_have_a_default_and_can_be_lifted(course: Any) -> None:
    assert render_module.DEFAULT_TIMEOUT == draw_module.DEFAULT_TIMEOUT == 30
    d = draw(course.z)
    assert d.timeout == 30
    assert "∂z/∂y = 5" in svg_texts(draw(course.z, timeout=None).svg())
    assert "∂z/∂y = 5" in svg_texts(render(d.source, timeout=float("inf")).decode())


@pytest.fixture
def only_a_fake_pure(no_system_dot: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No renderer but a graphviz-pure written into the test's folder (the real one hidden)."""
    monkeypatch.setattr(render_module.sys, "executable", str(no_system_dot / "python"))
    monkeypatch.setattr(render_module.sysconfig, "get_path", lambda name: str(no_system_dot))
    return no_system_dot / "graphviz-pure"


RUST_OOM = ("memory allocation of 3342336 bytes failed\nstack backtrace:\nnote: Some details "
            "are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n")


def test_out_of_memory_is_named_with_the_node_count(course: Any, only_a_fake_pure: Path,
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # graphviz-pure out of memory: Rust's allocator says so on stderr, then aborts (SIGABRT)
    _script(only_a_fake_pure.parent, only_a_fake_pure.name,
            f"import os, sys\nsys.stderr.write({RUST_OOM!r})\nsys.stderr.flush()\nos.abort()\n")
    with pytest.raises(RenderError) as info:
        draw(course.z).svg()
    message = str(info.value)
    assert (f"cannot render the graph of 6 values to svg: {only_a_fake_pure}: out of memory "
            "(memory allocation of 3342336 bytes failed; graphviz-pure was stopped by SIGABRT)"
            ) in message
    assert "needs more memory than the system allows" in message
    assert "draw(root, max_nodes=3) (this drawing has 6)" in message
    assert "pip install graphviz-pure" not in message and "stack backtrace" not in message
    # the command line says the same in its one line
    assert main(["grad", "x*x", "--at", "x=2", "--svg", str(tmp_path / "z.svg")]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "out of memory" in err and "max_nodes=" in err


def test_killed_by_a_signal_is_named(course: Any, only_a_fake_pure: Path) -> None:
    # the kernel's out-of-memory killer sends SIGKILL and nothing reaches stderr
    _script(only_a_fake_pure.parent, only_a_fake_pure.name,
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    with pytest.raises(RenderError, match="killed by SIGKILL with no message, which is what "
                       "the system's out-of-memory killer does") as info:
        render(draw(course.z).source, n_values=6)
    assert "max_nodes=3" in str(info.value) and "pip install" not in str(info.value)
    _script(only_a_fake_pure.parent, only_a_fake_pure.name,
            "import os, signal, sys\nsys.stderr.write('Warning: a\\n')\n"
            "os.kill(os.getpid(), signal.SIGSEGV)\n")
    with pytest.raises(RenderError) as info:
        render(draw(course.z).source)
    assert f"the graph to svg: {only_a_fake_pure}: graphviz-pure was stopped by SIGSEGV. To " \
           "try: draw fewer values: draw(root, max_nodes=100)" in str(info.value)


REAL_PURE = next((p for p in find_renderers() if Path(p).name.startswith("graphviz-pure")), "")


@pytest.mark.skipif(sys.platform != "linux" or not REAL_PURE,
                    reason="limits graphviz-pure's address space with RLIMIT_AS")
def test_real_graphviz_pure_out_of_memory(only_a_fake_pure: Path) -> None:
    real = REAL_PURE
    # the real program with a 32 MB address space, and a graph of long edges to lay out
    _script(only_a_fake_pure.parent, only_a_fake_pure.name,
            "import os, resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (32 << 20, 32 << 20))\n"
            f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n")
    n = 400
    source = ("digraph { " + " ".join(f"a{i} -> a{i + 1};" for i in range(n))
              + " ".join(f"a0 -> a{i};" for i in range(2, n)) + " }")
    with pytest.raises(RenderError, match=r"out of memory \(memory allocation of \d+ bytes "
                       r"failed; graphviz-pure was stopped by SIGABRT\)"):
        render(source, n_values=n, timeout=20)


def test_autograd_mini_dot_names_the_program(course: Any, no_system_dot: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOGRAD_MINI_DOT", _pure())
    assert find_renderers()[0] == _pure()
    monkeypatch.setenv("AUTOGRAD_MINI_DOT", str(no_system_dot / "missing-dot"))
    assert "∂z/∂y = 5" in svg_texts(draw(course.z).svg())  # not found: the next one is used


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz here (CI has none)")
def test_real_system_graphviz_renders_the_same_labels() -> None:
    x = Value(1.0, NASTY)
    y = x * 2
    y.label = "\\N"
    texts = svg_texts(render(draw(y).source).decode("utf-8"))
    assert NASTY in texts and "\\N" in texts and f"∂\\N/∂{NASTY} = 2" in texts


def test_a_thousand_value_graph_renders() -> None:
    xs = [Value(0.01 * i, f"x{i}") for i in range(30)]
    outs = []
    for j in range(10):
        act = Value(0.0, f"b{j}")
        for i, x in enumerate(xs):
            act = act + Value(0.5 - 0.03 * i, f"w{j}_{i}") * x
        outs.append(act.tanh())
    loss = sum(outs)
    loss.backward()
    assert len(topological_order([loss])) > 950
    d = draw(loss, max_nodes=None)
    texts = svg_texts(d.svg())
    assert d.n_values == len(topological_order([loss]))
    assert sum(t.startswith("data ") for t in texts) == d.n_values
    assert sum(t.startswith("∂") for t in texts) == d.n_edges


def test_given_gradients_title_and_direction(course: Any) -> None:
    src = draw(course.z, grads={course.w1: 7.0}, title="after one step", rankdir="TB").source
    assert node_ids(src, "grad 7") and len(node_ids(src, "grad –")) == 5  # none for the others
    assert "rankdir=TB" in src and "label=<after one step>" in src
