"""Run every benchmark and print its table (``make bench``).

Each benchmark measures in fresh processes or alternating blocks and prints medians and
ratios; see the docstring of each script for what it measures and why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ("Scalar engine: micrograd's demo epoch from elementary ops, and deep chains (issue 2)",
     "scalar_engine.py"),
    ("Scalar MLP with one n-ary node per neuron (issue 5)", "scalar_mlp.py"),
    ("Tensor MLP training step against hand-written NumPy and PyTorch (issue 3)",
     "tensor_mlp.py"),
    ("Digits MLP, Adam, 30 epochs, beside PyTorch (issue 5)", "digits.py"),
    ("Drawing graphs of about 1,000 values as SVG (issue 4)", "draw_render.py"),
    ("Loading a 100 MB state_dict (issue 17)", "load_state_dict.py"),
    ("explain() on long chains (issue 18)", "explain_paths.py"),
    ("Jacobians both ways: jacfwd (n sweeps) vs jacrev (m passes), beside torch.func (issue 16)",
     "jacobian_modes.py"),
    ("Start-up: import autograd_mini and a CLI call against import numpy (issue 14)",
     "imports.py"),
]


def main() -> int:
    failed = []
    for title, script in BENCHMARKS:
        path = HERE / script
        print(f"\n## {title}\n\n$ python benchmarks/{script}\n", flush=True)
        if subprocess.run([sys.executable, str(path)], check=False).returncode:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
