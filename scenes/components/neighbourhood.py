"""The two meanings of "near" in one picture: the cosine cone around the query's direction and
the distance ball around its tip, with the tokens on which they disagree marked.

Built once from the storyboard's :class:`~embedcore.segments.nearest_neighbours.ConeAndBall`
(every position and number comes from embedcore); the methods return the animations.
"""
from __future__ import annotations

import numpy as np
from manim import (
    Animation,
    Circle,
    Create,
    Dot,
    FadeIn,
    GrowArrow,
    GrowFromCenter,
    LaggedStart,
    Line,
    Polygon,
    Rectangle,
    Rotate,
    VGroup,
)

from embedcore.segments.nearest_neighbours import ConeAndBall

from .. import marks
from ..layout import Box
from ..theme import GAP, SIZE, Theme
from .clearing import FadeOutAll
from .text import label, longest_word, wrapped
from .vectors import arrow_2d, box_of, boxes_overlap, fit_plot, inside, place_labels, plot_and_note, polyline_segments

THIN = 0.5          # degrees: a cone narrower than this is drawn as its edge only


def _trim_backing(readout: VGroup, region: Box) -> None:
    """A readout placed at the region's edge (no room left inside): its backing's margin, not its words,
    may pass the edge; trim the backing to the region (it only shows over the cone and the ball)."""
    backing = readout[0]
    x0, y0, x1, y1 = box_of(backing)
    nx0, ny0, nx1, ny1 = max(x0, region.x0), max(y0, region.y0), min(x1, region.x1), min(y1, region.y1)
    if (nx0, ny0, nx1, ny1) != (x0, y0, x1, y1) and nx1 > nx0 and ny1 > ny0:
        backing.stretch_to_fit_width(nx1 - nx0).stretch_to_fit_height(ny1 - ny0)
        backing.move_to([(nx0 + nx1) / 2, (ny0 + ny1) / 2, 0])


