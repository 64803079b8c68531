"""Shared test settings: Hypothesis profiles and the PyTorch oracle."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# deadline=None: timing varies on shared CI machines, and a slow example is not a bug.
settings.register_profile("default", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TORCH_REASON = "PyTorch is not installed (pip install torch==2.13.0, the 'test' extra)"


def pytest_configure(config: pytest.Config) -> None:
    # `make test` (and so CI) installs torch and sets this, so the oracle tests can never
    # be skipped there without the run failing.
    if os.environ.get("AUTOGRAD_MINI_REQUIRE_TORCH") == "1":
        try:
            import torch  # noqa: F401
        except ImportError as exc:  # pragma: no cover - only when the install is broken
            raise pytest.UsageError(f"AUTOGRAD_MINI_REQUIRE_TORCH=1 but {TORCH_REASON}") from exc


@pytest.fixture(scope="session")
def torch():  # type: ignore[no-untyped-def]
    """The torch module, or a skip that says why (tests compare against it in float64)."""
    return pytest.importorskip("torch", reason=TORCH_REASON)
