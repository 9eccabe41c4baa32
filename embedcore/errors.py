"""One error type for everything a lesson author can get wrong.

A :class:`LessonError` carries a *location path* (``("segments", 1, "pair", 1)``)
rather than a line number: the code that finds the problem knows *what* is wrong
and *where in the lesson's structure*, while only the loader knows the YAML
positions. :func:`embedcore.config.load_lesson` joins the two, so every message
reads ``file:line:col: where: what (how to fix)``.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

Loc = tuple[str | int, ...]


class LessonError(Exception):
    """A problem with the user's input, reported as one line."""

    def __init__(
        self,
        message: str,
        *,
        loc: Loc = (),
        hint: str | None = None,
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
        key: bool = False,
        offset: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.loc = tuple(loc)
        self.hint = hint
        self.file = file
        self.line = line
        self.col = col
        self.key = key  # point at the mapping key itself rather than its value
        self.offset = offset  # character offset inside a one-line string value

    @property
    def where(self) -> str:
        return format_loc(self.loc)

    def __str__(self) -> str:
        parts = []
        if self.file:
            pos = self.file
            if self.line is not None:
                pos += f":{self.line}:{self.col or 1}"
            parts.append(pos)
        if self.loc:
            parts.append(self.where)
        text = self.message + (f" ({self.hint})" if self.hint else "")
        parts.append(text)
        return one_line(": ".join(parts))


def one_line(text: str) -> str:
    """The message as one printable line: a line break or control character from the
    author's file (a key, a token) is shown escaped, never printed raw."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def format_loc(loc: Sequence[str | int]) -> str:
    """``("segments", 1, "pair", 0)`` -> ``segments[1].pair[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 1) -> str | None:
    """A closest-match suggestion (``"did you mean 'dog'?"``) or ``None``."""
    choices = list(choices)
    # difflib is O(len(choices)); a 50k vocabulary is fine, 1M is a few seconds,
    # so cap the scan for huge vocabularies to candidates of similar length.
    if len(choices) > 200_000:
        choices = [c for c in choices if abs(len(c) - len(word)) <= 2]
    close = difflib.get_close_matches(word, choices, n=n, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"
