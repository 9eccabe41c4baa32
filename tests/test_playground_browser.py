"""The playground as a learner meets it, in Debian's Chromium from file:// (playwright-core):

- the keyboard alone: Tab to a chapter's "Try these tokens", Enter loads its tokens and puts the focus in the
  text box; typing a sentence and Enter shows the model's pieces and ids (the Python tokenizer's); Tab to a token
  and Enter (or Space on the next) shows its neighbours by cosine and by distance, special tokens and the token
  itself left out; every stop shows a focus ring (tests/playground_driver.mjs);
- axe-core (the page's harness, tests/page_driver.mjs) finds no WCAG 2.2 AA violation on a page with the
  playground on MiniLM, light and dark; screenshots (phone and desktop) go to test-artifacts/;
- it runs from an unpacked SCORM package (the asset beside the page) with no request that needs a network.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedcore.neighbours import nearest
from embedcore.special import special_ids
from embedviz.options import Quality
from embedviz.publish.package import write_package
from embedviz.render.lesson import render_lesson

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).resolve().parent / "playground_driver.mjs"
PAGE_DRIVER = Path(__file__).resolve().parent / "page_driver.mjs"        # the page's, with its axe harness
ARTIFACTS = ROOT / "test-artifacts"

LESSON = """
lesson: {title: "Tokens of a real model", slug: pg-minilm}
embeddings: {source: minilm}
tokens: "the cat sat on the mat"
narration_voice: none
segments:
  - type: lookup
    narration: ["Each id selects one row."]
  - type: similarity-matrix
    tokens: "cat dog car"
    narration: ["Cat and dog are close."]
