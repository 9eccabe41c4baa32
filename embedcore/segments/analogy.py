"""Segment ``analogy``: a − b + c (king − man + woman) and its nearest tokens.

Shown honestly: first the raw top k by cosine, which usually contains the
input words themselves, then the top k with the inputs excluded, as analogy
results are usually quoted.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import MAX_TOKEN, SegmentBase, Token
from ..errors import LessonError
from ..neighbours import analogy_vector, nearest, scan
from ..special import left_out_sentence, special_ids
from ..storyboard import MINUS, Storyboard, fmt
from ..wording import count, elide, join_names, plural
from .common import base_fields
from .provenance import result_note

if TYPE_CHECKING:
    from ..lesson import Lesson
    from ..neighbours import Ranked
    from ..sources.base import EmbeddingTable, SourceInfo

TYPE = "analogy"
SCENE = "scenes.analogy:AnalogyScene"
ORDER = 80               # place in the README table and the schema
MAX_K = 8


class Options(SegmentBase):
    """The vector a − b + c and its neighbours, raw and with the inputs excluded."""

    type: Literal["analogy"]
    a: Token = Field(description="a in a − b + c (e.g. king)")
    b: Token = Field(description="b, subtracted (e.g. man)")
    c: Token = Field(description="c, added (e.g. woman)")
    expect: Token | None = Field(default=None, description="the answer the analogy hopes for (highlighted)")
    k: int = Field(default=5, ge=1, le=MAX_K, description="neighbours listed")
    include_special: bool = Field(default=False, description="search special tokens ([CLS], [MASK], <s>, ...) too")


@dataclass(frozen=True)
class Hit:
    rank: int
    token: str
    id: int
    value: float
    text: str
    is_input: bool
    is_expected: bool


@dataclass(frozen=True)
class AnalogyStoryboard(Storyboard):
    a: str
    b: str
    c: str
    expression: str             # "king − man + woman"
    expect: str | None
    k: int
    raw: tuple[Hit, ...]        # top k, inputs allowed
    excluded: tuple[Hit, ...]   # top k, inputs removed
    raw_caption: str
    excluded_caption: str
    verdict: str
    honesty: str                # the result note, then which special tokens were left out
    special_left_out: int       # special tokens ([CLS], [MASK], <s>, ...) not searched


def _hits(table: EmbeddingTable, ranked: Ranked, inputs: set[int], expect_id: int | None, dec: int) -> tuple[Hit, ...]:
    toks = table.vocab.tokens
    return tuple(Hit(r, elide(toks[i], MAX_TOKEN), int(i), float(v), fmt(float(v), dec), int(i) in inputs, int(i) == expect_id)
                 for r, (i, v) in enumerate(zip(ranked.ids, ranked.scores), 1))


def analogy_construction(source: SourceInfo, words: Sequence[str | None]) -> str:
    """For made-up vectors, what put the answer there (the honest 'by construction' clause)."""
    if source.kind != "synthetic":
        return "every number was chosen by the lesson's author"
    groups = source.details.get("groups", {}) if isinstance(source.details, dict) else {}
    used = [g for g, members in groups.items() if any(w in members for w in words if w is not None)]
    if used:
        return f"the group{'s' if len(used) > 1 else ''} {join_names(used)} set it up"
    return "no group links these tokens, so any match is chance"


def build(lesson: Lesson, options: Options, index: int) -> AnalogyStoryboard:
    table = lesson.table
    ids = [table.vocab.id_of(getattr(options, key), loc=("segments", index, key)) for key in "abc"]
    expect_id = (table.vocab.id_of(options.expect, loc=("segments", index, "expect"))
                 if options.expect is not None else None)
    inputs = set(ids)
    special = special_ids(table)
    named = inputs | ({expect_id} if expect_id is not None else set())
    leave_out = set() if options.include_special else {int(i) for i in special if int(i) not in named}
    avail = table.V - len(inputs) - len(leave_out)
    if options.k > avail:
        raise LessonError(f"k = {options.k} but only {count(avail, 'token')} {plural(avail, 'is')} neither an input"
                          + (" nor a special token" if leave_out else ""),
                          loc=("segments", index, "k"), hint=f"use k ≤ {max(avail, 1)}")
    table.rows(np.array(ids))           # refuses non-finite input rows with a clear message
    v = analogy_vector(table.matrix, *ids)
    if not np.any(v):
        raise LessonError(f"{options.a} {MINUS} {options.b} + {options.c} is the zero vector, which has no direction",
                          loc=("segments", index), hint="choose three tokens whose rows do not cancel")
    dec = lesson.style.decimals
    sc = scan(table.matrix, v)
    raw = _hits(table, nearest(table.matrix, v, options.k, metric="cosine", exclude=leave_out, sc=sc),
                inputs, expect_id, dec)
    exc = _hits(table, nearest(table.matrix, v, options.k, metric="cosine", exclude=inputs | leave_out, sc=sc),
                inputs, expect_id, dec)
    expr = f"{options.a} {MINUS} {options.b} + {options.c}"
    if not exc:
        raise LessonError(f"no token other than the inputs has a direction to compare with {expr}",
                          loc=("segments", index), hint="every other row is all zeros; give the vocabulary more vectors")
    n_in = sum(h.is_input for h in raw)
    words = count(len(inputs), "input word")
    raw_caption = (f"Raw top {options.k}: {n_in} of the {words} {plural(n_in, 'is')} among the nearest."
                   if n_in and len(inputs) > 1 else
                   f"Raw top {options.k}: the input word is among the nearest." if n_in else
                   f"Raw top {options.k}: no input word is among the nearest.")
    excluded_caption = "Inputs excluded, as analogies are usually quoted."
    if options.expect is not None and expect_id in inputs:
        verdict = f"'{options.expect}' is one of the inputs, so excluding the inputs removes it."
    elif options.expect is not None:
        where_raw = next((h.rank for h in raw if h.is_expected), None)
        where_exc = next((h.rank for h in exc if h.is_expected), None)
        if where_exc == 1 and where_raw == 1:
            verdict = f"'{options.expect}' comes first, even without excluding the inputs."
        elif where_exc == 1:
            verdict = (f"'{options.expect}' comes first only once the inputs are excluded"
                       + (f" (raw rank {where_raw})." if where_raw else f" (not in the raw top {options.k})."))
        elif where_exc:
            verdict = f"'{options.expect}' is only rank {where_exc} even with the inputs excluded."
        else:
            verdict = f"'{options.expect}' is not in the top {options.k}, even with the inputs excluded."
    else:
        verdict = f"Nearest non-input token: '{exc[0].token}' at {exc[0].text}."
    said = result_note(table.source, built_in=analogy_construction(table.source, [options.a, options.b,
                                                                                  options.c, options.expect]))
    honesty = said          # drawn under the lists; the caption says only the first sentence
    if leave_out:
        lo = np.array(sorted(leave_out), dtype=np.int64)
        top = nearest(table.matrix, v, options.k, metric="cosine", sc=sc).ids.tolist()
        wr = [(table.vocab.tokens[i], "by cosine", r) for r, i in enumerate(top, 1) if i in leave_out]
        left = left_out_sentence(table, lo, wr, options.k)
        honesty += " " + left[0].upper() + left[1:] + "."
    narration = [
        f"Take '{options.a}', subtract '{options.b}', add '{options.c}': which tokens are nearest?",
        raw_caption,
        excluded_caption + " " + verdict,
        said,
    ]
    return AnalogyStoryboard(
        **base_fields(lesson, options, index, default_title="Analogies: a \u2212 b + c", default_narration=narration),
        a=options.a, b=options.b, c=options.c, expression=expr, expect=options.expect, k=options.k,
        raw=raw, excluded=exc, raw_caption=raw_caption, excluded_caption=excluded_caption, verdict=verdict,
        honesty=honesty, special_left_out=len(leave_out),
    )
