"""Special tokens ([CLS], [MASK], <s>, <|endoftext|>, a tokenizer's own) are left out of
neighbour and analogy searches by default, and the screen says which would have ranked."""
from __future__ import annotations

import json

import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedcore.special import is_special, special_ids

from .helpers_models import WORDPIECE_VOCAB, embedding_matrix, write_safetensors, write_wordpiece

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("tok", ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]", "[unused0]", "[unused993]", "<s>",
                                 "</s>", "<pad>", "<unk>", "<mask>", "<|endoftext|>", "<|im_start|>",
                                 "\u27e8unused row 7\u27e9"])
def test_special_names(tok):
    assert is_special(tok)


@pytest.mark.parametrize("tok", ["cat", "[cat]", "<b>", "<", "[", "##s", "<|", "|>", "[unused]", "s"])
def test_words_are_not_special(tok):
    assert not is_special(tok)


def _minilm(write_lesson, **opts):
    seg = {"type": "nearest-neighbours", "query": "cat", "k": 5, **opts}
    text = json.dumps({"lesson": {"title": "nn"}, "embeddings": {"source": "minilm"}, "tokens": "cat",
                       "segments": [seg]})
    return load_lesson(write_lesson(text)).storyboards[0]


def test_mask_is_not_a_neighbour_of_cat_by_default(write_lesson):
    """Finding 7: [MASK] was the 5th nearest token to 'cat' by distance in MiniLM."""
    sb = _minilm(write_lesson)
    shown = [n.token for n in sb.by_cosine + sb.by_distance]
    assert not any(is_special(t) for t in shown)
    assert "[MASK] would be 5th by distance" in sb.space_note
    assert sb.space_note.startswith("searched 29,523 of 30,522 tokens in all 384 dimensions; 999 special")
    assert "999 special tokens left out" in sb.space_note and sb.special_left_out == 999
    included = _minilm(write_lesson, include_special=True)
    assert included.by_distance[4].token == "[MASK]"
    assert included.special_left_out == 0 and "999 special tokens included" in included.space_note
    # what is left after leaving the specials out is the same search, one place on
    assert [n.token for n in sb.by_distance[:4]] == [n.token for n in included.by_distance[:4]]
    assert sb.by_distance[4].token == included_sixth(write_lesson)


def included_sixth(write_lesson):
    return _minilm(write_lesson, include_special=True, k=6).by_distance[5].token


def _model_folder(tmp_path, vocab, rows):
    folder = tmp_path / "model"
    write_wordpiece(folder, vocab)
    write_safetensors(folder / "model.safetensors", {"embeddings.word_embeddings.weight": rows})
    return folder


def test_tokenizer_added_special_tokens_and_analogy(tmp_path, write_lesson):
    from tokenizers import Tokenizer

    vocab = [*WORDPIECE_VOCAB, "<extra_marker>"]
    rows = embedding_matrix(len(vocab), 8, seed=3)
    king, man, woman = vocab.index("cat"), vocab.index("dog"), vocab.index("bat")
    target = rows[king] - rows[man] + rows[woman]
    rows[vocab.index("[MASK]")] = target          # a special token exactly where the answer is
    rows[vocab.index("<extra_marker>")] = 0.9 * target + 0.01
    folder = _model_folder(tmp_path, vocab, rows)
    tk = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tk.add_special_tokens(["<extra_marker>"])     # special only because the tokenizer says so
    tk.save(str(folder / "tokenizer.json"))
    seg = {"type": "analogy", "a": "cat", "b": "dog", "c": "bat", "k": 3}
    lesson = {"lesson": {"title": "a"}, "embeddings": {"source": "huggingface", "path": "model"}, "tokens": "cat",
              "segments": [seg, {**seg, "include_special": True}]}
    compiled = load_lesson(write_lesson(json.dumps(lesson)))
    ids = special_ids(compiled.lesson.table)
    assert {vocab[i] for i in ids} == {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<extra_marker>"}
    default, everything = compiled.storyboards
    assert not any(is_special(h.token) or h.token == "<extra_marker>" for h in default.raw + default.excluded)
    assert everything.excluded[0].token == "[MASK]" and everything.excluded[1].token == "<extra_marker>"
    assert "6 special tokens left out" in default.honesty
    assert "[MASK] would be 1st by cosine" in default.honesty and "<extra_marker> would be" in default.honesty


def test_k_counts_only_searchable_tokens(write_lesson):
    lesson = {"lesson": {"title": "k"}, "vocabulary": ["cat", "dog", "[MASK]", "<s>"],
              "embeddings": {"source": "synthetic", "dim": 4}, "tokens": "cat",
              "segments": [{"type": "nearest-neighbours", "query": "cat", "k": 2}]}
    from embedcore.errors import LessonError

    with pytest.raises(LessonError, match="only 1 other token that is not a special token"):
        load_lesson(write_lesson(json.dumps(lesson)))
    lesson["segments"][0]["include_special"] = True
    (sb,) = load_lesson(write_lesson(json.dumps(lesson), "ok.yaml")).storyboards
    assert len(sb.by_cosine) == 2


def test_no_special_tokens_no_note(write_lesson):
    lesson = {"lesson": {"title": "k"}, "vocabulary": ["cat", "dog", "car"],
              "embeddings": {"source": "synthetic", "dim": 4}, "tokens": "cat",
              "segments": [{"type": "nearest-neighbours", "query": "cat", "k": 2}]}
    (sb,) = load_lesson(write_lesson(json.dumps(lesson))).storyboards
    assert sb.space_note == "searched all 3 tokens, in the full 4-dimensional space"
    assert sb.special_left_out == 0
    assert np.array_equal(special_ids(load_lesson(write_lesson(json.dumps(lesson), "b.yaml")).lesson.table), [])
