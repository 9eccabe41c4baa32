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
- :class:`HoldingSegmentEncoder`: Manim hands the encoder each held frame with
  a repeat count and the encoder converted the same RGBA picture to YUV again
  for every repeat, and encoded every repeat. Here a picture is converted once;
  with variable frame rate (the default for mp4 and webm) it is also encoded
  once, shown for its whole hold.

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

from embedviz.draw.manim_compat import CairoRenderer, Camera, SceneFileWriter, VideoSegmentEncoder, VMobject

_MAX_PATHS = 20_000      # cached paths per camera before the cache is cleared (≈ a few MB)


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
        # them alone), so an id reused by another mobject is harmless.
        if hit is not None and hit[0].shape == points.shape and np.array_equal(hit[0], points):
            ctx.new_path()
            ctx.append_path(hit[1])
            return self
        super().set_cairo_context_path(ctx, vmobject)
        if len(cache) >= _MAX_PATHS:
            cache.clear()
        cache[id(vmobject)] = (np.array(points, copy=True), ctx.copy_path())
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


class LayerCache:
    """Flat-camera mixin: keep the picture of the leading mobjects that did not change, and draw only the rest.

    Manim draws a play's static mobjects once (its ``static_image``) but every
    mobject from the first moving one on, every frame: an updater or a
    readout early in the scene's list redraws all the text after it. The
    mobjects are drawn in order onto the background, each over what the
    earlier ones left, so the picture after the first ``k`` of them is a
    function of the background and those ``k`` mobjects' drawn state
    (points, colours, widths, joins; :func:`_drawn_state`). This mixin keeps
    that picture (a *layer*) for the longest run of leading mobjects that
    were unchanged since the previous frame, and while they stay unchanged
    starts each frame from it instead of from the background. Frames are
    exactly the stock ones: the same mobjects drawn the same way over the same
    pixels; only the pixels come from a copy.

    The layer is only used right after the renderer set the background
    (``set_frame_to_background`` or ``reset``) and only on that same
    background array; anything else draws as stock Manim does.
    """

    @property
    def pixel_array(self):
        """The picture being drawn; a background set since is copied in when it is first read."""
        d = self.__dict__
        if "_pixels" not in d:
            raise AttributeError("pixel_array")
        if d.get("_pending") is not None:
            np.copyto(d["_pixels"], d["_pending"])
            d["_pending"] = None
        return d["_pixels"]

    @pixel_array.setter
    def pixel_array(self, value) -> None:
        self.__dict__["_pending"] = None
        self.__dict__["_pixels"] = value

    def set_frame_to_background(self, background) -> None:
        """Manim's, but the copy waits until the picture is read: a frame that starts from the
        layer copies the layer instead."""
        pixels = self.__dict__.get("_pixels")
        if pixels is None or pixels.shape != background.shape or pixels.dtype != background.dtype:
            super().set_frame_to_background(background)
        else:
            self.__dict__["_pending"] = background
        self.__dict__["_base"] = background

    def reset(self):
        self.set_frame_to_background(self.background)
        return self

    def get_mobjects_to_display(self, mobjects, include_submobjects=True, excluded_mobjects=None):
        """Manim's list (:func:`_family_with_points`), walked without generators: the same mobjects in
        the same order, for a fifth of the time a frame."""
        if not include_submobjects or excluded_mobjects:
            return super().get_mobjects_to_display(mobjects, include_submobjects, excluded_mobjects)
        found = _family_with_points(mobjects)
        return sorted(found, key=lambda m: m.z_index) if self.use_z_index else found

    def capture_mobjects(self, mobjects, **kwargs) -> None:
        leaves = self.get_mobjects_to_display(mobjects, **kwargs)
        d = self.__dict__
        base, d["_base"] = d.get("_base"), None
        before = d.get("_states") or []
        states = [_drawn_state(self, leaf) for leaf in leaves]
        d["_states"] = states
        layer = d.get("_layer")         # (background, leaves drawn in it, pixels)
        if base is None:                # pixels not fresh from a background: draw as Manim does
            if layer is not None:
                d["_spare"], d["_layer"] = layer[2], None
            self._draw_leaves(leaves)
            return
        same = 0                        # leading leaves drawn as in the previous frame
        for new, old in zip(states, before):
            if new is None or new != old:
                break
            same += 1
        start = 0
        if layer is not None and layer[0] is base and layer[1] <= same:
            d["_pending"] = None        # the layer replaces the background's copy
            np.copyto(d["_pixels"], layer[2])
            start = layer[1]
        if same > start:
            self._draw_leaves(leaves[start:same])
            pixels = layer[2] if layer is not None else d.get("_spare")
            if pixels is None or pixels.shape != self.pixel_array.shape:
                pixels = np.empty_like(self.pixel_array)
            np.copyto(pixels, self.pixel_array)
            layer, start = (base, same, pixels), same
        elif start == 0 and layer is not None:
            d["_spare"], layer = layer[2], None
        d["_layer"] = layer
        self._draw_leaves(leaves[start:])

    def _draw_leaves(self, leaves) -> None:
        """Manim's ``capture_mobjects`` after it listed the mobjects: runs of one type, each drawn by its function."""
        kinds = self.__dict__.setdefault("_kinds", {})

        def kind(leaf):             # type_or_raise builds a dict a call; its answer depends on the class alone
            cls = type(leaf)
            if cls not in kinds:
                kinds[cls] = self.type_or_raise(leaf)
            return kinds[cls]
        for group_type, group in itertools.groupby(leaves, kind):
            self.display_funcs[group_type](list(group), self.pixel_array)


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


