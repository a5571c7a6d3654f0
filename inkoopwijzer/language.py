"""The language of a question, Dutch (`nl`) or English (`en`): the one detector of the product.

A question is English when it has more English-only than Dutch-only words of
`data/language_words.json`. Names are no evidence either way: the registered insurers'
and kinds of care's names ("Zorg en Zekerheid", "geriatrische revalidatiezorg") are left out,
and so is a word joined by a hyphen ("add-on"). A tie (a question of names and
numbers only, such as `deadline offerte salland?`) goes to Dutch, the policies' language.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from . import vocab

__all__ = ["Language", "detect_language"]

Language = Literal["nl", "en"]

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@cache
def _names() -> re.Pattern[str]:
    patterns = [i.question_pattern() for i in vocab.insurers()] + [c.question_pattern() for c in vocab.care_types()]
    return re.compile("|".join(patterns), re.IGNORECASE)


def detect_language(text: str) -> Language:
    """`en` when the text has more English-only than Dutch-only words, else `nl`."""
    dutch, english = vocab.language_words()
    words = [w.casefold() for w in _WORD.findall(_names().sub(" ", text))]
    return "en" if sum(w in english for w in words) > sum(w in dutch for w in words) else "nl"
