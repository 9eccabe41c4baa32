"""Scene for ``nearest-neighbours``: two ranked lists side by side, linked.

Lines join a token's place in the cosine list to its place in the distance
list: flat where the ranks agree, slanted (accent) where they differ; tokens
found by only one metric are drawn in the accent colour.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, LaggedStart, Line, VGroup

from embedcore.segments.nearest_neighbours import NeighboursStoryboard

from .base import SegmentScene, narration_phases
from .components.chip import TokenChip
from .components.text import label

COL_W = 4.6


class NearestNeighboursScene(SegmentScene):
    storyboard: NeighboursStoryboard

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        self.chip = TokenChip(sb.query, th.token_colour(0), th, size=28)
        body_top = self.header.get_bottom()[1] - 0.2
        self.chip.move_to([-self.fw / 2 + 0.5, body_top, 0], aligned_edge=UP + LEFT)
        self.query_note = label(f"query  (id {sb.query_id:,})", th, size=18, colour=th.muted)
        self.query_note.next_to(self.chip, RIGHT, buff=0.25)
        self.space = label(sb.space_note + ("; the query itself left out" if sb.excluded_query else ""), th,
                           size=18, colour=th.muted, max_width=self.fw / 2 + 1.5)
        self.space.move_to([self.fw / 2 - 0.4, self.chip.get_y(), 0], aligned_edge=RIGHT)
        if self.space.get_left()[0] < self.query_note.get_right()[0] + 0.3:
            self.space.next_to(self.chip, DOWN, buff=0.15).align_to(self.chip, LEFT)

        k = len(sb.by_cosine)
        step = min(0.55, 3.9 / max(k, 1))
        top = min(1.35, self.chip.get_bottom()[1] - 0.95)
        size = 24 if step >= 0.5 else 20
        gap = 1.5
        xl = -gap / 2 - COL_W          # left column's left edge
        xr = gap / 2                   # right column's left edge
        self.heads = VGroup(
            label("By cosine similarity", th, size=24, weight="BOLD").move_to([xl, top + 0.7, 0], aligned_edge=LEFT),
            label("By Euclidean distance", th, size=24, weight="BOLD").move_to([xr, top + 0.7, 0], aligned_edge=LEFT),
        )
        self.subheads = VGroup(
            label("higher = closer (angle)", th, size=17, colour=th.muted).next_to(self.heads[0], DOWN, buff=0.08)
            .align_to(self.heads[0], LEFT),
            label("lower = closer (straight-line gap)", th, size=17, colour=th.muted).next_to(self.heads[1], DOWN,
                                                                                             buff=0.08)
            .align_to(self.heads[1], LEFT),
        )
        top -= 0.15

        def rows(items, x):
            g = VGroup()
            for n in items:
                y = top - (n.rank - 0.5) * step - 0.05
                colour = th.accent if n.other_rank is None else th.text
                r = label(f"{n.rank}.", th, size=size, colour=th.muted, mono=True).move_to([x + 0.45, y, 0],
                                                                                          aligned_edge=RIGHT)
                t = label(n.token, th, size=size, colour=colour, max_width=2.6).move_to([x + 0.65, y, 0],
                                                                                       aligned_edge=LEFT)
                v = label(n.text, th, size=size, mono=True, colour=colour).move_to([x + COL_W - 0.1, y, 0],
                                                                                  aligned_edge=RIGHT)
                g.add(VGroup(r, t, v))
            return g

        self.left_rows = rows(sb.by_cosine, xl)
        self.right_rows = rows(sb.by_distance, xr)
        self.links = VGroup()
        self.link_changed: list[bool] = []
        for n in sb.by_cosine:
            if n.other_rank is None:
                continue
            a = self.left_rows[n.rank - 1][2].get_right() + RIGHT * 0.12
            b = self.right_rows[n.other_rank - 1][0].get_left() + LEFT * 0.12
            changed = n.other_rank != n.rank
            self.links.add(Line(a, b, stroke_width=3 if changed else 1.5,
                                stroke_color=th.accent if changed else th.faint))
            self.link_changed.append(changed)
        self.legend = label("accent: found by one metric only, or at a different rank", th, size=17,
                            colour=th.muted)
        bottom = min(self.left_rows.get_bottom()[1], self.right_rows.get_bottom()[1])
        self.legend.move_to([0, bottom - 0.35, 0])

    def play_body(self) -> None:
        sb, th = self.storyboard, self.theme
        phases = narration_phases(sb.narration, 3)
        for text in phases[0]:
            self.say(text)
        self.play(FadeIn(self.chip), FadeIn(self.query_note), run_time=0.6)
        self.play(FadeIn(self.space), run_time=0.5)
        self.settle()

        for text in phases[1]:
            self.say(text)
        self.play(FadeIn(self.heads[0]), FadeIn(self.subheads[0]), run_time=0.5)
        self.play(LaggedStart(*[FadeIn(r, shift=0.15 * RIGHT) for r in self.left_rows], lag_ratio=0.25), run_time=1.4)
        self.play(FadeIn(self.heads[1]), FadeIn(self.subheads[1]), run_time=0.5)
        self.play(LaggedStart(*[FadeIn(r, shift=0.15 * LEFT) for r in self.right_rows], lag_ratio=0.25), run_time=1.4)
        self.settle()

        for text in phases[2]:
            self.say(text)
        if len(self.links):
            self.play(LaggedStart(*[Create(l) for l in self.links], lag_ratio=0.2), run_time=1.2)
        self.play(FadeIn(self.legend), run_time=0.5)
        self.settle()
        self.wait(1.0)
