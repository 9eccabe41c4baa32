"""Headless Chromium as the real consumer of a clip and its captions.

Serves a folder on 127.0.0.1, opens a page holding ``<video>`` + ``<track>``,
lets the page's script load, seek and read the cues, and returns what the
page saw (and a screenshot). Uses Debian's chromium with no network features.
"""
from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
<pre id="out">pending</pre>
<script>
const v = document.getElementById('v');
const track = v.textTracks[0];
track.mode = 'showing';
const result = {{}};
function finish(extra) {{
  Object.assign(result, extra || {{}});
  const cues = track.cues ? Array.from(track.cues).map(c => [c.startTime, c.endTime, c.text]) : null;
  result.cues = cues;
  document.getElementById('out').textContent = JSON.stringify(result);
}}
v.addEventListener('error', () => finish({{error: v.error ? v.error.code : 'unknown'}}));
let asked = false;
v.addEventListener('canplay', () => {{
  if (asked) return;
  asked = true;
  result.duration = v.duration;
  result.width = v.videoWidth;
  result.height = v.videoHeight;
  result.target = v.duration / 2;
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


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _RangeHandler(SimpleHTTPRequestHandler):
    """Static files with HTTP Range support: browsers seek media only over ranges,
    as every real video host (and any LMS) serves them."""

    def log_message(self, *args):  # keep test output clean
        pass

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
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def play_in_browser(folder: Path, src: str, vtt: str, screenshot: Path, profile: Path) -> dict:
    """Open the clip page in headless Chromium; return what its script recorded."""
    (folder / "page.html").write_text(PAGE.format(src=html.escape(src), vtt=html.escape(vtt)), encoding="utf-8")
    server = serve(folder)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        base = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run([*base, "--virtual-time-budget=20000", "--dump-dom", url],
                             capture_output=True, text=True, timeout=120)
        subprocess.run([*base, "--virtual-time-budget=20000", "--window-size=660,420",
                        f"--screenshot={screenshot}", url], capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    m = re.search(r'<pre id="out">(.*?)</pre>', dom.stdout, re.S)
    if not m:
        raise AssertionError(f"page did not render: {dom.stdout[-500:]} {dom.stderr[-500:]}")
    text = html.unescape(m.group(1))
    if text == "pending":
        raise AssertionError("the video never loaded in the time budget")
    return json.loads(text)
