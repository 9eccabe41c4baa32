"""Cosine similarity, dot product and Euclidean distance, vectorised.

Cosine is undefined for a zero vector. Rather than let NaN reach the screen,
the functions raise :class:`ZeroVectorError` naming the offending row, or (for
matrices, with ``on_zero="nan"``) mark undefined entries explicitly.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray


class ZeroVectorError(ValueError):
    """Cosine asked of a vector whose norm is 0."""

    def __init__(self, index: int) -> None:
        super().__init__(f"vector {index} has norm 0; its cosine similarity is undefined")
        self.index = index


def norms(x: ArrayLike) -> NDArray[np.float64]:
    """Euclidean norm of each row of ``x`` (shape [n, d]) as float64."""
    n: NDArray[np.float64] = np.linalg.norm(np.asarray(x, dtype=np.float64), axis=-1)
    return n


def cosine(a: ArrayLike, b: ArrayLike) -> float:
    """cos θ = (a · b) / (‖a‖ ‖b‖), clipped to [-1, 1] against rounding.

    >>> cosine([1, 0], [0, 2])
    0.0
    >>> round(cosine([1, 1], [2, 2]), 12)
    1.0
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0:
        raise ZeroVectorError(0)
    if nb == 0:
        raise ZeroVectorError(1)
    return float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))


def pairwise_cosine(
    x: ArrayLike, *, on_zero: Literal["raise", "nan"] = "raise"
) -> NDArray[np.float64]:
    """The [n, n] matrix of cosines between the rows of ``x`` ([n, d]).

    The result is float32 for float32 input (the product is done in float32:
    ~1e-7 error, far below any displayed digit) and float64 otherwise.

    One normalised matrix product: rows are scaled to unit length once, then
    ``U @ U.T``. The diagonal is set to exactly 1 and the result is made
    exactly symmetric, so a viewer never sees 0.99 on the diagonal or
    cos(a, b) ≠ cos(b, a) from rounding.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array of row vectors, got shape {x.shape}")
    # float32 input stays float32 for the product (half the memory traffic of
    # float64, ~1e-7 error: far below any displayed digit); anything else is float64.
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(dtype, copy=False)
    n = np.sqrt(np.einsum("ij,ij->i", x, x, dtype=np.float64))
    zero = n == 0
    if zero.any() and on_zero == "raise":
        raise ZeroVectorError(int(np.flatnonzero(zero)[0]))
    safe = np.where(zero, 1.0, n).astype(dtype)
    u = x / safe[:, None]
    c: NDArray[np.float64] = u @ u.T
    # numpy computes ``u @ u.T`` with BLAS syrk (one triangle, half the
    # flops) and copies it across, so the result is already exactly
    # symmetric; one row against its column (O(n)) confirms it, and a numpy
    # that used a general product instead gets the explicit mirror.
    k = c.shape[0] // 2
    if c.shape[0] > 1 and not np.array_equal(c[k], c[:, k]):
        _mirror_upper(c)
    np.clip(c, -1.0, 1.0, out=c)
    np.fill_diagonal(c, 1.0)
    if zero.any():
        c[zero, :] = np.nan
        c[:, zero] = np.nan
    return c


def _mirror_upper(c: np.ndarray, block: int = 512) -> None:
    """Copy the upper triangle onto the lower, in place, block by block.

    Makes cos(a, b) and cos(b, a) bit-identical without an n×n temporary
    (fancy indexing with ``tril_indices`` costs as much as the product).
    """
    n = c.shape[0]
    for i in range(0, n, block):
        for j in range(0, i, block):
            c[i:i + block, j:j + block] = c[j:j + block, i:i + block].T
        diag = c[i:i + block, i:i + block]
        lower = np.tril_indices(diag.shape[0], -1)
        diag[lower] = diag.T[lower]


def dot(a: ArrayLike, b: ArrayLike) -> float:
    return float(np.dot(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)))


def euclidean(a: ArrayLike, b: ArrayLike) -> float:
    """‖a − b‖₂."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def pairwise_euclidean(x: ArrayLike) -> NDArray[np.float64]:
    """[n, n] Euclidean distances via ‖a‖² + ‖b‖² − 2a·b, clamped at 0."""
    x = np.asarray(x, dtype=np.float64)
    sq = np.einsum("ij,ij->i", x, x)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    np.maximum(d2, 0.0, out=d2)
    d: NDArray[np.float64] = np.sqrt(d2)
    d = (d + d.T) * 0.5
    np.fill_diagonal(d, 0.0)
    return d


def angle_degrees(cos: float) -> float:
    """The angle whose cosine is ``cos``, in degrees."""
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
