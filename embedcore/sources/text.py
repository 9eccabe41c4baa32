"""GloVe / word2vec text vectors: one token and its numbers per line.

A large text file (400,000 × 300 is ~1 GB) takes tens of seconds to parse, so
it is parsed once, streamed in chunks, into a cache: a ``.npy`` matrix that is
then memory-mapped (a lookup reads only the rows it needs) and a vocabulary
file, one token per line. The cache is keyed by the source file's size, its
modification time and a hash of its first and last 64 KiB, so editing the file
makes a new cache and re-rendering an unchanged lesson never re-parses it.
The cache's entry records the size and SHA-256 of both files and is checked
before each use: a damaged cache is converted again, never served.

Format accepted (what GloVe and word2vec's ``-binary 0`` write):

* an optional word2vec header line ``V d`` (two integers);
* then one row per line: ``token x1 x2 ... xd``, separated by single spaces;
  trailing whitespace and blank lines are ignored;
* a token may itself hold spaces (glove.840B has a few such lines) as long as
  the part after its first space is not a number;
* a token listed twice keeps its first row (the repeat is counted, not used).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from embedcore.errors import LessonError
from embedcore.integrity import atomic_path, digest, problem, read_entry, write_entry
from embedcore.sources.base import EmbeddingTable, SourceInfo, portable_path
from embedcore.vocab import Vocabulary

if TYPE_CHECKING:
    from embedcore.config import TextSource

CHUNK_LINES = 8192
HEADER_BYTES = 128          # room reserved at the start of the .npy for its header
CACHE_VERSION = 2           # 2: the entry records each file's size and SHA-256


def default_cache_dir() -> Path:
    env = os.environ.get("EMBEDVIZ_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "embedviz"


def fingerprint(path: Path) -> str:
    """Cache key of a source file: size, mtime and its first and last 64 KiB."""
    st = path.stat()
    h = hashlib.sha256(f"v{CACHE_VERSION}:{st.st_size}:{st.st_mtime_ns}:".encode())
    with path.open("rb") as f:
        h.update(f.read(65536))
        if st.st_size > 131072:
            f.seek(-65536, os.SEEK_END)
            h.update(f.read(65536))
    return h.hexdigest()[:20]


def _npy_header(V: int, d: int) -> bytes:
    """A version-1.0 ``.npy`` header for float32 [V, d], padded to HEADER_BYTES."""
    text = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (V, d)
    body_len = HEADER_BYTES - 10
    text = text.ljust(body_len - 1) + "\n"
    assert len(text) == body_len
    return b"\x93NUMPY\x01\x00" + body_len.to_bytes(2, "little") + text.encode("latin1")


class _Converter:
    """Streams a text file into ``rows.npy`` + ``vocab.txt`` (temporary files)."""

    def __init__(self, src: Path, display: str, npy_out: BinaryIO, vocab_out: BinaryIO) -> None:
        self.src, self.display = src, display
        self.npy_out, self.vocab_out = npy_out, vocab_out
        self.d: int | None = None
        self.header: tuple[int, int] | None = None
        self.seen: set[str] = set()
        self.V = 0
        self.duplicates = 0
        self.lines = 0
        self.pending: list[tuple[int, str]] = []   # (line number, line text)

    def error(self, lineno: int, msg: str, hint: str, col: int = 1) -> LessonError:
        return LessonError(msg, file=self.display, line=lineno, col=col, hint=hint)

    def feed(self, lineno: int, raw: bytes) -> None:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise self.error(lineno, f"not UTF-8 text ({e.reason})", "save the vectors file as UTF-8",
                             col=e.start + 1) from None
        line = line.rstrip()
        if not line:
            return
        if self.d is None and self.header is None and self.V == 0 and not self.pending:
            parts = line.split()
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                self.header = (int(parts[0]), int(parts[1]))
                if self.header[1] == 0:
                    raise self.error(lineno, "the header says d = 0", "each row needs at least one number")
                self.d = self.header[1]
                return
        self.pending.append((lineno, line))
        if len(self.pending) >= CHUNK_LINES:
            self.flush()

    def _split_line(self, lineno: int, line: str) -> tuple[str, str]:
        """Token and its values (as one string), allowing spaces in the token."""
        tok, _, rest = line.partition(" ")
        if self.d is None:
            self.d = rest.count(" ") + 1 if rest else 0
            if self.d == 0:
                raise self.error(lineno, f"line has a token {tok!r} but no numbers",
                                 "each line is: token x1 x2 ... xd")
        d = self.d
        n = rest.count(" ") + 1 if rest else 0
        if n == d:
            return tok, rest
        parts = line.split(" ")
        if n > d and not _is_number(parts[1]):
            return " ".join(parts[:-d]), " ".join(parts[-d:])
        raise self.error(lineno, f"line has {n} value{'s' if n != 1 else ''} after the token, expected {d} "
                         "like the first row", "every row needs the same number of values; "
                         "is the file truncated or are values separated by more than one space?")

    def flush(self) -> None:
        if not self.pending:
            return
        tokens: list[str] = []
        values: list[str] = []
        lines = self.pending
        self.pending = []
        for lineno, line in lines:
            tok, vals = self._split_line(lineno, line)
            tokens.append(tok)
            values.append(vals)
        try:
            block = np.loadtxt(values, dtype=np.float32, delimiter=" ", comments=None, ndmin=2)
        except ValueError:
            block = self._parse_slowly(lines, values)
        keep = np.ones(len(tokens), dtype=bool)
        out_tokens = []
        for i, tok in enumerate(tokens):
            if tok in self.seen:
                keep[i] = False
                self.duplicates += 1
            else:
                self.seen.add(tok)
                out_tokens.append(tok)
        if not keep.all():
            block = block[keep]
        self.npy_out.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
        self.vocab_out.write("".join(t + "\n" for t in out_tokens).encode("utf-8"))
        self.V += len(out_tokens)
        self.lines += len(lines)

    def _parse_slowly(self, lines: list[tuple[int, str]], values: list[str]) -> np.ndarray:
        """Find the first unreadable number for a precise error."""
        for (lineno, line), vals in zip(lines, values):
            for j, v in enumerate(vals.split(" ")):
                try:
                    float(v)
                except ValueError:
                    col = _column_of_value(line, j, self.d)
                    raise self.error(lineno, f"{v!r} is not a number", "each value must be a decimal number",
                                     col=col) from None
        raise self.error(lines[0][0], "could not read the numbers in this block", "check the file's format")

    def finish(self) -> None:
        self.flush()
        if self.V == 0:
            raise LessonError(f"{self.display!r} holds no vectors", file=self.display,
                              hint="each line is: token x1 x2 ... xd")
        if self.header is not None:
            hv, hd = self.header
            total = self.V + self.duplicates
            if hv != total:
                raise LessonError(f"the header says {hv:,} rows but the file has {total:,}", file=self.display,
                                  line=1, col=1, hint="the file may be truncated; download it again or fix the header")


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _column_of_value(line: str, j: int, d: int | None) -> int:
    parts = line.split(" ")
    start = len(parts) - (d or 0)
    col = 1
    for p in parts[: start + j]:
        col += len(p) + 1
    return col


def convert_text(src: Path, cache_dir: Path, display: str) -> tuple[Path, Path, dict[str, Any]]:
    """Parse ``src`` into the cache (if not there yet); return (npy, vocab, meta)."""
    key = fingerprint(src)
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in src.stem)[:60]
    base = cache_dir / f"{stem}-{key}"
    npy, vocab, meta_path = base.with_suffix(".npy"), base.with_suffix(".vocab.txt"), base.with_suffix(".json")
    meta = read_entry(meta_path)
    if meta is not None and meta.get("version") == CACHE_VERSION and isinstance(meta.get("files"), dict) \
            and not problem(npy, meta["files"].get("npy")) and not problem(vocab, meta["files"].get("vocab")):
        return npy, vocab, meta
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LessonError(f"cannot create the vectors cache folder {str(cache_dir)!r} ({e.strerror})",
                          loc=("embeddings", "cache_dir"),
                          hint="set 'cache_dir:' or EMBEDVIZ_CACHE_DIR to a writable folder") from None
    with atomic_path(npy) as tmp_npy, atomic_path(vocab) as tmp_vocab:
        with open(tmp_npy, "wb") as fn, open(tmp_vocab, "wb") as fv, src.open("rb") as f:
            fn.write(b"\0" * HEADER_BYTES)
            conv = _Converter(src, display, fn, fv)
            for lineno, raw in enumerate(f, start=1):
                conv.feed(lineno, raw)
            conv.finish()
            fn.seek(0)
            assert conv.d is not None       # finish() refused a file without rows
            fn.write(_npy_header(conv.V, conv.d))
        meta = {"version": CACHE_VERSION, "source": str(src), "key": key, "V": conv.V, "d": conv.d,
                "duplicates_skipped": conv.duplicates, "word2vec_header": conv.header is not None,
                "files": {"npy": digest(tmp_npy), "vocab": digest(tmp_vocab)}}
    write_entry(meta_path, meta)          # written last: marks the cache complete
    return npy, vocab, meta


def load_text_vectors(src: Path, cache_dir: Path, display: str) -> tuple[Vocabulary, np.ndarray, dict[str, Any]]:
    """Vocabulary and a read-only memory-mapped float32 [V, d] matrix for ``src``."""
    npy, vocab_path, meta = convert_text(src, cache_dir, display)
    m = np.load(npy, mmap_mode="r", allow_pickle=False)
    tokens = vocab_path.read_bytes().decode("utf-8").split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    if len(tokens) != m.shape[0]:   # a damaged cache: rebuild it once
        for p in (npy, vocab_path, npy.with_suffix(".json")):
            p.unlink(missing_ok=True)
        return load_text_vectors(src, cache_dir, display)
    vocab = Vocabulary(tuple(tokens), {t: i for i, t in enumerate(tokens)})
    return vocab, m, meta


def text_table(cfg: TextSource, vocab: Vocabulary | None, base_dir: Path) -> EmbeddingTable:
    """Build the :class:`~embedcore.sources.base.EmbeddingTable` of a ``text`` source."""
    ploc = ("embeddings", "path")
    if vocab is not None:
        raise LessonError("a text vectors file names its own rows, so the lesson must not list a vocabulary",
                          loc=("vocabulary",), key=True, hint="remove 'vocabulary:'")
    path = Path(cfg.path) if Path(cfg.path).is_absolute() else (base_dir / cfg.path).resolve()
    if not path.is_file():
        raise LessonError(f"file {cfg.path!r} not found", loc=ploc,
                          hint=f"looked for {path}; paths are relative to the lesson file")
    if cfg.cache_dir:
        cache = Path(cfg.cache_dir) if Path(cfg.cache_dir).is_absolute() else (base_dir / cfg.cache_dir)
    else:
        cache = default_cache_dir() / "text-vectors"
    vocab, m, meta = load_text_vectors(path, cache, str(path))
    V, d = m.shape
    fname = Path(cfg.path).name
    name = cfg.name or f"Vectors loaded from {fname}"
    label = f"{name} ({V:,} × {d})"
    if cfg.learned is False and "not learned" not in label.lower():
        label += ": made up, not learned"
    info = SourceInfo("text", label, cfg.learned,
                      {"path": portable_path(path, base_dir), "dtype": "float32", "cache": meta.get("key"),
                       "duplicates_skipped": meta.get("duplicates_skipped", 0)})
    return EmbeddingTable(vocab, m, info)
