"""One cosine derived in view: two rows divided by their lengths, multiplied elementwise, summed.

Built once from the storyboard's :class:`~embedcore.segments.similarity_matrix.CellDerivation`
(every number is its text); laid out as columns, one row per component, and fitted into the box
the scene gives it. The methods return the animations, step by step.
"""
from __future__ import annotations

import math

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

from ..layout import Box, floor_scale, transform
from ..layout import bounds as layout_bounds
from ..theme import GAP, SIZE, Theme
from .clearing import FadeOutAll
from .text import SHRINK_OK, elide, label, number

ROW_H = 0.36        # one component's row, at the natural size (SIZE.cell)
ACROSS_H = 0.75     # laid across: one series' row, with room for the operators between rows
OP_W = 0.4          # laid down: the column an operator (×, =) takes
HEAD_KEEP = 3           # a cut token keeps this many characters, its "…" one of them
FIRST = 1.85        # rows above the first component: the token, then its length


def _head(token: str, tail: str, theme: Theme, colour: str, width: float):
    """``token`` + ``tail`` no wider than ``width``: the token cut with "…", never the number in ``tail``."""
    t = label(token + tail, theme, size=SIZE.label, colour=colour)
    keep = len(token)
    while t.width > width * SHRINK_OK and keep > HEAD_KEEP:     # a token is never cut to its "…" alone
        keep -= 1
        t = label(elide(token, keep) + tail, theme, size=SIZE.label, colour=colour)
    return t.scale_to_fit_width(width) if t.width > width else t


