"""Every sentence a storyboard states about the data is true at the edges.

Lessons with d = 1, 2, 3 and 5; one, two and three tokens; repeated tokens;
zero vectors (n/a cells); ties; groups of one. Each sentence is checked
against numbers computed here, independently of the segment code (numpy's
matrix_rank, arccos), and against grammar ("1 number", never "1 numbers").
"""
from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedcore.wording import count, join_names, ordinal, plural, times

pytestmark = pytest.mark.unit

PLURAL_AFTER_ONE = re.compile(
    r"(?<![\d.,\u2212-])\b1 (numbers|dimensions|tokens|rows|columns|edits|character edits|epochs|vectors|"
    r"special tokens|shared tokens|input words|identical rows|entries|segments)\b")
REDUCTION = re.compile(r"d = ([\d,]+) \u2192 (\d+)")


def strings(obj):
    """Every sentence-like string of a storyboard (skipping the per-frame samples)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in ("samples", "snapshots", "points"):
                yield from strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from strings(v)
    elif isinstance(obj, str) and " " in obj:
        yield obj


def lesson_text(vectors: dict[str, list[float]], tokens: str, segments: list[dict]) -> str:
    return json.dumps({
        "lesson": {"title": "Edges"},
        "embeddings": {"source": "inline", "vectors": vectors},
        "tokens": tokens,
        "segments": segments,
    })


def rank(rows) -> int:
    return int(np.linalg.matrix_rank(np.asarray(rows, dtype=float), tol=1e-9))


def check_common(sb: dict) -> None:
    for s in strings(sb):
        assert not PLURAL_AFTER_ONE.search(s), s
        for a, b in REDUCTION.findall(s):
            assert int(b) < int(a.replace(",", "")), f"'{s}': a projection from d = {a} cannot be onto {b}"
        assert not re.search(r"(?<![\d.])[12] times", s), s      # "once"/"twice"; a formula's 1.981 times is fine


def angle(u, v) -> float:
    u, v = np.asarray(u, float), np.asarray(v, float)
    c = np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)
    return float(np.degrees(np.arccos(c)))


PHRASES = {                     # what a caption may say about two arrows, and the angles that make it true
    "point the same way": (0, 1),
    "point in similar directions": (0, 45),
    "nearly perpendicular": (80, 100),
    "largely opposite": (100, 179),
    "point in opposite directions": (179, 180),
}


def check_geometry(sb: dict, vec: dict) -> None:
    toks = [v["token"] for v in sb["vectors"]]
    r, d, n = rank([vec[t] for t in toks]), sb["dim"], len(toks)
    said = " ".join(sb["narration"]) + " " + sb["projection_note"]
    if "a plane" in said or "in the plane" in said:
        assert r == 2, said
    if "a line" in said or "along the line" in said or "one line" in said:
        assert r == 1, said
    if "a 3D space" in said or "in the space" in said:
        assert r == 3, said
    if "nothing is projected away" in said:
        assert d <= sb["screen_dim"] and r == d, said
    assert re.search(rf"(?<![\d,]){d} numbers?\b", said) or f"{d:,} dimensions do not fit" in said
    if n == 1:
        assert "These vectors" not in said and "angles" not in sb["projection_note"]
    for pair_line in sb["narration"][2:]:
        a, b = next((p["tokens"] for p in sb["pairs"] if f"{p['tokens'][0]} and {p['tokens'][1]}" in pair_line))
        for phrase, (lo, hi) in PHRASES.items():
            if phrase in pair_line:
                assert lo <= angle(vec[a], vec[b]) <= hi + 1e-9, (pair_line, angle(vec[a], vec[b]))
        if "most alike" in pair_line:
            best = max(p["cosine"] for p in sb["pairs"])
            assert next(p for p in sb["pairs"] if p["tokens"] == [a, b])["cosine"] == best


def check_cosine(sb: dict, vec: dict) -> None:
    a, b = sb["a"]["token"], sb["b"]["token"]
    r, note = rank([vec[a], vec[b]]), sb["projection_note"]
    if "plane" in note:
        assert r == 2 and sb["dim"] > 2, note
    if "one line" in note:
        assert r == 1 and sb["dim"] > 1, note
    if "nothing is projected away" in note:
        assert sb["dim"] <= 2 and r == sb["dim"], note
    changes = sb["narration"][2]
    first, last = sb["samples"][0]["distance_text"], sb["samples"][-1]["distance_text"]
    if "The distance changes" in changes:
        assert first != last and f"{first} \u2192 {last}" in changes


def check_matrix(sb: dict) -> None:
    n = len(sb["tokens"])
    diag = [sb["cells"][i][i] for i in range(n)]
    said = sb["narration"] + sb["notes"]
    if any(s for s in said if "all 1s" in s):
        assert all(c == "1" or set(c) <= {"1", ".", "0"} and float(c) == 1 for c in diag), (said, diag)
    if "n/a" in diag:
        assert "n/a" in sb["notes"][0]
    for tok in set(sb["tokens"]):
        k = sb["tokens"].count(tok)
        for s in said:
            if f"'{tok}' appears" in s:
                assert f"'{tok}' appears {times(k)}" in s, s
    assert f"for all {n} tokens" in sb["narration"][0] or (n == 2 and "for the 2 tokens" in sb["narration"][0])
    for i, note in enumerate(sb["row_notes"]):
        if sb["cells"][i][i] == "n/a":
            assert "zero vector" in note
        elif "closest is" in note:
            named = note.split("closest is ")[1].split(",")[0]
            j = sb["tokens"].index(named)
            others = [sb["values"][i][m] for m in range(n)
                      if sb["tokens"][m] != sb["tokens"][i] and sb["values"][i][m] is not None]
            assert sb["values"][i][j] == max(others)
            tied = [m for m in range(n) if sb["tokens"][m] not in (sb["tokens"][i], named)
                    and sb["cells"][i][m] == sb["cells"][i][j]]
            assert not tied, f"{note}: ties with {[sb['tokens'][m] for m in tied]} not named"


def zero_vectors(d: int) -> dict[str, list[float]]:
    rng = np.random.default_rng(d)
    vec = {f"t{i}": [round(float(x), 3) for x in rng.standard_normal(d)] for i in range(5)}
    vec["twin"] = [2 * x for x in vec["t0"]]            # parallel to t0: a tie with t0 in every cosine
    vec["nil"] = [0.0] * d
    return vec


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_every_sentence_is_true_at_small_d(d, write_lesson):
    vec = zero_vectors(d)
    segments = []
    for n in (1, 2, 3, 4):
        toks = [f"t{i}" for i in range(n)]
        segments.append({"type": "vectors-2d", "tokens": toks})
        segments.append({"type": "vectors-3d", "tokens": toks[:3]})
    segments += [
        {"type": "vectors-2d", "tokens": ["t0", "twin"]},
        {"type": "cosine-vs-distance", "pair": ["t0", "t1"]},
        {"type": "cosine-vs-distance", "pair": ["t0", "twin"]},
        {"type": "similarity-matrix", "tokens": ["t0", "t1"]},
        {"type": "similarity-matrix", "tokens": ["t0", "nil", "t1", "t0", "t0"]},
        {"type": "similarity-matrix", "tokens": ["nil", "nil"]},
        {"type": "similarity-matrix", "tokens": ["t0", "twin", "t1"]},
        {"type": "lookup", "tokens": ["t1"]},
        {"type": "matrix-shape", "tokens": ["t1"]},
        {"type": "nearest-neighbours", "query": "t0", "k": 6},
        {"type": "pitfall-learned", "tokens": ["t1", "nil", "t1", "t1"], "lookalike": "nil"},
        {"type": "analogy", "a": "t0", "b": "t1", "c": "t2", "k": 1},
    ]
    compiled = load_lesson(write_lesson(lesson_text(vec, "t0 t1", segments)))
    seen = set()
    for sb in compiled.storyboards:
        sb = sb.to_dict()
        seen.add(sb["type"])
        check_common(sb)
        if sb["type"].startswith("vectors-"):
            check_geometry(sb, vec)
        elif sb["type"] == "cosine-vs-distance":
            check_cosine(sb, vec)
        elif sb["type"] == "similarity-matrix":
            check_matrix(sb)
    assert len(seen) == 9


def test_dim_1_sentences_from_the_issue(write_lesson):
    vec = {"cat": [0.5], "dog": [2.0], "car": [-1.0]}
    segs = [{"type": "vectors-2d", "tokens": ["cat", "dog"]}, {"type": "cosine-vs-distance", "pair": ["cat", "dog"]},
            {"type": "matrix-shape"}]
    v2, cd, ms = (sb.to_dict() for sb in load_lesson(write_lesson(lesson_text(vec, "cat", segs))).storyboards)
    assert v2["narration"][1] == ("These vectors have 1 number each, so they all lie on one line. "
                                  "Drawn there, every length and angle is exact.")
    assert v2["projection_note"] == "Exact: with d = 1 nothing is projected away. Lengths and angles are true."
    assert "\u2192" not in cd["projection_note"] and "plane" not in cd["projection_note"]
    assert ms["d_label"] == "d = 1 column: one number per token"
    assert ms["v_label"] == "V = 3 rows: one per vocabulary token"
    assert ms["complexity"][0]["filled"] == "n × d = 1 × 1 = 1 number copied"


def test_two_d_and_three_d_notes(write_lesson):
    vec = {"a": [1, 0, 0], "b": [0, 1, 0], "c": [1, 1, 1], "e": [1, 0], "f": [0, 1]}
    three = lesson_text({k: v for k, v in vec.items() if len(v) == 3}, "a",
                        [{"type": "cosine-vs-distance", "pair": ["a", "b"]},
                         {"type": "vectors-3d", "tokens": ["a", "b", "c"]}])
    cd, v3 = (sb.to_dict() for sb in load_lesson(write_lesson(three, "three.yaml")).storyboards)
    assert "(d = 3 \u2192 2)" in cd["projection_note"] and "plane that a and b span" in cd["projection_note"]
    assert v3["projection_note"] == "Exact: with d = 3 nothing is projected away. Lengths and angles are true."
    two = lesson_text({k: v for k, v in vec.items() if len(v) == 2}, "e",
                      [{"type": "cosine-vs-distance", "pair": ["e", "f"]}])
    (cd2,) = (sb.to_dict() for sb in load_lesson(write_lesson(two, "two.yaml")).storyboards)
    assert cd2["projection_note"].startswith("Exact: with d = 2 nothing is projected away.")
    assert "d = 2 \u2192 2" not in cd2["projection_note"]


def test_zero_vector_matrix_does_not_claim_all_ones(write_lesson):
    vec = {"cat": [1.0, 0.0], "nil": [0.0, 0.0], "dog": [1.0, 1.0]}
    (sb,) = load_lesson(write_lesson(lesson_text(vec, "cat nil dog", [{"type": "similarity-matrix"}]))).storyboards
    assert sb.cells[1][1] == "n/a"
    assert not any("all 1s" in s for s in (*sb.notes, *sb.narration))
    assert sb.notes[0] == "Diagonal: 1s, but n/a for 'nil', a zero vector."
    assert sb.row_notes[1] == "nil: a zero vector, so no cosine (n/a)"


def test_ties_are_named(write_lesson):
    vec = {"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [0.0, -1.0], "e": [1.0, 1.0], "f": [1.0, -1.0]}
    segs = [{"type": "similarity-matrix", "tokens": ["a", "e", "f"]}, {"type": "vectors-2d", "tokens": ["a", "e", "f"]}]
    sm, v2 = load_lesson(write_lesson(lesson_text(vec, "a", segs))).storyboards
    assert sm.row_notes[0] == "a: closest are e and f, 0.71"
    assert sm.narration[3] == "Most alike here, tied at 0.71: 'a' and 'e'; 'a' and 'f'."
    assert v2.narration[2].startswith("Of the pairs shown, a and e are the most alike (tied with a and f): they")


def test_nearest_neighbours_with_a_zero_vector_names_it(write_lesson):
    vec = {"cat": [1.0, 0.0], "dog": [1.0, 0.2], "nil": [0.0, 0.0], "car": [0.0, 1.0]}
    seg = [{"type": "nearest-neighbours", "query": "cat", "k": 3}]
    (sb,) = load_lesson(write_lesson(lesson_text(vec, "cat", seg))).storyboards
    assert [n.token for n in sb.by_cosine] == ["dog", "car"]
    assert "nil" in [n.token for n in sb.by_distance]
    assert "Here both rankings agree" not in sb.agreement
    assert "'nil' only by distance ('nil' has a zero vector" in sb.agreement
    assert sb.narration[-1] == "Only 2 tokens have a cosine with 'cat': a zero vector has no direction."


def test_analogy_honesty_follows_the_source(write_lesson):
    vec = {"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [1.0, 1.0], "e": [2.0, 0.5]}
    seg = [{"type": "analogy", "a": "a", "b": "b", "c": "c", "k": 1, "expect": "a"}]
    (sb,) = load_lesson(write_lesson(lesson_text(vec, "a", seg))).storyboards
    assert "groups" not in sb.honesty and "chosen by the lesson's author" in sb.honesty
    assert sb.verdict == "'a' is one of the inputs, so excluding the inputs removes it."
    grouped = {"lesson": {"title": "g"}, "vocabulary": ["a", "b", "c", "e", "f"],
               "embeddings": {"source": "synthetic", "dim": 4, "seed": 1, "groups": {"solo": ["e"]}},
               "tokens": "a", "segments": [{"type": "analogy", "a": "a", "b": "b", "c": "c", "k": 1}]}
    (g,) = load_lesson(write_lesson(json.dumps(grouped), "g.yaml")).storyboards
    assert "no group links these tokens, so any match is chance" in g.honesty


def test_one_and_repeated_tokens(write_lesson):
    vec = {"the": [1.0, 2.0], "cat": [0.5, -1.0]}
    segs = [{"type": "lookup", "tokens": ["cat"]}, {"type": "pitfall-learned", "tokens": ["the", "cat", "the", "the"]}]
    lk, pl = load_lesson(write_lesson(lesson_text(vec, "the", segs))).storyboards
    assert lk.narration[2] == "That one row is the sequence's 1 × 2 input to the model."
    assert lk.matrix_note == "all 2 rows, 2 columns"
    assert pl.narration[0].startswith("'the' appears 3 times,")
    assert pl.same_note == "all 3 'the's: the same id, the same row"
    assert pl.look_note.startswith("'cat': 3 edits away")


def test_title_card_counts(write_lesson):
    from embedcore.title_card import title_card

    c = load_lesson(write_lesson(lesson_text({"x": [1.0]}, "x", [{"type": "lookup"}])))
    assert title_card(c).shape == "V = 1 token · d = 1 dimension"


def test_wording_helpers():
    assert [count(n, "number") for n in (0, 1, 2, 30522)] == ["0 numbers", "1 number", "2 numbers", "30,522 numbers"]
    assert plural(1, "dimension") == "dimension" and plural(3, "spans") == "span"
    assert [times(n) for n in (1, 2, 3)] == ["once", "twice", "3 times"]
    assert join_names(["a"]) == "'a'" and join_names(["a", "b", "c"]) == "'a', 'b' and 'c'"
    assert join_names("abcde", limit=2) == "'a', 'b' and 3 more"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
    # every combination of counts the captions use reads right
    for n, word in itertools.product((1, 2, 11), ("token", "edit", "epoch", "row", "column")):
        assert (count(n, word).endswith("s")) == (n != 1)


def test_scaling_that_returns_to_the_same_distance_is_not_called_a_change(write_lesson):
    # |A − tB| = 2 at t = 1 and at t = 5 for A = (3, 0), B = (1, 0): it dips to 0 in between
    vec = {"a": [3.0, 0.0], "b": [1.0, 0.0]}
    segs = [{"type": "cosine-vs-distance", "pair": ["a", "b"], "scale": 5},
            {"type": "cosine-vs-distance", "pair": ["a", "b"], "scale": 0.25}]
    back, quarter = load_lesson(write_lesson(lesson_text(vec, "a", segs))).storyboards
    assert back.samples[0].distance_text == back.samples[-1].distance_text == "2.00"
    assert back.narration[2] == ("Now scale B by 5. The distance moves (to 0.00) and comes back to 2.00; "
                                 "the angle and the cosine never change.")
    assert quarter.narration[2].startswith("Now scale B by 0.25. The distance changes, 2.00 \u2192 2.75")
