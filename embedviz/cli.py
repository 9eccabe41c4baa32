"""``embedviz``: render, validate and inspect lesson files.

Imports stay light here, and the commands import what they use when they run: the CLI
starts in a tenth of a second and has its signal handlers in place (``main``) before the
render stack (numpy, PyAV, pydantic, the lesson compiler) loads, so a Ctrl-C or SIGTERM
during start-up unwinds like one during a render. No Manim here: ``validate`` and
``inspect`` answer in well under a second; rendering imports Manim in the worker processes.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import sys

from embedcore.errors import LessonError
from embedviz.render import events

EXIT_BAD_INPUT = 2
EXIT_WORKER_DIED = 75   # EX_TEMPFAIL: a worker was killed (OOM killer, kill -9); render again to continue
EXIT_IO = 74            # EX_IOERR: the disk is full or the output folder cannot be written
KEPT = "the previous files are unchanged"


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _stale(compiled, strict: bool) -> None:
    """Literals a variant made false (:func:`embedcore.placeholders.stale_literals`): warnings, or with
    ``--strict`` errors (exit 2, nothing written)."""
    for e in compiled.stale:
        _err(str(e) if strict else f"warning: {e}".removesuffix(")") + "; --strict makes it an error)")
    if strict and compiled.stale:
        raise _Reported()


class _Reported(Exception):
    """Bad input already printed, one line each: exit 2."""


def cmd_validate(args) -> int:
    from embedviz.narration.plan import check

    from .api import load

    status = 0
    for path in args.lessons:
        try:
            c = _playground(load(path, tokens=args.tokens, set=args.set or ()), None)
            _stale(c, args.strict)
            check(c)            # recordings present, voices installed (nothing decoded or synthesised)
        except LessonError as e:
            _err(str(e))
            status = EXIT_BAD_INPUT
        except _Reported:
            status = EXIT_BAD_INPUT
        else:
            variant = f" as {c.lesson.slug}" if args.tokens is not None or args.set else ""
            n = len(c.storyboards)
            print(f"{path}: ok{variant} ({n} segment{'s' if n != 1 else ''}, V = {c.lesson.table.V:,}, "
                  f"d = {c.lesson.table.d})")
    return status


def cmd_check(args) -> int:
    """Play every scene without drawing and print each layout violation (exit 1 if any)."""
    from embedviz.draw.layout_check import ASPECTS, THEMES, check_lesson

    from .api import load

    c = load(args.lesson, tokens=args.tokens, set=args.set or ())
    style = c.lesson.style
    aspects = ASPECTS if args.aspect == "all" else (args.aspect or style.aspect,)
    themes = THEMES if args.theme == "all" else (args.theme or style.theme,)
    lines = check_lesson(c, aspects=aspects, themes=themes, samples=args.samples)
    for line in lines:
        print(line)
    print(f"{args.lesson}: {len(lines)} layout violation{'s' if len(lines) != 1 else ''} "
          f"({', '.join(aspects)}; {', '.join(themes)})", file=sys.stderr)
    return 1 if lines else 0


def cmd_inspect(args) -> int:
    from embedcore.report import lesson_report

    from .api import load

    c = load(args.lesson, tokens=args.tokens, set=args.set or ())
    _stale(c, args.strict)
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
              (f" ({report['source'].get('path') or report['source']['package']})"
               if report['source'].get('path') or report['source'].get('package') else ""), markup=False)
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


def _progress(con, description: str, total: int, unit: str = "segments"):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total} " + unit), TimeElapsedColumn(),
                        console=con, transient=False)
    return progress, progress.add_task(description, total=total)


def _say_cache_event(progress, event: events.Event) -> None:
    """One line for a render that waits for the folder, or a cached clip that is not reused."""
    match event:
        case events.Waiting(message=line) | events.Note(message=line):
            pass
        case events.Damaged(index=i, type=t, lesson=lesson, why=why, what=what):
            line = f"{lesson + ': ' if lesson else ''}segment {i} ({t}): {what} not reused, {why}; rendering it again"
        case events.Missing(index=i, type=t, lesson=lesson):
            line = f"{lesson + ': ' if lesson else ''}segment {i} ({t}): no clip yet; rendering it"
        case _:
            return
    progress.console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)


def _playground(compiled, switch: str | None):
    """The lesson with ``--playground`` applied; a warning line when the page leaves it out or cuts it."""
    from embedviz.publish.playground import check, with_switch

    compiled = with_switch(compiled, switch)
    for note in check(compiled):
        _err(f"warning: {note}")
    return compiled


def cmd_render(args) -> int:
    import time

    from rich.console import Console

    from embedviz import api
    from embedviz.narration.plan import resolve

    t0 = time.perf_counter()
    c = _playground(api.load(args.lesson, tokens=args.tokens, set=args.set or ()), args.playground)
    _stale(c, args.strict)
    quality = api.quality_for(c, args.quality, args.resolution, args.fps)
    fmt = api.check_format(args.format, args.transparent)
    api.check_package(args.package, fmt)
    api.select_segments(c, args.segment)
    # every recording decoded and checked before anything is drawn or written; lines not yet in the
    # voice cache are synthesised while the first segments render
    voices = resolve(c, fmt, defer=True)
    executor = api.make_executor(args.jobs or None, args.cluster, args.store)     # a cluster is checked now
    con = Console(stderr=True)
    progress, task = _progress(con, f"rendering {c.lesson.slug} at {quality.folder}", len(c.storyboards) + 1)

    def on_event(event: events.Event) -> None:
        _say_cache_event(progress, event)
        match event:
            case events.Warned(message=message):
                progress.console.print(f"warning: {message}", markup=False, highlight=False)
            case events.NarrationReady():
                progress.console.print(f"  {narration_line(voices.summary())}", markup=False, highlight=False,
                                       soft_wrap=True)
            case events.Cached() | events.Shared() | events.Rendered():
                progress.advance(task)
                if isinstance(event, events.Rendered):
                    how = f"rendered in {event.seconds:.1f} s" + (f" ({event.chunks} chunks, worker time)"
                                                                   if event.chunks > 1 else "")
                else:
                    how = "reused (unchanged)" if isinstance(event, events.Cached) else "copied (identical segment)"
                progress.console.print(f"  segment {event.index} ({event.type}): {how}", soft_wrap=True)

    try:
        with progress:
            result = api.render(c, quality=args.quality, resolution=args.resolution, fps=args.fps, out=args.out,
                                use_cache=not args.no_cache, segments=args.segment, format=args.format,
                                transparent=args.transparent, package=args.package, on_event=on_event,
                                executor=executor, voices=voices, cfr=args.cfr)
    finally:
        executor.close()
    seconds = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))["duration"]
    if voices.voiced:
        print(narration_line(voices.summary(), final=True))
    print(f"lesson video: {result.video} ({seconds:.1f} s{', narrated' if voices.voiced else ''})")
    print(f"all files in: {result.out_dir}/")
    for f in result.files:
        print(f"  {os.path.relpath(f, result.out_dir)}")
    entries = [f for f in result.out_dir.rglob("*.json") if f.name != "manifest.json" and f not in result.files
               and not any(p.startswith(".") for p in f.relative_to(result.out_dir).parts)]
    if entries:
        print(f"  *.json beside each video ({len(entries)} cache entr{'ies' if len(entries) != 1 else 'y'}: "
              "what it was made from)")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def narration_line(info: dict, final: bool = False) -> str:
    """One line about the narration: what is known now (``final``: when the render is done)."""
    how = [f"{info['synthesised']} synthesised", f"{info['cached']} from the voice cache",
           f"{info['decoded']} recorded"]
    if info.get("pending"):
        return (f"narration: {info['lines']} lines; {', '.join(how[1:])}, "
                f"{info['pending']} to synthesise while rendering")
    return (f"narration: {info['voiced']} of {info['lines']} lines voiced, {info['seconds']:.1f} s of speech "
            f"({', '.join(how)}) in {info['wall']:.1f} s")


def cmd_script(args) -> int:
    from embedviz.narration.script import recording_script

    from .api import load

    c = load(args.lesson, tokens=args.tokens, set=args.set or ())
    _stale(c, args.strict)
    print(recording_script(c), end="")
    return 0


def cmd_build(args) -> int:
    from rich.console import Console

    from embedviz import api
    from embedviz.publish.course import build_course, load_course

    course = load_course(args.course)
    for _name, compiled in course.videos:
        _stale(compiled, args.strict)
    course.videos = [(name, _playground(c, args.playground)) for name, c in course.videos]
    api.check_package(args.package, "mp4")
    for _name, compiled in course.videos:
        api.quality_for(compiled, args.quality, args.resolution, args.fps)
    executor = api.make_executor(args.jobs or None, args.cluster, args.store)
    con = Console(stderr=True)
    progress, task = _progress(con, f"building {course.slug}", 1)

    def on_event(event: events.Event) -> None:
        _say_cache_event(progress, event)
        match event:
            case events.Planned(segments=segments):
                progress.update(task, total=segments)
            case events.Cached() | events.Shared() | events.Rendered():
                progress.advance(task)
            case events.LessonDone() as done:
                progress.console.print(f"  {done.name}: done ({done.duration:.1f} s of video, "
                                       f"{done.rendered} new, {done.reused} reused): {done.page}",
                                       soft_wrap=True, markup=False)

    try:
        with progress:
            result = build_course(course, quality=args.quality, resolution=args.resolution, fps=args.fps,
                                  out=args.out, use_cache=not args.no_cache, package=args.package,
                                  on_event=on_event, executor=executor)
    finally:
        executor.close()
    print(f"course page: {result.page}")
    if result.package:
        print(f"package: {result.package} ({result.package.stat().st_size / 1e6:.1f} MB)")
    print(f"{len(result.lessons)} videos; {result.counts['rendered']} segments rendered, "
          f"{result.counts['shared']} shared between videos, {result.counts['cached']} reused from earlier builds")
    return 0


def cmd_watch(args) -> int:
    from .watch import watch

    return watch(args.lesson, quality=args.quality, resolution=args.resolution, fps=args.fps, out=args.out,
                 tokens=args.tokens, set=args.set or (), jobs=args.jobs or None, interval=args.interval)


def _variant_flags(p) -> None:
    p.add_argument("--tokens", metavar="TEXT", help="another token sequence for the lesson (a variant)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="override any key, e.g. style.theme=light or segments[2].pair=[king,queen]; repeatable")


def _strict_flag(p) -> None:
    p.add_argument("--strict", action="store_true",
                   help="a number or quoted token in a narration line that a variant made false is an error "
                        "(default: a warning naming the placeholder to use)")


def _size_flags(p, default_quality: str) -> None:
    p.add_argument("-q", "--quality", choices=["l", "m", "h", "p", "k"], default=default_quality,
                   help=f"l 480p15, m 720p30, h 1080p60, p 1440p60, k 2160p60 (default {default_quality})")
    p.add_argument("--resolution", metavar="WxH", help="explicit pixel size, e.g. 1280x720 (overrides -q's size)")
    p.add_argument("--fps", type=int, help="explicit frame rate (overrides -q's)")
    p.add_argument("--out", default="media", help="output root (default: media/)")
    p.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: CPU cores)")


def _playground_flag(p) -> None:
    p.add_argument("--playground", metavar="on|off",
                   help="the page's playground (type a sentence, see its tokens, rows, cosines, neighbours); "
                        "default: the lesson's 'playground:' key, else on where the page can reproduce the tokenizer")


def _cluster_flags(p) -> None:
    p.add_argument("--package", choices=["zip", "scorm"],
                   help="also write a zip, or a SCORM 1.2 package, of the lesson (render) or the whole course (build)")
    p.add_argument("--cluster", metavar="tcp://HOST:8786", help="render segments on a Dask cluster (pip install .[cluster])")
    p.add_argument("--store", metavar="DIR", help="with --cluster: a folder all workers share, instead of sending "
                   "clips back")


class _Version(argparse.Action):
    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        from .versions import version_lines
        print("\n".join(version_lines()))
        parser.exit()


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (argparse names the flag when it is not)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} is less than 1")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="embedviz", description="Render explainer videos about token embeddings.")
    p.add_argument("--version", action=_Version, help="embedviz, Manim and voice engine versions")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("render", help="render a lesson to MP4 clips, a lesson video, captions and a page")
    r.add_argument("lesson", help="lesson file (YAML)")
    _size_flags(r, "h")
    r.add_argument("--format", choices=["mp4", "webm", "gif", "mov"],
                   help="mp4 (H.264, default), webm (VP9), gif, mov; as Manim's --format")
    r.add_argument("-t", "--transparent", action="store_true",
                   help="keep an alpha channel (webm with VP9 alpha by default, or --format mov)")
    _variant_flags(r)
    _strict_flag(r)
    _cluster_flags(r)
    _playground_flag(r)
    r.add_argument("--cfr", action="store_true",
                   help="constant frame rate: every frame stored, for video editors that handle variable frame "
                        "rate badly (default for mp4/webm: a still picture is stored once, for as long as it shows)")
    r.add_argument("--segment", action="append", help="re-render only this segment (index or type); repeatable")
    r.add_argument("--no-cache", action="store_true", help="render every segment even if unchanged")
    r.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    r.set_defaults(func=cmd_render)

    v = sub.add_parser("validate", help="check lesson files without rendering")
    v.add_argument("lessons", nargs="+")
    _variant_flags(v)
    _strict_flag(v)
    v.set_defaults(func=cmd_validate)

    ck = sub.add_parser("check", help="play every scene without rendering and list what breaks the frame's rules")
    ck.add_argument("lesson")
    ck.add_argument("--aspect", choices=["16:9", "9:16", "1:1", "all"], help="frame shape (default: the lesson's)")
    ck.add_argument("--theme", choices=["dark", "light", "high-contrast", "all"], help="theme (default: the lesson's)")
    ck.add_argument("--samples", type=_positive_int, default=1, metavar="N",
                    help="moments checked inside every play, evenly spaced (default 1: its middle; more is slower)")
    _variant_flags(ck)
    ck.set_defaults(func=cmd_check)

    sc = sub.add_parser("script", help="print the recording script: every narration line and its file name")
    sc.add_argument("lesson")
    _variant_flags(sc)
    _strict_flag(sc)
    sc.set_defaults(func=cmd_script)

    i = sub.add_parser("inspect", help="print what the video will show, without rendering")
    i.add_argument("lesson")
    i.add_argument("--json", action="store_true", help="machine-readable, with every segment's storyboard")
    _variant_flags(i)
    _strict_flag(i)
    i.set_defaults(func=cmd_inspect)

    b = sub.add_parser("build", help="render every lesson and variant of a course file, with a course page")
    b.add_argument("course", help="course file (YAML)")
    _size_flags(b, "h")
    b.add_argument("--no-cache", action="store_true", help="render every segment even if unchanged")
    b.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    _cluster_flags(b)
    _playground_flag(b)
    _strict_flag(b)
    b.set_defaults(func=cmd_build)

    w = sub.add_parser("watch", help="re-render a lesson each time it (or a file it names) is saved")
    w.add_argument("lesson")
    _size_flags(w, "l")
    _variant_flags(w)
    w.add_argument("--interval", type=float, default=0.5, help="seconds between checks (default 0.5)")
    w.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    w.set_defaults(func=cmd_watch)
    return p


def _io_error(e: OSError) -> str:
    from embedviz.render.staging import public_path

    where = public_path(e.filename) if e.filename else "the output folder"
    cause = e.strerror or str(e)
    fix = {errno.ENOSPC: "free some disk space or choose another --out",
           errno.EFBIG: "raise the file size limit (ulimit -f)",
           errno.EACCES: "choose a folder you can write with --out",
           errno.EROFS: "choose a writable folder with --out"}
    return f"{where}: cannot write: {cause} ({fix.get(e.errno, 'check the disk and the folder')}; {KEPT})"


def _stopped_note(args) -> str:
    return f": {KEPT}; finished segments are kept for the next render" if args.command in ("render", "build") else ""


def main(argv: list[str] | None = None) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from embedviz.executors.lifecycle import Terminated, handle_signals

    handle_signals()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LessonError as e:
        _err(str(e))
        return EXIT_BAD_INPUT
    except _Reported:
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err("interrupted" + _stopped_note(args))
        return 130
    except Terminated as e:
        _err(f"stopped by {e.name}" + _stopped_note(args))
        return e.exit_code
    except BrokenPipeError:
        # the reader went away (`embedviz validate ... | head`): stop quietly, as a program killed by
        # SIGPIPE would; stdout goes to /dev/null so the interpreter's final flush cannot fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + 13
    except BrokenProcessPool:
        _err(f"a render worker was killed (out of memory, or a signal): {KEPT}; "
             "render again to continue (finished segments are kept)")
        return EXIT_WORKER_DIED
    except OSError as e:
        if getattr(args, "debug", False):
            raise
        _err(_io_error(e))
        return EXIT_IO
    except Exception as e:  # a bug of ours, not the user's input
        if getattr(args, "debug", False):
            raise
        _err(f"internal error: {type(e).__name__}: {e} (please report it; --debug shows the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
