"""Segment ``pitfall-learned``: embeddings are learned rows, not fixed codes.

Two occurrences of one token select the same row (same id, same numbers), and
a token spelled almost the same gets an unrelated row: the numbers come from
training (or, for synthetic lessons, a random generator), not from the letters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase, Token
from ..errors import LessonError
from ..neighbours import levenshtein
from ..similarity import ZeroVectorError, cosine
from ..storyboard import Storyboard, fmt
from ..wording import count, times
from .common import base_fields, segment_sequence

if TYPE_CHECKING:
    from ..lesson import Lesson
    from ..vocab import Vocabulary

TYPE = "pitfall-learned"
SCENE = "scenes.pitfall_learned:PitfallLearnedScene"
ORDER = 100               # place in the README table and the schema
MAX_TOKENS = 10
SHOWN_COLS = 4
LOOKALIKE_SCAN = 200_000     # vocabularies larger than this need an explicit lookalike


class Options(SegmentBase):
    """The same token always selects the same row; rows are not derived from spelling."""

    type: Literal["pitfall-learned"]
    token: Token | None = Field(default=None, description="the repeated token (default: first repeat in the sequence)")
    lookalike: Token | None = Field(default=None, description="a token spelled alike (default: closest spelling)")


@dataclass(frozen=True)
class RowView:
    token: str
    id: int
    cells: tuple[str, ...]       # first SHOWN_COLS entries, then "⋯" if d is larger


@dataclass(frozen=True)
class LearnedStoryboard(Storyboard):
    tokens: tuple[str, ...]
    positions: tuple[int, ...]    # where ``row.token`` occurs in ``tokens``
    row: RowView
    lookalike: RowView
    edit_distance: int
    cosine_text: str
    origin: str                   # where the numbers come from, for this source
    same_note: str                # beside the shared row: "both 'the's: the same id, the same row"
    look_note: str                # beside the look-alike's row: edit distance and cosine


def closest_spelling(vocab: Vocabulary, token: str) -> str | None:
    best, best_d = None, None
    for t in vocab.tokens:
        if t == token or abs(len(t) - len(token)) > (best_d if best_d is not None else 3):
            continue
        d = levenshtein(t, token)
        if best_d is None or d < best_d:
            best, best_d = t, d
            if d == 1:
                break
    return best


def build(lesson: Lesson, options: Options, index: int) -> LearnedStoryboard:
    table = lesson.table
    seq = segment_sequence(lesson, options, index)
    toks = list(seq.tokens)
    sloc = ("segments", index, "tokens") if options.tokens is not None else ("tokens",)
    if len(toks) > MAX_TOKENS:
        raise LessonError(f"a pitfall-learned segment shows at most {MAX_TOKENS} tokens, this one has {len(toks)}",
                          loc=sloc, hint="give the segment a shorter 'tokens:' that repeats one token")
    if options.token is not None:
        token = options.token
        table.vocab.id_of(token, loc=("segments", index, "token"))
    else:
        token = next((t for i, t in enumerate(toks) if t in toks[:i]), toks[0])
    positions = tuple(i for i, t in enumerate(toks) if t == token)
    if len(positions) < 2:
        raise LessonError(f"{token!r} occurs {len(positions)} time{'s' if len(positions) != 1 else ''} in the sequence; "
                          "this segment needs it twice", loc=sloc,
                          hint=f"give the segment 'tokens:' in which '{token}' appears twice")
    look: str | None                    # None: no token spelled alike (refused below)
    if options.lookalike is not None:
        look = options.lookalike
        table.vocab.id_of(look, loc=("segments", index, "lookalike"))
        if look == token:
            raise LessonError("'lookalike' is the same token", loc=("segments", index, "lookalike"),
                              hint="choose a different token spelled alike")
    else:
        if table.V > LOOKALIKE_SCAN:
            raise LessonError(f"the vocabulary has {table.V:,} tokens; name the look-alike yourself",
                              loc=("segments", index), hint="add 'lookalike: <token>'")
        look = closest_spelling(table.vocab, token)
        if look is None:
            raise LessonError("the vocabulary has no other token to compare with", loc=("segments", index),
                              hint="add 'lookalike: <token>'")
    ids = np.array([table.vocab.index[token], table.vocab.index[look]])
    rows = table.rows(ids)
    dec = lesson.style.decimals
    cols = min(SHOWN_COLS, table.d)

    def view(t: str, i: int, r: np.ndarray) -> RowView:
        cells = tuple(fmt(float(x), dec) for x in r[:cols]) + (("\u22ef",) if table.d > cols else ())
        return RowView(t, int(i), cells)

    try:
        c = fmt(cosine(rows[0], rows[1]), dec)
    except ZeroVectorError:
        c = "undefined"
    src = table.source
    if src.learned is True:
        origin = "These rows were learned by training: gradient steps moved each one to where it is."
    elif src.learned is False:
        origin = ("Here the rows are seeded random numbers; in a real model they are learned in training."
                  if src.kind == "synthetic" else
                  "Here the rows were written by hand; in a real model they are learned in training.")
    else:
        origin = "These rows were loaded from a file; in a real model they are learned in training."
    e = levenshtein(token, look)
    cos_clause = (f"cosine {c} with '{token}'" if c != "undefined"
                  else f"no cosine with '{token}': a zero vector has no direction")
    narration = [
        f"'{token}' appears {times(len(positions))}, and every time it selects the same row: id {ids[0]:,}.",
        f"'{look}' is spelled {count(e, 'edit')} away, but it has its own row, id {ids[1]:,} "
        f"({cos_clause}): the numbers are not computed from the letters.",
        origin,
    ]
    same_note = (f"{'both' if len(positions) == 2 else f'all {len(positions)}'} '{token}'s: "
                 "the same id, the same row")
    look_note = f"'{look}': {count(e, 'edit')} away, cosine {c}" + (" (a zero vector)" if c == "undefined" else "")
    return LearnedStoryboard(
        **base_fields(lesson, options, index, default_title="Pitfall: learned, not fixed",
                      default_narration=narration),
        tokens=tuple(toks), positions=positions, row=view(token, ids[0], rows[0]),
        lookalike=view(look, ids[1], rows[1]), edit_distance=e, cosine_text=c, origin=origin,
        same_note=same_note, look_note=look_note,
    )
