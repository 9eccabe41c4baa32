"""The layout rules of every scene: frame regions, and panels placed by measuring what fits.

A frame is cut into three bands: the header (title and source line, top
left), the caption band (bottom, as tall as the segment's tallest caption;
none when captions go to the track only) and the body between them. A scene
builds its panels at their own size and hands them to a rule here; no scene
asks which shape the frame has (``tests/test_scene_rules.py``). The rules
decide by measuring: :func:`arrange`, :func:`arrange_to_fill`,
:func:`beside_or_under` and :func:`main_and_side` try side by side and
stacked and keep whichever draws the content larger, so a 16:9, 9:16 or 1:1
frame each gets its own arrangement from the same scene code; :func:`stack`
scales panels alike to fill the body, never below the text floor.

Everything here is plain geometry on Manim mobjects; no scene state.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject, VGroup

from .components.text import cap_px, drawn_size, is_text
from .theme import GAP, MIN_CAP_PX

SAFE = 0.05             # title-safe margin: a fraction of each side (text stays inside)
MARGIN = 0.35           # frame edge to the header, and to panels (scene units), at least
CAPTION_EDGE = 0.3      # frame bottom to the caption's bottom, at least


def safe_margins(frame_width: float, frame_height: float) -> tuple[float, float]:
    """Frame edge to the title-safe area, sideways and up/down (scene units)."""
    return max(MARGIN, SAFE * frame_width + 0.02), max(MARGIN, SAFE * frame_height + 0.02)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> np.ndarray:
        return np.array([(self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2, 0.0])

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)


@dataclass(frozen=True)
class Regions:
    """The bands of one frame. Scenes never ask which shape it has: the kit measures what fits."""

    frame: Box
    header: Box
    body: Box
    caption: Box
    safe: Box           # the title-safe area: every text stays inside it, moving or not


@functools.lru_cache(64)       # one entry per frame shape, header and caption height
def regions(frame_width: float, frame_height: float, header_bottom: float, caption_height: float) -> Regions:
    """The regions of a ``frame_width`` × ``frame_height`` frame whose header ends at ``header_bottom``
    and whose captions are at most ``caption_height`` tall."""
    hw, hh = frame_width / 2, frame_height / 2
    mx, my = safe_margins(frame_width, frame_height)
    cap_top = -hh + my + caption_height
    return Regions(
        frame=Box(-hw, -hh, hw, hh),
        header=Box(-hw + mx, header_bottom, hw - mx, hh - my),
        body=Box(-hw + mx, cap_top + (GAP.m if caption_height else 0.0), hw - mx, header_bottom - GAP.s),
        caption=Box(-hw + mx, -hh + my, hw - mx, cap_top),
        safe=Box(-hw * (1 - 2 * SAFE), -hh * (1 - 2 * SAFE), hw * (1 - 2 * SAFE), hh * (1 - 2 * SAFE)),
    )


def texts_in(mobs: Iterable[Mobject]) -> list[Mobject]:
    """Every piece of text in the families of ``mobs``."""
    out, seen = [], set()

    def walk(m):
        if id(m) in seen:
            return
        seen.add(id(m))
        if is_text(m):
            out.append(m)
        else:
            for s in m.submobjects:
                walk(s)
    for m in mobs:
        walk(m)
    return out


def floor_scale(mobs: Iterable[Mobject]) -> float:
    """The least scale ``mobs`` may be drawn at: below it their smallest text would fall under the
    floor (cap height :data:`~scenes.theme.MIN_CAP_PX`)."""
    caps = [cap_px(t, "Inter") for t in texts_in(mobs)]
    caps = [c for c in caps if c > 0]
    return MIN_CAP_PX / min(caps) if caps else 0.0


def bounds(mobs: Iterable[Mobject]) -> Box:
    pts = [m.get_all_points() for m in mobs]
    pts = np.concatenate([p for p in pts if len(p)])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return Box(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def _family(mobs: Iterable[Mobject]) -> list[Mobject]:
    """Every mobject in the families of ``mobs``, each once (a shared submobject moves once)."""
    seen: dict[int, Mobject] = {}
    for m in mobs:
        for sub in m.get_family():
            seen.setdefault(id(sub), sub)
    return list(seen.values())


def transform(mobs: Sequence[Mobject], scale: float, about: np.ndarray, to: np.ndarray) -> None:
    """Scale ``mobs`` by ``scale`` about ``about`` and move that point to ``to`` (each point once)."""
    for m in _family(mobs):
        if len(m.points):
            m.points = (m.points - about) * scale + to


def stack(panels: Sequence[Sequence[Mobject]], region: Box, *, max_scale: float = 1.35,
          min_gap: float = GAP.m, max_gap: float = GAP.xl * 1.5) -> float:
    """Panels top to bottom, centred, scaled alike to fit ``region`` (at most ``max_scale``);
    height left over is shared out between them (up to ``max_gap`` each) and around them.

    Each panel is a list of mobjects that move together (a panel's own layout
    is kept). Panels keep their order; their horizontal centre goes to the
    region's. Returns the scale used.
    """
    boxes = [bounds(p) for p in panels]
    heights = sum(b.height for b in boxes)
    width = max(b.width for b in boxes)
    gaps = min_gap * (len(panels) - 1)
    scale = min(max_scale, region.width / width, (region.height - gaps) / max(heights, 1e-9))
    scale = max(scale, floor_scale([m for p in panels for m in p]))     # text never below the floor
    spare = region.height - heights * scale - gaps
    extra = min(max_gap - min_gap, spare / (len(panels) + 1)) if len(panels) > 1 else 0.0
    gap = min_gap + max(extra, 0.0)
    used = heights * scale + gap * (len(panels) - 1)
    # held at the floor and still too tall: hang from the region's top (never over the header)
    y = min(region.centre[1] + used / 2, region.y1)
    for p, b in zip(panels, boxes):
        top_centre = np.array([(b.x0 + b.x1) / 2, b.y1, 0.0])
        x = max(region.centre[0], region.x0 + b.width * scale / 2)     # too wide: from the left edge
        transform(p, scale, top_centre, np.array([x, y, 0.0]))
        y -= b.height * scale + gap
    return scale


def stack_scale(panels: Sequence[Sequence[Mobject]], region: Box, *, max_scale: float = 1.35,
                min_gap: float = GAP.m) -> float:
    """The scale :func:`stack` would give ``panels`` in ``region`` (nothing moves)."""
    boxes = [bounds(p) for p in panels]
    gaps = min_gap * (len(panels) - 1)
    return min(max_scale, region.width / max(b.width for b in boxes),
               (region.height - gaps) / max(sum(b.height for b in boxes), 1e-9))


def arrange(panels: Sequence[Sequence[Mobject]], region: Box, *, gap: float = GAP.l, above: Sequence[Mobject] = (),
            max_scale: float = 1.35, apply: bool = True) -> tuple[bool, float]:
    """Lay ``panels`` out in reading order -- side by side (left to right) or stacked (top to bottom),
    whichever draws them larger -- below the ``above`` panel (e.g. a sentence), all scaled alike to
    fill ``region``, never below the text floor. Returns (stacked, the scale that fits, before the floor);
    ``apply=False`` only measures (the panels are put together, ``above`` does not move).

    The panels are first put together at their own size, so the choice and the fit are one
    :func:`stack` of at most two rows: ``above`` and the arrangement.
    """
    def together(stacked: bool) -> list[Mobject]:
        groups = [VGroup(*p) for p in panels]
        VGroup(*groups).arrange(DOWN if stacked else RIGHT, buff=gap, aligned_edge=LEFT if stacked else UP)
        return [m for p in panels for m in p]
    head = [list(above)] if above else []
    scores = {}
    for stacked in (False, True):
        together(stacked)
        scores[stacked] = stack_scale([*head, [m for p in panels for m in p]], region, max_scale=max_scale)
    stacked = scores[True] > scores[False] * 1.02
    together(stacked)
    if apply:
        stack([*head, [m for p in panels for m in p]], region, max_scale=max_scale)
    return stacked, scores[stacked]


def thin(columns: Sequence, keep: int, gap=None) -> list[int]:
    """Positions of ``columns`` to draw when only ``keep`` fit: the first ones, one ``gap`` column
    (standing for the hidden ones) and the last. ``columns`` may already hold a gap."""
    n = len(columns)
    if keep >= n:
        return list(range(n))
    keep = max(3, keep)
    first = [i for i in range(n - 1) if columns[i] is not gap][: keep - 2]
    gaps = [i for i in range(n) if columns[i] is gap]
    filler = gaps[0] if gaps else None
    return [*first, *([filler] if filler is not None else []), n - 1] if filler is not None else [*first, n - 1]


def contain(mobs: Sequence[Mobject], region: Box, *, pad: float = 0.0) -> float:
    """Bring the texts of ``mobs`` (all moved as one) inside ``region``: shifted in when they poke
    out, and scaled down about their centre only when they span more than it (never below the
    text floor). A scene's own layout whose labels spill a little over the body's edge lands
    inside; one whose texts are inside does not move (marks may reach past the body: only text
    must stay title-safe). Returns the scale used."""
    mobs = [m for m in mobs if any(len(s.points) for s in m.get_family())]
    texts = [t for t in texts_in(mobs) if len(t.get_all_points())]
    if not texts:
        return 1.0
    r = region.inset(pad)
    b = bounds(texts)
    scale = min(1.0, r.width / max(b.width, 1e-9), r.height / max(b.height, 1e-9))
    scale = max(scale, min(1.0, floor_scale(mobs)))
    centre = b.centre
    w, h = b.width * scale, b.height * scale
    x = min(max(centre[0], r.x0 + w / 2), r.x1 - w / 2) if w <= r.width else r.centre[0]
    y = min(max(centre[1], r.y0 + h / 2), r.y1 - h / 2) if h <= r.height else r.y1 - h / 2
    if scale < 1.0 or abs(x - centre[0]) > 1e-9 or abs(y - centre[1]) > 1e-9:
        transform(mobs, scale, centre, np.array([x, y, 0.0]))
    return scale


def keep_inside(mob: Mobject, region: Box) -> Mobject:
    """Shift ``mob`` the least that puts it inside ``region`` (a label that follows a moving tip)."""
    if not any(len(s.points) for s in mob.get_family()):
        return mob
    b = bounds([mob])
    dx = max(region.x0 - b.x0, 0.0) - max(b.x1 - region.x1, 0.0)
    dy = max(region.y0 - b.y0, 0.0) - max(b.y1 - region.y1, 0.0)
    if dx or dy:
        mob.shift([dx, dy, 0.0])
    return mob


def room_to_grow(box: Box, region: Box) -> float:
    """The largest factor ``box`` may grow by about its centre and stay inside ``region`` (≥ 1)."""
    c = box.centre
    limits = [(c[0] - region.x0) / max(c[0] - box.x0, 1e-9), (region.x1 - c[0]) / max(box.x1 - c[0], 1e-9),
              (c[1] - region.y0) / max(c[1] - box.y0, 1e-9), (region.y1 - c[1]) / max(box.y1 - c[1], 1e-9)]
    return max(1.0, min(limits))


def flow_rows(items: Sequence[Mobject], max_width: float, hbuff: float) -> list[list[Mobject]]:
    """``items`` cut into rows, left to right, a new row when the next item would pass ``max_width``
    (an item wider than that gets a row of its own). Only decides the rows; callers place them."""
    rows: list[list[Mobject]] = []
    cur: list[Mobject] = []
    w = 0.0
    for it in items:
        add = it.width + (hbuff if cur else 0)
        if cur and w + add > max_width:
            rows.append(cur)
            cur, w = [], 0.0
            add = it.width
        cur.append(it)
        w += add
    if cur:
        rows.append(cur)
    return rows


# -- rules that choose an arrangement by measuring it (never by the frame's shape) --

def beside_or_under(main: Sequence[Mobject], side: Sequence[Mobject], region: Box, *, gap: float = GAP.m,
                    above: Sequence[Sequence[Mobject]] = (), below: Sequence[Sequence[Mobject]] = (),
                    max_scale: float = 1.35) -> bool:
    """Put the ``side`` panel beside ``main`` (right of it, tops aligned) or under it (left edges aligned),
    whichever lets :func:`stack` draw the column ``above`` + main-with-side + ``below`` larger in ``region``
    (beside on a tie: it keeps the main panel's rows in one line of sight). ``main`` does not move; ``side``
    is left in the chosen place, at its own size. Returns True when beside.

    The rule a wide frame and a tall one answer differently (a grid with its notes, a matrix with its
    legend), decided by measuring instead of by the frame's shape."""
    s = VGroup(*side)
    m = VGroup(*main)
    scores = {}
    for at_side in (True, False):
        if at_side:
            s.next_to(m, RIGHT, buff=gap, aligned_edge=UP)
        else:
            s.next_to(m, DOWN, buff=gap, aligned_edge=LEFT)
        scores[at_side] = stack_scale([*above, [*main, *side], *below], region, max_scale=max_scale)
    at_side = scores[True] >= scores[False] / 1.02
    if at_side:
        s.next_to(m, RIGHT, buff=gap, aligned_edge=UP)
    else:
        s.next_to(m, DOWN, buff=gap, aligned_edge=LEFT)
    return at_side


def arrange_to_fill(panels: Sequence[Sequence[Mobject]], region: Box, *, gap: float = GAP.l,
                    above: Sequence[Sequence[Mobject]] = (), below: Sequence[Sequence[Mobject]] = (),
                    max_scale: float = 1.35) -> bool:
    """Put ``panels`` together side by side (tops aligned) or stacked (left edges aligned), whichever
    lets :func:`stack` draw the column ``above`` + the panels + ``below`` larger in ``region``; when both
    draw it at the same size (within 2 %: something else, e.g. a wide expression ``above``, sets the
    scale), whichever covers more of the region. Nothing is scaled or placed in the region; returns
    True when stacked.

    :func:`arrange` keeps side by side on such a tie, which leaves a tall body's lower half empty
    under two narrow lists; this one fills it."""
    groups = [VGroup(*p) for p in panels]
    everything = [m for p in panels for m in p]

    def together(stacked: bool) -> tuple[float, float]:
        VGroup(*groups).arrange(DOWN if stacked else RIGHT, buff=gap, aligned_edge=LEFT if stacked else UP)
        column = [*above, everything, *below]
        scale = stack_scale(column, region, max_scale=max_scale)
        boxes = [bounds(p) for p in column]
        height = sum(b.height for b in boxes) * scale
        width = max(b.width for b in boxes) * scale
        return scale, min(1.0, width / region.width) * min(1.0, height / region.height)

    side, tall = together(False), together(True)
    if abs(tall[0] - side[0]) <= 0.02 * max(side[0], tall[0]):
        stacked = tall[1] > side[1]
    else:
        stacked = tall[0] > side[0]
    together(stacked)
    return stacked


def lead_to_fill(panels: Sequence[Sequence[Mobject]], region: Box, gaps: int, *, least: float = GAP.s,
                 most: float = GAP.xl, min_gap: float = GAP.m, max_scale: float = 1.35, share: float = 0.5) -> float:
    """The lead (gap between rows) for a list inside ``panels`` that takes up the height :func:`stack` would
    leave over in ``region``: ``panels`` are measured as built with ``least`` between rows, and ``share`` of
    the height left at the scale they fit at is shared out over the list's ``gaps`` row gaps, never past
    ``most`` (the rest stays for :func:`stack` to put between the panels).

    A list in a frame limited by its width (two columns in a tall frame) spreads down the body instead
    of leaving its lower half empty; one limited by its height keeps ``least``."""
    boxes = [bounds(p) for p in panels]
    scale = stack_scale(panels, region, max_scale=max_scale, min_gap=min_gap)
    spare = (region.height - min_gap * (len(panels) - 1)) / max(scale, 1e-9) - sum(b.height for b in boxes)
    return min(most, least + share * max(spare, 0.0) / max(gaps, 1))


# -- boxes for panels drawn to fit a box (plots, charts) --

def boxes_in(region: Box, aspects: Sequence[float], *, gap: float = GAP.l) -> tuple[list[Box], bool, float]:
    """Boxes for panels drawn to fit a box (a plot, a chart), whose content wants width/height ``aspects``:
    side by side or stacked in ``region``, whichever draws them larger (more area at those ratios).

    Each box takes the region's whole cross size (height side by side, width stacked) and its share
    of the length in proportion to its ratio, so together they fill the region. Returns (boxes in
    order, stacked, size): ``size`` is the square root of the area they draw at their ratios, the
    measure two layouts compare by.
    """
    n = len(aspects)
    gaps = gap * (n - 1)
    tot_w, tot_h = sum(aspects), sum(1 / a for a in aspects)
    h_side = max(0.0, min(region.height, (region.width - gaps) / tot_w))
    w_stack = max(0.0, min(region.width, (region.height - gaps) / tot_h))
    area_side, area_stack = h_side ** 2 * tot_w, w_stack ** 2 * tot_h
    stacked = area_stack > area_side
    boxes: list[Box] = []
    if stacked:
        y = region.y1
        spare = max(region.height - gaps - w_stack * tot_h, 0.0)
        for a in aspects:
            h = w_stack / a + spare * (1 / a) / tot_h
            boxes.append(Box(region.x0, y - h, region.x1, y))
            y -= h + gap
    else:
        x = region.x0
        spare = max(region.width - gaps - h_side * tot_w, 0.0)
        for a in aspects:
            w = h_side * a + spare * a / tot_w
            boxes.append(Box(x, region.y0, x + w, region.y1))
            x += w + gap
    return boxes, stacked, float(np.sqrt(max(area_side, area_stack)))


def main_and_side(side: Sequence[Mobject], region: Box, *, grow=None, aspect: float = 1.0,
                  gap: float = GAP.l) -> tuple[Box, bool]:
    """A main panel drawn to fit a box (a plot, a chart) and a side panel of mobjects (readouts): the side
    panel goes beside the main one (at the region's right) or under it, whichever leaves the main one
    larger. The side panel keeps its own size (scaled down only to fit, never below the text floor),
    centred on the main panel's other axis; the main panel gets the rest of the region.

    ``grow(box)`` measures how large the main panel draws in ``box`` (default: the height of the
    largest box of width/height ``aspect`` in it). Moves ``side``; returns (the main box, under).
    """
    side = [m for m in side if any(len(s.points) for s in m.get_family())]
    b = bounds(side)
    measure = grow or (lambda box: min(box.width / aspect, box.height))
    least = floor_scale(side)
    options = {}
    for under in (False, True):
        if under:
            s = max(min(1.0, region.width / b.width, (region.height - gap) / 2 / b.height), least)
            main = Box(region.x0, region.y0 + b.height * s + gap, region.x1, region.y1)
        else:
            s = max(min(1.0, (region.width - gap) / 2 / b.width, region.height / b.height), least)
            main = Box(region.x0, region.y0, region.x1 - b.width * s - gap, region.y1)
        ok = main.width > 0 and main.height > 0
        options[under] = (measure(main) if ok else 0.0, main, s)
    under = options[True][0] > options[False][0]
    _, main, s = options[under]
    if under:
        to = np.array([region.centre[0], region.y0 + b.height * s / 2, 0.0])
    else:
        to = np.array([region.x1 - b.width * s / 2, region.centre[1], 0.0])
    transform(side, s, b.centre, to)
    return main, under


# -- growth limits --

def grow_limit(mobs: Iterable[Mobject], largest: float) -> float:
    """How much ``mobs`` may be scaled up before their largest text is drawn above font size ``largest``
    (a :data:`~scenes.theme.SIZE` step): in a roomy frame a panel fills it without its text outgrowing the
    type scale (chips at ``SIZE.label`` grow at most to ``SIZE.value``), one rule for every frame shape.
    1.0 when a text is already that large; unbounded (inf) when ``mobs`` hold no text."""
    sizes = [drawn_size(t) for t in texts_in(mobs)]
    if not sizes:
        return float("inf")
    return max(1.0, largest / max(sizes))
