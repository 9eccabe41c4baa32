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
