"""The page's tokenizer (templates/wordpiece.js, run under node) gives exactly the Python tokenizer's ids.

MiniLM's tokenizer.json through ``tokenizers`` against the same file through wordpiece.js, on a seeded
corpus of 12,000 strings (vocabulary words, accents in NFC/NFD/NFKC, Greek final sigma, Turkish İ, CJK,
Hangul, emoji and ZWJ sequences, punctuation, control and format characters, private use, words over
100 characters, [UNK]-makers, added tokens typed in the text) plus every code point of Unicode in a
word. node is required (``make setup`` installs it): without it these tests fail, they do not skip.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from embedcore.subwords import load_tokenizer
from embedviz.publish import bert_tables
from embedviz.publish.playground_asset import Unreproducible, tokenizer_spec
from tests.helpers_models import write_wordpiece

TEMPLATES = Path(bert_tables.__file__).with_name("templates")
CORPUS_SIZE = 12_000

RUNNER = """
const fs = require('fs');
require(process.argv[2]);
const wp = require(process.argv[3]);
const job = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
const tk = wp.makeTokenizer(job.spec);
const out = job.corpus.map(s => tk.encode(s, job.addSpecial));
fs.writeFileSync(process.argv[5], JSON.stringify(out));
"""


def node() -> str:
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("node is not installed, so the page's tokenizer cannot be checked against Python's: "
                    "run 'make setup' (or: apt-get install nodejs)")
    return exe


def js_ids(tmp: Path, spec: dict, corpus: list[str], add_special: bool = False) -> list[list[int]]:
    job, result, runner = tmp / "job.json", tmp / "ids.json", tmp / "run.js"
    runner.write_text(RUNNER)
    job.write_text(json.dumps({"spec": spec, "corpus": corpus, "addSpecial": add_special}, ensure_ascii=True))
    subprocess.run([node(), str(runner), str(TEMPLATES / "bert_tables.js"), str(TEMPLATES / "wordpiece.js"),
                    str(job), str(result)], check=True, timeout=300)
    return json.loads(result.read_text())


def minilm_tokenizer(special_tokens: bool = False):
    from embedcore.sources.hf import minilm_folder

    return load_tokenizer(minilm_folder() / "tokenizer.json", special_tokens=special_tokens, loc=())


def spec_of(tok) -> dict:
    return {**tokenizer_spec(tok), "vocab": tok.vocabulary()}


BLOCKS = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
          (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF),
          (0x2100, 0x214F), (0x2190, 0x21FF), (0x2E80, 0x2FFF), (0x3000, 0x30FF), (0x3400, 0x4DBF),
          (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xE0FF), (0xF900, 0xFAFF), (0xFE00, 0xFE6F),
          (0xFF00, 0xFFEF), (0xFFF0, 0xFFFF), (0x10000, 0x1007F), (0x1D100, 0x1D1FF), (0x1F300, 0x1FAFF),
          (0x20000, 0x2A6DF), (0xE0000, 0xE007F), (0x0, 0x1F), (0x7F, 0x9F), (0x10FFF0, 0x10FFFF)]
WORDS = ["café", "naïve", "Ελληνικά", "ΣΊΣΥΦΟΣ", "İstanbul", "straße", "Ǆemal", "ﬁne", "Ångström", "résumé",
         "Ωmega", "ǅ", "ᾼ", "crème brûlée", "Zürich", "ﬀ"]
ADDED = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "[cls]", "[MASK", "MASK]", "[[MASK]]", "a[SEP]b"]
PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¿¡«»“”—–…·•€£¥©®™°±×÷"
SEPARATORS = [" ", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2003", "", "\u200b", "\r\n", "\x85"]
HARD = ["", " ", "hello world", "embeddings", "a" * 100, "a" * 101, "é" * 100, "é" * 101, "x" + "\u0301" * 150,
        "🤗", "👩‍👩‍👧", "🇫🇷", "e\u0301", "ﬀ", "İ", "ΣΑΣ", "ς", "\x00a\x00", "\ufffd", "a\u00adb", "日本語テキスト",
        "中文字符", "한국어", "Ǆ", "\U0001F970", "x\ue000y", "\U000e0041", "a" * 99 + "!", "##", "##ing",
        "the cat sat on the mat", "Token embeddings: lookup!", "1,000,000.50", "don't", "U.S.A.", "e-mail",
        "(\u3000)", "qwxzv", "zzzzzzzzzzzzzzzzqqqq", "[MASK][MASK]", "[CLS] hello [SEP]", "\u0130STANBUL"]


def corpus(n: int = CORPUS_SIZE, seed: int = 21, vocab: list[str] = ()) -> list[str]:
    """Seeded strings over the hard cases of BERT's normaliser and WordPiece."""
    rng = random.Random(seed)

    def char() -> str:
        a, b = rng.choice(BLOCKS)
        while True:
            cp = rng.randint(a, b)
            if not 0xD800 <= cp <= 0xDFFF:
                return chr(cp)

    def word() -> str:
        k = rng.random()
        if k < 0.4 and vocab:
            w = rng.choice(vocab).replace("##", "")
        elif k < 0.6:
            w = "".join(char() for _ in range(rng.randint(1, 8)))
        elif k < 0.7 and vocab:
            w = rng.choice(vocab).replace("##", "") * rng.randint(10, 40)     # many past 100 characters
        elif k < 0.8:
            w = unicodedata.normalize(rng.choice(["NFC", "NFD", "NFKC", "NFKD"]), rng.choice(WORDS))
        elif k < 0.9:
            w = rng.choice(ADDED)
        else:
            w = "".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            w = w.upper() if rng.random() < 0.5 else w.title()
        return w

    out = list(HARD)
    while len(out) < n:
        out.append("".join(word() + rng.choice(SEPARATORS) for _ in range(rng.randint(1, 8))))
    return out


