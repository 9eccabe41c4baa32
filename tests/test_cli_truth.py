"""What ``embedviz render`` prints is true: the narration's final count, the video's whole length
(title card included), and every file it wrote. The page's clock rounds down, as players do."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from embedviz.cli import main
from embedviz.media.video import video_seconds
from embedviz.publish.page import _clock
from tests.test_narration import write_audio

LESSON = """
lesson: {title: Truthful, slug: truthful}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
narration_voice: espeak
segments:
  - type: lookup
    narration: ["One row per token.", "The id selects a row of the table, and nothing is computed at all."]
  - type: lookup
    tokens: "dog cat"
    narration: [{text: "Two tokens, two rows.", audio: two.wav}]
"""
FINAL = re.compile(r"^narration: (\d+) of (\d+) lines voiced, ([\d.]+) s of speech \((\d+) synthesised, "
                   r"(\d+) from the voice cache, (\d+) recorded\) in ([\d.]+) s$", re.M)


def _render(tmp_path: Path, capsys) -> tuple[str, str]:
    code = main(["render", str(tmp_path / "l.yaml"), "--resolution", "256x144", "--fps", "5", "-j", "1",
                 "--out", str(tmp_path / "media")])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out, out.err


@pytest.mark.render
def test_render_says_what_it_did(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "voices"))
    (tmp_path / "l.yaml").write_text(LESSON)
    write_audio(tmp_path / "two.wav", 1.5, level=0.2)
    out, err = _render(tmp_path, capsys)

    # while it starts: no speech claimed before it exists
    assert "narration: 3 lines; 0 from the voice cache, 1 recorded, 2 to synthesise while rendering" in err
    assert "0.0 s of speech" not in err
    # the final count: every line, its seconds of speech as the clips hold it
    (final,) = FINAL.findall(out)
    voiced, lines, seconds, synthesised, cached, recorded, wall = final
    assert (voiced, lines, synthesised, cached, recorded) == ("3", "3", "2", "0", "1")
    folder = tmp_path / "media" / "truthful" / "144p5"
    manifest = json.loads((folder / "manifest.json").read_text())
    spoken = sum(c["end"] - c["start"] for s in manifest["segments"]
                 for c in json.loads((folder / (s["clip"] + ".json")).read_text())["cues"])
    assert abs(float(seconds) - spoken) <= 0.1 and float(wall) > 0

    # the whole video's length, title card included, as the file has it
    video = folder / "truthful.mp4"
    (said,) = re.findall(rf"^lesson video: {re.escape(str(video))} \(([\d.]+) s, narrated\)$", out, re.M)
    assert abs(float(said) - video_seconds(video)) <= 0.05
    assert abs(float(said) - sum(s["duration"] for s in manifest["segments"])) > 1.0   # the card counts

    # every file written is listed; cache entries are counted
    listed = {line.strip() for line in out.split("all files in:")[1].splitlines()[1:]
              if line.startswith("  ") and not line.strip().startswith("*.json beside")}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*")          # (.embedviz.lock: the folder's lock)
               if p.is_file() and not p.name.startswith(".")}
    entries = {f for f in on_disk if f.endswith((".mp4.json"))}
    assert listed == on_disk - entries
    assert {"clips/01-lookup.vtt", "clips/02-lookup.vtt", "clips/00-title.mp4"} <= listed
    assert f"*.json beside each video ({len(entries)} cache entries" in out and len(entries) == 4

    # the page shows the length a player shows (rounded down)
    page = (folder / "index.html").read_text()
    assert _clock(manifest["duration"]) in page

    # again, unchanged: the voices come from the cache
    out, err = _render(tmp_path, capsys)
    (final,) = FINAL.findall(out)
    assert final[3:6] == ("0", "2", "1") and final[2] == seconds


@pytest.mark.unit
def test_the_clock_rounds_down():
    assert [_clock(t) for t in (18.7, 59.999, 60.0, 177.0, 0.4)] == ["0:18", "0:59", "1:00", "2:57", "0:00"]
