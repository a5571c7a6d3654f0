"""Scoring the extracted dated events against a reference list written from the documents alone.

The reference list (`evals/data/events.jsonl`) has one JSON object per line: `document`, `kind`,
exactly one of `date` / `month` / `quarter` / `start` + `end`, `year_inferred`, `who`, `what`,
`quote`, `also_quotes`, `section`. It is frozen by its sha256 in `evals/thresholds.json` under
`events`; treat it as held out: the report gives totals only, never the events themselves.

An extracted event matches a listed one of the same document when the ISO date agrees; a window
when its start and end agree; a month-only (quarter-only) event on its month (quarter). Each event
is matched at most once: first where the dates agree exactly, then a month or quarter against a
date inside it (such a pair is matched but not exact).

    python -m evals.events [--gold FILE] [--corpus DIR | --index] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from inkoopwijzer.errors import ConfigError
from inkoopwijzer.types import DatedEvent

__all__ = ["EVENTS_GOLD", "EventScore", "gold_sha256", "load_gold_events", "score_events"]

EVENTS_GOLD = Path(__file__).resolve().parent / "data" / "events.jsonl"
WHEN_FIELDS = ("date", "month", "quarter", "start")


@dataclass
class EventScore:
    """Totals only."""

    gold: int
    extracted: int
    matched: int
    exact: int
    recall: float
    precision: float
    exact_date_rate: float
    gold_inferred_matched: int  # matched reference events whose year the text leaves out …
    gold_inferred_marked: int  # … that the extractor marked as inferred
    extracted_inferred: int  # extracted events marked as inferred …
    extracted_inferred_right: int  # … whose date matches a reference event
    inferred_marked_rate: float
    inferred_right_rate: float


def gold_sha256(path: Path = EVENTS_GOLD) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_gold_events(path: Path = EVENTS_GOLD) -> list[dict[str, Any]]:
    """The reference list, checked: each line names a document and exactly one way of saying when."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{n}: not valid JSON ({exc.msg}).") from exc
        whens = [f for f in WHEN_FIELDS if row.get(f)]
        if not row.get("document") or len(whens) != 1 or (row.get("start") and not row.get("end")):
            raise ConfigError(f"{path}:{n}: needs a document and exactly one of date, month, quarter or start+end.")
        rows.append(row)
    return rows


def _stem(document: str) -> str:
    return Path(document).stem


def _key(when: dict[str, Any]) -> tuple[str, ...] | None:
    """The exact date key: ('date', iso), ('window', start, end), ('month', yyyy-mm), ('quarter', yyyy-Qn)."""
    if when.get("date"):
        return ("date", str(when["date"]))
    if when.get("start") and when.get("end"):
        return ("window", str(when["start"]), str(when["end"]))
    if when.get("month"):
        return ("month", str(when["month"]))
    if when.get("quarter"):
        return ("quarter", str(when["quarter"]).upper())
    return None


def _coarse(key: tuple[str, ...] | None) -> set[tuple[str, str]]:
    """The month and quarter a day lies in, or a month's quarter: what a coarser event can match."""
    if key is None or key[0] == "window":
        return set()
    if key[0] == "date":
        y, m = key[1][:4], int(key[1][5:7])
        return {("month", f"{y}-{m:02d}"), ("quarter", f"{y}-Q{(m - 1) // 3 + 1}")}
    if key[0] == "month":
        y, m = key[1][:4], int(key[1][5:7])
        return {("month", key[1]), ("quarter", f"{y}-Q{(m - 1) // 3 + 1}")}
    return {("quarter", key[1])}


def _words(text: str) -> set[str]:
    return {w for w in "".join(ch.lower() if ch.isalnum() else " " for ch in text).split() if len(w) > 2}


def _overlap(g: dict[str, Any], e: DatedEvent) -> float:
    """How much of a reference event's quotes an extracted event's sources share (to pair events on one date)."""
    want = _words(" ".join([str(g.get("quote") or ""), *map(str, g.get("also_quotes") or [])]))
    have = _words(" ".join(s.quote for s in e.sources))
    return len(want & have) / len(want) if want else 0.0


def _as_dict(e: DatedEvent) -> dict[str, Any]:
    return {"date": e.date, "month": e.month, "quarter": e.quarter, "start": e.start, "end": e.end}


