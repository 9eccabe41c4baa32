"""One file to hand to a course platform: ``--package zip`` or ``--package scorm``.

``zip``: the lesson folder as it is (video, clips, captions, page, manifest).
``scorm``: the same with ``imsmanifest.xml`` at the root, making it a SCORM
1.2 content package whose single SCO is ``index.html``; the page reports
``completed`` through the LMS's API when the video has played to its end.
Cache entries (``clips/*.json``) and work files stay out of both.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def lesson_files(out_dir: Path) -> list[str]:
    """Every file the folder's manifest names, plus the page and transcript, relative and in a stable
    order (clips of other formats or removed segments, cache entries and work files stay out)."""
    out_dir = Path(out_dir)
    m = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    names = [m["video"], *m["captions"].values(), m["thumbnail"], "manifest.json", "index.html", "transcript.txt",
             m["title_card"]["clip"]]
    for s in m["segments"]:
        names += [s["clip"], s["captions"]]
    seen = []
    for n in names:
        if n not in seen:
            if not (out_dir / n).is_file():
                raise FileNotFoundError(f"{out_dir / n} is named by the manifest but missing; render again")
            seen.append(n)
    return seen


def scorm_manifest(title: str, slug: str, files: list[str]) -> str:
    """imsmanifest.xml for SCORM 1.2: one organization, one item, one SCO resource listing every file."""
    ident = "embedviz-" + slug
    file_tags = "\n".join(f"      <file href={quoteattr(f)}/>" for f in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(ident)} version="1.0"
  xmlns="{IMSCP}" xmlns:adlcp="{ADLCP}" xmlns:xsi="{XSI}"
  xsi:schemaLocation="{IMSCP} imscp_rootv1p1p2.xsd {ADLCP} adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org-1">
    <organization identifier="org-1">
      <title>{escape(title)}</title>
      <item identifier="item-1" identifierref="sco-1" isvisible="true">
        <title>{escape(title)}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
{file_tags}
    </resource>
  </resources>
</manifest>
"""


def write_package(out_dir: Path, kind: str) -> Path:
    """Write ``<folder>.zip`` or ``<folder>.scorm.zip`` beside the lesson folder; return its path."""
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    files = lesson_files(out_dir)
    name = f"{manifest['slug']}-{out_dir.name}"
    target = out_dir.parent / (f"{name}.scorm.zip" if kind == "scorm" else f"{name}.zip")
    tmp = target.with_name(target.name + ".part")
    try:
        # videos are already compressed: store them, deflate the text
        with zipfile.ZipFile(tmp, "w") as z:
            if kind == "scorm":
                z.writestr("imsmanifest.xml", scorm_manifest(manifest["title"], manifest["slug"], files),
                           compress_type=zipfile.ZIP_DEFLATED)
            for f in files:
                packed = zipfile.ZIP_STORED if f.endswith((".mp4", ".webm", ".mov", ".gif", ".png")) \
                    else zipfile.ZIP_DEFLATED
                z.write(out_dir / f, f, compress_type=packed)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