"""
TYPED = "Unaffable café, 日本 🤗 naïve!"


def driver_ready() -> str | None:
    """Why the drivers cannot run here, or None: node, the npm tools (package.json) and chromium installed."""
    if shutil.which("node") is None:
        return "node is not installed: run `make test`, whose set-up installs it"
    for pkg in ("playwright-core", "axe-core"):
        if not (ROOT / "node_modules" / pkg / "package.json").is_file():
            return f"npm package {pkg} is missing: run `make test` (its set-up runs `npm ci`)"
    if shutil.which("chromium") is None:
        return "chromium is not installed: run `make test`, whose set-up installs it"
    return None


def drive(driver: Path, *args: str) -> dict:
    """One command of a page driver; any page error or network request fails the test."""
    proc = subprocess.run(["node", str(driver), *map(str, args)], capture_output=True, text=True, timeout=240,
                          cwd=ROOT)
    assert proc.returncode == 0, f"{driver.name} {args[0]} failed:\n{proc.stderr[-3000:]}"
    out = json.loads(proc.stdout)
    assert out["errors"] == [], f"the page raised errors: {out['errors']}"
    return out


def playground(*args: str) -> dict:
    return drive(DRIVER, *args)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not (ROOT / "package.json").is_file():
        pytest.skip("the page's npm browser tools (package.json, from branch page) are not on this branch yet")
    why = driver_ready()
    if why:
        pytest.fail(why)
    d = tmp_path_factory.mktemp("pg")
    (d / "l.yaml").write_text(LESSON)
    compiled = load_lesson(d / "l.yaml")
    result = render_lesson(compiled, Quality("t", 256, 144, 5), d / "media", jobs=1)
    ARTIFACTS.mkdir(exist_ok=True)
    return compiled, result.out_dir


def test_the_keyboard_alone_walks_the_playground(site, tmp_path):
    compiled, out = site
    table = compiled.lesson.table
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"chapter": 1, "text": TYPED, "pick": 2}))
    seen = playground("keyboard", (out / "index.html").as_uri(), job)
    assert seen["first"]["state"] == "ready" and seen["first"]["input"] == "the cat sat on the mat"
    # Tab reaches the second chapter's link; Enter loads that chapter's tokens and focuses the text box
    assert seen["toTry"][-1]["tryLink"] and seen["toTry"][-1]["outline"]
    assert sum(f["tryLink"] for f in seen["toTry"]) == 2
    assert seen["afterTry"]["focus"]["id"] == "pg-text"
    assert seen["afterTry"]["shown"]["input"] == "cat dog car"
    assert [t["piece"] for t in seen["afterTry"]["shown"]["tokens"]] == ["cat", "dog", "car"]
    # typed and looked up with Enter: the Python tokenizer's pieces and ids
    words = table.tokenizer.split_text(TYPED)
    want = [(p.text, p.id) for w in words for p in w.pieces]
    typed = seen["typed"]
    assert [t["piece"] for t in typed["tokens"]] == [p for p, _ in want]
    assert typed["ids"].split() == [str(i) for _, i in want]
    assert [p for p, _ in want] == ["una", "##ffa", "##ble", "cafe", ",", "日", "本", "[UNK]", "naive", "!"]
    # Tab to the third token and Enter: its neighbours; the focus stays on it; Space picks the next
    assert [f["pos"] for f in seen["toToken"] if f["pos"] is not None] == [0, 1, 2]
    specials = set(special_ids(table).tolist())
    bound = float(seen["first"]["precision"].split("cosines within ±")[1].split()[0])
    for step, pos in (("picked", 2), ("spaced", 3)):
        got = seen[step]
        piece, qid = want[pos]
        assert got["focus"]["pos"] == pos and got["shown"]["tokens"][pos]["pressed"] == "true"
        assert got["shown"]["nearest"] == f"Nearest to “{piece}” (id {qid:,})"
        q = table.rows(np.array([qid]))[0]
        for key, metric in (("byCosine", "cosine"), ("byDistance", "euclidean")):
            shown = got["shown"][key]
            exact = nearest(table.matrix, q, 5, metric=metric, exclude=specials | {qid})
            names = [table.vocab.tokens[i] for i in exact.ids]
            assert len(shown) == 5 and shown[0][0] == names[0], (key, shown, names)
            ids = [table.vocab.index[t] for t, _ in shown]
            assert not set(ids) & (specials | {qid})
            for (tok, s), i in zip(shown, ids):     # each score the model's within the stated bound (+ rounding)
                row = table.rows(np.array([i]))[0]
                true = float(q @ row / (np.linalg.norm(q) * np.linalg.norm(row))) if metric == "cosine" \
                    else float(np.linalg.norm(q - row))
                assert abs(float(s.replace("−", "-")) - true) <= bound + 0.005 + 1e-9, (tok, s, true)
    # and on to the end of the playground: every stop in it shows a focus ring
    stops = [f for walk in ("toToken", "rest") for f in seen[walk] if f["inPlayground"]]
    assert stops and all(f["outline"] for f in stops), [f for f in stops if not f["outline"]]
    assert {f["label"] for f in seen["rest"] if f["cls"] == "pg-scroll"} == {"Rows", "Cosine similarity"}
    assert not seen["rest"][-1]["inPlayground"]


def test_axe_finds_no_violation_with_the_playground_light_and_dark(site):
    _, out = site
    seen = drive(PAGE_DRIVER, "audit", (out / "index.html").as_uri(), ARTIFACTS, "playground")
    (ARTIFACTS / "axe-playground.json").write_text(json.dumps(seen["runs"], indent=1))
    assert [r["scheme"] for r in seen["runs"]] == ["light", "dark"]
    for run in seen["runs"]:
        for state in ("closed", "opened"):
            if run[state] is None:
                continue
            assert run[state]["passes"] > 10, "axe ran its rules"
            assert run[state]["violations"] == [], (run["scheme"], state, run[state]["violations"])
    for shot in seen["shots"]:
        assert Path(shot["file"]).is_file()
        assert shot["overflow"] <= 0, f"{shot['file']}: the page is wider than a {shot['width']} px screen: {shot['wide']}"


def test_it_runs_inside_the_scorm_package(site, tmp_path):
    _, out = site
    with zipfile.ZipFile(write_package(out, "scorm")) as z:
        names = z.namelist()
        z.extractall(tmp_path / "scorm")
    asset = [n for n in names if n.startswith("playground-")]
    assert len(asset) == 1 and "imsmanifest.xml" in names
    seen = playground("ready", (tmp_path / "scorm" / "index.html").as_uri())
    assert seen["state"] == "ready" and [t["piece"] for t in seen["tokens"]] == "the cat sat on the mat".split()
    assert seen["nearest"] == "Nearest to “the” (id 1,996)" and len(seen["byCosine"]) == 5
