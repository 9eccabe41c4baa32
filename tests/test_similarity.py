"""embedcore.similarity against independent formulas (scipy), with hypothesis."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cdist
from scipy.spatial.distance import cosine as scipy_cosine_distance
from scipy.spatial.distance import euclidean as scipy_euclidean

from embedcore.similarity import (
    ZeroVectorError,
    angle_degrees,
    cosine,
    dot,
    euclidean,
    pairwise_cosine,
    pairwise_euclidean,
)

pytestmark = pytest.mark.unit

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)


def vec(d):
    return arrays(np.float64, d, elements=finite)


def nonzero(v):
    return np.linalg.norm(v) > 1e-6


@given(st.integers(1, 12).flatmap(lambda d: st.tuples(vec(d), vec(d))))
def test_cosine_matches_scipy(ab):
    a, b = ab
    assume(nonzero(a) and nonzero(b))
    assert cosine(a, b) == pytest.approx(1 - scipy_cosine_distance(a, b), abs=1e-9)


@given(st.integers(1, 12).flatmap(lambda d: st.tuples(vec(d), vec(d))))
def test_cosine_symmetric_and_in_range(ab):
    a, b = ab
    assume(nonzero(a) and nonzero(b))
    c = cosine(a, b)
    assert -1.0 <= c <= 1.0
    assert c == cosine(b, a)


@given(st.integers(1, 12).flatmap(lambda d: st.tuples(vec(d), vec(d))), st.floats(0.01, 100))
def test_cosine_scale_invariant_distance_not(ab, k):
    a, b = ab
    assume(nonzero(a) and nonzero(b) and abs(k - 1) > 1e-3)
    assert cosine(k * a, b) == pytest.approx(cosine(a, b), abs=1e-9)
    # distance from the origin-scaled vector changes unless a == 0 (excluded)
    assert euclidean(k * a, np.zeros_like(a)) == pytest.approx(k * euclidean(a, np.zeros_like(a)))
    assert euclidean(k * a, a) > 0


@given(st.integers(1, 12).flatmap(lambda d: st.tuples(vec(d), vec(d))))
def test_euclidean_and_dot_match_independent(ab):
    a, b = ab
    assert euclidean(a, b) == pytest.approx(scipy_euclidean(a, b), rel=1e-9, abs=1e-9)
    assert dot(a, b) == pytest.approx(sum(x * y for x, y in zip(a, b)), rel=1e-9, abs=1e-6)


@settings(max_examples=50)
@given(st.integers(1, 8), st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_pairwise_cosine_matches_scipy_cdist(n, d, seed):
    x = np.random.default_rng(seed).standard_normal((n, d))
    c = pairwise_cosine(x)
    ref = 1 - cdist(x, x, metric="cosine")
    np.testing.assert_allclose(c, ref, atol=1e-9)
    assert np.array_equal(c, c.T)
    assert np.all(np.diag(c) == 1.0)
    assert np.all((c >= -1) & (c <= 1))


@settings(max_examples=50)
@given(st.integers(1, 8), st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_pairwise_euclidean_matches_cdist(n, d, seed):
    x = np.random.default_rng(seed).standard_normal((n, d)) * 5
    np.testing.assert_allclose(pairwise_euclidean(x), cdist(x, x), atol=1e-7)


def test_zero_vector_is_explicit_not_nan():
    with pytest.raises(ZeroVectorError) as e:
        cosine([0, 0, 0], [1, 2, 3])
    assert e.value.index == 0
    with pytest.raises(ZeroVectorError) as e:
        pairwise_cosine(np.array([[1.0, 0], [0, 0]]))
    assert e.value.index == 1
    c = pairwise_cosine(np.array([[1.0, 0], [0, 0], [0, 2.0]]), on_zero="nan")
    assert np.isnan(c[1]).all() and np.isnan(c[:, 1]).all()
    assert c[0, 2] == 0.0 and c[0, 0] == 1.0


def test_angle():
    assert angle_degrees(0.0) == pytest.approx(90)
    assert angle_degrees(-1.0) == pytest.approx(180)
    assert angle_degrees(1.0000001) == 0.0
    assert angle_degrees(math.cos(math.radians(37))) == pytest.approx(37)


def test_pairwise_large_is_vectorised():
    x = np.random.default_rng(0).standard_normal((2000, 64)).astype(np.float32)
    c = pairwise_cosine(x)
    assert c.shape == (2000, 2000)
    i, j = 17, 1234
    assert c[i, j] == pytest.approx(1 - scipy_cosine_distance(x[i], x[j]), abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 70), st.integers(1, 9), st.sampled_from([np.float32, np.float64]), st.integers(0, 2**32 - 1))
def test_pairwise_is_exactly_symmetric_with_unit_diagonal(n, d, dtype, seed):
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(dtype) + 0.1
    c = pairwise_cosine(x)
    assert np.array_equal(c, c.T) and np.all(np.diag(c) == 1.0)
    assert np.all(np.abs(c) <= 1.0)


def test_mirror_fallback_makes_a_general_product_symmetric():
    from embedcore.similarity import _mirror_upper
    rng = np.random.default_rng(1)
    for n in (1, 5, 513, 1100):
        c = rng.standard_normal((n, n))
        upper = np.triu(c).copy()
        _mirror_upper(c, block=256)
        assert np.array_equal(c, c.T) and np.array_equal(np.triu(c), upper)
