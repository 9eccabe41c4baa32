"""What a drawn thing means, for the layout check: which mark a label labels, which texts are
readouts, which mobjects stand for a token.

Components and scenes say it where they build (``labels(row_label, row_box)``); the
check (:mod:`embedviz.draw.layout_check`) reads it back. A registry keyed by the
mobject, held weakly, so it costs nothing when no check runs and never keeps a scene
alive. Nothing here changes a pixel.
"""
from __future__ import annotations

import weakref

from manim import Mobject

_LABELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()      # label → targets (weak)
_ROLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()       # mobject → role
_TOKENS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()      # mobject → token string

READOUT = "readout"     # a value the viewer reads as a result, or a number the narration names: ≥ 24 px
DECOR = "decor"         # a mark nothing can overlap by mistake (a faint grid, a background panel)


def labels(label: Mobject, *targets: Mobject) -> Mobject:
    """``label`` names ``targets``: it may touch or overlap them (and their parts). Returns ``label``."""
    refs = _LABELS.setdefault(label, [])
    refs.extend(weakref.ref(t) for t in targets)
    return label


def targets_of(label: Mobject) -> list[Mobject]:
    return [t for t in (r() for r in _LABELS.get(label, ())) if t is not None]


def role(mob: Mobject, name: str) -> Mobject:
    """Give ``mob`` (and so every text in it) a role: :data:`READOUT` or :data:`DECOR`."""
    _ROLES[mob] = name
    return mob


def role_of(mob: Mobject) -> str | None:
    return _ROLES.get(mob)


def token(mob: Mobject, text: str) -> Mobject:
    """``mob`` stands for the token ``text`` (its colour is that token's colour)."""
    _TOKENS[mob] = text
    return mob


def token_of(mob: Mobject) -> str | None:
    return _TOKENS.get(mob)
