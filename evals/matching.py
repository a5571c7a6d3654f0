"""Text folding and quote matching, as the gold format (`/work/shared/eval-format.md`) defines them.

- Folding: case-insensitive (`str.casefold`), every run of white space becomes one space,
  and `€ 100.000` equals `€100.000` (white space after the euro sign is dropped).
- A *quote is in a text* when the folded text contains the folded quote.
- An evidence *quote is retrieved* by a passage when the passage contains it, or when at least
  60 % of the quote's word tokens occur in the passage in the same order (a token-level longest
  common subsequence). The in-order tokens must lie within one stretch of the passage at most
  twice the quote's length plus `WINDOW_SLACK` tokens, so that a short quote is not "found" in a
  long passage by picking common words (`de`, `van`, `het`) from all over it. The slack absorbs
  what PDF extraction inserts into a sentence (a running header at a page break, a footnote mark).
- A *key fact is stated* by an answer when the folded answer contains the folded fact, where a fact
  that begins or ends with a digit may not continue a longer number there: `2 jaar` is not stated
  by "12 jaar", `50%` not by "150%", `500.000` not by "1.500.000". (Words are not held to word
  boundaries, so Dutch compounds still count: `transplantatie` is stated by "niertransplantatie".)
- Documents are matched by file stem: `000_abc.pdf`, `000_abc.txt` and `000_abc` are one document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePath

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MIN_TOKEN_SHARE",
    "WINDOW_SLACK",
    "contains",
    "doc_stem",
    "states_fact",
    "first_hit_rank",
    "fold",
    "in_order_share",
    "quote_retrieved",
    "word_tokens",
]

MIN_TOKEN_SHARE = 0.6
WINDOW_SLACK = 10
DOCUMENT_SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".docx", ".html", ".htm")

_WHITESPACE = re.compile(r"\s+")
_EURO_SPACE = re.compile(r"€ ")
# Words, keeping numbers such as 100.000, 1,5 and 2026-2027's parts together where written without spaces.
_TOKEN = re.compile(r"\w+(?:[.,]\w+)*")
# "€ 150.000,00" states "€ 150.000": zero cents do not make it another number.
_ZERO_CENTS = re.compile(r"[.,]00(?!\d)")


def fold(text: str) -> str:
    """Case-folded text with white space runs as one space and no space after `€`."""
    folded = _WHITESPACE.sub(" ", text.casefold()).strip()
    return _EURO_SPACE.sub("€", folded)


def contains(haystack: str, needle: str, *, haystack_folded: bool = False) -> bool:
    """True when `needle` occurs in `haystack` after folding both (an empty needle never occurs)."""
    folded_needle = fold(needle)
    if not folded_needle:
        return False
    return folded_needle in (haystack if haystack_folded else fold(haystack))


def _continues_number(text: str, at: int, step: int) -> bool:
    """True when the character at `at` (looking in direction `step`) continues a number: a digit,
    or a decimal/thousands separator followed by a digit."""
    if not 0 <= at < len(text):
        return False
    if text[at].isdigit():
        return True
    nxt = at + step
    return text[at] in ".," and 0 <= nxt < len(text) and text[nxt].isdigit()


def states_fact(answer: str, fact: str, *, answer_folded: bool = False) -> bool:
    """True when the answer states the key fact (module doc: folded containment, whole numbers)."""
    needle = fold(fact)
    haystack = answer if answer_folded else fold(answer)
    if not needle:
        return False
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        clash_before = needle[0].isdigit() and _continues_number(haystack, start - 1, -1)
        clash_after = (
            needle[-1].isdigit() and _continues_number(haystack, end, 1) and not _ZERO_CENTS.match(haystack, end)
        )
        if not (clash_before or clash_after):
            return True
        start = haystack.find(needle, start + 1)
    return False


def word_tokens(text: str) -> list[str]:
    """The folded word tokens of a text."""
    return _TOKEN.findall(fold(text))


def _lcs_length(quote: Sequence[str], masks: dict[str, int], text: Iterable[str]) -> int:
    """Length of the longest common token subsequence (Hyyrö's bit-parallel algorithm)."""
    full = (1 << len(quote)) - 1
    v = full
    for token in text:
        match = masks.get(token)
        if match is None:
            continue
        u = v & match
        v = ((v + u) | (v - u)) & full
    return len(quote) - v.bit_count()


def _masks(quote: Sequence[str]) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, token in enumerate(quote):
        masks[token] = masks.get(token, 0) | (1 << i)
    return masks


def in_order_share(quote: str, text: str) -> float:
    """Share of the quote's word tokens found in order within one stretch of `text` (see module doc)."""
    q = word_tokens(quote)
    t = word_tokens(text)
    if not q or not t:
        return 0.0
    return _best_window_lcs(q, t) / len(q)


def _best_window_lcs(q: list[str], t: list[str], needed: int | None = None) -> int:
    """Longest in-order match of `q` within a stretch of `t` of at most 2·len(q)+slack tokens.

    With `needed`, stops as soon as a stretch reaches it (and skips the search when even the
    whole text falls short, which is what makes this cheap for the common non-matching case).
    """
    masks = _masks(q)
    whole = _lcs_length(q, masks, t)
    if needed is not None and whole < needed:
        return whole
    window = 2 * len(q) + WINDOW_SLACK
    if len(t) <= window:
        return whole
    # The best stretch starts at a matched token; with `needed`, that token is one of the first
    # len(q) - needed + 1 quote tokens.
    first = set(q if needed is None else q[: len(q) - needed + 1])
    best = 0
    for start, token in enumerate(t):
        if token not in first:
            continue
        length = _lcs_length(q, masks, t[start : start + window])
        best = max(best, length)
        if needed is not None and best >= needed:
            break
    return best


def quote_retrieved(quote: str, passage: str) -> bool:
    """True when the passage contains the quote, or ≥ 60 % of its word tokens in order (module doc)."""
    if contains(passage, quote):
        return True
    q = word_tokens(quote)
    if not q:
        return False
    needed = math.ceil(MIN_TOKEN_SHARE * len(q))
    return _best_window_lcs(q, word_tokens(passage), needed) >= needed


def first_hit_rank(quotes: Sequence[str], passages: Sequence[str]) -> int | None:
    """1-based rank of the first passage that retrieves any of the quotes, or None."""
    for rank, passage in enumerate(passages, start=1):
        if any(quote_retrieved(q, passage) for q in quotes):
            return rank
    return None


def doc_stem(name: str) -> str:
    """The document key used for matching: the file name without folder and known extension, folded."""
    base = PurePath(name.strip().replace("\\", "/")).name
    lowered = base.casefold()
    for suffix in DOCUMENT_SUFFIXES:
        if lowered.endswith(suffix):
            return lowered[: -len(suffix)]
    return lowered
