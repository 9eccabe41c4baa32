"""An unchanged re-render does no audio work: nothing decoded, normalised, laid out or encoded.

The lesson video records what it was made from (its clips' keys, the format,
the joining code) in its own cache entry; when a re-render would join the same
clips, the video in place is kept. A changed line makes only its segment's
track (the others are kept in the voice cache) and the lesson's one encode again.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from embedcore.lesson import load_lesson
from embedviz.media import audio, video
from embedviz.narration import plan as narration
from embedviz.options import Quality
from embedviz.render import assemble
from embedviz.render.lesson import render_lesson
from tests.test_narration import write_audio

LESSON = """
lesson: {title: Re-render, slug: again}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration:
      - {text: "A recorded line.", audio: one.wav}
  - type: lookup
    tokens: "dog cat"
    narration:
      - {text: "Another recorded line.", audio: two.mp3}
"""
QUALITY = Quality("t", 256, 144, 5)
WATCHED = [(audio, "decode"), (audio, "normalise"), (audio, "encode"), (video, "concat"),
           (assemble, "concat"), (narration, "concat"),
           (narration.NarrationPlan, "track")]


@pytest.fixture
def count_audio_work(monkeypatch):
    calls: dict[str, int] = {}
    for owner, name in WATCHED:
        real = getattr(owner, name)

        def counted(*args, _real=real, _name=name, **kw):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kw)
        monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.mark.render
def test_an_unchanged_re_render_does_no_audio_work(tmp_path, monkeypatch, count_audio_work):
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "voices"))
    write_audio(tmp_path / "one.wav", 1.0, level=0.2)
    write_audio(tmp_path / "two.mp3", 1.2, level=0.1, seed=1)
    (tmp_path / "l.yaml").write_text(LESSON)

    first = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert count_audio_work["normalise"] >= 3 and count_audio_work["encode"] >= 1   # the counting works
    before = Path(first.video).read_bytes()
    entry = Path(str(first.video) + ".json")
    assert entry.is_file()

    count_audio_work.clear()
    again = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert count_audio_work == {}, count_audio_work
    assert again.video == first.video and Path(again.video).read_bytes() == before
    assert all(s.cached for s in again.segments)

    # a changed recording: that segment's track and the lesson's one encode, nothing else re-made
    write_audio(tmp_path / "two.mp3", 0.8, level=0.1, seed=2)
    count_audio_work.clear()
    third = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert count_audio_work.get("decode") == 1 and count_audio_work.get("concat", 0) >= 1
    # normalised: the new recording, and the one track it is in (the others come from the voice cache)
    assert count_audio_work.get("normalise") == 2, count_audio_work
    assert Path(third.video).read_bytes() != before
    assert [s.cached for s in third.segments] == [True, False]


@pytest.mark.render
def test_a_damaged_lesson_video_is_joined_again(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "voices"))
    write_audio(tmp_path / "one.wav", 1.0, level=0.2)
    write_audio(tmp_path / "two.mp3", 1.2, level=0.1, seed=1)
    (tmp_path / "l.yaml").write_text(LESSON)
    first = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    good = Path(first.video).read_bytes()
    Path(first.video).write_bytes(good[: len(good) // 2])
    again = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert Path(again.video).read_bytes() == good
