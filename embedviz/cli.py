"""``embedviz``: render, validate and inspect lesson files.

Imports stay light here (no Manim) so ``validate`` and ``inspect`` answer in
well under a second; rendering imports Manim in the worker processes.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from embedcore.errors import LessonError

EXIT_BAD_INPUT = 2


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_validate(args) -> int:
    from embedcore.lesson import load_lesson

    from .narration import check

    status = 0
    for path in args.lessons:
        try:
            c = load_lesson(path)
            check(c)            # recordings present, voices installed (nothing decoded or synthesised)
        except LessonError as e:
            _err(str(e))
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok ({len(c.storyboards)} segments, V = {c.lesson.table.V:,}, d = {c.lesson.table.d})")
    return status


def cmd_inspect(args) -> int:
    from embedcore.lesson import load_lesson
    from embedcore.report import lesson_report

    c = load_lesson(args.lesson)
    report = lesson_report(c)
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from embedcore.storyboard import fmt

    con = Console()
    dec = c.lesson.style.decimals
    con.print(f"[bold]{report['title']}[/]  ({report['file']})")
    con.print(f"vectors:  {report['source']['label']}", markup=False)
    con.print(f"source:   {report['source']['kind']}" +
              (f" ({report['source']['path']})" if report['source'].get('path') else ""), markup=False)
    con.print(f"matrix:   V = {report['V']:,} tokens × d = {report['d']:,} dimensions "
              f"= {report['parameters']:,} numbers")
    if report.get("tokenizer"):
        tk = report["tokenizer"]
        con.print(f"tokenizer: {tk['kind']} from {tk['file']}"
                  f" (special tokens {'shown' if tk['special_tokens'] else 'off'})", markup=False)
        con.print("subword splits:")
        for sp in report["splits"]:
            ids = " ".join(map(str, sp["ids"]))
            con.print(f"  {sp['word']} → {' '.join(sp['pieces'])}   (id{'s' if len(sp['ids']) > 1 else ''} {ids})",
                      markup=False)
    show = min(report["d"], 8)
    t = Table(title=f"sequence (n = {len(report['tokens'])})", title_justify="left")
    t.add_column("pos", justify="right")
    t.add_column("token")
    t.add_column("id", justify="right")
    t.add_column(f"row (first {show} of {report['d']})" if show < report["d"] else "row")
    for tok in report["tokens"]:
        t.add_row(str(tok["position"]), escape(tok["token"]), f"{tok['id']:,}",
                  "  ".join(fmt(x, dec) for x in tok["row"][:show]) + ("  …" if show < report["d"] else ""))
    con.print(t)
    names = report["cosine"]["tokens"]
    ct = Table(title="pairwise cosine similarity", title_justify="left")
    ct.add_column("")
    for n in names:
        ct.add_column(escape(n), justify="right")
    for n, row in zip(names, report["cosine"]["matrix"]):
        ct.add_row(escape(n), *[("undefined" if x is None else fmt(x, dec)) for x in row])
    con.print(ct)
    con.print("segments:")
    for sb in report["segments"]:
        con.print(f"  {sb['index']:2d}. {sb['type']:<20} {sb['title']}")
    return 0


def cmd_render(args) -> int:
    import time

    from embedcore.lesson import load_lesson

    from .pipeline import render_lesson
    from .quality import QUALITIES, output_size

    t0 = time.perf_counter()
    c = load_lesson(args.lesson)
    if args.resolution and not re.fullmatch(r"[1-9]\d{1,4}x[1-9]\d{1,4}", args.resolution.lower()):
        _err(f"--resolution {args.resolution}: expected WIDTHxHEIGHT such as 1280x720")
        return EXIT_BAD_INPUT
    if args.fps is not None and not 1 <= args.fps <= 120:
        _err(f"--fps {args.fps}: expected a frame rate between 1 and 120")
        return EXIT_BAD_INPUT
    fmt = args.format or ("webm" if args.transparent else "mp4")
    if args.transparent and fmt not in ("webm", "mov"):
        _err("--transparent needs --format webm or mov (H.264 mp4 and gif have no alpha channel)")
        return EXIT_BAD_INPUT
    quality = output_size(QUALITIES[args.quality], c.lesson.style.aspect, args.resolution, args.fps)
    only = None
    if args.segment:
        only = set()
        for s in args.segment:
            match = [sb.index for sb in c.storyboards if str(sb.index) == s or sb.type == s or
                     f"{sb.index:02d}-{sb.type}" == s]
            if not match:
                names = ", ".join(f"{sb.index} ({sb.type})" for sb in c.storyboards)
                _err(f"{args.lesson}: --segment {s}: no such segment (choose from: {names})")
                return EXIT_BAD_INPUT
            only.update(match)
    jobs = args.jobs or os.cpu_count() or 1

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .narration import resolve

    voices = resolve(c, fmt)        # every line's voice, before anything is drawn or written
    con = Console(stderr=True)
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} segments"), TimeElapsedColumn(),
                  console=con, transient=False) as progress:
        task = progress.add_task(f"rendering {c.lesson.slug} at {quality.folder}", total=len(c.storyboards) + 1)   # + the title card

        def on_event(kind, info):
            if kind == "warning":
                progress.console.print(f"warning: {info['message']}", markup=False, highlight=False)
            elif kind == "narration":
                made = info.get("synthesised", 0)
                progress.console.print(
                    f"  narration: {info['voiced']} of {info['lines']} lines voiced, {info['seconds']:.1f} s of speech "
                    f"({made} synthesised, {info.get('cached', 0)} from cache, {info.get('decoded', 0)} recordings; "
                    f"{info['wall']:.1f} s)", markup=False, highlight=False)
            if kind in ("cached", "rendered"):
                progress.advance(task)
                how = "reused (unchanged)" if kind == "cached" else f"rendered in {info['seconds']:.1f} s"
                progress.console.print(f"  segment {info['index']} ({info['type']}): {how}")

        result = render_lesson(c, quality, Path(args.out), jobs=jobs, use_cache=not args.no_cache,
                               only=only, fmt=fmt, transparent=args.transparent, on_event=on_event,
                               voices=voices)
    total = sum(s.duration for s in result.segments)
    print(f"lesson video: {result.video} ({total:.1f} s{', narrated' if voices.voiced else ''})")
    print(f"all files in: {result.out_dir}/")
    for f in result.files:
        print(f"  {f.relative_to(result.out_dir)}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_script(args) -> int:
    from embedcore.lesson import load_lesson

    from .script import recording_script

    print(recording_script(load_lesson(args.lesson)), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="embedviz", description="Render explainer videos about token embeddings.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("render", help="render a lesson to MP4 clips, a lesson video and captions")
    r.add_argument("lesson", help="lesson file (YAML)")
    r.add_argument("-q", "--quality", choices=["l", "m", "h", "p", "k"], default="h",
                   help="l 480p15, m 720p30, h 1080p60 (default), p 1440p60, k 2160p60")
    r.add_argument("--resolution", metavar="WxH", help="explicit pixel size, e.g. 1280x720 (overrides -q's size)")
    r.add_argument("--fps", type=int, help="explicit frame rate (overrides -q's)")
    r.add_argument("--format", choices=["mp4", "webm", "gif", "mov"],
                   help="mp4 (H.264, default), webm (VP9), gif, mov; as Manim's --format")
    r.add_argument("-t", "--transparent", action="store_true",
                   help="keep an alpha channel (webm with VP9 alpha by default, or --format mov)")
    r.add_argument("--out", default="media", help="output root (default: media/)")
    r.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: CPU cores)")
    r.add_argument("--segment", action="append", help="re-render only this segment (index or type); repeatable")
    r.add_argument("--no-cache", action="store_true", help="render every segment even if unchanged")
    r.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    r.set_defaults(func=cmd_render)

    v = sub.add_parser("validate", help="check lesson files without rendering")
    v.add_argument("lessons", nargs="+")
    v.set_defaults(func=cmd_validate)

    sc = sub.add_parser("script", help="print the recording script: every narration line and its file name")
    sc.add_argument("lesson")
    sc.set_defaults(func=cmd_script)

    i = sub.add_parser("inspect", help="print what the video will show, without rendering")
    i.add_argument("lesson")
    i.add_argument("--json", action="store_true", help="machine-readable, with every segment's storyboard")
    i.set_defaults(func=cmd_inspect)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LessonError as e:
        _err(str(e))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err("interrupted: finished files are kept, nothing half-written was left")
        return 130
    except Exception as e:  # a bug of ours, not the user's input
        if getattr(args, "debug", False):
            raise
        _err(f"internal error: {type(e).__name__}: {e} (please report it; --debug shows the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
