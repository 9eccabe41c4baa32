"""Fuzz ``embedviz validate`` with generated lesson files (hypothesis).

Files are random structures and mutated real lessons, written as YAML and
then roughed up at the text level: anchors and aliases (also recursive and
exploding ones), tags, several documents, tabs, a byte-order mark, duplicate
keys, huge numbers, NaN, control characters, unicode, truncation. Whatever
comes in, ``validate`` exits 0, or exits 2 with exactly one line that names
the file; never a traceback, never "internal error", never a warning.

The loop calls the CLI's ``main`` in-process (fast); a few fixed files go
through a real subprocess too. Bounded: FUZZ_EXAMPLES (default 200) examples,
no deadline; EMBEDVIZ_FUZZ_EXAMPLES=5000 hunts longer.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import warnings
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedviz.cli import main

from .conftest import run_cli

pytestmark = pytest.mark.unit

FUZZ_EXAMPLES = int(os.environ.get("EMBEDVIZ_FUZZ_EXAMPLES", "200"))

SEGMENT_TYPES = ["lookup", "vectors-2d", "vectors-3d", "cosine-vs-distance", "similarity-matrix", "matrix-shape",
                 "nearest-neighbours", "analogy", "pitfall-spelling", "pitfall-learned", "training"]
KEYS = ["lesson", "title", "slug", "subtitle", "style", "theme", "decimals", "font", "aspect", "vocabulary", "file",
        "embeddings", "source", "dim", "seed", "groups", "group_strength", "vectors", "path", "name", "tokens",
        "segments", "type", "narration", "pairs", "pair", "scale", "values", "query", "k", "include_query",
        "include_special", "a", "b", "c", "expect", "word", "lookalike", "related", "token", "max_columns",
        "compare", "seconds", "corpus", "epochs", "min_count", "special_tokens", "tensor", "learned", "cache_dir"]
WORDS = ["cat", "dog", "car", "the", "king", "queen", "[MASK]", "<s>", "synthetic", "inline", "npy", "minilm",
         "trained", "text", "huggingface", "safetensors", "dark", "light", "16:9", "9:16", "1:1", "auto", "always",
         "vocab.txt", ".", "/", "..", "/dev/null", "lesson.yaml", "nonexistent.npy", "on", "yes", "no", "null",
         "~", "true", "1e400", "-0", "0x1F", "0o17", "1_000", ".nan", ".inf", "-.inf", "2024-01-01"] + SEGMENT_TYPES

VOCAB = ["the", "cat", "dog", "sat", "on", "mat", "car", "king", "queen"]


def base_lessons() -> list[dict]:
    """Valid lessons, one per segment type, that mutations start from."""
    seg_opts = {
        "lookup": {}, "vectors-2d": {"tokens": ["cat", "dog", "car"]}, "vectors-3d": {},
        "cosine-vs-distance": {"pair": ["cat", "dog"]}, "similarity-matrix": {}, "matrix-shape": {},
        "nearest-neighbours": {"query": "cat", "k": 3}, "analogy": {"a": "king", "b": "cat", "c": "dog", "k": 2},
        "pitfall-spelling": {"word": "cat", "lookalike": "car", "related": "dog"}, "pitfall-learned": {},
    }
    out = []
    for t, opts in seg_opts.items():
        out.append({"lesson": {"title": f"A {t} lesson"}, "vocabulary": list(VOCAB),
                    "embeddings": {"source": "synthetic", "dim": 4, "seed": 1, "groups": {"pets": ["cat", "dog"]}},
                    "tokens": "the cat sat on the mat", "segments": [{"type": t, **opts}]})
    out.append({"lesson": {"title": "Inline"}, "embeddings": {"source": "inline", "vectors": {
        "cat": [1.0, 0.0], "dog": [0.5, 0.5], "nil": [0.0, 0.0]}}, "tokens": ["cat", "dog", "cat"],
        "segments": [{"type": "similarity-matrix"}, {"type": "lookup"}]})
    out.append({"lesson": {"title": "File vocabulary"}, "vocabulary": {"file": "vocab.txt"},
                "embeddings": {"source": "synthetic", "dim": 3}, "tokens": "cat dog", "segments": [{"type": "lookup"}]})
    return out


BASES = base_lessons()

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12) | st.text(max_size=4)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.integers(-4, 20),
    st.floats(allow_nan=True, allow_infinity=True), text, st.sampled_from(WORDS),
    st.builds(lambda n, c: c * n, st.integers(0, 3000), st.sampled_from(["x", "猫", "é", " "])),   # sizes
)
keys = st.sampled_from(KEYS) | text
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
                      max_leaves=20)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated_lesson(draw) -> dict:
    data = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["nudge", "nudge", "set", "delete", "add"]))
        if action == "nudge":           # a plausible value of the same kind: reaches the segment builders
            old = parent[path[-1]]
            if isinstance(old, bool) or not isinstance(old, (str, int, float)):
                parent[path[-1]] = draw(st.sampled_from(VOCAB) | st.integers(-2, 40))
            elif isinstance(old, str):
                parent[path[-1]] = draw(st.sampled_from(VOCAB + WORDS) | st.lists(st.sampled_from(VOCAB), max_size=6))
            else:
                parent[path[-1]] = draw(st.integers(-2, 40) | st.floats(-20, 20) | st.sampled_from([0, 1, 1e-9, 1e300]))
        elif action == "set":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(keys)] = draw(values)
        else:
            parent.append(draw(values))
    return data


def dump(data, flow: bool, unicode: bool) -> str:
    try:
        return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)
    except (yaml.YAMLError, ValueError):
        return json.dumps(data, ensure_ascii=not unicode, allow_nan=True)


TEXT_EDITS = [
    lambda t, r: "\ufeff" + t,                                             # byte-order mark
    lambda t, r: t.replace("\n  ", "\n\t", 1),                              # a tab indent
    lambda t, r: t + "---\n" + t,                                           # two documents
    lambda t, r: t + "--- \n...\n",
    lambda t, r: t + t.splitlines()[0] + "\n" if t.strip() else t,          # a duplicate key
    lambda t, r: t.replace("dim: 4", "dim: 1" + "0" * r.randint(20, 400)),  # huge numbers
    lambda t, r: t.replace("dim: 4", "dim: .nan").replace("k: 3", "k: .inf"),
    lambda t, r: t.replace("scale: 2", "scale: -.inf") + "extra: 1e400\n",
    lambda t, r: "anchor: &A [cat, dog]\n" + t.replace("- cat\n", "- *A\n", 1),   # anchor and alias
    lambda t, r: "x: &X [*X]\n" + t,                                        # a recursive alias
    lambda t, r: "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(7)) + t,
    lambda t, r: t.replace("title:", "title: !!binary", 1),                 # tags
    lambda t, r: t.replace("title:", "title: !!python/object:os.system", 1),
    lambda t, r: t.replace("seed:", "seed: !custom", 1),
    lambda t, r: t.replace("tokens:", "tokens: !!set", 1),
    lambda t, r: "<<: {lesson: {title: merged}}\n" + t,                     # merge key
    lambda t, r: "? [a, b]\n: complex key\n" + t,
    lambda t, r: "[" * r.randint(50, 3000) + t,                             # deep nesting
    lambda t, r: t[: r.randint(0, max(len(t), 1))],                        # truncated
    lambda t, r: t.replace("cat", "c\x00t", 1),                            # control characters
    lambda t, r: t.replace("cat", "c\x1bt\x7f", 1),
    lambda t, r: t.replace("cat", "\u202ecat\u200b", 1),
    lambda t, r: t.replace("the", '"\\ud800"', 1),                          # a lone surrogate escape
    lambda t, r: t.replace("title", "title: x\n  title", 1),
    lambda t, r: t.replace("\n", "\r\n"),
    lambda t, r: t + "\n" + "#" * 10000 + "\n",
]


@st.composite
def lesson_file(draw) -> bytes:
    import random

    kind = draw(st.sampled_from(["mutated", "mutated", "random", "valid"]))
    if kind == "random":
        data = draw(values)
    elif kind == "valid":
        data = draw(st.sampled_from(BASES))
    else:
        data = draw(mutated_lesson())
    t = dump(data, draw(st.booleans()), draw(st.booleans()))
    r = random.Random(draw(st.integers(0, 2**32)))
    for edit in draw(st.lists(st.sampled_from(TEXT_EDITS), max_size=3)):
        t = edit(t, r)
    raw = t.encode("utf-8", "surrogatepass")
    if draw(st.sampled_from([False] * 30 + [True])):
        raw = raw[: len(raw) // 2] + b"\xff\xfe" + raw[len(raw) // 2:]      # not UTF-8
    return raw


def validate_in_process(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        rc = main(["validate", str(path)])
    msgs = [f"{w.category.__name__}: {w.message}" for w in caught]
    return rc, out.getvalue(), err.getvalue() + "".join(f"warning: {m}\n" for m in msgs)


def check(path: Path, rc: int, out: str, err: str) -> str:
    """The outcome, ``ok`` or ``refused``, after asserting it is one of the two allowed shapes."""
    assert "Traceback" not in err and "internal error" not in err, err
    assert "warning:" not in err, err
    if rc == 0:
        assert out.startswith(f"{path}: ok (") and not err, (out, err)
        return "ok"
    else:
        assert rc == 2, (rc, out, err)
        lines = err.splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith(f"{path}:") or lines[0].startswith(f"{path.parent}/vocab.txt:"), lines[0]
        assert not out
        return "refused"


def test_validate_never_crashes_and_reaches_both_outcomes(tmp_path):
    """Every generated file is accepted or refused in one line; the generator reaches both outcomes.

    Self-contained: the counts come from this test's own loop (no state shared with other tests),
    so it holds alone, in any order and under pytest-xdist.
    """
    (tmp_path / "vocab.txt").write_text("cat\ndog\ncar\n", encoding="utf-8")
    path = tmp_path / "lesson.yaml"
    outcomes: Counter[str] = Counter()

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(lesson_file())
    def fuzz(raw: bytes) -> None:
        path.write_bytes(raw)
        outcomes[check(path, *validate_in_process(path))] += 1

    fuzz()
    cases = sum(outcomes.values())
    assert cases >= FUZZ_EXAMPLES * 0.9, outcomes
    assert outcomes["ok"] >= 5 and outcomes["refused"] >= FUZZ_EXAMPLES // 2, outcomes

NASTY = {
    "bom.yaml": "\ufefflesson: {title: t}\nvocabulary: [cat]\nembeddings: {source: synthetic, dim: 2}\n"
                "tokens: cat\nsegments: [{type: lookup}]\n",
    "recursive.yaml": "a: &a [*a]\n",
    "laughs.yaml": "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(9)),
    "deep.yaml": "lesson: " + "[" * 5000 + "]" * 5000 + "\n",
    "complex-key.yaml": "? [a, b]\n: 1\n",
    "vocab-dir.yaml": "lesson: {title: t}\nvocabulary: {file: /}\nembeddings: {source: synthetic, dim: 2}\n"
                      "tokens: cat\nsegments: [{type: lookup}]\n",
    "nul.yaml": "lesson: {title: \"a\\0b\"}\n",
}


def test_nasty_files_in_a_real_process(tmp_path):
    """One real ``embedviz validate`` over all of them: one line per refused file, in order."""
    paths = []
    for name, body in NASTY.items():
        p = tmp_path / name
        p.write_text(body, encoding="utf-8")
        paths.append(p)
    res = run_cli("validate", *paths)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    assert res.returncode == 2
    assert res.stdout.splitlines() == [f"{paths[0]}: ok (1 segment, V = 1, d = 2)"]
    lines = res.stderr.splitlines()
    assert len(lines) == len(paths) - 1, res.stderr
    for p, line in zip(paths[1:], lines):
        assert line.startswith(f"{p}:"), (p, line)
