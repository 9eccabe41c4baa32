"""Segment ``nearest-neighbours``: a query token's k nearest tokens in the
whole vocabulary, by cosine similarity and by Euclidean distance, side by side.

Both rankings are computed over all V rows in the full d-dimensional space
(:mod:`embedcore.neighbours`: one streamed matrix-vector product, then
argpartition), and the storyboard marks where they disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..config import SegmentBase, Token
from ..errors import LessonError
from ..neighbours import nearest, scan
from ..storyboard import Storyboard, fmt
from .common import base_fields

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "nearest-neighbours"
SCENE = "scenes.nearest_neighbours:NearestNeighboursScene"
ORDER = 70               # place in the README table and the schema
MAX_K = 10


class Options(SegmentBase):
    """The k nearest tokens by cosine and by distance side by side, in the full d dimensions."""

    type: Literal["nearest-neighbours"]
    query: Token = Field(description="the token whose neighbours are ranked")
    k: int = Field(default=5, ge=1, le=MAX_K, description="neighbours listed per metric")
    include_query: bool = Field(default=False, description="let the query rank as its own neighbour")


@dataclass(frozen=True)
class Neighbour:
    rank: int            # 1-based
    token: str
    id: int
    value: float
    text: str
    other_rank: int | None   # its rank in the other list, None = not in the other top k


@dataclass(frozen=True)
class NeighboursStoryboard(Storyboard):
    query: str
    query_id: int
    k: int
    vocab_size: int
    dim: int
    by_cosine: tuple[Neighbour, ...]
    by_distance: tuple[Neighbour, ...]
    space_note: str          # "all 12 tokens, in the full 8-dimensional space"
    agreement: str           # one line: where the rankings differ
    excluded_query: bool


def rank_lists(table, qid: int, k: int, include_query: bool, dec: int):
    q = table.rows([qid])[0]
    sc = scan(table.matrix, q)
    exclude = () if include_query else (qid,)
    cos = nearest(table.matrix, q, k, metric="cosine", exclude=exclude, sc=sc)
    dist = nearest(table.matrix, q, k, metric="euclidean", exclude=exclude, sc=sc)
    cos_rank = {int(i): r for r, i in enumerate(cos.ids, 1)}
    dist_rank = {int(i): r for r, i in enumerate(dist.ids, 1)}
    toks = table.vocab.tokens
    by_cos = tuple(Neighbour(r, toks[i], int(i), float(v), fmt(float(v), dec), dist_rank.get(int(i)))
                   for r, (i, v) in enumerate(zip(cos.ids, cos.scores), 1))
    by_dist = tuple(Neighbour(r, toks[i], int(i), float(v), fmt(float(v), dec), cos_rank.get(int(i)))
                    for r, (i, v) in enumerate(zip(dist.ids, dist.scores), 1))
    return by_cos, by_dist


def agreement_line(by_cos, by_dist) -> str:
    only_cos = [n.token for n in by_cos if n.other_rank is None]
    moved = [n for n in by_cos if n.other_rank is not None and n.other_rank != n.rank]
    if not only_cos and not moved:
        return "Here both rankings agree, rank for rank."
    parts = []
    if only_cos:
        only_dist = [n.token for n in by_dist if n.other_rank is None]
        parts.append(f"{_list(only_cos)} only by cosine, {_list(only_dist)} only by distance")
    if moved:
        parts.append(f"{len(moved)} shared token{'s' if len(moved) != 1 else ''} at different ranks")
    return "The rankings differ: " + "; ".join(parts) + "."


def _list(words: list[str]) -> str:
    q = [f"'{w}'" for w in words]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " and " + q[-1]


def build(lesson: Lesson, options: Options, index: int) -> NeighboursStoryboard:
    table = lesson.table
    qid = table.vocab.id_of(options.query, loc=("segments", index, "query"))
    avail = table.V - (0 if options.include_query else 1)
    if options.k > avail:
        raise LessonError(f"k = {options.k} but the vocabulary has only {avail} other token{'s' if avail != 1 else ''}",
                          loc=("segments", index, "k"), hint=f"use k ≤ {max(avail, 1)}")
    dec = lesson.style.decimals
    by_cos, by_dist = rank_lists(table, qid, options.k, options.include_query, dec)
    if not by_cos:
        raise LessonError(f"{options.query!r} has a zero vector, so it has no cosine neighbours",
                          loc=("segments", index, "query"), hint="choose a token whose row is not all zeros")
    agreement = agreement_line(by_cos, by_dist)
    space = f"searched all {table.V:,} tokens, in the full {table.d:,}-dimensional space"
    narration = [
        f"Which tokens are nearest to '{options.query}'? It depends on what 'near' means.",
        "Cosine similarity ranks by angle: higher is closer. Euclidean distance ranks by straight-line gap: lower is closer.",
        agreement,
    ]
    return NeighboursStoryboard(
        **base_fields(lesson, options, index, default_title=f"Nearest neighbours of '{options.query}'",
                      default_narration=narration),
        query=options.query,
        query_id=qid,
        k=options.k,
        vocab_size=table.V,
        dim=table.d,
        by_cosine=by_cos,
        by_distance=by_dist,
        space_note=space,
        agreement=agreement,
        excluded_query=not options.include_query,
    )
