"""word2vec skip-gram with negative sampling, in vectorised numpy.

This is the learner behind the ``trained`` embedding source and the
``training`` segment: the vectors a lesson shows were *learned* from a corpus,
and the per-epoch snapshots let a viewer watch them being learned.

The model (Mikolov et al., 2013): every word w has an input vector v_w (the
embedding the lesson shows) and an output vector u_w. For each (centre,
context) pair within ``window`` words of each other in a sentence, and
``negatives`` noise words n drawn from the unigram distribution raised to the
power 3/4, the loss is

    −log σ(u_ctx · v_centre) − Σ_n log σ(−u_n · v_centre)

minimised by minibatched SGD whose learning rate falls linearly to
``lr·1e-4`` over the run. Frequent words are subsampled (word2vec's
``sample`` rule) and the window is shrunk at random per pair (word2vec's
dynamic window), both drawn from one seeded generator, so a seed gives
identical vectors on one machine.

Results are cached on disk (:func:`train_cached`), keyed by a hash of the
corpus bytes, every hyper-parameter and this file's source code, so a
re-render never retrains.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .integrity import VerifiedFile, atomic_path

#: a word: letters/digits, with inner apostrophes or hyphens ("don't", "x-ray")
WORD_RE = re.compile(r"\w+(?:['\u2019-]\w+)*")
#: sentence boundaries: context windows never cross them
SENTENCE_RE = re.compile(r"[.!?;:\n]+")

#: the most snapshot numbers kept in memory/cache (epochs+1)·V·d; beyond it
#: only the SNAPSHOT_TOP most frequent words keep their history
SNAPSHOT_BUDGET = 4_000_000
SNAPSHOT_TOP = 1000


@dataclass(frozen=True)
class TrainParams:
    dim: int = 16
    epochs: int = 20
    window: int = 2
    negatives: int = 5
    seed: int = 0
    min_count: int = 5
    learning_rate: float = 0.025
    batch_size: int = 256
    subsample: float = 1e-3
    lowercase: bool = True

    def __post_init__(self) -> None:
        if self.dim < 1 or self.epochs < 1 or self.window < 1 or self.negatives < 1 or self.min_count < 1:
            raise ValueError(f"invalid training parameters: {self}")
        if not (self.learning_rate > 0 and self.batch_size >= 1 and self.subsample >= 0):
            raise ValueError(f"invalid training parameters: {self}")


@dataclass(frozen=True)
class TrainResult:
    vocab: tuple[str, ...]          # by frequency (ties: alphabetical)
    counts: np.ndarray              # int64 [V]
    vectors: np.ndarray             # float64 [V, d]: final input vectors
    snapshot_ids: np.ndarray        # int64 [S]: rows whose history is kept (all of them if small)
    snapshots: np.ndarray           # float64 [E+1, S, d]: [0] is the random init, [e] after epoch e
    losses: np.ndarray              # float64 [E]: mean loss per pair during each epoch
    n_tokens: int                   # corpus tokens (before min_count and subsampling)
    n_pairs: int                    # (centre, context) pairs seen over all epochs
    params: TrainParams
    seconds: float                  # wall time of the training itself (not of a cache hit)

    def snapshot_row(self, token_id: int) -> int | None:
        """Index into ``snapshots[:, ·]`` of a vocabulary id, or None if not kept."""
        pos = int(np.searchsorted(self.snapshot_ids, token_id))
        if pos < len(self.snapshot_ids) and self.snapshot_ids[pos] == token_id:
            return pos
        return None

    def history(self, token_id: int) -> np.ndarray | None:
        """[E+1, d] snapshots of one word, or None if its history was not kept."""
        r = self.snapshot_row(token_id)
        return None if r is None else self.snapshots[:, r, :]


class CorpusError(ValueError):
    """The corpus cannot be trained on (empty, too few words over min_count)."""


# -- corpus ------------------------------------------------------------------

def tokenize(text: str, lowercase: bool = True) -> list[list[str]]:
    """Sentences of words. Punctuation other than inner ' and - is dropped."""
    if lowercase:
        text = text.lower()
    out = []
    for sent in SENTENCE_RE.split(text):
        words = WORD_RE.findall(sent)
        if words:
            out.append(words)
    return out


def build_vocab(sentences: list[list[str]], min_count: int) -> tuple[tuple[str, ...], np.ndarray]:
    counts = Counter(w for s in sentences for w in s)
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return tuple(kept), np.array([counts[w] for w in kept], dtype=np.int64)


