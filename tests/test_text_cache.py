"""Shaped text from the disk cache is the Text Manim would shape, and a render
with a warm cache draws the same frames as one with a cold cache."""
from __future__ import annotations

import numpy as np
import pytest

from embedcore.config import Style
from scenes.components.text import shaped_text, text_cache
from scenes.theme import theme_for


def family_data(mob):
    return [(type(m).__name__, m.points.copy(), m.fill_rgbas.copy(), m.stroke_rgbas.copy()) for m in mob.get_family()]


def same(a, b) -> bool:
    fa, fb = family_data(a), family_data(b)
    return len(fa) == len(fb) and all(x[0] == y[0] and all(np.array_equal(p, q) for p, q in zip(x[1:], y[1:]))
                                      for x, y in zip(fa, fb))


@pytest.fixture
def cache_dir(tmp_path):
    old = text_cache.directory
    text_cache.directory = tmp_path
    yield tmp_path
    text_cache.directory = old


@pytest.mark.render
def test_cached_text_equals_fresh_text(cache_dir):
    font = theme_for(Style()).font
    text_cache.directory = None
    fresh = shaped_text("Cosine ≠ distance, 0.42", font, 24, "#E69F00")
    text_cache.directory = cache_dir
    first = shaped_text("Cosine ≠ distance, 0.42", font, 24, "#E69F00")      # shapes and stores
    assert len(list(cache_dir.rglob("*.pkl"))) == 1
    again = shaped_text("Cosine ≠ distance, 0.42", font, 24, "#E69F00")      # from disk
    assert same(fresh, first) and same(fresh, again)
    assert again is not first and again.text == fresh.text


@pytest.mark.render
def test_every_input_that_shapes_text_is_in_the_key(cache_dir):
    font = theme_for(Style()).font
    base = shaped_text("cat", font, 24, "#FFFFFF")
    variants = [shaped_text("bat", font, 24, "#FFFFFF"), shaped_text("cat", font, 30, "#FFFFFF"),
                shaped_text("cat", font, 24, "#56B4E9"), shaped_text("cat", font, 24, "#FFFFFF", "BOLD"),
                shaped_text("cat", theme_for(Style()).mono, 24, "#FFFFFF")]
    assert len(list(cache_dir.rglob("*.pkl"))) == 6
    assert not any(same(base, v) for v in variants)


@pytest.mark.render
def test_a_damaged_entry_is_shaped_again(cache_dir):
    font = theme_for(Style()).font
    good = shaped_text("matrix", font, 24, "#FFFFFF")
    entry = next(cache_dir.rglob("*.pkl"))
    entry.write_bytes(entry.read_bytes()[:100])            # cut short
    assert same(shaped_text("matrix", font, 24, "#FFFFFF"), good)
    assert entry.stat().st_size > 100                      # rewritten whole


@pytest.mark.render
def test_warm_cache_render_draws_the_same_frames(tmp_path, monkeypatch):
    import av

    from embedcore.lesson import load_lesson
    from embedviz.draw.worker import render_clip

    from .conftest import ROOT
    monkeypatch.setenv("EMBEDVIZ_TEXT_CACHE", str(tmp_path / "cache"))
    lesson = load_lesson(ROOT / "configs" / "similarity-matrix.yaml")
    sb = lesson.storyboards[0]
    render_clip(sb, lesson.lesson.style, 256, 144, 5, tmp_path / "cold.mp4")
    assert len(list((tmp_path / "cache").rglob("*.pkl"))) > 10
    render_clip(sb, lesson.lesson.style, 256, 144, 5, tmp_path / "warm.mp4")

    def frames(p):
        with av.open(str(p)) as c:
            return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    a, b = frames(tmp_path / "cold.mp4"), frames(tmp_path / "warm.mp4")
    assert len(a) == len(b) > 20 and all(np.array_equal(x, y) for x, y in zip(a, b))
