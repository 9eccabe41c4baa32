"""Scene for the ``training`` segment: vectors moving through real training snapshots.

Left: the chosen tokens as arrows from the origin in one fixed 2D projection,
each leaving a faint trail through its per-epoch positions. Right: the epoch,
the epoch's loss (number and a growing curve) and the live cosine of chosen
pairs (number and a bar on [−1, 1]).

Motion is driven by one clock t ∈ [0, E], one play per epoch: between snapshots k and k+1 the
arrows move along the straight line between the two *real* projected
snapshots (the projection is linear, so that is the projection of the line
between the real d-dimensional snapshots). Every number on screen is the one
of the last snapshot reached, ⌊t⌋, pre-formatted by the storyboard.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UL,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Rectangle,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from embedcore.segments.training import TrainingStoryboard

from . import layout
from .base import Beat, SegmentScene
from .components.emphasis import indicate
from .components.readout import Readout
from .components.text import baseline_y, label, sit_on, wrapped
from .theme import GAP, SIZE

TRAIL_OPACITY = 0.5      # the newest step of a trail
TRAIL_FLOOR = 0.08       # what is left of a step once it has faded
TRAIL_EPOCHS = 5         # epochs over which a step fades: the recent path reads, the old one recedes
# picture geometry (scene units, or ratios): not spacing between elements
CHART_ASPECT = 1.6       # the loss chart's width / height
PLOT_ASPECT = (1.0, 1.5)  # the arrow plot's width / height: its data's, within these (labels need room sideways)
PLOT_MARGIN = 0.55       # plot edge to the outermost tip: room for a word label
CROSS_ARM = 0.12         # half the origin cross
BAR_W = 2.0              # a cosine bar's track, −1 to +1
BAR_TICK = 0.13          # half the bar's zero tick
NAME_W = 1.5             # a pair's name is cut with "…" beyond this
#: the loss chart's y axis is at least this many of its own title's lines tall, or it takes turns with the plot
CHART_LINES = 8


def trail_opacity(age: float) -> float:
    """Opacity of a trail step finished ``age`` epochs ago (negative: not yet finished)."""
    return TRAIL_FLOOR + (TRAIL_OPACITY - TRAIL_FLOOR) * float(np.clip(1 - age / TRAIL_EPOCHS, 0.0, 1.0))


def _boxes_overlap(a, b, pad: float = 0.04) -> bool:
    return not (a[2] + pad < b[0] or b[2] + pad < a[0] or a[3] + pad < b[1] or b[3] + pad < a[1])


class TrainingScene(SegmentScene):
    storyboard: TrainingStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header",), ("plot_frame",), ("note",), ("readouts",), ("chart_panel",))
    TAKE_TURNS = (("plot_frame", "chart_panel"),)

    # -- layout -------------------------------------------------------------
    def build_body(self) -> None:
        """Three panels laid out by measurement (:mod:`scenes.layout`): the readouts column keeps its own
        size and goes beside or under the figure, whichever draws the figure larger; the figure -- the
        arrow plot and the loss chart -- fills the rest, side by side or stacked, whichever is larger."""
        sb = self.storyboard
        self.colours = [self.colour_of(t) for t in sb.tokens]
        self._build_readouts()
        pts = np.array(sb.points, dtype=float)                     # [E+1, n, 2]
        allp = np.vstack([pts.reshape(-1, 2), [[0.0, 0.0]]])
        span = np.maximum(allp.max(0) - allp.min(0), 1e-9)
        aspects = (float(np.clip(span[0] / span[1], *PLOT_ASPECT)), CHART_ASPECT)
        column = [self.readouts, self.note, *self._hidden_items()]
        main, _ = layout.main_and_side(column, self.regions.body, grow=lambda b: layout.boxes_in(b, aspects)[2])
        (plot_box, chart_box), _, _ = layout.boxes_in(main, aspects)
        self._build_chart(chart_box)
        # a chart too short to show the curve's shape (a short body, e.g. a square frame under a long caption):
        # the plot and the chart take turns beside the readouts, each filling the figure's place -- the plot
        # while the vectors learn (the loss reads live in the column), then the chart draws the whole curve
        self.turns = self.chart_height() < CHART_LINES * self.y_title.height
        if self.turns:
            main, _ = layout.main_and_side(column, self.regions.body,
                                           grow=lambda b: min(layout.boxes_in(b, [a])[2] for a in aspects))
            plot_box = chart_box = main
            self._build_chart(chart_box)
        self._build_plot(plot_box)

    def chart_height(self) -> float:
        """The loss chart's y axis (0 to the highest loss), in scene units."""
        return float(self.chart_xy(0, self.storyboard.loss_max)[1] - self.chart_xy(0, 0)[1])

    def _hidden_items(self) -> list:
        """The readouts' items not on screen now (a layout moves them with the one shown)."""
        rows = [r for row in self.cos_rows for r in (row[1], row[4])]
        return [it for ro in (self.epoch_text, self.loss_text, *rows) for it in ro.items[1:]]

    def _cos_cells(self):
        """Each pair's name and its cosine cells (built once)."""
        if not hasattr(self, "_cells"):
            sb, th = self.storyboard, self.theme
            names = [label(f"{tr.a} \u00b7 {tr.b}", th, size=SIZE.cell, max_width=NAME_W) for tr in sb.pairs]
            cells = [[label(c, th, size=SIZE.cell, mono=True) for c in tr.cells] for tr in sb.pairs]
            self._cells = (names, cells)
        return self._cells

    def _cos_width(self) -> float:
        """The width of a cosine row: name, value, bar."""
        names, cells = self._cos_cells()
        if not names:
            return 0.0
        return max(n.width for n in names) + max(c.width for row in cells for c in row) + BAR_W + 2 * GAP.m

    def _build_readouts(self) -> None:
        """The column of readouts at its own size, top left at the origin: the epoch, then each pair's
        cosine and its bar on [−1, 1]."""
        sb, th = self.storyboard, self.theme
        self.epoch_text = Readout([label(s, th, size=SIZE.value, weight="BOLD") for s in sb.epoch_cells])
        for it in self.epoch_text.items:
            it.move_to(ORIGIN, aligned_edge=UL)
        y = -self.epoch_text.height - GAP.m
        self.loss_head = label("loss (mean per word pair)", th, size=SIZE.note, colour=th.muted)
        self.loss_head.move_to([0, y, 0], aligned_edge=UL)
        self.loss_text = Readout([label(s, th, size=SIZE.heading, mono=True) for s in sb.loss_cells])
        # beside its title when that does not widen the column (the cosine rows set its width), else under it
        widest = max(it.width for it in self.loss_text.items)
        beside = self.loss_head.width + GAP.m + widest <= max(self._cos_width(), self.epoch_text.width)
        for it in self.loss_text.items:
            if beside:
                it.next_to(self.loss_head, RIGHT, buff=GAP.m)
                sit_on(it, baseline_y(self.loss_head))
            else:
                it.next_to(self.loss_head, DOWN, buff=GAP.s).align_to(self.loss_head, LEFT)
        y = min(self.loss_head.get_bottom()[1], self.loss_text.get_bottom()[1]) - GAP.m
        self.cos_head = label(f"cosine similarity (all {sb.dim} dimensions)", th, size=SIZE.note, colour=th.muted)
        self.cos_head.move_to([0, y, 0], aligned_edge=UL)
        y -= self.cos_head.height + GAP.m
        names, cells = self._cos_cells()
        name_w = max([n.width for n in names], default=0.0)
        value_w = max([c.width for row in cells for c in row], default=0.0)
        row_h = max([m.height for m in names] + [c.height for row in cells for c in row], default=0.0)
        self.cos_rows = []
        for tr, name, row in zip(sb.pairs, names, cells):
            yc = y - row_h / 2
            name.move_to([0, yc, 0], aligned_edge=LEFT)
            vals = Readout(row)
            for it in vals.items:
                it.move_to([name_w + GAP.m, yc, 0], aligned_edge=LEFT)
            bx0 = name_w + GAP.m + value_w + GAP.m
            track = Line([bx0, yc, 0], [bx0 + BAR_W, yc, 0], stroke_color=th.faint, stroke_width=6)
            mid = bx0 + BAR_W / 2
            zero = Line([mid, yc - BAR_TICK, 0], [mid, yc + BAR_TICK, 0], stroke_color=th.muted, stroke_width=2)
            bars = [Line([mid, yc, 0], [mid + BAR_W / 2 * c + (1e-3 if c == 0 else 0), yc, 0],
                         stroke_color=th.positive if c >= 0 else th.negative, stroke_width=8) for c in tr.cosines]
            self.cos_rows.append(VGroup(name, vals, track, zero, Readout(bars)))
            y -= row_h + GAP.s
        ends = VGroup(label("\u22121", th, size=SIZE.tiny, colour=th.muted, mono=True),
                      label("+1", th, size=SIZE.tiny, colour=th.muted, mono=True))
        if self.cos_rows:
            last = self.cos_rows[-1][2]
            ends[0].next_to(last.get_start(), DOWN, buff=GAP.s)
            ends[1].next_to(last.get_end(), DOWN, buff=GAP.s)
        self.cos_ends = ends
        # the projection note closes the column, as wide as it (it wraps, never shrinks)
        width = max(self._cos_width(), self.epoch_text.width, self.loss_head.width)
        self.note = wrapped(sb.projection_note, th, size=SIZE.small, colour=th.muted, max_width=width, buff=GAP.xs,
                            max_lines=8)
        last = self.cos_ends if self.cos_rows else self.loss_text
        self.note.move_to([0, min(last.get_bottom()[1], self.loss_text.get_bottom()[1]) - GAP.m, 0], aligned_edge=UL)
        self.readouts = VGroup(self.epoch_text, self.loss_head, self.loss_text, *([self.cos_head, *self.cos_rows, ends] if self.cos_rows else []))

    def _build_plot(self, box: layout.Box) -> None:
        """The arrow plot in ``box``: one uniform scale for x and y
        (angles on screen = angles in the plane)."""
        sb, th = self.storyboard, self.theme
        E = sb.epochs
        left, bottom, right, top = box.x0, box.y0, box.x1, box.y1
        pts = np.array(sb.points, dtype=float)                     # [E+1, n, 2]
        allp = np.vstack([pts.reshape(-1, 2), [[0.0, 0.0]]])
        lo, hi = allp.min(0), allp.max(0)
        span = np.maximum(hi - lo, 1e-9)
        margin = PLOT_MARGIN                    # room for the word labels round the arrows
        unit = min((right - left - 2 * margin) / span[0], (top - bottom - 2 * margin) / span[1])
        centre_data = (lo + hi) / 2
        centre_screen = np.array([(left + right) / 2, (top + bottom) / 2])
        self.unit = unit

        def to_screen(xy) -> np.ndarray:
            s = centre_screen + unit * (np.asarray(xy, dtype=float) - centre_data)
            return np.array([s[0], s[1], 0.0])

        self.to_screen = to_screen
        self.plot_rect = (left, bottom, right, top)
        self.origin = to_screen((0.0, 0.0))
        self.screen_pts = np.array([[to_screen(p) for p in ep] for ep in pts])   # [E+1, n, 3]

        frame = Rectangle(width=right - left, height=top - bottom, stroke_color=th.faint, stroke_width=1)
        frame.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        arm = CROSS_ARM
        cross = VGroup(Line(self.origin + arm * LEFT, self.origin + arm * RIGHT, stroke_color=th.muted, stroke_width=2),
                       Line(self.origin + arm * DOWN, self.origin + arm * UP, stroke_color=th.muted, stroke_width=2))
        olabel = label("origin", th, size=SIZE.tiny, colour=th.muted).next_to(self.origin, DOWN + LEFT, buff=GAP.xs)
        self.plot_frame = VGroup(frame, cross, olabel)

        # arrows, tips, labels, trails
        self.clock = ValueTracker(0.0)
        self.word_labels = [label(t, th, size=SIZE.label, colour=c, weight="BOLD") for t, c in zip(sb.tokens, self.colours)]
        self.label_pos, prev = [], None
        for k in range(E + 1):      # each snapshot first tries the previous one's placement
            pos, prev = self._place_labels(self.screen_pts[k], prev, self.screen_pts[:min(k + 1, E) + 1])
            self.label_pos.append(pos)
        self.arrows = VGroup(*[Line(self.origin, self.screen_pts[0, i], stroke_color=c, stroke_width=3)
                               for i, c in enumerate(self.colours)])
        self.tips = VGroup(*[Dot(self.screen_pts[0, i], radius=0.07, color=c) for i, c in enumerate(self.colours)])
        for lab, pos in zip(self.word_labels, self.label_pos[0]):
            lab.move_to(pos)
        # one step per epoch, each fading as it ages
        self.trails = VGroup(*[VGroup(*[VMobject(stroke_color=c, stroke_width=1.5, stroke_opacity=0.0)
                                        for _ in range(E)]) for c in self.colours])
        for tr, p in zip(self.trails, self.screen_pts[0]):
            for step in tr:
                step.set_points_as_corners([p, p])

    def _build_chart(self, box: layout.Box) -> None:
        """The loss chart in ``box``: x = epoch 0..E, y = 0..loss_max, each axis titled.
        The two "0" ticks sit in opposite corners of the origin (y's above the x axis, x's right of the
        y axis), so they never crowd each other."""
        sb, th = self.storyboard, self.theme
        E = sb.epochs
        self.y_title = label("loss", th, size=SIZE.tiny, colour=th.muted)
        self.y_title.move_to([box.x0, box.y1, 0], aligned_edge=UL)
        title_bottom = self.y_title.get_bottom()[1]
        y_top = label(sb.loss_max_cell, th, size=SIZE.tiny, colour=th.muted, mono=True)
        y_0 = label("0", th, size=SIZE.tiny, colour=th.muted, mono=True)
        x_0, x_e, x_title = [label(t, th, size=SIZE.tiny, colour=th.muted, mono=k < 2) for k, t in enumerate(sb.epoch_axis)]
        cx0 = box.x0 + max(y_top.width, y_0.width) + GAP.s
        cx1 = box.x1 - x_e.width / 2
        cy0 = box.y0 + max(x_0.height, x_e.height, x_title.height) + GAP.s
        cy1 = title_bottom - GAP.s
        self.chart_xy = lambda e, v: np.array([cx0 + (cx1 - cx0) * e / E, cy0 + (cy1 - cy0) * v / sb.loss_max, 0.0])
        corner = self.chart_xy(0, 0)
        axes = VGroup(Line(corner, self.chart_xy(E, 0), stroke_color=th.faint, stroke_width=2),
                      Line(corner, self.chart_xy(0, sb.loss_max), stroke_color=th.faint, stroke_width=2))
        y_top.next_to(self.chart_xy(0, sb.loss_max), LEFT, buff=GAP.s).align_to(self.chart_xy(0, sb.loss_max), UP)
        y_0.next_to(corner, LEFT, buff=GAP.s).align_to(corner, DOWN).shift(GAP.xs * UP)
        x_0.next_to(corner, DOWN, buff=GAP.s).align_to(corner, LEFT).shift(GAP.xs * RIGHT)
        x_e.next_to(self.chart_xy(E, 0), DOWN, buff=GAP.s)
        x_title.next_to(self.chart_xy(E / 2, 0), DOWN, buff=GAP.s)
        sit_on(x_title, baseline_y(x_0))
        self.chart = VGroup(axes, y_top, y_0, x_e, x_0, x_title)
        self.loss_pts = [self.chart_xy(e, sb.losses[e]) for e in range(1, E + 1)]
        self.loss_curve = VMobject(stroke_color=th.accent, stroke_width=3)
        self.loss_curve.set_points_as_corners([self.loss_pts[0], self.loss_pts[0]])
        self.loss_curve.set_stroke(opacity=0)
        self.chart_panel = VGroup(self.y_title, self.chart, self.loss_curve)

    def _place_labels(self, tips: np.ndarray, prev: dict | None = None,
                      paths: np.ndarray | None = None) -> tuple[list[np.ndarray], dict]:
        """Label centres for one snapshot: radially outside each tip, rotated away
        from labels already placed, tips, arrows, the other words' trails (``paths``: the
        snapshots walked by the next one, [k, n, 3]) and the plot's edge. The previous
        snapshot's choice (angle, distance) for each label is tried first, so labels
        do not swap sides between epochs."""
        placed: list[tuple[float, float, float, float]] = []
        tip_boxes = [(p[0] - 0.09, p[1] - 0.09, p[0] + 0.09, p[1] + 0.09) for p in tips]
        # points along every arrow (origin → tip): a label should not sit on a shaft
        shafts = np.array([self.origin[:2] + f * (p[:2] - self.origin[:2])
                           for p in tips for f in np.linspace(0.15, 1.0, 18)])
        fs = np.linspace(0.0, 1.0, 12)
        trail_pts = [np.array([a[:2] + f * (b[:2] - a[:2]) for a, b in zip(paths[:-1, j], paths[1:, j]) for f in fs])
                     if paths is not None and len(paths) > 1 else np.zeros((0, 2)) for j in range(len(tips))]
        order = np.argsort(-np.linalg.norm(tips[:, :2] - self.origin[:2], axis=1))
        res: dict[int, np.ndarray] = {}
        chosen: dict[int, tuple[float, float]] = {}
        for i in order:
            lab = self.word_labels[i]
            w, h = lab.width, lab.height
            d = tips[i, :2] - self.origin[:2]
            base = np.arctan2(d[1], d[0]) if np.linalg.norm(d) > 1e-6 else np.pi / 2
            best = None
            cands = [(base + turn, r) for turn in (0, 0.6, -0.6, 1.2, -1.2, 1.8, -1.8, 2.5, -2.5, np.pi)
                     for r in (GAP.m + GAP.xs, GAP.l + GAP.s, GAP.xl, GAP.xl + GAP.l)]
            if prev and int(i) in prev:
                cands.insert(0, prev[int(i)])
            near = np.vstack([shafts, *[trail_pts[j] for j in range(len(tips)) if j != i]])
            for a, r in cands:
                c = tips[i, :2] + np.array([np.cos(a) * (r + w / 2 * abs(np.cos(a))),
                                            np.sin(a) * (r + h / 2 * abs(np.sin(a)))])
                box = (c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2)
                x0, y0, x1, y1 = self.plot_rect
                e = GAP.xs
                inside = box[0] > x0 + e and box[2] < x1 - e and box[1] > y0 + e and box[3] < y1 - e
                if not inside or any(_boxes_overlap(box, b) for b in placed) \
                        or any(_boxes_overlap(box, b, 0.0) for b in tip_boxes) \
                        or np.any((near[:, 0] > box[0]) & (near[:, 0] < box[2])
                                  & (near[:, 1] > box[1]) & (near[:, 1] < box[3])):
                    continue
                best = (c, box)
                chosen[int(i)] = (a, r)
                break
            if best is None:                    # crowded: stack above the last placed label
                c = tips[i, :2] + np.array([0, GAP.l + h / 2 + (h + GAP.xs) * len(placed)])
                best = (c, (c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2))
            placed.append(best[1])
            res[int(i)] = np.array([best[0][0], best[0][1], 0.0])
        out = [res[i] for i in range(len(tips))]
        return out, chosen

    # -- state at clock t ----------------------------------------------------
    def state(self, t: float):
        """Screen tips and label centres at clock ``t`` (linear between real snapshots)."""
        E = self.storyboard.epochs
        t = float(np.clip(t, 0, E))
        k = min(int(np.floor(t + 1e-9)), E - 1) if E > 0 else 0
        f = t - k
        tips = (1 - f) * self.screen_pts[k] + f * self.screen_pts[min(k + 1, E)]
        labs = [(1 - f) * a + f * b for a, b in zip(self.label_pos[k], self.label_pos[min(k + 1, E)])]
        return tips, labs

    def apply(self, t: float) -> None:
        sb = self.storyboard
        E = sb.epochs
        tips, labs = self.state(t)
        for i in range(len(sb.tokens)):
            # a straight Line's points are its two ends and the thirds between them: set them directly
            # (put_start_and_end_on rotates and scales the old ones: ~1 ms, and the same line to 1e-14)
            self.arrows[i].set_points_as_corners([self.origin, tips[i] + 1e-6 * RIGHT])
            self.tips[i].move_to(tips[i])
            self.word_labels[i].move_to(labs[i])
            k = int(np.floor(t + 1e-9))
            for e, step in enumerate(self.trails[i]):          # step e: snapshot e to e + 1
                if e < k:
                    step.set_points_as_corners([self.screen_pts[e, i], self.screen_pts[e + 1, i]])
                    step.set_stroke(opacity=trail_opacity(t - (e + 1)))
                elif e == k:
                    step.set_points_as_corners([self.screen_pts[e, i], tips[i] + 1e-6 * RIGHT])
                    step.set_stroke(opacity=TRAIL_OPACITY)
                else:
                    step.set_stroke(opacity=0.0)
        k = min(int(np.floor(t + 1e-9)), E)
        self.epoch_text.show(k)
        self.loss_text.show(k)
        for row in self.cos_rows:
            row[1].show(k)
            row[4].show(k)
        if t >= 1:
            upto = [self.loss_pts[e] for e in range(0, min(k, E))]
            if k < E:
                f = t - k
                upto.append((1 - f) * self.loss_pts[k - 1] + f * self.loss_pts[k])
            if len(upto) == 1:
                upto = upto * 2
            self.loss_curve.set_points_as_corners(upto)
            self.loss_curve.set_stroke(opacity=1)

    # -- playing -------------------------------------------------------------
    def beats(self) -> list[Beat]:
        return [Beat(self._show_start), Beat(self._learn, hold=False), Beat(self._show_result)]

    def _show_start(self, beat: Beat) -> None:
        self.play(FadeIn(self.plot_frame), FadeIn(self.note), run_time=0.6)
        chart = [] if self.turns else [FadeIn(self.chart_panel)]
        self.play(Create(self.arrows), FadeIn(self.tips), *[FadeIn(l) for l in self.word_labels],
                  FadeIn(self.readouts), *chart, run_time=1.0)
        self.add(self.trails)

    def _learn(self, beat: Beat) -> None:
        sb = self.storyboard
        # Only what changes gets the updater, and it goes last in the scene's list:
        # Manim redraws every mobject from the first one with an updater onwards
        # each frame, and freezes those before it into a static background.
        chart = [] if self.turns else [self.chart_panel]       # taking turns, the chart comes after the motion
        live = [self.arrows, self.tips, self.trails, *self.word_labels, self.epoch_text, self.loss_text,
                *([] if self.turns else [self.loss_curve]), *[m for row in self.cos_rows for m in (row[1], row[4])]]
        still = [m for m in [*self.readouts.get_family(), *[f for c in chart for f in c.get_family()]]
                 if m not in set().union(*[set(x.get_family()) for x in live]) and not m.submobjects]
        self.remove(self.arrows, self.tips, self.trails, *self.word_labels, self.readouts, self.chart_panel)
        body = VGroup(*live)
        self.add(*still)
        body.add_updater(lambda m: self.apply(self.clock.get_value()))
        self.add(body)
        # One play per epoch: Manim fixes the list of mobjects it draws when a
        # play starts, so the readouts switch to the next snapshot's text
        # between plays; within a play only positions change.
        dt = sb.motion_seconds / sb.epochs
        for k in range(sb.epochs):
            self.apply(k)
            self.play(self.clock.animate.set_value(k + 1), run_time=dt, rate_func=linear)
        body.clear_updaters()
        self.apply(sb.epochs)

    def _show_result(self, beat: Beat) -> None:
        if self.turns:      # the plot gives its place to the chart, and the loss curve is drawn epoch by epoch
            self.play(FadeOut(VGroup(self.plot_frame, self.trails, self.arrows, self.tips, *self.word_labels)),
                      run_time=0.5)
            self.play(FadeIn(self.y_title), FadeIn(self.chart), run_time=0.5)
            self.play(Create(self.loss_curve), run_time=1.2, rate_func=linear)
        if self.cos_rows:
            self.play(*[indicate(row[1], self.regions.safe, colour=self.theme.accent) for row in self.cos_rows], run_time=1.0)
