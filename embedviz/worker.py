"""Render one segment to one clip, in whatever process calls it.

Manim is imported here and only here, so ``validate`` and ``inspect`` never
pay for it. Each call gets its own media directory (Manim's Text cache is not
safe to share between concurrent renders) and the clip is moved into place
atomically: the final path either holds a complete file or nothing new.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from embedcore.storyboard import Storyboard

from .video import remux


def render_clip(storyboard: Storyboard, style, width: int, height: int, fps: int, out_path: Path) -> dict:
    """Render ``storyboard`` to ``out_path`` (mp4); return its caption cues and duration."""
    import logging

    from manim import config, logger, tempconfig

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
            "frame_height": 8.0,
            "frame_width": 8.0 * width / height,
            "disable_caching": True,
            "format": "mp4",
            "output_file": "clip",
            "progress_bar": "none",
            "verbosity": "ERROR",
            "write_to_movie": True,
            "save_last_frame": False,
        }
        with tempconfig(opts):
            scene = SCENES[storyboard.type](storyboard, theme_for(style))
            scene.render()
            movie = Path(scene.renderer.file_writer.movie_file_path)
            duration = float(scene.renderer.time)
            cues = [dict(c) for c in scene.cues]
        remux(movie, out_path)      # faststart, written via .part + rename
        return {"duration": duration, "cues": cues}
    finally:
        shutil.rmtree(work, ignore_errors=True)
