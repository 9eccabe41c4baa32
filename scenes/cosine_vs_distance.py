"""Scene for the ``cosine-vs-distance`` segment.

Live readouts: a ValueTracker runs over the storyboard's sample *index*; every
frame, B's arrow, the A−B distance line and the readout texts are redrawn from
the sample with that index (see :mod:`embedcore.segments.cosine_vs_distance`).
The scene computes no number a viewer reads.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Arc,
    Create,
    DashedLine,
    GrowArrow,
    LaggedStart,
    MathTypst,
    Rectangle,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from embedcore.segments.cosine_vs_distance import CosineDistanceStoryboard

from . import layout, marks
from .base import Beat, SegmentScene
from .components.emphasis import appear, disappear, fade_in, indicate
from .components.readout import on_change
from .components.text import cap_px, label, number, wrapped
from .components.vectors import (
    align_row_baselines,
    arrow_2d,
    axes_cross,
    box_of,
    boxes_overlap,
    fit_plot,
    inside,
    place_labels,
    polyline_segments,
    segment_hits_box,
)
from .theme import GAP, READOUT_CAP_PX, SIZE

PLANE_ASPECT = (0.75, 1.6)   # the plane's width / height: its arrows', within these (labels need room)
PLANE_MARGIN = 0.8           # plane edge to the outermost tip: room for a label (scene units)
LABEL_WIDTHS = (None, 3.2, 2.4, 1.6)    # "A  token": cut to these widths, in turn, while it finds no clear place


def _clashes(labels, anchors, offsets, segments, bounds, avoid) -> int:
    """How many label positions (a label at each place its tip takes) leave ``bounds`` or touch a segment, an
    ``avoid`` box or another label: :func:`place_labels`' own test, on where it put them."""
    boxes = [[(c[0] - lab.width / 2, c[1] - lab.height / 2, c[0] + lab.width / 2, c[1] + lab.height / 2)
              for c in (tip + off for tip in tips)] for lab, tips, off in zip(labels, anchors, offsets)]
    bad = 0
    for i, own in enumerate(boxes):
        others = [b for j, bs in enumerate(boxes) if j != i for b in bs]
        bad += sum(not inside(bx, bounds) or any(segment_hits_box(p, q, bx) for p, q in segments)
                   or any(boxes_overlap(bx, o) for o in [*avoid, *others]) for bx in own)
    return bad


def _show(shown, new) -> None:
    """Make the on-screen readout ``shown`` display ``new`` (shape, colour and text)."""
    _reshape(shown, new)
    for attr in ("text", "original_text"):
        if hasattr(new, attr):
            setattr(shown, attr, getattr(new, attr))


def _reshape(m, new) -> None:
    """``m.become(new)`` for a mobject rebuilt with the same parts and style (B's arrow, the dashed
    line, a readout with as many glyphs in the same colours): only the points are copied, a fraction of
    ``become``'s deep copy and alignment (which pads both to one count of points: the same curves drawn). Anything else differing (a dash more, a glyph fewer, a thinner
    stroke) takes ``become``. Copied, not shared: shifts edit points in place, and readouts come from a cache."""
    fam, new_fam = m.family_members_with_points(), new.family_members_with_points()
    if len(fam) != len(new_fam) or any(
            a.stroke_width != b.stroke_width or type(a) is not type(b)
            or not np.array_equal(a.fill_rgbas, b.fill_rgbas) or not np.array_equal(a.stroke_rgbas, b.stroke_rgbas)
            for a, b in zip(fam, new_fam)):
        m.become(new)
        return
    for a, b in zip(fam, new_fam):
        a.points = np.array(b.points)


def _inside(mobs, region: layout.Box) -> bool:
    b = layout.bounds(mobs)
    eps = 1e-6
    return b.x0 >= region.x0 - eps and b.x1 <= region.x1 + eps and b.y0 >= region.y0 - eps and b.y1 <= region.y1 + eps


