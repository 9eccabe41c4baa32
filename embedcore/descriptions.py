"""Audio description (WCAG 1.2.5): what each beat of a segment puts on screen, in plain words.

``describe(storyboard)`` returns one sentence group per beat of the segment's scene, in the
scene's order (``scenes/<type>.py``'s ``beats()``; ``tests/test_descriptions.py`` holds the two
in step and checks that every beat that draws something has words). An entry says what
appears, with the numbers the screen shows, beyond what the narration already says.
An empty entry is a beat that draws nothing for this storyboard (an optional panel).

``description_cues`` times the entries: the scene says narration line i at the start of the
beat :func:`~embedcore.storyboard.narration_phases` gives it, so a beat with lines starts with
its first line's cue. A beat without a line of its own plays under the previous beat's line
and is described in that cue ("Then, ..."). The cues are in clip time, like the captions.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from embedcore.segments._geometry import VectorsStoryboard
from embedcore.segments.analogy import AnalogyStoryboard, Hit
from embedcore.segments.cosine_vs_distance import CosineDistanceStoryboard
from embedcore.segments.lookup import LookupStoryboard
from embedcore.segments.matrix_shape import MatrixShapeStoryboard, ShapeRow
from embedcore.segments.nearest_neighbours import Neighbour, NeighboursStoryboard
from embedcore.segments.pitfall_learned import LearnedStoryboard, RowView
from embedcore.segments.pitfall_spelling import SpellingStoryboard
from embedcore.segments.similarity_matrix import SimilarityMatrixStoryboard
from embedcore.segments.text import TextStoryboard
from embedcore.segments.tokenize import TokenizeStoryboard
from embedcore.segments.training import TrainingStoryboard
from embedcore.storyboard import Storyboard, narration_phases
from embedcore.title_card import TitleCardStoryboard

LISTED = 8          # items a long list names before "and N more"

_SYMBOLS = (("\u22ef", ""), ("\u22ee", ""), (" \u2192 ", " to "), (" \u00b7 ", ", "))


def plain(text: str) -> str:
    """Screen text made readable aloud: elision marks dropped, arrows and dots said as words."""
    for a, b in _SYMBOLS:
        text = text.replace(a, b)
    return re.sub(r"\s{2,}", " ", re.sub(r"\s+([,.;:])", r"\1", text)).strip()


_TYPST = ((r"\bnorm\(([^()]*)\)", r"‖\1‖"), (r"\bthin\b", ""), (r"\btheta\b", "θ"), (r"\bdot\b", "\u22c5"),
          (r"\btimes\b", "×"), (r"\bapprox\b", "≈"), (r"\bsqrt\(([^()]*)\)", r"√(\1)"), (r"\bsum\b", "Σ"))


def formula_text(typst: str) -> str:
    """A Typst formula as the characters a reader sees (cos θ = (A · B) / (‖A‖ ‖B‖))."""
    out = typst
    for rx, repl in _TYPST:
        out = re.sub(rx, repl, out)
    return re.sub(r"\s{2,}", " ", out).strip()


def _sentence(text: str) -> str:
    """``text`` ending in one full stop (or its own ? or !)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _note(where: str, text: str, sb: Storyboard) -> str:
    """An on-screen sentence: quoted, unless the narration says it word for word (then only where it is)."""
    if text.strip() in (line.strip() for line in sb.narration):
        return f"{where} shows a sentence the narration says."
    return _sentence(f"{where}: {text}")


def _listed(items: Sequence[str], sep: str = "; ") -> str:
    shown = list(items[:LISTED])
    more = len(items) - len(shown)
    return sep.join(shown) + (f"{sep}and {more} more" if more > 0 else "")


def _q(token: str) -> str:
    return f"'{token}'"


def _cells(cells: Sequence[str]) -> str:
    """A row's shown numbers; the elision mark becomes 'and more'."""
    shown = [c for c in cells if c not in ("\u22ef", "\u22ee")]
    return ", ".join(shown) + (", and more" if len(shown) < len(cells) else "")


