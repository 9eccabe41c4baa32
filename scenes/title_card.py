"""The lesson's opening card (only in the whole-lesson video, not in clips)."""
from __future__ import annotations

from manim import DOWN, LEFT, FadeIn, FadeOut, VGroup

from embedcore.title_card import TitleCardStoryboard

from .base import SegmentScene
from .components.text import centred_lines, label


class TitleCardScene(SegmentScene):
    storyboard: TitleCardStoryboard

    def build(self) -> None:
        if self._built:
            return
        sb, th = self.storyboard, self.theme
        width = self.fw - 1.2
        self.heading = centred_lines(sb.title, th, max_chars=int(width * 3.2), size=48, max_width=width)
        parts = [self.heading]
        if sb.subtitle:
            parts.append(label(sb.subtitle, th, size=26, colour=th.muted, max_width=width))
        chapters = VGroup(*[label(f"{i}.  {t}", th, size=22, colour=th.text, max_width=width)
                            for i, t in enumerate(sb.chapters, 1)])
        chapters.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        if chapters.height > self.fh * 0.4:
            chapters.scale_to_fit_height(self.fh * 0.4)
        parts.append(chapters)
        parts.append(label(sb.source_label + "   ·   " + sb.shape, th, size=16, colour=th.muted, max_width=width))
        self.card = VGroup(*parts).arrange(DOWN, buff=0.4)
        if self.card.height > self.fh - 0.8:
            self.card.scale_to_fit_height(self.fh - 0.8)
        self.card.move_to([0, 0, 0])
        self.header = VGroup()
        self._built = True

    def construct(self) -> None:
        self.build()
        self.play(FadeIn(self.card, shift=0.2 * DOWN), run_time=0.8)
        self.wait(2.2)
        self.play(FadeOut(self.card), run_time=0.5)
