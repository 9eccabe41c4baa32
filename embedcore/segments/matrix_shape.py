"""Segment ``matrix-shape``: the [V, d] embedding matrix, its size, and the
cost of a lookup.

V (vocabulary size, rows) and d (embedding dimension, columns) are independent:
the segment labels both on a block, sets the lesson's own numbers beside the
seed text's 50,000 × 512 example, a small model's d = 64 / 128 and GPT-3's
d = 12,288, then fills in the complexity card: lookup O(n × d), table O(V × d).
The lesson's block is also drawn to a log scale beside a small model's and
GPT-3's (:class:`ScaleBlock`), and its memory built from V × d × 4 bytes
(:class:`MemoryFormula`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..config import SegmentBase
from ..placeholders import Placeholder
from ..storyboard import Storyboard
from ..wording import count
from .common import base_fields, segment_sequence

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "matrix-shape"
SCENE = "scenes.matrix_shape:MatrixShapeScene"
ORDER = 15               # place in the README table and the schema
FLOAT32_BYTES = 4

#: the reference shapes drawn to scale beside the lesson's (names in REFERENCE_SHAPES)
SCALE_REFERENCES = ("small model", "GPT-3")

# (name, V, d, note): reference shapes quoted on screen
REFERENCE_SHAPES = (
    ("seed example", 50_000, 512, "the seed text's example"),
    ("small model", 50_000, 128, "small models: d = 64 or 128"),
    ("GPT-3", 50_257, 12_288, "GPT-3: d = 12,288, GPT-2's 50,257-token vocabulary"),
)


class Options(SegmentBase):
    """The [V, d] block, parameter count and float32 memory, V vs d beside 50,000 × 512, small models and GPT-3, the O(n × d) / O(V × d) card."""

    type: Literal["matrix-shape"]
    compare: bool = Field(default=True, description="show the reference shapes beside the lesson's")


@dataclass(frozen=True)
class ShapeRow:
    name: str
    V: str
    d: str
    parameters: str
    memory: str
    is_lesson: bool
    values: tuple[int, int, int, int]       # V, d, V·d, bytes at float32


@dataclass(frozen=True)
class ComplexityLine:
    what: str          # "Lookup (time)"
    big_o: str         # "O(n × d)"
    filled: str        # "n × d = 6 × 8 = 48 numbers copied"


@dataclass(frozen=True)
class ScaleBlock:
    """One [V, d] block drawn to a log scale shared by every block and both sides: a side of
    length n is ``log10(10 n) / log10(10 N)`` of the longest, N the largest V or d drawn (the
    axis starts at 1/10, so a side of 1 still shows)."""

    name: str           # "this lesson"
    shape: str          # "10 × 8"
    height: float       # V's side, in (0, 1]
    width: float        # d's side, in (0, 1]
    is_lesson: bool


@dataclass(frozen=True)
class MemoryFormula:
    """The table's memory built up: the symbols, the lesson's numbers in them, the exact product."""

    symbols: str        # "V × d × 4 bytes"
    product: str        # "10 × 8 × 4 bytes"
    result: str         # "= 320 bytes" / "= 2,470,232,064 bytes ≈ 2.47 GB"


@dataclass(frozen=True)
class MatrixShapeStoryboard(Storyboard):
    vocab_size: int
    dim: int
    n_tokens: int
    v_label: str            # "V = 12 rows: one per vocabulary token"
    d_label: str            # "d = 8 columns: numbers per token"
    shape_label: str        # "[V, d] = [12, 8]"
    rows: tuple[ShapeRow, ...]
    complexity: tuple[ComplexityLine, ...]
    pitfall: str
    scale: tuple[ScaleBlock, ...]     # the lesson's first; empty when ``compare`` is off
    scale_note: str                   # "sides to log scale: each ×10 adds the same length"
    memory_formula: MemoryFormula


def human_bytes(b: int) -> str:
    """Decimal units, as disk sizes are quoted: 384 B, 102.4 MB, 2.47 GB."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if b >= size:
            x = b / size
            return f"{x:.2f} {unit}" if x < 10 else f"{x:,.1f} {unit}"
    return f"{b} B"


