"""The base of every segment scene: background, header, captions, cues.

A segment scene is built from a storyboard and a theme and only lays out and
animates; it computes nothing a viewer reads. ``build()`` creates the
mobjects without playing anything, so tests can inspect a scene without
rendering a frame; ``construct()`` (called by ``render()``) plays it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from manim import DEFAULT_WAIT_TIME, DOWN, LEFT, UL, FadeIn, FadeOut, Mobject, Scene, VGroup, config
from manim.camera.camera import Camera

from embedcore.storyboard import Storyboard, narration_phases, reading_time, token_slots  # noqa: F401 (narration_phases: scenes.text and tests take it from here)
from scenes import layout

from .components.emphasis import fade_in_still, fade_out_still
from .components.text import centred_lines, label, wrap, wrapped
from .theme import GAP, SIZE, Theme

CAPTION_CHARS = 64      # characters per on-screen caption line in a line 13.2 units wide
#: lines an on-screen caption shows at once: a longer narration line is shown in pages of at most this many,
#: one after the other while it is read (the band is never taller, whatever a lesson's tokens make of a line)
CAPTION_LINES = 3


def caption_chars(width: float) -> int:
    """Characters per caption line ``width`` units wide (the title-safe width: 58 at 16:9, 32 at 9:16)."""
    return max(20, int(CAPTION_CHARS * width / (16 / 9 * 8 - 1.0)))


def caption_pages(text: str, max_chars: int, max_lines: int = CAPTION_LINES) -> list[str]:
    """``text`` wrapped at ``max_chars`` and cut into pages of at most ``max_lines`` lines, as even as the
    lines allow (five lines are 3 + 2, not 3 + a stranded line pair's worth of 2 + 0)."""
    lines = wrap(text, max_chars).split("\n")
    n = -(-len(lines) // max_lines)
    sizes = [len(lines) // n + (k < len(lines) % n) for k in range(n)]
    out, at = [], 0
    for size in sizes:
        out.append("\n".join(lines[at:at + size]))
        at += size
    return out


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
    #: after ``build_body``, bring the body inside the body region (:func:`layout.contain`). Only for a
    #: scene that keeps no coordinates of its own (every later position read from its mobjects): a
    #: stored origin or anchor would not move with it
    CONTAIN = False
    #: pairs of attribute names whose panels share the body one after the other when ``turns`` is set
    #: (content too tall at the text floor: the first gives its place to the second)
    TAKE_TURNS: tuple[tuple[str, str], ...] = ()
    turns = False

    def __init__(self, storyboard: Storyboard, theme: Theme, **kwargs) -> None:
        self.storyboard = storyboard
        self.theme = theme
        self.cues: list[dict] = []           # caption cues: start, end (s), text
        self._caption = None
        self._pages: list[tuple[float, str]] = []     # the current line's pages still to show: (time, text)
        self._built = False
        self.beat_label = "start"        # "beat 2 (_show_tables)" while that beat plays (the layout check)
        #: called with the scene at the end of every beat (the layout check samples the frame there)
        self.beat_observer: Callable[[SegmentScene], None] | None = None
        super().__init__(**kwargs)

    # -- layout helpers -------------------------------------------------
    @property
    def fw(self) -> float:
        return config.frame_width

    @property
    def fh(self) -> float:
        return config.frame_height

    def colour_of(self, token: str) -> str:
        """The token string's colour: one per string in the whole lesson (``storyboard.token_groups``)."""
        sb = self.storyboard
        slots = dict(sb.token_colours) or token_slots((sb.shown_tokens(),))
        return self.theme.colour_of(slots.get(token, 0))

    @property
    def safe_width(self) -> float:
        """Width of the title-safe area: every text line fits in it."""
        return self.fw - 2 * layout.safe_margins(self.fw, self.fh)[0]

    @property
    def caption_chars(self) -> int:
        return caption_chars(self.safe_width)

    def caption_height(self) -> float:
        """Height of the tallest caption this scene will show (at least two lines); 0 when the
        narration goes to the caption track only (a voice speaks it): the band is the body's then.

        Counted, not built (a caption is dozens of glyphs): lines × the height of
        a line with an ascender and a descender, which no caption line exceeds.
        """
        if not self.storyboard.captions_on_screen:
            return 0.0
        if not hasattr(self, "_caption_h"):
            line_h = label("Ay", self.theme, size=SIZE.caption).height
            n = max([2, *[len(wrap(t, self.caption_chars).split("\n")) for t in self.storyboard.narration]])
            n = min(n, CAPTION_LINES)
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
        mx, my = layout.safe_margins(self.fw, self.fh)
        self.title = wrapped(sb.title, th, size=SIZE.title, weight="BOLD", max_width=self.safe_width, max_lines=3,
                             buff=GAP.xs)
        self.title.move_to([-self.fw / 2 + mx, self.fh / 2 - my, 0], aligned_edge=UL)
        # the vectors' source under the title; none on a segment that shows no vectors (a text card)
        self.source = VGroup()
        if sb.source_label:
            self.source = wrapped(sb.source_label, th, size=SIZE.cell, colour=th.muted, max_width=self.safe_width,
                                  max_lines=3, buff=GAP.xs)
            self.source.next_to(self.title, DOWN, buff=GAP.s, aligned_edge=LEFT)
        self.header = VGroup(self.title, self.source)
        self.regions = layout.regions(self.fw, self.fh, self.header.get_bottom()[1], self.caption_height())
        before = set(vars(self))
        self.build_body()
        if self.CONTAIN:
            layout.contain(self.body_mobjects(before), self.regions.body)
        self._built = True

    def body_mobjects(self, before: set[str]) -> list[Mobject]:
        """The mobjects ``build_body`` made (attributes not in ``before``, and those in lists of them)."""
        out: list[Mobject] = []
        for k, v in vars(self).items():
            if k in before:
                continue
            for m in (v if isinstance(v, (list, tuple)) else [v]):
                if isinstance(m, Mobject):
                    out.append(m)
        return out

    def build_body(self) -> None:
        raise NotImplementedError

    def fill_body(self, panels, **kwargs) -> float:
        """Stack ``panels`` (lists of mobjects, top to bottom) to fill the body region, in any frame shape:
        measured, so a layout already as large as the body stays put and a small one grows (up to
        :func:`layout.stack`'s ``max_scale``); height left over goes between the panels, up to twice
        ``GAP.xl`` each (a tall body's spare height, where a wide one has little). Returns the scale used."""
        panels = [[m for m in p if m.has_points() or m.get_family()[1:]] for p in panels]
        panels = [p for p in panels if any(len(s.points) for m in p for s in m.get_family())]
        kwargs.setdefault("max_gap", 2 * GAP.xl)
        return layout.stack(panels, self.regions.body, **kwargs)

    def caption_mobs(self) -> list:
        """The caption on screen now (none with track-only captions)."""
        return [self._caption] if self._caption is not None else []

    def setup(self) -> None:
        self.camera.background_color = self.theme.background

    # -- captions --------------------------------------------------------
    def caption_mob(self, text: str):
        t = centred_lines(text, self.theme, max_chars=self.caption_chars, size=SIZE.caption, max_width=self.safe_width)
        return t.move_to([0, self.regions.caption.y0, 0], aligned_edge=DOWN)

    def say(self, text: str, *, hold: bool = True) -> None:
        """Start the next narration line: its caption (if drawn) and its cue.

        With a voice (``storyboard.beat_seconds``) the line holds for its full
        beat whatever ``hold`` says, so the next line never starts over it; in a
        silent lesson ``hold`` asks for the line's reading time.
        """
        self._close_cue()
        sb = self.storyboard
        line = len(self.cues)
        pages = caption_pages(text, self.caption_chars)
        self._pages = []
        if sb.captions_on_screen:
            new = self.caption_mob(pages[0])
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
        self.cues.append({"start": round(start, 3), "end": None, "text": text})
        if line < len(sb.beat_seconds):
            self._min_end = start + sb.beat_seconds[line]
        elif hold:
            self._min_end = self.renderer.time + reading_time(text)
        if sb.captions_on_screen and len(pages) > 1:
            # each page for its share of the line's time, by length (a page turns at the next play or inside a wait)
            span = (sb.beat_seconds[line] if line < len(sb.beat_seconds) else reading_time(text))
            total, before = sum(map(len, pages)), 0
            for k in range(1, len(pages)):
                before += len(pages[k - 1])
                self._pages.append((start + span * before / total, pages[k]))
            self._pages_end = start + span

    def _turn_pages(self) -> None:
        """Show the page of the current caption that is due now, or within a frame (a cut, as subtitles turn)."""
        due = None
        while self._pages and self._pages[0][0] < self.renderer.time + 1 / config.frame_rate:
            due = self._pages.pop(0)[1]
        if due is not None and self._caption is not None:
            new = self.caption_mob(due)
            self.remove(self._caption)
            self.add(new)
            self._caption = new

    def play(self, *args, **kwargs) -> None:
        self._turn_pages()
        super().play(*args, **kwargs)

    def wait(self, duration: float = DEFAULT_WAIT_TIME, *args, **kwargs) -> None:
        """A wait, cut where a caption page turns inside it (more than a frame in)."""
        self._turn_pages()
        end = self.renderer.time + duration
        while self._pages and self._pages[0][0] < end - 1 / config.frame_rate and not args and not kwargs:
            super().wait(self._pages[0][0] - self.renderer.time)     # at least a frame: _turn_pages took the rest
            self._turn_pages()
            duration = end - self.renderer.time
        super().wait(duration, *args, **kwargs)

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
            if self._pages:     # a line not held for its reading time still shows every page, each for its share
                self.wait(max(self._pages_end - self.renderer.time, 1 / config.frame_rate))
                self._turn_pages()
            self.cues[-1]["end"] = round(self.renderer.time, 3)

    # -- playing ---------------------------------------------------------
    def construct(self) -> None:
        self.build()
        # opacity-only fades (the points stay, so the renderer's path cache holds): the closing fade
        # moved every point of every glyph on screen, a quarter of a segment's drawing time
        self.play(fade_in_still(self.header, run_time=0.5))
        self.play_body()
        self._close_cue()
        self.wait(0.4)
        self.play(*[fade_out_still(m) for m in self.mobjects], run_time=0.5)

    def play_body(self) -> None:
        self.play_beats(self.beats())

    def beats(self) -> list[Beat]:
        """The segment's steps, in order (subclasses)."""
        raise NotImplementedError

    def play_beats(self, beats: list[Beat]) -> None:
        """Spread the narration over ``beats`` and play them: every line said once, in order."""
        assigned = narration_phases(self.storyboard.narration, len(beats))
        for k, (beat, lines) in enumerate(zip(beats, assigned)):
            beat.scene, beat.lines, beat.said = self, list(lines), 0
            self.beat_label = f"beat {k + 1} ({beat.show.__name__.lstrip('_')})"
            if not beat.spread:
                while beat.said < len(beat.lines):
                    beat.say_next()
            beat.show(beat)
            beat.finish()
            if self.beat_observer is not None:
                self.beat_observer(self)

