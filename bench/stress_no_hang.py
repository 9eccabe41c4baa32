"""Hang stress run (issue 20, item 4): many renders with espeak and fresh voice caches, several at once.

Each render gets an empty voice cache and an empty output folder, so every one synthesises all its lines
while its workers start: the situation in which a forked worker once inherited an espeak-ng pipe and the CLI
waited on it for ever. A render that has not ended within ``--timeout`` seconds is counted as hung and
killed with everything it started (its own session). Prints one line per render and the figures at the end;
writes them as JSON too.

    nice -n 19 python bench/stress_no_hang.py --count 50 --parallel 8 --out /tmp/audio-stress
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    index: int
    outcome: str          # finished | failed | hung
    code: int | None
    seconds: float
    last_line: str


def start(index: int, args: argparse.Namespace, work: Path) -> tuple[subprocess.Popen, float]:
    """One render with its own voice cache and output folder, in its own session (so a hang is killed whole)."""
    voice, media = work / f"voice-{index}", work / f"media-{index}"
    voice.mkdir(parents=True)
    env = {**os.environ, "EMBEDVIZ_VOICE_CACHE": str(voice)}
    cmd = [sys.executable, "-m", "embedviz.cli", "render", str(args.lesson), "--set", f"narration_voice={args.voice}",
           "--resolution", args.resolution, "--fps", str(args.fps), "-j", str(args.jobs), "--out", str(media)]
    err = open(work / f"err-{index}.txt", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=err, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    err.close()
    return proc, time.monotonic()


def last_line(path: Path) -> str:
    lines = [ln for ln in path.read_text(errors="replace").replace("\r", "\n").splitlines() if ln.strip()]
    return lines[-1][:160] if lines else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--parallel", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds after which a render counts as hung")
    ap.add_argument("--lesson", type=Path, default=ROOT / "configs" / "default.yaml")
    ap.add_argument("--voice", default="espeak")
    ap.add_argument("--resolution", default="256x144")
    ap.add_argument("--fps", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes per render")
    ap.add_argument("--out", type=Path, default=Path("/tmp/embedviz-stress"))
    ap.add_argument("--keep", action="store_true", help="keep each render's output folder")
    args = ap.parse_args()

    work = args.out
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    running: dict[int, tuple[subprocess.Popen, float]] = {}
    runs: list[Run] = []
    nxt, t_all = 0, time.monotonic()
    while nxt < args.count or running:
        while nxt < args.count and len(running) < args.parallel:
            running[nxt] = start(nxt, args, work)
            nxt += 1
        time.sleep(0.5)
        for i, (proc, t0) in list(running.items()):
            elapsed = time.monotonic() - t0
            if proc.poll() is None and elapsed < args.timeout:
                continue
            if proc.poll() is None:                       # hung: stop it and all it started
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=60)
                outcome, code = "hung", None
            else:
                code = proc.returncode
                outcome = "finished" if code == 0 else "failed"
            run = Run(i, outcome, code, round(elapsed, 1), last_line(work / f"err-{i}.txt"))
            runs.append(run)
            del running[i]
            if not args.keep:
                shutil.rmtree(work / f"media-{i}", ignore_errors=True)
                shutil.rmtree(work / f"voice-{i}", ignore_errors=True)
            print(f"[{len(runs):2d}/{args.count}] render {i:2d}: {outcome} (exit {code}) in {run.seconds:.1f} s"
                  f"  | {run.last_line}", flush=True)

    secs = [r.seconds for r in runs if r.outcome == "finished"]
    figures = {
        "renders": args.count, "parallel": args.parallel, "timeout_s": args.timeout,
        "finished": sum(r.outcome == "finished" for r in runs),
        "failed": sum(r.outcome == "failed" for r in runs),
        "hung": sum(r.outcome == "hung" for r in runs),
        "median_s": round(statistics.median(secs), 1) if secs else None,
        "worst_s": max(secs) if secs else None,
        "wall_s": round(time.monotonic() - t_all, 1),
        "settings": f"{args.lesson.name} voice={args.voice} {args.resolution}@{args.fps} -j {args.jobs}",
    }
    (work / "figures.json").write_text(json.dumps({"figures": figures, "runs": [asdict(r) for r in runs]}, indent=1))
    print(json.dumps(figures))
    return 0 if figures["finished"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
