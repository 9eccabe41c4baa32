"""The render savings change no pixel: fast and stock Manim give the same frames."""
from __future__ import annotations

import av
import numpy as np
import pytest

from embedcore.lesson import load_lesson

from .conftest import ROOT

pytestmark = pytest.mark.render


def frames(path) -> list[np.ndarray]:
    with av.open(str(path)) as cont:
        return [f.to_ndarray(format="rgb24") for f in cont.decode(video=0)]


@pytest.mark.parametrize("name", ["cosine-vs-distance", "vectors-3d"])
def test_fast_render_draws_the_same_frames_as_stock_manim(tmp_path, name):
    """Flat camera (updaters, moving arrows, live readouts) and the 3D camera (moving)."""
    from embedviz.worker import render_clip
    lesson = load_lesson(ROOT / "configs" / f"{name}.yaml")
    sb = lesson.storyboards[0]
    fast = render_clip(sb, lesson.lesson.style, 320, 180, 10, tmp_path / "fast.mp4", plain=False)
    stock = render_clip(sb, lesson.lesson.style, 320, 180, 10, tmp_path / "stock.mp4", plain=True)
    assert fast == stock                                   # duration and caption cues
    a, b = frames(tmp_path / "fast.mp4"), frames(tmp_path / "stock.mp4")
    assert len(a) == len(b) > 50
    moving = sum(not np.array_equal(x, y) for x, y in zip(a, a[1:]))
    assert moving > 20, "the clip must contain motion for this comparison to mean anything"
    for i, (x, y) in enumerate(zip(a, b)):
        assert np.array_equal(x, y), f"frame {i} differs from stock Manim's"


def test_path_cache_replays_only_unchanged_points():
    """A moved or reshaped mobject is drawn from its new points, not a cached path."""
    import cairo
    from manim import Square
    from manim.camera.camera import Camera

    from embedviz.fast_frames import with_path_cache

    cam = with_path_cache(Camera)(pixel_width=64, pixel_height=64, frame_width=4, frame_height=4)
    stock = Camera(pixel_width=64, pixel_height=64, frame_width=4, frame_height=4)

    def path(camera, mob):
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 64, 64)
        ctx = cairo.Context(surface)
        camera.set_cairo_context_path(ctx, mob)
        return list(ctx.copy_path())

    sq = Square(1.0)
    first = path(cam, sq)
    assert first == path(stock, sq)
    assert path(cam, sq) == first                       # replayed
    sq.shift([0.5, 0, 0])                               # in place: same object, new points
    assert path(cam, sq) == path(stock, sq) != first
    sq.points[0, 1] += 0.25                             # one point edited in place
    assert path(cam, sq) == path(stock, sq)


@pytest.mark.parametrize("fmt,transparent", [("gif", False), ("webm", False), ("webm", True), ("mov", True)])
def test_every_format_matches_stock_manim(tmp_path, fmt, transparent):
    """The held-frame encoder converts to each format's own pixel format (rgb8, yuv420p, yuva420p, argb)."""
    from embedcore.title_card import title_card
    from embedviz.worker import render_clip
    lesson = load_lesson(ROOT / "configs" / "similarity-matrix.yaml")
    sb = title_card(lesson)
    for plain in (False, True):
        render_clip(sb, lesson.lesson.style, 256, 144, 5, tmp_path / f"{plain}.{fmt}", fmt=fmt,
                    transparent=transparent, plain=plain)

    def rgba(path):
        with av.open(str(path)) as cont:
            return [f.to_ndarray(format="rgba") for f in cont.decode(video=0)]
    a, b = rgba(tmp_path / f"False.{fmt}"), rgba(tmp_path / f"True.{fmt}")
    assert len(a) == len(b) > 10
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
