"""The lookup storyboard holds exactly the core's numbers, elided honestly."""
from __future__ import annotations

import json

import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedcore.segments.lookup import shown_columns, shown_rows
from embedcore.storyboard import fmt

from .conftest import run_cli

pytestmark = pytest.mark.unit


def test_ids_rows_and_repeats(basic_lesson):
    c = load_lesson(basic_lesson)
    sb = c.storyboards[0]
    table = c.lesson.table
    assert [s.text for s in sb.steps] == ["the", "cat", "sat", "on", "the", "mat"]
    assert [s.id for s in sb.steps] == [0, 1, 3, 4, 0, 5]
    # the repeated 'the' selects the same drawn row and remembers its first occurrence
    assert sb.steps[4].view_row == sb.steps[0].view_row
    assert sb.steps[4].first_position == 0 and sb.steps[1].first_position == 1
    for st in sb.steps:
        row = sb.matrix_rows[st.view_row]
        assert row.kind == "row" and row.id == st.id and row.token == st.text
        full = np.asarray(table.matrix[st.id], dtype=float)   # independent read of the matrix
        shown = [v for v in st.values if v is not None]
        cols = [c for c in sb.columns if c is not None]
        np.testing.assert_array_equal(shown, full[cols])
        assert st.cells == row.cells
        assert list(st.cells) == [fmt(v, 2) for v in shown]


def test_fmt():
    assert fmt(-0.004, 2) == "0.00"          # no negative zero on screen
    assert fmt(-0.5, 2) == "\u22120.50"
    assert fmt(1.23456, 3) == "1.235"
    assert fmt(float("nan"), 2) == "undefined"


def test_decimals_follow_style(write_lesson):
    p = write_lesson("""
        lesson: {title: T}
        style: {decimals: 3}
        vocabulary: [a, b]
        embeddings: {source: inline, vectors: {a: [0.12345, -1], b: [2, 3]}}
        tokens: a b
        segments: [{type: lookup}]
    """)
    sb = load_lesson(p).storyboards[0]
    assert sb.steps[0].cells == ("0.123", "\u22121.000")


def test_elision_for_large_vocab_and_dim(tmp_path, write_lesson):
    V, d = 50_000, 300
    m = np.lib.format.open_memmap(tmp_path / "big.npy", mode="w+", dtype=np.float32, shape=(V, d))
    m[:] = 0.5
    m[31_337] = np.arange(d, dtype=np.float32) / 100
    del m
    (tmp_path / "vocab.txt").write_text("\n".join(f"w{i}" for i in range(V)) + "\n")
    p = write_lesson("""
        lesson: {title: Big}
        vocabulary: {file: vocab.txt}
        embeddings: {source: npy, path: big.npy, name: "Test vectors"}
        tokens: w7 w31337 w7 w49999
        segments: [{type: lookup}]
    """)
    sb = load_lesson(p).storyboards[0]
    assert sb.vocab_size == V and sb.dim == d and sb.rows_elided and sb.cols_elided
    ids = [r.id for r in sb.matrix_rows]
    assert ids == [0, None, 7, None, 31337, None, 49999]
    assert sb.columns == (0, 1, 2, 3, None, d - 1)
    hidden = sb.steps[1]
    assert hidden.id == 31337 and sb.matrix_rows[hidden.view_row].id == 31337
    expected = (np.arange(d, dtype=np.float32) / 100).astype(np.float64)    # float32 file, read as float64
    assert hidden.values == (*expected[:4], None, expected[-1])
    assert hidden.cells[4] == "\u22ef"


def test_shown_rows_small_vocab_is_whole():
    assert shown_rows(5, [3]) == [0, 1, 2, 3, 4]
    assert shown_rows(100, [0, 1, 99]) == [0, 1, None, 99]
    assert shown_columns(6, 6) == [0, 1, 2, 3, 4, 5]


def test_inspect_json_matches_core(basic_lesson):
    r = run_cli("inspect", basic_lesson, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    c = load_lesson(basic_lesson)
    assert data["V"] == 6 and data["d"] == 4
    assert data["source"]["kind"] == "synthetic" and data["source"]["learned"] is False
    assert [t["id"] for t in data["tokens"]] == [0, 1, 3, 4, 0, 5]
    x = np.array([t["row"] for t in data["tokens"]])
    np.testing.assert_array_equal(x, c.lesson.table.matrix[[0, 1, 3, 4, 0, 5]])
    ref = (x @ x.T) / np.outer(np.linalg.norm(x, axis=1), np.linalg.norm(x, axis=1))
    np.testing.assert_allclose(np.array(data["cosine"]["matrix"]), ref, atol=1e-12)
    assert data["segments"][0]["type"] == "lookup"
    assert data["segments"][0]["steps"][4]["id"] == 0


def test_inspect_text(basic_lesson):
    r = run_cli("inspect", basic_lesson)
    assert r.returncode == 0, r.stderr
    assert "V = 6 tokens × d = 4" in r.stdout
    assert "Synthetic vectors (seed 1): random, not learned" in r.stdout
    assert "pairwise cosine similarity" in r.stdout


def test_synthetic_is_deterministic_and_groups_cluster(write_lesson):
    text = """
        lesson: {title: T}
        vocabulary: [a, b, c, d, e, f, g, h]
        embeddings: {source: synthetic, dim: 32, seed: 5, groups: {pets: [a, b]}}
        tokens: a b c
        segments: [{type: lookup}]
    """
    t1 = load_lesson(write_lesson(text)).lesson.table.matrix
    t2 = load_lesson(write_lesson(text, name="again.yaml")).lesson.table.matrix
    np.testing.assert_array_equal(t1, t2)
    u = t1 / np.linalg.norm(t1, axis=1, keepdims=True)
    assert u[0] @ u[1] > 0.6
