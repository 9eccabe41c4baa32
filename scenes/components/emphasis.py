"""Emphasis and entrances that keep text title-safe while they move.

Manim's ``Indicate`` grows a mobject by 1.2 about its centre, and ``FadeIn(shift=v)``
starts it ``v`` away from its place: a label laid out at the edge of the title-safe
area leaves it for a moment (``embedviz check`` samples plays in flight). These build
the same animations with the pulse or the shift cut to the room the safe area leaves.
"""
from __future__ import annotations

import numpy as np
from manim import FadeIn, Indicate, Mobject

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
