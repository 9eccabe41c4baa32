"""Render and core benchmarks (issues 7 and 14). Prints one line per figure.

Run: .venv/bin/python bench/bench_render.py [--lesson configs/default.yaml] [--segments 1,4] [-q h]
       [--repeat 1] [--speed-only] [--record bench/speed.json]        (``make bench`` = the whole thing, recorded)

Figures are ratios measured side by side in one run (the machine is shared and
noisy; absolute seconds are printed too, and the load average at the start and
the end). Not a test: nothing here asserts. ``--segments`` benchmarks a lesson
cut down to those segments (for development: ``--segments 1,4 -q l``);
``--record`` writes the figures as JSON for README.md's table (``make docs``).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EMBEDVIZ = [sys.executable, "-m", "embedviz.cli"]
FIGURES: list[dict] = []        # what --record writes: one row per printed figure


# ---- running renders -------------------------------------------------------------------------------------------

def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


@dataclass
class Run:
    wall: float
    cpu: float          # CPU of the CLI and of the processes it waited for (not the forkserver's workers)
    out: Path


def run_render(lesson: Path, out: Path, *args: str, env: dict | None = None) -> Run:
    c0, t0 = children_cpu(), time.perf_counter()
    r = subprocess.run([*EMBEDVIZ, "render", str(lesson), "--out", str(out), *args], capture_output=True, text=True,
                       cwd=ROOT, env={**os.environ, **(env or {})})
    if r.returncode != 0:
        raise SystemExit(f"render failed: {r.stderr[-2000:]}")
    return Run(time.perf_counter() - t0, children_cpu() - c0, out)


def manifest(out: Path) -> dict:
    return json.loads(next(out.rglob("manifest.json")).read_text())


def video_seconds(out: Path) -> float:
    return manifest(out)["duration"]


def lesson_video(out: Path) -> Path:
    m = next(out.rglob("manifest.json"))
    return m.parent / json.loads(m.read_text())["video"]


def clip_entries(out: Path) -> list[dict]:
    """The cache entries of every rendered clip (title card included)."""
    return [json.loads(p.read_text()) for p in sorted(out.rglob("clips/*.json"))
            if p.name.endswith((".mp4.json", ".webm.json", ".gif.json", ".mov.json"))]


def uses_forkserver(jobs: int, segments: int, width: int, height: int) -> bool:
    """Whether the CLI renders in forkserver workers (embedviz.executors.local.worker_pool): their CPU time is
    then not in the CLI's RUSAGE_CHILDREN (the forkserver reaps them, and nobody waits for the forkserver)."""
    from embedviz.executors.local import FRESH_PROCESS_PIXELS

    return jobs > 1 and segments > 1 and width * height >= FRESH_PROCESS_PIXELS


def render_stats(run: Run, forkserver: bool) -> dict:
    """CPU seconds of a render and its hold share, from the clips' entries (``cpu_seconds``, ``frames``,
    ``pictures``; None where the entries lack them)."""
    entries = clip_entries(run.out)
    worker_cpu = [e.get("cpu_seconds") for e in entries]
    frames, pictures = [e.get("frames") for e in entries], [e.get("pictures") for e in entries]
    known = all(isinstance(x, (int, float)) for x in worker_cpu)
    total = None
    if known:
        total = run.cpu + sum(worker_cpu) if forkserver else run.cpu    # else the workers are in run.cpu already
    holds = None
    if all(isinstance(x, int) for x in frames + pictures) and sum(frames):
        holds = 1 - sum(pictures) / sum(frames)
    return {"cpu": total, "cli_cpu": run.cpu, "worker_cpu": sum(worker_cpu) if known else None, "holds": holds,
            "frames": sum(frames) if holds is not None else None,
            "pictures": sum(pictures) if holds is not None else None,
            "peak_mb": max((e.get("worker_peak_rss_mb") or 0 for e in entries), default=0)}


def video_stream_bytes(path: Path) -> int:
    """Bytes of the video packets alone (the narration's audio track is the same in every encoding)."""
    import av

    with av.open(str(path)) as cont:
        return sum(p.size for p in cont.demux(video=0) if p.size)


# ---- the lesson under test -------------------------------------------------------------------------------------

