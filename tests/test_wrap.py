"""The one word wrap (embedcore.wrap): captions on screen, wrapped labels and the caption track never
break inside an expression ("16 × / 8", "d / = 12,288", "cos(queen, / king)" were seen)."""
from __future__ import annotations

import pytest

from embedcore.wrap import cells, units, wrap_lines
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


def test_wide_characters_count_two_cells():
    """Chinese, Hangul and emoji are drawn about twice as wide as Latin letters: a line of them wraps at half the
    characters (a 12-character Chinese word in a 34-cell caption line was drawn wider than the frame and shrunk)."""

    assert cells("cat") == 3 and cells("时这地") == 6 and cells("한국") == 4 and cells("🙂a") == 3 and cells("") == 0
    text = "Of the pairs shown, 是在到和 and 时这地们说年不也的子是们 are the most alike"
    lines = wrap_lines(text, 34)
    assert " ".join(lines) == text
    assert all(cells(line) <= 34 for line in lines), lines
    assert "时这地们说年不也的子是们 are the most alike" not in lines     # 36 cells: it used to fit by count


def test_a_long_aside_in_brackets_wraps_but_an_expression_does_not():
    text = "Of the pairs shown, a and b are the most alike (tied with 这为我不道是 and 和上时也国中): they point the same way."
    lines = wrap_lines(text, 34)
    assert " ".join(lines) == text and all(cells(line) <= 34 for line in lines), lines
    assert wrap_lines("cos(queen, king) is high", 10)[0] == "cos(queen, king)"      # an expression stays whole
    assert "(‖A‖ × ‖B‖)" in wrap_lines("so (‖A‖ × ‖B‖) is it", 8)
