"""The dated events of one policy, from its sentences and table rows (`ingest.facts.units_of`).

An event is a date expression (`ingest.dates.find_when`) in a unit that says something happens
then. Dates that only define something else are not events: a reference period of claims or
turnover ("declaraties van 1 januari 2025 tot en met 31 december 2025"), a document's date in
parentheses ("(1-4-2018)"), an age limit ("niet ouder dan 1 januari 2023"), a restatement ("ter
verduidelijking: …").

A year the text leaves out is taken, in this order and marked `year_inferred`, from dates with a
year in the same sentence, in the same paragraph, in the planning heading above it ("1 oktober
2026: Contractvoorstel & offerte"), from the same event stated elsewhere with its year, or from
the one row of a planning table with that day and month. Otherwise it stays unknown (`day_month`).

The same event stated twice in one policy (a planning-table row and a sentence, or two sentences
with the same date and words) is one event with two sources. Rows of tables are never merged with
each other: a table lists distinct events.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from inkoopwijzer import vocab
from inkoopwijzer.types import DatedEvent, DocumentMeta, EventKind
from inkoopwijzer.vocab import months

from .dates import DateMention, When, find_when, vocabulary
from .facts import Unit, clean, fact_uid, normalized

__all__ = ["extract_events"]

# Two statements of the same date are one event when this share of the shorter one's content words
# (lemmas, compounds matching their head, words of one meaning group alike) is in the other.
MERGE_SIMILARITY = 0.3
# A sentence with the date of exactly one planning-table row restates that row when it shares a word
# that says what it is about (`_one_word`), or its paragraph shares this many (a table summarises the
# text around it).
ROW_SHARED_WORDS = 2
# A description longer than this is cut at a word boundary.
WHAT_CHARS = 240
# How far before a date a marker word ("uiterlijk", "per") may stand.
MARKER_WINDOW = 28


@cache
def _vocab() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("ingest").joinpath("data", "events.json").read_text(encoding="utf-8"))
    return data


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch")


def _has(text: str, phrases: list[str]) -> bool:
    low = f" {normalized(text)} "
    return any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", low) for p in phrases)


def _ends_with(text: str, phrases: list[str]) -> bool:
    low = " ".join(text.lower().split()).rstrip(" ,")
    return any(re.search(rf"(?<![\w-]){re.escape(p)}$", low) for p in phrases)


@dataclass
class _Candidate:
    unit: Unit
    when: When
    row: bool
    subject: str  # the row's description cells, or the sentence
    year: int | None
    year_inferred: bool
    kind: EventKind = "event"
    who: str = ""
    care: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    weak: bool = False
    sources: list[Unit] = field(default_factory=list)

    def key(self) -> tuple[object, ...]:
        w = self.when
        if w.last is not None:
            return ("window", _iso(w.first, self.year, first=True), _iso(w.last, self._last_year(), first=False))
        m = w.first
        if m.quarter:
            return ("quarter", self.year, m.quarter)
        if m.day:
            return ("date", self.year, m.month, m.day)
        return ("month", self.year, m.month)

    def _last_year(self) -> int | None:
        last = self.when.last
        if last is None:
            return None
        if last.year is not None:
            return last.year
        if self.year is None:
            return None
        return self.year + (1 if last.ordinal() < self.when.first.ordinal() else 0)

    def day_month(self) -> tuple[object, ...]:
        m = self.when.first
        return ("date", m.month, m.day) if m.day else ("month", m.month)


def _iso(m: DateMention, year: int | None, first: bool) -> str | None:
    if year is None:
        return None
    month = m.month or (3 * (m.quarter or 1) - (2 if first else 0))
    day = m.day or (1 if first else calendar.monthrange(year, month)[1])
    return date(year, month, day).isoformat()


# --- which date expressions are events ---------------------------------------------------------


def _excluded(text: str, w: When) -> bool:
    """A date that defines something else: a reference period, a document's date, an age limit."""
    dates = vocabulary()
    before = text[: w.start]
    if _ends_with(before, dates["not_event_before"]):
        return True
    clause = re.split(r"[;:()]", before)[-1]
    if _has(" ".join(clause.split()[-12:]), dates["reference_words"]):
        return True  # "declaraties … van 1 januari 2025 tot en met …", "omzet …, tussen 1 mei 2025 en …"
    if w.whole_years:
        return True  # "gedurende 2026" in running text is a time, not an event (a planning row's is one)
    opened = before.rfind("(")
    if opened > before.rfind(")"):
        inside = text[opened + 1 : text.find(")", w.end) if ")" in text[w.end :] else len(text)]
        inside_before = text[opened + 1 : w.start]
        if _has(inside_before, dates["clarifying"]):
            return True  # "(ter verduidelijking: … 21 juli 2026 …)" restates the sentence's date
        markers = _vocab()["deadline_markers"] + _vocab()["start_markers"] + ["op", "vanaf", "respectievelijk"]
        if not _has(inside, markers):
            return True  # "(1-4-2018)": the date of a document it cites
    return False


