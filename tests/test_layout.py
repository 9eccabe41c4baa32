"""scenes/layout.py: regions of every frame shape, and panels stacked or side by side to fill the body."""
from __future__ import annotations

import itertools

import pytest
from manim import DOWN, RIGHT, Rectangle, Square

from scenes import layout

pytestmark = pytest.mark.render

EPS = 1e-6


@pytest.mark.parametrize("fw,fh", [(16 / 9 * 8, 8.0), (8.0, 16 / 9 * 8), (8.0, 8.0)])
def test_regions_tile_the_frame(fw, fh):
    r = layout.regions(fw, fh, fh / 2 - 1.2, 0.9)
    assert r.header.y0 > r.body.y1 > r.body.y0 > r.caption.y1 > r.caption.y0 >= -fh / 2
    assert r.body.x0 >= -fw / 2 and r.body.x1 <= fw / 2
    assert layout.regions(fw, fh, fh / 2 - 1.2, 0.9) is r          # computed once per frame shape


def _boxes(panels):
    return [layout.bounds(p) for p in panels]


def test_stack_fills_a_tall_body_in_order_without_overlap():
    region = layout.Box(-3.6, -5.0, 3.6, 5.5)
    panels = [[Rectangle(width=6, height=1)], [Rectangle(width=4, height=2), Square(0.5).shift([3, 0, 0])],
              [Rectangle(width=5, height=0.5)]]
    scale = layout.stack(panels, region, max_scale=1.35, max_gap=2.0)
    boxes = _boxes(panels)
    assert scale == pytest.approx(min(1.35, 7.2 / 6))                 # width-limited here
    for a, b in itertools.pairwise(boxes):
        assert a.y0 > b.y1 + 0.25 - EPS                               # top to bottom, apart
    for b in boxes:
        assert b.x0 >= region.x0 - EPS and b.x1 <= region.x1 + EPS
        assert b.y0 >= region.y0 - EPS and b.y1 <= region.y1 + EPS
        assert abs((b.x0 + b.x1) / 2 - region.centre[0]) < 1e-6        # centred
    # the spare height is shared out between and around the panels (not left below them)
    heights = 3.5 * scale
    around = (region.height - heights - 2 * 0.25) / 4        # each of the 4 spaces; gaps also keep min_gap
    assert boxes[0].y1 - boxes[-1].y0 == pytest.approx(heights + 2 * (0.25 + around))
    assert region.y1 - boxes[0].y1 == pytest.approx(boxes[-1].y0 - region.y0)


def test_stack_shrinks_what_does_not_fit():
    region = layout.Box(-2, -2, 2, 2)
    panels = [[Rectangle(width=3, height=3)], [Rectangle(width=3, height=3)]]
    scale = layout.stack(panels, region)
    assert scale < 1
    for b in _boxes(panels):
        assert b.y0 >= region.y0 - EPS and b.y1 <= region.y1 + EPS


def test_a_shared_submobject_moves_once():
    sq = Square(1.0)
    from manim import VGroup
    g1, g2 = VGroup(sq), VGroup(sq)
    layout.transform([g1, g2], 2.0, sq.get_center(), sq.get_center() + [1.0, 0, 0])
    assert sq.width == pytest.approx(2.0) and sq.get_center()[0] == pytest.approx(1.0)


# -- kit-a ------------------------------------------------------------------------------------

@pytest.mark.parametrize("region,beside", [(layout.Box(-7.0, -1.5, 7.0, 1.5), True),      # wide: notes beside
                                           (layout.Box(-3.6, -6.0, 3.6, 6.0), False)])    # tall: under
def test_beside_or_under_picks_what_draws_the_main_panel_larger(region, beside):
    main, side = Rectangle(width=5, height=1.5), Rectangle(width=4, height=1)
    above = [Rectangle(width=4, height=0.8)]
    main_box = layout.bounds([main])
    assert layout.beside_or_under([main], [side], region, gap=0.25, above=[above]) is beside
    assert layout.bounds([main]) == main_box                                   # the main panel does not move
    m, s = main_box, layout.bounds([side])
    if beside:
        assert s.x0 == pytest.approx(m.x1 + 0.25) and s.y1 == pytest.approx(m.y1)
    else:
        assert s.y1 == pytest.approx(m.y0 - 0.25) and s.x0 == pytest.approx(m.x0)
    # the choice is the larger of the two scales stack would draw the column at
    chosen = layout.stack_scale([above, [main, side]], region)
    side.next_to(main, DOWN if beside else RIGHT, buff=0.25)
    assert chosen >= layout.stack_scale([above, [main, side]], region) / 1.02


def test_arrange_to_fill_stacks_two_lists_under_a_wide_line_in_a_tall_body():
    """A wide expression above sets the scale either way: the tie goes to the arrangement that fills more."""
    tall, wide = layout.Box(-3.6, -6.0, 3.6, 6.0), layout.Box(-7.0, -2.5, 7.0, 2.5)
    for region, expect in ((tall, True), (wide, False)):
        expr = [Rectangle(width=7.0, height=0.6)]
        lists = [[Rectangle(width=3.0, height=2.0)], [Rectangle(width=3.0, height=2.0)]]
        stacked = layout.arrange_to_fill(lists, region, gap=0.5, above=[expr])
        assert stacked is expect
        a, b = layout.bounds(lists[0]), layout.bounds(lists[1])
        if stacked:
            assert a.y0 == pytest.approx(b.y1 + 0.5) and a.x0 == pytest.approx(b.x0)
        else:
            assert b.x0 == pytest.approx(a.x1 + 0.5) and a.y1 == pytest.approx(b.y1)
    # a clear winner on scale is kept even when it covers less: two wide panels in a wide body sit side by side
    lists = [[Rectangle(width=3.0, height=2.0)], [Rectangle(width=3.0, height=2.0)]]
    assert layout.arrange_to_fill(lists, wide, gap=0.5) is False


