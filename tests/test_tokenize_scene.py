"""The tokenize scene built from a storyboard, without rendering a frame: a continuation piece that wraps
onto the next row keeps its clasp, cut in two halves that read across the break."""
from __future__ import annotations

import pytest

pytest.importorskip("manim")

from manim import tempconfig  # noqa: E402

from embedcore.lesson import load_lesson  # noqa: E402
from embedviz.options import QUALITIES, output_size  # noqa: E402
from scenes.theme import GAP, theme_for  # noqa: E402
from scenes.tokenize import TokenizeScene  # noqa: E402

pytestmark = pytest.mark.render

# one word of 17 WordPiece pieces (p ##ne ##um ...): wider than any frame, so its pieces wrap
LONG_WORD = """
    lesson: {title: "Wrapped pieces", slug: wrapped}
    embeddings: {source: minilm}
    tokens: "pneumonoultramicroscopicsilicovolcanoconiosis"
    segments: [{type: tokenize}]
"""


def build_at(path, aspect):
    q = output_size(QUALITIES["l"], aspect)
    fw, fh = 8.0 * max(1.0, q.width / q.height), 8.0 * max(1.0, q.height / q.width)
    c = load_lesson(path)
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_width": fw, "frame_height": fh,
                     "pixel_width": q.width, "pixel_height": q.height}):
        scene = TokenizeScene(c.storyboards[0], theme_for(c.lesson.style))
        scene.build()
    return scene


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_a_continuation_that_wraps_keeps_a_clasp_across_the_break(write_lesson, aspect):
    pytest.importorskip("tokenizers")
    scene = build_at(write_lesson(LONG_WORD), aspect)
    pieces = scene.storyboard.words[0].pieces
    assert len(pieces) > 10 and all(p.continues for p in pieces[1:])
    assert sorted(scene.clasps) == list(range(1, len(pieces)))          # every join has its clasp
    body, wrapped = scene.regions.body, 0
    for i, clasp in scene.clasps.items():
        a, b = scene.chips[i - 1].box, scene.chips[i].box
        for half in clasp:
            assert body.x0 - 1e-6 <= half.get_left()[0] and half.get_right()[0] <= body.x1 + 1e-6
        if abs(a.get_y() - b.get_y()) < 1e-3:
            assert len(clasp) == 1 and clasp.get_left()[0] < a.get_right()[0] < b.get_left()[0] < clasp.get_right()[0]
            continue
        wrapped += 1
        assert b.get_y() < a.get_y()                    # the continuation starts the next row
        leave, enter = clasp
        # one half leaves the piece's right side at its height, the other enters the continuation's left
        assert leave.get_left()[0] < a.get_right()[0] and leave.get_right()[0] >= a.get_right()[0] + GAP.s
        assert abs(leave.get_y() - a.get_y()) < 1e-3 and abs(enter.get_y() - b.get_y()) < 1e-3
        assert enter.get_right()[0] > b.get_left()[0] and enter.get_left()[0] <= b.get_left()[0] - GAP.s
        assert leave.get_fill_color() == enter.get_fill_color()
    assert wrapped >= 1
