"""Scene for ``analogy``: a − b + c, then its neighbours with and without the inputs."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, LaggedStart, Line, ReplacementTransform, SurroundingRectangle, VGroup

from embedcore.segments.analogy import AnalogyStoryboard

from . import layout
from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.emphasis import fade_in
from .components.parallelogram import ParallelogramPicture
from .components.ranked import RankedRow, ranked_rows
from .components.text import elide, label, wrapped
from .layout import Box
from .theme import GAP, SIZE

CHIP_PAD = 0.36      # a chip's width past its word's (components/chip.py)


class AnalogyScene(SegmentScene):
    storyboard: AnalogyStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("expr",), ("expr_note",), ("raw_head", "raw_rows"), ("exc_head", "exc_rows"), ("honesty",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        body = self.regions.body
        ops = [label("\u2212", th, size=SIZE.title), label("+", th, size=SIZE.title), label("=", th, size=SIZE.title),
               label("?", th, size=SIZE.title, colour=th.accent)]
        # the line may shrink to its chips' text floor: as wide as that lets it be, the answer takes at most half
        # and the three chips share the rest; a longer token is cut with "…" (its chip keeps the token's colour)
        room = body.width / max(layout.floor_scale([label("Ay", th, size=SIZE.chip)]), 1e-9)
        resolved = label(sb.resolved, th, size=SIZE.title, colour=th.accent, max_width=room / 2)
        chip_w = (room - sum(o.width for o in ops[:2]) - resolved.width - 5 * GAP.m) / 3 - CHIP_PAD

        def fit(tok: str) -> str:
            t = label(tok, th, size=SIZE.chip)
            if t.width <= chip_w:
                return tok
            keep = max(1, int(len(tok) * chip_w / t.width))
            while keep > 1 and label(elide(tok, keep), th, size=SIZE.chip).width > chip_w:
                keep -= 1
            return elide(tok, keep)
        chips = [TokenChip(fit(t), self.colour_of(t), th, token=t) for t in (sb.a, sb.b, sb.c)]
        parts = [chips[0], ops[0], chips[1], ops[1], chips[2], ops[2], ops[3]]
        self.expr = VGroup(*parts).arrange(RIGHT, buff=GAP.m)
        self.expr_note = wrapped("vector arithmetic on the rows, then: which tokens' rows point the same way (cosine)?",
                                 th, size=SIZE.note, colour=th.muted, max_width=body.width, centred=True, buff=GAP.xs)
        self.expr_note.next_to(self.expr, DOWN, buff=GAP.m)
        # the two lists at their natural size: a heading over ranked rows, the tokens as wide as the widest heading
        self.heads = VGroup(label(f"Raw top {sb.k}", th, size=SIZE.heading, weight="BOLD"),
                            label("Inputs excluded", th, size=SIZE.heading, weight="BOLD"))
        self.raw_head, self.exc_head = self.heads        # each list is its heading and its rows (PANELS)
        token_w = max(h.width for h in self.heads)

        def rows(hits, lead=GAP.s):
            return ranked_rows([RankedRow(h.rank, h.token, h.text, th.accent if h.is_expected else
                                          th.muted if h.is_input else th.text, "input" if h.is_input else None)
                                for h in hits], th, token_w=token_w, lead=lead)

        def columns_of(lead: float) -> list[list]:
            self.raw_rows, self.exc_rows = rows(sb.raw, lead), rows(sb.excluded, lead)
            out = []
            for head, rows_, hits in zip(self.heads, (self.raw_rows, self.exc_rows), (sb.raw, sb.excluded)):
                rows_.next_to(head, DOWN, buff=GAP.m, aligned_edge=LEFT)
                marks = [SurroundingRectangle(g, color=th.accent, buff=GAP.xs, stroke_width=2)
                         for h, g in zip(hits, rows_) if h.is_expected]
                out.append([head, rows_, *marks])
            return out

        columns = columns_of(GAP.s)
        # "= ?" becomes "≈ answer (score)": the chips move so the longer line stays centred
        eq = VGroup(*parts[5:])
        self.resolved = resolved
        self.resolved.move_to(eq.get_left() + RIGHT * (eq.width - self.resolved.width) / 2, aligned_edge=LEFT)
        # the line as it will read once resolved (chips moved left): the layout must make room for it
        grow = (self.resolved.width - eq.width) / 2
        self.resolved_line = Line(self.expr.get_left() + LEFT * grow, self.expr.get_right() + RIGHT * grow,
                                  stroke_width=0)
        top = [self.expr, self.expr_note, self.resolved, self.resolved_line]
        # as wide as the body allows: a line more would take height from the lists
        self.honesty = wrapped(sb.honesty, th, size=SIZE.note, colour=th.muted, max_width=body.width, centred=True,
                               buff=GAP.xs)
        # side by side or stacked, whichever draws the lists larger under the expression (or fills the body more)
        stacked = layout.arrange_to_fill(columns, body, gap=GAP.xl, above=[top], below=[[self.honesty]])
        # rows spread over the height a width-limited frame leaves (a tall one), between GAP.s and GAP.xl apart
        lead = layout.lead_to_fill([top, [m for col in columns for m in col], [self.honesty]], body,
                                   (sb.k - 1) * (2 if stacked else 1))
        if lead > GAP.s:
            columns = columns_of(lead)
            layout.arrange_to_fill(columns, body, gap=GAP.xl, above=[top], below=[[self.honesty]])
        self.marks = VGroup(*[m for col in columns for m in col[2:]])
        lists = VGroup(*[m for col in columns for m in col])
        self.fill_body([top, [*lists], [self.honesty]])
        # long tokens: the expression (as it reads once resolved) may still pass the body's sides, held at the scale
        # the smaller texts need; its own larger texts may shrink further, to their floor
        line = VGroup(self.expr, self.resolved, self.resolved_line)
        if self.resolved_line.width > body.width:
            k = max(body.width / self.resolved_line.width, min(1.0, layout.floor_scale([self.expr, self.resolved])))
            line.scale(k, about_point=line.get_top())
        line.shift(RIGHT * (body.centre[0] - self.resolved_line.get_center()[0]))
        self.expr_note.set_x(body.centre[0])
        self.resolve_shift = self.resolved.get_left()[0] - eq.get_left()[0]
        self.picture = ParallelogramPicture(
            sb.plane, Box(body.x0, body.y0, body.x1, self.expr_note.get_bottom()[1] - GAP.l), th,
            (th.token_colour(0), th.token_colour(1), th.token_colour(2),
             next(c for c in (*th.tokens[3:], th.text) if c.upper() != th.accent.upper())))

    def beats(self) -> list[Beat]:
        return [Beat(self._show_expression), Beat(self._show_raw), Beat(self._show_excluded), Beat(self._show_honesty)]

    def _show_expression(self, beat: Beat) -> None:
        self.play(LaggedStart(*[fade_in(p, self.regions.safe, 0.15 * UP) for p in self.expr], lag_ratio=0.15), run_time=1.2)
        self.play(FadeIn(self.expr_note), run_time=0.4)
        self._show_parallelogram()

    def _show_parallelogram(self) -> None:
        """The arithmetic as a picture: a − b moved to c lands at the result, next to the answer; then "= ?" resolves."""
        pic = self.picture
        self.play(pic.draw_inputs(), run_time=1.6)
        self.play(pic.draw_difference(), run_time=0.9)
        self.play(pic.move_difference(), run_time=1.2)
        self.play(pic.close(), run_time=0.9)
        self.play(pic.show_answer(), run_time=1.4)
        self.play(ReplacementTransform(VGroup(*self.expr[5:]), self.resolved),
                  VGroup(*self.expr[:5]).animate.shift(RIGHT * self.resolve_shift), run_time=0.9)
        self.wait(1.2)
        self.play(pic.clear(), run_time=0.5)

    def _show_raw(self, beat: Beat) -> None:
        self.play(FadeIn(self.heads[0]), run_time=0.4)
        self.play(LaggedStart(*[fade_in(r, self.regions.safe, 0.15 * RIGHT) for r in self.raw_rows], lag_ratio=0.25), run_time=1.3)

    def _show_excluded(self, beat: Beat) -> None:
        self.play(FadeIn(self.heads[1]), run_time=0.4)
        self.play(LaggedStart(*[fade_in(r, self.regions.safe, 0.15 * LEFT) for r in self.exc_rows], lag_ratio=0.25), run_time=1.3)
        if len(self.marks):
            self.play(FadeIn(self.marks), run_time=0.5)

    def _show_honesty(self, beat: Beat) -> None:
        sb = self.storyboard
        if not (sb.captions_on_screen and sb.honesty in beat.lines):     # the caption says it: not printed twice
            self.play(FadeIn(self.honesty), run_time=0.5)
        beat.finish()
        self.wait(0.3)
