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
        return f"{self.height}p{self.fps}"


QUALITIES = {
    "l": Quality("l", 854, 480, 15),
    "m": Quality("m", 1280, 720, 30),
    "h": Quality("h", 1920, 1080, 60),
    "p": Quality("p", 2560, 1440, 60),
    "k": Quality("k", 3840, 2160, 60),
}
