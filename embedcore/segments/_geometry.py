"""What the three geometry segments share: picking tokens, checking vectors,
and the plain-data records for drawn arrows and pair readouts.

Every readout (length, cosine, angle, distance) is computed from the full
d-dimensional vectors with :mod:`embedcore.similarity`; the projection only
decides where arrows are drawn.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..config import split_tokens
from ..errors import LessonError, Loc
from ..projection import Projection, drawn_angle_degrees, project, span_rank
from ..similarity import angle_degrees, cosine, euclidean
from ..storyboard import Storyboard, fmt
from ..wording import count, direction_phrase, join_names, plural

if TYPE_CHECKING:
    from ..lesson import Lesson
    from .vectors_2d import Options as Vectors2DOptions
    from .vectors_3d import Options as Vectors3DOptions


@dataclass(frozen=True)
class DrawnVector:
    token: str
    id: int
    colour: int                     # index into the theme's token palette
    coords: tuple[float, ...]       # where the arrow's tip is drawn (2 or 3 numbers)
    norm: float                     # ‖v‖ of the full d-dimensional vector
    norm_text: str
    direction: float | None         # 2D: arrow direction on screen, degrees from +x (counter-clockwise)


@dataclass(frozen=True)
class PairReadout:
    a: int                          # indices into ``vectors``
    b: int
    tokens: tuple[str, str]
    cosine: float                   # from the full vectors
    cosine_text: str
    angle: float                    # true angle in d dimensions, degrees
    angle_text: str
    drawn_angle: float              # angle between the drawn arrows, degrees
    distance: float                 # ‖a − b‖ in d dimensions
    distance_text: str


@dataclass(frozen=True)
class VectorsStoryboard(Storyboard):
    dim: int                        # d of the embeddings
    screen_dim: int                 # 2 or 3
    vectors: tuple[DrawnVector, ...]
    pairs: tuple[PairReadout, ...]
    exact: bool                     # True: drawn lengths and angles are the true ones
    method: str                     # "span" (Gram–Schmidt) or "pca"
    variance_kept: float
    projection_note: str            # the one line the screen shows about the projection


S = TypeVar("S", bound=VectorsStoryboard)   # the 2-D or 3-D storyboard build_vectors makes


def angle_text(deg: float) -> str:
    return fmt(deg, 1) + "\u00b0"


def check_tokens(lesson: Lesson, tokens: list[str], loc: Loc, *, explicit: bool) -> tuple[np.ndarray, np.ndarray]:
    """Ids and full vectors of ``tokens``; refuses repeats, unknown tokens, zero vectors."""
    seen: dict[str, int] = {}
    ids = []
    for i, tok in enumerate(tokens):
        where = loc + (i,) if explicit else loc
        if tok in seen:
            raise LessonError(f"{tok!r} is listed twice (also entry {seen[tok]})", loc=where,
                              hint="list each token once")
        seen[tok] = i
        ids.append(lesson.table.vocab.id_of(tok, loc=where))
    ids_arr = np.array(ids, dtype=np.int64)
    vecs = lesson.table.rows(ids_arr)
    for i, tok in enumerate(tokens):
        check_nonzero(vecs[i], tok, loc + (i,) if explicit else loc)
    return ids_arr, vecs


def check_nonzero(v: np.ndarray, tok: str, loc: Loc) -> None:
    if not np.any(v):
        raise LessonError(f"{tok!r} has a zero vector: it has no direction, so its angle and cosine are undefined",
                          loc=loc, hint="choose another token or give it a non-zero vector")


def pair_readout(vecs: np.ndarray, coords: np.ndarray, tokens: list[str], a: int, b: int, dec: int) -> PairReadout:
    c = cosine(vecs[a], vecs[b])
    ang = angle_degrees(c)
    dist = euclidean(vecs[a], vecs[b])
    return PairReadout(a, b, (tokens[a], tokens[b]), c, fmt(c, dec), ang, angle_text(ang),
                       drawn_angle_degrees(coords[a], coords[b]), dist, fmt(dist, dec))


def drawn_vectors(tokens: list[str], ids: np.ndarray, vecs: np.ndarray, coords: np.ndarray,
                  dec: int) -> tuple[DrawnVector, ...]:
    out = []
    norms = np.linalg.norm(vecs, axis=1)
    for i, tok in enumerate(tokens):
        xy = coords[i]
        direction = float(np.degrees(np.arctan2(xy[1], xy[0]))) + 0.0 if len(xy) == 2 else None
        out.append(DrawnVector(tok, int(ids[i]), i, tuple(float(v) + 0.0 for v in xy), float(norms[i]),
                               fmt(float(norms[i]), dec), direction))
    return tuple(out)


def variance_text(proj: Projection) -> str:
    pct = proj.variance_kept * 100
    return f"{pct:.0f}" if pct < 99.5 else f"{min(pct, 99.9):.1f}"


def projection_note(proj: Projection, d: int, k: int, tokens: list[str], rank: int) -> str:
    """The one line the screen shows about how d dimensions became the picture."""
    n = len(tokens)
    true = "Its length is true." if n == 1 else "Lengths and angles are true."
    if proj.exact:
        if rank >= d:
            return f"Exact: with d = {d} nothing is projected away. {true}"
        if proj.method == "span":
            what = {1: "along the line", 2: "in the plane", 3: "in the space"}[rank]
            return (f"Exact: drawn {what} that {join_names(tokens, quote='')} "
                    f"{plural(n, 'spans')} (d = {d} \u2192 {rank}). {true}")
        return f"Exact: these vectors span only {count(rank, 'dimension')} (d = {d} \u2192 {rank}). {true}"
    return (f"{k}D projection \u00b7 keeps {variance_text(proj)}% of variance (d = {d}). "
            "Angles are approximate; the readouts use the full vectors.")


def pair_sentence(readouts: Sequence[PairReadout]) -> str | None:
    """The caption about the most alike pair shown (ties named), true for any cosine."""
    if not readouts:
        return None
    best = max(readouts, key=lambda r: r.cosine)
    look = direction_phrase(best.angle)
    nums = f"cosine {best.cosine_text}, an angle of {best.angle_text}"
    if len(readouts) == 1:
        return f"{best.tokens[0]} and {best.tokens[1]} {look}: {nums}."
    tied = [r for r in readouts if r is not best and r.cosine_text == best.cosine_text]
    pair = f"{best.tokens[0]} and {best.tokens[1]}"
    if tied:
        others = "; ".join(f"{r.tokens[0]} and {r.tokens[1]}" for r in tied[:2])
        more = f" and {len(tied) - 2} more" if len(tied) > 2 else ""
        return f"Of the pairs shown, {pair} are the most alike (tied with {others}{more}): they {look}, {nums}."
    return f"Of the pairs shown, {pair} are the most alike: they {look}, {nums}."


def default_pairs(vecs: np.ndarray, n: int, limit: int) -> list[tuple[int, ...]]:
    """All pairs when few; otherwise the ``limit`` most similar (group structure)."""
    allp: list[tuple[int, ...]] = [(i, j) for i in range(n) for j in range(i + 1, n)]
    if len(allp) <= limit:
        return allp
    cos = {p: cosine(vecs[p[0]], vecs[p[1]]) for p in allp}
    return sorted(sorted(allp, key=lambda p: -cos[p])[:limit])


def build_vectors(lesson: Lesson, options: Vectors2DOptions | Vectors3DOptions, index: int, *, k: int, max_tokens: int, max_pairs: int, storyboard_cls: type[S],
                  default_title: str, base_fields: Callable[..., dict[str, Any]]) -> S:
    seg_loc = ("segments", index)
    table = lesson.table
    dec = lesson.style.decimals
    if options.tokens is not None:
        tokens = split_tokens(options.tokens)
        loc = seg_loc + ("tokens",)
        if isinstance(options.tokens, str):
            # a one-line string: check words through resolve_tokens for exact columns
            lesson.resolve_tokens(options.tokens, loc)
            explicit = False
        else:
            explicit = True
        if not tokens:
            raise LessonError("no tokens to draw", loc=loc, hint="list at least one token")
        if len(tokens) > max_tokens:
            raise LessonError(f"a {options.type} segment draws at most {max_tokens} vectors, this one has {len(tokens)}",
                              loc=loc, hint="list fewer tokens")
        ids, vecs = check_tokens(lesson, tokens, loc, explicit=explicit)
    else:
        tokens = list(dict.fromkeys(lesson.sequence.tokens))[:max_tokens]
        ids, vecs = check_tokens(lesson, tokens, ("tokens",), explicit=False)

    proj = project(vecs, k)
    coords = proj.coords
    n = len(tokens)
    if options.pairs is not None:
        pairs: list[tuple[int, ...]] = []
        for pi, pair in enumerate(options.pairs):
            ploc = seg_loc + ("pairs", pi)
            if len(pair) != 2:
                raise LessonError(f"a pair has two tokens, this one has {len(pair)}", loc=ploc,
                                  hint="write pairs as [cat, dog]")
            if pair[0] == pair[1]:
                raise LessonError(f"the pair has the same token twice ({pair[0]!r})", loc=ploc + (1,),
                                  hint="choose two different tokens")
            idx = []
            for j, tok in enumerate(pair):
                if tok not in tokens:
                    table.vocab.id_of(tok, loc=ploc + (j,))    # unknown token: vocabulary error first
                    raise LessonError(f"{tok!r} is not one of this segment's tokens", loc=ploc + (j,),
                                      hint="add it to the segment's 'tokens:' or pick one of: " + ", ".join(tokens))
                idx.append(tokens.index(tok))
            pairs.append(tuple(idx))
        if len(pairs) > max_pairs:
            raise LessonError(f"at most {max_pairs} pairs fit on screen, this segment lists {len(pairs)}",
                              loc=seg_loc + ("pairs",), hint="list fewer pairs")
    else:
        pairs = default_pairs(vecs, n, max_pairs)

    readouts = tuple(pair_readout(vecs, coords, tokens, a, b, dec) for a, b in pairs)
    rank = span_rank(vecs)
    note = projection_note(proj, table.d, k, tokens, rank)
    narration = default_narration(proj, tokens, readouts, table.d, k, rank)
    return storyboard_cls(
        **base_fields(lesson, options, index, default_title=default_title, default_narration=narration),
        dim=table.d, screen_dim=k, vectors=drawn_vectors(tokens, ids, vecs, coords, dec), pairs=readouts,
        exact=proj.exact, method=proj.method, variance_kept=proj.variance_kept, projection_note=note,
    )


def default_narration(proj: Projection, tokens: Sequence[str], readouts: Sequence[PairReadout], d: int, k: int, rank: int) -> list[str]:
    n = len(tokens)
    if n == 1:
        lines = ["A token's embedding is an arrow from the origin: a direction and a length."]
        subj, each, exact = "This vector has", "", "its length is exact"
    else:
        lines = ["Each token's embedding is an arrow from the origin: a direction and a length."]
        subj, each, exact = "These vectors have", " each", "every length and angle is exact"
    if proj.exact:
        if rank >= d and d == 1:
            lines.append(f"{subj} {count(d, 'number')}{each}, so {'it lies' if n == 1 else 'they all lie'} "
                         f"on one line. Drawn there, {exact}.")
        elif rank >= d:
            lines.append(f"{subj} only {count(d, 'number')}{each}, so nothing is projected away: {exact}.")
        else:
            space = {1: "a line", 2: "a plane", 3: "a 3D space"}[rank]
            lines.append(f"{subj} {count(d, 'number')}{each}, but {'it spans' if n == 1 else 'together they span'} "
                         f"only {space}. Drawn there, {exact}.")
    else:
        lines.append(f"{d:,} dimensions do not fit on a screen. This is a {k}D projection that keeps "
                     f"{variance_text(proj)}% of the variance, so read angles from the numbers, not the picture.")
    pair = pair_sentence(readouts)
    if pair:
        lines.append(pair)
    return lines