def encode(sentences: list[list[str]], vocab: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of the in-vocabulary words and their sentence numbers (flat)."""
    index = {w: i for i, w in enumerate(vocab)}
    ids, sent = [], []
    for k, s in enumerate(sentences):
        row = [index[w] for w in s if w in index]
        ids.extend(row)
        sent.extend([k] * len(row))
    return np.asarray(ids, dtype=np.int64), np.asarray(sent, dtype=np.int64)


# -- training ----------------------------------------------------------------

def _epoch_pairs(ids: np.ndarray, sent: np.ndarray, keep_p: np.ndarray, window: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled (centre, context) pairs of one epoch, after subsampling."""
    keep = rng.random(len(ids)) < keep_p[ids]
    ids, sent = ids[keep], sent[keep]
    centres, contexts = [], []
    for off in range(1, window + 1):
        same = sent[:-off] == sent[off:]
        # dynamic window: offset o survives with probability (window − o + 1) / window
        if off > 1:
            same &= rng.random(len(same)) < (window - off + 1) / window
        a, b = ids[:-off][same], ids[off:][same]
        centres += [a, b]
        contexts += [b, a]
    c = np.concatenate(centres) if centres else np.empty(0, np.int64)
    o = np.concatenate(contexts) if contexts else np.empty(0, np.int64)
    perm = rng.permutation(len(c))
    return c[perm], o[perm]


def scatter_add(target: np.ndarray, rows: np.ndarray, values: np.ndarray, scale: float) -> None:
    """``target[rows[i]] += scale * values[i]`` with repeated rows summed (like ``np.add.at``).

    ``np.bincount`` over flattened (row, column) indices is 3-5x faster than
    ``np.add.at`` here; rows are first compacted with ``np.unique`` when the
    vocabulary is much larger than the batch, so a step costs O(batch), not O(V).
    """
    n, d = values.shape
    cols = np.arange(d)
    if target.shape[0] <= 4 * n:
        acc = np.bincount((rows[:, None] * d + cols).ravel(), weights=values.ravel(), minlength=target.size)
        target += scale * acc.reshape(target.shape)
    else:
        uniq, inv = np.unique(rows, return_inverse=True)
        acc = np.bincount((inv[:, None] * d + cols).ravel(), weights=values.ravel(), minlength=len(uniq) * d)
        target[uniq] += scale * acc.reshape(len(uniq), d)


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = -np.logaddexp(0.0, -x)
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def train(text: str, params: TrainParams = TrainParams(), *, snapshot_ids: np.ndarray | None = None) -> TrainResult:
    """Train skip-gram with negative sampling on ``text``; see the module docstring."""
    t0 = time.perf_counter()
    p = params
    sentences = tokenize(text, p.lowercase)
    n_tokens = sum(len(s) for s in sentences)
    if n_tokens == 0:
        raise CorpusError("the corpus has no words")
    vocab, counts = build_vocab(sentences, p.min_count)
    if len(vocab) < 2:
        raise CorpusError(f"only {len(vocab)} distinct word(s) occur at least min_count = {p.min_count} times")
    ids, sent = encode(sentences, vocab)
    V, d = len(vocab), p.dim

    rng = np.random.default_rng(p.seed)
    # Input vectors start as a random cloud; output vectors at zero (as word2vec).
    w_in = rng.standard_normal((V, d)) / np.sqrt(d)        # rows of length ≈ 1
    w_out = np.zeros((V, d))

    freq = counts / counts.sum()
    if p.subsample > 0:
        keep_p = np.minimum(1.0, (np.sqrt(freq / p.subsample) + 1.0) * p.subsample / freq)
    else:
        keep_p = np.ones(V)
    noise = counts.astype(np.float64) ** 0.75
    noise_cdf = np.cumsum(noise / noise.sum())
    noise_cdf[-1] = 1.0

    if snapshot_ids is None:
        if (p.epochs + 1) * V * d <= SNAPSHOT_BUDGET:
            snapshot_ids = np.arange(V)
        else:
            snapshot_ids = np.arange(min(V, SNAPSHOT_TOP))
    snapshot_ids = np.unique(np.asarray(snapshot_ids, dtype=np.int64))
    snaps = np.empty((p.epochs + 1, len(snapshot_ids), d))
    snaps[0] = w_in[snapshot_ids]

    # Expected pairs per epoch, for the linear learning-rate schedule.
    exp_tokens = float(keep_p[ids].sum())
    exp_pairs = max(1.0, 2 * exp_tokens * sum((p.window - o + 1) / p.window for o in range(1, p.window + 1)))
    total = exp_pairs * p.epochs
    seen = 0
    losses = np.empty(p.epochs)
    B, K = p.batch_size, p.negatives
    for epoch in range(p.epochs):
        centres, contexts = _epoch_pairs(ids, sent, keep_p, p.window, rng)
        n = len(centres)
        negs = np.searchsorted(noise_cdf, rng.random((n, K)))
        loss_sum = 0.0
        for s in range(0, n, B):
            c, o, ng = centres[s:s + B], contexts[s:s + B], negs[s:s + B]
            lr = p.learning_rate * max(1e-4, 1.0 - (seen + s) / total)
            v = w_in[c]                                  # [b, d]
            u_pos = w_out[o]                             # [b, d]
            u_neg = w_out[ng]                            # [b, K, d]
            s_pos = np.einsum("bd,bd->b", v, u_pos)
            s_neg = np.einsum("bkd,bd->bk", u_neg, v)
            loss_sum -= float(_log_sigmoid(s_pos).sum() + _log_sigmoid(-s_neg).sum())
            g_pos = _sigmoid(s_pos) - 1.0                # d loss / d s_pos
            g_neg = _sigmoid(s_neg)                      # d loss / d s_neg
            grad_v = g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg)
            scatter_add(w_in, c, grad_v, -lr)
            out_ids = np.concatenate([o, ng.ravel()])
            out_grad = np.concatenate([g_pos[:, None] * v, (g_neg[:, :, None] * v[:, None, :]).reshape(-1, d)])
            scatter_add(w_out, out_ids, out_grad, -lr)
        seen += n
        losses[epoch] = loss_sum / max(n, 1)
        snaps[epoch + 1] = w_in[snapshot_ids]
        if not np.isfinite(w_in).all():
            raise FloatingPointError(f"training diverged in epoch {epoch + 1}; lower learning_rate")

    return TrainResult(vocab=vocab, counts=counts, vectors=w_in, snapshot_ids=snapshot_ids, snapshots=snaps,
                       losses=losses, n_tokens=n_tokens, n_pairs=seen, params=p,
                       seconds=time.perf_counter() - t0)


