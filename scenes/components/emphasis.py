"""Emphasis and entrances that keep text title-safe while they move.

Manim's ``Indicate`` grows a mobject by 1.2 about its centre, and ``FadeIn(shift=v)``
starts it ``v`` away from its place: a label laid out at the edge of the title-safe
area leaves it for a moment (``embedviz check`` samples plays in flight). These build
the same animations with the pulse or the shift cut to the room the safe area leaves.
"""
from __future__ import annotations

import numpy as np
from manim import Animation, FadeIn, FadeOut, Indicate, Mobject, VMobject

from .. import layout


def indicate(mob: Mobject, region: layout.Box, *, colour: str, scale_factor: float = 1.2, **kwargs) -> Indicate:
    """``Indicate(mob)`` whose pulse stays inside ``region`` (the scene's ``regions.safe``)."""
    if not _drawn(mob):
        return Indicate(mob, color=colour, scale_factor=scale_factor, **kwargs)
    grow = layout.room_to_grow(layout.bounds([mob]), region)
    return Indicate(mob, color=colour, scale_factor=min(scale_factor, grow), **kwargs)


def fade_in(mob: Mobject, region: layout.Box, shift: np.ndarray, **kwargs) -> FadeIn:
    """``FadeIn(mob, shift=shift)`` whose starting place stays inside ``region`` (the shift shortened)."""
    if not _drawn(mob):         # nothing to draw (a glyph no font has): nothing can leave the area
        return FadeIn(mob, shift=shift, **kwargs)
    b = layout.bounds([mob])
    v = np.asarray(shift, dtype=float)
    f = 1.0
    for lo, hi, d, rlo, rhi in ((b.x0, b.x1, v[0], region.x0, region.x1), (b.y0, b.y1, v[1], region.y0, region.y1)):
        if d > 1e-9:            # starts d lower / further left
            f = min(f, max(0.0, (lo - rlo) / d))
        elif d < -1e-9:
            f = min(f, max(0.0, (rhi - hi) / -d))
    return FadeIn(mob, shift=v * f, **kwargs) if f > 1e-3 else FadeIn(mob, **kwargs)


def _drawn(mob: Mobject) -> bool:
    return any(len(m.points) for m in mob.get_family())


# Opacity-only fades. Manim's FadeIn/FadeOut and ``.animate.set_opacity`` are
# Transforms: every frame they interpolate every point of every glyph as well as
# the colours, so the camera's path cache (a path replayed while its points are
# unchanged) misses on each frame although only the opacity moves. These move the
# alpha channels alone, frame for frame the same colours as Manim's.

_CHANNELS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")


def _alphas(leaves: list[VMobject]) -> list[tuple[np.ndarray, ...]]:
    return [tuple(np.array(getattr(m, c)[:, 3], dtype=float) for c in _CHANNELS) for m in leaves]


def _joined(arrays) -> tuple[np.ndarray, list[int]]:
    """Per-leaf arrays end to end, and where each starts and ends."""
    return (np.concatenate(arrays) if arrays else np.zeros(0)), np.cumsum([0, *map(len, arrays)]).tolist()


class OpacityTo(Animation):
    """Fill and stroke alphas of ``mob``'s family move from ``start`` to ``end`` (one tuple of alpha
    arrays per VMobject leaf); points never change. ``restore`` puts ``start`` back once removed
    (as ``FadeOut`` does, so a later fade-in shows the mobject as it was). A frame's alphas,
    a0 + (a1 − a0)·t, are computed for all leaves at once, a channel at a time."""

    def __init__(self, mob: Mobject, leaves: list[VMobject], start, end, *, restore: bool = False, **kwargs) -> None:
        self._leaves, self._restore = leaves, restore
        self._a0 = [_joined([s[k] for s in start]) for k in range(len(_CHANNELS))]
        self._a1 = [_joined([e[k] for e in end])[0] for k in range(len(_CHANNELS))]
        super().__init__(mob, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject        # never read: skip Animation's deep copy of the whole family

    def _set_alphas(self, t: float, *, back: bool = False) -> None:
        for c, (a0, spans), a1 in zip(_CHANNELS, self._a0, self._a1):
            now = a0 + ((a0 if back else a1) - a0) * t
            for i, m in enumerate(self._leaves):
                rgba = np.array(getattr(m, c), dtype=float)
                rgba[:, 3] = now[spans[i]:spans[i + 1]]
                setattr(m, c, rgba)

    def interpolate_mobject(self, alpha: float) -> None:
        self._set_alphas(self.rate_func(alpha))

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if self._restore:
            self._set_alphas(0.0, back=True)


def _leaves(mob: Mobject) -> list[VMobject]:
    """The VMobjects that draw something (a group's own colours are never drawn)."""
    return [m for m in mob.get_family() if isinstance(m, VMobject) and len(m.points)]


def dim(mob: Mobject, opacity: float, **kwargs) -> OpacityTo:
    """``mob.animate.set_opacity(opacity)`` (fill, stroke and background stroke), opacity only."""
    leaves = _leaves(mob)
    start = _alphas(leaves)
    end = [tuple(np.full_like(a, float(opacity)) for a in s) for s in start]
    return OpacityTo(mob, leaves, start, end, **kwargs)


def appear(mob: Mobject, **kwargs) -> OpacityTo:
    """``FadeIn(mob)`` without a shift or scale, opacity only: from transparent to ``mob`` as it is."""
    leaves = _leaves(mob)
    end = _alphas(leaves)
    start = [tuple(np.zeros_like(a) for a in e) for e in end]
    return OpacityTo(mob, leaves, start, end, introducer=True, **kwargs)


def disappear(mob: Mobject, **kwargs) -> OpacityTo:
    """``FadeOut(mob)`` without a shift or scale, opacity only; ``mob`` leaves the scene as it was."""
    leaves = _leaves(mob)
    start = _alphas(leaves)
    end = [tuple(np.zeros_like(a) for a in s) for s in start]
    return OpacityTo(mob, leaves, start, end, remover=True, restore=True, **kwargs)


# -- speed3 --
# Whole-scene fades (the header's entrance, every segment's closing fade-out) and the plain
# fades of matrix-shape, vectors-2d, pitfall-spelling and the title card go through these:
# opacity-only where everything drawn is a VMobject, Manim's own fade otherwise (an image
# or a point cloud has no fill/stroke alphas to move). Their colours and widths are Manim's
# to the last bit (its arithmetic, start·(1 − t) + end·t, on the same values): a frame
# differs from the stock fade's only where the stock fade's points moved by rounding.

_STYLE = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "stroke_width", "background_stroke_width",
          "sheen_direction", "sheen_factor")     # what VMobject.interpolate_color interpolates


