"""Cheaper frames through Manim's own extension points, not a pixel changed.

Manim's Cairo renderer takes a ``camera_class`` and a ``file_writer_class``.
Profiling a 1080p60 segment showed where a frame's time goes, and each class
here removes work that does not change the picture:

- :class:`PathCache` (a camera mixin): ``Camera.set_cairo_context_path`` turns a
  VMobject's Bézier points into a Cairo path in Python, curve by curve, for
  every mobject in every frame -- 60–80% of the drawing time, mostly for text
  glyphs that have not moved. The path is a pure function of the (displayed)
  points, so it is built once and replayed with ``cairo.Context.append_path``
  while the points are unchanged.
- :class:`FilledBackground` (a camera mixin): a frame starts as a fill of the
  background's one colour instead of a copy of the background's 8 MB picture.
- :class:`FastListing` (a camera mixin): the frame's mobjects listed in one
  plain walk instead of Manim's recursive generators, their drawing
  function looked up once a class.
- :class:`HoldingSegmentEncoder`: Manim hands the encoder each held frame with
  a repeat count and the encoder converted the same RGBA picture to YUV again
  for every repeat, and encoded every repeat. Here a picture is converted once;
  with variable frame rate (the default for mp4 and webm) it is also encoded
  once, shown for its whole hold. One swscale context converts a segment's
  pictures (``frame.reformat`` would set one up a picture), and only the rows
  that changed since the picture before are converted (:class:`BandConverter`).

The Manim members these classes override or use are listed and checked in
:mod:`.manim_compat`, where the base classes come from.

``tests/test_fast_frames.py`` proves these against stock Manim, frame by frame
(constant frame rate), and variable frame rate against constant, picture by
picture at every frame time.
"""
from __future__ import annotations

import itertools
import threading
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from embedviz.draw.manim_compat import CairoRenderer, Camera, SceneFileWriter, VideoSegmentEncoder

_MAX_PATHS = 20_000      # cached paths per camera before the cache is cleared (≈ a few MB)
_BAND_REACH = 4          # rows either side of a changed row whose yuv420p chroma it changes (measured: 2)
_BAND_MARGIN = 8         # rows converted beyond those on each side, then dropped (swscale's filter reads 2)
_BAND_STEP = 64          # band heights are multiples of this (one swscale context per height)


class PathCache:
    """Camera mixin: replay a VMobject's Cairo path while its points are unchanged."""

    #: True when the camera draws a mobject's points as they are (the flat
    #: camera; only non-finite points are replaced), so the raw points can be
    #: compared without transforming them first. A 3D camera projects them.
    draws_raw_points = False

    def set_cairo_context_path(self, ctx, vmobject):
        points = vmobject.points if self.draws_raw_points else self.transform_points_pre_display(vmobject,
                                                                                                   vmobject.points)
        if len(points) == 0:
            return super().set_cairo_context_path(ctx, vmobject)
        cache = self.__dict__.setdefault("_paths", {})
        hit = cache.get(id(vmobject))
        # Equal displayed points give an equal path (the path is built from
        # them alone), so an id reused by another mobject is harmless. Compared
        # as bytes: one memcmp, a fifth of np.array_equal's price on a glyph's
        # points (and equal bits are equal points, NaN included).
        key = points.tobytes()
        if hit is not None and hit[0] == key and hit[1] == points.shape:
            ctx.new_path()
            ctx.append_path(hit[2])
            return self
        super().set_cairo_context_path(ctx, vmobject)
        if len(cache) >= _MAX_PATHS:
            cache.clear()
        cache[id(vmobject)] = (key, points.shape, ctx.copy_path())
        return self


def with_path_cache(camera_class: type[Camera]) -> type[Camera]:
    """``camera_class`` with :class:`PathCache` mixed in (cached per class)."""
    if issubclass(camera_class, PathCache):
        return camera_class
    if camera_class not in _cameras:
        raw = camera_class.transform_points_pre_display is Camera.transform_points_pre_display
        _cameras[camera_class] = type(f"PathCached{camera_class.__name__}", (PathCache, camera_class),
                                      {"draws_raw_points": raw})
    return _cameras[camera_class]


_cameras: dict[type, type] = {}


