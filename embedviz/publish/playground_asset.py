"""The playground's data: one content-addressed script, ``playground-<sha256[:12]>.js``, per source.

It holds the vocabulary, every row at 8 bits (an int8 per entry and a float32 scale per row,
base85 text: 1.25 characters per byte where base64 takes 1.33) and, for a model with a BERT
WordPiece tokenizer, that tokenizer (``templates/wordpiece.js`` with the character classes measured
from the Python library, ``templates/bert_tables.js``). The page loads it with ``<script src>``
(a ``fetch`` of a local file fails on ``file://``). It is written once at an output root (the
``--out`` folder, or a course's folder) and shared by every page there, which sits at
``<root>/<slug>/<quality>/index.html`` and loads it from two folders up; a one-lesson package holds
a copy of the page that loads it from beside itself (:func:`page_beside_asset`).

The largest cosine error of the 8-bit rows is measured here over 100,000 random pairs, decoding as
the page decodes, and printed on the page. Rows past the 16 MB budget are left out (the first
ones kept); a tokenizer the page cannot reproduce is :class:`Unreproducible`.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedcore.integrity import atomic_write_bytes
from embedcore.special import examples, special_ids
from embedcore.wording import count

if TYPE_CHECKING:
    from embedcore.sources import EmbeddingTable
    from embedcore.subwords import SubwordTokenizer

BUDGET = 16_000_000          # bytes the asset may add (issue 21: "for MiniLM, at most 16 MB")
PAIRS = 100_000              # random pairs the cosine error bound is measured over
SEED = 21
CHUNK = 4096                 # rows read at a time
ASSET = re.compile(r"playground-[0-9a-f]{12}\.js")
B85 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"


class Unreproducible(Exception):
    """The source's tokenizer is not one the page's ``wordpiece.js`` reproduces exactly."""


# ----------------------------------------------------------------------------- tokenizer


def tokenizer_spec(tok: SubwordTokenizer) -> dict:
    """What ``wordpiece.js`` needs to split text exactly as ``tok`` does; :class:`Unreproducible` if it cannot."""
    cfg = json.loads(tok.tk.to_str())
    model, norm, pre = cfg.get("model") or {}, cfg.get("normalizer") or {}, cfg.get("pre_tokenizer") or {}
    where = Path(tok.file).name
    if model.get("type") != "WordPiece":
        raise Unreproducible(f"its tokenizer ({where}) is {model.get('type') or 'of an unknown kind'}, "
                             "and the page reproduces only BERT's WordPiece")
    if norm.get("type") != "BertNormalizer":
        raise Unreproducible(f"its tokenizer ({where}) normalises text with "
                             f"{norm.get('type') or 'nothing'}, not BERT's normaliser")
    if pre.get("type") != "BertPreTokenizer":
        raise Unreproducible(f"its tokenizer ({where}) splits words with {pre.get('type') or 'nothing'}, "
                             "not BERT's pre-tokenizer")
    added = []
    for a in cfg.get("added_tokens") or []:
        if a.get("normalized") or a.get("lstrip") or a.get("rstrip") or a.get("single_word"):
            raise Unreproducible(f"its tokenizer ({where}) has an added token {a.get('content')!r} matched with "
                                 "options the page does not reproduce")
        added.append({"content": a["content"], "id": int(a["id"]), "special": bool(a.get("special"))})
    spec = {"unk": model.get("unk_token") or "[UNK]", "prefix": model.get("continuing_subword_prefix") or "",
            "maxChars": int(model.get("max_input_chars_per_word") or 100),
            "lowercase": bool(norm.get("lowercase")), "stripAccents": norm.get("strip_accents"),
            "cleanText": bool(norm.get("clean_text")), "chinese": bool(norm.get("handle_chinese_chars")),
            "added": added, "addSpecial": bool(tok.special_tokens), "cls": None, "sep": None}
    if tok.special_tokens:
        enc = tok.tk.encode("", add_special_tokens=True)
        if len(enc.ids) == 2:
            spec["cls"] = {"text": enc.tokens[0], "id": enc.ids[0]}
            spec["sep"] = {"text": enc.tokens[1], "id": enc.ids[1]}
        elif enc.ids:
            raise Unreproducible(f"its tokenizer ({where}) adds special tokens in a pattern the page does not "
                                 "reproduce")
    return spec


# ----------------------------------------------------------------------------- what fits, and the data


def _rows_kept(table: EmbeddingTable, vocab_bytes: int) -> int:
    """How many rows (the first ones) fit the budget beside the vocabulary."""
    per_row = table.d * 5 / 4 + 5          # base85 of d int8s and a float32 scale
    return int(max(0, min(table.V, (BUDGET - vocab_bytes - 200_000) // per_row)))


@dataclass(frozen=True)
class Plan:
    tokenizer: dict | None          # wordpiece.js's spec, None: whitespace tokens
    rows: int                       # rows stored: ids 0 .. rows - 1
    note: str | None                # the warning when rows are cut


def _vocab_json(table: EmbeddingTable, n: int) -> str:
    return json.dumps(list(table.vocab.tokens[:n]), ensure_ascii=True, separators=(",", ":"))


def plan(table: EmbeddingTable) -> Plan:
    """The tokenizer's spec (or :class:`Unreproducible`), and how many rows fit the budget."""
    spec = tokenizer_spec(table.tokenizer) if table.tokenizer is not None else None
    vocab_bytes = len(_vocab_json(table, table.V))
    rows = _rows_kept(table, vocab_bytes)
    if rows < 1:
        raise Unreproducible(f"its vocabulary alone ({vocab_bytes / 1e6:.1f} MB) passes the page's "
                             f"{BUDGET / 1e6:.0f} MB budget")
    note = None
    if rows < table.V:
        last = table.vocab.tokens[rows - 1] if rows else ""
        note = (f"playground cut to the budget of {BUDGET / 1e6:.0f} MB: it holds the rows of the first "
                f"{rows:,} of {table.V:,} tokens (ids 0-{rows - 1:,}, up to {last!r}) and the lesson's own; "
                "other tokens show no row")
    return Plan(spec, rows, note)


