"""The beat contract between narration timing and every scene.

``Storyboard.beat_seconds[i]`` is the least time from the start of narration
line i to the start of line i + 1 (or the segment's end); a scene must never
start the next line earlier, even where it would not hold in a silent lesson.
``captions_on_screen=False`` keeps the cues but draws no caption.
"""
from __future__ import annotations

import dataclasses

import pytest

from embedcore.lesson import load_lesson
from embedviz.draw.worker import render_clip

pytestmark = pytest.mark.render


LESSON = """
lesson: {title: Beats, slug: beats}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration: ["One.", "Two.", "Three.", "Four."]
"""


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    p = tmp_path_factory.mktemp("beats") / "l.yaml"
    p.write_text(LESSON)
    c = load_lesson(p)
    return c.lesson.style, c.storyboards[0]


@pytest.mark.parametrize("on_screen", [True, False])
def test_lines_hold_for_their_beats(board, tmp_path, on_screen):
    style, sb = board
    beats = (2.0, 3.0, 2.5, 1.5)         # longer than any reading time of these short lines
    sb = dataclasses.replace(sb, beat_seconds=beats, captions_on_screen=on_screen)
    out = render_clip(sb, style, 256, 144, 5, tmp_path / "c.mp4")
    cues = out["cues"]
    assert [c["text"] for c in cues] == list(sb.narration)
    for i, c in enumerate(cues):
        nxt = cues[i + 1]["start"] if i + 1 < len(cues) else out["duration"]
        assert nxt - c["start"] >= beats[i] - 1e-6, (i, c, nxt)
        assert c["end"] - c["start"] >= beats[i] - 1e-6
    if not on_screen:
        assert out["duration"] > 0
