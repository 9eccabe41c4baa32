"""Shared fixtures: small lessons written on the fly, and a CLI runner."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def write_lesson(tmp_path):
    """Write YAML text (dedented) to a lesson file and return its path."""

    def _write(text: str, name: str = "lesson.yaml") -> Path:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return _write


BASIC = """
lesson: {title: "Test lesson", slug: test-lesson}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat on the mat"
segments:
  - type: lookup
"""


@pytest.fixture
def basic_lesson(write_lesson):
    return write_lesson(BASIC)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``embedviz`` as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "embedviz.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT)


@pytest.fixture(scope="session", autouse=True)
def _private_text_cache(tmp_path_factory):
    """Renders in tests keep shaped text in a fresh cache, not the user's."""
    import os
    old = os.environ.get("EMBEDVIZ_TEXT_CACHE")
    os.environ["EMBEDVIZ_TEXT_CACHE"] = str(tmp_path_factory.mktemp("text-cache"))
    yield
    if old is None:
        os.environ.pop("EMBEDVIZ_TEXT_CACHE", None)
    else:
        os.environ["EMBEDVIZ_TEXT_CACHE"] = old
