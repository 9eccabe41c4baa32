"""A ranked list at its natural size: "1.  token  [tag]  0.82" rows, columns measured from their texts.

Used by the analogy and nearest-neighbours scenes, whose lists the kit then places and scales
(side by side or stacked). Rows share a baseline (not each glyph's outline); a token wider than
``token_w`` is cut with "…" at its size, never shrunk below the text floor.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from manim import LEFT, RIGHT, VGroup

from ..theme import GAP, SIZE, Theme
from .text import baseline_y, label, sit_on


@dataclass(frozen=True)
class RankedRow:
    rank: int
    token: str
    value: str
    colour: str                 # the token's and the value's colour (accent, muted or text)
    tag: str | None = None      # a small note after the token ("input")


def ranked_rows(rows: Sequence[RankedRow], theme: Theme, *, size: float = SIZE.label, token_w: float,
                gap: float = GAP.l, lead: float = GAP.s) -> VGroup:
    """One VGroup per row -- (rank, token, [tag,] value) -- ranks right-aligned, tokens left-aligned,
    values right-aligned; ``gap`` between the tokens' column and the values'. Rows one line (cap to
    descender) apart plus ``lead``, the first at y = 0."""
    th = theme
    ranks = [label(f"{r.rank}.", th, size=size, colour=th.muted, mono=True) for r in rows]
    tags = [label(r.tag, th, size=SIZE.small, colour=th.muted) if r.tag else None for r in rows]
    tokens = [label(r.token, th, size=size, colour=r.colour,
                    max_width=token_w - (tg.width + GAP.s if tg is not None else 0.0)) for r, tg in zip(rows, tags)]
    values = [label(r.value, th, size=size, mono=True, colour=r.colour) for r in rows]
    rank_w = max((m.width for m in ranks), default=0.0)
    words_w = max((t.width + (tg.width + GAP.s if tg is not None else 0.0) for t, tg in zip(tokens, tags)), default=0.0)
    value_w = max((m.width for m in values), default=0.0)
    step = label("Ay0", th, size=size).height + lead
    out = VGroup()
    for k, (r, t, tg, v) in enumerate(zip(ranks, tokens, tags, values)):
        y = -k * step
        r.move_to([rank_w, y, 0], aligned_edge=RIGHT)
        base = baseline_y(r)            # one baseline for the row, not each glyph's outline
        sit_on(t.move_to([rank_w + GAP.m, y, 0], aligned_edge=LEFT), base)
        row = VGroup(r, t)
        if tg is not None:
            row.add(sit_on(tg.next_to(t, RIGHT, buff=GAP.s), base))
        row.add(sit_on(v.move_to([rank_w + GAP.m + words_w + gap + value_w, y, 0], aligned_edge=RIGHT), base))
        out.add(row)
    return out
