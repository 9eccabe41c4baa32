"""The analogy's parallelogram: a, b, c as arrows, the difference b → a moved to c, the result landing.

Built once from the storyboard's :class:`~embedcore.segments.analogy.Parallelogram` (positions
come from embedcore); the methods return the animations, in the order a teacher would draw it.
"""
from __future__ import annotations

import numpy as np
from manim import (
    Animation,
    Arc,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    GrowArrow,
    GrowFromCenter,
    LaggedStart,
    ReplacementTransform,
    VGroup,
)

from embedcore.segments.analogy import Parallelogram

from ..layout import Box
from ..theme import GAP, SIZE, Theme
from .clearing import FadeOutAll
from .text import label
from .vectors import arrow_2d, fit_plot, place_labels, plot_and_note

TINY = 1e-6         # a drawn length below this is a point, not an arrow


def _arrow(start: np.ndarray, end: np.ndarray, colour: str, width: float):
    """An arrow, or a dot where the vector has no drawn length (a zero row, a cancelled difference)."""
    if np.linalg.norm(end - start) < TINY:
        return Dot(end, radius=0.06, color=colour)
    return arrow_2d(start, end, colour, width=width)


def _grow(m) -> Animation:
    return GrowArrow(m) if not isinstance(m, Dot) else GrowFromCenter(m)


