"""Verify a cached file before it is reused.

Every cache in the project (clips, captions, shaped text, trained vectors,
converted text vectors, synthesised audio) records what it promises about
each file it keeps -- its size and SHA-256 -- and checks both before serving
it. A file that was truncated (a full disk, a killed copy), has flipped bytes
(a sync tool, a bad sector) or was deleted is then rebuilt, never served.

Measured on this project's clips (``bench/bench_verify.py``): hashing reads
at ~1 GB/s, far cheaper than a decode probe, and a hash also catches flipped
bytes that a demux-only probe passes.

Standard library only: :mod:`embedcore` and :mod:`embedviz` both use it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


def digest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """``{"size": bytes, "sha256": hex}`` of the file at ``path``."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": h.hexdigest()}


def digest_bytes(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def problem(path: Path, record: object) -> str | None:
    """Why the file at ``path`` does not match ``record`` (None: it matches).

    The size is compared first (a truncated file costs one ``stat``), then the
    SHA-256. A record without both fields cannot be trusted either.
    """
    if not isinstance(record, dict) or not isinstance(record.get("size"), int) \
            or not isinstance(record.get("sha256"), str):
        return "its cache entry records no size and SHA-256"
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return "the file is missing"
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    if size != record["size"]:
        return f"it has {size:,} bytes, its cache entry says {record['size']:,}"
    try:
        actual = digest(path)["sha256"]
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    if actual != record["sha256"]:
        return "its content changed (SHA-256 differs from its cache entry)"
    return None


def part_path(path: Path) -> Path:
    """A temporary name beside ``path``, unique to this process."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.part")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to (by any means: a file, a zip, an encoder);
    renamed to ``path`` when the block ends, removed if it raises. Readers of ``path`` see the
    whole new file or the old one. The one way this project writes a file in place."""
    path = Path(path)
    tmp = part_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes, *, sync: bool = True) -> dict[str, Any]:
    """Write ``data`` to ``path`` via :func:`atomic_path` (flushed to disk first unless
    ``sync=False``, for caches that only cost time to rebuild); return its record."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
        if sync:
            f.flush()
            os.fsync(f.fileno())
    return digest_bytes(data)


def atomic_write_text(path: Path, text: str) -> dict[str, Any]:
    """UTF-8 ``text`` to ``path``, as :func:`atomic_write_bytes` writes bytes."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` via a per-process temporary and a rename: ``dst`` is
    the whole copy or what it was before. Nothing is left behind if the copy fails."""
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)


def _seal_of(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "sealed"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def write_entry(path: Path, entry: dict[str, Any]) -> None:
    """A JSON cache entry, sealed with the SHA-256 of its own content and written
    atomically. The entry is what makes a cached file count, so it is written
    after the file it describes."""
    sealed = {**entry, "sealed": _seal_of(entry)}
    atomic_write_bytes(path, json.dumps(sealed, indent=1, ensure_ascii=False).encode("utf-8"))


def read_entry(path: Path) -> dict[str, Any] | None:
    """A cache entry, or None if it is missing, not a JSON object, or its seal
    does not match its content (a flipped byte inside a caption stays JSON)."""
    try:
        entry = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("sealed") != _seal_of(entry):
        return None
    return entry


def entry_problem(path: Path) -> str:
    """Why :func:`read_entry` refused the entry at ``path``, for the one line a user sees."""
    try:
        entry = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "it has no cache entry"
    except (OSError, ValueError):
        return "its cache entry is damaged"
    if isinstance(entry, dict) and "sealed" not in entry:
        return "its cache entry has no checksum (written by an older version)"
    return "its cache entry is damaged"


class VerifiedFile:
    """One cached file and its JSON entry (``<file>.json``) that records its size
    and SHA-256 and any metadata: the helper other caches adopt.

    >>> vf = VerifiedFile(cache_dir / f"{key}.wav")
    >>> meta = vf.load(key)             # None: missing, damaged or another key
    >>> if meta is None:
    ...     render_to(vf.path); meta = vf.commit(key, {"seconds": 2.5})
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.entry_path = self.path.with_name(self.path.name + ".json")

    def load(self, key: str | None = None) -> dict[str, Any] | None:
        """The entry if the file is there and matches it (and ``key``), else None."""
        entry = read_entry(self.entry_path)
        if entry is None or (key is not None and entry.get("key") != key):
            return None
        self.why = problem(self.path, entry.get("file"))
        return None if self.why else entry

    def commit(self, key: str | None, meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """Record the file now at ``path`` (already complete) with ``meta``."""
        entry = {**(meta or {}), "key": key, "file": digest(self.path)}
        write_entry(self.entry_path, entry)
        return entry

    def store(self, key: str | None, data: bytes, meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """Write ``data`` atomically, then its entry."""
        atomic_write_bytes(self.path, data)
        return self.commit(key, meta)

    def read_bytes(self, key: str | None = None) -> bytes | None:
        """The file's bytes if they match the entry (one read: hash and serve
        the same bytes, so nothing can change between the check and the use)."""
        entry = read_entry(self.entry_path)
        if entry is None or (key is not None and entry.get("key") != key):
            return None
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        return data if digest_bytes(data) == entry.get("file") else None