def shape_row(name: str, V: int, d: int, is_lesson: bool) -> ShapeRow:
    p = V * d
    return ShapeRow(name, f"{V:,}", f"{d:,}", f"{p:,}", human_bytes(p * FLOAT32_BYTES), is_lesson,
                    (V, d, p, p * FLOAT32_BYTES))


def scale_blocks(shapes: list[tuple[str, int, int, bool]]) -> tuple[ScaleBlock, ...]:
    """(name, V, d, is_lesson) to blocks on one log scale (see :class:`ScaleBlock`)."""
    top = math.log10(10 * max(max(V, d) for _, V, d, _ in shapes))
    return tuple(ScaleBlock(name, f"{V:,} × {d:,}", math.log10(10 * V) / top, math.log10(10 * d) / top, is_lesson)
                 for name, V, d, is_lesson in shapes)


def memory_formula(V: int, d: int) -> MemoryFormula:
    """``V × d × 4 bytes``, then the numbers, then the exact product (and its rounded size when it rounds)."""
    b = V * d * FLOAT32_BYTES
    approx = human_bytes(b)
    result = f"= {b:,} bytes" + ("" if approx.endswith(" B") else f" \u2248 {approx}")
    return MemoryFormula(f"V × d × {FLOAT32_BYTES} bytes", f"{V:,} × {d:,} × {FLOAT32_BYTES} bytes", result)


def build(lesson: Lesson, options: Options, index: int) -> MatrixShapeStoryboard:
    table = lesson.table
    V, d = table.V, table.d
    n = len(segment_sequence(lesson, options, index).tokens)
    rows = [shape_row("this lesson", V, d, True)]
    if options.compare:
        rows += [shape_row(name, rv, rd, False) for name, rv, rd, _ in REFERENCE_SHAPES]
    complexity = (
        ComplexityLine("Lookup, per sequence (time)", "O(n × d)",
                       f"n × d = {n:,} × {d:,} = {count(n * d, 'number')} copied"),
        ComplexityLine("Embedding table (space)", "O(V × d)",
                       f"V × d = {V:,} × {d:,} = {count(V * d, 'number')} = {human_bytes(V * d * FLOAT32_BYTES)} at float32"),
    )
    narration = [
        "One row per vocabulary token, one column per dimension: the matrix has shape [V, d].",
        f"V (vocabulary size) and d (embedding dimension) are independent: here V = {V:,}, d = {d:,}.",
        "50,000 tokens × 512 dimensions is 25.6 million numbers; GPT-3 uses d = 12,288.",
        "A lookup copies n rows: O(n × d) time. The table takes O(V × d) space.",
    ]
    return MatrixShapeStoryboard(
        **base_fields(lesson, options, index, default_title="The shape of the embedding matrix",
                      default_narration=narration),
        vocab_size=V,
        dim=d,
        n_tokens=n,
        v_label=f"V = {count(V, 'row')}: one per vocabulary token",
        d_label=f"d = {count(d, 'column')}: {'one number' if d == 1 else 'numbers'} per token",
        shape_label=f"[V, d] = [{V:,}, {d:,}]",
        rows=tuple(rows),
        complexity=complexity,
        pitfall="V and d are independent: V counts tokens, d is the length of each vector.",
        scale=scale_blocks([("this lesson", V, d, True),
                            *[(name, rv, rd, False) for name, rv, rd, _ in REFERENCE_SHAPES
                              if name in SCALE_REFERENCES]]) if options.compare else (),
        scale_note="sides to log scale: each ×10 adds the same length",
        memory_formula=memory_formula(V, d),
    )


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("parameters", "V × d, the numbers the table holds (`11,720,448`)", lambda c: c.board.rows[0].values[2]),
    Placeholder("memory", "the table's size at float32, as the table shows it (`46.88 MB`)",
                lambda c: c.board.rows[0].memory),
    Placeholder("lookup_numbers", "n × d, the numbers one lookup copies", lambda c: c.board.n_tokens * c.board.dim),
)
