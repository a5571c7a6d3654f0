"""Misspelt names of registered insurers and kinds of care in a question ("zilverekruis",
"zorg en zekerhied", "zintuigelijk gehandicaptenzorg"), read as the name they almost are.

    correct_names(text) -> Corrected   (the text with each misspelt name written as registered)
    name_words() -> frozenset[str]      (the registered names' words, which `typos` leaves alone)

A question whose insurer is misspelt would otherwise name no insurer, and be answered for every
insurer but the one asked about. The rule is the usual one of search engines' fuzzy matching, not
fitted to any question: a run of one to three words, written without spaces and punctuation, is a
registered name (written the same way) when it is at most one edit away (an insertion, deletion,
substitution or swap of neighbours: optimal string alignment) for names of up to nine letters and
two from ten letters up, and the two differ in length by no more than that; and at least one of its
words is no word of the indexed passages (so "zorgverzekeraars en" is never "Zorgverzekeraar Eno",
nor "bewust" the label "Bewuzt"). Names shorter than
`MIN_LETTERS` (abbreviations such as CZ or VGZ) are never guessed at. The registries are the ones
ingest uses (`inkoopwijzer/data/insurers.json`, `care_types.json`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz.distance import OSA

from inkoopwijzer import vocab

from .query import care_aliases, insurer_aliases

__all__ = ["Corrected", "correct_names", "name_words"]

MIN_LETTERS = 6  # a shorter name is an abbreviation: one edit from too many words
LONG_NAME = 10  # from this many letters a name may be two edits away
MAX_WORDS = 3  # a name written in more words than this is not looked for

_WORD = re.compile(r"[^\W_][\w'’.&-]*")


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


@dataclass
class Corrected:
    text: str
    # (as written, as read): a name as registered, a word as spelt
    read_as: list[tuple[str, str]] = field(default_factory=list)


def _registered() -> list[str]:
    """Every registered insurer's and kind of care's name, as registered."""
    names = [n for i in vocab.insurers() for n in (*i.official, *i.labels, *i.question_only)]
    return names + [n for c in vocab.care_types() for n in (*c.names, *c.question_terms) if "*" not in n]


@cache
def name_words() -> frozenset[str]:
    """The words of the registered names, lower case ("caresq", "bewuzt", "zekerheid"): no typos."""
    return frozenset(w.lower() for n in _registered() for w in re.findall(r"[^\W\d_]+", n))


@cache
def _names() -> tuple[tuple[str, str], ...]:
    """(compact form, name as registered) of every name worth guessing at, longest first."""
    out: dict[str, str] = {}
    for n in _registered():
        out.setdefault(_compact(n), n)
    return tuple(sorted(((k, v) for k, v in out.items() if len(k) >= MIN_LETTERS), key=lambda kv: -len(kv[0])))


@cache
def _exact() -> re.Pattern[str]:
    """Any registered name as the question side matches it (so a name written right is left alone)."""
    return re.compile("|".join(rx for rx, _ in [*insurer_aliases(), *care_aliases()]), re.I)


def _budget(name: str) -> int:
    return 2 if len(name) >= LONG_NAME else 1


def correct_names(text: str, known: Callable[[str], bool]) -> Corrected:
    """The text with every misspelt registered name written as registered; the rest unchanged.
    `known(word)` says whether a word is one the passages use: a run of known words is left alone."""
    words = [m for m in _WORD.finditer(text)]
    if not words:
        return Corrected(text)
    taken = [(m.start(), m.end()) for m in _exact().finditer(text)]
    names = _names()
    fixes: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        found = None
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i].start(), words[i + n - 1].end()
            run = words[i : i + n]
            if any(s < end and start < e for s, e in taken) or any(w.group().isdigit() for w in run):
                continue
            if all(known(w.group()) for w in run):
                continue
            written = _compact(text[start:end])
            best = None
            for compact, name in names:
                budget = _budget(compact)
                if abs(len(compact) - len(written)) > budget or written == compact:
                    continue
                d = OSA.distance(written, compact, score_cutoff=budget)
                if d <= budget and (best is None or d < best[0]):
                    best = (d, name)
            if best is not None:
                found = (start, end, best[1], n)
                break
        if found is None:
            i += 1
            continue
        fixes.append(found[:3])
        i += found[3]
    if not fixes:
        return Corrected(text)
    out, read_as, last = [], [], 0
    for start, end, name in fixes:
        out += [text[last:start], name]
        read_as.append((text[start:end], name))
        last = end
    out.append(text[last:])
    return Corrected("".join(out), read_as)
