"""``index.html`` and ``transcript.txt`` beside every rendered lesson.

The page is one self-contained file: the CSS and script of ``templates/`` inlined, the lesson's data
embedded as JSON, relative links only, no CDN and no web font, so it plays
the same from ``file://``, any static server or inside an LMS package.
Browsers refuse ``<track>`` files on ``file://`` (no origin), so there the
script builds the caption and chapter tracks from the embedded cues instead.

When an LMS offers the SCORM 1.2 API (``window.API`` in this window or a
parent) the page reports ``completed`` once the video has played to its end;
without one it does nothing.
"""
from __future__ import annotations

import html
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from embedcore.integrity import atomic_write_text as atomic_write
from embedviz.publish.playground import page_block

if TYPE_CHECKING:
    from embedcore.lesson import CompiledLesson


@cache
def template(name: str) -> str:
    """A file of ``embedviz/publish/templates/`` (package data): the page's HTML, CSS and script live there."""
    return (files("embedviz.publish") / "templates" / name).read_text(encoding="utf-8")


def _clock(t: float) -> str:
    """m:ss as the video player's own clock shows it: whole seconds, cut (not rounded, or a 25.6 s lesson
    would read 0:26 beside the player's 0:25); float noise (a microsecond) is not a second lost."""
    m, s = divmod(int(t + 1e-6), 60)
    return f"{m}:{s:02d}"


def licence_line(source: dict) -> str:
    """Where the vectors came from and under what terms, from the manifest's source facts."""
    label = source.get("label") or source.get("kind", "")
    licence = source.get("licence") or source.get("license")
    if licence:
        who = source.get("model") or source.get("name")
        return f"Vectors: {label}. Licence: {licence}" + (f" ({who})." if who else ".")
    if source.get("learned") is False:
        return f"Vectors: {label}. Made for this lesson; no licence applies."
    return f"Vectors: {label}. Licence: not stated by the source; check it before publishing."


def _cue_text(cue: dict) -> str:
    return " ".join(cue.get("lines") or [cue.get("text", "")]).strip()


def page_data(manifest: dict, narration: list[list[dict]] | None = None) -> dict:
    """What the page's script needs, computed here so the page holds no logic about the lesson.

    ``cues`` are the caption cues (≤ 2 lines each); ``lines`` are whole narration
    lines for the transcript: ``narration`` gives them per segment in clip time
    (the scene's cues), else each caption cue stands for one.
    """
    chapters = [{"title": s["title"], "start": s["start"], "end": s["end"], "clip": s["clip"]}
                for s in manifest["segments"]]
    if chapters:                       # the first chapter includes the title card, as chapters.vtt does
        chapters[0]["start"] = 0.0
    cues = [{"start": c["start"], "end": c["end"], "text": _cue_text(c)}
            for s in manifest["segments"] for c in s["cues"]]
    if narration is None:
        lines = [dict(c) for c in cues]
    else:
        lines = [{"start": round(s["start"] + c["start"], 3), "end": round(s["start"] + c["end"], 3),
                  "text": c["text"].strip()}
                 for s, seg in zip(manifest["segments"], narration) for c in seg if c["text"].strip()]
    descriptions = [{"start": c["start"], "end": c["end"], "text": c["text"]} for c in manifest.get("descriptions", [])]
    return {"title": manifest["title"], "duration": manifest["duration"], "chapters": chapters, "cues": cues,
            "lines": lines, "descriptions": descriptions}


