"""The lookup scene built from a storyboard, without rendering a frame."""
from __future__ import annotations

import pytest

pytest.importorskip("manim")

from manim import tempconfig  # noqa: E402

from embedcore.lesson import load_lesson  # noqa: E402
from scenes.lookup import LookupScene  # noqa: E402
from scenes.theme import theme_for  # noqa: E402

pytestmark = pytest.mark.render


def build(path):
    c = load_lesson(path)
    sb = c.storyboards[0]
    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = LookupScene(sb, theme_for(c.lesson.style))
        scene.build()
    return sb, scene


def test_highlighted_row_is_the_token_id(basic_lesson):
    sb, scene = build(basic_lesson)
    for st in sb.steps:
        label = scene.matrix.row_labels[st.view_row]
        # the row label drawn at that row names the token's id and the token
        assert label.original_text.split() == [f"{st.id:,}", st.text]
        # the output row for this position is drawn level with its own label
        assert scene.output.row_labels[st.position].original_text == st.text


def test_everything_fits_in_frame(basic_lesson, write_lesson):
    long = write_lesson("""
        lesson: {title: "A rather long title for a lesson about embeddings"}
        vocabulary: [the, quick, brown, fox, jumps, over, lazy, dog, embeddings, are, learned, representations]
        embeddings: {source: synthetic, dim: 64, seed: 3}
        tokens: the quick brown fox jumps over the lazy dog embeddings are learned representations the fox dog
        segments: [{type: lookup}]
    """)
    for path in (basic_lesson, long):
        sb, scene = build(path)
        fw, fh = 14.2222, 8.0
        for m in [scene.title, scene.source, scene.chips, scene.ids, scene.matrix, scene.output,
                  scene.matrix_title, scene.output_title, scene.matrix_note]:
            assert m.get_left()[0] >= -fw / 2 and m.get_right()[0] <= fw / 2, m
            assert m.get_bottom()[1] >= -fh / 2 and m.get_top()[1] <= fh / 2, m
        # matrix and output do not overlap horizontally
        assert scene.output.get_right()[0] < scene.matrix.get_left()[0]
        # the source line sits below the title, the sentence below the source line
        assert scene.source.get_top()[1] < scene.title.get_bottom()[1]
        assert scene.chips.get_top()[1] < scene.source.get_bottom()[1]
        # ids do not overlap each other
        xs = [(i.get_left()[0], i.get_right()[0]) for i in scene.ids]
        assert all(a[1] <= b[0] + 1e-6 for a, b in zip(xs, xs[1:]))
        # chips do not overlap each other
        xs = [(c.get_left()[0], c.get_right()[0]) for c in scene.chips]
        assert all(a[1] <= b[0] + 1e-6 for a, b in zip(xs, xs[1:]))
