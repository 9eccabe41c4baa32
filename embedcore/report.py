"""What a lesson will show, as plain data: the body of ``embedviz inspect``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .lesson import CompiledLesson
from .similarity import pairwise_cosine

if TYPE_CHECKING:
    from .subwords import SubwordTokenizer


def lesson_report(compiled: CompiledLesson) -> dict[str, Any]:
    lesson = compiled.lesson
    table, seq = lesson.table, lesson.sequence
    cos = pairwise_cosine(seq.vectors, on_zero="nan")
    src = table.source
    return {
        "file": str(lesson.path),
        "title": lesson.title,
        "slug": lesson.slug,
        "source": {"kind": src.kind, "label": src.label, "learned": src.learned, **src.details},
        "V": table.V,
        "d": table.d,
        "parameters": table.V * table.d,
        "tokenizer": _tokenizer_info(table.tokenizer),
        "splits": [
            {"word": w, "pieces": [seq.tokens[i] for i in pos], "ids": [int(seq.ids[i]) for i in pos]}
            for w, pos in seq.words
        ],
        "tokens": [
            {"position": i, "token": t, "id": int(tid), "row": seq.vectors[i].tolist()}
            for i, (t, tid) in enumerate(zip(seq.tokens, seq.ids))
        ],
        "cosine": {
            "tokens": list(seq.tokens),
            "matrix": [[None if np.isnan(x) else float(x) for x in row] for row in cos],
        },
        "segments": [sb.to_dict() for sb in compiled.storyboards],
    }


def _tokenizer_info(tok: SubwordTokenizer | None) -> dict[str, Any] | None:
    if tok is None:
        return None
    return {"kind": tok.kind, "file": tok.file, "vocab_size": tok.vocab_size,
            "special_tokens": tok.special_tokens, "unk_token": tok.unk_token}
