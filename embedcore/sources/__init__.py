"""Where the vectors come from: one module per ``source:`` kind, and :func:`build_table` to pick one.

Every source yields an :class:`~embedcore.sources.base.EmbeddingTable`: the vocabulary, a [V, d]
array-like (possibly a ``np.memmap`` that is never read whole), and a :class:`SourceInfo` that the
screen shows so no lesson passes off made-up numbers as learned ones. The source modules import
:mod:`embedcore.sources.base`, never this package, so there is no import cycle; ``tokenizers`` is
the only dependency loaded lazily (by :mod:`embedcore.subwords`).
"""
from __future__ import annotations

from pathlib import Path

from embedcore.config import (
    EmbeddingsConfig,
    HuggingFaceSource,
    InlineSource,
    MiniLMSource,
    NpySource,
    SafetensorsSource,
    SyntheticSource,
    TextSource,
    TrainedSource,
)
from embedcore.sources.base import PROJECT_ROOT, EmbeddingTable, SourceInfo, portable_path
from embedcore.sources.hf import huggingface_table, minilm_table, safetensors_table
from embedcore.sources.inline import inline_table
from embedcore.sources.npy import npy_table
from embedcore.sources.synthetic import synthetic_matrix, synthetic_table
from embedcore.sources.text import text_table
from embedcore.sources.trained import TrainedTable, build_trained_table
from embedcore.vocab import Vocabulary

__all__ = ["PROJECT_ROOT", "EmbeddingTable", "SourceInfo", "TrainedTable", "build_table", "portable_path",
           "synthetic_matrix"]


def build_table(cfg: EmbeddingsConfig, vocab: Vocabulary | None, base_dir: Path) -> EmbeddingTable:
    """The table of the lesson's ``embeddings:`` source (its module checks it, with file:line:col errors)."""
    if isinstance(cfg, SyntheticSource):
        return synthetic_table(cfg, vocab)
    if isinstance(cfg, InlineSource):
        return inline_table(cfg, vocab, ("embeddings",))
    if isinstance(cfg, NpySource):
        return npy_table(cfg, vocab, base_dir, ("embeddings",))
    if isinstance(cfg, TrainedSource):
        return build_trained_table(cfg, vocab, base_dir)
    if isinstance(cfg, SafetensorsSource):
        return safetensors_table(cfg, vocab, base_dir)
    if isinstance(cfg, HuggingFaceSource):
        return huggingface_table(cfg, vocab, base_dir)
    if isinstance(cfg, MiniLMSource):
        return minilm_table(cfg, vocab, base_dir)
    if isinstance(cfg, TextSource):
        return text_table(cfg, vocab, base_dir)
    raise AssertionError(cfg)
