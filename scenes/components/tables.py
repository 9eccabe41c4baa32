"""Small tables of vector readouts (length per token, cosine and angle per pair),
shared by the 2D and 3D vector scenes. Numbers come from the storyboard."""
from __future__ import annotations

from manim import VGroup

from embedcore.segments._geometry import VectorsStoryboard

from .. import marks
from ..theme import GAP, SIZE
from .text import label
from .vectors import align_row_baselines, swatch

TOKEN_W = 2.2        # a token in a table row longer than this is cut with "…"
#: narrower cuts, tried in turn when a panel does not fit at the text floor (the plot and narration name the tokens)
TOKEN_WIDTHS = (TOKEN_W, 1.6, 1.1)


def _grid(rows: list[list], cols_per_row: int, aligns: str, per_line: int = 1) -> tuple[VGroup, list[VGroup]]:
    """Cells laid out in a grid (``per_line`` records side by side); returns the grid and one group per record."""
    cells = VGroup(*[c for r in rows for c in r])
    if len(cells):
        cells.arrange_in_grid(cols=cols_per_row * per_line, buff=(GAP.m, GAP.s), col_alignments=aligns * per_line)
    return cells, [VGroup(*r) for r in rows]


def length_rows(sb: VectorsStoryboard, th, colours, size: float = SIZE.cell, per_line: int | None = None,
                token_w: float = TOKEN_W):
    rows = [[swatch(colours[v.colour]), label(v.token, th, size=size, colour=colours[v.colour], max_width=token_w),
             label(v.norm_text, th, size=size, mono=True)] for v in sb.vectors]
    if per_line is None:
        per_line = 1 if len(rows) <= 4 else 2
    for r, v in zip(rows, sb.vectors):
        marks.token(r[1], v.token)
        marks.labels(r[1], r[0])
    grid, recs = _grid(rows, 3, "llr", per_line=per_line)
    for r, v in zip(rows, sb.vectors):
        align_row_baselines(r[1:], [v.token, v.norm_text], th, size, [False, True])
    return grid, recs


def pair_rows(sb: VectorsStoryboard, th, colours, size: float = SIZE.cell, token_w: float = TOKEN_W):
    rows = []
    for p in sb.pairs:
        a, b = sb.vectors[p.a], sb.vectors[p.b]
        rows.append([label(a.token, th, size=size, colour=colours[a.colour], max_width=token_w),
                     label("\u00b7", th, size=size, colour=th.muted),
                     label(b.token, th, size=size, colour=colours[b.colour], max_width=token_w),
                     label(p.cosine_text, th, size=size, mono=True),
                     label(p.angle_text, th, size=size, mono=True, colour=th.muted)])
    for r, p in zip(rows, sb.pairs):
        marks.token(r[0], p.tokens[0])
        marks.token(r[2], p.tokens[1])
    grid, recs = _grid(rows, 5, "lclrr")
    for r, p in zip(rows, sb.pairs):
        align_row_baselines(r, [p.tokens[0], None, p.tokens[1], p.cosine_text, p.angle_text], th, size,
                            [False, False, False, True, True])
    return grid, recs