def every_code_point() -> list[str]:
    """Each code point (surrogates aside) inside a word and on its own, 1,000 to a string; the planes
    with nothing assigned (3-13) sampled every 97th."""
    cps = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and (not 0x32400 <= cp < 0xE0000 or cp % 97 == 0)]
    return [" ".join(f"a{chr(c)}e{chr(c)}" for c in cps[i:i + 1000]) for i in range(0, len(cps), 1000)]


def assert_same(texts: list[str], want: list[list[int]], got: list[list[int]]) -> int:
    bad = [(t, w, g) for t, w, g in zip(texts, want, got) if w != g]
    assert not bad, f"{len(bad)} of {len(texts)} strings differ; first: {bad[0][0]!r}: python {bad[0][1]} js {bad[0][2]}"
    return len(texts)


@pytest.mark.unit
def test_minilm_ids_equal_python_on_the_corpus(tmp_path):
    tok = minilm_tokenizer()
    spec = spec_of(tok)
    texts = corpus(vocab=spec["vocab"])
    assert len(texts) >= 10_000
    want = [e.ids for e in tok.tk.encode_batch(texts, add_special_tokens=False)]
    assert sum(100 in ids for ids in want) > 500            # the corpus does reach [UNK]
    assert any(len(t) > 100 and ids == [100] for t, ids in zip(texts, want))
    same = assert_same(texts, want, js_ids(tmp_path, spec, texts))
    print(f"wordpiece.js = tokenizers on {same:,} strings")


@pytest.mark.render          # not Manim, but ~25 CPU-s: with the slower layer in `make test`, not `make check`
def test_minilm_ids_equal_python_for_every_code_point(tmp_path):
    tok = minilm_tokenizer()
    texts = every_code_point()
    want = [e.ids for e in tok.tk.encode_batch(texts, add_special_tokens=False)]
    assert_same(texts, want, js_ids(tmp_path, spec_of(tok), texts))


