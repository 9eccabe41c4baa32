"""Pieces for the geometry segments: fitting arrows into a plot area, drawing
2D arrows, and placing labels so they never touch each other or an arrow.

Everything here is layout (positions in scene units); the coordinates and
numbers come from storyboards.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import Arrow, DashedLine, Dot, Line, VGroup

from .. import marks
from ..layout import Box as Region
from ..theme import GAP, SIZE, Theme
from .text import baseline_y, longest_word, sit_on, wrapped

Box = tuple[float, float, float, float]          # x0, y0, x1, y1


@dataclass
class PlotFrame:
    """Maps plane coordinates to scene points: ``origin + unit * (x, y)``."""

    origin: np.ndarray
    unit: float
    rect: Box                                    # the area the plot may use

    def point(self, xy: Sequence[float]) -> np.ndarray:
        return self.origin + self.unit * np.array([xy[0], xy[1], 0.0])


def fit_plot(points: Sequence[Sequence[float]], rect: Box, *, margin: float = 0.75) -> PlotFrame:
    """Uniform scale + shift so the origin and every point fit ``rect`` with ``margin``
    left around them for labels. Angles are unchanged (one scale for x and y)."""
    pts = np.array([[0.0, 0.0]] + [[p[0], p[1]] for p in points])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    x0, y0, x1, y1 = rect
    unit = min((x1 - x0 - 2 * margin) / span[0], (y1 - y0 - 2 * margin) / span[1])
    unit = min(unit, 4.0 / max(np.linalg.norm(pts, axis=1).max(), 1e-9))   # keep arrows a sensible size
    centre_pts = (lo + hi) / 2
    centre_rect = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    origin = centre_rect - unit * centre_pts
    return PlotFrame(np.array([origin[0], origin[1], 0.0]), float(unit), rect)


def arrow_2d(start: np.ndarray, end: np.ndarray, colour: str, *, width: float = 6) -> Arrow:
    length = float(np.linalg.norm(end - start))
    tip = min(0.24, 0.35 * length)
    return Arrow(start, end, buff=0, color=colour, stroke_width=width, tip_length=tip,
                 max_tip_length_to_length_ratio=0.5, max_stroke_width_to_length_ratio=100)


def axes_cross(frame: PlotFrame, theme: Theme) -> VGroup:
    """Faint axes through the origin, across the plot area: the plane, without scales."""
    x0, y0, x1, y1 = frame.rect
    ox, oy = frame.origin[0], frame.origin[1]
    h = DashedLine([x0, oy, 0], [x1, oy, 0], color=theme.faint, stroke_width=1.5, dash_length=0.08)
    v = DashedLine([ox, y0, 0], [ox, y1, 0], color=theme.faint, stroke_width=1.5, dash_length=0.08)
    return marks.role(VGroup(h, v, Dot(frame.origin, radius=0.05, color=theme.muted)), marks.DECOR)


# -- label placement ---------------------------------------------------------

def box_of(mob, pad: float = 0.0) -> Box:
    (x0, y0, _), (x1, y1, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def boxes_overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def segment_hits_box(p: np.ndarray, q: np.ndarray, box: Box) -> bool:
    """Liang–Barsky: does the segment p→q pass through ``box``?"""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
        else:
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


def inside(box: Box, bounds: Box) -> bool:
    return box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]


def place_labels(labels: Sequence, anchors: Sequence[Sequence[np.ndarray]], directions: Sequence[float],
                 segments: Sequence[tuple[np.ndarray, np.ndarray]], bounds: Box, *,
                 avoid: Sequence[Box] = (), gap: float = 0.14, pad: float = 0.06,
                 extras: Sequence[float] = (0.0, 0.2, 0.45, 0.8)) -> list[np.ndarray]:
    """Move each label next to its anchor (an arrow tip), clear of the others.

    ``anchors[i]`` lists every position label i's tip takes (a tip that moves
    carries its label along with the same offset); ``directions[i]`` is the
    preferred direction (the arrow's, degrees). A candidate is accepted only
    if, at every anchor, its box (grown by ``pad``) stays inside ``bounds``
    and touches no ``segments`` (arrows, arcs), no ``avoid`` box and no label
    already placed. Candidates fan out from the arrow's direction, then
    further out (``extras``: the steps out from the tip). Returns the offsets (label centre − anchor).
    """
    placed: list[Box] = []
    offsets = []
    for lab, tips, base in zip(labels, anchors, directions):
        w, h = lab.width, lab.height
        best, best_score = None, None
        for extra in extras:
            for turn in (0, 20, -20, 40, -40, 65, -65, 90, -90, 120, -120, 150, -150, 180):
                a = np.radians(base + turn)
                v = np.array([np.cos(a), np.sin(a), 0.0])
                dist = gap + extra + abs(v[0]) * w / 2 + abs(v[1]) * h / 2
                off = v * dist
                score = 0
                cand_boxes = []
                for tip in tips:
                    c = tip + off
                    bx = (c[0] - w / 2 - pad, c[1] - h / 2 - pad, c[0] + w / 2 + pad, c[1] + h / 2 + pad)
                    cand_boxes.append(bx)
                    if not inside(bx, bounds):
                        score += 4
                    score += sum(3 for p, q in segments if segment_hits_box(p, q, bx))
                    score += sum(3 for o in placed if boxes_overlap(bx, o))
                    score += sum(3 for o in avoid if boxes_overlap(bx, o))
                score += extra + abs(turn) / 400          # prefer close to the tip, along the arrow
                if best_score is None or score < best_score:
                    best, best_score, best_boxes = off, score, cand_boxes
            if best_score is not None and best_score < 1:
                break
        offsets.append(best)
        placed.extend(best_boxes)
        lab.move_to(tips[0] + best)
    return offsets


def arc_points(centre: np.ndarray, radius: float, start_deg: float, sweep_deg: float, n: int = 24) -> list:
    ts = np.radians(np.linspace(start_deg, start_deg + sweep_deg, n))
    return [centre + radius * np.array([np.cos(t), np.sin(t), 0.0]) for t in ts]


def polyline_segments(points: Sequence[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(points[i], points[i + 1]) for i in range(len(points) - 1)]


def swatch(colour: str, size: float = 0.18) -> Line:
    return Line([0, 0, 0], [size * 1.6, 0, 0], color=colour, stroke_width=8)



def align_row_baselines(cells: Sequence, texts: Sequence[str | None], theme: Theme, size: float,
                        monos: Sequence[bool]) -> None:
    """Shift the Text cells of one table row so they share the first text cell's baseline."""
    ref = None
    for mob, text in zip(cells, texts):
        if text is None:
            continue
        if ref is None:
            ref = baseline_y(mob)
        else:
            sit_on(mob, ref)


GRID_STEPS = (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0)


def grid_2d(frame: PlotFrame, theme: Theme, *, min_gap: float = 0.5) -> VGroup:
    """A light grid behind the arrows, across the plot area, at the first of :data:`GRID_STEPS` (plane
    units, so lines fall on 0.5, 1, 2 …) whose lines are ``min_gap`` scene units apart or more. Decoration:
    it reads as the plane, never as a mark a label must avoid."""
    x0, y0, x1, y1 = frame.rect
    step = next((s for s in GRID_STEPS if s * frame.unit >= min_gap), GRID_STEPS[-1])
    d = step * frame.unit
    ox, oy = frame.origin[0], frame.origin[1]
    xs = ox + d * np.arange(np.ceil((x0 - ox) / d), np.floor((x1 - ox) / d) + 1)
    ys = oy + d * np.arange(np.ceil((y0 - oy) / d), np.floor((y1 - oy) / d) + 1)
    lines = [Line([x, y0, 0], [x, y1, 0]) for x in xs] + [Line([x0, y, 0], [x1, y, 0]) for y in ys]
    grid = VGroup(*lines).set_stroke(color=theme.faint, width=1, opacity=0.45)
    return marks.role(grid, marks.DECOR)


def plot_and_note(note: str, theme: Theme, region: Region, *, widest: float) -> tuple[VGroup, Box]:
    """A muted note and the box left for a plot (a picture of points, a plane), at most ``widest`` times
    as wide as tall: the note at the foot of ``region`` under the plot, or in a column beside it when
    that leaves the plot a larger square (a short, wide region: 1:1 with captions)."""
    under = wrapped(note, theme, size=SIZE.note, colour=theme.muted, max_width=region.width, centred=True,
                    buff=GAP.xs)
    under.move_to([region.centre[0], region.y0, 0], aligned_edge=[0, -1, 0])
    plot_h = region.height - under.height - GAP.m
    plot_w = min(region.width, plot_h * widest)
    rect_under = (region.centre[0] - plot_w / 2, region.y0 + under.height + GAP.m, region.centre[0] + plot_w / 2,
                  region.y1)
    side = wrapped(note, theme, size=SIZE.note, colour=theme.muted, max_lines=8, buff=GAP.xs,
                   max_width=max(region.width * 0.3, longest_word(note, theme, size=SIZE.note)))
    side_w = region.width - side.width - GAP.l
    if side.height <= region.height and min(side_w, region.height) > 1.25 * min(plot_w, plot_h):
        side.move_to([region.x1, region.centre[1], 0], aligned_edge=[1, 0, 0])
        w = min(side_w, region.height * widest)
        x = region.x0 + (side_w - w) / 2
        return side, (x, region.y0, x + w, region.y1)
    return under, rect_under