class ConeAndBallPicture(VGroup):
    """The query as an arrow on +x; each neighbour a dot at its true angle and length; the cone
    (angle ≤ the widest of the cosine top k) and the ball (distance ≤ the largest of the distance
    top k); tokens inside only one of them ringed in the accent colour."""

    def __init__(self, pic: ConeAndBall, query: str, region: Box, theme: Theme, *, query_colour: str,
                 cone_colour: str, ball_colour: str, **kwargs) -> None:
        super().__init__(**kwargs)
        th = theme
        self.accent = th.accent
        self.note, rect = plot_and_note(pic.note, th, region, widest=2.0)
        plot_w = rect[2] - rect[0]
        # in a wide area the query points up (the cone then opens sideways, where the room is);
        # a rotation keeps every angle, length and gap the storyboard drew true
        turn = 90.0 if plot_w > 1.2 * (rect[3] - rect[1]) else 0.0
        c, s_ = np.cos(np.radians(turn)), np.sin(np.radians(turn))
        rot = np.array([[c, -s_], [s_, c]])
        q = rot @ np.array(pic.query_xy)
        pts = [rot @ np.array(p.xy) for p in pic.points]
        reach = 1.12 * max([float(np.linalg.norm(p)) for p in pts] + [float(np.linalg.norm(q))])
        half = pic.half_angle
        arc = [reach * np.array([np.cos(t), np.sin(t)])
               for t in np.radians(turn + np.linspace(-half, half, 25))]
        ball = [q + pic.radius * np.array(v) for v in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        fit = [*pts, q, *arc, *ball]
        longest = max(float(np.linalg.norm(p)) for p in fit) or 1.0      # scale-free: fit_plot caps a unit
        frame = fit_plot([p / longest for p in fit], rect, margin=0.45)
        frame.unit /= longest
        o = frame.origin
        at_q = frame.point(q)
        # the cone: a filled sector from the origin; its two edges open from the query's direction
        self.cone = VGroup()
        if half > THIN:
            edge = [frame.point(p) for p in arc]
            self.cone.add(Polygon(o, *edge, stroke_color=cone_colour, stroke_width=1.5, stroke_opacity=0.5,
                                  fill_color=cone_colour, fill_opacity=0.16))
        end = o + reach * frame.unit * np.array([c, s_, 0.0])
        self.edges = VGroup(Line(o, end, color=cone_colour, stroke_width=3),
                            Line(o, end, color=cone_colour, stroke_width=3))
        self.half = np.radians(half)
        self.ball = Circle(radius=pic.radius * frame.unit, arc_center=at_q, color=ball_colour, stroke_width=3,
                           fill_color=ball_colour, fill_opacity=0.14)
        self.query = arrow_2d(o, at_q, query_colour, width=6) if np.linalg.norm(q) > 0 else Dot(o)
        self.query_label = label(query, th, size=SIZE.label, colour=query_colour, max_width=plot_w / 3)
        self.dots = VGroup()
        self.rings = VGroup()
        xys, dirs = [], []
        for p, xy_ in zip(pic.points, pts):
            xy = frame.point(xy_)
            xys.append(xy)
            self.dots.add(Dot(xy, radius=0.07, color=th.text))
            dirs.append(float(np.degrees(np.arctan2(xy_[1], xy_[0]))) if any(p.xy) else turn - 90.0)
            if p.by_cosine != p.by_distance:
                self.rings.add(Circle(radius=0.16, arc_center=xy, color=th.accent, stroke_width=3))
        def readout(text: str, colour: str, width: float) -> VGroup:
            """Wrapped rather than cut (the number must stay), never narrower than its longest word; on a
            backing of the background's colour, so it reads where it lies over the tinted cone or ball."""
            words = wrapped(text, th, size=SIZE.note, colour=colour, max_lines=4, buff=GAP.xs,
                            max_width=max(width, longest_word(text, th, size=SIZE.note)))
            backing = Rectangle(width=words.width + 2 * GAP.xs, height=words.height + 2 * GAP.xs, stroke_width=0,
                                fill_color=th.background, fill_opacity=0.92).move_to(words)
            marks.labels(words, backing)       # its own panel: the words may touch its edge
            return VGroup(backing, words)

        self.cone_label = readout(pic.cone_label, cone_colour, plot_w / 2)
        self.ball_label = readout(pic.ball_label, ball_colour, plot_w / 2)
        top = frame.point(arc[-1])
        ring = [at_q + pic.radius * frame.unit * np.array([np.cos(t), np.sin(t), 0.0])
                for t in np.linspace(0, 2 * np.pi, 33)]
        rim = [frame.point(p) for p in arc]
        segs = ([(o, at_q), (o, top), (o, rim[0])] + polyline_segments(ring)
                + (polyline_segments(rim) if half > THIN else []))
        side = np.radians(turn - 90.0)      # the ball's label: below it, or right of it when the query points up
        # the cone's label at its edge, or at its side when it opens wider than a right angle (its far edge
        # then points back past the origin, where the other labels and the note are)
        wing = min(half, 90.0)
        beside = frame.point(reach * np.array([np.cos(np.radians(turn + wing)), np.sin(np.radians(turn + wing))]))
        anchors = [[at_q], [beside], [at_q + pic.radius * frame.unit * np.array([np.cos(side), np.sin(side), 0.0])]]
        directions = [turn, turn + max(wing, 20.0) + 10.0, turn - 90.0]
        ball_r = pic.radius * frame.unit

        def place_readouts() -> None:
            """The query's name, then the two readouts clear of it. The name may step out past the ball's rim
            (at the ball's centre it has no clear place nearer when it is wider than the ball)."""
            keep = [box_of(self.note), *map(box_of, self.rings)]
            place_labels([self.query_label], anchors[:1], directions[:1], segs, rect,
                         avoid=[*keep, *map(box_of, self.dots)],
                         extras=(0.0, 0.2, 0.45, 0.8, 1.2, ball_r + GAP.s, ball_r + GAP.m))
            place_labels([self.cone_label, self.ball_label], anchors[1:], directions[1:], segs, rect,
                         avoid=[*keep, box_of(self.query_label)], extras=(0.0, 0.2, 0.45, 0.8, 1.2))
        place_readouts()
        # a readout with no room beside its shape (a narrow picture) goes onto narrower lines, not off the edge
        if not all(inside(box_of(m), rect) for m in (self.cone_label, self.ball_label)):
            self.cone_label, self.ball_label = (
                m if inside(box_of(m), rect) else readout(text, col, min(m.width * 0.62, plot_w / 2))
                for text, m, col in ((pic.cone_label, self.cone_label, cone_colour),
                                     (pic.ball_label, self.ball_label, ball_colour)))
            place_readouts()
        for m in (self.cone_label, self.ball_label):
            _trim_backing(m, region)
        avoid = [box_of(m) for m in (self.query_label, self.cone_label, self.ball_label, *self.dots, *self.rings)]
        self._name_points(pic, th, xys, dirs, segs, rect, avoid, max_width=plot_w / 4)
        self.add(self.cone, self.edges, self.ball, self.query, self.query_label, self.dots, self.names, self.rings,
                 self.cone_label, self.ball_label, self.note)

    def _name_points(self, pic, th, xys, dirs, segs, rect, avoid, *, max_width: float) -> None:
        """One name label per point, placed clear of the others; points whose names cannot be placed apart
        (a large vocabulary in few dimensions puts neighbours almost on one spot) share one label that
        names them all ("w14, w15"), at the first one. ``self.names`` keeps one entry per dot (empty for a
        dot whose name another label carries), so entrances and recolouring stay per point."""
        groups = [[i] for i in range(len(xys))]
        while True:
            labels = [label(", ".join(pic.points[i].token for i in g), th, size=SIZE.label, colour=th.text,
                            max_width=max_width) for g in groups]
            place_labels(labels, [[xys[g[0]]] for g in groups], [dirs[g[0]] for g in groups], segs, rect,
                         avoid=avoid, gap=0.22, extras=(0.0, 0.2, 0.45, 0.8, 1.1))
            boxes = [box_of(m, pad=0.03) for m in labels]
            clash = next(((a, b) for a in range(len(groups)) for b in range(a + 1, len(groups))
                          if boxes_overlap(boxes[a], boxes[b])), None)
            if clash is None and len(groups) > 1:       # a name with no free place left: it joins its nearest
                bad = next((a for a in range(len(groups)) if any(boxes_overlap(boxes[a], o) for o in avoid)), None)
                if bad is not None:
                    near = min((g for g in range(len(groups)) if g != bad),
                               key=lambda g: float(np.linalg.norm(xys[groups[g][0]] - xys[groups[bad][0]])))
                    clash = (min(bad, near), max(bad, near))
            if clash is None:
                break
            a, b = clash
            groups[a] += groups.pop(b)
        by_point = {g[0]: lab for g, lab in zip(groups, labels)}
        self.names = VGroup(*[by_point.get(i, VGroup()) for i in range(len(xys))])
        self.split_names = VGroup(*[lab for g, lab in zip(groups, labels)
                                    if any(pic.points[i].by_cosine != pic.points[i].by_distance for i in g)])

    # -- the steps, in order -------------------------------------------------
    def draw_query(self) -> Animation:
        return LaggedStart(GrowArrow(self.query) if not isinstance(self.query, Dot) else FadeIn(self.query),
                           FadeIn(self.query_label), lag_ratio=0.5)

    def draw_points(self) -> Animation:
        """The neighbours from both lists, each at its true angle from the query and true length."""
        return LaggedStart(*[LaggedStart(GrowFromCenter(d), FadeIn(n), lag_ratio=0.4)
                             for d, n in zip(self.dots, self.names)], FadeIn(self.note), lag_ratio=0.12)

    def sweep_cone(self) -> Animation:
        """The cone opens from the query's direction to the widest angle in the cosine top k."""
        return LaggedStart(Rotate(self.edges[0], self.half, about_point=self.edges[0].get_start()),
                           Rotate(self.edges[1], -self.half, about_point=self.edges[1].get_start()),
                           *[FadeIn(c) for c in self.cone], FadeIn(self.cone_label), lag_ratio=0.0)

    def grow_ball(self) -> Animation:
        """The ball grows around the query's tip to the largest distance in the distance top k."""
        return LaggedStart(GrowFromCenter(self.ball), FadeIn(self.ball_label), lag_ratio=0.5)

    def mark_disagreement(self) -> Animation:
        """Tokens inside one region only: ringed, their names in the accent colour."""
        return LaggedStart(LaggedStart(*[Create(r) for r in self.rings], lag_ratio=0.3),
                           LaggedStart(*[n.animate.set_color(self.accent) for n in self.split_names], lag_ratio=0.3),
                           lag_ratio=0.3)

    def clear(self) -> Animation:
        return FadeOutAll(self)
