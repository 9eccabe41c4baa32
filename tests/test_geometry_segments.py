"""Segments vectors-2d, vectors-3d and cosine-vs-distance: storyboards against
independent formulas, bad options, scenes built without rendering, tiny renders."""
from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cosine as scipy_cosine
from scipy.spatial.distance import euclidean as scipy_euclidean

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedcore.storyboard import fmt

from .conftest import ROOT, run_cli

HEAD = """
lesson: {title: "Geometry", slug: geometry}
vocabulary: [the, cat, dog, car, bus, king, queen, sat]
embeddings: {source: synthetic, dim: 16, seed: 3, groups: {animals: [cat, dog], vehicles: [car, bus]}}
tokens: "the cat sat"
segments:
"""


def lesson_with(write_lesson, segments: str, head: str = HEAD):
    return write_lesson(head + segments)


def vec(compiled, tok):
    t = compiled.lesson.table
    return t.rows(np.array([t.vocab.id_of(tok)]))[0]


def true_deg(a, b):
    return math.degrees(math.acos(max(-1.0, min(1.0, 1 - scipy_cosine(a, b)))))


# -- storyboards -----------------------------------------------------------------

@pytest.mark.unit
def test_vectors_2d_exact_pair(write_lesson):
    c = load_lesson(lesson_with(write_lesson, "  - {type: vectors-2d, tokens: [cat, dog]}\n"))
    sb = c.storyboards[0]
    assert sb.exact and sb.method == "span" and sb.screen_dim == 2
    a, b = vec(c, "cat"), vec(c, "dog")
    (p,) = sb.pairs
    assert p.cosine == pytest.approx(1 - scipy_cosine(a, b), abs=1e-12)
    assert p.cosine_text == fmt(1 - scipy_cosine(a, b), 2)
    assert p.distance == pytest.approx(scipy_euclidean(a, b), abs=1e-12)
    assert abs(p.angle - true_deg(a, b)) < 1e-6
    assert abs(p.drawn_angle - p.angle) < 0.1
    assert abs((sb.vectors[1].direction - sb.vectors[0].direction) - p.angle) < 0.1
    assert sb.vectors[0].norm_text == fmt(np.linalg.norm(a), 2)
    assert "Exact" in sb.projection_note and "d = 16" in sb.projection_note
    json.dumps(sb.to_dict())


@pytest.mark.unit
def test_vectors_2d_pca_reports_variance(write_lesson):
    c = load_lesson(lesson_with(write_lesson, "  - {type: vectors-2d, tokens: [cat, dog, car, bus, king]}\n"))
    sb = c.storyboards[0]
    assert not sb.exact and sb.method == "pca"
    x = np.array([vec(c, t) for t in ["cat", "dog", "car", "bus", "king"]])
    s = np.linalg.svd(x, compute_uv=False)
    assert sb.variance_kept == pytest.approx((s[:2] ** 2).sum() / (s ** 2).sum())
    assert f"{sb.variance_kept * 100:.0f}% of variance" in sb.projection_note
    for p in sb.pairs:          # readouts come from the full vectors, not the projection
        assert p.cosine == pytest.approx(1 - scipy_cosine(x[p.a], x[p.b]), abs=1e-12)


@pytest.mark.unit
def test_vectors_3d_exact_three(write_lesson):
    c = load_lesson(lesson_with(write_lesson, "  - {type: vectors-3d, tokens: [cat, dog, car]}\n"))
    sb = c.storyboards[0]
    assert sb.exact and len(sb.pairs) == 3
    for p in sb.pairs:
        assert abs(p.drawn_angle - p.angle) < 0.1
        a, b = np.array(sb.vectors[p.a].coords), np.array(sb.vectors[p.b].coords)
        drawn = math.degrees(math.acos(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b)))
        assert abs(drawn - p.angle) < 0.1


@pytest.mark.unit
def test_default_tokens_and_pairs(write_lesson):
    c = load_lesson(lesson_with(write_lesson, "  - {type: vectors-2d}\n"))
    assert [v.token for v in c.storyboards[0].vectors] == ["the", "cat", "sat"]


