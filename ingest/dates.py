"""Dutch date language → date expressions with their place in the text.

    find_when(text) -> list[When]

A `When` is one date ("uiterlijk 15 september 2026", "30-04-27", "1 juni"), a month ("eind
oktober 2026", "in september"), a quarter ("het derde kwartaal 2026"), a window ("tussen 1 april
en 1 juni 2026", "van 1 januari 2027 tot en met 31 december 2028", "gedurende heel 2026 en 2027")
or a recurring date ("1 september van het lopende contractjaar 2027 en 2028"). A year the text
gives elsewhere in the same expression ("1 april en 1 juni 2026", "1 maart of 1 april 2027") is
filled in; any other missing year is left None for the caller to infer from the context.
The word lists are data (`ingest/data/dates.json`, month names from `inkoopwijzer.vocab`).
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from inkoopwijzer.vocab import month_name, months

__all__ = ["DateMention", "When", "find_when", "vocabulary"]


@cache
def vocabulary() -> dict[str, Any]:
    """The date word lists of `ingest/data/dates.json`."""
    data: dict[str, Any] = json.loads(resources.files("ingest").joinpath("data", "dates.json").read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class DateMention:
    """One date, month or quarter as written; `year` None when the text leaves it out."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None = None
    quarter: int | None = None
    approximate: bool = False
    year_given: bool = True  # False when the year came from elsewhere in the same expression

    def ordinal(self) -> tuple[int, int, int]:
        """(month, day, 0) for ordering within a year."""
        month = self.month or (3 * (self.quarter or 1) - 2)
        return (month, self.day or 1, 0)

    def label(self) -> str:
        """The date in words, as Dutch readers write it: '15 september 2026', 'september 2026', 'Q3 2026'."""
        year = f" {self.year}" if self.year else ""
        if self.quarter:
            return f"Q{self.quarter}{year}"
        if self.day and self.month:
            return f"{self.day} {month_name(self.month)}{year}"
        return f"{month_name(self.month or 1)}{year}"


@dataclass(frozen=True)
class When:
    """A date expression: one mention, or a window from `first` to `last`, maybe recurring."""

    start: int
    end: int
    first: DateMention
    last: DateMention | None = None
    recurring: bool = False
    recurring_years: tuple[int, ...] = field(default=())
    whole_years: bool = False  # "gedurende heel 2026 en 2027": a window of whole years

    @property
    def is_window(self) -> bool:
        return self.last is not None

    def mentions(self) -> list[DateMention]:
        return [self.first] + ([self.last] if self.last else [])


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _pattern() -> re.Pattern[str]:
    vocab = vocabulary()
    names = months()
    full_names = [n for n in names if len(n) >= 3 and n not in ("mar", "may", "jun", "jul", "jan", "feb", "apr", "aug",
                                                                "sep", "okt", "oct", "nov", "dec", "mrt", "febr", "sept")]
    month_any = _alternation(list(names))
    month_full = _alternation(full_names)
    year = r"(?:19|20)\d\d"
    approx = _alternation(vocab["approximate"])
    ordinals = _alternation(list(vocab["quarter_ordinals"]))
    parts = [
        # 15 september 2026, 1 juni, 1 sept. 2026
        rf"(?<![\w/-])(?P<day>[0-3]?\d)(?:e|ste)?\s+(?P<month>{month_any})\.?(?:\s+(?P<year>{year}))?(?![\w])",
        # 30-04-27, 1-4-2018, 01/09/2026
        rf"(?<![\w./-])(?P<nday>[0-3]?\d)(?P<sep>[-/])(?P<nmonth>[01]?\d)(?P=sep)(?P<nyear>{year}|\d\d)(?![\w/-]|[.,]\d)",
        # het derde kwartaal 2026, Q3 2026, 2026-Q3
        rf"(?<![\w])(?:(?P<qord>{ordinals})\s+kwartaal|Q(?P<qn>[1-4]))(?:\s+(?:van\s+)?(?P<qyear>{year}))?(?![\w])",
        rf"(?<![\w])(?P<qyear2>{year})[-\s]?Q(?P<qn2>[1-4])(?![\w])",
        # eind oktober 2026, september 2026, in september (a month without a year needs its full name)
        rf"(?<![\w])(?:(?P<approx>{approx})\s+)?(?:(?P<myname>{month_any})\s+(?P<myear>{year})|(?P<mname>{month_full}))(?![\w])",
    ]
    return re.compile("|".join(parts), re.I)


def _mention(m: re.Match[str]) -> DateMention | None:
    names = months()
    ordinals = vocabulary()["quarter_ordinals"]
    g = m.groupdict()
    if g["day"]:
        day, month = int(g["day"]), names[g["month"].lower()]
        year = int(g["year"]) if g["year"] else None
        return _valid(DateMention(m.start(), m.end(), year, month, day))
    if g["nday"]:
        y = g["nyear"]
        year = int(y) if len(y) == 4 else 2000 + int(y)
        return _valid(DateMention(m.start(), m.end(), year, int(g["nmonth"]), int(g["nday"])))
    if g["qord"] or g["qn"]:
        quarter = ordinals[g["qord"].lower()] if g["qord"] else int(g["qn"])
        return DateMention(m.start(), m.end(), int(g["qyear"]) if g["qyear"] else None, None, quarter=quarter)
    if g["qn2"]:
        return DateMention(m.start(), m.end(), int(g["qyear2"]), None, quarter=int(g["qn2"]))
    name = g["myname"] or g["mname"]
    if name:
        year = int(g["myear"]) if g["myear"] else None
        return DateMention(m.start(), m.end(), year, names[name.lower()], approximate=bool(g["approx"]))
    return None


