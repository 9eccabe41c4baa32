"""The lesson page's playground: type a sentence, see the model's pieces, ids, rows, cosines and neighbours.

It runs in the page with no network (``file://``, an LMS) on the data of
:mod:`embedviz.publish.playground_asset` (one shared script per source). The lesson's own tokens
(every chapter's "try these tokens") carry their exact rows in the page itself, so they show the
video's numbers; any other row is decoded from 8 bits, and the page states the largest cosine error.

A source without a model tokenizer is split on whitespace over its vocabulary. A source whose
rows would pass the 16 MB budget keeps the rows of its first tokens (one warning says which); a
tokenizer the page cannot reproduce (BPE, Unigram, another normaliser) leaves the playground out
with a warning, or is refused (exit 2) when the lesson or ``--playground on`` asked for it.
"""
from __future__ import annotations

import dataclasses
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embedcore.errors import LessonError
from embedcore.yamlsource import load_yaml
from embedviz.publish.playground_asset import Unreproducible, plan, template, write_asset

if TYPE_CHECKING:
    from embedcore.config import SegmentBase
    from embedcore.lesson import CompiledLesson
    from embedcore.sources import EmbeddingTable

K = 5                        # neighbours listed per metric, as the nearest-neighbours segment's default
MAX_COLS = 6                 # columns shown before eliding, as the lookup segment's default
SWITCH = ("on", "off")
# chapter options whose values are tokens, in the order a reader meets them
TOKEN_OPTIONS = ("tokens", "query", "a", "b", "c", "expect", "word", "lookalike", "related", "token", "pair", "pairs")


def with_switch(compiled: CompiledLesson, value: str | None, label: str = "--playground") -> CompiledLesson:
    """The lesson with its ``playground`` key set by the command line's switch (``None``: as the file says).

    Not an override: the video and its folder are the same with or without the playground."""
    if value is None:
        return compiled
    if value not in SWITCH:
        raise LessonError(f"unknown value {value!r}", file=label, hint="choose on or off")
    lesson = compiled.lesson
    config = lesson.config.model_copy(update={"playground": value})
    return dataclasses.replace(compiled, lesson=dataclasses.replace(lesson, config=config))


def check(compiled: CompiledLesson) -> list[str]:
    """Warnings about the playground (left out, or cut); :class:`LessonError` when the lesson asked for it
    (``playground: on``) and the page cannot reproduce the source's tokenizer."""
    lesson = compiled.lesson
    setting = lesson.config.playground
    if setting == "off":
        return []
    try:
        kept = plan(lesson.table)
    except Unreproducible as e:
        if setting == "on":
            raise _located(compiled, f"the playground cannot run on this source: {e}",
                           "remove 'playground: on' (or give --playground off) to render without it") from None
        return [f"playground left out: {e}"]
    return [kept.note] if kept.note else []


def _located(compiled: CompiledLesson, message: str, hint: str) -> LessonError:
    """The error at the lesson file's ``playground:`` key (or the switch that set it)."""
    err = LessonError(message, loc=("playground",), hint=hint)
    path = compiled.lesson.path
    try:
        data, pos = load_yaml(path)
    except (LessonError, OSError):
        return err
    if not (isinstance(data, dict) and data.get("playground") == "on"):
        return LessonError(message, file="--playground on", hint=hint)
    return pos.locate(err)


# ----------------------------------------------------------------------------- the page's part


def chapter_text(options: SegmentBase, lesson_tokens: str | list[str]) -> str:
    """The tokens a chapter works with, as text the learner could type."""
    def words(v) -> list[str]:
        if v is None:
            return []
        if isinstance(v, str):
            return [v]
        return [w for x in v for w in words(x)]

    given = options.model_dump()
    out: list[str] = []
    for name in TOKEN_OPTIONS:
        for w in words(given.get(name)):
            if w not in out or name == "tokens":
                out.append(w)
    if out:
        return " ".join(out)
    return lesson_tokens if isinstance(lesson_tokens, str) else " ".join(lesson_tokens)


def _text_ids(table: EmbeddingTable, text: str) -> list[int]:
    if table.tokenizer is not None:
        return [p.id for w in table.tokenizer.split_text(text) for p in w.pieces]
    return [table.vocab.index[w] for w in text.split() if w in table.vocab.index]


def lesson_data(compiled: CompiledLesson, facts: dict) -> dict:
    """The page's own part: each chapter's tokens and the exact rows of every token they use."""
    lesson = compiled.lesson
    table = lesson.table
    tokens = lesson.config.tokens
    chapters = [{"title": sb.title, "text": chapter_text(opt, tokens)}
                for sb, opt in zip(compiled.storyboards, lesson.config.segments)]
    text = tokens if isinstance(tokens, str) else " ".join(tokens)
    ids = sorted({*(int(i) for i in lesson.sequence.ids),
                  *(i for c in chapters for i in _text_ids(table, c["text"]))})
    rows = table.rows(np.array(ids, dtype=np.int64)) if ids else np.empty((0, table.d))
    bound = facts["cosineError"]
    where = (f"All {facts['V']:,} rows" if facts["rows"] == facts["V"]
             else f"The rows of the first {facts['rows']:,} of {facts['V']:,} tokens")
    return {"asset": facts["name"], "src": "../../" + facts["name"],      # the page: <root>/<slug>/<quality>/
            "text": text, "chapters": chapters, "decimals": lesson.style.decimals, "maxColumns": MAX_COLS, "k": K,
            "exact": {str(i): [float(x) for x in r] for i, r in zip(ids, rows)},
            "names": {str(i): table.vocab.tokens[i] for i in ids if i >= facts["rows"]},
            "precision": (f"{where} stored as 8-bit integers with a scale per row; cosines within "
                          f"±{bound:g} of the model's, distances within ±{facts['distanceError']:g} (largest "
                          f"errors over {facts['pairs']:,} random pairs); the lesson's own tokens use their "
                          "exact rows")}


def _json_for_script(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def page_block(compiled: CompiledLesson | None, root: Path | None) -> str:
    """The playground's HTML, style and script for the lesson page, its asset written at ``root``;
    empty when the lesson turns it off or the page cannot reproduce the source's tokenizer."""
    if compiled is None or root is None or compiled.lesson.config.playground == "off":
        return ""
    try:
        facts = write_asset(root, compiled.lesson.table)
    except Unreproducible:
        return ""
    data = lesson_data(compiled, facts)
    e = html.escape
    return (f'<section id="playground" class="pg" aria-labelledby="pg-h">\n'
            f'<h2 id="pg-h">Try it: the same model, in your browser</h2>\n'
            f'<p class="muted" id="pg-precision">{e(data["precision"])}.</p>\n'
            '<form id="pg-form" autocomplete="off">'
            '<label for="pg-text">Text to split into tokens</label>'
            f'<div class="pg-row"><input id="pg-text" name="text" type="text" value="{e(data["text"])}" '
            'spellcheck="false">'
            '<button type="submit">Look up</button></div></form>\n'
            '<p id="pg-status" role="status" class="muted">Loading the vectors…</p>\n'
            '<div id="pg-out" hidden></div>\n'
            '</section>\n'
            f'<style>{template("playground.css")}</style>\n'
            f'<script type="application/json" id="playground-data">{_json_for_script(data)}</script>\n'
            f"<script>{template('playground_core.js')}\n{template('playground.js')}</script>\n")
