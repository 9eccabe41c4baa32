"""Scene for ``nearest-neighbours``: two ranked lists side by side, linked.

Lines join a token's place in the cosine list to its place in the distance
list: flat where the ranks agree, slanted (accent) where they differ; tokens
found by only one metric are drawn in the accent colour.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, LaggedStart, Line, VGroup

from embedcore.segments.nearest_neighbours import NeighboursStoryboard

from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.emphasis import fade_in
from .components.neighbourhood import ConeAndBallPicture
from .components.text import baseline_y, label, sit_on, wrapped
from .layout import Box
from .theme import GAP, SIZE

COL_W = 4.6


class NearestNeighboursScene(SegmentScene):
    storyboard: NeighboursStoryboard
    CONTAIN = True          # hand placed; every later position is read from its mobjects
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("chip", "query_note"), ("space",), ("heads", "subheads"), ("left_rows",),
              ("right_rows",), ("legend",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        self.chip = TokenChip(sb.query, self.colour_of(sb.query), th, size=SIZE.value)
        body = self.regions.body
        self.chip.move_to([body.x0, body.y1, 0], aligned_edge=UP + LEFT)
        self.query_note = label(f"query  (id {sb.query_id:,})", th, size=SIZE.note, colour=th.muted)
        self.query_note.next_to(self.chip, RIGHT, buff=GAP.m)
        space = sb.space_note + ("; the query itself left out" if sb.excluded_query else "")
        self.space = label(space, th, size=SIZE.note, colour=th.muted)
        self.space.move_to([body.x1, self.chip.get_y(), 0], aligned_edge=RIGHT)
        if self.space.get_left()[0] < self.query_note.get_right()[0] + 0.3:
            # beside the query if it wraps into the chip's height, else under it
            room = body.x1 - (self.query_note.get_right()[0] + 0.3)
            beside = wrapped(space, th, size=SIZE.small, colour=th.muted, max_width=room, buff=GAP.xs, max_lines=3)
            if beside.height <= self.chip.height + 0.1 and beside.width <= room + 1e-6:
                self.space = beside.next_to(self.query_note, RIGHT, buff=GAP.m)
            else:
                self.space = wrapped(space, th, size=SIZE.note, colour=th.muted, max_width=body.width, buff=GAP.xs)
                self.space.next_to(self.chip, DOWN, buff=GAP.s).align_to(self.chip, LEFT)

        k = len(sb.by_cosine)
        step = min(0.75, 5.0 / max(k, 1)) if self.portrait else min(0.55, 3.9 / max(k, 1))
        # two columns: at full width in 16:9, narrower (and closer) in narrow frames
        gap = 1.5 if self.landscape else 0.5
        col_w = min(COL_W, (body.width - gap) / 2)
        xl = -gap / 2 - col_w          # left column's left edge
        xr = gap / 2                   # right column's left edge
        heads = [wrapped(t, th, size=SIZE.heading if self.landscape else SIZE.label, weight="BOLD", max_width=col_w, buff=GAP.xs)
                 for t in ("By cosine similarity", "By Euclidean distance")]
        subs = [wrapped(t, th, size=SIZE.note, colour=th.muted, max_width=col_w, buff=GAP.xs)
                for t in ("higher = closer (angle)", "lower = closer (straight-line gap)")]
        for h, x in zip(heads, (xl, xr)):
            h.move_to([x, 0, 0], aligned_edge=LEFT)
        for h, sh in zip(heads, subs):
            sh.next_to(h, DOWN, buff=GAP.xs).align_to(h, LEFT)
        head_h = max(VGroup(h, sh).height for h, sh in zip(heads, subs))
        if self.landscape:
            top = min(1.35, self.space.get_bottom()[1] - 0.95,
                      min(self.chip.get_bottom()[1], self.space.get_bottom()[1]) - 0.3 - head_h)
        else:       # below the space note, whatever its height; in tall frames a little lower
            top = min(self.space.get_bottom()[1], self.chip.get_bottom()[1]) - 0.3 - head_h - (0.6 if self.portrait else 0.0)
        for h, sh in zip(heads, subs):
            VGroup(h, sh).shift(UP * (top + 0.15 + head_h - VGroup(h, sh).get_top()[1]))
        self.heads, self.subheads = VGroup(*heads), VGroup(*subs)
        top -= 0.15
        COLW = col_w
        legend_h = 0.75 if self.landscape else 0.6
        step = max(0.4, min(step, (top - self.body_bottom - legend_h) / max(k, 1)))
        size = SIZE.heading if step >= 0.5 else SIZE.cell

        def rows(items, x):
            g = VGroup()
            for n in items:
                y = top - (n.rank - 0.5) * step - 0.05
                colour = th.accent if n.other_rank is None else th.text
                r = label(f"{n.rank}.", th, size=size, colour=th.muted, mono=True).move_to([x + 0.45, y, 0],
                                                                                          aligned_edge=RIGHT)
                v = label(n.text, th, size=size, mono=True, colour=colour).move_to([x + COLW - 0.1, y, 0],
                                                                                  aligned_edge=RIGHT)
                t = label(n.token, th, size=size, colour=colour,
                          max_width=min(2.6, v.get_left()[0] - 0.15 - (x + 0.65))).move_to([x + 0.65, y, 0],
                                                                                          aligned_edge=LEFT)
                base = baseline_y(r)            # one baseline for the row, not each glyph's outline
                g.add(VGroup(r, sit_on(t, base), sit_on(v, base)))
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
        self.legend = wrapped("accent: found by one metric only, or at a different rank", th, size=SIZE.note,
                              colour=th.muted, max_width=self.fw - 1.0, centred=True, buff=GAP.xs)
        bottom = min(self.left_rows.get_bottom()[1], self.right_rows.get_bottom()[1])
        self.legend.move_to([0, bottom - 0.35, 0])
        self.fill_body([[self.chip, self.query_note, self.space],
                        [self.heads, self.subheads, self.left_rows, self.right_rows, self.links], [self.legend]])
        # the cone-and-ball picture takes the lists' place before they come in
        top = min(self.chip.get_bottom()[1], self.space.get_bottom()[1]) - GAP.l
        self.picture = ConeAndBallPicture(sb.picture, sb.query, Box(body.x0, body.y0, body.x1, top), th,
                                          query_colour=th.token_colour(0), cone_colour=th.positive,
                                          ball_colour=th.token_colour(2))

    def beats(self) -> list[Beat]:
        return [Beat(self._show_query), Beat(self._show_lists), Beat(self._show_links)]

    def _show_query(self, beat: Beat) -> None:
        self.play(FadeIn(self.chip), FadeIn(self.query_note), run_time=0.6)
        self.play(FadeIn(self.space), run_time=0.5)
        self.play(self.picture.draw_query(), run_time=0.8)
        self.play(self.picture.draw_points(), run_time=1.5)

    def _show_cone_and_ball(self) -> None:
        """Near by angle (the cone) and near by gap (the ball); the tokens inside only one are ringed."""
        pic = self.picture
        self.play(pic.sweep_cone(), run_time=1.4)
        self.wait(0.4)
        self.play(pic.grow_ball(), run_time=1.2)
        self.wait(0.4)
        if len(pic.rings):
            self.play(pic.mark_disagreement(), run_time=1.2)
        self.wait(1.5)
        self.play(pic.clear(), run_time=0.5)

    def _show_lists(self, beat: Beat) -> None:
        self._show_cone_and_ball()
        self.play(FadeIn(self.heads[0]), FadeIn(self.subheads[0]), run_time=0.5)
        self.play(LaggedStart(*[fade_in(r, self.regions.safe, 0.15 * RIGHT) for r in self.left_rows], lag_ratio=0.25), run_time=1.4)
        self.play(FadeIn(self.heads[1]), FadeIn(self.subheads[1]), run_time=0.5)
        self.play(LaggedStart(*[fade_in(r, self.regions.safe, 0.15 * UP) for r in self.right_rows], lag_ratio=0.25), run_time=1.4)

    def _show_links(self, beat: Beat) -> None:
        if len(self.links):
            self.play(LaggedStart(*[Create(l) for l in self.links], lag_ratio=0.2), run_time=1.2)
        self.play(FadeIn(self.legend), run_time=0.5)
        beat.finish()
        self.wait(1.0)
