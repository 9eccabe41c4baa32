"""A token as a rounded chip, with its id written underneath."""
from __future__ import annotations

from manim import RoundedRectangle, VGroup

from ..theme import Theme
from .text import label


class TokenChip(VGroup):
    def __init__(self, text: str, colour: str, theme: Theme, *, size: float = 26, min_width: float = 0.9,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.word = label(text, theme, size=size, colour=theme.text)
        w = max(min_width, self.word.width + 0.36)
        # one height for every chip (not the word's ink height: 'quick' has a descender,
        # 'on' has none), so chips and the ids under them line up
        h = size / 26 * 0.62
        self.box = RoundedRectangle(corner_radius=0.12, width=w, height=h,
                                    stroke_color=colour, stroke_width=3, fill_color=theme.panel, fill_opacity=1)
        self.word.move_to(self.box)
        self.add(self.box, self.word)
        self.colour = colour
