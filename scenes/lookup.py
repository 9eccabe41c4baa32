"""Scene for the ``lookup`` segment: tokens → ids → rows → stacked output."""
from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    VGroup,
)

from embedcore.segments.lookup import LookupStoryboard
from scenes import layout, marks

from .base import Beat, SegmentScene
from .components.chip import Marker, TokenChip
from .components.grid import CellGrid
from .components.text import label, number
from .theme import SIZE


def flow_rows(items, max_width: float, *, hbuff: float, vbuff: float) -> None:
    """Lay ``items`` out left to right, starting a new row when one would pass ``max_width``;
    each row is centred."""
    y = 0.0
    for row in layout.flow_rows(items, max_width, hbuff):
        g = VGroup(*row).arrange(RIGHT, buff=hbuff, aligned_edge=UP)
        g.move_to([0, y, 0], aligned_edge=UP)
        y = g.get_bottom()[1] - vbuff


class LookupScene(SegmentScene):
    storyboard: LookupStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "chips", "ids"), ("matrix", "matrix_title", "matrix_note"), ("output", "output_title"))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        n = len(sb.steps)
        colour_of = {st.text: self.colour_of(st.text) for st in sb.steps}
        self.colour_of = colour_of

        # sentence chips with ids underneath
        id_labels = [number(f"id {st.id:,}", th, size=SIZE.note, colour=th.muted) for st in sb.steps]
        self.chips = VGroup(*[TokenChip(st.text, colour_of[st.text], th, min_width=max(0.9, idl.width + 0.12))
                              for st, idl in zip(sb.steps, id_labels)])
        self.chips.arrange(RIGHT, buff=0.22)
        self.ids = VGroup(*[idl.next_to(chip, DOWN, buff=0.12) for idl, chip in zip(id_labels, self.chips)])
        sentence = VGroup(self.chips, self.ids)
        max_w = self.fw - 1.0
        if sentence.width > max_w:
            if self.landscape:
                sentence.scale_to_fit_width(max_w)
            else:                   # narrow frames: chips wrap onto more rows, at full size
                flow_rows([VGroup(c, i) for c, i in zip(self.chips, self.ids)], max_w, hbuff=0.22, vbuff=0.22)
        sentence.next_to(self.source, DOWN, buff=0.3).set_x(0)

        header = [("\u22ef" if c is None else f"d{c}") for c in sb.columns]
        # the embedding matrix (right)
        mrows = [None if r.kind == "gap" else list(r.cells) for r in sb.matrix_rows]
        mlabels = ["" if r.kind == "gap" else f"{r.id:,}  {r.token}" for r in sb.matrix_rows]
        mcolours = [None if r.kind == "gap" else colour_of.get(r.token) for r in sb.matrix_rows]
        # label columns as wide as their longest label (wider ones are shrunk by the grid)
        def label_w(texts, cap):
            longest = max(texts, key=len)
            return min(cap, label(longest, th, size=SIZE.cell).width + 0.35) if longest else cap
        self.matrix = CellGrid(mrows, mlabels, header, th, label_colours=mcolours, label_width=label_w(mlabels, 2.1))
        # the stacked output (left), filled row by row
        orows = [list(st.cells) for st in sb.steps]
        olabels = [st.text for st in sb.steps]
        self.output = CellGrid(orows, olabels, header, th, label_colours=[colour_of[s] for s in olabels],
                               label_width=label_w(olabels, 1.5))
        for cells in self.output.cells:
            cells.set_opacity(0)
        for r, lab in zip(sb.matrix_rows, self.matrix.row_labels):
            if r.kind != "gap":
                marks.token(lab, r.token)
        for st, lab in zip(sb.steps, self.output.row_labels):
            marks.token(lab, st.text)

        self.matrix_title = label(f"Embedding matrix E: V × d = {sb.vocab_size:,} × {sb.dim}", th, size=SIZE.label)
        self.matrix_note = label(sb.matrix_note, th, size=SIZE.small, colour=th.muted)
        self.output_title = label(f"Output: n × d = {n} × {sb.dim}", th, size=SIZE.label)
        self._layout_grids()
        # tall and square frames: sentence, matrix and output fill the body, top to bottom
        grids = [[self.matrix_title, self.matrix, self.matrix_note], [self.output_title, self.output]]
        self.fill_body([[self.chips, self.ids], *(grids if self.stacked else [grids[0] + grids[1]])])

    def _layout_grids(self) -> None:
        """Output and matrix side by side (wide frames) or matrix above output (tall frames),
        whichever lets the numbers be drawn larger; titles and notes keep their size."""
        top = self.ids.get_bottom()[1] - 0.3
        bottom = self.body_bottom
        m, o = self.matrix, self.output
        t_h = self.matrix_title.height + 0.12
        n_h = self.matrix_note.height + 0.1
        # side by side: output left, matrix right
        half = (self.fw - 1.2) / 2
        side = min(1.0, (top - bottom - t_h - n_h) / max(m.height, o.height), half / m.width, half / o.width)
        # stacked: matrix (title, grid, note) above the output (title, grid)
        gap = 0.3
        stack = min(1.0, (top - bottom - 2 * t_h - n_h - gap) / (m.height + o.height),
                    (self.fw - 1.0) / max(m.width, o.width))
        self.stacked = (not self.landscape) and stack > side
        if self.stacked:
            for g in (m, o):
                g.scale(stack)
            x = -max(m.width, o.width) / 2
            m.move_to([x, top - t_h, 0], aligned_edge=UP + LEFT)
            self.matrix_note.next_to(m, DOWN, buff=0.1).align_to(m, LEFT)
            o.move_to([x, self.matrix_note.get_bottom()[1] - gap - t_h, 0], aligned_edge=UP + LEFT)
        else:
            for grid, x_edge in ((o, -self.fw / 2 + 0.5), (m, 0.25)):
                grid.scale(side)
                grid.move_to([x_edge, top - t_h, 0], aligned_edge=UP + LEFT)
            self.matrix_note.next_to(m, DOWN, buff=0.1).align_to(m, LEFT)
        for t, g in ((self.matrix_title, m), (self.output_title, o), (self.matrix_note, m)):
            room = (self.fw / 2 - 0.3) - g.get_left()[0]
            if t.width > room:
                t.scale_to_fit_width(room)
        self.matrix_note.next_to(m, DOWN, buff=0.1).align_to(m, LEFT)     # shrinking moved it off the left edge
        self.matrix_title.next_to(m, UP, buff=0.12).align_to(m, LEFT)
        self.output_title.next_to(o, UP, buff=0.12).align_to(o, LEFT)

    def beats(self) -> list[Beat]:
        return [Beat(self._show_sentence), Beat(self._show_tables), Beat(self._walk_tokens, spread=True),
                Beat(self._show_output)]

    def _show_sentence(self, beat: Beat) -> None:
        self.play(LaggedStart(*[FadeIn(c, shift=0.2 * DOWN) for c in self.chips], lag_ratio=0.15, run_time=1.2))
        self.play(LaggedStart(*[FadeIn(i) for i in self.ids], lag_ratio=0.1, run_time=0.8))

    def _show_tables(self, beat: Beat) -> None:
        self.play(FadeIn(self.matrix_title), FadeIn(self.matrix.header), Create(self.matrix.body), run_time=1.4)
        self.play(FadeIn(self.matrix_note), FadeIn(self.output_title), FadeIn(self.output.header),
                  FadeIn(VGroup(*self.output.boxes, *self.output.row_labels)), run_time=0.6)

    def _walk_tokens(self, beat: Beat) -> None:
        """Token by token: its row lights up and is copied into the output; the beat's lines spread over the tokens."""
        sb, th = self.storyboard, self.theme
        n = len(sb.steps)
        row_mark = Marker(th, buff=0.02, stroke_width=4)
        chip_mark = Marker(th, buff=0.06, stroke_width=3)
        for st in sb.steps:
            beat.pace(st.position, n)
            chip, idl = self.chips[st.position], self.ids[st.position]
            row_box = self.matrix.row_box(st.view_row)
            slow = 1.0 if st.position < 2 else 0.6
            self.play(row_mark.to(row_box), chip_mark.to(VGroup(chip, idl)), run_time=0.6 * slow)
            if st.first_position != st.position:
                again = label(f"same row as token {st.first_position + 1}", th, size=SIZE.small, colour=th.accent)
                again.next_to(self.matrix, RIGHT, buff=0.1).match_y(row_box)
                if again.get_right()[0] > self.fw / 2 - 0.1:
                    again.next_to(row_box, UP, buff=0.05).align_to(row_box, RIGHT)
                self.play(Indicate(self.matrix.row_labels[st.view_row], color=th.accent), FadeIn(again), run_time=0.7)
                self.play(FadeOut(again), run_time=0.2)
            self.play(self.matrix.copy_row_to(st.view_row, self.output, st.position), run_time=0.9 * slow)
            self.settle()
        if row_mark.shown:
            self.play(row_mark.off(), chip_mark.off(), run_time=0.3)
            self.remove(row_mark.rect, chip_mark.rect)

    def _show_output(self, beat: Beat) -> None:
        th = self.theme
        brace = Brace(self.output.body, LEFT, color=th.muted, buff=0.05)
        btxt = label(f"n = {len(self.storyboard.steps)}", th, size=SIZE.note, colour=th.muted).next_to(brace, LEFT, buff=0.08)
        grp = VGroup(brace, btxt)
        if grp.get_left()[0] < -self.fw / 2 + 0.05:
            grp = VGroup()
        self.play(Indicate(self.output_title, color=th.accent), FadeIn(grp), run_time=1.0)
