"""Save and load parameters as ``.npz`` archives, safely.

::

    autograd_mini.save(model.state_dict(), "moons.npz")
    model.load_state_dict(autograd_mini.load("moons.npz"))

The file is a NumPy ``.npz`` (a zip of ``.npy`` arrays), readable by
``numpy.load(path)`` too. Numbers round-trip exactly, bit for bit. Nothing is ever
unpickled: ``torch.load`` and ``pickle.load`` can run any code a file asks for, so a
file that is a pickle, holds pickled objects, or is not a well-formed archive of
numeric arrays is refused with an error and never executed.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["load", "save"]

_NUMERIC = "biufc"  # bool, signed and unsigned ints, floats, complex: no objects, no text
PathLike = str | os.PathLike[str]


def _as_array(key: str, value: Any) -> np.ndarray:
    if not isinstance(value, np.ndarray) and hasattr(value, "data") and hasattr(value, "grad"):
        value = value.data  # a Value or a Tensor: save its numbers
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"save: {key!r} cannot be stored as an array: {exc}") from exc
    if array.dtype.kind not in _NUMERIC:
        raise TypeError(f"save: {key!r} holds {array.dtype} data ({type(value).__name__}); "
                        "only numbers and booleans can be saved (no objects, no pickles)")
    return array


def save(state_dict: Mapping[str, Any], path: PathLike) -> None:
    """Write ``{name: array}`` to ``path`` as an ``.npz`` archive (the name is used as given).

    Values may be NumPy arrays, numbers, or Values/Tensors (their ``.data`` is saved).
    The file is written to a temporary name first and then renamed, so an interrupted
    save never leaves a half-written file under ``path``.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save: expected a dict of arrays such as model.state_dict(), "
                        f"got {type(state_dict).__name__}")
    arrays = {}
    for key, value in state_dict.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"save: keys must be non-empty strings, got {key!r}")
        arrays[key] = _as_array(key, value)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):  # else mkstemp would name its temporary file, not this
        raise FileNotFoundError(f"save: cannot write {path!r}: the folder {folder!r} does "
                                "not exist")
    fd, tmp = tempfile.mkstemp(prefix=".autograd_mini-", suffix=".npz.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
            for key, array in arrays.items():
                with zf.open(key + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load(path: PathLike) -> dict[str, np.ndarray]:
    """Read an archive written by :func:`save` (or ``numpy.savez``): ``{name: array}``.

    Raises ValueError, naming the file and what is wrong, for anything but a zip of
    numeric ``.npy`` arrays: a pickle, an object array inside the archive, a truncated or
    corrupt file. Pickled data is never unpickled.
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as exc:  # the same kind of error, saying who and what in one line
        reason = ("there is no such file" if isinstance(exc, FileNotFoundError) else
                  "it is a folder" if isinstance(exc, IsADirectoryError) else exc.strerror)
        raise type(exc)(f"load: cannot read {path!r}: {reason}") from None
    if head[:2] != b"PK":
        what = ("a Python pickle, which can run code when loaded; it is never read"
                if head[:1] == b"\x80" else f"it starts with {head!r}")
        raise ValueError(f"load: {path!r} is not an .npz archive ({what}); "
                         "autograd_mini.load reads only files written by autograd_mini.save "
                         "or numpy.savez")
    result: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if not name.endswith(".npy"):
                    raise ValueError(f"load: {path!r} contains {name!r}, which is not an "
                                     ".npy array; refusing the file")
                key = name[:-4]
                with zf.open(name) as member:
                    try:
                        array = np.lib.format.read_array(member, allow_pickle=False)
                    except ValueError as exc:
                        raise ValueError(f"load: {key!r} in {path!r} cannot be read without "
                                         f"unpickling or is corrupt ({exc}); refusing the "
                                         "file") from exc
                if array.dtype.kind not in _NUMERIC:
                    raise ValueError(f"load: {key!r} in {path!r} holds {array.dtype} data; "
                                     "expected numbers")
                result[key] = array
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ValueError(f"load: {path!r} is not a readable .npz archive ({exc})") from exc
    return result
