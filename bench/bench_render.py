"""Render and core benchmarks for issue 7. Prints one line per figure.

Run: .venv/bin/python bench/bench_render.py [--lesson configs/default.yaml] [-q h]
Figures are ratios measured side by side in one run (the machine is shared and
noisy; absolute seconds are printed too). Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EMBEDVIZ = [sys.executable, "-m", "embedviz.cli"]


def run_render(lesson: Path, out: Path, *args: str, env: dict | None = None) -> float:
    t = time.perf_counter()
    r = subprocess.run([*EMBEDVIZ, "render", str(lesson), "--out", str(out), *args], capture_output=True, text=True,
                       cwd=ROOT, env={**os.environ, **(env or {})})
    if r.returncode != 0:
        raise SystemExit(f"render failed: {r.stderr[-2000:]}")
    return time.perf_counter() - t


def video_seconds(out: Path) -> float:
    manifest = next(out.rglob("manifest.json"))
    return json.loads(manifest.read_text())["duration"]


def line(n: int, what: str, value: float, unit: str, target: str, extra: str = "") -> None:
    print(f"{n}. {what}: {value:.3f} {unit}  (target {target}){'  ' + extra if extra else ''}", flush=True)


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
    line(7, "core pairwise cosine n=4096 d=768 ÷ one float32 matmul", t_pair / t_mm, "×", "≤ 1.3",
         f"({t_pair * 1e3:.0f} ms vs {t_mm * 1e3:.0f} ms)")

    e = rng.standard_normal((50_000, 768)).astype(np.float32)
    q = e[123]
    t_nn = median_time(lambda: nearest(e, q, 10))
    t_mv = median_time(lambda: e @ q)
    line(7, "core top-10 neighbours over [50,000 × 768] ÷ one matrix-vector product", t_nn / t_mv, "×", "≤ 3",
         f"({t_nn * 1e3:.1f} ms vs {t_mv * 1e3:.1f} ms)")

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
        line(7, "core lookup 512 rows from [1,000,000 × 256] memmap ÷ from [1,000 × 256]", t_b / t_s, "×", "≤ 2",
             f"({t_b * 1e3:.2f} ms vs {t_s * 1e3:.2f} ms, each including np.load of the mapping)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lesson", default=str(ROOT / "configs" / "default.yaml"))
    ap.add_argument("-q", "--quality", default="h")
    ap.add_argument("--core-only", action="store_true")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; lesson {args.lesson}; -q {args.quality}")
    if not args.core_only:
        lesson = Path(args.lesson).resolve()
        cores = str(os.cpu_count() or 1)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            # a fresh shaped-text cache: figure 1 starts cold, as on a new machine
            os.environ["EMBEDVIZ_TEXT_CACHE"] = str(tmp / "text-cache")
            full = run_render(lesson, tmp / "par", "-q", args.quality, "--jobs", cores, "--no-cache")
            secs = video_seconds(tmp / "par")
            line(1, f"full render -q {args.quality}, --jobs {cores}: wall ÷ video seconds", full / secs, "×", "≤ 0.5",
                 f"({full:.1f} s for {secs:.1f} s of video)")
            # stock Manim: its own renderer, camera and file writer (same scenes, same x264 settings)
            single = run_render(lesson, tmp / "single", "-q", args.quality, "--jobs", "1", "--no-cache",
                                env={"EMBEDVIZ_PLAIN_MANIM": "1"})
            line(2, "plain Manim, one process, the same segments (jobs 1, no cache): wall ÷ video seconds",
                 single / secs, "×", "-", f"({single:.1f} s; ratio of 1 to 2 = {full / single:.2f})")
            edited = tmp / lesson.name
            text = lesson.read_text()
            # a one-segment change: the first narration line of the first segment gets a prefix
            edited_text, n = re.subn(r'(narration:\s*\n\s*- ")', r'\1Edited: ', text, count=1)
            if n == 0:
                edited_text = text.replace("  - type: ", "  - title: Edited\n    type: ", 1)
            edited.write_text(edited_text)
            for p in lesson.parent.glob("*"):              # relative paths the lesson may use
                if p.is_dir() and not (tmp / p.name).exists():
                    os.symlink(p, tmp / p.name)
            t_edit = run_render(edited, tmp / "par", "-q", args.quality, "--jobs", cores)
            line(3, "re-render after editing one segment's narration ÷ full render", t_edit / full, "×", "≤ 0.3",
                 f"({t_edit:.1f} s)")
            t_same = run_render(edited, tmp / "par", "-q", args.quality, "--jobs", cores)
            line(4, "re-render with nothing changed ÷ full render", t_same / full, "×", "≤ 0.05", f"({t_same:.2f} s)")
            t_low = run_render(lesson, tmp / "low", "-q", "l", "--jobs", cores, "--no-cache")
            low_secs = video_seconds(tmp / "low")
            line(5, "-q l preview (text shaped by the renders above): wall ÷ video seconds", t_low / low_secs, "×",
                 "≤ 0.15", f"({t_low:.1f} s)")
            t_cold = run_render(lesson, tmp / "low-cold", "-q", "l", "--jobs", cores, "--no-cache",
                                env={"EMBEDVIZ_TEXT_CACHE": str(tmp / "text-cache-cold")})
            line(5, "-q l preview, first render on the machine (cold text cache): wall ÷ video seconds",
                 t_cold / low_secs, "×", "≤ 0.15", f"({t_cold:.1f} s)")
            worker_peaks = [json.loads(m.read_text()).get("worker_peak_rss_mb") or 0
                            for m in (tmp / "par").rglob("clips/*.json")]
            peak = max(worker_peaks)
            tree = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            line(6, f"peak resident memory of a render worker at -q {args.quality}", peak, "MB", "≤ 500",
                 f"(largest process of the whole run incl. the CLI: {tree:.0f} MB)")
    core_figures()


if __name__ == "__main__":
    main()
