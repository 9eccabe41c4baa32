"""x264 settings on this project's own frames: CPU per frame, bytes, fidelity.

Run: .venv/bin/python bench/bench_encoder.py [CLIP.mp4 ...]
Without clips it first renders the cosine-vs-distance lesson at 1080p60.
Each setting re-encodes the same decoded frames (holds and motion alike); the
PSNR of the luma plane is measured against those frames. Prints one line per
setting; chooses nothing (the choice is ``embedviz.draw.worker.X264_OPTIONS``).
"""
from __future__ import annotations

import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = [
    {"preset": "medium", "crf": "23"},                          # Manim's default
    {"preset": "veryfast", "tune": "animation", "crf": "23"},
    {"preset": "superfast", "tune": "animation", "crf": "23"},
    {"preset": "superfast", "tune": "animation", "crf": "26"},
    {"preset": "ultrafast", "tune": "animation", "crf": "23"},
]


def frames_of(clips: list[Path], limit: int = 600) -> list[av.VideoFrame]:
    out = []
    for clip in clips:
        with av.open(str(clip)) as c:
            for i, f in enumerate(c.decode(video=0)):
                if i >= limit:
                    break
                out.append(f.reformat(format="yuv420p"))
    return out


def encode(frames, options: dict, path: Path) -> tuple[float, int, float]:
    w, h = frames[0].width, frames[0].height
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=60, options=options)
        s.pix_fmt, s.width, s.height = "yuv420p", w, h
        cpu = time.process_time()
        for i, f in enumerate(frames):
            f.pts, f.time_base = i, Fraction(1, 60)
            for p in s.encode(f):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
        cpu = (time.process_time() - cpu) / len(frames)
    ref = [f.to_ndarray(format="gray").astype(np.float64) for f in frames[::25]]
    with av.open(str(path)) as c:
        got = [f.to_ndarray(format="gray") for i, f in enumerate(c.decode(video=0)) if i % 25 == 0]
    mse = np.mean([np.mean((a - b) ** 2) for a, b in zip(ref, got)])
    return cpu, path.stat().st_size, float(10 * np.log10(255 ** 2 / max(mse, 1e-12)))


def main() -> None:
    clips = [Path(a) for a in sys.argv[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not clips:
            from embedcore.lesson import load_lesson
            from embedviz.draw.worker import render_clip
            lesson = load_lesson(ROOT / "configs" / "cosine-vs-distance.yaml")
            clip = tmp / "clip.mp4"
            render_clip(lesson.storyboards[0], lesson.lesson.style, 1920, 1080, 60, clip)
            clips = [clip]
        frames = frames_of(clips)
        print(f"{len(frames)} frames {frames[0].width}x{frames[0].height} from {', '.join(c.name for c in clips)}")
        for opts in SETTINGS:
            cpu, size, psnr = encode(frames, opts, tmp / "x.mp4")
            name = " ".join(f"{k}={v}" for k, v in opts.items())
            print(f"{name:45s} {cpu * 1e3:5.1f} ms CPU/frame  {size / 1024:7.0f} KB  PSNR(Y) {psnr:.1f} dB", flush=True)


if __name__ == "__main__":
    main()
