"""The playground beside the video: its asset (8-bit rows, content-addressed, shared), the video's exact
numbers for the lesson's tokens, the switches and bad input, packages, and the page in Chromium from file://.

The arithmetic the page runs (templates/playground_core.js) is run here under node on the page's own data.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from embedcore.lesson import lesson_from_data, load_lesson
from embedviz.publish import playground as pg
from embedviz.publish import playground_asset as pa
from embedviz.publish.page import write_page
from tests.helpers_models import write_model_folder
from tests.test_playground_tokenizer import TEMPLATES, node

ROOT = Path(__file__).resolve().parents[1]

CORE = """
const fs = require('fs');
require(process.argv[2]); require(process.argv[3]); require(process.argv[4]);
const core = require(process.argv[5]);
const job = JSON.parse(fs.readFileSync(process.argv[6], 'utf8'));
globalThis.EmbedvizPlaygroundData = undefined;
const out = {};
"""


def run_core(tmp: Path, asset: Path, lesson: dict, body: str, job: dict | None = None) -> dict:
    """``body`` runs with ``core``, ``data`` (the asset's), ``model`` and ``job``; it fills ``out``."""
    script = tmp / "core.js"
    script.write_text(CORE + f"require({json.dumps(str(asset))});\n"
                      "const data = globalThis.EmbedvizPlaygroundData;\n"
                      f"const lesson = {json.dumps(lesson)};\n"
                      "const model = core.makeModel(data, lesson);\n" + body
                      + "\nfs.writeFileSync(process.argv[7], JSON.stringify(out));\n")
    (tmp / "job.json").write_text(json.dumps(job or {}))
    subprocess.run([node(), str(script), str(TEMPLATES / "bert_tables.js"), str(TEMPLATES / "wordpiece.js"),
                    str(TEMPLATES / "wordpiece.js"), str(TEMPLATES / "playground_core.js"), str(tmp / "job.json"),
                    str(tmp / "out.json")], check=True, timeout=300)
    return json.loads((tmp / "out.json").read_text())


def fake_folder(out_dir: Path, compiled) -> Path:
    """A lesson folder as a render leaves it (manifest and every file it names, empty), without rendering."""
    out_dir.mkdir(parents=True, exist_ok=True)
    slug = compiled.lesson.slug
    segs, t = [], 2.0
    for sb in compiled.storyboards:
        name = f"clips/{sb.index:02d}-{sb.type}"
        segs.append({"title": sb.title, "start": t, "end": t + 5, "duration": 5.0, "clip": name + ".mp4",
                     "captions": name + ".vtt", "cues": [{"start": t, "end": t + 2, "lines": list(sb.narration[:1])}]})
        t += 5
    m = {"title": compiled.lesson.title, "slug": slug, "video": f"{slug}.mp4", "thumbnail": "thumbnail.png",
         "duration": t, "captions": {"vtt": f"{slug}.vtt", "srt": f"{slug}.srt", "chapters": "chapters.vtt"},
         "title_card": {"clip": "clips/00-title.mp4"}, "segments": segs,
         "source": {"kind": compiled.lesson.table.source.kind, "label": compiled.lesson.table.source.label},
         "format": {"width": 854, "height": 480}}
    (out_dir / "clips").mkdir(exist_ok=True)
    for f in [m["video"], m["thumbnail"], *m["captions"].values(), m["title_card"]["clip"],
              *[s["clip"] for s in segs], *[s["captions"] for s in segs]]:
        (out_dir / f).write_bytes(b"")
    (out_dir / "manifest.json").write_text(json.dumps(m))
    return out_dir


# Tests on the MiniLM asset are in the render layer: no Manim, but the asset costs ~10 CPU-s to build.
@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    """The default lesson's page and its asset, built once (about 10 s)."""
    compiled = load_lesson(ROOT / "configs" / "default.yaml")
    root = tmp_path_factory.mktemp("out")
    out = fake_folder(root / compiled.lesson.slug / "480p15", compiled)
    write_page(out, None, compiled, root)
    facts = pa.asset(compiled.lesson.table)[1]
    page = (out / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="playground-data">(.*?)</script>', page, re.S).group(1))
    return compiled, root, out, facts, data


@pytest.mark.unit
def test_b85_is_pythons_base85():
    rng = np.random.default_rng(0)
    for n in (0, 1, 3, 4, 5, 1000, 1003):
        raw = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert pa.b85encode(raw) == base64.b85encode(raw, pad=True).decode()


@pytest.mark.render
def test_minilm_asset_fits_the_budget_and_is_named_by_its_content(minilm, capsys):
    compiled, root, out, facts, data = minilm
    asset = root / facts["name"]
    body = asset.read_bytes()
    assert facts["name"] == f"playground-{hashlib.sha256(body).hexdigest()[:12]}.js" == data["asset"]
    assert len(body) == facts["bytes"] <= pa.BUDGET
    assert facts["rows"] == compiled.lesson.table.V == 30_522 and facts["bits"] == 8
    assert 0 < facts["measuredCosineError"] <= facts["cosineError"] < 0.01
    assert pa.ASSET.search((out / "index.html").read_text()).group(0) == facts["name"]
    with capsys.disabled():
        print(f"\nplayground asset {facts['bytes']:,} bytes; cosines within ±{facts['cosineError']} "
              f"(measured {facts['measuredCosineError']:.5f} over {facts['pairs']:,} pairs)")


@pytest.mark.render
def test_the_page_states_the_precision_and_the_bound(minilm):
    _, _, out, facts, _ = minilm
    page = (out / "index.html").read_text(encoding="utf-8")
    assert (f"All 30,522 rows stored as 8-bit integers with a scale per row; cosines within "
            f"±{facts['cosineError']:g} of the model's, distances within ±{facts['distanceError']:g} "
            "(largest errors over 100,000 random pairs)") in page


@pytest.mark.render
def test_the_page_decodes_the_rows_python_measured(minilm, tmp_path):
    """node's decoding gives the cosines the bound was measured on (so the bound printed is the page's)."""
    compiled, root, _, facts, data = minilm
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, facts["rows"], 2000), rng.integers(0, facts["rows"], 2000)
    got = run_core(tmp_path, root / facts["name"], {"exact": {}, "names": {}}, """
      out.cos = job.a.map((i, k) => { const b = job.b[k]; let s = 0;
        for (let j = 0; j < model.d; j++) s += model.q[i * model.d + j] * model.q[b * model.d + j];
        return s / (model.qnorm[i] * model.qnorm[b]); });
      out.scale = job.a.map(i => model.scale[i]);
    """, {"a": a.tolist(), "b": b.tolist()})
    rows = pa.stored_rows(compiled.lesson.table.matrix, facts["rows"])
    qz = pa.quantise(rows)
    assert np.allclose(got["cos"], qz.cosines(a, b), rtol=0, atol=1e-12)
    assert np.array_equal(np.array(got["scale"], dtype=np.float32), qz.scale[a])
    exact = np.einsum("ij,ij->i", rows[a], rows[b]) / (np.linalg.norm(rows[a], axis=1) * np.linalg.norm(rows[b], axis=1))
    assert np.abs(np.array(got["cos"]) - exact).max() < 0.01


@pytest.mark.render
def test_the_lessons_own_tokens_show_the_videos_numbers(minilm, tmp_path):
    """Rows of the lookup and the similarity matrix, computed by the page's code, equal the storyboards'."""
    compiled, root, _, facts, data = minilm
    boards = {sb.type: sb for sb in compiled.storyboards}
    lookup, sim = boards["lookup"], boards["similarity-matrix"]
    chapter = next(c["text"] for c in data["chapters"] if c["title"] == sim.title)
    got = run_core(tmp_path, root / facts["name"], data, """
      const words = model.tk.encodeWords(job.text);
      const ids = words.flatMap(w => w.pieces.map(p => p.id));
      const cols = core.columns(model.d, job.maxColumns);
      out.rows = ids.map(id => { const v = model.vector(id); return cols.map(c => c === null ? '\\u22ef' : core.fmt(v[c], job.dec)); });
      const sims = model.tk.encodeWords(job.simText).flatMap(w => w.pieces.map(p => p.id));
      out.sim = core.pairwise(sims.map(id => model.vector(id))).map(r => r.map(x => core.fmt(x, job.dec)));
      out.ids = ids;
    """, {"text": data["text"], "maxColumns": data["maxColumns"], "dec": data["decimals"], "simText": chapter})
    assert out_ids(got) == [s.id for s in lookup.steps]
    assert got["rows"] == [list(s.cells) for s in lookup.steps]
    assert got["sim"] == [list(r) for r in sim.cells]


def out_ids(got: dict) -> list[int]:
    return got["ids"]


@pytest.mark.render
def test_neighbours_leave_out_special_tokens_and_the_query(minilm, tmp_path):
    compiled, root, _, facts, data = minilm
    from embedcore.neighbours import nearest
    from embedcore.special import special_ids

    table = compiled.lesson.table
    qid = table.vocab.index["cat"]
    got = run_core(tmp_path, root / facts["name"], data, """
      const r = core.nearest(model, job.q, model.vector(job.q), 5);
      out.cos = r.cos; out.dist = r.dist;
    """, {"q": qid})
    special = set(special_ids(table).tolist())
    q = table.rows(np.array([qid]))[0]
    for key, metric in (("cos", "cosine"), ("dist", "euclidean")):
        want = nearest(table.matrix, q, 5, metric=metric, exclude=special | {qid})
        ids = [x["id"] for x in got[key]]
        assert not (set(ids) & (special | {qid}))
        assert ids == want.ids.tolist()          # cat's neighbours are far enough apart for 8 bits
        assert np.abs(np.array([x["s"] for x in got[key]]) - want.scores).max() < 0.01


@pytest.mark.render
def test_each_chapter_offers_its_own_tokens(minilm):
    compiled, _, _, _, data = minilm
    texts = [c["text"] for c in data["chapters"]]
    assert texts == ["the cat sat on the mat", "the cat sat on the mat", "cat dog car", "cat dog",
                     "cat dog bat car king queen", "cat bat dog"]
    ids = {int(i) for i in data["exact"]}
    vocab = compiled.lesson.table.vocab.index
    assert {vocab[w] for t in texts for w in t.split()} <= ids


# --------------------------------------------------------------------------- switches and bad input


def small_lesson(**extra) -> dict:
    data = {"lesson": {"title": "Lookup", "slug": "lookup"}, "vocabulary": ["the", "cat", "sat", "mat", "dog"],
            "embeddings": {"source": "synthetic", "dim": 8, "seed": 7}, "tokens": "the cat sat",
            "segments": [{"type": "lookup"}, {"type": "similarity-matrix", "tokens": "cat dog"}]}
    return {**data, **extra}


@pytest.mark.unit
def test_the_lesson_key_and_the_switch_turn_it_off(tmp_path):
    off = lesson_from_data(small_lesson(playground="off"))
    assert pg.page_block(off, tmp_path) == "" and pg.check(off) == []
    on = lesson_from_data(small_lesson())
    assert 'id="playground"' in pg.page_block(on, tmp_path)
    assert pg.page_block(pg.with_switch(on, "off"), tmp_path) == ""
    assert pg.with_switch(on, "off").lesson.slug == on.lesson.slug        # the same video, the same folder


def cli(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    import os
    import sys
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "embedviz.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.mark.unit
def test_bad_switch_and_bad_key_are_one_line_and_exit_2(tmp_path):
    r = cli("render", "configs/lookup.yaml", "--playground", "maybe", "--out", str(tmp_path))
    assert r.returncode == 2 and r.stderr.strip() == "--playground: unknown value 'maybe' (choose on or off)"
    lesson = tmp_path / "l.yaml"
    lesson.write_text((ROOT / "configs" / "lookup.yaml").read_text() + "playground: 3\n")
    r = cli("validate", str(lesson))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert re.fullmatch(r".*l\.yaml:20:13: playground: 3 is not allowed \(choose one of: on or off\)", r.stderr.strip())


def bpe_model(folder: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers

    write_model_folder(folder, json_file=True)
    tk = Tokenizer(models.BPE({"<unk>": 0, "c": 1, "a": 2, "t": 3, "ca": 4, "cat": 5}, [("c", "a"), ("ca", "t")],
                              unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    tk.save(str(folder / "tokenizer.json"))


@pytest.mark.unit
def test_a_tokenizer_the_page_cannot_reproduce(tmp_path):
    bpe_model(tmp_path / "model")
    lesson = {"lesson": {"title": "BPE"}, "embeddings": {"source": "huggingface", "path": "model"},
              "tokens": "cat", "segments": [{"type": "lookup"}]}
    auto = lesson_from_data(lesson, tmp_path)
    assert pg.check(auto) == ["playground left out: its tokenizer (tokenizer.json) is BPE, and the page reproduces "
                              "only BERT's WordPiece"]
    assert pg.page_block(auto, tmp_path) == ""
    file = tmp_path / "bpe.yaml"
    import yaml
    file.write_text(yaml.safe_dump({**lesson, "playground": "on"}, sort_keys=False))
    r = cli("validate", str(file))
    assert r.returncode == 2
    assert r.stderr.strip() == (f"{file}:9:13: playground: the playground cannot run on this source: its tokenizer "
                                "(tokenizer.json) is BPE, and the page reproduces only BERT's WordPiece (remove "
                                "'playground: on' (or give --playground off) to render without it)")
    file.write_text(yaml.safe_dump(lesson, sort_keys=False))
    r = cli("validate", str(file))
    assert r.returncode == 0 and r.stderr.strip() == ("warning: playground left out: its tokenizer (tokenizer.json) "
                                                      "is BPE, and the page reproduces only BERT's WordPiece")


@pytest.mark.unit
def test_whitespace_tokens_over_the_vocabulary(tmp_path):
    compiled = lesson_from_data(small_lesson())
    text, facts = pa.asset(compiled.lesson.table)
    (tmp_path / facts["name"]).write_text(text)
    assert "root.EmbedvizBertTables = " not in text and '"tokenizer":null' in text     # nothing to reproduce
    data = pg.lesson_data(compiled, facts)
    got = run_core(tmp_path, tmp_path / facts["name"], data, """
      out.words = model.tk.encodeWords('the  cat\\tzebra dog');
      out.row = core.columns(model.d, 6).map(c => c === null ? null : core.fmt(model.vector(1)[c], 2));
    """)
    assert [(w["text"], w["pieces"][0]["id"]) for w in got["words"]] == [("the", 0), ("cat", 1), ("zebra", None),
                                                                          ("dog", 4)]
    lookup = compiled.storyboards[0]
    assert [c for c in got["row"] if c is not None] == [c for c in lookup.steps[1].cells if c != "\u22ef"]


@pytest.mark.unit
def test_a_source_over_the_budget_is_cut_with_one_line(tmp_path, monkeypatch):
    vocab = [f"w{i}" for i in range(3000)]
    data = small_lesson(vocabulary=vocab, tokens="w5 w2999", segments=[{"type": "lookup"}])
    data["embeddings"]["dim"] = 64
    compiled = lesson_from_data(data)
    monkeypatch.setattr(pa, "BUDGET", 300_000)
    notes = pg.check(compiled)
    rows = pa.plan(compiled.lesson.table).rows
    assert 0 < rows < 3000
    assert notes == [f"playground cut to the budget of 0 MB: it holds the rows of the first {rows:,} of 3,000 tokens "
                     f"(ids 0-{rows - 1:,}, up to 'w{rows - 1}') and the lesson's own; other tokens show no row"]
    text, facts = pa.asset(compiled.lesson.table)
    assert len(text.encode()) <= 300_000 and facts["rows"] == rows
    block = pg.lesson_data(compiled, facts)
    assert block["precision"].startswith(f"The rows of the first {rows:,} of 3,000 tokens stored as 8-bit")
    assert str(2999) in block["exact"]                   # the lesson's own token keeps its exact row
    (tmp_path / facts["name"]).write_text(text)
    got = run_core(tmp_path, tmp_path / facts["name"], block, """
      out.ids = model.tk.encode('w5 w2999 w2998');
      out.rows = out.ids.map(id => model.vector(id) === null ? null : core.fmt(model.vector(id)[0], 2));
    """)
    assert got["ids"] == [5, 2999, None] and got["rows"][0] is not None and got["rows"][1] is not None
    assert got["rows"][2] is None


# --------------------------------------------------------------------------- sharing and packages


@pytest.mark.unit
def test_a_course_shares_one_asset_and_its_package_carries_it_once(tmp_path):
    from embedviz.publish.package import write_course_package, write_package

    root = tmp_path / "course"
    outs = []
    for tokens in ("the cat sat", "the dog sat"):
        compiled = lesson_from_data(small_lesson(tokens=tokens, lesson={"title": "L", "slug": "l-" + tokens[4:7]}))
        out = fake_folder(root / compiled.lesson.slug / "480p15", compiled)
        write_page(out, None, compiled, root)
        outs.append(out)
    assets = sorted(p.name for p in root.glob("playground-*.js"))
    assert len(assets) == 1 and all(pa.asset_of(o) == assets[0] for o in outs)
    (root / "index.html").write_text("<html></html>")
    z = write_course_package(root, "Course", "course", outs, "scorm")
    with zipfile.ZipFile(z) as f:
        names = f.namelist()
        manifest = f.read("imsmanifest.xml").decode()
    assert names.count(assets[0]) == 1 and f'<file href="{assets[0]}"/>' in manifest
    single = write_package(outs[0], "zip")
    with zipfile.ZipFile(single) as f:
        assert assets[0] in f.namelist() and f'"src": "{assets[0]}"' in f.read("index.html").decode()
    assert f'"src": "../../{assets[0]}"' in (outs[0] / "index.html").read_text()       # on disk: the root
    assert sorted(p.name for p in outs[0].parent.iterdir()) == ["480p15", single.name]    # no work file left


@pytest.mark.browser
def test_the_page_runs_from_file_in_chromium(minilm, tmp_path):
    """From file:// (asset two folders up) and from an unpacked package (asset beside the page)."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium is not installed (the browser tests need Debian's chromium)")
    from embedviz.publish.package import write_package

    compiled, root, out, facts, _ = minilm
    packed = tmp_path / "packed"
    with zipfile.ZipFile(write_package(out, "zip")) as z:
        z.extractall(packed)
    assert f'"src": "{facts["name"]}"' in (packed / "index.html").read_text()
    assert f'"src": "../../{facts["name"]}"' in (out / "index.html").read_text()
    for page in (out / "index.html", packed / "index.html"):
        dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}",
                              "--virtual-time-budget=20000", "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120).stdout
        assert 'data-playground="ready"' in dom, page
        assert dom.count('<button type="button" class="pg-tok') == 6 and dom.count('<a href="#playground" class="pg-try"') == len(compiled.storyboards)
        assert "Nearest to “the” (id 1,996)" in dom and "<td>0.65</td>" in dom


@pytest.mark.unit
def test_numbers_are_written_as_the_video_writes_them(tmp_path):
    """fmt in the page = embedcore.storyboard.fmt: exact ties round to even, a true minus, no −0.00."""
    from embedcore.storyboard import fmt

    rng = np.random.default_rng(4)
    values = [0.125, 0.375, -0.625, 2.5, 3.5, -0.0, 0.0, -0.001, 0.005, 0.015, 1e6, -1234567.0, 999999.995,
              float("nan"), float("inf"), float("-inf"), 1e100, 5e-324, 0.045, 1.0005, 0.00005]
    values += (rng.standard_normal(3000) * 10.0 ** rng.integers(-4, 7, 3000)).tolist()
    values += (rng.integers(-4000, 4000, 2000) / 2 ** rng.integers(1, 8, 2000)).tolist()    # exact ties
    (tmp_path / "v.json").write_text(json.dumps({"v": [x if np.isfinite(x) else str(x) for x in values]}))
    script = ("const core = require(process.argv[1]); const fs = require('fs');"
              "const v = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).v.map(x => typeof x === 'string' ?"
              " ({nan: NaN, inf: Infinity, '-inf': -Infinity})[x] : x);"
              "fs.writeFileSync(process.argv[3], JSON.stringify([0, 1, 2, 3, 4].map(d => v.map(x => core.fmt(x, d)))));")
    subprocess.run([node(), "-e", script, str(TEMPLATES / "playground_core.js"), str(tmp_path / "v.json"),
                    str(tmp_path / "out.json")], check=True, timeout=60)
    got = json.loads((tmp_path / "out.json").read_text())
    for d in range(5):
        want = [fmt(x, d) for x in values]
        bad = [(x, w, g) for x, w, g in zip(values, want, got[d]) if w != g]
        assert not bad, f"decimals {d}: {len(bad)} differ, first {bad[:3]}"
