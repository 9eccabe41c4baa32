"""Segment type → Manim scene class (the drawing half of the registry)."""
from __future__ import annotations

from .analogy import AnalogyScene
from .cosine_vs_distance import CosineDistanceScene
from .lookup import LookupScene
from .matrix_shape import MatrixShapeScene
from .nearest_neighbours import NearestNeighboursScene
from .pitfall_learned import PitfallLearnedScene
from .pitfall_spelling import PitfallSpellingScene
from .similarity_matrix import SimilarityMatrixScene
from .title_card import TitleCardScene
from .training import TrainingScene
from .vectors_2d import Vectors2DScene
from .vectors_3d import Vectors3DScene

SCENES = {
    "lookup": LookupScene,
    "matrix-shape": MatrixShapeScene,
    "nearest-neighbours": NearestNeighboursScene,
    "analogy": AnalogyScene,
    "pitfall-spelling": PitfallSpellingScene,
    "pitfall-learned": PitfallLearnedScene,
    "vectors-2d": Vectors2DScene,
    "cosine-vs-distance": CosineDistanceScene,
    "vectors-3d": Vectors3DScene,
    "similarity-matrix": SimilarityMatrixScene,
    "training": TrainingScene,
    "title": TitleCardScene,        # the lesson's opening card (not a user segment type)
}
