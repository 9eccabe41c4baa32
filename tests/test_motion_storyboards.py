"""Issue 19 §3: the numbers behind the new motion (parallelogram, derived cell, cone and ball),
checked against independent numpy formulas, including the edges (d = 1, ties, zero vectors)."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.unit

from embedcore.lesson import load_lesson
from embedcore.storyboard import MINUS, fmt

INLINE = """
lesson: {{title: "T", slug: t}}
embeddings:
  source: inline
  vectors:
{rows}
tokens: "{tokens}"
segments:
  - {segment}
"""


def inline(write_lesson, vectors: dict[str, list[float]], segment: str, tokens: str | None = None):
    rows = "\n".join(f"    {k}: {v}" for k, v in vectors.items())
    p = write_lesson(INLINE.format(rows=rows, tokens=tokens or " ".join(vectors), segment=segment))
    c = load_lesson(p)
    return c, c.storyboards[0]


def row(c, token: str) -> np.ndarray:
    t = c.lesson.table
    return np.asarray(t.matrix, dtype=np.float64)[t.vocab.index[token]]


def cos(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def num(s: str) -> float:
    return float(s.replace(MINUS, "-"))


# -- analogy: the parallelogram ---------------------------------------------------

def check_parallelogram(c, sb):
    pts = {p.role: p for p in sb.plane.points}
    xy = {k: np.array(p.xy) for k, p in pts.items()}
    a, b, cc, w = (row(c, t) for t in (sb.a, sb.b, sb.c, sb.answer.token))
    r = a - b + cc
    # the drawn result is exactly drawn a − drawn b + drawn c: b → a and c → result are one vector
    assert np.array_equal(xy["result"], xy["a"] - xy["b"] + xy["c"])
    # result and answer: true lengths and the true angle between them
    assert np.linalg.norm(xy["result"]) == pytest.approx(np.linalg.norm(r), abs=1e-9)
    assert np.linalg.norm(xy["answer"]) == pytest.approx(np.linalg.norm(w), abs=1e-9)
    if np.linalg.norm(xy["answer"]) > 0:
        assert cos(xy["result"], xy["answer"]) == pytest.approx(cos(r, w), abs=1e-9)
    # a, b, c are shadows: never longer than their vectors
    for k, v in (("a", a), ("b", b), ("c", cc)):
        assert np.linalg.norm(xy[k]) <= np.linalg.norm(v) + 1e-9
        assert pts[k].zero == (not np.any(v))
    # the answer: the nearest non-input token by cosine, with its score at the table's decimals
    t = c.lesson.table
    m = np.asarray(t.matrix, dtype=np.float64)
    inputs = {t.vocab.index[x] for x in (sb.a, sb.b, sb.c)}
    scores = [(cos(m[i], r) if np.any(m[i]) else -np.inf, -i) for i in range(t.V) if i not in inputs]
    best_score, best = max(scores)
    assert sb.answer.id == -best
    assert sb.resolved == f"\u2248 {t.vocab.tokens[-best]} ({fmt(best_score, c.lesson.style.decimals)})"
    assert sb.resolved.endswith(f"({sb.excluded[0].text})")


def test_analogy_parallelogram_example():
    from pathlib import Path
    c = load_lesson(Path(__file__).resolve().parent.parent / "configs" / "analogy.yaml")
    sb = c.storyboards[0]
    check_parallelogram(c, sb)
    assert not sb.plane.exact and "shadows" in sb.plane.note
    assert sb.plane.difference == f"king {MINUS} man"


def test_analogy_parallelogram_in_a_plane_is_exact(write_lesson):
    vec = {"king": [2, 1, 0], "man": [1, 0, 0], "woman": [1, 2, 0], "queen": [2, 3, 0], "cat": [-1, 0, 0]}
    c, sb = inline(write_lesson, vec, "{type: analogy, a: king, b: man, c: woman, k: 2}")
    check_parallelogram(c, sb)
    assert sb.plane.exact and sb.plane.note.startswith("Exact")
    for p in sb.plane.points:          # every vector in the plane z = 0: every length is true
        assert np.linalg.norm(p.xy) == pytest.approx(np.linalg.norm(row(c, p.token) if p.role != "result"
                                                                     else [2, 3, 0]), abs=1e-9)


def test_analogy_parallelogram_d1_and_parallel_answer(write_lesson):
    # d = 1: everything on one line; the result and the answer are parallel (cosine 1)
    vec = {"king": [3.0], "man": [1.0], "woman": [2.0], "queen": [5.0], "cat": [-1.0]}
    c, sb = inline(write_lesson, vec, "{type: analogy, a: king, b: man, c: woman, k: 2}")
    check_parallelogram(c, sb)
    assert sb.plane.exact
    assert all(p.xy[1] == 0 for p in sb.plane.points)
    assert sb.resolved == "\u2248 queen (1.00)"


def test_analogy_parallelogram_zero_input_and_tie(write_lesson):
    # b is a zero vector (drawn at the origin); a == c gives a tie-free but doubled difference
    vec = {"king": [1, 0, 1], "man": [0, 0, 0], "woman": [0, 1, 0], "queen": [1, 1, 1], "girl": [1, 1, 1],
           "cat": [0, 0, -1]}
    c, sb = inline(write_lesson, vec, "{type: analogy, a: king, b: man, c: woman, k: 2}")
    check_parallelogram(c, sb)
    assert [p.zero for p in sb.plane.points] == [False, True, False, False, False]
    assert sb.answer.token == "queen"          # a tie with girl: the lower id first, as the list says


def test_analogy_same_token_twice(write_lesson):
    # a = b: the difference vector is zero, so the result is c itself
    vec = {"king": [1, 2, 0], "woman": [0, 1, 1], "queen": [0, 1, 2], "cat": [-1, 0, 0]}
    c, sb = inline(write_lesson, vec, "{type: analogy, a: king, b: king, c: woman, k: 1}")
    check_parallelogram(c, sb)
    pts = {p.role: p for p in sb.plane.points}
    assert pts["result"].xy == pts["c"].xy or np.allclose(pts["result"].xy, pts["c"].xy)


# -- similarity-matrix: the derived cell ------------------------------------------

def check_derivation(c, sb):
    dv = sb.derivation
    x = [row(c, sb.tokens[dv.i]), row(c, sb.tokens[dv.j])]
    dec = c.lesson.style.decimals
    d = len(x[0])
    assert dv.total == sb.cells[dv.i][dv.j] == fmt(cos(*x), dec)
    assert dv.norms == tuple(fmt(float(np.linalg.norm(v)), dec) for v in x)
    assert dv.dims == tuple(range(min(d, 8))) and dv.hidden == d - len(dv.dims)
    for side in (0, 1):
        assert [num(s) for s in dv.raw[side]] == pytest.approx([x[side][k] for k in dv.dims], abs=0.5001 * 10 ** -dec)
        u = x[side] / np.linalg.norm(x[side])
        assert [num(s) for s in dv.unit[side]] == pytest.approx([u[k] for k in dv.dims], abs=0.5001 * 10 ** -len(dv.unit[side][0].split(".")[1]))
    prods = [num(s) for s in dv.products]
    u0, u1 = (v / np.linalg.norm(v) for v in x)
    assert prods == pytest.approx([u0[k] * u1[k] for k in dv.dims], abs=1e-2)
    if dv.hidden == 0:
        # the shown products add up to the shown total at its precision, or the relation says "≈"
        places = len(dv.products[0].split(".")[1]) if "." in dv.products[0] else 0
        adds_up = fmt(sum(round(p, places) for p in prods), dec) == dv.total
        assert dv.relation == ("=" if adds_up else "\u2248")
        assert dv.sum_line == f"sum {dv.relation} {dv.total}"
    else:
        assert dv.sum_line == f"sum of all {d:,} products = {dv.total}"
    assert dv.sum_all_line == f"sum of all {d:,} products = {dv.total}"     # a screen showing fewer says so
    # the pair: the first row with another token to compare, and that row's closest other token
    assert dv.j != dv.i and sb.tokens[dv.i] != sb.tokens[dv.j]
    assert sb.row_best[dv.i].j == dv.j


def test_similarity_derivation_example():
    from pathlib import Path
    c = load_lesson(Path(__file__).resolve().parent.parent / "configs" / "similarity-matrix.yaml")
    check_derivation(c, c.storyboards[0])


def test_similarity_derivation_hides_components_beyond_eight(write_lesson):
    rng = np.random.default_rng(3)
    vec = {w: [round(float(v), 3) for v in rng.normal(size=20)] for w in ("a", "b", "c")}
    c, sb = inline(write_lesson, vec, "{type: similarity-matrix}")
    check_derivation(c, sb)
    assert sb.derivation.hidden == 12 and "all 20 products" in sb.derivation.sum_line


def test_similarity_derivation_skips_zero_rows_and_d1(write_lesson):
    vec = {"z": [0.0], "a": [2.0], "b": [-3.0]}
    c, sb = inline(write_lesson, vec, "{type: similarity-matrix}")
    check_derivation(c, sb)
    assert sb.derivation.i == 1 and sb.derivation.total == f"{MINUS}1.00"
    assert sb.derivation.unit == (("1.00",), (f"{MINUS}1.00",)) and sb.derivation.relation == "="


def test_similarity_derivation_none_without_a_direction(write_lesson):
    vec = {"z": [0.0, 0.0], "a": [1.0, 2.0]}
    c, sb = inline(write_lesson, vec, "{type: similarity-matrix}", tokens="z a a")
    assert sb.derivation is None            # a has only itself to compare with; z has no direction


def test_similarity_derivation_of_parallel_and_unit_rows(write_lesson):
    # parallel rows: cosine 1 and "="; unit rows: the products are the plain componentwise products
    from embedcore.segments.similarity_matrix import derive_cell
    x = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0 + 1e-12]])
    dv = derive_cell(x, 0, 1, ("a", "b"), fmt(cos(x[0], x[1]), 2), 2)
    assert dv.total == "1.00" and dv.relation == "="
    parts = np.array([[0.6, 0.8, 0.0], [0.6, 0.8, 0.0]])
    dv = derive_cell(parts, 0, 1, ("a", "b"), "1.00", 2)
    assert [num(p) for p in dv.products] == pytest.approx([0.36, 0.64, 0.0])


# -- nearest-neighbours: the cone and the ball ------------------------------------

def check_cone_and_ball(c, sb):
    pic = sb.picture
    q = row(c, sb.query)
    assert pic.query_xy == (pytest.approx(np.linalg.norm(q)), 0.0)
    qxy = np.array(pic.query_xy)
    cos_ids = {n.id for n in sb.by_cosine}
    dist_ids = {n.id for n in sb.by_distance}
    assert [p.id for p in pic.points] == list(dict.fromkeys([n.id for n in sb.by_cosine] +
                                                            [n.id for n in sb.by_distance]))
    t = c.lesson.table
    for p in pic.points:
        x = np.asarray(t.matrix, dtype=np.float64)[p.id]
        xy = np.array(p.xy)
        assert np.linalg.norm(xy) == pytest.approx(np.linalg.norm(x), abs=1e-9)           # true length
        assert np.linalg.norm(xy - qxy) == pytest.approx(np.linalg.norm(x - q), abs=1e-9)  # true gap to the query
        if np.any(x):
            assert cos(xy, qxy) == pytest.approx(cos(x, q), abs=1e-9)                      # true angle
        assert p.by_cosine == (p.id in cos_ids) and p.by_distance == (p.id in dist_ids)
        assert p.zero == (not np.any(x))
        # inside the cone exactly when in the cosine list (up to ties on its edge), same for the ball
        ang = math.degrees(math.acos(max(-1.0, min(1.0, cos(xy, qxy))))) if np.any(x) else None
        if p.by_cosine:
            assert ang <= pic.half_angle + 1e-9
        elif ang is not None:
            assert ang >= pic.half_angle - 1e-9
        assert (np.linalg.norm(xy - qxy) <= pic.radius + 1e-9) or not p.by_distance
        if not p.by_distance:
            assert np.linalg.norm(xy - qxy) >= pic.radius - 1e-9
    if sb.by_cosine:
        widest = max(math.degrees(math.acos(max(-1.0, min(1.0, n.value)))) for n in sb.by_cosine)
        assert pic.half_angle == pytest.approx(widest, abs=1e-6)
        assert pic.angle_text == fmt(pic.half_angle, 1) + "\u00b0"
    assert pic.radius == pytest.approx(max(n.value for n in sb.by_distance))
    assert pic.radius_text == sb.by_distance[-1].text
    assert pic.cone_label == f"top {len(sb.by_cosine)} by cosine: within {pic.angle_text}"
    assert pic.ball_label == f"top {len(sb.by_distance)} by distance: within {pic.radius_text}"


def test_cone_and_ball_example():
    from pathlib import Path
    c = load_lesson(Path(__file__).resolve().parent.parent / "configs" / "nearest-neighbours.yaml")
    sb = c.storyboards[0]
    check_cone_and_ball(c, sb)
    only = {p.token for p in sb.picture.points if p.by_cosine != p.by_distance}
    assert only == {"the", "mat", "sat", "on"}          # the tokens the agreement line names
    assert all(f"'{t}'" in sb.agreement for t in only)


def test_cone_and_ball_d1_zero_and_opposite(write_lesson):
    # d = 1: neighbours at 0° or 180°; a zero vector sits at the origin, in the ball only
    vec = {"q": [1.0], "a": [2.0], "z": [0.0], "n": [-0.5], "far": [9.0]}
    c, sb = inline(write_lesson, vec, "{type: nearest-neighbours, query: q, k: 2}")
    check_cone_and_ball(c, sb)
    pts = {p.token: p for p in sb.picture.points}
    assert pts["z"].zero and pts["z"].xy == (0.0, 0.0) and pts["z"].by_distance and not pts["z"].by_cosine
    assert all(p.xy[1] == 0 for p in sb.picture.points)


def test_cone_and_ball_ties(write_lesson):
    # two neighbours at the same angle and distance: both inside, on opposite sides of the query
    vec = {"q": [1.0, 0.0], "u": [1.0, 1.0], "d": [1.0, -1.0], "x": [-1.0, 0.0]}
    c, sb = inline(write_lesson, vec, "{type: nearest-neighbours, query: q, k: 2}")
    check_cone_and_ball(c, sb)
    ys = sorted(p.xy[1] for p in sb.picture.points)
    assert ys[0] < 0 < ys[-1]
    assert sb.picture.half_angle == pytest.approx(45.0)


# -- lookup: one-hot × E is the row -------------------------------------------------------

def test_lookup_one_hot_selects_the_first_tokens_row(write_lesson):
    """The one-hot vector beside E's drawn rows: a 1 exactly where E's row is the first token's id, 0 at every
    other drawn row, ⋮ for each run of hidden rows; and that 1 × the row is the row (the product is the lookup)."""
    vecs = {f"t{i}": [float(i), float(-i), 0.5] for i in range(40)}
    c, sb = inline(write_lesson, vecs, "type: lookup", tokens="t7 t3 t7")
    assert len(sb.one_hot) == len(sb.matrix_rows)
    first = sb.steps[0]
    for entry, r in zip(sb.one_hot, sb.matrix_rows):
        assert entry == ("\u22ee" if r.kind == "gap" else "1" if r.id == first.id else "0")
    assert sb.one_hot.count("1") == 1 and "\u22ee" in sb.one_hot          # 40 rows: some hidden
    one_hot = np.zeros(c.lesson.table.V)
    one_hot[first.id] = 1.0
    E = np.asarray(c.lesson.table.matrix, dtype=np.float64)
    assert np.array_equal(one_hot @ E, row(c, "t7"))
    assert sb.one_hot_note == f"one-hot \u00d7 E = row {first.id:,}: the same as indexing, no arithmetic"
    # the repeated token reuses that same drawn row
    assert sb.steps[2].view_row == first.view_row and sb.steps[2].first_position == 0


def test_lookup_one_hot_with_every_row_drawn(write_lesson):
    c, sb = inline(write_lesson, {"a": [1.0, 0.0], "b": [0.0, 1.0]}, "type: lookup", tokens="b a")
    assert sb.one_hot == tuple("1" if r.id == c.lesson.table.vocab.index["b"] else "0" for r in sb.matrix_rows)


# -- cosine-vs-distance: the formula after B is scaled ---------------------------------------------------

def test_cosine_formula_after_scaling_has_the_scaled_numbers():
    """A · sB and ‖sB‖ grow by s, ‖A‖ and the result do not; the shown numbers give the shown result."""
    c = load_lesson(Path(__file__).resolve().parent.parent / "configs" / "cosine-vs-distance.yaml")
    sb = c.storyboards[0]
    last = sb.samples[-1]
    nums = [float(x) for x in re.findall(r"-?\d+\.\d+", sb.substituted_scaled)]
    dot_s, na_s, nb_s, res = nums
    assert dot_s == pytest.approx(last.factor * sb.dot, abs=10 ** -3)
    assert na_s == pytest.approx(float(np.linalg.norm(row(c, sb.a.token))), abs=10 ** -3)
    assert nb_s == pytest.approx(last.norm_b, abs=10 ** -3)
    assert fmt(dot_s / (na_s * nb_s), 2) == fmt(res, 2) == last.cosine_text == sb.cosine_text
