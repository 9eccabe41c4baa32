"""The segment cache key changes when, and only when, an input that matters changes."""
from __future__ import annotations

import pytest

from embedcore.lesson import load_lesson
from embedviz.render.cache import segment_key

pytestmark = pytest.mark.unit

LESSON = """
lesson: {title: Cache, slug: cache}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration: "One."
  - type: lookup
    tokens: [dog, on]
    narration: "Two."
"""


def keys(path, **size):
    c = load_lesson(path)
    style = c.lesson.style.model_dump()
    args = dict(width=256, height=144, fps=5, fmt="mp4", transparent=False) | size
    return [segment_key(sb.to_dict(), style, **args) for sb in c.storyboards]


def test_same_inputs_same_keys(write_lesson):
    a = keys(write_lesson(LESSON, "a.yaml"))
    b = keys(write_lesson(LESSON, "b.yaml"))          # another file, same content
    assert a == b and a[0] != a[1]


def test_one_narration_changes_one_key(write_lesson):
    base = keys(write_lesson(LESSON, "a.yaml"))
    edited = keys(write_lesson(LESSON.replace('"Two."', '"Two, edited."'), "b.yaml"))
    assert edited[0] == base[0] and edited[1] != base[1]


def test_segment_tokens_change_only_that_segment(write_lesson):
    base = keys(write_lesson(LESSON, "a.yaml"))
    edited = keys(write_lesson(LESSON.replace("tokens: [dog, on]", "tokens: [dog, mat]"), "b.yaml"))
    assert edited[0] == base[0] and edited[1] != base[1]


def test_shared_inputs_change_every_key(write_lesson):
    base = keys(write_lesson(LESSON, "a.yaml"))
    for i, (old, new) in enumerate([("seed: 1", "seed: 2"),                       # the vectors
                                    ("lesson: {title: Cache, slug: cache}",
                                     "lesson: {title: Cache, slug: cache}\nstyle: {theme: light}")]):
        changed = keys(write_lesson(LESSON.replace(old, new), f"c{i}.yaml"))
        assert all(x != y for x, y in zip(base, changed)), (old, new)


def test_output_settings_change_every_key(write_lesson):
    p = write_lesson(LESSON)
    base = keys(p)
    for size in (dict(width=320, height=180), dict(fps=10), dict(fmt="webm"), dict(fmt="webm", transparent=True)):
        assert all(x != y for x, y in zip(base, keys(p, **size))), size


def test_irrelevant_edits_keep_keys(write_lesson):
    base = keys(write_lesson(LESSON, "a.yaml"))
    # comments, key order and the lesson's top-level sentence (not used by segment 2) do not matter
    moved = LESSON.replace('tokens: "the cat sat"\n', "") + '# a comment\ntokens: "the cat sat"\n'
    assert keys(write_lesson(moved, "b.yaml")) == base
    # (a word segment 2 does not show: a token string keeps one colour in the lesson, so a sentence that
    # shows segment 2's tokens first may recolour them there)
    other_sentence = keys(write_lesson(LESSON.replace('tokens: "the cat sat"', 'tokens: "the mat sat"'), "c.yaml"))
    assert other_sentence[1] == base[1] and other_sentence[0] != base[0]


def test_drawing_code_is_part_of_the_key(write_lesson, monkeypatch):
    from embedviz.render import cache

    base = keys(write_lesson(LESSON))
    monkeypatch.setattr(cache, "code_version", lambda: "a-different-scene-version")
    assert all(x != y for x, y in zip(base, keys(write_lesson(LESSON, "b.yaml"))))


def test_parallel_workers_write_distinct_files(write_lesson):
    """Every job has its own clip, cache entry and scratch directory (worker.py)."""
    from embedviz.render.plan import clip_name

    c = load_lesson(write_lesson(LESSON.replace("  - type: lookup\n    narration: \"One.\"",
                                                "  - type: lookup\n    narration: \"One.\"\n  - type: lookup")))
    names = [clip_name(sb) for sb in c.storyboards]
    assert len(set(names)) == len(names) == 3          # two identical segments still get two files



def test_stock_manim_and_embedviz_renders_keep_apart(write_lesson, monkeypatch):
    """A stock Manim render (EMBEDVIZ_PLAIN_MANIM=1) never reuses an embedviz clip, nor the reverse."""
    path = write_lesson(LESSON, "a.yaml")
    monkeypatch.delenv("EMBEDVIZ_PLAIN_MANIM", raising=False)
    ours = keys(path)
    monkeypatch.setenv("EMBEDVIZ_PLAIN_MANIM", "1")
    stock = keys(path)
    assert set(ours).isdisjoint(stock)
    monkeypatch.setenv("EMBEDVIZ_PLAIN_MANIM", "0")
    assert keys(path) == ours
