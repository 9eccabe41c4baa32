"""Chosen rows of a memory-mapped matrix, read with positioned reads.

Indexing a freshly mapped ``np.memmap`` with scattered ids costs a page fault
per row, and each fault maps the pages around it too (fault-around): on a
[1,000,000 × 256] float32 file (1 GB) a 512-row lookup took ~12× as long as
on a [1,000 × 256] one. ``os.preadv`` copies only each row's bytes from the
page cache into the result, one system call per run of consecutive rows, so a
lookup costs about the same whatever V is.

>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "m.npy")
>>> np.save(path, np.arange(12, dtype=np.float32).reshape(6, 2))
>>> read_rows(np.load(path, mmap_mode="r"), np.array([4, 1, 4])).tolist()
[[8.0, 9.0], [2.0, 3.0], [8.0, 9.0]]
"""
from __future__ import annotations

import mmap
import os
from typing import Any, Protocol

import numpy as np

_GAP_ROWS_BYTES = 16 * 1024     # read through gaps smaller than this rather than make another call


class Rows(Protocol):
    """A [V, d] matrix read by rows: an ndarray, a read-only ``np.memmap``, or a view that converts the
    rows it is asked for (:class:`embedcore.sources.hf.BF16Matrix`). Indexing gives an ndarray."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def dtype(self) -> np.dtype[Any]: ...

    def __getitem__(self, key: Any, /) -> Any: ...


def file_region(m: Rows) -> tuple[str, int] | None:
    """(path, byte offset of row 0) when ``m`` is a whole, row-major np.memmap of a file."""
    if not (isinstance(m, np.memmap) and isinstance(m.base, mmap.mmap) and m.ndim == 2
            and m.flags.c_contiguous and getattr(m, "filename", None)):
        return None
    return str(m.filename), int(m.offset)


def read_rows(m: Rows, ids: np.ndarray) -> np.ndarray:
    """``m[ids]`` as a new array (same dtype), read from ``m``'s file when it is a memmap.

    Falls back to plain indexing for anything else (an in-memory array, a view).
    """
    ids = np.asarray(ids, dtype=np.int64)
    region = file_region(m)
    if region is None or ids.size == 0:
        return np.array(m[ids])
    if ids.min() < 0 or ids.max() >= m.shape[0]:
        raise IndexError(f"row ids must be in [0, {m.shape[0]}); got {ids.min()}..{ids.max()}")
    path, offset = region
    row_bytes = m.shape[1] * m.dtype.itemsize
    uniq, inverse = np.unique(ids, return_inverse=True)
    # runs: consecutive wanted rows, or rows with only a small gap between them
    gap_rows = max(1, _GAP_ROWS_BYTES // max(row_bytes, 1))
    cuts = np.flatnonzero(np.diff(uniq) > gap_rows) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(uniq)]))
    out = np.empty((len(uniq), m.shape[1]), dtype=m.dtype)
    flat = memoryview(out.reshape(-1).view(np.uint8))  # type: ignore[arg-type]  # a buffer; numpy types it so on Python >= 3.12 only
    firsts = uniq[starts]
    spans = (uniq[ends - 1] - firsts + 1).tolist()
    counts = (ends - starts).tolist()
    fd = os.open(path, os.O_RDONLY)
    try:
        # plain ints in the loop: one system call and no numpy scalar work per run
        for a, first, count, span in zip(starts.tolist(), firsts.tolist(), counts, spans):
            pos = offset + first * row_bytes
            if count == span:                        # consecutive rows: straight into the result
                got = os.preadv(fd, [flat[a * row_bytes:(a + count) * row_bytes]], pos)
            else:                                    # small gaps: read the span, keep the wanted rows
                buf = np.empty((span, m.shape[1]), dtype=m.dtype)
                got = os.preadv(fd, [memoryview(buf.reshape(-1).view(np.uint8))], pos)  # type: ignore[arg-type]  # a buffer; numpy types it so on Python >= 3.12 only
                out[a:a + count] = buf[uniq[a:a + count] - first]
            if got != span * row_bytes:
                raise OSError(f"{path}: short read ({got} of {span * row_bytes} bytes); was the file truncated?")
    finally:
        os.close(fd)
    return out[inverse]
