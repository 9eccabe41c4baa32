"""Course builds: one queue for every variant, shared segments rendered once, the pages
(in a real browser, from file://, with and without an LMS's SCORM API), the packages,
the Python API, the cluster, and the watch loop.

One tiny two-lesson course (256×144 at 5 fps) is built once for the module;
the tests read what it wrote.
"""
from __future__ import annotations

import json
import re
import textwrap
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import embedviz
from embedviz.executors.base import JobListener
from embedviz.executors.local import LocalExecutor
from embedviz.publish.course import build_course
from embedviz.publish.package import lesson_files, write_package
from embedviz.render import events as ev

from .browser import chromium, open_and_wait, report_url, serve

SIZE = {"resolution": "256x144", "fps": 5}

LESSON_A = """
lesson: {title: "Lookup, three ways", slug: lookup}
vocabulary: [the, cat, dog, sat, king, wore, a, crown]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration: ["Each id selects one row.", "The rows stack up."]
"""
LESSON_B = """
lesson: {title: "Arrows", slug: arrows}
vocabulary: [the, cat, dog, car]
embeddings: {source: synthetic, dim: 4, seed: 2, groups: {animals: [cat, dog]}}
tokens: "the dog"
segments:
  - type: vectors-2d
    tokens: [the, dog]
    narration: ["Two arrows."]
  - type: vectors-2d
    tokens: [cat, dog, car]
    narration: ["Cat and dog point one way.", "Car points another."]
"""
COURSE = """
course: {title: "Embeddings, week 1"}
lessons:
  - file: a.yaml
    variants:
      - tokens: "the king wore a crown"
      - tokens: "the dog sat"
  - file: b.yaml
"""


