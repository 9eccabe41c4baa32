"""The one word wrap: on-screen captions, wrapped labels and the caption track all break lines here.

A line never breaks inside an expression: an operator keeps the words on both
sides ("16 × 8", "d = 12,288"), and a bracket or a norm bar keeps everything
up to its partner ("cos(queen, king)", "‖A − B‖"), and a number keeps its unit of measure
("46.9 MB", "64.9 °"). Such a run is one *unit*;
units are wrapped greedily, and a unit longer than a line gets a line of its own.
A line's length is counted in cells: a wide character (CJK, Hangul, most emoji) takes two, as it does on
screen, so a line of Chinese is not drawn twice as wide as one of English.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable

OPERATORS = frozenset("× = ≈ ≠ + − · / * < > ≤ ≥ → ← ± ∝ ∈ ⋅".split())
_OPEN, _CLOSE = "([{", ")]}"
#: units of measure that stay on the line of the number before them
MEASURES = frozenset("B kB KB MB GB TB KiB MiB GiB TiB bytes bits % ° s ms px dB".split())


def cells(text: str) -> int:
    """``text``'s length in cells: two for a wide or full-width character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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


def _asides_split(units_: list[str], max_chars: int, size: Callable[[str], int]) -> list[str]:
    """A bracketed aside in prose ("(tied with X and Y)": it opens with the bracket and holds no operator or
    norm) longer than a line is words again: kept whole it took a line of its own, wider than the frame."""
    out: list[str] = []
    for unit in units_:
        words = unit.split()
        if size(unit) > max_chars and unit[0] in _OPEN and "\u2016" not in unit and \
                not any(w in OPERATORS for w in words):
            out += words
        else:
            out.append(unit)
    return out


def wrap_lines(text: str, max_chars: int, *, wide: bool = True) -> list[str]:
    """Greedy wrap of ``text`` into lines of at most ``max_chars`` cells (``wide=False``: characters, for a
    caller that measures its lines' drawn width itself), never inside a unit."""
    size = cells if wide else len
    lines: list[str] = []
    cur = ""
    for unit in _asides_split(units(text), max_chars, size):
        if cur and size(cur) + 1 + size(unit) > max_chars:
            lines.append(cur)
            cur = unit
        else:
            cur = f"{cur} {unit}".strip()
    if cur:
        lines.append(cur)
    return lines