def _drawn_state(camera, leaf) -> tuple | None:
    """Everything the flat camera reads to draw ``leaf`` (a VMobject without a background image), as
    comparable values; None for any other mobject (never taken as unchanged)."""
    if isinstance(leaf, VMobject):
        if leaf.get_background_image():
            return None
        fill = camera.get_fill_rgbas(leaf)
        stroke = camera.get_stroke_rgbas(leaf)
        back = camera.get_stroke_rgbas(leaf, background=True)
        points = leaf.points
        gradient = None
        if len(fill) > 1 or len(stroke) > 1 or len(back) > 1:      # a gradient spans the family's bounds
            gradient = np.asarray(leaf.get_gradient_start_and_end_points(), dtype=float).tobytes()
        return (leaf, points.dtype.str, points.tobytes(), fill.tobytes(), stroke.tobytes(), back.tobytes(),
                len(fill), len(stroke), len(back), leaf.get_stroke_width(), leaf.get_stroke_width(True),
                leaf.joint_type, leaf.cap_style, gradient)
    return None


def fast_camera(camera_class: type[Camera]) -> type[Camera]:
    """``camera_class`` with cached paths, and with :class:`LayerCache` when it draws as Manim's flat
    :class:`Camera` does (a subclass that changes how mobjects are listed, coloured or placed gets none)."""
    cls = with_path_cache(camera_class)
    flat = all(getattr(camera_class, name) is getattr(Camera, name) for name in _FLAT)
    if not flat or issubclass(cls, LayerCache):
        return cls
    if cls not in _layered:
        _layered[cls] = type(f"Layered{cls.__name__}", (LayerCache, cls), {})
    return _layered[cls]


# what a camera must take from Manim's flat Camera for LayerCache's notion of a mobject's drawn state to hold
_FLAT = ("capture_mobjects", "get_mobjects_to_display", "transform_points_pre_display", "get_fill_rgbas",
         "get_stroke_rgbas", "display_vectorized", "set_cairo_context_color", "apply_fill", "apply_stroke",
         "display_multiple_vectorized_mobjects", "display_multiple_non_background_colored_vmobjects",
         "set_frame_to_background", "reset", "get_cairo_context", "type_or_raise")
_layered: dict[type, type] = {}


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
        self._durations: dict[int, int] = {}

    def _convert(self, pixels):
        frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        pix_fmt = self._stream.codec_context.pix_fmt
        return frame if pix_fmt == "rgba" else frame.reformat(format=pix_fmt)

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
            if self.vfr:
                held = self._held
                if held is not None and np.array_equal(held[0], pixels):
                    held[2] += repeat
                    self._give_back(pixels)
                    return
                self._flush_held(last=False)
                self._stats["pictures"] += 1
                self._held = [pixels, self._convert(pixels), repeat]
                return
            self._stats["pictures"] += 1
            frame = self._convert(pixels)
            for _ in range(repeat):
                self._encode(frame, 1)
            self._give_back(pixels)         # the encoder has its own copy of what it still needs
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
