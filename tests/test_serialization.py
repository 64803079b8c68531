"""save/load: exact round trips, and pickles or malformed files refused without running them."""

from __future__ import annotations

import functools
import io
import os
import pathlib
import pickle
import re
import struct
import threading
import tracemalloc
import warnings
import zipfile
import zlib
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Value
from autograd_mini.nn.scalar import MLP


class Payload:
    """Unpickling this creates the file ``marker``: a stand-in for any code a pickle may run."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (pathlib.Path.touch, (self.marker,))


def test_the_payload_really_has_side_effects(tmp_path: pathlib.Path) -> None:
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(Payload(marker)))
    assert marker.exists()  # so the refusals below are tested against a live payload


def test_round_trip_is_bit_exact(tmp_path: pathlib.Path) -> None:
    nan_payload = np.array([0x7FF8_0000_0000_1234], dtype=np.uint64).view(np.float64)[0]
    weights = np.array([0.1, -0.0, np.inf, -np.inf, 5e-324, 1.7976931348623157e308,
                        nan_payload, np.nextafter(1.0, 2.0)])
    state = {
        "layers.0.weight": weights.reshape(2, 4),
        "layers.0.bias": np.array([1 / 3]),
        "f32": np.array([1.1, 2.2], dtype=np.float32),
        "steps": np.array(7),
        "mask": np.array([True, False]),
        "counts": np.arange(5, dtype=np.int64),
        "scalar": 0.1,
        "value": Value(2.5),
    }
    path = tmp_path / "model.bin"  # any name: no .npz is appended
    am.save(state, path)
    assert os.listdir(tmp_path) == ["model.bin"]
    loaded = am.load(path)
    assert list(loaded) == list(state)
    for key, original in state.items():
        expected = np.asarray(original.data if isinstance(original, Value) else original)
        assert loaded[key].dtype == expected.dtype and loaded[key].shape == expected.shape
        assert loaded[key].tobytes() == expected.tobytes(), key
    assert np.load(path)["layers.0.bias"][0] == 1 / 3  # an ordinary .npz for NumPy too


def test_mlp_state_dict_round_trip(tmp_path: pathlib.Path) -> None:
    model, other = MLP(2, [8, 1], seed=1), MLP(2, [8, 1], seed=2)
    am.save(model.state_dict(), tmp_path / "m.npz")
    other.load_state_dict(am.load(tmp_path / "m.npz"))
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]


def test_a_pickle_file_is_refused_and_never_run(tmp_path: pathlib.Path) -> None:
    marker, path = tmp_path / "ran", tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"layers.0.weight": Payload(marker)}))
    with pytest.raises(ValueError, match=r"pickle.*never read"):
        am.load(path)
    assert not marker.exists()


def test_pickled_objects_inside_an_npz_are_refused_and_never_run(tmp_path: pathlib.Path) -> None:
    marker, path = tmp_path / "ran", tmp_path / "evil.npz"
    with open(path, "wb") as f:
        np.savez(f, weight=np.ones(2), evil=np.array([Payload(marker)], dtype=object))
    with pytest.raises(ValueError, match=r"'evil'.*cannot be read without unpickling"):
        am.load(path)
    assert not marker.exists()


def test_a_zip_with_other_members_is_refused(tmp_path: pathlib.Path) -> None:
    marker, path = tmp_path / "ran", tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("weight.pkl", pickle.dumps(Payload(marker)))
    with pytest.raises(ValueError, match=r"'weight\.pkl', which is not an \.npy array"):
        am.load(path)
    assert not marker.exists()


def _valid_bytes() -> bytes:
    buf = io.BytesIO()
    np.savez(buf, w=np.arange(100.0))
    return buf.getvalue()


@pytest.mark.parametrize("content, match", [
    (b"", "not an .npz archive"),
    (b"hello world", "not an .npz archive.*starts with b'hell'"),
    (_valid_bytes()[:200], "not a readable .npz archive|cannot be read"),
    (_valid_bytes()[:-30], "not a readable .npz archive|cannot be read"),
])
def test_malformed_files_are_refused_with_a_clear_error(tmp_path: pathlib.Path, content: bytes,
                                                        match: str) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        am.load(path)


def test_corrupted_array_data_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    am.save({"w": np.arange(100.0)}, path)
    raw = bytearray(path.read_bytes())
    raw[200] ^= 0xFF  # flip bits inside the stored array: the zip's CRC check fails
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"m\.npz"):
        am.load(path)


@pytest.mark.parametrize("state, error, match", [
    ({"w": np.array([Payload(pathlib.Path("x"))], dtype=object)}, TypeError,
     "only numbers and booleans"),
    ({"w": np.array(["text"])}, TypeError, "only numbers"),
    ({3: np.ones(1)}, TypeError, "keys must be non-empty strings"),
    ({"": np.ones(1)}, TypeError, "keys must be non-empty strings"),
    ([np.ones(1)], TypeError, "expected a dict of arrays"),
])
def test_save_refuses_what_cannot_be_stored_safely(tmp_path: pathlib.Path, state: object,
                                                   error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        am.save(state, tmp_path / "m.npz")  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []  # no file, not even a temporary one


def test_saving_over_an_existing_file_replaces_it(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    am.save({"a": np.ones(2)}, path)
    am.save({"b": np.zeros(3)}, path)
    assert list(am.load(path)) == ["b"]


# ------------------------------------------------------------------ load is bounded (issue 17)
def _npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False,
                                               "shape": shape})
    return buf.getvalue()


def _write_zip(path: pathlib.Path, name: str, raw: bytes, file_size: int, crc: int) -> None:
    """A zip of one deflated entry from its raw deflate stream, written by hand, so that a
    test can give the zip directory any uncompressed size and CRC (zipfile would
    recompress, and take seconds over gigabytes)."""
    fname = name.encode()
    fields = (zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(raw), file_size, len(fname))
    local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, *fields, 0)
    central = struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, *fields,
                          0, 0, 0, 0, 0, 0) + fname
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                      len(local) + len(fname) + len(raw), 0)
    path.write_bytes(local + fname + raw + central + end)


BOMB_ZEROS = 2**31  # 2 GiB of float64 zeros, deflated to 2 MB


def _deflated(data: bytes) -> bytes:
    """Raw deflate blocks of ``data`` ending in a full flush: blocks of this kind can be
    chained in any order, each decoding on its own, and ended by ``_END``."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


