"""Render one segment to one clip, in whatever process calls it.

Manim is imported here and only here, so ``validate`` and ``inspect`` never
pay for it. Each call gets its own media directory (Manim's Text cache is not
safe to share between concurrent renders) and the clip is moved into place
atomically: the final path either holds a complete file or nothing new.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from embedcore.storyboard import Storyboard
from embedviz.draw.chunks import Part
from embedviz.media.video import remux

# libx264 settings for every mp4 clip. Clips are joined by stream copy, so all
# of them must share these. bench/bench_encoder.py on 1,200 frames of this
# project's 1080p60 clips: Manim's default (medium, crf 23) 21 ms CPU a frame;
# veryfast 13 ms; superfast at crf 26 9.5 ms for 13-15% more bytes than
# veryfast at crf 23 and the same or better fidelity (PSNR 50.3 vs 49.5 dB).
# tune=animation: flat colours and long holds. threads=2 (x264 would pick 3 on
# two cores): ~30 MB less per worker at 1080p, and workers already fill the cores.
X264_OPTIONS = {"preset": "superfast", "tune": "animation", "crf": "26", "threads": "2"}
# Variable frame rate (the default; fast_frames.HoldingSegmentEncoder): a hold is one
# frame. No B-frames, so every packet's decode and display times agree and its
# duration is its hold (with B-frames an mp4 keeps durations in decode order, and
# a hold's length is lost to the frames around it). That costs bytes, which the
# holds give back many times over; crf 24 buys the fidelity back. Measured on
# segment 6 of the default lesson at 1080p60 (309 pictures, 1,346 frames): CFR
# crf 26 0.620 MB, PSNR 41.33 dB over all frames; VFR crf 24 0.565 MB, 41.36 dB,
# a third of the encoder's CPU time.
X264_VFR_OPTIONS = {**X264_OPTIONS, "crf": "24", "x264-params": "bframes=0"}
VFR_FORMATS = ("mp4", "webm")       # gif and qtrle mov stay constant frame rate


def text_cache_dir() -> Path | None:
    """Where shaped text is kept between renders: ``$EMBEDVIZ_TEXT_CACHE``
    (``off`` disables it), else ``$XDG_CACHE_HOME/embedviz/text``."""
    env = os.environ.get("EMBEDVIZ_TEXT_CACHE")
    if env:
        return None if env.lower() == "off" else Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "embedviz" / "text"


def make_renderer(scene_class, *, plain: bool, vfr: bool = False, part: Part | None = None):
    """The renderer to build ``scene_class`` with; None lets Manim build its own.

    ``plain`` and whole: None, stock Manim (renderer, camera, file writer). Else Manim's renderer
    subclassed where it is built, never patched: :class:`.fast_frames.PooledCairoRenderer` with a
    path-caching camera that redraws only what changed (:func:`.fast_frames.fast_camera`) and a holding file writer (not ``plain``), made to render only ``part``
    (:func:`.chunk_renderer.with_part`) for a chunk. The planner splits no segment when
    ``EMBEDVIZ_PLAIN_MANIM=1``, so a plain chunk arrives only from a planner that was not plain."""
    if plain and part is None:
        return None
    from embedviz.draw.chunk_renderer import with_part
    from embedviz.draw.fast_frames import HoldingFileWriter, PooledCairoRenderer, VfrFileWriter, fast_camera
    from embedviz.draw.manim_compat import CairoRenderer

    if plain:
        base, kwargs = CairoRenderer, {"camera_class": scene_class.camera_kind}
    else:
        base, kwargs = PooledCairoRenderer, {"camera_class": fast_camera(scene_class.camera_kind),
                                             "file_writer_class": VfrFileWriter if vfr else HoldingFileWriter}
    return base(**kwargs) if part is None else with_part(base)(part=part, **kwargs)


def _keep_partials(renderer, folder: Path, fps: int, counted: bool) -> dict:
    """Move a chunk's partial movies (one a play) into ``folder`` as ``<play>.<ext>``; the
    segment is joined from every chunk's partial movies (:func:`.chunks.join`)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for play, path in enumerate(renderer.file_writer.partial_movie_files):
        if path is not None:
            names.append(f"{play:05d}{Path(path).suffix}")
            os.replace(path, folder / names[-1])
    # the clock where the chunk's first play starts (where it would have, if none does) and where it stops
    start = renderer.part_start if renderer.part_start is not None else renderer.time
    out = {"start": start, "end": renderer.time, "plays": renderer.part_plays, "partials": names}
    if not counted:      # stock Manim, or no play drawn
        out["frames"] = round((renderer.time - start) * fps)
    return out


