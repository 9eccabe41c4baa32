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
- :class:`ReusingSegmentEncoder`: Manim hands the encoder each held frame with
  a repeat count and the encoder converted the same RGBA picture to YUV again
  for every repeat. Here a picture is converted once and the converted frame is
  encoded ``repeat`` times.

``tests/test_fast_frames.py`` proves both against stock Manim, frame by frame.
"""
from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
from manim.camera.camera import Camera
from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

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


class ReusingSegmentEncoder(VideoSegmentEncoder):
    """Convert each distinct picture to the stream's pixel format once, however often it repeats."""

    def write_frame(self, pixels, *, repeat: int = 1) -> None:
        self._validate_frame(pixels, repeat)
        time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
        try:
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
            stream = self._stream
            if repeat > 1 and stream.codec_context.pix_fmt != "rgba":
                # the same conversion the codec context would do for each repeat
                frame = frame.reformat(format=stream.codec_context.pix_fmt)
            for _ in range(repeat):
                frame.pts = self._next_pts
                frame.time_base = time_base
                self._next_pts += 1
                for packet in stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error


class ReusingFileWriter(SceneFileWriter):
    """Manim's file writer with :class:`ReusingSegmentEncoder` for every partial movie."""

    def _create_segment_encoder(self, target):
        if self.video_encoder is None:
            return super()._create_segment_encoder(target)      # raises Manim's own error
        return ReusingSegmentEncoder(target=target, spec=self.video_encoder)
