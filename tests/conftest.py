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


#: The test layers (registered in pyproject.toml). Every test carries exactly one, so ``-m unit`` (make check)
#: and the rest (make test) together run everything.
LAYERS = ("unit", "golden", "render", "browser", "faults")
#: Run one at a time on a single xdist worker (kills, signals, full disks, headless Chromium: timing-sensitive).
SERIAL = ("faults", "browser")


def layers_of(item: pytest.Item) -> list[str]:
    return sorted({m.name for m in item.iter_markers() if m.name in LAYERS})


@pytest.hookimpl(tryfirst=True)   # before pytest-xdist reads the xdist_group marks it adds
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test without exactly one layer marker; group tests for ``pytest -n --dist loadgroup``.

    A file's tests stay on one worker (module-scoped fixtures such as the course and golden renders run
    once); faults and browser tests share one group so they never run at the same time as each other.
    """
    bad = [f"{item.nodeid}: {', '.join(layers_of(item)) or 'no layer marker'}" for item in items
           if len(layers_of(item)) != 1]
    if bad:
        raise pytest.UsageError("every test needs exactly one of the markers " + ", ".join(LAYERS)
                                + " (pytestmark at the top of the file, or per test):\n  " + "\n  ".join(bad))
    for item in items:
        layer = layers_of(item)[0]
        group = "serial" if layer in SERIAL else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
