"""embedcore must never load Manim (DESIGN.md): checked in a fresh interpreter."""
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def test_embedcore_does_not_import_manim():
    code = (
        "import sys, embedcore, embedcore.lesson, embedcore.report, embedcore.segments;"
        "import embedcore.lesson as L; L.load_lesson('configs/similarity-matrix.yaml');"
        "bad = [m for m in sys.modules if m == 'manim' or m.startswith('manim.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cli_validate_does_not_import_manim():
    code = (
        "import sys; from embedviz.cli import main; rc = main(['validate', 'configs/similarity-matrix.yaml']);"
        "sys.exit(3 if 'manim' in sys.modules else rc)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
