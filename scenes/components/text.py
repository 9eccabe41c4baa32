"""Text that never calls LaTeX and always uses the lesson's fonts."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import subprocess
import unicodedata
import weakref
from collections.abc import Iterator
from pathlib import Path

from manim import DOWN, MathTypst, Text, Typst, VGroup, config

from embedcore.integrity import atomic_write_bytes
from embedcore.wrap import wrap_lines

from ..theme import GAP, PX_PER_UNIT, SIZE, Theme


def label(s: str, theme: Theme, *, size: float = SIZE.heading, colour: str | None = None, mono: bool = False,
          weight: str = "NORMAL", max_width: float | None = None) -> Text:
    """``s`` in the lesson's font. Wider than ``max_width``: a few percent smaller, else cut with "…"
    (at its size, so labels of one column keep one size and no text shrinks below the floor)."""
    font = theme.mono if mono else theme.font
    t = shaped_text(s, font, size, colour or theme.text, weight)
    if max_width is None or t.width <= max_width:
        return t
    if t.width <= max_width * SHRINK_OK:
        return t.scale_to_fit_width(max_width)
    keep = max(1, int(len(s) * max_width / t.width))
    while True:
        cut = shaped_text(elide(s, keep), font, size, colour or theme.text, weight)
        if cut.width <= max_width or keep <= 1:
            return cut if cut.width <= max_width else cut.scale_to_fit_width(max_width)
        keep -= 1


PANGO_BOX = 16384       # px: the box Pango lays a Text out in (wider than any line we draw)


@contextlib.contextmanager
def one_line() -> Iterator[None]:
    """Shape text in a box no line reaches. Manim hands Pango ``config.pixel_width`` as the layout
    width, so a long line shaped for a 256 px render came out wrapped onto two lines (and the text
    cache then served whichever shape it held first): our wrap is :func:`wrap`, never Pango's."""
    w, h = config.pixel_width, config.pixel_height
    config.pixel_width = config.pixel_height = PANGO_BOX
    try:
        yield
    finally:
        config.pixel_width, config.pixel_height = w, h


def is_text(m) -> bool:
    """A mobject that is one piece of text: a shaped Text, a number of cached glyphs, a formula."""
    from manim.mobject.text.typst_mobject import Typst
    return isinstance(m, (Text, NumberText, Typst))


@functools.lru_cache(16)
def cap_ratio(font: str) -> float:
    """Cap height per font-size point, in scene units."""
    probe = SIZE.display          # any size: the ratio is the font's
    with one_line():
        return Text("H", font=font, font_size=probe).height / probe


_TURNED: weakref.WeakSet = weakref.WeakSet()        # texts set on end (a one-glyph word shows no direction)


def quarter_turn(t: Text) -> Text:
    """``t`` turned to read bottom to top (a matrix's column labels), as :func:`drawn_size` knows."""
    _TURNED.add(t)
    return t.rotate(1.5707963267948966)


def drawn_size(m) -> float:
    """The font size text ``m`` is drawn at now, after any scaling (a quarter-turned Text too)."""
    from manim.mobject.text.typst_mobject import Typst
    if isinstance(m, NumberText):
        return m.size * m.width / max(m.initial_width, 1e-9)
    if isinstance(m, Typst):
        return float(m.font_size)
    if not isinstance(m, Text):     # a wrapped block (lines in a VGroup): the size of its first line
        lines = [t for t in m.get_family()[1:] if isinstance(t, (Text, NumberText, Typst))]
        if not lines:
            raise TypeError(f"drawn_size: {type(m).__name__} holds no text")
        return drawn_size(lines[0])
    glyphs = m.family_members_with_points()
    if len(glyphs) > 1:
        span = glyphs[-1].get_center() - glyphs[0].get_center()
        upright = abs(span[0]) >= abs(span[1])
    else:
        upright = m not in _TURNED
    return float(m._font_size) * ((m.height if upright else m.width) / max(m.initial_height, 1e-9))


@functools.lru_cache(1)
def typst_cap_ratio() -> float:
    """Cap height per font-size point of a Typst formula, in scene units. Typst sets math in its own
    font, whose capitals at one size are ~30 % shorter than Inter's: measured from an upright "H"."""
    probe = SIZE.display
    return float(MathTypst("upright(H)", font_size=probe).height) / probe


