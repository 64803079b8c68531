"""The figures behind test_tutorials' RMSprop exception, printed: how far the tutorial's
RMSprop fit (2,000 steps) parts from torch's own run, for torch with the initial bias one ulp
higher and for autograd_mini, as the largest relative loss difference up to step 400, after
it, and at the last step.

    PYTHONPATH=. .venv/bin/python tools/rmsprop_sensitivity.py
"""

from __future__ import annotations

import numpy as np
import torch

import autograd_mini
import tests.test_tutorials as tt


def main() -> None:
    theirs = tt.rmsprop_fit_losses(torch)
    k = tt.SENSITIVE_FROM
    runs = {"torch vs torch, 1 ulp in the bias": tt.rmsprop_fit_losses(torch, nudge=True),
            "autograd_mini vs torch": tt.rmsprop_fit_losses(autograd_mini)}
    for name, other in runs.items():
        apart = np.abs(other - theirs) / np.abs(theirs)
        print(f"{name}: to step {k} {apart[:k].max():.1e}, after {apart[k:].max():.1e}, "
              f"at step {tt.STEPS} {apart[-1]:.1e}")


if __name__ == "__main__":
    main()
