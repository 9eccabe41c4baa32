"""The kit's opacity-only fades draw Manim's colours frame for frame and never move a point."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import FadeIn, FadeOut, Scene, Square, Text, VGroup, tempconfig  # noqa: E402

from scenes.components.emphasis import appear, dim, disappear  # noqa: E402

pytestmark = pytest.mark.render

CHANNELS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")


def group() -> VGroup:
    sq = Square().set_fill("#ff8800", opacity=0.6).set_stroke("#2244ff", opacity=0.9, width=3)
    return VGroup(sq, Text("cat 42", font_size=30).set_opacity(0.8).next_to(sq))


def colours(mob) -> list[np.ndarray]:
    """The colours of what is drawn (a group's own, never drawn, are left as they are)."""
    return [np.array(getattr(m, c)) for m in mob.get_family() if len(m.points) for c in CHANNELS]


def points(mob) -> list[np.ndarray]:
    return [np.array(m.points) for m in mob.get_family()]


def same(a, b) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.allclose(x, y, atol=1e-12) for x, y in zip(a, b))


@pytest.mark.parametrize("ours, theirs", [
    (lambda m: dim(m, 0.2), lambda m: m.animate.set_opacity(0.2)),
    (appear, FadeIn),
    (disappear, FadeOut),
])
@pytest.mark.parametrize("alpha", [0.0, 0.35, 1.0])
def test_colours_match_manims_and_points_stay(ours, theirs, alpha):
    mine, ref = group(), group()
    before = points(mine)
    a, b = ours(mine), theirs(ref)
    if not isinstance(b, FadeIn | FadeOut):
        b = b.build()
    a.begin()
    b.begin()
    a.interpolate(alpha)
    b.interpolate(alpha)
    assert same(colours(mine), colours(ref))
    # the same arrays' values, bit for bit: the camera's path cache compares them
    assert all(np.array_equal(x, y) for x, y in zip(points(mine), before))


def test_disappear_removes_and_restores_for_a_later_fade_in():
    mob = group()
    start = colours(mob)
    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = Scene()
        scene.add(mob)
        anim = disappear(mob)
        anim.begin()
        anim.interpolate(1.0)
        assert all(np.all(c[:, 3] == 0) for c in colours(mob))
        anim.finish()
        anim.clean_up_from_scene(scene)
    assert mob not in scene.mobjects
    assert same(colours(mob), start)


def test_dim_ends_where_set_opacity_ends():
    mine, ref = group(), group()
    anim = dim(mine, 1)
    anim.begin()
    anim.finish()
    ref.set_opacity(1)
    assert same(colours(mine), colours(ref))



def test_still_fades_move_opacity_alone_where_everything_is_a_vector_path():
    """The header's entrance and a segment's closing fade: opacity-only for text and shapes, Manim's own fade
    for anything drawn otherwise (an image has no fill or stroke alphas to move)."""
    from manim import Group, ImageMobject

    from scenes.components.emphasis import StillFade, fade_in_still, fade_out_still

    assert isinstance(fade_in_still(group()), StillFade) and isinstance(fade_out_still(group()), StillFade)
    picture = Group(group(), ImageMobject(np.full((4, 4, 4), 200, np.uint8)))
    assert isinstance(fade_in_still(picture), FadeIn) and isinstance(fade_out_still(picture), FadeOut)


STYLE = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "stroke_width", "background_stroke_width",
         "sheen_direction", "sheen_factor")


@pytest.mark.parametrize("which", ["in", "out"])
@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.35, 0.5, 0.77, 1.0])
def test_still_fades_style_is_manims_bit_for_bit(which, alpha):
    """Colours, widths and sheen equal to FadeIn's/FadeOut's to the last bit (not only close): frames of a
    segment's closing fade keep their SHA-1s; the points are never touched."""
    from scenes.components.emphasis import fade_in_still, fade_out_still

    mine, ref = group(), group()
    mine[0].set_stroke(width=3.7)
    ref[0].set_stroke(width=3.7)
    before = points(mine)
    a, b = (fade_in_still(mine), FadeIn(ref)) if which == "in" else (fade_out_still(mine), FadeOut(ref))
    for anim in (a, b):
        anim.begin()
        anim.interpolate(alpha)
    drawn = [(m, r) for m, r in zip(mine.get_family(), ref.get_family()) if len(m.points)]
    for m, r in drawn:
        for attr in STYLE:
            x, y = np.asarray(getattr(m, attr)), np.asarray(getattr(r, attr))
            assert x.shape == y.shape and np.array_equal(x, y), (attr, alpha)
    assert all(np.array_equal(x, y) for x, y in zip(points(mine), before))
