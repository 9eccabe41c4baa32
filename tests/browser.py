"""Headless Chromium as the real consumer of a clip and its captions.

Serves a folder on 127.0.0.1, opens a page holding ``<video>`` + ``<track>``,
lets the page's script load, seek and read the cues, and returns what the
page saw (and the decoded frame as a PNG). Uses Debian's chromium with no
network features.

The page POSTs its findings back to the server and the test waits for them in
real time. (``--virtual-time-budget`` + ``--dump-dom`` is not used: media
loading runs outside Chromium's virtual clock, so on a busy machine the budget
ran out before the video had loaded and the test failed at random.)
"""
from __future__ import annotations

import base64
import functools
import html
import json
import os
import re
import shutil
import signal
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from embedcore.lesson import load_lesson
from embedviz.options import Quality
from embedviz.render.lesson import render_lesson

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--mute-audio", "--autoplay-policy=no-user-gesture-required",
]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>embedviz clip</title></head>
<body style="margin:0;background:#222">
<video id="v" src="{src}" width="640" muted preload="auto" crossorigin="anonymous">
  <track id="t" kind="captions" src="{vtt}" srclang="en" label="English" default>
</video>
<canvas id="c" style="display:none"></canvas>
<script>
const v = document.getElementById('v');
const track = v.textTracks[0];
track.mode = 'showing';
const result = {{}};
function finish(extra) {{
  Object.assign(result, extra || {{}});
  const cues = track.cues ? Array.from(track.cues).map(c => [c.startTime, c.endTime, c.text]) : null;
  result.cues = cues;
  try {{
    const c = document.getElementById('c');
    c.width = v.videoWidth; c.height = v.videoHeight;
    c.getContext('2d').drawImage(v, 0, 0);
    result.frame = c.toDataURL('image/png');
  }} catch (e) {{ result.frame_error = String(e); }}
  fetch('/result', {{method: 'POST', body: JSON.stringify(result)}});
}}
v.addEventListener('error', () => finish({{error: v.error ? v.error.code : 'unknown'}}));
let asked = false;
v.addEventListener('canplay', () => {{
  if (asked) return;
  asked = true;
  result.duration = v.duration;
  result.width = v.videoWidth;
  result.height = v.videoHeight;
  result.target = {seek} === null ? v.duration / 2 : {seek};
  v.currentTime = result.target;
}});
v.addEventListener('seeked', () => {{
  if (!asked) return;
  result.seeked_to = v.currentTime;
  result.ready_state = v.readyState;
  setTimeout(() => finish(), 300);
}});
</script></body></html>
"""


PLAY_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>embedviz narrated clip</title></head>
<body style="margin:0;background:#222">
<video id="v" src="{src}" width="640" muted preload="auto">
  <track id="t" kind="captions" src="{vtt}" srclang="en" label="English" default>
</video>
<script>
const v = document.getElementById('v');
const track = v.textTracks[0];
track.mode = 'showing';
const result = {{samples: []}};
let started = false, done = false;
function finish(extra) {{
  if (done) return;
  done = true;
  Object.assign(result, extra || {{}});
  result.audio_bytes = v.webkitAudioDecodedByteCount;
  result.video_bytes = v.webkitVideoDecodedByteCount;
  result.cues = track.cues ? Array.from(track.cues).map(c => [c.startTime, c.endTime, c.text]) : null;
  fetch('/result', {{method: 'POST', body: JSON.stringify(result)}});
}}
v.addEventListener('error', () => finish({{error: v.error ? v.error.code : 'unknown'}}));
v.addEventListener('canplay', () => {{
  if (started) return;
  started = true;
  result.duration = v.duration;
  v.currentTime = {start};
  v.play().catch(e => finish({{error: 'play: ' + e}}));
  const tick = () => {{
    if (done) return;
    const active = Array.from(track.activeCues || []).map(c => c.text);
    result.samples.push([v.currentTime, active]);
    if (v.currentTime >= {stop} || v.ended) {{ v.pause(); finish(); }} else {{ setTimeout(tick, 50); }}
  }};
  tick();
}});
</script></body></html>
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _RangeHandler(SimpleHTTPRequestHandler):
    """Static files with HTTP Range support: browsers seek media only over ranges,
    as every real video host (and any LMS) serves them."""

    def log_message(self, *args):  # keep test output clean
        pass

    def do_POST(self):
        """The page reports what it saw here."""
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()
        if self.path == "/result":
            self.server.result = body.decode("utf-8")
            self.server.done.set()

    def send_head(self):
        rng = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng or "")
        path = Path(self.translate_path(self.path))
        if not m or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(m.group(1)) if m.group(1) else max(0, size - int(m.group(2) or 0))
        end = int(m.group(2)) if m.group(1) and m.group(2) else size - 1
        end = min(end, size - 1)
        if start > end:
            self.send_error(416)
            return None
        f = path.open("rb")
        f.seek(start)
        self._remaining = end - start + 1
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(self._remaining))
        self.end_headers()
        return f

    def copyfile(self, source, outputfile):
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        while remaining > 0:
            chunk = source.read(min(65536, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)


def serve(folder: Path):
    handler = functools.partial(_RangeHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.done, server.result = threading.Event(), None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def play_in_browser(folder: Path, src: str, vtt: str, screenshot: Path, profile: Path,
                    timeout: float = 90.0, seek: float | None = None) -> dict:
    """Open the clip page in headless Chromium; return what its script recorded.

    The page seeks to ``seek`` seconds (default: the middle); the frame the
    browser shows there is saved to *screenshot*."""
    (folder / "page.html").write_text(PAGE.format(src=html.escape(src), vtt=html.escape(vtt),
                                                  seek="null" if seek is None else float(seek)), encoding="utf-8")
    seen = _run_page(folder, profile, timeout)
    frame = seen.pop("frame", None)
    if frame and frame.startswith("data:image/png;base64,"):
        screenshot.write_bytes(base64.b64decode(frame.split(",", 1)[1]))
    return seen


def listen_in_browser(folder: Path, src: str, vtt: str, start: float, stop: float, profile: Path,
                      timeout: float = 90.0) -> dict:
    """Play ``src`` (muted) from ``start`` to ``stop`` seconds; return the decoded audio and video
    byte counts and, every 50 ms of playback, the clock and the captions then showing."""
    (folder / "page.html").write_text(PLAY_PAGE.format(src=html.escape(src), vtt=html.escape(vtt),
                                                       start=float(start), stop=float(stop)), encoding="utf-8")
    return _run_page(folder, profile, timeout)


def _run_page(folder: Path, profile: Path, timeout: float) -> dict:
    server = serve(folder)
    url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
    return open_and_wait(url, server, profile, timeout, window=None)


def report_url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/result"


def open_and_wait(url: str, server, profile: Path, timeout: float = 90.0, window: str | None = "1280,900") -> dict:
    """Open ``url`` (http or file) in headless Chromium and wait until its script POSTs to
    ``report_url(server)``; return that JSON. The server is shut down afterwards.
    ``window=None``: Chromium's default window size."""
    log = profile.parent / f"chromium-{profile.name}.log"
    profile.mkdir(parents=True, exist_ok=True)
    size = [f"--window-size={window}"] if window else []
    with log.open("wb") as sink:
        proc = subprocess.Popen([chromium(), *CHROMIUM_FLAGS, *size, f"--user-data-dir={profile}", url],
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            loaded = server.done.wait(timeout)
        finally:
            server.shutdown()
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    if not loaded:
        tail = log.read_text(errors="replace")[-800:]
        raise AssertionError(f"the page reported nothing in {timeout:.0f} s (chromium said: {tail})")
    return json.loads(server.result)


# ---- the lesson page through playwright-core (tests/page_driver.mjs) ----

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).resolve().parent / "page_driver.mjs"