def b85encode(data: bytes) -> str:
    """``base64.b85encode(data, pad=True)``, vectorised (the pure-Python one takes seconds on 12 MB)."""
    pad = (-len(data)) % 4
    words = np.frombuffer(data + b"\0" * pad, dtype=">u4").astype(np.uint64)
    digits = np.empty((words.size, 5), dtype=np.uint8)
    for k in range(4, -1, -1):
        digits[:, k] = words % 85
        words //= 85
    return np.frombuffer(B85, dtype=np.uint8)[digits].tobytes().decode("ascii")


@dataclass(frozen=True)
class Quantised:
    q: np.ndarray                   # int8 [n, d]
    scale: np.ndarray               # float32 [n]; NaN marks a row with non-finite entries (never ranked)

    def cosines(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """What the page computes: the scale cancels, cosines come from the int8s (float64 sums)."""
        x, y = self.q[a].astype(np.float64), self.q[b].astype(np.float64)
        return np.einsum("ij,ij->i", x, y) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))

    def rows(self, ids: np.ndarray) -> np.ndarray:
        return self.q[ids].astype(np.float64) * self.scale[ids].astype(np.float64)[:, None]


def stored_rows(matrix, n: int) -> np.ndarray:
    """Rows 0..n-1 as float64, read in chunks; the budget keeps n·d under about 13 million entries."""
    out = np.empty((n, matrix.shape[1]), dtype=np.float64)
    for s in range(0, n, CHUNK):
        out[s:s + CHUNK] = np.asarray(matrix[s:min(n, s + CHUNK)], dtype=np.float64)
    return out


def quantise(rows: np.ndarray) -> Quantised:
    """Each row as int8 with a float32 scale (largest |entry| → 127); a non-finite row gets scale NaN."""
    bad = ~np.isfinite(rows).all(axis=1)
    rows = np.where(bad[:, None], 0.0, rows)
    scale = (np.abs(rows).max(axis=1) / 127.0).astype(np.float32) if rows.size else np.zeros(len(rows), np.float32)
    safe = np.where(scale > 0, scale, 1).astype(np.float64)
    q = np.clip(np.rint(rows / safe[:, None]), -127, 127).astype(np.int8)
    scale[bad] = np.nan
    return Quantised(q, scale)


def error_bound(rows: np.ndarray, qz: Quantised, pairs: int = PAIRS, seed: int = SEED) -> tuple[float, float]:
    """Largest |cosine error| and |distance error| over ``pairs`` random pairs of distinct, valid rows,
    the page's decoding against the float64 rows."""
    valid = np.flatnonzero(np.isfinite(qz.scale) & (qz.scale > 0))
    if valid.size < 2:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    a = valid[rng.integers(0, valid.size, pairs)]
    b = valid[rng.integers(0, valid.size, pairs)]
    keep = a != b
    a, b = a[keep], b[keep]
    worst_cos = worst_dist = 0.0
    for s in range(0, a.size, 20_000):
        ia, ib = a[s:s + 20_000], b[s:s + 20_000]
        xa, xb = rows[ia], rows[ib]
        exact = np.einsum("ij,ij->i", xa, xb) / (np.linalg.norm(xa, axis=1) * np.linalg.norm(xb, axis=1))
        worst_cos = max(worst_cos, float(np.abs(qz.cosines(ia, ib) - exact).max()))
        dq = np.linalg.norm(qz.rows(ia) - qz.rows(ib), axis=1)
        worst_dist = max(worst_dist, float(np.abs(dq - np.linalg.norm(xa - xb, axis=1)).max()))
    return worst_cos, worst_dist


