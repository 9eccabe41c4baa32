"""Issue 19 §3: the new motion in analogy, similarity-matrix and nearest-neighbours lays out in
16:9, 9:16 and 1:1, and the beats leave the scene as the next beat expects.

The pictures take the body while the lists/legend are not yet on screen, so they are checked
against what is on screen with them (header, expression, query row), not against PANELS.
Beats are played dry (nothing drawn): what each leaves in the scene is what the frames show.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

pytestmark = pytest.mark.render

pytest.importorskip("manim")

from manim import Mobject, VGroup, tempconfig  # noqa: E402

from scenes.tokenize import glyphs, ink  # noqa: E402

from .test_aspect_themes import ASPECTS, EPS, box, build, frame_for, has_points, overlap  # noqa: E402


def inside(b, region) -> bool:
    return b[0] >= region.x0 - EPS and b[1] >= region.y0 - EPS and b[2] <= region.x1 + EPS and b[3] <= region.y1 + EPS


@pytest.mark.parametrize("aspect", ASPECTS)
def test_parallelogram_fits_beside_the_expression(aspect):
    _, scene, _, fw, fh = build("analogy", aspect, "dark")
    pic = scene.picture
    assert inside(box(pic), scene.regions.body), f"picture {box(pic)} outside the body {scene.regions.body}"
    for other in (scene.header, scene.expr, scene.expr_note, scene.resolved):
        assert not overlap(box(pic), box(other))
    # the answer replaces "= ?" on the expression's line, clear of the note and of the shifted chips
    assert inside(box(scene.resolved), scene.regions.body) or inside(box(scene.resolved), scene.regions.frame)
    assert not overlap(box(scene.resolved), box(scene.expr_note)) and not overlap(box(scene.resolved), box(scene.header))
    chips_right = VGroup(*scene.expr[:5]).get_right()[0] + scene.resolve_shift
    assert chips_right < scene.resolved.get_left()[0]
    # the labels of the picture do not collide with each other
    labels = [*pic.labels, pic.diff_label]
    for a, b in itertools.combinations(labels, 2):
        assert not overlap(box(a), box(b)), (a.text, b.text)


@pytest.mark.parametrize("aspect", ASPECTS)
def test_derived_cell_fits_and_leaves_its_cell_in_view(aspect):
    _, scene, _, fw, fh = build("similarity-matrix", aspect, "dark")
    d, hm, dv = scene.derived, scene.hm, scene.storyboard.derivation
    assert d is not None
    assert inside(box(d), scene.regions.body)
    assert not overlap(box(d), box(scene.header))
    assert d.scale_used >= 0.85 or len(d.backing)          # near full size, or on a panel of its own
    # fewer components than the storyboard's on screen: the ⋯ stands for the rest, and the sum says it adds them all
    if d.dims < len(dv.dims):
        shown = d.sum_words.text                   # Manim's Text keeps no spaces
        assert len(d.more) and shown == dv.sum_all_line.rpartition(dv.total)[0].replace(" ", "")
        assert shown.startswith("sumofall")
    # the cell the sum flies into, its row and column labels stay visible
    for m in (hm.rects[dv.i][dv.j], hm.row_labels[dv.i], hm.col_labels[dv.j]):
        assert not overlap(box(d), box(m))
    if not len(d.backing):
        assert not overlap(box(d), box(hm))


@pytest.mark.parametrize("aspect", ASPECTS)
def test_cone_and_ball_fit_under_the_query(aspect):
    _, scene, _, fw, fh = build("nearest-neighbours", aspect, "dark")
    pic = scene.picture
    assert inside(box(pic), scene.regions.body)
    for other in (scene.header, scene.chip, scene.query_note, scene.space):
        assert not overlap(box(pic), box(other))
    names = [*pic.names, pic.query_label, pic.cone_label, pic.ball_label]
    for a, b in itertools.combinations(names, 2):
        assert not overlap(box(a), box(b)), (a.text, b.text)
    # every token on which the rankings disagree is ringed
    split = {p.token for p in scene.storyboard.picture.points if p.by_cosine != p.by_distance}
    assert {n.text for n in pic.split_names} == split and len(pic.rings) == len(split)


# -- the beats, played dry ---------------------------------------------------------

def play_dry(kind: str, aspect: str, upto: int):
    """Build the example's scene and play its first ``upto`` beats with nothing drawn."""
    from embedcore.lesson import load_lesson
    from scenes.base import narration_phases
    from scenes.registry import SCENES
    from scenes.theme import theme_for

    from .test_aspect_themes import ROOT
    c = load_lesson(ROOT / "configs" / f"{kind}.yaml")
    sb = c.storyboards[0]
    with tempconfig({**frame_for(aspect), "frame_rate": 5}):
        scene = SCENES[sb.type](sb, theme_for(c.lesson.style.model_copy(update={"aspect": aspect})))
        scene.build()
        beats = scene.beats()
        for beat, lines in list(zip(beats, narration_phases(sb.narration, len(beats))))[:upto]:
            beat.scene, beat.lines, beat.said = scene, list(lines), 0
            beat.show(beat)
            beat.finish()
    return scene


