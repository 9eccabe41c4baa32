"""Nearest neighbours over the whole vocabulary, analogies, edit distance.

Scores for every row come from one matrix-vector product (taken in chunks so
a memory-mapped [V, d] table is streamed, never copied whole into float64),
then ``argpartition`` picks the top k: O(V·d) time, O(V) extra memory, no
Python loop over the vocabulary. The k winners' scores are then recomputed
directly from their rows, so what is shown does not carry the rounding of the
‖a‖² + ‖b‖² − 2a·b shortcut.

Rows with a zero norm (cosine undefined) or non-finite entries never rank.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from .rowread import Rows

CHUNK_ROWS = 8192        # rows converted to float64 at a time (8192 × 768 × 8 B ≈ 50 MB)


@dataclass(frozen=True)
class Scan:
    """Per-row quantities for one query vector, over all V rows."""

    dots: NDArray[np.float64]       # E @ q
    sq_norms: NDArray[np.float64]   # ‖E_i‖²
    valid: NDArray[np.bool_]        # finite row

    @property
    def norms(self) -> NDArray[np.float64]:
        return np.sqrt(self.sq_norms)


_sq_norm_cache: dict[int, tuple[weakref.ref[Rows], NDArray[np.float64]]] = {}


def row_sq_norms(matrix: Rows, *, chunk: int = CHUNK_ROWS) -> NDArray[np.float64]:
    """‖E_i‖² for every row, computed once per matrix object and remembered.

    Row norms do not depend on the query, so a lesson asking several
    questions of one table (or a benchmark) pays for them once.
    """
    key = id(matrix)
    hit = _sq_norm_cache.get(key)
    if hit is not None and hit[0]() is matrix:
        return hit[1]
    V = matrix.shape[0]
    sq = np.empty(V, dtype=np.float64)
    for s in range(0, V, chunk):
        block = np.asarray(matrix[s:s + chunk])
        sq[s:s + chunk] = np.einsum("ij,ij->i", block, block, dtype=np.float64)
    try:
        _sq_norm_cache[key] = (weakref.ref(matrix), sq)
    except TypeError:           # not weak-referenceable: just don't remember
        pass
    return sq


def scan(matrix: Rows, q: ArrayLike, *, chunk: int = CHUNK_ROWS) -> Scan:
    """``E @ q`` and ``‖E_i‖²`` for every row.

    The product runs in the table's own precision (float32 tables: one
    float32 matrix-vector product, streamed in chunks for memory maps); it
    only ranks candidates — the k winners' scores are recomputed in float64.
    """
    dt: type[np.floating[Any]] = np.float32 if getattr(matrix, "dtype", None) == np.float32 else np.float64
    qd = np.asarray(q, dtype=dt)
    V = matrix.shape[0]
    if isinstance(matrix, np.ndarray) and not isinstance(matrix, np.memmap):
        dots = (matrix.astype(dt, copy=False) @ qd).astype(np.float64)
    else:
        dots = np.empty(V, dtype=np.float64)
        for s in range(0, V, chunk):
            dots[s:s + chunk] = np.asarray(matrix[s:s + chunk], dtype=dt) @ qd
    sq = row_sq_norms(matrix, chunk=chunk)
    valid = np.isfinite(dots) & np.isfinite(sq)
    return Scan(dots, sq, valid)


def cosine_scores(sc: Scan, q: ArrayLike) -> NDArray[np.float64]:
    """cos(E_i, q) for every row; NaN where undefined (zero or non-finite row)."""
    qn = float(np.linalg.norm(np.asarray(q, dtype=np.float64)))
    n = sc.norms
    ok = sc.valid & (n > 0) & (qn > 0)
    out = np.full(sc.dots.shape, np.nan)
    out[ok] = np.clip(sc.dots[ok] / (n[ok] * qn), -1.0, 1.0)
    return out


def distance_scores(sc: Scan, q: ArrayLike) -> NDArray[np.float64]:
    """‖E_i − q‖ for every row (via ‖E_i‖² + ‖q‖² − 2 E_i·q); NaN for non-finite rows."""
    q = np.asarray(q, dtype=np.float64)
    d2 = sc.sq_norms + float(q @ q) - 2.0 * sc.dots
    out = np.sqrt(np.maximum(d2, 0.0))
    out[~sc.valid] = np.nan
    return out


def top_k(scores: NDArray[np.float64], k: int, *, largest: bool, exclude: Iterable[int] = ()) -> NDArray[np.int64]:
    """Ids of the k best scores (NaN and ``exclude`` never chosen), best first.

    Ties are broken by the lower id, so the result is deterministic.
    """
    key = -scores if largest else scores.copy()
    key = np.where(np.isnan(key), np.inf, key)
    ex = np.fromiter(exclude, dtype=np.int64)
    if ex.size:
        key[ex] = np.inf
    avail = int(np.count_nonzero(np.isfinite(key)))
    k = min(k, avail)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < key.size:
        part = np.argpartition(key, k - 1)[:k]
        # argpartition cuts ties at the k-th value arbitrarily: widen to every tie
        kth = key[part].max()
        part = np.flatnonzero(key <= kth)
    else:
        part = np.arange(key.size)
    part = part[np.isfinite(key[part])]
    order = np.lexsort((part, key[part]))
    return part[order][:k].astype(np.int64)


@dataclass(frozen=True)
class Ranked:
    ids: NDArray[np.int64]
    scores: NDArray[np.float64]     # recomputed exactly from the chosen rows


def _exact(matrix: Rows, ids: NDArray[np.int64], q: NDArray[np.float64], metric: str) -> NDArray[np.float64]:
    rows = np.asarray(matrix[ids], dtype=np.float64)
    if metric == "cosine":
        cos: NDArray[np.float64] = np.clip(rows @ q / (np.linalg.norm(rows, axis=1) * np.linalg.norm(q)), -1.0, 1.0)
        return cos
    dist: NDArray[np.float64] = np.linalg.norm(rows - q, axis=1)
    return dist


def nearest(matrix: Rows, q: ArrayLike, k: int, *, metric: str = "cosine", exclude: Iterable[int] = (),
            sc: Scan | None = None) -> Ranked:
    """The k rows closest to ``q``: highest cosine, or lowest Euclidean distance."""
    q = np.asarray(q, dtype=np.float64)
    sc = sc if sc is not None else scan(matrix, q)
    if metric == "cosine":
        ids = top_k(cosine_scores(sc, q), k, largest=True, exclude=exclude)
    elif metric == "euclidean":
        ids = top_k(distance_scores(sc, q), k, largest=False, exclude=exclude)
    else:
        raise ValueError(f"unknown metric {metric!r}")
    return Ranked(ids, _exact(matrix, ids, q, metric) if ids.size else np.empty(0))


def analogy_vector(matrix: Rows, a: int, b: int, c: int) -> NDArray[np.float64]:
    """E[a] − E[b] + E[c] (e.g. king − man + woman)."""
    rows = np.asarray(matrix[np.array([a, b, c])], dtype=np.float64)
    v: NDArray[np.float64] = rows[0] - rows[1] + rows[2]
    return v


def levenshtein(s: str, t: str) -> int:
    """Character edit distance: insertions, deletions and substitutions each cost 1."""
    if len(s) < len(t):
        s, t = t, s
    prev = list(range(len(t) + 1))
    for i, cs in enumerate(s, 1):
        cur = [i]
        for j, ct in enumerate(t, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cs != ct)))
        prev = cur
    return prev[-1]


def changed_positions(s: str, t: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Character positions of ``s`` and of ``t`` not kept by one optimal alignment.

    Used to highlight the letters that differ ('c'at vs 'b'at).
    """
    n, m = len(s), len(t)
    D = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        D[i][0] = i
    for j in range(m + 1):
        D[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            D[i][j] = min(D[i - 1][j] + 1, D[i][j - 1] + 1, D[i - 1][j - 1] + (s[i - 1] != t[j - 1]))
    i, j = n, m
    cs, ct = [], []
    while i > 0 or j > 0:
        if i > 0 and j > 0 and D[i][j] == D[i - 1][j - 1] + (s[i - 1] != t[j - 1]):
            if s[i - 1] != t[j - 1]:
                cs.append(i - 1)
                ct.append(j - 1)
            i, j = i - 1, j - 1
        elif i > 0 and D[i][j] == D[i - 1][j] + 1:
            cs.append(i - 1)
            i -= 1
        else:
            ct.append(j - 1)
            j -= 1
    return tuple(sorted(cs)), tuple(sorted(ct))
