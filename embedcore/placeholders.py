"""Placeholders in a teacher's narration lines (and a text card's bullets): ``{n}``, ``{V}``, ``{cos}``,
``{n token}``.

A teacher's line that states a number or names a token goes stale the moment
the lesson runs with other tokens (``--tokens``, ``--set``, a course variant).
Written as a placeholder, the number comes from the storyboard instead, in the
form the screen shows it: the same decimals, thousands separators, ``°`` and
``%``; ``{n token}`` agrees in number ("1 token", "6 tokens") through
:mod:`embedcore.wording`. Lines are filled in after the storyboards are built,
so captions, voice, transcript and the render cache all see the filled text.

Syntax: ``{name}`` or ``{name noun}`` (a count with its noun); ``{{`` and
``}}`` are literal braces. Anything else in braces is a one-line error at the
placeholder, as is a placeholder that does not apply to the segment's type, a
``{`` left open, and a placeholder in ``say:`` that the caption does not show.

Each segment module lists its own ``PLACEHOLDERS`` (read from its storyboard);
:data:`COMMON` apply to every type. :func:`stale_literals` compares a variant
with the lesson as written and names each literal number (digits, or a count
in words) or quoted token that was true as written and is false in the variant.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Union

from .config import MAX_NARRATION_LINE, NarrationLine
from .errors import LessonError, Loc, did_you_mean
from .wording import count, singular, times

if TYPE_CHECKING:
    from .config import LessonFile, SegmentBase
    from .lesson import Lesson
    from .lesson import Sequence as TokenSequence
    from .storyboard import Storyboard

ESCAPE_HINT = "write '{{' and '}}' for literal braces"


@dataclass(frozen=True)
class Missing:
    """A placeholder with no true value for this data (no token repeats, no pair has a cosine)."""

    why: str            # "no token appears more than once in 'a dog ran home'"
    fix: str            # what to write instead


Value = Union[str, int, Missing]


@dataclass
class Context:
    """What a placeholder reads: the segment's storyboard, its options and the lesson."""

    lesson: Lesson
    options: SegmentBase
    #: the segment type's own Storyboard subclass: each type's placeholders read its fields
    board: Any
    index: int          # 0-based, as in error locations

    @cached_property
    def sequence(self) -> TokenSequence:
        """The segment's own ``tokens:`` if given, else the lesson's (as the builders read it)."""
        if self.options.tokens is None:
            return self.lesson.sequence
        return self.lesson.resolve_tokens(self.options.tokens, ("segments", self.index, "tokens"))


@dataclass(frozen=True)
class Placeholder:
    """One ``{name}`` a narration line may use, and how its value is read."""

    name: str
    description: str                    # README's placeholder table
    value: Callable[[Context], Value]
    #: a phrase that starts with a capital letter when it starts a sentence
    phrase: bool = False


# ---------------------------------------------------------------- values every type has


def _quoted(tokens: Iterable[str]) -> str:
    return "'" + " ".join(tokens) + "'"


def _repeats(seq: TokenSequence) -> list[tuple[str, int]]:
    """Tokens that occur more than once, in order of first occurrence, with their counts."""
    counts: dict[str, int] = {}
    for t in seq.tokens:
        counts[t] = counts.get(t, 0) + 1
    return [(t, k) for t, k in counts.items() if k > 1]


def _repeated(c: Context) -> Value:
    reps = _repeats(c.sequence)
    if not reps:
        return Missing(f"no token appears more than once in {_quoted(c.sequence.tokens)}",
                       "use {repeats}, which is true for any tokens")
    return reps[0][0]


def _repeated_times(c: Context) -> Value:
    reps = _repeats(c.sequence)
    if not reps:
        return Missing(f"no token appears more than once in {_quoted(c.sequence.tokens)}",
                       "use {repeats}, which is true for any tokens")
    return times(reps[0][1])