# ---- one function per segment type: a list with one entry per scene beat -------------------------

def _title(sb: TitleCardStoryboard) -> list[str]:
    chapters = "; ".join(f"{i}. {t}" for i, t in enumerate(sb.chapters, 1))
    sub = f", {sb.subtitle}" if sb.subtitle else ""
    return [plain(f"Title card: {_sentence(sb.title + sub)} Chapters: {chapters}. {sb.shape}. "
                  f"Vectors: {_sentence(sb.source_label)}")]


def _lookup(sb: LookupStoryboard) -> list[str]:
    chips = ", ".join(f"{_q(s.text)} id {s.id:,}" for s in sb.steps)
    shown_rows = [r.token for r in sb.matrix_rows if r.kind == "row" and r.token is not None]
    cols = ", ".join("…" if c is None else str(c) for c in sb.columns)
    hidden = []
    if sb.rows_elided:
        hidden.append("rows in between are hidden")
    if sb.cols_elided:
        hidden.append("columns in between are hidden")
    walk = []
    for s in sb.steps:
        again = f", the same row as position {s.first_position + 1}" if s.first_position != s.position else ""
        walk.append(f"{_q(s.text)} (id {s.id:,}{again}): {_cells(s.cells)}")
    n = len(sb.steps)
    return [
        f"The sentence appears as {n} token chips, each with its id: {chips}.",
        plain(f"Left: the embedding matrix, {sb.vocab_size:,} rows by {sb.dim:,} columns, showing the rows of "
              f"{', '.join(_q(t) for t in shown_rows)} and columns {cols}"
              + (f" ({'; '.join(hidden)})" if hidden else "") + ". Right: an empty output table, one row per token."),
        plain("Token by token, its row lights up in the matrix and is copied into the output: "
              + _listed(walk) + "."),
        f"The output table is highlighted: n = {n} rows of {sb.dim:,} numbers, a {n} × {sb.dim:,} matrix.",
    ]


def _matrix_shape(sb: MatrixShapeStoryboard) -> list[str]:
    def row(r: ShapeRow) -> str:
        return f"{r.name}: V {r.V}, d {r.d}, {r.parameters} parameters, {r.memory}"
    first, rest = sb.rows[0], sb.rows[1:]
    return [
        plain(f"A block stands for the matrix, braced down the side: {sb.v_label}; and along the top: "
              f"{sb.d_label}. Below it: {sb.shape_label}."),
        plain(f"A table of sizes at float32 starts with {row(first)}. " + _note("A note", sb.pitfall, sb)),
        plain("More rows join the table: " + "; ".join(row(r) for r in rest)
              + f". The last row's parameter count, {rest[-1].parameters} ({rest[-1].name}), is highlighted.")
        if rest else "",
        plain("A card on cost: " + "; ".join(f"{c.what}: {c.big_o}, {c.filled}" for c in sb.complexity) + "."),
    ]


def _vectors(sb: VectorsStoryboard) -> list[str]:
    three = sb.screen_dim == 3
    arrows = ", ".join(f"{_q(v.token)}" for v in sb.vectors)
    lengths = "; ".join(f"{v.token} {v.norm_text}" for v in sb.vectors)
    pairs = "; ".join(f"{p.tokens[0]} and {p.tokens[1]}: cosine {p.cosine_text}, angle {p.angle_text}, "
                      f"distance {p.distance_text}" for p in sb.pairs)
    turn = " The camera turns." if three else ""
    last = ""
    if sb.pairs:
        last = f"Pair by pair, both arrows are highlighted and a row added: {pairs}." + turn
    elif three:
        last = "The camera turns around the arrows."
    return [
        f"{'3D axes' if three else 'Axes'}; from the origin, one arrow per token: {arrows}, each labelled." + turn,
        plain(f"{sb.projection_note} A table of lengths: {lengths}.") + turn,
        plain(last),
    ]


