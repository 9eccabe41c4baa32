"""The word2vec trainer (embedcore.training): it learns, deterministically, and caches."""
from __future__ import annotations

import random

import numpy as np
import pytest

from embedcore import training
from embedcore.similarity import cosine
from embedcore.training import TrainParams, scatter_add, tokenize, train, train_cached

pytestmark = pytest.mark.unit


def shared_context_corpus(n: int = 600, seed: int = 0) -> str:
    """'cat' and 'dog' always appear in the same contexts; 'bat' never shares one with them."""
    rng = random.Random(seed)
    pet = ["the {} was fed at the vet", "we fed the {} some food", "the {} slept on the sofa",
           "the vet brushed the {} gently", "my {} sleeps on the warm sofa"]
    bat = ["a bat flew out of the dark cave", "the bat hunts moths at night", "at night a bat leaves its cave"]
    other = ["the bus stopped at the station", "a car drove along the road", "we took the bus into town"]
    lines = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            lines.append(rng.choice(pet).format(rng.choice(["cat", "dog"])))
        elif r < 0.75:
            lines.append(rng.choice(bat))
        else:
            lines.append(rng.choice(other))
    return ". ".join(lines) + "."


SMALL = TrainParams(dim=8, epochs=6, window=2, negatives=4, seed=3, min_count=2, learning_rate=0.025,
                    batch_size=128, subsample=1e-2)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def small_run():
    return train(shared_context_corpus(), SMALL)


def ix(result, word):
    return result.vocab.index(word)


def test_loss_falls(small_run):
    assert small_run.losses.shape == (SMALL.epochs,)
    assert np.isfinite(small_run.losses).all()
    assert small_run.losses[-1] < 0.8 * small_run.losses[0]


def test_shared_contexts_end_closer(small_run):
    v = small_run.vectors
    cat_dog = cosine(v[ix(small_run, "cat")], v[ix(small_run, "dog")])
    cat_bat = cosine(v[ix(small_run, "cat")], v[ix(small_run, "bat")])
    assert cat_dog > cat_bat + 0.3
    assert cat_dog > 0.7


def test_same_seed_identical_other_seed_differs():
    text = shared_context_corpus(200)
    p = TrainParams(dim=6, epochs=2, min_count=2, seed=11, batch_size=64)
    a, b = train(text, p), train(text, p)
    assert a.vocab == b.vocab
    assert np.array_equal(a.vectors, b.vectors)
    assert np.array_equal(a.snapshots, b.snapshots)
    assert np.array_equal(a.losses, b.losses)
    c = train(text, TrainParams(dim=6, epochs=2, min_count=2, seed=12, batch_size=64))
    assert not np.allclose(a.vectors, c.vectors)


def test_snapshots_are_the_training_history(small_run):
    r = small_run
    assert r.snapshots.shape == (SMALL.epochs + 1, len(r.vocab), SMALL.dim)
    assert np.array_equal(r.snapshots[-1], r.vectors)
    # epoch 0 is the random init: rows of length about 1, unrelated to the result
    norms0 = np.linalg.norm(r.snapshots[0], axis=1)
    assert 0.3 < norms0.mean() < 2.0
    assert not np.allclose(r.snapshots[0], r.snapshots[1])
    assert np.array_equal(r.history(ix(r, "cat")), r.snapshots[:, ix(r, "cat")])


def test_vocabulary_by_frequency_and_min_count():
    r = train("b a b c b a. a b d", TrainParams(dim=2, epochs=1, min_count=2))
    assert r.vocab == ("b", "a")
    assert r.counts.tolist() == [4, 3]
    assert r.n_tokens == 9


def test_tokenize_sentences_and_words():
    assert tokenize("The cat's bowl. A dog!\nX-ray  ok") == [["the", "cat's", "bowl"], ["a", "dog"], ["x-ray", "ok"]]


def test_scatter_add_equals_add_at():
    rng = np.random.default_rng(0)
    for V, n in ((10, 200), (5000, 50)):          # both branches (dense bincount, compacted)
        rows = rng.integers(0, V, n)
        vals = rng.standard_normal((n, 3))
        a, b = np.zeros((V, 3)), np.zeros((V, 3))
        np.add.at(a, rows, -0.5 * vals)
        scatter_add(b, rows, vals, -0.5)
        assert np.allclose(a, b)


def test_empty_or_tiny_corpus_is_refused():
    with pytest.raises(training.CorpusError):
        train("... !!! ...", TrainParams(dim=2, epochs=1))
    with pytest.raises(training.CorpusError):
        train("one two three", TrainParams(dim=2, epochs=1, min_count=2))


def test_cache_hit_does_not_retrain(tmp_path, monkeypatch):
    corpus = shared_context_corpus(150).encode()
    p = TrainParams(dim=4, epochs=2, min_count=2, batch_size=64)
    first, hit = train_cached(corpus, p)
    assert not hit
    files = list(training.cache_dir().glob("*.npz"))
    assert len(files) == 1 and files[0].parent == tmp_path / "cache" / "trained"

    def boom(*a, **k):
        raise AssertionError("retrained although the result was cached")

    monkeypatch.setattr(training, "train", boom)
    again, hit = train_cached(corpus, p)
    assert hit
    assert again.vocab == first.vocab
    assert np.array_equal(again.vectors, first.vectors)
    assert np.array_equal(again.snapshots, first.snapshots)
    assert np.array_equal(again.losses, first.losses)
    assert again.params == p and again.n_tokens == first.n_tokens


def test_cache_key_covers_corpus_params_and_code(monkeypatch):
    p = TrainParams(dim=4)
    k = training.cache_key(b"a b c", p)
    assert k != training.cache_key(b"a b d", p)
    assert k != training.cache_key(b"a b c", TrainParams(dim=4, seed=1))
    assert k != training.cache_key(b"a b c", TrainParams(dim=4, window=3))
    monkeypatch.setattr(training, "code_version", lambda: "edited")
    assert k != training.cache_key(b"a b c", p)


def test_damaged_cache_file_is_retrained():
    corpus = shared_context_corpus(100).encode()
    p = TrainParams(dim=4, epochs=1, min_count=2, batch_size=64)
    train_cached(corpus, p)
    (f,) = training.cache_dir().glob("*.npz")
    f.write_bytes(b"not an npz")
    r, hit = train_cached(corpus, p)
    assert not hit and r.vectors.shape[1] == 4
