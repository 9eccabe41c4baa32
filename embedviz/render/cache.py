"""Content-hash keys for the segment cache.

A clip is reused when its key is unchanged. The key covers everything that can
change its pixels: the storyboard (all numbers, labels, narration), the style,
the output size and frame rate, the source code that draws it, and the
installed fonts (a fallback font installed later must redraw clips that showed
missing-glyph boxes).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

_DRAWING_CODE = ("scenes", "embedviz/draw/worker.py", "embedviz/draw/fast_frames.py", "embedviz/media/video.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the drawing code, so editing a scene invalidates its clips."""
    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    for entry in _DRAWING_CODE:
        p = root / entry
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def fonts_version() -> str:
    """Hash of every installed font file's path, size and mtime (``fc-list``)."""
    try:
        out = subprocess.run(["fc-list", "-f", "%{file}\n"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    h = hashlib.sha256()
    for path in sorted(set(filter(None, out.split("\n")))):
        try:
            st = os.stat(path)
        except OSError:
            continue
        h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def segment_key(storyboard_dict: dict, style_dict: dict, width: int, height: int, fps: int,
                fmt: str = "mp4", transparent: bool = False, cfr: bool = False) -> str:
    payload = json.dumps(
        {"storyboard": storyboard_dict, "style": style_dict, "size": [width, height, fps],
         "format": [fmt, transparent], "frame_rate": "constant" if cfr else "variable",
         "code": code_version(), "fonts": fonts_version()},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
