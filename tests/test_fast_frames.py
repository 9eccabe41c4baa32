"""The render savings change no pixel: fast and stock Manim give the same frames
(constant frame rate), and variable frame rate shows the same pictures at the same times."""
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


@pytest.mark.parametrize("name", ["cosine-vs-distance", "vectors-3d", "lookup"])
def test_fast_render_draws_the_same_frames_as_stock_manim(tmp_path, name):
    """Flat camera (updaters, moving arrows, live readouts; in lookup markers and rows moving over a table,
    redrawn where they change) and the 3D camera (moving)."""
    from embedviz.draw.worker import render_clip
    lesson = load_lesson(ROOT / "configs" / f"{name}.yaml")
    sb = lesson.storyboards[0]
    fast = render_clip(sb, lesson.lesson.style, 320, 180, 10, tmp_path / "fast.mp4", plain=False, cfr=True)
    stock = render_clip(sb, lesson.lesson.style, 320, 180, 10, tmp_path / "stock.mp4", plain=True)
    assert (fast["duration"], fast["cues"]) == (stock["duration"], stock["cues"])
    assert fast["frames"] == fast["encoded"] == stock["frames"]
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

    from embedviz.draw.fast_frames import with_path_cache

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
    from embedviz.draw.worker import render_clip
    lesson = load_lesson(ROOT / "configs" / "similarity-matrix.yaml")
    sb = title_card(lesson)
    for plain in (False, True):
        render_clip(sb, lesson.lesson.style, 256, 144, 5, tmp_path / f"{plain}.{fmt}", fmt=fmt,
                    transparent=transparent, plain=plain, cfr=True)

    def rgba(path):
        with av.open(str(path)) as cont:
            return [f.to_ndarray(format="rgba") for f in cont.decode(video=0)]
    a, b = rgba(tmp_path / f"False.{fmt}"), rgba(tmp_path / f"True.{fmt}")
    assert len(a) == len(b) > 10
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def _lossless(monkeypatch):
    """x264 lossless in both modes, so CFR and VFR must decode to identical pixels."""
    from embedviz.draw import worker
    monkeypatch.setitem(worker.X264_OPTIONS, "crf", "0")
    monkeypatch.setitem(worker.X264_VFR_OPTIONS, "crf", "0")


@pytest.mark.parametrize("name", ["cosine-vs-distance", "lookup"])
def test_variable_frame_rate_shows_the_same_pictures_at_the_same_times(tmp_path, monkeypatch, name):
    """A hold stored once: every frame time of the constant-rate clip shows the same picture in the VFR clip."""
    from embedviz.draw.worker import render_clip
    from embedviz.media.video import frames_on_grid, probe
    _lossless(monkeypatch)
    lesson = load_lesson(ROOT / "configs" / f"{name}.yaml")
    sb = lesson.storyboards[0]
    cfr = render_clip(sb, lesson.lesson.style, 256, 144, 15, tmp_path / "cfr.mp4", cfr=True)
    vfr = render_clip(sb, lesson.lesson.style, 256, 144, 15, tmp_path / "vfr.mp4")
    assert (vfr["duration"], vfr["cues"]) == (cfr["duration"], cfr["cues"])
    assert vfr["frames"] == cfr["frames"] == round(cfr["duration"] * 15)
    assert vfr["encoded"] < 0.8 * vfr["frames"], "holds are not encoded frame by frame"
    assert vfr["pictures"] <= cfr["pictures"]
    a, b = frames_on_grid(tmp_path / "cfr.mp4", 15), frames_on_grid(tmp_path / "vfr.mp4", 15)
    assert len(a) == len(b) == cfr["frames"]
    for i, (x, y) in enumerate(zip(a, b)):
        assert np.array_equal(x, y), f"frame time {i}/15 s shows another picture"
    assert probe(tmp_path / "vfr.mp4", 15)["frame_rate"] == "variable"
    assert probe(tmp_path / "cfr.mp4", 15)["frame_rate"] == "constant"
    with av.open(str(tmp_path / "vfr.mp4")) as c:        # decode and display order agree (no B-frames)
        packets = [p for p in c.demux(c.streams.video[0]) if p.pts is not None]
        assert all(p.dts == p.pts and p.duration > 0 for p in packets)
        assert sum(p.duration for p in packets) * c.streams.video[0].time_base == pytest.approx(vfr["duration"],
                                                                                                abs=1e-3)


