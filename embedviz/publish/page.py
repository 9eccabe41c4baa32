"""``index.html`` and ``transcript.txt`` beside every rendered lesson.

The page is one self-contained file: inline CSS and script, the lesson's data
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
from pathlib import Path

from embedviz.render.pipeline import atomic_write


def _clock(t: float) -> str:
    m, s = divmod(int(t + 1e-6), 60)         # as a player shows it: 18.7 s is 0:18, never rounded up
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
    return {"title": manifest["title"], "duration": manifest["duration"], "chapters": chapters, "cues": cues,
            "lines": lines}


def transcript_text(manifest: dict, narration: list[list[dict]] | None = None) -> str:
    """Plain text for LMSs that ask for a transcript: each chapter with its time, then its narration."""
    out = [manifest["title"], licence_line(manifest["source"]), ""]
    for i, s in enumerate(manifest["segments"]):
        out.append(f"[{_clock(s['start'])}] {s['title']}")
        said = narration[i] if narration is not None else s["cues"]
        text = " ".join(c["text"].strip() if "text" in c else _cue_text(c) for c in said)
        out += [text, ""] if text else [""]
    return "\n".join(out).rstrip() + "\n"


def _json_for_script(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def lesson_page(manifest: dict, narration: list[list[dict]] | None = None) -> str:
    e = html.escape
    data = page_data(manifest, narration)
    caps = manifest["captions"]
    clips = "\n".join(
        f'<li><a href="{e(s["clip"])}" download>{e(s["title"])}</a> '
        f'<span class="muted">{_clock(s["duration"])}</span></li>' for s in manifest["segments"])
    chapters = "\n".join(
        f'<li><button type="button" data-t="{c["start"]}"><span class="t">{_clock(c["start"])}</span> '
        f'{e(c["title"])}</button></li>' for c in data["chapters"])
    transcript = "\n".join(
        f'<p data-i="{i}" data-t="{c["start"]}" tabindex="0">{e(c["text"])}</p>' for i, c in enumerate(data["lines"]))
    fmt = manifest.get("format") or {}
    return _PAGE.format(
        title=e(manifest["title"]), video=e(manifest["video"]), poster=e(manifest.get("thumbnail", "")),
        vtt=e(caps["vtt"]), srt=e(caps["srt"]), chapters_vtt=e(caps["chapters"]),
        licence=e(licence_line(manifest["source"])), chapters=chapters, transcript=transcript, clips=clips,
        length=_clock(manifest["duration"]), size=f'{fmt.get("width", "?")}×{fmt.get("height", "?")}',
        data=_json_for_script(data), style=_STYLE, script=_SCRIPT)


def write_page(out_dir: Path, narration: list[list[dict]] | None = None) -> list[Path]:
    """Write ``index.html`` and ``transcript.txt`` from the folder's manifest; return their paths.

    ``narration``: per segment, the scene's cues (clip time, one per narration line)."""
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    page, text = out_dir / "index.html", out_dir / "transcript.txt"
    atomic_write(text, transcript_text(manifest, narration))
    atomic_write(page, lesson_page(manifest, narration))
    return [page, text]


def course_page(title: str, lessons: list[dict]) -> str:
    """``lessons``: dicts with title, href (relative), thumbnail (relative), duration, note."""
    e = html.escape
    items = "\n".join(
        f'<li><a href="{e(x["href"])}"><img src="{e(x["thumbnail"])}" alt="" loading="lazy">'
        f'<span class="name">{e(x["title"])}</span></a>'
        f'<span class="muted">{_clock(x["duration"])}{" · " + e(x["note"]) if x.get("note") else ""}</span></li>'
        for x in lessons)
    return _COURSE.format(title=e(title), items=items, count=len(lessons), style=_STYLE)


_STYLE = """
:root { color-scheme: light dark; --bg: #fbfbfa; --fg: #1d1d1f; --muted: #5f6368; --line: #d9d9de;
  --accent: #0b63c5; --now: #fff1b8; }
@media (prefers-color-scheme: dark) { :root { --bg: #16171a; --fg: #ececf0; --muted: #a0a4ab; --line: #34363c;
  --accent: #7ab7ff; --now: #3b3410; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 12px; }
h2 { font-size: 1.05rem; margin: 0 0 8px; }
video { width: 100%; max-height: 75vh; background: #000; border-radius: 6px; display: block; }
.muted { color: var(--muted); font-size: .9rem; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.6fr); gap: 24px; margin-top: 16px; }
@media (max-width: 720px) { .cols { grid-template-columns: minmax(0, 1fr); gap: 16px; } main { padding: 10px; } }
ol, ul { margin: 0; padding: 0; list-style: none; }
#chapters button { width: 100%; text-align: left; font: inherit; color: inherit; background: none;
  border: 1px solid transparent; border-radius: 6px; padding: 8px 10px; cursor: pointer; min-height: 44px; }
#chapters button:hover, #chapters button:focus { border-color: var(--line); }
#chapters li.now button { background: var(--now); }
.t { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
#transcript { max-height: 22rem; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; padding: 4px; }
#transcript p { margin: 0; padding: 6px 8px; border-radius: 4px; cursor: pointer; }
#transcript p.now { background: var(--now); }
footer { margin-top: 24px; border-top: 1px solid var(--line); padding-top: 12px; }
footer li { margin: 4px 0; }
a { color: var(--accent); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 16px; }
.grid li { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.grid a { display: block; text-decoration: none; color: inherit; }
.grid img { width: 100%; aspect-ratio: 16 / 9; object-fit: cover; display: block; background: #000; }
.grid .name { display: block; padding: 8px 10px 0; font-weight: 600; }
.grid .muted { display: block; padding: 0 10px 10px; }
"""

_SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById('lesson-data').textContent);
  const video = document.getElementById('video');
  if (location.protocol === 'file:') {
    // <track> files do not load on file:// (no origin): build the same tracks from the embedded cues
    video.querySelectorAll('track').forEach(t => t.remove());
    const caps = video.addTextTrack('captions', 'English', 'en');
    data.cues.forEach(c => caps.addCue(new VTTCue(c.start, c.end, c.text)));
    caps.mode = 'showing';
    const chs = video.addTextTrack('chapters', 'Chapters', 'en');
    data.chapters.forEach(c => chs.addCue(new VTTCue(c.start, c.end, c.title)));
    chs.mode = 'hidden';
  } else {
    for (const t of video.textTracks) if (t.kind === 'captions') t.mode = 'showing';
  }
  function seek(t) { video.currentTime = t; if (video.paused) video.play().catch(() => {}); }
  document.querySelectorAll('#chapters button, #transcript p').forEach(el => {
    el.addEventListener('click', () => seek(parseFloat(el.dataset.t)));
    el.addEventListener('keydown', ev => { if (ev.key === 'Enter') seek(parseFloat(el.dataset.t)); });
  });
  const lines = Array.from(document.querySelectorAll('#transcript p'));
  const chapterItems = Array.from(document.querySelectorAll('#chapters li'));
  const box = document.getElementById('transcript');
  let current = -1, currentChapter = -1;
  function follow() {
    const t = video.currentTime;
    let i = -1;
    for (let k = 0; k < data.lines.length; k++) if (data.lines[k].start <= t + 1e-3) i = k;
    if (i !== current) {
      if (current >= 0) lines[current].classList.remove('now');
      if (i >= 0) {
        lines[i].classList.add('now');
        const top = lines[i].offsetTop - box.offsetTop;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - lines[i].offsetHeight)
          box.scrollTop = top - box.clientHeight / 3;
      }
      current = i;
    }
    let c = -1;
    for (let k = 0; k < data.chapters.length; k++) if (data.chapters[k].start <= t + 1e-3) c = k;
    if (c !== currentChapter) {
      if (currentChapter >= 0) chapterItems[currentChapter].classList.remove('now');
      if (c >= 0) chapterItems[c].classList.add('now');
      currentChapter = c;
    }
    document.body.dataset.cue = String(current);
    document.body.dataset.chapter = String(currentChapter);
  }
  video.addEventListener('timeupdate', follow);
  video.addEventListener('seeked', follow);

  // SCORM 1.2: report completion when the video has played to its end; nothing without an LMS
  function findAPI(win) {
    for (let n = 0; win && n < 12; n++) {
      try { if (win.API) return win.API; } catch (e) { return null; }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  let api = findAPI(window);
  if (!api && window.opener) { try { api = findAPI(window.opener); } catch (e) { api = null; } }
  let open = false;
  if (api) {
    try {
      open = String(api.LMSInitialize('')) === 'true';
      if (open && api.LMSGetValue('cmi.core.lesson_status') === 'not attempted')
        api.LMSSetValue('cmi.core.lesson_status', 'incomplete');
    } catch (e) { open = false; }
  }
  video.addEventListener('ended', () => {
    document.body.dataset.ended = '1';
    if (!open) return;
    try { api.LMSSetValue('cmi.core.lesson_status', 'completed'); api.LMSCommit(''); } catch (e) {}
  });
  let finished = false;
  function finish() {
    if (!open || finished) return;
    finished = true;
    try { api.LMSFinish(''); } catch (e) {}
  }
  window.addEventListener('pagehide', finish);
  window.addEventListener('beforeunload', finish);
  document.body.dataset.scorm = open ? 'connected' : 'none';
  follow();
})();
"""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style></head>
<body><main>
<h1>{title}</h1>
<video id="video" controls preload="metadata" playsinline poster="{poster}" src="{video}">
  <track kind="captions" src="{vtt}" srclang="en" label="English" default>
  <track kind="chapters" src="{chapters_vtt}" srclang="en" label="Chapters">
</video>
<p class="muted">{length} · {size} · {licence}</p>
<div class="cols">
<section><h2>Chapters</h2><ol id="chapters">
{chapters}
</ol></section>
<section><h2>Transcript</h2><div id="transcript">
{transcript}
</div></section>
</div>
<footer><h2>Downloads</h2><ul>
<li><a href="{video}" download>Whole lesson (video)</a></li>
{clips}
<li><a href="{vtt}" download>Captions (WebVTT)</a> · <a href="{srt}" download>Captions (SRT)</a> ·
<a href="transcript.txt" download>Transcript (text)</a></li>
</ul></footer>
</main>
<script type="application/json" id="lesson-data">{data}</script>
<script>{script}</script>
</body></html>
"""

_COURSE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style></head>
<body><main>
<h1>{title}</h1>
<p class="muted">{count} videos</p>
<ul class="grid">
{items}
</ul>
</main></body></html>
"""
