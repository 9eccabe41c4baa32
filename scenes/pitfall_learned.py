"""Scene for ``pitfall-learned``: two occurrences → one row; a look-alike → its own row."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    CubicBezier,
    FadeIn,
    GrowArrow,
    Succession,
    SurroundingRectangle,
    VGroup,
)

from embedcore.segments.pitfall_learned import LearnedStoryboard
from scenes import marks

from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.grid import CellGrid
from .components.text import wrapped
from .components.vectors import arrow_2d
from .theme import GAP, SIZE


def elbow_arrow(start: np.ndarray, run_y: float, end: np.ndarray, colour: str) -> VGroup:
    """Down from ``start``, across at ``run_y``, down onto ``end`` (one smooth curve whose height never rises),
    ending in a short vertical arrow."""
    drop = np.array([end[0], end[1] + 0.3, 0.0])
    path = CubicBezier(start, np.array([start[0], run_y, 0.0]), np.array([drop[0], run_y, 0.0]), drop,
                       color=colour, stroke_width=4)
    return VGroup(path, arrow_2d(drop, end, colour, width=4))


class PitfallLearnedScene(SegmentScene):
    storyboard: LearnedStoryboard
    CONTAIN = True          # hand placed; every later position is read from its mobjects
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("chips",), ("grid",), ("same",), ("look_note",), ("origin",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        colour_of = {t: self.colour_of(t) for t in sb.tokens}
        self.chips = VGroup(*[TokenChip(t, colour_of[t], th) for t in sb.tokens]).arrange(RIGHT, buff=GAP.m)
        if self.chips.width > self.fw - 1.0:
            self.chips.scale_to_fit_width(self.fw - 1.0)
        self.chips.move_to([0, self.header.get_bottom()[1] - 0.25, 0], aligned_edge=UP)
        self.chip_marks = VGroup(*[SurroundingRectangle(self.chips[p], color=th.accent, buff=GAP.xs, stroke_width=3)
                                   for p in sb.positions])
        ncols = len(sb.row.cells)
        header = [f"d{j}" for j in range(ncols)]
        if sb.row.cells[-1] == "\u22ef":
            header[-1] = "\u22ef"
        self.grid = CellGrid([list(sb.row.cells), list(sb.lookalike.cells)],
                             [f"id {sb.row.id:,}  {sb.row.token}", f"id {sb.lookalike.id:,}  {sb.lookalike.token}"],
                             header, th, label_colours=[colour_of.get(sb.row.token), th.muted], label_width=2.3)
        if self.landscape:
            self.grid.scale(1.1)
            self.grid.move_to([self.regions.body.x0, -0.1, 0], aligned_edge=LEFT)
        else:   # narrow frames: the grid as wide as the frame allows, notes under it
            self.grid.scale(min(1.1, (self.fw - 0.8) / self.grid.width))
            gap = 3.2 if self.portrait else 0.95    # room for the arrows from the chips
            self.grid.move_to([0, self.chips.get_bottom()[1] - gap, 0], aligned_edge=UP)
        row0 = self.grid.row_box(0)
        # both occurrences point at the one row they select: its id label. Each arrow runs sideways under the
        # chips, then drops onto the label from above, clear of the chips and the column headers; the farther
        # chip's runs higher and lands further left, so the two never cross
        lab0 = self.grid.row_labels[0]
        room = self.chips.get_bottom()[1] - self.grid.get_top()[1]
        step = min(GAP.l, room / 3)
        chosen = sorted(sb.positions[:2], key=lambda p: -abs(self.chips[p].get_x() - lab0.get_x()))
        spread = min(0.4, lab0.width * 0.4)
        self.arrows = VGroup()
        for k, p in enumerate(chosen):
            x_end = lab0.get_x() + (k - (len(chosen) - 1) / 2) * spread * (1 if self.chips[p].get_x() > lab0.get_x() else -1)
            self.arrows.add(elbow_arrow(self.chips[p].get_bottom() + DOWN * GAP.xs, self.chips.get_bottom()[1] - step * (k + 1),
                                        np.array([x_end, lab0.get_top()[1] + GAP.xs, 0]), th.accent))
        marks.labels(lab0, *self.arrows)
        self.same = wrapped(sb.same_note, th, size=SIZE.cell, colour=th.accent,
                            max_width=self.fw - 1.0, buff=GAP.xs)
        self.same.next_to(self.grid, RIGHT, buff=GAP.m).match_y(row0)
        if self.same.get_right()[0] > self.fw / 2 - 0.2:
            self.same.next_to(self.grid, UP if self.landscape else DOWN, buff=GAP.s)
        row1 = self.grid.row_box(1)
        self.look_note = wrapped(sb.look_note, th, size=SIZE.cell, colour=th.muted, max_width=self.fw - 1.0, buff=GAP.xs)
        self.look_note.next_to(self.grid, RIGHT, buff=GAP.m).match_y(row1)
        if self.look_note.get_right()[0] > self.fw / 2 - 0.2:
            below = self.grid if self.landscape or self.same.get_left()[0] > self.grid.get_right()[0] else self.same
            self.look_note.next_to(below, DOWN, buff=GAP.s).align_to(self.grid, LEFT)
            if not self.landscape:
                self.same.align_to(self.grid, LEFT)
        self.origin = wrapped(sb.origin, th, size=SIZE.cell, max_width=min(self.fw - 1.0, 12.5), centred=True, buff=GAP.xs)
        low = min(self.grid.get_bottom()[1], self.look_note.get_bottom()[1], self.same.get_bottom()[1])
        self.origin.move_to([0, low - (0.75 if self.landscape else 0.3 if self.portrait else 0.2), 0], aligned_edge=UP)
        self.fill_body([[self.chips, self.chip_marks, self.arrows, self.grid, self.same, self.look_note],
                        [self.origin]], min_gap=0.2)

    def beats(self) -> list[Beat]:
        return [Beat(self._show_same_row), Beat(self._show_lookalike), Beat(self._show_origin)]

    def _show_same_row(self, beat: Beat) -> None:
        g = self.grid
        self.play(FadeIn(self.chips), run_time=0.6)
        self.play(Create(self.chip_marks), FadeIn(g.header), g.reveal_row(0), run_time=0.8)
        self.play(*[Succession(Create(a[0]), GrowArrow(a[1])) for a in self.arrows], run_time=0.9)
        self.play(FadeIn(self.same), run_time=0.4)

    def _show_lookalike(self, beat: Beat) -> None:
        self.play(self.grid.reveal_row(1), FadeIn(self.look_note), run_time=0.8)

    def _show_origin(self, beat: Beat) -> None:
        if self.storyboard.origin not in beat.lines:      # the caption already says it: don't print it twice
            self.play(FadeIn(self.origin), run_time=0.5)
        beat.finish()
        self.wait(0.4)
