"""The ``npy`` source: a memory-mapped ``.npy`` matrix whose rows the lesson's vocabulary names."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from embedcore.config import NpySource
from embedcore.errors import LessonError, Loc
from embedcore.sources.base import EmbeddingTable, SourceInfo, portable_path
from embedcore.vocab import Vocabulary


def npy_table(cfg: NpySource, vocab: Vocabulary | None, base_dir: Path, loc: Loc) -> EmbeddingTable:
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
