"""The ``synthetic`` source: seeded random vectors, labelled on screen as not learned."""
from __future__ import annotations

import numpy as np

from embedcore.config import SyntheticSource
from embedcore.errors import LessonError
from embedcore.sources.base import EmbeddingTable, SourceInfo
from embedcore.vocab import Vocabulary


def synthetic_matrix(V: int, d: int, seed: int, groups: list[np.ndarray], strength: float) -> np.ndarray:
    """Seeded random rows; each group's rows share one random direction.

    Rows are ~unit length with norms spread over [0.6, 1.4] so that cosine and
    distance visibly disagree; a group member is ``strength·g + noise`` for a
    unit group direction g, giving within-group cosines near s²/(s²+1).
    """
    rng = np.random.default_rng(seed)
    m: np.ndarray = rng.standard_normal((V, d)) / np.sqrt(d)
    for members in groups:
        g = rng.standard_normal(d)
        g /= np.linalg.norm(g)
        m[members] += strength * g
        m[members] /= np.linalg.norm(m[members], axis=1, keepdims=True)
    m *= rng.uniform(0.6, 1.4, size=(V, 1))
    return m


def synthetic_table(cfg: SyntheticSource, vocab: Vocabulary | None) -> EmbeddingTable:
    loc: tuple[str | int, ...] = ("embeddings",)
    if vocab is None:
        raise LessonError("synthetic vectors need a vocabulary", loc=("vocabulary",),
                          hint="add 'vocabulary: [the, cat, ...]'")
    groups = []
    for name, members in cfg.groups.items():
        ids = [vocab.id_of(t, loc=loc + ("groups", name, i)) for i, t in enumerate(members)]
        groups.append(np.array(ids, dtype=np.int64))
    m = synthetic_matrix(len(vocab), cfg.dim, cfg.seed, groups, cfg.group_strength)
    m.setflags(write=False)
    info = SourceInfo("synthetic", f"Synthetic vectors (seed {cfg.seed}): random, not learned",
                      False, {"seed": cfg.seed, "groups": {k: list(v) for k, v in cfg.groups.items()}})
    return EmbeddingTable(vocab, m, info)
