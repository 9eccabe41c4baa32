"""Segment ``cosine-vs-distance``: the angle behind cosine, and why it is not distance.

For a ``pair`` (A, B): both arrows in the plane they span (exact, via
:func:`embedcore.projection.gram_schmidt`; A along +x, B above it), the arc
for θ, live readouts of θ, cos θ and ‖A − B‖; the formula, then the pair's
numbers substituted; then B is scaled by ``scale`` while the readouts update.

Live readouts: the storyboard samples the scaling at ``SAMPLES`` factors
t₀ = 1 … t_K = scale, evenly spaced, and for each gives every number the
screen shows, computed from the full d-dimensional vectors A and t·B with
:mod:`embedcore.similarity`, plus where B's tip is drawn (t·b, b being B's
exact coordinates in the A–B plane). The scene drives a sample index from 0
to K−1 and, every frame, draws B's tip and re-creates the readout texts from
that sample: no number on screen is computed in the scene. At 1080p60 the
scaling lasts ≈ 3 s ≈ 180 frames, so with 181 samples every frame shows a
new sample.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase, Token
from ..errors import LessonError, Loc
from ..projection import drawn_angle_degrees, gram_schmidt, span_rank
from ..similarity import angle_degrees, cosine, dot, euclidean
from ..storyboard import Storyboard, fmt
from ._geometry import DrawnVector, angle_text, check_nonzero, drawn_vectors
from .common import base_fields

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "cosine-vs-distance"
SCENE = "scenes.cosine_vs_distance:CosineDistanceScene"
ORDER = 40               # place in the README table and the schema
SAMPLES = 181
MAX_SCALE = 10.0
FORMULA = "cos theta = (A dot B) / (norm(A) thin norm(B))"


class Options(SegmentBase):
    """Angle arc, live θ / cos θ / ‖A − B‖, the formula with numbers, B scaled: distance changes, cosine does not."""

    type: Literal["cosine-vs-distance"]
    pair: list[Token] | None = Field(default=None, description="the two tokens A and B; default: the most similar pair")
    scale: float = Field(default=2.0, description="factor B is scaled by; cosine stays, distance changes")


@dataclass(frozen=True)
class ScaleSample:
    factor: float
    factor_text: str
    tip: tuple[float, float]        # where the scaled B's tip is drawn (plane coordinates)
    norm_b: float
    norm_b_text: str
    cosine: float
    cosine_text: str
    angle: float
    angle_text: str
    distance: float
    distance_text: str


@dataclass(frozen=True)
class CosineDistanceStoryboard(Storyboard):
    dim: int
    a: DrawnVector
    b: DrawnVector
    cosine: float
    cosine_text: str
    angle: float                    # true angle in d dimensions, degrees
    angle_text: str
    drawn_angle: float              # angle between the drawn arrows, degrees (== angle: exact plane)
    distance: float
    distance_text: str
    dot: float
    dot_text: str
    formula: str                    # Typst math
    substituted: str                # Typst math with the pair's numbers
    scale: float
    scale_text: str
    samples: tuple[ScaleSample, ...]
    projection_note: str
    closing: tuple[str, str]        # when each measure fits, shown at the end


def _typst_num(s: str) -> str:
    return s.replace("\u2212", "-")


def _pick_pair(lesson: Lesson, index: int, options: Options) -> tuple[list[str], Loc]:
    seg = ("segments", index)
    if options.pair is not None:
        pair = list(options.pair)
        if len(pair) != 2:
            raise LessonError(f"a pair has two tokens, this one has {len(pair)}", loc=seg + ("pair",),
                              hint="write it as pair: [cat, dog]")
        for j, tok in enumerate(pair):
            lesson.table.vocab.id_of(tok, loc=seg + ("pair", j))
        if pair[0] == pair[1]:
            raise LessonError(f"the pair has the same token twice ({pair[0]!r}); its angle is always 0",
                              loc=seg + ("pair", 1), hint="choose two different tokens")
        return pair, seg + ("pair",)
    distinct = list(dict.fromkeys(lesson.sequence.tokens))
    if len(distinct) < 2:
        raise LessonError("cosine-vs-distance needs two different tokens", loc=seg,
                          hint="add 'pair: [cat, dog]' to the segment")
    vecs = lesson.sequence.vectors[[lesson.sequence.tokens.index(t) for t in distinct]]
    best, best_cos = None, -2.0
    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            if np.any(vecs[i]) and np.any(vecs[j]):
                c = cosine(vecs[i], vecs[j])
                if c > best_cos:
                    best, best_cos = [distinct[i], distinct[j]], c
    if best is None:
        raise LessonError("no two tokens with non-zero vectors", loc=seg, hint="add 'pair: [cat, dog]'")
    return best, ("tokens",)


def scale_text(s: float) -> str:
    """The factor as a reader writes it: 2, 0.5, 0.25, 1.5."""
    return f"{s:.4g}"


def scale_sentence(s: float, before: str, after: str, samples: Sequence[ScaleSample]) -> str:
    """What scaling B does to the distance, as the readouts will show it."""
    lead = f"Now scale B by {scale_text(s)}."
    if before != after:
        return f"{lead} The distance changes, {before} \u2192 {after}; the angle and the cosine do not."
    # |A − tB| is a parabola in t: it can come back to where it started
    far = max(samples, key=lambda x: abs(x.distance - samples[0].distance))
    if far.distance_text != before:
        return (f"{lead} The distance moves (to {far.distance_text}) and comes back to {after}; "
                "the angle and the cosine never change.")
    return f"{lead} The length of B changes; the angle and the cosine do not."


def pair_plane_note(a: str, b: str, d: int, rank: int) -> str:
    """Where the two arrows are drawn, true for d = 1, 2 and collinear pairs."""
    if rank >= d:
        return f"Exact: with d = {d} nothing is projected away. Readouts use the full vectors."
    if rank == 1:
        return f"Exact: {a} and {b} lie on one line (d = {d} \u2192 1). Readouts use the full vectors."
    return f"Exact: drawn in the plane that {a} and {b} span (d = {d} \u2192 2). Readouts use the full vectors."


def build(lesson: Lesson, options: Options, index: int) -> CosineDistanceStoryboard:
    seg = ("segments", index)
    dec = lesson.style.decimals
    s = float(options.scale)
    if not np.isfinite(s) or s <= 0:
        raise LessonError(f"scale must be greater than 0, got {options.scale:g}", loc=seg + ("scale",),
                          hint="use a positive factor such as 2 (doubles B) or 0.5 (halves it)")
    if s > MAX_SCALE:
        raise LessonError(f"scale {s:g} is too large to draw (at most {MAX_SCALE:g})", loc=seg + ("scale",),
                          hint="use a factor between 0.1 and 10")
    if s < 1 / MAX_SCALE:
        raise LessonError(f"scale {s:g} is too small to draw (at least {1 / MAX_SCALE:g})", loc=seg + ("scale",),
                          hint="use a factor between 0.1 and 10")
    if s == 1:
        raise LessonError("scale 1 leaves B unchanged, so nothing would move", loc=seg + ("scale",),
                          hint="use a factor such as 2 or 0.5")
    pair, ploc = _pick_pair(lesson, index, options)
    ids = np.array([lesson.table.vocab.id_of(t) for t in pair], dtype=np.int64)
    vecs = lesson.table.rows(ids)
    for j, tok in enumerate(pair):
        check_nonzero(vecs[j], tok, ploc + (j,) if options.pair is not None else ploc)
    A, B = vecs
    proj = gram_schmidt(vecs, 2)
    coords = proj.coords
    a_draw, b_draw = drawn_vectors(pair, ids, vecs, coords, dec)

    c = cosine(A, B)
    ang = angle_degrees(c)
    dist = euclidean(A, B)
    d_ab = dot(A, B)
    na, nb = float(np.linalg.norm(A)), float(np.linalg.norm(B))
    drawn = drawn_angle_degrees(coords[0], coords[1])

    samples = []
    for t in np.linspace(1.0, s, SAMPLES):
        t = float(t)
        tb = t * B
        ct = cosine(A, tb)
        at = angle_degrees(ct)
        dt = euclidean(A, tb)
        nt = float(np.linalg.norm(tb))
        tip = (float(t * coords[1, 0]), float(t * coords[1, 1]))
        samples.append(ScaleSample(t, fmt(t, 2), tip, nt, fmt(nt, dec), ct, fmt(ct, dec), at, angle_text(at),
                                   dt, fmt(dt, dec)))

    n_dot, n_a, n_b, n_c = (_typst_num(fmt(x, dec)) for x in (d_ab, na, nb, c))
    substituted = f"cos theta = ({n_dot}) / ({n_a} times {n_b}) approx {n_c}"
    a_tok, b_tok = pair
    last = samples[-1]
    narration = [
        f"Two vectors from one origin: A is {a_tok}, B is {b_tok}. Between them, an angle θ and a distance.",
        f"Cosine similarity is the cosine of that angle: A · B divided by both lengths. Here {fmt(c, dec)}.",
        scale_sentence(s, fmt(dist, dec), last.distance_text, samples),
        "Cosine compares direction, which is where meaning tends to live. When magnitude matters, use L2 distance or the dot product.",
    ]
    closing = ("cosine \u2192 direction: meaning", "L2 distance, dot product \u2192 when magnitude matters")
    note = pair_plane_note(a_tok, b_tok, lesson.table.d, span_rank(vecs))
    return CosineDistanceStoryboard(
        **base_fields(lesson, options, index, default_title="Cosine similarity is not distance",
                      default_narration=narration),
        dim=lesson.table.d, a=a_draw, b=b_draw, cosine=c, cosine_text=fmt(c, dec), angle=ang,
        angle_text=angle_text(ang), drawn_angle=drawn, distance=dist, distance_text=fmt(dist, dec),
        dot=d_ab, dot_text=fmt(d_ab, dec), formula=FORMULA, substituted=substituted, scale=s,
        scale_text=fmt(s, 2), samples=tuple(samples), projection_note=note, closing=closing,
    )
