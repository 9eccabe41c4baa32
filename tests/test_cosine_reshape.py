"""cosine-vs-distance's cheap redraw: a rebuilt readout or arrow shows exactly the new one's curves."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")

from pathlib import Path  # noqa: E402

from manim import ORIGIN, RIGHT, UP  # noqa: E402

from embedcore.lesson import load_lesson  # noqa: E402
from scenes.components.text import number  # noqa: E402
from scenes.components.vectors import arrow_2d  # noqa: E402
from scenes.cosine_vs_distance import _reshape, _show  # noqa: E402
from scenes.theme import theme_for  # noqa: E402

pytestmark = pytest.mark.render

STYLE = load_lesson(Path(__file__).resolve().parent.parent / "configs" / "cosine-vs-distance.yaml").lesson.style


def leaves(m):
    return m.family_members_with_points()


@pytest.mark.parametrize("old, new", [("1.37", "2.46"), ("× 1.00", "× 1.89"), ("0.9", "12.25")])
def test_readout_shows_the_new_text_and_owns_its_points(old, new):
    th = theme_for(STYLE)
    shown, target = number(old, th, colour=th.text), number(new, th, colour=th.text)
    target.shift(0.3 * UP)
    _show(shown, target)
    assert shown.text == new
    assert len(leaves(shown)) == len(leaves(target))
    if len(number(old, th)) == len(target):          # same glyph count: the curves are the new ones, unpadded
        assert all(np.array_equal(a.points, b.points) for a, b in zip(leaves(shown), leaves(target)))
    assert np.allclose(shown.get_center(), target.get_center())
    before = [np.array(b.points) for b in leaves(target)]
    shown.shift(RIGHT)                                # shifts edit points in place: the source must not move
    assert all(np.array_equal(p, b.points) for p, b in zip(before, leaves(target)))


def test_arrow_takes_the_new_tip_place():
    a, b = arrow_2d(ORIGIN, np.array([1.0, 1.0, 0]), "#ff8800"), arrow_2d(ORIGIN, np.array([2.0, 2.0, 0]), "#ff8800")
    _reshape(a, b)
    assert all(np.array_equal(x.points, y.points) for x, y in zip(leaves(a), leaves(b)))
    assert np.allclose(a.get_end(), b.get_end())