def _cosine_distance(sb: CosineDistanceStoryboard) -> list[str]:
    first, last = sb.samples[0], sb.samples[-1]
    return [
        plain(f"{sb.projection_note} Two arrows from one origin: A, {_q(sb.a.token)}, and B, {_q(sb.b.token)}. "
              f"An arc marks the angle θ between them, a line the distance between their tips. Readouts: "
              f"angle θ = {sb.angle_text}, cos θ = {sb.cosine_text}, distance ‖A − B‖ = {sb.distance_text}, "
              f"length ‖A‖ = {sb.a.norm_text}, length ‖B‖ = {sb.b.norm_text}."),
        plain(f"The formula {formula_text(sb.formula)}; under it, with this pair's numbers: "
              f"{formula_text(sb.substituted)}. The cos θ readout is highlighted."),
        plain(f"B is scaled from {first.factor_text} to {last.factor_text} times: its arrow grows, ‖B‖ goes "
              f"{first.norm_b_text} → {last.norm_b_text} and the distance {first.distance_text} → "
              f"{last.distance_text}, while θ stays {last.angle_text} and cos θ {last.cosine_text}."),
        plain("The formula leaves; two closing lines: " + "; ".join(c.replace(" → ", " for ") for c in sb.closing)
              + "."),
    ]


def _similarity(sb: SimilarityMatrixStoryboard) -> list[str]:
    n = len(sb.tokens)
    labels = ", ".join(sb.labels)
    if sb.show_values:
        row0 = "; ".join(f"{sb.labels[0]} with {b}: {c}" for b, c in zip(sb.labels, sb.cells[0]))
        fill = f"The first row fills cell by cell, each cell coloured and numbered: {_listed(row0.split('; '))}."
    else:
        fill = "The first row fills cell by cell, coloured without numbers."
    first_note = f" Beside it: {sb.row_notes[0]}." if sb.row_notes else ""
    rest = list(sb.row_notes[1:])
    diag = f"The diagonal is outlined, with the note: {sb.notes[0]}" if sb.notes else "The diagonal is outlined."
    pair = sb.highest or sb.lowest
    if pair is not None:
        diag += f" Cells ({sb.labels[pair.i]}, {sb.labels[pair.j]}) and ({sb.labels[pair.j]}, {sb.labels[pair.i]}) " \
                f"are outlined, with the note: {sb.sym_note}"
    repeats = ""
    if sb.repeats:
        i, j = sb.repeats[0]
        repeats = f"Rows {i + 1} and {j + 1}, both {_q(sb.tokens[i])}, are outlined: the same token, identical rows."
    return [
        plain(f"A {n} by {n} grid, rows and columns labelled {labels}. A colour scale: {sb.scale_note}. {fill}"
              f"{first_note}"),
        plain("The other rows fill in one at a time, each with its closest token: " + _listed(rest) + ".")
        if rest else "",
        plain(diag),
        plain(repeats),
    ]


def _spelling(sb: SpellingStoryboard) -> list[str]:
    look, rel = sb.cards
    return [
        f"A card headed '{look.kind}': {_q(look.a)} and {_q(look.b)}, the changed letters highlighted; "
        f"{look.edit_text}.",
        f"Its cosine appears: {look.cosine_text}. A second card headed '{rel.kind}': {_q(rel.a)} and {_q(rel.b)}, "
        f"{rel.edit_text}, cosine {rel.cosine_text}.",
        plain(_note("A line under the cards", sb.finding, sb)),
        plain(_note("A note", sb.honesty, sb)),
    ]


def _row(r: RowView) -> str:
    return f"{_q(r.token)} (id {r.id:,}): {_cells(r.cells)}"


