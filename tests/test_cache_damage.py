"""Every cache other than the clips (tests/test_faults.py) rebuilds a damaged
entry and never serves it: trained vectors, converted text vectors, shaped
text, and the shared helper (embedcore.integrity) they use."""
from __future__ import annotations

import json

import numpy as np
import pytest

from embedcore import integrity
from embedcore.integrity import VerifiedFile
from embedcore.training import TrainParams, train_cached


def flip(path, at=None):
    b = bytearray(path.read_bytes())
    b[len(b) // 2 if at is None else at] ^= 0x5A
    path.write_bytes(bytes(b))


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE = {"truncate": truncate, "flip": flip, "delete": lambda p: p.unlink()}


@pytest.mark.unit
@pytest.mark.parametrize("how", [*DAMAGE, "entry"])
def test_verified_file_serves_only_what_its_entry_promises(tmp_path, how):
    vf = VerifiedFile(tmp_path / "voice.wav")
    vf.store("k1", b"RIFF" + bytes(range(256)) * 8, {"seconds": 1.5})
    assert vf.load("k1")["seconds"] == 1.5 and vf.read_bytes("k1") is not None
    assert vf.load("other key") is None
    if how == "entry":      # still valid JSON, one number changed: the seal catches it
        vf.entry_path.write_text(vf.entry_path.read_text().replace("1.5", "2.5"))
    else:
        DAMAGE[how](vf.path)
    assert vf.load("k1") is None and vf.read_bytes("k1") is None


@pytest.mark.unit
def test_problem_says_why():
    assert "no size" in integrity.problem(__file__, None)


CORPUS = (" ".join(["the cat sat on the mat", "the dog sat on the rug", "a cat and a dog"] * 30)).encode()
PARAMS = TrainParams(dim=4, epochs=1, min_count=2, batch_size=64, seed=5)


@pytest.mark.unit
@pytest.mark.parametrize("how", [*DAMAGE, "entry"])
def test_damaged_trained_vectors_are_trained_again(tmp_path, how):
    clean, hit = train_cached(CORPUS, PARAMS, cache=tmp_path)
    assert not hit and train_cached(CORPUS, PARAMS, cache=tmp_path)[1]
    (npz,) = tmp_path.glob("*.npz")
    if how == "flip":       # inside the stored vectors (np.savez does not compress)
        flip(npz, at=npz.read_bytes().find(b"vectors.npy") + 200)
    elif how == "entry":
        (entry,) = tmp_path.glob("*.npz.json")
        entry.write_text("{not json")
    else:
        DAMAGE[how](npz)
    again, hit = train_cached(CORPUS, PARAMS, cache=tmp_path)
    assert not hit and np.array_equal(again.vectors, clean.vectors)
    assert train_cached(CORPUS, PARAMS, cache=tmp_path)[1]          # and the cache is whole again


@pytest.mark.parametrize("target, how", [("npy", "flip"), ("npy", "truncate"), ("vocab.txt", "flip"),
                                         ("vocab.txt", "delete"), ("json", "flip")])
@pytest.mark.unit
def test_damaged_text_vectors_are_converted_again(tmp_path, target, how):
    from embedcore.sources.text import load_text_vectors

    rows = {f"w{i}": [i / 10, -i / 7, 1.0] for i in range(50)}
    src = tmp_path / "g.txt"
    src.write_text("".join(f"{t} {' '.join(map(str, v))}\n" for t, v in rows.items()), encoding="utf-8")
    cache = tmp_path / "cache"
    load_text_vectors(src, cache, "g.txt")
    (victim,) = cache.glob(f"*.{target}")
    if target == "npy" and how == "flip":
        flip(victim, at=victim.stat().st_size - 5)          # a number, not the header
    else:
        DAMAGE[how](victim)
    vocab, m, _ = load_text_vectors(src, cache, "g.txt")
    assert vocab.tokens == tuple(rows)
    np.testing.assert_allclose(np.asarray(m), np.array(list(rows.values()), dtype=np.float32))
    meta = json.loads(next(cache.glob("*.json")).read_text())
    assert integrity.problem(next(cache.glob("*.npy")), meta["files"]["npy"]) is None


@pytest.mark.render
def test_a_flipped_byte_in_shaped_text_is_shaped_again(tmp_path):
    from embedcore.config import Style
    from scenes.components.text import shaped_text, text_cache
    from scenes.theme import theme_for

    font = theme_for(Style()).font
    old = text_cache.directory
    text_cache.directory = tmp_path
    try:
        good = shaped_text("matrix", font, 24, "#FFFFFF")
        (entry,) = tmp_path.rglob("*.pkl")
        b = bytearray(entry.read_bytes())
        i = b.find(b"numpy") + 400                       # inside the pickled outline points
        b[i] ^= 0x10
        entry.write_bytes(bytes(b))
        assert text_cache.load(entry.stem) is None
        again = shaped_text("matrix", font, 24, "#FFFFFF")
        assert all(np.array_equal(a.points, b.points) for a, b in zip(good.get_family(), again.get_family()))
        assert text_cache.load(entry.stem) is not None   # rewritten whole
    finally:
        text_cache.directory = old
