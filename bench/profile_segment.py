"""Where one segment's render time goes, in this process (a profile, not a test).

Run: .venv/bin/python bench/profile_segment.py [--lesson configs/default.yaml] [--segment 4] [-q h] [--plain]
       [--cprofile out.prof]

Prints the frames Manim hands the encoder (distinct pictures, and how many of
the video's frames are holds), CPU seconds per video second, and -- with
``--cprofile`` -- writes a profile for ``python -m pstats``. The voice is
resolved first (from the voice cache when warm), as a render does.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lesson", default=str(ROOT / "configs" / "default.yaml"))
    ap.add_argument("--segment", type=int, default=4, help="segment index (1 = first after the title card)")
    ap.add_argument("-q", "--quality", default="h")
    ap.add_argument("--plain", action="store_true", help="stock Manim (EMBEDVIZ_PLAIN_MANIM=1)")
    ap.add_argument("--cprofile", help="write a cProfile here")
    args = ap.parse_args()

    from embedviz import api
    from embedviz.draw.worker import render_clip
    from embedviz.narration import plan as narration

    compiled = api.load(args.lesson)
    voices = narration.resolve(compiled, "mp4")
    compiled = voices.apply(compiled)
    q = api.quality_for(compiled, args.quality)
    sb = next(s for s in compiled.storyboards if s.index == args.segment)

    from manim.scene.scene_file_writer import SceneFileWriter
    calls = {"writes": 0, "frames": 0}
    original = SceneFileWriter.write_frame

    def counting(self, pixels, *, repeat=1):
        calls["writes"] += 1
        calls["frames"] += repeat
        return original(self, pixels, repeat=repeat)

    SceneFileWriter.write_frame = counting
    with tempfile.TemporaryDirectory() as tmp:
        prof = cProfile.Profile() if args.cprofile else None
        c0, t0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        out = render_clip(sb, compiled.lesson.style, q.width, q.height, q.fps, Path(tmp) / "clip.mp4",
                          plain=args.plain)
        if prof:
            prof.disable()
            prof.dump_stats(args.cprofile)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        size = (Path(tmp) / "clip.mp4").stat().st_size
    secs = out["duration"]
    print(f"segment {sb.index} {sb.type} at {q.width}x{q.height}@{q.fps}{' (stock Manim)' if args.plain else ''}: "
          f"{secs:.2f} s of video, {calls['frames']} frames from {calls['writes']} pictures "
          f"(holds {1 - calls['writes'] / max(1, calls['frames']):.0%} of frames)")
    print(f"wall {wall:.1f} s = {wall / secs:.2f}× real time; CPU {cpu:.1f} s = {cpu / secs:.2f} CPU-s per video-s; "
          f"{size / 1e6:.2f} MB; pid {os.getpid()}")


if __name__ == "__main__":
    main()
