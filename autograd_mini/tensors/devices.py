"""Devices, under PyTorch's names: ``device("cpu")``, ``device=`` of the factories and
``.to("cpu")``. autograd_mini computes on the CPU with NumPy, so the CPU is the one device;
asking for another ("cuda", "mps", "cuda:0", a ``torch.device``) raises a RuntimeError that
names the op and the device, instead of silently computing somewhere else.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["device"]


class device:
    """A device, as ``torch.device``: ``device("cpu")`` (or ``device("cpu", 0)``), the only
    one autograd_mini has. ``str(d)`` is ``'cpu'`` and ``repr(d)`` ``device(type='cpu')``."""

    __slots__ = ("_type",)

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        _check_device(type if index is None else f"{type}:{index}", "device")
        self._type = "cpu"

    @property
    def type(self) -> str:
        """The kind of device: always ``'cpu'``."""
        return self._type

    @property
    def index(self) -> None:
        """None, as for ``torch.device('cpu')``."""
        return None

    def __repr__(self) -> str:
        return f"device(type='{self._type}')"

    def __str__(self) -> str:
        return self._type

    def __eq__(self, other: object) -> bool:
        if isinstance(other, device):
            return True
        return isinstance(other, str) and other in ("cpu", "cpu:0")

    def __hash__(self) -> int:
        return hash(self._type)


CPU = device.__new__(device)
CPU._type = "cpu"


def _check_device(where: Any, who: str) -> None:
    """Nothing when ``where`` names the CPU (None, "cpu", "cpu:0", a device or a
    ``torch.device('cpu')``); a RuntimeError naming the op and the device otherwise."""
    if where is None or isinstance(where, device):
        return
    name = where if isinstance(where, str) else None
    if name is None and type(where).__name__ == "device":  # torch.device, by its str
        name = str(where)
    if name is None:
        if isinstance(where, (int, np.integer)) and not isinstance(where, bool):
            name = f"cuda:{int(where)}"  # torch reads a bare int as a CUDA device index
        else:
            raise TypeError(f"{who}: device must be a str such as 'cpu' or a device, got "
                            f"{type(where).__name__} {where!r}")
    if name.strip() in ("cpu", "cpu:0"):
        return
    raise RuntimeError(f"{who}: device {name!r} is not available: autograd_mini computes on "
                       "the CPU with NumPy, so the only device is 'cpu' (drop device=, or "
                       "pass device='cpu')")


def _is_device(arg: Any) -> bool:
    """Whether a positional argument of ``to()`` names a device rather than a dtype."""
    if isinstance(arg, (device, int)) and not isinstance(arg, bool):
        return True
    if isinstance(arg, str):
        try:
            np.dtype(arg)
        except TypeError:
            return True
        return False
    return type(arg).__name__ == "device"


def _to_args(args: tuple[Any, ...], dtype: Any, device: Any, who: str) -> Any:
    """The dtype asked for by PyTorch's forms of ``to()``: ``to(dtype)``, ``to(device)``,
    ``to(device, dtype)``, ``to(other_tensor)``, ``to(device=..., dtype=...)`` (None: keep
    the dtype). Checks the device (the CPU only)."""
    if len(args) > 2:
        raise TypeError(f"{who}: expected at most a device and a dtype, got {len(args)} "
                        "positional arguments")
    for arg in args:
        if _is_device(arg):
            device = arg
        elif type(arg).__name__ in ("Tensor", "Parameter"):  # to(other): its dtype
            dtype = arg.dtype
        else:
            dtype = arg
    _check_device(device, who)
    return dtype
