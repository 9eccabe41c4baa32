"""Every kind of bad input: one line, file:line:col, the fix, exit code 2."""
from __future__ import annotations

import re

import numpy as np
import pytest

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson

from .conftest import run_cli

pytestmark = pytest.mark.unit

HEAD = """lesson: {title: T, slug: t}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
"""

# (name, yaml text, expected line, expected col, substrings of the message)
CASES = [
    ("yaml syntax", HEAD + 'tokens: "the cat\nsegments: [{type: lookup}]\n', 4, 9, ["YAML error", "quoted scalar"]),
    ("bad indentation", HEAD + "tokens: the cat\nsegments:\n  - type: lookup\n   narration: x\n", 7, None, ["YAML error"]),
    ("python tag", HEAD + "tokens: !!python/object/apply:os.system ['echo hi']\nsegments: [{type: lookup}]\n",
     4, 9, ["tag", "not allowed"]),
    ("unknown top key", HEAD + "tokns: the cat\ntokens: the cat\nsegments: [{type: lookup}]\n", 4, 1,
     ["unknown key 'tokns'", "did you mean 'tokens'?"]),
    ("unknown segment key", HEAD + "tokens: the cat\nsegments:\n  - type: lookup\n    narrtion: hi\n", 7, 5,
     ["segments[0]", "unknown key 'narrtion'", "did you mean 'narration'?"]),
    ("unknown segment type", HEAD + "tokens: the cat\nsegments:\n  - type: lokup\n", 6, 11,
     ["segments[0].type", "unknown type 'lokup'", "did you mean 'lookup'?"]),
    ("unknown source", "lesson: {title: T}\nvocabulary: [a]\nembeddings: {source: synthtic, dim: 4}\n"
     "tokens: a\nsegments: [{type: lookup}]\n", 3, 22, ["unknown source 'synthtic'", "did you mean 'synthetic'?"]),
    ("wrong type", "lesson: {title: T}\nvocabulary: [a]\nembeddings: {source: synthetic, dim: four}\n"
     "tokens: a\nsegments: [{type: lookup}]\n", 3, 38, ["embeddings.dim", "expected a whole number"]),
    ("missing key", "lesson: {title: T}\nvocabulary: [a]\nembeddings: {source: synthetic, dim: 4}\n"
     "segments: [{type: lookup}]\n", 1, 1, ["missing required key 'tokens'"]),
    ("token not in vocab (string)", HEAD + "tokens: the dgo sat\nsegments: [{type: lookup}]\n", 4, 13,
     ["tokens", "'dgo' is not in the vocabulary", "did you mean 'dog'?"]),
    ("token not in vocab (quoted)", HEAD + 'tokens: "the dgo sat"\nsegments: [{type: lookup}]\n', 4, 14,
     ["'dgo' is not in the vocabulary"]),
    ("token not in vocab (list)", HEAD + "tokens: [the, cta]\nsegments: [{type: lookup}]\n", 4, 15,
     ["tokens[1]", "'cta' is not in the vocabulary", "did you mean 'cat'?"]),
    ("segment token not in vocab", HEAD + "tokens: the cat\nsegments:\n  - type: lookup\n    tokens: [the, mta]\n",
     7, 19, ["segments[0].tokens[1]", "'mta'", "did you mean 'mat'?"]),
    ("duplicate vocab", "lesson: {title: T}\nvocabulary: [a, b, a]\nembeddings: {source: synthetic, dim: 4}\n"
     "tokens: a\nsegments: [{type: lookup}]\n", 2, 20, ["vocabulary[2]", "duplicate vocabulary entry 'a'"]),
    ("duplicate yaml key", HEAD + "tokens: the\ntokens: cat\nsegments: [{type: lookup}]\n", 5, 1,
     ["duplicate key 'tokens'"]),
    ("empty sequence", HEAD + "tokens: ''\nsegments: [{type: lookup}]\n", 4, 9, ["token sequence is empty"]),
    ("empty segments", HEAD + "tokens: the\nsegments: []\n", 5, 11, ["segments", "at least 1"]),
    ("inline wrong length", "lesson: {title: T}\nembeddings:\n  source: inline\n  vectors:\n    a: [1, 2]\n"
     "    b: [1, 2, 3]\ntokens: a b\nsegments: [{type: lookup}]\n", 6, 8,
     ["embeddings.vectors.b", "length 3, expected 2"]),
    ("inline nan", "lesson: {title: T}\nembeddings:\n  source: inline\n  vectors:\n    a: [1, .nan]\n"
     "    b: [1, 2]\ntokens: a b\nsegments: [{type: lookup}]\n", 5, 12, ["embeddings.vectors.a[1]", "nan"]),
    ("inline inf", "lesson: {title: T}\nembeddings:\n  source: inline\n  vectors:\n    a: [1, 2]\n"
     "    b: [.inf, 2]\ntokens: a b\nsegments: [{type: lookup}]\n", 6, 9, ["embeddings.vectors.b[0]", "inf"]),
    ("group token unknown", "lesson: {title: T}\nvocabulary: [a, b]\nembeddings:\n  source: synthetic\n  dim: 3\n"
     "  groups: {g: [a, c]}\ntokens: a\nsegments: [{type: lookup}]\n", 6, 19, ["embeddings.groups.g[1]", "'c'"]),
    ("bad slug", "lesson: {title: T, slug: 'My Lesson'}\nvocabulary: [a]\nembeddings: {source: synthetic, dim: 4}\n"
     "tokens: a\nsegments: [{type: lookup}]\n", 1, 26, ["lesson.slug", "not allowed"]),
    ("bad theme", HEAD + "style: {theme: neon}\ntokens: the\nsegments: [{type: lookup}]\n", 4, 16,
     ["style.theme", "'neon' is not allowed", "dark"]),
    ("too many lookup tokens", HEAD + "tokens: " + "the " * 17 + "\nsegments: [{type: lookup}]\n", 4, 9,
     ["at most 16 tokens", "split"]),
    ("not a mapping", "- just\n- a list\n", 1, 1, ["must be a mapping"]),
    ("empty file", "", 1, 1, ["empty"]),
]


