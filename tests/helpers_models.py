"""Tiny model files written by the tests: safetensors, tokenizer.json, vocab.txt, GloVe text."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_DT = {np.dtype("<f4"): "F32", np.dtype("<f2"): "F16", np.dtype("<f8"): "F64", np.dtype("<i8"): "I64"}

#: a WordPiece vocabulary small enough to read, big enough to split words
WORDPIECE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "cat", "dog", "bat", "sat", "on", "mat", ".", "a", "car",
    "em", "##bed", "##ding", "##s", "play", "##ing", "token",
]


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], *, raw_dtype: dict[str, str] | None = None,
                      metadata: dict | None = None) -> Path:
    """The safetensors format written by hand: u64 header length, JSON header, data."""
    header: dict = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        b = arr.tobytes()
        dtype = (raw_dtype or {}).get(name) or _DT[arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype]
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    path.write_bytes(len(h).to_bytes(8, "little") + h + b"".join(blobs))
    return path


def write_wordpiece(folder: Path, vocab: list[str] = WORDPIECE_VOCAB, *, json_file: bool = True,
                    vocab_file: bool = True) -> None:
    """tokenizer.json (built with the ``tokenizers`` library) and/or vocab.txt."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    folder.mkdir(parents=True, exist_ok=True)
    if vocab_file:
        (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    if json_file:
        tk = Tokenizer(models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
        tk.normalizer = normalizers.BertNormalizer(lowercase=True)
        tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tk.decoder = decoders.WordPiece()
        tk.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab.index("[CLS]")), ("[SEP]", vocab.index("[SEP]"))])
        tk.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        tk.enable_padding(length=32)          # like real tokenizer.json files: must be switched off
        tk.save(str(folder / "tokenizer.json"))


def embedding_matrix(V: int, d: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((V, d)).astype(np.float32)


def write_model_folder(folder: Path, *, tensor: str = "bert.embeddings.word_embeddings.weight", d: int = 6,
                       extra_rows: int = 0, json_file: bool = True, vocab_file: bool = True,
                       seed: int = 0) -> np.ndarray:
    """A Hugging Face-style folder: model.safetensors, tokenizer files, config.json."""
    write_wordpiece(folder, json_file=json_file, vocab_file=vocab_file)
    m = embedding_matrix(len(WORDPIECE_VOCAB) + extra_rows, d, seed)
    write_safetensors(folder / "model.safetensors", {
        "bert.embeddings.position_embeddings.weight": embedding_matrix(8, d, seed + 1),
        tensor: m,
        "bert.embeddings.LayerNorm.weight": np.ones(d, np.float32),
    }, metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "vocab_size": len(m), "hidden_size": d}))
    return m


def write_glove(path: Path, rows: dict[str, list[float]], *, header: bool = False) -> Path:
    lines = [f"{len(rows)} {len(next(iter(rows.values())))}"] if header else []
    lines += [tok + " " + " ".join(repr(float(x)) for x in v) for tok, v in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
