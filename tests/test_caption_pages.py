"""On-screen captions show at most three lines at once: a longer narration line turns pages while it is read.

A lesson's tokens can make a line long (a tie between long tokens, ten neighbours named); the caption band was
as tall as the longest line, so at 1:1 six caption lines took the body's room and the lists ran into them.
"""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedcore.lesson import load_lesson
from embedviz.draw.worker import render_clip
from scenes.base import CAPTION_LINES, SegmentScene, caption_pages
from scenes.components.text import wrap

WORDS = st.text(st.sampled_from("abcdefghijk'é中🙂"), min_size=1, max_size=14)


@pytest.mark.unit
@given(st.lists(WORDS, min_size=1, max_size=60), st.integers(20, 64))
def test_pages_keep_every_line_in_order_and_are_as_even_as_the_lines_allow(words, chars):
    text = " ".join(words)
    pages = caption_pages(text, chars)
    lines = wrap(text, chars).split("\n")
    assert "\n".join(pages).split("\n") == lines
    sizes = [len(p.split("\n")) for p in pages]
    assert max(sizes) <= CAPTION_LINES
    assert len(pages) == -(-len(lines) // CAPTION_LINES)
    assert max(sizes) - min(sizes) <= 1


LONG = ("The rankings differ: 'w1196', 'w243517', 'w186273', 'w162719' and 'w189867' only by cosine, "
        "'w37854', 'w37371', 'w187340', 'w48829' and 'w115520' only by distance.")
LESSON = f"""
lesson: {{title: Pages, slug: pages}}
vocabulary: [the, cat, dog, sat]
embeddings: {{source: synthetic, dim: 4, seed: 1}}
tokens: "the cat sat"
style: {{aspect: "1:1"}}
segments:
  - type: lookup
    narration: ["One.", "{LONG}", "Three."]
"""


@pytest.mark.render
@pytest.mark.parametrize("voiced", [False, True])
def test_a_long_line_turns_its_pages_in_order_within_its_cue(tmp_path, monkeypatch, voiced):
    p = tmp_path / "l.yaml"
    p.write_text(LESSON)
    c = load_lesson(p)
    sb = c.storyboards[0]
    if voiced:      # a voice with burned-in captions: the pages share the line's beat
        sb = dataclasses.replace(sb, beat_seconds=(2.0, 12.0, 2.0), captions_on_screen=True)
    shown = []
    real = SegmentScene.caption_mob

    def record(scene, text):
        shown.append((scene.renderer.time, text, scene.caption_chars))
        return real(scene, text)
    monkeypatch.setattr(SegmentScene, "caption_mob", record)
    out = render_clip(sb, c.lesson.style, 144, 144, 5, tmp_path / "c.mp4")
    chars = shown[0][2]
    expected = caption_pages(LONG, chars)
    assert len(expected) >= 2            # the line is long enough at 1:1 to need pages
    texts = [t for _, t, _ in shown]
    at = texts.index(expected[0])
    assert texts[at:at + len(expected)] == expected      # every page, in order, none skipped
    cue = next(q for q in out["cues"] if q["text"] == LONG)
    times = [t for t, _, _ in shown[at:at + len(expected)]]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert cue["start"] - 0.3 <= times[0] and times[-1] < cue["end"]
    # the later pages come once the earlier ones have been on screen for their share of the line
    span = cue["end"] - cue["start"]
    share = len(expected[0]) / sum(map(len, expected))
    assert times[1] - times[0] >= 0.5 * share * span
    assert all(len(t.split("\n")) <= CAPTION_LINES for t in texts)