@pytest.mark.unit
def test_special_tokens_added_as_the_model_adds_them(tmp_path):
    tok = minilm_tokenizer(special_tokens=True)
    texts = corpus(500, seed=5, vocab=tok.vocabulary())
    want = [e.ids for e in tok.tk.encode_batch(texts, add_special_tokens=True)]
    assert all(ids[0] == 101 and ids[-1] == 102 for ids in want)
    assert_same(texts, want, js_ids(tmp_path, spec_of(tok), texts, add_special=True))


@pytest.mark.unit
def test_a_cased_vocab_txt_keeps_case_and_accents(tmp_path):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "The", "the", "Café", "café", "cafe", "Cat", "cat",
             "##s", "##é", "e", "é", "İ", "i", "Σ", "σ", "ς", ".", "!"]
    write_wordpiece(tmp_path / "m", vocab, json_file=False)
    tok = load_tokenizer(tmp_path / "m" / "vocab.txt", special_tokens=False, loc=())
    spec = spec_of(tok)
    assert spec["lowercase"] is False
    texts = ["The Café cats!", "the cafe", "cafe\u0301", "İ i Σ σ ς", "CAT Cats", *corpus(2000, seed=9, vocab=vocab)]
    want = [e.ids for e in tok.tk.encode_batch(texts, add_special_tokens=False)]
    assert want[0] == [5, 7, 11, 12, 22]          # case and accents kept: The Café cat ##s !
    assert_same(texts, want, js_ids(tmp_path, spec, texts))


@pytest.mark.unit
def test_a_bpe_tokenizer_is_named_as_unreproducible(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers

    tk = Tokenizer(models.BPE({"a": 0, "b": 1, "ab": 2, "<unk>": 3}, [("a", "b")], unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    tk.save(str(tmp_path / "tokenizer.json"))
    tok = load_tokenizer(tmp_path / "tokenizer.json", special_tokens=False, loc=())
    with pytest.raises(Unreproducible, match=r"tokenizer \(tokenizer.json\) is BPE"):
        tokenizer_spec(tok)


@pytest.mark.render          # not Manim, but ~25 CPU-s (1.1 million code points through the library)
def test_shipped_character_classes_are_the_librarys(tmp_path):
    """bert_tables.js is what ``tokenizers`` does today, and the browser's NFD decomposes as Rust's does."""
    tables = bert_tables.derive()
    assert (TEMPLATES / "bert_tables.js").read_text(encoding="utf-8") == bert_tables.tables_js(tables), \
        "templates/bert_tables.js is stale: run python -m embedviz.publish.bert_tables"
    from tokenizers import normalizers

    rng = random.Random(3)
    marks = [chr(int(cp)) for cp in tables["ccc"]]
    bases = ["a", "e", "ệ", "ǖ", "한", "Å", "ᾼ", "ཱི", "𝅘𝅥"]
    strings = ["".join(rng.choice(bases) + "".join(rng.choice(marks) for _ in range(rng.randint(0, 4)))
                       for _ in range(3)) for _ in range(5000)]
    nfd = normalizers.NFD()
    (tmp_path / "nfd.json").write_text(json.dumps({"map": tables["nfd"], "strings": strings,
                                                   "want": [nfd.normalize_str(t) for t in strings]}))
    script = ("const job = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')), m = job.map;"
              "let bad = []; require(process.argv[2]); const wp = require(process.argv[3]);"
              "for (let cp = 0; cp < 0x110000; cp++) { if (cp >= 0xD800 && cp <= 0xDFFF) continue;"
              " const c = String.fromCodePoint(cp), want = m[cp] === undefined ? c : m[cp];"
              " if (wp.nfd(c) !== want) bad.push(cp); }"
              "job.strings.forEach((t, i) => { if (wp.nfd(t) !== job.want[i]) bad.push(t); });"
              "console.log(JSON.stringify(bad.slice(0, 20)), bad.length);")
    out = subprocess.run([node(), "-e", script, str(tmp_path / "nfd.json"), str(TEMPLATES / "bert_tables.js"),
                          str(TEMPLATES / "wordpiece.js")], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out[-1] == "0", f"the page's NFD differs from the Rust library's at {out[0]}"
