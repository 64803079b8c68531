"""The line budget that keeps the package readable, and an import that loads little.

A learner reads this package; the budget (files under 800 lines, functions under 80) is a
design tool, as in teenygrad: a function that outgrows it has steps worth naming.
``import autograd_mini`` loads the engine and the two node kinds only; drawing, nn, optim,
data sets and the progress bar load when first used (timed in benchmarks/imports.py).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograd_mini"
FILES = sorted(PACKAGE.rglob("*.py"))
MAX_FILE_LINES, MAX_FUNCTION_LINES = 800, 80


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_files_and_functions_keep_to_the_line_budget(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_FILE_LINES, f"{path.name} has {text.count(chr(10))} lines"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno is not None
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_budget_test_sees_the_package() -> None:
    names = {str(p.relative_to(PACKAGE)) for p in FILES}
    assert {"engine/backward.py", "scalar/rules.py", "tensors/__init__.py"} <= names


LOADED_ON_FIRST_USE = ("tqdm", "graphviz", "autograd_mini.nn", "autograd_mini.optim",
                       "autograd_mini.data", "autograd_mini.train", "autograd_mini.viz.draw",
                       "autograd_mini.viz.explain", "autograd_mini.serialization",
                       "autograd_mini.viz.notebook", "autograd_mini.playground",
                       "autograd_mini.autograd", "autograd_mini.func",
                       "autograd_mini.autograd.functional")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


def test_import_loads_only_the_engine_and_the_node_kinds() -> None:
    loaded = _modules_after("import autograd_mini")
    assert "autograd_mini.engine.backward" in loaded and "autograd_mini.tensors" in loaded
    early = sorted(m for m in LOADED_ON_FIRST_USE if m in loaded)
    assert not early, f"import autograd_mini loads {early}, which should load on first use"


def test_the_lazy_names_load_when_used() -> None:
    loaded = _modules_after("import autograd_mini as am\nam.nn.Linear; am.draw; am.explain\n"
                            "from autograd_mini import optim, data, train, save")
    assert {"autograd_mini.nn", "autograd_mini.viz.draw", "autograd_mini.optim",
            "autograd_mini.data", "autograd_mini.serialization"} <= loaded
    import autograd_mini as am

    assert callable(am.gradcheck) and callable(am.explain) and callable(am.draw)
    assert set(am.__all__) <= set(dir(am))
    with pytest.raises(AttributeError, match="no attribute 'tensor_'"):
        am.tensor_  # noqa: B018


def test_no_lazy_name_is_also_a_module_of_the_package() -> None:
    """``import autograd_mini.<name>`` binds the module <name> on the package; a function
    loaded lazily under the same name (as ``gradcheck`` once was, from gradcheck.py) would
    then be the module, and ``am.gradcheck(f, x)`` a TypeError."""
    import autograd_mini as am

    modules = {p.stem for p in PACKAGE.glob("*.py")} | {p.parent.name
                                                         for p in PACKAGE.glob("*/__init__.py")}
    clashes = sorted(name for name, (source, attribute) in am._LAZY.items()
                     if name in modules and attribute is not None)
    assert not clashes, f"lazy names that are also modules of the package: {clashes}"
    assert "gradient_check" in modules and "gradcheck" in am._LAZY  # the test sees both sides
