"""Issue 4 scenes built from storyboards without rendering, plus tiny renders."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import Mobject, tempconfig  # noqa: E402

from embedcore.lesson import load_lesson  # noqa: E402
from scenes.components.heatmap import diverging_colour, ink_for, luminance  # noqa: E402
from scenes.components.text import cap_px  # noqa: E402
from scenes.registry import SCENES  # noqa: E402
from scenes.theme import MIN_CAP_PX, THEMES, theme_for  # noqa: E402

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["similarity-matrix", "matrix-shape", "nearest-neighbours", "analogy", "pitfall-spelling", "pitfall-learned"]
FW, FH = 8.0 * 16 / 9, 8.0
WORDS = "the cat dog sat on mat king queen car bus a ran kitten puppy prince princess".split()


def build(sb, style, fw=FW, fh=FH):
    with tempconfig({"frame_height": fh, "frame_width": fw, "pixel_width": round(480 * fw / fh), "pixel_height": 480,
                     "dry_run": True, "disable_caching": True}):
        scene = SCENES[sb.type](sb, theme_for(style))
        scene.build()
    return scene


def body_mobjects(scene):
    return [v for k, v in vars(scene).items() if isinstance(v, Mobject) and k not in ("blank",)]


def assert_inside_frame(scene, margin=0.05):
    for m in body_mobjects(scene):
        if not m.has_points() and not m.submobjects:
            continue
        (x0, y0, _), (x1, y1, _) = m.get_corner([-1, -1, 0]), m.get_corner([1, 1, 0])
        assert x0 >= -FW / 2 + margin and x1 <= FW / 2 - margin, (type(m).__name__, x0, x1)
        assert y0 >= -FH / 2 + margin and y1 <= FH / 2 - margin, (type(m).__name__, y0, y1)


def sixteen(write_lesson, n):
    return write_lesson(f"""
        lesson: {{title: "T"}}
        vocabulary: [{", ".join(WORDS)}]
        embeddings: {{source: synthetic, dim: 8, seed: 7, groups: {{animals: [cat, dog, kitten, puppy]}}}}
        tokens: "{" ".join(WORDS[:n])}"
        segments:
          - type: similarity-matrix
        """)


def test_scale_is_diverging_and_centred():
    for th in THEMES.values():
        assert diverging_colour(1.0, th) == th.positive.upper()
        assert diverging_colour(-1.0, th) == th.negative.upper()
        zero = diverging_colour(0.0, th)
        # further from 0 ⇒ further from the neutral colour, on both sides
        def dist(x, th=th, zero=zero):
            a, b = diverging_colour(x, th).lstrip("#"), zero.lstrip("#")
            return sum((int(a[k:k + 2], 16) - int(b[k:k + 2], 16)) ** 2 for k in (0, 2, 4)) ** 0.5
        for sign in (1, -1):
            ds = [dist(sign * v) for v in (0.0, 0.25, 0.5, 0.75, 1.0)]
            assert ds == sorted(ds) and ds[0] == 0 and ds[1] > 20      # moves away from 0 at once, steadily
        for v in np.linspace(-1, 1, 21):
            fill = diverging_colour(float(v), th)
            ink = ink_for(fill, th)
            hi, lo = sorted((luminance(fill), luminance(ink)), reverse=True)
            assert (hi + 0.05) / (lo + 0.05) >= 4.5        # WCAG AA for cell text


@pytest.mark.parametrize("n", [2, 7, 16])
def test_heatmap_cells_match_storyboard(write_lesson, n):
    c = load_lesson(sixteen(write_lesson, n))
    sb = c.storyboards[0]
    scene = build(sb, c.lesson.style)
    th = theme_for(c.lesson.style)
    hm = scene.hm
    for i in range(n):
        assert hm.row_labels[i].original_text == sb.tokens[i]
        for j in range(n):
            assert hm.rects[i][j].get_fill_color().to_hex().upper() == diverging_colour(sb.values[i][j], th)
            t = hm.texts[i][j]
            if sb.show_values:
                assert t.original_text == sb.cells[i][j]
                assert t.width <= hm.cell          # the value fits its cell
                assert np.allclose(t.get_center()[:2], hm.rects[i][j].get_center()[:2], atol=0.02)
            else:
                assert t is None
    # cells stay large enough to see: ≥ 0.26 units = 15 px at 480p, 35 px at 1080p
    assert hm.cell >= 0.25     # ≥ 0.25 units: 15 px at 480p, 33 px at 1080p (the derivation takes its row of room)
    assert_inside_frame(scene)


# the fuzz's 15 Hangul tokens (many 11-13 characters) in a square frame: labels were shrunk to 5 px and the
# matrix drawn about 1 unit tall
HANGUL = ["국한딩베딩거벡어딩거의", "벡벡", "리벡한임의터큰거임단단리미", "벡임국어임한토의", "미한벡리거어큰임큰미의벡", "딩국", "큰",
          "문미임문어토큰베임거벡어베", "토", "벡딩딩거어딩", "큰딩토", "큰어미딩베문", "터어딩리터임", "단", "딩"]


def square_matrix(write_lesson, tokens: list[str], *, dim: int, theme: str):
    """A similarity-matrix lesson of ``tokens`` (its whole vocabulary) in a square frame: its storyboard and
    the scene built from it."""
    c = load_lesson(write_lesson(f"""
        lesson: {{title: "Fuzz similarity-matrix"}}
        style: {{aspect: "1:1", theme: {theme}}}
        vocabulary: [{", ".join(tokens)}]
        embeddings: {{source: synthetic, dim: {dim}, seed: 3}}
        tokens: [{", ".join(tokens)}]
        segments:
          - type: similarity-matrix
        """))
    sb = c.storyboards[0]
    return sb, build(sb, c.lesson.style, fw=8.0, fh=8.0)


def test_long_labels_are_cut_never_shrunk_below_the_floor(write_lesson):
    sb, scene = square_matrix(write_lesson, HANGUL, dim=2, theme="light")
    hm = scene.hm
    labels = [*hm.row_labels, *hm.col_labels]
    assert min(cap_px(t, "Inter") for t in labels) >= MIN_CAP_PX - 0.05
    # a floor-size label fits its row (no two rows' labels touch), and the long ones are cut, not shrunk
    assert max(t.height for t in hm.row_labels) <= hm.cell
    # each label is its token, or the token cut with "…" (rows and columns each at their own width)
    for t, tok in zip([*hm.row_labels, *hm.col_labels], HANGUL * 2):
        assert t.original_text == tok or (t.original_text.endswith("\u2026") and tok.startswith(t.original_text[:-1]))
    assert any(t.original_text.endswith("\u2026") for t in hm.col_labels)
    # the matrix takes most of the body's height, not a corner of it
    assert hm.body.height >= 0.7 * scene.regions.body.height
    # every readout stays in its column: beside the legend (right of it) or under it and the matrix
    for note in sb.row_notes:
        ro = scene.readout(note, size=scene.readout_size)
        assert ro.get_right()[0] <= scene.regions.body.x1 + 1e-6
        assert ro.get_top()[1] <= scene.legend.get_bottom()[1]
        assert ro.get_left()[0] >= hm.body.get_right()[0] or ro.get_top()[1] <= hm.get_bottom()[1]
        assert min(cap_px(t, "Inter") for t in ro) >= MIN_CAP_PX


@pytest.mark.parametrize("name", NAMES)
def test_example_scenes_build_inside_frame(name):
    c = load_lesson(ROOT / "configs" / f"{name}.yaml")
    for sb in c.storyboards:
        scene = build(sb, c.lesson.style)
        assert_inside_frame(scene)


def test_neighbour_rows_show_storyboard(write_lesson):
    c = load_lesson(ROOT / "configs" / "nearest-neighbours.yaml")
    sb = c.storyboards[0]
    scene = build(sb, c.lesson.style)
    for n, row in zip(sb.by_cosine, scene.left_rows):
        assert row[1].original_text == n.token and row[2].original_text == n.text
    for n, row in zip(sb.by_distance, scene.right_rows):
        assert row[1].original_text == n.token and row[2].original_text == n.text
    # one link per token found by both metrics
    assert len(scene.links) == sum(n.other_rank is not None for n in sb.by_cosine)


# six tokens of 40 Latin characters in one dimension: every cosine is ±1, so everything ties (fuzz-sm2)
LONG = [("abcdefghijklmnopqrstuvwxyz" * 2)[k:k + 40] for k in range(6)]


def test_long_tied_tokens_keep_numbers_and_each_side_its_own_cut(write_lesson):
    sb, scene = square_matrix(write_lesson, LONG, dim=1, theme="dark")
    hm = scene.hm
    # rows have room for more of each token than the turned columns: each side is cut at its own width
    assert min(len(t.original_text) for t in hm.row_labels) > max(len(t.original_text) for t in hm.col_labels)
    # the symmetry note wraps before its "=" rather than letting "…" eat the number
    note = scene.note(sb.sym_note, scene.note_anchor)
    lines = [t.original_text for t in note]
    assert " ".join(lines) == sb.sym_note and lines[-1].endswith(f"= {sb.highest.text}.")
    assert len(lines) > 1 and all(t.width <= scene.panel_w + 1e-6 for t in note)
    assert min(cap_px(t, "Inter") for t in note) >= MIN_CAP_PX


@pytest.mark.parametrize("box_", [(-3.0, -0.9, 3.0, 0.9), (-1.2, -2.5, 1.2, 2.5)], ids=["across", "down"])
def test_derived_cell_columns_stay_a_gap_apart_when_drawn_small(box_):
    """Drawn smaller than its natural size (a small box), the card's number columns (the operators between
    them, the heads and lengths over them) stay GAP.s apart; no length is cut; its backing hides what lies
    under it."""
    from embedcore.segments.similarity_matrix import derive_cell
    from scenes.components.derivation import DerivedCell
    from scenes.layout import Box
    from scenes.theme import GAP
    th = THEMES["dark"]
    x = np.random.default_rng(4).normal(size=(2, 300))
    dv = derive_cell(x, 0, 1, ("cat", "dog"), "0.05", 2)
    with tempconfig({"frame_height": FH, "frame_width": FW, "pixel_width": 854, "pixel_height": 480,
                     "dry_run": True, "disable_caching": True}):
        d = DerivedCell(dv, th, (th.tokens[0], th.tokens[1]), Box(*box_), backing=True)
    assert d.scale_used < 1 and d.across == (box_[2] - box_[0] > box_[3] - box_[1])
    if d.across:        # a row per series, its numbers side by side
        rows = [list(d.raw[0]), list(d.raw[1]), list(d.unit[0]), list(d.unit[1]), list(d.products)]
    else:               # a row per component: number × number = product
        rows = [[d.raw[0][k], d.ops[k][0], d.raw[1][k]] for k in range(d.dims)]
        rows += [[d.unit[0][k], d.ops[k][0], d.unit[1][k], d.ops[k][1], d.products[k]] for k in range(d.dims)]
        rows += [list(d.heads), [*d.unit_heads, d.product_head], list(d.lengths)]      # over the columns
    for row in rows:
        edges = sorted((m.get_left()[0], m.get_right()[0]) for m in row)
        assert min(b[0] - a[1] for a, b in zip(edges, edges[1:])) >= GAP.s - 1e-6
    assert all(r.get_fill_opacity() == 1 for r in d.backing)
    assert [t.original_text for t in d.lengths] == [f"length {n}" for n in dv.norms]
