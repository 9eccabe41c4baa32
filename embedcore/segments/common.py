"""Helpers every segment builder shares."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import SegmentBase
    from ..lesson import Lesson, Sequence


def base_fields(lesson: Lesson, options: SegmentBase, index: int, *, default_title: str,
                default_narration: list[str]) -> dict[str, Any]:
    """Keyword arguments for :class:`~embedcore.storyboard.Storyboard`."""
    return dict(
        type=options.type,
        index=index + 1,
        title=options.title or default_title,
        narration=tuple(options.narration_lines or default_narration),
        source_label=lesson.table.source.label,
        decimals=lesson.style.decimals,
    )


def segment_sequence(lesson: Lesson, options: SegmentBase, index: int) -> Sequence:
    """The segment's own ``tokens`` if given, else the lesson's sequence."""
    if options.tokens is None:
        return lesson.sequence
    return lesson.resolve_tokens(options.tokens, ("segments", index, "tokens"))
