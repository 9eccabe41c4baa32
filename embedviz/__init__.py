"""embedviz: explainer videos about token embeddings from YAML lesson files.

    import embedviz
    result = embedviz.render("configs/default.yaml", quality="l", tokens="the king wore a crown")
    print(result.video, [str(p) for p in result.files])

Bad input raises :class:`embedviz.LessonError` with a ``file:line:col`` message.
"""
from __future__ import annotations

from embedcore.errors import LessonError

# The subpackage embedviz.render is imported first: importing a submodule binds its name on the
# parent package, and the public function ``embedviz.render`` must be what that name holds.
from . import render as _render_package  # noqa: F401
from .api import load, render
from .version import __version__

__all__ = ["LessonError", "load", "render", "__version__"]
