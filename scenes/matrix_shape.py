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
from scenes import layout

from . import marks
from .base import Beat, SegmentScene
from .components.text import baseline_y, label, sit_on, wrap, wrapped
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
        self.pitfall = wrapped(sb.pitfall, th, size=SIZE.note, colour=th.accent, max_width=max(self.left.width, 4.0),
                               buff=GAP.xs, max_lines=6)
        self.pitfall.next_to(self.shape_text, DOWN, buff=GAP.m).align_to(self.left, LEFT)

        # reference table, drawn at its own size: the kit places and scales it with the rest
        xs, x = [], 0.0
        for _, w, _ in COLS:
            xs.append((x, x + w))
            x += w
        size = SIZE.cell
        top = 0.0

        def row(cells, y, colour, weight="NORMAL"):
            g = VGroup()
            for (_, _, align), (a, b), s in zip(COLS, xs, cells):
                t = label(s, th, size=size, colour=colour, weight=weight, mono=align is RIGHT and not weight == "BOLD",
                          max_width=(b - a) - GAP.s)
                t.move_to([a + GAP.xs if align is LEFT else b - GAP.xs, y, 0], aligned_edge=align)
                g.add(t)
            base = baseline_y(g[0])         # one baseline a row (commas' descenders do not lift it)
            for t in g:
                sit_on(t, base)
            return g

        self.table_head = row([c for c, _, _ in COLS], top, th.muted, weight="BOLD")
        self.table_rows = VGroup()
        for k, r in enumerate(sb.rows):
            y = top - 0.5 * (k + 1) - (GAP.xs if k else 0)
            self.table_rows.add(row([r.name, r.V, r.d, r.parameters, r.memory], y,
                                    th.accent if r.is_lesson else th.text))
        self.table_rule = Line([xs[0][0], top - 0.25, 0], [xs[-1][1], top - 0.25, 0], stroke_color=th.faint,
                               stroke_width=1.5)
        self.table = VGroup(self.table_head, self.table_rule, self.table_rows)
        self.lesson_box = (SurroundingRectangle(self.table_rows[0], color=th.accent, buff=GAP.xs, stroke_width=2)
                           if len(self.table_rows) else VGroup())
        if len(self.table_rows):
            marks.labels(self.table_rows[0], self.lesson_box)

        # complexity card, as wide as the table; its filled-in formulas wrap rather than shrink
        lines = VGroup()
        maxw = self.table.width - 2 * GAP.m
        for c in sb.complexity:
            head = VGroup(label(c.big_o, th, size=SIZE.chip, mono=True, colour=th.accent),
                          label(c.what, th, size=SIZE.cell, colour=th.muted)).arrange(RIGHT, buff=GAP.m, aligned_edge=DOWN)
            sit_on(head[1], baseline_y(head[0]))
            body = wrapped(c.filled, th, size=SIZE.cell, mono=True, max_width=maxw, buff=GAP.xs)
            lines.add(VGroup(head, body).arrange(DOWN, aligned_edge=LEFT, buff=GAP.s))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=GAP.l)
        self.card_box = RoundedRectangle(corner_radius=0.15, width=lines.width + 2 * GAP.m, height=lines.height + 2 * GAP.m,
                                         stroke_color=th.faint, stroke_width=2, fill_color=th.panel, fill_opacity=1)
        self.card_lines = lines
        self.card = VGroup(self.card_box, lines.move_to(self.card_box))
        self.card.next_to(self.table, DOWN, buff=GAP.l).align_to(self.table, LEFT)
        self.card_replaces_table = False

        # the block, then the table and card: side by side or stacked, whichever is larger; when even
        # the better one would put text under the floor, they take turns (each filling the body)
        first = [self.left, self.pitfall]
        second = [self.table, self.lesson_box, self.card]
        _, fit = layout.arrange([first, second], self.regions.body, apply=False)
        self.paged = fit < layout.floor_scale([*first, *second])
        if self.paged:
            layout.stack([first], self.regions.body)
            layout.stack([second], self.regions.body)
        else:
            layout.arrange([first, second], self.regions.body)

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
