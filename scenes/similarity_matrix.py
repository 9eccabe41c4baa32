"""Scene for ``similarity-matrix``: the n × n cosine heatmap, filled in view.

The first row fills cell by cell (row and column tokens light up, the value
is read out large beside the matrix), the remaining rows one at a time. Then
the diagonal, the symmetry and any repeated tokens are pointed out.
"""
from __future__ import annotations

import math
from itertools import product

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
from .components.heatmap import LABEL_W, ROW_FILL, ColourLegend, Heatmap, value_cap_px
from .components.text import label, wrap
from .layout import Box, floor_scale
from .theme import GAP, MIN_CAP_PX, SIZE

MAX_CELL = 1.1          # a cell no larger than this (scene units): a small matrix stays a matrix, not tiles
LABEL_CUTS = (1.0, 0.75, 0.5, 0.3)      # label widths tried, as shares of the heatmap's LABEL_W
LEAST_SIDE = 1.5        # a column of readouts beside the matrix no narrower than this
BESIDE_LEAST = 0.85     # the derived cell's card goes beside the matrix at this share of its size or more
CUT_GAIN = 1.25        # labels are cut shorter only for cells at least this much larger
ROW_CUT_GAIN = 1.05    # ... row labels for this much (they take the matrix's width only)
LEGEND_H = 1.9          # the colour legend's height, at most
LEGEND_SHORT = 1.0      # ... and when a taller one would leave the readouts no room
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
        # column labels may turn vertical: reserve room for the longest token (as cut at the label width)
        shaped = [label(t, th, size=label_size) for t in sb.labels]
        probe = max(shaped, key=lambda m: m.width)
        # the least cell: the tallest row label (a script's marks reach far above and below) at the floor fits
        least = max(t.height for t in shaped) * floor_scale([probe]) / ROW_FILL
        region = self.regions.body
        body_top = region.y1
        self.bottom = region.y0

        def cell_for(width: float, height: float, row_w: float, col_w: float) -> float:
            """The cell that fits an n × n matrix with its labels (rows cut at ``row_w``, columns at ``col_w``)
            in ``width`` × ``height``."""
            rw, cw = min(probe.width, row_w), min(probe.width, col_w)
            cell = min(MAX_CELL, (height - probe.height - GAP.m) / n, (width - rw - GAP.s - GAP.xs) / n)
            if cw * 0.8 > cell * 0.92:         # even the smaller label will not fit: vertical labels
                cell = min(cell, (height - cw - GAP.m) / n)
            return cell

        # the parts beside the matrix at their natural size: the legend (its ticks worded or bare), the readouts
        # and the two notes. Each goes beside the matrix or under it, whichever draws the matrix larger; labels
        # are cut shorter (with "…") when that draws the matrix clearly larger (the readouts name them in full)
        legend_title = label("cos \u03b8", th, size=SIZE.cell, colour=th.muted)
        side_max = region.width * SIDE_MAX
        self._shapes: dict[tuple[str, float], tuple[float, float]] = {}     # a line's width and height, shaped once
        self._set_lines: dict[tuple[str, float, float], list[str]] = {}     # a text's lines at a width and size
        legends = {(k, bar_h): ColourLegend(th, height=bar_h, ticks=ticks, size=SIZE.small)
                   for k, ticks in enumerate((TICKS, [(v, t.split()[0]) for v, t in TICKS]))
                   for bar_h in (LEGEND_H, LEGEND_SHORT)}
        note_texts = [*sb.notes[:1], *([sb.sym_note] if sb.highest or sb.lowest else [])]

        def cuts(width: float) -> int:
            """Lines of the notes with a number that would be cut with "…" at ``width`` (a token's name may be
            cut: the matrix's labels are; an expression breaks before its "=", so its number has a line)."""
            return sum(self._shape(line, SIZE.note)[0] > width and any(ch.isdigit() for ch in line)
                       for t in note_texts for line in self._note_lines(t, width, SIZE.note))

        def note_h(text: str, width: float) -> float:
            """The height of ``text`` as a note ``width`` wide: its lines stacked."""
            lines = self._note_lines(text, width, SIZE.note)
            return sum(self._shape(line, SIZE.note)[1] for line in lines) + (len(lines) - 1) * GAP.xs
        least_cuts = cuts(region.width)
        best = None
        # rows and columns each cut at their own width (columns may turn; rows cost only the matrix's width):
        # the longer labels first, so that a shorter pair must draw the cells clearly larger to be kept
        widths = sorted({min(probe.width, LABEL_W * f) for f in LABEL_CUTS}, reverse=True)
        cut_pairs = sorted(product(widths, widths), key=lambda p: (-(p[0] + p[1]), -p[0]))
        for (label_w, col_w), ro_size in product(cut_pairs, (SIZE.label, SIZE.note)):
            readouts = [self._shape(t, ro_size) for t in sb.row_notes]        # (width, height) on one line
            notes_w = min(side_max, max([w for w, _ in readouts] + [legend_title.width]))
            line_h = max(h for _, h in readouts)
            for (k, bar_h), legend in legends.items():
                ticks = TICKS if k == 0 else [(v, t.split()[0]) for v, t in TICKS]
                leg_w = max(legend.width, legend_title.width)
                leg_h = legend.height + legend_title.height + GAP.s
                # beside: the notes' own width, or what the matrix at its tallest leaves (a narrower column)
                tallest = cell_for(region.width, region.height, label_w, col_w)
                left = region.width - (min(probe.width, label_w) + GAP.s + GAP.xs + n * tallest) - GAP.l
                # (legend beside?, notes beside?, their width, one note at a time?)
                layouts = [(True, True, notes_w, False), (False, False, region.width, False),
                           (True, False, region.width, True)]
                if max(leg_w, LEAST_SIDE) <= left < notes_w:
                    layouts += [(True, True, left, False), (True, True, left, True)]
                for legend_beside, notes_beside, width, replace in layouts:
                    notes = [note_h(t, width) for t in note_texts]
                    stacked = not replace       # one after the other, or the second replaces the first
                    ro_h = max(len(self._note_lines(t, width, ro_size)) for t in sb.row_notes) * (line_h + GAP.xs)
                    notes_h = max([ro_h] + ([sum(notes) + GAP.m * (len(notes) - 1)] if stacked else notes))
                    side_w = max(leg_w if legend_beside else 0.0, width if notes_beside else 0.0)
                    under_h = ((leg_h + GAP.l if not legend_beside else 0.0)
                               + (notes_h + GAP.l if not notes_beside else 0.0))
                    beside_h = (leg_h if legend_beside else 0.0) + (notes_h + GAP.l if notes_beside else 0.0)
                    compact = ro_size != SIZE.label or bar_h != LEGEND_H
                    if side_w > side_max or (compact and best is not None and best[0] >= least):
                        continue        # smaller readouts and legend only for rows too small for their labels
                    cell = cell_for(region.width - (side_w + GAP.l if side_w else 0.0), region.height - under_h,
                                    label_w, col_w)
                    # the legend beside starts at the cells' top: under the column labels, less its title
                    lw, cw = min(probe.width, label_w), min(probe.width, col_w)
                    head = (cw if cw * 0.8 > cell * 0.92 else probe.height) + GAP.m
                    if beside_h + (max(0.0, head - legend_title.height - GAP.s) if legend_beside else 0.0) \
                            > region.height:
                        continue
                    # the notes get what the matrix leaves (in quarter units: a few widths shaped, not one each);
                    # a column that cuts more of them than the full width does loses their numbers
                    room = region.width - (lw + GAP.s + GAP.xs + n * cell) - GAP.l if notes_beside else region.width
                    if cuts(math.floor(room * 4) / 4) > least_cuts:
                        continue
                    # a longer label is kept unless a shorter one draws the cells clearly larger (or the cells
                    # are too small for a label at the floor)
                    # (row labels cost only width: they are cut for a small gain, where the width is what limits)
                    gain = (1.0 if best is None or best[0] < least else
                            1.02 * (CUT_GAIN if col_w < best[8] else 1.0) * (ROW_CUT_GAIN if label_w < best[4] else 1.0))
                    if best is None or cell > best[0] * gain:
                        best = (cell, ticks, legend_beside, notes_beside, label_w, replace, bar_h, ro_size, col_w)
        cell, ticks, legend_beside, notes_beside, label_w, replace, bar_h, ro_size, col_w = best
        self.readout_size = ro_size
        # no arrangement gives rows a floor-size label (a body squeezed by a long caption): the rows keep that
        # size and the overflow is the check's to report, rather than labels drawn over each other
        cell = max(cell, least)
        self.notes_replace = replace            # one note at a time (under the matrix, or in a short column)
        # values too small to read at this size are not printed: the colours and the readouts carry them
        show = sb.show_values and value_cap_px(sb.cells, th, cell) >= MIN_CAP_PX
        self.values_hidden = sb.show_values and not show
        self.hm = Heatmap(sb.values, sb.cells, sb.labels, sb.labels, th, cell=cell, show_values=show,
                          label_size=label_size, label_colours=colours, label_width=label_w, col_label_width=col_w)
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

        self.legend = ColourLegend(th, height=min(bar_h, self.hm.body.height), ticks=ticks, size=SIZE.small)
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
            low = min(self.hm.get_bottom()[1], self.legend.get_bottom()[1])      # the legend may reach lower
            y = low - GAP.xs
            self.note_anchor = Line([x0, y, 0], [x0 + GAP.xs, y, 0], stroke_width=0)
            self.readout_anchor = [x0, low - GAP.s, 0]
        self.panel_w = region.x1 - x0
        self.colours = colours
        # the derived cell: beside the matrix where it fits at nearly full size, else on a panel over the rows
        # below the cell's row (they are still empty then), else over the body
        self.derived = None
        dv = sb.derivation
        if dv is not None:
            pair = (colours[dv.i], colours[dv.j])
            beside = Box(self.hm.get_right()[0] + GAP.l, self.bottom, region.x1, body_top)
            self.derived = DerivedCell(dv, th, pair, beside) if beside.width > 1.0 else None
            if self.derived is None or self.derived.scale_used < BESIDE_LEAST or not card_inside(self.derived, beside):
                # its top on a row's edge at least a gap below the cell's row: a row's label wholly under the
                # card or wholly clear of its outline
                rows = math.ceil(GAP.s / cell - 1e-9)
                top = self.hm.rects[dv.i][0].get_bottom()[1] - rows * cell
                under = Box(region.x0, self.bottom, region.x1, top)
                def fits(card: DerivedCell) -> bool:
                    return card.width <= under.width + 1e-6 and card.height <= under.height + 1e-6
                self.derived = DerivedCell(dv, th, pair, under, backing=True, step=cell)
                for keep in range(len(dv.dims) - 1, 1, -1):     # fewer components shown before the card
                    if fits(self.derived):                       # hides the matrix it is about
                        break
                    self.derived = DerivedCell(dv, th, pair, under, backing=True, step=cell, keep=keep)
                if not fits(self.derived):
                    # at the text floor it passes the rows below: it takes a turn over the whole body instead
                    # (the matrix is still empty; its heads name the two tokens)
                    self.derived = DerivedCell(dv, th, pair, region, backing=True)

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
        """A row's readout in its column: wrapped, and a line still wider (a long token) cut with "…"."""
        t = self._note(text, self.panel_w, size=size, colour=self.theme.text)
        return t.move_to(self.readout_anchor, aligned_edge=UP + LEFT)

    def _shape(self, text: str, size: float) -> tuple[float, float]:
        """``text``'s width and height on one line at ``size`` (shaped once per scene)."""
        key = (text, size)
        if key not in self._shapes:
            t = label(text, self.theme, size=size)
            self._shapes[key] = (t.width, t.height)
        return self._shapes[key]

    def _note_lines(self, text: str, width: float, size: float) -> list[str]:
        """The lines :meth:`_note` sets ``text`` in at ``width`` (a line still wider is cut when drawn)."""
        key = (text, width, size)
        if key in self._set_lines:
            return self._set_lines[key]
        natural = self._shape(text, size)[0]
        chars = max(8, int(len(text) * width / max(natural, 1e-9)))
        lines: list[str] = []
        for line in wrap(text, chars).split("\n"):
            if self._shape(line, size)[0] <= width:
                lines.append(line)
                continue
            # an expression wider than the column breaks before its relations (and a part still wider after
            # its commas), the pieces joined while they fit; its first piece may join the line before it
            # ("Symmetric: cos(a, b)")
            pieces = [part for piece in relation_pieces(line)
                      for part in ([piece] if self._shape(piece, size)[0] <= width else comma_pieces(piece))]
            for piece in pieces:
                if lines and self._shape(f"{lines[-1]} {piece}", size)[0] <= width:
                    lines[-1] = f"{lines[-1]} {piece}"
                else:
                    lines.append(piece)
        self._set_lines[key] = lines
        return lines

    def _note(self, text: str, width: float, size: float = SIZE.note, colour: str | None = None):
        """``text`` in lines no wider than ``width``: wrapped at the characters that width holds (measured),
        an expression still wider broken before its "=" (so "…" never eats its number), and a line that still
        passes the width (a long token) cut with "…", never shrunk below the floor."""
        th = self.theme
        return VGroup(*[label(s, th, size=size, colour=colour or th.muted, max_width=width)
                        for s in self._note_lines(text, width, size)]).arrange(DOWN, aligned_edge=LEFT, buff=GAP.xs)

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
            new_ro = self.readout(sb.row_notes[i], size=self.readout_size)
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


