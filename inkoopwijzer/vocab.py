"""Vocabularies kept as data files in `inkoopwijzer/data/`, each read once by one function here.

    insurers(), insurer()        Dutch health insurers, their labels and concerns (insurers.json)
    care_types(), care_type()    kinds of care, their names and abbreviations (care_types.json)
    months(), month_name()       month name or abbreviation → number; number → full name (months.json)
    month_number(), month_pattern(), month_in_date()
    never_last_words()           Dutch words that never end a sentence (dutch_words.json)
    language_words()             words only Dutch or only English questions use (language_words.json)
    number_words(), number_word_pattern(), time_units()
                                 numbers written as words and units of time (numbers.json)
    words_pattern()              a plain regex alternation of words, longest first

Ingest finds a document's insurer and care types with them, and the assistant a question's;
both therefore know the same names. Nothing is read at import: each file is loaded (and
cached) on first use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = [
    "CareType",
    "Insurer",
    "care_type",
    "care_types",
    "insurer",
    "insurers",
    "language_words",
    "month_in_date",
    "month_number",
    "never_last_words",
    "month_pattern",
    "number_word_pattern",
    "number_words",
    "time_units",
    "words_pattern",
    "name_pattern",
    "names_pattern",
]


@dataclass(frozen=True)
class Insurer:
    name: str  # as the index and the answers name it
    concern: str
    official: tuple[str, ...]
    labels: tuple[str, ...]
    abbreviations: tuple[str, ...]  # case-sensitive in documents
    question_only: tuple[str, ...]
    domains: tuple[str, ...]

    def document_names(self) -> tuple[str, ...]:
        """Names matched in any case in a document's text."""
        return self.official + self.labels

    def question_pattern(self) -> str:
        """A regex (use with re.I) matching any way a question names this insurer."""
        return _alternation([*self.official, *self.labels, *self.abbreviations, *self.question_only])


@dataclass(frozen=True)
class CareType:
    code: str  # as the index and the answers name it
    label: str
    names: tuple[str, ...]
    abbreviations: tuple[str, ...]
    document_only: tuple[str, ...]
    question_terms: tuple[str, ...]

    def document_pattern(self) -> re.Pattern[str]:
        """Full names in any case, abbreviations as written (`GRZ`, `GRZ-trajecten`, not `grz`)."""
        names = self.names + self.document_only
        parts = [f"(?i:{_alternation(names)})"] if names else []
        if self.abbreviations:
            parts.append(_alternation(self.abbreviations))
        return re.compile("|".join(parts))

    def question_pattern(self) -> str:
        """A regex (use with re.I) matching any way a question names this kind of care."""
        return _alternation([*self.names, *self.abbreviations, *self.question_terms])


def name_pattern(name: str) -> str:
    """A regex for one name: whole words, any white space or hyphen between its words, its
    full stops optional ('a.s.r.' matches 'asr'), '&' with or without spaces ('Z & Z'); a name
    ending in '*' matches a word it begins ('ziekenhui*': the whole of "ziekenhuizen")."""
    prefix = name.strip().endswith("*")
    name = name.strip().rstrip("*")
    out: list[str] = []
    for ch in name:
        if ch.isspace() or ch == "-":
            if not out or out[-1] != r"[\s\-]*":
                out.append(r"[\s\-]*")
        elif ch == ".":
            out.append(r"\.?")
        elif ch == "&":
            out.append(r"\s*&\s*")
        elif ch == "'":
            out.append("['’]?")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    start = r"(?<![\w])" if name[:1].isalnum() else ""
    end = r"(?![\w])" if name.rstrip(".")[-1:].isalnum() and not prefix else ""
    # a prefix takes the rest of its word: cutting the name out of "ziekenhuizen" leaves no "zen"
    rest = r"[^\W_]*" if prefix else ""
    return f"{start}{body}{rest}{end}"


def names_pattern(names: Any) -> str:
    """One regex alternation of `name_pattern`s, longest name first."""
    return _alternation(names)


def _alternation(names: Any) -> str:
    ordered = sorted(dict.fromkeys(n for n in names if n.strip()), key=len, reverse=True)
    return "(?:" + "|".join(name_pattern(n) for n in ordered) + ")" if ordered else "(?!)"


def _read(name: str) -> Any:
    return json.loads(resources.files("inkoopwijzer.data").joinpath(name).read_text(encoding="utf-8"))


