"""A recording is decoded whole at validate and at render: a broken one is one line, exit 2, in words.

Made here: a text file renamed .wav, an mp3 cut in half (its header still
declares the whole length), a WAV cut in half, and an mp4 with video only.
"""
from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest

from embedviz.cli import main
from tests.test_narration import BAD, write_audio

pytestmark = pytest.mark.unit      # refused before anything is drawn


def _text_as_wav(p: Path) -> None:
    p.write_text("These are the words I meant to record.\n" * 20)


def _cut_in_half(p: Path) -> None:
    full = p.with_name("full" + p.suffix)
    write_audio(full, 5.1, rate=44_100, level=0.2)
    data = full.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    full.unlink()


def _video_only(p: Path) -> None:
    with av.open(str(p), "w") as c:
        s = c.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        for i in range(10):
            f = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            f.pts = i
            for pkt in s.encode(f):
                c.mux(pkt)
        for pkt in s.encode(None):
            c.mux(pkt)


CASES = [
    ("notes.wav", _text_as_wav, "not valid audio"),
    ("half.mp3", _cut_in_half, "cut short: its header declares 5.10 s of audio but only 2."),
    ("half.wav", _cut_in_half, "cut short: its header declares 5.10 s of audio but only 2."),
    ("clip.mp4", _video_only, "no audio stream (only video)"),
]


@pytest.mark.parametrize("name, make, expect", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_broken_recording_is_one_line_naming_the_file(tmp_path, capsys, name, make, expect, command):
    make(tmp_path / name)
    lesson = tmp_path / "l.yaml"
    lesson.write_text(BAD.replace("AUDIO", name))
    args = [command, str(lesson)]
    if command == "render":
        args += ["--resolution", "256x144", "--fps", "5", "--out", str(tmp_path / "media")]
    code = main(args)
    out = capsys.readouterr()
    err = out.err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"{lesson}:9:") and "segments[0].narration[0].audio" in err, err
    assert f"{name}: " in err and expect in err, err
    assert "Errno" not in err and not re.search(r"\d{6,}", err), err       # words, no error numbers
    assert re.search(r"\(.+\)$", err), err                                  # and what to do
    assert not (tmp_path / "media").exists()


def test_a_whole_recording_passes_validate(tmp_path, capsys):
    write_audio(tmp_path / "ok.mp3", 2.0, level=0.2)
    (tmp_path / "l.yaml").write_text(BAD.replace("AUDIO", "ok.mp3"))
    assert main(["validate", str(tmp_path / "l.yaml")]) == 0, capsys.readouterr().err
