"""Segment ``nearest-neighbours``: a query token's k nearest tokens in the
whole vocabulary, by cosine similarity and by Euclidean distance, side by side.

Both rankings are computed over all V rows in the full d-dimensional space
(:mod:`embedcore.neighbours`: one streamed matrix-vector product, then
argpartition), and the storyboard marks where they disagree.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import MAX_TOKEN, SegmentBase, Token
from ..errors import LessonError
from ..neighbours import nearest, scan
from ..special import left_out_sentence, special_ids
from ..storyboard import Storyboard, fmt
from ..wording import count, elide, join_names, plural
from .common import base_fields

if TYPE_CHECKING:
    from ..lesson import Lesson
    from ..neighbours import Scan
    from ..sources.base import EmbeddingTable

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
    include_special: bool = Field(default=False, description="search special tokens ([CLS], [MASK], <s>, ...) too")


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
    special_left_out: int    # special tokens ([CLS], [MASK], <s>, ...) not searched


def rank_lists(table: EmbeddingTable, qid: int, k: int, include_query: bool, dec: int, leave_out: Iterable[int] = ()
               ) -> tuple[tuple[Neighbour, ...], tuple[Neighbour, ...], Scan]:
    q = table.rows([qid])[0]
    sc = scan(table.matrix, q)
    exclude = set(int(i) for i in leave_out) | (set() if include_query else {qid})
    cos = nearest(table.matrix, q, k, metric="cosine", exclude=exclude, sc=sc)
    dist = nearest(table.matrix, q, k, metric="euclidean", exclude=exclude, sc=sc)
    cos_rank = {int(i): r for r, i in enumerate(cos.ids, 1)}
    dist_rank = {int(i): r for r, i in enumerate(dist.ids, 1)}
    toks = table.vocab.tokens
    by_cos = tuple(Neighbour(r, elide(toks[i], MAX_TOKEN), int(i), float(v), fmt(float(v), dec), dist_rank.get(int(i)))
                   for r, (i, v) in enumerate(zip(cos.ids, cos.scores), 1))
    by_dist = tuple(Neighbour(r, elide(toks[i], MAX_TOKEN), int(i), float(v), fmt(float(v), dec), cos_rank.get(int(i)))
                    for r, (i, v) in enumerate(zip(dist.ids, dist.scores), 1))
    return by_cos, by_dist, sc


def would_rank(table: EmbeddingTable, qid: int, k: int, include_query: bool, special: np.ndarray, sc: Scan
               ) -> list[tuple[str, str, int]]:
    """Special tokens that a search including them would put in either top k."""
    q = table.rows([qid])[0]
    exclude = () if include_query else (qid,)
    sp = set(int(i) for i in special)
    out = []
    for metric, how in (("cosine", "by cosine"), ("euclidean", "by distance")):
        ranked = nearest(table.matrix, q, k, metric=metric, exclude=exclude, sc=sc)
        out += [(table.vocab.tokens[i], how, r) for r, i in enumerate(ranked.ids.tolist(), 1) if i in sp]
    return out


def agreement_line(by_cos: Sequence[Neighbour], by_dist: Sequence[Neighbour], no_cosine: Collection[str] = ()) -> str:
    """Where the two rankings differ, true when one list is shorter (zero vectors have no cosine)."""
    only_cos = [n.token for n in by_cos if n.other_rank is None]
    only_dist = [n.token for n in by_dist if n.other_rank is None]
    moved = [n for n in by_cos if n.other_rank is not None and n.other_rank != n.rank]
    if not only_cos and not only_dist and not moved:
        return "Here both rankings agree, rank for rank."
    zero = [t for t in only_dist if t in set(no_cosine)]
    why = (f" ({_list(zero)} {plural(len(zero), 'has')} a zero vector: no direction, so no cosine)"
           if zero else "")
    parts = []
    if only_cos and only_dist:
        parts.append(f"{_list(only_cos)} only by cosine, {_list(only_dist)} only by distance{why}")
    elif only_cos:
        parts.append(f"{_list(only_cos)} only by cosine")
    elif only_dist:
        parts.append(f"{_list(only_dist)} only by distance{why}")
    if moved:
        parts.append(f"{count(len(moved), 'shared token')} at different ranks")
    return "The rankings differ: " + "; ".join(parts) + "."


def _list(words: list[str]) -> str:
    return join_names(words)


def build(lesson: Lesson, options: Options, index: int) -> NeighboursStoryboard:
    table = lesson.table
    qid = table.vocab.id_of(options.query, loc=("segments", index, "query"))
    special = special_ids(table)
    leave_out = special[special != qid] if not options.include_special else special[:0]
    avail = table.V - (0 if options.include_query else 1) - len(leave_out)
    if options.k > avail:
        others = "other " if not options.include_query else ""
        raise LessonError(f"k = {options.k} but the vocabulary has only {count(avail, others + 'token')}"
                          + (f" that {plural(avail, 'is')} not {'a special token' if avail == 1 else 'special tokens'}"
                             if len(leave_out) else ""),
                          loc=("segments", index, "k"), hint=f"use k ≤ {max(avail, 1)}")
    dec = lesson.style.decimals
    by_cos, by_dist, sc = rank_lists(table, qid, options.k, options.include_query, dec, leave_out)
    if not by_cos:
        raise LessonError(f"{options.query!r} has a zero vector, so it has no cosine neighbours",
                          loc=("segments", index, "query"), hint="choose a token whose row is not all zeros")
    no_cos = [n.token for n in by_dist if sc.sq_norms[n.id] == 0]
    agreement = agreement_line(by_cos, by_dist, no_cos)
    searched = table.V - len(leave_out)
    dims = f"in the full {table.d:,}-dimensional space"
    if len(leave_out):
        wr = would_rank(table, qid, options.k, options.include_query, leave_out, sc)
        space = (f"searched {searched:,} of {table.V:,} tokens in all {table.d:,} dimensions; "
                 + left_out_sentence(table, leave_out, wr, options.k))
    else:
        space = f"searched {'both' if table.V == 2 else f'all {table.V:,}'} tokens, {dims}"
        if options.include_special and len(special):
            space += f", {count(len(special), 'special token')} included"
    narration = [
        f"Which tokens are nearest to '{options.query}'? It depends on what 'near' means.",
        "Cosine similarity ranks by angle: higher is closer. Euclidean distance ranks by straight-line gap: lower is closer.",
        agreement,
    ]
    if len(by_cos) < options.k:
        narration.append(f"Only {count(len(by_cos), 'token')} {plural(len(by_cos), 'has')} a cosine with "
                         f"'{options.query}': a zero vector has no direction.")
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
        special_left_out=int(len(leave_out)),
    )
