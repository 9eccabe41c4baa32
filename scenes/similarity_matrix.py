"""Scene for ``similarity-matrix``: the n × n cosine heatmap, filled in view.

The first row fills cell by cell (row and column tokens light up, the value
is read out large beside the matrix), the remaining rows one at a time. Then
the diagonal, the symmetry and any repeated tokens are pointed out.
"""
from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Line,
    Rectangle,
    SurroundingRectangle,
    VGroup,
)

from embedcore.segments.similarity_matrix import SimilarityMatrixStoryboard

from .base import Beat, SegmentScene
from .components.derivation import DerivedCell
from .components.heatmap import ColourLegend, Heatmap, value_cap_px
from .components.text import label, wrap
from .layout import Box
from .theme import GAP, MIN_CAP_PX, SIZE

MAX_CELL = 1.1


class SimilarityMatrixScene(SegmentScene):
    storyboard: SimilarityMatrixStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("hm",), ("legend", "legend_title"))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        n = len(sb.tokens)
        colours = [self.colour_of(t) for t in sb.tokens]
        label_size = SIZE.label if n <= 8 else SIZE.note if n <= 12 else SIZE.small
        # column labels may turn vertical: reserve room for the longest token
        probe = max((label(t, th, size=label_size) for t in sb.labels), key=lambda m: m.width)
        region = self.regions.body
        body_top = region.y1
        self.bottom = region.y0
        avail_h = body_top - self.bottom
        square = not self.landscape and not self.portrait
        self.notes_replace = square
        if self.portrait:       # legend and notes go under the matrix: about 3 units for them
            avail_h -= 3.2
        elif square:            # readouts and notes under the matrix, one or two lines each
            avail_h -= 1.0
        row_w = min(probe.width, 2.0) + 0.2
        # the matrix takes the body's height; beside it, the legend (and in wide frames the readouts)
        beside_w = region.width * 0.42 if self.landscape else 1.2 if square else 0.0
        cell = min(MAX_CELL, (avail_h - 0.45) / n, (region.width - row_w - beside_w) / n)
        if probe.width * 0.8 > cell * 0.92:         # even the smaller label will not fit: vertical labels
            cell = min(cell, (avail_h - min(probe.width, 2.0) - 0.25) / n)
        # values too small to read at this size are not printed: the colours and the readouts carry them
        show = sb.show_values and value_cap_px(sb.cells, th, cell) >= MIN_CAP_PX
        self.values_hidden = sb.show_values and not show
        self.hm = Heatmap(sb.values, sb.cells, sb.labels, sb.labels, th, cell=cell, show_values=show,
                          label_size=label_size, label_colours=colours)
        # top of the column labels at the body's top, row labels from the body's left edge
        self.hm.shift([region.x0 - self.hm.get_left()[0], body_top - self.hm.get_top()[1], 0])
        # cells start as empty outlines
        # the empty grid: one panel and 2(n + 1) lines, not n² rectangles (cheaper every frame)
        body = self.hm.body
        (x_l, y_t, _), (x_r, y_b, _) = body.get_corner(UP + LEFT), body.get_corner(DOWN + RIGHT)
        panel = Rectangle(width=x_r - x_l, height=y_t - y_b, stroke_width=0, fill_color=th.panel, fill_opacity=1)
        panel.move_to(body)
        lines = [Line([x_l + k * cell, y_t, 0], [x_l + k * cell, y_b, 0], stroke_color=th.faint, stroke_width=1)
                 for k in range(n + 1)]
        lines += [Line([x_l, y_t - k * cell, 0], [x_r, y_t - k * cell, 0], stroke_color=th.faint, stroke_width=1)
                  for k in range(n + 1)]
        self.blank = VGroup(panel, *lines)

        ticks = [(1, "+1  same direction"), (0, "0  unrelated"), (-1, "\u22121  opposite")]
        if square:
            ticks = [(1, "+1"), (0, "0"), (-1, "\u22121")]
        self.legend = ColourLegend(th, height=min(1.9, self.hm.body.height), ticks=ticks, size=SIZE.small)
        self.legend_title = label("cos \u03b8", th, size=SIZE.cell, colour=th.muted)
        if self.portrait:       # legend under the matrix, readouts and notes under the legend
            x0 = self.regions.body.x0
            self.legend.move_to([x0, self.hm.get_bottom()[1] - 0.55, 0], aligned_edge=UP + LEFT)
        else:
            x0 = self.hm.body.get_right()[0] + (0.7 if self.landscape else 0.35)
            self.legend.move_to([x0, 0, 0], aligned_edge=LEFT).align_to(self.hm.body, UP)
        self.legend_title.next_to(self.legend, UP, buff=GAP.s).align_to(self.legend, LEFT)
        if self.legend_title.get_top()[1] > body_top:
            VGroup(self.legend, self.legend_title).shift(DOWN * (self.legend_title.get_top()[1] - body_top))
        if square:              # readouts and notes under the matrix, full width
            x0 = self.regions.body.x0
            self.note_anchor = Line([x0, self.hm.get_bottom()[1] - 0.05, 0], [x0 + 0.01, self.hm.get_bottom()[1] - 0.05, 0],
                                    stroke_width=0)
            self.readout_anchor = [x0, self.hm.get_bottom()[1] - 0.2, 0]
        else:
            self.note_anchor = self.legend
            self.readout_anchor = [x0, self.legend.get_bottom()[1] - 0.45, 0]
        self.panel_w = self.regions.body.x1 - x0
        self.colours = colours
        # the derived cell: beside the matrix where it fits at nearly full size, else on a panel over the rows
        # below the cell's row (they are still empty then)
        self.derived = None
        dv = sb.derivation
        if dv is not None:
            body = self.regions.body
            pair = (colours[dv.i], colours[dv.j])
            beside = Box(self.hm.get_right()[0] + GAP.l, self.bottom, body.x1, body_top)
            self.derived = DerivedCell(dv, th, pair, beside) if beside.width > 1.0 else None
            if self.derived is None or self.derived.scale_used < 0.85:
                row_bottom = self.hm.rects[dv.i][0].get_bottom()[1]
                self.derived = DerivedCell(dv, th, pair, Box(body.x0, self.bottom, body.x1, row_bottom - GAP.s),
                                           backing=True)

    # -- helpers ------------------------------------------------------------
    def readout(self, text: str, size: float = SIZE.chip):
        t = label(text, self.theme, size=size, max_width=self.panel_w)
        return t.move_to(self.readout_anchor, aligned_edge=UP + LEFT)

    def note(self, text: str, below):
        lines = VGroup(*[label(s, self.theme, size=SIZE.note, colour=self.theme.muted, max_width=self.panel_w)
                         for s in wrap(text, 34 if self.landscape else int(self.panel_w / 0.16)).split("\n")])
        lines.arrange(DOWN, aligned_edge=LEFT, buff=GAP.xs)
        return lines.next_to(below, DOWN, buff=GAP.m).align_to(below, LEFT)

    def pair_text(self, i: int, j: int) -> str:
        sb = self.storyboard
        return f"cos({sb.tokens[i]}, {sb.tokens[j]}) = {sb.cells[i][j]}"

    def beats(self) -> list[Beat]:
        return [Beat(self._first_row), Beat(self._other_rows, hold=False), Beat(self._diagonal, spread=True),
                Beat(self._repeats)]

    def _first_row(self, beat: Beat) -> None:
        hm = self.hm
        self.play(FadeIn(hm.row_labels), FadeIn(hm.col_labels), FadeIn(self.blank), run_time=0.8)
        if self.derived is not None:
            self._derive_cell()

    def _derive_cell(self) -> None:
        """One cell made in view: the two rows, divided by their lengths, multiplied, summed, into the cell."""
        sb, th, hm, d = self.storyboard, self.theme, self.hm, self.derived
        i, j = sb.derivation.i, sb.derivation.j
        mark = SurroundingRectangle(hm.rects[i][j], color=th.accent, buff=0.0, stroke_width=4)
        self.play(hm.row_labels[i].animate.set_color(th.accent), hm.col_labels[j].animate.set_color(th.accent),
                  Create(mark), run_time=0.5)
        self.play(d.show_rows(), run_time=1.2)
        self.play(d.show_lengths(), run_time=0.6)
        self.wait(0.3)
        self.play(d.normalise(), run_time=1.0)
        self.wait(0.3)
        self.play(d.multiply(), run_time=1.8)
        self.play(d.add_up(), run_time=1.0)
        self.wait(0.4)
        # the cell goes on screen (clear) before the flying value, so the value lands on top of its colour
        # (a FadeIn would add the cell after the value: introducers join the scene last)
        self.add(hm.rects[i][j].set_opacity(0))
        self.play(d.fly_to(hm.texts[i][j], hm.rects[i][j]), hm.rects[i][j].animate.set_opacity(1), run_time=0.9)
        self.play(d.clear(), FadeOut(mark), hm.row_labels[i].animate.set_color(self.colours[i]),
                  hm.col_labels[j].animate.set_color(self.colours[j]), run_time=0.5)

    def _other_rows(self, beat: Beat) -> None:
        """The rest fill row by row (one fade a row: a fade per cell cost a third more CPU), each row's closest
        token read out."""
        sb, th, hm = self.storyboard, self.theme, self.hm
        n = len(sb.tokens)
        done = (sb.derivation.i, sb.derivation.j) if sb.derivation is not None else None
        self.play(FadeIn(self.legend), FadeIn(self.legend_title), run_time=0.5)
        row_mark, readout = None, None
        for i in range(n):
            new_ro = self.readout(sb.row_notes[i], size=SIZE.label)
            box = SurroundingRectangle(VGroup(hm.rects[i][0], hm.rects[i][-1], hm.row_labels[i]),
                                       color=th.accent, buff=GAP.xs, stroke_width=3)
            cells = [hm.cell_group(i, j) for j in range(n) if (i, j) != done]
            # swap marks instantly and fade in only new things: Cairo then redraws
            # just this row per frame, not everything added after the old marks
            self.remove(*[m for m in (row_mark, readout) if m is not None])
            self.play(FadeIn(VGroup(*cells)), FadeIn(box), FadeIn(new_ro), run_time=0.4 if n <= 8 else 0.3)
            row_mark, readout = box, new_ro
            self.wait(0.15)
        self.remove(self.blank)
        self.play(*[FadeOut(m) for m in (row_mark, readout) if m is not None], run_time=0.25)

    def _diagonal(self, beat: Beat) -> None:
        sb, th, hm = self.storyboard, self.theme, self.hm
        n = len(sb.tokens)
        beat.say_next()
        diag = VGroup(*[SurroundingRectangle(hm.rects[k][k], color=th.accent, buff=0.0, stroke_width=3)
                        for k in range(n)])
        diag_note = self.note(sb.notes[0], self.note_anchor)
        pair = sb.highest or sb.lowest
        sym_note = VGroup()
        if pair is not None:
            i, j = pair.i, pair.j
            sym_note = self.note(sb.sym_note, self.note_anchor if self.notes_replace else diag_note)
            if self.notes_replace:      # square frames: one note at a time, under the matrix
                for nt in (diag_note, sym_note):
                    if nt.get_bottom()[1] < self.bottom:
                        nt.shift(UP * (self.bottom - nt.get_bottom()[1]))
            elif sym_note.get_bottom()[1] < self.bottom:          # keep clear of the caption
                VGroup(diag_note, sym_note).shift(UP * (self.bottom - sym_note.get_bottom()[1]))
        self.play(Create(diag), FadeIn(diag_note), run_time=0.9)
        self.wait(0.8)
        shown = VGroup()
        if pair is not None:
            a = SurroundingRectangle(hm.rects[i][j], color=th.accent, buff=0.0, stroke_width=4)
            b = SurroundingRectangle(hm.rects[j][i], color=th.accent, buff=0.0, stroke_width=4)
            self.play(FadeOut(diag), Create(a), Create(b), FadeIn(sym_note),
                      *([FadeOut(diag_note)] if self.notes_replace else []), run_time=0.9)
            shown = VGroup(a, b)
        else:
            self.play(FadeOut(diag), run_time=0.3)
        self._shown = shown
        beat.finish()
        self.wait(0.5)

    def _repeats(self, beat: Beat) -> None:
        sb, th, hm = self.storyboard, self.theme, self.hm
        shown = self._shown
        if sb.repeats:
            i, j = sb.repeats[0]
            ra = SurroundingRectangle(VGroup(*hm.rects[i], hm.row_labels[i]), color=th.accent, buff=GAP.xs, stroke_width=3)
            rb = SurroundingRectangle(VGroup(*hm.rects[j], hm.row_labels[j]), color=th.accent, buff=GAP.xs, stroke_width=3)
            self.play(FadeOut(shown), Create(ra), Create(rb), run_time=0.7)
            self.settle()
            self.wait(0.5)
