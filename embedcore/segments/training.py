"""Segment ``training``: watch word2vec learn, epoch by epoch.

The chosen tokens start where the trainer initialised them (a random cloud)
and move through the trainer's real per-epoch snapshots to their final
vectors. Beside them: the epoch, the epoch's mean loss and the cosine of
chosen pairs, computed from the full d-dimensional snapshot vectors.

The 2D view is one fixed linear map for every epoch, so any motion on screen
is learning, never a moving camera: PCA about the origin (truncated SVD of
the uncentred matrix) fitted on the chosen tokens' *final* vectors; the share
of their squared length it keeps is shown on screen. The scene may
interpolate linearly between two consecutive real snapshots for smooth
motion; since the map is linear, that is the projection of the straight line
between the two real d-dimensional snapshots. It never interpolates toward
the final answer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from ..config import SegmentBase, Token, split_tokens, word_offsets
from ..errors import LessonError
from ..placeholders import Context, Missing, Placeholder, Value
from ..similarity import cosine
from ..sources.trained import TrainedTable
from ..storyboard import Storyboard, fmt
from ..wording import count
from .common import base_fields

if TYPE_CHECKING:
    from ..lesson import Lesson
    from ..vocab import Vocabulary

TYPE = "training"
SCENE = "scenes.training:TrainingScene"
ORDER = 110               # place in the README table and the schema
MAX_TOKENS = 8          # more dots and labels than this stop being legible
MAX_PAIRS = 3


class Options(SegmentBase):
    """A word2vec model learning live: real per-epoch snapshots, loss and cosines (needs `source: trained`)."""

    type: Literal["training"]
    pairs: list[tuple[Token, Token]] | None = Field(
        default=None, max_length=MAX_PAIRS, description="token pairs whose cosine is shown live")
    seconds: float = Field(default=10.0, ge=3, le=60, description="how long the epochs take on screen")


@dataclass(frozen=True)
class PairTrace:
    a: str
    b: str
    cosines: tuple[float, ...]          # [E+1]: cos(a, b) of the full-d snapshot after each epoch (0 = init)
    cells: tuple[str, ...]              # the same, formatted


@dataclass(frozen=True)
class TrainingStoryboard(Storyboard):
    corpus_name: str
    corpus_tokens: int
    vocab_size: int
    dim: int
    epochs: int
    seed: int
    tokens: tuple[str, ...]

    def shown_tokens(self) -> tuple[str, ...]:
        return self.tokens

    token_ids: tuple[int, ...]
    snapshots: tuple[tuple[tuple[float, ...], ...], ...]   # [E+1][n][d]: the trainer's real snapshots
    points: tuple[tuple[tuple[float, float], ...], ...]    # [E+1][n]: their fixed 2D projection
    epoch_cells: tuple[str, ...]        # [E+1]: "start: random vectors", "after epoch 1 of 20", ...
    losses: tuple[float | None, ...]    # [E+1]: mean loss during epoch e (None for the init)
    loss_cells: tuple[str, ...]
    loss_max: float                     # top of the loss chart's axis
    loss_max_cell: str
    epoch_axis: tuple[str, str, str]    # the loss chart's x axis: first tick, last tick, title ("0", "20", "epoch")
    pairs: tuple[PairTrace, ...]
    variance_kept: float
    projection_note: str
    motion_seconds: float


def pca_basis(x: np.ndarray, k: int = 2) -> tuple[np.ndarray, float]:
    """[k, d] orthonormal rows spanning the best k-plane through the origin, and the
    fraction of Σ‖xᵢ‖² it keeps. Each axis points so that the row with the largest
    absolute coordinate on it is positive (a re-render never mirrors the view)."""
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    basis = np.zeros((k, x.shape[1]))
    m = min(k, vt.shape[0])
    basis[:m] = vt[:m]
    coords = x @ basis.T
    for j in range(m):
        i = int(np.argmax(np.abs(coords[:, j])))
        if coords[i, j] < 0:
            basis[j] = -basis[j]
    total = float((s ** 2).sum())
    kept = float((s[:m] ** 2).sum()) / total if total > 0 else 1.0
    return basis, min(kept, 1.0)


def _trained(lesson: Lesson, index: int) -> TrainedTable:
    table = lesson.table
    if not isinstance(table, TrainedTable):
        raise LessonError(
            f"a training segment needs vectors trained by the lesson, but its embeddings are "
            f"'{table.source.kind}'", loc=("segments", index, "type"),
            hint="set 'embeddings: {source: trained}' (optionally with corpus:), or remove this segment")
    return table


def _choose_tokens(lesson: Lesson, options: Options, index: int, vocab: Vocabulary) -> tuple[list[str], list[tuple[str, str]]]:
    seg = ("segments", index)
    if options.tokens is not None:
        words = split_tokens(options.tokens)
        offsets = word_offsets(options.tokens) if isinstance(options.tokens, str) else None
        for i, w in enumerate(words):
            if offsets is not None:
                vocab.id_of(w, loc=seg + ("tokens",), offset=offsets[i])
            else:
                vocab.id_of(w, loc=seg + ("tokens", i))
    else:
        words = list(lesson.sequence.tokens)
    chosen = list(dict.fromkeys(words))
    pairs: list[tuple[str, str]] = []
    if options.pairs is not None:
        for i, (a, b) in enumerate(options.pairs):
            for j, t in enumerate((a, b)):
                vocab.id_of(t, loc=seg + ("pairs", i, j))
                if t not in chosen:
                    chosen.append(t)
            if a == b:
                raise LessonError(f"pair {i + 1} compares {a!r} with itself", loc=seg + ("pairs", i),
                                  hint="pick two different tokens")
            pairs.append((a, b))
    else:
        pairs = [(chosen[0], t) for t in chosen[1:3]]
    if len(chosen) < 2:
        raise LessonError("a training segment needs at least two tokens to show",
                          loc=seg + (("tokens",) if options.tokens is not None else ()),
                          hint="list them with 'tokens: [cat, dog, bat]'")
    if len(chosen) > MAX_TOKENS:
        where = seg + ("tokens",) if options.tokens is not None else ("tokens",)
        raise LessonError(f"a training segment shows at most {MAX_TOKENS} tokens, this one has {len(chosen)}",
                          loc=where, hint="choose fewer with 'tokens:' (pair tokens are added to them)")
    return chosen, pairs


def build(lesson: Lesson, options: Options, index: int) -> TrainingStoryboard:
    table = _trained(lesson, index)
    tr = table.training
    assert tr is not None               # build_trained_table always sets it
    vocab = table.vocab
    dec = lesson.style.decimals
    chosen, pairs = _choose_tokens(lesson, options, index, vocab)
    ids = [vocab.index[t] for t in chosen]
    rows = []
    for t, i in zip(chosen, ids):
        r = tr.snapshot_row(i)
        if r is None:
            raise LessonError(f"the training history of {t!r} was not kept", loc=("segments", index, "tokens"),
                              hint="for large vocabularies only the most frequent words keep per-epoch snapshots; "
                                   "choose a more frequent word")
        rows.append(r)
    snaps = np.asarray(tr.snapshots[:, rows, :], dtype=np.float64)     # [E+1, n, d]
    E = snaps.shape[0] - 1
    basis, kept = pca_basis(snaps[-1])
    pts = snaps @ basis.T                                               # [E+1, n, 2]

    traces = []
    for a, b in pairs:
        ia, ib = chosen.index(a), chosen.index(b)
        cs = tuple(cosine(snaps[e, ia], snaps[e, ib]) for e in range(E + 1))
        traces.append(PairTrace(a, b, cs, tuple(fmt(c, dec) for c in cs)))

    losses: list[float | None] = [None] + [float(x) for x in tr.losses]
    loss_max = float(np.ceil(max(tr.losses) * 2) / 2)       # a round top for the axis: next 0.5
    p = tr.params
    pct = f"{kept * 100:.0f}%" if kept < 0.995 else "all"
    note = (f"2D view: one fixed projection (PCA) of the {p.dim}-d vectors, the same for every epoch; "
            f"it keeps {pct} of the final vectors' variance.")
    moved = "; ".join(f"cos({t.a}, {t.b}) went from {t.cells[0]} to {t.cells[-1]}" for t in traces)
    narration = [
        "Training starts from random vectors: positions and cosines are noise.",
        "Each epoch nudges every word towards the words next to it in the corpus, and away from random words.",
        f"After {count(E, 'epoch')}: {moved}." if traces else f"After {count(E, 'epoch')}, the words have moved.",
    ]
    return TrainingStoryboard(
        **base_fields(lesson, options, index, default_title="Embeddings are learned", default_narration=narration),
        corpus_name=table.corpus_name,
        corpus_tokens=tr.n_tokens,
        vocab_size=len(vocab),
        dim=p.dim,
        epochs=E,
        seed=p.seed,
        tokens=tuple(chosen),
        token_ids=tuple(ids),
        snapshots=tuple(tuple(tuple(float(x) for x in v) for v in ep) for ep in snaps),
        points=tuple(tuple((float(x), float(y)) for x, y in ep) for ep in pts),
        epoch_cells=tuple(["start: random vectors"] + [f"after epoch {e} of {E}" for e in range(1, E + 1)]),
        losses=tuple(losses),
        loss_cells=tuple(["not trained yet"] + [fmt(x, 3) for x in tr.losses]),
        loss_max=loss_max,
        loss_max_cell=fmt(loss_max, 1),
        epoch_axis=("0", f"{E:,}", "epoch"),
        pairs=tuple(traces),
        variance_kept=kept,
        projection_note=note,
        motion_seconds=float(options.seconds),
    )


def _first_pair(read: Callable[[PairTrace], Value]) -> Callable[[Context], Value]:
    def value(c: Context) -> Value:
        pairs: tuple[PairTrace, ...] = c.board.pairs
        if not pairs:
            return Missing("the segment shows no pair", "list one with 'pairs: [[cat, dog]]'")
        return read(pairs[0])
    return value


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("epochs", "passes over the corpus (`{epochs epoch}`: `20 epochs`)", lambda c: c.board.epochs),
    Placeholder("corpus_tokens", "words in the training corpus", lambda c: c.board.corpus_tokens),
    Placeholder("pair", "the first pair whose cosine is shown (`cat and dog`)", _first_pair(lambda p: f"{p.a} and {p.b}")),
    Placeholder("start_cos", "{pair}'s cosine before training", _first_pair(lambda p: p.cells[0])),
    Placeholder("end_cos", "{pair}'s cosine after the last epoch", _first_pair(lambda p: p.cells[-1])),
    Placeholder("loss", "the last epoch's mean loss, as the chart shows it", lambda c: c.board.loss_cells[-1]),
)
