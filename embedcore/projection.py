"""Drawing d-dimensional vectors on a 2D or 3D screen, honestly.

Two rules decide how a set of n row vectors (shape [n, d]) is flattened into
k = 2 or 3 screen dimensions:

* **n ≤ k: exact.** The vectors span a space of dimension ≤ k. We take an
  orthonormal basis of that span (Gram–Schmidt) and draw each vector by its
  coordinates in that basis. Coordinates in an orthonormal basis preserve
  every dot product, so all lengths and all pairwise angles on screen are the
  true d-dimensional ones, whatever d is.
* **n > k: PCA about the origin.** The best k-dimensional subspace through
  the origin (truncated SVD of the uncentred matrix; arrows start at the
  origin, so the subspace must contain it). The fraction of the vectors'
  total squared length that the projection keeps, Σᵢ≤ₖ sᵢ² / Σ sᵢ², is
  reported as "% of variance" and must be shown on screen. (When the rank is
  ≤ k the fraction is 1 and the projection is exact again.)

Sign conventions are fixed so that a re-render (or another LAPACK) never
mirrors an arrow:

* Gram–Schmidt: the coordinate matrix is lower-triangular with a positive
  diagonal — vector 1 lies on +x, vector 2 in the upper half plane (y > 0),
  vector 3 has z > 0. These coordinates are a function of the Gram matrix
  alone (they are its Cholesky factor), so they are unique.
* PCA: each axis is oriented so that the vector with the largest absolute
  coordinate on it (the first such vector on ties) has a positive coordinate.

Pure numpy; no Manim.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

# A residual this small relative to the largest norm counts as "already in the
# span" (collinear vectors): its own axis gets coordinate 0 exactly.
RANK_TOL = 1e-12


@dataclass(frozen=True)
class Projection:
    coords: np.ndarray          # [n, k] screen-space coordinates
    basis: np.ndarray           # [k, d] orthonormal rows (zero rows when the span is smaller)
    exact: bool                 # True: lengths and angles on screen are the true ones
    method: str                 # "span" (Gram–Schmidt) or "pca"
    variance_kept: float        # fraction of Σ‖xᵢ‖² the coordinates keep (1.0 when exact)


def gram_schmidt(x: ArrayLike, k: int) -> Projection:
    """Coordinates of ≤ k vectors in an orthonormal basis of their span.

    Each vector adds the unit direction of its residual against the axes
    found so far (orthogonalised twice: "twice is enough" keeps it exact to
    rounding even for nearly parallel vectors in high d). A vector already in
    the span of earlier ones adds no axis, and later vectors still get one, so
    coordinates are exact for any rank. Every new axis points along its
    residual: vector 1 on +x, vector 2 above it, vector 3 at z ≥ 0.
    """
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    if n > k:
        raise ValueError(f"gram_schmidt draws at most {k} vectors exactly, got {n}")
    scale = float(np.max(np.linalg.norm(x, axis=1))) if n else 0.0
    axes: list[np.ndarray] = []
    spanned: list[int] = []          # axes that exist once vector i is placed
    for v in x:
        r = v.copy()
        for _ in range(2):
            for a in axes:
                r -= (a @ r) * a
        nr = float(np.linalg.norm(r))
        if nr > RANK_TOL * max(scale, 1e-300) and len(axes) < k:
            axes.append(r / nr)
        spanned.append(len(axes))
    basis = np.zeros((k, d))
    if axes:
        basis[: len(axes)] = np.array(axes)
    coords = x @ basis.T
    # vector i lies in the span of the first spanned[i] axes: make that exact
    for i, m in enumerate(spanned):
        coords[i, m:] = 0.0
    return Projection(coords, basis, True, "span", 1.0)


def pca(x: ArrayLike, k: int) -> Projection:
    """Uncentred PCA to k dimensions (see the module docstring)."""
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    m = min(k, len(s))
    coords = np.zeros((n, k))
    coords[:, :m] = u[:, :m] * s[:m]
    basis = np.zeros((k, d))
    basis[:m] = vt[:m]
    for j in range(m):
        i = int(np.argmax(np.abs(coords[:, j])))
        if coords[i, j] < 0:
            coords[:, j] *= -1
            basis[j] *= -1
    total = float(np.sum(s**2))
    kept = float(np.sum(s[:m] ** 2) / total) if total > 0 else 1.0
    kept = min(kept, 1.0)
    exact = len(s) <= k or bool(s[k:].max(initial=0.0) <= RANK_TOL * max(s[0], 1e-300))
    if exact:
        kept = 1.0
    return Projection(coords, basis, exact, "pca", kept)


def project(x: ArrayLike, k: int) -> Projection:
    """Exact span coordinates for ≤ k vectors, PCA for more."""
    if k not in (2, 3):
        raise ValueError("k must be 2 or 3")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"expected a non-empty [n, d] array, got shape {x.shape}")
    if x.shape[0] <= k:
        return gram_schmidt(x, k)
    return pca(x, k)


def span_rank(x: ArrayLike) -> int:
    """Dimension of the space the rows of ``x`` span (1 for collinear vectors), by the same
    relative tolerance the projections use, so captions and drawings agree."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return 0
    s = np.linalg.svd(x, compute_uv=False)
    if s[0] == 0:
        return 0
    return int(np.count_nonzero(s > RANK_TOL * s[0]))


def drawn_angle_degrees(a: ArrayLike, b: ArrayLike) -> float:
    """The angle between two drawn (screen-space) vectors, in degrees."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))))


def rotate_2d(coords: ArrayLike, degrees: float) -> np.ndarray:
    """Rotate [n, 2] coordinates about the origin (angles and lengths unchanged)."""
    t = np.radians(degrees)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    out: np.ndarray = np.asarray(coords, dtype=np.float64) @ rot.T
    return out
