"""A token as a rounded chip, and a marker that moves from one thing to the next."""
from __future__ import annotations

from manim import Animation, Create, RoundedRectangle, SurroundingRectangle, Transform, VGroup, VMobject

from .. import marks
from ..theme import SIZE, Theme
from .text import label


class TokenChip(VGroup):
    def __init__(self, text: str, colour: str, theme: Theme, *, size: float = SIZE.chip, min_width: float = 0.9,
                 token: str | None = None, max_width: float | None = None, token_colour: bool = True,
                 **kwargs) -> None:
        """``token``: the token string whose colour the outline carries, when not ``text`` (a word's
        pieces all wear the word's colour). ``max_width``: the widest the chip may be (a longer word is
        cut with "…", as every label is). ``token_colour=False``: the outline wears a marker's colour, no
        token's (the unknown token in the negative colour), so the palette rules leave it out."""
        super().__init__(**kwargs)
        self.word = label(text, theme, size=size, colour=theme.text,
                          max_width=None if max_width is None else max(max_width - 0.36, 0.1))
        w = max(min_width, self.word.width + 0.36)
        # one height for every chip (not the word's ink height: 'quick' has a descender,
        # 'on' has none), so chips and the ids under them line up
        h = size / SIZE.chip * 0.62
        self.box = RoundedRectangle(corner_radius=0.12, width=w, height=h,
                                    stroke_color=colour, stroke_width=3, fill_color=theme.panel, fill_opacity=1)
        self.word.move_to(self.box)
        self.add(self.box, self.word)
        self.colour = colour
        if token_colour:
            marks.token(self.box, text if token is None else token)     # the outline carries the token's colour
        marks.labels(self.word, self.box)

    def highlight(self, theme: Theme, *, buff: float = 0.06, stroke_width: float = 3) -> Animation:
        """Draw an accent outline around the chip (the outline is ``self.mark`` afterwards)."""
        self.mark = SurroundingRectangle(self, color=theme.accent, buff=buff, stroke_width=stroke_width)
        return Create(self.mark)


class Marker:
    """An accent outline that is drawn around one mobject, then moves to the next.

    Builds nothing on screen by itself: ``to(m)`` returns the animation that
    draws it around ``m`` (the first time) or moves it there; ``off()`` fades it.
    """

    def __init__(self, theme: Theme, *, buff: float = 0.02, stroke_width: float = 4) -> None:
        self.theme, self.buff, self.stroke_width = theme, buff, stroke_width
        self.rect: VMobject | None = None

    @property
    def shown(self) -> bool:
        return self.rect is not None

    def to(self, mob) -> Animation:
        new = SurroundingRectangle(mob, color=self.theme.accent, buff=self.buff, stroke_width=self.stroke_width)
        if self.rect is None:
            self.rect = new
            return Create(new)
        return Transform(self.rect, new)

    def off(self) -> Animation:
        return self.rect.animate.set_stroke(opacity=0).build()
