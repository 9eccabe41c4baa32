"""Scene for the ``tokenize`` segment: the text as typed, then each word split into token chips with ids.

In motion: each word leaves the typed text for its place, and breaks into its
pieces (each chip's letters come from the word's own letters); a continuation
piece (``##``) lands detached and slides onto the piece before it, a clasp
joining the two; the ids drop out from under their chips. A word that is one
piece reading as typed lands directly as its chip.

Every word keeps its pieces together; a label with the word as typed is
written above them only where it says more than the chips (a split, cut,
lowercased or unknown word). Words flow onto as many rows as the frame needs
and the block is scaled to fill the body between the text and the notes, so
tall frames use their height. Held at the text floor, the typed text gives way
to the words (taking turns), and when they are still too tall the first that
fit are drawn and the flow ends saying how many ("first 4 of 11 words shown",
from the storyboard). Special tokens are drawn muted, the unknown token in the
negative colour; the notes under the block say what those marks mean.
"""
from __future__ import annotations

import itertools

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    LaggedStart,
    Mobject,
    Rectangle,
    RoundedRectangle,
    TransformFromCopy,
    VGroup,
    there_and_back,
)

from embedcore.segments.tokenize import PieceView, TokenizeStoryboard, WordSplit
from scenes import layout, marks

from .base import Beat, SegmentScene
from .components.chip import TokenChip
from .components.emphasis import fade_in, indicate
from .components.text import elide, label, number, wrapped
from .theme import GAP, SIZE

MIN_WORDS = 0.6        # the chips are not drawn smaller than this while text and notes can give way
CLASP = 0.28           # a clasp's height, as a fraction of the chips' height
MIN_CHIP = 0.7         # a chip's least width (a one-letter piece still reads as a chip)
ARROW = GAP.l + GAP.xs  # room for the arrow from the typed text down to the words


def glyphs(lines: VGroup) -> list[Mobject]:
    """The glyphs of the lines of a wrapped block, in reading order (spaces draw none)."""
    return [g for line in lines for g in line.submobjects]


def ink(s: str) -> int:
    return sum(1 for c in s if not c.isspace())


def flow(items: list, max_width: float, *, hbuff: float, vbuff: float, aligned=UP) -> VGroup:
    """``items`` left to right, a new row when the next would pass ``max_width``; rows centred, stacked."""
    rows = layout.flow_rows(items, max_width, hbuff)
    out = VGroup(*[VGroup(*r).arrange(RIGHT, buff=hbuff, aligned_edge=aligned) for r in rows])
    return out.arrange(DOWN, buff=vbuff)


def _lines(words: list[str], widths: list[float], max_width: float, space: float) -> list[str]:
    """Greedy word wrap by measured widths; a word wider than a line is broken between its characters
    (a long token has no space to break at), so every line fits ``max_width``."""
    lines, cur, w = [], "", 0.0
    for word, ww in zip(words, widths):
        while ww > max_width:           # a word no line holds: what fits of it ends a line of its own
            if cur:
                lines.append(cur)
                cur, w = "", 0.0
            keep = max(1, int(len(word) * max_width / ww))
            lines.append(word[:keep])
            word, ww = word[keep:], ww * (len(word) - keep) / len(word)
        if not word:
            continue
        if cur and w + space + ww <= max_width:
            cur, w = f"{cur} {word}", w + space + ww
        else:
            if cur:
                lines.append(cur)
            cur, w = word, ww
    return [*lines, cur] if cur else lines