def on_screen(scene) -> list[Mobject]:
    return [m for top in scene.mobjects for m in top.get_family() if has_points(m)]


def test_analogy_resolves_and_clears_the_picture():
    scene = play_dry("analogy", "16:9", 1)
    shown = on_screen(scene)
    assert scene.resolved in scene.mobjects
    assert not any(m in shown for m in scene.expr[5:].get_family() if has_points(m))    # "= ?" is gone
    assert not any(m in shown for m in scene.picture.get_family() if has_points(m))     # the picture too
    assert all(m in shown for m in scene.expr[:5])


def test_similarity_derived_value_sits_on_its_cell():
    scene = play_dry("similarity-matrix", "9:16", 1)
    dv, hm = scene.storyboard.derivation, scene.hm
    text, rect = hm.texts[dv.i][dv.j], hm.rects[dv.i][dv.j]
    order = scene.mobjects
    assert text in order and rect in order and order.index(text) > order.index(rect)      # value over its colour
    assert rect.get_fill_opacity() == 1
    shown = on_screen(scene)
    assert not any(m in shown for m in VGroup(scene.derived, scene.derived.unit).get_family() if has_points(m))
    # the second beat fills every other cell once, and not the derived one again
    scene2 = play_dry("similarity-matrix", "9:16", 2)
    shown = on_screen(scene2)
    hm2 = scene2.hm
    n = len(scene2.storyboard.tokens)
    assert all(hm2.rects[i][j] in shown for i in range(n) for j in range(n))


def test_nearest_neighbours_picture_gives_way_to_the_lists():
    scene = play_dry("nearest-neighbours", "1:1", 1)
    shown = on_screen(scene)
    assert scene.picture.query in shown and all(d in shown for d in scene.picture.dots)
    scene = play_dry("nearest-neighbours", "1:1", 2)
    shown = on_screen(scene)
    assert not any(m in shown for m in scene.picture.get_family() if has_points(m))
    assert all(r in shown for r in scene.left_rows) and all(r in shown for r in scene.right_rows)


@pytest.mark.parametrize("wide", [True, False])
def test_derived_cell_lays_out_down_or_across(wide):
    """A tall box gets one row per component, a wide one a column per component; nothing collides."""
    from embedcore.segments.similarity_matrix import derive_cell
    from scenes.components.derivation import DerivedCell
    from scenes.layout import Box
    from scenes.theme import THEMES
    th = THEMES["dark"]
    import numpy as np
    x = np.random.default_rng(1).normal(size=(2, 12))
    dv = derive_cell(x, 0, 1, ("cat", "dog"), "0.12", 2)
    box_ = Box(-7.0, -1.2, 7.0, 1.2) if wide else Box(-2.5, -4.0, 2.5, 4.0)
    with tempconfig(frame_for("16:9")):
        d = DerivedCell(dv, th, (th.tokens[0], th.tokens[1]), box_, backing=True)
    assert d.across == wide
    assert inside(box(VGroup(d, d.unit, d.unit_heads)), box_)
    cells = [*d.raw[0], *d.raw[1], *d.products, *[g for op in d.ops for g in op], *d.more, d.total, d.sum_words, *d.heads, *d.lengths,
             d.product_head]
    for a, b in itertools.combinations(cells, 2):
        assert not overlap(box(a), box(b))
    for series in (d.raw[0], d.raw[1], d.products):
        if wide:        # one row per series
            ys = [float(c.get_y()) for c in series]
            assert max(ys) - min(ys) < 0.1
        else:           # one right-aligned column per series
            rights = [float(c.get_right()[0]) for c in series]
            assert max(rights) - min(rights) < 1e-6


