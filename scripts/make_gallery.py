"""Write one still per segment type into docs/gallery/ (``make gallery``), for README's segment table.

Each still is the held end of the last narration beat of the type's example lesson
(``configs/<type>.yaml``, its first segment of that type), drawn at 640×360 (16:9),
plus two vertical ones (9:16, 360×640) so a teacher sees how a phone frame is laid out.
The frames come from the real renderer (``render_clip``), so they are what a render shows.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GALLERY = ROOT / "docs" / "gallery"
WIDE = (640, 360)
TALL = (360, 640)
FPS = 5
VERTICAL = ("lookup", "cosine-vs-distance")     # the types also shown at 9:16


def cases() -> list[tuple[str, str]]:
    """(segment type, aspect) for every registered type at 16:9, and VERTICAL at 9:16."""
    from embedcore.segments import SEGMENT_TYPES
    out = [(name, "16:9") for name in SEGMENT_TYPES]
    out += [(name, "9:16") for name in VERTICAL]
    return out


def file_name(seg_type: str, aspect: str) -> str:
    return f"{seg_type}.png" if aspect == "16:9" else f"{seg_type}-{aspect.replace(':', 'x')}.png"


def still(case: tuple[str, str]) -> tuple[str, float]:
    """Render one segment small and save its last held beat as a PNG; return (file name, seconds)."""
    from PIL import Image

    from embedcore.lesson import load_lesson
    from embedcore.overrides import from_args
    from embedviz.draw.worker import render_clip
    from embedviz.media.video import frames_on_grid

    seg_type, aspect = case
    t0 = time.perf_counter()
    compiled = load_lesson(ROOT / "configs" / f"{seg_type}.yaml", from_args(None, [f"style.aspect='{aspect}'"]))
    sb = next(s for s in compiled.storyboards if s.type == seg_type)
    w, h = WIDE if aspect == "16:9" else TALL
    with tempfile.TemporaryDirectory(prefix="gallery-") as d:
        clip = Path(d) / "clip.mp4"
        res = render_clip(sb, compiled.lesson.style, w, h, FPS, clip, cfr=True)
        frames = frames_on_grid(clip, FPS)
    end = res["cues"][-1]["end"] if res["cues"] else res["duration"]
    frame = frames[max(0, min(len(frames) - 1, int(round(end * FPS)) - 1))]
    name = file_name(seg_type, aspect)
    img = Image.fromarray(frame).quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    img.save(GALLERY / name, optimize=True)
    return name, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("types", nargs="*", help="only these segment types (default: all)")
    args = ap.parse_args()
    GALLERY.mkdir(parents=True, exist_ok=True)
    todo = [c for c in cases() if not args.types or c[0] in args.types]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as ex:
        for name, secs in ex.map(still, todo):
            print(f"docs/gallery/{name}  ({secs:.1f} s)")
    total = sum(p.stat().st_size for p in GALLERY.glob("*.png"))
    print(f"{len(todo)} stills, {total / 1e6:.2f} MB in docs/gallery ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
