"""Two checkouts' CPU seconds per segment, interleaved on one machine (a profile, not a test).

Run: .venv/bin/python bench/ab_costs.py ROOT_A ROOT_B [-q h] [--reps 2] [--plain] [--cases title default:1 ...]

Each case renders once per checkout and repetition, in its own process
(``bench/scene_costs.py``), A and B one after the other, so the load of a shared
machine falls on both alike. Prints each case's least CPU seconds per checkout
(the least is the one least disturbed), their ratio, and the totals. Roots are
checkouts, e.g. ``git archive main | tar -x -C /tmp/main``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ["title", *[f"default:{k}" for k in range(1, 7)]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("-q", "--quality", default="h")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--plain", action="store_true", help="stock Manim's renderer (the bench's figure 2)")
    ap.add_argument("--cases", nargs="*", default=DEFAULT)
    args = ap.parse_args()
    roots = [str(Path(r).resolve()) for r in (args.a, args.b)]
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.reps):
        for case in args.cases:
            for root in roots:
                cmd = [sys.executable, str(ROOT / "bench" / "scene_costs.py"), "--one", case, "--root", root,
                       "-q", args.quality, *(["--plain"] if args.plain else [])]
                proc = subprocess.run(cmd, capture_output=True, text=True)
                if proc.returncode:
                    sys.exit(f"{case} in {root}: failed\n{proc.stderr[-2000:]}")
                cpu = json.loads(proc.stdout.strip().splitlines()[-1])["cpu"]
                best[case, root] = min(cpu, best.get((case, root), cpu))
                print(f"{case:22} {root}: {cpu:6.2f} CPU-s", flush=True)
    total = [sum(best[c, r] for c in args.cases) for r in roots]
    print(f"\nleast CPU seconds of {args.reps} runs ({'stock Manim' if args.plain else 'embedviz'}, -q {args.quality}):")
    for case in args.cases:
        a, b = (best[case, r] for r in roots)
        print(f"{case:22} A {a:6.2f}  B {b:6.2f}  B÷A {b / a:.2f}")
    print(f"{'total':22} A {total[0]:6.2f}  B {total[1]:6.2f}  B÷A {total[1] / total[0]:.2f}")


if __name__ == "__main__":
    main()
