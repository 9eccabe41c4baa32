"""The ``inline`` source: vectors written in the lesson file, as a list or as {token: vector}."""
from __future__ import annotations

import numpy as np

from embedcore.config import InlineSource
from embedcore.errors import LessonError, Loc, did_you_mean
from embedcore.sources.base import EmbeddingTable, SourceInfo
from embedcore.vocab import Vocabulary


def inline_table(cfg: InlineSource, vocab: Vocabulary | None, loc: Loc) -> EmbeddingTable:
    vloc = loc + ("vectors",)
    if isinstance(cfg.vectors, dict):
        keys = list(cfg.vectors)
        if vocab is None:
            vocab = Vocabulary.from_tokens(keys, loc=vloc)
        for k in keys:
            if k not in vocab:
                raise LessonError(f"{k!r} has a vector but is not in the vocabulary", loc=vloc + (k,), key=True,
                                  hint=did_you_mean(k, vocab.tokens) or "add it to the vocabulary or remove it")
        missing = [t for t in vocab.tokens if t not in cfg.vectors]
        if missing:
            raise LessonError(f"no vector for {missing[0]!r}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""),
                              loc=vloc, hint="give every vocabulary token a vector")
        rows = [(vloc + (t,), cfg.vectors[t]) for t in vocab.tokens]
    else:
        if vocab is None:
            raise LessonError("a list of vectors needs a vocabulary to name its rows", loc=vloc,
                              hint="add 'vocabulary:' or write the vectors as {token: [...]}")
        if len(cfg.vectors) != len(vocab):
            raise LessonError(f"{len(cfg.vectors)} vectors for a vocabulary of {len(vocab)}", loc=vloc,
                              hint="give one vector per vocabulary token, in order")
        rows = [(vloc + (i,), v) for i, v in enumerate(cfg.vectors)]
    d = len(rows[0][1])
    if d == 0:
        raise LessonError("a vector is empty", loc=rows[0][0], hint="give each vector at least one number")
    for rloc, v in rows:
        if len(v) != d:
            raise LessonError(f"vector has length {len(v)}, expected {d} like the first one", loc=rloc,
                              hint="all vectors must have the same length d")
        for j, x in enumerate(v):
            if not np.isfinite(x):
                raise LessonError(f"entry {j} is {x}", loc=rloc + (j,), hint="use finite numbers")
    m = np.array([v for _, v in rows], dtype=np.float64)
    m.setflags(write=False)
    info = SourceInfo("inline", "Hand-written vectors from the lesson file: illustrative, not learned", False)
    return EmbeddingTable(vocab, m, info)