class FastListing:
    """Camera mixin: list a frame's mobjects as Manim does, for less (cameras that list and draw as Camera does).

    Every frame Manim flattens the drawn mobjects' families with recursive
    generators and asks ``type_or_raise`` (which builds a dict each call)
    which function draws each one. The same list, in the same order, comes
    from one plain walk (:func:`_family_with_points`), and a mobject's drawing
    function depends on its class alone, so it is looked up once a class.
    """

    def get_mobjects_to_display(self, mobjects, include_submobjects=True, excluded_mobjects=None):
        """Manim's list: the same mobjects in the same order."""
        if not include_submobjects or excluded_mobjects:
            return super().get_mobjects_to_display(mobjects, include_submobjects, excluded_mobjects)
        found = _family_with_points(mobjects)
        return sorted(found, key=lambda m: m.z_index) if self.use_z_index else found

    def capture_mobjects(self, mobjects, **kwargs) -> None:
        """Manim's: runs of one type, each drawn by its function, in order."""
        leaves = self.get_mobjects_to_display(mobjects, **kwargs)
        kinds = self.__dict__.setdefault("_kinds", {})

        def kind(leaf):
            cls = type(leaf)
            if cls not in kinds:
                kinds[cls] = self.type_or_raise(leaf)
            return kinds[cls]
        for group_type, group in itertools.groupby(leaves, kind):
            self.display_funcs[group_type](list(group), self.pixel_array)

    def display_vectorized(self, vmobject, ctx):
        """Manim's: the path, the background stroke, the fill, the stroke -- the same Cairo calls with the
        same values, without the calls that find a stroke of width 0 and unpack a one-colour fill."""
        self.set_cairo_context_path(ctx, vmobject)
        if vmobject.get_stroke_width(True) != 0:
            self.apply_stroke(ctx, vmobject, background=True)
        rgbas = vmobject.get_fill_rgbas()
        if len(rgbas) == 1:
            rgba = rgbas[0]
            ctx.set_source_rgba(rgba[2], rgba[1], rgba[0], rgba[3])
        else:
            self.set_cairo_context_color(ctx, rgbas, vmobject)
        ctx.fill_preserve()
        if vmobject.get_stroke_width() != 0:
            self.apply_stroke(ctx, vmobject)
        return self


def _family_with_points(mobjects) -> list:
    """``extract_mobject_family_members(mobjects, only_those_with_points=True)``: every family member,
    depth first, a mobject met again on its own branch skipped (Manim's cycle guard), those with points,
    each at its last place (Manim's ``remove_list_redundancies``, applied per family and again over all:
    keeping the last of each is the same once over the whole walk)."""
    walked: list = []
    branch: set = set()

    def walk(m) -> None:
        if m in branch:
            return
        branch.add(m)
        walked.append(m)
        for sub in m.submobjects:
            walk(sub)
        branch.discard(m)
    for m in mobjects:
        walk(m)
    seen: set = set()
    out = []
    for m in reversed(walked):
        if m not in seen:
            seen.add(m)
            if m.get_num_points() > 0:
                out.append(m)
    out.reverse()
    return out


class FilledBackground:
    """Camera mixin: a frame starts as a fill of the background's one colour, not a copy of its picture.

    ``Camera.reset`` copies the background array (8 MB at 1080p) into the
    frame before every picture, reading as much memory as it writes. A
    background of one colour (every lesson's: a theme colour, no image) is the
    same bytes written as one repeated 32-bit value. Any other background, or a
    background array replaced behind the camera's back, is copied as Manim does.
    """

    def init_background(self) -> None:
        super().init_background()
        bg = self.background
        self._bg_fill = None
        if bg.dtype == np.uint8 and bg.ndim == 3 and bg.shape[2] == 4 and bg.flags.c_contiguous:
            words = bg.reshape(-1).view(np.uint32)
            if (words == words[0]).all():
                self._bg_fill = (bg, words[0])

    def reset(self):
        fill, frame = self.__dict__.get("_bg_fill"), self.__dict__.get("pixel_array")   # none yet: Manim makes it
        if (fill is None or frame is None or fill[0] is not self.background or frame.shape != fill[0].shape
                or frame.dtype != np.uint8 or not frame.flags.c_contiguous):
            return super().reset()
        frame.reshape(-1).view(np.uint32).fill(fill[1])
        return self