class StillFade(Animation):
    """``FadeIn``/``FadeOut`` of a mobject that does not move, its points untouched (the path cache holds):
    every VMobject leaf's style interpolated from ``start`` to ``end`` as Manim's Transform does, for all
    leaves at once (one array operation per attribute a frame, not one per leaf)."""

    def __init__(self, mob: Mobject, leaves: list[VMobject], start, end, *, restore: bool = False, **kwargs) -> None:
        self._leaves, self._end, self._restore = leaves, end, restore
        # per attribute, every leaf's values end to end: colour rows [Σ rows, 4] (a leaf's rows are a
        # slice), directions [n, 3], numbers [n]
        self._a, self._b, self._spans = [], [], []
        for k, attr in enumerate(_STYLE):
            if not leaves:
                break
            join = np.concatenate if attr.endswith("rgbas") else np.array
            self._a.append(join([v[k] for v in start]))
            self._b.append(join([v[k] for v in end]))
            self._spans.append(np.cumsum([0, *[len(v[k]) for v in start]]).tolist() if attr.endswith("rgbas") else None)
        super().__init__(mob, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject        # never read: skip Animation's deep copy of the whole family

    def _apply(self, t: float) -> None:
        if not self._leaves:
            return
        if t == 1.0:               # as Manim: the end values themselves (copies)
            for m, e in zip(self._leaves, self._end):
                for attr, b in zip(_STYLE, e):
                    setattr(m, attr, b.copy() if isinstance(b, np.ndarray) else b)
            return
        for attr, a, b, spans in zip(_STYLE, self._a, self._b, self._spans):
            now = a * (1 - t) + b * t           # Manim's interpolate: start·(1 − t) + end·t
            if spans is not None:               # colour rows: each leaf its slice
                for i, m in enumerate(self._leaves):
                    setattr(m, attr, now[spans[i]:spans[i + 1]])
            else:                               # a direction (a row) or a number a leaf
                for m, v in zip(self._leaves, now if now.ndim > 1 else now.tolist()):
                    setattr(m, attr, v)

    def interpolate_mobject(self, alpha: float) -> None:
        self._apply(self.rate_func(alpha))

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if self._restore:           # as FadeOut: interpolate(0), the mobject as it was
            self._apply(0.0)


def _style(leaves: list[VMobject], faded: bool) -> list[tuple]:
    out = []
    for m in leaves:
        vals = [np.array(getattr(m, a), dtype=float) if a.endswith(("rgbas", "direction")) else float(getattr(m, a))
                for a in _STYLE]
        if faded:                   # VMobject.fade(1): every opacity times 0
            for v in vals[:3]:
                v[:, 3] = 0.0 * v[:, 3]
        out.append(tuple(vals))
    return out


def _vector_only(mob: Mobject) -> bool:
    return all(isinstance(m, VMobject) or not len(m.points) for m in mob.get_family())


def fade_in_still(mob: Mobject, **kwargs) -> Animation:
    """``FadeIn(mob)`` (no shift, no scale), the points untouched when ``mob`` is drawn with vector paths alone."""
    if not _vector_only(mob):
        return FadeIn(mob, **kwargs)
    leaves = _leaves(mob)
    return StillFade(mob, leaves, _style(leaves, True), _style(leaves, False), introducer=True, **kwargs)


def fade_out_still(mob: Mobject, **kwargs) -> Animation:
    """``FadeOut(mob)`` (no shift, no scale), the points untouched when ``mob`` is drawn with vector paths alone."""
    if not _vector_only(mob):
        return FadeOut(mob, **kwargs)
    leaves = _leaves(mob)
    return StillFade(mob, leaves, _style(leaves, False), _style(leaves, True), remover=True, restore=True, **kwargs)
