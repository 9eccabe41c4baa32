"""One file to hand to a course platform: ``--package zip`` or ``--package scorm``.

``zip``: the lesson folder as it is (video, clips, captions, page, manifest).
``scorm``: the same with ``imsmanifest.xml`` at the root, making it a SCORM
1.2 content package whose single SCO is ``index.html``; the page reports
``completed`` through the LMS's API when the video has played to its end.
A course build packs the whole course: one SCO per video, the course page
as an asset.
Cache entries (``clips/*.json``) and work files stay out of both.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from embedcore.integrity import atomic_path

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def lesson_files(out_dir: Path) -> list[str]:
    """Every file the folder's manifest names, plus the page and transcript, relative and in a stable
    order (clips of other formats or removed segments, cache entries and work files stay out)."""
    out_dir = Path(out_dir)
    m = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    page = [n for n in ("index.html", "transcript.txt") if (out_dir / n).is_file()]    # none beside a GIF
    names = [m["video"], *m["captions"].values(), m["thumbnail"], "manifest.json", *page, m["title_card"]["clip"]]
    for s in m["segments"]:
        names += [s["clip"], s["captions"]]
    seen = []
    for n in names:
        if n not in seen:
            if not (out_dir / n).is_file():
                raise FileNotFoundError(f"{out_dir / n} is named by the manifest but missing; render again")
            seen.append(n)
    return seen


def scorm_manifest(title: str, slug: str, scos: list[tuple[str, str, list[str]]],
                   assets: list[str] = ()) -> str:
    """imsmanifest.xml for SCORM 1.2: one organization, an item per SCO, each SCO's resource listing
    its files. ``scos``: (title, launch page, files), paths relative to the package root."""
    ident = "embedviz-" + slug
    items, resources = [], []
    for i, (sco_title, href, files) in enumerate(scos, 1):
        items.append(f"""      <item identifier="item-{i}" identifierref="sco-{i}" isvisible="true">
        <title>{escape(sco_title)}</title>
      </item>""")
        tags = "\n".join(f"      <file href={quoteattr(f)}/>" for f in files)
        resources.append(f"""    <resource identifier="sco-{i}" type="webcontent" adlcp:scormtype="sco" href={quoteattr(href)}>
{tags}
    </resource>""")
    if assets:
        tags = "\n".join(f"      <file href={quoteattr(f)}/>" for f in assets)
        resources.append(f"""    <resource identifier="assets" type="webcontent" adlcp:scormtype="asset" href={quoteattr(assets[0])}>
{tags}
    </resource>""")
    nl = "\n"
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
{nl.join(items)}
    </organization>
  </organizations>
  <resources>
{nl.join(resources)}
  </resources>
</manifest>
"""


def _zip(target: Path, entries: list[tuple[Path, str]], manifest: str | None) -> Path:
    """Write ``target`` from (file, name in the zip) pairs, complete or not at all."""
    # videos and pictures are already compressed: store them, deflate the text
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w") as z:
        if manifest is not None:
            z.writestr("imsmanifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        for path, name in entries:
            packed = zipfile.ZIP_STORED if name.endswith((".mp4", ".webm", ".mov", ".gif", ".png")) \
                else zipfile.ZIP_DEFLATED
            z.write(path, name, compress_type=packed)
    return target


def write_course_package(root: Path, title: str, slug: str, out_dirs: list[Path], kind: str) -> Path:
    """The whole course folder as one zip, or one SCORM package with a SCO per video
    (the course page goes along as an asset); written beside the course folder."""
    root = Path(root)
    entries: list[tuple[Path, str]] = [(root / "index.html", "index.html")]
    scos = []
    for out in out_dirs:
        rel = Path(out).relative_to(root).as_posix()
        files = [f"{rel}/{f}" for f in lesson_files(out)]
        entries += [(root / f, f) for f in files]
        m = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
        scos.append((m["title"] + (f" ({Path(out).parent.name})" if len(out_dirs) > 1 else ""),
                     f"{rel}/index.html", files))
    manifest = scorm_manifest(title, slug, scos, ["index.html"]) if kind == "scorm" else None
    target = root.parent / (f"{root.name}.scorm.zip" if kind == "scorm" else f"{root.name}.zip")
    return _zip(target, entries, manifest)


def write_package(out_dir: Path, kind: str) -> Path:
    """Write ``<slug>-<quality>.zip`` or ``.scorm.zip`` beside the lesson folder; return its path."""
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    files = lesson_files(out_dir)
    name = f"{manifest['slug']}-{out_dir.name}"
    target = out_dir.parent / (f"{name}.scorm.zip" if kind == "scorm" else f"{name}.zip")
    xml = scorm_manifest(manifest["title"], manifest["slug"], [(manifest["title"], "index.html", files)]) \
        if kind == "scorm" else None
    return _zip(target, [(out_dir / f, f) for f in files], xml)
