"""Scene for ``pitfall-learned``: two occurrences → one row; a look-alike → its own row."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Create,
    CubicBezier,
    FadeIn,
    GrowArrow,
    Line,
    Succession,
    SurroundingRectangle,
    VGroup,
)

from embedcore.segments.pitfall_learned import LearnedStoryboard
from scenes import layout, marks

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
        """Every panel at its natural size, then placed by the kit: the chips, and under them the grid with
        its two notes beside it or under it (whichever draws the grid larger); the arrows are drawn last,
        from the chips' and the row label's final places."""
        sb, th = self.storyboard, self.theme
        body = self.regions.body
        colour_of = {t: self.colour_of(t) for t in sb.tokens}
        self.chips = VGroup(*[TokenChip(t, colour_of[t], th) for t in sb.tokens]).arrange(RIGHT, buff=GAP.m)
        if self.chips.width > body.width:
            self.chips.scale_to_fit_width(body.width)
        self.chip_marks = VGroup(*[SurroundingRectangle(self.chips[p], color=th.accent, buff=GAP.xs, stroke_width=3)
                                   for p in sb.positions])
        ncols = len(sb.row.cells)
        header = [f"d{j}" for j in range(ncols)]
        if sb.row.cells[-1] == "\u22ef":
            header[-1] = "\u22ef"
        self.grid = CellGrid([list(sb.row.cells), list(sb.lookalike.cells)],
                             [f"id {sb.row.id:,}  {sb.row.token}", f"id {sb.lookalike.id:,}  {sb.lookalike.token}"],
                             header, th, label_colours=[colour_of.get(sb.row.token), th.muted], label_width=2.3)
        # the notes, one per row: a column whose lines sit one row apart (beside the grid each faces its row)
        note_w = max(body.width - self.grid.width - GAP.l, self.grid.width)
        self.same = wrapped(sb.same_note, th, size=SIZE.cell, colour=th.accent, max_width=note_w, buff=GAP.xs)
        self.look_note = wrapped(sb.look_note, th, size=SIZE.cell, colour=th.muted, max_width=note_w, buff=GAP.xs)
        row_step = self.grid.row_box(0).get_y() - self.grid.row_box(1).get_y()
        notes = VGroup(self.same, self.look_note)
        notes.arrange(DOWN, aligned_edge=LEFT, buff=max(GAP.xs, row_step - (self.same.height + self.look_note.height) / 2))
        # room under the chips for the two arrows' runs (they turn at GAP.l steps)
        room = Line(self.chips.get_bottom(), self.chips.get_bottom() + DOWN * 2 * GAP.l, stroke_width=0)
        self.origin = wrapped(sb.origin, th, size=SIZE.cell, max_width=body.width, centred=True, buff=GAP.xs)
        beside = layout.beside_or_under([self.grid], [notes], body, gap=GAP.m,
                                        above=[[self.chips, self.chip_marks, room]], below=[[self.origin]])
        if beside:      # each note faces its row
            notes.next_to(self.grid, RIGHT, buff=GAP.m)
            self.same.match_y(self.grid.row_box(0))
            self.look_note.match_y(self.grid.row_box(1))
        else:
            notes.next_to(self.grid, DOWN, buff=GAP.s, aligned_edge=LEFT)
        self.fill_body([[self.chips, self.chip_marks, room], [self.grid, self.same, self.look_note], [self.origin]],
                       max_gap=3 * GAP.xl)    # a tall body spreads the three parts, as it does a list
        # both occurrences point at the one row they select: its id label. Each arrow runs sideways under the
        # chips, then drops onto the label from above, clear of the chips and the column headers; the farther
        # chip's runs higher and lands further left, so the two never cross
        lab0 = self.grid.row_labels[0]
        room_h = self.chips.get_bottom()[1] - self.grid.get_top()[1]
        step = min(GAP.l, room_h / 3)
        chosen = sorted(sb.positions[:2], key=lambda p: -abs(self.chips[p].get_x() - lab0.get_x()))
        spread = min(GAP.l, lab0.width * 0.4)
        self.arrows = VGroup()
        for k, p in enumerate(chosen):
            x_end = lab0.get_x() + (k - (len(chosen) - 1) / 2) * spread * (1 if self.chips[p].get_x() > lab0.get_x() else -1)
            self.arrows.add(elbow_arrow(self.chips[p].get_bottom() + DOWN * GAP.xs, self.chips.get_bottom()[1] - step * (k + 1),
                                        np.array([x_end, lab0.get_top()[1] + GAP.xs, 0]), th.accent))
        marks.labels(lab0, *self.arrows)

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
