"""Rewrite README.md's generated tables from the lesson schema (``make docs``).

The segment table comes from the registry (:data:`embedcore.segments.SEGMENT_TYPES`,
in its order): each type's ``Options`` docstring says what it shows and its
fields' ``Field(description=...)`` texts say what its keys do. The source table
comes from the ``embeddings`` models in :mod:`embedcore.config` the same way.
The placeholder table lists :data:`embedcore.placeholders.COMMON` and each
type's ``PLACEHOLDERS`` with their descriptions.
The speed table comes from ``bench/speed.json``, which ``make bench``
(``bench/bench_render.py --record``) writes.
Only the text between the markers is replaced; ``--check`` changes nothing and
exits 1 when README.md is not current (tests/test_docs.py runs it).
"""
from __future__ import annotations

import argparse
import re
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import BaseModel  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402

from embedcore.config import EmbeddingsConfig, SegmentBase  # noqa: E402
from embedcore.placeholders import COMMON, Placeholder  # noqa: E402
from embedcore.segments import SEGMENT_TYPES  # noqa: E402
from scripts.make_gallery import cases as gallery_cases  # noqa: E402
from scripts.make_gallery import file_name as gallery_file  # noqa: E402

README = ROOT / "README.md"
BEGIN = "<!-- begin generated: {name} (make docs; edit the models' docstrings and descriptions instead) -->"
END = "<!-- end generated: {name} -->"
BEGIN_SPEED = "<!-- begin generated: speed (make bench records bench/speed.json, make docs puts it here) -->"


def summary(model: type[BaseModel]) -> str:
    """The first paragraph of a model's docstring, on one line."""
    doc = (model.__doc__ or "").strip()
    if not doc:
        raise SystemExit(f"make docs: {model.__module__}.{model.__name__} has no docstring (say what it shows)")
    return " ".join(doc.split("\n\n")[0].split())


def default_text(field: FieldInfo) -> str | None:
    """How a default reads in YAML; None when there is nothing worth showing."""
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if value is None or value == {} or value == []:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def keys(model: type[BaseModel], skip: set[str]) -> str:
    """``name`` (default): description; for each field not in ``skip`` (a shared field a model redefines is shown)."""
    parts = []
    for name, field in model.model_fields.items():
        shared = SegmentBase.model_fields.get(name)
        if name in skip and (shared is None or field.description == shared.description):
            continue
        d = default_text(field)
        text = f"`{name}`" + (f" ({d})" if d else "")
        if field.description:
            text += f": {field.description}"
        parts.append(text)
    return "; ".join(parts) or "–"


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def segment_section() -> str:
    common = ", ".join(f"`{n}` ({f.description})" if f.description else f"`{n}`"
                       for n, f in SegmentBase.model_fields.items())
    lines = [f"Every segment also takes {common}.",
             "One example lesson per type is in `configs/<type>.yaml`.", "",
             "| type | looks like (`make gallery`) | shows | options |", "|---|---|---|---|"]
    skip = set(SegmentBase.model_fields) | {"type"}
    for kind, entry in SEGMENT_TYPES.items():
        lines.append(f"| `{kind}` | {gallery_cell(kind)} | {cell(summary(entry.options))} | "
                     f"{cell(keys(entry.options, skip))} |")
    return "\n".join(lines)


def gallery_cell(kind: str) -> str:
    """The type's stills in docs/gallery/ (16:9, and 9:16 for a few), as small linked images."""
    shots = []
    for seg_type, aspect in gallery_cases():
        if seg_type == kind:
            path = f"docs/gallery/{gallery_file(seg_type, aspect)}"
            width = 200 if aspect == "16:9" else 64
            shots.append(f'<a href="{path}"><img src="{path}" width="{width}" alt="{kind} at {aspect}"></a>')
    return " ".join(shots)


def placeholder_list(items: tuple[Placeholder, ...]) -> str:
    return "; ".join(f"`{{{p.name}}}`: {p.description}" for p in items) or "only the common ones"


def placeholder_section() -> str:
    lines = ["| segment type | placeholders (besides the common ones) |", "|---|---|",
             f"| every type | {cell(placeholder_list(COMMON))} |"]
    for kind, entry in SEGMENT_TYPES.items():
        lines.append(f"| `{kind}` | {cell(placeholder_list(entry.placeholders))} |")
    return "\n".join(lines)


def source_models() -> list[type[BaseModel]]:
    union = typing.get_args(EmbeddingsConfig)[0]
    return list(typing.get_args(union))


def source_section() -> str:
    lines = ["| source | keys | notes |", "|---|---|---|"]
    for model in source_models():
        name = typing.get_args(model.model_fields["source"].annotation)[0]
        lines.append(f"| `{name}` | {cell(keys(model, {'source'}))} | {cell(summary(model))} |")
    return "\n".join(lines)


SPEED = ROOT / "bench" / "speed.json"


def speed_section() -> str:
    """The last recorded benchmark run: its one-line description, then one row per figure."""
    import json

    recorded = json.loads(SPEED.read_text(encoding="utf-8"))
    lines = [recorded["summary"], "", "| # | figure | measured | target |", "|---|---|---|---|"]
    for row in recorded["rows"]:
        target = "–" if row["target"] == "-" else row["target"]
        lines.append(f"| {row['n']} | {cell(row['figure'])} | {cell(row['measured'])} | {cell(target)} |")
    return "\n".join(lines)


SECTIONS = {"segments": segment_section, "sources": source_section, "placeholders": placeholder_section,
            "speed": speed_section}


def regenerate(text: str) -> str:
    """``text`` with every marked section rewritten; a missing marker is an error."""
    for name, make in SECTIONS.items():
        begin, end = BEGIN_SPEED if name == "speed" else BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"make docs: README.md lacks the markers for {name!r}:\n{begin}\n{end}")
        text = pattern.sub(lambda _m, b=begin, e=end, f=make: f"{b}\n{f()}\n{e}", text, count=1)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if README.md is not current; write nothing")
    args = ap.parse_args(argv)
    old = README.read_text(encoding="utf-8")
    new = regenerate(old)
    if args.check:
        if new != old:
            print("README.md is not current: run 'make docs'", file=sys.stderr)
            return 1
        return 0
    if new != old:
        tmp = README.with_suffix(".md.part")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(README)
        print("README.md: tables regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
