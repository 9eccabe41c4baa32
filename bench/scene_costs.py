"""CPU seconds per segment type, and a digest of every frame, for one checkout (a profile, not a test).

Run: .venv/bin/python bench/scene_costs.py [-q m] [--root DIR] [--cases default:4 analogy:1 title]
       [--digest out.json] [--cprofile DIR] [--plain]

Each case (``lesson:segment``, segment 1 = first after the title card; ``title``
= the default lesson's title card) renders in its own process, in-process
like a worker does. ``--root`` imports the scene code from another checkout
(e.g. ``git archive`` of main in /tmp), so two versions are measured side by
side on one machine. ``--digest`` writes, per case, the SHA-1 of every video
frame as Manim handed it to the encoder (repeats expanded): two checkouts
whose digests are equal drew the same pixels at the same times.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# every segment type once: the default lesson, then each type's example lesson
CASES = ["title", "default:1", "default:2", "default:3", "default:4", "default:5", "default:6",
         "analogy:1", "nearest-neighbours:1", "pitfall-learned:1", "text:1", "tokenize:1", "training:1",
         "vectors-3d:1"]


def run_one(case: str, root: Path, quality: str, digest: bool, cprofile: str | None, plain: bool = False) -> dict:
    sys.path.insert(0, str(root))
    import cProfile
    import tempfile

    from embedviz import api
    from embedviz.draw.worker import render_clip
    from embedviz.narration import plan as narration

    name, _, seg = case.partition(":")
    lesson = "default" if name == "title" else name
    compiled = api.load(root / "configs" / f"{lesson}.yaml")
    compiled = narration.resolve(compiled, "mp4").apply(compiled)
    q = api.quality_for(compiled, quality)
    if name == "title":
        from embedcore.title_card import title_card
        sb = title_card(compiled)
    else:
        sb = next(s for s in compiled.storyboards if s.index == int(seg))

    from manim.scene.scene_file_writer import SceneFileWriter
    stats = {"pictures": 0, "frames": 0, "hashes": []}
    original = SceneFileWriter.write_frame

    def counting(self, pixels, *, repeat=1):
        stats["pictures"] += 1
        stats["frames"] += repeat
        if digest:
            stats["hashes"].append([hashlib.sha1(pixels.tobytes()).hexdigest()[:16], repeat])
        return original(self, pixels, repeat=repeat)

    SceneFileWriter.write_frame = counting
    with tempfile.TemporaryDirectory() as tmp:
        prof = cProfile.Profile() if cprofile else None
        c0, m0 = time.process_time(), time.thread_time()
        if prof:
            prof.enable()
        out = render_clip(sb, compiled.lesson.style, q.width, q.height, q.fps, Path(tmp) / "clip.mp4", plain=plain)
        if prof:
            prof.disable()
            Path(cprofile).mkdir(parents=True, exist_ok=True)
            prof.dump_stats(str(Path(cprofile) / f"{case.replace(':', '-')}.prof"))
        cpu, main_cpu = time.process_time() - c0, time.thread_time() - m0
        clip = hashlib.sha1((Path(tmp) / "clip.mp4").read_bytes()).hexdigest()[:16]
    import scenes
    return {"case": case, "type": sb.type, "cpu": round(cpu, 2), "main": round(main_cpu, 2), "video": round(out["duration"], 2),
            "pictures": stats["pictures"], "frames": stats["frames"], "cues": out["cues"],
            "hashes": stats["hashes"], "clip": clip, "scenes_from": str(Path(scenes.__file__).parent)}


def expanded(hashes: list) -> list[str]:
    return [h for h, n in hashes for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=str(ROOT), help="checkout whose scene code is measured")
    ap.add_argument("-q", "--quality", default="m")
    ap.add_argument("--cases", nargs="*", default=CASES)
    ap.add_argument("--digest", help="write per-case frame digests (JSON) here")
    ap.add_argument("--cprofile", help="write one cProfile per case into this folder")
    ap.add_argument("--plain", action="store_true", help="stock Manim's renderer, camera and writer (the bench's M)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    root = Path(args.root).resolve()
    if args.one:
        print(json.dumps(run_one(args.one, root, args.quality, bool(args.digest), args.cprofile, args.plain)))
        return
    results = []
    for case in args.cases:
        cmd = [sys.executable, __file__, "--one", case, "--root", str(root), "-q", args.quality]
        cmd += ["--digest", "1"] if args.digest else []
        cmd += ["--cprofile", args.cprofile] if args.cprofile else []
        cmd += ["--plain"] if args.plain else []
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            print(f"{case}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{case:24} {r['type']:20} cpu {r['cpu']:6.2f} s  video {r['video']:6.2f} s  "
              f"{r['cpu'] / r['video']:.2f} CPU-s/s  main thread {r['main']:6.2f} s  pictures {r['pictures']}/{r['frames']}  clip {r['clip']}  ({r['scenes_from']})",
              flush=True)
    if args.digest:
        Path(args.digest).write_text(json.dumps({r["case"]: r for r in results}))


if __name__ == "__main__":
    main()
