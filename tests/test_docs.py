"""README.md's generated tables are current, and regenerating them follows the models."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
make_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_docs)


def test_readme_tables_are_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert make_docs.regenerate(text) == text, "README.md is not current: run 'make docs'"


def test_tables_follow_the_models(monkeypatch):
    """A changed description or a new type shows up in the regenerated README."""
    from embedcore.segments import SEGMENT_TYPES, lookup

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    field = lookup.Options.model_fields["max_columns"]
    monkeypatch.setattr(field, "description", "a description changed in a test")
    new = make_docs.regenerate(text)
    assert new != text and "`max_columns` (6): a description changed in a test" in new
    section = new.split(make_docs.BEGIN.format(name="segments"))[1].split(make_docs.END.format(name="segments"))[0]
    kinds = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
    assert kinds == list(SEGMENT_TYPES)                 # one row per registered type, in registry order
    # the text around the markers is kept
    assert new.split(make_docs.BEGIN.format(name="sources"))[0] == text.split(make_docs.BEGIN.format(name="sources"))[0]


def test_missing_markers_are_an_error():
    with pytest.raises(SystemExit, match="lacks the markers"):
        make_docs.regenerate("# a README without markers\n")


def test_check_mode_writes_nothing(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "README.md"
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stale.write_text(text.replace("matrix columns drawn before eliding", "stale"), encoding="utf-8")
    monkeypatch.setattr(make_docs, "README", stale)
    before = stale.read_text()
    assert make_docs.main(["--check"]) == 1 and stale.read_text() == before
    assert "run 'make docs'" in capsys.readouterr().err
    assert make_docs.main([]) == 0 and stale.read_text() == text


def test_speed_table_follows_the_recorded_benchmark(tmp_path, monkeypatch):
    """README's speed table is bench/speed.json as `make bench` records it."""
    import json

    recorded = tmp_path / "speed.json"
    recorded.write_text(json.dumps({"summary": "Recorded in a test.", "rows": [
        {"n": "1", "figure": "full render | wall", "measured": "0.42 (10 s)", "target": "≤ 0.5"},
        {"n": "2", "figure": "stock Manim", "measured": "0.9", "target": "-"}]}), encoding="utf-8")
    monkeypatch.setattr(make_docs, "SPEED", recorded)
    new = make_docs.regenerate((ROOT / "README.md").read_text(encoding="utf-8"))
    section = new.split(make_docs.BEGIN_SPEED)[1].split(make_docs.END.format(name="speed"))[0]
    assert section.strip().splitlines() == ["Recorded in a test.", "", "| # | figure | measured | target |",
                                            "|---|---|---|---|", "| 1 | full render \\| wall | 0.42 (10 s) | ≤ 0.5 |",
                                            "| 2 | stock Manim | 0.9 | – |"]
