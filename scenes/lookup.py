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
    LaggedStart,
    VGroup,
)

from embedcore.segments.lookup import LookupStoryboard
from scenes import layout, marks

from .base import Beat, SegmentScene
from .components.chip import Marker, TokenChip
from .components.emphasis import appear, dim, disappear, fade_in, indicate
from .components.grid import CellGrid
from .components.text import drawn_size, label, number, wrapped
from .theme import GAP, SIZE


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
    TAKE_TURNS = tuple((a, b) for a in ("chips", "ids") for b in ("matrix", "matrix_title", "matrix_note", "output",
                                                                 "output_title"))

    def build_body(self) -> None:
        sb = self.storyboard
        colour_of = {st.text: self.colour_of(st.text) for st in sb.steps}
        self.colour_of = colour_of

        # sentence chips with ids underneath; a sentence wider than the body wraps onto more rows. When even
        # alone it is too tall for the body at the text floor (many long tokens in a short body), its chips
        # are cut shorter with "…", a half, then a third of the body wide, so more share a row
        body = self.regions.body
        for chip_w in (None, (body.width - GAP.m) / 2, (body.width - 2 * GAP.m) / 3):
            self._build_sentence(chip_w)
            if layout.stack_scale([[self.chips, self.ids]], body) >= layout.floor_scale([self.chips, self.ids]) - 1e-6:
                break

        # as many of the storyboard's columns as fit with every number at or above the floor:
        # the first ones, ⋯ and the last (the grids' own layout decides; nothing is computed).
        # When even the fewest columns do not fit under the sentence, the sentence and the tables take
        # turns (the sentence fills the body, then gives it to the tables: each output row is labelled
        # with its token, and E's rows with its id)
        sentence = [self.chips, self.ids]
        self.turns = False
        for above in (sentence, []):
            for keep in range(len(sb.columns), min(2, len(sb.columns) - 1), -1):   # d < 3: all columns
                fit = self._build_grids(layout.thin(sb.columns, keep), colour_of, above)
                if fit >= layout.floor_scale([*sentence, *self.grid_panels[0], *self.grid_panels[1]]) - 1e-6:
                    break
            else:
                continue
            break
        self.turns = not above
        if self.turns:
            layout.stack([sentence], self.regions.body)
        # E, then the output: left to right or top to bottom, whichever draws the numbers larger
        self.stacked, _ = layout.arrange(self.grid_panels, self.regions.body, above=above, gap=GAP.m)
        self._build_one_hot()

    def _build_sentence(self, chip_w: float | None) -> None:
        """The sentence's chips (no wider than ``chip_w``), their ids under them, flowed onto rows."""
        sb, th = self.storyboard, self.theme
        id_labels = [number(f"id {st.id:,}", th, size=SIZE.note, colour=th.muted) for st in sb.steps]
        self.chips = VGroup(*[TokenChip(st.text, self.colour_of[st.text], th, max_width=chip_w,
                                        min_width=max(0.9, idl.width + GAP.s)) for st, idl in zip(sb.steps, id_labels)])
        self.ids = VGroup(*[marks.labels(idl.next_to(chip, DOWN, buff=GAP.s), chip)
                            for idl, chip in zip(id_labels, self.chips)])
        flow_rows([VGroup(c, i) for c, i in zip(self.chips, self.ids)], self.regions.body.width,
                  hbuff=GAP.m, vbuff=GAP.m)

    def _build_one_hot(self) -> None:
        """The first token's one-hot vector, entry by entry in place of E's row labels (its 1 at the token's
        row, 0 elsewhere, ⋮ for hidden rows), and the note saying the product is that row."""
        sb, th, m = self.storyboard, self.theme, self.matrix
        # the row labels' size as drawn (the kit scaled the grids to fit the body)
        size = max(drawn_size(t) for t, r in zip(m.row_labels, sb.matrix_rows) if r.kind != "gap")
        gap = m.row_box(0).get_left()[0] - max(t.get_right()[0] for t in m.row_labels if t.width > 0)
        self.one_hot = VGroup()
        for k, entry in enumerate(sb.one_hot):
            box = m.row_box(k)
            t = label(entry, th, size=size, colour=th.accent if entry == "1" else th.muted, mono=True)
            t.move_to([box.get_left()[0] - gap, box.get_y(), 0], aligned_edge=RIGHT)
            marks.labels(t, box)
            self.one_hot.add(t)
        body = self.regions.body
        x0 = max(self.matrix_note.get_left()[0], body.x0)
        self.one_hot_note = label(sb.one_hot_note, th, size=drawn_size(self.matrix_note), colour=th.accent,
                                  max_width=body.x1 - x0)
        self.one_hot_note.move_to([x0, self.matrix_note.get_y(), 0], aligned_edge=LEFT)
        if self.one_hot_note.get_bottom()[1] < body.y0:     # E overflows the body (held at the text floor): no note
            self.one_hot_note = VGroup()
        marks.labels(self.one_hot_note, self.matrix)

    def _build_grids(self, cols: list[int], colour_of: dict[str, str], above: list) -> float:
        """Build E and the output with the storyboard's columns at ``cols``; returns the scale they fit at
        under ``above`` (the sentence, or nothing)."""
        sb, th = self.storyboard, self.theme
        n = len(sb.steps)
        header = [("\u22ef" if sb.columns[j] is None else f"d{sb.columns[j]}") for j in cols]
        shown = [None if sb.columns[j] is None else j for j in cols]

        def pick(cells):
            return ["\u22ef" if j is None else cells[j] for j in shown]
        # the embedding matrix, read first
        mrows = [None if r.kind == "gap" else pick(r.cells) for r in sb.matrix_rows]
        mlabels = ["" if r.kind == "gap" else f"{r.id:,}  {r.token}" for r in sb.matrix_rows]
        mcolours = [None if r.kind == "gap" else colour_of.get(r.token) for r in sb.matrix_rows]

        def label_w(texts, cap):           # as wide as the longest label (longer ones are cut with "…")
            longest = max(texts, key=len)
            return min(cap, label(longest, th, size=SIZE.cell).width + GAP.m) if longest else cap
        self.matrix = CellGrid(mrows, mlabels, header, th, label_colours=mcolours, label_width=label_w(mlabels, 2.1))
        # the stacked output, filled row by row
        orows = [pick(st.cells) for st in sb.steps]
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

        # titles no wider than their grid: they wrap (never inside an expression) rather than widen the panel
        self.matrix_title = wrapped(f"Embedding matrix E: V × d = {sb.vocab_size:,} × {sb.dim}", th, size=SIZE.label,
                                    max_width=self.matrix.width, buff=GAP.xs)
        self.matrix_note = wrapped(sb.matrix_note, th, size=SIZE.note, colour=th.muted,
                                   max_width=self.matrix.width, buff=GAP.xs)
        self.output_title = wrapped(f"Output: n × d = {n} × {sb.dim}", th, size=SIZE.label, max_width=self.output.width,
                                    buff=GAP.xs)
        for t, g, where in ((self.matrix_title, self.matrix, UP), (self.matrix_note, self.matrix, DOWN),
                            (self.output_title, self.output, UP)):
            marks.labels(t.next_to(g, where, buff=GAP.s).align_to(g, LEFT), g)
        self.grid_panels = [[self.matrix_title, self.matrix, self.matrix_note], [self.output_title, self.output]]
        return layout.arrange(self.grid_panels, self.regions.body, above=above, gap=GAP.m, apply=False)[1]

    def beats(self) -> list[Beat]:
        return [Beat(self._show_sentence), Beat(self._show_tables), Beat(self._walk_tokens, spread=True),
                Beat(self._show_output)]

    def _show_sentence(self, beat: Beat) -> None:
        self.play(LaggedStart(*[fade_in(c, self.regions.safe, 0.2 * DOWN) for c in self.chips], lag_ratio=0.15, run_time=1.2))
        self.play(LaggedStart(*[FadeIn(i) for i in self.ids], lag_ratio=0.1, run_time=0.8))

    def _show_tables(self, beat: Beat) -> None:
        if self.turns:          # the sentence gives the body to the tables
            self.play(FadeOut(self.chips), FadeOut(self.ids), run_time=0.5)
        self.play(FadeIn(self.matrix_title), FadeIn(self.matrix.header), Create(self.matrix.body), run_time=1.4)
        self.play(FadeIn(self.matrix_note), FadeIn(self.output_title), FadeIn(self.output.header),
                  FadeIn(VGroup(*self.output.boxes, *self.output.row_labels)), run_time=0.6)

    def _walk_tokens(self, beat: Beat) -> None:
        """Token by token: its row lights up and is copied into the output; the beat's lines spread over the tokens."""
        sb, th = self.storyboard, self.theme
        n = len(sb.steps)
        row_mark = Marker(th, buff=GAP.xs, stroke_width=4)
        chip_mark = Marker(th, buff=GAP.xs, stroke_width=3)
        for st in sb.steps:
            beat.pace(st.position, n)
            if st.position == 0 and len(self.one_hot):
                self._one_hot_selects(st.view_row)
            chip, idl = self.chips[st.position], self.ids[st.position]
            row_box = self.matrix.row_box(st.view_row)
            slow = 1.0 if st.position < 2 else 0.6
            marked = [row_mark.to(row_box)] + ([] if self.turns else [chip_mark.to(VGroup(chip, idl))])
            self.play(*marked, run_time=0.6 * slow)
            if st.first_position != st.position:
                again = label(f"same row as token {st.first_position + 1}", th, size=SIZE.small, colour=th.accent)
                again.next_to(self.matrix, RIGHT, buff=GAP.s).match_y(row_box)
                hide = []
                if again.get_right()[0] > self.regions.body.x1:      # no room beside E: in its note's place
                    again.move_to(self.matrix_note, aligned_edge=LEFT)
                    hide = [self.matrix_note]
                marks.labels(again, row_box)
                self.play(indicate(self.matrix.row_labels[st.view_row], self.regions.safe, colour=th.accent), FadeIn(again),
                          *[FadeOut(m) for m in hide], run_time=0.7)
                self.play(FadeOut(again), *[FadeIn(m) for m in hide], run_time=0.2)
            self.play(self.matrix.copy_row_to(st.view_row, self.output, st.position), run_time=0.9 * slow)
            self.settle()
        marks_on = [m for m in (row_mark, chip_mark) if m.shown]
        if marks_on:
            self.play(*[m.off() for m in marks_on], run_time=0.3)
            self.remove(*[m.rect for m in marks_on])

    def _one_hot_selects(self, row: int) -> None:
        """Once: the one-hot vector stands beside E; its 0s fade every other row, its 1 keeps the token's row."""
        m = self.matrix
        labels = VGroup(*m.row_labels)
        others = VGroup(*[c for k, c in enumerate(m.cells) if k != row and c is not None])
        # opacity-only fades (emphasis.dim/appear/disappear): the cells' and glyphs' points stay
        # put, so the camera replays their cached paths instead of rebuilding them every frame
        self.play(disappear(labels), appear(self.one_hot), disappear(self.matrix_note), appear(self.one_hot_note),
                  run_time=0.8)
        self.play(dim(others, 0.2), indicate(self.one_hot[row], self.regions.safe, colour=self.theme.accent), run_time=0.9)
        self.wait(0.6)
        self.play(dim(others, 1), disappear(self.one_hot), appear(labels), disappear(self.one_hot_note),
                  appear(self.matrix_note), run_time=0.6)

    def _show_output(self, beat: Beat) -> None:
        th = self.theme
        body = self.regions.body
        grp = VGroup()
        for side in (LEFT, RIGHT):          # the count beside the output, on a side with room
            brace = Brace(self.output.body, side, color=th.muted, buff=GAP.xs)
            btxt = label(f"n = {len(self.storyboard.steps)}", th, size=SIZE.note, colour=th.muted)
            btxt.next_to(brace, side, buff=GAP.xs)
            marks.labels(btxt, brace)
            g = VGroup(brace, btxt)
            clear = g.get_right()[0] < self.matrix.get_left()[0] or g.get_left()[0] > self.matrix.get_right()[0] \
                or g.get_top()[1] < self.matrix.get_bottom()[1] or g.get_bottom()[1] > self.matrix.get_top()[1]
            if clear and body.x0 <= g.get_left()[0] and g.get_right()[0] <= body.x1:
                grp = VGroup(brace, btxt)
                break
        self.play(indicate(self.output_title, self.regions.safe, colour=th.accent), FadeIn(grp), run_time=1.0)
