"""Beats: every narration line is said exactly once, in order, whatever the line count.

Each scene's beats are played with Manim's ``play``/``wait`` stubbed out (the
scene is built in a dry-run frame, nothing is drawn), recording the lines in
the order the scene says them. The lookup segment used to drop middle lines
when it had more lines than tokens; one tiny real render checks its cues.
"""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest
from manim import tempconfig

from embedcore.lesson import load_lesson
from scenes.registry import SCENES
from scenes.theme import theme_for

ROOT = Path(__file__).resolve().parent.parent
FRAME = {"dry_run": True, "disable_caching": True, "pixel_width": 256, "pixel_height": 144,
         "frame_width": 8.0 * 16 / 9, "frame_height": 8.0}
EXAMPLES = ["glove-text", "matrix-shape", "vectors-2d", "vectors-3d", "cosine-vs-distance", "training",
            "similarity-matrix", "nearest-neighbours", "analogy", "pitfall-spelling", "pitfall-learned"]


@pytest.fixture(scope="module", autouse=True)
def _shaped_text_on_disk():
    """Share shaped glyphs with the other tests' renders (the session's private text cache)."""
    from embedviz.draw.worker import text_cache_dir
    from scenes.components.text import text_cache
    old, text_cache.directory = text_cache.directory, text_cache_dir()
    yield
    text_cache.directory = old


@functools.lru_cache(maxsize=None)
def built(name: str):
    c = load_lesson(ROOT / "configs" / f"{name}.yaml")
    with tempconfig(FRAME):
        scene = SCENES[c.storyboards[0].type](c.storyboards[0], theme_for(c.lesson.style))
        scene.build()
    return scene


def said_lines(sb, style=None, scene=None) -> list[str]:
    """The lines ``sb``'s scene says, in order (a scene already built may be given: its narration is swapped)."""
    with tempconfig(FRAME):
        if scene is None:
            scene = SCENES[sb.type](sb, theme_for(style))
            scene.build()
        scene.storyboard = sb
        said: list[str] = []
        scene.play = lambda *a, **k: None
        scene.wait = lambda *a, **k: None
        scene.move_camera = lambda *a, **k: None
        scene.settle = lambda: None
        scene.say = lambda text, hold=True: said.append(text)
        scene.play_body()
    said_lines.last_scene = scene
    return said


@pytest.mark.render
@pytest.mark.parametrize("count", [1, 2, 9])
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_line_said_once_in_order(name, count):
    scene = built(name)
    lines = tuple(f"Line {i + 1} of {count}." for i in range(count))
    assert said_lines(dataclasses.replace(scene.storyboard, narration=lines), scene=scene) == list(lines)


@pytest.mark.render
@pytest.mark.parametrize("tokens", ["cat", "the cat sat on the mat the dog sat on the mat"])
def test_lookup_says_every_line_whatever_the_token_count(write_lesson, tokens):
    """1 token with 4 (and 30) lines, 12 tokens with 1 (and 30) lines."""
    path = write_lesson(f"""
        lesson: {{title: Edges, slug: edges}}
        vocabulary: [the, cat, dog, sat, on, mat]
        embeddings: {{source: synthetic, dim: 4, seed: 1}}
        tokens: "{tokens}"
        segments:
          - type: lookup
    """)
    c = load_lesson(path)
    sb = c.storyboards[0]
    scene = None
    for count in ((4, 30) if tokens == "cat" else (1, 30)):
        lines = tuple(f"Line {i + 1}." for i in range(count))
        said = said_lines(dataclasses.replace(sb, narration=lines), c.lesson.style, scene)
        assert said == list(lines)
        scene = scene or said_lines.last_scene


@pytest.mark.render
def test_one_token_four_lines_render_four_cues(write_lesson, tmp_path):
    from embedviz.draw.worker import render_clip
    path = write_lesson("""
        lesson: {title: Edges, slug: edges}
        vocabulary: [the, cat]
        embeddings: {source: synthetic, dim: 4, seed: 1}
        tokens: "cat"
        segments:
          - {type: lookup, narration: ["One.", "Two.", "Three.", "Four."]}
    """)
    c = load_lesson(path)
    out = render_clip(c.storyboards[0], c.lesson.style, 256, 144, 5, tmp_path / "c.mp4")
    cues = out["cues"]
    assert [q["text"] for q in cues] == ["One.", "Two.", "Three.", "Four."]
    assert all(a["end"] <= b["start"] + 1e-6 for a, b in zip(cues, cues[1:]))
    assert cues[-1]["end"] <= out["duration"]


@pytest.mark.unit
@pytest.mark.parametrize("phases", range(1, 7))
def test_narration_phases_assigns_every_line_once_in_order(phases):
    from scenes.base import narration_phases
    for k in range(0, 11):
        lines = [f"line {i}" for i in range(k)]
        out = narration_phases(lines, phases)
        assert len(out) == phases
        assert [line for group in out for line in group] == lines, (phases, k, out)
