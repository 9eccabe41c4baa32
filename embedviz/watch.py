"""``embedviz watch LESSON.yaml``: the authoring loop.

Polls the modification times of the lesson file and of every file it names
(vocabulary, vectors, corpus, tokenizer) and re-renders when one changes.
The segment cache does the rest: only segments whose storyboard changed are
rendered again. A bad edit prints its one-line error and the loop goes on.
Polling (twice a second by default) needs no extra package and works on any
file system, network mounts included.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from embedcore.errors import LessonError
from embedviz import api
from embedviz.render import events

_FILE_KEYS = ("file", "path", "corpus", "tokenizer", "audio")      # audio: a narration line's recording


def named_files(compiled) -> list[Path]:
    """The files a lesson reads besides itself, resolved against the lesson's folder."""
    base = Path(compiled.lesson.path).parent
    found: list[Path] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in _FILE_KEYS and isinstance(v, str):
                    found.append((base / v).resolve())
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(compiled.lesson.config.model_dump())
    return found


def _stamp(paths: Iterable[Path]) -> dict[Path, tuple[int, int] | None]:
    out = {}
    for p in paths:
        try:
            st = p.stat()
            out[p] = (st.st_mtime_ns, st.st_size)
        except OSError:
            out[p] = None
    return out


def watch(lesson: str | Path, *, quality: str = "l", resolution: str | None = None, fps: int | None = None,
          out: str | Path = "media", tokens: str | None = None, set: Iterable[str] = (), jobs: int | None = None,
          interval: float = 0.5, should_stop: Callable[[], bool] = lambda: False,
          say: Callable[[str], None] = lambda line: print(line, flush=True)) -> int:
    """Render now and after every save until interrupted (or ``should_stop()``); return 0."""
    lesson = Path(lesson).resolve()
    watched = [lesson]
    executor = api.make_executor(jobs)

    def render_once(changed: list[Path]) -> None:
        nonlocal watched
        t0 = time.perf_counter()
        counts = {"rendered": [], "cached": 0}

        def on_event(event: events.Event) -> None:
            if isinstance(event, (events.Rendered, events.Shared)):
                counts["rendered"].append(f"{event.index} {event.type}")
            elif isinstance(event, events.Cached):
                counts["cached"] += 1

        if changed:
            say("changed: " + ", ".join(p.name for p in changed))
        try:
            compiled = api.load(lesson, tokens=tokens, set=set)
            watched = [lesson, *named_files(compiled)]
            result = api.render(compiled, quality=quality, resolution=resolution, fps=fps, out=out,
                                on_event=on_event, executor=executor)
        except LessonError as e:
            say(str(e))
            say("waiting for the next save ...")
            return
        except Exception as e:            # keep the loop alive; the author can fix and save again
            say(f"internal error: {type(e).__name__}: {e} (please report it)")
            return
        redone = counts["rendered"]
        what = ("rendered " + ", ".join(f"segment {r}" for r in redone)) if redone else "nothing to re-render"
        say(f"{what}; reused {counts['cached']} in {time.perf_counter() - t0:.1f} s -> {result.out_dir / 'index.html'}")

    try:
        seen = _stamp(watched)
        render_once([])
        seen = {**_stamp(watched), **seen}     # a save during the render is still seen as a change
        say(f"watching {', '.join(p.name for p in watched)} (Ctrl-C to stop)")
        while not should_stop():
            time.sleep(interval)
            now = _stamp(watched)
            changed = [p for p in watched if now.get(p) != seen.get(p)]
            if changed:
                seen = now
                render_once(changed)
                seen = {**_stamp(watched), **seen}
    except KeyboardInterrupt:
        say("stopped watching")
    finally:
        executor.close()
    return 0
