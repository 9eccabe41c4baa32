"""Segment ``similarity-matrix``: the n × n pairwise cosine similarities.

The first row fills cell by cell (both tokens light up while their cell
fills), the rest row by row. Values are printed in the cells when they fit
(up to ``VALUES_MAX`` tokens); the colour scale carries the rest, and the
strongest and weakest pairs are read out beside the matrix.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase
from ..errors import LessonError
from ..placeholders import Missing, Placeholder, Value
from ..similarity import pairwise_cosine
from ..storyboard import Storyboard, fmt
from ..wording import elide, join_names, times
from .common import base_fields, segment_sequence

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "similarity-matrix"
SCENE = "scenes.similarity_matrix:SimilarityMatrixScene"
ORDER = 50               # place in the README table and the schema
MIN_TOKENS = 2
MAX_TOKENS = 16          # beyond this a cell is under ~0.3 of a 480p frame's text height
VALUES_MAX = 8           # cells wide enough for a legible "−0.00" label only up to here
_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
DERIVE_DIMS = 8          # components listed in the derived cell (the sum always covers all d)
LABEL_CHARS = 12         # a longer token label would shrink every cell (vertical column labels)
SAY_CHARS = 90           # a sentence naming ties no longer than this (the caption band is its longest line's)
TIES_NAMED = 3           # pairs tied with the top one named in full; more are counted
ROW_TIES_NAMED = 2       # a row's readout names this many tokens tied as its closest, and counts the rest


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
class CellDerivation:
    """How cell (i, j) is made: each row divided by its length, multiplied elementwise, summed."""

    i: int
    j: int
    tokens: tuple[str, str]             # the two labels
    dims: tuple[int, ...]               # the components shown (0-based), at most DERIVE_DIMS
    raw: tuple[tuple[str, ...], tuple[str, ...]]     # the rows' shown components
    norms: tuple[str, str]              # their lengths ‖x‖ (all d components)
    unit: tuple[tuple[str, ...], tuple[str, ...]]    # shown components of x / ‖x‖
    products: tuple[str, ...]           # shown components of (x_i / ‖x_i‖) · (x_j / ‖x_j‖)
    hidden: int                         # components not shown (their products are in the sum)
    total: str                          # the sum: the cell's own text
    relation: str                       # "=" when the shown products add up to the total at its precision, else "≈"
    sum_line: str                       # "sum = 0.87", or "sum of all 768 products = 0.87"
    sum_all_line: str                   # "sum of all 8 products = 0.87": for a screen that shows fewer of them


@dataclass(frozen=True)
class SimilarityMatrixStoryboard(Storyboard):
    tokens: tuple[str, ...]

    def shown_tokens(self) -> tuple[str, ...]:
        return self.tokens

    labels: tuple[str, ...]        # row and column labels: tokens elided to LABEL_CHARS
    ids: tuple[int, ...]
    values: tuple[tuple[float | None, ...], ...]   # None = undefined (zero vector)
    cells: tuple[tuple[str, ...], ...]
    show_values: bool
    highest: Pair | None           # most similar pair of distinct tokens
    lowest: Pair | None
    row_best: tuple[Pair | None, ...]       # per row: most similar other position with a different token
    repeats: tuple[tuple[int, int], ...]    # positions holding the same token
    notes: tuple[str, ...]          # diagonal, symmetry, repeats: read out on screen
    row_notes: tuple[str, ...]      # per row: its closest other token (ties named), or why there is none
    sym_note: str                   # the symmetry note with the highlighted pair's numbers
    scale_note: str
    derivation: CellDerivation | None   # the one cell derived before the others fill (None: no cosine)


def best_sentence(toks: Sequence[str], best: Pair, cells: Sequence[Sequence[str]], c: np.ndarray) -> str:
    """'Most alike here' for the top pair of different tokens, naming pairs tied with it on screen.

    A caption is sized by its longest sentence, so this one stays short for any tokens: names longer than
    LABEL_CHARS are cut with "…", and ties that would not fit SAY_CHARS are counted, one pair named.
    """
    n = len(toks)
    pairs: dict[frozenset[str], tuple[str, str, str]] = {}
    every = {frozenset((toks[i], toks[j])) for i in range(n) for j in range(i + 1, n) if toks[i] != toks[j]}
    for i in range(n):
        for j in range(i + 1, n):
            if toks[i] != toks[j] and not np.isnan(c[i, j]):
                pairs.setdefault(frozenset((toks[i], toks[j])), (toks[i], toks[j], cells[i][j]))
    top = (toks[best.i], toks[best.j])
    a, b = (elide(t, LABEL_CHARS) for t in top)
    if len(pairs) == 1:
        return f"'{a}' and '{b}': cosine {best.text}."
    tied = [p for key, p in pairs.items() if key != frozenset(top) and p[2] == best.text]
    if not tied:
        return f"Most alike here: '{a}' and '{b}', {best.text}."
    if len(tied) + 1 == len(pairs) == len(every):       # every pair of different tokens has this cosine
        return f"All {len(pairs):,} pairs here tie at {best.text}."
    named = "; ".join(f"'{elide(x, LABEL_CHARS)}' and '{elide(y, LABEL_CHARS)}'" for x, y, _ in [(*top, best.text), *tied])
    said = f"Most alike here, tied at {best.text}: {named}."
    if len(tied) <= TIES_NAMED and len(said) <= SAY_CHARS:
        return said
    return f"Most alike here: {len(tied) + 1:,} pairs tie at {best.text}, e.g. '{a}' and '{b}'."


def derive_cell(vectors: np.ndarray, i: int, j: int, labels: tuple[str, str], cell: str,
                dec: int) -> CellDerivation:
    """The steps of cos(x_i, x_j) = Σ_k (x_i/‖x_i‖)_k (x_j/‖x_j‖)_k, for the screen.

    With every component shown, products get as many decimals as it takes (dec to dec + 3) for
    them to add up to the cell's text ("="; "≈" if even dec + 3 does not). With components
    hidden the sum line says it covers all d.
    """
    x = np.asarray(vectors, dtype=np.float64)[[i, j]]
    n = np.linalg.norm(x, axis=1)
    u = x / n[:, None]
    p = u[0] * u[1]
    d = x.shape[1]
    dims = tuple(range(min(d, DERIVE_DIMS)))
    hidden = d - len(dims)
    places = dec + 1
    if not hidden:
        for places in range(dec, dec + 4):
            if fmt(sum(round(float(v), places) for v in p), dec) == cell:
                break
    shown_sum = fmt(sum(round(float(v), places) for v in p), dec)
    relation = "=" if hidden or shown_sum == cell else "\u2248"
    sum_line = f"sum of all {d:,} products = {cell}" if hidden else f"sum {relation} {cell}"
    return CellDerivation(
        i=i, j=j, tokens=labels, dims=dims,
        raw=(tuple(fmt(float(x[0, k]), dec) for k in dims), tuple(fmt(float(x[1, k]), dec) for k in dims)),
        norms=(fmt(float(n[0]), dec), fmt(float(n[1]), dec)),
        unit=(tuple(fmt(float(u[0, k]), places) for k in dims), tuple(fmt(float(u[1, k]), places) for k in dims)),
        products=tuple(fmt(float(p[k]), places) for k in dims), hidden=hidden, total=cell, relation=relation,
        sum_line=sum_line, sum_all_line=f"sum of all {d:,} products = {cell}")


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
    j: int | None                   # a column below; None where a row has no other token
    for i in range(n):
        for j in range(i + 1, n):
            if toks[i] == toks[j] or np.isnan(c[i, j]):
                continue
            p = Pair(i, j, float(c[i, j]), cells[i][j])
            if best is None or p.value > best.value:
                best = p
            if worst is None or p.value < worst.value:
                worst = p
    lab = [elide(t, LABEL_CHARS) for t in toks]
    row_best: list[Pair | None] = []
    row_notes = []
    for i in range(n):
        if np.isnan(c[i, i]):
            row_best.append(None)
            row_notes.append(f"{lab[i]}: a zero vector, so no cosine (n/a)")
            continue
        cands = [j for j in range(n) if toks[j] != toks[i] and not np.isnan(c[i, j])]
        j = max(cands, key=lambda j: (c[i, j], -j)) if cands else None
        row_best.append(None if j is None else Pair(i, j, float(c[i, j]), cells[i][j]))
        if j is None:
            row_notes.append(f"{lab[i]}: no other token with a direction to compare")
            continue
        tied = list(dict.fromkeys(lab[m] for m in cands if m != j and toks[m] != toks[j] and cells[i][m] == cells[i][j]))
        if tied:
            close = [lab[j], *tied]         # "and 1 more" would be no shorter than the name
            names = join_names(close, quote="", limit=ROW_TIES_NAMED if len(close) > ROW_TIES_NAMED + 1 else None)
            row_notes.append(f"{lab[i]}: closest are {names}, {cells[i][j]}")
        else:
            row_notes.append(f"{lab[i]}: closest is {lab[j]}, {cells[i][j]}")
    repeats = tuple((i, j) for i in range(n) for j in range(i + 1, n) if toks[i] == toks[j])

    zero = [i for i in range(n) if np.isnan(c[i, i])]
    if not zero:
        diag = "Diagonal: all 1s, as each vector points exactly along itself."
        diag_said = "The diagonal is all 1s"
    elif len(zero) < n:
        zt = list(dict.fromkeys(elide(toks[i], LABEL_CHARS) for i in zero))
        diag = (f"Diagonal: 1s, but n/a for {join_names(zt, limit=2)}, "
                f"{'a zero vector' if len(zt) == 1 else 'zero vectors'}.")
        diag_said = "The diagonal is 1 wherever a vector has a direction"
    else:
        diag = "Diagonal: n/a, as every vector here is a zero vector, with no direction."
        diag_said = "Every cell is n/a, as every vector here is zero"
    notes = [diag, "Symmetric: cos(a, b) = cos(b, a)."]
    rep_line = None
    if repeats:
        tok = elide(toks[repeats[0][0]], LABEL_CHARS)
        where = [i + 1 for i in range(n) if toks[i] == toks[repeats[0][0]]]
        notes.append(f"'{tok}' appears {times(len(where))} (positions {join_names(where, quote='')}): "
                     "one row, so identical rows here.")
        k = len(where)
        rep_line = f"'{tok}' appears {times(k)}: one row, so {_WORDS.get(k, f'{k:,}')} identical rows."
    if zero:
        notes.append("n/a: a zero vector has no direction, so its cosine is undefined.")
    sym_pair = best or worst
    sym_note = (f"Symmetric: cos({lab[sym_pair.i]}, {lab[sym_pair.j]}) = cos({lab[sym_pair.j]}, "
                f"{lab[sym_pair.i]}) = {sym_pair.text}." if sym_pair is not None else notes[1])

    # the cell derived in view: the first row that has another token to compare, with its closest one
    first = next((p for p in row_best if p is not None), None)
    derivation = (derive_cell(seq.vectors, first.i, first.j, (lab[first.i], lab[first.j]), cells[first.i][first.j], dec)
                  if first is not None else None)
    narration = [
        f"Cell (i, j) is the cosine similarity of tokens i and j, for {'the 2' if n == 2 else f'all {n}'} tokens.",
        "Blue: similar direction. Orange: opposite. Grey: unrelated.",
        f"{diag_said}, and the matrix is symmetric: cos(a, b) = cos(b, a).",
    ]
    if best is not None:
        narration.append(best_sentence(toks, best, cells, c))
    if rep_line:
        narration.append(rep_line)
    return SimilarityMatrixStoryboard(
        **base_fields(lesson, options, index, default_title="Pairwise cosine similarity", default_narration=narration),
        tokens=tuple(toks),
        labels=tuple(lab),
        ids=tuple(int(x) for x in seq.ids),
        values=values,
        cells=cells,
        show_values=show,
        highest=best,
        lowest=worst,
        row_best=tuple(row_best),
        repeats=repeats,
        notes=tuple(notes),
        row_notes=tuple(row_notes),
        sym_note=sym_note,
        derivation=derivation,
        scale_note=f"cos θ from {fmt(-1, 0)} (opposite) through 0 (unrelated) to 1 (same direction)",
    )


def _named_pair(sb: SimilarityMatrixStoryboard, pair: Pair | None) -> Value:
    """``cat and dog``, and the pairs of other tokens whose cell shows the same value: ``(tied with ...)``."""
    if pair is None:
        return Missing("no two different tokens here have a cosine", "name the pair yourself")
    toks, n = sb.tokens, len(sb.tokens)
    named = {frozenset((toks[pair.i], toks[pair.j]))}
    tied = []
    for i in range(n):
        for j in range(i + 1, n):
            key = frozenset((toks[i], toks[j]))
            if toks[i] != toks[j] and key not in named and sb.cells[i][j] == pair.text:
                named.add(key)
                tied.append(f"{toks[i]} and {toks[j]}")
    out = f"{toks[pair.i]} and {toks[pair.j]}"
    if tied:
        more = f" and {len(tied) - 2} more" if len(tied) > 2 else ""
        out += f" (tied with {'; '.join(tied[:2])}{more})"
    return out


def _pair_text(pair: Pair | None) -> Value:
    return pair.text if pair is not None else Missing("no two different tokens here have a cosine",
                                                       "write the words yourself")


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("top", "the most similar pair of different tokens (`cat and dog`, with `(tied with …)` when "
                "other pairs show the same value)", lambda c: _named_pair(c.board, c.board.highest)),
    Placeholder("cos", "the cosine of {top}, as its cell shows it", lambda c: _pair_text(c.board.highest)),
    Placeholder("bottom", "the least similar pair of different tokens (ties named as for {top})",
                lambda c: _named_pair(c.board, c.board.lowest)),
    Placeholder("bottom_cos", "the cosine of {bottom}", lambda c: _pair_text(c.board.lowest)),
)
