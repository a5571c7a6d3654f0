"""Characters and line breaks as a reader sees them.

- `normalize_chars`: ligatures (U+FB00–FB06) and other compatibility characters (full-width
  forms, odd spaces) by NFKC; soft hyphens and zero-width characters removed; the Unicode
  hyphens U+2010/U+2011 become '-'; the bullets of the Symbol and Wingdings fonts, which a PDF
  without a Unicode map for them reports in the private use area (U+F0B7), become bullets. Each output character keeps the index of the character it
  came from, so positions on the page survive.
- `Hyphenation.join`: two lines rejoined at a line-end hyphen. The hyphen goes where it was only
  a line break ("contracteer-/procedure" → "contracteerprocedure") and stays where the word is
  written with one ("netto-inkoopkosten", "add-on", "GRZ-trajecten"); "voor- en nazorg" stays as
  written. Decided by the document's own vocabulary first, then Dutch spelling (a hyphen between
  clashing vowels, after a capital or a digit) and pyphen's Dutch hyphenation patterns.
  A word a narrow column or table cell broke without any hyphen ("ouder/engeneeskunde") is
  rejoined when the document writes it whole more often than either piece as a word of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["Hyphenation", "normalize_chars", "normalize_text"]

_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x02"}
_HYPHENS = {"\u2010": "-", "\u2011": "-"}
# symbol-font bullets as pdfium reports them (U+F000 + the font's code): Symbol's bullet,
# Wingdings' small square, arrowhead, check mark, disc and square
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf06c": "●", "\uf06e": "■"}
_SPACES = {"\u00a0", "\u2007", "\u202f", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2008", "\u2009", "\u200a"}


def _compat(ch: str) -> bool:
    cp = ord(ch)
    return 0xFB00 <= cp <= 0xFB06 or 0xFF01 <= cp <= 0xFF5E


def normalize_chars(text: str) -> tuple[str, list[int]]:
    """(normalised text, for each of its characters the index of the source character)."""
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch in _HYPHENS:
            rep = _HYPHENS[ch]
        elif ch in _SYMBOL_BULLETS:
            rep = _SYMBOL_BULLETS[ch]
        elif ch in _SPACES:
            rep = " "
        elif _compat(ch):
            rep = unicodedata.normalize("NFKC", ch)
        else:
            rep = ch
        out.append(rep)
        src.extend([i] * len(rep))
    return "".join(out), src


def normalize_text(text: str) -> str:
    return normalize_chars(text)[0]


_WORD = re.compile(r"[^\W\d_][\w]*(?:-[\w]+)*")
_LEFT = re.compile(r"([\w]+(?:-[\w]+)*)-$")
_RIGHT = re.compile(r"^([\w]+)")
_TAIL = re.compile(r"([^\W\d_]+)$")
# a web or e-mail address: its words are evidence only for a word broken inside an address
_ADDRESS = re.compile(r"\S*@\S+|(?:https?://|www\.)\S+|\S+\.(?:nl|com|org|net|eu|be|de)\b\S*", re.I)
_HEAD = re.compile(r"^([^\W\d_]+)")
_ELLIPTIC_NEXT = {"en", "of", "tot", "t/m", "noch", "and", "or"}
# vowel pairs that read as one sound: written apart with a hyphen in a compound ('zee-egel'),
# while other vowel pairs are plain syllable breaks ('gespeci-aliseerd')
_DIGRAPHS = {"aa", "ae", "ai", "au", "ee", "ei", "eu", "ie", "ii", "oe", "oi", "oo", "ou", "ui", "uu", "ij"}


@cache
def _pyphen() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="nl_NL")


class Hyphenation:
    """Line-end hyphens of one document, decided with its own vocabulary."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.words: Counter[str] = Counter()
        self.inner: Counter[str] = Counter()  # words neither first nor last on their line: never cut
        self.addressed: Counter[str] = Counter()  # words of web and e-mail addresses
        for line in lines:
            self.add(line)

    def add(self, text: str) -> None:
        """Count the words of a line (its last word, which may be cut, is left out when it ends in '-')."""
        words = _WORD.findall(text)
        self.inner.update(w.lower() for w in _WORD.findall(_ADDRESS.sub(" ", text))[1:-1])
        self.addressed.update(w.lower() for a in _ADDRESS.findall(text) for w in _WORD.findall(a))
        if words and text.rstrip().endswith("-"):
            words = words[:-1]
        self.words.update(w.lower() for w in words)

    def broken_word(self, first: str, second: str) -> bool:
        """Whether the last letters of a line and the first of the next are one word broken without
        a hyphen ("ouder" / "engeneeskunde"): the document writes the whole word more often than
        either piece as a word of its own ('ontwikkeling' / 'en' stays two words, however often
        'ontwikkelingen' is written). A piece that starts with a capital starts a word. The words
        of web and e-mail addresses count only for a word broken inside an address."""
        lm = _TAIL.search(first)
        rm = _HEAD.match(second)
        if lm is None or rm is None or not rm.group(1)[0].islower():
            return False
        left, right = lm.group(1).lower(), rm.group(1).lower()
        seen = self.inner
        if re.search(r"[@/]|\w\.\w", first.split()[-1]):
            seen = self.inner + self.addressed
        return seen[left + right] > max(seen[left], seen[right])

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """Whether 'left-' at a line end and 'right' on the next line are one word written with a hyphen."""
        joined = (left + right).lower()
        hyphened = f"{left}-{right}".lower()
        seen_joined = self.words[joined]
        seen_hyphened = self.words[hyphened] + sum(
            n for w, n in self.words.items() if w.startswith(hyphened) and w != hyphened
        )
        if seen_hyphened > seen_joined:
            return True
        if seen_joined:
            return False
        if any(c.isdigit() for c in left[-1:] + right[:1]):
            return True
        if right[:1].isupper() or (len(left) > 1 and left.isupper()):
            return True  # 'GRZ-trajecten', 'Noord-Holland'
        if "-" in left:
            return True  # 'add-on-' … : a word already written with hyphens
        if (left[-1:] + right[:1]).lower() in _DIGRAPHS:
            return True  # 'netto-inkoopkosten', 'zee-egel': a hyphen where two vowels would read as one sound
        # a break the Dutch hyphenation patterns allow is a line break; one they do not is the word's own hyphen
        return len(left) not in _pyphen().positions(joined)

    def join(self, first: str, second: str) -> tuple[int, str]:
        """How to join a line and the next: (characters of `first` kept, separator), so that the
        text is `first[:kept] + sep + second.lstrip()`. A line-end hyphen that was only a break is
        dropped (kept = one less, no separator); one the word is written with stays, without a space."""
        a = first.rstrip()
        b = second.lstrip()
        if not a or not b:
            return len(a), ""
        if re.search(r"\d-$", a) and b[:1].isdigit():
            return len(a), ""  # '2027-' + '2028'
        if not a.endswith("-") and self.broken_word(a, b):
            return len(a), ""
        lm = _LEFT.search(a)
        rm = _RIGHT.match(b)
        if lm is None or rm is None or len(a) < 2 or not a[-2].isalpha():
            return len(a), " "
        nxt = b.split(maxsplit=1)[0].lower().rstrip(",.;:")
        if nxt in _ELLIPTIC_NEXT:
            return len(a), " "  # 'voor- en nazorg'
        left = lm.group(1).split("-")[-1]
        right = rm.group(1)
        if not right[:1].isalpha():
            return len(a), " "
        if self.keeps_hyphen(left, right):
            return len(a), ""
        return len(a) - 1, ""

    def joined(self, first: str, second: str) -> str:
        """The two lines as one text (see `join`)."""
        kept, sep = self.join(first, second)
        return first.rstrip()[:kept] + sep + second.lstrip()
