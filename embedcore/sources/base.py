"""What every source of vectors yields: an :class:`EmbeddingTable` with its :class:`SourceInfo`.

The vocabulary, a [V, d] array-like (possibly a ``np.memmap`` that is never read whole), and a
:class:`SourceInfo` that the screen shows so no lesson passes off made-up numbers as learned ones.
Kept apart from the dispatch in :mod:`embedcore.sources` so each source module imports only this.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from embedcore.errors import LessonError
from embedcore.rowread import Rows, read_rows
from embedcore.vocab import Vocabulary

if TYPE_CHECKING:
    from embedcore.subwords import SubwordTokenizer

#: the project root (this file is embedcore/sources/base.py): shipped files are named from here
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SourceInfo:
    kind: str                   # the `source:` name: synthetic | inline | npy | trained | safetensors | ...
    label: str                  # one short line for the screen
    learned: bool | None        # True learned, False made up, None unknown
    details: dict[str, Any] = field(default_factory=dict)   # shown by `inspect` (seed, path, dtype, ...)



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
    matrix: Rows                # [V, d]: an ndarray, a read-only memmap, or a view read by rows
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

    def rows(self, ids: ArrayLike) -> np.ndarray:
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
