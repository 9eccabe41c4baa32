"""Load a lesson file into a resolved :class:`Lesson` and its storyboards.

This is the single entry point from a path to checked, plain data: YAML →
pydantic model → vocabulary and vectors → token ids → one storyboard per
segment. Every :class:`LessonError` raised on the way leaves here with its
file:line:col filled in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from .config import VocabularyFile, pydantic_to_lesson_error, split_tokens, word_offsets
from .errors import LessonError
from .sources import EmbeddingTable, build_table
from .storyboard import Storyboard
from .vocab import Vocabulary
from .yamlsource import load_yaml


@dataclass(frozen=True)
class Sequence:
    """A token sequence resolved against the vocabulary."""

    tokens: tuple[str, ...]
    ids: np.ndarray         # int64 [n]
    vectors: np.ndarray     # float64 [n, d]


@dataclass(frozen=True)
class Lesson:
    path: Path
    config: object           # the validated LessonConfig
    table: EmbeddingTable
    sequence: Sequence

    @property
    def title(self) -> str:
        return self.config.lesson.title

    @property
    def slug(self) -> str:
        return self.config.lesson.slug or slugify(self.config.lesson.title)

    @property
    def style(self):
        return self.config.style

    def resolve_tokens(self, tokens: str | list[str], loc: tuple) -> Sequence:
        """Map tokens to ids and rows; errors point at the offending word."""
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


@dataclass(frozen=True)
class CompiledLesson:
    lesson: Lesson
    storyboards: tuple[Storyboard, ...]


def slugify(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s or "lesson"


def _load(path: Path) -> CompiledLesson:
    from .segments import LessonConfig, build_storyboard

    data, pos = load_yaml(path)
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
            vocab = Vocabulary.from_file(vpath, loc=("vocabulary", "file"))
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


def load_lesson(path: str | Path) -> CompiledLesson:
    """Parse, validate and resolve a lesson file; raise :class:`LessonError`."""
    return _load(Path(path))
