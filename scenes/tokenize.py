"""Scene for the ``tokenize`` segment: the text as typed, then each word split into token chips with ids.

Every word keeps its pieces together (a label with the word as typed above a
row of chips); words flow onto as many rows as the frame needs and the block
is scaled to fill the body between the text and the notes, so tall frames use
their height. Special tokens are drawn muted, the unknown token in the
negative colour; the notes under the block say what those marks mean.
"""
from __future__ import annotations

from manim import DOWN, RIGHT, UP, Arrow, FadeIn, Indicate, LaggedStart, RoundedRectangle, VGroup

from embedcore.segments.tokenize import TokenizeStoryboard
from scenes import layout

from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.text import label, number, wrapped
from .theme import GAP, SIZE

MIN_WORDS = 0.6        # the chips are not drawn smaller than this while text and notes can give way


def flow(items: list, max_width: float, *, hbuff: float, vbuff: float, aligned=UP) -> VGroup:
    """``items`` left to right, a new row when the next would pass ``max_width``; rows centred, stacked."""
    rows = layout.flow_rows(items, max_width, hbuff)
    out = VGroup(*[VGroup(*r).arrange(RIGHT, buff=hbuff, aligned_edge=aligned) for r in rows])
    return out.arrange(DOWN, buff=vbuff)


class TokenizeScene(SegmentScene):
    storyboard: TokenizeStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "typed", "tokenizer_note"), ("words",), ("summary", "notes"))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        max_w = self.fw - 1.0
        # the text as typed, in a box, and the tokenizer's name under it
        text = wrapped(sb.text, th, size=SIZE.heading, mono=True, max_width=max_w - 0.5, max_lines=3, buff=GAP.xs)
        box = RoundedRectangle(corner_radius=0.1, width=text.width + 0.5, height=text.height + 0.35,
                               stroke_color=th.faint, stroke_width=2, fill_color=th.panel, fill_opacity=1)
        self.typed = VGroup(box, text.move_to(box))
        self.tokenizer_note = label(sb.tokenizer, th, size=SIZE.note, colour=th.muted, max_width=max_w)

        # one group per word: the word as typed, its pieces as chips, each piece's id under it
        self.chips, self.ids, groups = VGroup(), VGroup(), []
        self.word_labels = VGroup()

        for w in sb.words:
            if w.special:
                colour = th.muted
            else:
                colour = self.colour_of(w.text)
            pieces = []
            for p in w.pieces:
                idl = number(f"{p.id:,}", th, size=SIZE.small, colour=th.muted)
                chip = TokenChip(p.text, th.negative if p.unknown else colour, th, size=SIZE.label,
                                 min_width=max(0.7, idl.width + 0.12), token=None if p.unknown else w.text)
                pieces.append(VGroup(chip, idl.next_to(chip, DOWN, buff=GAP.s)))
                self.chips.add(chip)
                self.ids.add(idl)
            row = flow(pieces, max_w, hbuff=GAP.xs, vbuff=GAP.s)
            word = label(w.shown, th, size=SIZE.note, colour=th.muted if w.special else colour, max_width=max_w)
            self.word_labels.add(word)
            groups.append(VGroup(word, row).arrange(DOWN, buff=GAP.s))

        # the count and what the marks mean, at the bottom of the body
        self.summary = label(sb.summary, th, size=SIZE.heading, weight="BOLD")
        self.notes = wrapped("   ·   ".join(sb.notes), th, size=SIZE.small, colour=th.muted, max_width=max_w,
                             centred=True, buff=GAP.xs) if sb.notes else VGroup()
        bottom = VGroup(self.summary, self.notes).arrange(DOWN, buff=GAP.s)
        self._fit(groups, bottom, max_w)

    def _fit(self, groups: list, bottom: VGroup, max_w: float) -> None:
        """The words fill the body between the text and the notes. Of the row widths tried, the one that
        draws them largest wins (fewer, wider rows scaled down beat many rows in a short body); when even
        that leaves them under MIN_WORDS (a long text in a square frame), text and notes give way first."""
        cap = 1.0 if self.landscape else 1.35
        dims = {}
        for f in (1.0, 1.25, 1.6, 2.0, 3.0):
            block = flow(groups, max_w * f, hbuff=GAP.l, vbuff=GAP.m)
            dims[max_w * f] = (block.width, block.height)
        top0, floor = self.source.get_bottom()[1] - 0.3, self.body_bottom
        head_h = self.typed.height + 0.12 + self.tokenizer_note.height

        def room(k: float) -> float:
            return (top0 - k * head_h - 0.45) - (floor + k * bottom.height + 0.35)

        def words_scale(k: float) -> tuple[float, float]:
            return max((min(cap, room(k) / h, max_w / w), width) for width, (w, h) in dims.items())
        k = next((k for k in (1.0, 0.85, 0.7, 0.6) if words_scale(k)[0] >= MIN_WORDS), 0.6)
        scale, width = words_scale(k)
        for m in (self.typed, self.tokenizer_note, bottom):
            m.scale(k)
        self.typed.move_to([0, top0, 0], aligned_edge=UP)
        self.tokenizer_note.next_to(self.typed, DOWN, buff=GAP.s * k)
        bottom.move_to([0, floor, 0], aligned_edge=DOWN)
        top = self.tokenizer_note.get_bottom()[1] - 0.45
        self.words = flow(groups, width, hbuff=GAP.l, vbuff=GAP.m)
        self.words.scale(scale)
        self.words.move_to([0, (top + bottom.get_top()[1] + 0.35) / 2, 0])
        self.arrow = Arrow(self.tokenizer_note.get_bottom() + 0.05 * DOWN, [0, top + 0.05, 0], buff=GAP.xs,
                           color=self.theme.faint, stroke_width=3, max_tip_length_to_length_ratio=0.35)
        self.text_scale, self.words_scale = k, scale

    def beats(self) -> list[Beat]:
        return [Beat(self._show_typed), Beat(self._show_pieces), Beat(self._show_ids), Beat(self._show_summary)]

    def _show_typed(self, beat: Beat) -> None:
        self.play(FadeIn(self.typed), run_time=0.6)
        self.play(FadeIn(self.tokenizer_note), FadeIn(self.arrow), run_time=0.5)

    def _show_pieces(self, beat: Beat) -> None:
        k = 0
        for word, w in zip(self.word_labels, self.storyboard.words):
            n = len(w.pieces)
            chips = self.chips[k:k + n]
            self.play(FadeIn(word, shift=0.1 * DOWN), run_time=0.3)
            self.play(LaggedStart(*[FadeIn(c, shift=0.15 * DOWN) for c in chips], lag_ratio=0.2,
                                  run_time=min(1.2, 0.3 + 0.15 * n)))
            k += n

    def _show_ids(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        k = len(self.chips)
        self.play(LaggedStart(*[FadeIn(i) for i in self.ids], lag_ratio=0.08, run_time=min(1.6, 0.4 + 0.08 * k)))
        marked = [c for c, p in zip(self.chips, [p for w in sb.words for p in w.pieces]) if p.unknown or p.special]
        if marked:
            self.play(*[Indicate(c, color=th.accent, scale_factor=1.1) for c in marked], run_time=0.8)

    def _show_summary(self, beat: Beat) -> None:
        self.play(FadeIn(self.summary), FadeIn(self.notes), run_time=0.8)
