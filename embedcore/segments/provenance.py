"""What a segment may claim about its vectors, from ``table.source.learned``.

``learned`` is False for made-up vectors (synthetic, inline), None when
unknown (loaded from a file), True for vectors learned by training. Captions
that state a result go through here so no lesson passes off a property built
into made-up numbers as a finding.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..sources.base import SourceInfo


def kind_phrase(source: SourceInfo) -> str:
    """Short description of the vectors, e.g. for a caption's first clause."""
    if source.learned is True:
        return "learned vectors"
    if source.learned is False:
        return "synthetic vectors" if source.kind == "synthetic" else "hand-written vectors"
    return "loaded vectors of unknown origin"


def result_note(source: SourceInfo, *, built_in: str) -> str:
    """One caption line qualifying a result.

    ``built_in`` names what, for made-up vectors, was put there on purpose
    (e.g. "'cat' and 'dog' share a group direction").
    """
    if source.learned is True:
        return "Learned vectors: this is a finding about the model that learned them."
    if source.learned is False:
        if source.kind == "synthetic":
            return f"Synthetic vectors: this is by construction ({built_in}), not a finding."
        return f"Hand-written vectors: this is by construction ({built_in}), not a finding."
    return "Vectors of unknown origin, loaded from a file: check how they were made before drawing conclusions."


def shared_groups(source: SourceInfo, a: str, b: str) -> list[str]:
    """Names of synthetic groups holding both tokens (empty for other sources)."""
    groups = source.details.get("groups", {}) if isinstance(source.details, dict) else {}
    return [name for name, members in groups.items() if a in members and b in members]


def pair_construction(source: SourceInfo, a: str, b: str) -> str:
    """Why two synthetic tokens are (or are not) alike: the honest 'by construction' clause."""
    g = shared_groups(source, a, b)
    if g:
        return f"'{a}' and '{b}' share the group '{g[0]}'"
    if source.kind == "synthetic":
        return f"'{a}' and '{b}' share no group, so their rows are independent random draws"
    return "every number was chosen by the lesson's author"
