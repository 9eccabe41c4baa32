"""One cosine derived in view: two rows divided by their lengths, multiplied elementwise, summed.

Built once from the storyboard's :class:`~embedcore.segments.similarity_matrix.CellDerivation`
(every number is its text); laid out as columns, one row per component, and fitted into the box
the scene gives it. The methods return the animations, step by step.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Mobject,
    Rectangle,
    ReplacementTransform,
    VGroup,
)

from embedcore.segments.similarity_matrix import CellDerivation

from ..layout import Box, transform
from ..theme import GAP, SIZE, Theme
from .clearing import FadeOutAll
from .text import label, number

ROW_H = 0.36        # one component's row, at the natural size (SIZE.cell)
FIRST = 1.85        # rows above the first component: the token, then its length


class DerivedCell(VGroup):
    """Columns: row i's components | × | row j's | = | their products; each row's token and length
    above it, the sum under the products. ``backing``: an opaque panel behind it (laid over the matrix)."""

    def __init__(self, dv: CellDerivation, theme: Theme, colours: tuple[str, str], box: Box, *,
                 backing: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        th = theme
        size = SIZE.cell
        values = [*dv.raw[0], *dv.raw[1], *dv.unit[0], *dv.unit[1], *dv.products, dv.total]
        col_w = max(number(v, th, size=size).width for v in values) + GAP.m
        op_w = 0.4
        xs = [0.0, col_w + op_w, 2 * (col_w + op_w)]        # centres of the three number columns
        ops_x = [col_w / 2 + op_w / 2, xs[1] + col_w / 2 + op_w / 2]
        m = len(dv.dims)

        def y(r: float) -> float:
            return -r * ROW_H

        def col(texts, x, colour=None):
            return VGroup(*[number(t, th, size=size, colour=colour).move_to([x, y(k + FIRST), 0], aligned_edge=RIGHT)
                            .shift(RIGHT * col_w / 2 - RIGHT * GAP.s) for k, t in enumerate(texts)])

        self.heads = VGroup(*[label(t, th, size=SIZE.label, colour=c, max_width=col_w + op_w).move_to([x, y(0), 0])
                              for t, c, x in zip(dv.tokens, colours, xs)])
        self.unit_heads = VGroup(*[label(f"{t} \u00f7 {n}", th, size=SIZE.label, colour=c, max_width=col_w + op_w)
                                   .move_to([x, y(0), 0]) for t, n, c, x in zip(dv.tokens, dv.norms, colours, xs)])
        self.product_head = label("product", th, size=SIZE.label, colour=th.muted).move_to([xs[2], y(0), 0])
        self.raw = VGroup(col(dv.raw[0], xs[0]), col(dv.raw[1], xs[1]))
        self.unit = VGroup(col(dv.unit[0], xs[0]), col(dv.unit[1], xs[1]))
        self.products = col(dv.products, xs[2])
        self.ops = VGroup(*[VGroup(label("\u00d7", th, size=size, colour=th.muted).move_to([ops_x[0], y(k + FIRST), 0]),
                                   label("=", th, size=size, colour=th.muted).move_to([ops_x[1], y(k + FIRST), 0]))
                            for k in range(m)])
        below = m + FIRST
        self.more = VGroup()
        if dv.hidden:
            self.more = VGroup(*[label("\u22ee", th, size=size, colour=th.muted).move_to([x, y(below), 0])
                                 for x in xs])
            below += 1
        self.lengths = VGroup(*[label(f"length {n}", th, size=SIZE.note, colour=th.muted, max_width=col_w + op_w)
                                .move_to([x, y(0.9), 0]) for n, x in zip(dv.norms, xs)])
        rule_y = y(below) + ROW_H / 2
        self.rule = Line([xs[2] - col_w / 2, rule_y, 0], [xs[2] + col_w / 2, rule_y, 0], color=th.muted,
                         stroke_width=2)
        head, _, _ = dv.sum_line.rpartition(dv.total)
        self.total = number(dv.total, th, size=SIZE.value, colour=th.accent)
        self.sum_words = label(head.strip(), th, size=SIZE.note, colour=th.muted)
        self.total.move_to([xs[2] + col_w / 2 - GAP.s, y(below + 0.3), 0], aligned_edge=RIGHT)
        self.sum_words.next_to(self.total, LEFT, buff=GAP.s)
        parts = VGroup(self.heads, self.product_head, self.raw, self.products, self.ops, self.more, self.lengths,
                       self.rule, self.total, self.sum_words)
        # fit into the box: top-centred, no larger than 1.2 × natural size
        content = [parts, self.unit, self.unit_heads]
        x0, x1 = min(p.get_left()[0] for p in content), max(p.get_right()[0] for p in content)
        y1 = max(p.get_top()[1] for p in content)
        y0 = min(p.get_bottom()[1] for p in content)
        pad = GAP.m if backing else 0.0
        scale = min(1.2, (box.width - 2 * pad) / (x1 - x0), (box.height - 2 * pad) / (y1 - y0))
        transform(content, scale, np.array([(x0 + x1) / 2, y1, 0.0]),
                  np.array([box.centre[0], box.y1 - pad, 0.0]))
        self.scale_used = scale
        self.backing = VGroup()
        if backing:
            w, h = box.width, (y1 - y0) * scale + 2 * pad        # full width: it hides the rows' labels too
            self.backing.add(Rectangle(width=w, height=h, stroke_color=th.faint, stroke_width=1.5,
                                       fill_color=th.background, fill_opacity=0.96)
                             .move_to([box.centre[0], box.y1 - h / 2, 0]))
        self.add(self.backing, parts)

    # -- the steps, in order -------------------------------------------------
    def show_rows(self) -> Animation:
        """The two tokens' rows (their first components), as columns."""
        return LaggedStart(*([FadeIn(self.backing)] if len(self.backing) else []), FadeIn(self.heads),
                           *[FadeIn(c, shift=0.15 * DOWN) for c in self.raw], FadeIn(self.more), lag_ratio=0.3)

    def show_lengths(self) -> Animation:
        """Each row's length (over all d components)."""
        return FadeIn(self.lengths, shift=0.1 * UP)

    def normalise(self) -> Animation:
        """Each row divided by its length: unit vectors, so only direction is left."""
        return LaggedStart(*[ReplacementTransform(a, b) for a, b in zip(self.raw, self.unit)],
                           ReplacementTransform(self.heads, self.unit_heads), lag_ratio=0.2)

    def multiply(self) -> Animation:
        """Component by component: the two numbers meet in their product."""
        steps = []
        for k, p in enumerate(self.products):
            pair = VGroup(self.unit[0][k].copy(), self.unit[1][k].copy())
            steps.append(LaggedStart(FadeIn(self.ops[k]), ReplacementTransform(pair, p), lag_ratio=0.3))
        return LaggedStart(FadeIn(self.product_head), *steps, lag_ratio=0.25)

    def add_up(self) -> Animation:
        """The products collapse into their sum: the cosine."""
        return LaggedStart(Create(self.rule), FadeIn(self.sum_words),
                           ReplacementTransform(self.products.copy(), self.total), lag_ratio=0.3)

    def fly_to(self, target: Mobject | None, cell: Mobject) -> Animation:
        """The sum flies into the cell: becomes its printed value, or (values not printed) lands in it."""
        if target is not None:
            return ReplacementTransform(self.total.copy(), target)
        return FadeOut(self.total.copy(), target_position=cell.get_center(), scale=0.3)

    def clear(self) -> Animation:
        return FadeOutAll(VGroup(self, self.unit, self.unit_heads))
