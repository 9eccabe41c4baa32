"""Storyboards: plain data holding everything a segment will put on screen.

A scene draws a storyboard and decides nothing numeric. Storyboards are frozen
dataclasses of str/int/float/tuples so they serialise to JSON (for ``embedviz
inspect --json``) and hash stably (for the render cache).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

MINUS = "\u2212"


def fmt(x: float, decimals: int) -> str:
    """Display form of a number: fixed decimals, a true minus sign, no '-0.00'."""
    if math.isnan(x):
        return "undefined"
    if math.isinf(x):
        return ("" if x > 0 else MINUS) + "\u221e"
    if abs(x) >= 1e6:           # a huge entry stays a short cell: 1.23e+08
        s = f"{x:.{max(decimals, 1)}e}"
        return MINUS + s[1:] if s.startswith("-") else s
    s = f"{x:.{decimals}f}"
    if s.startswith("-"):
        s = s[1:] if float(s) == 0 else MINUS + s[1:]
    return s



READING_FLOOR = 1.6     # seconds: even one word holds this long


def reading_time(text: str) -> float:
    """Seconds a viewer needs to read ``text`` (≈ 15 characters a second, at least
    ``READING_FLOOR``): a silent line's hold in the scenes, and a segment's expected
    length before its first render. The one rule; everything that times a line calls it."""
    return max(READING_FLOOR, 0.6 + len(text) / 15)

@dataclass(frozen=True)
class Storyboard:
    """Fields shared by every segment's storyboard."""

    type: str
    index: int                  # 1-based position in the lesson
    title: str
    narration: tuple[str, ...]
    source_label: str
    decimals: int
    # Beat timing, decided before a frame is drawn (the narration issue fills these in from the
    # resolved voice). beat_seconds[i] is the least time from the start of narration line i to the
    # start of line i + 1 (or the segment's end): the voice's length plus a gap. Empty: a silent
    # lesson, where a line holds for its reading time. The scene never lets line i + 1 start earlier.
    beat_seconds: tuple[float, ...] = field(default=(), kw_only=True)
    # False: the narration goes to the caption track only (a voice speaks it), nothing drawn on screen.
    captions_on_screen: bool = field(default=True, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = _plain(dataclasses.asdict(self))
        return d


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