_END = b"\x03\x00"  # an empty final block
_ZEROS_16_MIB = functools.cache(lambda: _deflated(bytes(2**24)))  # 16 KB


@functools.cache
def _bomb_stream() -> tuple[bytes, bytes, int]:
    """(.npy header, raw deflate stream of the header and 2 GiB of zeros, its CRC-32).

    16 MiB of zeros deflate to the same 16 KB each time (a full flush resets the
    compressor), so the stream is that repeated, built in milliseconds."""
    header, zeros, repeats = _npy_header((BOMB_ZEROS // 8,)), bytes(2**24), BOMB_ZEROS // 2**24
    crc = zlib.crc32(header)
    for _ in range(repeats):
        crc = zlib.crc32(zeros, crc)
    return header, _deflated(header) + _ZEROS_16_MIB() * repeats + _END, crc


def _peak_bytes_of(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_zip_bomb_is_refused_before_anything_is_allocated(tmp_path: pathlib.Path) -> None:
    # issue 17: a 2 MB file inflating to 2 GiB took 20 s and 2.1 GB to load
    header, raw, crc = _bomb_stream()
    path = tmp_path / "bomb.npz"
    _write_zip(path, "w.npy", raw, len(header) + BOMB_ZEROS, crc)
    assert path.stat().st_size < 3 * 2**20  # and a well-formed zip: its CRC is the zeros'

    def refused() -> None:
        with pytest.raises(ValueError, match=r"load: 'w' in '.*bomb\.npz' declares 2147483648 "
                           r"bytes \(2\.0 GiB\) of data \(shape \(268435456,\), float64\), more "
                           r"than the limit max_bytes=1073741824 bytes \(1\.0 GiB\) allows; "
                           r"nothing was loaded\. If you trust the file, pass a larger "
                           r"max_bytes \(or max_bytes=None"):
            am.load(path)

    assert _peak_bytes_of(refused) < 2**20  # neither allocated nor read


def test_a_lying_zip_directory_cannot_inflate_an_entry_past_its_declared_size(
        tmp_path: pathlib.Path) -> None:
    # the stream inflates to 1 GiB; the directory (and its CRC) and the header say 8 bytes
    header = _npy_header((1,))
    path = tmp_path / "bomb.npz"
    _write_zip(path, "w.npy", _deflated(header) + _ZEROS_16_MIB() * 64 + _END,
               len(header) + 8, zlib.crc32(header + bytes(8)))
    loaded: dict[str, np.ndarray] = {}
    assert _peak_bytes_of(lambda: loaded.update(am.load(path))) < 2**20
    assert loaded["w"].tolist() == [0.0]  # what the file declares, and not a byte more


@pytest.mark.parametrize("shape, limit, declared", [
    ((10**12,), {}, r"8000000000000 bytes \(7\.3 TiB\)"),  # the default limit
    ((2**28,), {"max_bytes": None}, r"2147483648 bytes \(2\.0 GiB\)"),  # none: the directory binds
])
def test_a_lying_npy_header_is_refused_before_anything_is_allocated(
        tmp_path: pathlib.Path, shape: tuple[int, ...], limit: dict[str, Any],
        declared: str) -> None:
    # issue 17: shape (10**12,) raised NumPy's bare MemoryError ("Unable to allocate 7.28
    # TiB"); a few GB were allocated before the read failed
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("w.npy", _npy_header(shape) + bytes(8))

    def refused() -> None:
        with pytest.raises(ValueError, match=rf"load: 'w' in '.*m\.npz': its \.npy header "
                           rf"declares {declared} of data \(shape \({shape[0]},\), float64\) "
                           r"but the zip directory gives the entry 8 bytes after its header; "
                           r"the file is corrupt or forged, refusing it \(nothing was "
                           r"allocated\)"):
            am.load(path, **limit)

    assert _peak_bytes_of(refused) < 2**20


@pytest.mark.parametrize("shape, match", [
    ((2**62,) * 20, r"declares over 2\*\*1243 bytes of data \(shape \(4611686018427387904, "),
    ((2**64,), r"declares a shape with a size of over 19 digits: a negative size or one NumPy "
               r"cannot hold"),
    ((3, -2), r"declares the shape \(3, -2\): a negative size"),
])
def test_absurd_declared_shapes_are_refused_clearly(tmp_path: pathlib.Path,
                                                    shape: tuple[int, ...], match: str) -> None:
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("w.npy", _npy_header(shape))
    with pytest.raises(ValueError, match=r"load: 'w' in '.*m\.npz'.*" + match):
        am.load(path)


def test_a_zip_directory_smaller_than_the_entry_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    am.save({"w": np.arange(1000.0)}, path)
    raw = bytearray(path.read_bytes())
    at = raw.rindex(b"PK\x01\x02") + 24  # the central directory's uncompressed size
    assert struct.unpack_from("<L", raw, at)[0] == 128 + 8000
    struct.pack_into("<L", raw, at, 128 + 8)  # it says 8 bytes of data; the stream holds 8000
    start = raw.index(_npy_header((1000,)))  # and the CRC-32 of its first 136 bytes: a forgery
    struct.pack_into("<L", raw, at - 8, zlib.crc32(raw[start:start + 136]))
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"'w' in '.*m\.npz': its \.npy header declares 8000 "
                       r"bytes \(7\.8 KiB\) of data \(shape \(1000,\), float64\) but the zip "
                       r"directory gives the entry 8 bytes after its header"):
        am.load(path)


def test_max_bytes_bounds_the_data_of_all_entries_together(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    am.save({"a": np.zeros(1000), "b": np.ones(1000, dtype=np.float32)}, path)  # 8000 + 4000
    assert list(am.load(path, max_bytes=12000)) == ["a", "b"]
    assert am.load(path, max_bytes=None)["b"].dtype == np.float32
    with pytest.raises(ValueError, match=r"load: 'b' in '.*m\.npz' declares 4000 bytes \(3\.9 "
                       r"KiB\) of data \(shape \(1000,\), float32\), and the entries before it "
                       r"8000 bytes \(7\.8 KiB\), more than the limit max_bytes=11999 bytes "
                       r"\(11\.7 KiB\) allows; nothing was loaded"):
        am.load(path, max_bytes=11999)


@pytest.mark.parametrize("max_bytes, error, match", [
    (-1, ValueError, r"load: max_bytes must be >= 0 \(bytes of array data\), got -1"),
    (1.5, TypeError, r"load: max_bytes must be an int \(bytes of array data\) or None for no "
                     r"limit, got float 1\.5"),
    (True, TypeError, r"got bool True"),
])
def test_max_bytes_must_be_a_count_of_bytes(tmp_path: pathlib.Path, max_bytes: Any,
                                            error: type, match: str) -> None:
    am.save({"w": np.zeros(2)}, tmp_path / "m.npz")
    with pytest.raises(error, match=match):
        am.load(tmp_path / "m.npz", max_bytes=max_bytes)


def test_duplicate_entry_names_are_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as zf:
        warnings.simplefilter("ignore")  # zipfile's "Duplicate name" warning
        zf.writestr("w.npy", _valid_npy(np.zeros(2)))
        zf.writestr("w.npy", _valid_npy(np.ones(2)))  # zipfile would open this one
    with pytest.raises(ValueError, match=r"load: '.*m\.npz' contains two entries named "
                       r"'w\.npy'; which one is the array\? Refusing the file"):
        am.load(path)


@pytest.mark.parametrize("name", ["layers/0.weight.npy", "../w.npy", "/etc/w.npy",
                                  "..\\w.npy", "C:\\w.npy"])
def test_entry_names_with_path_separators_are_refused(tmp_path: pathlib.Path,
                                                      name: str) -> None:
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, _valid_npy(np.zeros(2)))
    with pytest.raises(ValueError, match=rf"contains {re.escape(repr(name))}, an entry name "
                       r"with a path separator; the entries of an \.npz written by save are "
                       r"named by state_dict keys, never by paths; refusing the file"):
        am.load(path)


def test_save_refuses_keys_with_path_separators(tmp_path: pathlib.Path) -> None:
    for key in ("layers/0.weight", "a\\b"):  # load would refuse the file
        with pytest.raises(ValueError, match=rf"save: key {re.escape(repr(key))} holds a path "
                           r"separator"):
            am.save({key: np.zeros(2)}, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def _valid_npy(array: np.ndarray, version: tuple[int, int] | None = None) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=version, allow_pickle=False)
    return buf.getvalue()


@pytest.mark.parametrize("array", [
    np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    np.arange(6, dtype=">f8").reshape(2, 3),  # big-endian
    np.array([1 + 2j, -3j]),
    np.zeros((0, 3)),
    np.array(2.5),
    np.arange(2**17 + 3, dtype=np.int16),  # more than one read, not a whole number of them
], ids=["fortran", "big-endian", "complex", "empty", "0-d", "chunks"])
@pytest.mark.parametrize("compressed", [False, True], ids=["stored", "deflated"])
def test_load_reads_what_numpy_writes_as_numpy_reads_it(tmp_path: pathlib.Path,
                                                        array: np.ndarray,
                                                        compressed: bool) -> None:
    path = tmp_path / "m.npz"
    (np.savez_compressed if compressed else np.savez)(path, w=array)
    loaded, expected = am.load(path)["w"], np.load(path)["w"]
    assert loaded.dtype == expected.dtype and loaded.shape == expected.shape
    assert loaded.flags.f_contiguous == expected.flags.f_contiguous
    assert loaded.tobytes("A") == expected.tobytes("A")


def test_load_reads_npy_format_version_2(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("w.npy", _valid_npy(np.arange(3.0), version=(2, 0)))
    assert am.load(path)["w"].tolist() == [0.0, 1.0, 2.0]


def test_an_entry_shorter_than_it_declares_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.npz"
    am.save({"w": np.arange(1000.0)}, path)
    raw = bytearray(path.read_bytes())
    for at in (raw.rindex(b"PK\x01\x02") + 20, raw.rindex(b"PK\x01\x02") + 24):
        struct.pack_into("<L", raw, at, struct.unpack_from("<L", raw, at)[0] + 8)
    header = _npy_header((1000,))
    raw[raw.index(header):raw.index(header) + len(header)] = _npy_header((1001,))
    path.write_bytes(bytes(raw))  # header and directory agree on 8008 bytes; 8000 are there
    with pytest.raises(ValueError, match=r"m\.npz"):
        am.load(path)


@pytest.mark.parametrize("offset, edit, match", [
    (8, lambda flags: flags | 1, "is encrypted, password required"),
    (10, lambda method: 99, "That compression method is not supported"),
])
def test_an_encrypted_or_unknown_entry_is_refused(tmp_path: pathlib.Path, offset: int,
                                                  edit: Any, match: str) -> None:
    path = tmp_path / "m.npz"
    am.save({"w": np.zeros(3)}, path)
    raw = bytearray(path.read_bytes())
    at = raw.rindex(b"PK\x01\x02") + offset  # the central directory's flags, its method
    struct.pack_into("<H", raw, at, edit(struct.unpack_from("<H", raw, at)[0]))
    path.write_bytes(bytes(raw))  # zipfile raised a bare RuntimeError, NotImplementedError
    with pytest.raises(ValueError, match=rf"load: '.*m\.npz' is not a readable \.npz archive "
                       rf"\(.*{match}"):
        am.load(path)


# ------------------------------------------------------------------ not a regular file (18.7)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking(tmp_path: pathlib.Path) -> None:
    # issue 18.7: open() of a FIFO waits for a writer, forever
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            am.load(fifo)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # blocked in open(): be the writer it waits for, so that it ends
        with open(fifo, "wb"):
            pass
        thread.join(10)
        pytest.fail("load blocked on a FIFO")
    assert len(outcome) == 1 and type(outcome[0]) is ValueError
    assert re.search(r"load: '.*pipe\.npz' is a FIFO \(named pipe\), not a regular file; load "
                     r"reads \.npz files only", str(outcome[0]))


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_device_is_refused_before_it_is_opened() -> None:
    with pytest.raises(ValueError, match=r"load: '/dev/null' is a character device, not a "
                       r"regular file"):
        am.load("/dev/null")
