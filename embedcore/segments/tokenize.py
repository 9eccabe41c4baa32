"""Segment ``tokenize``: the step before the lookup -- text as typed → tokens → ids.

With a model's tokenizer (``minilm``, ``huggingface``, ``safetensors`` with a
``tokenizer:``) the text is split exactly as the model splits it
(:mod:`embedcore.subwords`): ``embeddings`` → ``em ##bed ##ding ##s``, unknown
characters → ``[UNK]``, ``[CLS]``/``[SEP]`` when the source enables
``special_tokens``. Without one, the lesson's own rule applies: one token per
whitespace-separated word, looked up in its vocabulary. Every label and
narration line is derived from the split, so it stays true for one token, a
word that is one piece, an unknown character or a long word.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ..config import SegmentBase, split_tokens
from ..errors import LessonError
from ..placeholders import Placeholder
from ..storyboard import Storyboard
from ..subwords import SubwordTokenizer, Word
from .common import base_fields, segment_sequence

if TYPE_CHECKING:
    from ..lesson import Lesson, Sequence

TYPE = "tokenize"
SCENE = "scenes.tokenize:TokenizeScene"
ORDER = 5                # place in the README table and the schema: before the lookup
MAX_TOKENS = 20          # chips with ids stay legible in a 9:16 frame up to about this many
WORD_CHARS = 24          # a longer word is shown cut, with its length


class Options(SegmentBase):
    """The text as typed, split by the lesson's real tokenizer into tokens, each with its id (`embeddings` →
    `em ##bed ##ding ##s` with MiniLM; one token per word without a model tokenizer); [CLS]/[SEP] when the
    source adds them; up to 20 tokens."""

    type: Literal["tokenize"]


@dataclass(frozen=True)
class PieceView:
    text: str
    id: int
    continues: bool         # a WordPiece "##" piece: glued to the piece before it
    special: bool           # added by the tokenizer ([CLS], [SEP], ...)
    unknown: bool           # the tokenizer's unknown token: characters its vocabulary lacks
    glyphs: tuple[int, int] | None = None   # the glyphs of the word's label this piece writes (None: not found)


@dataclass(frozen=True)
class WordSplit:
    text: str               # the word as typed
    shown: str              # what the screen writes for it (long words cut, with their length)
    pieces: tuple[PieceView, ...]
    special: bool
    typed: tuple[int, int] | None = None    # the word's glyphs in the typed text (non-space characters; None:
                                            # a special token, or a word the text does not spell as typed)


@dataclass(frozen=True)
class TokenizeStoryboard(Storyboard):
    text: str                       # the text as typed (a list of tokens joined by spaces)
    tokenizer: str                  # "WordPiece tokenizer · 30,522 tokens" / "whitespace split · ..."
    words: tuple[WordSplit, ...]
    n_words: int                    # words of the text (special tokens not counted)
    n_tokens: int                   # tokens, special ones included
    summary: str                    # "4 words → 7 tokens"
    notes: tuple[str, ...]          # what the markers mean, only those that occur
    # [k - 1]: the line under a screen that draws only the first k of ``words`` (a text too long for the
    # frame at the text floor): "first 4 of 11 words shown"
    first_words: tuple[str, ...] = ()
    # [k - 1]: the line under a screen that draws only the first k tokens, when even the first word is too
    # tall for it (one word of many pieces): "first 12 of 19 tokens shown"
    first_tokens: tuple[str, ...] = ()

    def shown_tokens(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.words if not w.special)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _shown(word: str) -> str:
    return word if len(word) <= WORD_CHARS else f"{word[:WORD_CHARS - 4]}… ({len(word)} characters)"


def _glyph_range(s: str, start: int, end: int) -> tuple[int, int]:
    """Character range ``start:end`` of ``s`` as a range of its glyphs (Manim draws no glyph for a space)."""
    def ink(t: str) -> int:
        return sum(1 for c in t if not c.isspace())
    return ink(s[:start]), ink(s[:end])


def _piece_glyphs(shown: str, pieces: tuple[PieceView, ...]) -> tuple[PieceView, ...]:
    """Each piece's glyphs in the word's label, matched left to right (``##``, ``Ġ``, ``▁`` marks dropped,
    case ignored: the tokenizer may lowercase). A piece the label does not spell there (``[UNK]``, a cut
    word's tail) and every piece after it get ``None``."""
    out, at, lost = [], 0, False
    low = shown.lower()
    for p in pieces:
        core = p.text.removeprefix("##").lstrip("Ġ▁").lower()
        i = low.find(core, at) if core and not lost else -1
        if i < 0 or low[at:i].strip():
            lost = True
            out.append(p)
            continue
        out.append(replace(p, glyphs=_glyph_range(shown, i, i + len(core))))
        at = i + len(core)
    return tuple(out)


def _typed_glyphs(text: str, words: list[WordSplit]) -> list[WordSplit]:
    """Where each word stands in the typed text, as glyph ranges, found left to right."""
    out, at = [], 0
    for w in words:
        i = -1 if w.special else text.find(w.text, at)
        if i < 0:
            out.append(w)
            continue
        out.append(replace(w, typed=_glyph_range(text, i, i + len(w.text))))
        at = i + len(w.text)
    return out


def _subword_words(tok: SubwordTokenizer, tokens: str | list[str]) -> list[Word]:
    """The same split the lesson's sequence uses (:meth:`Lesson.resolve_tokens`), keeping special flags."""
    if isinstance(tokens, str):
        return tok.split_text(tokens)
    return [tok.split_word(w) for w in tokens]


def _views(lesson: Lesson, tokens: str | list[str], seq: Sequence) -> tuple[list[WordSplit], str]:
    tok = lesson.table.tokenizer
    if tok is None:
        words = [WordSplit(t, _shown(t), (PieceView(t, int(i), False, False, False),), False)
                 for t, i in zip(seq.tokens, seq.ids.tolist())]
        return words, f"whitespace split · vocabulary of {lesson.table.V:,} tokens"
    out = []
    for w in _subword_words(tok, tokens):
        pieces = tuple(PieceView(p.text, p.id, tok.kind == "WordPiece" and p.text.startswith("##") and k > 0,
                                 w.special, p.text == tok.unk_token and not w.special)
                       for k, p in enumerate(w.pieces))
        out.append(WordSplit(w.text, _shown(w.text), pieces, w.special))
    return out, f"{tok.kind} tokenizer · {tok.vocab_size:,} tokens"


def _notes(words: list[WordSplit], whitespace: bool) -> list[str]:
    notes = []
    if whitespace:
        notes.append("split at spaces: one token per word")
    if any(p.continues for w in words for p in w.pieces):
        notes.append("## continues the word before it")
    unk = next((p.text for w in words for p in w.pieces if p.unknown), None)
    if unk:
        notes.append(f"{unk}: characters the vocabulary lacks")
    specials = [w.text for w in words if w.special]
    if specials:
        notes.append(", ".join(dict.fromkeys(specials)) + ": added by the tokenizer")
    cased = [w.text for w in words if not w.special and any(c.isupper() for c in w.text)
             and "".join(p.text.removeprefix("##") for p in w.pieces) == w.text.lower()]
    if cased:
        notes.append("lowercased first")
    return notes


def _first_words(words: list[WordSplit], n_words: int) -> tuple[str, ...]:
    """For k = 1 … len(words) - 1: what a screen drawing only ``words[:k]`` says of the rest (special
    tokens are not words; the counts are the words drawn and the text's)."""
    out = []
    for k in range(1, len(words)):
        shown = sum(1 for w in words[:k] if not w.special)
        if shown == n_words:        # only special tokens left out: name them
            out.append(" and ".join(dict.fromkeys(w.text for w in words[k:])) + " not shown")
        else:
            out.append(f"first word of {n_words} shown" if shown == 1 else f"first {shown} of {n_words} words shown"
                       if shown else f"none of the {n_words} words shown")
    return tuple(out)


def _first_tokens(n: int) -> tuple[str, ...]:
    """For k = 1 … n - 1: what a screen drawing only the first k of the ``n`` tokens says."""
    return tuple(f"first {k} of {n} tokens shown" for k in range(1, n))


def _named(w: WordSplit) -> str:
    """How narration names a word: quoted, or by its length when it is too long to read out."""
    if len(w.text) <= WORD_CHARS:
        return f"'{w.text}'"
    return f"The {len(w.text)}-character word '{w.text[:WORD_CHARS - 4]}…'"


def _narration(words: list[WordSplit], summary: str, whitespace: bool) -> list[str]:
    lines = [f"Before any lookup the text is split into tokens: {summary}."]
    plain = [w for w in words if not w.special]
    split = [w for w in plain if len(w.pieces) > 1]
    unknown = [w for w in plain if any(p.unknown for p in w.pieces)]
    if whitespace:
        lines.append("This lesson splits at spaces: every word is one token of its vocabulary." if len(plain) > 1
                     else "This lesson splits at spaces: the word is one token of its vocabulary.")
    elif split:
        w = max(split, key=lambda w: len(w.pieces))
        lines.append(f"{_named(w)} is not one token of the vocabulary, so it becomes "
                     f"{_plural(len(w.pieces), 'piece')}: {' '.join(p.text for p in w.pieces)}.")
    elif plain:
        lines.append("Every word here is a single token of the vocabulary." if len(plain) > 1
                     else "The word is a single token of the vocabulary.")
    if unknown:
        lines.append(f"{_named(unknown[0])} has characters the vocabulary lacks: it becomes "
                     f"{' '.join(p.text for p in unknown[0].pieces)}.")
    specials = [w.text for w in words if w.special]
    if specials:
        lines.append(f"The tokenizer also adds {' and '.join(dict.fromkeys(specials))}: special tokens with ids of "
                     "their own.")
    lines.append("Each token's id is its row in the embedding matrix: the lookup comes next."
                 if len(words) > 1 or len(plain[0].pieces if plain else ()) > 1
                 else "The token's id is its row in the embedding matrix: the lookup comes next.")
    return lines


def build(lesson: Lesson, options: Options, index: int) -> TokenizeStoryboard:
    tokens = options.tokens if options.tokens is not None else lesson.config.tokens
    loc = ("segments", index, "tokens") if options.tokens is not None else ("tokens",)
    seq = segment_sequence(lesson, options, index)      # the lesson's own checks (empty, unknown words)
    words, tokenizer = _views(lesson, tokens, seq)
    text = tokens.strip() if isinstance(tokens, str) else " ".join(split_tokens(tokens))
    words = [replace(w, pieces=_piece_glyphs(w.shown, w.pieces)) for w in _typed_glyphs(text, words)]
    n = sum(len(w.pieces) for w in words)
    # the pieces shown are the tokens the lookup uses, id for id
    assert [p.id for w in words for p in w.pieces] == seq.ids.tolist()
    if n > MAX_TOKENS:
        raise LessonError(f"a tokenize segment shows at most {MAX_TOKENS} tokens, this text makes {n}", loc=loc,
                          hint="shorten the text or give this segment its own 'tokens:'")
    whitespace = lesson.table.tokenizer is None
    n_words = sum(1 for w in words if not w.special)
    summary = f"{_plural(n_words, 'word')} → {_plural(n, 'token')}"
    return TokenizeStoryboard(
        **base_fields(lesson, options, index, default_title="From text to tokens",
                      default_narration=_narration(words, summary, whitespace)),
        text=text,
        tokenizer=tokenizer,
        words=tuple(words),
        n_words=n_words,
        n_tokens=n,
        summary=summary,
        notes=tuple(_notes(words, whitespace)),
        first_words=_first_words(words, n_words),
        first_tokens=_first_tokens(n),
    )


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("words", "words in the text (special tokens not counted)", lambda c: c.board.n_words),
    Placeholder("pieces", "tokens the text becomes, special ones included (`{pieces token}`)",
                lambda c: c.board.n_tokens),
    Placeholder("summary", "`4 words → 7 tokens`, as the screen shows it", lambda c: c.board.summary),
)