def typed_text(s: str, th, *, max_width: float, max_height: float) -> VGroup:
    """The text as typed, in the mono font, one :class:`Text` a line (every glyph of it, in reading
    order, so words can leave it letter for letter). Up to three lines at the heading size (a few
    percent smaller to fit, as :func:`wrapped` sets it); a longer text takes as many lines as
    ``max_height`` holds, drawn smaller but never under the text floor, and past that is cut with "…"
    (the words under it still show every piece)."""
    one = label(s, th, size=SIZE.heading, mono=True)
    if one.width <= 3 * max_width:      # about three lines or fewer: as wrapped text is set everywhere
        block = wrapped(s, th, size=SIZE.heading, mono=True, max_width=max_width, max_lines=3, buff=GAP.xs)
        if layout.floor_scale(block) <= 1.0 and block.height <= max_height:
            return block
    words, glyph = s.split(), one.submobjects
    if len(glyph) == ink(s):        # each word's width and the spaces, read off the one line's glyphs
        ends = list(itertools.accumulate(len(w) for w in words))
        spans = [(glyph[e - len(w)].get_left()[0], glyph[e - 1].get_right()[0]) for w, e in zip(words, ends)]
        widths = [b - a for a, b in spans]
        space = min((c - b for (_, b), (c, _) in zip(spans, spans[1:])), default=0.0)
    else:                           # glyphs that are not one a character (a ligature): by their share
        widths = [one.width * len(w) / len(s) for w in words]
        space = one.width / len(s)
    probe = label("Hg", th, size=SIZE.heading, mono=True)
    least = layout.floor_scale([probe])
    line_h = probe.height + GAP.xs
    for f in [*(f for f in (1.0, 0.85, 0.7) if f > least), least]:
        lines = _lines(words, widths, max_width / f, space)
        if len(lines) * line_h * f <= max_height or f == least:
            break
    keep = max(1, int((max_height / f + GAP.xs) // line_h))
    if len(lines) > keep:       # still too tall at the floor: the lines that fit, the last one cut
        lines = [*lines[:keep - 1], elide(lines[keep - 1] + " …", len(lines[keep - 1]))]
    out = VGroup(*[label(line, th, size=SIZE.heading, mono=True) for line in lines])
    out.arrange(DOWN, buff=GAP.xs, aligned_edge=LEFT).scale(f)
    if out.width > max_width:       # the measured widths were a few percent off
        out.scale_to_fit_width(max_width)
    return out


def block_size(sizes: list[tuple[float, float, float]], max_width: float) -> tuple[float, float]:
    """The width and height :meth:`TokenizeScene._flow_words` gives words of these ``sizes`` (width, height,
    the first chip's depth under the word's top), computed without moving anything: a scene of many
    glyphs (emoji are hundreds of points each) measures a dozen arrangements in no time."""
    rows: list[list[tuple[float, float, float]]] = []
    w = 0.0
    for it in sizes:                    # the rule of layout.flow_rows, on numbers
        add = it[0] + (GAP.l if rows and rows[-1] else 0)
        if not rows or (rows[-1] and w + add > max_width):
            rows.append([])
            w, add = 0.0, it[0]
        rows[-1].append(it)
        w += add
    widths = [sum(i[0] for i in r) + GAP.l * (len(r) - 1) for r in rows]
    heights = [max(max(i[2] for i in r) - i[2] + i[1] for i in r) for r in rows]
    return max(widths), sum(heights) + GAP.m * (len(rows) - 1)


def says_more(w: WordSplit) -> bool:
    """Whether a word's label says something its chips do not: it is split, cut, or spelled otherwise
    (lowercased, unknown). A word that is one piece reading as typed is its chip: no label over it."""
    return len(w.pieces) != 1 or w.pieces[0].text != w.shown


def _bar(x0: float, x1: float, y: float, chip: TokenChip) -> RoundedRectangle:
    """A clasp (or half of one) from ``x0`` to ``x1`` at height ``y``, in ``chip``'s colour."""
    h = CLASP * chip.box.height
    return RoundedRectangle(corner_radius=h / 2, width=x1 - x0, height=h, stroke_width=0, fill_color=chip.colour,
                            fill_opacity=1).move_to([(x0 + x1) / 2, y, 0])


class TokenizeScene(SegmentScene):
    storyboard: TokenizeStoryboard
    #: attribute groups that must not overlap in any frame shape (tests/test_aspect_themes.py)
    PANELS = (("header", "typed", "tokenizer_note"), ("words",), ("summary", "notes"))
    TAKE_TURNS = (("typed", "words"), ("tokenizer_note", "words"))

    def build_body(self) -> None:
        sb, th = self.storyboard, self.theme
        max_w = self.regions.body.width
        # the text as typed, in a box, and the tokenizer's name under it
        self.tokenizer_note = label(sb.tokenizer, th, size=SIZE.note, colour=th.muted, max_width=max_w)
        text = typed_text(sb.text, th, max_width=max_w - 2 * GAP.m,
                          max_height=self.regions.body.height - GAP.l - self.tokenizer_note.height - GAP.s - ARROW)
        box = RoundedRectangle(corner_radius=GAP.s, width=text.width + 2 * GAP.m, height=text.height + GAP.l,
                               stroke_color=th.faint, stroke_width=2, fill_color=th.panel, fill_opacity=1)
        self.typed = VGroup(box, text.move_to(box))

        # one group per word: the word as typed, its pieces as chips, each piece's id under it
        self.chips, self.ids, groups = VGroup(), VGroup(), []
        # every word's label (the word as typed), drawn above its chips only where it says more than they do
        self.word_labels, self.labelled = VGroup(), []
        self._first_chip: dict[int, Mobject] = {}
        self._parts: list[tuple[Mobject, list, WordSplit, bool]] = []      # each word's label, pieces, split, labelled
        # a chip is never wider than the body at the text floor: a longer piece is cut with "…" (its word's
        # label, then drawn, says how long it is)
        widest = max_w / layout.floor_scale([number("0", th, size=SIZE.small), label("a", th, size=SIZE.note)])

        for w in sb.words:
            if w.special:
                colour = th.muted
            else:
                colour = self.colour_of(w.text)
            pieces, cut = [], False
            for p in w.pieces:
                idl = number(f"{p.id:,}", th, size=SIZE.small, colour=th.muted)
                chip = self._chip(p, w, colour, idl)
                if chip.width > widest:
                    chip, cut = self._chip(p, w, colour, idl, widest), True
                pieces.append(VGroup(chip, idl.next_to(chip, DOWN, buff=GAP.s)))
                self.chips.add(chip)
                self.ids.add(idl)
            word = label(w.shown, th, size=SIZE.note, colour=th.muted if w.special else colour, max_width=max_w)
            if not w.special:       # written in the word's colour: the word is in the frame even when its
                marks.token(word, w.text)   # only chip is the unknown token's (more words than colours: labels carry them)
            self.word_labels.add(word)
            self.labelled.append(cut or says_more(w))
            self._parts.append((word, pieces, w, self.labelled[-1]))
            groups.append(self._group(len(self._parts) - 1, max_w))

        # the count and what the marks mean, at the bottom of the body
        self.summary = label(sb.summary, th, size=SIZE.heading, weight="BOLD")
        self.notes = wrapped("   ·   ".join(sb.notes), th, size=SIZE.small, colour=th.muted, max_width=max_w,
                             centred=True, buff=GAP.xs) if sb.notes else VGroup()
        bottom = VGroup(self.summary, self.notes).arrange(DOWN, buff=GAP.s)
        self._fit(groups, bottom, max_w)

    def _group(self, i: int, width: float, first: int | None = None) -> VGroup:
        """Word ``i``: its label (where drawn) over its pieces (its ``first`` ones), flowed onto rows ``width`` wide."""
        word, pieces, w, labelled = self._parts[i]
        pieces = pieces[:first]
        row = flow(pieces, width, hbuff=GAP.xs, vbuff=GAP.s)
        wraps = any(w.pieces[sum(len(r) for r in row[:k])].continues for k in range(1, len(row)))
        group = VGroup(word, row).arrange(DOWN, buff=GAP.s) if labelled else VGroup(row)
        self._first_chip[id(group)] = pieces[0][0]
        if wraps:       # a continuation starts a row: room beside the rows for the halves of its clasp,
            # drawn nowhere but measured with the word, so the kit's scaling and flowing keep it
            group.add(Rectangle(width=row.width + 2 * GAP.m, height=row.height, stroke_width=0,
                                fill_opacity=0).move_to(row))
        return group

    def _chip(self, p: PieceView, w: WordSplit, colour: str, idl: Mobject, most: float | None = None) -> TokenChip:
        th = self.theme
        return TokenChip(p.text, th.negative if p.unknown else colour, th, size=SIZE.label, max_width=most,
                         min_width=max(MIN_CHIP, idl.width + GAP.s), token=w.text, token_colour=not p.unknown)

    def _fit(self, groups: list, bottom: VGroup, max_w: float) -> None:
        """The words fill the body between the text and the notes. Of the row widths tried, the one that
        draws them largest wins (fewer, wider rows scaled down beat many rows in a short body); when even
        that leaves them under MIN_WORDS (a long text in a square frame), text and notes give way first."""
        cap = layout.grow_limit(groups, SIZE.value)       # the chips grow at most to the size of a value
        least_words = layout.floor_scale(groups)
        # row widths to try: fractions of the body, and the widest rows that fit it at the text floor
        widths = (*(max_w * f for f in (0.45, 0.6, 0.8, 1.0, 1.25, 1.6, 2.0, 3.0)), max_w / max(least_words, 1e-9))
        sizes = [self._size(g) for g in groups]
        dims = {width: block_size(sizes, width) for width in widths}
        top0, floor = self.regions.body.y1, self.regions.body.y0
        head_h = self.typed.height + GAP.s + self.tokenizer_note.height

        def room(k: float) -> float:        # under the text (and the arrow), over the notes
            return (top0 - k * head_h - ARROW) - (floor + k * bottom.height + GAP.l)

        def words_scale(k: float) -> tuple[float, float]:
            return max((min(cap, room(k) / h, max_w / w), width) for width, (w, h) in dims.items())
        least = min(1.0, layout.floor_scale([self.typed, self.tokenizer_note, bottom]))   # never under the text floor
        ks = [k for k in (1.0, 0.85, 0.7, 0.6) if k >= least] or [least]
        k = next((k for k in ks if words_scale(k)[0] >= MIN_WORDS), ks[-1])
        scale, width = words_scale(k)
        if scale < least_words:         # held at the floor: the rows that fit the width, the fewest of them
            scale = least_words
            # a word whose pieces take several rows: rows as wide as the body holds at the floor
            groups = [self._group(i, max_w / scale) for i in range(len(groups))]
            sizes = [self._size(g) for g in groups]
            dims = {width: block_size(sizes, width) for width in widths}
            width = min((h, width) for width, (w, h) in dims.items() if w * scale <= max_w + 1e-6
                        or width == min(dims))[1]
        for m in (self.typed, self.tokenizer_note, bottom):
            m.scale(k)
        self.typed.move_to([0, top0, 0], aligned_edge=UP)
        self.tokenizer_note.next_to(self.typed, DOWN, buff=GAP.s * k)
        bottom.move_to([0, floor, 0], aligned_edge=DOWN)
        top = arrow_end = self.tokenizer_note.get_bottom()[1] - ARROW
        self.words = self._flow_words(groups, width)
        self.words.scale(scale)
        # held at the floor and still taller than the room under the typed text: the typed text gives
        # its place to the words (each word is written above its pieces), taking turns in the body
        self.turns = self.words.height > top - (bottom.get_top()[1] + GAP.m)
        if self.turns:      # the whole body, up to the header's last line
            top = self.header.get_bottom()[1] - GAP.xs
        self.more = VGroup()
        if self.words.height > top - (bottom.get_top()[1] + GAP.m):
            self._fewer(groups, sizes, list(dims), scale, top - (bottom.get_top()[1] + GAP.m), max_w)
        self.words.move_to([0, (top + bottom.get_top()[1] + GAP.l) / 2, 0])
        layout.keep_inside(self.words, layout.Box(self.regions.body.x0, bottom.get_top()[1], self.regions.body.x1, top))
        self.arrow = Arrow(self.tokenizer_note.get_bottom() + GAP.xs * DOWN, [0, arrow_end + GAP.xs, 0], buff=GAP.xs,
                           color=self.theme.faint, stroke_width=3, max_tip_length_to_length_ratio=0.35)
        self.text_scale, self.words_scale = k, scale
        self._clasps()

    def _fewer(self, groups: list, sizes: list, widths: list[float], scale: float, room: float, max_w: float) -> None:
        """Even at the text floor, taking turns with the typed text, the words are taller than the body:
        the first of them that fit are drawn, the last item of the flow saying so ("first 4 of 11 words
        shown", from the storyboard); the chips, ids and labels of the rest are dropped. When even the
        first word is too tall (one word of many pieces in a short body), its first pieces are drawn
        ("first 12 of 19 tokens shown")."""
        sb, th = self.storyboard, self.theme
        self.words.scale(1 / scale)         # measured at their own size, as _fit measured them
        plain = [i for i, w in enumerate(sb.words) if not w.special]
        least = plain[0] + 1 if plain else 1            # at least one word of the text

        def fit(items: list) -> tuple[float, float]:    # the shortest arrangement that fits the width: height, width
            tried = [(*block_size([self._size(g) for g in items], w)[::-1], w) for w in widths]
            fits = [t for t in tried if t[1] * scale <= max_w + 1e-6] or [min(tried, key=lambda t: t[1])]
            h, _, width = min(fits)
            return h, width

        def more_line(text: str) -> Mobject:
            m = label(text, th, size=SIZE.note, colour=th.muted, max_width=max_w / scale)
            self._first_chip[id(m)] = m
            return m
        n, pieces, items, more = len(groups), sum(len(w.pieces) for w in sb.words), list(groups), self.more
        h, width = fit(items)
        for k in range(len(groups) - 1, least - 1, -1):         # whole words
            n, pieces = k, sum(len(w.pieces) for w in sb.words[:k])
            more = more_line(sb.first_words[k - 1])
            items = [*groups[:k], more]
            h, width = fit(items)
            if h * scale <= room:
                break
        else:       # the first word's first pieces
            last, before = n - 1, sum(len(w.pieces) for w in sb.words[:n - 1])
            for m in range(len(sb.words[last].pieces) - 1, 0, -1):
                pieces = before + m
                more = more_line(sb.first_tokens[pieces - 1])
                items = [*groups[:last], self._group(last, max_w / scale, m), more]
                h, width = fit(items)
                if h * scale <= room:
                    break
        self.more = more
        self.words = self._flow_words(items, width).scale(scale)
        self.chips, self.ids = VGroup(*self.chips[:pieces]), VGroup(*self.ids[:pieces])
        self.word_labels, self.labelled = VGroup(*self.word_labels[:n]), self.labelled[:n]

    def _size(self, group: Mobject) -> tuple[float, float, float]:
        """A word's width, height, and how far its first chip's top lies under its own top (its label)."""
        return group.width, group.height, group.get_top()[1] - self._first_chip[id(group)].get_top()[1]

    def _flow_words(self, groups: list, max_width: float) -> VGroup:
        """The words flowed into rows (:func:`flow`), each row's chips on one line: a word without a
        label drops to the chips of the labelled words beside it (a row of such words is one chip tall)."""
        block = flow(groups, max_width, hbuff=GAP.l, vbuff=GAP.m)
        for row in block:
            low = min(self._first_chip[id(g)].get_top()[1] for g in row)
            for g in row:
                g.shift((self._first_chip[id(g)].get_top()[1] - low) * DOWN)
        return block.arrange(DOWN, buff=GAP.m)

    def _clasps(self) -> None:
        """A clasp over each join of a piece and the continuation (##) after it. On one row it bridges the
        two chips; when the continuation wrapped onto the next row it is cut in two halves that read across
        the break like a hyphen: one leaving the piece's right side, one entering the continuation's left."""
        pieces = [p for w in self.storyboard.words for p in w.pieces][:len(self.chips)]
        body = self.regions.body
        self.clasps: dict[int, VGroup] = {}
        for i, p in enumerate(pieces):
            if not p.continues or i == 0:
                continue
            a, b = self.chips[i - 1], self.chips[i]
            into = GAP.s * self.words_scale                 # how far a clasp reaches into a chip
            x0, x1 = a.box.get_right()[0], b.box.get_left()[0]
            if abs(a.get_center()[1] - b.get_center()[1]) <= 1e-3:
                self.clasps[i] = VGroup(_bar(x0 - into, x1 + into, b.box.get_center()[1], b))
                continue
            # wrapped onto the next row: each half reaches out of its chip by a step, as far as the body allows
            out = max(GAP.xs, min(GAP.m * self.words_scale, body.x1 - x0, x1 - body.x0))   # the word kept room
            self.clasps[i] = VGroup(_bar(x0 - into, x0 + out, a.box.get_center()[1], b),
                                    _bar(x1 - out, x1 + into, b.box.get_center()[1], b))
        self.words.add(*self.clasps.values())
        for idl in self.ids:
            idl.set_z_index(-1)          # they drop out from under their chips
        for chip in self.chips:
            chip.word.set_z_index(1)     # the letters land on the chip, not under its box (drawn in turn)

    def beats(self) -> list[Beat]:
        return [Beat(self._show_typed), Beat(self._show_pieces), Beat(self._show_ids), Beat(self._show_summary)]

    def _show_typed(self, beat: Beat) -> None:
        self.play(FadeIn(self.typed), run_time=0.6)
        self.play(FadeIn(self.tokenizer_note), FadeIn(self.arrow), run_time=0.5)

    def _show_pieces(self, beat: Beat) -> None:
        if self.turns:
            self.play(FadeOut(self.typed), FadeOut(self.tokenizer_note), FadeOut(self.arrow), run_time=0.5)
        typed = glyphs(self.typed[1])
        typed_ok = not self.turns and len(typed) == ink(self.storyboard.text)
        k = 0
        for word, w, labelled in zip(self.word_labels, self.storyboard.words, self.labelled):
            n = len(w.pieces)
            chips = list(self.chips[k:k + n])
            if not labelled:        # one piece, as typed: the word lands as its chip
                chip = chips[0]
                src = VGroup(*typed[w.typed[0]:w.typed[1]]) if typed_ok and w.typed is not None else None
                self.play(FadeIn(chip.box), TransformFromCopy(src, chip.word) if src is not None
                          else fade_in(chip.word, self.regions.safe, 0.1 * DOWN), run_time=0.5)
                k += n
                continue
            if typed_ok and w.typed is not None:        # the word leaves the typed text for its place
                self.play(TransformFromCopy(VGroup(*typed[w.typed[0]:w.typed[1]]), word), run_time=0.5)
            else:
                self.play(fade_in(word, self.regions.safe, 0.1 * DOWN), run_time=0.3)
            self._split(word, w, chips, k)
            k += n
        if self.more.submobjects or len(self.more.points):        # the words not drawn: how many, said
            self.play(fade_in(self.more, self.regions.safe, 0.1 * DOWN), run_time=0.4)

    def _split(self, word: Mobject, w: WordSplit, chips: list, first: int) -> None:
        """The word breaks into its pieces; continuation pieces land apart and slide onto the one before."""
        letters = word.submobjects
        letters_ok = len(letters) == ink(w.shown)
        joins = [i for i in range(len(chips)) if first + i in self.clasps]
        # how far apart the pieces land: a gap at each join, as much as the title-safe area leaves
        before = [sum(1 for j in joins if j <= i) for i in range(len(chips))]
        room = min((self.regions.safe.x1 - c.get_right()[0]) / b for c, b in zip(chips, before) if b) if joins else 0
        step = max(0.0, min(GAP.m, room))
        for c, b in zip(chips, before):
            c.shift(b * step * RIGHT)

        def piece(chip, p: PieceView) -> AnimationGroup:
            src = VGroup(*letters[p.glyphs[0]:p.glyphs[1]]) if letters_ok and p.glyphs else word
            return AnimationGroup(FadeIn(chip.box), TransformFromCopy(src, chip.word))
        n = len(chips)
        self.play(LaggedStart(*[piece(c, p) for c, p in zip(chips, w.pieces)], lag_ratio=0.25,
                              run_time=min(1.4, 0.5 + 0.2 * n)))
        if joins:
            self.play(*[c.animate.shift(b * step * LEFT) for c, b in zip(chips, before) if b and step],
                      *[GrowFromCenter(half) for i in joins for half in self.clasps[first + i]], run_time=0.6)

    def _show_ids(self, beat: Beat) -> None:
        sb, th = self.storyboard, self.theme
        k = len(self.chips)
        drops = [fade_in(i, self.regions.safe, (c.get_center()[1] - i.get_center()[1]) * DOWN)
                 for c, i in zip(self.chips, self.ids)]
        self.play(LaggedStart(*drops, lag_ratio=0.08, run_time=min(1.6, 0.5 + 0.08 * k)))
        marked = [c for c, p in zip(self.chips, [p for w in sb.words for p in w.pieces]) if p.unknown or p.special]
        if marked:      # the letters pulse and the outline flashes (a whole chip in the accent hid its letters)
            self.play(*[indicate(c.word, self.regions.safe, colour=th.accent, scale_factor=1.15) for c in marked],
                      *[c.box.animate(rate_func=there_and_back).set_stroke(th.accent) for c in marked], run_time=0.8)

    def _show_summary(self, beat: Beat) -> None:
        self.play(FadeIn(self.summary), FadeIn(self.notes), run_time=0.8)
