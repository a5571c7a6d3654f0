"""Abbreviations the policies define themselves: "netto-inkoopkosten (NIP)", "Wet toetreding
zorgaanbieders (Wtza)". A question that uses one form is searched and scored with the other too
("NIP-afspraak" finds "nacalculatie tegen netto-inkoopkosten + opslag"). Read from the indexed
passages when the engine starts; nothing is hand-kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .glossary import stopwords

# "long form (ABBR)": an abbreviation of 2 to 8 letters, mostly capitals, in parentheses
_DEFINED = re.compile(r"(?P<before>(?:[^\W\d_][\w'’-]*\s+){1,6})\((?P<abbr>[A-Za-z][A-Za-z&]{1,7})(?:'s)?\)")
# the most words a long form has
MAX_LONG_WORDS = 5


def _long_form(before: str, abbr: str) -> str | None:
    """The words before "(ABBR)" that it abbreviates, by Schwartz and Hearst's rule: each letter of
    the abbreviation, from its last, is found in the words going back, its first letter at the start
    of a word; the long form starts at that word (at most MAX_LONG_WORDS words back)."""
    words = before.split()[-min(MAX_LONG_WORDS, len(abbr) + 3) :]
    long = " ".join(words)
    letters = [c.lower() for c in abbr if c.isalnum()]
    i = len(long) - 1
    for n in range(len(letters) - 1, -1, -1):
        c = letters[n]
        while i >= 0 and (long[i].lower() != c or (n == 0 and i > 0 and long[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = long.rfind(" ", 0, i + 2) + 1
    found = long[start:]
    return found if len(found) > len(abbr) + 2 else None


def find_abbreviations(texts: Iterable[str]) -> dict[str, set[str]]:
    """Each abbreviation (lower case) the texts define, with its long forms (lower case)."""
    out: dict[str, set[str]] = {}
    for text in texts:
        for m in _DEFINED.finditer(text):
            abbr = m.group("abbr")
            if sum(c.isupper() for c in abbr) < 2:  # "(zie)", "(bijv)": no abbreviation
                continue
            long = _long_form(m.group("before"), abbr)
            if long:
                out.setdefault(abbr.lower(), set()).add(long.lower())
    return out


def abbreviation_groups(question: str, known: dict[str, set[str]]) -> list[str]:
    """For each abbreviation the question uses (as a word or a compound's first part: "NIP-afspraak")
    or each long form it spells out, a group of the abbreviation with its long forms."""
    text = question.lower()
    groups = []
    for abbr, longs in known.items():
        # an abbreviation that is also a word ("NOG", "SO") counts only in capitals
        target, pattern = (question, abbr.upper()) if abbr in stopwords() else (text, abbr)
        uses_abbr = re.search(rf"\b{re.escape(pattern)}(?:\b|-)", target) is not None
        if uses_abbr or any(long in text for long in longs):
            groups.append(" ".join([abbr, *sorted(longs)]))
    return groups
