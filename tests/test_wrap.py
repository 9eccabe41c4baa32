"""The one word wrap (embedcore.wrap): captions on screen, wrapped labels and the caption track never
break inside an expression ("16 × / 8", "d / = 12,288", "cos(queen, / king)" were seen)."""
from __future__ import annotations

import pytest

from embedcore.wrap import units, wrap_lines
from embedviz.media.captions import split_cue_text

pytestmark = pytest.mark.unit

LINES = [
    "That is 16 × 8 = 128 numbers, copied row by row from the table.",
    "GPT-3 uses d = 12,288 numbers for every one of its tokens.",
    "The closest pair is cos(queen, king) at 0.81, far above the rest of the list.",
    "The distance ‖A − B‖ grows while the cosine stays where it was.",
]
EXPRESSIONS = ["16 × 8 = 128", "d = 12,288", "cos(queen, king)", "‖A − B‖"]


@pytest.mark.parametrize("width", range(8, 50, 3))
def test_no_line_breaks_inside_an_expression(width):
    for text, expr in zip(LINES, EXPRESSIONS):
        lines = wrap_lines(text, width)
        assert " ".join(lines) == " ".join(text.split())          # nothing lost or reordered
        assert any(expr in line for line in lines), (width, lines)
        assert all(len(line) <= width or line in units(text) or len(line.split()) == len(units(line))
                   for line in lines)


def test_units_join_operators_brackets_and_norms():
    assert units("so 16 × 8 numbers") == ["so", "16 × 8", "numbers"]
    assert units("cos(queen, king) is high") == ["cos(queen, king)", "is", "high"]
    assert units("‖A − B‖ grows") == ["‖A − B‖", "grows"]
    assert units("a plain sentence") == ["a", "plain", "sentence"]
    assert units("= 46.9 MB at float32") == ["= 46.9 MB", "at", "float32"]
    assert units("46.9 MB, then 2 GB.") == ["46.9 MB,", "then", "2 GB."]
    assert units("the MB column") == ["the", "MB", "column"]        # a unit after a word is just a word


@pytest.mark.parametrize("width", range(6, 40))
def test_a_number_keeps_its_unit(width):
    text = "V × d = 30,522 × 384 = 11,720,448 numbers = 46.9 MB at float32"
    assert any("46.9 MB" in line for line in wrap_lines(text, width)), wrap_lines(text, width)


def test_the_caption_track_keeps_expressions_whole():
    for text, expr in zip(LINES, EXPRESSIONS):
        for cue in split_cue_text(text, 20):
            for line in cue:
                for part in expr.split():
                    if part in line.split() and len(expr) <= 20:
                        assert expr in line, (line, expr)


def test_screen_and_track_wrap_alike():
    from scenes.components.text import wrap
    for text in LINES:
        assert wrap(text, 30).split("\n") == wrap_lines(text, 30)
