"""The planning calendar: filters, time left, date labels and the iCalendar feed (assistant/planning.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from icalendar import Calendar

from assistant.planning import FactQuery, calendar_ics, in_feed, select_events, time_left, when_label
from inkoopwijzer.types import DatedEvent, FactSource


def event(uid: str, **when: Any) -> DatedEvent:
    fields: dict[str, Any] = {"insurer": "Salland", "document": "004.pdf", "title": "Zorginkoopbeleid 2027",
                              "care_types": ["MSZ"], "years": [2027], "what": "Offerte insturen", "who": "zorgaanbieders",
                              "kind": "deadline"}
    fields.update(when)
    quote = fields.pop("quote", "Stuur uiterlijk 30 september 2026 uw offerte.")
    return DatedEvent(uid=uid, sources=[FactSource(document=fields["document"], quote=quote, section="Offerte",
                                                   page=30, start=10, end=10 + len(quote))], **fields)


EVENTS = [
    event("a", date="2026-09-30"),
    event("b", month="2026-12", approximate=True, kind="event"),
    event("c", start="2027-01-01", end="2028-12-31", kind="window", insurer="Zilveren Kruis", care_types=["GRZ", "ELV"],
          document="002.pdf"),
    event("d", day_month="--06-01"),
    event("e", date="2024-04-01", document="003.pdf", insurer="Zilveren Kruis", care_types=["ZG"]),
]


def test_filters() -> None:
    uids = lambda q, old=(): [e.uid for e in select_events(EVENTS, q, old)]  # noqa: E731
    assert uids(FactQuery()) == ["e", "a", "b", "c", "d"]
    assert uids(FactQuery(insurers=["salland"])) == ["a", "b", "d"]
    assert uids(FactQuery(care_types=["ELV"])) == ["c"]
    assert uids(FactQuery(year=2028)) == ["c"]  # a window counts for every year it spans
    assert uids(FactQuery(from_date=date(2026, 11, 23))) == ["b", "c"]  # not over yet; no year: not datable
    assert uids(FactQuery(), old=["003.pdf"]) == ["a", "b", "c", "d"]  # outdated policies only when asked
    assert uids(FactQuery(include_outdated=True), old=["003.pdf"]) == ["e", "a", "b", "c", "d"]
    assert uids(FactQuery(kinds=["window"])) == ["c"]


def test_time_left_relative_to_today() -> None:
    today = date(2026, 9, 18)
    assert time_left(EVENTS[0], today) == "over 12 dagen"
    assert time_left(EVENTS[0], date(2026, 9, 29)) == "morgen"
    assert time_left(EVENTS[0], date(2026, 9, 30)) == "vandaag"
    assert time_left(EVENTS[0], date(2026, 10, 1)) == "verlopen"
    assert time_left(EVENTS[1], date(2026, 12, 30)) == "nog 1 dag"
    assert time_left(EVENTS[2], date(2028, 12, 31)) == "eindigt vandaag"
    assert time_left(EVENTS[3], today) == "jaar onbekend"
    assert time_left(EVENTS[0], today, "en") == "in 12 days"


def test_date_labels() -> None:
    assert [when_label(e) for e in EVENTS] == [
        "30 september 2026", "december 2026 (ca.)", "1 januari 2027 – 31 december 2028", "1 juni (jaar niet genoemd)",
        "1 april 2024",
    ]


def test_feed_parses_back_with_every_day_event() -> None:
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    feed = calendar_ics(EVENTS, "https://iw.example.nl/", stamp=stamp)
    cal = Calendar.from_ical(feed)
    vevents = cal.walk("VEVENT")
    assert [str(v["UID"]) for v in vevents] == [f"{e.uid}@inkoopwijzer" for e in EVENTS if in_feed(e)] == [
        "a@inkoopwijzer", "c@inkoopwijzer", "e@inkoopwijzer"]
    first = vevents[0]
    assert first["DTSTART"].params["VALUE"] == "DATE" and first["DTSTART"].dt == date(2026, 9, 30)
    assert first["DTEND"].dt == date(2026, 10, 1)
    assert "Stuur uiterlijk 30 september 2026 uw offerte." in str(first["DESCRIPTION"])
    assert "Zorginkoopbeleid 2027" in str(first["DESCRIPTION"]) and "p. 30" in str(first["DESCRIPTION"])
    assert str(first["URL"]) == "https://iw.example.nl/api/documents/004.pdf/file#page=30"
    window = vevents[1]
    assert (window["DTSTART"].dt, window["DTEND"].dt) == (date(2027, 1, 1), date(2029, 1, 1))
    assert calendar_ics(EVENTS, "https://iw.example.nl", stamp=stamp) == feed  # the same feed for the same events