def _learned(sb: LearnedStoryboard) -> list[str]:
    where = " and ".join(str(p + 1) for p in sb.positions)
    origin_said = sb.origin in narration_phases(sb.narration, 3)[2]
    return [
        plain(f"The tokens as chips: {' '.join(sb.tokens)}. Both {_q(sb.row.token)}s, at positions {where}, are "
              f"marked, with arrows to one row of a table: {_row(sb.row)}. Beside it: {sb.same_note}."),
        plain(f"A second row appears: {_row(sb.lookalike)}. Beside it: {sb.look_note}."),
        "" if origin_said else plain(_sentence(f"A note: {sb.origin}")),
    ]


def _hits(hits: Sequence[Hit]) -> str:
    return "; ".join(f"{h.rank}. {h.token} {h.text}" + (" (an input)" if h.is_input else "")
                     + (" (expected)" if h.is_expected else "") for h in hits)


def _analogy(sb: AnalogyStoryboard) -> list[str]:
    marked = any(h.is_expected for h in (*sb.raw, *sb.excluded))
    return [
        plain(f"The expression {sb.expression}, and under it: vector arithmetic on the rows, then which tokens' "
              f"rows point the same way, by cosine."),
        plain(f"Left list, raw top {sb.k}, inputs allowed: {_hits(sb.raw)}."),
        plain(f"Right list, top {sb.k} with the inputs excluded: {_hits(sb.excluded)}."
              + (f" {_q(sb.expect)} is boxed in both lists." if marked and sb.expect else "")),
        # the scene prints the note only when no caption on screen says it during its beat (the last of 4)
        "" if sb.captions_on_screen and sb.honesty in narration_phases(sb.narration, 4)[3]
        else plain(_note("A note", sb.honesty, sb)),
    ]


def _neighbours_list(ns: Sequence[Neighbour]) -> str:
    return "; ".join(f"{n.rank}. {n.token} {n.text}" for n in ns)


def _neighbours(sb: NeighboursStoryboard) -> list[str]:
    links = [n for n in sb.by_cosine if n.other_rank is not None]
    moved = [f"{n.token} ({n.rank} by cosine, {n.other_rank} by distance)" for n in links if n.other_rank != n.rank]
    linked = (f"Lines join each token found in both lists ({', '.join(n.token for n in links)})"
              + (f"; highlighted where the rank differs: {'; '.join(moved)}" if moved else "") + ". ") if links else ""
    return [
        plain(f"The query chip {_q(sb.query)} (id {sb.query_id:,}); beside it: {sb.space_note}."),
        plain(f"Two ranked lists of {sb.k}. By cosine, higher is closer: {_neighbours_list(sb.by_cosine)}. "
              f"By distance, lower is closer: {_neighbours_list(sb.by_distance)}."),
        plain(f"{linked}A legend: accent marks a token found by one metric only, or at a different rank."),
    ]


def _tokenize(sb: TokenizeStoryboard) -> list[str]:
    pieces = [p for w in sb.words for p in w.pieces]
    split = [w.shown + (" (added by the tokenizer)" if w.special else f": {', '.join(p.text for p in w.pieces)}")
             for w in sb.words]
    ids = ", ".join(f"{p.text} {p.id:,}" for p in pieces)
    marked = [p.text for p in pieces if p.special or p.unknown]
    return [
        plain(f"The text as typed: “{sb.text}”, and under it an arrow labelled {sb.tokenizer}."),
        plain("Word by word, its pieces appear as chips: " + _listed(split) + "."),
        plain(f"Under each piece, its id: {ids}."
              + (f" Highlighted: {', '.join(dict.fromkeys(marked))}." if marked else "")),
        plain(_sentence(sb.summary) + " " + " ".join(_sentence(n) for n in sb.notes)),
    ]


