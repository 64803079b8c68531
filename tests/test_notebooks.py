"""The notebooks: committed with their outputs, in reading order, and they run.

Each notebook is executed top to bottom in a fresh kernel of this Python (the one running
pytest: the virtual environment's under ``make test``) by ``tools/run_notebooks.py``, the
same runner that saved the committed outputs (``make notebooks``). A cell that raises
fails the test. The other tests read the committed files: they must have been saved
after one clean run, with an output wherever a cell shows something.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip(
    "nbformat", reason="the notebook tests need the 'notebooks' extra (make test installs it)")
pytest.importorskip("nbclient", reason="the notebook tests need the 'notebooks' extra")
pytest.importorskip("ipykernel", reason="the notebook tests need the 'notebooks' extra")

from tools.run_notebooks import NOTEBOOKS, notebook_paths, run  # noqa: E402

ROOT = NOTEBOOKS.parent
NAME = re.compile(r"(\d\d)_[a-z0-9_]+\.ipynb")
MAX_BYTES = 2_000_000
PATHS = notebook_paths()
IDS = [p.stem for p in PATHS]


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


# ------------------------------------------------------------------ order and links
def test_notebooks_are_numbered_in_reading_order() -> None:
    assert PATHS, f"no notebooks in {NOTEBOOKS}"
    numbers = []
    for path in PATHS:
        match = NAME.fullmatch(path.name)
        assert match, f"{path.name}: expected a name like 01_worked_example.ipynb"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(PATHS) + 1)), f"numbers are not 1..N: {numbers}"
    for number, path in zip(numbers, PATHS):
        first = read(path).cells[0]
        assert first.cell_type == "markdown" and first.source.startswith(f"# {number}. "), (
            f"{path.name}: the first cell should be the title '# {number}. ...'")


def test_readme_links_every_notebook_in_order() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Notebooks\n", 1)
    assert len(section) == 2, "README.md has no '## Notebooks' section"
    body = section[1].split("\n## ", 1)[0]
    linked = re.findall(r"\]\((notebooks/[^)]+\.ipynb)\)", body)
    assert linked == [f"notebooks/{p.name}" for p in PATHS]


# ------------------------------------------------------------------ committed outputs
def _called(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _shows_something(source: str) -> bool:
    """True if running the cell must produce an output.

    Its last statement is an expression (Jupyter displays its value, unless the line ends
    with ';'), or a top-level statement calls print, display or plt.show (calls inside a
    function or class defined in the cell do not count: defining it shows nothing).
    """
    tree = ast.parse(source)
    if not tree.body:
        return False
    last = tree.body[-1]
    if isinstance(last, ast.Expr) and not source.rstrip().endswith(";"):
        return True
    stack: list[ast.AST] = [s for s in tree.body
                            if not isinstance(s, (ast.FunctionDef, ast.ClassDef))]
    while stack:
        node = stack.pop()
        if _called(node) in {"print", "display", "show"}:
            return True
        stack.extend(c for c in ast.iter_child_nodes(node)
                     if not isinstance(c, (ast.FunctionDef, ast.ClassDef, ast.Lambda)))
    return False


def test_shows_something_reads_cells_as_intended() -> None:
    assert _shows_something("x = 1\nx")
    assert not _shows_something("x = 1\nx;")
    assert _shows_something("for i in range(2):\n    print(i)")
    assert _shows_something("import matplotlib.pyplot as plt\nplt.show()")
    assert not _shows_something("import math\nx = math.pi")
    assert not _shows_something("def f():\n    print(1)")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_committed_notebook_was_run_and_has_its_outputs(path: Path) -> None:
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    nb = read(path)
    nbformat.validate(nb)
    cells = code_cells(nb)
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts}: save it after one run in a fresh kernel "
        "(make notebooks)")
    pictures = 0
    for i, cell in enumerate(cells, 1):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}, code cell {i}: an error output"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{path.name}, code cell {i}: a warning or error on stderr: {out.text[:300]}")
            data = out.get("data", {})
            assert "application/vnd.jupyter.widget-view+json" not in data, (
                f"{path.name}, code cell {i}: a widget a code host cannot show "
                "(tools/run_notebooks.py replaces progress bars by their final text)")
            pictures += any(k in data for k in ("image/png", "image/svg+xml"))
        if _shows_something(cell.source):
            assert cell.outputs, f"{path.name}, code cell {i} shows nothing:\n{cell.source}"
    assert pictures, f"{path.name}: no plot or graph among the outputs"


# ------------------------------------------------------------------ they run
def test_the_kernel_is_this_python(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")]
    run(nb, tmp_path, timeout=120)
    assert nb.cells[0].outputs[0].text.strip() == sys.executable


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_runs_top_to_bottom_in_a_fresh_kernel(path: Path) -> None:
    nb = read(path)
    for cell in code_cells(nb):  # start from nothing: the committed outputs must not matter
        cell.outputs, cell.execution_count = [], None
    run(nb, path.parent, timeout=600)  # raises CellExecutionError at the first failing cell
    for cell in code_cells(nb):
        if _shows_something(cell.source):
            assert cell.outputs, f"{path.name}: this cell showed nothing:\n{cell.source}"
