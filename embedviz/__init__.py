"""embedviz: explainer videos about token embeddings from YAML lesson files.

    import embedviz
    result = embedviz.render("configs/default.yaml", quality="l", tokens="the king wore a crown")
    print(result.video, [str(p) for p in result.files])

Bad input raises :class:`embedviz.LessonError` with a ``file:line:col`` message.
"""
from __future__ import annotations

from embedcore.errors import LessonError

from .api import load, render
from .version import __version__

__all__ = ["LessonError", "load", "render", "__version__"]
