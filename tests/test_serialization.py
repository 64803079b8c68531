"""save/load: exact round trips, and pickles or malformed files refused without running them."""

from __future__ import annotations

import io
import os
import pathlib
import pickle
import zipfile

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