def fast_camera(camera_class: type[Camera]) -> type[Camera]:
    """``camera_class`` with cached paths and a filled background, and with :class:`FastListing` when it
    lists and draws mobjects as Manim's flat :class:`Camera` does (a subclass that changes either gets none)."""
    cls = with_path_cache(camera_class)
    if camera_class.reset is Camera.reset and camera_class.init_background is Camera.init_background:
        if cls not in _filled:
            _filled[cls] = type(f"Filled{cls.__name__}", (FilledBackground, cls), {})
        cls = _filled[cls]
    flat = all(getattr(camera_class, name) is getattr(Camera, name) for name in _FLAT)
    if not flat or issubclass(cls, FastListing):
        return cls
    if cls not in _listed:
        _listed[cls] = type(f"Listing{cls.__name__}", (FastListing, cls), {})
    return _listed[cls]


# what a camera must take from Manim's flat Camera for FastListing to list and dispatch as it does
_FLAT = ("capture_mobjects", "get_mobjects_to_display", "type_or_raise", "display_vectorized", "apply_fill",
         "apply_stroke", "set_cairo_context_color", "get_fill_rgbas")
_listed: dict[type, type] = {}
_filled: dict[type, type] = {}


class HoldingSegmentEncoder(VideoSegmentEncoder):
    """Encode each distinct picture once; a hold costs one frame (VFR) or cheap repeats (CFR).

    Manim hands the encoder a picture with a repeat count (a ``wait`` is one
    picture repeated for its length) and, during animations, one picture a
    frame -- some identical to the one before (an updater that changed
    nothing). With ``vfr`` a picture is encoded once and shown until the next
    one starts: a packet's duration is its hold, so holds cost no encoding and
    almost no bytes. Identical consecutive pictures join one hold. The last
    picture of a segment is written as two frames (its hold minus one, then
    one), so a demuxer that cannot read the last packet's duration (WebM) loses
    one frame at most, as with constant frame rate. Without ``vfr`` (``--cfr``,
    today's encoding) every frame is encoded, but a picture is converted to the
    stream's pixel format once however often it repeats.

    The picture is read where Manim left it (``from_numpy_buffer``), not copied
    into a new frame first; conversion and encoding release the GIL.
    """

    vfr = False

    def __init__(self, *, target, spec, stats: dict | None = None, pool: FramePool | None = None) -> None:
        super().__init__(target=target, spec=spec)
        self._pool = pool
        self._time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
        self._stats = stats if stats is not None else {}
        for k in ("frames", "pictures", "encoded"):
            self._stats.setdefault(k, 0)
        self._held = None           # (picture array, converted frame, frames it is shown)
        self._last = None           # CFR: (picture array, converted frame) of the last picture
        self._durations: dict[int, int] = {}
        self._converter = BandConverter(self._stream.codec_context.pix_fmt)

    def _encode(self, frame, length: int) -> None:
        frame.pts = self._next_pts
        frame.time_base = self._time_base
        self._durations[self._next_pts] = length
        self._next_pts += length
        self._stats["encoded"] += 1
        self._mux(self._stream.encode(frame))

    def _mux(self, packets) -> None:
        for packet in packets:
            if packet.pts is not None:
                packet.duration = self._durations.pop(packet.pts, packet.duration)
            self._container.mux(packet)

    def write_frame(self, pixels, *, repeat: int = 1) -> None:
        self._validate_frame(pixels, repeat)
        self._stats["frames"] += repeat
        try:
            last = self._held if self.vfr else self._last
            rows = changed_rows(last[0], pixels) if last is not None else (0, len(pixels))
            if self.vfr:
                if rows is None:
                    last[2] += repeat
                    self._give_back(pixels)
                    return
                self._stats["pictures"] += 1
                frame = self._converter.convert(pixels, rows, last[1] if last is not None else None)
                self._flush_held(last=False)
                self._held = [pixels, frame, repeat]
                return
            if rows is None:
                frame = last[1]
            else:
                self._stats["pictures"] += 1
                frame = self._converter.convert(pixels, rows, last[1] if last is not None else None)
            for _ in range(repeat):
                self._encode(frame, 1)
            # the encoder has its own copy of what it still needs; the picture is kept to compare the next with
            if last is not None and last[0] is not pixels:
                self._give_back(last[0])
            self._last = (pixels, frame)
        except BaseException as error:
            raise self._operation_error("encode", error) from error

    def _flush_held(self, *, last: bool) -> None:
        if self._held is None:
            return
        pixels, frame, length = self._held
        self._held = None
        if last and length > 1:
            self._encode(frame, length - 1)
            self._encode(frame, 1)
        else:
            self._encode(frame, length)
        self._give_back(pixels)

    def _give_back(self, pixels) -> None:
        if self._pool is not None:
            self._pool.give(pixels)

    def finish(self) -> None:
        """Write the held picture, flush the encoder, close the segment (as Manim's, with hold lengths)."""
        if self._closed:
            return
        first_error: Exception | None = None
        if self._last is not None:
            self._give_back(self._last[0])
            self._last = None
        try:
            self._flush_held(last=True)
            self._mux(self._stream.encode())
        except Exception as error:
            first_error = error
        self._closed = True
        try:
            self._container.close()
        except Exception as error:
            first_error = first_error or error
        if first_error is not None:
            raise self._operation_error("finish", first_error) from first_error


