"""Content-hash keys for the segment cache.

A clip is reused when its key is unchanged. The key covers everything that can
change its pixels: the storyboard (all numbers, labels, narration), the style,
the output size and frame rate, the source code that draws it, the renderer
(embedviz's or stock Manim's, ``EMBEDVIZ_PLAIN_MANIM=1``: they draw the same pictures today, which a test
checks, but a key must not rest on that), and the installed fonts (a fallback font installed later must redraw clips that showed
missing-glyph boxes).
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every Python file under these packages draws or encodes a clip (scenes, and the renderer, camera,
# encoder and chunk code that turn a scene into a clip file).
DRAWING_PACKAGES = ("scenes", "embedviz/draw")
_FIRST_PARTY = ("embedcore", "embedviz", "scenes")


def _module_file(root: Path, module: str) -> Path | None:
    path = root.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=512)
def _import_statements(text: bytes, package: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(module, names) of each import in ``text``, a file of ``package`` (``import a.b``: names empty),
    at the top or inside a function; cached by content, as a key is computed often in tests."""
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out.extend((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            out.append((".".join([*base, *([node.module] if node.module else [])]),
                        tuple(alias.name for alias in node.names)))
    return tuple(out)


def _imported(root: Path, source: Path) -> set[Path]:
    """The first-party modules ``source`` imports, as files."""
    files = set()
    for module, names in _import_statements(source.read_bytes(), source.relative_to(root).parent.parts):
        if module.split(".")[0] not in _FIRST_PARTY:
            continue
        # ``from a import b``: b is a module of package a, or a name defined in a
        found = [_module_file(root, f"{module}.{name}") for name in names]
        if not names or None in found:
            found.append(_module_file(root, module))
        files.update(f for f in found if f is not None)
    return files


def drawing_files(root: Path = ROOT) -> list[Path]:
    """Every file that decides a clip's bytes: each ``.py`` file of :data:`DRAWING_PACKAGES`, and each
    first-party module one of them imports (``embedviz/media/video.py``, which writes the clip's
    container; the ``embedcore`` storyboard classes the scenes read). Found by walking the packages
    and reading their imports, so a new file is covered without being listed. One hop only: what those
    modules import in turn computes storyboards, whose content is part of the key already."""
    own = {f for package in DRAWING_PACKAGES for f in (root / package).rglob("*.py")}
    files = set(own)
    for source in own:
        files |= _imported(root, source)
    return sorted(files)


@lru_cache(maxsize=4)
def code_version(root: Path = ROOT) -> str:
    """Hash of the drawing code (:func:`drawing_files`), so editing any of it invalidates the clips."""
    h = hashlib.sha256()
    for f in drawing_files(root):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def fonts_version() -> str:
    """Hash of every installed font file's path, size and mtime (``fc-list``)."""
    try:
        out = subprocess.run(["fc-list", "-f", "%{file}\n"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    h = hashlib.sha256()
    for path in sorted(set(filter(None, out.split("\n")))):
        try:
            st = os.stat(path)
        except OSError:
            continue
        h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def segment_key(storyboard_dict: dict, style_dict: dict, width: int, height: int, fps: int,
                fmt: str = "mp4", transparent: bool = False, cfr: bool = False) -> str:
    payload = json.dumps(
        {"storyboard": storyboard_dict, "style": style_dict, "size": [width, height, fps],
         "format": [fmt, transparent], "frame_rate": "constant" if cfr else "variable",
         "code": code_version(), "fonts": fonts_version(),
         "renderer": "stock Manim" if os.environ.get("EMBEDVIZ_PLAIN_MANIM") == "1" else "embedviz"},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