RELATIONS = ("=", "\u2248")       # where an expression too wide for its column may break: before these


def relation_pieces(line: str) -> list[str]:
    """``line`` split before every relation outside brackets: ``cos(a, b) = cos(b, a) = 0.87`` →
    ``cos(a, b)``, ``= cos(b, a)``, ``= 0.87``."""
    pieces, depth, cur = [], 0, []
    for word in line.split(" "):
        if word in RELATIONS and depth == 0 and cur:
            pieces.append(" ".join(cur))
            cur = []
        cur.append(word)
        depth = max(0, depth + sum(word.count(c) for c in "([{") - sum(word.count(c) for c in ")]}"))
    pieces.append(" ".join(cur))
    return pieces


def comma_pieces(text: str) -> list[str]:
    """``text`` split after each comma: ``cos(a, b)`` → ``cos(a,``, ``b)`` (a pair too wide for one line)."""
    parts = text.split(", ")
    return [p + "," for p in parts[:-1]] + parts[-1:]


def card_inside(card: DerivedCell, box: Box) -> bool:
    """Does ``card`` (with the unit rows it turns into) lie inside ``box``? At the text floor it may not."""
    g = VGroup(card, card.unit, card.unit_heads)
    (x0, y0, _), (x1, y1, _) = g.get_corner(DOWN + LEFT), g.get_corner(UP + RIGHT)
    return x0 >= box.x0 - 1e-6 and x1 <= box.x1 + 1e-6 and y0 >= box.y0 - 1e-6 and y1 <= box.y1 + 1e-6