def _training(sb: TrainingStoryboard) -> list[str]:
    words = ", ".join(_q(t) for t in sb.tokens)
    start = "; ".join(f"{p.a} and {p.b} {p.cells[0]}" for p in sb.pairs)
    change = "; ".join(f"{p.a} and {p.b} {p.cells[0]} → {p.cells[-1]}" for p in sb.pairs)
    end = "; ".join(f"{p.a} and {p.b} {p.cells[-1]}" for p in sb.pairs)
    losses = [c for c, v in zip(sb.loss_cells, sb.losses) if v is not None]
    loss = f" The loss curve falls from {losses[0]} to {losses[-1]}." if losses else ""
    return [
        plain(f"A 2D plot with one arrow per word: {words}. Under it: {sb.projection_note} Readouts: "
              f"{sb.epoch_cells[0]}; loss {sb.loss_cells[0]}" + (f"; cosines {start}." if start else ".")),
        plain(f"Training plays, {sb.epoch_cells[1]} to {sb.epoch_cells[-1]}: the arrows move and leave trails.{loss}"
              + (f" Cosines: {change}." if change else "")),
        plain(f"The final cosines are highlighted: {end}.") if sb.pairs else "",
    ]


def _text(sb: TextStoryboard) -> list[str]:
    items = [_sentence(f"On screen: {b}") for b in sb.bullets]
    formula = _sentence(f"A formula is written: {formula_text(sb.formula)}") if sb.formula else None
    if items and len(sb.narration) == len(items):
        if formula:
            items[-1] += f" {formula}"
    else:
        items += [formula] if formula else []
        if not items:
            return [""]
    return [plain(i) for i in items]


DESCRIBERS: dict[type, Callable[..., list[str]]] = {
    TitleCardStoryboard: _title, LookupStoryboard: _lookup, MatrixShapeStoryboard: _matrix_shape,
    VectorsStoryboard: _vectors, CosineDistanceStoryboard: _cosine_distance,
    SimilarityMatrixStoryboard: _similarity, SpellingStoryboard: _spelling, LearnedStoryboard: _learned,
    AnalogyStoryboard: _analogy, NeighboursStoryboard: _neighbours, TokenizeStoryboard: _tokenize,
    TrainingStoryboard: _training, TextStoryboard: _text,
}


def describe(sb: Storyboard) -> list[str]:
    """One entry per beat of the segment's scene: what it draws, in plain words ("" = draws nothing)."""
    fn = next((f for cls, f in DESCRIBERS.items() if isinstance(sb, cls)), None)
    if fn is None:
        raise TypeError(f"no audio description for segment type {sb.type!r}: add it to embedcore/descriptions.py")
    return fn(sb)


def description_cues(sb: Storyboard, cues: Sequence[dict[str, Any]], duration: float) -> list[dict[str, Any]]:
    """The clip's description cues (start, end, text), in clip time.

    ``cues``: the clip's narration cues, one per narration line, as the scene recorded them."""
    beats = describe(sb)
    phases = narration_phases(sb.narration, len(beats))
    groups: list[tuple[float, list[str]]] = []
    line = 0
    for text, lines in zip(beats, phases):
        if lines and line < len(cues):
            groups.append((float(cues[line]["start"]), []))
        elif not groups:
            groups.append((0.0, []))
        line += len(lines)
        if text:
            groups[-1][1].append(f"Then: {text}" if groups[-1][1] else text)
    out = []
    for k, (start, texts) in enumerate(groups):
        if not texts:
            continue
        end = groups[k + 1][0] if k + 1 < len(groups) else duration
        out.append({"start": round(start, 3), "end": round(max(end, start + 0.001), 3), "text": " ".join(texts)})
    return out


def to_vtt(cues: Sequence[dict[str, Any]]) -> str:
    """A WebVTT file for ``<track kind="descriptions">``: one cue per beat group, its text on one line."""
    out = ["WEBVTT", ""]
    for i, c in enumerate(cues, 1):
        out += [str(i), f"{_ts(c['start'])} --> {_ts(c['end'])}", c["text"].replace("-->", "→"), ""]
    return "\n".join(out)


def _ts(t: float) -> str:
    ms = int(round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
