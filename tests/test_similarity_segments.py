"""Issue 4 segments: storyboards vs independent formulas, limits, errors, scenes."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from scipy.spatial.distance import cosine as sp_cosine

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedcore.segments.matrix_shape import memory_formula
from embedcore.storyboard import fmt

from .conftest import run_cli

pytestmark = pytest.mark.unit

VOCAB = ("[the, cat, dog, sat, on, mat, bat, car, bus, king, queen, man, woman, prince, princess, boy, girl, a, "
         "ran, kitten]")
HEAD = f"""
lesson: {{title: "T", slug: t}}
vocabulary: {VOCAB}
embeddings:
  source: synthetic
  dim: 8
  seed: 5
  groups: {{animals: [cat, dog, kitten], royal: [king, queen, prince, princess], male: [king, man, prince, boy],
           female: [queen, woman, princess, girl]}}
tokens: "the cat sat on the mat"
segments:
"""


def lesson(write_lesson, segments: str):
    return write_lesson(HEAD + segments)


def one(write_lesson, segment: str):
    c = load_lesson(lesson(write_lesson, segment))
    return c, c.storyboards[0]


# -- similarity-matrix ---------------------------------------------------

def test_similarity_matrix_values_match_scipy(write_lesson):
    c, sb = one(write_lesson, "  - type: similarity-matrix\n    tokens: 'the cat dog king queen the'\n")
    t = c.lesson.table
    ids = [t.vocab.index[w] for w in sb.tokens]
    rows = np.asarray(t.matrix)[ids]
    for i in range(len(ids)):
        for j in range(len(ids)):
            ref = 1 - sp_cosine(rows[i], rows[j])
            assert sb.values[i][j] == pytest.approx(ref, abs=1e-12)
            assert sb.cells[i][j] == fmt(ref, 2)
    assert all(sb.values[k][k] == 1.0 for k in range(len(ids)))
    assert sb.values == tuple(tuple(r) for r in np.array(sb.values).T)      # exactly symmetric
    assert sb.repeats == ((0, 5),) and sb.values[0] == sb.values[5]
    best = max(((i, j) for i in range(6) for j in range(i + 1, 6) if sb.tokens[i] != sb.tokens[j]),
               key=lambda p: sb.values[p[0]][p[1]])
    assert (sb.highest.i, sb.highest.j) == best


@pytest.mark.parametrize("n,ok", [(1, False), (2, True), (16, True), (40, False)])
def test_similarity_matrix_layout_limits(write_lesson, n, ok):
    words = "the cat dog sat on mat bat car bus king queen man woman prince princess boy girl a ran kitten".split()
    toks = " ".join((words * 2)[:n])
    p = lesson(write_lesson, f"  - type: similarity-matrix\n    tokens: '{toks}'\n")
    if ok:
        sb = load_lesson(p).storyboards[0]
        assert len(sb.tokens) == n and sb.show_values == (n <= 8)
    else:
        with pytest.raises(LessonError) as e:
            load_lesson(p)
        msg = str(e.value)
        assert msg.startswith(str(p) + ":") and "\n" not in msg
        assert ("at least 2" if n < 2 else "at most 16") in msg


# -- matrix-shape --------------------------------------------------------

def test_matrix_shape_numbers(write_lesson):
    c, sb = one(write_lesson, "  - type: matrix-shape\n")
    assert (sb.vocab_size, sb.dim, sb.n_tokens) == (20, 8, 6)
    lesson_row = sb.rows[0]
    assert lesson_row.values == (20, 8, 160, 640) and lesson_row.parameters == "160" and lesson_row.memory == "640 B"
    seed = next(r for r in sb.rows if r.name == "seed example")
    assert seed.values[:3] == (50_000, 512, 25_600_000) and seed.memory == "102.4 MB"
    gpt3 = next(r for r in sb.rows if r.name == "GPT-3")
    assert gpt3.d == "12,288" and gpt3.parameters == f"{50_257 * 12_288:,}"
    assert "6 × 8 = 48" in sb.complexity[0].filled and sb.complexity[0].big_o == "O(n × d)"
    assert "20 × 8 = 160" in sb.complexity[1].filled and sb.complexity[1].big_o == "O(V × d)"


def test_matrix_shape_log_scale_vs_numpy(write_lesson):
    c, sb = one(write_lesson, "  - type: matrix-shape\n")
    shapes = np.array([[20, 8], [50_000, 128], [50_257, 12_288]], dtype=float)   # lesson, small model, GPT-3
    sides = np.log10(10 * shapes) / np.log10(10 * shapes.max())
    assert [b.name for b in sb.scale] == ["this lesson", "small model", "GPT-3"]
    assert [b.is_lesson for b in sb.scale] == [True, False, False]
    np.testing.assert_allclose([(b.height, b.width) for b in sb.scale], sides)
    assert sb.scale[2].height == 1.0 and sb.scale[0].shape == "20 × 8" and sb.scale[2].shape == "50,257 × 12,288"
    # equal ratios take equal lengths: GPT-3's d over the small model's is the same step as 12,288 / 128 anywhere
    step = sb.scale[2].width - sb.scale[1].width
    assert step == pytest.approx(np.log10(12_288 / 128) / np.log10(10 * 50_257))


def test_matrix_shape_scale_off_without_compare(write_lesson):
    c, sb = one(write_lesson, "  - type: matrix-shape\n    compare: false\n")
    assert sb.scale == ()


@pytest.mark.parametrize("V, d, result", [
    (20, 8, "= 640 bytes"),                                           # under 1 kB: nothing rounds
    (250, 1, "= 1,000 bytes \u2248 1.00 kB"),                         # the edge of a unit
    (50_257, 12_288, "= 2,470,232,064 bytes \u2248 2.47 GB"),
])
def test_matrix_shape_memory_formula(V, d, result):
    f = memory_formula(V, d)
    assert f.symbols == "V × d × 4 bytes" and f.product == f"{V:,} × {d:,} × 4 bytes" and f.result == result
    exact = int(np.prod(np.array([V, d, 4], dtype=np.int64)))
    assert f.result.startswith(f"= {exact:,} bytes")


def test_matrix_shape_memory_on_storyboard(write_lesson):
    c, sb = one(write_lesson, "  - type: matrix-shape\n")
    assert sb.memory_formula.product == "20 × 8 × 4 bytes" and sb.memory_formula.result == "= 640 bytes"
    assert sb.rows[0].memory == "640 B"


# -- nearest-neighbours --------------------------------------------------

@pytest.mark.parametrize("query", ["cat", "king", "the"])
def test_neighbours_vs_brute_force(write_lesson, query):
    c, sb = one(write_lesson, f"  - type: nearest-neighbours\n    query: {query}\n    k: 6\n")
    m = np.asarray(c.lesson.table.matrix)
    toks = c.lesson.table.vocab.tokens
    qi = toks.index(query)
    cos = 1 - cdist(m, m[qi][None], "cosine")[:, 0]
    dist = cdist(m, m[qi][None])[:, 0]
    others = [i for i in range(len(toks)) if i != qi]
    ref_cos = sorted(others, key=lambda i: (-cos[i], i))[:6]
    ref_dist = sorted(others, key=lambda i: (dist[i], i))[:6]
    assert [n.id for n in sb.by_cosine] == ref_cos
    assert [n.id for n in sb.by_distance] == ref_dist
    for n in sb.by_cosine:
        assert n.token == toks[n.id] and n.text == fmt(cos[n.id], 2)
        assert n.other_rank == (ref_dist.index(n.id) + 1 if n.id in ref_dist else None)
    for n in sb.by_distance:
        assert n.value == pytest.approx(dist[n.id], abs=1e-12)


def test_neighbours_errors(write_lesson, tmp_path):
    p = lesson(write_lesson, "  - type: nearest-neighbours\n    query: dgo\n")
    with pytest.raises(LessonError) as e:
        load_lesson(p)
    assert f"{p}:" in str(e.value) and "did you mean 'dog'" in str(e.value) and "segments[0].query" in str(e.value)
    r = run_cli("validate", p)
    assert r.returncode == 2 and "dgo" in r.stderr and "Traceback" not in r.stderr
    p = lesson(write_lesson, "  - type: nearest-neighbours\n    query: cat\n    k: 11\n")
    r = run_cli("validate", p)
    assert r.returncode == 2 and "segments[0].k" in r.stderr


# -- analogy -------------------------------------------------------------

def test_analogy_vs_brute_force(write_lesson):
    c, sb = one(write_lesson, "  - type: analogy\n    a: king\n    b: man\n    c: woman\n    expect: queen\n    k: 5\n")
    m = np.asarray(c.lesson.table.matrix)
    idx = c.lesson.table.vocab.index
    v = m[idx["king"]] - m[idx["man"]] + m[idx["woman"]]
    cos = np.array([np.dot(r, v) / math.sqrt(np.dot(r, r) * np.dot(v, v)) for r in m])
    order = sorted(range(len(m)), key=lambda i: (-cos[i], i))
    inputs = {idx["king"], idx["man"], idx["woman"]}
    assert [h.id for h in sb.raw] == order[:5]
    assert [h.id for h in sb.excluded] == [i for i in order if i not in inputs][:5]
    assert all(not h.is_input for h in sb.excluded)
    assert [h.is_input for h in sb.raw] == [i in inputs for i in order[:5]]
    assert [h.text for h in sb.raw] == [fmt(cos[i], 2) for i in order[:5]]
    assert "synthetic" in sb.honesty.lower() and "by construction" in sb.honesty


def test_analogy_with_no_token_left_to_answer_says_to_add_tokens(tmp_path):
    """Two tokens, and a, b, c use both: no k works, so the fix is more tokens, not a smaller k."""
    p = tmp_path / "l.yaml"
    p.write_text("lesson: {title: T}\nvocabulary: [x, y]\nembeddings: {source: synthetic, dim: 2, seed: 1}\n"
                 "tokens: [x, y]\nsegments:\n  - type: analogy\n    a: x\n    b: y\n    c: x\n    k: 2\n")
    r = run_cli("validate", p)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "only 0 tokens are neither an input" in r.stderr and "add tokens to the vocabulary" in r.stderr
    assert "k ≤" not in r.stderr


# -- pitfalls ------------------------------------------------------------

def test_pitfall_spelling_numbers_and_honesty(write_lesson):
    c, sb = one(write_lesson, "  - type: pitfall-spelling\n    word: cat\n    lookalike: bat\n    related: dog\n")
    m = np.asarray(c.lesson.table.matrix)
    idx = c.lesson.table.vocab.index
    look, rel = sb.cards
    assert (look.edit_distance, rel.edit_distance) == (1, 3)
    assert look.cosine == pytest.approx(1 - sp_cosine(m[idx["cat"]], m[idx["bat"]]), abs=1e-12)
    assert rel.cosine_text == fmt(1 - sp_cosine(m[idx["cat"]], m[idx["dog"]]), 2)
    assert look.changed_a == (0,) and look.changed_b == (0,)
    assert "by construction" in sb.honesty and "animals" in sb.honesty and sb.learned is False


def test_pitfall_spelling_says_what_vectors_are_for_every_source(write_lesson, tmp_path):
    from embedcore.segments import pitfall_spelling
    from embedcore.segments.provenance import result_note
    from embedcore.sources import SourceInfo
    assert "by construction" in result_note(SourceInfo("inline", "x", False), built_in="b")
    assert "finding" in result_note(SourceInfo("trained", "x", True), built_in="b")
    assert "unknown origin" in result_note(SourceInfo("npy", "x", None), built_in="b")
    # a loaded .npy source (learned unknown) goes through the same builder
    vocab = ["cat", "bat", "dog"]
    np.save(tmp_path / "v.npy", np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]]))
    p = write_lesson(f"""
        lesson: {{title: "T"}}
        vocabulary: [{", ".join(vocab)}]
        embeddings: {{source: npy, path: v.npy}}
        tokens: "cat dog"
        segments:
          - type: pitfall-spelling
            word: cat
            lookalike: bat
            related: dog
        """, name="npy.yaml")
    sb = load_lesson(p).storyboards[0]
    assert sb.learned is None and "unknown origin" in sb.honesty and "by construction" not in sb.honesty
    assert pitfall_spelling.TYPE == "pitfall-spelling"


def test_pitfall_learned(write_lesson):
    c, sb = one(write_lesson, "  - type: pitfall-learned\n    tokens: 'the cat sat on the mat'\n")
    assert sb.row.token == "the" and sb.positions == (0, 4)
    idx = c.lesson.table.vocab.index
    assert sb.row.id == idx["the"]
    assert sb.lookalike.token != "the" and sb.edit_distance >= 1
    assert len(sb.row.cells) == 5 and sb.row.cells[-1] == "\u22ef"
    assert "random" in sb.origin and "learned in training" in sb.origin
    p = lesson(write_lesson, "  - type: pitfall-learned\n    tokens: 'the cat sat'\n")
    r = run_cli("validate", p)
    assert r.returncode == 2 and "needs it twice" in r.stderr


def test_example_configs_validate():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "configs"
    names = ["similarity-matrix", "matrix-shape", "nearest-neighbours", "analogy", "pitfall-spelling", "pitfall-learned"]
    r = run_cli("validate", *[root / f"{n}.yaml" for n in names])
    assert r.returncode == 0, r.stderr


def test_storyboards_serialise(write_lesson):
    import dataclasses
    import json
    c = load_lesson(lesson(write_lesson, """
  - type: similarity-matrix
  - type: matrix-shape
  - type: nearest-neighbours
    query: cat
  - type: analogy
    a: king
    b: man
    c: woman
  - type: pitfall-spelling
    word: cat
    lookalike: bat
    related: dog
  - type: pitfall-learned
