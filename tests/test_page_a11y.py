"""The lesson page and the course page, as a learner with a screen reader, a keyboard, a phone or a wish
for less motion meets them: from file://, in Debian's Chromium driven by playwright-core
(tests/page_driver.mjs).

- axe-core reports no violation of WCAG 2.2 AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) on the
  whole document (so on any section a later change adds), in the light and the dark colour scheme, with the
  audio descriptions hidden and shown;
- the keyboard alone reaches every chapter, transcript line and the description toggle, with a visible
  focus ring, and Enter/Space seek the video;
- under prefers-reduced-motion the transcript jumps to the current line instead of scrolling smoothly;
- any uncaught error or console error of the page fails the test (tests/browser.py's run_driver; shown to
  fail on a broken page in tests/test_browser.py).

No sideways scrolling of the page at 390 px (a phone) nor at 320 px (WCAG 1.4.10 reflow; a wide table
scrolls in its own focusable region). Screenshots (390 px, 320 px, desktop; light and dark) go to test-artifacts/.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from embedviz.publish.page import course_page

from .browser import render_tiny, run_driver

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

LESSON = """
lesson: {title: "Arrows and a lookup", slug: arrows}
vocabulary: [the, cat, dog, car, sat]
embeddings: {source: synthetic, dim: 4, seed: 2, groups: {animals: [cat, dog]}}
tokens: "the dog sat"
segments:
  - type: lookup
    narration: ["Each id selects one row.", "The rows stack up."]
  - type: vectors-2d
    tokens: [cat, dog, car]
    narration: ["Cat and dog point one way.", "Car points another."]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    d = tmp_path_factory.mktemp("page")
    result = render_tiny(d, LESSON)
    out = result.out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    root = d / "media"
    href = out.relative_to(root).as_posix()
    (root / "index.html").write_text(course_page("Embeddings, week 1", [
        {"title": manifest["title"], "href": f"{href}/index.html", "thumbnail": f"{href}/thumbnail.png",
         "duration": manifest["duration"], "note": "two chapters"},
        {"title": "The same again", "href": f"{href}/index.html", "thumbnail": f"{href}/thumbnail.png",
         "duration": manifest["duration"]}]), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    return {"lesson": (out / "index.html").as_uri(), "course": (root / "index.html").as_uri(), "out": out,
            "manifest": manifest, "files": result.files}


def _playground(site) -> dict | None:
    """The lesson page's playground data (its chapters' tokens), or None: the page has no playground."""
    page = (site["out"] / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="playground-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1).replace("<\\/", "</")) if m else None


def _violations(run: dict) -> list:
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in run["violations"]]


@pytest.mark.parametrize("which", ["lesson", "course"])
def test_axe_finds_no_wcag22_aa_violation_light_and_dark(site, which):
    seen = run_driver("audit", site[which], ARTIFACTS, f"page-{which}")
    (ARTIFACTS / f"axe-{which}.json").write_text(json.dumps(seen["runs"], indent=1))
    assert [r["scheme"] for r in seen["runs"]] == ["light", "dark"]
    for run in seen["runs"]:
        assert run["closed"]["passes"] > 10, "axe ran its rules"
        assert _violations(run["closed"]) == [], (run["scheme"], run["closed"]["violations"])
        if which == "lesson":
            assert run["opened"] is not None, "the lesson page has the description toggle"
            assert _violations(run["opened"]) == [], (run["scheme"], "descriptions shown", run["opened"]["violations"])
            # every line at full height: axe decides every contrast (none left "incomplete")
            assert _violations(run["unclipped"]) == [], (run["scheme"], "unclipped", run["unclipped"]["violations"])
            assert run["unclipped"]["incomplete"] == [], (run["scheme"], run["unclipped"]["incomplete"])
            assert "color-contrast" in run["unclipped"]["passed"]
        if which == "lesson":
            assert _playground(site), "the lesson page has its playground"
            # axe saw the playground drawn: its tokens, rows, cosines and neighbours (the first token's)
            pg = run["playground"]
            assert pg["state"] == "ready" and pg["tokens"] == 3 and pg["tables"] == 4, (run["scheme"], pg)
    for shot in seen["shots"]:
        assert Path(shot["file"]).is_file()
        assert shot["overflow"] <= 0, f"{shot['file']}: the page is wider than a {shot['width']} px screen"


def test_keyboard_alone_walks_chapters_transcript_and_descriptions(site):
    seen = run_driver("keyboard", site["lesson"])
    manifest = site["manifest"]
    walk = seen["walk"]
    # Tab reaches every chapter and every transcript line, in page order, each with a visible focus ring
    chapters = [w["t"] for w in walk if w["chapter"] and w["tag"] == "BUTTON"]
    starts = [0.0] + [s["start"] for s in manifest["segments"][1:]]
    assert chapters == pytest.approx(starts, abs=1e-3)
    lines = [w["line"] for w in walk if w["line"] is not None]
    n_lines = sum(len(s["cues"]) for s in manifest["segments"])
    assert lines == list(range(n_lines))
    # every stop but the video's own controls (drawn by the browser) shows the page's focus ring
    ours = [w for w in walk if w["tag"] != "VIDEO"]
    assert len(ours) > n_lines and all(w["outline"] for w in ours), [w for w in ours if not w["outline"]]
    assert any(w["id"] == "desc-toggle" for w in walk)
    assert not any(w["desc"] for w in walk), "hidden descriptions take no tab stop"
    # Enter on a chapter and Space on a line seek the video there; the focus stays where it was
    assert seen["chapter"]["landed"] == pytest.approx(manifest["segments"][1]["start"], abs=0.05)
    assert seen["chapter"]["focus"]["chapter"]
    last = manifest["segments"][-1]["cues"][-1]["start"]
    assert seen["line"]["landed"] == pytest.approx(last, abs=0.05)
    assert seen["line"]["focus"]["line"] == n_lines - 1
    # Space on the toggle shows every description in the transcript; Enter hides them again
    assert seen["toggle"] == {"pressed": "true", "shown": len(manifest["descriptions"]),
                              "all": len(manifest["descriptions"])}
    assert seen["toggle_again"] == "false"
    # shown again: Enter on the last description seeks to it, and it is announced (aria-live)
    assert seen["desc"]["landed"] == pytest.approx(manifest["descriptions"][-1]["start"], abs=0.05)
    assert seen["live"] == manifest["descriptions"][-1]["text"]
    data = _playground(site)
    assert data, "the lesson page has its playground"
    _keyboard_playground(seen, walk, data)


def _keyboard_playground(seen: dict, walk: list, data: dict) -> None:
    """Tab reaches each chapter's "try these tokens" link, the text box, its button and every token;
    Enter on a link loads that chapter's tokens, Enter sends typed text, Enter on a token shows its neighbours."""
    assert sum("pg-try" in w["cls"] for w in walk) == len(data["chapters"])
    stops = [w for w in walk if w["pg"]]
    assert [w["id"] for w in stops][:1] == ["pg-text"] and sum("pg-tok" in w["cls"] for w in stops) == 3
    assert all(w["outline"] for w in stops + [w for w in walk if "pg-try" in w["cls"]])
    pg = seen["playground"]
    assert pg["tries"] == len(data["chapters"])
    assert pg["tried"]["text"] == data["chapters"][-1]["text"] and pg["tried"]["tokens"]
    assert pg["tried"]["focus"]["id"] == "pg-text"
    assert pg["typed"]["tokens"] == ["the", "cat", "sat"] and pg["typed"]["pressed"] == 0
    chosen = pg["chosen"]
    assert pg["tabs"] <= 3, "from the text box: its button, then the tokens"
    assert chosen["pressed"] == 1 and "cat" in chosen["heading"] and chosen["neighbours"] > 0
    assert "pg-tok" in chosen["focus"]["cls"] and chosen["focus"]["text"].startswith("cat")


def test_reduced_motion_jumps_instead_of_scrolling(site):
    seen = run_driver("motion", site["lesson"])
    calm, moving = seen["reduce"], seen["no-preference"]
    assert calm["behavior"] == "auto" and moving["behavior"] == "smooth"
    # reduced: the transcript is at its new place at once; otherwise it is still on its way just after
    assert calm["soon"] == calm["later"] > calm["before"]
    assert moving["later"] == calm["later"] and moving["soon"] < moving["later"]


def test_description_tracks_are_written_named_and_loaded_from_file(site):
    out, manifest = site["out"], site["manifest"]
    # one track per clip (title card included) and one for the lesson, named by the manifest
    names = [manifest["title_card"]["descriptions"], *[s["descriptions"] for s in manifest["segments"]]]
    assert names == ["clips/00-title.descriptions.vtt", "clips/01-lookup.descriptions.vtt",
                     "clips/02-vectors-2d.descriptions.vtt"]
    assert manifest["captions"]["descriptions"] == "arrows.descriptions.vtt"
    # the render reports them among the files it wrote (the CLI prints that list)
    assert {out / n for n in [*names, "arrows.descriptions.vtt"]} <= set(site["files"])
    for n in [*names, manifest["captions"]["descriptions"]]:
        assert (out / n).read_text().startswith("WEBVTT\n")
    cues = manifest["descriptions"]
    assert [c["start"] for c in cues] == sorted(c["start"] for c in cues)
    assert all(a["end"] <= b["start"] + 1e-6 for a, b in zip(cues, cues[1:]))
    assert cues[0]["start"] == 0.0 and cues[0]["text"].startswith("Title card: Arrows and a lookup.")
    # each segment's first description starts with its first narration line (clip time + the segment's start)
    for s in manifest["segments"]:
        first = next(c for c in cues if c["start"] >= s["start"])
        assert first["start"] == pytest.approx(s["cues"][0]["start"], abs=1e-3)
    # the text transcript carries them too, under each chapter's narration
    text = (out / "transcript.txt").read_text()
    seg2 = [c["text"] for c in cues if c["start"] >= manifest["segments"][1]["start"]]
    assert "Car points another.\nOn screen: " + " ".join(seg2) + "\n" in text
    page = (out / "index.html").read_text()
    assert '<track kind="descriptions" src="arrows.descriptions.vtt" srclang="en" label="Audio description">' in page
    # from file:// the browser loads the same cues into the page's descriptions track
    seen = run_driver("open", site["lesson"])
    (desc,) = [t for t in seen["tracks"] if t["kind"] == "descriptions"]
    assert [(round(a, 3), round(b, 3), t) for a, b, t in desc["cues"]] == \
        [(c["start"], c["end"], c["text"]) for c in cues]
    (caps,) = [t for t in seen["tracks"] if t["kind"] == "captions"]
    assert len(caps["cues"]) == sum(len(s["cues"]) for s in manifest["segments"])
