"""Where the vectors come from: synthetic, inline or a memory-mapped ``.npy``.

Every source yields an :class:`EmbeddingTable`: the vocabulary, a [V, d]
array-like (possibly a ``np.memmap`` that is never read whole), and a
:class:`SourceInfo` that the screen shows so no lesson passes off made-up
numbers as learned ones.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embedcore.config import (
    HuggingFaceSource,
    InlineSource,
    MiniLMSource,
    NpySource,
    SafetensorsSource,
    SyntheticSource,
    TextSource,
    TrainedSource,
)
from embedcore.errors import LessonError, did_you_mean
from embedcore.rowread import read_rows
from embedcore.vocab import Vocabulary

if TYPE_CHECKING:
    from embedcore.config import EmbeddingsConfig
    from embedcore.subwords import SubwordTokenizer


@dataclass(frozen=True)
class SourceInfo:
    kind: str                   # the `source:` name: synthetic | inline | npy | trained | safetensors | ...
    label: str                  # one short line for the screen
    learned: bool | None        # True learned, False made up, None unknown
    details: dict[str, Any] = field(default_factory=dict)   # shown by `inspect` (seed, path, dtype, ...)


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def portable_path(path: str | Path, base_dir: str | Path) -> str:
    """How published files (manifest.json, inspect) name an input file: never by an absolute path.

    Relative to the lesson file's folder, with ``/`` separators, as a lesson would write it; a
    file shipped with embedviz outside that folder from the project root
    (``embedviz:configs/corpus/x.txt``); a file on another drive (no relative path) by its name.
    """
    p = Path(os.path.abspath(path))
    try:
        rel = Path(os.path.relpath(p, os.path.abspath(base_dir))).as_posix()
    except ValueError:
        return p.name
    if rel.startswith("../") and p.is_relative_to(PROJECT_ROOT / "configs"):
        return "embedviz:" + p.relative_to(PROJECT_ROOT).as_posix()
    return rel


@dataclass(frozen=True)
class EmbeddingTable:
    vocab: Vocabulary
    matrix: np.ndarray          # [V, d]; may be a read-only memmap
    source: SourceInfo
    #: a :class:`~embedcore.subwords.SubwordTokenizer` when the vectors come
    #: from a model: the lesson's text is then split as the model splits it
    tokenizer: SubwordTokenizer | None = field(default=None, repr=False, compare=False)

    @property
    def V(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def d(self) -> int:
        return int(self.matrix.shape[1])

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` as float64 ([n, d]): O(n·d), reads only those rows.

        A memory-mapped file is read with positioned reads of just those rows
        (:mod:`embedcore.rowread`), so a [1,000,000 × 256] file costs about the
        same per lookup as a small one. Non-finite entries are refused here,
        where a row is first read.
        """
        ids = np.asarray(ids, dtype=np.int64)
        out = np.asarray(read_rows(self.matrix, ids), dtype=np.float64)
        bad = ~np.isfinite(out).all(axis=1)
        if bad.any():
            i = int(ids[np.flatnonzero(bad)[0]])
            tok = self.vocab.tokens[i]
            raise LessonError(
                f"row {i} ({tok!r}) of the embeddings contains NaN or infinite entries",
                loc=("embeddings",),
                hint="every entry must be a finite number; fix the source",
            )
        with np.errstate(over="ignore"):
            sq = np.einsum("ij,ij->i", out, out)
        huge = ~np.isfinite(sq)
        if huge.any():
            k = int(np.flatnonzero(huge)[0])
            i = int(ids[k])
            raise LessonError(
                f"row {i} ({self.vocab.tokens[i]!r}) has entries so large (up to {np.abs(out[k]).max():.3g}) "
                "that its length overflows", loc=("embeddings",),
                hint="scale the vectors down: every entry well below 1e150")
        return out


