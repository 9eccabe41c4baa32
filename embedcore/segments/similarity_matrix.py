"""Segment ``similarity-matrix``: the n × n pairwise cosine similarities.

The first row fills cell by cell (both tokens light up while their cell
fills), the rest row by row. Values are printed in the cells when they fit
(up to ``VALUES_MAX`` tokens); the colour scale carries the rest, and the
strongest and weakest pairs are read out beside the matrix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase
from ..errors import LessonError
from ..similarity import pairwise_cosine
from ..storyboard import Storyboard, fmt
from .common import base_fields, segment_sequence

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "similarity-matrix"
SCENE = "scenes.similarity_matrix:SimilarityMatrixScene"
ORDER = 50               # place in the README table and the schema
MIN_TOKENS = 2
MAX_TOKENS = 16          # beyond this a cell is under ~0.3 of a 480p frame's text height
VALUES_MAX = 8           # cells wide enough for a legible "−0.00" label only up to here


class Options(SegmentBase):
    """The n × n cosine matrix cell by cell, diverging colour-blind-safe scale, diagonal and symmetry; 2–16 tokens."""

    type: Literal["similarity-matrix"]
    values: Literal["auto", "always", "never"] = Field(
        default="auto", description=f"numbers in the cells: auto = up to {VALUES_MAX} tokens, always, never")


@dataclass(frozen=True)
class Pair:
    i: int
    j: int
    value: float
    text: str


@dataclass(frozen=True)
class SimilarityMatrixStoryboard(Storyboard):
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    values: tuple[tuple[float | None, ...], ...]   # None = undefined (zero vector)
    cells: tuple[tuple[str, ...], ...]
    show_values: bool
    highest: Pair | None           # most similar pair of distinct tokens
    lowest: Pair | None
    row_best: tuple[Pair | None, ...]       # per row: most similar other position with a different token
    repeats: tuple[tuple[int, int], ...]    # positions holding the same token
    notes: tuple[str, ...]          # diagonal, symmetry, repeats: read out on screen
    scale_note: str


def build(lesson: Lesson, options: Options, index: int) -> SimilarityMatrixStoryboard:
    seq = segment_sequence(lesson, options, index)
    n = len(seq.tokens)
    loc = ("segments", index, "tokens") if options.tokens is not None else ("tokens",)
    if n < MIN_TOKENS:
        raise LessonError(f"a similarity-matrix segment needs at least {MIN_TOKENS} tokens, this one has {n}", loc=loc,
                          hint="give the segment 'tokens:' with 2 to 16 tokens")
    if n > MAX_TOKENS:
        raise LessonError(f"a similarity-matrix segment shows at most {MAX_TOKENS} tokens, this one has {n}", loc=loc,
                          hint="choose a subset with the segment's own 'tokens:'")
    dec = lesson.style.decimals
    c = pairwise_cosine(seq.vectors, on_zero="nan")
    values = tuple(tuple(None if np.isnan(x) else float(x) for x in row) for row in c)
    cells = tuple(tuple(fmt(float(x), dec) if not np.isnan(x) else "n/a" for x in row) for row in c)
    show = options.values == "always" or (options.values == "auto" and n <= VALUES_MAX)

    # strongest / weakest pair of *different* tokens (repeats are trivially 1)
    toks = seq.tokens
    best = worst = None
    for i in range(n):
        for j in range(i + 1, n):
            if toks[i] == toks[j] or np.isnan(c[i, j]):
                continue
            p = Pair(i, j, float(c[i, j]), cells[i][j])
            if best is None or p.value > best.value:
                best = p
            if worst is None or p.value < worst.value:
                worst = p
    row_best = []
    for i in range(n):
        cands = [j for j in range(n) if toks[j] != toks[i] and not np.isnan(c[i, j])]
        j = max(cands, key=lambda j: (c[i, j], -j)) if cands else None
        row_best.append(None if j is None else Pair(i, j, float(c[i, j]), cells[i][j]))
    repeats = tuple((i, j) for i in range(n) for j in range(i + 1, n) if toks[i] == toks[j])

    notes = ["Diagonal: all 1s, as each vector points exactly along itself.",
             "Symmetric: cos(a, b) = cos(b, a)."]
    if repeats:
        i, j = repeats[0]
        notes.append(f"'{toks[i]}' appears twice (positions {i + 1} and {j + 1}): one row, so identical rows here.")
    if any(v is None for row in values for v in row):
        notes.append("n/a: a zero vector has no direction, so its cosine is undefined.")

    narration = [
        f"Cell (i, j) is the cosine similarity of tokens i and j, for all {n} tokens.",
        "Blue: similar direction. Orange: opposite. Grey: unrelated.",
        "The diagonal is all 1s, and the matrix is symmetric: cos(a, b) = cos(b, a).",
    ]
    if best is not None:
        narration.append(f"Most alike here: '{toks[best.i]}' and '{toks[best.j]}', {best.text}.")
    if repeats:
        i, j = repeats[0]
        narration.append(f"'{toks[i]}' appears twice: one row, so two identical rows.")
    return SimilarityMatrixStoryboard(
        **base_fields(lesson, options, index, default_title="Pairwise cosine similarity", default_narration=narration),
        tokens=tuple(toks),
        ids=tuple(int(x) for x in seq.ids),
        values=values,
        cells=cells,
        show_values=show,
        highest=best,
        lowest=worst,
        row_best=tuple(row_best),
        repeats=repeats,
        notes=tuple(notes),
        scale_note=f"cos θ from {fmt(-1, 0)} (opposite) through 0 (unrelated) to 1 (same direction)",
    )
