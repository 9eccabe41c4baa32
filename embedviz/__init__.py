"""embedviz: explainer videos about token embeddings from YAML lesson files.

    import embedviz
    result = embedviz.render("configs/default.yaml", quality="l", tokens="the king wore a crown")
    print(result.video, [str(p) for p in result.files])

Bad input raises :class:`embedviz.LessonError` with a ``file:line:col`` message.
"""
from __future__ import annotations

from embedcore.errors import LessonError

# the package of render stages is loaded first, so that the name ``embedviz.render`` stays the API
# function bound below (importing a subpackage later would rebind it to the package)
from . import render as _stages  # noqa: F401
from .api import load, render
from .version import __version__

__all__ = ["LessonError", "load", "render", "__version__"]
