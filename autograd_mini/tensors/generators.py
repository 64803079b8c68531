"""``Generator``, PyTorch's name for a random stream: ``Generator().manual_seed(s)``, passed as
``generator=`` to randn, rand and dropout.

It is a NumPy ``np.random.Generator`` (PCG64) with PyTorch's methods added, so everything that
took a NumPy generator takes it, and a NumPy generator is still accepted wherever it is.
Seeded streams cannot match PyTorch's bit for bit: PyTorch draws with a Mersenne Twister and
its own transformations (Box-Muller for normals), NumPy with PCG64 and a ziggurat. The same
seed gives the same numbers every run here, and numbers from the same distributions as
PyTorch's, but not PyTorch's numbers: to compare the two libraries, make the data once and
copy it (``from_numpy``, ``load_state_dict``).

This file imports ``numpy.random`` (about as costly as the rest of ``import autograd_mini``),
so it loads on first use: ``autograd_mini.Generator``, ``manual_seed`` or the first draw.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

from .devices import _check_device

__all__ = ["Generator"]

DEFAULT_SEED = 67280421310721
"""The seed of a new ``Generator()``, PyTorch's (``torch.Generator().initial_seed()``)."""


def _seed_arg(seed: Any, who: str) -> int:
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"{who}: seed must be an int, got {type(seed).__name__} {seed!r}")
    seed = int(seed)
    if seed < 0:  # PyTorch reads a negative seed as its two's complement, a 64-bit number
        seed += 2**64
    if not 0 <= seed < 2**64:
        raise RuntimeError(f"{who}: seed {seed} is out of range; it must fit in 64 bits "
                           f"(from {-2**63} to {2**64 - 1})")
    return seed


class Generator(np.random.Generator):
    """A random stream, as ``torch.Generator``: ``g = Generator().manual_seed(42)``, then
    ``randn(3, generator=g)``. A new Generator starts from PyTorch's default seed
    (67280421310721), so it repeats from run to run, as PyTorch's does.

    It is a NumPy ``np.random.Generator`` (PCG64), so its numbers are NumPy's: they cannot
    match PyTorch's for the same seed (different algorithms), only follow the same
    distributions.
    """

    def __init__(self, device: Any = "cpu") -> None:
        _check_device(device, "Generator")
        super().__init__(np.random.PCG64(DEFAULT_SEED))
        self._initial_seed = DEFAULT_SEED

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns the generator itself, as PyTorch's.

        ``Generator().manual_seed(s)`` draws the same numbers as ``np.random.default_rng(s)``.
        """
        seed = _seed_arg(seed, "Generator.manual_seed")
        self.bit_generator.state = np.random.PCG64(seed).state
        self._initial_seed = seed
        return self

    def seed(self) -> int:
        """Restart the stream from a fresh random seed, and return that seed (as PyTorch's)."""
        seed = secrets.randbits(64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the stream last started from (``manual_seed`` or ``seed``)."""
        return self._initial_seed

    @property
    def device(self) -> Any:
        """``device(type='cpu')``."""
        from .devices import CPU

        return CPU

    def __repr__(self) -> str:
        return f"<autograd_mini.Generator (NumPy PCG64) initial_seed={self._initial_seed}>"

    __str__ = __repr__
