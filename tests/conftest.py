"""Shared fixtures: small lessons written on the fly, and a CLI runner; every test's layer marker checked."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def write_lesson(tmp_path):
    """Write YAML text (dedented) to a lesson file and return its path."""

    def _write(text: str, name: str = "lesson.yaml") -> Path:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return _write


BASIC = """
lesson: {title: "Test lesson", slug: test-lesson}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat on the mat"
segments:
  - type: lookup
"""


@pytest.fixture
def basic_lesson(write_lesson):
    return write_lesson(BASIC)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``embedviz`` as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "embedviz.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT)


@pytest.fixture(scope="session", autouse=True)
def _private_text_cache(tmp_path_factory):
    """Renders in tests keep shaped text in a fresh cache, not the user's."""
    import os
    old = os.environ.get("EMBEDVIZ_TEXT_CACHE")
    os.environ["EMBEDVIZ_TEXT_CACHE"] = str(tmp_path_factory.mktemp("text-cache"))
    yield
    if old is None:
        os.environ.pop("EMBEDVIZ_TEXT_CACHE", None)
    else:
        os.environ["EMBEDVIZ_TEXT_CACHE"] = old



@pytest.fixture(scope="session", autouse=True)
def _private_manim_media(tmp_path_factory):
    """Under pytest-xdist, scenes built in a worker write Manim's text SVGs to that worker's own folder.

    Manim writes them to ``media_dir/texts`` in place, not atomically: two workers sharing ``./media``
    could read each other's half-written file. A plain (one-process) run keeps Manim's default.
    """
    import os
    if "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    from manim import config
    old = config.media_dir
    config.media_dir = str(tmp_path_factory.mktemp("manim-media"))
    yield
    config.media_dir = old

#: The test layers (registered in pyproject.toml). Every test carries exactly one, so ``-m unit`` (make check)
#: and ``make test``'s two runs (unit, golden and render on 2 workers; faults and browser alone) run everything.
LAYERS = ("unit", "golden", "render", "browser", "faults")


def layers_of(item: pytest.Item) -> list[str]:
    return sorted({m.name for m in item.iter_markers() if m.name in LAYERS})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test without exactly one layer marker, so the layers stay complete and disjoint."""
    bad = [f"{item.nodeid}: {', '.join(layers_of(item)) or 'no layer marker'}" for item in items
           if len(layers_of(item)) != 1]
    if bad:
        raise pytest.UsageError("every test needs exactly one of the markers " + ", ".join(LAYERS)
                                + " (pytestmark at the top of the file, or per test):\n  " + "\n  ".join(bad))
