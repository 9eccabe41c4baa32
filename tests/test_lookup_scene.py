"""The lookup scene built from a storyboard, without rendering a frame."""
from __future__ import annotations

import pytest

pytest.importorskip("manim")

from manim import tempconfig  # noqa: E402

from embedcore.lesson import load_lesson  # noqa: E402
from embedviz.options import QUALITIES, output_size  # noqa: E402
from scenes.components.text import cap_px  # noqa: E402
from scenes.layout import safe_margins, texts_in  # noqa: E402
from scenes.lookup import LookupScene  # noqa: E402
from scenes.theme import MIN_CAP_PX, theme_for  # noqa: E402

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


SIXTEEN = """
    lesson: {title: "A rather long title for a lesson about embeddings"}
    vocabulary: [the, quick, brown, fox, jumps, over, lazy, dog, embeddings, are, learned, representations]
    embeddings: {source: synthetic, dim: 64, seed: 3}
    tokens: the quick brown fox jumps over the lazy dog embeddings are learned representations the fox dog
    segments: [{type: lookup}]
"""
# 16 tokens of up to 40 characters, each long one three times
LONG = "pneumonoultramicroscopicsilicovolcanoconi"[:40]
LONGER = "antidisestablishmentarianismcounterpoint"
LONG_TOKENS = f"""
    lesson: {{title: "Long tokens"}}
    vocabulary: [the, {LONG}, {LONGER}, fox, a, b, c, d]
    embeddings: {{source: synthetic, dim: 64, seed: 3}}
    tokens: the {LONG} {LONGER} fox the a b c d the {LONG} fox a {LONGER} {LONG} {LONGER}
    segments: [{{type: lookup}}]
"""


def build_at(path, aspect):
    """The scene built in a frame of ``aspect`` (short side 8 units, as a render sets it)."""
    q = output_size(QUALITIES["l"], aspect)
    fw, fh = 8.0 * max(1.0, q.width / q.height), 8.0 * max(1.0, q.height / q.width)
    sb = load_lesson(path).storyboards[0]
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_width": fw, "frame_height": fh,
                     "pixel_width": q.width, "pixel_height": q.height}):
        scene = LookupScene(sb, theme_for(load_lesson(path).lesson.style))
        scene.build()
    return sb, scene, fw, fh


def box(m):
    return m.get_left()[0], m.get_bottom()[1], m.get_right()[0], m.get_top()[1]


def apart(a, b, eps=1e-6):
    """Boxes ``a`` and ``b`` do not overlap."""
    return a[2] <= b[0] + eps or b[2] <= a[0] + eps or a[3] <= b[1] + eps or b[3] <= a[1] + eps


@pytest.mark.parametrize("case,aspect", [("basic", "16:9"), ("sixteen", "16:9"),
                                         ("sixteen", "9:16"), ("long", "1:1")])
def test_everything_fits_in_frame(basic_lesson, write_lesson, case, aspect):
    """16 tokens (long ones, repeated ones) in each frame shape: every text title-safe and at or above
    the 18 px floor, chips and ids apart, E and the output apart, the sentence under the header (and,
    unless the sentence and the tables take turns, above them)."""
    path = {"basic": basic_lesson, "sixteen": None, "long": None}[case] or \
        write_lesson(SIXTEEN if case == "sixteen" else LONG_TOKENS)
    sb, scene, fw, fh = build_at(path, aspect)
    mx, my = safe_margins(fw, fh)
    texts = texts_in([scene.header, scene.chips, scene.ids, scene.matrix, scene.output, scene.matrix_title,
                      scene.output_title, scene.matrix_note])
    assert len(texts) > 3 * len(sb.steps)
    for t in texts:
        left, bottom, right, top = box(t)
        assert left >= -fw / 2 + mx - 1e-3 and right <= fw / 2 - mx + 1e-3, (t, left, right)
        assert bottom >= -fh / 2 + my - 1e-3 and top <= fh / 2 - my + 1e-3, (t, bottom, top)
        assert cap_px(t, "Inter") >= MIN_CAP_PX - 0.5, t
    for group in (scene.chips, scene.ids):
        boxes = [box(m) for m in group]
        assert all(apart(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert apart(box(scene.matrix), box(scene.output))
    assert scene.matrix.get_left()[0] < scene.output.get_left()[0] or \
        scene.matrix.get_top()[1] > scene.output.get_top()[1]            # E first: the flow reads forwards
    assert scene.source.get_top()[1] < scene.title.get_bottom()[1]
    assert scene.chips.get_top()[1] < scene.source.get_bottom()[1]
    if not scene.turns:
        assert scene.ids.get_bottom()[1] > max(scene.matrix_title.get_top()[1], scene.output_title.get_top()[1])
    # repeated tokens: one row of E each, every step's row labelled with its id and token
    assert len({st.view_row for st in sb.steps}) == len({st.id for st in sb.steps})
