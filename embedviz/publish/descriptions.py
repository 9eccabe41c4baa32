"""The audio-description tracks (WebVTT, ``<track kind="descriptions">``) beside a rendered lesson.

One file per clip (``clips/NN-type.descriptions.vtt``, clip time) and one for the lesson
(``<slug>.descriptions.vtt``, lesson time), written from the storyboards by
:mod:`embedcore.descriptions` and timed by each clip's narration cues. The manifest names them
(``captions.descriptions``, each segment's and the title card's ``descriptions``), so packages and
pages find them there.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from embedcore.descriptions import description_cues, to_vtt
from embedcore.integrity import atomic_write_text
from embedcore.storyboard import Storyboard
from embedviz.render.outcome import SegmentResult


def descriptions_name(clip: str) -> str:
    """``clips/01-lookup.mp4`` → ``clips/01-lookup.descriptions.vtt``."""
    return str(Path(clip).with_suffix(".descriptions.vtt").as_posix())


def write_descriptions(out_dir: Path, boards: Sequence[Storyboard], clips: Sequence[SegmentResult]) -> list[Path]:
    """Write every clip's description track and the lesson's, and name them in ``manifest.json``.

    ``boards``: the title card's storyboard, then each segment's; ``clips``: their results in the
    same order (``cues`` in clip time, ``duration``). Returns the files written."""
    out_dir = Path(out_dir)
    path = out_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entries = [manifest["title_card"], *manifest["segments"]]
    assert len(entries) == len(boards) == len(clips), "one storyboard and one result per clip"
    lesson, files = [], []
    for entry, sb, res in zip(entries, boards, clips):
        cues = description_cues(sb, res.cues, res.duration)
        name = descriptions_name(entry["clip"])
        atomic_write_text(out_dir / name, to_vtt(cues))
        files.append(out_dir / name)
        entry["descriptions"] = name
        t = entry["start"]
        lesson += [{**c, "start": round(c["start"] + t, 3), "end": round(c["end"] + t, 3)} for c in cues]
    whole = f"{manifest['slug']}.descriptions.vtt"
    atomic_write_text(out_dir / whole, to_vtt(lesson))
    manifest["captions"]["descriptions"] = whole
    manifest["descriptions"] = lesson
    atomic_write_text(path, json.dumps(manifest, indent=2, ensure_ascii=False))
    return [out_dir / whole, *files]