def test_vfr_webm_keeps_time_and_pictures(tmp_path):
    """VP9 is lossy whatever the setting here: same length and frame times, pictures within coding noise."""
    from embedcore.title_card import title_card
    from embedviz.draw.worker import render_clip
    from embedviz.media.video import frames_on_grid
    lesson = load_lesson(ROOT / "configs" / "similarity-matrix.yaml")
    for sb in (title_card(lesson), lesson.storyboards[0]):
        cfr = render_clip(sb, lesson.lesson.style, 256, 144, 5, tmp_path / "cfr.webm", fmt="webm", cfr=True)
        vfr = render_clip(sb, lesson.lesson.style, 256, 144, 5, tmp_path / "vfr.webm", fmt="webm")
        assert vfr["encoded"] < vfr["frames"] == cfr["frames"]
        a, b = frames_on_grid(tmp_path / "cfr.webm", 5), frames_on_grid(tmp_path / "vfr.webm", 5)
        assert abs(len(a) - len(b)) <= 1 and abs(len(b) - cfr["frames"]) <= 1   # WebM: last packet has no duration
        for x, y in zip(a, b):
            assert np.abs(x.astype(int) - y.astype(int)).mean() < 2.5


def test_holding_encoder_merges_repeats_and_identical_pictures(tmp_path):
    """Pictures A, A (a copy), B×3, C: three pictures stored, each shown as long as it was handed over."""
    from fractions import Fraction

    from manim._config.video_encoder import VideoEncoderSpec

    from embedviz.draw.fast_frames import HoldingSegmentEncoder
    from embedviz.media.video import frames_on_grid
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", 64, 48, Fraction(10),
                            (("crf", "0"), ("x264-params", "bframes=0")))
    pics = [np.full((48, 64, 4), v, np.uint8) for v in (30, 30, 120, 200)]
    for p in pics:
        p[..., 3] = 255
    for vfr, stored in ((True, 4), (False, 7)):          # C is the last picture: written as 2 frames if held
        stats: dict = {}
        enc = HoldingSegmentEncoder(target=tmp_path / f"{vfr}.mp4", spec=spec, stats=stats)
        enc.vfr = vfr
        for p, repeat in zip(pics, (1, 1, 3, 2)):
            enc.write_frame(p.copy(), repeat=repeat)
        enc.finish()
        assert stats == {"frames": 7, "pictures": 3, "encoded": stored}        # A's copy is A, converted once
        grid = frames_on_grid(tmp_path / f"{vfr}.mp4", 10)
        shown = [int(g[0, 0, 0]) for g in grid]               # YUV round trip: within 2 levels
        assert np.allclose(shown, [30, 30, 120, 120, 120, 200, 200], atol=2), shown