def _planning_row(unit: Unit) -> tuple[When, str] | None:
    """A row of a planning table ('1 juni 2026 | Uiterste aanmelddatum …') or a planning heading
    ('1 oktober 2026: Contractvoorstel & offerte'): the date it opens with and its description."""
    if unit.is_row:
        first = unit.cells[0]
        whens = [w for w in find_when(first) if w.first.year is not None]
        if not whens or not re.match(r"^[A-Za-zÀ-ÿ ]{0,20}$", first[: whens[0].start]):
            return None
        wie = _wie_column(unit)
        rest = [c for i, c in enumerate(unit.cells[1:], 1) if c and i != wie]
        return (whens[0], " ".join(rest)) if rest else None
    m = re.match(r"^(.{6,40}?)\s*:\s+(\S.*)$", unit.text)
    if m:
        whens = find_when(m.group(1))
        if whens and whens[0].start == 0 and whens[0].end >= len(m.group(1).strip()) - 1 and whens[0].first.year:
            return whens[0], m.group(2)
    return None


def _wie_column(unit: Unit) -> int | None:
    for i, h in enumerate(unit.header):
        if h.strip().lower() in ("wie", "who", "actor", "door wie"):
            return i
    return None


# --- year inference ----------------------------------------------------------------------------


def _years_given(whens: list[When]) -> set[int]:
    return {m.year for w in whens for m in w.mentions() if m.year is not None and m.day is not None and m.year_given}


class _Context:
    """What a year left out can be inferred from: the dates of each paragraph and the latest planning
    heading of each part of the document."""

    def __init__(self, units: list[Unit]) -> None:
        self.block_years: dict[tuple[int, int], set[int]] = {}
        self.heading_year: dict[int, int] = {}  # unit index → year of the planning heading above it
        heading: tuple[str, int] | None = None
        for i, u in enumerate(units):
            self.block_years.setdefault(u.block, set()).update(_years_given(find_when(u.text)))
            top = u.section.split(" › ")[0]
            row = None if u.is_row else _planning_row(u)
            if row is not None and row[0].first.year:
                heading = (top, row[0].first.year)
            elif heading is not None and heading[0] != top:
                heading = None
            if heading is not None:
                self.heading_year[i] = heading[1]


def _infer_year(text: str, when: When, unit: Unit, index: int, ctx: _Context) -> int | None:
    """The year of a date the text gives without one, from the sentence, the paragraph or (for a
    day, not a bare month) the planning heading above it, when they name exactly one year; None
    when that is not unambiguous."""
    for years in (_years_given(find_when(text)), ctx.block_years.get(unit.block, set())):
        if len(years) == 1:
            return next(iter(years))
        if len(years) > 1:
            return None
    if when.first.day is None and not when.first.approximate:
        return None  # "die vrijkomt in september": no year near it
    return ctx.heading_year.get(index)


