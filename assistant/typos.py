"""Misspelt words of a question read as the word they almost are ("ofefrte" as "offerte",
"finnacial" as "financial"), so that retrieval, the dense embedding and the unit features all see
the word the user meant. Misspelt insurer and care names are `names`' work; this reads the rest.

    Speller(known, corpus, splits).correct(text, language, budget) -> Corrected

The rule is the usual one of spelling correctors (Norvig's), not fitted to any question:
- a word is misspelt when it has `MIN_LETTERS` to `MAX_LETTERS` letters, is written in lower
  case (a capital only at its start: "GRZ" and "ZorgDomein" are names), is no word of a
  registered insurer's or kind of care's name ("Caresq", "Bewuzt"), no passage uses it (nor both
  words it is a compound of), and neither the Dutch nor the English word list of `wordfreq`
  holds it (British spellings included);
- it is read as a word one edit away (an insertion, deletion, substitution or swap of
  neighbours: optimal string alignment), of which the passages' words are tried first (ties go
  to the word more passages use), and only when none is near enough the word list of the question's
  language (ties go to the more frequent word), unless the tokenizer splits the word into the
  passages' words (a compound they do not write as one, which no word list holds);
- a compound the passages do not write as one is read with its misspelt part corrected, when
  its other part is a word of the passages and the misspelt part is no word and one edit from
  one of theirs ("labdiangostiek" as "labdiagnostiek" where they write "lab"); never a compound
  of two words, with or without a linking s ("omzetgrens", "productiviteitsdocumenten").

What one request may cost is bounded: at most `MAX_LOOKUPS` unknown words are searched for, over
the question and the earlier turns together (`Budget`), each at most `MAX_LETTERS` long.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from inkoopwijzer.language import Language

from .names import Corrected, name_words

__all__ = ["Budget", "Speller", "load_word_lists"]

MIN_LETTERS = 6  # a shorter word (or a compound's misspelt part) is one edit from too many others
# a longer "word" is no word (the longest compounds of the policies have about 36 letters); a
# compound's parts are searched for one by one, so its cost grows with the square of its length
MAX_LETTERS = 40
MIN_PART = 3  # the shortest part of a compound: "set" in "inkoopvoorwaardenset"
LINKING = ("s", "en")  # between the parts of a compound: "productiviteit-s-documenten"
# a word two edits from a known one is as often a compound no list holds ("tariefafslag" is no
# "tariefopslag") as a typo; one edit is what a hurried typist makes (a letter dropped, doubled,
# changed or two swapped)
MAX_EDITS = 1
# the most unknown words one request is searched for (its question and earlier turns together;
# up to some ten milliseconds each); beyond them the text is no question with a typo, and the rest
# is left as written
MAX_LOOKUPS = 16

_WORD = re.compile(r"[^\W\d_]+")
_LANGUAGES: tuple[Language, ...] = ("nl", "en")
_LOADING = threading.Lock()


@dataclass
class Budget:
    """How many more unknown words one request may search for."""

    left: int = MAX_LOOKUPS


class _Words:
    """Words with a frequency; bucketed by length for the nearest-word search when it is first needed
    (two first searches at once may both bucket them, to the same result)."""

    def __init__(self, counts: Mapping[str, float]) -> None:
        self.counts = counts
        self._by_length: dict[int, list[str]] | None = None

    @property
    def by_length(self) -> dict[int, list[str]]:
        if self._by_length is None:
            buckets: dict[int, list[str]] = {}
            for w in self.counts:
                buckets.setdefault(len(w), []).append(w)
            self._by_length = buckets
        return self._by_length

    def nearest(self, word: str) -> str | None:
        """The most frequent word `MAX_EDITS` edits away, if any."""
        found: list[tuple[float, str]] = []
        for n in range(len(word) - MAX_EDITS, len(word) + MAX_EDITS + 1):
            for choice, _, _ in process.extract(
                word, self.by_length.get(n, []), scorer=OSA.distance, score_cutoff=MAX_EDITS, limit=None
            ):
                found.append((-self.counts[choice], choice))
        return min(found)[1] if found else None


def load_word_lists() -> None:
    """Read both word lists now (about half a second and 75 MB, once per process), not in a request."""
    for lang in _LANGUAGES:
        _word_list(lang)


@cache
def _read(language: Language) -> _Words:
    from wordfreq import get_frequency_dict

    return _Words(get_frequency_dict(language, wordlist="large"))


def _word_list(language: Language) -> _Words:
    """wordfreq's large word list of the language, with each word's frequency (read once: requests
    that start together wait for one reading)."""
    with _LOADING:
        return _read(language)


class Speller:
    """Corrects ordinary words against one index version's words and the language word lists.
    `known(word)` says whether the passages use a word; `corpus` counts, for each
    word the passages use, how many passages use it; `splits(word)` whether the word splits into
    the passages' words."""

    def __init__(self, known: Callable[[str], bool], corpus: Mapping[str, float], splits: Callable[[str], bool]) -> None:
        self.known = known
        self.corpus = _Words(corpus)
        self.splits = splits

    def correct(self, text: str, language: Language, budget: Budget | None = None) -> Corrected:
        """The text with each misspelt word replaced by the word it almost is, while the budget
        lasts (a word typed twice is searched for once); the rest unchanged."""
        budget = budget or Budget()
        out: list[str] = []
        read_as: list[tuple[str, str]] = []
        found: dict[str, str | None] = {}
        last = 0
        for m in _WORD.finditer(text):
            word = m.group()
            lower = word.lower()
            if lower not in found:
                if budget.left <= 0 or not self._misspelt(word):
                    continue
                budget.left -= 1
                found[lower] = self._nearest(lower, language)
            fixed = found[lower]
            if fixed is None:
                continue
            if word[0].isupper():
                fixed = fixed[:1].upper() + fixed[1:]
            out += [text[last : m.start()], fixed]
            if (word, fixed) not in read_as:
                read_as.append((word, fixed))
            last = m.end()
        if not read_as:
            return Corrected(text)
        out.append(text[last:])
        return Corrected("".join(out), read_as)

    def _misspelt(self, word: str) -> bool:
        lower = word.lower()
        return (
            MIN_LETTERS <= len(word) <= MAX_LETTERS
            and word[1:] == word[1:].lower()
            and lower not in name_words()
            and not self.is_word(lower)
        )

    def _nearest(self, word: str, language: Language) -> str | None:
        found = self.corpus.nearest(word) or self._in_part(word)
        return found or (None if self.splits(word) else _word_list(language).nearest(word))

    def _in_part(self, word: str) -> str | None:
        """A compound the passages do not write as one, with the typo in one part: the other part a
        word of theirs (the longest such part is taken), the misspelt part no word at all and one
        edit from one of theirs. None for a compound of two words (`_compound`)."""
        if self._compound(word):
            return None
        options = []  # (length of the known part, split, whether the known part is the head)
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            options += [(i, i, True), (len(word) - i, i, False)]
        for _, i, head_known in sorted(options, reverse=True):
            known, other = (word[:i], word[i:]) if head_known else (word[i:], word[:i])
            # a head may end in its linking s ("verzekerings-" in "verzekeringsvoorwarden")
            stems = [known] + [known[: -len(x)] for x in LINKING if head_known and known.endswith(x)]
            if not any(k in self.corpus.counts for k in stems) or len(other) < MIN_LETTERS or self.is_word(other):
                continue
            fixed = self.corpus.nearest(other)
            if fixed is not None:
                return known + fixed if head_known else fixed + known
        return None

    def _compound(self, word: str) -> bool:
        """Whether the word is two words of `MIN_PART` letters or more, with or without a linking
        s or en between them ("omzetgrens", "productiviteitsdocumenten")."""
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if not self.is_word(tail):
                continue
            heads = [head] + [head[: -len(x)] for x in LINKING if head.endswith(x) and len(head) - len(x) >= MIN_PART]
            if any(self.is_word(h) for h in heads):
                return True
        return False

    def is_word(self, word: str) -> bool:
        """Whether the word is one of the passages' or in a word list."""
        return self.known(word) or any(word in _word_list(lang).counts for lang in _LANGUAGES)
