"""Caption text → the words a voice should say.

Captions show symbols (``n × d``, ``‖A − B‖``, ``cos θ``, ``[V, d]``, ``##bed``)
that a speech engine reads raw ("hash hash bed", "times", nothing at all for
``‖`` or ``−``: hibari drops the minus of ``−0.3``). :func:`spoken` rewrites
them the way a teacher would say them. Numbers stay digits: both engines read
``30,522`` and ``0.42`` correctly (tests/test_speech.py checks their phonemes).
Pure Python, so ``embedviz script`` and the tests can use it without Manim.
"""
from __future__ import annotations

import re
from collections.abc import Callable

MINUS = "\u2212"
_NUM = r"\d[\d,]*(?:\.\d+)?"
_TERM = r"[\w'’.,]+"                    # a word, id or number inside a formula


def _pieces(m: re.Match[str]) -> str:
    """``em ##bed ##ding ##s`` → "em, then bed, ding and s, continuing the word"."""
    head, rest = m.group(1), re.findall(r"##([^\s.,;:!?]+)", m.group(2))
    if len(rest) == 1:
        return f"{head}, then {rest[0]}, continuing the word"
    tail = ", ".join(rest[:-1]) + " and " + rest[-1]
    return f"{head}, then {tail}, each continuing the word"


def _cos(m: re.Match[str]) -> str:
    a, b = (s.strip() for s in m.group(1).split(",", 1))
    return f"the cosine of {a} and {b}"


def _order(m: re.Match[str]) -> str:
    inner = " ".join(m.group(1).replace("\u00d7", " times ").split())
    return f"order {inner}"


_RULES: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    # subword pieces: a word split in a run "em ##bed ##ding ##s", then any lone "##bed"
    (r"([^\s#]+)((?:\s+##[^\s.,;:!?]+){2,})", _pieces),
    (r"##(\w+)", r"the piece \1, continuing a word"),
    # a tokenizer's special tokens, [CLS] [SEP] [UNK] [MASK]: said by their letters
    (r"\[([A-Z]{2,6})\]", lambda m: "the " + " ".join(m.group(1)) + " token"),
    # norms: ‖A − B‖ is a distance, ‖A‖ a length
    (r"‖\s*(" + _TERM + r")\s*[" + MINUS + r"-]\s*(" + _TERM + r")\s*‖", r"the distance between \1 and \2"),
    (r"‖\s*([^‖]+?)\s*‖", r"the length of \1"),
    (r"\bcos\(([^()]+,[^()]+)\)", _cos),
    (r"\bO\(([^()]+)\)", _order),
    # shapes: [V, d], [30,522 × 384]
    (r"\[\s*(" + _TERM + r")\s*(?:,|\u00d7)\s*(" + _TERM + r")\s*\]", r"\1 by \2"),
    (r"\s*\u00d7\s*", " by "),
    (r"(\w)\s*·\s*(\w)", r"\1 dot \2"),
    (r"\bcos\s*θ", "cos theta"),
    (r"θ", "theta"),
    # signs and arrows
    (r"(?<![\w)])[" + MINUS + r"](?=\d)", "minus "),
    (r"\s+[" + MINUS + r"]\s+", " minus "),
    (r"\s*→\s*", " to "),
    (r"\s*≈\s*", " about "),
    (r"\s*≤\s*", " at most "),
    (r"\s*≥\s*", " at least "),
    (r"\s*±\s*", " plus or minus "),
    (r"\s+\+\s+", " plus "),
    (r"\s*=\s*", " equals "),
    (r"(" + _NUM + r")\s*°", r"\1 degrees"),
    (r"\s*≠\s*", " is not "),
    (r"(\d)\s*–\s*(\d)", r"\1 to \2"),
    (r"\s*[—–]\s*", ", "),
    (r"²", " squared"),
    (r"Σ", "the sum of "),
    (r"σ", "sigma"),
    (r"[⋮⋯]", ""),
    (r"[“”]", '"'),
    (r"[‘’]", "'"),
    (r"\s*&\s*", " and "),
    (r"\b1s\b", "ones"),
    (r"\bids\b", "IDs"),
    (r"\bid\b", "ID"),
    (r"…", "..."),
    (r"(" + _NUM + r")-(token|dimension|dimensional)", r"\1 \2"),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _RULES)


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙ", "0123456789ijkn")


def spoken(text: str) -> str:
    """The spoken form of a caption line: symbols said as words, numbers left to the engine."""
    out = re.sub(r"([₀-₉ᵢⱼₖₙ]+)", lambda m: " " + m.group(1).translate(_SUBSCRIPTS), text)
    for rx, repl in _COMPILED:
        out = rx.sub(repl, out)
    return re.sub(r"\s{2,}", " ", out).strip()