def transcript_text(manifest: dict, narration: list[list[dict]] | None = None) -> str:
    """Plain text for LMSs that ask for a transcript: each chapter with its time, then its narration and
    what the screen shows (the audio description), so the text alone carries the lesson."""
    described = manifest.get("descriptions", [])
    out = [manifest["title"], licence_line(manifest["source"]), ""]
    card = [d["text"] for d in described if d["start"] < manifest["title_card"]["end"]]
    out += [f"On screen: {' '.join(card)}", ""] if card else []
    for i, s in enumerate(manifest["segments"]):
        out.append(f"[{_clock(s['start'])}] {s['title']}")
        said = narration[i] if narration is not None else s["cues"]
        text = " ".join(c["text"].strip() if "text" in c else _cue_text(c) for c in said)
        out += [text] if text else []
        shown = [d["text"] for d in described if s["start"] <= d["start"] < s["end"]]
        out += [f"On screen: {' '.join(shown)}"] if shown else []
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _json_for_script(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _transcript_html(lines: list[dict], descriptions: list[dict]) -> str:
    """Narration lines as buttons that seek (``<p data-i>``), each preceded by the audio descriptions
    that start before it (``<div class="desc">``, shown by the transcript's toggle)."""
    e = html.escape
    out, k = [], 0
    for i, c in enumerate(lines):
        while k < len(descriptions) and descriptions[k]["start"] <= c["start"] + 1e-3:
            out.append(_desc_html(descriptions[k]))
            k += 1
        out.append(f'<p data-i="{i}" data-t="{c["start"]}"><button type="button">{e(c["text"])}</button></p>')
    out += [_desc_html(d) for d in descriptions[k:]]
    return "\n".join(out)


def _desc_html(d: dict) -> str:
    return (f'<div class="desc" data-t="{d["start"]}"><button type="button"><span class="tag">Description</span> '
            f'{html.escape(d["text"])}</button></div>')


def lesson_page(manifest: dict, narration: list[list[dict]] | None = None, playground: str = "") -> str:
    """The page; ``playground``: the playground's block (:func:`embedviz.publish.playground.page_block`)."""
    e = html.escape
    data = page_data(manifest, narration)
    caps = manifest["captions"]
    clips = "\n".join(
        f'<li><a href="{e(s["clip"])}" download>{e(s["title"])}</a> '
        f'<span class="muted">{_clock(s["duration"])}</span></li>' for s in manifest["segments"])
    chapters = "\n".join(
        f'<li><button type="button" data-t="{c["start"]}"><span class="t">{_clock(c["start"])}</span> '
        f'{e(c["title"])}</button></li>' for c in data["chapters"])
    transcript = _transcript_html(data["lines"], data["descriptions"])
    fmt = manifest.get("format") or {}
    desc_vtt = caps.get("descriptions", "")
    return template("lesson.html").format(
        descriptions_vtt=e(desc_vtt), desc_disabled="" if data["descriptions"] else " disabled",
        title=e(manifest["title"]), video=e(manifest["video"]), poster=e(manifest.get("thumbnail", "")),
        vtt=e(caps["vtt"]), srt=e(caps["srt"]), chapters_vtt=e(caps["chapters"]),
        licence=e(licence_line(manifest["source"])), chapters=chapters, transcript=transcript, clips=clips,
        length=_clock(manifest["duration"]), size=f'{fmt.get("width", "?")}×{fmt.get("height", "?")}',
        data=_json_for_script(data), style=template("page.css"), script=template("lesson.js"), playground=playground)


def write_page(out_dir: Path, narration: list[list[dict]] | None = None, lesson: CompiledLesson | None = None,
               root: Path | None = None) -> list[Path]:
    """Write ``index.html`` and ``transcript.txt`` from the folder's manifest; return their paths.

    ``narration``: per segment, the scene's cues (clip time, one per narration line). ``lesson`` and
    ``root``: the playground's source, and the output root its shared asset is written to."""
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    page, text = out_dir / "index.html", out_dir / "transcript.txt"
    atomic_write(text, transcript_text(manifest, narration))
    atomic_write(page, lesson_page(manifest, narration, page_block(lesson, root)))
    return [page, text]


def course_page(title: str, lessons: list[dict]) -> str:
    """``lessons``: dicts with title, href (relative), thumbnail (relative), duration, note."""
    e = html.escape
    items = "\n".join(
        f'<li><a href="{e(x["href"])}"><img src="{e(x["thumbnail"])}" alt="" loading="lazy">'
        f'<span class="name">{e(x["title"])}</span></a>'
        f'<span class="muted">{_clock(x["duration"])}{" · " + e(x["note"]) if x.get("note") else ""}</span></li>'
        for x in lessons)
    return template("course.html").format(title=e(title), items=items, count=len(lessons),
                                           style=template("page.css"))
