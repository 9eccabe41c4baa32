"""Stale literals warn at render and build (not only at validate), and the render goes on to say the
variant's filled-in lines: a teacher sees the warning on the command that makes the video."""
from __future__ import annotations

import re

import pytest

from .conftest import run_cli
from .test_stale_literals import LESSON

pytestmark = pytest.mark.render

TINY = ("--resolution", "256x144", "--fps", "5", "--jobs", "1")


def warnings_of(stderr: str, path) -> list[str]:
    return [w for w in stderr.splitlines() if w.startswith("warning: ") and "stale literal" in w
            and re.match(rf"warning: {re.escape(str(path))}:\d+:\d+: segments\[0\]\.narration\[\d\](\.say)?: ", w)
            and w.endswith("; --strict makes it an error)")]


def test_render_warns_then_renders_the_variants_lines(write_lesson):
    p = write_lesson(LESSON)
    out = p.parent / "media"
    r = run_cli("render", p, "--tokens", "a dog ran home", "--out", out, *TINY)
    assert r.returncode == 0, r.stderr
    assert len(warnings_of(r.stderr, p)) == 5, r.stderr
    (transcript,) = out.glob("*/*/transcript.txt")
    said = transcript.read_text(encoding="utf-8")
    assert "A 4 tokens input." in said and "{n" not in said


def test_build_warns_for_a_course_variant(write_lesson):
    p = write_lesson(LESSON, "l.yaml")
    course = write_lesson('course: {title: W}\nlessons:\n  - file: l.yaml\n    variants:\n'
                          '      - tokens: "a dog ran home"\n', "c.yaml")
    out = course.parent / "media"
    r = run_cli("build", course, "--out", out, *TINY)
    assert r.returncode == 0, r.stderr
    assert len(warnings_of(r.stderr, p)) == 5, r.stderr
    assert list(out.glob("*/index.html")), "the course page is written"
    (transcript,) = out.glob("*/*/*/transcript.txt")
    assert "A 4 tokens input." in transcript.read_text(encoding="utf-8")      # the variant's line, filled in
