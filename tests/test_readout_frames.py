"""Live readouts of ``cosine-vs-distance`` as the Cairo renderer actually draws them.

Regression for "ghost" readouts: while B was scaled, the updaters swapped the
readout groups' ``submobjects``. Manim's Cairo renderer flattens the moving
mobjects into a list once, when a ``play()`` begins, and draws that list (plus
each entry's current family) every frame, so the first value stayed drawn
under every later one ("0.63" under "0.90"). The scene's own mobject tree never
held the stale text, so checking ``scene.mobjects`` cannot catch this; here we
record what each rendered frame draws (the cached static image's mobjects plus
the renderer's moving list) and check that every readout shows exactly the
glyphs of the storyboard sample for that frame -- one value, the current one.
"""
from __future__ import annotations

import pytest

from embedcore.lesson import load_lesson

from .conftest import ROOT

pytestmark = pytest.mark.render



def _glyphs(mobjects):
    """What Cairo draws of ``mobjects``: the VMobjects with points (not e.g. a ValueTracker's point)."""
    from manim import VMobject
    from manim.utils.family import extract_mobject_family_members
    return [m for m in extract_mobject_family_members(list(mobjects), only_those_with_points=True)
            if isinstance(m, VMobject)]


def _key(m) -> tuple:
    """A glyph as drawn: where it is and how big (a different digit or a second copy differs)."""
    c = m.get_center()
    return (round(float(c[0]), 3), round(float(c[1]), 3), round(float(m.width), 3), round(float(m.height), 3))


def test_each_frame_draws_one_current_value_per_readout(tmp_path, monkeypatch):
    from manim import Indicate
    from manim.renderer.cairo_renderer import CairoRenderer

    from embedviz.draw.worker import render_clip
    from scenes.cosine_vs_distance import CosineDistanceScene

    lesson = load_lesson(ROOT / "configs" / "cosine-vs-distance.yaml")
    sb = lesson.storyboards[0]
    frames: list[dict] = []          # per rendered frame: phase, sample index, drawn/expected glyphs per row
    static: dict[int, list] = {}     # renderer id -> glyphs baked into its current static image

    def bands(scene):
        """(row, y-centre) for each readout, and the half-height of a row band."""
        ys = [m.get_y() for m in scene.read_labels]
        half = 0.45 * min(abs(a - b) for a, b in zip(ys, ys[1:]))
        return ys, half

    def in_row(scene, key, ys, half):
        x, y = key[0], key[1]
        if x < scene.value_x - 0.05:
            return None
        for i, row_y in enumerate(ys):
            if abs(y - row_y) < half:
                return i
        return None

    from embedviz.draw.fast_frames import PooledCairoRenderer

    orig_static = CairoRenderer.save_static_frame_data

    def save_static(self, scene, static_mobjects):
        out = orig_static(self, scene, static_mobjects)
        # snapshot now: the static image is a picture of this moment
        static[id(self)] = [_key(m) for m in _glyphs(static_mobjects)] if self.static_image is not None else []
        return out

    def record(self, scene, time, moving_mobjects=None):
        if isinstance(scene, CosineDistanceScene) and not any(isinstance(a, Indicate) for a in scene.animations or []):
            ys, half = bands(scene)
            moving = moving_mobjects or list(scene.mobjects) + list(scene.foreground_mobjects)
            drawn = [[] for _ in ys]
            for key in static.get(id(self), []) + [_key(m) for m in _glyphs(moving)]:
                i = in_row(scene, key, ys, half)
                if i is not None:
                    drawn[i].append(key)
            k = scene.sample_index()
            on_screen = set(scene.get_mobject_family_members())
            shown = list(scene.values.submobjects) + list(scene.scale_value.submobjects)
            expected = []
            for mob, ref in zip(shown, scene._values_for(k)):
                expected.append(sorted(_key(g) for g in _glyphs([ref])) if mob in on_screen else [])
            frames.append({"scaling": bool(scene.values.updaters), "k": k, "t": round(self.time, 3),
                           "drawn": [sorted(d) for d in drawn], "expected": expected})

    def recording(orig):
        def render(self, scene, time, moving_mobjects=None):
            record(self, scene, time, moving_mobjects)
            return orig(self, scene, time, moving_mobjects)
        return render

    monkeypatch.setattr(CairoRenderer, "save_static_frame_data", save_static)
    # the fast renderer has its own render(): record whichever draws the frame
    for cls in (CairoRenderer, PooledCairoRenderer):
        monkeypatch.setattr(cls, "render", recording(cls.__dict__["render"]))
    render_clip(sb, lesson.lesson.style, 320, 180, 10, tmp_path / "clip.mp4")

    scaling = [f for f in frames if f["scaling"]]
    assert len(scaling) >= 25, "the scaling play was not rendered frame by frame"
    ks = [f["k"] for f in scaling]
    assert ks == sorted(ks) and ks[-1] - ks[0] > len(sb.samples) // 2, "readouts must follow the samples"
    assert len({f["k"] for f in scaling}) >= len(scaling) - 1, "a new sample (nearly) every frame"
    after = [f for f in frames if not f["scaling"] and f["k"] == len(sb.samples) - 1]
    assert after, "no frames rendered after the scaling"
    for f in frames:
        for row, (drawn, want) in enumerate(zip(f["drawn"], f["expected"])):
            assert drawn == want, (
                f"t={f['t']} sample {f['k']} readout {row}: drew {len(drawn)} glyphs, expected {len(want)} "
                f"(the glyphs of sample {f['k']}'s value; extra glyphs are a ghost of another value)")
    # the values really change on screen while B is scaled
    assert scaling[0]["drawn"][2] != scaling[-1]["drawn"][2]
    assert scaling[0]["drawn"][4] != scaling[-1]["drawn"][4]
