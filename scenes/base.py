"""The base of every segment scene: background, header, captions, cues.

A segment scene is built from a storyboard and a theme and only lays out and
animates; it computes nothing a viewer reads. ``build()`` creates the
mobjects without playing anything, so tests can inspect a scene without
rendering a frame; ``construct()`` (called by ``render()``) plays it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from manim import DOWN, LEFT, UL, FadeIn, FadeOut, Scene, VGroup, config
from manim.camera.camera import Camera

from embedcore.storyboard import Storyboard, reading_time
from scenes import layout

from .components.text import centred_lines, label, wrap, wrapped
from .theme import SIZE, Theme

CAPTION_CHARS = 64      # characters per on-screen caption line at 16:9 (frame 14.2 units wide)


def caption_chars(frame_width: float) -> int:
    """Characters per caption line for a frame ``frame_width`` units wide (66 at 16:9, 35 at 9:16)."""
    return max(20, int(CAPTION_CHARS * (frame_width - 0.6) / (16 / 9 * 8 - 1.0)))


@dataclass
class Beat:
    """One step of a segment: the narration lines read over it and what it shows.

    ``show`` plays the step's animations (``scene.play`` calls); the scene
    hands its lines to the base class, which says them and holds until the
    beat's time is met. By default every line of the beat is said before
    ``show`` runs; a step that walks through items (tokens, rows) may spread
    its lines over them with :meth:`pace`. Lines a step never reached are
    said at its end: no line is ever dropped. ``hold=False``: in a silent
    lesson the lines said up front do not wait for their reading time (the
    step itself is long); a voice always holds.
    """

    show: Callable[[Beat], None]
    spread: bool = False
    hold: bool = True
    lines: list[str] = field(default_factory=list)
    said: int = 0
    scene: SegmentScene | None = None

    def pace(self, done: float, total: float) -> None:
        """Say the lines due once ``done`` of ``total`` items are reached (line i at i·total/len(lines))."""
        k = len(self.lines)
        while self.said < k and self.said * total <= done * k + 1e-9:
            self.say_next(hold=False)

    def say_next(self, *, hold: bool | None = None) -> None:
        if self.said < len(self.lines):
            self.scene.say(self.lines[self.said], hold=self.hold if hold is None else hold)
            self.said += 1

    def finish(self) -> None:
        while self.said < len(self.lines):
            self.say_next()
        self.scene.settle()


class SegmentScene(Scene):
    storyboard: Storyboard
    camera_kind = Camera        # the camera this scene draws with (a renderer passed in must use it)

    def __init__(self, storyboard: Storyboard, theme: Theme, **kwargs) -> None:
        self.storyboard = storyboard
        self.theme = theme
        self.cues: list[dict] = []           # caption cues: start, end (s), text
        self._caption = None
        self._built = False
        super().__init__(**kwargs)

    # -- layout helpers -------------------------------------------------
    @property
    def fw(self) -> float:
        return config.frame_width

    @property
    def fh(self) -> float:
        return config.frame_height

    @property
    def portrait(self) -> bool:
        """Taller than wide (9:16): side-by-side panels stack vertically."""
        return self.fh > self.fw * 1.05

    @property
    def landscape(self) -> bool:
        """Clearly wider than tall (16:9); 1:1 is neither portrait nor landscape."""
        return self.fw > self.fh * 1.3

    @property
    def caption_chars(self) -> int:
        return caption_chars(self.fw)

    def caption_height(self) -> float:
        """Height of the tallest caption this scene will show (at least two lines).

        Counted, not built (a caption is dozens of glyphs): lines × the height of
        a line with an ascender and a descender, which no caption line exceeds.
        """
        if not hasattr(self, "_caption_h"):
            line_h = label("Ay", self.theme, size=SIZE.caption).height
            n = max([2, *[len(wrap(t, self.caption_chars).split("\n")) for t in self.storyboard.narration]])
            self._caption_h = n * line_h + (n - 1) * 0.12
        return self._caption_h

    @property
    def body_bottom(self) -> float:
        """The lowest y the body may use: above the tallest caption (the body region's bottom)."""
        return layout.regions(self.fw, self.fh, 0.0, self.caption_height()).body.y0

    def build(self) -> None:
        """Create every mobject (no animation). Subclasses extend ``build_body``."""
        if self._built:
            return
        sb, th = self.storyboard, self.theme
        # titles and source lines wrap (not shrink) when the frame is narrow
        self.title = wrapped(sb.title, th, size=SIZE.title, weight="BOLD", max_width=self.fw - 0.7, max_lines=3, buff=0.08)
        self.title.to_corner(UL, buff=0.35)
        self.source = wrapped(sb.source_label, th, size=SIZE.cell, colour=th.muted, max_width=self.fw - 0.7, max_lines=3,
                              buff=0.06)
        self.source.next_to(self.title, DOWN, buff=0.12, aligned_edge=LEFT)
        self.header = VGroup(self.title, self.source)
        self.regions = layout.regions(self.fw, self.fh, self.header.get_bottom()[1], self.caption_height())
        self.build_body()
        self._built = True

    def build_body(self) -> None:
        raise NotImplementedError

    def fill_body(self, panels, **kwargs) -> float:
        """In tall and square frames, stack ``panels`` (lists of mobjects, top to bottom) to fill the
        body region; wide frames keep the scene's own layout. Returns the scale used."""
        if self.landscape:
            return 1.0
        panels = [[m for m in p if m.has_points() or m.get_family()[1:]] for p in panels]
        panels = [p for p in panels if any(len(s.points) for m in p for s in m.get_family())]
        kwargs.setdefault("max_gap", layout.GAP.xl * (2 if self.portrait else 1.5))
        return layout.stack(panels, self.regions.body, **kwargs)

    def setup(self) -> None:
        self.camera.background_color = self.theme.background

    # -- captions --------------------------------------------------------
    def caption_mob(self, text: str):
        t = centred_lines(text, self.theme, max_chars=self.caption_chars, size=SIZE.caption, max_width=self.fw - 0.6)
        return t.to_edge(DOWN, buff=0.3)

    def say(self, text: str, *, hold: bool = True) -> None:
        """Start the next narration line: its caption (if drawn) and its cue.

        With a voice (``storyboard.beat_seconds``) the line holds for its full
        beat whatever ``hold`` says, so the next line never starts over it; in a
        silent lesson ``hold`` asks for the line's reading time.
        """
        self._close_cue()
        sb = self.storyboard
        if sb.captions_on_screen:
            new = self.caption_mob(text)
            if self._caption is not None:
                # last in the scene's list while it fades: Manim redraws every frame each mobject from
                # the first animated one on, and the old caption sits under everything added after it
                # (the caption band overlaps nothing, so drawing it last changes no pixel)
                self.add(self._caption)
                self.play(FadeOut(self._caption, run_time=0.2), FadeIn(new, run_time=0.25))
            else:
                self.play(FadeIn(new, run_time=0.25))
            self._caption = new
            start = self.renderer.time - 0.25
        else:
            start = self.renderer.time
        line = len(self.cues)
        self.cues.append({"start": round(start, 3), "end": None, "text": text})
        if line < len(sb.beat_seconds):
            self._min_end = start + sb.beat_seconds[line]
        elif hold:
            self._min_end = self.renderer.time + reading_time(text)

    def settle(self) -> None:
        """Wait until the current caption has been on screen long enough."""
        rest = getattr(self, "_min_end", 0) - self.renderer.time
        if self.storyboard.beat_seconds:
            if rest > 1e-6:                       # a voice is still speaking: never cut it short
                self.wait(max(rest, 1 / config.frame_rate))
        elif rest >= 1.5 / config.frame_rate:    # shorter than a frame or so: nothing to hold
            self.wait(rest)

    def _close_cue(self) -> None:
        if self.cues and self.cues[-1]["end"] is None:
            self.settle()
            self.cues[-1]["end"] = round(self.renderer.time, 3)

    # -- playing ---------------------------------------------------------
    def construct(self) -> None:
        self.build()
        self.play(FadeIn(self.header, run_time=0.5))
        self.play_body()
        self._close_cue()
        self.wait(0.4)
        self.play(*[FadeOut(m) for m in self.mobjects], run_time=0.5)

    def play_body(self) -> None:
        self.play_beats(self.beats())

    def beats(self) -> list[Beat]:
        """The segment's steps, in order (subclasses)."""
        raise NotImplementedError

    def play_beats(self, beats: list[Beat]) -> None:
        """Spread the narration over ``beats`` and play them: every line said once, in order."""
        assigned = narration_phases(self.storyboard.narration, len(beats))
        for beat, lines in zip(beats, assigned):
            beat.scene, beat.lines, beat.said = self, list(lines), 0
            if not beat.spread:
                while beat.said < len(beat.lines):
                    beat.say_next()
            beat.show(beat)
            beat.finish()


def narration_phases(lines: tuple[str, ...] | list[str], phases: int) -> list[list[str]]:
    """Spread narration lines over a scene's phases, first and last anchored.

    With no more lines than phases, line i goes to phase round(i·(P−1)/(k−1));
    with more, the extra lines all go to the second-to-last phase (usually
    the long middle of a segment, where there is time to read them).
    """
    out: list[list[str]] = [[] for _ in range(phases)]
    k = len(lines)
    if k == 0:
        return out
    if phases == 1:
        out[0].extend(lines)
    elif k == 1:
        out[0].append(lines[0])
    elif k <= phases:
        for i, line in enumerate(lines):
            out[round(i * (phases - 1) / (k - 1))].append(line)
    else:
        for i in range(phases - 2):
            out[i].append(lines[i])
        out[phases - 2].extend(lines[phases - 2:-1])
        out[-1].append(lines[-1])
    return out
