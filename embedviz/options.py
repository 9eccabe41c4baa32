"""Output sizes, named as Manim names its quality folders."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quality:
    flag: str
    width: int
    height: int
    fps: int

    @property
    def folder(self) -> str:
        """Manim's folder names (480p15 …); other shapes say their size."""
        if self.width * 9 == self.height * 16 or (self.width, self.height) == (854, 480):
            return f"{self.height}p{self.fps}"
        return f"{self.width}x{self.height}p{self.fps}"


QUALITIES = {
    "l": Quality("l", 854, 480, 15),
    "m": Quality("m", 1280, 720, 30),
    "h": Quality("h", 1920, 1080, 60),
    "p": Quality("p", 2560, 1440, 60),
    "k": Quality("k", 3840, 2160, 60),
}


def output_size(quality: Quality, aspect: str = "16:9", resolution: str | None = None,
                fps: int | None = None) -> Quality:
    """The pixel size for a quality flag and the lesson's aspect ratio.

    The quality names the *short* side (480p, 1080p, …), as platforms do for
    vertical video too: ``-q h`` with ``aspect: 9:16`` is 1080×1920.
    ``resolution`` ("WxH") overrides both; every size is made even (H.264
    with yuv420p needs even dimensions).
    """
    if resolution:
        w, h = (int(v) for v in resolution.lower().split("x"))
    else:
        short, long_ = quality.height, quality.width
        w, h = {"16:9": (long_, short), "9:16": (short, long_), "1:1": (short, short)}[aspect]
    w, h = w + (w % 2), h + (h % 2)
    return Quality(quality.flag, w, h, fps or quality.fps)
