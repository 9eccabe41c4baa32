"""Safe YAML loading that remembers where every value came from.

PyYAML's ``SafeLoader`` refuses tags that would construct Python objects; on
top of it we keep a map from location paths to (line, column) so that errors
found long after parsing can still point into the file. Duplicate mapping keys
(silently last-wins in PyYAML) are rejected.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import LessonError, Loc


class _LessonLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans.

    Under YAML 1.1 rules a vocabulary such as ``[the, cat, sat, on, mat]`` would
    silently turn ``on`` into ``True``; lessons are full of such words.
    """


_LessonLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LessonLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Positions:
    """Where each value (and each mapping key) sits in the source file."""

    file: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: column shift to the first character of one-line scalars (1 when quoted)
    inline: dict[Loc, int] = field(default_factory=dict)

    def find(self, loc: Loc, *, key: bool = False) -> tuple[int, int] | None:
        """Position of ``loc``, or of its nearest existing ancestor."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while True:
            if loc in self.values:
                return self.values[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def locate(self, err: LessonError) -> LessonError:
        """Fill in file/line/col of ``err`` from its location path."""
        err.file = err.file or self.file
        if err.line is None:
            pos = self.find(err.loc, key=err.key)
            if pos:
                err.line, err.col = pos
                if err.offset is not None and tuple(err.loc) in self.inline:
                    err.col += self.inline[tuple(err.loc)] + err.offset
        return err


def _walk(node: yaml.Node, loc: Loc, pos: Positions) -> None:
    pos.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode) and node.start_mark.line == node.end_mark.line:
        pos.inline[loc] = 0 if node.style in (None, "") else 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise LessonError(
                    f"duplicate key {key!r}",
                    loc=loc,
                    hint=f"it is already set on line {seen[key].start_mark.line + 1}; keep one",
                    line=key_node.start_mark.line + 1,
                    col=key_node.start_mark.column + 1,
                )
            seen[key] = key_node
            pos.keys[loc + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, loc + (key,), pos)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, loc + (i,), pos)


def load_yaml(path: str | Path, text: str | None = None) -> tuple[Any, Positions]:
    """Parse ``path`` safely; return the data and its :class:`Positions`."""
    name = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LessonError("file not found", hint="check the path", file=name) from None
        except IsADirectoryError:
            raise LessonError("is a directory, not a lesson file", hint="give the .yaml file", file=name) from None
        except UnicodeDecodeError as e:
            raise LessonError(f"not UTF-8 text ({e.reason})", hint="save the file as UTF-8", file=name) from None
    pos = Positions(file=name)
    loader = _LessonLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LessonError("the file is empty", hint="start from configs/default.yaml", file=name, line=1, col=1)
        try:
            _walk(node, (), pos)
        except LessonError as e:
            e.file = name
            raise
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = (e.problem or "invalid YAML").strip()
        if e.context and e.context_mark and "end of stream" in problem:
            # an unclosed quote or bracket: point at where it was opened
            problem = f"{problem} {e.context}"
            mark = e.context_mark
        hint = "fix the YAML syntax"
        if e.problem and "could not determine a constructor" in e.problem:
            problem = f"tag {e.problem.split('tag')[-1].strip()} is not allowed"
            hint = "lesson files are plain data; remove the tag"
        raise LessonError(
            f"YAML error: {problem}",
            hint=hint,
            file=name,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as e:  # unmarked errors (rare)
        raise LessonError(f"YAML error: {e}", hint="fix the YAML syntax", file=name) from None
    finally:
        loader.dispose()
    return data, pos
