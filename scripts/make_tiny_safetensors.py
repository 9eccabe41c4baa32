"""Write configs/data/tiny-model.safetensors, the file configs/safetensors.yaml loads.

It mimics the layout of a BERT checkpoint (several named tensors, the token
embedding matrix among them) at toy size, so the example shows how a tensor is
picked out of a real weights file. The numbers are seeded random values: made
up, and the lesson says so. Deterministic: running it again writes the same bytes.

    .venv/bin/python scripts/make_tiny_safetensors.py
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "configs" / "data" / "tiny-model.safetensors"
VOCAB = ["[PAD]", "[UNK]", "the", "a", "cat", "dog", "bat", "sat", "on", "mat", "ran", "car"]
D = 8


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """The format by hand: u64 little-endian header length, JSON header, raw data."""
    codes = {np.dtype("<f4"): "F32", np.dtype("<i8"): "I64"}
    header, blobs, offset = {"__metadata__": {"format": "np", "note": "made-up demo values"}}, [], 0
    for name, arr in tensors.items():
        b = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": codes[arr.dtype], "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, sort_keys=True).encode()
    h += b" " * (-len(h) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(len(h).to_bytes(8, "little") + h + b"".join(blobs))


def main() -> None:
    rng = np.random.default_rng(2024)
    tensors = {
        "bert.embeddings.position_ids": np.arange(16, dtype=np.int64)[None, :],
        "bert.embeddings.position_embeddings.weight": (rng.standard_normal((16, D)) * 0.1).astype(np.float32),
        "bert.embeddings.word_embeddings.weight": (rng.standard_normal((len(VOCAB), D)) * 0.5).astype(np.float32),
        "bert.embeddings.LayerNorm.weight": np.ones(D, np.float32),
    }
    write_safetensors(OUT, tensors)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes; vocabulary of {len(VOCAB)}: {' '.join(VOCAB)})")


if __name__ == "__main__":
    main()
