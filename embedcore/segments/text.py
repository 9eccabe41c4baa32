"""Segment ``text``: a teacher's own card -- a title, up to six bullets, an optional formula.

For intros, summaries and exercises between the computed segments. Nothing on
it is computed; what is checked is that it fits and draws: the limits below
(one-line errors at the offending bullet), and the formula compiled by Typst
here, at ``validate`` time, so a typo is reported with its place instead of
failing a render. Formulas are Typst math (``(a dot b) / (norm(a) norm(b))``),
never LaTeX.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from ..config import SegmentBase
from ..errors import LessonError, Loc
from ..placeholders import Context, Placeholder, fill_text
from ..storyboard import Storyboard
from .common import base_fields

if TYPE_CHECKING:
    from ..lesson import Lesson

TYPE = "text"
SCENE = "scenes.text:TextScene"
ORDER = 120              # place in the README table and the schema: after the computed segments
MAX_BULLETS = 6          # more do not fit a 16:9 card at a readable size
MAX_BULLET_CHARS = 100   # about three lines in a 9:16 frame
MAX_TITLE_CHARS = 80
MAX_FORMULA_CHARS = 120
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")


class Options(SegmentBase):
    """A teacher's own card: a title, up to 6 bullets and an optional Typst formula, for intros, summaries and
    exercises between the computed segments; narration defaults to the bullets."""

    type: Literal["text"]
    title: str = Field(min_length=1, description=f"the card's heading, up to {MAX_TITLE_CHARS} characters (filled in); "
                       "common placeholders")
    bullets: list[str] = Field(default_factory=list, description=f"up to {MAX_BULLETS} points, "
                               f"{MAX_BULLET_CHARS} characters each (filled in); placeholders as in narration")
    formula: str | None = Field(default=None, min_length=1,
                                description="Typst math, e.g. `cos theta = (A dot B) / (norm(A) norm(B))` (no LaTeX)")

    TITLE_LIMIT: ClassVar[int] = MAX_TITLE_CHARS

    def shown_texts(self) -> list[tuple[Loc, str]]:
        return [(("title",), self.title), *((("bullets", k), b) for k, b in enumerate(self.bullets))]


@dataclass(frozen=True)
class TextStoryboard(Storyboard):
    bullets: tuple[str, ...]
    formula: str | None           # Typst math, checked to compile


def check_formula(formula: str, loc: Loc) -> None:
    """Refuse what the scene could not draw: LaTeX, Typst code, and math Typst does not compile."""
    if len(formula) > MAX_FORMULA_CHARS:
        raise LessonError(f"the formula is {len(formula)} characters; at most {MAX_FORMULA_CHARS} fit on a card",
                          loc=loc, hint="shorten it or split it over two cards")
    latex = LATEX_COMMAND.search(formula)
    if latex:
        raise LessonError(f"{latex.group()!r} is LaTeX; formulas are Typst math", loc=loc,
                          hint="write e.g. (a)/(b), sqrt(x), theta, sum_(i=1)^n x_i")
    if "#" in formula:
        raise LessonError("'#' starts Typst code; a formula is math only", loc=loc, hint="remove the '#'")
    try:
        import typst
    except ImportError:  # pragma: no cover - installed with manim[typst] by the set-up
        raise LessonError("the 'typst' package is not installed", loc=loc, hint="run 'make setup'") from None
    try:
        typst.compile(f"$ {formula} $".encode(), format="svg")
    except typst.TypstError as e:
        first = (str(e).splitlines() or [type(e).__name__])[0].strip()
        raise LessonError(f"the formula is not valid Typst math ({first})", loc=loc,
                          hint="quote text as \"word\", use single letters or Typst names (theta, dot, norm)") from None


def build(lesson: Lesson, options: Options, index: int) -> TextStoryboard:
    loc = ("segments", index)
    if options.tokens is not None:
        raise LessonError("a text card shows no tokens", loc=loc + ("tokens",), key=True,
                          hint="remove 'tokens:' (or use a tokenize or lookup segment)")
    if len(options.title) > MAX_TITLE_CHARS:
        raise LessonError(f"the title is {len(options.title)} characters; at most {MAX_TITLE_CHARS} fit",
                          loc=loc + ("title",), hint="shorten it; put the rest in a bullet")
    # a bullet may state the lesson's numbers through the common placeholders ({V}, {d}, {n token}, ...)
    ctx = Context(lesson, options, None, index)
    title = fill_text(ctx, options.title, loc + ("title",), {})
    bullets = [fill_text(ctx, b, loc + ("bullets", k), {}).strip() for k, b in enumerate(options.bullets)]
    if len(bullets) > MAX_BULLETS:
        raise LessonError(f"a text card has at most {MAX_BULLETS} bullets, this one has {len(bullets)}",
                          loc=loc + ("bullets", MAX_BULLETS), hint="split them over two text segments")
    for k, b in enumerate(bullets):
        if not b:
            raise LessonError(f"bullet {k + 1} is empty", loc=loc + ("bullets", k), hint="write a point or remove it")
        if len(b) > MAX_BULLET_CHARS:
            raise LessonError(f"bullet {k + 1} is {len(b)} characters; at most {MAX_BULLET_CHARS} fit on a card",
                              loc=loc + ("bullets", k), hint="shorten it or split it into two bullets")
    formula = options.formula.strip() if options.formula else None
    if formula:
        check_formula(formula, loc + ("formula",))
    fields = base_fields(lesson, options, index, default_title=title, default_narration=bullets or [title])
    fields["source_label"] = ""         # a teacher's card shows no vectors: no line naming where they came from
    return TextStoryboard(
        **fields,
        bullets=tuple(bullets),
        formula=formula,
    )


#: a text card computes nothing: only the common placeholders, in its narration lines and in its bullets
PLACEHOLDERS: tuple[Placeholder, ...] = ()
