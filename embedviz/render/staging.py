"""New files of a render are built aside and replace the old ones only when all are done.

A render writes every new file (clips, their cache entries, the lesson video,
captions, chapters, manifest, thumbnail) into ``<out>/.staging-<pid>-<rand>/``,
laid out as the output folder is. Only when all of them are complete and the
lesson video has been checked does :meth:`Staging.commit` write a plan
(``COMMIT``) and move each file into place with ``os.replace``. So:

* a render that fails or is interrupted before the plan leaves every previous
  file exactly as it was; its finished clips stay in its staging folder and
  the next render (which owns the folder: :mod:`embedviz.render.lock`) adopts those
  that verify, so no finished segment is rendered twice;
* a render killed while moving files (a few milliseconds) leaves its plan, and
  the next render finishes the moves before it starts (roll forward).

Files whose names start with a dot (temporaries, a worker's Manim folder) are
never moved.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

import av

from embedcore.integrity import atomic_write_text, entry_problem, problem, read_entry

PREFIX = ".staging-"
PLAN = "COMMIT"
SALVAGE = ".salvage"


def _entry_path(clip: Path) -> Path:
    return clip.with_name(clip.name + ".json")


def _order(rel: str) -> tuple[int, str]:
    """Clips first, their entries after them, the manifest (which names them all) last."""
    if rel.startswith("clips/"):
        return (1 if rel.endswith(".json") else 0, rel)
    return (3 if rel == "manifest.json" else 2, rel)


def _files(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if not f.startswith(".") and not (dirpath == str(root) and f == PLAN):
                out.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))
    return sorted(out, key=_order)


def _roll_forward(stage: Path, out_dir: Path) -> None:
    plan = json.loads((stage / PLAN).read_text(encoding="utf-8"))
    for rel in plan:
        src = stage / rel
        if src.exists():
            (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, out_dir / rel)


class Staging:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=self.out_dir))
        (self.dir / "clips").mkdir()
        self.notes: list[str] = []
        self._recover()

    def _recover(self) -> None:
        """Finish or salvage what earlier renders (now dead: we hold the lock) left."""
        salvage = self.dir / SALVAGE
        for old in sorted(self.out_dir.glob(PREFIX + "*")):
            if old == self.dir or not old.is_dir():
                continue
            if (old / PLAN).is_file():
                try:
                    _roll_forward(old, self.out_dir)
                    self.notes.append(f"finished moving the files of an interrupted render ({old.name})")
                except (OSError, ValueError):
                    pass                    # an unreadable plan: its files are not trusted
            else:
                clips = old / "clips"
                for f in clips.iterdir() if clips.is_dir() else ():
                    if f.is_file() and not f.name.startswith("."):
                        salvage.mkdir(exist_ok=True)
                        os.replace(f, salvage / f.name)
            shutil.rmtree(old, ignore_errors=True)

    def path(self, rel: str) -> Path:
        """Where the new file for ``<out>/<rel>`` is built."""
        p = self.dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def final(self, p: Path) -> Path:
        """The final path of a staged file (other paths unchanged)."""
        try:
            return self.out_dir / Path(p).relative_to(self.dir)
        except ValueError:
            return Path(p)

    def reusable(self, name: str, key: str, any_key: bool = False) -> tuple[Path | None, dict | None, str | None]:
        """A verified clip ``clips/<name>`` for ``key``: ``(clip, entry, None)``,
        or ``(None, None, why not)`` (why is None when there was nothing to reuse).
        ``any_key``: the final clip of whatever version (``--segment`` keeps the others).

        Looks at the final clip and at clips salvaged from an interrupted
        render; a salvaged one is moved into this render's staging folder.
        """
        why = None
        for clip in (self.out_dir / "clips" / name, self.dir / SALVAGE / name):
            entry_path = _entry_path(clip)
            if not entry_path.exists():
                if clip.exists() and clip.parent.name == "clips":
                    why = why or "it has no cache entry"
                continue
            entry = read_entry(entry_path)
            if entry is None:
                why = why or entry_problem(entry_path)
                continue
            if entry.get("key") != key and not (any_key and clip.parent.name == "clips"):
                continue                    # another version of the segment: not damage
            if not (isinstance(entry.get("duration"), (int, float)) and isinstance(entry.get("cues"), list)):
                why = why or "its cache entry is incomplete"
                continue
            bad = problem(clip, entry.get("file"))
            if bad:
                why = why or bad
                continue
            if clip.parent.name == SALVAGE:
                dest = self.path(f"clips/{name}")
                os.replace(clip, dest)
                os.replace(entry_path, _entry_path(dest))
                return dest, entry, None
            return clip, entry, None
        return None, None, why

    def commit(self) -> list[Path]:
        """Move every staged file into place; return their final paths.

        Signals wait until the moves are done (a few milliseconds); SIGKILL
        cannot wait, and leaves the plan for the next render to finish."""
        rels = _files(self.dir)
        plan = self.dir / PLAN
        stop = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        held = signal.pthread_sigmask(signal.SIG_BLOCK, stop)
        try:
            atomic_write_text(plan, json.dumps(rels))        # on disk before the first move
            _roll_forward(self.dir, self.out_dir)
            shutil.rmtree(self.dir, ignore_errors=True)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return [self.out_dir / r for r in rels]

    def discard_work(self) -> None:
        """After a failure: keep finished clips for the next render, drop the rest
        (unless the commit had begun: then the next render finishes it)."""
        if not self.dir.is_dir() or (self.dir / PLAN).exists():
            return                  # committed already (a signal held during the moves), or committing
        for p in self.dir.iterdir():
            if p.name not in ("clips", SALVAGE):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


STAGED = re.compile(r"/\.staging-[^/]+(?=/)")


def public_path(path: str) -> str:
    """The path a user knows for a staged file (its final place)."""
    return STAGED.sub("", str(path))


def check_video(path: Path, seconds: float, fps: float, clips: int = 1) -> None:
    """Demux every packet of ``path`` (no decoding: milliseconds) and compare its
    length with the ``clips`` it joins; raise ValueError if it is short or
    unreadable. A frame per clip is allowed (WebM packets carry no duration,
    so the last frame of each clip counts as zero long)."""
    try:
        with av.open(str(path)) as c:
            s = c.streams.video[0]
            n, end = 0, 0
            for packet in c.demux(s):
                if packet.pts is None:
                    continue
                n += 1
                end = max(end, packet.pts + (packet.duration or 0))
            got = float(end * s.time_base)
    except (av.FFmpegError, IndexError) as e:
        raise ValueError(f"{public_path(path)}: the new lesson video cannot be read back ({e})") from None
    if n == 0 or abs(got - seconds) > (clips + 1) / fps + 0.05:
        raise ValueError(f"{public_path(path)}: the new lesson video runs {got:.2f} s, its clips {seconds:.2f} s")
