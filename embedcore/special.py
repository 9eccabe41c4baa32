"""Special tokens: the tokenizer's markers, which are not words.

``[CLS]``, ``[SEP]``, ``[PAD]``, ``[MASK]``, ``[UNK]``, ``[unused…]`` (BERT),
``<s>``, ``</s>``, ``<pad>``, ``<unk>``, ``<mask>`` (RoBERTa, T5, Llama),
``<|endoftext|>`` and other ``<|…|>`` markers (GPT), the tokenizer's own
added special tokens, and the placeholder names this project gives unused
matrix rows. Neighbour and analogy searches leave them out by default: a
"nearest word" that is ``[MASK]`` teaches nothing about words.
"""
from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING

import numpy as np

from .wording import count, join_names, ordinal

if TYPE_CHECKING:
    from .sources.base import EmbeddingTable
    from .vocab import Vocabulary

PATTERN = re.compile(
    r"\[(?:CLS|SEP|PAD|MASK|UNK|BOS|EOS|unused\d+)\]"
    r"|</?s>|<(?:pad|unk|mask|cls|sep|bos|eos|unk_\d+)>"
    r"|<\|[^|\s]{1,64}\|>"
    r"|\u27e8unused (?:id|row) \d+\u27e9"
)
_FIRST = ("[", "<", "\u27e8")

_cache: dict[int, tuple[weakref.ref[Vocabulary], np.ndarray]] = {}


def is_special(token: str) -> bool:
    return token.startswith(_FIRST) and PATTERN.fullmatch(token) is not None


def special_ids(table: EmbeddingTable) -> np.ndarray:
    """Ids of the special tokens of ``table``'s vocabulary, sorted; computed once per vocabulary."""
    vocab = table.vocab
    hit = _cache.get(id(vocab))
    if hit is not None and hit[0]() is vocab:
        return hit[1]
    ids = {i for i, t in enumerate(vocab.tokens) if t.startswith(_FIRST) and PATTERN.fullmatch(t)}
    tk = getattr(table.tokenizer, "tk", None)
    if tk is not None and hasattr(tk, "get_added_tokens_decoder"):
        for i, added in tk.get_added_tokens_decoder().items():
            if getattr(added, "special", False) and 0 <= i < len(vocab):
                ids.add(int(i))
    out = np.array(sorted(ids), dtype=np.int64)
    try:
        _cache[id(vocab)] = (weakref.ref(vocab), out)
    except TypeError:
        pass
    return out


def examples(table: EmbeddingTable, ids: np.ndarray, limit: int = 3) -> str:
    """A few of the special tokens by name: ``[CLS], [SEP], [MASK] …``."""
    toks = [table.vocab.tokens[i] for i in ids]
    # the markers a reader knows ([CLS], <s>) before [unused…] slots and unused rows
    toks.sort(key=lambda t: ("unused" in t, t.startswith("\u27e8")))
    named = toks[:limit]
    return ", ".join(named) + (" \u2026" if len(toks) > len(named) else "")


def left_out_sentence(table: EmbeddingTable, ids: np.ndarray, would_rank: list[tuple[str, str, int]], k: int) -> str:
    """What the screen says about the left-out special tokens.

    ``would_rank``: (token, "by cosine" | "by distance", rank) for each special
    token that would be in a top-k list had it been searched.
    """
    head = f"{count(len(ids), 'special token')} left out ({examples(table, ids)})"
    if not would_rank:
        return f"{head}; none would rank in the top {k}"
    parts = [f"{tok} would be {ordinal(r)} {how}" for tok, how, r in would_rank[:3]]
    more = f" and {len(would_rank) - 3} more" if len(would_rank) > 3 else ""
    return f"{head}; {join_names(parts, quote='')}{more}"