def synthetic_matrix(V: int, d: int, seed: int, groups: list[np.ndarray], strength: float) -> np.ndarray:
    """Seeded random rows; each group's rows share one random direction.

    Rows are ~unit length with norms spread over [0.6, 1.4] so that cosine and
    distance visibly disagree; a group member is ``strength·g + noise`` for a
    unit group direction g, giving within-group cosines near s²/(s²+1).
    """
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((V, d)) / np.sqrt(d)
    for members in groups:
        g = rng.standard_normal(d)
        g /= np.linalg.norm(g)
        m[members] += strength * g
        m[members] /= np.linalg.norm(m[members], axis=1, keepdims=True)
    m *= rng.uniform(0.6, 1.4, size=(V, 1))
    return m


def build_table(cfg: EmbeddingsConfig, vocab: Vocabulary | None, base_dir: Path) -> EmbeddingTable:
    loc = ("embeddings",)
    if isinstance(cfg, SyntheticSource):
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

    if isinstance(cfg, InlineSource):
        return _inline_table(cfg, vocab, loc)

    if isinstance(cfg, NpySource):
        return _npy_table(cfg, vocab, base_dir, loc)
    if isinstance(cfg, TrainedSource):
        from embedcore.sources.trained import build_trained_table  # imports this module
        return build_trained_table(cfg, vocab, base_dir)
    if isinstance(cfg, (SafetensorsSource, HuggingFaceSource, MiniLMSource)):
        from embedcore.sources import hf as sources_hf  # tokenizers is imported only for these sources
        if isinstance(cfg, SafetensorsSource):
            return sources_hf.safetensors_table(cfg, vocab, base_dir)
        if isinstance(cfg, HuggingFaceSource):
            return sources_hf.huggingface_table(cfg, vocab, base_dir)
        return sources_hf.minilm_table(cfg, vocab, base_dir)
    if isinstance(cfg, TextSource):
        from embedcore.sources.text import text_table
        return text_table(cfg, vocab, base_dir)
    raise AssertionError(cfg)


def _inline_table(cfg: InlineSource, vocab: Vocabulary | None, loc: tuple) -> EmbeddingTable:
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


def _npy_table(cfg: NpySource, vocab: Vocabulary | None, base_dir: Path, loc: tuple) -> EmbeddingTable:
    ploc = loc + ("path",)
    path = (base_dir / cfg.path).resolve() if not Path(cfg.path).is_absolute() else Path(cfg.path)
    if not path.is_file():
        raise LessonError(f"file {cfg.path!r} not found", loc=ploc, hint=f"looked for {path}; paths are relative to the lesson file")
    try:
        m = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise LessonError(f"{cfg.path!r} is not a readable .npy array ({str(e).splitlines()[0][:80]})", loc=ploc,
                          hint="save it with numpy.save(path, matrix) as a float array of shape [V, d]") from None
    if not isinstance(m, np.ndarray) or m.ndim != 2:
        shape = getattr(m, "shape", "?")
        raise LessonError(f"{cfg.path!r} has shape {shape}, expected [V, d]", loc=ploc,
                          hint="save a 2-D matrix: one row per vocabulary token")
    if m.dtype.kind not in "fiu":
        raise LessonError(f"{cfg.path!r} holds {m.dtype}, not numbers", loc=ploc, hint="save a float32 or float64 matrix")
    if m.shape[1] == 0:
        raise LessonError(f"{cfg.path!r} has d = 0", loc=ploc, hint="each row needs at least one entry")
    if vocab is None:
        raise LessonError("an .npy source needs a vocabulary to name its rows", loc=("vocabulary",),
                          hint="add 'vocabulary: {file: vocab.txt}' with one token per row")
    if m.shape[0] != len(vocab):
        raise LessonError(f"{cfg.path!r} has {m.shape[0]} rows but the vocabulary has {len(vocab)} tokens", loc=ploc,
                          hint="the file must have one row per vocabulary token, in order")
    name = cfg.name or f"vectors loaded from {Path(cfg.path).name}"
    label = f"{name} ({m.shape[0]:,} × {m.shape[1]})" if cfg.name else f"Vectors loaded from {Path(cfg.path).name}"
    info = SourceInfo("npy", label, None, {"path": portable_path(path, base_dir), "dtype": str(m.dtype)})
    return EmbeddingTable(vocab, m, info)
