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


# -- no lesson breaks the frame (issue 19): labels only where they say more, and what gives way at the floor --

def flat(scene):
    return [m for m in scene.words.get_family()]


def test_a_word_that_is_its_one_chip_has_no_label_and_its_chip_stays_in_the_row(tmp_path, write_lesson):
    """[CLS] the zebra embeddings [SEP]: only 'zebra' ([UNK]) and 'embeddings' (four pieces) are written over
    their chips; the one-piece words land as their chips, level with the chips of the labelled words."""
    pytest.importorskip("tokenizers")
    from tests.helpers_models import write_model_folder
    write_model_folder(tmp_path / "model")
    path = write_lesson("lesson: {title: T, slug: t}\nembeddings: {source: huggingface, path: model, "
                        "special_tokens: true}\ntokens: the zebra embeddings\nsegments: [{type: tokenize}]\n")
    scene = build_at(path, "16:9")
    sb = scene.storyboard
    assert [w.text for w in sb.words] == ["[CLS]", "the", "zebra", "embeddings", "[SEP]"]
    assert scene.labelled == [False, False, True, True, False]
    drawn = {id(m) for m in flat(scene)}
    assert [id(lab) in drawn for lab in scene.word_labels] == scene.labelled
    # one row (a wide frame): every chip's top on one line, under the labels
    tops = {round(c.box.get_top()[1], 6) for c in scene.chips}
    assert len(tops) == 1
    assert all(lab.get_bottom()[1] > next(iter(tops)) for lab, on in zip(scene.word_labels, scene.labelled) if on)


LONG_HANGUL = """
    lesson: {title: Long words}
    vocabulary: [딩딩터의리문베의벡토미, 단베어국한한미토문터베문임어한한문어리국문벡어어의터한국리국거어국벡단장어베, 미어,
                 베의문토벡벡딩딩국임큰장리거국큰리장, 베리장어벡어벡임단어국베장국국어거미거큰단토국어리국의어문의한거벡어벡,
                 어터국문국벡토어벡문단터단장딩거리베토토거, 미단어의거리거리한터임베큰문거토단장큰어어국터리토장,
                 토큰벡토거거한거단어토토토어의벡미의큰문]
    embeddings: {source: synthetic, dim: 16, seed: 3}
    tokens: [딩딩터의리문베의벡토미, 단베어국한한미토문터베문임어한한문어리국문벡어어의터한국리국거어국벡단장어베, 미어,
             베의문토벡벡딩딩국임큰장리거국큰리장, 베리장어벡어벡임단어국베장국국어거미거큰단토국어리국의어문의한거벡어벡,
             어터국문국벡토어벡문단터단장딩거리베토토거, 미단어의거리거리한터임베큰문거토단장큰어어국터리토장,
             토큰벡토거거한거단어토토토어의벡미의큰문]
    segments: [{type: tokenize}]
"""


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_a_text_too_long_for_the_frame_keeps_the_floor_and_says_what_it_leaves_out(write_lesson, aspect):
    """Eight Hangul words of 2-40 characters: the typed text and every chip stay at or above the text floor
    and inside the body; a chip wider than the body is cut (its word's label says how long it is); and where
    even then the words do not fit, the first of them are drawn and the flow's last item says how many."""
    from scenes import layout
    scene = build_at(write_lesson(LONG_HANGUL), aspect)
    sb, body = scene.storyboard, scene.regions.body
    assert layout.floor_scale([scene.typed]) <= 1 + 1e-6 and scene.typed.width <= body.width + 1e-6
    assert layout.floor_scale([scene.words]) <= 1 + 1e-6
    b = layout.bounds([scene.words])
    assert body.x0 - 1e-6 <= b.x0 and b.x1 <= body.x1 + 1e-6
    assert b.y1 <= scene.header.get_bottom()[1] and b.y0 >= scene.summary.get_top()[1]
    n = len(scene.word_labels)
    assert len(scene.chips) == len(scene.ids) == sum(len(w.pieces) for w in sb.words[:n])
    for chip, w, on in zip(scene.chips, sb.words, scene.labelled):
        assert chip.width <= body.width + 1e-6
        cut = len(chip.word.submobjects) < len(w.text)
        assert on == (cut or w.shown != w.text)          # a cut chip is always under its word's label
    if n < len(sb.words):
        assert scene.more.original_text.replace(" ", "") == sb.first_words[n - 1].replace(" ", "")
        assert id(scene.more) in {id(m) for m in flat(scene)}
    else:
        assert not scene.more.submobjects
    if aspect == "1:1":         # the square frame cannot hold all eight at the floor
        assert 1 <= n < len(sb.words)


def test_one_word_too_tall_for_a_square_frame_draws_its_first_pieces_and_says_so(write_lesson):
    """'pneumono…' is 17 pieces, with [CLS] and [SEP]: at 1:1 with the captions on screen even the one word
    does not fit at the floor, so its first pieces are drawn, clasped, and the flow ends 'first k of 19 tokens'."""
    pytest.importorskip("tokenizers")
    from scenes import layout
    scene = build_at(write_lesson(LONG_WORD.replace("minilm}", "minilm, special_tokens: true}")), "1:1")
    sb, body = scene.storyboard, scene.regions.body
    k = len(scene.chips)
    assert sb.n_tokens == 19 and 2 <= k < sb.n_tokens
    assert scene.more.original_text.replace(" ", "") == sb.first_tokens[k - 1].replace(" ", "")
    assert [c.word.original_text for c in scene.chips] == [p.text for w in sb.words for p in w.pieces][:k]
    assert sorted(scene.clasps) == list(range(2, k))                 # [CLS], then p ##ne ##um ...: every join
    assert layout.floor_scale([scene.words]) <= 1 + 1e-6
    b = layout.bounds(layout.texts_in([scene.words]))          # (the room kept for a clasp's halves may reach out)
    assert body.x0 - 1e-6 <= b.x0 and b.x1 <= body.x1 + 1e-6 and b.y0 >= scene.summary.get_top()[1]
