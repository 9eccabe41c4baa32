"""Positioned row reads give exactly what indexing the memmap gives."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedcore.rowread import file_region, read_rows

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    d = tmp_path_factory.mktemp("rows")
    rng = np.random.default_rng(3)
    out = {}
    for name, dtype, shape in [("f4", "<f4", (5000, 7)), ("be", ">f4", (300, 5)), ("f2", "<f2", (4000, 64))]:
        a = rng.standard_normal(shape).astype(dtype)
        np.save(d / f"{name}.npy", a)
        out[name] = (a, d / f"{name}.npy")
    # a raw region at an unaligned offset, as a safetensors data block is mapped
    raw = rng.standard_normal((900, 12)).astype("<f4")
    (d / "raw.bin").write_bytes(b"x" * 77 + raw.tobytes() + b"tail")
    out["raw"] = (raw, d / "raw.bin")
    return out


def mapped(stored, name):
    a, path = stored[name]
    if name == "raw":
        return a, np.memmap(path, dtype="<f4", mode="r", offset=77, shape=a.shape)
    return a, np.load(path, mmap_mode="r")


@pytest.mark.parametrize("name", ["f4", "be", "f2", "raw"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_rows_match_indexing(stored, name, data):
    a, m = mapped(stored, name)
    assert file_region(m) is not None
    ids = np.array(data.draw(st.lists(st.integers(0, a.shape[0] - 1), min_size=1, max_size=300)))
    got = read_rows(m, ids)
    assert got.dtype == a.dtype and got.shape == (len(ids), a.shape[1])
    assert np.array_equal(got, a[ids])


def test_runs_gaps_and_repeats(stored):
    a, m = mapped(stored, "f4")
    ids = np.array([0, 1, 2, 3, 4999, 10, 12, 3000, 3001, 2, 4999])
    assert np.array_equal(read_rows(m, ids), a[ids])


def test_not_a_file_mapping_falls_back_to_indexing(stored):
    a, m = mapped(stored, "f4")
    assert file_region(a) is None and file_region(m[10:20]) is None and file_region(m.T) is None
    assert np.array_equal(read_rows(m[10:20], np.array([0, 9])), a[[10, 19]])
    assert np.array_equal(read_rows(a, np.array([5, 1])), a[[5, 1]])


def test_out_of_range_is_refused(stored):
    a, m = mapped(stored, "f4")
    with pytest.raises(IndexError):
        read_rows(m, np.array([0, a.shape[0]]))
    with pytest.raises(IndexError):
        read_rows(m, np.array([-1]))


def test_truncated_file_is_a_clear_error(tmp_path):
    a = np.arange(40, dtype=np.float32).reshape(10, 4)
    path = tmp_path / "t.npy"
    np.save(path, a)
    m = np.load(path, mmap_mode="r")
    with open(path, "r+b") as f:            # cut the file after the mapping was made
        f.truncate(path.stat().st_size - 16)
    with pytest.raises(OSError, match="short read"):
        read_rows(m, np.array([9]))
