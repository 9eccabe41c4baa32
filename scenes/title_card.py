"""The lesson's opening card (only in the whole-lesson video, not in clips)."""
from __future__ import annotations

from manim import DOWN, LEFT, FadeIn, VGroup

from embedcore.title_card import TitleCardStoryboard
from scenes import layout

from .base import Beat, SegmentScene
from .components.emphasis import fade_out_still
from .components.text import centred_lines, label, wrapped
from .theme import GAP, SIZE

DROP = 0.2      # scene units the card falls as it fades in
CHAPTERS = 0.4  # the share of the card's height the chapter list may take (a long course's list shrinks)


class TitleCardScene(SegmentScene):
    storyboard: TitleCardStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("card",),)

    def build(self) -> None:
        if self._built:
            return
        sb, th = self.storyboard, self.theme
        self.regions = layout.regions(self.fw, self.fh, self.fh / 2, 0.0)
        safe = self.regions.safe.inset(0.0, DROP)       # the card drops in from DROP above its place
        width = safe.width
        self.heading = centred_lines(sb.title, th, max_chars=int(width * 3.2), size=SIZE.display, max_width=width)
        parts = [self.heading]
        if sb.subtitle:         # lines wrap in narrow frames rather than shrink
            parts.append(wrapped(sb.subtitle, th, size=SIZE.chip, colour=th.muted, max_width=width, centred=True, buff=GAP.xs))
        chapters = VGroup(*[wrapped(f"{i}.  {t}", th, size=SIZE.label, colour=th.text, max_width=width, buff=GAP.xs)
                            for i, t in enumerate(sb.chapters, 1)])
        chapters.arrange(DOWN, aligned_edge=LEFT, buff=GAP.s)
        if chapters.height > safe.height * CHAPTERS:
            chapters.scale_to_fit_height(safe.height * CHAPTERS)
        parts.append(chapters)
        foot = sb.source_label + "   ·   " + sb.shape
        if label(foot, th, size=SIZE.small).width > width:          # two lines: source, then shape
            parts.append(VGroup(*[wrapped(t, th, size=SIZE.small, colour=th.muted, max_width=width, centred=True, buff=GAP.xs)
                                  for t in (sb.source_label, sb.shape)]).arrange(DOWN, buff=GAP.xs))
        else:
            parts.append(label(foot, th, size=SIZE.small, colour=th.muted))
        self.card = VGroup(*parts).arrange(DOWN, buff=GAP.l)
        layout.stack([[self.card]], safe, max_scale=1.0)      # shrunk only to fit, centred, never under the floor
        self.header = VGroup()
        self._built = True

    def beats(self) -> list[Beat]:
        return [Beat(self._show_card)]

    def _show_card(self, beat: Beat) -> None:
        self.play(FadeIn(self.card, shift=DROP * DOWN), run_time=0.8)
        self.wait(2.2)

    def construct(self) -> None:        # no header to fade in: the card is the whole frame
        self.build()
        self.play_beats(self.beats())
        self.play(fade_out_still(self.card), run_time=0.5)
