"""Scene for the ``vectors-2d`` segment: labelled arrows on a plane, a panel of
lengths and pair cosines, and a note saying how the plane was chosen."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UL,
    Arc,
    Create,
    DashedVMobject,
    FadeIn,
    GrowArrow,
    Indicate,
    LaggedStart,
    VGroup,
)

from embedcore.segments._geometry import VectorsStoryboard

from . import marks
from .base import Beat, SegmentScene
from .components.tables import length_rows, pair_rows
from .components.text import label, wrapped
from .components.vectors import (
    arrow_2d,
    axes_cross,
    box_of,
    boxes_overlap,
    fit_plot,
    grid_2d,
    place_labels,
    polyline_segments,
    segment_hits_box,
)
from .theme import GAP, SIZE

PANEL_W = 4.9
TOKEN_W = 2.6        # a token label longer than this is cut with "…" (the panel names it in full)


class Vectors2DScene(SegmentScene):
    storyboard: VectorsStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "note"), ("panel",), ("arrows", "labels"))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        colours = [self.colour_of(v.token) for v in sb.vectors]
        self.colours = colours
        fw = self.fw
        body = self.regions.body

        self.note = wrapped(sb.projection_note, th, size=SIZE.note, colour=th.muted if sb.exact else th.accent,
                            max_width=fw - 0.8, buff=GAP.xs)
        self.note.next_to(self.header, DOWN, buff=GAP.s).align_to(self.title, LEFT)

        # right-hand panel: lengths, then pair cosines
        self.len_head = label("length \u2016v\u2016", th, size=SIZE.cell, colour=th.muted)
        square = not self.landscape and not self.portrait
        # square frames: the panel is a narrow column, so one length per line
        self.len_rows, self.len_recs = length_rows(sb, th, colours)
        head = "cosine similarity \u00b7 angle" + ("" if sb.exact else f"  (full {sb.dim}-d vectors)")
        self.pair_head = (label(head, th, size=SIZE.cell, colour=th.muted) if self.landscape else
                          wrapped(head, th, size=SIZE.cell, colour=th.muted, max_width=0.44 * fw if square else fw - 1.0,
                                  buff=GAP.xs))
        self.pair_rows, self.pair_recs = pair_rows(sb, th, colours)
        top = self.note.get_bottom()[1] - 0.35
        bottom = self.body_bottom

        def stack():
            parts = [self.len_head, self.len_rows] + ([self.pair_head, self.pair_rows] if len(self.pair_rows) else [])
            self.panel = VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=GAP.m)
            if len(self.pair_rows):
                self.pair_head.shift(0.2 * DOWN)
                self.pair_rows.shift(0.2 * DOWN)
            return min(1.0, (top - bottom) / self.panel.height, 0.46 * fw / self.panel.width)
        fit = stack()
        if square and len(sb.vectors) > 4:      # a narrow column: lengths one or two per line, whichever is larger
            two = (self.len_rows, self.len_recs)
            self.len_rows, self.len_recs = length_rows(sb, th, colours, per_line=1)
            if stack() < fit:
                self.len_rows, self.len_recs = two
                stack()
        if self.portrait:       # panel on top, the plot below it, both full width
            pw = fw - 1.0
            if self.panel.width > pw:
                self.panel.scale(pw / self.panel.width)
            self.panel.move_to([body.x0, top, 0], aligned_edge=UL)
            rect = (body.x0, bottom, body.x1, self.panel.get_bottom()[1] - 0.3)
        else:                   # plot left, panel right
            pw = min(PANEL_W, 0.46 * fw)
            if self.panel.height > top - bottom or self.panel.width > pw:
                self.panel.scale(min((top - bottom) / self.panel.height, pw / self.panel.width))
            self.panel.move_to([body.x1 - pw, top, 0], aligned_edge=UL)
            rect = (body.x0, bottom, body.x1 - pw - GAP.l, top)
        coords = [v.coords for v in sb.vectors]
        self.frame = fit_plot(coords, rect)
        self.axes = axes_cross(self.frame, th)
        self.axes.add_to_back(grid_2d(self.frame, th))      # the plane's scale, behind axes and arrows
        o = self.frame.origin
        self.tips = [self.frame.point(c) for c in coords]
        self.arrows = VGroup(*[arrow_2d(o, t, colours[v.colour]) for v, t in zip(sb.vectors, self.tips)])

        # angle arcs between pairs, only where the drawing is exact
        self.arcs = []
        segs = [(o, t) for t in self.tips]
        if sb.exact:
            r0 = 0.45
            for k, p in enumerate(sb.pairs[:3]):
                arc = self._arc(p, r0 + 0.18 * k)
                self.arcs.append(arc)
                segs += polyline_segments(arc.get_points()[::3])
        self.labels = VGroup(*[label(v.token, th, size=SIZE.chip, colour=colours[v.colour], max_width=TOKEN_W)
                               for v in sb.vectors])
        for v, lab, arrow in zip(sb.vectors, self.labels, self.arrows):
            marks.labels(marks.token(lab, v.token), marks.token(arrow, v.token))
        place_labels(list(self.labels), [[t] for t in self.tips], [v.direction for v in sb.vectors], segs,
                     rect, avoid=[box_of(self.panel, 0.1), box_of(self.note, 0.1)])
        self._unit_circle(rect, segs)

    def _unit_circle(self, rect, segs) -> None:
        """A faint dashed circle of length 1 behind the arrows (the part of it inside the plot), where lengths are
        drawn true and it is a readable size: each arrow's length reads against it."""
        sb, th = self.storyboard, self.theme
        o, u = self.frame.origin, self.frame.unit
        x0, y0, x1, y1 = rect
        if not sb.exact or u < 0.35:
            return
        ts = np.linspace(0.0, 2 * np.pi, 181)[:-1]
        inside = [x0 <= o[0] + u * np.cos(t) <= x1 and y0 <= o[1] + u * np.sin(t) <= y1 for t in ts]
        if all(inside):
            start, span = 0.0, 2 * np.pi
        else:       # the longest run of the circle inside the plot, read around from an outside point
            k0 = inside.index(False)
            order = [(k0 + i) % len(ts) for i in range(len(ts))]
            best, run = (0, 0), (0, 0)
            for i, k in enumerate(order):
                run = (run[0], run[1] + 1) if inside[k] else (i + 1, 0)
                if run[1] > best[1]:
                    best = run
            if best[1] < 30:            # less than 60 degrees of it: no circle
                return
            step = ts[1] - ts[0]
            start, span = ts[order[best[0]]], (best[1] - 1) * step
        circle = DashedVMobject(Arc(radius=u, start_angle=start, angle=span, arc_center=o, color=th.faint,
                                    stroke_width=1.5), num_dashes=max(8, int(40 * span / (2 * np.pi))))
        name = label("\u2016v\u2016 = 1", th, size=SIZE.small, colour=th.muted)
        mid = start + span / 2
        ring = [o + u * np.array([np.cos(t), np.sin(t), 0.0]) for t in np.linspace(start, start + span, 25)]
        place_labels([name], [[o + u * np.array([np.cos(mid), np.sin(mid), 0.0])]], [float(np.degrees(mid))],
                     segs + polyline_segments(ring), rect,
                     avoid=[box_of(m, 0.05) for m in (*self.labels, self.panel, self.note)])
        if any(segment_hits_box(p, q, box_of(name, 0.02)) for p, q in segs) or \
                any(boxes_overlap(box_of(name, 0.02), box_of(m)) for m in self.labels):
            return
        marks.labels(name, circle)
        self.axes.add(marks.role(circle, marks.DECOR), name)

    def _arc(self, p, radius):
        sb = self.storyboard
        a, b = sb.vectors[p.a], sb.vectors[p.b]
        start, sweep = a.direction, b.direction - a.direction
        if sweep > 180:
            sweep -= 360
        elif sweep < -180:
            sweep += 360
        return Arc(radius=radius, start_angle=np.radians(start), angle=np.radians(sweep), arc_center=self.frame.origin,
                   color=self.theme.text, stroke_width=2.5)

    def beats(self) -> list[Beat]:
        return [Beat(self._show_arrows), Beat(self._show_lengths), Beat(self._show_pairs)]

    def _show_arrows(self, beat: Beat) -> None:
        self.play(FadeIn(self.axes), run_time=0.5)
        self.play(LaggedStart(*[GrowArrow(a) for a in self.arrows], lag_ratio=0.25, run_time=1.4))
        self.play(LaggedStart(*[FadeIn(l) for l in self.labels], lag_ratio=0.15, run_time=0.8))

    def _show_lengths(self, beat: Beat) -> None:
        self.play(FadeIn(self.note), FadeIn(self.len_head), FadeIn(self.len_rows), run_time=0.8)

    def _show_pairs(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        if len(self.pair_rows):
            self.play(FadeIn(self.pair_head), run_time=0.4)
            for k, (p, row) in enumerate(zip(sb.pairs, self.pair_recs)):
                anims = [FadeIn(row), Indicate(self.arrows[p.a], scale_factor=1.0, color=th.accent),
                         Indicate(self.arrows[p.b], scale_factor=1.0, color=th.accent)]
                if k < len(self.arcs):
                    anims.append(Create(self.arcs[k]))
                self.play(*anims, run_time=0.7)
        beat.finish()
        self.wait(0.6)