def _repeats_phrase(c: Context) -> Value:
    reps = _repeats(c.sequence)
    if not reps:
        return "no token appears more than once" if len(c.sequence.tokens) > 1 else "the one token appears once"
    first, k = reps[0]
    items = [f"'{first}' appears {times(k)}"] + [f"'{t}' {times(m)}" for t, m in reps[1:3]]
    if len(reps) > 3:
        more = len(reps) - 3
        items.append(f"{count(more, 'other token')} {'repeats' if more == 1 else 'repeat'}")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _split(c: Context) -> tuple[str, tuple[str, ...]] | Missing:
    """The word the model's tokenizer splits into the most pieces (the first of a tie)."""
    seq = c.sequence
    if not seq.words:
        return Missing("this lesson splits at spaces, so no word becomes pieces",
                       "use {splits}, which is true for any tokens, or a source with a tokenizer (minilm)")
    split = [(w, pos) for w, pos in seq.words if len(pos) > 1]
    if not split:
        return Missing(f"the tokenizer keeps every word of {_quoted(w for w, _ in seq.words)} whole",
                       "use {splits}, which is true for any tokens, or give the segment 'tokens:' with a word "
                       "it splits, such as 'embeddings'")
    word, pos = max(split, key=lambda wp: len(wp[1]))
    return word, tuple(seq.tokens[k] for k in pos)


def _split_part(which: int) -> Callable[[Context], Value]:
    def value(c: Context) -> Value:
        s = _split(c)
        if isinstance(s, Missing):
            return s
        return (s[0], " ".join(s[1]), len(s[1]))[which]
    return value


def _splits_phrase(c: Context) -> Value:
    s = _split(c)
    if not isinstance(s, Missing):
        word, pieces = s
        return (f"'{word}' is not in the vocabulary, so it becomes {count(len(pieces), 'piece')}: "
                f"{' '.join(pieces)}")
    many = len(c.sequence.words or c.sequence.tokens) > 1
    if not c.sequence.words:
        return "each word is one token of the vocabulary" if many else "the word is one token of the vocabulary"
    return ("every word here is in the vocabulary, so each stays one piece" if many else
            "the word is in the vocabulary, so it stays one piece")


COMMON: tuple[Placeholder, ...] = (
    Placeholder("n", "tokens in the segment's sequence (its own `tokens:`, else the lesson's)",
                lambda c: len(c.sequence.tokens)),
    Placeholder("V", "vocabulary size, the rows of the embedding matrix", lambda c: c.lesson.table.V),
    Placeholder("d", "numbers per vector, the columns of the embedding matrix", lambda c: c.lesson.table.d),
    Placeholder("tokens", "the sequence's tokens, separated by spaces (`the cat sat on the mat`)",
                lambda c: " ".join(c.sequence.tokens)),
    Placeholder("distinct", "how many different tokens the sequence has (rows it selects)",
                lambda c: len(set(c.sequence.tokens))),
    Placeholder("repeated", "the first token that appears more than once (an error when none does: use {repeats})",
                _repeated),
    Placeholder("repeated_times", "how often {repeated} appears: `twice`, `3 times`", _repeated_times),
    Placeholder("repeats", "a phrase true for any tokens: `'the' appears twice` or `no token appears more than once`",
                _repeats_phrase, phrase=True),
    Placeholder("split", "the word the model's tokenizer splits into the most pieces (`embeddings`)",
                _split_part(0)),
    Placeholder("split_pieces", "its pieces as the chips show them (`em ##bed ##ding ##s`)", _split_part(1)),
    Placeholder("split_count", "how many pieces (`{split_count piece}`: `4 pieces`)", _split_part(2)),
    Placeholder("splits", "a phrase true for any tokens: `'embeddings' is not in the vocabulary, so it becomes "
                "4 pieces: em ##bed ##ding ##s`, or that every word is one piece", _splits_phrase, phrase=True),
)


# ---------------------------------------------------------------- parsing

