"""Variants of a lesson from the command line: ``--tokens`` and ``--set PATH=VALUE``.

Overrides are applied to the parsed YAML *before* validation, so the same
model checks them and the same one-line errors come out. What changes is
where an error points: a problem inside an overridden value names the
argument (``--set segments[2].pair: ...``) instead of a line of the file,
while problems elsewhere still point at ``file:line:col``.

A variant gets its own output folder: the lesson's slug plus a suffix made
from the overrides (``token-embeddings--the-king-wore-a-crown``), stable for
the same overrides, so variants never overwrite each other.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import LessonError, Loc, format_loc
from .yamlsource import Positions, _LessonLoader

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[\d+\])*)")


@dataclass(frozen=True)
class Override:
    """One change to the lesson data: the value at ``loc`` becomes ``value``."""

    loc: Loc
    value: Any
    label: str          # how errors name it: "--tokens" or "--set segments[2].pair"
    #: where the value was written, when it comes from a file (a course file's variant):
    #: errors inside it then point there, at file:line:col
    source: tuple[Positions, Loc] | None = None


def parse_path(path: str, label: str) -> Loc:
    """``segments[2].pair`` -> ``("segments", 2, "pair")``."""
    loc: list[str | int] = []
    for part in path.split("."):
        m = _PART.fullmatch(part)
        if not m:
            raise LessonError(f"{path!r} is not a key path", file=label,
                              hint="write keys joined by dots, list items as [N], e.g. segments[2].pair")
        loc.append(m.group(1))
        loc += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
    return tuple(loc)


def parse_value(text: str, label: str) -> Any:
    """A ``--set`` value is YAML (``[king, queen]``, ``light``, ``3``), with the lesson file's rules."""
    try:
        return yaml.load(text, Loader=_LessonLoader) if text.strip() else ""
    except yaml.YAMLError as e:
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise LessonError(f"the value is not valid YAML ({problem.strip()})", file=label,
                          hint="quote text, write lists as [a, b]") from None


def parse_set(arg: str) -> Override:
    """``PATH=VALUE`` from ``--set``."""
    if "=" not in arg:
        raise LessonError("expected PATH=VALUE", file=f"--set {arg}", hint="e.g. --set style.theme=light")
    path, text = arg.split("=", 1)
    path = path.strip()
    label = f"--set {path}"
    return Override(parse_path(path, label), parse_value(text, label), label)


def from_args(tokens: str | None = None, sets: list[str] | tuple[str, ...] = ()) -> list[Override]:
    """The overrides of ``--tokens TEXT`` and each ``--set PATH=VALUE``, in order."""
    out = [parse_set(s) for s in sets or ()]
    if tokens is not None:
        out.insert(0, Override(("tokens",), tokens, "--tokens"))
    return out


def _set(data: Any, ov: Override) -> Any:
    """Return ``data`` with ``ov`` applied (containers on the path copied, the original untouched)."""
    if not ov.loc:
        raise LessonError("an empty key path", file=ov.label, hint="e.g. --set style.theme=light")
    root = copy.copy(data) if isinstance(data, (dict, list)) else data
    if not isinstance(root, dict):
        raise LessonError("the lesson is not a mapping of keys", file=ov.label, hint="fix the lesson file first")
    node: Any = root
    for depth, part in enumerate(ov.loc):
        last = depth == len(ov.loc) - 1
        here = ov.loc[:depth]
        if isinstance(part, int):
            if not isinstance(node, list):
                raise LessonError(f"{format_loc(here) or 'the lesson'} is not a list", file=ov.label,
                                  hint=f"drop [{part}]")
            if part >= len(node):
                if here == ("segments",):
                    raise LessonError(f"there is no segment {part}", file=ov.label,
                                      hint=f"the lesson has {len(node)}")
                raise LessonError(f"there is no item {part} in {format_loc(here)}", file=ov.label,
                                  hint=f"it has {len(node)}")
        else:
            if not isinstance(node, dict):
                raise LessonError(f"{format_loc(here)} is not a mapping, so it has no key {part!r}",
                                  file=ov.label, hint="check the key path")
        if last:
            node[part] = copy.deepcopy(ov.value)
        else:
            child = node[part] if (isinstance(part, int) or part in node) else {}
            child = copy.copy(child) if isinstance(child, (dict, list)) else child
            node[part] = child
            node = child
    return root


class OverridePositions(Positions):
    """File positions, except that locations inside an override belong to its argument."""

    def __init__(self, base: Positions, overrides: list[Override]):
        super().__init__(base.file, base.values, base.keys, base.inline)
        self.overrides = overrides

    def locate(self, err: LessonError) -> LessonError:
        if err.line is None and not err.file:
            owner = None
            for ov in self.overrides:             # the last override of a path wins, as when applied
                if tuple(err.loc[:len(ov.loc)]) == ov.loc:
                    owner = ov
            if owner is not None and owner.source is not None:
                where, base = owner.source
                err.loc = tuple(base) + tuple(err.loc[len(owner.loc):])
                return where.locate(err)
            if owner is not None:
                err.file = owner.label
                if tuple(err.loc) == owner.loc:
                    err.loc = ()
                if owner.label == "--tokens" and err.offset is not None:
                    err.message = f"word {_word_number(owner.value, err.offset)}: {err.message}"
                return err
        return super().locate(err)


def _word_number(text: Any, offset: int) -> int:
    if not isinstance(text, str):
        return 1
    return len(re.findall(r"\S+", text[:offset])) + 1


def variant_suffix(overrides: list[Override]) -> str:
    """A readable, stable folder suffix: the tokens' words, plus a short hash of anything else.

    The hash is added whenever the words alone would not tell two variants apart
    (other --set keys, characters the slug drops, a long sequence cut short).
    """
    words = ""
    rest: list[list[Any]] = []
    shown: list[str] = []
    for ov in overrides:
        if ov.loc == ("tokens",):
            tokens = ov.value if isinstance(ov.value, str) else " ".join(map(str, ov.value or []))
            words = re.sub(r"[^a-z0-9]+", "-", tokens.lower()).strip("-")
            exact = words[:40] == "-".join(tokens.split()) and len(words) <= 40
            words = words[:40].rstrip("-")
            if not exact:
                rest.append(["tokens", tokens])
        else:
            rest.append([list(ov.loc), ov.value])
            if isinstance(ov.value, (str, int, float)) and len(str(ov.value)) <= 16:
                shown.append(re.sub(r"[^a-z0-9]+", "-", str(ov.value).lower()).strip("-"))
    words = "-".join(p for p in (words, *shown) if p)
    digest = ""
    if rest or not words:
        digest = hashlib.sha256(json.dumps(rest, sort_keys=True, ensure_ascii=False, default=str).encode()
                                ).hexdigest()[:6]
    return "-".join(p for p in (words, digest) if p)


def apply_overrides(data: Any, pos: Positions, overrides: list[Override], slug: str | None = None
                    ) -> tuple[Any, Positions]:
    """``data`` with every override applied and the variant's slug set, and positions that know them.

    ``slug`` is the lesson's own folder name (from ``lesson.slug`` or its title);
    unless an override sets ``lesson.slug`` itself, the variant's becomes
    ``<slug>--<suffix>``.
    """
    if not overrides:
        return data, pos
    for ov in overrides:
        data = _set(data, ov)
    if slug and isinstance(data.get("lesson"), dict) and not any(ov.loc == ("lesson", "slug") for ov in overrides):
        data = _set(data, Override(("lesson", "slug"), f"{slug}--{variant_suffix(overrides)}", "--set lesson.slug"))
    return data, OverridePositions(pos, overrides)
