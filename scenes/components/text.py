"""Text that never calls LaTeX and always uses the lesson's fonts."""
from __future__ import annotations

from manim import DOWN, Text, VGroup

from ..theme import Theme


def label(s: str, theme: Theme, *, size: float = 24, colour: str | None = None, mono: bool = False,
          weight: str = "NORMAL", max_width: float | None = None) -> Text:
    t = Text(s, font=theme.mono if mono else theme.font, font_size=size, color=colour or theme.text, weight=weight)
    # Each glyph keeps its parsed SVG path; deep-copying it makes every
    # Transform/FadeIn ~9x slower, and nothing reads it after construction.
    for m in t.get_family():
        if getattr(m, "path_obj", None) is not None:
            m.path_obj = None
    if max_width is not None and t.width > max_width:
        t.scale_to_fit_width(max_width)
    return t


def centred_lines(s: str, theme: Theme, *, max_chars: int, size: float = 22, colour: str | None = None,
                  max_width: float | None = None) -> VGroup:
    """A wrapped caption whose lines are centred under each other."""
    lines = VGroup(*[label(line, theme, size=size, colour=colour) for line in wrap(s, max_chars).split("\n")])
    lines.arrange(DOWN, buff=0.12)
    if max_width is not None and lines.width > max_width:
        lines.scale_to_fit_width(max_width)
    return lines


def wrap(s: str, max_chars: int) -> str:
    """Greedy word wrap for captions."""
    lines: list[str] = []
    cur = ""
    for word in s.split():
        if cur and len(cur) + 1 + len(word) > max_chars:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    if cur:
        lines.append(cur)
    return "\n".join(lines)