# --- kind, who, what -----------------------------------------------------------------------


def _clause(text: str, w: When) -> str:
    """The part of the sentence around the date, between punctuation that separates clauses."""
    start = max([0] + [m.end() for m in re.finditer(r"[;:]|,\s(?=(?:dan|en|maar|waarna|of|want)\b)", text[: w.start])])
    stop = re.search(r"[;:]|,\s(?=(?:dan|en|maar|waarna|of|want)\b)", text[w.end :])
    return text[start : w.end + stop.start()] if stop else text[start:]


def _actor(text: str, insurer: str | None) -> str | None:
    """'provider' when the provider acts, 'insurer' when the insurer does, None when the words do not say."""
    v = _vocab()
    if _has(text, v["provider_from_insurer"]):
        return "provider"
    receives = ["u ontvangt", "ontvangt u", "krijgt u", "u krijgt", "te horen", "klaar", "zichtbaar", "you receive", "you will receive"]
    if _has(text, receives):
        return "insurer"
    subject = _subject_of(text, insurer)
    if subject == "insurer":
        return "insurer"
    if _has(text, v["provider_actions"]) or subject == "provider":
        return "provider"
    if _has(text, v["insurer_actions"]):
        return "insurer"
    return None


def _subject_of(text: str, insurer: str | None) -> str | None:
    """Who the sentence is about near its start: the first provider or insurer word among its first eight
    that is not whom something goes to ('Bericht aan zorgaanbieders', 'offerte aan zorgverzekeraar')."""
    v = _vocab()
    words = [w.strip(",.:;()").lower() for w in clean(text).split()[:8]]
    heads = {h.lower() for h in v["who_heads"]}
    insurers = {w.lower() for w in v["insurer_subjects"]} | {w for w in (insurer or "").lower().split()[:1]}
    for i, w in enumerate(words):
        provider = w in heads or any(w.endswith("-" + h) for h in heads)
        if not provider and w not in insurers:
            continue
        if set(words[max(0, i - 2) : i]) & set(v["recipient_prepositions"]):
            continue
        return "provider" if provider else "insurer"
    return None


def _kind(unit: Unit, text: str, w: When, row: bool, wie: str | None, insurer: str | None, cited: str,
          row_when: str | None = None) -> EventKind:
    """deadline (the provider must act), event (the insurer acts), start (a rule or contract starts) or
    window. A row is read from its description (`text`) with its date cell (`row_when`) for the markers."""
    v = _vocab()
    if w.is_window:
        return "window"
    before = (row_when or text)[max(0, w.start - MARKER_WINDOW) : w.start]
    clause = text if row_when is not None else _clause(text, w)
    if _ends_with(before, v["start_markers"]) or _has(clause, v["start_words"]):
        return "start"
    if wie is not None:
        actor: str | None = "provider" if _has(wie, v["provider_words"]) else "insurer"
    else:
        actor = _actor(clause, insurer) or _actor(text, insurer) or _actor(cited, insurer)
    header = " ".join(unit.header).lower()
    marked = _ends_with(before, v["deadline_markers"]) or _has(cited, v["deadline_words"]) or "uiterste" in header
    if actor == "provider" and (marked or row or _has(text, v["provider_actions"])):
        return "deadline"
    if row and marked and actor is None:
        return "deadline"
    if actor is None and marked and _has(clause, ["u", "uw", "you"]):
        return "deadline"
    return "event"


@cache
def _who_pattern() -> re.Pattern[str]:
    v = _vocab()
    mods = "|".join(re.escape(m) for m in sorted(v["who_modifiers"], key=len, reverse=True))
    heads = "|".join(re.escape(h) for h in sorted(v["who_heads"], key=len, reverse=True))
    quals = "|".join(re.escape(q) for q in sorted(v["who_qualifiers"], key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])(?P<mods>(?:(?:{mods})\s+)*)(?P<head>[\w-]*?(?:{heads}))(?![\w])"
        rf"(?P<qual>\s+(?:{quals})\s[^,.;:()?!]{{3,70}})?",
        re.I,
    )