@pytest.mark.parametrize("size", [(144, 256), (480, 854), (1080, 1920)])
def test_band_conversion_gives_the_whole_conversions_bytes(size):
    """Pictures that change in a few rows (anywhere: at the edges, two places at once, one pixel), each converted
    from the last one's frame and its changed band only: every plane byte for byte the whole picture's conversion."""
    from av.video.reformatter import VideoReformatter

    from embedviz.draw.fast_frames import BandConverter, changed_rows

    def whole(pixels):
        return VideoReformatter().reformat(av.VideoFrame.from_numpy_buffer(pixels, format="rgba"), format="yuv420p")

    def planes(frame):
        return [np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, :p.width] for p in frame.planes]

    h, w = size
    rng = np.random.default_rng(h)
    pixels = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)     # noise: every chroma filter tap matters
    converter, last = BandConverter("yuv420p"), whole(pixels)
    assert changed_rows(pixels, pixels.copy()) is None
    for trial in range(40):
        after = pixels.copy()
        for _ in range(1 + trial % 2):
            row = int(rng.choice([0, 1, h - 2, h - 1, int(rng.integers(0, h))]))
            tall = int(rng.integers(1, 3 if trial % 3 else h // 4))
            after[row:row + tall, int(rng.integers(0, w))] ^= np.uint8(1 + trial % 200)
        rows = changed_rows(pixels, after)
        assert rows is not None and all(np.array_equal(pixels[r], after[r]) for r in (*range(rows[0]), *range(rows[1], h)))
        frame = converter.convert(after, rows, last)
        for ours, theirs in zip(planes(frame), planes(whole(after))):
            assert np.array_equal(ours, theirs), f"trial {trial}: rows {rows} of {h}"
        pixels, last = after, frame
    assert converter.rows_converted < 40 * h, "some bands must be smaller than the picture"


def test_the_fast_camera_draws_what_the_stock_camera_draws():
    """Mixed runs of types (a point cloud between vector mobjects), z-indices, a removed and a reordered mobject:
    the fast camera's pixels are the stock camera's, frame after frame."""
    from manim import BLUE, RED, Circle, PointCloudDot, Square, Text, VGroup
    from manim.camera.camera import Camera

    from embedviz.draw.fast_frames import FastListing, FilledBackground, fast_camera

    size = {"pixel_width": 96, "pixel_height": 64, "frame_width": 6, "frame_height": 4}
    fast, stock = fast_camera(Camera)(**size), Camera(**size)
    assert isinstance(fast, FastListing)
    dot = Circle(0.4, fill_opacity=1).shift([-2.2, -1.6, 0])
    box = Square(1.2, color=BLUE, fill_opacity=0.5)
    word = Text("ab", font_size=30).shift([1.5, 0.8, 0])
    ring = VGroup(Circle(0.3).shift([2, -1, 0]), Circle(0.5, color=RED).shift([2, -1, 0]))
    picture = PointCloudDot(center=[0.5, 0, 0], radius=0.5)
    # a gradient fill (several colours) and a background stroke: the fast camera's drawing takes Manim's branch
    glow = Square(0.8).set_fill([RED, BLUE], opacity=0.8).set_stroke(BLUE, width=6, background=True)
    glow.shift([-1.5, 0.9, 0])
    ring.add(glow)

    def same(mobjects) -> bool:
        for cam in (fast, stock):
            cam.reset()
            cam.capture_mobjects(mobjects)
        return np.array_equal(fast.pixel_array, stock.pixel_array)

    steps = [same([box, picture, word, ring, dot])]
    dot.shift([0.6, 0.6, 0])
    box.z_index = 3
    steps += [same([box, picture, word, ring, dot]), same([ring, dot, word]), same([word, box, ring, dot])]
    for cam in (fast, stock):               # a new background colour (a theme's), then a half-transparent one
        cam.background_color = "#1b2230"
    steps.append(same([word, box]))
    for cam in (fast, stock):
        cam.background_opacity = 0.5
    steps.append(same([ring, word]))
    assert all(steps), steps
    assert isinstance(fast, FilledBackground) and fast._bg_fill is not None, "a colour's background is filled"


def test_the_fast_camera_lists_the_mobjects_manim_lists():
    """Shared submobjects, a mobject listed twice, one nested in itself, empty groups, z-indices:
    the same mobjects in the same order as Manim's own listing."""
    from manim import Circle, Dot, Square, VGroup
    from manim.camera.camera import Camera

    from embedviz.draw.fast_frames import fast_camera

    a, b, c, d = Circle(), Square(), Dot(), Dot()
    inner = VGroup(b, c)
    loop = VGroup(d)
    loop.submobjects.append(loop)                       # a cycle: Manim skips it on its own branch
    outer = VGroup(a, inner, VGroup(), c)
    a.add(Dot())                                        # a mobject with points and a submobject
    mobjects = [outer, b, loop, inner, Square()]
    for z in (False, True):
        if z:
            b.z_index, c.z_index = 2, -1
        size = {"pixel_width": 32, "pixel_height": 32, "use_z_index": z}
        fast, stock = fast_camera(Camera)(**size), Camera(**size)
        assert fast.get_mobjects_to_display(mobjects) == stock.get_mobjects_to_display(mobjects)
        assert fast.get_mobjects_to_display(mobjects, excluded_mobjects=[inner]) == \
            stock.get_mobjects_to_display(mobjects, excluded_mobjects=[inner])
        assert fast.get_mobjects_to_display(mobjects, include_submobjects=False) == mobjects