def _valid(d: DateMention) -> DateMention | None:
    if not d.month or not 1 <= d.month <= 12 or not d.day:
        return None
    year = d.year or 2000  # a leap year: 29 februari without a year is a date
    return d if 1 <= d.day <= calendar.monthrange(year, d.month)[1] else None


def _phrase_at_end(text: str, phrases: list[str]) -> bool:
    low = " ".join(text.lower().split())
    return any(low == p or low.endswith(" " + p) for p in phrases)


def _with_year(d: DateMention, year: int) -> DateMention:
    return replace(d, year=year, year_given=False)


_WHOLE_YEARS = re.compile(r"(?<![\w])(?P<lead>{lead})\s+(?P<a>(?:19|20)\d\d)(?:\s+(?:en|t/m|tot en met|-|–)\s+(?P<b>(?:19|20)\d\d))?(?![\w])")


@cache
def _whole_years() -> re.Pattern[str]:
    return re.compile(_WHOLE_YEARS.pattern.format(lead=_alternation(vocabulary()["whole_years"])), re.I)


def _recurring(after: str) -> tuple[bool, tuple[int, ...], int]:
    """Whether `after` opens with 'van het lopende (contract)jaar [2027 en 2028]': (recurring, years, length)."""
    low = after.lower()
    for phrase in sorted(vocabulary()["recurring"], key=len, reverse=True):
        stripped = low.lstrip()
        if stripped.startswith(phrase):
            pos = len(low) - len(stripped) + len(phrase)
            years = re.match(r"(\s*(?:,|en|and)?\s*(?:19|20)\d\d)+", after[pos:])
            found = tuple(int(y) for y in re.findall(r"(?:19|20)\d\d", years.group(0))) if years else ()
            return True, found, pos + (years.end() if years else 0)
    return False, (), 0


def find_when(text: str) -> list[When]:
    """Every date expression in `text`, in order (see the module docstring)."""
    vocab = vocabulary()
    mentions = [d for m in _pattern().finditer(text) if (d := _mention(m)) is not None]
    # a month name alone is a date only after a preposition or a word like 'eind' ("in september"),
    # never inside a name or a title ("Werkgroep September")
    mentions = [
        d
        for d in mentions
        if d.day or d.quarter or d.year or d.approximate or _phrase_at_end(text[max(0, d.start - 12) : d.start], vocab["month_prepositions"])
    ]
    # a year written once for two dates: "1 april en 1 juni 2026", "1 en 15 september 2026"
    for i in range(len(mentions) - 2, -1, -1):
        a, b = mentions[i], mentions[i + 1]
        between = text[a.end : b.start].strip().lower()
        joined = between in vocab["enumeration_joiners"] or between in vocab["window_joiners"]
        if a.year is None and b.year is not None and joined and a.quarter is None and b.quarter is None:
            year = b.year - 1 if (a.month or 0, a.day or 0) > (b.month or 0, b.day or 0) and between not in vocab["enumeration_joiners"] else b.year
            mentions[i] = _with_year(a, year)
    out: list[When] = []
    i = 0
    while i < len(mentions):
        a = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and _is_window(text, a, nxt):
            end = nxt.end
            rec, years, n = _recurring(text[end:]) if nxt.year is None else (False, (), 0)
            out.append(When(a.start, end + n, a, nxt, rec, years))
            i += 2
            continue
        rec, years, n = _recurring(text[a.end :]) if a.year is None else (False, (), 0)
        out.append(When(a.start, a.end + n, a, None, rec, years))
        i += 1
    for m in _whole_years().finditer(text):
        if any(w.start < m.end() and m.start() < w.end for w in out):
            continue
        first_year = int(m.group("a"))
        last_year = int(m.group("b") or first_year)
        if not 0 <= last_year - first_year <= 10:
            continue
        first = DateMention(m.start("a"), m.end("a"), first_year, 1, 1)
        last = DateMention(m.start("b") if m.group("b") else m.start("a"), m.end(), last_year, 12, 31)
        out.append(When(m.start(), m.end(), first, last, whole_years=True))
    return sorted(out, key=lambda w: w.start)


def _is_window(text: str, a: DateMention, b: DateMention) -> bool:
    """'tussen A en B', 'van A tot en met B', 'A t/m B', 'A - B': two dates that bound a period."""
    vocab = vocabulary()
    between = " ".join(text[a.end : b.start].lower().split())
    if between not in vocab["window_joiners"]:
        return False
    if a.quarter or b.quarter:
        return False
    if a.year and b.year and (a.year, *a.ordinal()) >= (b.year, *b.ordinal()):
        return False
    opened = _phrase_at_end(text[max(0, a.start - 30) : a.start], vocab["window_openers"])
    if between in ("en", "and"):
        return _phrase_at_end(text[max(0, a.start - 30) : a.start], ["tussen", "between"])
    if between in ("tot", "until", "to"):
        return opened
    return True
