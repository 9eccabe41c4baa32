"""Course-build figures for issue 13. Prints one line per figure; asserts nothing.

Run: .venv/bin/python bench/bench_course.py [-q l] [--resolution WxH --fps N] [--lesson FILE]

1. a three-variant lesson built as one course, with the shared cache (a segment the
   variants share renders once) and without it (every variant renders every segment);
2. the same course on a Dask cluster (LocalCluster, 2 worker processes on this machine)
   against the local process pool (2 workers), cluster start-up counted separately;
3. the size of the course's SCORM package and of one lesson's.
Each build starts from an empty output folder; a warm-up build first shapes the text,
so every timed build finds the same warm text cache. The machine is shared: read ratios.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LESSON = """
lesson: {title: "Token embeddings: lookup and cosine", slug: lookup-cosine}
vocabulary: [the, cat, dog, car, bus, king, queen, sat, wore, a, crown, on, mat]
embeddings: {source: synthetic, dim: 8, seed: 7, groups: {animals: [cat, dog], royalty: [king, queen]}}
tokens: "the cat sat on the mat"
segments:
  - type: lookup
  - type: matrix-shape
  - type: cosine-vs-distance
    pair: [cat, dog]
"""
VARIANTS = ["the king wore a crown", "the dog sat on a mat", "a cat sat on the car"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-q", default="l")
    ap.add_argument("--resolution")
    ap.add_argument("--fps", type=int)
    ap.add_argument("--lesson", help="a lesson file (default: a three-segment synthetic lesson)")
    args = ap.parse_args()

    from embedviz.executors.local import LocalExecutor
    from embedviz.publish.course import build_course
    from embedviz.publish.package import write_package

    tmp = Path(tempfile.mkdtemp(prefix="bench-course-"))
    lesson = Path(args.lesson).resolve() if args.lesson else tmp / "lesson.yaml"
    if not args.lesson:
        lesson.write_text(textwrap.dedent(LESSON).lstrip())
    variants = "".join(f'      - tokens: "{v}"\n' for v in VARIANTS)
    (tmp / "course.yaml").write_text(f'course: {{title: "Bench"}}\nlessons:\n  - file: {lesson}\n    variants:\n'
                                     f"{variants}")
    size = {"quality": args.q, "resolution": args.resolution, "fps": args.fps}

    def build(name: str, **kw):
        t = time.perf_counter()
        r = build_course(tmp / "course.yaml", out=tmp / name, **size, **kw)
        return time.perf_counter() - t, r

    build("warmup", executor=LocalExecutor(2))
    t_share, r_share = build("shared", executor=LocalExecutor(2))
    t_plain, r_plain = build("unshared", executor=LocalExecutor(2), share=False)
    video = sum(sum(s.duration for s in r.segments) for r in r_share.lessons)
    print(f"1. three-variant course ({video:.0f} s of video, {args.resolution or '-q ' + args.q}), 2 local workers: "
          f"shared cache {t_share:.1f} s ({r_share.counts['rendered']} segments rendered, "
          f"{r_share.counts['shared']} shared); without sharing {t_plain:.1f} s ({r_plain.counts['rendered']} "
          f"rendered); ratio {t_share / t_plain:.2f}", flush=True)

    from distributed import Client, LocalCluster

    from embedviz.executors.dask import DaskExecutor

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cl, \
            Client(cl) as client:
        start = time.perf_counter() - t0
        t_cluster, _ = build("cluster", executor=DaskExecutor(cl.scheduler_address, client=client))
    print(f"2. the same on a Dask LocalCluster (2 worker processes): {t_cluster:.1f} s against the local pool's "
          f"{t_share:.1f} s: overhead {100 * (t_cluster / t_share - 1):+.0f}% "
          f"(cluster start-up {start:.1f} s not included)", flush=True)

    from embedviz.publish.package import write_course_package
    root = tmp / "shared" / "bench"
    course_zip = write_course_package(root, "Bench", "bench", [r.out_dir for r in r_share.lessons], "scorm")
    one = write_package(r_share.lessons[0].out_dir, "scorm")
    print(f"3. SCORM package: the course (3 videos) {course_zip.stat().st_size / 1e6:.2f} MB; one video "
          f"{one.stat().st_size / 1e6:.2f} MB ({r_share.lessons[0].out_dir.name})", flush=True)
    print(f"(output in {tmp})")


if __name__ == "__main__":
    main()