def _who_in(text: str) -> str | None:
    """A specific group of providers the text names ('nieuwe zorgaanbieders', 'ELV-zorgaanbieders
    met productie …'); None when it names only providers in general."""
    generic = {h.lower() for h in _vocab()["who_heads"]}
    for m in _who_pattern().finditer(clean(text)):
        phrase = " ".join(m.group(0).split())
        if m.group("mods") or m.group("qual") or m.group("head").lower() not in generic:
            words = phrase.split()
            return " ".join(words[:12])
    return None


def _what(subject: str) -> str:
    text = clean(subject)
    if len(text) <= WHAT_CHARS:
        return text
    cut = text.rfind(" ", 0, WHAT_CHARS)
    return text[: cut if cut > 0 else WHAT_CHARS] + " …"


def _care_types(text: str) -> frozenset[str]:
    return frozenset(ct.code for ct in vocab.care_types() if ct.document_pattern().search(text))


@cache
def _meanings() -> dict[str, str]:
    """Word → the name of its meaning group ('zichtbaar' and 'publicatie' both say it is published)."""
    return {w: f"#{group[0]}" for group in _vocab()["same_meaning"] for w in group}


def _words(text: str, when_texts: list[str]) -> frozenset[str]:
    """The content words of a text, as lemma stems, with the meaning group of each that has one."""
    import simplemma

    v = _vocab()
    stop = set(v["stopwords"]) | set(months())
    for t in when_texts:
        text = text.replace(t, " ")
    words = [w for w in re.findall(r"[a-zà-ÿ][a-zà-ÿ'-]{2,}", normalized(text)) if w not in stop]
    meanings = _meanings()
    groups = {meanings[w] for w in words if w in meanings}
    stems = _stemmer().stemWords([simplemma.lemmatize(w, lang="nl") for w in words])
    roles = set(_stemmer().stemWords(v["date_role_words"]))  # words for the date itself say nothing of the event
    return frozenset(stems) - roles | frozenset(groups)


def _same_word(a: str, b: str) -> bool:
    """Equal, a compound and its head ('conceptovereenkomst', 'overeenkomst'), or a stem and the same
    stem with one letter more ('stel', 'stell'; not 'contract', 'contracter')."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if short.startswith("#") or long_.startswith("#"):
        return False
    return (len(short) >= 5 and long_.endswith(short)) or (len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 1)


def _one_word(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two statements share a word that says what they are about: the same lemma, or a compound
    and its head (words for the date itself, 'ingangsdatum', are not in the word sets)."""
    for x in a:
        for y in b:
            if x.startswith("#") or y.startswith("#"):
                if x == y:
                    return True
                continue
            short, long_ = sorted((x, y), key=len)
            if x == y or (len(short) >= 5 and long_.endswith(short)):
                return True
    return False


def _shared(a: frozenset[str], b: frozenset[str]) -> int:
    return sum(1 for x in a if any(_same_word(x, y) for y in b))