def bench_lesson(source: Path, tmp: Path, segments: list[int] | None, name: str = "lesson.yaml",
                 edit: bool = False) -> Path:
    """``source`` (optionally cut down to ``segments``, 1-based; optionally with its first segment's first
    narration line edited) written into ``tmp``, with ``source``'s folders linked beside it for relative paths."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if segments:
        data["segments"] = [data["segments"][i - 1] for i in segments]
    if edit:
        first = data["segments"][0]
        line = first.get("narration")
        if isinstance(line, str):
            first["narration"] = "Edited: " + line
        elif isinstance(line, list) and line and isinstance(line[0], str):
            first["narration"] = ["Edited: " + line[0], *line[1:]]
        elif isinstance(line, list) and line and isinstance(line[0], dict):
            first["narration"] = [{**line[0], "text": "Edited: " + line[0]["text"]}, *line[1:]]
        else:
            first["title"] = "Edited"
    for p in source.parent.iterdir():
        if p.is_dir() and not (tmp / p.name).exists():
            os.symlink(p, tmp / p.name)
    path = tmp / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def has_cfr_switch() -> bool:
    r = subprocess.run([*EMBEDVIZ, "render", "--help"], capture_output=True, text=True, cwd=ROOT)
    return "--cfr" in r.stdout


def warm_voices(lesson: Path) -> float:
    """Synthesise (or read from the voice cache) every line once, so no timed render pays for it."""
    t = time.perf_counter()
    code = "import sys; from embedviz import api; from embedviz.narration import plan; plan.resolve(api.load(sys.argv[1]), 'mp4')"
    subprocess.run([sys.executable, "-c", code, str(lesson)], check=True, cwd=ROOT)
    return time.perf_counter() - t


def render_size(lesson: Path, quality: str) -> tuple[int, int, int]:
    """(width, height, fps) of ``lesson`` at ``quality``."""
    from embedviz import api

    q = api.quality_for(api.load(lesson), quality)
    return q.width, q.height, q.fps


# ---- printing --------------------------------------------------------------------------------------------------

def line(n: str, what: str, value: float | None, unit: str, target: str, extra: str = "", fmt: str = ".3f") -> None:
    """Print one figure and keep it for --record."""
    shown = "not recorded" if value is None else f"{value:{fmt}}{'' if unit == '×' else ' ' + unit}"
    print(f"{n}. {what}: {shown}  (target {target}){'  ' + extra if extra else ''}", flush=True)
    FIGURES.append({"n": n, "figure": what, "measured": f"{shown} {extra}".strip(), "target": target})


def load_text() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict:
    import manim

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return {"cores": os.cpu_count(), "memory_gb": round(mem), "python": platform.python_version(),
            "manim": manim.__version__, "load_start": load_text()}


def cpu_text(cpu: float | None) -> str:
    return "" if cpu is None else f", {cpu:.0f} CPU-s"


def median(xs: list[float]) -> float:
    return float(np.median(xs))


# ---- the figures -----------------------------------------------------------------------------------------------

def render_figures(args, tmp: Path) -> dict:
    """Figures 1-6, 8 and 9 on the benchmark lesson; returns what --record needs to describe the run."""
    source = Path(args.lesson).resolve()
    segments = [int(s) for s in args.segments.split(",")] if args.segments else None
    lesson = bench_lesson(source, tmp, segments)
    q, jobs = args.quality, str(args.jobs)
    w, h, fps = render_size(lesson, q)
    n_clips = 1 + len(yaml.safe_load(lesson.read_text())["segments"])
    print(f"voices ready in {warm_voices(lesson):.1f} s (synthesised or from the voice cache; not timed below)",
          flush=True)

    # (1) and (2), alternating: embedviz (each run with a fresh text cache: a first render) and stock Manim
    ours, stock = [], []
    for i in range(args.repeat):
        ours.append(run_render(lesson, tmp / "par", "-q", q, "--jobs", jobs, "--no-cache",
                               env={"EMBEDVIZ_TEXT_CACHE": str(tmp / f"text-cache-{i}")}))
        stock.append(run_render(lesson, tmp / "stock", "-q", q, "--jobs", jobs, "--no-cache",
                                env={"EMBEDVIZ_PLAIN_MANIM": "1"}))
    secs = video_seconds(tmp / "par")
    full, plain = median([r.wall for r in ours]), median([r.wall for r in stock])
    runs = f", median of {args.repeat} alternating runs" if args.repeat > 1 else ""
    forkserver = uses_forkserver(args.jobs, n_clips, w, h)
    cpu_ours, cpu_stock = (render_stats(r[-1], forkserver)["cpu"] for r in (ours, stock))
    line("1", f"full render -q {q}, --jobs {jobs}, no clip cache, cold text cache: wall ÷ video seconds",
         full / secs, "×", "≤ 0.4", f"({full:.1f} s{cpu_text(cpu_ours)} for {secs:.1f} s of video{runs})", ".2f")
    line("2", f"stock Manim (EMBEDVIZ_PLAIN_MANIM=1, CFR) through the same pipeline, --jobs {jobs}: wall ÷ video s",
         plain / secs, "×", "-", f"({plain:.1f} s{cpu_text(cpu_stock)})", ".2f")
    line("1÷2", "embedviz ÷ stock Manim, side by side in this run: wall", full / plain, "×", "≤ 0.5",
         "" if None in (cpu_ours, cpu_stock) else
         f"(CPU seconds: {cpu_ours:.0f} ÷ {cpu_stock:.0f} = {cpu_ours / cpu_stock:.2f})", ".2f")
    run = {"lesson": os.path.relpath(source, ROOT), "segments": segments, "quality": q, "jobs": args.jobs,
           "video_seconds": round(secs, 1), "size": f"{w}x{h}@{fps}"}
    if args.speed_only:
        return run
    if not args.skip_single:
        single = run_render(lesson, tmp / "single", "-q", q, "--jobs", "1", "--no-cache",
                            env={"EMBEDVIZ_PLAIN_MANIM": "1"})
        line("2′", "stock Manim in one process (--jobs 1), for the record: wall ÷ video seconds",
             single.wall / secs, "×", "-", f"({single.wall:.1f} s; 1 ÷ 2′ = {full / single.wall:.2f})", ".2f")

    # (3) the preview: a fresh text cache (cold), then the same cache again (warm); never a clip cache
    cold = run_render(lesson, tmp / "low-cold", "-q", "l", "--jobs", jobs, "--no-cache",
                      env={"EMBEDVIZ_TEXT_CACHE": str(tmp / "text-cache-low")})
    warm = run_render(lesson, tmp / "low-warm", "-q", "l", "--jobs", jobs, "--no-cache",
                      env={"EMBEDVIZ_TEXT_CACHE": str(tmp / "text-cache-low")})
    low_secs = video_seconds(tmp / "low-cold")
    low_fork = uses_forkserver(args.jobs, n_clips, *render_size(lesson, "l")[:2])
    for n, what, r, target in (("3", "cold (fresh text cache", cold, "-"), ("3′", "warm (text cache warm", warm, "≤ 0.1")):
        line(n, f"-q l preview, {what}, no clip cache): wall ÷ video seconds", r.wall / low_secs, "×", target,
             f"({r.wall:.1f} s{cpu_text(render_stats(r, low_fork)['cpu'])})", ".3f")

    # (4) CPU and holds of the render in (1) (its last run: tmp/par holds its clips)
    stats = render_stats(ours[-1], forkserver)
    if stats["cpu"] is None:
        parts = "(the clips' entries have no cpu_seconds yet)"
    elif forkserver:
        parts = f"(CLI {stats['cli_cpu']:.1f} + workers {stats['worker_cpu']:.1f} CPU-s for {secs:.1f} s of video)"
    else:
        parts = f"({stats['cpu']:.1f} CPU-s for {secs:.1f} s of video, the workers' {stats['worker_cpu']:.1f} included)"
    line("4", "CPU-seconds per video-second of the render in 1", None if stats["cpu"] is None
         else stats["cpu"] / secs, "", "-", parts, ".2f")
    holds = None if stats["holds"] is None else stats["holds"] * 100
    line("4′", "share of holds in the render in 1: 1 - pictures encoded ÷ video frames", holds, "%", "-",
         "" if holds is None else f"({stats['pictures']:,} pictures for {stats['frames']:,} frames)", ".0f")

    # (5) size against today's encoding (CFR, the same x264 settings), and PSNR against the drawn pictures
    if has_cfr_switch():
        cfr = run_render(lesson, tmp / "cfr", "-q", q, "--jobs", jobs, "--no-cache", "--cfr",
                         env={"EMBEDVIZ_TEXT_CACHE": str(tmp / "text-cache-0")})
        v_bytes = video_stream_bytes(lesson_video(tmp / "par"))
        c_bytes = video_stream_bytes(lesson_video(tmp / "cfr"))
        line("5", "lesson video stream, VFR (the default) ÷ CFR (--cfr, today's encoding): bytes",
             (v_bytes / c_bytes - 1) * 100, "%", "≤ +10%", f"({v_bytes / 1e6:.2f} MB vs {c_bytes / 1e6:.2f} MB; "
             f"the --cfr render took {cfr.wall:.1f} s with the text cache warm)", "+.1f")
    else:
        line("5", "lesson video stream, VFR ÷ CFR: bytes", None, "%", "≤ +10%", "(embedviz render has no --cfr yet)")
    tree_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024     # before fidelity.py's process
    fidelity(args, lesson)

    # (6) memory
    line("6", f"peak resident memory of a render worker at -q {q}", stats["peak_mb"], "MB", "≤ 500",
         f"(largest process of the renders above incl. the CLI: {tree_mb:.0f} MB)", ".0f")

    # (8) and (9) re-renders through the clip cache of the last run in (1)
    edited = bench_lesson(source, tmp, segments, "edited.yaml", edit=True)
    warm_text = {"EMBEDVIZ_TEXT_CACHE": str(tmp / "text-cache-0")}
    t_edit = run_render(edited, tmp / "par", "-q", q, "--jobs", jobs, env=warm_text).wall
    line("8", "re-render after editing one segment's narration ÷ full render", t_edit / full, "×", "≤ 0.3",
         f"({t_edit:.1f} s)", ".2f")
    t_same = run_render(edited, tmp / "par", "-q", q, "--jobs", jobs, env=warm_text).wall
    line("9", "re-render with nothing changed ÷ full render", t_same / full, "×", "≤ 0.05", f"({t_same:.2f} s)")
    return run


def fidelity(args, lesson: Path) -> None:
    """Figure 5′: bench/fidelity.py in its own process (its pictures stay out of this run's memory figure)."""
    picks = [str(s) for s in (args.psnr_segments.split(",") if args.psnr_segments else [])]
    if not picks:
        count = len(yaml.safe_load(lesson.read_text())["segments"])
        picks = [str(i) for i in sorted({1, min(4, count)})]
    cmd = [sys.executable, str(ROOT / "bench" / "fidelity.py"), "--lesson", str(lesson), "-q", args.quality,
           "--json", *(x for p in picks for x in ("--segment", p))]
    results = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout)
    for r in results:
        v, c = r["vfr"], r["cfr"]
        note = "" if r["cfr_switch"] else "; no cfr switch yet, both CFR"
        line("5′", f"PSNR of segment {r['segment']} ({r['type']}) against the drawn pictures (RGB), VFR", v["psnr"],
             "dB", "≥ CFR", f"(CFR {c['psnr']:.2f} dB, {r['samples']} frame times; luma against the pictures' own "
             f"yuv420p, the encoder's loss alone: VFR {v['psnr_y']:.2f}, CFR {c['psnr_y']:.2f} dB; this clip VFR "
             f"{(v['bytes'] / c['bytes'] - 1) * 100:+.1f}% bytes{note})", ".2f")


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def core_figures() -> None:
    from embedcore.neighbours import nearest
    from embedcore.similarity import pairwise_cosine

    rng = np.random.default_rng(0)
    x = rng.standard_normal((4096, 768)).astype(np.float32)
    xt = np.ascontiguousarray(x.T)
    t_pair = median_time(lambda: pairwise_cosine(x), 3)
    t_mm = median_time(lambda: x @ xt, 3)
    line("7a", "core pairwise cosine n=4096 d=768 ÷ one float32 matmul", t_pair / t_mm, "×", "≤ 1.3",
         f"({t_pair * 1e3:.0f} ms vs {t_mm * 1e3:.0f} ms)", ".2f")

    e = rng.standard_normal((50_000, 768)).astype(np.float32)
    q = e[123]
    t_nn = median_time(lambda: nearest(e, q, 10))
    t_mv = median_time(lambda: e @ q)
    line("7b", "core top-10 neighbours over [50,000 × 768] ÷ one matrix-vector product", t_nn / t_mv, "×", "≤ 3",
         f"({t_nn * 1e3:.1f} ms vs {t_mv * 1e3:.1f} ms)", ".2f")

    with tempfile.TemporaryDirectory() as d:
        big = np.lib.format.open_memmap(Path(d) / "big.npy", "w+", np.float32, (1_000_000, 256))
        for s in range(0, 1_000_000, 100_000):
            big[s:s + 100_000] = rng.standard_normal((100_000, 256), dtype=np.float32)
        big.flush()
        del big
        small = rng.standard_normal((1000, 256)).astype(np.float32)
        np.save(Path(d) / "small.npy", small)
        # As a render process does it: map the file, read 512 rows (fresh ids and a
        # fresh mapping each time, so neither side is helped by an earlier touch).
        from embedcore.rowread import read_rows

        def lookup(path, V):        # what EmbeddingTable.rows does for a memory-mapped source
            m = np.load(path, mmap_mode="r")
            return np.asarray(read_rows(m, rng.integers(0, V, 512)), dtype=np.float64)

        t_b = median_time(lambda: lookup(Path(d) / "big.npy", 1_000_000), 9)
        t_s = median_time(lambda: lookup(Path(d) / "small.npy", 1000), 9)
        line("7c", "core lookup 512 rows from [1,000,000 × 256] memmap ÷ from [1,000 × 256]", t_b / t_s, "×",
             "≤ 2", f"({t_b * 1e3:.2f} ms vs {t_s * 1e3:.2f} ms, each including np.load of the mapping)", ".2f")