@cache
def insurers() -> tuple[Insurer, ...]:
    """Every registered insurer, in the order of the data file."""
    return tuple(
        Insurer(
            name=e["name"],
            concern=e.get("concern", e["name"]),
            official=tuple(e.get("official", [e["name"]])),
            labels=tuple(e.get("labels", [])),
            abbreviations=tuple(e.get("abbreviations", [])),
            question_only=tuple(e.get("question_only", [])),
            domains=tuple(e.get("domains", [])),
        )
        for e in _read("insurers.json")["insurers"]
    )


def insurer(name: str) -> Insurer | None:
    """The registered insurer of that name (case-insensitive), or None."""
    low = name.strip().lower()
    return next((i for i in insurers() if i.name.lower() == low), None)


@cache
def care_types() -> tuple[CareType, ...]:
    """Every registered kind of care, in the order of the data file."""
    return tuple(
        CareType(
            code=e["code"],
            label=e.get("label", e["code"]),
            names=tuple(e.get("names", [])),
            abbreviations=tuple(e.get("abbreviations", [])),
            document_only=tuple(e.get("document_only", [])),
            question_terms=tuple(e.get("question_terms", [])),
        )
        for e in _read("care_types.json")["care_types"]
    )


def care_type(code: str) -> CareType | None:
    return next((c for c in care_types() if c.code == code), None)


@cache
def never_last_words() -> frozenset[str]:
    """Dutch words that never end a sentence ('bij', 'van', 'de')."""
    return frozenset(w.lower() for w in _read("dutch_words.json")["never_last"])


@cache
def language_words() -> tuple[frozenset[str], frozenset[str]]:
    """(Dutch-only words, English-only words): a word the file lists for both counts for neither."""
    data = _read("language_words.json")
    nl, en = frozenset(w.casefold() for w in data["nl"]), frozenset(w.casefold() for w in data["en"])
    return nl - en, en - nl


@cache
def _months_file() -> dict[str, Any]:
    data: dict[str, Any] = _read("months.json")
    return data


@cache
def months() -> dict[str, int]:
    """Every month name and abbreviation (lower case) with its number: 'september', 'sept' → 9."""
    return {str(k): int(v) for k, v in _months_file()["months"].items()}


def month_name(month: int, language: Literal["nl", "en"] = "nl") -> str:
    """The full name of a month (1-12): month_name(9) → 'september', month_name(9, 'en') → 'September'."""
    names: list[str] = _months_file()["names"][language]
    return names[month - 1]


def month_number(name: str) -> int | None:
    """1-12 for a month name or abbreviation in Dutch or English ('mrt', 'March'), else None."""
    return months().get(name.strip().lower().rstrip("."))


@cache
def month_pattern(ambiguous: bool = True) -> str:
    """A regex alternation (use with re.I) of every month name, longest first, dots optional;
    `ambiguous=False` leaves out the forms that are also words ('may', 'jan', 'mar'), for where no
    year follows to tell them."""
    leave_out = set() if ambiguous else set(_months_file().get("ambiguous", []))
    names = sorted({n.rstrip(".") for n in months() if n not in leave_out}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(n) + r"\.?" for n in names) + r")(?![a-z])"


def month_in_date(year: str) -> str:
    """A month as a date writes it after its day, with `year` (a regex) after it or not; a form that
    is also a word ('may', 'jan', 'mar') only with the year: '1 sept 2026', '1 okt', '3 May 2026'."""
    return rf"(?:{month_pattern(ambiguous=False)}(?:\s+{year})?|{month_pattern()}\s+{year})"


@cache
def _numbers_file() -> dict[str, Any]:
    data: dict[str, Any] = _read("numbers.json")
    return data


@cache
def number_words(language: Literal["nl", "en"] | None = None) -> dict[str, int]:
    """Numbers written as words with their value ('twee' → 2, 'twelve' → 12); Dutch and English
    together unless a language is named."""
    words: dict[str, dict[str, int]] = _numbers_file()["number_words"]
    languages = [language] if language else list(words)
    return {w: int(v) for lang in languages for w, v in words[lang].items()}


@cache
def number_word_pattern(language: Literal["nl", "en"] = "nl", article: bool = True) -> str:
    """A regex alternation of the number words, longest first; `article=False` leaves out 'een',
    which is the article as often as it is one ('een unit van minimaal 10 bedden')."""
    return words_pattern(w for w in number_words(language) if article or w != "een")


def words_pattern(words: Iterable[str]) -> str:
    """A plain regex alternation of words, longest first, with no boundaries: the caller's pattern sets
    them (a number word also starts a compound: 'vijfjarige')."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True)) + ")"


@cache
def time_units() -> dict[str, str]:
    """Each unit of time a duration is written in, with the unit it is counted in ('week' → 'weken')."""
    return {str(k): str(v) for k, v in _numbers_file()["time_units"].items()}
