"""Small words that depend on the data: counts, plurals, lists, elision.

Every sentence a storyboard states about the data goes through these, so
"1 number", "2 numbers", "twice" and "'a', 'b' and 'c'" are right for any n.
"""
from __future__ import annotations

from collections.abc import Iterable

ELLIPSIS = "\u2026"

_IRREGULAR = {"dimension": "dimensions", "matrix": "matrices", "is": "are", "was": "were", "this": "these",
              "has": "have", "spans": "span", "it": "they", "its": "their"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``word`` for n == 1, else its plural (``many`` or an s)."""
    if n == 1:
        return word
    return many or _IRREGULAR.get(word) or word + "s"


def count(n: int, word: str, many: str | None = None) -> str:
    """``1 number``, ``2 numbers``, ``30,522 tokens``."""
    return f"{n:,} {plural(n, word, many)}"


def times(n: int) -> str:
    """``once``, ``twice``, ``3 times``."""
    return {1: "once", 2: "twice"}.get(n, f"{n:,} times")


def join_names(names: Iterable[object], *, quote: str = "'", limit: int | None = None) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``; over ``limit``: ``'a', 'b' and 3 more``."""
    q = [f"{quote}{n}{quote}" for n in names]
    if not q:
        return ""
    if limit is not None and len(q) > limit:
        rest = len(q) - limit
        return ", ".join(q[:limit]) + f" and {rest:,} more"
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " and " + q[-1]


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def elide(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in … when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def direction_phrase(angle: float) -> str:
    """What an angle between two arrows looks like, in words (true for the angle given)."""
    if angle < 1:
        return "point the same way"
    if angle < 45:
        return "point in similar directions"
    if angle < 80:
        return "are far apart in direction"
    if angle <= 100:
        return "are nearly perpendicular"
    if angle < 179:
        return "point in largely opposite directions"
    return "point in opposite directions"
