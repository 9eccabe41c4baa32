"""Tiny real renders (256×144 at 5 fps): files decode, durations add up,
the cache skips unchanged segments, and failures leave nothing half-written."""
from __future__ import annotations

import json
import re

import av
import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedviz.options import Quality
from embedviz.render import events as ev
from embedviz.render.lesson import render_lesson

pytestmark = pytest.mark.render

TINY = Quality("t", 256, 144, 5)

TWO = """
lesson: {title: Two lookups, slug: two}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration: "Each token selects a row."
  - type: lookup
    tokens: [dog, on, the, mat]
    narration: ["Another sentence.", "Same table."]
"""


def frames_rgb(path):
    """Every frame time at 5 fps (a hold is one stored frame: variable frame rate)."""
    from embedviz.media.video import frames_on_grid
    return frames_on_grid(path, 5)


def duration(path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return float(s.duration * s.time_base)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    d = tmp_path_factory.mktemp("render")
    lesson = d / "two.yaml"
    lesson.write_text(TWO)
    events = []
    res = render_lesson(load_lesson(lesson), TINY, d / "media", jobs=2, on_event=events.append)
    return d, lesson, res, events


def test_files_and_durations(rendered):
    d, lesson, res, events = rendered
    assert res.out_dir == d / "media" / "two" / "144p5"
    assert sorted(e.index for e in events if isinstance(e, ev.Rendered)) == [0, 1, 2]      # title card + 2
    manifest = json.loads((res.out_dir / "manifest.json").read_text())
    assert [s["clip"] for s in manifest["segments"]] == ["clips/01-lookup.mp4", "clips/02-lookup.mp4"]
    clip_durs = [duration(res.out_dir / s["clip"]) for s in manifest["segments"]]
    card = duration(res.out_dir / manifest["title_card"]["clip"])
    total = duration(res.video)
    assert total == pytest.approx(card + sum(clip_durs), abs=0.21)
    assert manifest["duration"] == pytest.approx(total, abs=0.21)
    # the title card, then segments tile the lesson timeline
    segs = manifest["segments"]
    assert manifest["title_card"]["end"] == pytest.approx(card, abs=0.21)
    assert segs[0]["start"] == manifest["title_card"]["end"]
    assert segs[1]["start"] == pytest.approx(segs[0]["end"])
    assert segs[-1]["end"] == pytest.approx(manifest["duration"])
    assert manifest["format"]["codec"] == "h264" and manifest["format"]["pix_fmt"] == "yuv420p"
    assert (manifest["format"]["width"], manifest["format"]["height"]) == (256, 144)
    assert manifest["source"]["label"].startswith("Synthetic vectors")
    # portable: no string in the manifest names a place on this machine (see test_portable_manifest.py)
    assert str(d) not in json.dumps(manifest, ensure_ascii=False) and '"/' not in json.dumps(manifest)


def test_longest_segments_start_first_and_entries_record_the_worker(rendered):
    d, lesson, res, events = rendered
    begun = [e.index for e in events if isinstance(e, ev.Begun)]
    assert begun == [2, 1, 0]      # two narration lines read longer than one; the title card last
    for name in ("01-lookup", "02-lookup", "00-title"):
        entry = json.loads((res.out_dir / "clips" / f"{name}.mp4.json").read_text())
        assert entry["render_seconds"] > 0 and 50 < entry["worker_peak_rss_mb"] < 4000


def test_expected_seconds_prefers_the_last_render():
    from embedviz.render.plan import expected_seconds
    sb = load_lesson_text(TWO).storyboards[0]
    assert expected_seconds(sb, {"duration": 12.5}) == 12.5
    assert expected_seconds(sb, None) == expected_seconds(sb, {"key": "x"}) > 4.0


def load_lesson_text(text):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as t:
        p = Path(t) / "l.yaml"
        p.write_text(text)
        return load_lesson(p)


def test_video_decodes_and_is_not_blank(rendered):
    _, _, res, _ = rendered
    frames = frames_rgb(res.video)
    assert len(frames) == pytest.approx(duration(res.video) * 5, abs=2)
    mid = frames[len(frames) // 4]
    assert mid.shape == (144, 256, 3)
    assert mid.std() > 10, "frame is blank"
    # the background is the dark theme's colour
    assert np.abs(frames[0][0, 0].astype(int) - [0x14, 0x17, 0x1C]).max() <= 6


def test_parallel_clips_are_each_their_own(rendered):
    """Rendered by two workers at once: each clip holds its own segment, not the other's."""
    _, _, res, _ = rendered
    a = frames_rgb(res.out_dir / "clips" / "01-lookup.mp4")
    b = frames_rgb(res.out_dir / "clips" / "02-lookup.mp4")
    mid = min(len(a), len(b)) // 2
    assert np.abs(a[mid].astype(int) - b[mid].astype(int)).mean() > 1.0
    meta = [json.loads((res.out_dir / "clips" / f"0{i}-lookup.mp4.json").read_text()) for i in (1, 2)]
    assert meta[0]["key"] != meta[1]["key"]
    assert meta[0]["cues"][0]["text"] == "Each token selects a row." and meta[1]["cues"][0]["text"] == "Another sentence."


def test_thumbnail_is_a_real_frame(rendered):
    from PIL import Image

    _, _, res, _ = rendered
    img = np.asarray(Image.open(res.out_dir / "thumbnail.png").convert("RGB"))
    assert img.shape == (144, 256, 3) and img.std() > 10


def test_faststart(rendered):
    _, _, res, _ = rendered
    head = res.video.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096)


def test_captions_cover_narration(rendered):
    _, _, res, _ = rendered
    vtt = (res.out_dir / "two.vtt").read_text()
    assert vtt.startswith("WEBVTT")
    text = " ".join(ln for ln in vtt.splitlines() if ln and not re.match(r"^\d+$|^\d\d:|WEBVTT", ln))
    for line in ["Each token selects a row.", "Another sentence.", "Same table."]:
        assert line in text
    times = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", vtt)
    secs = [(int(a) * 3600 + int(b) * 60 + int(c) + int(d_) / 1000, int(e) * 3600 + int(f) * 60 + int(g) + int(h) / 1000)
            for a, b, c, d_, e, f, g, h in times]
    assert all(s < e for s, e in secs) and all(p[1] <= q[0] + 1e-6 for p, q in zip(secs, secs[1:]))
    assert (res.out_dir / "two.srt").read_text().startswith("1\n00:00:")
    assert (res.out_dir / "chapters.vtt").read_text().count("-->") == 2


def test_rerender_unchanged_renders_nothing(rendered):
    d, lesson, res, _ = rendered
    before = (res.out_dir / "clips" / "01-lookup.mp4").stat().st_mtime_ns
    events = []
    render_lesson(load_lesson(lesson), TINY, d / "media", jobs=2, on_event=events.append)
    kinds = [type(e) for e in events]
    assert ev.Rendered not in kinds and kinds.count(ev.Cached) == 3     # title card + 2 segments
    assert (res.out_dir / "clips" / "01-lookup.mp4").stat().st_mtime_ns == before


def test_edit_one_narration_rerenders_only_that_segment(rendered):
    d, lesson, res, _ = rendered
    edited = d / "edited.yaml"
    edited.write_text(TWO.replace("Same table.", "Same table, new words."))
    events = []
    render_lesson(load_lesson(edited), TINY, d / "media", jobs=1, on_event=lambda e: events.append((type(e), getattr(e, "index", None))))
    assert (ev.Rendered, 2) in events and (ev.Cached, 1) in events and (ev.Rendered, 1) not in events
    assert "Same table, new words." in (res.out_dir / "two.vtt").read_text()


def test_failed_render_leaves_no_partial_files(tmp_path, monkeypatch):
    from scenes import registry
    from scenes.lookup import LookupScene

    class Broken(LookupScene):
        def play_body(self):
            self.play(*[])  # noqa: PLE1142 - nothing to play is an error in Manim

    lesson = tmp_path / "l.yaml"
    lesson.write_text(TWO)
    monkeypatch.setitem(registry.SCENES, "lookup", Broken)
    with pytest.raises(Exception):  # noqa: B017 - whatever Manim raises for an empty play
        render_lesson(load_lesson(lesson), TINY, tmp_path / "media", jobs=1)
    out = tmp_path / "media" / "two" / "144p5"
    files = sorted(p.name for p in out.rglob("*") if p.is_file())
    # only complete files of finished jobs (the title card) may exist; nothing of the failed segment,
    # no lesson video, no .part files
    assert not [f for f in files if f.endswith(".part") or "lookup" in f or f.startswith("two.")], files
    assert set(files) <= {"00-title.mp4", "00-title.mp4.json", ".embedviz.lock"}, files    # + the folder's lock
    assert not list(out.rglob(".render-*"))


def _pid_and_manim_loaded(_):
    import os
    import sys
    return os.getpid(), "manim" in sys.modules


def test_full_hd_segments_get_fresh_processes_with_manim_preloaded():
    from embedviz.executors.local import worker_pool
    with worker_pool(2, 1920, 1080) as pool:
        seen = list(pool.map(_pid_and_manim_loaded, range(4)))
    assert len({pid for pid, _ in seen}) == 4          # one process per segment: memory starts fresh
    assert all(loaded for _, loaded in seen)           # forked from a server that already imported Manim
    with worker_pool(2, 854, 480) as pool:
        small = list(pool.map(_pid_and_manim_loaded, range(4)))
    assert len({pid for pid, _ in small}) <= 2         # previews reuse their workers


def test_cfr_switch_stores_every_frame_and_keeps_the_timeline(tmp_path):
    """`render --cfr`: constant frame rate, its own cache key; same pictures' timeline, cues and chapters."""
    from embedviz.cli import main
    lesson = tmp_path / "two.yaml"
    lesson.write_text(TWO)
    dirs = {}
    for name, extra in (("vfr", []), ("cfr", ["--cfr"])):
        code = main(["render", str(lesson), "--resolution", "256x144", "--fps", "5", "--out", str(tmp_path / name),
                     "-j", "2", *extra])
        assert code == 0
        dirs[name] = tmp_path / name / "two" / "144p5"
    vfr_dir, cfr_dir = dirs["vfr"], dirs["cfr"]
    vfr = json.loads((vfr_dir / "manifest.json").read_text())
    assert vfr["format"]["frame_rate"] == "variable" and vfr["format"]["fps"] == 5
    assert vfr["format"]["frames"] < vfr["duration"] * 5 - 5
    entry = json.loads((vfr_dir / "clips" / "01-lookup.mp4.json").read_text())
    assert entry["frames"] == round(entry["duration"] * 5) > entry["encoded"] >= entry["pictures"] > 0
    assert entry["cpu_seconds"] > 0
    cfr = json.loads((cfr_dir / "manifest.json").read_text())
    assert cfr["format"]["frame_rate"] == "constant"
    assert cfr["format"]["frames"] == pytest.approx(cfr["duration"] * 5, abs=3)
    assert cfr["duration"] == pytest.approx(vfr["duration"], abs=0.01)
    assert [s["cues"] for s in cfr["segments"]] == [s["cues"] for s in vfr["segments"]]
    assert (cfr_dir / "chapters.vtt").read_text() == (vfr_dir / "chapters.vtt").read_text()
    grid_v, grid_c = frames_rgb(vfr_dir / vfr["video"]), frames_rgb(cfr_dir / cfr["video"])
    assert abs(len(grid_v) - len(grid_c)) <= 1
    assert np.mean([np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(grid_v, grid_c)]) < 3
