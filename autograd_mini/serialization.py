"""Save and load parameters as ``.npz`` archives, safely.

::

    autograd_mini.save(model.state_dict(), "moons.npz")
    model.load_state_dict(autograd_mini.load("moons.npz"))

The file is a NumPy ``.npz`` (a zip of ``.npy`` arrays), readable by
``numpy.load(path)`` too. Numbers round-trip exactly, bit for bit. Nothing is ever
unpickled: ``torch.load`` and ``pickle.load`` can run any code a file asks for, so a
file that is a pickle, holds pickled objects, or is not a well-formed archive of
numeric arrays is refused with an error and never executed.

``load`` is bounded: before it allocates anything it checks every array's declared shape
and dtype against the size the zip directory gives it and against ``max_bytes`` (1 GiB by
default), and it reads no entry past its declared size, so a small hostile file (a zip
bomb, a forged header) cannot make it allocate gigabytes.
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from typing import IO, Any, NamedTuple

import numpy as np

__all__ = ["DEFAULT_MAX_BYTES", "load", "save"]

_NUMERIC = "biufc"  # bool, signed and unsigned ints, floats, complex: no objects, no text
DEFAULT_MAX_BYTES = 2**30  # 1 GiB of array data per file, unless load(..., max_bytes=) says
_CHUNK = 2**18  # bytes read from an entry at a time, into the array itself
PathLike = str | os.PathLike[str]
Shape = tuple[int, ...]


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
        if "/" in key or "\\" in key:
            raise ValueError(f"save: key {key!r} holds a path separator, which load refuses "
                             "(an entry name that is a path could point into folders); use "
                             "dots, as state_dict keys do: 'layers.0.weight'")
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


class _Entry(NamedTuple):
    """One array of the archive, checked: where it is, what it declares, its header bytes."""

    info: zipfile.ZipInfo
    key: str
    shape: Shape
    fortran_order: bool
    dtype: np.dtype[Any]
    header: bytes  # the .npy magic and header, as read
    nbytes: int  # the array data the header declares


class _Recording:
    """A reader that keeps what it read: the .npy header's bytes, hence its length."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.seen = raw, bytearray()

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.seen += data
        return data


def _size(n: int) -> str:
    """``8000 bytes (7.8 KiB)``: exact, and readable."""
    if n >= 2**80:  # a forged shape: too long to print, or to divide as a float
        return f"over 2**{n.bit_length() - 1} bytes"
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n} bytes ({n / scale:.1f} {unit})"
    return f"{n} bytes"


def _open_regular(path: str) -> IO[bytes]:
    """``open(path, "rb")`` for a regular file only: a FIFO, a device or a socket could
    block forever or never end, so it is refused before it is opened."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISREG(mode):  # opened without blocking, and checked again once open
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                         getattr(os, "O_BINARY", 0))
            mode = os.fstat(fd).st_mode
            if stat.S_ISREG(mode):
                return os.fdopen(fd, "rb")
            os.close(fd)
    except OSError as exc:  # the same kind of error, saying who and what in one line
        reason = ("there is no such file" if isinstance(exc, FileNotFoundError) else
                  exc.strerror)
        raise type(exc)(f"load: cannot read {path!r}: {reason}") from None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"load: cannot read {path!r}: it is a folder")
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
            "a character device" if stat.S_ISCHR(mode) else
            "a block device" if stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise ValueError(f"load: {path!r} is {kind}, not a regular file; load reads .npz files "
                     "only (reading a pipe or a device could block forever or never end)")


def _read_header(path: str, key: str, member: IO[bytes]
                 ) -> tuple[Shape, bool, np.dtype[Any], bytes]:
    """The shape, order and dtype an entry's .npy header declares, reading no data."""
    fp = _Recording(member)
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version in ((2, 0), (3, 0)):  # 3.0 differs only for non-latin-1 field names,
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fp)  # not numbers
        else:
            raise ValueError(f"unknown .npy format version {version}")
        if dtype.hasobject:
            raise ValueError("Object arrays cannot be loaded when allow_pickle=False")
    except ValueError as exc:
        raise ValueError(f"load: {key!r} in {path!r} cannot be read without unpickling or is "
                         f"corrupt ({exc}); refusing the file") from exc
    return shape, fortran_order, dtype, bytes(fp.seen)


def _checked_names(path: str, zf: zipfile.ZipFile) -> None:
    """Every entry is an .npy array, named once, by a key and not a path."""
    seen: set[str] = set()
    for name in zf.namelist():
        if not name.endswith(".npy"):
            raise ValueError(f"load: {path!r} contains {name!r}, which is not an .npy array; "
                             "refusing the file")
        if "/" in name or "\\" in name:
            raise ValueError(f"load: {path!r} contains {name!r}, an entry name with a path "
                             "separator; the entries of an .npz written by save are named by "
                             "state_dict keys, never by paths; refusing the file")
        if name in seen:
            raise ValueError(f"load: {path!r} contains two entries named {name!r}; which one "
                             "is the array? Refusing the file")
        seen.add(name)