class CosineDistanceScene(SegmentScene):
    storyboard: CosineDistanceStoryboard
    snap_skip = ("closing", "panel")        # the closing may take the formulas' band (layout stills)
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "note"), ("read_labels", "values"), ("formula",), ("substituted",),
              ("arrow_a", "arrow_b", "label_a", "label_b"))

    def build_body(self) -> None:
        """Laid out by measurement: the formulas in a band under the plane, or in the readouts' column --
        whichever draws the plane larger -- and the column beside or under the plane
        (:func:`layout.main_and_side`). The closing goes beside the formulas in the band when it fits
        there, else takes the band as the symbolic formula leaves (the formula with the numbers stays,
        moving up under the readouts)."""
        sb, th = self.storyboard, self.theme
        body = self.regions.body
        self.ca, self.cb = self.colour_of(sb.a.token), self.colour_of(sb.b.token)
        self.note = wrapped(sb.projection_note, th, size=SIZE.note, colour=th.muted, max_width=body.width, buff=GAP.xs)
        self.note.next_to(self.header, DOWN, buff=GAP.s).align_to(self.title, LEFT)
        region = layout.Box(body.x0, body.y0, body.x1, self.note.get_bottom()[1] - GAP.m)
        self.k = ValueTracker(0)

        # -- the readouts' column: measured before any value is built (values are placed from it) ----------
        self.read_names = ["\u03b8", "cos \u03b8", "\u2016A \u2212 B\u2016", "\u2016A\u2016", "\u2016B\u2016", "B scaled by"]
        self.size = SIZE.heading
        self.read_labels = VGroup(*[label(n, th, size=self.size, colour=th.muted) for n in self.read_names])
        self.read_labels.arrange(DOWN, aligned_edge=RIGHT, buff=GAP.s)
        self.read_labels[2].set_color(th.accent)
        texts = {self._texts(k)[j] for k in range(len(sb.samples)) for j in range(6)}
        value_w = max(number(t, th, size=self.size).width for t in texts)
        # the readouts' box, their names at its left: they move (and scale, never below the floor) together
        readouts = Rectangle(width=self.read_labels.width + GAP.m + value_w + GAP.xs, height=self.read_labels.height)
        readouts.set_stroke(width=0).set_fill(opacity=0).move_to(self.read_labels, aligned_edge=UL)
        natural = readouts.height

        self.formula = MathTypst(sb.formula, color=th.text, font_size=SIZE.value)
        self.substituted = marks.role(MathTypst(sb.substituted, color=th.text, font_size=SIZE.value), marks.READOUT)
        self.substituted_scaled = marks.role(MathTypst(sb.substituted_scaled, color=th.text, font_size=SIZE.value),
                                             marks.READOUT)
        pts = np.array([[0.0, 0.0], sb.a.coords[:2], sb.b.coords[:2], sb.samples[-1].tip[:2]], dtype=float)
        span = np.maximum(pts.max(0) - pts.min(0), 1e-9)
        aspect = float(np.clip(span[0] / span[1], *PLANE_ASPECT))
        plans = {}
        for band in (True, False):
            plans[band] = self._plan(band, VGroup(readouts.copy(), self.read_labels.copy()), region, aspect,
                                     measure=True)
        self.formula_row = plans[True] > plans[False]
        rect = self._plan(self.formula_row, VGroup(readouts, self.read_labels), region, aspect, measure=False)
        self.size = SIZE.heading * readouts.height / natural          # the values at the names' size
        self.value_x = self.read_labels.get_right()[0] + GAP.m
        self._cache: dict[tuple[int, int], object] = {}
        first = self._values_for(0)
        self.values = VGroup(*first[:5])            # live: θ, cos θ, ‖A − B‖, ‖A‖, ‖B‖
        self.scale_value = VGroup(first[5])         # live: the scale factor
        self.substituted_scaled.match_height(self.substituted).move_to(self.substituted, aligned_edge=LEFT)
        self.panel = VGroup(self.read_labels, self.values, self.scale_value, self.formula, self.substituted, self.closing)

        pts = [sb.a.coords, sb.b.coords, sb.samples[-1].tip]
        self.frame = fit_plot(pts, rect, margin=PLANE_MARGIN)
        o = self.frame.origin
        self.tip_a = self.frame.point(sb.a.coords)
        self.axes = axes_cross(self.frame, th)
        self.arrow_a = arrow_2d(o, self.tip_a, self.ca)
        self.arrow_b = arrow_2d(o, self._tip_b(0), self.cb)
        self.dist_line = self._dist_line(0)
        r = min(0.8, 0.45 * min(np.linalg.norm(self.tip_a - o), np.linalg.norm(self._tip_b(0) - o)))
        start, sweep = np.radians(sb.a.direction), np.radians(sb.b.direction - sb.a.direction)
        self.arc = Arc(radius=r, start_angle=start, angle=sweep, arc_center=o, color=th.text, stroke_width=3)
        self.theta = label("\u03b8", th, size=SIZE.chip)
        K = len(sb.samples)
        mid = start + sweep / 2
        theta_anchor = o + r * np.array([np.cos(mid), np.sin(mid), 0.0])

        ks = [round(i * (K - 1) / 8) for i in range(9)]
        b_tips = [self._tip_b(k) for k in ks]
        far_b = max(b_tips, key=lambda p: np.linalg.norm(p - o))
        segs = [(o, self.tip_a), (o, far_b)] + [(self.tip_a, t) for t in b_tips]
        segs += polyline_segments(self.arc.get_points()[::3])
        # the panel's parts, each its own box (their union, with the formula in a band under the plane, covers
        # the plane itself: then no place was clear and a long name fell on the readouts)
        parts = [VGroup(self.read_labels, self.values, self.scale_value), self.formula, self.substituted, self.closing]
        avoid = [box_of(m, 0.15) for m in parts if m.has_points() or m.get_family()[1:]] + [box_of(self.note, 0.1)]
        if self.closing_takes_band:         # where the formula with the numbers moves when the closing takes the band
            avoid.append(box_of(self._moved_up(), 0.1))
        # ‖A − B‖ on the dashed segment itself, outside the triangle; it rides the segment while B scales, so
        # θ and the token labels keep clear of every place it takes (nearly parallel arrows bring it next to A's)
        self.dist_name = label("\u2016A \u2212 B\u2016", th, size=SIZE.label, colour=th.accent)
        marks.labels(self.dist_name, self.dist_line)
        rides = []
        for k in ks:
            self._place_dist_name(k)
            rides.append(box_of(self.dist_name, 0.05))
        self._place_dist_name(0)
        # θ clear of every segment it does not label, at every moment: both arrows and the dashed A − B line at
        # every sample of B's scaling (the line sweeps towards the origin when B shrinks). First choice: on
        # the bisector inside the angle, nearest the arc first; then outside the arc; else wherever it clears
        moving = [(o, self.tip_a)] + [(o, self._tip_b(k)) for k in range(K)] + \
                 [(self.tip_a, self._tip_b(k)) for k in range(K)]
        bis = np.array([np.cos(mid), np.sin(mid), 0.0])
        reach = self.theta.width / 2 + self.theta.height / 2

        def clear() -> bool:        # the dashed line is thin: a narrower berth than the arrows (their heads are wide)
            return not any(segment_hits_box(p, q, box_of(self.theta, GAP.s)) for p, q in moving[:K + 1]) and \
                not any(segment_hits_box(p, q, box_of(self.theta, GAP.xs)) for p, q in moving[K + 1:]) and \
                not any(boxes_overlap(box_of(self.theta), r) for r in rides)
        inside = [r * f for f in (0.55, 0.7, 0.4, 0.85)]
        outside = list(np.linspace(r + GAP.xs + reach, r + GAP.xl + reach, 8))      # beyond the arc, still in the angle
        for dist in (*inside, *outside):
            self.theta.move_to(o + dist * bis)
            if clear():
                break
        else:
            # the same berth as above: an arrowhead is wider than the line it ends
            place_labels([self.theta], [[theta_anchor]], [np.degrees(mid)], moving + segs, rect, avoid=avoid + rides,
                         gap=GAP.xs, pad=GAP.s, extras=(0.0, GAP.s, GAP.m, GAP.l, GAP.xl))
        marks.labels(self.theta, self.arc)
        # the token names as long as leaves them a clear place: cut shorter with "…" until both find one (the
        # narration and the chips name the tokens in full); the width with the fewest clashes is kept
        tips, keep = [[self.tip_a], b_tips], avoid + [box_of(self.theta, 0.05)] + rides
        tries = []
        for width in LABEL_WIDTHS:
            self.label_a = label(f"A  {sb.a.token}", th, size=SIZE.chip, colour=self.ca, max_width=width)
            self.label_b = label(f"B  {sb.b.token}", th, size=SIZE.chip, colour=self.cb, max_width=width)
            offsets = place_labels([self.label_a, self.label_b], tips, [sb.a.direction, sb.b.direction], segs,
                                   rect, avoid=keep)
            tries.append((_clashes([self.label_a, self.label_b], tips, offsets, segs, rect, keep), width))
            if not tries[-1][0]:
                break
        width = min(tries, key=lambda t: t[0])[1]
        if width != tries[-1][1]:
            self.label_a = label(f"A  {sb.a.token}", th, size=SIZE.chip, colour=self.ca, max_width=width)
            self.label_b = label(f"B  {sb.b.token}", th, size=SIZE.chip, colour=self.cb, max_width=width)
            place_labels([self.label_a, self.label_b], tips, [sb.a.direction, sb.b.direction], segs, rect, avoid=keep)
        self.b_label_offset = self.label_b.get_center() - b_tips[0]
        for lab, arrow, tok in ((self.label_a, self.arrow_a, sb.a.token), (self.label_b, self.arrow_b, sb.b.token)):
            marks.labels(marks.token(lab, tok), marks.token(arrow, tok))

    def _closing_fits(self, width: float, height: float) -> bool:
        """Whether the closing, wrapped at ``width`` at its own size (never shrunk), is no taller than
        ``height``: counted from each line's width at one line, not built."""
        if width <= 0:
            return False
        th, items = self.theme, self.storyboard.closing
        line = label("Ay", th, size=SIZE.note).height
        lines = sum(int(np.ceil(label(t, th, size=SIZE.note).width / width)) for t in items)
        return lines * line + (lines - len(items)) * GAP.xs + (len(items) - 1) * GAP.m <= height

    def _closing(self, width: float) -> VGroup:
        th = self.theme
        closing = VGroup(*[wrapped(t, th, max_width=width, size=SIZE.note, colour=th.accent, buff=GAP.xs)
                           for t in self.storyboard.closing])
        return closing.arrange(DOWN, aligned_edge=LEFT, buff=GAP.m)

    def _plan(self, band: bool, readouts, region: layout.Box, aspect: float, *, measure: bool):
        """One layout. ``band``: the formulas side by side in a band at the body's bottom (scaled to its width
        if need be), the closing beside them when it is no taller than they are, else in the band after
        them; not ``band``: formulas and closing under the readouts in their column. Measuring, works on
        copies and returns the plane's size; else places everything and returns the plane's rect."""
        formula, substituted = (self.formula.copy(), self.substituted.copy()) if measure else \
            (self.formula, self.substituted)
        self.closing_takes_band = False
        if band:
            row = VGroup(formula, substituted).arrange(RIGHT, buff=GAP.l, aligned_edge=DOWN)
            # scaled to the band's width if need be, never below the readout floor (the numbers are readouts)
            least = READOUT_CAP_PX / cap_px(substituted, self.theme.font)
            legible = True
            if row.width > region.width:
                legible = region.width / row.width >= least
                row.scale(max(region.width / row.width, least))
            row.move_to([region.x0, region.y0, 0], aligned_edge=DOWN + LEFT)
            cw = region.x1 - row.get_right()[0] - GAP.l
            if not self._closing_fits(cw, row.height):
                closing = self._closing(region.width)          # takes the band as the formula leaves
                self.closing_takes_band = True
                closing.move_to([region.x0, region.y0, 0], aligned_edge=DOWN + LEFT)
            else:
                closing = self._closing(cw)
                closing.move_to([row.get_right()[0] + GAP.l, region.y0, 0], aligned_edge=DOWN + LEFT)
            top = max(row.get_top()[1], closing.get_top()[1]) + GAP.m
            above = layout.Box(region.x0, region.y0, region.x1, region.y1)
            above = layout.Box(above.x0, top, above.x1, above.y1)
            # room under the readouts for the formula with the numbers, when the closing takes its place
            room = []
            if self.closing_takes_band:
                room = [Rectangle(width=substituted.width, height=substituted.height).set_stroke(width=0)
                        .next_to(readouts, DOWN, buff=GAP.m).align_to(readouts, RIGHT)]
            side = [readouts, *room]
            main, _ = layout.main_and_side(side, above, aspect=aspect)
            fits = _inside(side, above) and legible
            if not measure:
                self.closing = closing
                self.up_slot = room[0] if room else None
        else:
            width = max(readouts.width, formula.width, substituted.width)
            for f in (formula, substituted):
                if f.width > width:
                    f.scale_to_fit_width(width)
            closing = self._closing(width)
            formula.next_to(readouts, DOWN, buff=GAP.l).align_to(readouts, LEFT)
            substituted.next_to(formula, DOWN, buff=GAP.m).align_to(formula, LEFT)
            closing.next_to(substituted, DOWN, buff=GAP.l).align_to(substituted, LEFT)
            column = [readouts, formula, substituted, closing]
            main, _ = layout.main_and_side(column, region, aspect=aspect)
            fits = _inside(column, region) and cap_px(substituted, self.theme.font) >= READOUT_CAP_PX - 1e-6
            if not measure:
                self.closing = closing
                self.up_slot = None
        if measure:             # a side panel held at the text floor and still too tall loses
            return min(main.width / aspect, main.height) if fits else 0.0
        return (main.x0, main.y0, main.x1, main.y1)

    # -- per-sample drawing (no maths: positions of storyboard coordinates) --
    def _tip_b(self, k: int) -> np.ndarray:
        return self.frame.point(self.storyboard.samples[k].tip)

    def _dist_line(self, k: int) -> DashedLine:
        return DashedLine(self.tip_a, self._tip_b(k), color=self.theme.accent, stroke_width=3, dash_length=0.1)

    def _place_dist_name(self, k: int) -> None:
        a, b, o = self.tip_a, self._tip_b(k), self.frame.origin
        mid = (a + b) / 2
        d = b - a
        n = np.array([-d[1], d[0], 0.0]) / max(float(np.linalg.norm(d)), 1e-9)
        if np.dot(n, mid - o) < 0:
            n = -n
        reach = abs(n[0]) * self.dist_name.width / 2 + abs(n[1]) * self.dist_name.height / 2
        self.dist_name.move_to(mid + n * (GAP.s + reach))

    def _texts(self, k: int) -> list[str]:
        sb, s = self.storyboard, self.storyboard.samples[k]
        return [s.angle_text, s.cosine_text, s.distance_text, sb.a.norm_text, s.norm_b_text, "\u00d7 " + s.factor_text]

    def _value(self, k: int, j: int):
        """Readout ``j`` (θ, cos θ, ‖A − B‖, ‖A‖, ‖B‖, the factor) as sample ``k`` shows it (built once)."""
        if (k, j) not in self._cache:
            th = self.theme
            t = self._texts(k)[j]
            colour = [th.text, th.text, th.accent, self.ca, self.cb, self.cb][j]
            v = number(t, th, size=self.size, colour=colour)      # cached glyphs: no shaping per frame
            v.move_to([self.value_x, self.read_labels[j].get_y(), 0], aligned_edge=LEFT)
            align_row_baselines([self.read_labels[j], v], [self.read_names[j], t], th, self.size, [False, True])
            self._cache[(k, j)] = v
        return self._cache[(k, j)]

    def _values_for(self, k: int) -> list:
        return [self._value(k, j) for j in range(6)]

    def sample_index(self) -> int:
        return int(round(min(max(self.k.get_value(), 0), len(self.storyboard.samples) - 1)))

    # Readouts change by ``become`` on fixed mobjects, never by swapping
    # ``submobjects``: Manim's Cairo renderer flattens the moving families once
    # when a play() starts and draws that list every frame, so a swapped-out
    # text would stay on screen under the new one (a ghost of the first value).
    def _update_values(self, group):
        k = self.sample_index()
        for j, shown in enumerate(group.submobjects):
            self._show_value(shown, k, j)

    def _update_scale(self, group):
        self._show_value(group.submobjects[0], self.sample_index(), 5)

    def _show_value(self, shown, k: int, j: int) -> None:
        # θ, cos θ and ‖A‖ do not change while B is scaled, and the others keep their text for
        # several samples: only a readout whose text changes is rebuilt (become() costs ~1 ms)
        if getattr(shown, "text", None) != self._texts(k)[j]:
            _show(shown, self._value(k, j))

    def _own_readouts(self) -> None:
        """Give the readout groups private copies, so become() never edits the cache."""
        self.values.submobjects = [m.copy() for m in self.values.submobjects]
        self.scale_value.submobjects = [m.copy() for m in self.scale_value.submobjects]

    def beats(self) -> list[Beat]:
        return [Beat(self._show_pair), Beat(self._show_formula), Beat(self._scale_b), Beat(self._show_closing)]

    def _show_pair(self, beat: Beat) -> None:
        self.play(appear(self.note), appear(self.axes), run_time=0.5)
        self.play(GrowArrow(self.arrow_a), GrowArrow(self.arrow_b), appear(self.label_a), appear(self.label_b),
                  run_time=1.2)
        self.play(Create(self.arc), appear(self.theta), Create(self.dist_line), run_time=0.8)
        self.play(appear(self.dist_name), run_time=0.4)
        self.play(appear(self.read_labels[:5]), appear(self.values), run_time=0.6)

    def _show_formula(self, beat: Beat) -> None:
        self.play(Write(self.formula), run_time=1.2)
        self.play(fade_in(self.substituted, self.regions.safe, 0.15 * DOWN), run_time=0.8)
        self.play(indicate(self.values[1], self.regions.safe, colour=self.theme.accent), run_time=0.6)

    def _scale_b(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        # the substituted formula holds the unscaled numbers; it leaves before B's length changes, so the
        # screen never shows two different values of ‖B‖ at once
        self.play(appear(self.read_labels[5]), appear(self.scale_value), disappear(self.substituted), run_time=0.4)
        o = self.frame.origin
        # everything here is drawn from the sample index alone: redraw only when it changes
        k = self.sample_index
        self.arrow_b.add_updater(on_change(k, lambda m: _reshape(m, arrow_2d(o, self._tip_b(k()), self.cb))))
        self.dist_line.add_updater(on_change(k, lambda m: _reshape(m, self._dist_line(k()))))
        self.label_b.add_updater(on_change(k, lambda m: layout.keep_inside(
            m.move_to(self._tip_b(k()) + self.b_label_offset), self.regions.safe)))
        self.dist_name.add_updater(on_change(k, lambda m: self._place_dist_name(k())))
        self._own_readouts()
        self.values.add_updater(on_change(k, self._update_values))
        self.scale_value.add_updater(on_change(k, self._update_scale))
        self.play(self.k.animate.set_value(len(sb.samples) - 1), run_time=3.0, rate_func=linear)
        for m in (self.arrow_b, self.dist_line, self.label_b, self.dist_name, self.values, self.scale_value):
            m.clear_updaters()
        self.play(indicate(self.values[1], self.regions.safe, colour=th.accent), indicate(self.values[2], self.regions.safe, colour=th.accent),
                  fade_in(self.substituted_scaled, self.regions.safe, 0.15 * DOWN), run_time=0.8)

    def _moved_up(self):
        """Where the formula with the numbers goes when the closing takes its band: under the readouts."""
        return self.substituted_scaled.copy().next_to(self.read_labels, DOWN, buff=GAP.m).align_to(self.up_slot, RIGHT)

    def _show_closing(self, beat: Beat) -> None:
        if self.closing_takes_band:         # the formula with the numbers stays on screen, under the readouts
            up = self._moved_up()
            self.play(disappear(self.formula), self.substituted_scaled.animate.move_to(up), run_time=0.6)
        self.play(LaggedStart(*[fade_in(c, self.regions.safe, 0.1 * UP) for c in self.closing], lag_ratio=0.4, run_time=1.0))
        beat.finish()
        self.wait(0.5)
