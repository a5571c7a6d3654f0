"""The scorer of extracted dated events against a reference list (evals/events.py): totals only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.events import load_gold_events, score_events
from inkoopwijzer.errors import ConfigError
from inkoopwijzer.types import DatedEvent, FactSource


def ext(document: str, quote: str = "", inferred: bool = False, **when: Any) -> DatedEvent:
    return DatedEvent(uid=f"{document}{when}", kind="deadline", what="x", document=document, year_inferred=inferred,
                      sources=[FactSource(document=document, quote=quote or "x", start=0, end=1)], **when)


def gold(document: str, inferred: bool = False, quote: str = "", **when: Any) -> dict[str, Any]:
    return {"document": document, "kind": "deadline", "year_inferred": inferred, "who": "", "what": "", "quote": quote,
            "also_quotes": [], "section": "", **when}


def test_matching_rules() -> None:
    reference = [
        gold("001_x.pdf", date="2026-09-01"),
        gold("001_x.pdf", date="2026-09-01", quote="offerte onderdelen"),
        gold("001_x.pdf", start="2027-01-01", end="2028-12-31"),
        gold("001_x.pdf", month="2026-09"),
        gold("002_y.pdf", date="2026-04-01"),
        gold("002_y.pdf", quarter="2026-Q3"),
    ]
    extracted = [
        ext("001_x.pdf", date="2026-09-01", quote="de onderdelen van de offerte"),
        ext("001_x.pdf", start="2027-01-01", end="2028-12-30"),  # a window matches on both ends only
        ext("001_x.pdf", month="2026-09", approximate=True),
        ext("002_y.pdf", date="2026-08-14"),  # a day in the listed quarter: matched, not exact
        ext("001_x.pdf", date="2026-04-01"),  # the right date in the wrong document
    ]
    score = score_events(reference, extracted)
    assert (score.gold, score.extracted, score.matched, score.exact) == (6, 5, 3, 2)
    assert score.recall == 0.5 and score.precision == 0.6 and score.exact_date_rate == round(2 / 3, 4)


def test_inferred_years() -> None:
    reference = [gold("a.pdf", inferred=True, date="2026-11-12"), gold("a.pdf", inferred=True, date="2026-10-01")]
    extracted = [ext("a.pdf", inferred=True, date="2026-11-12"), ext("a.pdf", date="2026-10-01"),
                 ext("a.pdf", inferred=True, date="2027-10-01")]
    score = score_events(reference, extracted)
    assert (score.gold_inferred_matched, score.gold_inferred_marked) == (2, 1)
    assert (score.extracted_inferred, score.extracted_inferred_right) == (2, 1)


def test_reference_list_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(gold("a.pdf", date="2026-01-01")) + "\n\n", encoding="utf-8")
    assert len(load_gold_events(path)) == 1
    path.write_text(json.dumps(gold("a.pdf", date="2026-01-01", month="2026-01")) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="exactly one"):
        load_gold_events(path)
