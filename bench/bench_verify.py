"""What it costs to check a cached clip before reusing it: hash vs probes.

Run: .venv/bin/python bench/bench_verify.py CLIP.mp4 [CLIP.mp4 ...]
Without clips it first renders configs/matrix-shape.yaml at 1080p60.
Per clip, best of 3: SHA-256 of the file (what embedviz does), a demux-only
probe (reads every packet, decodes none), and a full decode probe. Then it
flips one byte in the middle of a copy and says which check notices.
Prints figures; chooses nothing (the choice is embedcore.integrity).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from embedcore.integrity import digest  # noqa: E402


def best(f, arg, n=3):
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = f(arg)
        t.append(time.perf_counter() - t0)
    return min(t), out


def demux(p):
    with av.open(str(p)) as c:
        return sum(1 for pk in c.demux(c.streams.video[0]) if pk.size)


def decode(p):
    try:
        with av.open(str(p)) as c:
            return sum(1 for _ in c.decode(video=0))
    except av.FFmpegError as e:
        return f"error: {type(e).__name__}"


def main(clips):
    if not clips:
        from embedcore.lesson import load_lesson
        from embedviz.options import Quality
        from embedviz.render.lesson import render_lesson
        root = Path(__file__).resolve().parent.parent
        out = Path(tempfile.mkdtemp())
        res = render_lesson(load_lesson(root / "configs" / "matrix-shape.yaml"), Quality("h", 1920, 1080, 60), out, jobs=2)
        clips = [s.clip for s in res.segments]
    for clip in map(Path, clips):
        size = clip.stat().st_size
        with av.open(str(clip)) as c:
            s = c.streams.video[0]
            shape = f"{s.codec_context.width}x{s.codec_context.height}, {s.frames} frames"
        th, rec = best(digest, clip)
        tm, packets = best(demux, clip)
        td, frames = best(decode, clip, 1)
        print(f"{clip.name} ({shape}, {size / 1e6:.1f} MB): SHA-256 {th * 1e3:.1f} ms ({size / th / 1e9:.2f} GB/s), "
              f"demux probe {tm * 1e3:.1f} ms ({packets} packets), decode probe {td * 1e3:.0f} ms ({frames} frames)")
        with tempfile.TemporaryDirectory() as t:
            bad = Path(t) / clip.name
            shutil.copyfile(clip, bad)
            b = bytearray(bad.read_bytes())
            b[len(b) // 2] ^= 0xFF
            bad.write_bytes(bytes(b))
            print(f"  one flipped byte: SHA-256 {'catches it' if digest(bad) != rec else 'misses it'}, "
                  f"demux probe {'catches it' if demux(bad) != packets else 'misses it'}, "
                  f"decode probe {'catches it' if decode(bad) != frames else 'misses it (frames still decode)'}")


if __name__ == "__main__":
    main(sys.argv[1:])
