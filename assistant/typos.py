"""Misspelt words of a question read as the word they almost are ("ofefrte" as "offerte",
"finnacial" as "financial"), so that retrieval, the dense embedding and the unit features all see
the word the user meant. Misspelt insurer and care names are `names`' work; this reads the rest.

    Speller(known, corpus).correct(text, language) -> Corrected

The rule is the usual one of spelling correctors (Norvig's), not fitted to any question:
- a word is misspelt when it has at least `MIN_LETTERS` letters, is written in lower case (a
  capital only at its start: "GRZ" and "ZorgDomein" are names), no passage uses it (nor both
  words it is a compound of), and neither
  the Dutch nor the English word list of `wordfreq` holds it (British spellings included);
- it is read as a word one edit away (an insertion, deletion, substitution or swap of
  neighbours: optimal string alignment), of which the passages' words are tried first (ties go
  to the word more passages use), and only when none is near enough the word list of the question's
  language (ties go to the more frequent word), unless the tokenizer splits the word into the
  passages' words (a compound they do not write as one, which no word list holds);
- a compound the passages do not write as one is read with its misspelt part corrected, when
  its other part is a word and the misspelt part one edit from a word of the passages
  ("labdiangostiek" as "labdiagnostiek"); never a compound of two words ("omzetgrens").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from inkoopwijzer.language import Language

from .names import Corrected

__all__ = ["Speller"]

MIN_LETTERS = 6  # a shorter word (or a compound's misspelt part) is one edit from too many others
MIN_PART = 3  # the shortest part of a compound with a typo in its other part ("lab" in "labdiangostiek")
MIN_WORD_PART = 4  # the shortest part of a compound written right ("omzet" and "grens")
# a word two edits from a known one is as often a compound no list holds ("tariefafslag" is no
# "tariefopslag") as a typo; one edit is what a hurried typist makes (a letter dropped, doubled,
# changed or two swapped)
MAX_EDITS = 1
# the most unknown words one text is searched for (a few milliseconds each); beyond them the text
# is no question with a typo, and the rest is left as written
MAX_LOOKUPS = 16

_WORD = re.compile(r"[^\W\d_]+")


class _Words:
    """Words with a frequency, bucketed by length for the nearest-word search."""

    def __init__(self, counts: Mapping[str, float]) -> None:
        self.counts = counts
        self.by_length: dict[int, list[str]] = {}
        for w in sorted(counts):
            self.by_length.setdefault(len(w), []).append(w)

    def nearest(self, word: str) -> str | None:
        """The most frequent word `MAX_EDITS` edits away, if any."""
        found: list[tuple[float, str]] = []
        for n in range(len(word) - MAX_EDITS, len(word) + MAX_EDITS + 1):
            for choice, _, _ in process.extract(
                word, self.by_length.get(n, []), scorer=OSA.distance, score_cutoff=MAX_EDITS, limit=None
            ):
                found.append((-self.counts[choice], choice))
        return min(found)[1] if found else None


@cache
def _word_list(language: Language) -> _Words:
    """wordfreq's large word list of the language, with each word's frequency (read once, on first use)."""
    from wordfreq import get_frequency_dict

    return _Words(get_frequency_dict(language, wordlist="large"))


class Speller:
    """Corrects ordinary words against one index version's words and the language word lists.
    `known(word)` says whether the passages use a word; `corpus` counts, for each
    word the passages use, how many passages use it; `splits(word)` whether the word splits into
    the passages' words."""

    def __init__(self, known: Callable[[str], bool], corpus: Mapping[str, float], splits: Callable[[str], bool]) -> None:
        self.known = known
        self.corpus = _Words(corpus)
        self.splits = splits

    def correct(self, text: str, language: Language) -> Corrected:
        """The text with each misspelt word replaced by the word it almost is; the rest unchanged."""
        out, read_as, last, lookups = [], [], 0, 0
        for m in _WORD.finditer(text):
            word = m.group()
            if lookups == MAX_LOOKUPS or not self._misspelt(word):
                continue
            lookups += 1
            fixed = self._nearest(word.lower(), language)
            if fixed is None:
                continue
            if word[0].isupper():
                fixed = fixed[:1].upper() + fixed[1:]
            out += [text[last : m.start()], fixed]
            read_as.append((word, fixed))
            last = m.end()
        if not read_as:
            return Corrected(text)
        out.append(text[last:])
        return Corrected("".join(out), read_as)

    def _misspelt(self, word: str) -> bool:
        return len(word) >= MIN_LETTERS and word[1:] == word[1:].lower() and not self.is_word(word.lower())

    def _nearest(self, word: str, language: Language) -> str | None:
        found = self.corpus.nearest(word) or self._in_part(word)
        return found or (None if self.splits(word) else _word_list(language).nearest(word))

    def _in_part(self, word: str) -> str | None:
        """A compound the passages do not write as one, with the typo in one part ("labdiangostiek"):
        the other part a word (of `MIN_PART` letters or more; the longest such part is taken), the
        misspelt part no word at all and one edit from a word of the passages. A word that splits
        into two words of `MIN_WORD_PART` letters or more is a compound written right ("omzetgrens"
        is no "omzetg" with *rens*)."""
        inner = range(MIN_WORD_PART, len(word) - MIN_WORD_PART + 1)
        if any(self.is_word(word[:i]) and self.is_word(word[i:]) for i in inner):
            return None
        options = []  # (length of the known part, split, whether the known part is the head)
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            options += [(i, i, True), (len(word) - i, i, False)]
        for _, i, head_known in sorted(options, reverse=True):
            known, other = (word[:i], word[i:]) if head_known else (word[i:], word[:i])
            if len(other) < MIN_LETTERS or not self.is_word(known) or self.is_word(other):
                continue
            fixed = self.corpus.nearest(other)
            if fixed is not None:
                return known + fixed if head_known else fixed + known
        return None

    def is_word(self, word: str) -> bool:
        """Whether the word is one of the passages' or in a word list."""
        return self.known(word) or any(word in _word_list(lang).counts for lang in _LANGUAGES)


_LANGUAGES: Iterable[Language] = ("nl", "en")
