"""The renderer of one chunk (:class:`.chunks.Part`): it draws the plays that start in its slice of time.

A chunk renderer is built as a subclass of the renderer a whole segment would
use (:func:`with_part`), and passed to the scene's constructor: Manim's
public way to choose a renderer. It overrides one method,
``CairoRenderer.play``: a play before the chunk's slice runs *dry* (the state
and the clock of a drawn play, nothing drawn or encoded), a play after it
ends the scene with ``EndSceneEarlyException``, which Manim's ``Manager``
treats as a normal end (what ``upto_animation_number`` does).

Why not Manim's own skipping (``next_section(skip_animations=True)``,
``from_animation_number``/``upto_animation_number``): a skipped play jumps to
its end -- one ``update_to_time(run_time)``, the clock advanced by
``run_time`` at once and no final ``update_mobjects(0)`` -- so an updater that
integrates time or keeps history ends elsewhere, and the clock (which caption
cues and holds are computed from) differs in its last bits; the chunk's clip
would then not be the unsplit clip's. And those settings count plays, while a
chunk is a slice of time whose play numbers are known only while it runs.
The members used are checked by :mod:`.manim_compat`.
"""
from __future__ import annotations

import numpy as np

from embedviz.draw.chunks import Part
from embedviz.draw.manim_compat import CairoRenderer, EndSceneEarlyException


class PartRenderer(CairoRenderer):
    """Cairo renderer that renders the plays of one :class:`.chunks.Part` and runs the others dry
    (:func:`with_part` puts it in front of another renderer class).

    ``part_plays`` is [first, last + 1] of the plays it draws (None: none yet),
    ``part_start`` the clock at its first drawn play."""

    def __init__(self, *args, part: Part, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.part = part
        self.part_plays: list[int] | None = None
        self.part_start: float | None = None

    def play(self, scene, *args, **kwargs) -> None:
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


def with_part(renderer_class: type[CairoRenderer]) -> type[PartRenderer]:
    """``renderer_class`` (CairoRenderer or a subclass) made to render one chunk; build it with
    ``part=`` and the renderer's own arguments (cached per class)."""
    if renderer_class not in _classes:
        _classes[renderer_class] = type(f"Part{renderer_class.__name__}", (PartRenderer, renderer_class), {})
    return _classes[renderer_class]