def test_lead_to_fill_spreads_a_width_limited_list_and_keeps_a_height_limited_one():
    rows = [Rectangle(width=6.0, height=0.3).shift([0, -k * 0.42, 0]) for k in range(5)]     # lead 0.12
    head = [Rectangle(width=6.0, height=0.6).shift([0, 1.0, 0])]
    tall = layout.Box(-3.0, -6.0, 3.0, 6.0)          # width-limited: scale 1, height to spare
    lead = layout.lead_to_fill([head, rows], tall, 4, least=0.12, most=0.75)
    spare = (12.0 - 0.25) - (0.6 + 4 * 0.42 + 0.3)
    assert lead == pytest.approx(min(0.75, 0.12 + 0.5 * spare / 4))
    assert 0.12 < lead <= 0.75
    short = layout.Box(-7.0, -1.3, 7.0, 1.3)         # height-limited: nothing to spare
    assert layout.lead_to_fill([head, rows], short, 4, least=0.12, most=0.75) == pytest.approx(0.12)


# -- kit-b ------------------------------------------------------------------------------------

def test_boxes_in_fills_the_region_side_by_side_or_stacked_whichever_is_larger():
    wide, tall = layout.Box(-7, -2.5, 7, 2.5), layout.Box(-3.6, -5, 3.6, 5)
    boxes, stacked, size = layout.boxes_in(wide, [1.0, 1.6], gap=0.4)
    assert not stacked
    assert boxes[0].x0 == pytest.approx(wide.x0) and boxes[-1].x1 == pytest.approx(wide.x1)   # fills the width
    assert all(b.y0 == pytest.approx(wide.y0) and b.y1 == pytest.approx(wide.y1) for b in boxes)
    assert boxes[1].x0 - boxes[0].x1 == pytest.approx(0.4)
    assert boxes[1].width / boxes[0].width == pytest.approx(1.6)       # shares in proportion to the ratios
    boxes, stacked, _ = layout.boxes_in(tall, [1.0, 1.6], gap=0.4)
    assert stacked
    assert boxes[0].y1 == pytest.approx(tall.y1) and boxes[-1].y0 == pytest.approx(tall.y0)
    assert boxes[0].y0 - boxes[1].y1 == pytest.approx(0.4)
    # the size is the larger of the two ways
    side = min(tall.height, (tall.width - 0.4) / 2.6) ** 2 * 2.6
    stack = min(tall.width, (tall.height - 0.4) / (1 + 1 / 1.6)) ** 2 * (1 + 1 / 1.6)
    assert layout.boxes_in(tall, [1.0, 1.6], gap=0.4)[2] == pytest.approx(max(side, stack) ** 0.5)


def test_main_and_side_puts_the_side_panel_where_the_main_one_draws_larger():
    for region, under in ((layout.Box(-7, -2.5, 7, 2.5), False), (layout.Box(-3.6, -6, 3.6, 6), True)):
        side = Rectangle(width=3, height=2)
        main, got = layout.main_and_side([side], region, aspect=1.0, gap=0.4)
        assert got is under
        b = layout.bounds([side])
        assert b.width == pytest.approx(3) and b.height == pytest.approx(2)     # its own size
        if under:
            assert b.y0 == pytest.approx(region.y0) and main.y0 == pytest.approx(b.y1 + 0.4)
            assert (b.x0 + b.x1) / 2 == pytest.approx(region.centre[0])
            assert (main.x0, main.x1, main.y1) == (region.x0, region.x1, region.y1)
        else:
            assert b.x1 == pytest.approx(region.x1) and main.x1 == pytest.approx(b.x0 - 0.4)
            assert (b.y0 + b.y1) / 2 == pytest.approx(region.centre[1])
            assert (main.x0, main.y0, main.y1) == (region.x0, region.y0, region.y1)


def test_main_and_side_shrinks_a_side_panel_that_does_not_fit():
    region = layout.Box(-4, -2, 4, 2)
    side = Rectangle(width=3, height=6)
    layout.main_and_side([side], region, aspect=1.0)
    b = layout.bounds([side])
    assert b.height <= region.height + EPS and b.y0 >= region.y0 - EPS


def test_grow_limit_stops_at_the_size_step_of_the_largest_text():
    from scenes.components.text import drawn_size, label
    from scenes.theme import SIZE, THEMES
    th = THEMES["dark"]
    chip, note = label("token", th, size=SIZE.label), label("id 12", th, size=SIZE.note)
    k = layout.grow_limit([chip, note], SIZE.value)
    assert abs(k - SIZE.value / SIZE.label) < 0.02           # the larger text decides
    chip.scale(k)
    assert abs(drawn_size(chip) - SIZE.value) < 0.5
    assert layout.grow_limit([chip], SIZE.label) == 1.0         # already larger: no growing, never shrinking
    assert layout.grow_limit([Square()], SIZE.value) == float("inf")
