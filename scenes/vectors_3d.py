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

from . import layout, marks
from .base import Beat, SegmentScene
from .components.tables import length_rows, pair_rows
from .components.text import label, wrapped
from .theme import GAP, SIZE

TOKEN_W = 2.6            # a token label longer than this is cut with "…" (the panel names it in full)
MIN_ARROW = 1.0          # the longest arrow is never drawn shorter (scene units)
AXIS_REACH = 1.05        # the axes and the ground plane reach past the longest arrow by this factor
CAMERA_AIM = [0, 0, 0.55]   # the camera looks a little above the origin: the arrows rise from the plane
#: the camera's poses (phi, theta in degrees), in the order the scene moves through them
POSES = ((68, -55), (68, -15), (55, -95), (68, -55))


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
        """The panel keeps its own size and goes beside or under the 3D view, whichever draws the view
        larger (:func:`layout.main_and_side`); the figure is then made as large as fits the view at every
        camera pose the scene passes through (measured by projecting it), and centred there."""
        sb, th = self.storyboard, self.theme
        colours = [self.colour_of(v.token) for v in sb.vectors]
        body = self.regions.body

        self.note = wrapped(sb.projection_note, th, size=SIZE.note, colour=th.muted if sb.exact else th.accent,
                            max_width=body.width, buff=GAP.xs)
        self.note.next_to(self.header, DOWN, buff=GAP.s).align_to(self.title, LEFT)
        self.len_head = label("length \u2016v\u2016", th, size=SIZE.cell, colour=th.muted)
        self.len_rows, self.len_recs = length_rows(sb, th, colours)
        self.pair_head = label("cosine \u00b7 angle", th, size=SIZE.cell, colour=th.muted)
        self.pair_rows, self.pair_recs = pair_rows(sb, th, colours)
        parts = [self.len_head, self.len_rows] + ([self.pair_head, self.pair_rows] if len(self.pair_rows) else [])
        self.panel = VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=GAP.m)
        region = layout.Box(body.x0, body.y0, body.x1, self.note.get_bottom()[1] - GAP.m)
        self.view, _ = layout.main_and_side([self.panel], region, aspect=1.0)
        self.fix_in_frame(self.header, self.note, self.panel)

        self.labels = VGroup(*[label(v.token, th, size=SIZE.chip, colour=colours[v.colour], max_width=TOKEN_W)
                               for v in sb.vectors])
        longest = max(float(np.linalg.norm(v.coords)) for v in sb.vectors)
        self.dirs = [np.array(v.coords, dtype=float) / longest for v in sb.vectors]     # the longest is 1
        self.arrow_len, centre = self._fit_figure(self.view)
        self.view_centre = centre
        self.renderer.camera.screen_shift = np.array([*centre, 0.0])
        self.set_camera_orientation(phi=POSES[0][0] * DEGREES, theta=POSES[0][1] * DEGREES, frame_center=CAMERA_AIM)

        # the 3D part: origin at the view's centre, longest arrow arrow_len long
        self.unit = self.arrow_len / longest
        self.tips = [self.arrow_len * d for d in self.dirs]
        L = self.arrow_len * AXIS_REACH
        self.axes = marks.role(VGroup(*[Line(lo, hi, color=th.faint, stroke_width=1.5)
                                        for lo, hi in self._axis_ends(self.arrow_len)]), marks.DECOR)   # faint: labels may cross them
        # a ground plane (z = 0) with a light grid: heights and depths read against it as the camera turns
        ground = VGroup(Polygon([-L, -L, 0], [L, -L, 0], [L, L, 0], [-L, L, 0], stroke_width=0,
                                fill_color=th.faint, fill_opacity=0.12))
        for k in (-1.0, -0.5, 0.5, 1.0):
            ground.add(Line([k * L, -L, 0], [k * L, L, 0], color=th.faint, stroke_width=1, stroke_opacity=0.6),
                       Line([-L, k * L, 0], [L, k * L, 0], color=th.faint, stroke_width=1, stroke_opacity=0.6))
        self.axes.add_to_back(marks.role(ground, marks.DECOR))
        self.arrows = VGroup(*[self._arrow(t, colours[v.colour]) for v, t in zip(sb.vectors, self.tips)])
        for lab, t, arrow in zip(self.labels, self.tips, self.arrows):
            lab.move_to(self._label_at(t, lab))
            marks.labels(lab, arrow)
        self.fix_orientation(*self.labels)

    def _axis_ends(self, length: float) -> list[tuple[np.ndarray, np.ndarray]]:
        """The three axes' ends: x and y across the ground plane; z up from the plane, and below it only as
        far as the lowest arrow reaches (an empty half-axis under the plane would take height for nothing)."""
        L = length * AXIS_REACH
        low = min(0.0, min(float(d[2]) for d in self.dirs)) * L
        x, y, z = np.eye(3)
        return [(-L * x, L * x), (-L * y, L * y), (low * z, L * z)]

    @staticmethod
    def _label_at(tip: np.ndarray, lab) -> np.ndarray:
        """A label's centre: beyond its tip, clear of it by half the label's width."""
        u = tip / max(np.linalg.norm(tip), 1e-9)
        return tip + u * (GAP.m + lab.width / 2)

    def _fit_figure(self, view: layout.Box) -> tuple[float, np.ndarray]:
        """The longest arrow's length, and where on screen the origin goes, so that the ground plane, the
        axes, the arrows and their labels fit ``view`` at every camera pose the scene passes through
        (sampled along each camera move) -- measured by projecting them, not guessed per frame shape."""
        cam = self.renderer.camera
        poses = []
        for (p0, t0), (p1, t1) in zip(POSES, POSES[1:]):
            poses += [(p0 + f * (p1 - p0), t0 + f * (t1 - t0)) for f in np.linspace(0, 1, 5)]

        def extent(length: float) -> layout.Box:
            L = length * AXIS_REACH
            corners = [np.array([x, y, 0.0]) for x in (-L, L) for y in (-L, L)] + \
                      [p for ends in self._axis_ends(length) for p in ends]
            lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
            for phi, theta in poses:
                self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES, frame_center=CAMERA_AIM)
                cam.reset_rotation_matrix()
                pts = cam.project_points(np.array(corners + [length * d for d in self.dirs]))[:, :2]
                lo, hi = np.minimum(lo, pts.min(0)), np.maximum(hi, pts.max(0))
                centres = cam.project_points(np.array([self._label_at(length * d, lab)
                                                       for d, lab in zip(self.dirs, self.labels)]))[:, :2]
                half = np.array([[lab.width / 2, lab.height / 2] for lab in self.labels])
                lo, hi = np.minimum(lo, (centres - half).min(0)), np.maximum(hi, (centres + half).max(0))
            return layout.Box(lo[0], lo[1], hi[0], hi[1])

        lo_len, hi_len = MIN_ARROW, max(view.width, view.height)
        for _ in range(20):         # the largest length whose extent fits the view (it grows with the length)
            mid = (lo_len + hi_len) / 2
            e = extent(mid)
            if e.width <= view.width and e.height <= view.height:
                lo_len = mid
            else:
                hi_len = mid
        e = extent(lo_len)
        return lo_len, view.centre[:2] - e.centre[:2]

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
        self.move_camera(phi=POSES[1][0] * DEGREES, theta=POSES[1][1] * DEGREES, run_time=3.0)

    def _show_lengths(self, beat: Beat) -> None:
        self.play(FadeIn(self.note), FadeIn(self.len_head), FadeIn(self.len_rows), run_time=0.6)
        self.move_camera(phi=POSES[2][0] * DEGREES, theta=POSES[2][1] * DEGREES, run_time=3.5)

    def _show_pairs(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        if len(self.pair_rows):
            self.play(FadeIn(self.pair_head), run_time=0.3)
            for p, row in zip(sb.pairs, self.pair_recs):
                self.play(FadeIn(row), Indicate(self.labels[p.a], color=th.accent),
                          Indicate(self.labels[p.b], color=th.accent), run_time=0.6)
        self.move_camera(phi=POSES[3][0] * DEGREES, theta=POSES[3][1] * DEGREES, run_time=2.5)