@pytest.mark.unit
@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.25, 0.5, 2.0, 3.5]))
def test_cosine_vs_distance_numbers(tmp_path_factory, seed, scale):
    p = tmp_path_factory.mktemp("cvd") / "l.yaml"
    p.write_text(HEAD.replace("seed: 3", f"seed: {seed}") +
                 f"  - {{type: cosine-vs-distance, pair: [cat, car], scale: {scale}}}\n")
    c = load_lesson(p)
    sb = c.storyboards[0]
    a, b = vec(c, "cat"), vec(c, "car")
    assert sb.cosine == pytest.approx(1 - scipy_cosine(a, b), abs=1e-12)
    assert abs(sb.angle - true_deg(a, b)) < 1e-6 and abs(sb.drawn_angle - sb.angle) < 0.1
    assert sb.distance == pytest.approx(scipy_euclidean(a, b), abs=1e-12)
    assert sb.dot == pytest.approx(float(a @ b))
    assert sb.samples[0].factor == 1.0 and sb.samples[-1].factor == pytest.approx(scale)
    for s in sb.samples[:: len(sb.samples) // 6]:
        assert s.distance == pytest.approx(scipy_euclidean(a, s.factor * b), abs=1e-12)
        assert s.cosine == pytest.approx(sb.cosine, abs=1e-12)          # scaling never changes cosine
        assert s.cosine_text == sb.cosine_text and s.angle_text == sb.angle_text
        assert s.norm_b == pytest.approx(s.factor * np.linalg.norm(b))
        tip = np.array(s.tip)
        assert np.linalg.norm(tip) == pytest.approx(s.norm_b)          # drawn length = true length
    shown = sb.substituted.split("(")[1].split(")")[0]       # as many decimals as make the formula true
    places = len(shown.split(".")[1]) if "." in shown else 0
    assert places >= 2 and abs(float(shown) - sb.dot) <= 0.5 * 10 ** -places + 1e-12


@pytest.mark.unit
def test_cosine_vs_distance_default_pair_is_most_similar(write_lesson):
    head = HEAD.replace('tokens: "the cat sat"', 'tokens: "the cat dog sat"')
    c = load_lesson(lesson_with(write_lesson, "  - {type: cosine-vs-distance}\n", head))
    assert {c.storyboards[0].a.token, c.storyboards[0].b.token} == {"cat", "dog"}


# -- errors ------------------------------------------------------------------------

BAD = [
    ("  - type: cosine-vs-distance\n    pair: [cat, cat]\n", 7, 17, "same token twice", "segments[0].pair[1]"),
    ("  - type: cosine-vs-distance\n    pair: [cat, dgo]\n", 7, 17, "'dgo' is not in the vocabulary (did you mean 'dog'?)",
     "segments[0].pair[1]"),
    ("  - type: cosine-vs-distance\n    pair: [cat, dog]\n    scale: 0\n", 8, 12, "scale must be greater than 0",
     "segments[0].scale"),
    ("  - type: cosine-vs-distance\n    pair: [cat, dog]\n    scale: -2\n", 8, 12, "scale must be greater than 0",
     "segments[0].scale"),
    ("  - type: vectors-2d\n    tokens: [cat, horse]\n", 7, 19, "'horse' is not in the vocabulary", "segments[0].tokens[1]"),
    ("  - type: vectors-3d\n    tokens: [cat, dog, cat]\n", 7, 24, "listed twice", "segments[0].tokens[2]"),
    ("  - type: vectors-2d\n    tokens: [cat, dog]\n    pairs: [[dog, dog]]\n", 8, 19, "same token twice",
     "segments[0].pairs[0][1]"),
]


@pytest.mark.unit
@pytest.mark.parametrize("seg,line,col,msg,where", BAD)
def test_bad_options(write_lesson, seg, line, col, msg, where):
    p = lesson_with(write_lesson, seg)
    with pytest.raises(LessonError) as e:
        load_lesson(p)
    text = str(e.value)
    assert text.startswith(f"{p}:{line}:{col}: {where}: "), text
    assert msg in text and "(" in text          # a hint in parentheses
    assert "\n" not in text


ZERO_HEAD = """
lesson: {title: "Zero", slug: zero}
embeddings:
  source: inline
  vectors: {cat: [1, 0, 0], dog: [0, 0, 0], car: [0, 1, 1]}
tokens: "cat dog"
segments:
"""


@pytest.mark.parametrize("seg,where", [
    ("  - {type: cosine-vs-distance, pair: [cat, dog]}\n", "segments[0].pair[1]"),
    ("  - {type: vectors-2d, tokens: [car, dog]}\n", "segments[0].tokens[1]"),
])
@pytest.mark.unit
def test_zero_vector(write_lesson, seg, where):
    p = write_lesson(ZERO_HEAD + seg)
    with pytest.raises(LessonError) as e:
        load_lesson(p)
    assert f"{where}: 'dog' has a zero vector" in str(e.value)
    assert str(e.value).startswith(f"{p}:7:")


@pytest.mark.unit
def test_cli_exit_code_2(write_lesson):
    p = lesson_with(write_lesson, "  - type: cosine-vs-distance\n    pair: [cat, cat]\n")
    r = run_cli("validate", p)
    assert r.returncode == 2
    assert "segments[0].pair[1]: the pair has the same token twice" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.unit
@pytest.mark.parametrize("name", ["vectors-2d", "vectors-3d", "cosine-vs-distance"])
def test_example_lessons_validate(name):
    r = run_cli("validate", ROOT / "configs" / f"{name}.yaml")
    assert r.returncode == 0, r.stderr


# -- scenes built without rendering ------------------------------------------------------

@pytest.fixture
def manim_frame(tmp_path_factory):
    from manim import tempconfig
    media = tmp_path_factory.getbasetemp() / "manim-media"     # this session's (each xdist worker has its own)
    with tempconfig({"frame_height": 8.0, "frame_width": 8.0 * 16 / 9, "pixel_width": 854, "pixel_height": 480,
                     "media_dir": str(media)}):
        yield


def build_scene(sb, style):
    from scenes.registry import SCENES
    from scenes.theme import theme_for
    s = SCENES[sb.type](sb, theme_for(style))
    s.build()
    return s


def drawn_deg(u, v):
    u, v = np.asarray(u)[:2], np.asarray(v)[:2]
    return math.degrees(math.acos(np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))


def boxes_clear(mobs):
    from scenes.components.vectors import box_of, boxes_overlap
    bs = [box_of(m) for m in mobs]
    return not any(boxes_overlap(bs[i], bs[j]) for i in range(len(bs)) for j in range(i + 1, len(bs)))


@pytest.mark.render
def test_vectors_2d_scene(manim_frame):
    from scenes.components.vectors import box_of, segment_hits_box
    c = load_lesson(ROOT / "configs" / "vectors-2d.yaml")
    for sb in c.storyboards:
        s = build_scene(sb, c.lesson.style)
        o = s.frame.origin
        for arrow, v in zip(s.arrows, sb.vectors):
            d = arrow.get_end() - arrow.get_start()
            assert abs(math.degrees(math.atan2(d[1], d[0])) - v.direction) < 0.1
        for p in sb.pairs:
            u = s.arrows[p.a].get_end() - o
            w = s.arrows[p.b].get_end() - o
            assert abs(drawn_deg(u, w) - p.drawn_angle) < 0.1
            if sb.exact:
                assert abs(drawn_deg(u, w) - p.angle) < 0.1
        # labels: clear of each other, of every arrow, of the panel, and inside the frame
        assert boxes_clear(list(s.labels) + [s.panel])
        for lab in s.labels:
            bx = box_of(lab)
            assert not any(segment_hits_box(a.get_start(), a.get_end(), bx) for a in s.arrows)
            assert -s.fw / 2 < bx[0] and bx[2] < s.fw / 2 and -s.fh / 2 < bx[1] and bx[3] < s.fh / 2


LONG = ["internationalisation", "counterrevolutionaries", "electroencephalograph", "uncharacteristically",
        "photosynthesis", "incomprehensibility", "thermodynamically", "deinstitutionalisation"]


@pytest.mark.render
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_vectors_2d_labels_never_collide_with_many_long_tokens(tmp_path, aspect):
    """Eight tokens of 14-23 characters (the type's most): every label clear of the others, of every
    arrow (shaft and head) but its own, and of the panel (unless the two take turns in the body), in
    every frame shape; and the layout check finds nothing at any moment (labels title-safe, nothing
    over the caption)."""
    from manim import tempconfig

    from embedcore.config import Style
    from embedviz.draw.layout_check import check_storyboard
    from scenes.components.vectors import box_of, boxes_overlap, segment_hits_box
    w, h = {"16:9": (16 / 9 * 8, 8.0), "9:16": (8.0, 16 / 9 * 8), "1:1": (8.0, 8.0)}[aspect]
    p = tmp_path / "l.yaml"
    p.write_text(f"""
lesson: {{title: "Long tokens", slug: long}}
vocabulary: [{", ".join(LONG)}]
embeddings: {{source: synthetic, dim: 16, seed: 5}}
tokens: "{LONG[0]}"
segments:
  - {{type: vectors-2d, tokens: [{", ".join(LONG)}]}}
""")
    c = load_lesson(p)
    with tempconfig({"frame_width": w, "frame_height": h, "media_dir": str(tmp_path / "media")}):
        s = build_scene(c.storyboards[0], c.lesson.style)
        boxes = [box_of(lab) for lab in s.labels]
        for i, (lab, bx) in enumerate(zip(s.labels, boxes)):
            assert not any(boxes_overlap(bx, o) for o in boxes[i + 1:]), (aspect, lab.original_text)
            assert s.turns or not boxes_overlap(bx, box_of(s.panel)), lab.original_text
            for j, arrow in enumerate(s.arrows):
                if j != i:
                    assert not segment_hits_box(arrow.get_start(), arrow.get_end(), bx), (lab.original_text, j)
                    assert not boxes_overlap(bx, box_of(arrow.tip)), (lab.original_text, j)
    rep = check_storyboard(c.storyboards[0], Style(theme="light", aspect=aspect), aspect)
    assert not rep.violations, "\n".join(map(str, rep.violations))


@pytest.mark.render
def test_cosine_vs_distance_scene(manim_frame):
    from scenes.components.vectors import box_of, segment_hits_box
    c = load_lesson(ROOT / "configs" / "cosine-vs-distance.yaml")
    sb = c.storyboards[0]
    s = build_scene(sb, c.lesson.style)
    o = s.frame.origin
    assert abs(drawn_deg(s.arrow_a.get_end() - o, s.arrow_b.get_end() - o) - sb.angle) < 0.1
    assert abs(math.degrees(s.arc.angle) - sb.angle) < 0.1
    assert [v.text for v in s.values] == [sb.angle_text, sb.cosine_text, sb.distance_text, sb.a.norm_text,
                                          sb.b.norm_text]
    # the readouts follow the sample index the scene is at (every frame, via updaters)
    last = len(sb.samples) - 1
    s.k.set_value(last)
    s._update_values(s.values)
    assert s.values[2].text == sb.samples[-1].distance_text
    assert s.values[1].text == sb.cosine_text
    tip = s._tip_b(last) - o
    assert abs(drawn_deg(s.arrow_a.get_end() - o, tip) - sb.angle) < 0.1
    assert np.linalg.norm(tip) / np.linalg.norm(s.arrow_b.get_end() - o) == pytest.approx(sb.scale, rel=1e-6)
    # labels clear of each other and of both arrows at the start and the end of the scaling
    for k in (0, last):
        tip_b = s._tip_b(k)
        lab_b = s.label_b.copy().move_to(tip_b + s.b_label_offset)
        plane = [s.label_a, lab_b, s.theta]
        assert boxes_clear(plane)
        # the panel (readouts, then the formulas in a band under the plane at 16:9) part by part: its
        # bounding box as a whole now spans the band and the readouts' column, around the plane
        for m in plane:
            assert all(boxes_clear([m, part]) for part in s.panel.submobjects), m
        for lab in (s.label_a, lab_b):
            bx = box_of(lab)
            assert not segment_hits_box(o, s.tip_a, bx) and not segment_hits_box(o, tip_b, bx)
    assert s.panel.get_bottom()[1] > -s.fh / 2 + 1.2


@pytest.mark.render
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_theta_clears_every_segment_it_does_not_label_at_every_moment(tmp_path, aspect):
    """θ labels the arc only: it stays clear of both arrows and of the dashed A − B line at every sample
    of B's scaling (the line sweeps towards the origin as B shrinks: the fuzz found it crossing θ)."""
    from manim import tempconfig

    from scenes.components.vectors import box_of, segment_hits_box
    w, h = {"16:9": (16 / 9 * 8, 8.0), "9:16": (8.0, 16 / 9 * 8), "1:1": (8.0, 8.0)}[aspect]
    checked = 0
    with tempconfig({"frame_width": w, "frame_height": h, "media_dir": str(tmp_path / "media")}):
        for seed, scale, pair in itertools.product((0, 7), (0.25,), (("cat", "car"),)):
            p = tmp_path / f"l{seed}.yaml"
            p.write_text(HEAD.replace("seed: 3", f"seed: {seed}") +
                         f"  - {{type: cosine-vs-distance, pair: [{pair[0]}, {pair[1]}], scale: {scale}}}\n")
            c = load_lesson(p)
            sb = c.storyboards[0]
            s = build_scene(sb, c.lesson.style.model_copy(update={"theme": "light"}))
            o, box = s.frame.origin, box_of(s.theta)
            for k in range(len(sb.samples)):
                tip_b = s._tip_b(k)
                for p_, q in ((o, s.tip_a), (o, tip_b), (s.tip_a, tip_b)):
                    assert not segment_hits_box(p_, q, box), (seed, scale, pair, k)
                checked += 1
    assert checked > 40


@pytest.mark.render
def test_vectors_3d_scene(manim_frame):
    from scenes import layout
    c = load_lesson(ROOT / "configs" / "vectors-3d.yaml")
    sb = c.storyboards[0]
    s = build_scene(sb, c.lesson.style)
    for p in sb.pairs:
        u, w = s.arrows[p.a].tip_point, s.arrows[p.b].tip_point
        drawn = math.degrees(math.acos(np.clip(u @ w / np.linalg.norm(u) / np.linalg.norm(w), -1, 1)))
        assert abs(drawn - p.angle) < 0.1
    cam = s.renderer.camera
    assert all(m in cam.fixed_in_frame_mobjects for m in s.panel.get_family())
    assert all(m in cam.fixed_orientation_mobjects for m in s.labels)
    # the figure is as large as fits its view beside the panel at every camera pose: a little larger and it
    # would not; the ground plane, the arrows and their labels stay inside the view at every pose
    assert s.arrow_len > 1.9
    view = s.view
    fits = s._fit_figure(view)
    assert fits[0] == pytest.approx(s.arrow_len)
    grown = layout.Box(view.x0, view.y0, view.x0 + view.width / 1.1, view.y0 + view.height / 1.1)
    assert s._fit_figure(grown)[0] < s.arrow_len
    panel = layout.bounds([s.panel])
    assert panel.x0 >= view.x1 or panel.y1 <= view.y0           # beside it or under it, never over it


# -- tiny renders ----------------------------------------------------------------------------

@pytest.mark.render
def test_live_readouts_update_in_place_without_ghosts(manim_frame):
    """Regression: swapping a group's submobjects inside an updater left the first
    value drawn under the new one (Manim flattens moving families once per play).
    Readouts must keep their mobjects and change what they show."""
    c = load_lesson(ROOT / "configs" / "cosine-vs-distance.yaml")
    sb = c.storyboards[0]
    s = build_scene(sb, c.lesson.style)
    s._own_readouts()
    shown = [id(m) for m in s.values.submobjects] + [id(s.scale_value.submobjects[0])]
    first_cache = [id(m) for m in s._values_for(0)]
    assert not set(shown) & set(first_cache), "readouts must not be the cached value mobjects themselves"
    for k in (len(sb.samples) // 2, len(sb.samples) - 1):
        s.k.set_value(k)
        s._update_values(s.values)
        s._update_scale(s.scale_value)
        assert [id(m) for m in s.values.submobjects] + [id(s.scale_value.submobjects[0])] == shown
        assert s.values[2].text == sb.samples[k].distance_text
        assert s.values[4].text == sb.samples[k].norm_b_text
        assert s.scale_value[0].original_text == "\u00d7 " + sb.samples[k].factor_text
    # the cache still holds the first sample's values (become() never edited it)
    assert s._values_for(0)[2].text == sb.samples[0].distance_text


@pytest.mark.render
def test_vectors_3d_camera_moves_redraw_only_the_3d_part(manim_frame):
    """While the camera turns, still overlays fixed in the frame are drawn once per play (background);
    the 3D part and anything animated with the move are redrawn every frame."""
    from manim import FadeIn
    c = load_lesson(ROOT / "configs" / "vectors-3d.yaml")
    s = build_scene(c.storyboards[0], c.lesson.style)
    s.add(s.header, s.axes, s.arrows, s.labels, s.panel, s.note)
    cam = s.renderer.camera
    turn = cam.theta_tracker
    s.add(turn)                         # as play() adds an animation's mobject
    moving = s.get_moving_mobjects(turn.animate.set_value(1.0).build())
    assert s.arrows in moving and s.axes in moving and s.labels in moving
    assert s.header not in moving and s.panel not in moving and s.note not in moving
    moving = s.get_moving_mobjects(turn.animate.set_value(1.0).build(), FadeIn(s.note))
    assert s.note in moving and s.panel not in moving                    # animated overlays are redrawn
    s.remove(turn)
    still = s.get_moving_mobjects(FadeIn(s.note))                         # camera still: Manim's own split
    assert s.note in still and s.arrows not in still and s.panel not in still   # (added before the note)
