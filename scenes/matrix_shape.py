"""Scene for ``matrix-shape``: the [V, d] block, reference shapes, complexity card."""
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
    Line,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
)

from embedcore.segments.matrix_shape import MatrixShapeStoryboard

from .base import Beat, SegmentScene
from .components.text import label, wrap, wrapped
from .theme import GAP, SIZE

COLS = (("model", 1.95, LEFT), ("V (tokens)", 1.55, RIGHT), ("d (dims)", 1.3, RIGHT),
        ("V × d", 2.1, RIGHT), ("float32", 1.6, RIGHT))


class MatrixShapeScene(SegmentScene):
    storyboard: MatrixShapeStoryboard
    snap_skip = ("card",)       # may take the table's place (layout stills)
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("left",), ("pitfall",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        left_x = -self.fw / 2 + 0.6
        # the block: tall when V > d (the usual case), drawn with a hint of rows and columns
        bw, bh = (1.5, 2.5) if sb.vocab_size >= sb.dim else (2.5, 1.5)
        self.block = Rectangle(width=bw, height=bh, stroke_color=th.text, stroke_width=2, fill_color=th.panel,
                               fill_opacity=1)
        grid = VGroup(*[Line([-bw / 2 + bw * k / 6, bh / 2, 0], [-bw / 2 + bw * k / 6, -bh / 2, 0],
                             stroke_color=th.faint, stroke_width=1) for k in range(1, 6)],
                      *[Line([-bw / 2, bh / 2 - bh * k / 10, 0], [bw / 2, bh / 2 - bh * k / 10, 0],
                             stroke_color=th.faint, stroke_width=1) for k in range(1, 10)])
        self.block_grid = grid
        blk = VGroup(self.block, grid)
        body_top = self.header.get_bottom()[1] - 0.2
        blk.move_to([left_x + 1.75 + bw / 2, body_top - 0.95 - bh / 2, 0])
        self.v_brace = Brace(self.block, LEFT, color=th.positive, buff=GAP.xs)
        v_main, v_rest = sb.v_label.split(":", 1)
        self.v_text = VGroup(label(v_main, th, size=SIZE.heading, colour=th.positive),
                             *[label(s, th, size=SIZE.small, colour=th.muted) for s in wrap(v_rest.strip(), 14).split("\n")])
        self.v_text.arrange(DOWN, aligned_edge=RIGHT, buff=GAP.xs).next_to(self.v_brace, LEFT, buff=GAP.s)
        self.d_brace = Brace(self.block, UP, color=th.negative, buff=GAP.xs)
        d_main, d_rest = sb.d_label.split(":", 1)
        self.d_text = VGroup(label(d_main, th, size=SIZE.heading, colour=th.negative),
                             label(d_rest.strip(), th, size=SIZE.small, colour=th.muted))
        self.d_text.arrange(DOWN, buff=GAP.xs).next_to(self.d_brace, UP, buff=GAP.xs)
        self.shape_text = label(sb.shape_label, th, size=SIZE.heading, mono=True).next_to(self.block, DOWN, buff=GAP.m)
        self.left = VGroup(blk, self.v_brace, self.v_text, self.d_brace, self.d_text, self.shape_text)
        if self.left.get_left()[0] < -self.fw / 2 + 0.3:
            self.left.shift(RIGHT * (-self.fw / 2 + 0.3 - self.left.get_left()[0]))
        self.pitfall = VGroup(*[label(s, th, size=SIZE.note, colour=th.accent) for s in wrap(sb.pitfall, 34).split("\n")])
        self.pitfall.arrange(DOWN, aligned_edge=LEFT, buff=GAP.xs)
        self.pitfall.next_to(self.shape_text, DOWN, buff=GAP.m).align_to(self.left, LEFT)
        square = not self.landscape and not self.portrait
        if square:          # beside the block, where the table goes in 16:9
            room = self.fw / 2 - 0.4 - (self.left.get_right()[0] + 0.35)
            self.pitfall = wrapped(sb.pitfall, th, size=SIZE.note, colour=th.accent, max_width=room, buff=GAP.xs, max_lines=6)
            self.pitfall.next_to(self.left, RIGHT, buff=GAP.l).align_to(self.block, UP)

        # reference table: right of the block in 16:9, under it (full width) in narrow frames
        if self.landscape:
            x0 = self.left.get_right()[0] + 0.45
        else:
            x0 = -self.fw / 2 + 0.4
        total = sum(w for _, w, _ in COLS)
        scale = min(1.0, (self.fw / 2 - 0.35 - x0) / total)
        xs, x = [], x0
        for _, w, _ in COLS:
            xs.append((x, x + w * scale))
            x += w * scale
        size = SIZE.cell * scale
        top = body_top - 0.15
        # square frames have no room for block and table together: the table (and later the
        # card) takes the block's place once the block and the pitfall have been read
        self.paged = square
        if self.paged:
            top = body_top - 0.15
        elif not self.landscape:
            top = min(self.left.get_bottom()[1], self.pitfall.get_bottom()[1]) - 0.45

        def row(cells, y, colour, weight="NORMAL"):
            g = VGroup()
            for (_, _, align), (a, b), s in zip(COLS, xs, cells):
                t = label(s, th, size=size, colour=colour, weight=weight, mono=align is RIGHT and not weight == "BOLD",
                          max_width=(b - a) - 0.1)
                # align on the top edge: cap height is shared, commas' descenders are not
                if align is LEFT:
                    t.move_to([a + 0.05, y + 0.1, 0], aligned_edge=UP + LEFT)
                else:
                    t.move_to([b - 0.05, y + 0.1, 0], aligned_edge=UP + RIGHT)
                g.add(t)
            return g

        self.table_head = row([c for c, _, _ in COLS], top, th.muted, weight="BOLD")
        self.table_rows = VGroup()
        for k, r in enumerate(sb.rows):
            y = top - 0.5 * (k + 1) - (0.08 if k else 0)
            self.table_rows.add(row([r.name, r.V, r.d, r.parameters, r.memory], y,
                                    th.accent if r.is_lesson else th.text))
        self.table_rule = Line([xs[0][0], top - 0.25, 0], [xs[-1][1], top - 0.25, 0], stroke_color=th.faint,
                               stroke_width=1.5)
        self.table = VGroup(self.table_head, self.table_rule, self.table_rows)
        self.lesson_box = (SurroundingRectangle(self.table_rows[0], color=th.accent, buff=GAP.xs, stroke_width=2)
                           if len(self.table_rows) else VGroup())

        # complexity card
        lines = VGroup()
        for c in sb.complexity:
            head = VGroup(label(c.big_o, th, size=SIZE.chip, mono=True, colour=th.accent),
                          label(c.what, th, size=SIZE.cell, colour=th.muted)).arrange(RIGHT, buff=GAP.m, aligned_edge=DOWN)
            body = label(c.filled, th, size=SIZE.cell, mono=True)
            lines.add(VGroup(head, body).arrange(DOWN, aligned_edge=LEFT, buff=GAP.s))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=GAP.l)
        maxw = self.fw / 2 - 0.45 - x0 - 0.4
        for line in lines:      # the filled-in formula wraps rather than shrinks
            body = line[1]
            if body.width > maxw:
                new = wrapped(body.original_text, th, size=SIZE.cell, mono=True, max_width=maxw, buff=GAP.xs)
                new.move_to(body, aligned_edge=UP + LEFT)
                line.remove(body)
                line.add(new)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=GAP.l)
        if lines.width > maxw:
            lines.scale_to_fit_width(maxw)
        self.card_box = RoundedRectangle(corner_radius=0.15, width=lines.width + 0.5, height=lines.height + 0.45,
                                         stroke_color=th.faint, stroke_width=2, fill_color=th.panel, fill_opacity=1)
        self.card_lines = lines
        self.card = VGroup(self.card_box, lines.move_to(self.card_box))
        table_bottom = self.table.get_bottom()[1] if len(sb.rows) > 1 else top - 1.0
        self.card.move_to([x0, table_bottom - 0.35, 0], aligned_edge=UP + LEFT)
        self.card_replaces_table = False
        if self.card.get_bottom()[1] < self.body_bottom:
            if self.landscape:
                self.card.shift(UP * (self.body_bottom - self.card.get_bottom()[1]))
            else:           # no room under the table: the card takes the table's place at the end
                self.card.move_to([x0, body_top - 0.1, 0], aligned_edge=UP + LEFT)
                self.card_replaces_table = True

    def beats(self) -> list[Beat]:
        return [Beat(self._show_block), Beat(self._show_table), Beat(self._show_sizes), Beat(self._show_card)]

    def _show_block(self, beat: Beat) -> None:
        self.play(Create(self.block), FadeIn(self.block_grid), run_time=0.9)
        self.play(FadeIn(self.v_brace), FadeIn(self.v_text, shift=0.2 * RIGHT), run_time=0.7)
        self.play(FadeIn(self.d_brace), FadeIn(self.d_text, shift=0.2 * DOWN), run_time=0.7)
        self.play(FadeIn(self.shape_text), run_time=0.5)

    def _show_table(self, beat: Beat) -> None:
        if self.paged:
            self.play(FadeIn(self.pitfall), run_time=0.5)
            self.wait(1.5)
            self.play(FadeOut(self.left), FadeOut(self.pitfall), run_time=0.5)
        self.play(FadeIn(self.table_head), Create(self.table_rule), FadeIn(self.table_rows[0]),
                  Create(self.lesson_box), run_time=0.8)
        if not self.paged:
            self.play(FadeIn(self.pitfall), run_time=0.5)

    def _show_sizes(self, beat: Beat) -> None:
        if len(self.table_rows) > 1:
            self.play(FadeOut(self.lesson_box), LaggedStart(*[FadeIn(r, shift=0.15 * UP) for r in self.table_rows[1:]],
                                                            lag_ratio=0.4), run_time=1.5)
            self.play(Indicate(self.table_rows[-1][2], color=self.theme.negative), run_time=0.8)

    def _show_card(self, beat: Beat) -> None:
        if self.card_replaces_table:
            self.play(FadeOut(self.table), FadeOut(self.lesson_box), run_time=0.4)
        self.play(FadeIn(self.card_box), LaggedStart(*[FadeIn(l) for l in self.card_lines], lag_ratio=0.5),
                  run_time=1.2)
