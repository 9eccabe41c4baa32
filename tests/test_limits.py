"""Extreme lengths: text a lesson puts on screen has a documented limit (README "Limits"),
refused past it with the usual one line; tokens from a model's vocabulary are elided."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from embedcore import config
from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedcore.storyboard import fmt

pytestmark = pytest.mark.unit

ONE_LINE = re.compile(r"^\S+\.yaml:\d+:\d+: [^\n]+ \([^\n]+\)$")


def lesson(**over) -> dict:
    data = {"lesson": {"title": "Limits"}, "vocabulary": ["cat", "dog", "car"],
            "embeddings": {"source": "synthetic", "dim": 4}, "tokens": "cat dog",
            "segments": [{"type": "lookup"}]}
    for path, value in over.items():
        node = data
        parts = path.split(".")
        for p in parts[:-1]:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = value
    return data


CASES = [  # (path in the lesson, limit, how to make a value of n characters, where the error points)
    ("lesson.title", config.MAX_TITLE, lambda n: "T" * n, "lesson.title"),
    ("lesson.subtitle", config.MAX_SUBTITLE, lambda n: "s" * n, "lesson.subtitle"),
    ("segments.0.title", config.MAX_SEGMENT_TITLE, lambda n: "t" * n, "segments[0].title"),
    ("segments.0.narration", config.MAX_NARRATION_LINE, lambda n: "w" * n, "segments[0].narration"),
    ("tokens", config.MAX_TOKEN_TEXT, lambda n: ("cat " * n)[:n], "tokens"),
]


@pytest.mark.parametrize("path,limit,make,where", CASES)
def test_text_limits(write_lesson, path, limit, make, where):
    ok = lesson(**{path: make(limit)})
    if path == "tokens":
        ok["segments"] = [{"type": "matrix-shape"}]
    load_lesson(write_lesson(json.dumps(ok), "ok.yaml"))
    bad = write_lesson(json.dumps(lesson(**{path: make(limit + 1)})), "bad.yaml")
    with pytest.raises(LessonError) as e:
        load_lesson(bad)
    msg = str(e.value)
    assert ONE_LINE.match(msg), msg
    assert f": {where}: {limit + 1:,} characters is too long here (at most {limit:,})" in msg


def test_the_issue_sizes_are_refused_in_one_short_line(write_lesson):
    """Finding 8: a 5,000-character token and a 100,000-character title validated and rendered badly."""
    for over, where in (({"lesson.title": "T" * 100_000}, "lesson.title"),
                        ({"vocabulary": ["c" * 5000, "dog"], "tokens": "dog"}, "vocabulary[0]")):
        with pytest.raises(LessonError) as e:
            load_lesson(write_lesson(json.dumps(lesson(**over))))
        msg = str(e.value)
        assert ONE_LINE.match(msg) and len(msg) < 250 and f": {where}: " in msg, msg


def test_token_limit_everywhere_a_token_is_written(write_lesson, tmp_path):
    long = "x" * (config.MAX_TOKEN + 1)
    for over in ({"tokens": ["cat", long]}, {"segments": [{"type": "nearest-neighbours", "query": long}]},
                 {"embeddings": {"source": "synthetic", "dim": 2, "groups": {"g": [long]}}}):
        with pytest.raises(LessonError, match=r"41 characters is too long here \(at most 40\)"):
            load_lesson(write_lesson(json.dumps(lesson(**over))))
    (tmp_path / "v.txt").write_text("cat\n" + long + "\n", encoding="utf-8")
    with pytest.raises(LessonError) as e:
        load_lesson(write_lesson(json.dumps(lesson(vocabulary={"file": "v.txt"}, tokens="cat"))))
    assert str(e.value).startswith(f"{tmp_path / 'v.txt'}:2:41: a token of 41 characters is too long (at most 40)")


def test_counts_are_limited(write_lesson):
    with pytest.raises(LessonError, match=r"segments: 25 entries is too many here \(at most 24\)"):
        load_lesson(write_lesson(json.dumps(lesson(segments=[{"type": "lookup"}] * 25))))
    with pytest.raises(LessonError, match=r"segments\[0\]\.narration: 13 entries is too many here \(at most 12\)"):
        load_lesson(write_lesson(json.dumps(lesson(**{"segments.0.narration": ["line"] * 13}))))
    narr = ["ok", "w" * 201]
    with pytest.raises(LessonError, match=r"segments\[0\]\.narration\[1\]: 201 characters"):
        load_lesson(write_lesson(json.dumps(lesson(**{"segments.0.narration": narr}))))


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1b[31mred", "tab\x7f", "\x85"])
def test_control_characters_are_refused(write_lesson, bad):
    with pytest.raises(LessonError, match="control character") as e:
        load_lesson(write_lesson(json.dumps(lesson(**{"lesson.title": bad}))))
    assert "\n" not in str(e.value)


def test_line_breaks_in_keys_never_break_the_message_line(write_lesson):
    with pytest.raises(LessonError) as e:
        load_lesson(write_lesson('lesson: {title: t}\n"bad\\r\\nkey": 1\n'))
    assert "\n" not in str(e.value) and "\r" not in str(e.value) and "bad\\r\\nkey" in str(e.value)


def test_huge_entries_are_short_cells_and_overflow_is_refused(write_lesson):
    big = lesson(vocabulary=None, embeddings={"source": "inline", "vectors": {"cat": [1e100, 2e100], "dog": [3, -4e7]}})
    del big["vocabulary"]
    (sb,) = load_lesson(write_lesson(json.dumps(big))).storyboards
    assert sb.steps[0].cells == ("1.00e+100", "2.00e+100")
    assert sb.steps[1].cells == ("3.00", "\u22124.00e+07")
    over = json.loads(json.dumps(big))
    over["embeddings"]["vectors"]["cat"] = [1e200, 1e200]
    with pytest.raises(LessonError, match=r"row 0 \('cat'\) has entries so large \(up to 1e\+200\)"):
        load_lesson(write_lesson(json.dumps(over), "over.yaml"))
    assert fmt(123456.0, 2) == "123456.00" and fmt(-1e6, 0) == "\u22121.0e+06" and fmt(float("inf"), 2) == "\u221e"


def test_long_model_tokens_are_elided_on_screen(tmp_path, write_lesson):
    from .helpers_models import WORDPIECE_VOCAB, embedding_matrix, write_safetensors, write_wordpiece

    long = "w" * 80          # under WordPiece's 100-character word limit: one piece
    vocab = [*WORDPIECE_VOCAB, long]
    rows = embedding_matrix(len(vocab), 4, seed=1)
    rows[-1] = rows[vocab.index("cat")] * 1.01          # the nearest neighbour of cat
    write_wordpiece(tmp_path / "tok", vocab)
    write_safetensors(tmp_path / "m.safetensors", {"emb": rows})
    data = {"lesson": {"title": "m"}, "embeddings": {"source": "safetensors", "path": "m.safetensors",
                                                     "tokenizer": "tok/tokenizer.json"},
            "tokens": f"cat {long}", "segments": [{"type": "nearest-neighbours", "query": "cat", "k": 1},
                                                  {"type": "lookup"}]}
    nn, lk = load_lesson(write_lesson(json.dumps(data))).storyboards
    assert nn.by_cosine[0].id == len(vocab) - 1
    assert nn.by_cosine[0].token == "w" * 39 + "\u2026" and len(nn.by_cosine[0].token) == config.MAX_TOKEN
    assert lk.steps[1].text == "w" * 15 + "\u2026"
    assert [r.token for r in lk.matrix_rows if r.id == len(vocab) - 1] == ["w" * 15 + "\u2026"]
    assert np.isfinite(nn.by_cosine[0].value)
