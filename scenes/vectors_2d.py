"""Scene for the ``vectors-2d`` segment: labelled arrows on a plane, a panel of
lengths and pair cosines, and a note saying how the plane was chosen."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    Arc,
    Create,
    DashedVMobject,
    GrowArrow,
    Indicate,
    LaggedStart,
    VGroup,
)

from embedcore.segments._geometry import VectorsStoryboard

from . import layout, marks
from .base import Beat, SegmentScene
from .components.emphasis import fade_in_still, fade_out_still
from .components.tables import TOKEN_WIDTHS as TABLE_WIDTHS
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

PLOT_ASPECT = (0.75, 1.6)   # the plot's width / height: its arrows', within these (labels need room)
#: how far past its tip a label may go looking for room (scene units): far enough that eight long labels find it
LABEL_REACH = (0.0, GAP.s, GAP.m + GAP.s, GAP.xl, GAP.xl + GAP.l, 2 * GAP.xl, 2 * GAP.xl + GAP.l)
FIT_MARGIN = 0.75       # plot edge to the outermost tip, at first (room for a label)
FIT_TRIES = 6           # margins tried, each a panel gap wider, before the last placement is kept
ARC_RADIUS = 0.45       # the first angle arc's radius; each next pair's is ARC_STEP larger (picture geometry)
ARC_STEP = 0.18
TOKEN_W = 2.6        # a token label longer than this is cut with "…" (the panel names it in full)
#: the widths tried in turn when labels find no clear place at any margin (a few letters and "…" at the least)
TOKEN_WIDTHS = (TOKEN_W, 2.0, 1.5, 1.0)


def _inside(mob, region: layout.Box, eps: float = 1e-3) -> bool:
    b = layout.bounds([mob])
    return b.x0 >= region.x0 - eps and b.x1 <= region.x1 + eps and b.y0 >= region.y0 - eps and b.y1 <= region.y1 + eps


class Vectors2DScene(SegmentScene):
    storyboard: VectorsStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "note"), ("panel",), ("arrows", "labels"))
    TAKE_TURNS = (("panel", "arrows"), ("panel", "labels"))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        colours = [self.colour_of(v.token) for v in sb.vectors]
        self.colours = colours
        body = self.regions.body

        self.note = wrapped(sb.projection_note, th, size=SIZE.note, colour=th.muted if sb.exact else th.accent,
                            max_width=body.width, buff=GAP.xs)
        self.note.next_to(self.header, DOWN, buff=GAP.s).align_to(self.title, LEFT)
        region = layout.Box(body.x0, body.y0, body.x1, self.note.get_bottom()[1] - GAP.m)
        # the panel of lengths and cosines keeps its own size, beside or under the plot, whichever draws the
        # plot larger; the lengths one or two to a line, whichever of those draws it larger still
        coords = [v.coords for v in sb.vectors]
        pts = np.array([[0.0, 0.0]] + [list(c[:2]) for c in coords])
        span = np.maximum(pts.max(0) - pts.min(0), 1e-9)
        aspect = float(np.clip(span[0] / span[1], *PLOT_ASPECT))
        sizes = []
        for per_line in (None, 1):
            self._build_panel(colours, per_line)
            main, _ = layout.main_and_side([self.panel], region, aspect=aspect)
            sizes.append(min(main.width / aspect, main.height))
        per_line = None if sizes[0] >= sizes[1] else 1
        self._build_panel(colours, per_line)
        main, _ = layout.main_and_side([self.panel], region, aspect=aspect)
        # when the panel does not fit beside or under the plot even at the text floor (many long tokens in a
        # short body), the two take turns: the plot fills the region, then gives it to the panel (its lengths
        # and pairs side by side or stacked, whichever draws them larger), then takes it back for the arcs
        self.turns = not _inside(self.panel, region)
        # (tokens cut shorter when that is what lets the panel fit at the floor)
        if self.turns:
            fits = {}
            for token_w in TABLE_WIDTHS:
                for per_line in (None, 1):
                    self._build_panel(colours, per_line, token_w)
                    scale = layout.arrange([[p] for p in self.panel.submobjects], region, max_scale=1.0,
                                           apply=False)[1]
                    fits[token_w, per_line] = scale / layout.floor_scale([self.panel])
                if max(fits[token_w, None], fits[token_w, 1]) >= 1 - 1e-6:
                    break
            self._build_panel(colours, *max(fits, key=lambda k: (min(fits[k], 1.0), k[0], fits[k]))[::-1])
            layout.arrange([[p] for p in self.panel.submobjects], region, max_scale=1.0)
            main = region
        rect = (main.x0, main.y0, main.x1, main.y1)
        # the arrows as large as leaves their labels room: when a label finds no clear place, the arrows are
        # drawn shorter (more margin round them) and the labels placed again
        # (the arrows keep a span of two panel gaps at least); the try with the fewest clashes is kept
        short = min(rect[2] - rect[0], rect[3] - rect[1])
        margins = [m for m in FIT_MARGIN + GAP.l * np.arange(FIT_TRIES) if m <= short / 2 - GAP.l] or [FIT_MARGIN]
        # when no margin clears them all, the labels are cut shorter with "…" (the panel names each token longer)
        best = None
        tries = [(w, m) for w in TOKEN_WIDTHS for m in margins]
        for width, margin in tries:
            segs = self._draw_plane(coords, rect, margin, width)
            clashes = self._clashes(rect, segs)
            if best is None or clashes < best[0]:
                best = (clashes, (width, margin))
            if not clashes:
                break
        if best[1] != (width, margin):
            segs = self._draw_plane(coords, rect, *best[1])
        self._unit_circle(rect, segs)

    def _draw_plane(self, coords, rect, margin: float, token_w: float = TOKEN_W) -> list:
        """Axes, arrows, arcs and labels in ``rect`` with ``margin`` round the arrows; returns the segments
        (shafts and arcs) labels keep clear of."""
        sb, th, colours = self.storyboard, self.theme, self.colours
        self.frame = fit_plot(coords, rect, margin=margin)
        self.axes = axes_cross(self.frame, th)
        self.axes.add_to_back(grid_2d(self.frame, th))      # the plane's scale, behind axes and arrows
        o = self.frame.origin
        self.tips = [self.frame.point(c) for c in coords]
        self.arrows = VGroup(*[arrow_2d(o, t, colours[v.colour]) for v, t in zip(sb.vectors, self.tips)])

        # angle arcs between pairs, only where the drawing is exact
        self.arcs = []
        segs = [(o, t) for t in self.tips]
        if sb.exact:
            for k, p in enumerate(sb.pairs[:3]):
                arc = self._arc(p, ARC_RADIUS + ARC_STEP * k)
                self.arcs.append(arc)
                segs += polyline_segments(arc.get_points()[::3])
        self.labels = VGroup(*[label(v.token, th, size=SIZE.chip, colour=colours[v.colour], max_width=token_w)
                               for v in sb.vectors])
        for v, lab, arrow in zip(sb.vectors, self.labels, self.arrows):
            marks.labels(marks.token(lab, v.token), marks.token(arrow, v.token))
        place_labels(list(self.labels), [[t] for t in self.tips], [v.direction for v in sb.vectors], segs,
                     rect, avoid=[*self._keep_clear(), *self._heads()], extras=LABEL_REACH)
        return segs

    def _keep_clear(self) -> list:
        """What labels keep clear of besides the plot: the note, and the panel unless it takes turns with the plot."""
        return [box_of(m, GAP.s) for m in self._beside_plot()]

    def _beside_plot(self) -> list:
        return [self.note] if self.turns else [self.panel, self.note]

    def _heads(self) -> list:
        """Arrowheads are wider than their shafts: each is a box to keep clear of (a label sits beyond its own)."""
        return [box_of(a.tip, GAP.xs) for a in self.arrows]

    def _clashes(self, rect, segs) -> int:
        """How many labels are not inside ``rect`` and clear of the other labels, of the panel and the
        note, and of every shaft, arc and arrowhead but their own arrow's (0: all clear)."""
        boxes = [box_of(lab) for lab in self.labels]
        heads, keep = self._heads(), self._keep_clear()
        shafts = [(a.get_start(), a.get_end()) for a in self.arrows]
        others = segs[len(shafts):]
        bad = 0
        for i, bx in enumerate(boxes):
            bad += not (rect[0] <= bx[0] and bx[2] <= rect[2] and rect[1] <= bx[1] and bx[3] <= rect[3]) \
                or any(boxes_overlap(bx, o) for o in [*boxes[i + 1:], *keep]) \
                or any(j != i and (segment_hits_box(p, q, bx) or boxes_overlap(bx, heads[j]))
                       for j, (p, q) in enumerate(shafts)) or any(segment_hits_box(p, q, bx) for p, q in others)
        return bad

    def _build_panel(self, colours, per_line: int | None, token_w: float = TABLE_WIDTHS[0]) -> None:
        """The panel at its own size: lengths (``per_line`` to a line), then the pair cosines; the pairs'
        heading wraps to the rows' width, so it never widens the panel."""
        sb, th = self.storyboard, self.theme
        self.len_head = label("length \u2016v\u2016", th, size=SIZE.cell, colour=th.muted)
        self.len_rows, self.len_recs = length_rows(sb, th, colours, per_line=per_line, token_w=token_w)
        self.pair_rows, self.pair_recs = pair_rows(sb, th, colours, token_w=token_w)
        head = "cosine similarity \u00b7 angle" + ("" if sb.exact else f"  (full {sb.dim}-d vectors)")
        width = max(self.len_rows.width, self.pair_rows.width if len(self.pair_rows) else 0.0, self.len_head.width)
        self.pair_head = wrapped(head, th, size=SIZE.cell, colour=th.muted, max_width=width, buff=GAP.xs, max_lines=4)
        lengths = VGroup(self.len_head, self.len_rows).arrange(DOWN, aligned_edge=LEFT, buff=GAP.m)
        parts = [lengths]
        if len(self.pair_rows):
            parts.append(VGroup(self.pair_head, self.pair_rows).arrange(DOWN, aligned_edge=LEFT, buff=GAP.m))
        self.panel = VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=GAP.l)

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
                     avoid=[box_of(m, 0.05) for m in (*self.labels, *self._beside_plot())])
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
        self.play(fade_in_still(self.axes), run_time=0.5)
        self.play(LaggedStart(*[GrowArrow(a) for a in self.arrows], lag_ratio=0.25, run_time=1.4))
        self.play(LaggedStart(*[fade_in_still(l) for l in self.labels], lag_ratio=0.15, run_time=0.8))

    def _plot(self) -> VGroup:
        return VGroup(self.axes, self.arrows, self.labels)

    def _show_lengths(self, beat: Beat) -> None:
        if self.turns:      # the plot gives the body to the panel
            self.play(fade_out_still(self._plot()), run_time=0.5)
        self.play(fade_in_still(self.note), fade_in_still(self.len_head), fade_in_still(self.len_rows), run_time=0.8)

    def _show_pairs(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        if len(self.pair_rows):
            self.play(fade_in_still(self.pair_head), run_time=0.4)
            for k, (p, row) in enumerate(zip(sb.pairs, self.pair_recs)):
                # the pair's two tokens light up where they are shown: their arrows, or (while the panel has
                # the body) their lengths; the arcs are drawn once the plot is back
                named = [self.len_recs[p.a], self.len_recs[p.b]] if self.turns else [self.arrows[p.a], self.arrows[p.b]]
                anims = [fade_in_still(row), *[Indicate(m, scale_factor=1.0, color=th.accent) for m in named]]
                if k < len(self.arcs) and not self.turns:
                    anims.append(Create(self.arcs[k]))
                self.play(*anims, run_time=0.7)
            if self.turns:  # the panel gives the body back to the plot: each pair's angle on its arrows
                self.play(fade_out_still(self.panel), fade_in_still(self._plot()), run_time=0.6)
                for k, p in enumerate(sb.pairs):
                    self.play(*[Indicate(self.arrows[i], scale_factor=1.0, color=th.accent) for i in (p.a, p.b)],
                              *([Create(self.arcs[k])] if k < len(self.arcs) else []), run_time=0.5)
        beat.finish()
        self.wait(0.6)
