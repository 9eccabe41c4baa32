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


MAX_DEPTH = 64             # nesting levels a lesson can have (the schema needs 6)
MAX_VALUES = 200_000       # values after aliases are expanded ("billion laughs" stops here)


def _walk(node: yaml.Node, loc: Loc, pos: Positions, budget: list[int] | None = None,
          path: frozenset[int] = frozenset()) -> None:
    """Record positions; refuse what a plain lesson cannot be: recursive or exploding
    aliases, absurd nesting, keys that are not plain text, duplicate keys."""
    budget = budget if budget is not None else [MAX_VALUES]
    budget[0] -= 1
    here = (node.start_mark.line + 1, node.start_mark.column + 1)
    if budget[0] < 0:
        raise LessonError(f"the file expands to more than {MAX_VALUES:,} values (aliases repeat parts of it)",
                          hint="write the lesson out plainly; aliases (*name) are for small repeats",
                          line=here[0], col=here[1])
    if id(node) in path:
        raise LessonError("a value contains itself (a recursive alias)", hint="remove the alias (*name) inside its "
                          "own anchor (&name)", line=here[0], col=here[1])
    if len(loc) > MAX_DEPTH:
        raise LessonError(f"values nested more than {MAX_DEPTH} levels deep", hint="a lesson is a few levels of "
                          "keys and lists; see configs/default.yaml", line=here[0], col=here[1])
    pos.values[loc] = here
    if isinstance(node, yaml.ScalarNode) and node.start_mark.line == node.end_mark.line:
        pos.inline[loc] = 0 if node.style in (None, "") else 1
    if isinstance(node, yaml.MappingNode):
        inner = path | {id(node)}
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            kpos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                raise LessonError("a key must be plain text, not a list or a mapping", loc=loc,
                                  hint="write 'name: value'", line=kpos[0], col=kpos[1])
            key = key_node.value
            if key in seen and key_node.tag != "tag:yaml.org,2002:merge":
                raise LessonError(
                    f"duplicate key {key!r}",
                    loc=loc,
                    hint=f"it is already set on line {seen[key].start_mark.line + 1}; keep one",
                    line=kpos[0],
                    col=kpos[1],
                )
            seen[key] = key_node
            pos.keys[loc + (key,)] = kpos
            _walk(value_node, loc + (key,), pos, budget, inner)
    elif isinstance(node, yaml.SequenceNode):
        inner = path | {id(node)}
        for i, item in enumerate(node.value):
            _walk(item, loc + (i,), pos, budget, inner)


def _check_flow_depth(text: str, name: str) -> None:
    """Refuse ``[[[[…`` nested past MAX_DEPTH before PyYAML's recursive parser spends seconds on it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth, line, col, quote, prev, comment = 0, 1, 0, None, " ", False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col, comment = line + 1, 0, False
        elif comment:
            pass
        elif quote:
            if ch == quote and prev != "\\":
                quote = None
        elif ch in "\"'" and prev in " \t[{,:\n":
            quote = ch
        elif ch == "#" and prev in " \t\n":
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LessonError(f"values nested more than {MAX_DEPTH} levels deep", file=name, line=line, col=col,
                                  hint="a lesson is a few levels of keys and lists; see configs/default.yaml")
        elif ch in "]}":
            depth = max(depth - 1, 0)
        prev = ch


def _reader_error(e: yaml.reader.ReaderError, text: str, name: str) -> LessonError:
    """A character YAML does not allow (NUL, other control characters), at its line and column."""
    before = text[: e.position]
    ch = chr(e.character) if isinstance(e.character, int) else e.character
    return LessonError(f"character {ch!r} is not allowed in a YAML file", file=name, line=before.count("\n") + 1,
                       col=e.position - (before.rfind("\n") + 1) + 1, hint="remove it; lesson files are printable text")


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
        except OSError as e:
            raise LessonError(f"cannot read the file ({e.strerror or type(e).__name__})",
                              hint="check the path and its permissions", file=name) from None
    pos = Positions(file=name)
    _check_flow_depth(text, name)
    try:
        loader = _LessonLoader(text)
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, name) from None
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
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, name) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = (e.problem or "invalid YAML").strip()
        if e.context and e.context_mark and "end of stream" in problem:
            # an unclosed quote or bracket: point at where it was opened
            problem = f"{problem} {e.context}"
            mark = e.context_mark
        hint = "fix the YAML syntax"
        if e.problem and "could not determine a constructor" in e.problem:
            tag = re.search(r"'([^']*)'", e.problem)
            problem = f"tag {tag.group(1) if tag else e.problem} is not allowed"
            hint = "lesson files are plain data; remove the tag"
        elif problem == "second occurrence" and e.context:
            problem = e.context.split(";")[0] + " (an anchor name can be defined once)"
            hint = "rename one of the two anchors"
        raise LessonError(
            f"YAML error: {problem}",
            hint=hint,
            file=name,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as e:  # unmarked errors (rare)
        raise LessonError(f"YAML error: {str(e).splitlines()[0][:120]}", hint="fix the YAML syntax", file=name,
                          line=1, col=1) from None
    except RecursionError:       # the parser itself recurses once per nesting level
        raise LessonError("values nested too deeply to read", hint="a lesson is a few levels of keys and lists; "
                          "see configs/default.yaml", file=name, line=1, col=1) from None
    finally:
        loader.dispose()
    return data, pos
