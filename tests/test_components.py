"""Scene-kit components build themselves once and return Animations; the scene plays them.

Played in a dry-run Scene (nothing drawn): what each animation leaves behind
is what the segment scenes rely on.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from manim import Animation, Create, Scene, Square, Transform, ValueTracker, tempconfig

from scenes.components.chip import Marker, TokenChip
from scenes.components.grid import CellGrid
from scenes.components.readout import Readout
from scenes.theme import SIZE, THEMES

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
TH = THEMES["dark"]
DRY = {"dry_run": True, "disable_caching": True, "pixel_width": 64, "pixel_height": 36, "frame_rate": 5}


def test_components_never_play():
    """Components return animations; only scenes call ``play``/``wait``."""
    for p in (ROOT / "scenes" / "components").glob("*.py"):
        src = p.read_text(encoding="utf-8")
        assert not re.search(r"\.(play|wait)\(", src), p.name


def test_marker_draws_then_moves():
    a, b = Square(0.5).shift([-1, 0, 0]), Square(0.5).shift([1, 0, 0])
    m = Marker(TH)
    first = m.to(a)
    assert isinstance(first, Create) and m.shown
    second = m.to(b)
    assert isinstance(second, Transform) and second.mobject is m.rect
    assert isinstance(m.off(), Animation)


def test_chip_highlight_outlines_the_chip():
    chip = TokenChip("cat", TH.tokens[0], TH)
    anim = chip.highlight(TH)
    assert isinstance(anim, Create) and anim.mobject is chip.mark
    assert chip.mark.width > chip.width and chip.mark.get_stroke_color().to_hex().upper() == TH.accent.upper()


def test_grid_copy_row_leaves_the_target_row_shown():
    with tempconfig(DRY):
        src = CellGrid([["0.10", "0.20"], ["0.30", "0.40"]], ["a", "b"], ["d0", "d1"], TH)
        dst = CellGrid([["0.30", "0.40"]], ["b"], ["d0", "d1"], TH)
        for cells in dst.cells:
            cells.set_opacity(0)
        scene = Scene()
        scene.add(src)
        scene.play(src.reveal_row(1), run_time=0.2)
        scene.play(src.copy_row_to(1, dst, 0), run_time=0.4)
        assert dst.cells[0] in scene.mobjects                     # the target row is on screen ...
        assert all(c.get_fill_opacity() == 1 for c in dst.cells[0])   # ... fully drawn
        n_before = len(scene.mobjects)
        scene.play(src.copy_row_to(0, dst, 0), run_time=0.2)
        assert len(scene.mobjects) == n_before                    # the flying copy is gone afterwards


def test_readout_follows_its_tracker():
    from scenes.components.text import label
    with tempconfig(DRY):
        items = [label(f"epoch {k}", TH, size=SIZE.cell) for k in range(5)]
        r = Readout(items)
        t = ValueTracker(0)
        scene = Scene()
        scene.add(r)
        scene.play(t.animate.set_value(3), r.follow(t, lambda v: int(round(v))), run_time=0.4)
        assert r.current == 3 and r.submobjects == [items[3]]


def test_no_literal_font_sizes_outside_the_theme():
    """Scenes name a step of the type scale (SIZE.label), never a number."""
    pattern = re.compile(r"size\s*=\s*[0-9]")
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "scenes").rglob("*.py") if p.name != "theme.py"
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not hits, hits


def test_on_change_runs_only_when_its_input_changes():
    from scenes.components.readout import on_change
    key, calls = [0], []
    upd = on_change(lambda: key[0], lambda m: calls.append((m, key[0])))
    for k in (0, 0, 1, 1, 1, 0, 2):
        key[0] = k
        upd("m")
    assert calls == [("m", 0), ("m", 1), ("m", 0), ("m", 2)]      # the first call always runs


def test_shaped_text_copies_without_its_construction_extras():
    """Copies (every FadeIn/Transform makes some) carry the glyphs, not the SVG's id → VGroup index."""
    import numpy as np

    from scenes.components.text import label
    t = label("copy me, quickly", TH, size=SIZE.cell)
    assert t.id_to_vgroup_dict == {}
    assert all(getattr(m, "path_obj", None) is None for m in t.get_family())
    c = t.copy()
    assert c.text == t.text and len(c.get_family()) == len(t.get_family())
    for a, b in zip(c.get_family(), t.get_family()):
        assert np.array_equal(a.points, b.points) and np.array_equal(a.fill_rgbas, b.fill_rgbas)