def _similar(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return min(_shared(a, b), _shared(b, a)) / min(len(a), len(b))


# --- putting it together -------------------------------------------------------------------


def _with_antecedent(u: Unit) -> Unit:
    """A sentence that opens by pointing back ('Dit kan tot uiterlijk 1 september …') cited with the
    sentence before it in its paragraph, so the quote says what happens."""
    words = u.text.split()
    if u.is_row or not words or words[0].lower().strip(",") not in _vocab()["back_references"]:
        return u
    offset = u.block[0]
    before = u.paragraph[: u.start - offset].rstrip()
    if not before:
        return u
    cut = max(before.rfind(". "), before.rfind("? "), before.rfind("! "))
    start = offset + (cut + 2 if cut >= 0 else 0)
    text = u.paragraph[start - offset : u.end - offset]
    return replace(u, start=start, text=text)


def _weak(text: str, when_texts: list[str]) -> bool:
    """A unit that is a date and a label only ('Datum: 15 juni 2026', '1 juni 2026')."""
    for t in when_texts:
        text = text.replace(t, " ")
    words = [w for w in re.findall(r"[a-zà-ÿ]{3,}", text.lower()) if w not in _vocab()["weak_labels"]]
    return len(words) < 2


def _candidates(meta: DocumentMeta, units: list[Unit]) -> list[_Candidate]:
    ctx = _Context(units)
    out: list[_Candidate] = []
    policy_years = sorted(meta.years)
    stop = {w for name in (meta.insurer or "").lower().split() for w in [name]}
    for i, u in enumerate(units):
        planned = _planning_row(u)
        if planned is not None:
            whens, row, subject = [planned[0]], True, planned[1]
            text = u.cells[0] if u.is_row else u.text
        else:
            text = " ".join(u.text.split("\t")) if u.is_row else u.text
            whens = [w for w in find_when(text) if not _excluded(text, w)]
            row, subject = False, text
        if not whens:
            continue
        wie_col = _wie_column(u) if u.is_row and planned is not None else None
        wie = u.cells[wie_col] if wie_col is not None and wie_col < len(u.cells) else None
        when_texts = [text[x.start : x.end] for x in find_when(text)]
        cited = u if row else _with_antecedent(u)
        words = _words(subject if row else cited.text, when_texts) - stop
        weak = not row and _weak(text, when_texts)
        for w in whens:
            first = w.first
            years: list[tuple[int | None, bool]]
            if first.year is not None:
                years = [(first.year, not first.year_given)]
            elif w.recurring:
                years = [(y, True) for y in (w.recurring_years or tuple(policy_years))]
            else:
                years = [(_infer_year(text, w, u, i, ctx), True)]
            if first.day is None and first.quarter is None and years == [(None, True)] and not first.approximate:
                continue  # "in september" with no year anywhere near: not a date one can plan by
            kind = _kind(u, text if not row else subject, w, row, wie, meta.insurer, cited.text if not row else subject,
                         row_when=text if row else None)
            who_text = subject if row else _clause(text, w)
            who = _who_in(who_text) or _who_in(cited.text) or _who_in(u.section.split(" › ")[-1]) or _vocab()["who_generic"]
            care = _care_types(f"{u.section} {subject}")
            for year, inferred in years:
                out.append(
                    _Candidate(cited, w, row, subject if row else cited.text, year, inferred and year is not None,
                               kind, who, care, words, weak, [cited])
                )
    return out


def _compatible(a: _Candidate, b: _Candidate) -> bool:
    return not (a.care and b.care and not a.care & b.care)


def _merge(cands: list[_Candidate]) -> list[_Candidate]:
    """One event per thing that happens: rows first (each its own event), then the sentences that
    state the same date with the same words (or the date of the one row that has it, with a word of
    it in their paragraph), then those whose year comes from such a statement."""
    events: list[_Candidate] = [c for c in cands if c.row]
    rest = [c for c in cands if not c.row and not c.weak]
    paragraph_words: dict[int, frozenset[str]] = {}

    def around(c: _Candidate) -> frozenset[str]:
        if id(c) not in paragraph_words:
            paragraph_words[id(c)] = _words(c.unit.paragraph, [c.unit.paragraph[x.start : x.end] for x in find_when(c.unit.paragraph)])
        return paragraph_words[id(c)]

    def best(c: _Candidate, same_key: bool) -> _Candidate | None:
        pool = [
            e for e in events
            if _compatible(c, e)
            and (e.key() == c.key() if same_key else (e.day_month() == c.day_month() and e.year is not None and not e.when.is_window))
        ]
        scored = [(_similar(c.words, e.words), -events.index(e), e) for e in pool]
        scored = [x for x in scored if x[0] >= MERGE_SIMILARITY]
        if scored:
            return max(scored, key=lambda x: (x[0], x[1]))[2]
        rows = [e for e in pool if e.row]
        if same_key and len(rows) == 1 and (
            _one_word(c.words, rows[0].words) or _shared(around(c), rows[0].words) >= ROW_SHARED_WORDS
        ):
            return rows[0]
        return None

    def same_month(c: _Candidate) -> _Candidate | None:
        """A month stated for an event given elsewhere with its day ('de publicatie … in april 2026')."""
        pool = [e for e in events if e.year == c.year and e.when.first.day and e.when.first.month == c.when.first.month
                and not e.when.is_window and _compatible(c, e)]
        scored = [(_similar(c.words, e.words), e.row, e) for e in pool]
        scored = [x for x in scored if x[0] >= MERGE_SIMILARITY]
        return max(scored, key=lambda x: (x[0], x[1]))[2] if scored else None

    for c in rest:
        if c.year is not None or c.when.is_window:
            target = best(c, same_key=True)
            if target is None and not c.when.is_window and c.when.first.day is None and c.when.first.quarter is None:
                target = same_month(c)
            if target is not None:
                target.sources.append(c.unit)
                continue
            events.append(c)
    for c in rest:
        if c.year is None and not c.when.is_window:
            target = best(c, same_key=False)
            if target is not None:
                target.sources.append(c.unit)
                continue
            rows = {e.year for e in events if e.row and e.day_month() == c.day_month() and e.year is not None}
            if len(rows) == 1:
                c.year, c.year_inferred = rows.pop(), True  # the planning table has this day once
            events.append(c)
    for c in (c for c in cands if c.weak and not c.row):
        target = next((e for e in events if e.key() == c.key() and c.year is not None), None)
        if target is not None:
            target.sources.append(c.unit)
    return events


def extract_events(meta: DocumentMeta, units: list[Unit]) -> list[DatedEvent]:
    """The dated events of one document, in the order of their dates (unknown years last)."""
    out: list[DatedEvent] = []
    seen: set[str] = set()
    for c in _merge(_candidates(meta, units)):
        fields = _when_fields(c)
        primary = c.sources[0]
        uid = fact_uid(meta.insurer or "", meta.doc_id, json.dumps(fields, sort_keys=True), normalized(primary.text))
        if uid in seen:
            continue
        seen.add(uid)
        sources = sorted({u.start: u for u in c.sources}.values(), key=lambda u: (u is not primary, u.start))
        out.append(
            DatedEvent(
                uid=uid,
                kind=c.kind,
                **fields,
                year_inferred=c.year_inferred,
                who=c.who,
                what=_what(c.subject),
                insurer=meta.insurer,
                document=meta.document,
                title=meta.title,
                care_types=sorted(c.care & set(meta.care_types)) or sorted(c.care) or list(meta.care_types),
                years=list(meta.years),
                sources=[u.source(meta.document) for u in sources],
            )
        )
    return sorted(out, key=lambda e: (e.first_day() or "9999", e.sources[0].start))


def _when_fields(c: _Candidate) -> dict[str, Any]:
    w, m = c.when, c.when.first
    if w.last is not None:
        start = _iso(m, c.year, first=True)
        end = _iso(w.last, c._last_year(), first=False)
        approx = not (m.day and w.last.day)
        if start and end:
            return {"start": start, "end": end, "approximate": approx}
        return {"day_month": f"--{m.month or 1:02d}-{m.day or 1:02d}", "approximate": approx}
    if m.quarter:
        return {"quarter": f"{c.year}-Q{m.quarter}", "approximate": True} if c.year else {"day_month": f"Q{m.quarter}", "approximate": True}
    if m.day:
        if c.year:
            return {"date": date(c.year, m.month or 1, m.day).isoformat(), "approximate": False}
        return {"day_month": f"--{m.month:02d}-{m.day:02d}", "approximate": False}
    if c.year:
        return {"month": f"{c.year}-{m.month:02d}", "approximate": True}
    return {"day_month": f"--{m.month:02d}", "approximate": True}
