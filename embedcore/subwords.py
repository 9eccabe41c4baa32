"""Subword tokenisation with Hugging Face ``tokenizers`` (imported lazily).

A lesson whose vectors come from a model (``huggingface``, ``minilm``, or a
``safetensors`` file with a ``tokenizer:``) has its text split exactly as the
model splits it: ``embeddings`` → ``em ##bed ##ding ##s``, each piece with its
own id and row. Nothing here implements WordPiece or BPE itself.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .errors import LessonError, Loc
from .vocab import Vocabulary

if TYPE_CHECKING:
    from tokenizers import Tokenizer


@dataclass(frozen=True)
class Piece:
    text: str
    id: int


@dataclass(frozen=True)
class Word:
    """One word of the lesson's text and the pieces the tokenizer made of it."""

    text: str
    pieces: tuple[Piece, ...]
    special: bool = False       # [CLS], [SEP], ... added by the tokenizer


@dataclass(frozen=True)
class SubwordTokenizer:
    tk: Tokenizer = field(repr=False)       # padding and truncation off
    kind: str                               # "WordPiece", "BPE", "Unigram", ...
    file: str                               # where it was loaded from
    special_tokens: bool                    # add [CLS]/[SEP] to text
    unk_token: str | None
    vocab_size: int

    def vocabulary(self) -> list[str]:
        """Token of each id (holes, if any, get a placeholder name)."""
        vocab = self.tk.get_vocab(with_added_tokens=True)
        n = max(vocab.values()) + 1 if vocab else 0
        out: list[str | None] = [None] * n
        for tok, i in vocab.items():
            out[i] = tok
        return [t if t is not None else f"\u27e8unused id {i}\u27e9" for i, t in enumerate(out)]

    def split_text(self, text: str) -> list[Word]:
        """Split running text as the model does; specials only if asked for."""
        enc = self.tk.encode(text, add_special_tokens=self.special_tokens)
        specials = enc.special_tokens_mask
        words: list[Word] = []
        current: int | None = None
        buf: list[Piece] = []
        spans: list[tuple[int, int]] = []

        def close() -> None:
            if buf:
                start, end = spans[0][0], spans[-1][1]
                words.append(Word(text[start:end] or buf[0].text, tuple(buf)))

        for piece, pid, wid, off, sp in zip(enc.tokens, enc.ids, enc.word_ids, enc.offsets, specials):
            if sp or wid is None:
                close()
                buf, spans, current = [], [], None
                words.append(Word(piece, (Piece(piece, pid),), special=True))
                continue
            if wid != current:
                close()
                buf, spans, current = [], [], wid
            buf.append(Piece(piece, pid))
            spans.append(off)
        close()
        return words

    def split_word(self, word: str) -> Word:
        """One list item: an exact vocabulary token is kept, anything else is split."""
        pid = self.tk.token_to_id(word)
        if pid is not None:
            return Word(word, (Piece(word, pid),))
        pieces: list[Piece] = []
        for w in self.tk.encode(word, add_special_tokens=False).ids:
            pieces.append(Piece(cast(str, self.tk.id_to_token(w)), w))   # an id encode() gave has a token
        return Word(word, tuple(pieces))


def _plain_tokenizer(tk: Tokenizer) -> Tokenizer:
    tk.no_padding()
    tk.no_truncation()
    return tk


def _model_kind(tk: Tokenizer) -> str:
    try:
        return str(json.loads(tk.to_str())["model"]["type"])
    except Exception:  # pragma: no cover - every tokenizers model serialises its type
        return type(tk.model).__name__


def load_tokenizer(path: Path, *, special_tokens: bool, loc: Loc, lowercase: bool | None = None) -> SubwordTokenizer:
    """A tokenizer from ``tokenizer.json`` or a WordPiece ``vocab.txt``."""
    try:
        from tokenizers import Tokenizer
    except ImportError:  # pragma: no cover - a declared dependency
        raise LessonError("the 'tokenizers' package is not installed", loc=loc,
                          hint="run 'make setup' (or: .venv/bin/pip install tokenizers)") from None
    if not path.is_file():
        raise LessonError(f"tokenizer file {str(path)!r} not found", loc=loc,
                          hint="give a tokenizer.json or a WordPiece vocab.txt")
    if path.suffix == ".json":
        try:
            tk = Tokenizer.from_file(str(path))
        except Exception as e:
            first = str(e).splitlines()[0][:100] if str(e) else type(e).__name__
            raise LessonError(f"{path.name} is not a readable tokenizer ({first})", loc=loc,
                              hint="give the tokenizer.json saved with the model") from None
    else:
        tk = _wordpiece_from_vocab(path, loc, lowercase)
    tk = _plain_tokenizer(tk)
    unk = None
    try:
        unk = json.loads(tk.to_str())["model"].get("unk_token")
    except Exception:  # pragma: no cover
        pass
    return SubwordTokenizer(tk, _model_kind(tk), str(path), special_tokens, unk, tk.get_vocab_size(True))


def _wordpiece_from_vocab(path: Path, loc: Loc, lowercase: bool | None) -> Tokenizer:
    """BERT's tokenizer built from ``vocab.txt`` (one WordPiece token per line)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = Vocabulary.from_file(path, loc=loc)
    if lowercase is None:      # an uncased vocabulary has no capital letters in its words
        lowercase = not any(t[:1].isupper() for t in vocab.tokens if not t.startswith("["))
    unk = "[UNK]" if "[UNK]" in vocab else None
    if unk is None:
        raise LessonError(f"{path.name} has no [UNK] token", loc=loc,
                          hint="a WordPiece vocab.txt lists [PAD], [UNK], [CLS], [SEP], [MASK] and the pieces")
    tk = Tokenizer(models.WordPiece(dict(vocab.index), unk_token=unk, max_input_chars_per_word=100))
    tk.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                               strip_accents=None, lowercase=lowercase)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tk.decoder = decoders.WordPiece()
    if "[CLS]" in vocab and "[SEP]" in vocab:
        cls, sep = vocab.index["[CLS]"], vocab.index["[SEP]"]
        tk.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    specials = [t for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]") if t in vocab]
    tk.add_special_tokens(specials)
    return tk


def tokenizer_vocabulary(tok: SubwordTokenizer, rows: int, loc: Loc) -> Vocabulary:
    """The vocabulary of a model: the tokenizer's tokens, one per matrix row."""
    tokens = tok.vocabulary()
    if len(tokens) > rows:
        raise LessonError(f"the tokenizer has {len(tokens):,} tokens but the embedding matrix only {rows:,} rows",
                          loc=loc, hint="the tokenizer and the weights must come from the same model")
    # Models often pad the matrix to a round number of rows that no token uses.
    tokens += [f"\u27e8unused row {i}\u27e9" for i in range(len(tokens), rows)]
    return Vocabulary(tuple(tokens), {t: i for i, t in enumerate(tokens)})
