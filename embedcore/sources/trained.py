"""The ``trained`` embedding source: word2vec vectors learned from a corpus.

Kept apart from :mod:`embedcore.sources` (which only dispatches here) so the
trainer's table can carry its training history: :class:`TrainedTable` is an
:class:`~embedcore.sources.base.EmbeddingTable` whose ``matrix`` is the final input
vectors and whose ``training`` holds the per-epoch snapshots and losses that
the ``training`` segment draws.

The vocabulary is the corpus's own (words seen at least ``min_count`` times,
most frequent first). A lesson that also lists ``vocabulary`` is refused
rather than silently ignored or intersected: the ids on screen must be the
trainer's ids.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from embedcore.config import TrainedSource
from embedcore.errors import LessonError
from embedcore.sources.base import EmbeddingTable, SourceInfo, portable_path
from embedcore.training import CorpusError, TrainParams, TrainResult, train_cached
from embedcore.vocab import Vocabulary

#: the corpus used when a lesson names none (written for the project, CC0)
SHIPPED_CORPUS = Path(__file__).resolve().parents[2] / "configs" / "corpus" / "pets-and-vehicles.txt"


@dataclass(frozen=True)
class TrainedTable(EmbeddingTable):
    # defaults only because EmbeddingTable ends with a defaulted field; always set
    training: TrainResult | None = field(default=None, repr=False, compare=False)
    corpus_name: str = ""


def params_of(cfg: TrainedSource) -> TrainParams:
    return TrainParams(dim=cfg.dim, epochs=cfg.epochs, window=cfg.window, negatives=cfg.negatives, seed=cfg.seed,
                       min_count=cfg.min_count, learning_rate=cfg.learning_rate, batch_size=cfg.batch_size,
                       subsample=cfg.subsample)


def build_trained_table(cfg: TrainedSource, vocab: Vocabulary | None, base_dir: Path) -> TrainedTable:
    loc = ("embeddings",)
    if vocab is not None:
        raise LessonError("a trained source takes its vocabulary from the corpus", loc=("vocabulary",), key=True,
                          hint="remove 'vocabulary:'; words seen at least min_count times in the corpus form it")
    if cfg.corpus is None:
        path, cloc = SHIPPED_CORPUS, loc + ("source",)
    else:
        p = Path(cfg.corpus).expanduser()
        path, cloc = (p if p.is_absolute() else (base_dir / p).resolve()), loc + ("corpus",)
    if not path.is_file():
        raise LessonError(f"corpus file {cfg.corpus or str(path)!r} not found", loc=cloc,
                          hint=f"looked for {path}; paths are relative to the lesson file")
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LessonError(f"corpus {path.name!r} is not UTF-8 text (byte {e.start})", loc=cloc,
                          hint="save the corpus as UTF-8") from None
    params = params_of(cfg)
    try:
        result, hit = train_cached(data, params)
    except CorpusError as e:
        raise LessonError(f"cannot train on {path.name!r}: {e}", loc=cloc,
                          hint="use a longer corpus or a lower min_count") from None
    except FloatingPointError as e:
        raise LessonError(str(e), loc=loc + ("learning_rate",), hint="lower learning_rate") from None
    words = f"{result.n_tokens:,} tokens"
    label = (f"word2vec trained on {path.name} ({words}, {params.epochs} epoch"
             f"{'s' if params.epochs != 1 else ''}, seed {params.seed})")
    details = {
        "method": "word2vec skip-gram with negative sampling (embedcore.training)",
        "corpus": portable_path(path, base_dir),
        "corpus_bytes": len(data),
        "corpus_tokens": result.n_tokens,
        "vocabulary_size": len(result.vocab),
        "pairs_seen": result.n_pairs,
        "final_loss": float(result.losses[-1]),
        "train_seconds": round(result.seconds, 3),
        "cache_hit": hit,
        **asdict(params),
    }
    info = SourceInfo("trained", label, True, details)
    m = result.vectors
    m.setflags(write=False)
    return TrainedTable(Vocabulary.from_tokens(result.vocab, loc=loc), m, info,
                        training=result, corpus_name=path.name)
