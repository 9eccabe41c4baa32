"""embedcore.projection: exact span coordinates, PCA variance, sign conventions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cosine as scipy_cosine

from embedcore.projection import drawn_angle_degrees, gram_schmidt, pca, project

pytestmark = pytest.mark.unit


def true_angle(a, b):
    return float(np.degrees(np.arccos(np.clip(1 - scipy_cosine(a, b), -1, 1))))


finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64)


def nonzero_rows(n, d_min=3, d_max=400):
    return st.integers(d_min, d_max).flatmap(
        lambda d: arrays(np.float64, (n, d), elements=finite).filter(
            lambda x: (np.linalg.norm(x, axis=1) > 1e-3).all()))


@settings(max_examples=60, deadline=None)
@given(nonzero_rows(2))
def test_two_vectors_exact_in_high_d(x):
    p = project(x, 2)
    assert p.exact and p.method == "span" and p.variance_kept == 1.0
    np.testing.assert_allclose(np.linalg.norm(p.coords, axis=1), np.linalg.norm(x, axis=1), rtol=1e-9)
    assert abs(drawn_angle_degrees(p.coords[0], p.coords[1]) - true_angle(x[0], x[1])) < 0.1


@settings(max_examples=60, deadline=None)
@given(nonzero_rows(3))
def test_three_vectors_exact_in_3d(x):
    p = project(x, 3)
    assert p.exact
    np.testing.assert_allclose(np.linalg.norm(p.coords, axis=1), np.linalg.norm(x, axis=1), rtol=1e-9)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        assert abs(drawn_angle_degrees(p.coords[i], p.coords[j]) - true_angle(x[i], x[j])) < 0.1


def test_exact_in_d_12288():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 12288))
    x[1] = x[0] + 0.01 * x[1]                  # nearly parallel: the hard case for classical GS
    p = project(x, 3)
    g = x @ x.T
    np.testing.assert_allclose(p.coords @ p.coords.T, g, rtol=1e-9, atol=1e-9 * np.abs(g).max())
    assert abs(drawn_angle_degrees(p.coords[0], p.coords[1]) - true_angle(x[0], x[1])) < 0.1


@settings(max_examples=40, deadline=None)
@given(nonzero_rows(3))
def test_sign_convention_lower_triangular_positive(x):
    c = gram_schmidt(x, 3).coords
    assert c[0, 0] > 0 and abs(c[0, 1]) < 1e-9 * np.abs(c).max() + 1e-300 and c[0, 2] == 0
    assert c[1, 1] >= 0 and c[1, 2] == 0
    assert c[2, 2] >= 0


def test_deterministic_under_rerun_and_basis_sign_flips():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 50))
    a = gram_schmidt(x, 3).coords
    b = gram_schmidt(x.copy(), 3).coords
    np.testing.assert_array_equal(a, b)
    # a different orthonormal frame of the same vectors (rotate the d-space) gives the same drawing
    q, _ = np.linalg.qr(rng.standard_normal((50, 50)))
    np.testing.assert_allclose(gram_schmidt(x @ q, 3).coords, a, atol=1e-9)
    # PCA: also invariant to rotating the d-space (signs fixed by convention)
    y = rng.standard_normal((7, 50))
    np.testing.assert_allclose(pca(y @ q, 2).coords, pca(y, 2).coords, atol=1e-9)
    np.testing.assert_allclose(pca(-y[:, ::-1], 2).coords, pca(-y[:, ::-1], 2).coords)


def test_collinear_and_low_d():
    x = np.array([[1.0, 2, 3, 4], [2.0, 4, 6, 8]])
    p = project(x, 2)
    np.testing.assert_allclose(p.coords, [[np.sqrt(30), 0], [2 * np.sqrt(30), 0]])
    assert p.coords[1, 1] == 0
    y = np.array([[1.0, 0], [0, 2.0], [1, 1]])      # d = 2 < k = 3
    q = project(y, 3)
    assert q.exact and (q.coords[:, 2] == 0).all()
    np.testing.assert_allclose(q.coords @ q.coords.T, y @ y.T, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 9).flatmap(lambda n: arrays(np.float64, (n, 12), elements=finite)),
       st.sampled_from([2, 3]))
def test_pca_variance_fraction(x, k):
    if np.linalg.norm(x) < 1e-6:
        return
    p = project(x, k)
    eig = np.sort(np.linalg.eigvalsh(x.T @ x))[::-1]          # independent: eigenvalues of the scatter matrix
    expected = eig[:k].sum() / eig.sum()
    assert abs(p.variance_kept - expected) < 1e-6 or p.exact
    kept_sq = (p.coords ** 2).sum() / (x ** 2).sum()
    assert abs(kept_sq - p.variance_kept) < 1e-6 or p.exact
    # projected coordinates are orthogonal projections onto the basis
    np.testing.assert_allclose(p.coords, x @ p.basis.T, atol=1e-8 * max(1, np.abs(x).max()))


def test_pca_exact_when_rank_small():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 30))
    p = project(x, 2)
    assert p.method == "pca" and p.exact and p.variance_kept == 1.0
    np.testing.assert_allclose(p.coords @ p.coords.T, x @ x.T, atol=1e-9)


def test_bad_k():
    with pytest.raises(ValueError):
        project(np.ones((2, 3)), 4)
