"""Segment ``pitfall-spelling``: looking alike is not meaning alike.

The seed's "'cat' and 'bat' differ by one character but may have very
different embeddings": a word, a look-alike (small character edit distance)
and a word related in meaning, each pair's edit distance beside its cosine.
What the screen may conclude depends on the vectors' source: with made-up
vectors the outcome is by construction, and the caption says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase, Token
from ..errors import LessonError, Loc
from ..neighbours import changed_positions, levenshtein
from ..similarity import ZeroVectorError, cosine
from ..storyboard import Storyboard, fmt
from .common import base_fields
from .provenance import pair_construction, result_note

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "pitfall-spelling"
SCENE = "scenes.pitfall_spelling:PitfallSpellingScene"
ORDER = 90               # place in the README table and the schema


class Options(SegmentBase):
    """Edit distance beside cosine: looks alike vs means alike; honest about the source."""

    type: Literal["pitfall-spelling"]
    word: Token = Field(description="the token compared")
    lookalike: Token = Field(description="spelled alike, meaning differs")
    related: Token = Field(description="spelled differently, meaning related")


@dataclass(frozen=True)
class PairCard:
    kind: str                   # "looks alike" | "means alike"
    a: str
    b: str
    edit_distance: int
    edit_text: str              # "1 letter changed"
    changed_a: tuple[int, ...]  # character positions to highlight
    changed_b: tuple[int, ...]
    cosine: float
    cosine_text: str


@dataclass(frozen=True)
class SpellingStoryboard(Storyboard):
    cards: tuple[PairCard, PairCard]
    finding: str                # what these numbers show
    honesty: str                # what kind of result it is
    learned: bool | None


def _card(kind: str, a: str, b: str, va: np.ndarray, vb: np.ndarray, dec: int, loc: Loc) -> PairCard:
    try:
        c = cosine(va, vb)
    except ZeroVectorError:
        raise LessonError(f"'{a}' or '{b}' has a zero vector, so their cosine is undefined", loc=loc,
                          hint="choose tokens whose rows are not all zeros") from None
    e = levenshtein(a, b)
    ca, cb = changed_positions(a, b)
    return PairCard(kind, a, b, e, f"{e} character edit{'s' if e != 1 else ''}", ca, cb, c, fmt(c, dec))


def build(lesson: Lesson, options: Options, index: int) -> SpellingStoryboard:
    table = lesson.table
    keys = ("word", "lookalike", "related")
    words = [getattr(options, k) for k in keys]
    ids = [table.vocab.id_of(w, loc=("segments", index, k)) for w, k in zip(words, keys)]
    for k, w in zip(keys[1:], words[1:]):
        if w == options.word:
            raise LessonError(f"'{k}' is the same token as 'word'", loc=("segments", index, k),
                              hint="compare the word with a different token")
    rows = table.rows(ids)
    dec = lesson.style.decimals
    look = _card("looks alike", words[0], words[1], rows[0], rows[1], dec, ("segments", index, "lookalike"))
    rel = _card("means alike", words[0], words[2], rows[0], rows[2], dec, ("segments", index, "related"))
    if rel.cosine > look.cosine:
        finding = (f"'{look.b}' is {look.edit_distance} edit{'s' if look.edit_distance != 1 else ''} from "
                   f"'{look.a}' yet less similar ({look.cosine_text}) than '{rel.b}' ({rel.cosine_text}).")
    else:
        finding = (f"Here the look-alike '{look.b}' is at least as similar ({look.cosine_text}) as "
                   f"'{rel.b}' ({rel.cosine_text}): spelling and meaning happen to agree.")
    if table.source.learned is False:
        why = pair_construction(table.source, rel.a, rel.b)
        honesty = result_note(table.source, built_in=why)
    else:
        honesty = result_note(table.source, built_in="")
    narration = [
        f"'{look.a}' and '{look.b}' differ by {look.edit_text}. Are their vectors alike?",
        "In a trained model each embedding is a learned row of numbers; the spelling is not an input to it.",
        finding,
        honesty,
    ]
    return SpellingStoryboard(
        **base_fields(lesson, options, index, default_title="Pitfall: spelling is not meaning",
                      default_narration=narration),
        cards=(look, rel), finding=finding, honesty=honesty, learned=table.source.learned,
    )
