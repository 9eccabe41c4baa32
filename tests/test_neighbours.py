"""embedcore.neighbours against brute-force references (issue 4)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from embedcore.neighbours import (
    analogy_vector,
    changed_positions,
    cosine_scores,
    distance_scores,
    levenshtein,
    nearest,
    scan,
    top_k,
)

pytestmark = pytest.mark.unit


def brute_cosine(m, q):
    return np.array([np.dot(r, q) / (np.linalg.norm(r) * np.linalg.norm(q)) for r in m])


def brute_top(scores, k, largest, exclude=()):
    items = [(i, s) for i, s in enumerate(scores) if i not in set(exclude) and np.isfinite(s)]
    items.sort(key=lambda t: ((-t[1] if largest else t[1]), t[0]))
    return [i for i, _ in items[:k]]


@pytest.mark.parametrize("seed", range(5))
def test_nearest_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((300, 12))
    q = rng.standard_normal(12)
    for k in (1, 5, 17):
        r = nearest(m, q, k, metric="cosine")
        ref = 1 - cdist(m, q[None], "cosine")[:, 0]
        assert r.ids.tolist() == brute_top(ref, k, True)
        np.testing.assert_allclose(r.scores, ref[r.ids], atol=1e-12)
        r = nearest(m, q, k, metric="euclidean", exclude=[3, 4])
        ref = cdist(m, q[None])[:, 0]
        assert r.ids.tolist() == brute_top(ref, k, False, exclude=[3, 4])
        np.testing.assert_allclose(r.scores, ref[r.ids], atol=1e-12)


def test_chunked_scan_equals_one_product():
    rng = np.random.default_rng(1)
    m = rng.standard_normal((1000, 7)).astype(np.float32)
    q = rng.standard_normal(7)
    a, b = scan(m, q, chunk=64), scan(m, q, chunk=10_000)
    np.testing.assert_allclose(a.dots, b.dots)
    # a float32 table is ranked in float32 precision (one float32 product, issue 7) ...
    np.testing.assert_allclose(cosine_scores(a, q), brute_cosine(m.astype(np.float64), q), atol=1e-6)
    np.testing.assert_allclose(distance_scores(a, q), np.linalg.norm(m.astype(np.float64) - q, axis=1), atol=1e-5)
    # ... and the winners' values that reach the screen are recomputed exactly in float64
    r = nearest(m, q, 5, metric="cosine")
    np.testing.assert_allclose(r.scores, brute_cosine(m.astype(np.float64), q)[r.ids],
                               atol=1e-12)


def test_zero_and_nonfinite_rows_never_rank():
    m = np.array([[0.0, 0.0], [1.0, 0.0], [np.nan, 1.0], [0.0, 1.0]])
    q = np.array([1.0, 0.1])
    r = nearest(m, q, 10, metric="cosine")
    assert r.ids.tolist() == [1, 3]
    r = nearest(m, q, 10, metric="euclidean")
    assert 2 not in r.ids.tolist() and 0 in r.ids.tolist()


def test_ties_broken_by_lower_id():
    scores = np.array([0.5, 0.9, 0.9, 0.9, 0.1])
    assert top_k(scores, 2, largest=True).tolist() == [1, 2]
    assert top_k(scores, 5, largest=False, exclude=[0]).tolist() == [4, 1, 2, 3]


def test_fast_on_memmap_50k_by_768(tmp_path):
    import time
    rng = np.random.default_rng(0)
    path = tmp_path / "big.npy"
    mm = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(50_000, 768))
    for s in range(0, 50_000, 10_000):
        mm[s:s + 10_000] = rng.standard_normal((10_000, 768), dtype=np.float32)
    mm.flush()
    m = np.load(path, mmap_mode="r")
    q = np.asarray(m[123], dtype=np.float64)
    t = time.perf_counter()
    sc = scan(m, q)
    rc = nearest(m, q, 10, metric="cosine", sc=sc)
    rd = nearest(m, q, 10, metric="euclidean", sc=sc)
    took = time.perf_counter() - t
    assert rc.ids[0] == 123 and rd.ids[0] == 123
    assert took < 3.0, took          # ~0.1 s unloaded; generous for a shared 2-core machine


def test_analogy_vector():
    m = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(analogy_vector(m, 3, 1, 0), m[3] - m[1] + m[0])


@pytest.mark.parametrize("a,b,d", [("cat", "bat", 1), ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "abc", 0),
                                   ("flaw", "lawn", 2), ("cat", "dog", 3), ("cat", "cats", 1)])
def test_levenshtein_known(a, b, d):
    assert levenshtein(a, b) == d == levenshtein(b, a)


def _lev_ref(a, b):
    # recursive definition with memo: an implementation written differently
    from functools import lru_cache

    @lru_cache(None)
    def f(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(f(i - 1, j) + 1, f(i, j - 1) + 1, f(i - 1, j - 1) + (a[i - 1] != b[j - 1]))
    return f(len(a), len(b))


@settings(max_examples=150, deadline=None)
@given(st.text("abcd", max_size=7), st.text("abcd", max_size=7))
def test_levenshtein_property(a, b):
    d = levenshtein(a, b)
    assert d == _lev_ref(a, b)
    ca, cb = changed_positions(a, b)
    assert len(ca) <= len(a) and len(cb) <= len(b)
    # every edit touches at most one char of each string, and each changed char needs an edit
    assert max(len(ca), len(cb)) <= d <= len(ca) + len(cb)