def record(path: Path, info: dict, run: dict | None) -> None:
    """The figures as JSON, with a one-line description of the run (scripts/make_docs.py renders both)."""
    what = "core figures only" if run is None else (
        f"lesson `{run['lesson']}`{' segments ' + ','.join(map(str, run['segments'])) if run['segments'] else ''}"
        f" ({run['video_seconds']} s of video), `-q {run['quality']}` ({run['size']}), `--jobs {run['jobs']}`")
    summary = (f"Recorded by `make bench` on {time.strftime('%Y-%m-%d')}: {info['cores']} cores, "
               f"{info['memory_gb']} GB, Python {info['python']}, Manim {info['manim']}; load average "
               f"(1/5/15 min) {info['load_start']} at the start, {info['load_end']} at the end; {what}.")
    path.write_text(json.dumps({"summary": summary, "rows": FIGURES}, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    print(f"figures written to {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lesson", default=str(ROOT / "configs" / "default.yaml"))
    ap.add_argument("--segments", metavar="I,J", help="only these segments of the lesson (1 = first, for development)")
    ap.add_argument("-q", "--quality", default="h")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    ap.add_argument("--repeat", type=int, default=1, help="alternating runs of 1 and 2 (medians)")
    ap.add_argument("--psnr-segments", metavar="I,J", help="segments for 5′ (default: 1 and 4 of the lesson run)")
    ap.add_argument("--skip-single", action="store_true", help="skip 2′ (stock Manim in one process; the slowest)")
    ap.add_argument("--core-only", action="store_true")
    ap.add_argument("--speed-only", action="store_true",
                    help="figures 1, 2 and 1÷2 only (the render speed against stock Manim; no core figures)")
    ap.add_argument("--record", metavar="JSON", help="write the figures here (README.md's table: make docs)")
    args = ap.parse_args()
    info = machine()
    print(f"machine: {info['cores']} cores, {info['memory_gb']} GB, Python {info['python']}, Manim {info['manim']}; "
          f"load average {info['load_start']} (1/5/15 min); lesson {args.lesson}"
          f"{' segments ' + args.segments if args.segments else ''}; -q {args.quality}", flush=True)
    run = None
    if not args.core_only:
        with tempfile.TemporaryDirectory() as tmp:
            run = render_figures(args, Path(tmp))
    if not args.speed_only:
        core_figures()
    info["load_end"] = load_text()
    print(f"load average at the end: {info['load_end']}")
    if args.record:
        record(Path(args.record), info, run)


if __name__ == "__main__":
    main()
