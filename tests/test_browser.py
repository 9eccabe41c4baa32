"""The real consumer: a browser plays a rendered clip with its captions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedcore.lesson import load_lesson
from embedviz.options import Quality
from embedviz.render.lesson import render_lesson

from .browser import chromium, listen_in_browser, play_in_browser

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

LESSON = """
lesson: {title: Browser check, slug: browser}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration: ["First line of narration.", "Second line, shown later."]
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if chromium() is None:
        pytest.fail("chromium is not installed: run `make test`, whose set-up installs it")
    d = tmp_path_factory.mktemp("browser")
    (d / "l.yaml").write_text(LESSON)
    return render_lesson(load_lesson(d / "l.yaml"), Quality("t", 320, 180, 10), d / "media", jobs=1)


def test_clip_plays_seeks_and_shows_captions(rendered, tmp_path):
    out = rendered.out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    seg = manifest["segments"][0]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "browser-clip.png"
    seen = play_in_browser(out, seg["clip"], seg["captions"], shot, tmp_path / "profile")
    assert "error" not in seen, f"the browser could not decode the clip (MediaError code {seen.get('error')})"
    assert seen["duration"] == pytest.approx(seg["duration"], abs=0.15)
    assert (seen["width"], seen["height"]) == (320, 180)
    assert seen["seeked_to"] == pytest.approx(seg["duration"] / 2, abs=0.2)
    assert seen["ready_state"] >= 2          # HAVE_CURRENT_DATA: a frame is decodable there
    texts = " ".join(c[2].replace("\n", " ") for c in seen["cues"])
    assert "First line of narration." in texts and "Second line, shown later." in texts
    starts = [c[0] for c in seen["cues"]]
    assert starts == sorted(starts) and all(c[0] < c[1] for c in seen["cues"])
    # the frame the browser decoded at the seek target is a picture, not a blank
    import numpy as np
    from PIL import Image
    px = np.asarray(Image.open(shot).convert("L"))
    assert px.shape == (180, 320) and px.std() > 5


def test_whole_lesson_plays_with_lesson_captions(rendered, tmp_path):
    out = rendered.out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    seen = play_in_browser(out, manifest["video"], manifest["captions"]["vtt"], ARTIFACTS / "browser-lesson.png",
                           tmp_path / "profile")
    assert "error" not in seen
    assert seen["duration"] == pytest.approx(manifest["duration"], abs=0.15)
    assert len(seen["cues"]) == sum(len(s["cues"]) for s in manifest["segments"])


NARRATED = """
lesson: {title: Narrated browser check, slug: narrated}
vocabulary: [the, cat, dog]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat"
narration_voice: hibari
segments:
  - type: lookup
    narration: ["The first line is spoken.", "The second line follows it."]
"""


def test_narrated_clip_plays_with_sound_and_captions_in_sync(tmp_path):
    """Chromium decodes the clip's AAC track, and while it plays the caption showing is the line being said."""
    if chromium() is None:
        pytest.fail("chromium is not installed: run `make test`, whose set-up installs it")
    (tmp_path / "l.yaml").write_text(NARRATED)
    result = render_lesson(load_lesson(tmp_path / "l.yaml"), Quality("t", 320, 180, 10), tmp_path / "media", jobs=1)
    out = result.out_dir
    seg = json.loads((out / "manifest.json").read_text())["segments"][0]
    first, second = seg["cues"][0], seg["cues"][-1]
    clip_start = seg["start"]
    a, b = first["start"] - clip_start, second["start"] - clip_start      # clip time
    seen = listen_in_browser(out, seg["clip"], seg["captions"], max(0.0, b - 1.2), b + 1.0, tmp_path / "profile")
    assert "error" not in seen, seen.get("error")
    assert seen["audio_bytes"] > 0, "the browser decoded no audio"
    assert seen["duration"] == pytest.approx(seg["duration"], abs=0.15)
    assert [c[2] for c in seen["cues"]] == ["The first line is spoken.", "The second line follows it."]
    assert seen["cues"][0][0] == pytest.approx(a, abs=0.002)
    # the browser updates its active cues a few times a second: judge them 0.3 s away from the change
    before = [texts for t, texts in seen["samples"] if t < b - 0.3]
    during = [texts for t, texts in seen["samples"] if b + 0.3 < t < second["end"] - clip_start - 0.3]
    assert len(before) >= 3 and len(during) >= 3, seen["samples"]
    assert all("The second line follows it." not in texts for texts in before), seen["samples"]
    assert all(texts == ["The second line follows it."] for texts in during), seen["samples"]


def test_seeking_into_a_hold_shows_the_held_picture(rendered, tmp_path):
    """Variable frame rate (the default): a hold is one frame, and a seek into it shows that picture."""
    import av
    import numpy as np
    from PIL import Image

    from embedviz.media.video import frames_on_grid
    out = rendered.out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    seg = manifest["segments"][0]
    clip = out / seg["clip"]
    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        packets = [(p.pts, p.duration) for p in c.demux(s) if p.pts is not None]
        tb = float(s.time_base)
    pts, dur = max(packets[:-2], key=lambda p: p[1])          # the longest hold (not the clip's closing one)
    assert dur * tb >= 0.5, "the clip has a held picture stored as one frame"
    target = (pts + dur / 2) * tb
    shot = ARTIFACTS / "browser-hold.png"
    ARTIFACTS.mkdir(exist_ok=True)
    seen = play_in_browser(out, seg["clip"], seg["captions"], shot, tmp_path / "profile", seek=target)
    assert "error" not in seen
    assert seen["seeked_to"] == pytest.approx(target, abs=0.05)
    grid = frames_on_grid(clip, 10)
    held = grid[int(target * 10)].astype(float)
    other = max(grid, key=lambda g: np.abs(g - held).mean()).astype(float)     # the most different picture
    got = np.asarray(Image.open(shot).convert("RGB"), float)
    assert np.abs(got - held).mean() < 2.0, "the browser shows the held picture"
    assert np.abs(got - other).mean() > 5 * np.abs(got - held).mean()      # the comparison can tell pictures apart