def font_of(m, fallback: str) -> str:
    if isinstance(m, NumberText):
        return m.font
    if isinstance(m, Text):
        return m.font or fallback
    return fallback


def cap_px(m, fallback_font: str) -> float:
    """Cap height of text ``m`` in px at a 1080 px short side (a formula's at its main size: the
    numbers on a displayed fraction's bars are that size, sub- and superscripts smaller)."""
    ratio = typst_cap_ratio() if isinstance(m, Typst) else cap_ratio(font_of(m, fallback_font))
    return drawn_size(m) * ratio * PX_PER_UNIT


DESCENDERS = set("gjpqy(),;_[]{}|Q\u2016")     # glyphs that reach below the baseline
_FLAT = set("xzvwkhnmrilfdtbaHIKLMNTVWXYZEFBDPR1234579")       # glyphs that sit on the baseline (no overshoot)


def baseline_y(m) -> float:
    """y of the baseline text ``m`` sits on: the bottom of one of its flat-bottomed glyphs, so rows of
    "puppy", "queen" and "0.81" share a line whatever their descenders. Text without such a glyph
    (CJK, emoji, "og"): its bottom, raised by the font's descender when it has descenders."""
    if isinstance(m, (Text, NumberText)):
        chars = [c for c in (m.original_text if isinstance(m, Text) else m.text) if not c.isspace()]
        glyphs = m.submobjects
        if len(chars) == len(glyphs):
            for c, g in zip(chars, glyphs):
                if c in _FLAT and len(g.points):
                    return float(g.get_bottom()[1])
    bottom = float(m.get_bottom()[1])
    s = m.original_text if isinstance(m, Text) else m.text if isinstance(m, NumberText) else ""
    if not set(s) & DESCENDERS:
        return bottom
    return bottom + _descender(font_of(m, "Inter"), round(drawn_size(m), 2))


@functools.lru_cache(64)
def _descender(font: str, size: float) -> float:
    """How far a descender ('g') reaches below the baseline ('x'), in scene units."""
    with one_line():
        x, g = Text("xp", font=font, font_size=size).submobjects     # one Text: both glyphs on its baseline
    return float(x.get_bottom()[1] - g.get_bottom()[1])


def sit_on(m, y: float):
    """Move text ``m`` up or down so its baseline is at ``y``. Returns ``m``."""
    m.shift([0, y - baseline_y(m), 0])
    return m


SHRINK_OK = 1.08        # a text may be drawn this much smaller to fit; beyond, it is cut


def elide(s: str, keep: int) -> str:
    """``s`` cut to ``keep`` characters, the last of them "…" (unchanged when it is short enough)."""
    return s if len(s) <= keep else s[:max(0, keep - 1)].rstrip() + "\u2026"


# -- shaped text, cached on disk ----------------------------------------------
# A Text costs ~40 ms (Pango renders an SVG, svgelements parses it); unpickling
# the finished mobject costs ~3 ms. The key holds everything the outlines
# depend on (string, font file and the fallback fonts after it, size, weight,
# colour, Manim and Pango versions), so a stale entry cannot be hit. Each entry
# starts with the SHA-256 of its pickle: a damaged one is shaped again, never
# served. The render worker turns the cache on (``text_cache.directory``);
# elsewhere (tests building scenes) it is off.

