"""Checks a language model's answer against the passages it was given, before anyone sees it.

`validate(text, citations)` returns the problems found; an empty list means the answer may be
shown. The rules:

- the answer says something (four words or more besides its markers, and not more markers than
  half its words) and cites with `[n]` markers (also `[1, 2]`), at least one, and every `n` is
  the number of a given citation;
- every **date** in the answer occurs in a cited passage (one whose `[n]` the answer uses):
  day–month–year, day–month and month–year, in Dutch or English ("15 september 2026",
  "September 15, 2026", "15-09-2026", "2026-09-15", "juni 2026"). Dates are compared as values, so
  an English answer may write a Dutch passage's date the English way. A date with a year matches a
  passage date without one when that year occurs in the same passage ("tussen 1 april en
  1 juni 2026" supports "1 april 2026"); a date without a year matches the same day and month;
- every **amount** ("€ 100.000", "€100,000", "100.000 euro", "€ 1,5 miljoen", any number with
  thousands separators) occurs as a number of the same value in a cited passage; "100.000" and
  "100,000" are the same value, whichever of the two conventions the writer used;
- every **percentage** ("25%", "25 procent", "2,5 %") occurs as a percentage in a cited passage;
- every **year** standing alone ("in 2030") occurs in a cited passage or in its document title
  or section, which the prompt shows with the passage. A year is a fact too: a model that moves
  a deadline to another year is as wrong as one that invents the day. Other bare numbers (counts,
  durations, phase numbers) are not checked: they are too often harmless restatements.

The question is never a source: a question that asserts a date ("zeg dat de deadline 1 januari
2030 is") does not make that date acceptable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from inkoopwijzer import vocab
from inkoopwijzer.types import Citation

__all__ = ["cited_numbers", "validate"]

_YEAR = r"(?:19|20)\d\d"
_ORD = r"(?:e|ste|de|st|nd|rd|th)?"
_NUM = r"\d{1,3}(?:[.,\u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"miljard|billion|miljoen|million|mln|duizend|thousand"
_SCALES = {"miljard": 10**9, "billion": 10**9, "miljoen": 10**6, "million": 10**6, "mln": 10**6,
           "duizend": 1000, "thousand": 1000}  # fmt: skip



@cache
def _date_patterns() -> list[re.Pattern[str]]:
    """The ways a date is written; month names and abbreviations from `inkoopwijzer.vocab`. Order
    matters: earlier patterns claim their span first, so "1 juni 2026" is one date and its "2026"
    is not also a bare year."""
    month = r"(?P<m>" + "|".join(sorted(vocab.months(), key=len, reverse=True)) + r")\b\.?"
    return [
        # 1 t/m 15 september 2026, 1 en 15 juni, 1-15 June 2026: the first day takes the month too
        re.compile(
            rf"\b(?P<d1>\d{{1,2}}){_ORD}\s*(?:-|–|t/m|tot en met|tot|en|to|and|until|through)\s*"
            rf"(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{month}(?:,?\s+(?P<y>{_YEAR}))?(?!\d)",
            re.I,
        ),
        re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{month}(?:,?\s+(?P<y>{_YEAR}))?(?!\d)", re.I),
        re.compile(rf"\b{month}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y>{_YEAR}))?(?!\d)", re.I),
        re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})\b"),
        re.compile(rf"\b(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>{_YEAR})\b"),
        re.compile(rf"\b{month}\s+(?P<y>{_YEAR})\b", re.I),
    ]


_PERCENT = re.compile(rf"(?P<n>{_NUM})\s*(?:%|procent\b|percent\b|pct\b)", re.I)
_AMOUNT_PATTERNS = [
    re.compile(rf"(?:€|\beur\b|\beuro\b)\s*(?P<n>{_NUM})(?:\s*(?P<s>{_SCALE})\b)?(?:,-)?", re.I),
    re.compile(rf"(?<![\d.,])(?P<n>{_NUM})\s*(?:(?P<s>{_SCALE})\s*)?(?:euro\b|eur\b|€)", re.I),
    re.compile(rf"(?<![\d.,])(?P<n>{_NUM})\s*(?P<s>{_SCALE})\b", re.I),
    re.compile(r"(?<![\d.,])(?P<n>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?)(?![\d.,]*\d)"),
]
_ANY_NUMBER = re.compile(rf"(?<![\d.,])(?P<n>{_NUM})(?:\s*(?P<s>{_SCALE})\b)?", re.I)
_BARE_YEAR = re.compile(rf"(?<![\d.,])({_YEAR})(?![\d.,]?\d)")
_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


@dataclass(frozen=True)
class _Date:
    day: int | None
    month: int
    year: int | None


def _month(token: str) -> int | None:
    token = token.lower().rstrip(".")
    if token.isdigit():
        value = int(token)
        return value if 1 <= value <= 12 else None
    return vocab.month_number(token)


def _dates(text: str, taken: list[tuple[int, int]]) -> list[tuple[_Date, str]]:
    """Dates in `text`, each with the text it was read from; claimed spans go into `taken`."""
    found: list[tuple[_Date, str]] = []
    for pattern in _date_patterns():
        for m in pattern.finditer(text):
            if _overlaps(m.span(), taken):
                continue
            groups = m.groupdict()
            month = _month(groups["m"])
            day = int(groups["d"]) if groups.get("d") else None
            if month is None or (day is not None and not 1 <= day <= 31):
                continue
            year = int(groups["y"]) if groups.get("y") else None
            taken.append(m.span())
            found.append((_Date(day, month, year), m.group(0)))
            if groups.get("d1"):
                found.append((_Date(int(groups["d1"]), month, year), m.group(0)))
    return found


def _values(number: str, scale: str | None = None, dutch: bool = False) -> set[Decimal]:
    """The values a written number can mean.

    Passages are Dutch (`dutch=True`): '.' groups thousands and ',' marks decimals. An answer
    may be written either way, so '100.000' there is 100000 or 100.0 and '100,000' too."""
    digits = number.replace("\u00a0", ".")
    readings: set[str] = set()
    if "." in digits and "," in digits:
        decimal_sep = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        readings.add(digits.replace(thousands, "").replace(decimal_sep, "."))
    elif "." in digits or "," in digits:
        sep = "." if "." in digits else ","
        groups = digits.split(sep)
        grouped = len(groups) > 2 or all(len(g) == 3 for g in groups[1:])
        if grouped and not (dutch and sep == ","):
            readings.add("".join(groups))  # thousands separators
        if len(groups) == 2 and not (dutch and sep == "." and grouped):
            readings.add(f"{groups[0]}.{groups[1]}")  # a decimal separator
    else:
        readings.add(digits)
    factor = Decimal(_SCALES[scale.lower()]) if scale else Decimal(1)
    values: set[Decimal] = set()
    for reading in readings:
        try:
            values.add((Decimal(reading) * factor).normalize())
        except InvalidOperation:
            continue
    return values


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


@dataclass
class _Facts:
    dates: list[tuple[_Date, str]]
    amounts: list[tuple[set[Decimal], str]]
    percentages: list[tuple[set[Decimal], str]]
    years: list[int]


def _facts(text: str, dutch: bool = False) -> _Facts:
    taken: list[tuple[int, int]] = []
    dates = _dates(text, taken)
    percentages = []
    for m in _PERCENT.finditer(text):
        if not _overlaps(m.span(), taken):
            taken.append(m.span())
            percentages.append((_values(m.group("n"), dutch=dutch), m.group(0).strip()))
    amounts = []
    for pattern in _AMOUNT_PATTERNS:
        for m in pattern.finditer(text):
            if not _overlaps(m.span(), taken):
                taken.append(m.span())
                amounts.append((_values(m.group("n"), m.groupdict().get("s"), dutch), m.group(0).strip()))
    years = [int(m.group(1)) for m in _BARE_YEAR.finditer(text) if not _overlaps(m.span(), taken)]
    return _Facts(dates, amounts, percentages, years)


def cited_numbers(text: str) -> list[int]:
    """The citation numbers used in `text`, in order of first use."""
    seen: list[int] = []
    for m in _MARKER.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part)
            if n not in seen:
                seen.append(n)
    return seen


@dataclass
class _Source:
    """What one cited passage supports."""

    dates: list[_Date]
    numbers: set[Decimal]
    percentages: set[Decimal]
    years: set[int]

    @classmethod
    def of(cls, citation: Citation) -> _Source:
        facts = _facts(citation.quote, dutch=True)
        years = {d.year for d, _ in facts.dates if d.year} | set(facts.years)
        for meta in (citation.title, citation.section):
            meta_facts = _facts(meta)
            years |= {d.year for d, _ in meta_facts.dates if d.year} | set(meta_facts.years)
        numbers = {
            v for m in _ANY_NUMBER.finditer(citation.quote) for v in _values(m.group("n"), m.group("s"), dutch=True)
        }
        return cls(
            dates=[d for d, _ in facts.dates],
            numbers=numbers,
            percentages={v for values, _ in facts.percentages for v in values},
            years=years,
        )

    def supports_date(self, date: _Date) -> bool:
        for have in self.dates:
            if have.month != date.month:
                continue
            if date.day is not None and have.day is not None and have.day != date.day:
                continue
            if date.day is not None and have.day is None:
                continue  # "juni 2026" does not support "15 juni 2026"
            if date.year is None or have.year == date.year:
                return True
            if have.year is None and date.year in self.years:
                return True
        return False


def validate(answer_text: str, citations: Sequence[Citation]) -> list[str]:
    """Problems that keep a generated answer from being shown; empty when it may be shown."""
    text = answer_text.strip()
    if not text:
        return ["the answer is empty"]
    given = {c.n: c for c in citations}
    used = cited_numbers(text)
    problems: list[str] = []
    if not used:
        problems.append("the answer cites no passage: no [n] marker")
    else:
        words = len(re.findall(r"[^\W\d_]{2,}", _MARKER.sub(" ", text)))
        if words < 4:
            problems.append("the answer is only citation markers, no sentence")
        elif len(_MARKER.findall(text)) > words // 2:
            problems.append("the answer is mostly citation markers")
    for n in used:
        if n not in given:
            problems.append(f"[{n}] points to no passage (there are {len(given)})")
    sources = [_Source.of(given[n]) for n in used if n in given]
    facts = _facts(_MARKER.sub(" ", text))
    for date, written in facts.dates:
        if not any(s.supports_date(date) for s in sources):
            problems.append(f"the date {written!r} occurs in no cited passage")
    for values, written in facts.amounts:
        if not any(values & s.numbers for s in sources):
            problems.append(f"the amount {written!r} occurs in no cited passage")
    for values, written in facts.percentages:
        if not any(values & s.percentages for s in sources):
            problems.append(f"the percentage {written!r} occurs in no cited passage")
    for year in facts.years:
        if not any(year in s.years for s in sources):
            problems.append(f"the year {year} occurs in no cited passage")
    return problems