"""))
    assert [sb.type for sb in c.storyboards] == ["similarity-matrix", "matrix-shape", "nearest-neighbours", "analogy",
                                                 "pitfall-spelling", "pitfall-learned"]

    def leaves(x):
        if isinstance(x, dict):
            for v in x.values():
                yield from leaves(v)
        elif isinstance(x, list):
            for v in x:
                yield from leaves(v)
        else:
            yield x

    for sb in c.storyboards:
        d = sb.to_dict()
        text = json.dumps(d, allow_nan=False)          # strict JSON: no NaN/inf, no numpy objects
        assert json.loads(text) == d, sb.type          # nothing lost or changed on the way through JSON
        assert json.dumps(json.loads(text), allow_nan=False) == text
        # plain JSON types only (a numpy float64 would pass json.dumps as a float but hash differently)
        assert {type(v) for v in leaves(d)} <= {str, int, float, bool, type(None)}, sb.type
        assert set(d) == {f.name for f in dataclasses.fields(sb)}, sb.type
        assert (d["type"], d["index"], d["title"], d["narration"]) == (sb.type, sb.index, sb.title,
                                                                        list(sb.narration))


# -- ties between long tokens: short, true sentences (fuzz-sm2) ---------------------------------

def _inline(write_lesson, vectors: dict[str, list[float]]):
    import json
    return load_lesson(write_lesson(json.dumps({
        "lesson": {"title": "Ties"}, "embeddings": {"source": "inline", "vectors": vectors},
        "tokens": list(vectors), "segments": [{"type": "similarity-matrix"}]}))).storyboards[0]


def test_ties_between_long_tokens_are_counted_not_listed(write_lesson):
    import re

    from embedcore.segments.similarity_matrix import LABEL_CHARS, SAY_CHARS
    from embedcore.wording import elide
    toks = [("abcdefghijklmnopqrstuvwxyz" * 2)[k:k + 40] for k in range(6)]
    sb = _inline(write_lesson, dict(zip(toks, [[1.0], [-2.0], [3.0], [0.5], [-1.0], [4.0]])))
    n = len(toks)
    top = [(i, j) for i in range(n) for j in range(i + 1, n) if sb.cells[i][j] == sb.highest.text]
    assert len(top) == 7 and sb.highest.text == "1.00"          # {0, 2, 3, 5} and {1, 4} point alike
    a, b = (elide(toks[k], LABEL_CHARS) for k in (sb.highest.i, sb.highest.j))
    assert sb.narration[3] == f"Most alike here: {len(top)} pairs tie at 1.00, e.g. '{a}' and '{b}'."
    assert all(len(line) <= SAY_CHARS for line in sb.narration)      # a caption of three lines at most
    # each row's readout: its closest tokens named (two), the rest counted, and the count true
    for i, note in enumerate(sb.row_notes):
        best = max(sb.values[i][m] for m in range(n) if m != i)
        close = [m for m in range(n) if m != i and sb.cells[i][m] == fmt(best, 2)]
        more = re.search(r" and (\d+) more, ", note)
        named = note.split(": closest ")[1].rsplit(", ", 1)[0]
        shown = named.split(" and ")[0].split(", ") + ([] if more else named.split(" and ")[1:])
        assert len(shown) + (int(more.group(1)) if more else 0) == len(close), note
        assert all(sb.labels[m] in named for m in close[:len(shown)]) and note.endswith(f", {fmt(best, 2)}")


def test_every_pair_tied_is_said_in_one_count(write_lesson):
    sb = _inline(write_lesson, {f"w{k}": [float(k + 1), 0.0] for k in range(6)})
    assert sb.narration[3] == "All 15 pairs here tie at 1.00."
    # a zero vector: its pairs have no cosine, so not every pair ties; the three that do are named
    sb = _inline(write_lesson, {"a": [1.0, 0.0], "b": [2.0, 0.0], "c": [3.0, 0.0], "nil": [0.0, 0.0]})
    assert sb.narration[3] == "Most alike here, tied at 1.00: 'a' and 'b'; 'a' and 'c'; 'b' and 'c'."
