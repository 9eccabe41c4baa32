"""Scene for ``matrix-shape``: the [V, d] block, reference shapes, complexity card."""
from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    GrowFromEdge,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
)

from embedcore.segments.matrix_shape import MatrixShapeStoryboard
from scenes import layout

from . import marks
from .base import Beat, SegmentScene
from .components.emphasis import fade_in, fade_in_still, fade_out_still, indicate
from .components.text import baseline_y, label, sit_on, wrap, wrapped
from .theme import GAP, SIZE

COLS = (("model", 1.95, LEFT), ("V (tokens)", 1.55, RIGHT), ("d (dims)", 1.3, RIGHT),
        ("V × d", 2.1, RIGHT), ("float32", 1.6, RIGHT))


class MatrixShapeScene(SegmentScene):
    storyboard: MatrixShapeStoryboard
    snap_skip = ("card",)       # may take the table's place (layout stills)
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("left",), ("pitfall",))
    #: the pitfall comes with the blocks to scale, in the labelled block's place (under its memory lines)
    TAKE_TURNS = (("left", "pitfall"),)

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        # the block: tall when V > d (the usual case), drawn with a hint of rows and columns
        bw, bh = (1.5, 2.5) if sb.vocab_size >= sb.dim else (2.5, 1.5)
        self.block = Rectangle(width=bw, height=bh, stroke_color=th.text, stroke_width=2, fill_color=th.panel,
                               fill_opacity=1)
        grid = VGroup(*[Line([-bw / 2 + bw * k / 6, bh / 2, 0], [-bw / 2 + bw * k / 6, -bh / 2, 0],
                             stroke_color=th.faint, stroke_width=1) for k in range(1, 6)],
                      *[Line([-bw / 2, bh / 2 - bh * k / 10, 0], [bw / 2, bh / 2 - bh * k / 10, 0],
                             stroke_color=th.faint, stroke_width=1) for k in range(1, 10)])
        self.block_grid = grid
        blk = VGroup(self.block, grid)      # built at its own size, anywhere: the kit places the panels
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
        # the memory figure: V × d × 4 bytes, the lesson's numbers in it, then the product
        mf = sb.memory_formula
        self.mem_product = label(mf.product, th, size=SIZE.cell, mono=True)
        self.mem_result = label(mf.result, th, size=SIZE.cell, mono=True, colour=th.accent)
        VGroup(self.mem_product, self.mem_result).arrange(DOWN, buff=GAP.xs).next_to(self.shape_text, DOWN, buff=GAP.s)
        self.mem_symbols = label(mf.symbols, th, size=SIZE.cell, mono=True).move_to(self.mem_product)
        self.memory = VGroup(self.mem_product, self.mem_result)
        self.left = VGroup(blk, self.v_brace, self.v_text, self.d_brace, self.d_text, self.shape_text, self.memory)
        self._build_scale()
        self.pitfall = wrapped(sb.pitfall, th, size=SIZE.note, colour=th.accent, max_width=max(self.left.width, 4.0),
                               buff=GAP.xs, max_lines=6)
        # under the blocks to scale, which replace the labelled block before it shows; else under the block
        self.turns = bool(self.scale_panel)
        self.pitfall.next_to(self.scale_panel[0] if self.turns else self.left, DOWN, buff=GAP.m)
        self.pitfall.align_to(VGroup(self.left, *self.scale_panel), LEFT)

        # reference table, drawn at its own size: the kit places and scales it with the rest
        xs, x = [], 0.0
        for _, w, _ in COLS:
            xs.append((x, x + w))
            x += w
        size = SIZE.cell
        top = 0.0
        step = label("Ay", th, size=size).height + GAP.m       # one row of the table to the next

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
            y = top - step * (k + 1) - (GAP.xs if k else 0)
            self.table_rows.add(row([r.name, r.V, r.d, r.parameters, r.memory], y,
                                    th.accent if r.is_lesson else th.text))
        self.table_rule = Line([xs[0][0], top - step / 2, 0], [xs[-1][1], top - step / 2, 0], stroke_color=th.faint,
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
        first = [self.left, *self.scale_panel, self.pitfall]
        second = [self.table, self.lesson_box, self.card]
        _, fit = layout.arrange([first, second], self.regions.body, apply=False)
        self.paged = fit < layout.floor_scale([*first, *second])
        if self.paged:
            layout.stack([first], self.regions.body)
            layout.stack([second], self.regions.body)
        else:
            layout.arrange([first, second], self.regions.body)

    def _build_scale(self) -> None:
        """The lesson's block beside the references, every side on one log scale; it takes the place
        of the labelled block (the block itself becomes the lesson's)."""
        sb, th = self.storyboard, self.theme
        self.scale_blocks, self.scale_labels, self.scale_note = VGroup(), VGroup(), VGroup()
        self.scale_panel: list[VGroup] = []       # empty: nothing to draw to scale (``compare: false``)
        if not sb.scale:
            return
        unit = 0.8 * self.block.height     # the longest side drawn: the three fit where the labelled block stands
        for b in sb.scale:
            colour = th.accent if b.is_lesson else th.text
            self.scale_blocks.add(Rectangle(width=b.width * unit, height=b.height * unit, stroke_color=colour,
                                            stroke_width=2, fill_color=th.panel, fill_opacity=1))
            self.scale_labels.add(VGroup(label(b.name, th, size=SIZE.label, colour=colour),
                                         label(b.shape, th, size=SIZE.note, mono=True, colour=th.muted))
                                  .arrange(DOWN, buff=GAP.xs))
        cols = VGroup(*[VGroup(r, t) for r, t in zip(self.scale_blocks, self.scale_labels)])
        for r, t in zip(self.scale_blocks, self.scale_labels):
            t.next_to(r, DOWN, buff=GAP.s)
        cols.arrange(RIGHT, buff=GAP.m, aligned_edge=DOWN)
        # bottoms of the blocks on one line (labels differ in height)
        base = max(r.get_bottom()[1] for r in self.scale_blocks)
        for r, t in zip(self.scale_blocks, self.scale_labels):
            VGroup(r, t).shift([0, base - r.get_bottom()[1], 0])
        self.scale_note = wrapped(sb.scale_note, th, size=SIZE.note, colour=th.muted, max_width=max(cols.width, 4.0),
                                  buff=GAP.xs)
        self.scale_note.next_to(cols, DOWN, buff=GAP.m)
        panel = VGroup(cols, self.scale_note)
        # where the labelled block stands, top to top (it is the shorter): the layout places both as one
        panel.move_to([self.left.get_center()[0], self.left.get_top()[1], 0], aligned_edge=UP)
        self.scale_panel = [panel]

    def beats(self) -> list[Beat]:
        return [Beat(self._show_block), Beat(self._show_table), Beat(self._show_sizes), Beat(self._show_card)]

    def _show_block(self, beat: Beat) -> None:
        self.play(Create(self.block), fade_in_still(self.block_grid), run_time=0.9)
        self.play(fade_in_still(self.v_brace), fade_in(self.v_text, self.regions.safe, 0.2 * RIGHT), run_time=0.7)
        self.play(fade_in_still(self.d_brace), fade_in(self.d_text, self.regions.safe, 0.2 * DOWN), run_time=0.7)
        self.play(fade_in_still(self.shape_text), run_time=0.5)
        self.play(fade_in(self.mem_symbols, self.regions.safe, 0.15 * UP), run_time=0.5)
        self.play(ReplacementTransform(self.mem_symbols, self.mem_product), run_time=0.8)
        self.play(fade_in(self.mem_result, self.regions.safe, 0.15 * UP), run_time=0.6)

    def _show_scale(self) -> None:
        """The labelled block becomes the lesson's, to log scale, and the references grow beside it."""
        if not len(self.scale_blocks):
            return
        self.play(fade_out_still(VGroup(self.v_brace, self.v_text, self.d_brace, self.d_text, self.shape_text, self.memory,
                                   self.block_grid)),
                  ReplacementTransform(self.block, self.scale_blocks[0]), run_time=0.8)
        self.play(fade_in_still(self.scale_labels[0]), run_time=0.4)
        self.play(LaggedStart(*[GrowFromEdge(r, DOWN) for r in self.scale_blocks[1:]], lag_ratio=0.4),
                  LaggedStart(*[fade_in_still(t) for t in self.scale_labels[1:]], lag_ratio=0.4), run_time=1.2)
        self.play(fade_in_still(self.scale_note), run_time=0.4)

    def _show_table(self, beat: Beat) -> None:
        if self.paged:
            self._show_scale()
            self.play(fade_in_still(self.pitfall), run_time=0.5)
            self.wait(1.5)
            self.play(fade_out_still(VGroup(*self.left_on_screen())), fade_out_still(self.pitfall), run_time=0.5)
        self.play(fade_in_still(self.table_head), Create(self.table_rule), fade_in_still(self.table_rows[0]),
                  Create(self.lesson_box), run_time=0.8)
        if not self.paged and not self.turns:
            self.play(fade_in_still(self.pitfall), run_time=0.5)

    def left_on_screen(self) -> list:
        """The left panel as it stands: the labelled block, or the blocks to scale that replaced it."""
        return [self.scale_blocks, self.scale_labels, self.scale_note] if len(self.scale_blocks) else [self.left]

    def _show_sizes(self, beat: Beat) -> None:
        if not self.paged and self.turns:
            self._show_scale()
            self.play(fade_in_still(self.pitfall), run_time=0.5)
        if len(self.table_rows) > 1:
            self.play(fade_out_still(self.lesson_box), LaggedStart(*[fade_in(r, self.regions.safe, 0.15 * UP) for r in self.table_rows[1:]],
                                                            lag_ratio=0.4), run_time=1.5)
            self.play(indicate(self.table_rows[-1][2], self.regions.safe, colour=self.theme.negative), run_time=0.8)

    def _show_card(self, beat: Beat) -> None:
        if self.card_replaces_table:
            self.play(fade_out_still(self.table), fade_out_still(self.lesson_box), run_time=0.4)
        self.play(fade_in_still(self.card_box), LaggedStart(*[fade_in_still(l) for l in self.card_lines], lag_ratio=0.5),
                  run_time=1.2)
