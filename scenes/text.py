"""Scene for the ``text`` segment: a teacher's card of bullets and an optional Typst formula.

The bullets wrap (never shrink below their size unless the card is too tall)
and the card is scaled to fill the body region, so tall frames use their
height. Each bullet is revealed with the narration line that goes with it
(by default the bullet itself), the formula last.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, MathTypst, VGroup, Write

from embedcore.segments.text import TextStoryboard
from scenes import layout

from .base import Beat, SegmentScene, narration_phases
from .components.emphasis import fade_in
from .components.text import label, wrap, wrapped
from .theme import GAP, SIZE

GROW = 1.3      # a short card grows at most this much (the bullets stay a reading size, not a headline)


class TextScene(SegmentScene):
    storyboard: TextStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("bullets",), ("formula",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        body = self.regions.body
        max_w = body.width
        self.formula = MathTypst(sb.formula, color=th.text, font_size=SIZE.hero) if sb.formula else VGroup()
        dots = [label("•", th, size=SIZE.chip, colour=th.token_colour(k)) for k in range(len(sb.bullets))]
        width = self._wrap_width(max_w - (dots[0].width + GAP.m if dots else 0), body.height, max_w)
        rows = []
        for dot, text in zip(dots, sb.bullets):
            lines = wrapped(text, th, size=SIZE.chip, max_width=width, max_lines=6, buff=GAP.xs)
            dot.next_to(lines[0], LEFT, buff=GAP.m)
            rows.append(VGroup(dot, lines))
        self.bullets = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=GAP.m) if rows else VGroup()
        parts = ([self.bullets] if rows else []) + ([self.formula] if sb.formula else [])
        self.card = VGroup(*parts).arrange(DOWN, buff=GAP.xl) if parts else VGroup()
        if not parts:
            return
        # the kit fills the body with it: shrunk when it does not fit, grown in a roomy frame, never under the
        # text floor
        layout.stack([[self.card]], body, max_scale=GROW)

    def _wrap_width(self, text_w: float, room_h: float, max_w: float) -> float:
        """The line width to wrap bullets at: the frame's, or wider when the card is too tall to fit, which
        lets it be drawn larger (fewer lines, scaled down once). Estimated from character widths."""
        sb, th = self.storyboard, self.theme
        if not sb.bullets:
            return text_w
        line_h = label("Ay", th, size=SIZE.chip).height + GAP.xs
        per_char = [label(b, th, size=SIZE.chip).width / len(b) for b in sb.bullets]
        extra_h = (self.formula.height + GAP.xl) if sb.formula else 0.0
        extra_w = max_w - text_w

        def scale(w: float) -> float:
            lines = [len(wrap(b, max(6, int(w / pc))).split("\n")) for b, pc in zip(sb.bullets, per_char)]
            h = sum(lines) * line_h + GAP.m * (len(lines) - 1) + extra_h
            widest = max(min(w, len(b) * pc) for b, pc in zip(sb.bullets, per_char)) + extra_w
            return min(GROW, room_h / h, max_w / max(widest, self.formula.width if sb.formula else 0))
        return max((text_w * f for f in (1.0, 1.25, 1.5, 2.0, 2.5)), key=lambda w: (round(scale(w), 3), -w))

    def steps(self) -> list[tuple[list[str], list]]:
        """(narration lines, items shown with them): line i with bullet i when there is one line per bullet
        (the default narration), else the lines spread over the items; the formula comes last."""
        sb = self.storyboard
        bullets = list(self.bullets) if sb.bullets else []
        if bullets and len(sb.narration) == len(bullets):
            out = [([line], [b]) for line, b in zip(sb.narration, bullets)]
            if sb.formula:
                out[-1][1].append(self.formula)
            return out
        items = bullets + ([self.formula] if sb.formula else [])
        if not items:
            return [(list(sb.narration), [])]
        return [(lines, [item]) for lines, item in zip(narration_phases(sb.narration, len(items)), items)]

    def beats(self) -> list[Beat]:
        # play_beats spreads the lines exactly as steps() does (narration_phases over the same count)
        return [Beat(lambda beat, items=items: self._show(items)) for _, items in self.steps()]

    def _show(self, items: list) -> None:
        for item in items:
            if item is self.formula:
                self.play(Write(self.formula), run_time=1.2)
            else:
                self.play(fade_in(item, self.regions.safe, 0.15 * RIGHT), run_time=0.6)
