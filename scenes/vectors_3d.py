"""Scene for the ``vectors-3d`` segment: arrows in 3D with a moving camera.

A :class:`ThreeDSegment` variant of the base scene (ThreeDScene camera) keeps
the header, notes, panel and captions fixed in the frame; token labels keep a
fixed orientation, so they face the viewer at every camera angle. Arrows are a
stroked line plus a low-resolution cone: Cairo draws them quickly and they
read as 3D from every side.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    ORIGIN,
    UL,
    Cone,
    Create,
    FadeIn,
    Indicate,
    LaggedStart,
    Line,
    Polygon,
    ThreeDCamera,
    ThreeDScene,
    VGroup,
)

from embedcore.segments._geometry import VectorsStoryboard

from . import marks
from .base import Beat, SegmentScene
from .components.tables import length_rows, pair_rows
from .components.text import label, wrapped
from .theme import GAP, SIZE

PANEL_W = 3.9
ARROW_LEN = 2.0          # the longest arrow, in scene units


class ShiftedThreeDCamera(ThreeDCamera):
    """A 3D camera whose picture is moved by ``screen_shift`` (frame units) on screen.

    Moving ``frame_center`` would move fixed-in-frame overlays too, and the
    shift would turn with the camera; this moves only the projected 3D part,
    by the same amount at every angle.
    """

    screen_shift = np.zeros(3)

    def project_points(self, points):
        return super().project_points(points) + self.screen_shift


class ThreeDSegment(SegmentScene, ThreeDScene):
    """A segment scene with a 3D camera; flat overlays stay fixed in frame."""

    camera_kind = ShiftedThreeDCamera

    def __init__(self, storyboard, theme, **kwargs) -> None:
        kwargs.setdefault("camera_class", self.camera_kind)
        super().__init__(storyboard, theme, **kwargs)

    def get_moving_mobjects(self, *animations):
        """While the camera moves, ThreeDScene redraws every mobject every frame. Overlays fixed in the
        frame (header, notes, panel, captions) look the same at every angle: those that neither animate
        nor update go into the background, drawn once per play (they overlap no 3D part)."""
        moving = super().get_moving_mobjects(*animations)
        if moving is not self.mobjects:             # the camera is still: Manim's own split
            return moving
        fixed = self.renderer.camera.fixed_in_frame_mobjects
        animated = {m for a in animations for m in a.mobject.get_family()}

        def still(mob) -> bool:
            return all(m in fixed and m not in animated and not m.updaters for m in mob.get_family())
        return [m for m in self.mobjects if not still(m)]

    def fix_in_frame(self, *mobs) -> None:
        self.renderer.camera.add_fixed_in_frame_mobjects(*mobs)

    def fix_orientation(self, *mobs) -> None:
        self.renderer.camera.add_fixed_orientation_mobjects(*mobs)

    def caption_mob(self, text: str):
        mob = super().caption_mob(text)
        self.fix_in_frame(mob)
        return mob


class Vectors3DScene(ThreeDSegment):
    storyboard: VectorsStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "note"), ("panel",))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        fw = self.fw
        colours = [self.colour_of(v.token) for v in sb.vectors]

        self.note = wrapped(sb.projection_note, th, size=SIZE.note, colour=th.muted if sb.exact else th.accent,
                            max_width=fw - 0.8, buff=GAP.xs)
        self.note.next_to(self.header, DOWN, buff=GAP.s).align_to(self.title, LEFT)
        self.len_head = label("length \u2016v\u2016", th, size=SIZE.cell, colour=th.muted)
        self.len_rows, self.len_recs = length_rows(sb, th, colours)
        self.pair_head = label("cosine \u00b7 angle", th, size=SIZE.cell, colour=th.muted)
        self.pair_rows, self.pair_recs = pair_rows(sb, th, colours)
        parts = [self.len_head, self.len_rows] + ([self.pair_head, self.pair_rows] if len(self.pair_rows) else [])
        self.panel = VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=GAP.m)
        top = self.note.get_bottom()[1] - 0.35
        bottom = self.body_bottom
        if self.portrait:       # panel on top; the 3D view fills the space below it
            pw = fw - 1.0
            if self.panel.width > pw:
                self.panel.scale(pw / self.panel.width)
            self.panel.move_to([-fw / 2 + 0.5, top, 0], aligned_edge=UL)
            view_top = self.panel.get_bottom()[1] - 0.2
            view_centre_x = 0.0
        else:
            pw = min(PANEL_W, 0.44 * fw)
            if self.panel.height > top - bottom or self.panel.width > pw:
                self.panel.scale(min((top - bottom) / self.panel.height, pw / self.panel.width))
            self.panel.move_to([fw / 2 - 0.4 - pw, top, 0], aligned_edge=UL)
            view_top = top
            view_centre_x = (-fw / 2 + self.panel.get_left()[0]) / 2
        self.fix_in_frame(self.header, self.note, self.panel)
        # the view area's size sets the arrows' length; the camera is shifted so the
        # origin sits in the middle of that area (frame_center moves opposite the picture)
        view_h = view_top - bottom
        view_w = fw - 0.8 if self.portrait else self.panel.get_left()[0] + fw / 2 - 0.4
        if self.landscape:          # the 16:9 design: origin at the frame's centre
            self.view_centre = np.zeros(2)
            self.arrow_len = ARROW_LEN
        else:
            self.view_centre = np.array([view_centre_x, (view_top + bottom) / 2 - 0.3])
            self.arrow_len = float(np.clip(min(view_h, view_w) / 2 - 0.7, 1.0, 2.4))
        self.renderer.camera.screen_shift = np.array([*self.view_centre, 0.0])
        self.set_camera_orientation(phi=68 * DEGREES, theta=-55 * DEGREES, frame_center=[0, 0, 0.55])


        # the 3D part: origin at the view's centre, longest arrow arrow_len long
        longest = max(float(np.linalg.norm(v.coords)) for v in sb.vectors)
        self.unit = self.arrow_len / longest
        self.tips = [self.unit * np.array(v.coords, dtype=float) for v in sb.vectors]
        L = self.arrow_len * 1.05
        self.axes = marks.role(VGroup(*[Line(-L * e, L * e, color=th.faint, stroke_width=1.5)
                                        for e in np.eye(3)]), marks.DECOR)     # faint: labels may cross them
        # a ground plane (z = 0) with a light grid: heights and depths read against it as the camera turns
        ground = VGroup(Polygon([-L, -L, 0], [L, -L, 0], [L, L, 0], [-L, L, 0], stroke_width=0,
                                fill_color=th.faint, fill_opacity=0.12))
        for k in (-1.0, -0.5, 0.5, 1.0):
            ground.add(Line([k * L, -L, 0], [k * L, L, 0], color=th.faint, stroke_width=1, stroke_opacity=0.6),
                       Line([-L, k * L, 0], [L, k * L, 0], color=th.faint, stroke_width=1, stroke_opacity=0.6))
        self.axes.add_to_back(marks.role(ground, marks.DECOR))
        self.arrows = VGroup(*[self._arrow(t, colours[v.colour]) for v, t in zip(sb.vectors, self.tips)])
        self.labels = VGroup()
        for v, t in zip(sb.vectors, self.tips):
            lab = label(v.token, th, size=SIZE.chip, colour=colours[v.colour], max_width=2.6)
            u = t / max(np.linalg.norm(t), 1e-9)
            lab.move_to(t + u * (0.3 + lab.width / 2))     # clear of the tip by half its width
            marks.labels(lab, self.arrows[len(self.labels)])
            self.labels.add(lab)
        self.fix_orientation(*self.labels)

    def _arrow(self, tip: np.ndarray, colour: str) -> VGroup:
        length = float(np.linalg.norm(tip))
        u = tip / max(length, 1e-9)
        h = min(0.28, 0.4 * length)
        shaft = Line(ORIGIN, tip - h * u, color=colour, stroke_width=6)
        cone = Cone(direction=u, base_radius=0.09, height=h, resolution=(2, 12), fill_color=colour,
                    fill_opacity=1, stroke_width=0, checkerboard_colors=False)
        cone.set_color(colour)
        cone.shift(tip)
        grp = VGroup(shaft, cone)
        grp.tip_point = tip
        return grp

    def beats(self) -> list[Beat]:
        return [Beat(self._show_arrows), Beat(self._show_lengths), Beat(self._show_pairs)]

    def _show_arrows(self, beat: Beat) -> None:
        self.play(FadeIn(self.axes), run_time=0.5)
        self.play(LaggedStart(*[Create(a) for a in self.arrows], lag_ratio=0.25, run_time=1.4))
        self.play(LaggedStart(*[FadeIn(l) for l in self.labels], lag_ratio=0.15, run_time=0.6))
        self.move_camera(theta=-15 * DEGREES, run_time=3.0)

    def _show_lengths(self, beat: Beat) -> None:
        self.play(FadeIn(self.note), FadeIn(self.len_head), FadeIn(self.len_rows), run_time=0.6)
        self.move_camera(phi=55 * DEGREES, theta=-95 * DEGREES, run_time=3.5)

    def _show_pairs(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        if len(self.pair_rows):
            self.play(FadeIn(self.pair_head), run_time=0.3)
            for p, row in zip(sb.pairs, self.pair_recs):
                self.play(FadeIn(row), Indicate(self.labels[p.a], color=th.accent),
                          Indicate(self.labels[p.b], color=th.accent), run_time=0.6)
        self.move_camera(phi=68 * DEGREES, theta=-55 * DEGREES, run_time=2.5)
