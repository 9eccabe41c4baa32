"""The lesson's opening card: title, chapter list and where the vectors come from."""
from __future__ import annotations

from dataclasses import dataclass

from .storyboard import Storyboard
from .wording import count


@dataclass(frozen=True)
class TitleCardStoryboard(Storyboard):
    subtitle: str | None
    chapters: tuple[str, ...]
    shape: str


def title_card(compiled) -> TitleCardStoryboard:
    lesson = compiled.lesson
    return TitleCardStoryboard(
        type="title",
        index=0,
        title=lesson.title,
        narration=(),
        source_label=lesson.table.source.label,
        decimals=lesson.style.decimals,
        subtitle=lesson.config.lesson.subtitle,
        chapters=tuple(sb.title for sb in compiled.storyboards),
        shape=f"V = {count(lesson.table.V, 'token')} · d = {count(lesson.table.d, 'dimension')}",
    )
