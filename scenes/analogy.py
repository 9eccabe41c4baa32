"""Scene for ``analogy``: a − b + c, then its neighbours with and without the inputs."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, LaggedStart, Line, ReplacementTransform, SurroundingRectangle, VGroup

from embedcore.segments.analogy import AnalogyStoryboard

from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.emphasis import fade_in
from .components.parallelogram import ParallelogramPicture
from .components.text import baseline_y, label, sit_on, wrapped
from .layout import Box
from .theme import GAP, SIZE

COL_W = 4.4


class AnalogyScene(SegmentScene):
    storyboard: AnalogyStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("expr",), ("expr_note",), ("heads",), ("raw_rows",), ("exc_rows",), ("honesty",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        parts = [TokenChip(sb.a, self.colour_of(sb.a), th), label("\u2212", th, size=SIZE.title),
                 TokenChip(sb.b, self.colour_of(sb.b), th), label("+", th, size=SIZE.title),
                 TokenChip(sb.c, self.colour_of(sb.c), th), label("=", th, size=SIZE.title),
                 label("?", th, size=SIZE.title, colour=th.accent)]
        self.expr = VGroup(*parts).arrange(RIGHT, buff=GAP.m)
        self.expr.move_to([0, self.header.get_bottom()[1] - 0.2, 0], aligned_edge=UP)
        self.expr_note = wrapped("vector arithmetic on the rows, then: which tokens' rows point the same way (cosine)?",
                                 th, size=SIZE.note, colour=th.muted, max_width=self.fw - 1.0, centred=True, buff=GAP.xs)
        self.expr_note.next_to(self.expr, DOWN, buff=GAP.m)
        top = self.expr_note.get_bottom()[1] - (0.45 if self.landscape else 0.3) - (0.5 if self.portrait else 0.0)
        gap = 1.4 if self.landscape else 0.6
        col_w = min(COL_W, (self.fw - 0.8 - gap) / 2)
        xl, xr = -gap / 2 - col_w, gap / 2
        self.heads = VGroup(
            label(f"Raw top {sb.k}", th, size=SIZE.heading, weight="BOLD", max_width=col_w).move_to([xl, top, 0],
                                                                                         aligned_edge=LEFT),
            label("Inputs excluded", th, size=SIZE.heading, weight="BOLD", max_width=col_w).move_to([xr, top, 0],
                                                                                         aligned_edge=LEFT),
        )
        first = 0.55 if self.landscape else 0.45        # heads to first row
        honesty_h = 0.9 if self.landscape else 0.75
        step = max(0.4, min(0.7 if self.portrait else 0.5, (4.2 if self.portrait else 3.0) / sb.k, (top - first - self.body_bottom - honesty_h) / max(sb.k, 1)))

        def rows(hits, x):
            g = VGroup()
            for h in hits:
                y = top - first - (h.rank - 1) * step
                colour = th.accent if h.is_expected else (th.muted if h.is_input else th.text)
                r = label(f"{h.rank}.", th, size=SIZE.label, colour=th.muted, mono=True).move_to([x + 0.4, y, 0],
                                                                                        aligned_edge=RIGHT)
                v = label(h.text, th, size=SIZE.label, mono=True, colour=colour).move_to([x + col_w - 0.1, y, 0],
                                                                                aligned_edge=RIGHT)
                tag = label("input", th, size=SIZE.small, colour=th.muted) if h.is_input else None
                room = v.get_left()[0] - 0.15 - (x + 0.6) - (tag.width + 0.15 if tag else 0)
                t = label(h.token, th, size=SIZE.label, colour=colour, max_width=min(2.0, room)).move_to([x + 0.6, y, 0],
                                                                                                aligned_edge=LEFT)
                base = baseline_y(r)            # one baseline for the row, not each glyph's outline
                sit_on(t, base)
                sit_on(v, base)
                g2 = VGroup(r, t)
                if tag is not None:
                    g2.add(sit_on(tag.next_to(t, RIGHT, buff=GAP.s), base))
                g2.add(v)
                g.add(g2)
            return g

        self.raw_rows = rows(sb.raw, xl)
        self.exc_rows = rows(sb.excluded, xr)
        self.marks = VGroup(*[SurroundingRectangle(g, color=th.accent, buff=GAP.xs, stroke_width=2)
                              for hits, rows_ in ((sb.raw, self.raw_rows), (sb.excluded, self.exc_rows))
                              for h, g in zip(hits, rows_) if h.is_expected])
        bottom = min(self.raw_rows.get_bottom()[1], self.exc_rows.get_bottom()[1])
        self.honesty = wrapped(sb.honesty, th, size=SIZE.note, colour=th.muted, max_width=min(self.fw - 1.0, 11.5),
                               centred=True, buff=GAP.xs)
        self.honesty.move_to([0, bottom - (0.45 if self.landscape else 0.3), 0], aligned_edge=UP)
        # "= ?" becomes "≈ answer (score)": the chips move so the longer line stays centred
        eq = VGroup(*parts[5:])
        self.resolved = label(sb.resolved, th, size=SIZE.title, colour=th.accent)
        self.resolved.move_to(eq.get_left() + RIGHT * (eq.width - self.resolved.width) / 2, aligned_edge=LEFT)
        # the line as it will read once resolved (chips moved left): the layout must make room for it
        grow = (self.resolved.width - eq.width) / 2
        self.resolved_line = Line(self.expr.get_left() + LEFT * grow, self.expr.get_right() + RIGHT * grow,
                                  stroke_width=0)
        self.fill_body([[self.expr, self.expr_note, self.resolved, self.resolved_line],
                        [self.heads, self.raw_rows, self.exc_rows, self.marks], [self.honesty]])
        self.resolve_shift = self.resolved.get_left()[0] - eq.get_left()[0]
        body = self.regions.body
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
        self.play(FadeIn(self.honesty), run_time=0.5)
        beat.finish()
        self.wait(0.3)
