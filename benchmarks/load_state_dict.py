"""Loading (issue 17): how long ``autograd_mini.load`` takes to read an honest 100 MB state_dict.

    python benchmarks/load_state_dict.py                          # this checkout's load
    PYTHONPATH=/path/to/other python benchmarks/load_state_dict.py  # that checkout's load
    python benchmarks/load_state_dict.py --compare-with /path/to/other

The state_dict is four float64 layers of random numbers, 100 MB in all (what
``autograd_mini.save`` writes: an uncompressed .npz), saved once to a temporary folder.
Each round loads it afresh (a new ``load`` call reading the file; the operating system's
cache is warm after the first); the figure is the median over the rounds. With
``--compare-with PATH`` the ``load`` of ``PATH/autograd_mini/serialization.py`` is timed
in the same process, its rounds alternating with this one's, so that both see the same
machine; the two must return the same arrays.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if "PYTHONPATH" not in os.environ and str(ROOT) not in sys.path:  # else PYTHONPATH decides
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import autograd_mini  # noqa: E402
from autograd_mini import save  # noqa: E402

Loader = Callable[[str], dict[str, Any]]
SIZES = [(2500, 1250), (2500,)] * 4  # 12.5 M float64 numbers (100.1 MB) in 8 arrays


def state_dict() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    names = [f"{i // 2}.{'weight' if i % 2 == 0 else 'bias'}" for i in range(len(SIZES))]
    return {name: rng.standard_normal(shape) for name, shape in zip(names, SIZES)}


def loader_from(checkout: Path) -> Loader:
    """The ``load`` of another checkout's serialization.py (it imports only NumPy)."""
    source = checkout / "autograd_mini" / "serialization.py"
    spec = importlib.util.spec_from_file_location("other_serialization", source)
    if spec is None or spec.loader is None or not source.is_file():
        raise SystemExit(f"--compare-with: no autograd_mini/serialization.py in {checkout}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    load: Loader = module.load
    return load


def time_once(load: Loader, path: str) -> tuple[float, dict[str, Any]]:
    gc.collect()
    start = time.perf_counter()
    result = load(path)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="loads per candidate")
    parser.add_argument("--compare-with", type=Path, metavar="PATH",
                        help="a checkout whose load to time too, alternating rounds")
    args = parser.parse_args()
    candidates: dict[str, Loader] = {str(Path(autograd_mini.__file__).parent): autograd_mini.load}
    if args.compare_with:
        candidates[str(args.compare_with / "autograd_mini")] = loader_from(args.compare_with)
    sd = state_dict()
    nbytes = sum(a.nbytes for a in sd.values())
    times: dict[str, list[float]] = {name: [] for name in candidates}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "state_dict.npz")
        save(sd, path)
        for name, load in candidates.items():  # one untimed load each: warm the caches
            loaded = load(path)
            assert all(np.array_equal(loaded[k], sd[k]) for k in sd), name
            del loaded
        for _ in range(args.rounds):
            for name, load in candidates.items():
                seconds, result = time_once(load, path)
                times[name].append(seconds)
                del result
    print(f"state_dict: {len(sd)} float64 arrays, {nbytes / 1e6:.1f} MB; "
          f"median of {args.rounds} loads each")
    print("| load of | median | min | max | MB/s |")
    print("|---|---:|---:|---:|---:|")
    for name, ts in times.items():
        median = statistics.median(ts)
        print(f"| {name} | {median * 1e3:.1f} ms | {min(ts) * 1e3:.1f} ms | "
              f"{max(ts) * 1e3:.1f} ms | {nbytes / 1e6 / median:.0f} |")


if __name__ == "__main__":
    main()
