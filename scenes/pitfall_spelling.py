"""Scene for ``pitfall-spelling``: edit distance beside cosine, for a look-alike
and a word related in meaning."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Rectangle, RoundedRectangle, VGroup

from embedcore.segments.pitfall_spelling import SpellingStoryboard

from .base import Beat, SegmentScene
from .components.heatmap import diverging_colour
from .components.text import label, wrapped
from .theme import GAP, SIZE

CARD_W = 5.6


class PitfallSpellingScene(SegmentScene):
    storyboard: SpellingStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("cards",), ("finding",), ("honesty",))

    def _word(self, w: str, changed: tuple[int, ...]):
        th = self.theme
        t = label(w, th, size=SIZE.hero, mono=True)
        glyphs = t.submobjects
        if len(glyphs) == len(w):          # one glyph per character (no spaces in the token)
            for i in changed:
                glyphs[i].set_color(th.accent)
        return t

    def _card(self, card, x: float, y: float = 0.75):
        th = self.theme
        head = label(card.kind, th, size=SIZE.heading, weight="BOLD", colour=th.muted, max_width=self.card_w - 0.5)
        a = self._word(card.a, card.changed_a)
        b = self._word(card.b, card.changed_b)
        pair = VGroup(a, label("/", th, size=SIZE.title, colour=th.muted), b).arrange(RIGHT, buff=GAP.m)
        edit = VGroup(label("character edit distance", th, size=SIZE.cell, colour=th.muted),
                      label(str(card.edit_distance), th, size=SIZE.value, mono=True))
        cos = VGroup(label("cosine similarity", th, size=SIZE.cell, colour=th.muted),
                     label(card.cosine_text, th, size=SIZE.value, mono=True))
        if pair.width > self.card_w - 0.5:
            pair.scale_to_fit_width(self.card_w - 0.5)
        for g in (edit, cos):
            room = self.card_w - 0.7 - g[1].width - 0.2
            if g[0].width > room:
                g[0].scale_to_fit_width(room)
            g[1].move_to([self.card_w / 2 - 0.35, 0, 0], aligned_edge=RIGHT)
            g[0].move_to([-self.card_w / 2 + 0.35, 0, 0], aligned_edge=LEFT)
        # a bar for the cosine: length |cos|, coloured on the diverging scale (0 at the card's left)
        bar_w = (self.card_w - 0.7) * abs(card.cosine)
        bar = Rectangle(width=max(bar_w, 0.02), height=0.16, stroke_width=0,
                        fill_color=diverging_colour(card.cosine, th), fill_opacity=1)
        track = Rectangle(width=self.card_w - 0.7, height=0.16, stroke_color=th.faint, stroke_width=1)
        bar.move_to(track.get_left(), aligned_edge=LEFT)
        barg = VGroup(track, bar)
        body = VGroup(head, pair, edit, cos, barg).arrange(DOWN, buff=GAP.m if self.landscape or self.portrait else 0.16)
        for g in (edit, cos, barg):
            g.set_x(0)
        box = RoundedRectangle(corner_radius=0.15, width=self.card_w, height=body.height + (0.6 if self.landscape or self.portrait else 0.4), stroke_color=th.faint,
                               stroke_width=2, fill_color=th.panel, fill_opacity=1)
        body.move_to(box)
        card_g = VGroup(box, body).move_to([x, y, 0])
        card_g.edit_row, card_g.cos_rows = edit, VGroup(cos, barg)
        card_g.bar, card_g.head, card_g.pair = bar, head, pair
        return card_g

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        if self.portrait:       # cards stacked, full size
            self.card_w = min(CARD_W, self.fw - 1.0)
            a = self._card(sb.cards[0], 0)
            b = self._card(sb.cards[1], 0)
            self.cards = VGroup(a, b).arrange(DOWN, buff=GAP.l)
            self.cards.move_to([0, self.header.get_bottom()[1] - 0.6, 0], aligned_edge=UP)
        else:                   # side by side; narrower cards in square frames
            self.card_w = min(CARD_W, (self.fw - 1.1) / 2)
            self.cards = VGroup(self._card(sb.cards[0], -self.card_w / 2 - 0.35),
                                self._card(sb.cards[1], self.card_w / 2 + 0.35))
            if self.cards.width > self.fw - 0.8:
                self.cards.scale_to_fit_width(self.fw - 0.8)
            if not self.landscape:
                self.cards.move_to([0, self.header.get_bottom()[1] - 0.2, 0], aligned_edge=UP)
        y = self.cards.get_bottom()[1] - (0.3 if self.landscape or self.portrait else 0.15)
        self.finding = wrapped(sb.finding, th, size=SIZE.cell, max_width=self.fw - 1.0, centred=True, buff=GAP.xs)
        self.finding.move_to([0, y, 0], aligned_edge=UP)
        self.honesty = wrapped(sb.honesty, th, size=SIZE.note, colour=th.accent, max_width=min(self.fw - 1.0, 12.0),
                               centred=True, buff=GAP.xs)
        self.honesty.next_to(self.finding, DOWN, buff=GAP.m if self.landscape or self.portrait else 0.1)
        cards = [[c] for c in self.cards] if self.portrait else [[self.cards]]
        self.fill_body([*cards, [self.finding], [self.honesty]], min_gap=0.18)

    def beats(self) -> list[Beat]:
        return [Beat(self._show_lookalike), Beat(self._show_cosines), Beat(self._show_finding),
                Beat(self._show_honesty)]

    def _show_lookalike(self, beat: Beat) -> None:
        look = self.cards[0]
        self.play(FadeIn(look[0]), FadeIn(look.head), FadeIn(look.pair), run_time=0.6)
        self.play(FadeIn(look.edit_row), run_time=0.5)

    def _show_cosines(self, beat: Beat) -> None:
        look, rel = self.cards
        self.play(FadeIn(look.cos_rows), run_time=0.6)
        self.play(FadeIn(rel[0]), FadeIn(rel.head), FadeIn(rel.pair), FadeIn(rel.edit_row), run_time=0.7)
        self.play(FadeIn(rel.cos_rows), run_time=0.6)

    def _show_finding(self, beat: Beat) -> None:
        self.play(FadeIn(self.finding), run_time=0.5)

    def _show_honesty(self, beat: Beat) -> None:
        self.play(FadeIn(self.honesty), run_time=0.5)