def score_events(gold: Sequence[dict[str, Any]], extracted: Sequence[DatedEvent]) -> EventScore:
    """Match one to one per document (exact dates first, then month/quarter against a day in it)."""
    gold_left = list(range(len(gold)))
    ext_left = list(range(len(extracted)))
    gkeys = [(_stem(g["document"]), _key(g)) for g in gold]
    ekeys = [(_stem(e.document), _key(_as_dict(e))) for e in extracted]
    pairs: list[tuple[int, int, bool]] = []
    for i in list(gold_left):  # exact; among several on one date, the one quoting the same words
        same = [j for j in ext_left if ekeys[j][1] is not None and ekeys[j] == gkeys[i]]
        j = max(same, key=lambda j: _overlap(gold[i], extracted[j])) if same else None
        if j is not None:
            pairs.append((i, j, True))
            gold_left.remove(i)
            ext_left.remove(j)
    for i in list(gold_left):  # a month- or quarter-only event on its month or quarter
        doc, key = gkeys[i]
        for j in ext_left:
            edoc, ekey = ekeys[j]
            if edoc != doc or key is None or ekey is None:
                continue
            coarse_gold = key[0] in ("month", "quarter") and (key[0], key[1]) in _coarse(ekey)
            coarse_ext = ekey[0] in ("month", "quarter") and (ekey[0], ekey[1]) in _coarse(key)
            if coarse_gold or coarse_ext:
                pairs.append((i, j, False))
                gold_left.remove(i)
                ext_left.remove(j)
                break
    matched = len(pairs)
    exact = sum(1 for _, _, ok in pairs if ok)
    gold_inf = [(i, j) for i, j, ok in pairs if ok and gold[i].get("year_inferred")]
    marked = sum(1 for _, j in gold_inf if extracted[j].year_inferred)
    ext_inf = [j for j, e in enumerate(extracted) if e.year_inferred]
    matched_ext = {j for _, j, ok in pairs if ok}
    right = sum(1 for j in ext_inf if j in matched_ext)
    return EventScore(
        gold=len(gold),
        extracted=len(extracted),
        matched=matched,
        exact=exact,
        recall=round(matched / len(gold), 4) if gold else 0.0,
        precision=round(matched / len(extracted), 4) if extracted else 0.0,
        exact_date_rate=round(exact / matched, 4) if matched else 0.0,
        gold_inferred_matched=len(gold_inf),
        gold_inferred_marked=marked,
        extracted_inferred=len(ext_inf),
        extracted_inferred_right=right,
        inferred_marked_rate=round(marked / len(gold_inf), 4) if gold_inf else 1.0,
        inferred_right_rate=round(right / len(ext_inf), 4) if ext_inf else 1.0,
    )


def events_of_files(paths: Iterable[Path]) -> list[DatedEvent]:
    """Extract the events of policy files the way an ingest does (parse, then `ingest.facts`)."""
    from ingest.facts import extract_facts
    from ingest.pipeline import discover, parse_file

    events: list[DatedEvent] = []
    for f in discover(paths):
        doc = parse_file(f)
        events.extend(extract_facts(doc.meta, doc.text, doc.chunks, doc.pages).events)
    return events


def events_of_index() -> list[DatedEvent]:
    """The events stored with the current index version."""
    from index.facts import load_facts
    from index.store import current_version
    from inkoopwijzer.errors import IndexMissingError
    from inkoopwijzer.settings import get_settings

    version = current_version(get_settings())
    if version is None:
        raise IndexMissingError()
    return load_facts(version).events


def main(argv: list[str] | None = None) -> int:
    from inkoopwijzer.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m evals.events", description="Score the extracted dated events (totals only).")
    parser.add_argument("--gold", type=Path, default=EVENTS_GOLD, help="the reference list (default: evals/data/events.jsonl)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--corpus", type=Path, help="extract from these policy files (default: the shipped corpus)")
    source.add_argument("--index", action="store_true", help="score the events stored with the current index version")
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"no reference list at {args.gold}", file=sys.stderr)
        return 2
    gold = load_gold_events(args.gold)
    extracted = events_of_index() if args.index else events_of_files([args.corpus or get_settings().corpus_dir])
    score = score_events(gold, extracted)
    if args.json:
        print(json.dumps({"gold_sha256": gold_sha256(args.gold), **asdict(score)}, indent=2))
    else:
        print(
            f"reference {score.gold}, extracted {score.extracted}, matched {score.matched} (exact {score.exact})\n"
            f"recall {score.recall:.3f}  precision {score.precision:.3f}  exact-date rate {score.exact_date_rate:.3f}\n"
            f"years left out of the text: {score.gold_inferred_marked}/{score.gold_inferred_matched} matched ones marked "
            f"inferred; {score.extracted_inferred_right}/{score.extracted_inferred} of those the extractor inferred are right"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