class ParallelogramPicture(VGroup):
    """a, b, c from the origin; b → a (the difference) and the same arrow moved to start at c;
    the dashed sides closing the parallelogram; the result beside the answer, the angle between
    them (what the cosine measures) marked; the projection note under it."""

    def __init__(self, plane: Parallelogram, region: Box, theme: Theme, colours: tuple[str, str, str, str],
                 **kwargs) -> None:
        super().__init__(**kwargs)
        th = theme
        pts = {p.role: p for p in plane.points}
        self.note, rect = plot_and_note(plane.note, th, region, widest=2.2)
        plot_w = rect[2] - rect[0]
        # the picture is scale-free: the longest vector is 1 before fitting (fit_plot caps a unit's length)
        longest = max([float(np.linalg.norm(p.xy)) for p in plane.points] + [TINY])
        frame = fit_plot([np.array(p.xy) / longest for p in plane.points], rect, margin=0.55)
        frame.unit /= longest
        at = {k: frame.point(p.xy) for k, p in pts.items()}
        o = frame.origin
        self.axes = Dot(o, radius=0.05, color=th.muted)       # the origin: the projected axes would mean nothing
        ca, cb, cc, cw = colours
        self.inputs = VGroup(*[_arrow(o, at[k], col, 5) for k, col in (("a", ca), ("b", cb), ("c", cc))])
        self.difference = _arrow(at["b"], at["a"], th.accent, 6)
        self.moved = _arrow(at["c"], at["result"], th.accent, 6)
        self.sides = VGroup(DashedLine(at["b"], at["c"], color=th.muted, stroke_width=2, dash_length=0.1),
                            DashedLine(at["a"], at["result"], color=th.muted, stroke_width=2, dash_length=0.1))
        self.result = VGroup(Dot(at["result"], radius=0.09, color=th.accent),
                             DashedLine(o, at["result"], color=th.accent, stroke_width=2, dash_length=0.08))
        self.answer = _arrow(o, at["answer"], cw, 4)
        r, w = np.array(pts["result"].xy), np.array(pts["answer"].xy)
        self.angle = VGroup()
        if np.linalg.norm(r) > TINY and np.linalg.norm(w) > TINY:
            t0, t1 = np.arctan2(r[1], r[0]), np.arctan2(w[1], w[0])
            sweep = (t1 - t0 + np.pi) % (2 * np.pi) - np.pi
            if abs(sweep) > 1e-3:
                rad = 0.35 * min(np.linalg.norm(at["result"] - o), np.linalg.norm(at["answer"] - o))
                self.angle.add(Arc(radius=rad, start_angle=t0, angle=sweep, arc_center=o, color=th.accent,
                                   stroke_width=3))
        names = [(pts["a"].token, ca, "a"), (pts["b"].token, cb, "b"), (pts["c"].token, cc, "c"),
                 (pts["answer"].token, cw, "answer")]
        self.labels = VGroup(*[label(t, th, size=SIZE.label, colour=col, max_width=plot_w / 3) for t, col, _ in names])
        self.diff_label = label(plane.difference, th, size=SIZE.note, colour=th.accent, max_width=plot_w / 2.5)
        # every line drawn: the arrows, the two moved differences and the dashed sides that close the shape
        segs = [(o, at[k]) for k in ("a", "b", "c", "answer", "result")] + [
            (at["b"], at["a"]), (at["c"], at["result"]), (at["b"], at["c"]), (at["a"], at["result"])]
        dirs = [float(np.degrees(np.arctan2(*(at[k] - o)[[1, 0]]))) if np.linalg.norm(at[k] - o) > TINY else 90.0
                for _, _, k in names]
        place_labels(list(self.labels), [[at[k]] for _, _, k in names], dirs, segs, rect, pad=GAP.s)  # heads are wide
        # the difference's label goes by whichever of its two copies has room closest to it
        d = at["a"] - at["b"]
        normal = np.array([-d[1], d[0], 0.0]) / max(np.linalg.norm(d), TINY)
        best = None
        for k, mid in enumerate(((at["b"] + at["a"]) / 2, (at["c"] + at["result"]) / 2)):
            for side in (1, -1):
                place_labels([self.diff_label], [[mid]], [float(np.degrees(np.arctan2(side * normal[1],
                                                                                      side * normal[0])))],
                             segs, rect, avoid=[_box(m) for m in self.labels])
                far = float(np.linalg.norm(self.diff_label.get_center() - mid))
                if best is None or far < best[0] - 1e-6:
                    best = (far, self.diff_label.get_center().copy(), k)
        self.diff_label.move_to(best[1])
        self.label_on_moved = best[2] == 1
        self.add(self.axes, self.inputs, self.labels[:3], self.difference, self.diff_label, self.moved, self.sides,
                 self.result, self.answer, self.labels[3], self.angle, self.note)

    # -- the steps, in order -------------------------------------------------
    def draw_inputs(self) -> Animation:
        """The plane, then a, b and c as arrows from the origin, each with its label."""
        return LaggedStart(FadeIn(self.axes), *[LaggedStart(_grow(a), FadeIn(t), lag_ratio=0.5)
                                                for a, t in zip(self.inputs, self.labels[:3])], lag_ratio=0.35)

    def draw_difference(self) -> Animation:
        """b → a: what separates a from b, as one arrow."""
        if self.label_on_moved:
            return _grow(self.difference)
        return LaggedStart(_grow(self.difference), FadeIn(self.diff_label), lag_ratio=0.6)

    def move_difference(self) -> Animation:
        """The same arrow, moved (not redrawn) to start at c's tip: it ends at a − b + c."""
        move = ReplacementTransform(self.difference.copy(), self.moved)
        return LaggedStart(move, FadeIn(self.diff_label), lag_ratio=0.7) if self.label_on_moved else move

    def close(self) -> Animation:
        """The dashed sides close the parallelogram; the result's point lands."""
        return LaggedStart(*[Create(s) for s in self.sides], GrowFromCenter(self.result[0]), lag_ratio=0.4)

    def show_answer(self) -> Animation:
        """The nearest token's arrow beside the result's direction; the angle between them is what cosine scores."""
        return LaggedStart(Create(self.result[1]), _grow(self.answer), FadeIn(self.labels[3]),
                           *([Create(self.angle)] if len(self.angle) else []), FadeIn(self.note), lag_ratio=0.3)

    def clear(self) -> Animation:
        return FadeOutAll(self)


def _box(m):
    (x0, y0, _), (x1, y1, _) = m.get_corner([-1, -1, 0]), m.get_corner([1, 1, 0])
    return (x0, y0, x1, y1)
