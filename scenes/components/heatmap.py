"""A diverging colour scale centred on 0, its legend, and a heatmap grid.

−1 maps to the theme's ``negative`` (orange), +1 to its ``positive`` (blue),
0 to a neutral grey a step off the panel colour. Orange/blue stays apart for
the common colour-vision deficiencies, and lightness/saturation grow
monotonically away from 0 on both sides, so the scale reads in greyscale too.
Cell text switches between dark and light ink by the fill's luminance.
"""
from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, Rectangle, VGroup, VMobject

from ..layout import floor_scale
from ..theme import GAP, MIN_CAP_PX, SIZE, Theme
from .text import cap_px, label, quarter_turn

LABEL_W = 2.0           # a token label no wider than this by default (cut with "…")
ROW_FILL = 0.8          # a row label takes at most this share of its row's height


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in rgb)


def mix(a: str, b: str, t: float) -> str:
    """Linear blend of two sRGB colours, t = 0 → a, 1 → b."""
    ra, rb = _rgb(a), _rgb(b)
    return _hex([x + (y - x) * t for x, y in zip(ra, rb)])


def neutral(theme: Theme) -> str:
    """The colour of 0: a grey one step away from the panel, so a 0 cell is still a cell."""
    return mix(theme.panel, theme.text, 0.12)


def diverging_colour(value: float | None, theme: Theme) -> str:
    """Fill colour for a value in [−1, 1]; ``None`` (undefined) gets the faint grid colour."""
    if value is None:
        return theme.faint
    v = max(-1.0, min(1.0, float(value)))
    end = theme.positive if v >= 0 else theme.negative
    return mix(neutral(theme), end, abs(v) ** 0.8)