# -- cache -------------------------------------------------------------------

def code_version() -> str:
    """Hash of this module's source: editing the trainer invalidates the cache."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def cache_dir() -> Path:
    """``$EMBEDVIZ_CACHE_DIR/trained``, else ``$XDG_CACHE_HOME/embedviz/trained``,
    else ``~/.cache/embedviz/trained``."""
    root = os.environ.get("EMBEDVIZ_CACHE_DIR")
    if root:
        return Path(root) / "trained"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "embedviz" / "trained"


def cache_key(corpus: bytes, params: TrainParams) -> str:
    h = hashlib.sha256()
    h.update(hashlib.sha256(corpus).digest())
    h.update(json.dumps(asdict(params), sort_keys=True).encode())
    h.update(code_version().encode())
    return h.hexdigest()[:32]


def _save(path: Path, r: TrainResult) -> None:
    """Write the result, then its entry (size and SHA-256: :mod:`embedcore.integrity`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"params": asdict(r.params), "n_tokens": r.n_tokens, "n_pairs": r.n_pairs, "seconds": r.seconds}
    with atomic_path(path) as tmp, open(tmp, "wb") as f:      # readers see a complete file or none
        np.savez(f, vocab=np.array(r.vocab, dtype=str), counts=r.counts, vectors=r.vectors,
                 snapshot_ids=r.snapshot_ids, snapshots=r.snapshots, losses=r.losses,
                 meta=np.array(json.dumps(meta)))
    VerifiedFile(path).commit(path.stem)


def _load(path: Path | io.BytesIO) -> TrainResult:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        return TrainResult(vocab=tuple(str(w) for w in z["vocab"]), counts=z["counts"], vectors=z["vectors"],
                           snapshot_ids=z["snapshot_ids"], snapshots=z["snapshots"], losses=z["losses"],
                           n_tokens=int(meta["n_tokens"]), n_pairs=int(meta["n_pairs"]),
                           params=TrainParams(**meta["params"]), seconds=float(meta["seconds"]))


def train_cached(corpus: bytes, params: TrainParams, *, cache: Path | None = None) -> tuple[TrainResult, bool]:
    """Trained result for ``corpus`` (UTF-8 bytes): from the cache if present.

    Returns ``(result, hit)``. A cache file that does not match its entry
    (size and SHA-256), or cannot be read, is ignored and rewritten.
    """
    path = (cache or cache_dir()) / f"{cache_key(corpus, params)}.npz"
    data = VerifiedFile(path).read_bytes(path.stem)
    if data is not None:
        try:
            return _load(io.BytesIO(data)), True
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass
    result = train(corpus.decode("utf-8"), params)
    try:
        _save(path, result)
    except OSError:
        pass                            # a read-only cache only costs a retrain next time
    return result, False