def _checked_entry(path: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Entry:
    """An entry's header, dtype and declared size, checked against the zip directory."""
    key = info.filename[:-4]
    with zf.open(info) as member:
        shape, fortran_order, dtype, header = _read_header(path, key, member)
    if dtype.kind not in _NUMERIC:
        raise ValueError(f"load: {key!r} in {path!r} holds {dtype} data; expected numbers")
    if any(n < 0 or n >= 2**63 for n in shape):  # and not too long to print (4300 digits)
        what = (f"the shape {shape}" if all(abs(n) < 2**63 for n in shape) else
                "a shape with a size of over 19 digits")
        raise ValueError(f"load: {key!r} in {path!r} declares {what}: a negative size or one "
                         "NumPy cannot hold; the file is corrupt, refusing it")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != info.file_size - len(header):
        raise ValueError(f"load: {key!r} in {path!r}: its .npy header declares "
                         f"{_size(nbytes)} of data (shape {shape}, {dtype}) but the zip "
                         f"directory gives the entry {_size(info.file_size - len(header))} "
                         "after its header; the file is corrupt or forged, refusing it "
                         "(nothing was allocated)")
    return _Entry(info, key, shape, fortran_order, dtype, header, nbytes)


def _checked_entries(path: str, zf: zipfile.ZipFile, max_bytes: int | None) -> list[_Entry]:
    """Every entry checked, and their declared sizes against ``max_bytes``, before any
    array is allocated."""
    _checked_names(path, zf)
    entries: list[_Entry] = []
    total = 0
    for info in zf.infolist():
        entry = _checked_entry(path, zf, info)
        total += entry.nbytes
        if max_bytes is not None and total > max_bytes:
            before = (f", and the entries before it {_size(total - entry.nbytes)}"
                      if total > entry.nbytes else "")
            raise ValueError(f"load: {entry.key!r} in {path!r} declares {_size(entry.nbytes)} "
                             f"of data (shape {entry.shape}, {entry.dtype}){before}, more than "
                             f"the limit max_bytes={_size(max_bytes)} allows; nothing was "
                             "loaded. If you trust the file, pass a larger max_bytes (or "
                             "max_bytes=None for no limit)")
        entries.append(entry)
    return entries


def _read_entry(path: str, zf: zipfile.ZipFile, entry: _Entry) -> np.ndarray:
    """The array of a checked entry, read into the array itself a chunk at a time; never
    more than the entry declares."""
    array = np.empty(entry.shape, entry.dtype, order="F" if entry.fortran_order else "C")
    data = array.reshape(-1, order="A").view(np.uint8)  # the array's own bytes, in file order
    with zf.open(entry.info) as member:
        if member.read(len(entry.header)) != entry.header:
            raise ValueError(f"load: {entry.key!r} in {path!r} changed while it was read; "
                             "refusing the file")
        filled = 0
        while filled < entry.nbytes:
            chunk = data[filled:filled + _CHUNK]
            got = member.readinto(chunk)  # type: ignore[attr-defined]  # a ZipExtFile's
            if not got:
                raise ValueError(f"load: {entry.key!r} in {path!r} ends after {filled} of the "
                                 f"{_size(entry.nbytes)} of data it declares; the file is "
                                 "truncated or corrupt, refusing it")
            filled += got
        if member.read(1):
            raise ValueError(f"load: {entry.key!r} in {path!r} holds more than the "
                             f"{_size(entry.nbytes)} of data it declares; the file is corrupt "
                             "or forged, refusing it")
    return array


def load(path: PathLike, max_bytes: int | None = DEFAULT_MAX_BYTES) -> dict[str, np.ndarray]:
    """Read an archive written by :func:`save` (or ``numpy.savez``): ``{name: array}``.

    Raises ValueError, naming the file and what is wrong, for anything but a zip of
    numeric ``.npy`` arrays: a pickle, an object array inside the archive, a truncated or
    corrupt file, entry names that repeat or hold a path separator, a FIFO or a device.
    Pickled data is never unpickled.

    The file is bounded: the arrays it declares may hold at most ``max_bytes`` bytes of
    data in all (``DEFAULT_MAX_BYTES``, 1 GiB, by default; ``max_bytes=None`` for no
    limit). Each array's shape and dtype are checked against its size in the zip directory
    and against the limit before anything is allocated, and no entry is read past its
    declared size, so a zip bomb or a forged header is refused with a ValueError naming
    the entry, its declared size and the limit. Nothing is returned unless every array
    was read.
    """
    if max_bytes is not None and (isinstance(max_bytes, bool) or not isinstance(max_bytes, int)):
        raise TypeError(f"load: max_bytes must be an int (bytes of array data) or None for no "
                        f"limit, got {type(max_bytes).__name__} {max_bytes!r}")
    if max_bytes is not None and max_bytes < 0:
        raise ValueError(f"load: max_bytes must be >= 0 (bytes of array data), got {max_bytes}")
    path = os.fspath(path)
    with _open_regular(path) as f:
        head = f.read(4)
        if head[:2] != b"PK":
            what = ("a Python pickle, which can run code when loaded; it is never read"
                    if head[:1] == b"\x80" else f"it starts with {head!r}")
            raise ValueError(f"load: {path!r} is not an .npz archive ({what}); "
                             "autograd_mini.load reads only files written by autograd_mini.save "
                             "or numpy.savez")
        f.seek(0)
        try:
            with zipfile.ZipFile(f) as zf:
                entries = _checked_entries(path, zf, max_bytes)
                return {entry.key: _read_entry(path, zf, entry) for entry in entries}
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError,
                RuntimeError) as exc:  # RuntimeError: encrypted, or an unknown compression
            raise ValueError(f"load: {path!r} is not a readable .npz archive ({exc})") from exc
