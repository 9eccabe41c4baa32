"""Segment ``vectors-3d``: tokens as arrows in three dimensions, camera moving.

Up to three vectors are drawn in the space they span (all lengths and
pairwise angles exact); more by PCA to 3D with the kept variance on screen.
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

TYPE = "vectors-3d"
SCENE = "scenes.vectors_3d:Vectors3DScene"
ORDER = 30               # place in the README table and the schema
MAX_TOKENS = 6
MAX_PAIRS = 3


class Options(SegmentBase):
    """The same in 3D with a moving camera."""

    type: Literal["vectors-3d"]
    pairs: list[list[Token]] | None = Field(default=None, description="token pairs whose cosine is listed")


@dataclass(frozen=True)
class Vectors3DStoryboard(VectorsStoryboard):
    pass


def build(lesson: Lesson, options: Options, index: int) -> Vectors3DStoryboard:
    return build_vectors(lesson, options, index, k=3, max_tokens=MAX_TOKENS, max_pairs=MAX_PAIRS,
                         storyboard_cls=Vectors3DStoryboard, default_title="Embeddings in 3D",
                         base_fields=base_fields)


PLACEHOLDERS = GEOMETRY_PLACEHOLDERS      # {top}, {cos}, {angle}, {distance}, {variance}
