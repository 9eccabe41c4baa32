"""Scene for ``pitfall-spelling``: edit distance beside cosine, for a look-alike
and a word related in meaning."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Rectangle, RoundedRectangle, VGroup

from embedcore.segments.pitfall_spelling import SpellingStoryboard

from . import layout
from .base import Beat, SegmentScene
from .components.emphasis import fade_in_still
from .components.heatmap import diverging_colour
from .components.text import label, wrapped
from .theme import GAP, SIZE


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

    def _card_parts(self, card):
        """A card's texts at their natural size: heading, the pair, the two readouts (words and value)."""
        th = self.theme
        head = label(card.kind, th, size=SIZE.heading, weight="BOLD", colour=th.muted)
        pair = VGroup(self._word(card.a, card.changed_a), label("/", th, size=SIZE.title, colour=th.muted),
                      self._word(card.b, card.changed_b)).arrange(RIGHT, buff=GAP.m)
        edit = VGroup(label("character edit distance", th, size=SIZE.cell, colour=th.muted),
                      label(str(card.edit_distance), th, size=SIZE.value, mono=True))
        cos = VGroup(label("cosine similarity", th, size=SIZE.cell, colour=th.muted),
                     label(card.cosine_text, th, size=SIZE.value, mono=True))
        return head, pair, edit, cos

    def _card(self, card, inner: float):
        """One card ``inner`` wide inside its padding: texts, and a bar for the cosine (length |cos|, coloured
        on the diverging scale, 0 at the card's left)."""
        th = self.theme
        head, pair, edit, cos = self._card_parts(card)
        if head.width > inner:
            head = label(card.kind, th, size=SIZE.heading, weight="BOLD", colour=th.muted, max_width=inner)
        if pair.width > inner:
            pair.scale_to_fit_width(inner)
        for g in (edit, cos):
            room = inner - g[1].width - GAP.l
            if g[0].width > room:
                g[0].scale_to_fit_width(room)
            g[1].move_to([inner / 2, 0, 0], aligned_edge=RIGHT)
            g[0].move_to([-inner / 2, 0, 0], aligned_edge=LEFT)
        bar_h = GAP.s + GAP.xs / 2
        bar = Rectangle(width=max(inner * abs(card.cosine), GAP.xs / 3), height=bar_h, stroke_width=0,
                        fill_color=diverging_colour(card.cosine, th), fill_opacity=1)
        track = Rectangle(width=inner, height=bar_h, stroke_color=th.faint, stroke_width=1)
        bar.move_to(track.get_left(), aligned_edge=LEFT)
        barg = VGroup(track, bar)
        body = VGroup(head, pair, edit, cos, barg).arrange(DOWN, buff=GAP.m)
        for g in (edit, cos, barg):
            g.set_x(0)
        box = RoundedRectangle(corner_radius=GAP.s, width=inner + 2 * GAP.l, height=body.height + 2 * GAP.l,
                               stroke_color=th.faint, stroke_width=2, fill_color=th.panel, fill_opacity=1)
        body.move_to(box)
        card_g = VGroup(box, body)
        card_g.edit_row, card_g.cos_rows = edit, VGroup(cos, barg)
        card_g.bar, card_g.head, card_g.pair = bar, head, pair
        return card_g

    def build_body(self) -> None:
        """Two cards of one width (their widest text's), side by side or stacked by the kit, whichever draws
        them larger; the finding and the honesty line under them."""
        sb, th = self.storyboard, self.theme
        body = self.regions.body
        widths = []
        for card in sb.cards:
            head, pair, edit, cos = self._card_parts(card)
            widths += [head.width, pair.width, *(g[0].width + GAP.l + g[1].width for g in (edit, cos))]
        inner = min(max(widths), body.width - 2 * GAP.l)
        self.cards = VGroup(*[self._card(card, inner) for card in sb.cards])
        self.finding = wrapped(sb.finding, th, size=SIZE.cell, max_width=body.width, centred=True, buff=GAP.xs)
        self.honesty = wrapped(sb.honesty, th, size=SIZE.note, colour=th.accent, max_width=body.width, centred=True,
                               buff=GAP.xs)
        layout.arrange_to_fill([[c] for c in self.cards], body, gap=GAP.l, below=[[self.finding], [self.honesty]])
        self.fill_body([[self.cards], [self.finding], [self.honesty]], min_gap=GAP.m)

    def beats(self) -> list[Beat]:
        return [Beat(self._show_lookalike), Beat(self._show_cosines), Beat(self._show_finding),
                Beat(self._show_honesty)]

    def _show_lookalike(self, beat: Beat) -> None:
        look = self.cards[0]
        self.play(fade_in_still(look[0]), fade_in_still(look.head), fade_in_still(look.pair), run_time=0.6)
        self.play(fade_in_still(look.edit_row), run_time=0.5)

    def _show_cosines(self, beat: Beat) -> None:
        look, rel = self.cards
        self.play(fade_in_still(look.cos_rows), run_time=0.6)
        self.play(fade_in_still(rel[0]), fade_in_still(rel.head), fade_in_still(rel.pair), fade_in_still(rel.edit_row), run_time=0.7)
        self.play(fade_in_still(rel.cos_rows), run_time=0.6)

    def _show_finding(self, beat: Beat) -> None:
        self.play(fade_in_still(self.finding), run_time=0.5)

    def _show_honesty(self, beat: Beat) -> None:
        self.play(fade_in_still(self.honesty), run_time=0.5)
