"""Split vs unsplit, side by side: wall time, the tail one worker runs alone, CPU (issue 14).

Run: .venv/bin/python bench/bench_split.py [--lesson configs/default.yaml] [-q m] [--runs 2] [-j 2] [--modes 0,auto]
Renders the lesson without cache, alternating EMBEDVIZ_SPLIT=0 and auto, in this
process (workers in the usual pool). For each run: wall time of the render, the
tail (from the last moment two or more jobs ran at once to the end of the last
job), CPU-seconds of the whole tree, and which segments were split. Not a test:
nothing here asserts.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def tail(spans: list[tuple[float, float]], workers: int) -> float:
    """Seconds at the end during which fewer than ``workers`` jobs ran (from job spans)."""
    end = max(b for _, b in spans)
    events = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    running, full_until = 0, min(a for a, _ in spans)
    for t, d in events:
        if running >= workers:
            full_until = t
        running += d
    return end - full_until


def one(lesson, voices, quality: str, jobs: int, mode: str, out: Path) -> dict:
    from embedviz import api
    from embedviz.executors.base import JobListener
    from embedviz.executors.local import LocalExecutor
    from embedviz.render import events as ev

    spans: list[tuple[float, float]] = []

    class Timed(LocalExecutor):
        def run(self, todo, listener):
            class Got(JobListener):
                prepare, begin, damaged = listener.prepare, listener.begin, listener.damaged

                def result(self, job, res):
                    now = time.perf_counter()
                    spans.append((now - res.seconds, now))
                    listener.result(job, res)
            super().run(todo, Got())

    events = []
    os.environ["EMBEDVIZ_SPLIT"] = mode
    c0, t0 = cpu(), time.perf_counter()
    result = api.render(lesson, quality=quality, out=out, use_cache=False, executor=Timed(jobs), voices=voices,
                        on_event=events.append)
    wall, used = time.perf_counter() - t0, cpu() - c0
    split = {e.index: e.chunks for e in events if isinstance(e, ev.Split)}
    return {"mode": mode, "wall": wall, "render": max(b for _, b in spans) - min(a for a, _ in spans),
            "tail": tail(spans, jobs), "cpu": used, "split": split, "video": sum(s.duration for s in result.segments),
            "jobs": len(spans)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lesson", default=str(ROOT / "configs" / "default.yaml"))
    ap.add_argument("-q", "--quality", default="m")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--modes", default="0,auto", help="EMBEDVIZ_SPLIT values to compare (a number forces N chunks)")
    args = ap.parse_args()
    from embedviz import api
    from embedviz.narration.plan import resolve

    lesson = api.load(args.lesson)
    voices = resolve(lesson, "mp4")          # synthesised once, outside the timed renders
    with tempfile.TemporaryDirectory(prefix="bench-split-") as tmp:
        if "EMBEDVIZ_TEXT_CACHE" not in os.environ:     # a warm text cache, as a user's second render has
            os.environ["EMBEDVIZ_TEXT_CACHE"] = str(Path(tmp) / "text-cache")
            api.render(lesson, quality="l", out=Path(tmp) / "warm", voices=voices, jobs=args.jobs)
        rows = []
        for r in range(args.runs):
            modes = args.modes.split(",")
            for mode in modes if r % 2 == 0 else modes[::-1]:
                row = one(lesson, voices, args.quality, args.jobs, mode, Path(tmp) / f"{mode}-{r}")
                rows.append(row)
                print(f"run {r} split={mode:4s}: wall {row['wall']:6.1f} s, jobs' span {row['render']:6.1f} s, "
                      f"tail alone {row['tail']:5.1f} s, CPU {row['cpu']:6.1f} s, {row['jobs']} jobs, "
                      f"split {row['split'] or '-'}  ({row['video']:.1f} s of video)", flush=True)
        for key in ("wall", "render", "tail", "cpu"):
            med = {m: statistics.median(x[key] for x in rows if x["mode"] == m) for m in modes}
            print(f"median {key:6s}: " + "  ".join(f"split={m} {v:6.1f}" for m, v in med.items()) +
                  (f"  ratio {med[modes[1]] / med[modes[0]]:.2f}" if len(modes) > 1 and med[modes[0]] else ""))


if __name__ == "__main__":
    main()