def render_clip(storyboard: Storyboard, style, width: int, height: int, fps: int, out_path: Path,
                *, fmt: str = "mp4", transparent: bool = False, plain: bool | None = None,
                cfr: bool = False, part=None) -> dict:
    """Render ``storyboard`` to ``out_path``; return its caption cues, duration and frame counts.

    ``fmt`` is mp4 (H.264), webm (VP9), gif or mov; ``transparent`` keeps the
    alpha channel (webm or mov only). mp4 and webm are written with variable
    frame rate (a hold is one frame) unless ``cfr``. ``plain`` renders with
    stock Manim (its own renderer, camera and file writer, constant frame
    rate) -- the same pixels, slower; for the benchmark's side-by-side figure
    and for tests. Default: the environment variable ``EMBEDVIZ_PLAIN_MANIM=1``.
    The result's ``frames`` counts frames at the nominal rate, ``pictures``
    the distinct pictures drawn and ``encoded`` the frames encoded (None where
    stock Manim does not tell).
    ``part`` (a :class:`.chunks.Part`): render only that chunk of the timeline: ``out_path``
    is then a folder that receives the chunk's partial movies, listed in the answer with
    the chunk's ``start``, ``end`` and ``plays``; its frame counts are the chunk's.
    """
    if plain is None:
        plain = os.environ.get("EMBEDVIZ_PLAIN_MANIM") == "1"
    vfr = fmt in VFR_FORMATS and not cfr and not plain
    from manim import logger, tempconfig

    from scenes.components.text import text_cache
    from scenes.registry import SCENES
    from scenes.theme import theme_for

    logger.setLevel(logging.ERROR)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=out_path.parent))
    try:
        opts = {
            "media_dir": str(work),
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            # the short side is 8 units whatever the shape, so text sizes mean the same
            "frame_height": 8.0 * max(1.0, height / width),
            "frame_width": 8.0 * max(1.0, width / height),
            "disable_caching": True,
            "format": fmt,
            "transparent": transparent,
            "output_file": "clip",
            "progress_bar": "none",
            "verbosity": "ERROR",
            "write_to_movie": True,
            "save_last_frame": False,
            "encoder_queue_size": 2,
        }
        if fmt == "mp4":
            opts["video_encoder_options"] = dict(X264_VFR_OPTIONS if vfr else X264_OPTIONS)
        text_cache.directory = None if plain else text_cache_dir()
        with tempconfig(opts):
            scene_class = SCENES[storyboard.type]
            renderer = make_renderer(scene_class, plain=plain, vfr=vfr, part=part)
            scene = scene_class(storyboard, theme_for(style), renderer=renderer)
            scene.render()
            movie = Path(scene.renderer.file_writer.movie_file_path)
            duration = float(scene.renderer.time)
            cues = [dict(c) for c in scene.cues]
            counted = {} if plain else scene.renderer.file_writer.frame_stats     # empty: no play drawn
            stats = dict(counted or {"frames": round(duration * fps), "pictures": None, "encoded": None})
        out = {"duration": duration, "cues": cues, **stats}
        if part is not None:
            return {**out, **_keep_partials(scene.renderer, out_path, fps, bool(counted))}
        remux(movie, out_path)      # faststart (mp4/mov), written via .part + rename
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)