def driver_ready() -> str | None:
    """Why the page driver cannot run here, or None: node, the npm tools and chromium are all installed."""
    if shutil.which("node") is None:
        return "node is not installed: run `make test`, whose set-up installs it"
    for pkg in ("playwright-core", "axe-core", "scorm-again"):
        if not (ROOT / "node_modules" / pkg / "package.json").is_file():
            return f"npm package {pkg} is missing: run `make test` (its set-up runs `npm ci`)"
    if not Path("/usr/bin/chromium").is_file():
        return "chromium is not installed: run `make test`, whose set-up installs it"
    return None


def render_tiny(folder: Path, lesson_yaml: str):
    """``lesson_yaml`` rendered at 256x144@5 into ``folder``/media, for a page test; the test fails first
    (it never skips) when the page driver cannot run here."""
    why = driver_ready()
    if why:
        pytest.fail(why)
    (folder / "l.yaml").write_text(lesson_yaml)
    return render_lesson(load_lesson(folder / "l.yaml"), Quality("t", 256, 144, 5), folder / "media", jobs=1)


def run_driver(*args: str, timeout: float = 180.0, allow_errors: bool = False) -> dict:
    """Run one page-driver command; return its JSON. Any uncaught error or console error the page
    raised fails the test (``allow_errors``: return them in ``errors`` instead)."""
    why = driver_ready()
    if why:
        raise AssertionError(why)
    proc = subprocess.run(["node", str(DRIVER), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)
    if proc.returncode != 0:
        raise AssertionError(f"page driver {args[0]} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout)
    if not allow_errors:
        assert out["errors"] == [], f"the page raised errors: {out['errors']}"
    return out