class CountingExecutor(LocalExecutor):
    """The local pool, recording every job it is asked to render."""

    def __init__(self, jobs=2):
        super().__init__(jobs)
        self.seen = []

    def run(self, todo, listener):
        self.seen += list(todo)
        super().run(todo, listener)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if chromium() is None:
        pytest.fail("chromium is not installed: run `make test`, whose set-up installs it")
    d = tmp_path_factory.mktemp("course")
    for name, text in (("a.yaml", LESSON_A), ("b.yaml", LESSON_B), ("course.yaml", COURSE)):
        (d / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    ex = CountingExecutor(2)
    lines = []
    result = build_course(d / "course.yaml", out=d / "media", executor=ex, **SIZE,
                          on_event=lines.append)
    return {"dir": d, "result": result, "executor": ex, "events": lines}


def folders(course):
    return {r.out_dir.parent.name: r.out_dir for r in course["result"].lessons}


@pytest.mark.render
def test_shared_segments_render_once_and_variants_keep_their_own_folders(course):
    ex, result = course["executor"], course["result"]
    # 3 videos: 2 variants of a.yaml (title card + lookup) and b.yaml (title card + 2 segments) = 7 segments;
    # the two variants share their title card, so 6 distinct segments reach the executor, and only those
    assert sorted(folders(course)) == ["arrows", "lookup--the-dog-sat", "lookup--the-king-wore-a-crown"]
    assert len(ex.seen) == 6 and len({job.key for job in ex.seen}) == 6
    assert result.counts == {"rendered": 6, "shared": 1, "cached": 0}
    f = folders(course)
    king, dog = f["lookup--the-king-wore-a-crown"], f["lookup--the-dog-sat"]
    assert (king / "clips/00-title.mp4").read_bytes() == (dog / "clips/00-title.mp4").read_bytes()
    assert (king / "clips/01-lookup.mp4").read_bytes() != (dog / "clips/01-lookup.mp4").read_bytes()
    # one progress line per finished video
    finished = [e.name for e in course["events"] if isinstance(e, ev.LessonDone)]
    assert sorted(finished) == sorted(f)


@pytest.mark.render
def test_a_second_build_renders_nothing(course):
    again = CountingExecutor(2)
    result = build_course(course["dir"] / "course.yaml", out=course["dir"] / "media", executor=again, **SIZE)
    assert again.seen == [] and result.counts == {"rendered": 0, "shared": 0, "cached": 7}


def _relative_refs(html_text: str) -> list[str]:
    return re.findall(r'(?:src|href|poster)="([^"]*)"', html_text)


@pytest.mark.render
def test_pages_are_self_contained(course):
    root = course["dir"] / "media" / "embeddings-week-1"
    course_page = (root / "index.html").read_text()
    for out in folders(course).values():
        page = (out / "index.html").read_text()
        for ref in _relative_refs(page):
            assert not re.match(r"[a-z]+:|//|/", ref), f"{ref} is not a relative path"
            assert (out / ref).is_file(), f"{out.name}/index.html links {ref}, which is missing"
        assert "<link" not in page and "@import" not in page and "url(" not in page   # no external CSS or font
        href = f"{out.relative_to(root).as_posix()}/index.html"
        assert f'href="{href}"' in course_page
    for ref in _relative_refs(course_page):
        assert (root / ref).is_file()
    text = (folders(course)["arrows"] / "transcript.txt").read_text()
    assert text.splitlines()[0] == "Arrows"
    assert "Cat and dog point one way. Car points another." in text
    assert "random, not learned" in text and "no licence applies" in text


def scorm_check(package: Path) -> ET.Element:
    """The SCORM 1.2 content-package structure; returns the manifest root."""
    ns = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        assert "imsmanifest.xml" in names                   # at the root, not in a folder
        root = ET.fromstring(z.read("imsmanifest.xml"))
        assert root.tag == f"{{{ns['cp']}}}manifest" and root.get("identifier")
        assert root.findtext("cp:metadata/cp:schema", namespaces=ns) == "ADL SCORM"
        assert root.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.2"
        orgs = root.find("cp:organizations", ns)
        org_ids = {o.get("identifier") for o in orgs.findall("cp:organization", ns)}
        assert orgs.get("default") in org_ids
        resources = {r.get("identifier"): r for r in root.findall("cp:resources/cp:resource", ns)}
        items = root.findall(".//cp:organization/cp:item", ns)
        assert items and all(o.findtext("cp:title", namespaces=ns) for o in orgs.findall("cp:organization", ns))
        for item in items:
            assert item.get("identifier") and item.findtext("cp:title", namespaces=ns)
            res = resources[item.get("identifierref")]
            assert res.get("type") == "webcontent" and res.get(f"{{{ns['adlcp']}}}scormtype") == "sco"
            assert res.get("href") in names
        listed = {f.get("href") for r in resources.values() for f in r.findall("cp:file", ns)}
        assert listed <= names, f"files listed but not packed: {listed - names}"
        assert names - {"imsmanifest.xml"} <= listed, "files packed but not listed"
    return root


@pytest.mark.render
def test_zip_and_scorm_packages(course, tmp_path):
    out = folders(course)["arrows"]
    plain = write_package(out, "zip")
    with zipfile.ZipFile(plain) as z:
        assert sorted(z.namelist()) == sorted(lesson_files(out))
        assert "imsmanifest.xml" not in z.namelist() and not any(n.endswith(".mp4.json") for n in z.namelist())
        z.extractall(tmp_path / "unzipped")
    assert (tmp_path / "unzipped" / "arrows.mp4").read_bytes() == (out / "arrows.mp4").read_bytes()
    scorm = write_package(out, "scorm")
    scorm_check(scorm)
    with zipfile.ZipFile(scorm) as z:
        assert {"index.html", "arrows.mp4", "clips/02-vectors-2d.mp4", "transcript.txt"} <= set(z.namelist())


@pytest.mark.render
def test_course_package_has_a_sco_per_video(course):
    from embedviz.publish.package import write_course_package
    root = course["dir"] / "media" / "embeddings-week-1"
    outs = [r.out_dir for r in course["result"].lessons]
    xml = scorm_check(write_course_package(root, "Embeddings, week 1", "embeddings-week-1", outs, "scorm"))
    ns = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2"}
    launch = [r.get("href") for r in xml.findall("cp:resources/cp:resource", ns) if r.get("identifier") != "assets"]
    assert launch == [f"{o.relative_to(root).as_posix()}/index.html" for o in outs]
    with zipfile.ZipFile(write_course_package(root, "Embeddings, week 1", "embeddings-week-1", outs, "zip")) as z:
        assert "index.html" in z.namelist() and "imsmanifest.xml" not in z.namelist()
        assert {f"{o.relative_to(root).as_posix()}/{f}" for o in outs for f in lesson_files(o)} < set(z.namelist())


@pytest.mark.render
def test_python_api_writes_and_reports_every_file(course):
    import yaml
    root = course["dir"] / "media" / "embeddings-week-1"
    data = yaml.safe_load(textwrap.dedent(LESSON_B))
    events = []
    result = embedviz.render(data, out=root, package="scorm", on_event=lambda e: events.append(type(e)), **SIZE)
    assert ev.Rendered not in events and events.count(ev.Cached) == 3       # the same lesson as b.yaml: all reused
    names = {p.name for p in result.files}
    assert {"arrows.mp4", "arrows.vtt", "arrows.srt", "chapters.vtt", "manifest.json", "thumbnail.png",
            "index.html", "transcript.txt", "01-vectors-2d.mp4", "02-vectors-2d.mp4", "arrows-144p5.scorm.zip"} <= names
    assert all(p.is_file() for p in result.files)
    bad = dict(data, segments=[{"type": "vectors-2d", "tokens": ["cat", "dgo"]}])
    with pytest.raises(embedviz.LessonError) as e:
        embedviz.render(bad, out=root, **SIZE)
    assert str(e.value) == "<lesson>: segments[0].tokens[1]: 'dgo' is not in the vocabulary (did you mean 'dog'?)"
    with pytest.raises(embedviz.LessonError) as e:
        embedviz.render(course["dir"] / "b.yaml", resolution="12", out=root)
    assert str(e.value) == "--resolution 12: expected WIDTHxHEIGHT such as 1280x720"


# ---- the lesson page in a real browser, from file:// ----

# Drives the page as a viewer would, then reports what the page did.
CHECK = """
<script>
(async () => {
  const R = {};
  const v = document.getElementById('video');
  const once = ev => new Promise(res => v.addEventListener(ev, () => res(v.currentTime), {once: true}));
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  try {
    if (v.readyState < 1) await once('loadedmetadata');
    R.duration = v.duration;
    v.muted = true;
    await v.play(); await sleep(800); v.pause(); R.played_to = v.currentTime;
    R.tracks = Array.from(v.textTracks).map(t => ({kind: t.kind, mode: t.mode, cues: t.cues ? t.cues.length : -1}));
    // a click seeks and plays: take the time where the seek landed, before playback moves it
    let s = once('seeked'); document.querySelectorAll('#chapters button')[%(chapter)d].click();
    R.after_chapter = await s; v.pause();
    s = once('seeked'); v.currentTime = %(mid)f; await s; await sleep(400);
    R.now = Array.from(document.querySelectorAll('#transcript p.now')).map(p => +p.dataset.i);
    const caps = Array.from(v.textTracks).find(t => t.kind === 'captions');
    R.active = Array.from(caps.activeCues || []).map(c => c.text);
    s = once('seeked'); document.querySelectorAll('#transcript p')[0].click();
    R.after_line = await s; v.pause();
    R.calls_before_end = (window.__calls || []).length;
    s = once('seeked'); v.currentTime = v.duration - 0.4; await s;
    const ended = once('ended'); await v.play(); await ended; await sleep(100);
    R.ended = true;
  } catch (e) { R.error = String(e && e.stack || e); }
  R.calls = window.__calls || null;
  R.scorm = document.body.dataset.scorm;
  fetch('%(report)s', {method: 'POST', mode: 'no-cors', body: JSON.stringify(R)});
})();
</script>
"""

STUB_API = """
<script>
window.__calls = [];
window.API = {
  LMSInitialize: a => { __calls.push(['LMSInitialize', a]); return 'true'; },
  LMSGetValue: k => { __calls.push(['LMSGetValue', k]); return 'not attempted'; },
  LMSSetValue: (k, v) => { __calls.push(['LMSSetValue', k, v]); return 'true'; },
  LMSCommit: a => { __calls.push(['LMSCommit', a]); return 'true'; },
  LMSFinish: a => { __calls.push(['LMSFinish', a]); return 'true'; },
  LMSGetLastError: () => '0', LMSGetErrorString: () => '', LMSGetDiagnostic: () => '',
};
</script>
"""


def drive(out, tmp_path, name: str, stub: bool) -> tuple[dict, dict]:
    manifest = json.loads((out / "manifest.json").read_text())
    seg = manifest["segments"][1]
    mid = (seg["cues"][1]["start"] + seg["cues"][1]["end"]) / 2
    server = serve(tmp_path)
    page = (out / "index.html").read_text()
    check = CHECK % {"chapter": 1, "mid": mid, "report": report_url(server)}
    page = page.replace("</body>", check + "</body>")
    if stub:
        page = page.replace("<head>", "<head>" + STUB_API, 1)
    (out / name).write_text(page, encoding="utf-8")
    seen = open_and_wait((out / name).as_uri(), server, tmp_path / "profile")
    assert "error" not in seen, seen["error"]
    return seen, manifest


@pytest.mark.browser
def test_page_plays_from_file_with_captions_chapters_and_transcript(course, tmp_path):
    seen, manifest = drive(folders(course)["arrows"], tmp_path, "check-plain.html", stub=False)
    assert seen["duration"] == pytest.approx(manifest["duration"], abs=0.2)
    assert seen["played_to"] > 0.2                                  # it played
    n_cues = sum(len(s["cues"]) for s in manifest["segments"])
    caps = [t for t in seen["tracks"] if t["kind"] == "captions"]
    assert caps == [{"kind": "captions", "mode": "showing", "cues": n_cues}]
    assert [t["cues"] for t in seen["tracks"] if t["kind"] == "chapters"] == [len(manifest["segments"])]
    # a chapter click moves currentTime to the chapter's start
    assert seen["after_chapter"] == pytest.approx(manifest["segments"][1]["start"], abs=0.05)
    # inside the last narration line: the transcript highlights it, the caption shows it
    assert seen["now"] == [2]
    assert seen["active"] == ["Car points another."]
    # a transcript click seeks to its line; the first chapter includes the title card
    assert seen["after_line"] == pytest.approx(manifest["segments"][0]["cues"][0]["start"], abs=0.05)
    assert seen["ended"] and seen["scorm"] == "none" and seen["calls"] is None      # no LMS: nothing breaks


@pytest.mark.browser
def test_scorm_completion_is_reported_when_the_video_ends(course, tmp_path):
    # the SCO as an LMS unpacks it from the package
    with zipfile.ZipFile(write_package(folders(course)["arrows"], "scorm")) as z:
        z.extractall(tmp_path / "sco")
    seen, _ = drive(tmp_path / "sco", tmp_path, "check-scorm.html", stub=True)
    calls = [tuple(c) for c in seen["calls"]]
    assert seen["scorm"] == "connected"
    assert calls[:3] == [("LMSInitialize", ""), ("LMSGetValue", "cmi.core.lesson_status"),
                         ("LMSSetValue", "cmi.core.lesson_status", "incomplete")]
    assert seen["calls_before_end"] == 3                  # nothing is completed by seeking and clicking around
    assert calls[3:] == [("LMSSetValue", "cmi.core.lesson_status", "completed"), ("LMSCommit", "")]


@pytest.mark.render
def test_watch_rerenders_what_changed_and_survives_a_bad_edit(course, tmp_path):
    from embedviz.watch import watch
    lesson = tmp_path / "b.yaml"
    lesson.write_text(textwrap.dedent(LESSON_B).lstrip(), encoding="utf-8")
    # start from the course's finished folder, so the first pass is all reuse
    import shutil
    shutil.copytree(folders(course)["arrows"], tmp_path / "media" / "arrows" / "144p5")
    said, stop = [], threading.Event()
    t = threading.Thread(target=watch, args=(lesson,), kwargs=dict(out=tmp_path / "media", jobs=1, interval=0.1,
                                                                   should_stop=stop.is_set, say=said.append, **SIZE))
    t.start()

    def wait_for(pattern, after=0, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            hits = [s for s in said[after:] if re.search(pattern, s)]
            if hits:
                return hits[0]
            time.sleep(0.05)
        raise AssertionError(f"watch never said {pattern!r}; it said {said}")

    try:
        assert wait_for("^nothing to re-render; reused 3 in")
        wait_for("^watching b.yaml")
        n = len(said)
        lesson.write_text(lesson.read_text().replace("[cat, dog, car]", "[cat, dgo, car]"))
        assert wait_for("dgo", n) == f"{lesson}:10:19: segments[1].tokens[1]: 'dgo' is not in the vocabulary " \
                                     "(did you mean 'dog'?)"
        n = len(said)
        lesson.write_text(lesson.read_text().replace("dgo", "dog").replace("Car points another.", "Car does not."))
        line = wait_for("^rendered ", n)
        assert re.fullmatch(r"rendered segment 2 vectors-2d; reused 2 in \d+\.\d s -> .*index\.html", line), line
        assert "changed: b.yaml" in said[n:]
        assert "Car does not." in (tmp_path / "media/arrows/144p5/transcript.txt").read_text()
    finally:
        stop.set()
        t.join(30)
    assert not t.is_alive()


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cl, \
            Client(cl) as client:
        yield cl, client


def _without_cached_flags(manifest: bytes) -> dict:
    """A manifest's content, less the one field that says how a clip was obtained rather than what it is."""
    m = json.loads(manifest)
    for s in m["segments"]:
        s.pop("cached")
    return m


@pytest.mark.faults
def test_cluster_build_matches_the_local_one_and_retries_a_killed_worker(course, cluster, tmp_path):
    import os
    import signal

    from embedviz.executors.dask import DaskExecutor

    cl, client = cluster
    killed = {}

    class KillOnce(DaskExecutor):
        """Kills a busy worker when the first clip arrives; its segments must be rendered elsewhere."""

        def run(self, todo, listener):
            client = self.client

            class Spy(JobListener):
                prepare, begin, damaged = listener.prepare, listener.begin, listener.damaged

                def result(self, job, out):
                    if not killed:
                        busy = {w: keys for w, keys in client.processing().items() if keys}
                        worker = sorted(busy)[0]
                        killed.update(worker=worker, keys=set(busy[worker]))
                        os.kill(pids[worker], signal.SIGKILL)
                    killed.setdefault("ran", {})[out.task] = out.worker
                    listener.result(job, out)
            super().run(todo, Spy())

    pids = client.run(os.getpid)
    ex = KillOnce(cl.scheduler_address, client=client)
    assert ex.jobs == 2
    result = build_course(course["dir"] / "course.yaml", out=tmp_path / "cluster", executor=ex, **SIZE)
    assert result.counts == {"rendered": 6, "shared": 1, "cached": 0}
    # every task that was on the killed worker finished, on another worker
    assert killed["keys"] and killed["keys"] <= set(killed["ran"])
    assert all(killed["ran"][k] != killed["worker"] for k in killed["keys"])
    local_root = course["dir"] / "media" / "embeddings-week-1"
    cluster_root = tmp_path / "cluster" / "embeddings-week-1"
    for out in folders(course).values():
        rel = out.relative_to(local_root)
        for name in lesson_files(out):          # frames (the mp4 bytes), captions, chapters, page, manifest
            mine, theirs = (out / name).read_bytes(), (cluster_root / rel / name).read_bytes()
            if name == "manifest.json":
                assert _without_cached_flags(theirs) == _without_cached_flags(mine)
            else:
                assert theirs == mine, f"{rel}/{name} differs"
    assert (cluster_root / "index.html").read_text() == (local_root / "index.html").read_text()


@pytest.mark.render
def test_cluster_store_is_a_shared_cache(course, cluster, tmp_path):
    import dataclasses

    from embedviz import api
    from embedviz.executors.dask import DaskExecutor
    from embedviz.render.plan import plan_lesson

    cl, client = cluster
    compiled = api.load(course["dir"] / "b.yaml")
    plan = plan_lesson(compiled, api.quality_for(compiled, **SIZE), tmp_path / "out")
    (card,) = [job for job in plan.todo if job.storyboard.index == 0]
    ex = DaskExecutor(cl.scheduler_address, store=tmp_path / "store", client=client)
    got = []

    class Got(JobListener):
        def result(self, job, out):
            got.append(out)
    ex.run([card], Got())
    local = folders(course)["arrows"] / "clips" / "00-title.mp4"
    assert card.clip.read_bytes() == local.read_bytes() == (tmp_path / "store" / f"{card.key}.mp4").read_bytes()
    assert got[0].seconds > 0
    again = dataclasses.replace(card, clip=tmp_path / "again.mp4")
    ex.run([again], Got())
    assert got[1].seconds == 0.0 and got[1].cues == got[0].cues       # served from the store
    assert again.clip.read_bytes() == local.read_bytes()


@pytest.mark.render
def test_a_damaged_store_entry_is_rendered_again_never_served(course, cluster, tmp_path):
    """The store is checked as the output folder's cache is (size and SHA-256 in a sealed entry)."""
    import dataclasses

    from embedviz import api
    from embedviz.executors.dask import DaskExecutor
    from embedviz.render.plan import plan_lesson

    cl, client = cluster
    compiled = api.load(course["dir"] / "b.yaml")
    plan = plan_lesson(compiled, api.quality_for(compiled, **SIZE), tmp_path / "out")
    (card,) = [job for job in plan.todo if job.storyboard.index == 0]
    store = tmp_path / "store"
    ex = DaskExecutor(cl.scheduler_address, store=store, client=client)
    got, why = [], []

    class Heard(JobListener):
        def result(self, job, out):
            got.append(out)

        def damaged(self, job, reason):
            why.append(reason)

    ex.run([card], Heard())
    good = card.clip.read_bytes()
    stored = store / f"{card.key}.mp4"
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF
    damages = [(bytes(flipped), "its content changed (SHA-256 differs from its cache entry)"),
               (good[:1000], f"it has 1,000 bytes, its cache entry says {len(good):,}")]
    for n, (bad, _) in enumerate(damages, start=1):
        stored.write_bytes(bad)
        again = dataclasses.replace(card, clip=tmp_path / f"again{n}.mp4")
        ex.run([again], Heard())
        assert why == [d for _, d in damages[:n]]
        assert got[-1].seconds > 0, "rendered again, not served"
        assert again.clip.read_bytes() == good == stored.read_bytes()
    # an entry written before entries were sealed is not trusted either
    entry = stored.with_name(stored.name + ".json")
    entry.write_text(json.dumps({"duration": got[0].duration, "cues": list(got[0].cues)}))
    ex.run([dataclasses.replace(card, clip=tmp_path / "again3.mp4")], Heard())
    assert why[-1] == "its cache entry has no checksum (written by an older version)" and got[-1].seconds > 0
    plan.abandon()


@pytest.mark.unit
def test_a_damaged_store_entry_is_one_line_in_the_cli():
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from embedviz.cli import _say_cache_event

    shown = SimpleNamespace(console=Console(file=io.StringIO(), width=200))
    _say_cache_event(shown, ev.Damaged(0, "title", "arrows", "its content changed", "stored clip"))
    assert shown.console.file.getvalue() == (
        "  arrows: segment 0 (title): stored clip not reused, its content changed; rendering it again\n")


def _pretend_other_code():
    import importlib

    # (``embedviz.render`` is the API's function; the package is reached by its module name)
    importlib.import_module("embedviz.render.cache").code_version = lambda: "0123456789abcdef"


@pytest.mark.render
def test_cluster_refuses_workers_with_other_code(cluster):
    from embedviz.executors.dask import DaskExecutor
    from embedviz.render.cache import code_version

    cl, client = cluster
    workers = sorted(client.run(_pretend_other_code))
    with pytest.raises(embedviz.LessonError) as e:
        DaskExecutor(cl.scheduler_address, client=client)
    v = embedviz.__version__
    assert str(e.value) == (
        f"--cluster {cl.scheduler_address}: worker {workers[0]} has embedviz {v} (drawing code 0123456789abcdef), "
        f"this machine {v} (drawing code {code_version()}) "
        "(install the same embedviz on every worker; clips would not match the cache)")