def _ceil(x: float, digits: int = 4) -> float:
    """A bound stated upwards: 0.00303 → 0.0031."""
    f = 10 ** digits
    return float(np.ceil(x * f - 1e-9) / f)


@cache
def template(name: str) -> str:
    """A file of ``embedviz/publish/templates/`` (package data): the playground's script and style."""
    return (files("embedviz.publish") / "templates" / name).read_text(encoding="utf-8")


_last: list = []                # [table, text, facts] of the last asset built (≈ 15 MB kept, one at a time)


def asset(table: EmbeddingTable) -> tuple[str, dict]:
    """The asset's text and its facts (precision, bound, size, rows), built once per table per process."""
    if _last and _last[0] is table:
        return _last[1], _last[2]
    kept = plan(table)
    rows = stored_rows(table.matrix, kept.rows)
    qz = quantise(rows)
    cos_err, dist_err = error_bound(rows, qz)
    del rows
    specials = [int(i) for i in special_ids(table)]
    facts = {"V": table.V, "d": table.d, "rows": kept.rows, "bits": 8, "pairs": PAIRS,
             "cosineError": _ceil(cos_err), "distanceError": _ceil(dist_err),
             "measuredCosineError": cos_err, "source": table.source.label}
    data = {**facts, "vocab": "@VOCAB@", "scales": b85encode(qz.scale.astype("<f4").tobytes()),
            "q": b85encode(qz.q.tobytes()), "tokenizer": kept.tokenizer, "special": specials,
            "specialNote": f"{count(len(specials), 'special token')} left out ({examples(table, np.array(specials))})"
            if specials else ""}
    body = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    body = body.replace('"@VOCAB@"', _vocab_json(table, table.V if kept.tokenizer else kept.rows))
    code = (template("bert_tables.js") + template("wordpiece.js")) if kept.tokenizer else template("wordpiece.js")
    text = (code + "(function (root) { root.EmbedvizPlaygroundData = " + body
            + "; })(typeof window !== 'undefined' ? window : globalThis);\n")
    facts["bytes"] = len(text.encode("utf-8"))
    facts["name"] = f"playground-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.js"
    _last[:] = [table, text, facts]
    return text, facts


def source_key(table: EmbeddingTable) -> str:
    """What the asset is made from: this code, the tokenizer, the vocabulary and the stored rows' bytes
    (hashing 47 MB costs a tenth of the 8 s the asset takes to build)."""
    kept = plan(table)
    h = hashlib.sha256()
    for part in (Path(__file__).read_bytes(), template("bert_tables.js").encode(), template("wordpiece.js").encode(),
                 json.dumps(kept.tokenizer, sort_keys=True).encode(), _vocab_json(table, table.V).encode()):
        h.update(hashlib.sha256(part).digest())
    for s in range(0, kept.rows, CHUNK):
        h.update(np.ascontiguousarray(table.matrix[s:min(kept.rows, s + CHUNK)]).tobytes())
    return h.hexdigest()


def write_asset(root: Path, table: EmbeddingTable) -> dict:
    """``root/playground-<hash>.js``, written once (its name is its content); its facts.

    ``root/.playground-<key>.json`` remembers the facts of the asset made from this source, so a
    render that finds its asset there does not build it again."""
    root = Path(root)
    memo = root / f".playground-{source_key(table)[:24]}.json"
    try:
        facts = json.loads(memo.read_text(encoding="utf-8"))
        target = root / facts["name"]
        if target.is_file() and target.stat().st_size == facts["bytes"]:
            return facts
    except (OSError, ValueError, KeyError, TypeError):
        pass
    text, facts = asset(table)
    target = root / facts["name"]
    root.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.stat().st_size != facts["bytes"]:
        atomic_write_bytes(target, text.encode("utf-8"))
    atomic_write_bytes(memo, json.dumps(facts).encode("utf-8"))
    return facts


SRC = re.compile(r'"src": "(?:\.\./)*(playground-[0-9a-f]{12}\.js)"')


def page_beside_asset(page: str) -> str:
    """A lesson page whose playground loads its asset from beside it: the copy in a one-lesson package,
    where the page is at the root with the asset (on disk it sits two folders below the output root)."""
    return SRC.sub(r'"src": "\1"', page, count=1)


def asset_of(out_dir: Path) -> str | None:
    """The asset a lesson folder's page loads (for packages), from its ``index.html``."""
    page = Path(out_dir) / "index.html"
    if not page.is_file():
        return None
    m = ASSET.search(page.read_text(encoding="utf-8"))
    return m.group(0) if m else None