class _TextCache:
    directory: Path | None = None
    _fonts: dict[str, str] = {}

    def font_id(self, font: str) -> str:
        """The files fontconfig uses for ``font`` -- the font, then every fallback
        Pango may take a glyph from (CJK, emoji) -- with their sizes and mtimes."""
        if font not in self._fonts:
            try:
                files = subprocess.run(["fc-match", "-s", "-f", "%{file}\n", font], capture_output=True,
                                       text=True, timeout=10).stdout.split("\n")
                chain = []
                for path in filter(None, files):
                    st = os.stat(path)
                    chain.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
                self._fonts[font] = f"{chain[0]}+{hashlib.sha256(repr(chain).encode()).hexdigest()[:16]}"
            except (OSError, IndexError, subprocess.SubprocessError):
                self._fonts[font] = "?"
        return self._fonts[font]

    def key(self, *parts) -> str:
        import manim
        import manimpango
        raw = repr((parts, manim.__version__, manimpango.__version__, manimpango.pango_version()))
        return hashlib.sha256(raw.encode()).hexdigest()

    def load(self, key: str):
        if self.directory is None:
            return None
        try:
            data = (self.directory / key[:2] / f"{key}.pkl").read_bytes()
            if hashlib.sha256(data[32:]).digest() != data[:32]:
                return None         # cut short by a killed process, or flipped bytes: shape again
            return pickle.loads(data[32:])
        except Exception:           # missing, or unreadable: shape again
            return None

    def store(self, key: str, mob) -> None:
        if self.directory is None:
            return
        path = self.directory / key[:2] / f"{key}.pkl"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = pickle.dumps(mob, protocol=pickle.HIGHEST_PROTOCOL)
            # atomic: parallel workers never read half a file (no fsync: a lost entry is shaped again)
            atomic_write_bytes(path, hashlib.sha256(data).digest() + data, sync=False)
        except OSError:
            pass                        # a read-only or full cache only costs speed


text_cache = _TextCache()


LRM = "\u200e"          # left-to-right mark: no glyph, sets the paragraph's direction


def ltr_paragraph(s: str) -> str:
    """``s`` set in a left-to-right paragraph. A line whose first strong letter is Arabic or Hebrew makes
    Pango start a right-to-left paragraph, aligned to the right edge of its layout box, which is wider
    than the surface it draws on: 'كلمة' or 'שלום' alone came out as an empty Text. In a left-to-right
    paragraph the right-to-left run still reads right to left."""
    for ch in s:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return s
        if kind in ("R", "AL"):
            return LRM + s
    return s


def shaped_text(s: str, font: str, size: float, colour: str, weight: str = "NORMAL") -> Text:
    """``Text(s, ...)`` exactly as Manim shapes it, from the cache when it has it."""
    s = ltr_paragraph(s)
    key = text_cache.key(s, font, text_cache.font_id(font), float(size), str(colour), weight, PANGO_BOX) \
        if text_cache.directory else None
    t = text_cache.load(key) if key else None
    if t is None:
        with one_line():
            t = Text(s, font=font, font_size=size, color=colour, weight=weight)
        _lighten(t)
        if key:
            text_cache.store(key, t)
    return _lighten(t)          # entries stored before _lighten existed still carry the extras


def _lighten(t: Text) -> Text:
    """Drop what a finished Text keeps from its construction and nothing reads later, because
    every FadeIn/Transform deep-copies it: each glyph's parsed SVG path (copies ~9x slower) and
    the SVG's id → VGroup index (about three VGroups per glyph; a 43-glyph line copied in 35 ms,
    2 ms without). Neither is drawn, so the picture is unchanged."""
    for m in t.get_family():
        if getattr(m, "path_obj", None) is not None:
            m.path_obj = None
    t.id_to_vgroup_dict = {}
    return t


def centred_lines(s: str, theme: Theme, *, max_chars: int, size: float = SIZE.caption, colour: str | None = None,
                  max_width: float | None = None) -> VGroup:
    """A wrapped caption whose lines are centred under each other."""
    lines = VGroup(*[label(line, theme, size=size, colour=colour) for line in wrap(s, max_chars).split("\n")])
    lines.arrange(DOWN, buff=GAP.s)
    if max_width is not None and lines.width > max_width:
        lines.scale_to_fit_width(max_width)
    return lines


