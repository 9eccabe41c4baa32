"""Record the golden frames of every example lesson into tests/golden/.

    .venv/bin/python scripts/record_golden.py            # all lessons
    .venv/bin/python scripts/record_golden.py --jobs 1
    .venv/bin/python scripts/record_golden.py training-00 default-title   # only these (the rest kept)

Run it only when a change to what the scenes draw is intended; look at the
PNGs it writes (and at the diff PNGs the test left in test-artifacts/) first.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import golden_frames as gf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("ids", nargs="*", help="only these cases (e.g. training-00, default-title); the others keep "
                                           "their recorded frames")
    args = ap.parse_args()
    t0 = time.perf_counter()
    todo = [c for c in gf.cases() if not args.ids or gf.case_id(c) in args.ids]
    unknown = set(args.ids) - {gf.case_id(c) for c in todo}
    if unknown:
        sys.exit(f"record_golden.py: no such case: {', '.join(sorted(unknown))}")
    results = gf.render_all(todo, jobs=args.jobs)
    if args.ids:
        gf.save_some(results)
    else:
        gf.save(results)
    total = sum(p.stat().st_size for p in gf.GOLDEN.iterdir())
    n = sum(len(r["frames"]) for r in results.values())
    print(f"{len(results)} segments, {n} frames, {total / 1e6:.2f} MB in {gf.GOLDEN.relative_to(gf.ROOT)} "
          f"({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