def changed_rows(before: np.ndarray, after: np.ndarray) -> tuple[int, int] | None:
    """[first, last + 1] of the rows where two pictures of one shape differ; None when they are equal."""
    h = len(after)
    a, b = before.reshape(h, -1), after.reshape(h, -1)
    if a.shape[1] % 8 == 0:     # compare 8 bytes at a time
        a, b = a.view(np.uint64), b.view(np.uint64)
    rows = np.flatnonzero((a != b).any(axis=1))
    return (int(rows[0]), int(rows[-1]) + 1) if len(rows) else None


class BandConverter:
    """RGBA pictures to a stream's pixel format, converting only the band of rows that changed.

    Converting a 1080p picture to yuv420p costs about 4 ms, while most pictures
    of an animation differ from the one before in a band of rows (a label
    fading in). A yuv420p row depends only on the RGBA rows around it (luma on
    its own row, chroma on a pair of rows and the rows next to it: swscale's
    vertical filter), so the changed rows and ``_BAND_REACH`` rows either side,
    converted as a band with ``_BAND_MARGIN`` rows more on each side that are
    then dropped, give the full conversion's bytes; the other rows are the last
    picture's, copied. ``tests/test_fast_frames.py``
    checks it against whole conversions at every band position. Band heights are
    rounded up to ``_BAND_STEP`` rows so a few swscale contexts serve a segment
    (setting one up costs ~1 ms). Other pixel formats than yuv420p, and odd
    sizes, are converted whole, as before.
    """

    def __init__(self, pix_fmt: str) -> None:
        self.pix_fmt = pix_fmt
        self._reformatters: dict[int, VideoReformatter] = {}
        self.rows_converted = 0

    def _reformat(self, pixels: np.ndarray):
        frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        if self.pix_fmt == "rgba":
            return frame
        self.rows_converted += len(pixels)
        # one converter per picture height: ``frame.reformat`` sets up a new swscale context for every
        # frame (≈ 1 of its 5 ms at 1080p); the same settings give the same bytes
        reformatter = self._reformatters.setdefault(len(pixels), VideoReformatter())
        return reformatter.reformat(frame, format=self.pix_fmt)

    def convert(self, pixels: np.ndarray, rows: tuple[int, int], last) -> av.VideoFrame:
        """``pixels`` converted, where only ``rows`` differ from the picture ``last`` (a converted frame,
        never changed: the answer is a new frame) was converted from; ``last`` None: convert it all."""
        h, w = pixels.shape[:2]
        if last is None or self.pix_fmt != "yuv420p" or h % 2 or w % 2:
            return self._reformat(pixels)
        # rows whose conversion changes: the changed rows and their neighbours' chroma (even bounds)
        r0 = max(0, (rows[0] - _BAND_REACH) // 2 * 2)
        r1 = min(h, (rows[1] + _BAND_REACH + 1) // 2 * 2)
        top = max(0, r0 - _BAND_MARGIN)
        height = -(-(r1 + _BAND_MARGIN - top) // _BAND_STEP) * _BAND_STEP
        if height >= h - _BAND_STEP:
            return self._reformat(pixels)
        top = min(top, h - height)          # even: h and height are
        band = self._reformat(pixels[top:top + height])
        # rows of the band kept: all but the margins, except at the picture's edges (they hold [r0, r1])
        k0 = top + _BAND_MARGIN if top > 0 else 0
        k1 = top + height - _BAND_MARGIN if top + height < h else h
        out = av.VideoFrame(w, h, self.pix_fmt)
        for dst, src, part in zip(out.planes, last.planes, band.planes):
            sub = h // dst.height          # 2 for the chroma planes of yuv420p
            d, s, p = (np.frombuffer(q, np.uint8).reshape(q.height, q.line_size)[:, :dst.width]
                       for q in (dst, src, part))
            d[:k0 // sub] = s[:k0 // sub]
            d[k0 // sub:k1 // sub] = p[(k0 - top) // sub:(k1 - top) // sub]
            d[k1 // sub:] = s[k1 // sub:]
        return out


class HoldingFileWriter(SceneFileWriter):
    """Manim's file writer with :class:`HoldingSegmentEncoder` for every partial movie.

    ``frame_stats`` adds up what its encoders saw: ``frames`` at the nominal
    rate, distinct ``pictures`` and ``encoded`` frames."""

    vfr = False

    def __init__(self, settings) -> None:
        self.frame_stats: dict[str, int] = {}
        self.frame_pool: FramePool | None = None       # PooledCairoRenderer.init_scene sets it
        super().__init__(settings)

    def _create_segment_encoder(self, target):
        if self.video_encoder is None:
            return super()._create_segment_encoder(target)      # raises Manim's own error
        encoder = HoldingSegmentEncoder(target=target, spec=self.video_encoder, stats=self.frame_stats,
                                        pool=self.frame_pool)
        encoder.vfr = self.vfr
        return encoder


class VfrFileWriter(HoldingFileWriter):
    """:class:`HoldingFileWriter` that writes a hold as one frame (variable frame rate)."""

    vfr = True


class FramePool:
    """Picture buffers passed between the camera, which draws into one, and the encoder, which gives
    it back when it no longer reads it.

    Every buffer lives as long as the pool: the camera caches a Cairo context
    per buffer by ``id``, and a freed array's id could come back as another's.
    ``take`` returns None when ``limit`` buffers are out (a writer that never
    gives back); the renderer then copies, as stock Manim does."""

    def __init__(self, limit: int = 12) -> None:
        self.limit = limit
        self._all: dict[int, np.ndarray] = {}
        self._free: list[np.ndarray] = []
        self._lock = threading.Lock()

    def adopt(self, array: np.ndarray) -> None:
        with self._lock:
            self._all[id(array)] = array

    def take(self, like: np.ndarray) -> np.ndarray | None:
        with self._lock:
            while self._free:
                buf = self._free.pop()
                if buf.shape == like.shape and buf.dtype == like.dtype:
                    return buf
            if len(self._all) >= self.limit:
                return None
            buf = np.empty_like(like)
            self._all[id(buf)] = buf
            return buf

    def give(self, array: np.ndarray) -> None:
        with self._lock:
            if self._all.get(id(array)) is array:
                self._free.append(array)


class PooledCairoRenderer(CairoRenderer):
    """Cairo renderer that hands the encoder the buffer the camera drew, instead of a copy of it.

    Manim's ``get_frame`` copies the 8 MB picture (1080p) for every frame, into
    freshly allocated memory. Here the drawn buffer itself goes to the file
    writer and the camera draws the next frame into a buffer the encoder gave
    back (the camera starts every frame by copying its background in, so
    nothing of the old picture survives). ``save_static_frame_data`` keeps its
    copy: the background must not be drawn over."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pool = FramePool()
        self.pool.adopt(self.camera.pixel_array)

    def init_scene(self, scene, session_spec, file_writer_settings) -> None:
        super().init_scene(scene, session_spec, file_writer_settings)
        self.file_writer.frame_pool = self.pool

    def _hand_out(self) -> np.ndarray:
        drawn = self.camera.pixel_array
        if self.skip_animations:        # add_frame will not write it
            return drawn
        fresh = self.pool.take(drawn)
        if fresh is None:
            return drawn.copy()
        self.camera.pixel_array = fresh
        return drawn

    def render(self, scene, time, moving_mobjects=None) -> None:
        self.update_frame(scene, moving_mobjects)
        self.add_frame(self._hand_out())

    def freeze_current_frame(self, duration: float) -> None:
        dt = 1 / self.camera.frame_rate
        self.add_frame(self._hand_out(), num_frames=int(duration / dt))
