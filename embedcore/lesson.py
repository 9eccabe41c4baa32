"""Load a lesson file into a resolved :class:`Lesson` and its storyboards.

This is the single entry point from a path to checked, plain data: YAML →
pydantic model → vocabulary and vectors → token ids → one storyboard per
segment. Every :class:`LessonError` raised on the way leaves here with its
file:line:col filled in.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from .config import MAX_TOKEN, LessonFile, Style, VocabularyFile, pydantic_to_lesson_error, split_tokens, word_offsets
from .errors import LessonError, Loc
from .overrides import Override, apply_overrides
from .segments import LessonConfig, build_storyboard
from .sources import EmbeddingTable, build_table
from .storyboard import Storyboard
from .vocab import Vocabulary
from .yamlsource import Positions, load_yaml


@dataclass(frozen=True)
class Sequence:
    """A token sequence resolved against the vocabulary."""

    tokens: tuple[str, ...]
    ids: np.ndarray         # int64 [n]
    vectors: np.ndarray     # float64 [n, d]
    #: with a subword tokenizer: each word of the text and the positions of
    #: its pieces in ``tokens`` (("embeddings", (0, 1, 2, 3)), ...); else ()
    words: tuple[tuple[str, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class Lesson:
    path: Path
    config: LessonFile       # validated; its segments are the registered types' Options
    table: EmbeddingTable
    sequence: Sequence

    @property
    def title(self) -> str:
        return self.config.lesson.title

    @property
    def slug(self) -> str:
        return self.config.lesson.slug or slugify(self.config.lesson.title)

    @property
    def style(self) -> Style:
        return self.config.style

    def resolve_tokens(self, tokens: str | list[str], loc: Loc) -> Sequence:
        """Map tokens to ids and rows; errors point at the offending word.

        With a model's tokenizer (``table.tokenizer``) text is split exactly as
        the model splits it (``embeddings`` → ``em ##bed ##ding ##s``); a list
        item that is itself a vocabulary token (``"##bed"``) is kept as is.
        """
        if self.table.tokenizer is not None:
            return self._resolve_subwords(tokens, loc)
        words = split_tokens(tokens)
        if not words:
            raise LessonError("the token sequence is empty", loc=loc, hint="write at least one token")
        offsets = word_offsets(tokens) if isinstance(tokens, str) else None
        ids = np.empty(len(words), dtype=np.int64)
        for i, w in enumerate(words):
            if offsets is not None:
                ids[i] = self.table.vocab.id_of(w, loc=loc, offset=offsets[i])
            else:
                ids[i] = self.table.vocab.id_of(w, loc=loc + (i,))
        return Sequence(tuple(words), ids, self.table.rows(ids))

    def _resolve_subwords(self, tokens: str | list[str], loc: Loc) -> Sequence:
        tok = self.table.tokenizer
        assert tok is not None          # resolve_tokens came here because there is one
        if isinstance(tokens, str):
            words = tok.split_text(tokens)
        else:
            words = [tok.split_word(w) for w in tokens]
        pieces: list[str] = []
        ids: list[int] = []
        spans: list[tuple[str, tuple[int, ...]]] = []
        for w in words:
            start = len(pieces)
            for p in w.pieces:
                pieces.append(p.text)
                ids.append(p.id)
            spans.append((w.text, tuple(range(start, len(pieces)))))
        if not pieces:
            raise LessonError("the token sequence is empty", loc=loc, hint="write at least one word")
        arr = np.asarray(ids, dtype=np.int64)
        return Sequence(tuple(pieces), arr, self.table.rows(arr), tuple(spans))

    def token_id(self, token: str, loc: Loc) -> int:
        """Id of one token named in a segment option (e.g. a ``pair``).

        With a tokenizer the word must map to a single piece; a word the model
        splits (``embeddings``) is refused with its pieces so the author can
        pick one (``"##bed"``).
        """
        tok = self.table.tokenizer
        if tok is None:
            return self.table.vocab.id_of(token, loc=loc)
        w = tok.split_word(token)
        if len(w.pieces) != 1:
            shown = " ".join(p.text for p in w.pieces)
            raise LessonError(f"{token!r} is split into {len(w.pieces)} tokens by the model's tokenizer ({shown})",
                              loc=loc, hint="name a single token, e.g. " + repr(w.pieces[0].text) if w.pieces
                              else "name a token of the vocabulary")
        return w.pieces[0].id


@dataclass(frozen=True)
class CompiledLesson:
    lesson: Lesson
    storyboards: tuple[Storyboard, ...]


def slugify(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s or "lesson"


def _own_slug(data: object) -> str | None:
    """The folder name the lesson file itself gives (before any override)."""
    info = data.get("lesson") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return None
    if isinstance(info.get("slug"), str):
        return str(info["slug"])
    return slugify(info["title"]) if isinstance(info.get("title"), str) else None


def _load(path: Path, overrides: Iterable[Override] | None = None, data: Any = None) -> CompiledLesson:
    if data is None:
        data, pos = load_yaml(path)
    else:
        pos = Positions(file=path.name)      # errors name the data, not a file
    if overrides:
        data, pos = apply_overrides(data, pos, list(overrides), _own_slug(data))
    try:
        if not isinstance(data, dict):
            raise LessonError("a lesson file must be a mapping of keys",
                              hint="start from configs/default.yaml", loc=())
        try:
            cfg = LessonConfig.model_validate(data)
        except ValidationError as e:
            raise pydantic_to_lesson_error(e, data) from None
        base = path.parent
        if isinstance(cfg.vocabulary, VocabularyFile):
            vpath = (base / cfg.vocabulary.file)
            vocab = Vocabulary.from_file(vpath, loc=("vocabulary", "file"), max_chars=MAX_TOKEN)
        elif cfg.vocabulary is not None:
            vocab = Vocabulary.from_tokens(cfg.vocabulary)
        else:
            vocab = None
        table = build_table(cfg.embeddings, vocab, base)
        lesson = Lesson(path, cfg, table, Sequence((), np.empty(0, np.int64), np.empty((0, table.d))))
        seq = lesson.resolve_tokens(cfg.tokens, ("tokens",))
        lesson = Lesson(path, cfg, table, seq)
        boards = tuple(build_storyboard(lesson, i) for i in range(len(cfg.segments)))
        return CompiledLesson(lesson, boards)
    except LessonError as e:
        raise pos.locate(e) from None


def load_lesson(path: str | Path, overrides: Iterable[Override] | None = None) -> CompiledLesson:
    """Parse, validate and resolve a lesson file; raise :class:`LessonError`.

    ``overrides`` (:mod:`embedcore.overrides`) change the parsed data before
    validation: a variant of the lesson, in its own output folder.
    """
    return _load(Path(path), overrides)


def lesson_from_data(data: dict[str, Any], base_dir: str | Path = ".", name: str = "<lesson>",
                     overrides: Iterable[Override] | None = None) -> CompiledLesson:
    """The same from already-parsed data (a dict built in Python); files it names are
    relative to ``base_dir``, and errors name ``name`` instead of a file."""
    return _load(Path(base_dir) / name, overrides, copy.deepcopy(data))
