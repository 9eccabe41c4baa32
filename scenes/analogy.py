"""Scene for ``analogy``: a − b + c, then its neighbours with and without the inputs."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, LaggedStart, SurroundingRectangle, VGroup

from embedcore.segments.analogy import AnalogyStoryboard

from .base import SegmentScene, narration_phases
from .components.chip import TokenChip
from .components.text import label, wrap

COL_W = 4.4


class AnalogyScene(SegmentScene):
    storyboard: AnalogyStoryboard

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        parts = [TokenChip(sb.a, th.token_colour(0), th), label("\u2212", th, size=34),
                 TokenChip(sb.b, th.token_colour(1), th), label("+", th, size=34),
                 TokenChip(sb.c, th.token_colour(2), th), label("=", th, size=34),
                 label("?", th, size=34, colour=th.accent)]
        self.expr = VGroup(*parts).arrange(RIGHT, buff=0.25)
        self.expr.move_to([0, self.header.get_bottom()[1] - 0.2, 0], aligned_edge=UP)
        self.expr_note = label("vector arithmetic on the rows, then: which tokens' rows point the same way (cosine)?",
                               th, size=17, colour=th.muted, max_width=self.fw - 1.5)
        self.expr_note.next_to(self.expr, DOWN, buff=0.2)
        top = self.expr_note.get_bottom()[1] - 0.45
        gap = 1.4
        xl, xr = -gap / 2 - COL_W, gap / 2
        self.heads = VGroup(
            label(f"Raw top {sb.k}", th, size=24, weight="BOLD").move_to([xl, top, 0], aligned_edge=LEFT),
            label("Inputs excluded", th, size=24, weight="BOLD").move_to([xr, top, 0], aligned_edge=LEFT),
        )
        step = min(0.5, 3.0 / sb.k)

        def rows(hits, x):
            g = VGroup()
            for h in hits:
                y = top - 0.55 - (h.rank - 1) * step
                colour = th.accent if h.is_expected else (th.muted if h.is_input else th.text)
                r = label(f"{h.rank}.", th, size=22, colour=th.muted, mono=True).move_to([x + 0.4, y, 0],
                                                                                        aligned_edge=RIGHT)
                t = label(h.token, th, size=22, colour=colour, max_width=2.0).move_to([x + 0.6, y, 0],
                                                                                     aligned_edge=LEFT)
                g2 = VGroup(r, t)
                if h.is_input:
                    g2.add(label("input", th, size=15, colour=th.muted).next_to(t, RIGHT, buff=0.15))
                g2.add(label(h.text, th, size=22, mono=True, colour=colour).move_to([x + COL_W - 0.1, y, 0],
                                                                                   aligned_edge=RIGHT))
                g.add(g2)
            return g

        self.raw_rows = rows(sb.raw, xl)
        self.exc_rows = rows(sb.excluded, xr)
        self.marks = VGroup(*[SurroundingRectangle(g, color=th.accent, buff=0.06, stroke_width=2)
                              for hits, rows_ in ((sb.raw, self.raw_rows), (sb.excluded, self.exc_rows))
                              for h, g in zip(hits, rows_) if h.is_expected])
        bottom = min(self.raw_rows.get_bottom()[1], self.exc_rows.get_bottom()[1])
        self.honesty = VGroup(*[label(s, th, size=17, colour=th.muted) for s in wrap(sb.honesty, 90).split("\n")])
        self.honesty.arrange(DOWN, buff=0.06).move_to([0, bottom - 0.45, 0], aligned_edge=UP)
        if self.honesty.width > self.fw - 1.0:
            self.honesty.scale_to_fit_width(self.fw - 1.0)

    def play_body(self) -> None:
        sb, th = self.storyboard, self.theme
        phases = narration_phases(sb.narration, 4)
        for text in phases[0]:
            self.say(text)
        self.play(LaggedStart(*[FadeIn(p, shift=0.15 * UP) for p in self.expr], lag_ratio=0.15), run_time=1.2)
        self.play(FadeIn(self.expr_note), run_time=0.4)
        self.settle()

        for text in phases[1]:
            self.say(text)
        self.play(FadeIn(self.heads[0]), run_time=0.4)
        self.play(LaggedStart(*[FadeIn(r, shift=0.15 * RIGHT) for r in self.raw_rows], lag_ratio=0.25), run_time=1.3)
        self.settle()

        for text in phases[2]:
            self.say(text)
        self.play(FadeIn(self.heads[1]), run_time=0.4)
        self.play(LaggedStart(*[FadeIn(r, shift=0.15 * LEFT) for r in self.exc_rows], lag_ratio=0.25), run_time=1.3)
        if len(self.marks):
            self.play(FadeIn(self.marks), run_time=0.5)
        self.settle()

        for text in phases[3]:
            self.say(text)
        self.play(FadeIn(self.honesty), run_time=0.5)
        self.settle()
        self.wait(0.3)
