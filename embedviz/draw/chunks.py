"""Render one chunk of a segment's timeline: the plays that start in its slice of time.

A long segment can be split into chunks rendered by different workers and
joined by stream copy (:mod:`.split` decides when). Every chunk runs the
scene's whole ``construct`` up to the end of its slice; plays before the slice
are *dry*: their animations and updaters advance frame by frame exactly as in
a render, and the clock advances by exactly the same float additions, but
nothing is drawn or encoded. So every chunk sees the state, the clock and the
caption cues of the unsplit render, and its first play starts a new partial
movie (a keyframe) as it does there. A play belongs to chunk
``min(n-1, floor(start·n/span))``: every chunk computes the same start times,
so each play is rendered by exactly one chunk. The last chunk runs to the end
of ``construct``: its duration and cues are the segment's.
"""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Part:
    """Chunk ``index`` of ``count``, slicing a timeline of about ``span`` seconds."""

    index: int
    count: int
    span: float

    def of(self, start: float) -> int:
        """The chunk a play starting at ``start`` seconds belongs to."""
        return min(self.count - 1, max(0, int(start * self.count / self.span)))

    @property
    def last(self) -> bool:
        return self.index == self.count - 1


class PartRenderer:
    """Renderer mixin: render the plays of one :class:`Part`, run the others dry."""

    part: Part

    def play(self, scene, *args, **kwargs) -> None:
        from manim.utils.exceptions import EndSceneEarlyException

        which = self.part.of(self.time)
        if which > self.part.index:
            raise EndSceneEarlyException()          # Manim ends the scene normally and writes the movie
        if which < self.part.index:
            self._dry_play(scene, *args, **kwargs)
            return
        if self.part_plays is None:
            self.part_plays = [self.num_plays, self.num_plays]
            self.part_start = self.time
        super().play(scene, *args, **kwargs)
        self.part_plays[1] = self.num_plays

    def _dry_play(self, scene, *args, **kwargs) -> None:
        """CairoRenderer.play without drawing or encoding: the same state at its end, and the
        clock advanced by the same float additions (a cue or a hold computed from it is equal)."""
        scene.compile_animation_data(*args, **kwargs)
        self.file_writer.add_partial_movie_file(None)       # no partial movie for this play
        self.animations_hashes.append(None)
        scene.begin_animations()
        self.static_image = None
        dt = 1 / self.camera.frame_rate
        if scene.is_current_animation_frozen_frame():
            self.time += int(scene.duration / dt) * dt      # as freeze_current_frame → add_frame
            self.num_plays += 1
            return
        scene.duration = scene.get_run_time(scene.animations)
        frames = np.arange(0, scene.duration, dt)           # as Scene.get_time_progression
        if _jumpable(scene):
            # nothing reads the time between frames: the end state is the animations' at alpha 1
            for _ in frames:
                self.time += 1 * dt
            scene.update_to_time(scene.duration)
        else:
            for t in frames:
                scene.update_to_time(t)
                self.time += 1 * dt                          # as add_frame, once a frame
                if scene.stop_condition is not None and scene.stop_condition():
                    break
        for animation in scene.animations:
            animation.finish()
            animation.clean_up_from_scene(scene)
        scene.update_mobjects(0)
        self.num_plays += 1


def _jumpable(scene) -> bool:
    """True when a play's end state does not depend on the frames between: no updater
    anywhere (an updater may keep history, a time-based one integrates dt) and no stop condition."""
    if scene.stop_condition is not None or scene.updaters:
        return False
    return not any(m.updaters for top in scene.mobjects for m in top.get_family())


_classes: dict[type, type] = {}


def take_part(renderer, part: Part):
    """``renderer`` (a CairoRenderer, not yet used) made to render only ``part``."""
    cls = type(renderer)
    if cls not in _classes:
        _classes[cls] = type(f"Part{cls.__name__}", (PartRenderer, cls), {})
    renderer.__class__ = _classes[cls]
    renderer.part = part
    renderer.part_plays = None           # [first, last + 1] of the plays it renders
    renderer.part_start = None           # the clock at its first rendered play
    return renderer


def join(partials, movie: Path, *, alpha_webm: bool = False) -> None:
    """Join a segment's partial movies (one a play, in play order) into ``movie`` as Manim's own
    ``SceneFileWriter.combine_files`` joins them for an unsplit render: FFmpeg's concat demuxer
    places each file where the previous one ended, packets are copied and the muxer recomputes
    their dts. So the joined clip has the unsplit clip's packets at the unsplit clip's times, in
    every container (WebM's millisecond clock included); a join of whole chunks would round
    each chunk's start once more."""
    import av

    manifest = BytesIO("".join(f"file 'file:{Path(p).as_posix()}'\n" for p in partials).encode())
    with av.open(manifest, format="concat", options={"safe": "0", "an": "1"}) as inp, \
            av.open(str(movie), mode="w") as out:
        istream = inp.streams.video[0]
        ostream = out.add_stream_from_template(template=istream)
        if alpha_webm:
            ostream.pix_fmt = "yuva420p"
        for packet in inp.demux(istream):
            if packet.dts is None:
                continue
            packet.dts = None
            packet.stream = ostream
            out.mux(packet)
