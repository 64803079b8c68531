"""Run the notebooks top to bottom in a fresh kernel; with ``--write``, save their outputs.

    .venv/bin/python tools/run_notebooks.py                 # run every notebooks/*.ipynb
    .venv/bin/python tools/run_notebooks.py --write         # ... and save them with outputs
    .venv/bin/python tools/run_notebooks.py notebooks/03_gradient_descent.ipynb --write

``make notebooks`` is the second line. The tests (``tests/test_notebooks.py``) run the
notebooks with the same :func:`run`, so what is committed is what CI executes.

The kernel is always the Python running this script (``sys.executable``, the virtual
environment's in ``make``): it is described in a temporary kernelspec directory that is
the only one searched, so a ``python3`` kernel registered elsewhere on the machine (in
``~/.local/share/jupyter``, say, pointing at another Python) is never picked.

Saving makes the files read well on a code host: tqdm's progress-bar widgets, which a
code host cannot draw (it would show the bar's first state, 0%), are replaced by their
final text. Printed text is joined into one output per run of prints, and no cell-timing
metadata is recorded, so re-running changes only what really changed (timings measured
in the notebooks).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "python3"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def notebook_paths() -> list[Path]:
    """Every notebook, in reading order (their names start with 01_, 02_, ...)."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


@contextmanager
def this_python_kernel() -> Iterator[tuple[Any, Path]]:
    """A KernelSpecManager that knows one kernel, ``python3``, run by ``sys.executable``,
    and a temporary directory for the kernel's connection file (nothing goes to ~/.local)."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory(prefix="autograd-mini-kernel-") as tmp:
        spec = Path(tmp) / KERNEL_NAME
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "metadata": {"debugger": False},
        }), encoding="utf-8")
        yield KernelSpecManager(kernel_dirs=[tmp], ensure_native_kernel=False), Path(tmp)


def kernel_env() -> dict[str, str]:
    """The kernel's environment: ours, minus what would change how the notebooks render."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # e.g. Agg on a CI machine would hide every plot
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silence debugpy's frozen-modules warning
    return env


def run(nb: Any, cwd: Path, timeout: int = 600) -> Any:
    """Execute notebook ``nb`` (a NotebookNode, changed in place) in a fresh kernel.

    Raises ``nbclient.exceptions.CellExecutionError`` at the first cell that fails.
    ``timeout`` (seconds per cell) only guards against a hang.
    """
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    with this_python_kernel() as (specs, tmp):
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs,
                                connection_file=str(tmp / "connection.json"))
        client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False,
                                store_widget_state=True,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute(env=kernel_env())
    freeze_progress_bars(nb)
    coalesce_streams(nb)
    return nb


def coalesce_streams(nb: Any) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one.

    The kernel sends printed text in chunks whose boundaries depend on timing; joined,
    the same run always saves the same outputs.
    """
    for cell in nb.cells:
        merged: list[Any] = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (output.get("output_type") == "stream" and last is not None
                    and last.get("output_type") == "stream" and last["name"] == output["name"]):
                last["text"] += output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged


def freeze_progress_bars(nb: Any) -> None:
    """Replace each tqdm widget output by the text of its final state.

    A widget output holds only a reference to a model plus the text of the bar when
    it was first shown; the final state lives in the notebook's widget metadata. Outputs
    that are not tqdm bars are left alone. The widget metadata is then dropped.
    """
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            text = _progress_text(widgets, view.get("model_id", ""))
            if text is not None:
                output["data"] = {"text/plain": text}
    if all(WIDGET_VIEW not in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])):
        nb.metadata.pop("widgets", None)


def _progress_text(widgets: dict[str, Any], model_id: str) -> str | None:
    """``desc: 100%|██████████| 100/100 [00:03<00:00, ...]`` from a tqdm HBox's state."""
    box = widgets.get(model_id)
    if box is None or box.get("model_name") != "HBoxModel":
        return None
    children = [widgets.get(str(c).removeprefix("IPY_MODEL_"), {})
                for c in box["state"].get("children", [])]
    if [c.get("model_name") for c in children] != ["HTMLModel", "FloatProgressModel",
                                                    "HTMLModel"]:
        return None
    left, bar, right = (c["state"] for c in children)

    def text(value: Any) -> str:
        return html.unescape(str(value or "")).replace("\u2007", " ").strip()

    total = bar.get("max") or 0
    filled = round(10 * min(1.0, bar.get("value", 0) / total)) if total else 0
    drawn = "█" * filled + " " * (10 - filled)
    return f"{text(left.get('value'))}|{drawn}| {text(right.get('value'))}"


def execute(path: Path, write: bool = False, timeout: int = 600) -> float:
    """Run the notebook at ``path`` (saving it with its outputs if ``write``); seconds taken."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    run(nb, path.parent, timeout)
    elapsed = time.perf_counter() - start
    if write:
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--write", action="store_true", help="save the outputs into the files")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.paths or notebook_paths():
        elapsed = execute(path, args.write, args.timeout)
        size = path.stat().st_size / 1024
        print(f"{path.name}: ran in {elapsed:.1f} s"
              + (f", saved ({size:.0f} KiB)" if args.write else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
