"""Scene for ``nearest-neighbours``: two ranked lists side by side, linked.

Lines join a token's place in the cosine list to its place in the distance
list: flat where the ranks agree, slanted (accent) where they differ; tokens
found by only one metric are drawn in the accent colour.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, LaggedStart, Line, VGroup

from embedcore.segments.nearest_neighbours import NeighboursStoryboard

from . import layout
from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.emphasis import fade_in
from .components.neighbourhood import ConeAndBallPicture
from .components.ranked import RankedRow, ranked_rows
from .components.text import label, wrapped
from .layout import Box
from .theme import GAP, SIZE


class NearestNeighboursScene(SegmentScene):
    storyboard: NeighboursStoryboard
    CONTAIN = True          # hand placed; every later position is read from its mobjects
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("chip", "query_note"), ("space",), ("heads", "subheads"), ("left_rows",),
              ("right_rows",), ("legend",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        body = self.regions.body
        # a long query is cut with "…": the chip and its id must leave the row room (the lists name it in full)
        self.chip = TokenChip(sb.query, self.colour_of(sb.query), th, size=SIZE.value, max_width=body.width / 3)
        self.chip.move_to([body.x0, body.y1, 0], aligned_edge=UP + LEFT)
        self.query_note = label(f"query  (id {sb.query_id:,})", th, size=SIZE.note, colour=th.muted)
        self.query_note.next_to(self.chip, RIGHT, buff=GAP.m)
        # the two lists at their natural size, side by side (the links run between them), under the query
        token_w = label("By cosine similarity", th, size=SIZE.label).width

        def rows(items, lead=GAP.s):
            return ranked_rows([RankedRow(n.rank, n.token, n.text, th.accent if n.other_rank is None else th.text)
                                for n in items], th, token_w=token_w, lead=lead)

        self.left_rows = rows(sb.by_cosine)
        self.right_rows = rows(sb.by_distance)
        # a column as wide as its widest text (rows, heading, subheading); the links need room between the columns
        gap = 2 * GAP.xl
        over = max(self.left_rows.width, self.right_rows.width) - (body.width - gap) / 2
        if over > 0:        # long tokens in a narrow body: cut them shorter (the rows must not set the scale)
            token_w = max(token_w - over, 2 * GAP.xl)
            self.left_rows, self.right_rows = rows(sb.by_cosine), rows(sb.by_distance)
        head_texts = ("By cosine similarity", "By Euclidean distance")
        sub_texts = ("higher = closer (angle)", "lower = closer (straight-line gap)")
        natural = [label(t, th, size=SIZE.heading, weight="BOLD").width for t in head_texts]
        natural += [label(t, th, size=SIZE.note).width for t in sub_texts]
        col_w = min(max(self.left_rows.width, self.right_rows.width, *natural), (body.width - gap) / 2)
        # the search's scope beside the query, wrapped no wider than the lists (the row must not set the scale),
        # or under the chip when it would not wrap into the chip's height
        lists_w = 2 * col_w + gap
        space = sb.space_note + ("; the query itself left out" if sb.excluded_query else "")
        room = max(lists_w, body.width / 2) - (self.query_note.get_right()[0] - body.x0) - GAP.l
        self.space = wrapped(space, th, size=SIZE.note, colour=th.muted, max_width=max(room, GAP.xl), buff=GAP.xs,
                             max_lines=3)
        if self.space.height <= self.chip.height + GAP.s and self.space.width <= room + 1e-6:
            self.space.next_to(self.query_note, RIGHT, buff=GAP.l)
        else:
            self.space = wrapped(space, th, size=SIZE.note, colour=th.muted, max_width=min(body.width, lists_w),
                                 buff=GAP.xs)
            self.space.next_to(self.chip, DOWN, buff=GAP.s).align_to(self.chip, LEFT)
        heads = [wrapped(t, th, size=SIZE.heading, weight="BOLD", max_width=col_w, buff=GAP.xs) for t in head_texts]
        subs = [wrapped(t, th, size=SIZE.note, colour=th.muted, max_width=col_w, buff=GAP.xs) for t in sub_texts]
        head_h = max(VGroup(h, sh).arrange(DOWN, buff=GAP.xs, aligned_edge=LEFT).height for h, sh in zip(heads, subs))
        self.legend = wrapped("accent: found by one metric only, or at a different rank", th, size=SIZE.note,
                              colour=th.muted, max_width=min(body.width, lists_w), centred=True, buff=GAP.xs)

        def place() -> list:
            columns = []
            for x, h, sh, rows_ in zip((0.0, col_w + gap), heads, subs, (self.left_rows, self.right_rows)):
                VGroup(h, sh).move_to([x, 0, 0], aligned_edge=UP + LEFT)
                rows_.move_to([x, -head_h - GAP.m, 0], aligned_edge=UP + LEFT)
                columns += [h, sh, rows_]
            return columns
        # rows spread over the height a width-limited frame leaves (a tall one), between GAP.s and GAP.xl apart
        lead = layout.lead_to_fill([[self.chip, self.query_note, self.space], place(), [self.legend]], body,
                                   max(len(sb.by_cosine), len(sb.by_distance)) - 1)
        self.left_rows, self.right_rows = rows(sb.by_cosine, lead), rows(sb.by_distance, lead)
        columns = place()
        self.heads, self.subheads = VGroup(*heads), VGroup(*subs)
        self.fill_body([[self.chip, self.query_note, self.space], columns, [self.legend]])
        # links from the final places: a token's place in the cosine list to its place in the distance list
        self.links = VGroup()
        self.link_changed: list[bool] = []
        for n in sb.by_cosine:
            if n.other_rank is None:
                continue
            a = self.left_rows[n.rank - 1][-1].get_right() + RIGHT * GAP.s
            b = self.right_rows[n.other_rank - 1][0].get_left() + LEFT * GAP.s
            changed = n.other_rank != n.rank
            self.links.add(Line(a, b, stroke_width=3 if changed else 1.5,
                                stroke_color=th.accent if changed else th.faint))
            self.link_changed.append(changed)
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
