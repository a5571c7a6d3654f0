"""A small deterministic language guess for questions: Dutch (`nl`) or English (`en`).

Counts words that occur in only one of the two languages; a tie (including a question of
names and numbers only, such as `deadline offerte salland?`) goes to Dutch, the corpus language.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Language", "detect_language"]

Language = Literal["nl", "en"]

_WORD = re.compile(r"[^\W\d_]+")
# Insurer names made of Dutch words would make an English question look Dutch.
_NAMES = re.compile(r"zorg\s+en\s+zekerheid|zilveren\s+kruis|de\s+friesland", re.IGNORECASE)

# Words that are common in one language and absent (or rare) in the other. Words both languages
# share ("in", "is", "we", "contract", "deadline") are left out on purpose.
_DUTCH = frozenset(
    """
    de het een wat wanneer welke welk hoe hoeveel waarom waar wie moet moeten mag mogen kan kunnen
    wordt worden zijn heeft hebben ben bent van voor bij naar met zonder over tot uit aan op om
    en ook niet geen nog al dan als maar omdat of dit deze dat die er ik jij je u wij ons onze mijn
    zij hun welke uiterlijk indienen aanvragen aanvraag offerte zorgaanbieder zorgaanbieders
    zorgverzekeraar verzekeraar inkoopbeleid beleid voorwaarden voorwaarde termijn datum jaar
    eisen eis geldt gelden nodig nieuwe nieuw zorg binnen vóór na tussen wel hoelang lang door
    sturen versturen inleveren gecontracteerd contractering verzekerden bedrag drempel
    """.split()
)
_ENGLISH = frozenset(
    """
    the a an what when which how many much why where who must should can could may might does do
    did are were be been has have of for with without about until from to by at on
    and also not no yet than if but because or this these that those there i you our my their
    your submit submitted submission apply application offer provider providers insurer insurers
    policy conditions condition requirement requirements date year years need needed new care
    within before after between send threshold amount contracted contracting
    """.split()
)
# Shared spellings removed from both sides: a word in both lists would count for neither.
_SHARED = _DUTCH & _ENGLISH
_DUTCH_ONLY = _DUTCH - _SHARED
_ENGLISH_ONLY = _ENGLISH - _SHARED


def detect_language(text: str) -> Language:
    """`en` when the text has more English-only than Dutch-only words, else `nl`."""
    words = [w.casefold() for w in _WORD.findall(_NAMES.sub(" ", text))]
    dutch = sum(1 for w in words if w in _DUTCH_ONLY)
    english = sum(1 for w in words if w in _ENGLISH_ONLY)
    return "en" if english > dutch else "nl"
