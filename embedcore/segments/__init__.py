"""The segment registry: one entry per segment ``type``.

Each segment module defines ``TYPE``, an ``Options`` model (its YAML keys) and
``build(lesson, options, index) -> Storyboard``. Adding a segment type means
writing that module and listing it here; the lesson schema, ``validate``,
``inspect`` and rendering all pick it up from this table. (Its Manim scene is
registered in :mod:`scenes.registry`, since this package never imports Manim.)
"""
from __future__ import annotations

from types import ModuleType

from ..config import build_lesson_model
from ..storyboard import Storyboard
from . import (
    analogy,
    cosine_vs_distance,
    lookup,
    matrix_shape,
    nearest_neighbours,
    pitfall_learned,
    pitfall_spelling,
    similarity_matrix,
    training,
    vectors_2d,
    vectors_3d,
)

# the order is the order of the README's table: lookup first, then geometry, similarity, pitfalls
_MODULES: tuple[ModuleType, ...] = (
    lookup, vectors_2d, vectors_3d, cosine_vs_distance, similarity_matrix, matrix_shape,
    nearest_neighbours, analogy, pitfall_spelling, pitfall_learned, training,
)

SEGMENT_TYPES: dict[str, ModuleType] = {m.TYPE: m for m in _MODULES}
LessonConfig = build_lesson_model([m.Options for m in _MODULES])


def build_storyboard(lesson, index: int) -> Storyboard:
    options = lesson.config.segments[index]
    return SEGMENT_TYPES[options.type].build(lesson, options, index)
