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
    Line,
    Rectangle,
    SurroundingRectangle,
    VGroup,
)

from embedcore.segments.similarity_matrix import SimilarityMatrixStoryboard

from . import marks
from .base import Beat, SegmentScene
from .components.derivation import DerivedCell
from .components.emphasis import appear, dim, disappear
from .components.heatmap import ColourLegend, Heatmap, value_cap_px
from .components.text import label, wrap
from .layout import Box
from .theme import GAP, MIN_CAP_PX, SIZE

MAX_CELL = 1.1          # a cell no larger than this (scene units): a small matrix stays a matrix, not tiles
LABEL_W = 2.0           # a token label no wider than this (cut with "…"), as the heatmap draws it
LEGEND_H = 1.9          # the colour legend's height, at most
SIDE_MAX = 0.5          # what sits beside the matrix takes at most this share of the body's width
TICKS = [(1, "+1  same direction"), (0, "0  unrelated"), (-1, "\u22121  opposite")]


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
        row_w = min(probe.width, LABEL_W) + GAP.s + GAP.xs

        def cell_for(width: float, height: float) -> float:
            """The cell that fits an n × n matrix with its labels in ``width`` × ``height``."""
            cell = min(MAX_CELL, (height - probe.height - GAP.m) / n, (width - row_w) / n)
            if probe.width * 0.8 > cell * 0.92:         # even the smaller label will not fit: vertical labels
                cell = min(cell, (height - min(probe.width, LABEL_W) - GAP.m) / n)
            return cell

        # the parts beside the matrix at their natural size: the legend (its ticks worded or bare), the readouts
        # and the two notes. Each goes beside the matrix or under it, whichever draws the matrix larger
        legend_title = label("cos \u03b8", th, size=SIZE.cell, colour=th.muted)
        readouts = [label(t, th, size=SIZE.label) for t in sb.row_notes]
        side_max = region.width * SIDE_MAX
        notes_w = min(side_max, max([r.width for r in readouts] + [legend_title.width]))
        best = None
        for ticks in (TICKS, [(v, t.split()[0]) for v, t in TICKS]):
            legend = ColourLegend(th, height=LEGEND_H, ticks=ticks, size=SIZE.small)
            leg_w = max(legend.width, legend_title.width)
            leg_h = legend.height + legend_title.height + GAP.s
            for legend_beside, notes_beside in ((True, True), (False, False), (True, False)):
                width = notes_w if notes_beside else region.width
                notes = [self._note(t, width) for t in [*sb.notes[:1], *([sb.sym_note] if sb.highest or sb.lowest
                                                                          else [])]]
                stacked = notes_beside or not legend_beside       # under the legend: one after the other
                notes_h = max([r.height for r in readouts] + ([sum(x.height for x in notes) + GAP.m * (len(notes) - 1)]
                                                               if stacked else [x.height for x in notes]))
                side_w = max(leg_w if legend_beside else 0.0, notes_w if notes_beside else 0.0)
                under_h = ((leg_h + GAP.l if not legend_beside else 0.0) + (notes_h + GAP.l if not notes_beside else 0.0))
                beside_h = (leg_h if legend_beside else 0.0) + (notes_h + GAP.l if notes_beside else 0.0)
                if beside_h > region.height or side_w > side_max:
                    continue
                cell = cell_for(region.width - (side_w + GAP.l if side_w else 0.0), region.height - under_h)
                if best is None or cell > best[0] * 1.02:
                    best = (cell, ticks, legend_beside, notes_beside)
        cell, ticks, legend_beside, notes_beside = best
        self.notes_replace = legend_beside and not notes_beside     # under the matrix, beside the legend: one at a time
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

        self.legend = ColourLegend(th, height=min(LEGEND_H, self.hm.body.height), ticks=ticks, size=SIZE.small)
        self.legend_title = legend_title
        if legend_beside:
            x0 = self.hm.body.get_right()[0] + GAP.l
            self.legend.move_to([x0, 0, 0], aligned_edge=LEFT).align_to(self.hm.body, UP)
            self.legend_title.next_to(self.legend, UP, buff=GAP.s).align_to(self.legend, LEFT)
            if self.legend_title.get_top()[1] > body_top:
                VGroup(self.legend, self.legend_title).shift(DOWN * (self.legend_title.get_top()[1] - body_top))
        else:                   # under the matrix, its title above it
            x0 = region.x0
            self.legend_title.move_to([x0, self.hm.get_bottom()[1] - GAP.l, 0], aligned_edge=UP + LEFT)
            self.legend.next_to(self.legend_title, DOWN, buff=GAP.s, aligned_edge=LEFT)
        if notes_beside or not legend_beside:           # readouts and notes under the legend
            self.note_anchor = self.legend
            self.readout_anchor = [x0, self.legend.get_bottom()[1] - GAP.l, 0]
        else:                   # readouts and notes under the matrix, full width
            x0 = region.x0
            y = self.hm.get_bottom()[1] - GAP.xs
            self.note_anchor = Line([x0, y, 0], [x0 + GAP.xs, y, 0], stroke_width=0)
            self.readout_anchor = [x0, self.hm.get_bottom()[1] - GAP.s, 0]
        self.panel_w = region.x1 - x0
        self.colours = colours
        # the derived cell: beside the matrix where it fits at nearly full size, else on a panel over the rows
        # below the cell's row (they are still empty then)
        self.derived = None
        dv = sb.derivation
        if dv is not None:
            pair = (colours[dv.i], colours[dv.j])
            beside = Box(self.hm.get_right()[0] + GAP.l, self.bottom, region.x1, body_top)
            self.derived = DerivedCell(dv, th, pair, beside) if beside.width > 1.0 else None
            if self.derived is None or self.derived.scale_used < 0.85:
                row_bottom = self.hm.rects[dv.i][0].get_bottom()[1]
                self.derived = DerivedCell(dv, th, pair, Box(region.x0, self.bottom, region.x1, row_bottom - GAP.s),
                                           backing=True)

    # -- helpers ------------------------------------------------------------
    def row_box(self, i: int, stroke_width: float) -> Rectangle:
        """A frame round row ``i`` and its label, exactly the row's height: padded up or down it would cut
        through the labels of the rows next to it (small rows: many tokens)."""
        hm = self.hm
        x0 = min(hm.rects[i][0].get_left()[0], hm.row_labels[i].get_left()[0]) - GAP.xs
        x1 = hm.rects[i][-1].get_right()[0] + GAP.xs
        y0, y1 = hm.rects[i][0].get_bottom()[1], hm.rects[i][0].get_top()[1]
        box = Rectangle(width=x1 - x0, height=y1 - y0, color=self.theme.accent, stroke_width=stroke_width)
        marks.labels(hm.row_labels[i], box)
        return box.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])

    def readout(self, text: str, size: float = SIZE.chip):
        t = label(text, self.theme, size=size, max_width=self.panel_w)
        return t.move_to(self.readout_anchor, aligned_edge=UP + LEFT)

    def _note(self, text: str, width: float):
        """``text`` in lines no wider than ``width``: wrapped at the characters that width holds (measured),
        and a line that still passes it (a long token) cut with "…", never shrunk below the floor."""
        th = self.theme
        natural = label(text, th, size=SIZE.note).width
        chars = max(8, int(len(text) * width / max(natural, 1e-9)))
        lines = VGroup(*[label(s, th, size=SIZE.note, colour=th.muted, max_width=width)
                         for s in wrap(text, chars).split("\n")])
        return lines.arrange(DOWN, aligned_edge=LEFT, buff=GAP.xs)

    def note(self, text: str, below):
        return self._note(text, self.panel_w).next_to(below, DOWN, buff=GAP.m).align_to(below, LEFT)

    def pair_text(self, i: int, j: int) -> str:
        sb = self.storyboard
        return f"cos({sb.tokens[i]}, {sb.tokens[j]}) = {sb.cells[i][j]}"

    def beats(self) -> list[Beat]:
        return [Beat(self._first_row), Beat(self._other_rows, hold=False), Beat(self._diagonal, spread=True),
                Beat(self._repeats)]

    def _first_row(self, beat: Beat) -> None:
        hm = self.hm
        self.play(appear(hm.row_labels), appear(hm.col_labels), appear(self.blank), run_time=0.8)
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
        self.play(d.fly_to(hm.texts[i][j], hm.rects[i][j]), dim(hm.rects[i][j], 1), run_time=0.9)
        self.play(d.clear(), disappear(mark), hm.row_labels[i].animate.set_color(self.colours[i]),
                  hm.col_labels[j].animate.set_color(self.colours[j]), run_time=0.5)

    def _other_rows(self, beat: Beat) -> None:
        """The rest fill row by row (one fade a row: a fade per cell cost a third more CPU), each row's closest
        token read out."""
        sb, hm = self.storyboard, self.hm
        n = len(sb.tokens)
        done = (sb.derivation.i, sb.derivation.j) if sb.derivation is not None else None
        self.play(appear(self.legend), appear(self.legend_title), run_time=0.5)
        row_mark, readout = None, None
        for i in range(n):
            new_ro = self.readout(sb.row_notes[i], size=SIZE.label)
            box = self.row_box(i, 3)
            cells = [hm.cell_group(i, j) for j in range(n) if (i, j) != done]
            # swap marks instantly and fade in only new things: Cairo then redraws
            # just this row per frame, not everything added after the old marks
            self.remove(*[m for m in (row_mark, readout) if m is not None])
            self.play(appear(VGroup(*cells)), appear(box), appear(new_ro), run_time=0.4 if n <= 8 else 0.3)
            row_mark, readout = box, new_ro
            self.wait(0.15)
        self.remove(self.blank)
        self.play(*[disappear(m) for m in (row_mark, readout) if m is not None], run_time=0.25)

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
            if self.notes_replace:      # one note at a time, under the matrix
                for nt in (diag_note, sym_note):
                    if nt.get_bottom()[1] < self.bottom:
                        nt.shift(UP * (self.bottom - nt.get_bottom()[1]))
            elif sym_note.get_bottom()[1] < self.bottom:          # keep clear of the caption
                VGroup(diag_note, sym_note).shift(UP * (self.bottom - sym_note.get_bottom()[1]))
        self.play(Create(diag), appear(diag_note), run_time=0.9)
        self.wait(0.8)
        shown = VGroup()
        if pair is not None:
            a = SurroundingRectangle(hm.rects[i][j], color=th.accent, buff=0.0, stroke_width=4)
            b = SurroundingRectangle(hm.rects[j][i], color=th.accent, buff=0.0, stroke_width=4)
            self.play(disappear(diag), Create(a), Create(b), appear(sym_note),
                      *([disappear(diag_note)] if self.notes_replace else []), run_time=0.9)
            shown = VGroup(a, b)
        else:
            self.play(disappear(diag), run_time=0.3)
        self._shown = shown
        beat.finish()
        self.wait(0.5)

    def _repeats(self, beat: Beat) -> None:
        sb = self.storyboard
        shown = self._shown
        if sb.repeats:
            i, j = sb.repeats[0]
            ra, rb = self.row_box(i, 3), self.row_box(j, 3)
            self.play(disappear(shown), Create(ra), Create(rb), run_time=0.7)
            self.settle()
            self.wait(0.5)
