"""Helpers every segment builder shares."""
from __future__ import annotations


def base_fields(lesson, options, index: int, *, default_title: str, default_narration: list[str]) -> dict:
    """Keyword arguments for :class:`~embedcore.storyboard.Storyboard`."""
    return dict(
        type=options.type,
        index=index + 1,
        title=options.title or default_title,
        narration=tuple(options.narration_lines or default_narration),
        source_label=lesson.table.source.label,
        decimals=lesson.style.decimals,
    )


def segment_sequence(lesson, options, index: int):
    """The segment's own ``tokens`` if given, else the lesson's sequence."""
    if options.tokens is None:
        return lesson.sequence
    return lesson.resolve_tokens(options.tokens, ("segments", index, "tokens"))
