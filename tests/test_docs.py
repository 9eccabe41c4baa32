"""README.md's generated tables are current, and regenerating them follows the models."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

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
