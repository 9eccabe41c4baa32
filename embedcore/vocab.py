"""Vocabulary: the V tokens, each with its id (its row in the matrix)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import LessonError, Loc, did_you_mean


@dataclass(frozen=True)
class Vocabulary:
    tokens: tuple[str, ...]
    index: dict[str, int] = field(repr=False, compare=False)

    @classmethod
    def from_tokens(cls, tokens: Sequence[str], *, loc: Loc = ("vocabulary",)) -> Vocabulary:
        index: dict[str, int] = {}
        for i, tok in enumerate(tokens):
            if tok in index:
                raise LessonError(
                    f"duplicate vocabulary entry {tok!r} (also entry {index[tok]})",
                    loc=loc + (i,),
                    hint="each token must appear once; remove the repeat",
                )
            index[tok] = i
        if not index:
            raise LessonError("the vocabulary is empty", loc=loc, hint="list at least one token")
        return cls(tuple(tokens), index)

    @classmethod
    def from_file(cls, path: Path, *, loc: Loc, max_chars: int | None = None) -> Vocabulary:
        """One token per line (UTF-8). Errors point into the vocabulary file.

        ``max_chars``: the longest token a lesson may draw (a model's own vocab.txt has no limit).
        """
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LessonError(f"vocabulary file {str(path)!r} not found", loc=loc,
                              hint="check the path; it is relative to the lesson file") from None
        except UnicodeDecodeError:
            raise LessonError(f"vocabulary file {str(path)!r} is not UTF-8", loc=loc,
                              hint="save it as UTF-8, one token per line") from None
        except OSError as e:
            raise LessonError(f"cannot read the vocabulary file {str(path)!r} ({e.strerror or type(e).__name__})",
                              loc=loc, hint="give a text file, one token per line; it is relative to the lesson file"
                              ) from None
        tokens = text.split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        index: dict[str, int] = {}
        for i, raw in enumerate(tokens):
            tok = raw.rstrip("\r")
            if not tok.strip():
                raise LessonError("empty line in the vocabulary file", file=str(path), line=i + 1, col=1,
                                  hint="one token per line; remove blank lines")
            bad = next((c for c in tok if c < " " and c != "\t" or "\x7f" <= c <= "\x9f"), None)
            if max_chars is not None and bad is not None:
                raise LessonError(f"control character {bad!r} in a token", file=str(path), line=i + 1,
                                  col=tok.index(bad) + 1, hint="remove it; a token is printable text")
            if max_chars is not None and len(tok) > max_chars:
                raise LessonError(f"a token of {len(tok):,} characters is too long (at most {max_chars})",
                                  file=str(path), line=i + 1, col=max_chars + 1,
                                  hint="shorten it; README.md lists the limits")
            if tok in index:
                raise LessonError(f"duplicate vocabulary entry {tok!r} (also on line {index[tok] + 1})",
                                  file=str(path), line=i + 1, col=1, hint="each token must appear once")
            index[tok] = i
            tokens[i] = tok
        if not index:
            raise LessonError(f"vocabulary file {str(path)!r} is empty", loc=loc, hint="one token per line")
        return cls(tuple(tokens), index)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.index

    def id_of(self, token: str, *, loc: Loc = (), offset: int | None = None) -> int:
        try:
            return self.index[token]
        except KeyError:
            raise LessonError(
                f"{token!r} is not in the vocabulary",
                loc=loc,
                offset=offset,
                hint=did_you_mean(token, self.tokens) or "add it to the vocabulary or change the token",
            ) from None

    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        """Token ids as an int64 array (raises for unknown tokens)."""
        return np.fromiter((self.id_of(t) for t in tokens), dtype=np.int64, count=len(tokens))