def luminance(hex_colour: str) -> float:
    def lin(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink_for(fill: str, theme: Theme) -> str:
    """Dark or light text, whichever contrasts more with ``fill`` (WCAG contrast ratio)."""
    dark, light = ("#000000", "#FFFFFF")     # pure ends: ≥ 4.58:1 against any fill
    lf = luminance(fill)

    def ratio(a, b):
        hi, lo = max(a, b), min(a, b)
        return (hi + 0.05) / (lo + 0.05)
    return dark if ratio(lf, luminance(dark)) >= ratio(lf, luminance(light)) else light


class ColourLegend(VGroup):
    """A vertical colour bar from −1 (bottom) to +1 (top) with labelled ticks."""

    def __init__(self, theme: Theme, *, height: float = 2.4, width: float = 0.28, steps: int = 40,
                 ticks: Sequence[tuple[float, str]] = (), size: float = SIZE.small, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bar = VGroup()
        h = height / steps
        for k in range(steps):
            v = -1 + (k + 0.5) * 2 / steps
            c = diverging_colour(v, theme)
            r = Rectangle(width=width, height=h, stroke_width=0.6, stroke_color=c, fill_color=c, fill_opacity=1)
            r.move_to([0, -height / 2 + (k + 0.5) * h, 0])
            self.bar.add(r)
        self.frame = Rectangle(width=width, height=height, stroke_color=theme.faint, stroke_width=1)
        self.ticks = VGroup()
        for v, text in ticks:
            y = v * height / 2
            t = label(text, theme, size=size, colour=theme.muted)
            t.move_to([width / 2 + GAP.s, y, 0], aligned_edge=LEFT)
            self.ticks.add(t)
        self.add(self.bar, self.frame, self.ticks)


def value_size_for(texts, theme: Theme, cell: float) -> float:
    """The font size a cell ``cell`` wide prints the widest of ``texts`` at."""
    size = min(SIZE.label, 40 * cell)
    probe = label(max((t for row in texts for t in row), key=len), theme, size=size, mono=True)
    return size * min(1.0, cell * 0.92 / probe.width) if probe.width > 0 else size


def value_cap_px(texts, theme: Theme, cell: float) -> float:
    """Cap height (px at 1080) of the values a cell ``cell`` wide would print: below the floor, print none."""
    size = value_size_for(texts, theme, cell)
    return cap_px(label("0.00", theme, size=size, mono=True), "Inter")


class Heatmap(VGroup):
    """n × n coloured cells with row labels on the left and column labels on top.

    ``values[i][j]`` in [−1, 1] or None, ``texts[i][j]`` the printed value
    (drawn only when ``show_values``). Column labels turn vertical when they
    do not fit a cell's width.
    """

    def __init__(self, values, texts, row_labels, col_labels, theme: Theme, *, cell: float,
                 show_values: bool, label_size: float, label_colours=None, label_width: float = LABEL_W,
                 col_label_width: float | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        n_rows, n_cols = len(values), len(values[0])
        self.cell = cell
        self.rects: list[list[Rectangle]] = []
        self.texts: list[list[VMobject | None]] = []
        self.fills: list[list[str]] = []
        self.body = VGroup()
        value_size = min(SIZE.label, 40 * cell)
        if show_values:
            value_size = value_size_for(texts, theme, cell)
            # a number that would fall under the text floor is not drawn: the colours carry the values,
            # and the scene's readouts name the ones the narration reads
            show_values = cap_px(label("0", theme, size=value_size, mono=True), theme.font) >= MIN_CAP_PX - 0.5
        self.show_values = show_values
        self.value_size = value_size
        for i in range(n_rows):
            rr, tt, ff = [], [], []
            for j in range(n_cols):
                fill = diverging_colour(values[i][j], theme)
                r = Rectangle(width=cell, height=cell, stroke_color=theme.background, stroke_width=1.5,
                              fill_color=fill, fill_opacity=1)
                r.move_to([(j + 0.5) * cell, -(i + 0.5) * cell, 0])
                rr.append(r)
                ff.append(fill)
                t = None
                if show_values:
                    t = label(texts[i][j], theme, size=value_size, colour=ink_for(fill, theme), mono=True)
                    t.move_to(r)
                tt.append(t)
                self.body.add(r, *([t] if t is not None else []))
            self.rects.append(rr)
            self.texts.append(tt)
            self.fills.append(ff)
        colours = label_colours or [theme.text] * max(n_rows, n_cols)
        # labels are cut with "…" at ``label_width`` and drawn at one size per side; they shrink to fit a
        # small row only down to the text floor (the scene sizes the cells so that they fit there)
        self.row_labels = VGroup(*[label(s, theme, size=label_size, colour=colours[i], max_width=label_width)
                                   for i, s in enumerate(row_labels)])
        tallest = max(t.height for t in self.row_labels)
        if tallest > cell * ROW_FILL:
            self.row_labels.scale(max(cell * ROW_FILL / tallest, floor_scale(self.row_labels)))
        for i, t in enumerate(self.row_labels):
            t.move_to([-GAP.s, -(i + 0.5) * cell, 0], aligned_edge=RIGHT)
        self.col_labels = VGroup()
        col_w = label_width if col_label_width is None else col_label_width      # columns: their own cut
        raw = [label(s, theme, size=label_size, colour=colours[j], max_width=col_w)
               for j, s in enumerate(col_labels)]
        self.vertical = any(t.width > cell * 0.92 for t in raw)
        if self.vertical:       # a smaller horizontal label reads better than a vertical one (above the floor)
            small = [label(s, theme, size=label_size * 0.8, colour=colours[j], max_width=col_w)
                     for j, s in enumerate(col_labels)]
            if all(t.width <= cell * 0.92 for t in small) and floor_scale(small) <= 1.0:
                raw, self.vertical = small, False
        for t in raw:
            if self.vertical:
                quarter_turn(t)
            self.col_labels.add(t)
        if self.vertical:
            widest = max(t.width for t in raw)
            if widest > cell * ROW_FILL:
                self.col_labels.scale(max(cell * ROW_FILL / widest, floor_scale(raw)))
        for j, t in enumerate(self.col_labels):
            t.move_to([(j + 0.5) * cell, GAP.s, 0], aligned_edge=DOWN)
        self.add(self.body, self.row_labels, self.col_labels)

    def cell_group(self, i: int, j: int) -> VGroup:
        t = self.texts[i][j]
        return VGroup(self.rects[i][j], *([t] if t is not None else []))

    def row_group(self, i: int) -> VGroup:
        return VGroup(*[self.cell_group(i, j) for j in range(len(self.rects[i]))])