# -- pitfall-learned: the arrows end on the row both occurrences select --------------------------------------

@pytest.mark.parametrize("aspect", ASPECTS)
def test_pitfall_arrows_end_on_the_selected_row(aspect):
    sb, scene, _, fw, fh = build("pitfall-learned", aspect, "dark")
    lab, header = scene.grid.row_labels[0], scene.grid.header
    assert len(scene.arrows) == min(2, len(sb.positions))
    lx0, ly0, lx1, ly1 = box(lab)
    for arrow, p in zip(scene.arrows, sorted(sb.positions[:2], key=lambda p: -abs(scene.chips[p].get_x() - lab.get_x()))):
        path, head = arrow
        tip = head.get_end()
        # the tip sits on the first row's label (its id and token), just above it: not on a column header
        assert lx0 - EPS <= tip[0] <= lx1 + EPS and ly1 - EPS <= tip[1] <= ly1 + 0.2, (tip, box(lab))
        # the path starts under its own chip and never rises (so it cannot cross the chips or loop)
        assert abs(path.get_start()[0] - scene.chips[p].get_x()) < EPS
        ys = path.points[:, 1]
        assert all(b <= a + EPS for a, b in zip(ys, ys[1:]))
        for h in header:
            assert not any(overlap(box(h), box(m)) for m in (head,)), "an arrow head on a column header"
    # both rows' values are on screen by the second beat: the row and the look-alike's
    assert [len(c) for c in scene.grid.cells] == [len(sb.row.cells), len(sb.lookalike.cells)]


# -- cosine-vs-distance: ‖A − B‖ on the dashed segment ---------------------------------------------------

@pytest.mark.parametrize("aspect", ASPECTS)
def test_distance_name_sits_on_the_dashed_segment_as_b_scales(aspect):
    sb, scene, _, fw, fh = build("cosine-vs-distance", aspect, "dark")
    o = scene.frame.origin
    for k in (0, len(sb.samples) // 2, len(sb.samples) - 1):
        scene._place_dist_name(k)
        a, b = scene.tip_a, scene._tip_b(k)
        mid, c = (a + b) / 2, scene.dist_name.get_center()
        # beside the segment's middle (within its own size plus a gap), on the side away from the origin
        assert np.linalg.norm(c - mid) < max(scene.dist_name.width, scene.dist_name.height) / 2 + 0.3
        assert np.linalg.norm(c - o) > np.linalg.norm(mid - o) - 1e-6
        for other in (scene.label_a, scene.theta, scene.arrow_a):
            assert not overlap(box(scene.dist_name), box(other)), (k, other)


@pytest.mark.parametrize("aspect", ASPECTS)
def test_tokenize_pieces_come_from_the_typed_letters_and_joins_are_clasped(aspect):
    _, scene, _, fw, fh = build("tokenize", aspect, "dark")
    sb = scene.storyboard
    # the words leave the typed text glyph for glyph, and each piece takes its own letters of the word
    assert len(glyphs(scene.typed[1])) == ink(sb.text)
    for label, w in zip(scene.word_labels, sb.words):
        assert len(label.submobjects) == ink(w.shown), w.shown
    # a clasp on every join of a piece and its continuation (MiniLM: token ##izer ##s, em ##bed ##ding ##s)
    pieces = [p for w in sb.words for p in w.pieces]
    joins = [i for i, p in enumerate(pieces) if p.continues]
    assert sorted(scene.clasps) == joins and len(joins) == 5
    for i, clasp in scene.clasps.items():
        left, right = scene.chips[i - 1].box, scene.chips[i].box
        assert left.get_right()[0] < clasp.get_center()[0] < right.get_left()[0]
        assert clasp.get_left()[0] < left.get_right()[0] and clasp.get_right()[0] > right.get_left()[0]
        assert left.get_bottom()[1] < clasp.get_center()[1] < left.get_top()[1]
        assert inside(box(clasp), scene.regions.body)
    # the ids start under their chips' boxes (drawn below them) and drop to their place
    assert all(i.z_index < c.box.z_index < c.word.z_index for i, c in zip(scene.ids, scene.chips))