def wrapped(s: str, theme: Theme, *, max_width: float, size: float = SIZE.heading, colour: str | None = None,
            weight: str = "NORMAL", mono: bool = False, centred: bool = False, max_lines: int = 3,
            buff: float = 0.1) -> VGroup:
    """``s`` at ``size``, word-wrapped onto up to ``max_lines`` lines no wider than ``max_width``.

    Re-flows rather than shrinks: only when even ``max_lines`` lines are too
    wide (a very long word) is the block scaled down to ``max_width``.
    """
    from manim import LEFT, ORIGIN
    one = label(s, theme, size=size, colour=colour, weight=weight, mono=mono)
    if one.width <= max_width * 1.08:       # a few percent smaller reads better than a wrapped line
        if one.width > max_width:
            one.scale_to_fit_width(max_width)
        return VGroup(one)
    per_char = one.width / max(len(s), 1)      # by characters: the lines are measured below and re-flowed
    chars = max(6, int(max_width / per_char))
    while True:
        lines = wrap(s, chars, wide=False).split("\n")
        if len(lines) > max_lines and chars < len(s):
            lines = wrap(s, int(len(s) / max_lines) + 1, wide=False).split("\n")
        g = VGroup(*[label(line, theme, size=size, colour=colour, weight=weight, mono=mono) for line in lines])
        g.arrange(DOWN, buff=buff, aligned_edge=ORIGIN if centred else LEFT)
        if g.width <= max_width or chars <= 6 or len(lines) >= max_lines:
            break
        chars = int(chars * 0.9)
    if g.width > max_width:
        g.scale_to_fit_width(max_width)
    return g


def longest_word(s: str, theme: Theme, *, size: float, weight: str = "NORMAL") -> float:
    """The width of ``s``'s widest word at ``size``: the narrowest :func:`wrapped` can set it without
    shrinking it (a column for ``s`` should be at least this wide)."""
    return max((label(w, theme, size=size, weight=weight).width for w in s.split()), default=0.0)


def wrap(s: str, max_chars: int, *, wide: bool = True) -> str:
    """Word wrap for captions and labels: the project's one wrap (:func:`embedcore.wrap.wrap_lines`),
    which never breaks inside an expression (``max_chars`` in cells, a wide character two, unless not ``wide``)."""
    return "\n".join(wrap_lines(s, max_chars, wide=wide))


# -- numbers from cached glyphs ---------------------------------------------------
# Shaping a Text costs ~30–50 ms (Pango → SVG → parse); a table of numbers has
# dozens. Monospaced digits have one advance width and no kerning, so a number
# can be assembled from copies of glyphs shaped once, placed at multiples of
# the advance: the same picture Pango would draw, for ~1% of the cost.
_NUMBER_CHARS = "0123456789.,\u2212-+%×ide°"
_glyph_cache: dict[tuple[str, float, str], tuple[list, float]] = {}


def _glyphs(font: str, size: float, weight: str) -> tuple[list, float]:
    key = (font, size, weight)
    if key not in _glyph_cache:
        with one_line():
            ref = Text(_NUMBER_CHARS, font=font, font_size=size, weight=weight)
        for m in ref.get_family():
            if getattr(m, "path_obj", None) is not None:
                m.path_obj = None
        glyphs = list(ref.submobjects)
        if len(glyphs) != len(_NUMBER_CHARS):      # a glyph was dropped or merged: don't compose
            _glyph_cache[key] = ([], 0.0)
        else:
            advance = (glyphs[9].get_center()[0] - glyphs[0].get_center()[0]) / 9
            _glyph_cache[key] = (glyphs, advance)
    return _glyph_cache[key]


def number(s: str, theme: Theme, *, size: float = SIZE.cell, colour: str | None = None, weight: str = "NORMAL",
           max_width: float | None = None):
    """A number in the mono font, built from cached glyphs (falls back to Text)."""
    glyphs, adv = _glyphs(theme.mono, size, weight)
    if not glyphs or not s.strip() or any(ch not in _NUMBER_CHARS and ch != " " for ch in s):
        return label(s, theme, size=size, colour=colour, mono=True, weight=weight, max_width=max_width)
    parts = []
    for pos, ch in enumerate(s):
        if ch == " ":
            continue
        i = _NUMBER_CHARS.index(ch)
        g = glyphs[i].copy()
        g.shift([(pos - i) * adv, 0, 0])
        parts.append(g)
    out = NumberText(s, theme.mono, size, parts)
    out.set_color(colour or theme.text)
    if max_width is not None and out.width > max_width:
        out.scale_to_fit_width(max_width)
    return out


class NumberText(VGroup):
    """A number assembled from cached glyphs: what it says, its font and the size it was shaped at
    (``initial_width`` at that size, so the size it is drawn at can be measured after scaling)."""

    def __init__(self, text: str, font: str, size: float, glyphs) -> None:
        super().__init__(*glyphs)
        self.text = self.original_text = text       # as a Text has them, for tests and readouts
        self.font, self.size = font, size
        self.initial_width = self.width
