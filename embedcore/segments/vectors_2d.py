"""Segment ``vectors-2d``: tokens as labelled arrows from the origin on a plane.

Two vectors are drawn in the plane they span (exact lengths and angle); more
are drawn by PCA with the kept variance on screen (see
:mod:`embedcore.projection`). Cosines come from the full vectors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..config import SegmentBase, Token
from ._geometry import GEOMETRY_PLACEHOLDERS, VectorsStoryboard, build_vectors
from .common import base_fields

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "vectors-2d"
SCENE = "scenes.vectors_2d:Vectors2DScene"
ORDER = 20               # place in the README table and the schema
MAX_TOKENS = 8
MAX_PAIRS = 6


class Options(SegmentBase):
    """Labelled arrows in the exact plane of 2 vectors, or a PCA projection (with the variance kept) for more; cosines of pairs."""

    type: Literal["vectors-2d"]
    pairs: list[list[Token]] | None = Field(default=None, description="token pairs whose cosine is listed")


@dataclass(frozen=True)
class Vectors2DStoryboard(VectorsStoryboard):
    pass


def build(lesson: Lesson, options: Options, index: int) -> Vectors2DStoryboard:
    return build_vectors(lesson, options, index, k=2, max_tokens=MAX_TOKENS, max_pairs=MAX_PAIRS,
                         storyboard_cls=Vectors2DStoryboard, default_title="Embeddings as arrows",
                         base_fields=base_fields)


PLACEHOLDERS = GEOMETRY_PLACEHOLDERS      # {top}, {cos}, {angle}, {distance}, {variance}
