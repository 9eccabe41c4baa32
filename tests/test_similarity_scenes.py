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


def test_long_labels_are_cut_never_shrunk_below_the_floor(write_lesson):
    c = load_lesson(write_lesson(f"""
        lesson: {{title: "Fuzz similarity-matrix"}}
        style: {{aspect: "1:1", theme: light}}
        vocabulary: [{", ".join(HANGUL)}]
        embeddings: {{source: synthetic, dim: 2, seed: 3}}
        tokens: [{", ".join(HANGUL)}]
        segments:
          - type: similarity-matrix
        """))
    sb = c.storyboards[0]
    scene = build(sb, c.lesson.style, fw=8.0, fh=8.0)
    hm = scene.hm
    labels = [*hm.row_labels, *hm.col_labels]
    assert min(cap_px(t, "Inter") for t in labels) >= MIN_CAP_PX - 0.05
    # a floor-size label fits its row (no two rows' labels touch), and the long ones are cut, not shrunk
    assert max(t.height for t in hm.row_labels) <= hm.cell
    assert all(t.original_text.endswith("\u2026") for t, tok in zip(hm.row_labels, HANGUL) if len(tok) > 6)
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