class DerivedCell(VGroup):
    """Columns: row i's components | × | row j's | = | their products; each row's token and length
    above it, the sum under the products. ``backing``: an opaque panel behind it (laid over the matrix),
    ``step`` high rows of it covered whole."""

    def __init__(self, dv: CellDerivation, theme: Theme, colours: tuple[str, str], box: Box, *,
                 backing: bool = False, step: float = 0.0, keep: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        th = theme
        size = SIZE.cell
        # ``keep``: only the first components (a short body at the text floor); the ⋮ then stands for the rest
        self.dims = m = min(len(dv.dims), keep or len(dv.dims))
        raw = [side[:m] for side in dv.raw]
        unit = [side[:m] for side in dv.unit]
        products = dv.products[:m]
        hidden = dv.hidden or m < len(dv.dims)
        values = [*raw[0], *raw[1], *unit[0], *unit[1], *products, dv.total]
        self.col_w = max(number(v, th, size=size).width for v in values) + GAP.m
        head_w = self.col_w + OP_W - GAP.s          # a gap between neighbouring heads
        self.heads = VGroup(*[label(t, th, size=SIZE.label, colour=c, max_width=head_w)
                              for t, c in zip(dv.tokens, colours)])
        self.unit_heads = VGroup(*[_head(t, f" \u00f7 {n}", th, c, head_w)
                                   for t, n, c in zip(dv.tokens, dv.norms, colours)])
        self.product_head = label("product", th, size=SIZE.label, colour=th.muted)
        self.raw = VGroup(*[VGroup(*[number(t, th, size=size) for t in side]) for side in raw])
        self.unit = VGroup(*[VGroup(*[number(t, th, size=size) for t in side]) for side in unit])
        self.products = VGroup(*[number(t, th, size=size) for t in products])
        self.ops = VGroup(*[VGroup(label("\u00d7", th, size=size, colour=th.muted), label("=", th, size=size,
                                                                                        colour=th.muted))
                            for _ in range(m)])
        # components not shown: a column of ⋮ (laid down) or a ⋯ in each row (laid across)
        self._more = {across: VGroup(*[label("\u22ef" if across else "\u22ee", th, size=size, colour=th.muted)
                                       for _ in range(3)]) if hidden else VGroup() for across in (False, True)}
        self.more = self._more[False]
        self.lengths = VGroup(*[label(f"length {n}", th, size=SIZE.note, colour=th.muted)
                                for n in dv.norms])      # never cut: "…" would eat the number
        self.rule = Line([0, 0, 0], [1, 0, 0], color=th.muted, stroke_width=2)
        # fewer components on screen than the storyboard shows: the sum names how many it adds
        head, _, _ = (dv.sum_line if m == len(dv.dims) else dv.sum_all_line).rpartition(dv.total)
        self.total = number(dv.total, th, size=SIZE.value, colour=th.accent)
        self.sum_words = label(head.strip(), th, size=SIZE.note, colour=th.muted)
        # down (one row per component) suits a tall box, across (one column per component) a wide one
        pad = GAP.m if backing else 0.0
        self.spread = 0.0           # added between number columns, so that they stay GAP.s apart once scaled
        fits = {}
        self.sizes: dict[bool, tuple[float, float]] = {}     # natural width and height, laid down and across
        for across in (False, True):
            bounds = self._arrange(across)
            self.sizes[across] = (bounds.width, bounds.height)
            fits[across] = self._fit(bounds, box, pad)
        self.across = fits[True] > fits[False] * 1.05
        self.floor = floor = floor_scale([self.heads, self.unit_heads, self.raw, self.unit, self.products, self.ops,
                                          self._more[False], self.lengths, self.sum_words, self.total,
                                          self.product_head])
        for _ in range(8):          # a card drawn smaller needs more room between its columns: to a fixed point
            need = self._spread_for(max(fits[self.across], floor))
            if need <= self.spread + 1e-3:
                break
            self.spread = need
            fits[self.across] = self._fit(self._arrange(self.across), box, pad)
        bounds = self._arrange(self.across)
        x0, y0, x1, y1 = bounds.x0, bounds.y0, bounds.x1, bounds.y1
        parts = VGroup(self.heads, self.product_head, self.raw, self.products, self.ops, self.more, self.lengths,
                       self.rule, self.total, self.sum_words)
        # fit into the box: top-centred, no larger than 1.2 × natural size
        content = [parts, self.unit, self.unit_heads]
        x0, x1 = min(p.get_left()[0] for p in content), max(p.get_right()[0] for p in content)
        y1 = max(p.get_top()[1] for p in content)
        y0 = min(p.get_bottom()[1] for p in content)
        scale = max(fits[self.across], floor)      # never below the text floor
        transform(content, scale, np.array([(x0 + x1) / 2, y1, 0.0]),
                  np.array([box.centre[0], box.y1 - pad, 0.0]))
        self.scale_used = scale
        self.backing = VGroup()
        if backing:
            w, h = box.width, (y1 - y0) * scale + 2 * pad        # full width: it hides the rows' labels too
            if step:            # whole rows of what it lies over (``step`` high): none cut through by its edge
                h = min(math.ceil(h / step - 1e-9) * step, box.height)
            self.backing.add(Rectangle(width=w, height=h, stroke_color=th.faint, stroke_width=1.5,
                                       fill_color=th.background, fill_opacity=1)
                             .move_to([box.centre[0], box.y1 - h / 2, 0]))
        self.add(self.backing, parts)

    @staticmethod
    def _fit(bounds: Box, box: Box, pad: float) -> float:
        """The scale that fits ``bounds`` into ``box`` less ``pad`` on each side, at most 1.2."""
        return min(1.2, (box.width - 2 * pad) / bounds.width, (box.height - 2 * pad) / bounds.height)

    def _spread_for(self, scale: float) -> float:
        """What :attr:`spread` keeps neighbouring columns (numbers, heads, an operator between numbers)
        at least GAP.s apart when the card is drawn at ``scale``."""
        apart = GAP.s / scale - GAP.s               # heads (down) or numbers (across): GAP.s apart at natural size
        if self.across:
            return max(0.0, apart)
        op_w = max(o.width for pair in self.ops for o in pair)
        # laid down, an operator sits midway between two numbers (OP_W + GAP.m apart at natural size), and the
        # lengths under the heads are centred a column step apart
        step = self.col_w + OP_W
        return max(0.0, apart, 2 * GAP.s / scale + op_w - OP_W - GAP.m,
                   GAP.s / scale + max(t.width for t in self.lengths) - step)

    def _arrange(self, across: bool) -> Box:
        """Place every part, down (components in rows) or across (components in columns); return the bounds."""
        m, cw = self.dims, self.col_w
        self.more = self._more[across]
        if not across:
            xs = [0.0, cw + OP_W + self.spread, 2 * (cw + OP_W + self.spread)]     # the three number columns

            def at(series: int, k: float):
                return np.array([xs[series] + cw / 2 - GAP.s, -(k + FIRST) * ROW_H, 0.0])
            for x, h, u, n in zip(xs, self.heads, self.unit_heads, self.lengths):
                h.move_to([x, 0, 0])
                u.move_to([x, 0, 0])
                n.move_to([x, -0.9 * ROW_H, 0])
            self.product_head.move_to([xs[2], 0, 0])
            for k, (times, equals) in enumerate(self.ops):
                times.move_to([(xs[0] + xs[1]) / 2, at(0, k)[1], 0])
                equals.move_to([(xs[1] + xs[2]) / 2, at(0, k)[1], 0])
            below = m + FIRST + (1 if len(self.more) else 0)
            for x, dots in zip(xs, self.more):
                dots.move_to([x, -(m + FIRST) * ROW_H, 0])
            rule_y = -below * ROW_H + ROW_H / 2
            self.rule.put_start_and_end_on(np.array([xs[2] - cw / 2, rule_y, 0]), np.array([xs[2] + cw / 2, rule_y, 0]))
            self.total.move_to([xs[2] + cw / 2 - GAP.s, -(below + 0.3) * ROW_H, 0], aligned_edge=RIGHT)
        else:
            lw = max(m_.width for m_ in (*self.heads, *self.unit_heads, *self.lengths, self.product_head)) + GAP.m
            ys = [0.0, -ACROSS_H, -2 * ACROSS_H]            # the three rows

            cw = cw - GAP.m + GAP.s + self.spread             # no operator between columns here

            def at(series: int, k: float):
                return np.array([lw + (k + 1) * cw - GAP.xs, ys[series], 0.0])
            for y, h, u, n in zip(ys, self.heads, self.unit_heads, self.lengths):
                h.move_to([0, y + 0.12, 0], aligned_edge=LEFT)
                u.move_to([0, y + 0.12, 0], aligned_edge=LEFT)
                n.move_to([0, y - 0.2, 0], aligned_edge=LEFT)
            self.product_head.move_to([0, ys[2], 0], aligned_edge=LEFT)
            for k, (times, equals) in enumerate(self.ops):
                times.move_to([lw + (k + 0.5) * cw, -ACROSS_H / 2, 0])
                equals.move_to([lw + (k + 0.5) * cw, -1.5 * ACROSS_H, 0])
            right = lw + (m + (1 if len(self.more) else 0)) * cw
            for y, dots in zip(ys, self.more):
                dots.move_to([right - cw / 2, y, 0])
            rule_y = ys[2] - ACROSS_H / 2
            self.rule.put_start_and_end_on(np.array([lw, rule_y, 0]), np.array([right, rule_y, 0]))
            self.total.move_to([right - GAP.s, rule_y - 0.3, 0], aligned_edge=RIGHT)
        for series, cells in enumerate((*self.raw, self.products)):
            for k, c in enumerate(cells):
                c.move_to(at(series, k), aligned_edge=RIGHT)
        for series, cells in enumerate(self.unit):
            for k, c in enumerate(cells):
                c.move_to(at(series, k), aligned_edge=RIGHT)
        self.sum_words.next_to(self.total, LEFT, buff=GAP.s)
        return layout_bounds([self.heads, self.unit_heads, self.lengths, self.product_head, self.raw, self.unit,
                              self.products, self.ops, *([self.more] if len(self.more) else []), self.rule,
                              self.total, self.sum_words])

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
