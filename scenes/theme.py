"""Colours, fonts, the type scale and spacing steps. Plain data; scenes read
every colour from a Theme and every font size from :data:`SIZE`.

Token colours use the Okabe–Ito palette, which stays distinguishable for the
common colour-vision deficiencies. The light theme is designed on its own
(darker, more saturated strokes on a warm white), not inverted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class TypeScale:
    """Font sizes (Manim font_size, for a frame 8 units on its short side), largest first.

    A scene names a step (``SIZE.label``) instead of writing a number, so
    one change here re-sizes every scene alike.
    """

    display: float = 48     # the lesson title on the opening card
    hero: float = 40        # a word that is the subject of the picture (pitfall: cat / bat)
    title: float = 34       # segment titles; operators between chips
    value: float = 30       # a formula or a number read as a result
    chip: float = 26        # a token in its chip
    heading: float = 24     # column and panel headings
    label: float = 22       # panel titles, row labels, tick words
    caption: float = 22     # narration captions
    cell: float = 20        # numbers in tables and readouts
    note: float = 18        # notes and ids under chips
    small: float = 16       # secondary notes, legend ticks
    tiny: float = 14        # axis ticks and annotations squeezed beside a figure


@dataclass(frozen=True)
class Spacing:
    """Gaps between things, in scene units (the short side is 8)."""

    xs: float = 0.06        # between lines of one wrapped label
    s: float = 0.12         # a label and what it labels
    m: float = 0.25         # between items of a row or a list
    l: float = 0.4          # between panels  # noqa: E741
    xl: float = 0.75        # around a panel that needs air


PX_PER_UNIT = 1080 / 8     # sizes are judged at a 1080 px short side (8 scene units)
MIN_CAP_PX = 18.0          # cap height of any text
READOUT_CAP_PX = 24.0      # cap height of readouts and numbers the narration names

SIZE = TypeScale()
GAP = Spacing()


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    faint: str             # grid lines, gap rows
    panel: str             # cell fill
    accent: str            # highlighted row/chip outline
    highlight_fill: str
    negative: str
    positive: str
    tokens: tuple[str, ...]
    font: str = "Inter"
    mono: str = "JetBrains Mono"
    size: ClassVar[TypeScale] = SIZE
    gap: ClassVar[Spacing] = GAP

    def token_colour(self, i: int) -> str:
        """The palette's colour ``i`` (for things that are not tokens: bullets, series)."""
        return self.tokens[i % len(self.tokens)]

    def colour_of(self, slot: int) -> str:
        """The colour of palette slot ``slot`` (a token's, from ``storyboard.token_colours``)."""
        return self.tokens[slot % len(self.tokens)]


# Okabe-Ito, reordered so neighbours in a sentence contrast
# Every token colour reaches WCAG 4.5:1 against its theme's background (labels are
# small text at 480p): Okabe-Ito's blue is lightened on dark, and on light the
# orange, yellow and vermillion are darkened a step (same hues).
# Any two differ by CIEDE2000 >= 20 (tokens set side by side must tell apart): Okabe-Ito's blue
# is dropped on dark (lightened for contrast it came within 12 of sky blue), and on light the
# darkened orange and blue (within 12-17 of vermillion, yellow and sky blue).
# Yellow is the accent (highlighted), so it is no token's colour on dark and high-contrast; the light
# theme's accent is an indigo that no token uses.
_OKABE_ITO_DARK = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00")
_OKABE_ITO_LIGHT = ("#AD4500", "#0072B2", "#007A5A", "#766800", "#A8427F")

THEMES: dict[str, Theme] = {
    "dark": Theme(
        name="dark", background="#14171C", text="#ECEFF4", muted="#9AA3B2", faint="#3A414D",
        panel="#1E232B", accent="#F0E442", highlight_fill="#3A3A1E",
        negative="#E07B39", positive="#4EA3D8", tokens=_OKABE_ITO_DARK,
    ),
    "light": Theme(
        name="light", background="#FBF8F1", text="#1D232B", muted="#5A6270", faint="#C9CDD3",
        panel="#FFFFFF", accent="#4B0082", highlight_fill="#E6DDF2",
        negative="#B5540F", positive="#1F6FB2", tokens=_OKABE_ITO_LIGHT,
    ),
    "high-contrast": Theme(
        name="high-contrast", background="#000000", text="#FFFFFF", muted="#D0D0D0", faint="#808080",
        panel="#000000", accent="#FFFF00", highlight_fill="#333300",
        negative="#FF8C00", positive="#00BFFF", tokens=("#FFB000", "#00BFFF", "#00E08A", "#FF6FD8", "#A0A0FF"),
    ),
}


def theme_for(style) -> Theme:
    base = THEMES[style.theme]
    return Theme(**{**base.__dict__, "font": style.font, "mono": style.mono_font})
