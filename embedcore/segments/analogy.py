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
from ..placeholders import Placeholder
from ..projection import gram_schmidt, span_rank
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
class PlanePoint:
    """One point of the parallelogram picture: where it is drawn, and what it is."""

    role: str                   # "a", "b", "c", "result" (a − b + c) or "answer" (nearest non-input)
    token: str                  # the token, or the expression for the result
    xy: tuple[float, float]     # drawn position (a linear projection: sums are kept exactly)
    zero: bool                  # an all-zero row: drawn at the origin, no arrow


@dataclass(frozen=True)
class Parallelogram:
    """b → a and c → (a − b + c) are one difference vector; a projection keeps it one vector."""

    points: tuple[PlanePoint, ...]  # a, b, c, result, answer: in that order
    exact: bool                     # True: lengths and angles on screen are the true ones
    note: str                       # the one line the screen shows about the projection
    difference: str                 # "king − man": the label of the moved arrow


@dataclass(frozen=True)
class AnalogyStoryboard(Storyboard):
    a: str
    b: str
    c: str

    def shown_tokens(self) -> tuple[str, ...]:
        return (self.a, self.b, self.c)
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
    answer: Hit                 # the nearest non-input token (the top of ``excluded``)
    resolved: str               # "≈ queen (0.87)": what "= ?" becomes
    plane: Parallelogram        # the 2D picture of a, b, c, a − b + c and the answer


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


def parallelogram(rows: np.ndarray, words: tuple[str, str, str], result: str, answer: str) -> Parallelogram:
    """Draw a, b, c, a − b + c and the answer (rows in that order) in the plane of the result and the answer.

    The result lies on +x and the answer above it, at their true lengths and true angle: the
    angle the score measures is drawn exactly. a, b and c are drawn as their orthogonal
    projections ("shadows") on that plane; a projection is linear, so the drawn result is
    exactly drawn a − drawn b + drawn c and the picture is a true parallelogram. When the result
    and the answer are parallel (or zero), a, c, b in turn give the plane its second axis.
    """
    rows = np.asarray(rows, dtype=np.float64)
    result_row = rows[3]
    basis = np.zeros((2, rows.shape[1]))
    for extra in (4, 0, 2, 1):
        basis = gram_schmidt(rows[[3, extra]], 2).basis
        if np.any(basis[1]):
            break
    xy = rows @ basis.T
    xy[3] = xy[0] - xy[1] + xy[2]           # equal already up to rounding; made exact for the picture
    roles = ("a", "b", "c", "result", "answer")
    names = (*words, result, answer)
    points = tuple(PlanePoint(r, n, (float(p[0]) + 0.0, float(p[1]) + 0.0), not bool(np.any(v)))
                   for r, n, p, v in zip(roles, names, xy, rows))
    exact = span_rank(rows) <= 2 and bool(np.any(result_row))
    if exact:
        note = "Exact: all five vectors lie in one plane, so every length and angle is true."
    else:
        note = (f"Drawn in the plane of the result and '{answer}': their angle is true. "
                f"{join_names(list(words), quote='')} are drawn as their shadows on that plane.")
    return Parallelogram(points, exact, note, f"{words[0]} {MINUS} {words[1]}")


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
                          loc=("segments", index, "k"),
                          hint=f"use k ≤ {avail}" if avail else "add tokens to the vocabulary: the answer cannot be an input")
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
    answer = exc[0]
    plane = parallelogram(np.vstack([table.rows(np.array(ids)), v, table.rows(np.array([answer.id]))]),
                          (options.a, options.b, options.c), expr, answer.token)
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
        answer=answer, resolved=f"\u2248 {answer.token} ({answer.text})", plane=plane,
    )


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("a", "a in a − b + c", lambda c: c.board.a),
    Placeholder("b", "b, subtracted", lambda c: c.board.b),
    Placeholder("c", "c, added", lambda c: c.board.c),
    Placeholder("expression", "`king − man + woman`", lambda c: c.board.expression),
    Placeholder("k", "neighbours listed", lambda c: c.board.k),
    Placeholder("answer", "the nearest token once the inputs are excluded", lambda c: c.board.excluded[0].token),
    Placeholder("cos", "the cosine of {answer}", lambda c: c.board.excluded[0].text),
)
