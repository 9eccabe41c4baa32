"""The one word wrap: on-screen captions, wrapped labels and the caption track all break lines here.

A line never breaks inside an expression: an operator keeps the words on both
sides ("16 × 8", "d = 12,288"), and a bracket or a norm bar keeps everything
up to its partner ("cos(queen, king)", "‖A − B‖"), and a number keeps its unit of measure
("46.9 MB", "64.9 °"). Such a run is one *unit*;
units are wrapped greedily, and a unit longer than a line gets a line of its own.
"""
from __future__ import annotations

OPERATORS = frozenset("× = ≈ ≠ + − · / * < > ≤ ≥ → ← ± ∝ ∈ ⋅".split())
_OPEN, _CLOSE = "([{", ")]}"
#: units of measure that stay on the line of the number before them
MEASURES = frozenset("B kB KB MB GB TB KiB MiB GiB TiB bytes bits % ° s ms px dB".split())


def _depth(word: str) -> int:
    return sum(word.count(c) for c in _OPEN) - sum(word.count(c) for c in _CLOSE)


def units(text: str) -> list[str]:
    """``text``'s words, with every expression joined into one unbreakable unit."""
    out: list[str] = []
    depth = 0            # open brackets carried from earlier words
    bars = 0             # ‖ seen in the current unit (odd: inside a norm)
    glue_next = False    # the previous word was an operator: this word joins it
    for word in text.split():
        is_op = word in OPERATORS
        measure = word.rstrip(".,;:)") in MEASURES and bool(out) and out[-1][-1:].isdigit()
        if out and (depth > 0 or bars % 2 == 1 or glue_next or is_op or measure):
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
            bars = 0
        depth = max(0, depth + _depth(word))
        bars += word.count("\u2016")
        glue_next = is_op
    return out


def wrap_lines(text: str, max_chars: int) -> list[str]:
    """Greedy wrap of ``text`` into lines of at most ``max_chars`` characters, never inside a unit."""
    lines: list[str] = []
    cur = ""
    for unit in units(text):
        if cur and len(cur) + 1 + len(unit) > max_chars:
            lines.append(cur)
            cur = unit
        else:
            cur = f"{cur} {unit}".strip()
    if cur:
        lines.append(cur)
    return lines
