"""Segment ``text``: a teacher's card; its limits are one-line errors at the right place, checked at validate."""
from __future__ import annotations

import pytest

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from tests.conftest import run_cli

HEAD = """lesson: {title: T, slug: t}
vocabulary: [the, cat]
embeddings: {source: synthetic, dim: 2}
tokens: "the cat"
segments:
"""


def card(write_lesson, body: str):
    return write_lesson(HEAD + body)


def error(path) -> str:
    with pytest.raises(LessonError) as ei:
        load_lesson(path)
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


@pytest.mark.unit
def test_example_card_and_default_narration():
    sb = load_lesson("configs/text.yaml").storyboards[0]
    assert sb.type == "text" and sb.title == "What to remember"
    assert len(sb.bullets) == 3 and sb.formula.startswith("cos theta")
    assert sb.narration == sb.bullets                        # narration defaults to the bullets


@pytest.mark.unit
def test_title_only_card_says_its_title(write_lesson):
    sb = load_lesson(card(write_lesson, '  - {type: text, title: "Exercise 1"}\n')).storyboards[0]
    assert sb.bullets == () and sb.formula is None and sb.narration == ("Exercise 1",)


@pytest.mark.parametrize("body,loc,at,what", [
    ("  - {type: text, bullets: [a]}\n", "segments[0]", "{", "missing required key 'title'"),
    ("  - {type: text, title: T, bullets: [a, b, c, d, e, f, g]}\n", "segments[0].bullets[6]", "g]",
     "at most 6 bullets, this one has 7 (split them over two text segments)"),
    ("  - {type: text, title: T, bullets: [ok, '" + "x" * 101 + "']}\n", "segments[0].bullets[1]", "'x",
     "bullet 2 is 101 characters; at most 100 fit on a card"),
    ("  - {type: text, title: T, bullets: [ok, '  ']}\n", "segments[0].bullets[1]", "'  '", "bullet 2 is empty"),
    ("  - {type: text, title: '" + "t" * 81 + "'}\n", "segments[0].title", "'t", "the title is 81 characters"),
    ("  - {type: text, title: T, formula: '\\frac{a}{b}'}\n", "segments[0].formula", "'\\",
     "'\\\\frac' is LaTeX; formulas are Typst math"),
    ("  - {type: text, title: T, formula: 'frac(1, 2'}\n", "segments[0].formula", "'frac",
     "the formula is not valid Typst math (unclosed delimiter)"),
    ("  - {type: text, title: T, formula: 'foo + x'}\n", "segments[0].formula", "'foo",
     "not valid Typst math (unknown variable: foo)"),
    ("  - {type: text, title: T, formula: '#read(\"x\")'}\n", "segments[0].formula", "'#",
     "'#' starts Typst code; a formula is math only"),
    ("  - {type: text, title: T, tokens: [cat]}\n", "segments[0].tokens", "tokens", "a text card shows no tokens"),
])
@pytest.mark.unit
def test_limits_are_one_line_errors_at_the_place(write_lesson, body, loc, at, what):
    path = card(write_lesson, body)
    msg = error(path)
    line = HEAD.count("\n") + 1
    assert msg.startswith(f"{path}:{line}:{body.index(at) + 1}: {loc}: "), msg
    assert what in msg, msg


@pytest.mark.unit
def test_validate_exits_2_with_one_line(write_lesson):
    path = card(write_lesson, "  - {type: text, title: T, bullets: [a, b, c, d, e, f, g]}\n")
    r = run_cli("validate", path)
    assert r.returncode == 2 and "Traceback" not in r.stderr + r.stdout
    lines = [line for line in (r.stderr + r.stdout).splitlines() if line.strip()]
    assert len(lines) == 1 and "bullets[6]" in lines[0]


@pytest.mark.render
def test_scene_reveals_bullet_i_with_line_i_and_the_formula_last(write_lesson):
    pytest.importorskip("manim")
    from manim import tempconfig

    from scenes.base import narration_phases
    from scenes.registry import SCENES
    from scenes.theme import theme_for

    c = load_lesson("configs/text.yaml")
    custom = load_lesson(card(write_lesson, '  - {type: text, title: T, bullets: [one, two, three],'
                                           ' narration: "Just one line."}\n'))
    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = SCENES["text"](c.storyboards[0], theme_for(c.lesson.style))
        scene.build()
        other = SCENES["text"](custom.storyboards[0], theme_for(custom.lesson.style))
        other.build()
    sb = c.storyboards[0]
    drawn = [" ".join(line.original_text for line in row[1]) for row in scene.bullets]
    assert drawn == list(sb.bullets)
    beats = scene.steps()
    # the base class says the lines over the scene's beats exactly as steps() lays them out
    for sc in (scene, other):
        assert narration_phases(sc.storyboard.narration, len(sc.beats())) == [lines for lines, _ in sc.steps()]
    assert [lines for lines, _ in beats] == [[b] for b in sb.bullets]
    assert [items for _, items in beats][:-1] == [[row] for row in scene.bullets[:-1]]
    assert beats[-1][1] == [scene.bullets[-1], scene.formula]
    # one line for three items: said with the first, the rest follow without a caption of their own
    assert other.steps() == [(["Just one line."], [other.bullets[0]]), ([], [other.bullets[1]]), ([], [other.bullets[2]])]


@pytest.mark.unit
def test_card_names_no_vectors_source(write_lesson):
    """A teacher's card shows no vectors, so it carries no source line; a computed segment beside it does."""
    c = load_lesson(card(write_lesson, '  - {type: text, title: "Exercise 1"}\n  - {type: lookup}\n'))
    text, lookup = c.storyboards
    assert text.source_label == ""
    assert lookup.source_label == c.lesson.table.source.label != ""
