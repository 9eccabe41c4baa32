"""Scene for ``pitfall-learned``: two occurrences → one row; a look-alike → its own row."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, GrowArrow, SurroundingRectangle, VGroup

from embedcore.segments.pitfall_learned import LearnedStoryboard

from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.grid import CellGrid
from .components.text import wrapped
from .theme import GAP, SIZE


class PitfallLearnedScene(SegmentScene):
    storyboard: LearnedStoryboard
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
            self.grid.move_to([-self.fw / 2 + 0.7, -0.1, 0], aligned_edge=LEFT)
        else:   # narrow frames: the grid as wide as the frame allows, notes under it
            self.grid.scale(min(1.1, (self.fw - 0.8) / self.grid.width))
            gap = 3.2 if self.portrait else 0.95    # room for the arrows from the chips
            self.grid.move_to([0, self.chips.get_bottom()[1] - gap, 0], aligned_edge=UP)
        row0 = self.grid.row_box(0)
        top = self.grid.header.get_top()
        self.arrows = VGroup(*[Arrow(self.chips[p].get_bottom(), [row0.get_center()[0] + (k - 0.5) * 0.6, top[1] + 0.15, 0],
                                     buff=GAP.s, color=th.accent, stroke_width=4, max_tip_length_to_length_ratio=0.12)
                               for k, p in enumerate(sb.positions[:2])])
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
        self.play(*[GrowArrow(a) for a in self.arrows], run_time=0.8)
        self.play(FadeIn(self.same), run_time=0.4)

    def _show_lookalike(self, beat: Beat) -> None:
        self.play(self.grid.reveal_row(1), FadeIn(self.look_note), run_time=0.8)

    def _show_origin(self, beat: Beat) -> None:
        if self.storyboard.origin not in beat.lines:      # the caption already says it: don't print it twice
            self.play(FadeIn(self.origin), run_time=0.5)
        beat.finish()
        self.wait(0.4)