_INNER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+([A-Za-z][A-Za-z'-]*))?\s*")


@dataclass(frozen=True)
class Part:
    """A piece of a line: literal text, or a placeholder (``name``, optional ``noun``) at ``start``."""

    start: int
    end: int
    text: str = ""
    name: str | None = None
    noun: str | None = None


def parse(text: str, loc: Loc) -> list[Part]:
    """Split a line into literal text and placeholders; a malformed brace is a located error."""
    parts: list[Part] = []
    buf, buf_start, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch not in "{}":
            buf.append(ch)
            i += 1
            continue
        if text.startswith(ch * 2, i):
            buf.append(ch)
            i += 2
            continue
        if ch == "}":
            raise LessonError("a '}' without its '{'", loc=loc, offset=i, hint=ESCAPE_HINT)
        close = text.find("}", i + 1)
        reopen = text.find("{", i + 1)
        if close < 0 or 0 <= reopen < close:
            raise LessonError("a '{' is not closed", loc=loc, offset=i,
                              hint="close the placeholder with '}', or " + ESCAPE_HINT)
        inner = text[i + 1:close]
        m = _INNER.fullmatch(inner)
        if not m:
            what = "an empty '{}'" if not inner.strip() else f"'{{{inner}}}' is not a placeholder"
            raise LessonError(what, loc=loc, offset=i,
                              hint="a placeholder is a name, {n}, or a count and its noun, {n token}; " + ESCAPE_HINT)
        if buf:
            parts.append(Part(buf_start, i, "".join(buf)))
        parts.append(Part(i, close + 1, name=m.group(1), noun=m.group(2)))
        buf, i = [], close + 1
        buf_start = i
    if buf:
        parts.append(Part(buf_start, len(text), "".join(buf)))
    return parts


def names_in(parts: Iterable[Part]) -> list[str]:
    return [p.name for p in parts if p.name is not None]


# ---------------------------------------------------------------- filling


def all_names(registry: Mapping[str, Sequence[Placeholder]]) -> dict[str, list[str]]:
    """Every placeholder name → the segment types it applies to."""
    out: dict[str, list[str]] = {p.name: ["every type"] for p in COMMON}
    for kind, own in registry.items():
        for p in own:
            out.setdefault(p.name, []).append(kind)
    return out


def applicable(kind: str, registry: Mapping[str, Sequence[Placeholder]]) -> dict[str, Placeholder]:
    return {p.name: p for p in (*COMMON, *registry.get(kind, ()))}


def _shown_names(here: Mapping[str, Placeholder]) -> str:
    return ", ".join("{" + n + "}" for n in here)


def check(parts: Sequence[Part], kind: str, loc: Loc, registry: Mapping[str, Sequence[Placeholder]]) -> None:
    """Every placeholder is known and applies to ``kind``."""
    here = applicable(kind, registry)
    known = all_names(registry)
    for p in parts:
        if p.name is None or p.name in here:
            continue
        if p.name in known:
            raise LessonError(f"{{{p.name}}} does not apply to a {kind} segment: it belongs to "
                              f"{', '.join(known[p.name])}", loc=loc, offset=p.start,
                              hint=f"a {kind} segment has {_shown_names(here)}; README lists them per type")
        guess = did_you_mean(p.name, here)
        has = f"a {kind} segment has {_shown_names(here)}; " + ESCAPE_HINT
        raise LessonError(f"unknown placeholder {{{p.name}}}", loc=loc, offset=p.start,
                          hint=re.sub(r"'([^']*)'", r"{\1}", guess) + " " + has[0].upper() + has[1:] if guess else has)


def read(p: Placeholder, ctx: Context) -> Value:
    """The placeholder's value here; a segment's own refusal (a token it cannot resolve) is no value."""
    try:
        return p.value(ctx)
    except LessonError as e:
        return Missing(e.message, e.hint or "write the words yourself")


def shown(v: Value, noun: str | None = None) -> str | Missing:
    """A value as the screen writes it (``30,522``, ``0.85``, ``33.1°``; with a noun ``6 tokens``)."""
    if isinstance(v, (Missing, str)):
        return v
    return count(v, noun) if noun else f"{v:,}"


def value_text(p: Placeholder, ctx: Context, noun: str | None = None) -> str | Missing:
    return shown(read(p, ctx), noun)


def render(parts: Sequence[Part], ctx: Context, here: Mapping[str, Placeholder], loc: Loc) -> str:
    """The line with every placeholder filled in; a value that does not exist here is a located error."""
    out = ""
    for part in parts:
        if part.name is None:
            out += part.text
            continue
        p = here[part.name]
        value = read(p, ctx)
        if isinstance(value, Missing):
            raise LessonError(f"{{{part.name}}} has no value here: {value.why}", loc=loc, offset=part.start,
                              hint=value.fix)
        if part.noun and isinstance(value, str):
            raise LessonError(f"{{{part.name} {part.noun}}}: {{{part.name}}} is not a count, so it takes no noun",
                              loc=loc, offset=part.start, hint=f"write {{{part.name}}}")
        text = str(shown(value, part.noun))
        if p.phrase and (not out.strip() or _ends_sentence(out)):
            text = text[:1].upper() + text[1:]
        out += text
    return out


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?]\s+$", text))


def _line_locs(options: SegmentBase, index: int) -> list[Loc]:
    base: Loc = ("segments", index, "narration")
    if isinstance(options.narration, list):
        return [base + (j,) for j in range(len(options.narration))]
    return [base]


def fill_text(ctx: Context, text: str, loc: Loc, registry: Mapping[str, Sequence[Placeholder]]) -> str:
    """One piece of a teacher's text with its placeholders checked and filled in (a located error if one is
    malformed, unknown, not for this type, or without a value here)."""
    parts = parse(text, loc)
    check(parts, ctx.options.type, loc, registry)
    return render(parts, ctx, applicable(ctx.options.type, registry), loc)


def fill_segment(ctx: Context, registry: Mapping[str, Sequence[Placeholder]]) -> tuple[Storyboard, SegmentBase]:
    """The storyboard and options with the teacher's lines filled in (defaults are left as built)."""
    board, options = _fill_title(ctx, registry)
    if options.narration is None:
        return board, options
    ctx = dataclasses.replace(ctx, options=options, board=board)
    kind = options.type
    here = applicable(kind, registry)
    raw = options.narration if isinstance(options.narration, list) else [options.narration]
    filled: list[str | NarrationLine] = []
    for item, loc in zip(raw, _line_locs(options, ctx.index)):
        if isinstance(item, str):
            parts = parse(item, loc)
            check(parts, kind, loc, registry)
            filled.append(_fit(render(parts, ctx, here, loc), loc))
            continue
        tloc, sloc = loc + ("text",), loc + ("say",)
        parts = parse(item.text, tloc)
        check(parts, kind, tloc, registry)
        text = _fit(render(parts, ctx, here, tloc), tloc)
        say = item.say
        if say is not None:
            sparts = parse(say, sloc)
            check(sparts, kind, sloc, registry)
            shown = set(names_in(parts))
            for p in sparts:
                if p.name is not None and p.name not in shown:
                    raise LessonError(f"{{{p.name}}} is in 'say' but not in the caption 'text'", loc=sloc,
                                      offset=p.start, hint=f"the voice says what the caption shows: add {{{p.name}}} "
                                      "to 'text', or write the words here")
            say = render(sparts, ctx, here, sloc)
        filled.append(item.model_copy(update={"text": text, "say": say}))
    texts = tuple(f if isinstance(f, str) else f.text for f in filled)
    narration = filled if isinstance(options.narration, list) else filled[0]
    board = dataclasses.replace(ctx.board, narration=texts) if texts != ctx.board.narration else ctx.board
    return board, options.model_copy(update={"narration": narration})


def _fit(text: str, loc: Loc) -> str:
    if len(text) > MAX_NARRATION_LINE:
        raise LessonError(f"filled in, the line is {len(text):,} characters (at most {MAX_NARRATION_LINE})",
                          loc=loc, hint="shorten it, or split it over two lines")
    return text


def _fill_title(ctx: Context, registry: Mapping[str, Sequence[Placeholder]]) -> tuple[Storyboard, SegmentBase]:
    """The segment's own title with its placeholders filled in (``{n token}, projected``): on its header, its
    chapter and the title card alike."""
    options = ctx.options
    if options.title is None:
        return ctx.board, options
    loc: Loc = ("segments", ctx.index, "title")
    title = fill_text(ctx, options.title, loc, registry)
    if len(title) > options.TITLE_LIMIT:
        raise LessonError(f"filled in, the title is {len(title):,} characters (at most {options.TITLE_LIMIT})",
                          loc=loc, hint="shorten it")
    if title == options.title:
        return ctx.board, options
    return dataclasses.replace(ctx.board, title=title), options.model_copy(update={"title": title})


def fill_lesson(lesson: Lesson, boards: Sequence[Storyboard], registry: Mapping[str, Sequence[Placeholder]]
                ) -> tuple[tuple[Storyboard, ...], LessonFile]:
    """Every segment's lines filled in, and the lesson's config whose narration is the filled text (what the
    voice, the recording script and the render cache read)."""
    out_boards, out_segments = [], []
    for i, board in enumerate(boards):
        b, opts = fill_segment(Context(lesson, lesson.config.segments[i], board, i), registry)
        out_boards.append(b)
        out_segments.append(opts)
    return tuple(out_boards), lesson.config.model_copy(update={"segments": out_segments})


# ---------------------------------------------------------------- stale literals

MINUS = "\u2212"
#: a number as a teacher writes it: 6, 30,522, 0.85, −0.12 (not the 3 of GPT-3 or the 2 of L2)
_NUMBER = re.compile(r"(?<![\w.,\-" + MINUS + r"])(?:[-" + MINUS + r"](?=\d))?\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
#: a quoted token: 'the' (no spaces: apostrophes), "the cat" or ‘the’ / “the cat”
_QUOTED = re.compile(r"(?<!\w)'([^'\s]+)'(?!\w)|\"([^\"]+)\"|\u2018([^\u2019]+)\u2019|\u201c([^\u201d]+)\u201d")
_UNIT = re.compile(r"\s?(?:°|%|[kMG]?B)")
#: counts written as words ("four pieces", "appears twice"); "one" is left out: it is too often a pronoun
_WORD_NUMBERS = {w: str(k) for k, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split()) if k != 1}
_TIMES_WORDS = ("once", "twice")
_WORD = re.compile(r"(?<![\w'-])(" + "|".join([*_WORD_NUMBERS, *_TIMES_WORDS]) + r")(?![\w'-])", re.I)


def _norm_number(text: str) -> str | None:
    """``30,522`` → ``30522``; a value that is one number (with °, % or a byte unit) → that number."""
    s = text.replace(MINUS, "-").strip()
    m = re.fullmatch(r"(-?\d[\d,]*(?:\.\d+)?)(?:" + _UNIT.pattern + r")?", s)
    return m.group(1).replace(",", "") if m else None


@dataclass(frozen=True)
class Literal:
    """A number or quoted token in a line's own words, at ``offset``."""

    text: str
    offset: int
    number: bool
    noun: str | None        # the word after a number ("tokens" in "6 tokens")


def literals(text: str, parts: Sequence[Part]) -> list[Literal]:
    """Numbers (in digits or words) and quoted tokens in the literal parts of ``text``, at their offsets."""
    out = []
    for part in parts:
        if part.name is not None:
            continue
        raw = text[part.start:part.end]       # as written (escaped braces included): offsets stay true
        for rx in (_NUMBER, _WORD):
            for m in rx.finditer(raw):
                after = re.match(r"\s+([A-Za-z]+)", raw[m.end():])
                out.append(Literal(m.group(), part.start + m.start(), True, after.group(1) if after else None))
        for m in _QUOTED.finditer(raw):
            g = next(i for i in range(1, 5) if m.group(i) is not None)
            out.append(Literal(m.group(g), part.start + m.start(), False, None))
    return sorted(out, key=lambda lit: lit.offset)


def _matches(lit: Literal, value: str | Missing) -> bool:
    if isinstance(value, Missing):
        return False
    if lit.text.lower() in _TIMES_WORDS:
        return value == lit.text.lower()
    if lit.number:
        n = _norm_number(value)
        return n is not None and n == (_WORD_NUMBERS.get(lit.text.lower()) or _norm_number(lit.text))
    return value == lit.text


def _fix(name: str, lit: Literal) -> str:
    """``write {n token} instead of '6 tokens'`` when the number has a noun that agrees, else ``{n}``."""
    one = singular(lit.noun) if lit.number and lit.noun else None
    if one:
        return f"write {{{name} {one}}} instead of '{lit.text} {lit.noun}'"
    return f"write {{{name}}} instead of {lit.text if lit.number else repr(lit.text)}"


class _Values:
    """A segment's placeholder values, each read once."""

    def __init__(self, ctx: Context, here: Mapping[str, Placeholder]):
        self.ctx, self.here = ctx, here
        self.cache: dict[str, str | Missing] = {}

    def __call__(self, name: str) -> str | Missing:
        if name not in self.cache:
            self.cache[name] = value_text(self.here[name], self.ctx)
        return self.cache[name]


def stale_literals(written: tuple[Lesson, Sequence[Storyboard], LessonFile],
                   varied: tuple[Lesson, Sequence[Storyboard], LessonFile],
                   registry: Mapping[str, Sequence[Placeholder]]) -> list[LessonError]:
    """Literals in the teacher's lines that were true as written and are false in the variant.

    Each of ``written`` and ``varied`` is (lesson, storyboards, config before its lines were filled in).
    A literal counts as true when it equals
    a placeholder's value in the lesson as written; it is stale when it equals none of those placeholders'
    values in the variant. Lines the variant itself rewrites (``--set segments[0].narration=...``) are
    the author's new words and are not compared.
    """
    (w_lesson, w_boards, w_raw), (v_lesson, v_boards, raw) = written, varied
    variant = v_lesson.slug            # names which video a course's warning is about
    out: list[LessonError] = []
    for i, opts in enumerate(raw.segments):
        if i >= len(w_boards):
            continue
        w_opts = w_lesson.config.segments[i]
        if w_opts.type != opts.type:
            continue
        here = applicable(opts.type, registry)
        w_val = _Values(Context(w_lesson, w_opts, w_boards[i], i), here)
        v_val = _Values(Context(v_lesson, v_lesson.config.segments[i], v_boards[i], i), here)
        # the title and a card's bullets, where the variant left them as written
        as_written = dict(w_raw.segments[i].shown_texts())
        fields: list[tuple[str, Loc]] = [(text, ("segments", i) + sub) for sub, text in opts.shown_texts()
                                         if as_written.get(sub) == text]
        if opts.narration is not None and w_raw.segments[i].narration == opts.narration:
            raw_items = opts.narration if isinstance(opts.narration, list) else [opts.narration]
            w_items = w_opts.narration_items
            v_items = v_lesson.config.segments[i].narration_items
            for j, (item, loc) in enumerate(zip(raw_items, _line_locs(opts, i))):
                if isinstance(item, NarrationLine) and item.audio and w_items[j].text != v_items[j].text:
                    out.append(LessonError(
                        f"stale recording: {item.audio!r} says the line as written ({w_items[j].text!r}); in "
                        f"{variant} it reads {v_items[j].text!r}", loc=loc + ("audio",),
                        hint="record the variant's line (embedviz script prints it), or leave 'audio:' out of the "
                             "variant with --set"))
                fields += [(item, loc)] if isinstance(item, str) else \
                    [(item.text, loc + ("text",))] + ([(item.say, loc + ("say",))] if item.say else [])
        for text, floc in fields:
            for lit in literals(text, parse(text, floc)):
                was = [n for n in here if _matches(lit, w_val(n))]
                if not was or any(_matches(lit, v_val(n)) for n in was):
                    continue
                name = was[0]
                now = v_val(name)
                written_as = f"{lit.text!r}" if not lit.number else lit.text
                if isinstance(now, Missing):
                    what = (f"{written_as} was {{{name}}} in the lesson as written; in {variant} {{{name}}} has no "
                            f"value ({now.why})")
                    fix = now.fix
                else:
                    what = f"{written_as} was {{{name}}} in the lesson as written, but in {variant} {{{name}}} is {now}"
                    fix = _fix(name, lit)
                out.append(LessonError(f"stale literal: {what}", loc=floc, offset=lit.offset, hint=fix))
    return out
