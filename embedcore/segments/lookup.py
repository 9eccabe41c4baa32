"""Segment ``lookup``: token → id → row of the [V, d] matrix, step by step.

The matrix is drawn elided when V or d is too large: a few rows of context,
every row the sequence needs, ⋮ between them, and ⋯ for hidden columns. The
storyboard holds exactly the rows and columns that will be drawn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase
from ..errors import LessonError
from ..storyboard import Storyboard, fmt
from ..wording import count, elide
from .common import base_fields, segment_sequence

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "lookup"
SCENE = "scenes.lookup:LookupScene"
ORDER = 10               # place in the README table and the schema
MAX_TOKENS = 16          # beyond this the chips and output rows stop being legible
MAX_COLS = 6             # d above this is drawn as 4 columns, ⋯, the last one
FULL_ROWS = 12           # V up to this is drawn whole
LABEL_CHARS = 16         # chips and row labels: a longer token is elided with … (it would squeeze the grids)


class Options(SegmentBase):
    """Tokens → ids → rows of the [V, d] matrix (elided when large) → the n × d output; up to 16 tokens."""

    type: Literal["lookup"]
    max_columns: int = Field(default=MAX_COLS, ge=3, le=10, description="matrix columns drawn before eliding")


@dataclass(frozen=True)
class MatrixRow:
    kind: str                       # "row" or "gap"
    id: int | None
    token: str | None
    cells: tuple[str, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class TokenStep:
    position: int                   # 0-based position in the sequence
    text: str
    id: int
    first_position: int             # first position with the same token (== position if new)
    view_row: int                   # index into matrix_rows of the selected row
    cells: tuple[str, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class LookupStoryboard(Storyboard):
    vocab_size: int
    dim: int
    columns: tuple[int | None, ...]     # column index drawn, None = ⋯
    matrix_rows: tuple[MatrixRow, ...]
    steps: tuple[TokenStep, ...]
    rows_elided: bool
    cols_elided: bool
    matrix_note: str                    # under the matrix: what is hidden, or that all of it is shown


def shown_columns(d: int, max_cols: int) -> list[int | None]:
    if d <= max_cols:
        return list(range(d))
    return list(range(max_cols - 2)) + [None, d - 1]


def shown_rows(V: int, needed: list[int]) -> list[int | None]:
    """Row ids to draw, ``None`` marking a run of hidden rows."""
    if V <= FULL_ROWS:
        return list(range(V))
    ids = set(needed)
    if len(ids) <= 10:
        ids.add(0)          # one row of context; the trailing ⋮ stands for the rest
    out: list[int | None] = []
    prev = -1
    for i in sorted(ids):
        if i > prev + 1:
            out.append(None)
        out.append(i)
        prev = i
    if prev < V - 1:
        out.append(None)
    return out


def build(lesson: Lesson, options: Options, index: int) -> LookupStoryboard:
    seq = segment_sequence(lesson, options, index)
    n = len(seq.tokens)
    if n > MAX_TOKENS:
        loc = ("segments", index, "tokens") if options.tokens is not None else ("tokens",)
        raise LessonError(f"a lookup segment shows at most {MAX_TOKENS} tokens, this one has {n}", loc=loc,
                          hint="split the sentence over several lookup segments with their own 'tokens:'")
    table = lesson.table
    dec = lesson.style.decimals
    cols = shown_columns(table.d, options.max_columns)
    col_idx = np.array([c for c in cols if c is not None], dtype=np.int64)
    row_ids = shown_rows(table.V, sorted(set(seq.ids.tolist())))
    real_ids = np.array([r for r in row_ids if r is not None], dtype=np.int64)
    row_vals = table.rows(real_ids)[:, col_idx] if len(real_ids) else np.empty((0, len(col_idx)))

    def cells_for(vals: np.ndarray) -> tuple[tuple[str, ...], tuple[float | None, ...]]:
        it = iter(vals.tolist())
        cells: list[str] = []
        values: list[float | None] = []
        for c in cols:
            if c is None:
                cells.append("\u22ef")
                values.append(None)
            else:
                v = next(it)
                cells.append(fmt(v, dec))
                values.append(v)
        return tuple(cells), tuple(values)

    matrix_rows: list[MatrixRow] = []
    view_of: dict[int, int] = {}
    k = 0
    for r in row_ids:
        if r is None:
            matrix_rows.append(MatrixRow("gap", None, None, ("\u22ee",) * len(cols), (None,) * len(cols)))
        else:
            cells, values = cells_for(row_vals[k])
            k += 1
            view_of[r] = len(matrix_rows)
            matrix_rows.append(MatrixRow("row", r, elide(table.vocab.tokens[r], LABEL_CHARS), cells, values))

    steps = []
    first: dict[str, int] = {}
    seq_vals = seq.vectors[:, col_idx]
    for i, (tok, tid) in enumerate(zip(seq.tokens, seq.ids.tolist())):
        first.setdefault(tok, i)
        cells, values = cells_for(seq_vals[i])
        steps.append(TokenStep(i, elide(tok, LABEL_CHARS), tid, first[tok], view_of[tid], cells, values))

    narration = [
        "Each token is first turned into an id: its row number in the vocabulary.",
        f"The id selects one row of the {table.V:,} × {table.d} embedding matrix. No arithmetic, just a lookup.",
        (f"Stacking the rows gives the sequence's {n} × {table.d} input to the model." if n > 1 else
         f"That one row is the sequence's 1 × {table.d} input to the model."),
    ]
    notes = []
    if len(real_ids) < table.V:
        notes.append(f"\u22ee hidden rows (V = {table.V:,})")
    if len(col_idx) < table.d:
        notes.append(f"\u22ef hidden columns (d = {table.d:,})")
    matrix_note = "   ".join(notes) or f"{'all ' if table.V > 1 else ''}{count(table.V, 'row')}, {count(table.d, 'column')}"
    return LookupStoryboard(
        **base_fields(lesson, options, index, default_title="Embedding as lookup", default_narration=narration),
        vocab_size=table.V,
        dim=table.d,
        columns=tuple(cols),
        matrix_rows=tuple(matrix_rows),
        steps=tuple(steps),
        rows_elided=len(real_ids) < table.V,
        cols_elided=len(col_idx) < table.d,
        matrix_note=matrix_note,
    )
