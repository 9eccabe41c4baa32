"""``embedviz --version``: what made a video, for bug reports and for cluster checks.

Nothing heavy is imported: Manim's version comes from package metadata. Voice
engines are found through ``embedviz.narration.voices`` (``ENGINES`` and ``engine(name)``);
a new engine shows up here as soon as it is listed there.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from embedviz.narration import voices as voice
from embedviz.render.cache import code_version
from embedviz.version import __version__


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def voice_engines() -> dict[str, str]:
    """Each voice engine's version, or why it cannot be used here."""
    out = {}
    for name in voice.ENGINES:
        try:
            out[name] = str(voice.engine(name).version())
        except Exception as e:          # an engine that is missing here is a fact to print, not a crash
            out[name] = f"unavailable ({getattr(e, 'message', None) or e})"
    return out


def versions() -> dict:
    return {"embedviz": __version__, "drawing code": code_version(), "manim": _pkg("manim"),
            "av": _pkg("av"), "voice": voice_engines()}


def version_lines() -> list[str]:
    v = versions()
    lines = [f"embedviz {v['embedviz']} (drawing code {v['drawing code']})", f"Manim {v['manim']}", f"PyAV {v['av']}"]
    if v["voice"]:
        lines += [f"voice engine {name}: {ver}" for name, ver in v["voice"].items()]
    else:
        lines.append("voice engine: none installed (lessons are silent; captions only)")
    return lines