@pytest.mark.parametrize("name,text,line,col,needles", CASES, ids=[c[0] for c in CASES])
def test_error_location_and_message(write_lesson, name, text, line, col, needles):
    path = write_lesson(text)
    with pytest.raises(LessonError) as e:
        load_lesson(path)
    msg = str(e.value)
    assert "\n" not in msg
    m = re.match(r"^(.+?):(\d+):(\d+): ", msg)
    assert m, msg
    assert m.group(1) == str(path)
    assert int(m.group(2)) == line, msg
    if col is not None:
        assert int(m.group(3)) == col, msg
    for needle in needles:
        assert needle in msg, msg
    assert msg.endswith(")"), f"no fix hint: {msg}"


@pytest.mark.parametrize("name,text,line,col,needles", CASES[:4] + CASES[9:10], ids=[c[0] for c in CASES[:4] + CASES[9:10]])
def test_cli_exit_code_2_one_line_no_traceback(write_lesson, name, text, line, col, needles):
    path = write_lesson(text)
    for cmd in (["validate"], ["inspect"], ["render", "--out", str(path.parent / "media")]):
        r = run_cli(*cmd, path)
        assert r.returncode == 2, (cmd, r.stderr)
        assert "Traceback" not in r.stderr
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"{path}:{line}:"), r.stderr
    assert not (path.parent / "media").exists(), "a failed render must not create output"


def test_validate_many_files_reports_each(write_lesson, basic_lesson):
    bad = write_lesson(HEAD + "tokens: the dgo\nsegments: [{type: lookup}]\n", name="bad.yaml")
    r = run_cli("validate", basic_lesson, bad)
    assert r.returncode == 2
    assert f"{basic_lesson}: ok" in r.stdout
    assert r.stderr.startswith(f"{bad}:4:")


def test_missing_lesson_file(tmp_path):
    r = run_cli("validate", tmp_path / "nope.yaml")
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr


