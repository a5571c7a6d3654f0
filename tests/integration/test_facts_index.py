"""Facts stored with the index version: cited verbatim, the same UIDs after a re-ingest, rebuilt from
stored passages when missing, and a calendar feed that parses back with every event that has days."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "data" / "policies"


def test_every_fact_cites_the_stored_text(settings: Any) -> None:
    from index.facts import FACTS_FILE, load_facts
    from index.store import current_version

    version = current_version(settings)
    assert version is not None and (version.path / FACTS_FILE).is_file()
    facts = load_facts(version)
    assert {e.document for e in facts.events} == {d.document for d in version.documents}
    assert facts.thresholds
    for fact in [*facts.events, *facts.thresholds]:
        assert fact.sources
        for s in fact.sources:
            assert version.text(s.document)[s.start : s.end] == s.quote
            assert s.page is not None  # the shipped policies are PDFs
    assert len({e.uid for e in facts.events}) == len(facts.events)


def test_uids_survive_a_reingest_and_facts_rebuild_from_passages(fresh_settings: Any, tmp_path: Path) -> None:
    from index.facts import FACTS_FILE, load_facts
    from index.store import IndexVersion, current_version, ingest_paths

    first = [POLICIES / "001_3ba7a5f8c5435087.pdf", POLICIES / "004_112e050678cf724a.pdf"]
    ingest_paths(first, fresh_settings)
    v1 = current_version(fresh_settings)
    assert v1 is not None
    before = {e.uid: (e.document, e.date or e.month or e.start) for e in load_facts(v1).events}
    # another policy joins: a new version is written, and the events of the unchanged ones keep their UIDs
    ingest_paths([POLICIES / "003_2c4c2530db87d994.pdf"], fresh_settings)
    v2 = current_version(fresh_settings)
    assert v2 is not None and v2.name != v1.name
    after = {e.uid: (e.document, e.date or e.month or e.start) for e in load_facts(v2).events}
    assert before and {u: w for u, w in after.items() if w[0] in {p.name for p in first}} == before
    # a version written before facts were stored reads them from its passages and texts
    copy = tmp_path / "old-version"
    shutil.copytree(v2.path, copy, ignore=shutil.ignore_patterns("chroma", "bm25", "lexicon", FACTS_FILE))
    rebuilt = load_facts(IndexVersion(v2.name, copy, v2.documents, v2.sources))
    assert [e.model_dump() for e in rebuilt.events] == [e.model_dump() for e in load_facts(v2).events]


def test_feed_parses_back_with_every_dated_event(settings: Any) -> None:
    from assistant.planning import FactQuery, in_feed
    from assistant.service import Assistant

    assistant = Assistant(settings)
    query = FactQuery(include_outdated=True)
    events = assistant.events(query)
    cal = Calendar.from_ical(assistant.calendar(query))
    uids = [str(v["UID"]) for v in cal.walk("VEVENT")]
    assert uids == [f"{e.uid}@inkoopwijzer" for e in events if in_feed(e)]
    assert len(uids) >= 20
    assert all(v["DTSTART"].params.get("VALUE") == "DATE" for v in cal.walk("VEVENT"))
