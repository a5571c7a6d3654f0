"""The planning calendar over the facts of the current index: dated events and thresholds
filtered like the API and the CLI ask, the time left until each event, and an iCalendar feed.

    select_events(events, query, today)    -> list[DatedEvent], by date
    select_thresholds(thresholds, query)   -> list[Threshold]
    time_left(event, today)                -> "over 12 dagen", "vandaag", "verlopen" …
    calendar_ics(events, base_url, stamp)  -> bytes (text/calendar)

Only events with a known day (or a window of days) go into the feed: a month or a quarter is no
day to put in a calendar, and neither is a date whose year the policy does not give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote as url_quote

from pydantic import BaseModel, Field

from index.validity import is_outdated
from inkoopwijzer.types import DatedEvent, DocumentMeta, EventKind, Threshold
from inkoopwijzer.vocab import month_name

__all__ = [
    "FactQuery",
    "calendar_ics",
    "in_feed",
    "outdated_documents",
    "select_events",
    "select_thresholds",
    "source_url",
    "time_left",
    "when_label",
]


class FactQuery(BaseModel):
    """Which facts to list: the filters of `inkoopwijzer deadlines`, `/api/deadlines` and `/api/thresholds`."""

    insurers: list[str] = Field(default_factory=list)
    care_types: list[str] = Field(default_factory=list)
    year: int | None = Field(default=None, description="Only events on a day of this calendar year")
    from_date: date | None = Field(default=None, description="Only events that have not ended before this day")
    kinds: list[str] = Field(default_factory=list, description="deadline, event, start, window (events); amount … (thresholds)")
    include_outdated: bool = Field(default=False, description="Also the facts of outdated or superseded policies")
    documents: list[str] = Field(default_factory=list)


def _matches(value: str | None, wanted: Sequence[str]) -> bool:
    return not wanted or (value or "").lower() in {w.lower() for w in wanted}


def _any_matches(values: Sequence[str], wanted: Sequence[str]) -> bool:
    return not wanted or bool({v.lower() for v in values} & {w.lower() for w in wanted})


def _current(document: str, outdated: set[str], query: FactQuery) -> bool:
    return query.include_outdated or document not in outdated


def select_events(
    events: Iterable[DatedEvent], query: FactQuery, outdated: Iterable[str] = ()
) -> list[DatedEvent]:
    """The events the query asks for, by date (those without a known year last)."""
    old = set(outdated)
    out = []
    for e in events:
        if not (_matches(e.insurer, query.insurers) and _any_matches(e.care_types, query.care_types)):
            continue
        if not _current(e.document, old, query) or (query.documents and e.document not in query.documents):
            continue
        if query.kinds and e.kind not in query.kinds:
            continue
        first, last = e.first_day(), e.last_day()
        if query.year is not None and (first is None or last is None or not first[:4] <= str(query.year) <= last[:4]):
            continue
        if query.from_date is not None and (last is None or last < query.from_date.isoformat()):
            continue
        out.append(e)
    return sorted(out, key=lambda e: (e.first_day() or "9999", e.insurer or "", e.sources[0].start if e.sources else 0))


def select_thresholds(
    thresholds: Iterable[Threshold], query: FactQuery, outdated: Iterable[str] = ()
) -> list[Threshold]:
    """The thresholds the query asks for (a year filter keeps those of policies covering it)."""
    old = set(outdated)
    return [
        t
        for t in thresholds
        if _matches(t.insurer, query.insurers)
        and _any_matches(t.care_types, query.care_types)
        and _current(t.document, old, query)
        and (not query.documents or t.document in query.documents)
        and (not query.kinds or t.kind in query.kinds)
        and (query.year is None or not t.years or query.year in t.years)
    ]


def outdated_documents(metas: Iterable[DocumentMeta], year: int) -> set[str]:
    """The documents whose policy is outdated or superseded in `year`."""
    return {m.document for m in metas if is_outdated(m, year)}


def time_left(event: DatedEvent, today: date, language: str = "nl") -> str:
    """How long until the event, relative to `today`: 'vandaag', 'morgen', 'over 12 dagen',
    'nog 5 dagen' (inside a window or month), 'verlopen'; '' when its year is unknown."""
    first, last = event.first_day(), event.last_day()
    if first is None or last is None:
        return "jaar onbekend" if language == "nl" else "year unknown"
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    en = language == "en"
    if end < today:
        return "expired" if en else "verlopen"
    if start > today:
        days = (start - today).days
        if days == 1:
            return "tomorrow" if en else "morgen"
        return f"in {days} days" if en else f"over {days} dagen"
    if start == end:
        return "today" if en else "vandaag"
    days = (end - today).days
    if days == 0:
        return "ends today" if en else "eindigt vandaag"
    return f"{days} days left" if en else f"nog {days} {'dag' if days == 1 else 'dagen'}"


def when_label(event: DatedEvent) -> str:
    """The event's date as a Dutch reader writes it: '15 september 2026', 'september 2026 (ca.)',
    'Q3 2026', '1 april – 1 juni 2026', '1 juni (jaar niet genoemd)'."""
    def day(iso: str) -> str:
        d = date.fromisoformat(iso)
        return f"{d.day} {month_name(d.month)} {d.year}"

    if event.date:
        return day(event.date)
    if event.start and event.end:
        return f"{day(event.start)} – {day(event.end)}"
    if event.month:
        y, m = event.month.split("-")
        return f"{month_name(int(m))} {y} (ca.)"
    if event.quarter:
        y, q = event.quarter.split("-")
        return f"{q} {y}"
    dm = (event.day_month or "").strip("-")
    parts = [int(p) for p in dm.split("-") if p.isdigit()]
    if len(parts) == 2:
        return f"{parts[1]} {month_name(parts[0])} (jaar niet genoemd)"
    if len(parts) == 1:
        return f"{month_name(parts[0])} (jaar niet genoemd)"
    return event.day_month or "?"


def in_feed(event: DatedEvent) -> bool:
    """Whether the event has days to put in a calendar (a date or a window of dates)."""
    return bool(event.date or (event.start and event.end and not event.approximate))


def source_url(base_url: str, document: str, page: int | None) -> str:
    """The served source file of a document, at its page (the API's `/api/documents/{name}/file`)."""
    url = f"{base_url.rstrip('/')}/api/documents/{url_quote(document, safe='')}/file"
    return f"{url}#page={page}" if page and document.lower().endswith(".pdf") else url


_KIND_NL: dict[EventKind, str] = {"deadline": "Deadline", "event": "Gebeurtenis", "start": "Ingang", "window": "Periode"}


def _description(e: DatedEvent, url: str) -> str:
    src = e.sources[0] if e.sources else None
    lines = [f"{_KIND_NL[e.kind]} voor {e.who}." if e.who else _KIND_NL[e.kind]]
    if src is not None:
        lines.append(f"“{' '.join(src.quote.split())}”")
        where = ", ".join(x for x in (e.title, src.section, f"p. {src.page}" if src.page else "") if x)
        lines.append(f"Bron: {e.insurer or '?'} — {where}")
    if e.year_inferred:
        lines.append("Het jaar staat niet bij deze datum in de tekst; het is afgeleid uit de planning of de zin.")
    if len(e.sources) > 1:
        lines.append(f"Ook genoemd op p. {', '.join(str(s.page) for s in e.sources[1:] if s.page) or '?'}.")
    lines.append(url)
    return "\n\n".join(lines)


def calendar_ics(events: Iterable[DatedEvent], base_url: str, stamp: datetime | None = None, name: str = "Inkoopwijzer planning") -> bytes:
    """An iCalendar feed of the events that have days: all-day (`VALUE=DATE`), a UID that stays the same
    while the policy's text does, the quote, policy and page in the description, the cited page as URL."""
    from icalendar import Calendar, Event

    stamp = stamp or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//Inkoopwijzer//Planning zorginkoop//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for e in events:
        if not in_feed(e):
            continue
        first = date.fromisoformat(e.date or e.start or "")
        last = date.fromisoformat(e.date or e.end or "")
        src = e.sources[0] if e.sources else None
        url = source_url(base_url, e.document, src.page if src else None)
        ev = Event()
        ev.add("uid", f"{e.uid}@inkoopwijzer")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", first)
        ev.add("dtend", last + timedelta(days=1))  # all-day: the end is exclusive
        ev.add("summary", f"{e.insurer or '?'}: {e.what}")
        ev.add("description", _description(e, url))
        ev.add("url", url)
        ev.add("categories", [_KIND_NL[e.kind], *e.care_types])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return bytes(cal.to_ical())