def test_yaml_11_booleans_are_tokens(write_lesson):
    """`on`, `yes`, `no` are words, not booleans, in a lesson."""
    p = write_lesson("lesson: {title: T}\nvocabulary: [on, off, yes, no, 2024]\n"
                     "embeddings: {source: synthetic, dim: 3}\ntokens: [on, yes, 2024]\nsegments: [{type: lookup}]\n")
    c = load_lesson(p)
    assert c.lesson.sequence.tokens == ("on", "yes", "2024")
    assert c.lesson.sequence.ids.tolist() == [0, 2, 4]


# -- npy sources --------------------------------------------------------------

def npy_lesson(write_lesson, path_text: str, vocab="[a, b, c]"):
    return write_lesson(f"lesson: {{title: T}}\nvocabulary: {vocab}\nembeddings:\n  source: npy\n"
                        f"  path: {path_text}\ntokens: a c\nsegments: [{{type: lookup}}]\n")


def test_npy_missing_file(write_lesson):
    p = npy_lesson(write_lesson, "nothere.npy")
    with pytest.raises(LessonError, match=r":5:9: embeddings.path: file 'nothere.npy' not found"):
        load_lesson(p)


def test_npy_malformed(write_lesson, tmp_path):
    (tmp_path / "bad.npy").write_bytes(b"this is not numpy")
    with pytest.raises(LessonError, match=r":5:9: embeddings.path: 'bad.npy' is not a readable .npy array"):
        load_lesson(npy_lesson(write_lesson, "bad.npy"))


def test_npy_wrong_shape_and_rows(write_lesson, tmp_path):
    np.save(tmp_path / "v1.npy", np.zeros(3))
    with pytest.raises(LessonError, match=r"has shape \(3,\), expected \[V, d\]"):
        load_lesson(npy_lesson(write_lesson, "v1.npy"))
    np.save(tmp_path / "v2.npy", np.ones((4, 2)))
    with pytest.raises(LessonError, match=r"has 4 rows but the vocabulary has 3 tokens"):
        load_lesson(npy_lesson(write_lesson, "v2.npy"))


def test_npy_object_array_refused(write_lesson, tmp_path):
    np.save(tmp_path / "obj.npy", np.array([[{"a": 1}], [1], [2]], dtype=object), allow_pickle=True)
    with pytest.raises(LessonError, match="not a readable .npy array"):
        load_lesson(npy_lesson(write_lesson, "obj.npy"))


def test_npy_nan_in_used_row(write_lesson, tmp_path):
    m = np.ones((3, 2))
    m[2, 1] = np.nan
    np.save(tmp_path / "n.npy", m)
    with pytest.raises(LessonError, match=r"row 2 \('c'\) of the embeddings contains NaN"):
        load_lesson(npy_lesson(write_lesson, "n.npy"))


def test_vocabulary_file_errors_point_into_that_file(write_lesson, tmp_path):
    (tmp_path / "vocab.txt").write_text("a\nb\na\n")
    p = write_lesson("lesson: {title: T}\nvocabulary: {file: vocab.txt}\nembeddings: {source: synthetic, dim: 2}\n"
                     "tokens: a\nsegments: [{type: lookup}]\n")
    with pytest.raises(LessonError) as e:
        load_lesson(p)
    assert str(e.value).startswith(f"{tmp_path / 'vocab.txt'}:3:1: duplicate vocabulary entry 'a'")


def test_a_reader_that_goes_away_stops_validate_quietly():
    """`embedviz validate configs/*.yaml | head -1`: no 'cannot write' and no traceback, exit 141 as SIGPIPE."""
    import subprocess
    import sys

    from tests.conftest import ROOT
    p = subprocess.Popen([sys.executable, "-m", "embedviz.cli", "validate", *sorted(map(str, (ROOT / "configs").glob("*.yaml")))],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdout.close()                    # before the first line is written (start-up takes far longer)
    err = p.stderr.read()
    assert p.wait(timeout=60) == 141, err
    assert err == "", err
