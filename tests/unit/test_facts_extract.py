"""Dated events and thresholds extracted from a policy's text (ingest/facts.py, events.py, thresholds.py).

The policy here is made up for the test; the rules are general Dutch date and threshold language."""

from __future__ import annotations

from pathlib import Path

from ingest.facts import Facts, extract_facts
from ingest.pipeline import parse_file

POLICY = """Zorgverzekeraar Voorbeeld

Inkoopbeleid Wijkverpleging 2027

Versie 1.0

1 Contracteerprocedure

Nieuwe zorgaanbieders melden zich uiterlijk 1 juni 2026 aan via het aanmeldformulier.

Wij publiceren ons inkoopbeleid op 1 april.

U ontvangt uiterlijk 30 september een contractvoorstel via VECOZO. Onderteken de overeenkomst voor 12 november 2026.

Bij de berekening tellen de declaraties van 1 januari 2025 tot en met 31 december 2025 mee.

Wij volgen de Werkwijzer Kwaliteit (1-4-2018). De inkoopgesprekken starten op 1 september 2026 en wij ronden ze af voor 15 oktober.

U heeft een omzet van minimaal €250.000 voor wijkverpleging. Zorgaanbieders met minder dan 5 zorgverleners vallen hierbuiten.

Wij reageren binnen 6 weken op uw aanvraag. De zorg is in 2 rondes verdeeld. De sector is verantwoordelijk voor 7% van de uitstoot.

2 Planning

Datum\tOnderwerp\tWie
1 april 2026\tPublicatie inkoopbeleid Wijkverpleging 2027\tVoorbeeld
15 mei 2026\tLaatste dag voor vragen over dit inkoopbeleid\tZorgaanbieder
1 juni 2026\tUiterste aanmelddatum nieuwe zorgaanbieders\tZorgaanbieder
30 september 2026\tContractvoorstel in VECOZO\tVoorbeeld
12 november 2026\tAlle gecontracteerde zorgaanbieders zichtbaar in de zorgzoeker\tVoorbeeld
1 januari 2027\tIngangsdatum overeenkomst\tVoorbeeld
"""


def _facts(tmp_path: Path, text: str = POLICY) -> Facts:
    path = tmp_path / "voorbeeld.txt"
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    return extract_facts(doc.meta, doc.text, doc.chunks, doc.pages)


def test_events_with_their_dates_kinds_and_sources(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    by_date = {e.date: e for e in facts.events if e.date}
    # the planning row and the sentence that states the same thing are one event with two sources
    signup = by_date["2026-06-01"]
    assert signup.kind == "deadline" and len(signup.sources) == 2
    assert "nieuwe zorgaanbieders" in signup.who.lower()
    # a year left out: from the planning table, marked as inferred
    published = by_date["2026-04-01"]
    assert len(published.sources) == 2
    offer = by_date["2026-09-30"]
    assert offer.kind == "event" and any(s.quote.startswith("U ontvangt uiterlijk 30 september") for s in offer.sources)
    assert {e.kind for e in facts.events if e.date == "2026-11-12"} == {"deadline", "event"}
    # a reference period of claims and a cited document's date are no events
    assert "2025-01-01" not in by_date and not any(e.start == "2025-01-01" for e in facts.events)
    assert "2018-04-01" not in by_date
    for e in facts.events:
        for s in e.sources:
            assert s.quote and s.section is not None


def test_year_inferred_from_the_sentence_is_marked(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    inferred = [e for e in facts.events if e.year_inferred]
    assert [e.date for e in inferred] == ["2026-10-15"]
    assert not any(e.year_inferred for e in facts.events if e.sources[0].quote.startswith("1 juni 2026"))


def test_uids_do_not_depend_on_other_text(tmp_path: Path) -> None:
    before = {e.date: e.uid for e in _facts(tmp_path).events if e.date}
    changed = POLICY.replace("1 Contracteerprocedure\n", "1 Contracteerprocedure\n\nEen nieuwe alinea zonder datum.\n")
    (tmp_path / "b").mkdir()
    after = {e.date: e.uid for e in _facts(tmp_path / "b", changed).events if e.date}
    assert before == after


def test_thresholds_with_their_subjects(tmp_path: Path) -> None:
    found = {(t.kind, t.value, t.comparator): t for t in _facts(tmp_path).thresholds}
    amount = found[("amount", 250000.0, "min")]
    assert amount.unit == "EUR" and "omzet" in amount.subject and amount.text == "minimaal €250.000"
    count = found[("count", 5.0, "less")]
    assert count.unit == "zorgverleners"
    assert ("duration", 6.0, "exact") in found
    # a number of things without a limit, and a figure that states no rule, are no thresholds
    assert not any(t.kind == "count" and t.value == 2 for t in found.values())
    assert not any(t.kind == "percentage" and t.value == 7 for t in found.values())
