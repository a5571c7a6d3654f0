"""Feedback on answers (👍/👎 with an optional comment), kept in SQLite under `data_dir`.

The desk exports it in the evaluation's gold format (docs: /work/shared/eval-format.md) so
real questions become gold questions: `FeedbackStore.export_eval()` yields one dict per line.
Anyone may send feedback, on any answer (the API cannot tell a real answer from a made-up
one), so every entry starts `pending`: the desk marks it `approved` or `rejected`, and the
gold export holds approved entries only.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from inkoopwijzer import vocab
from inkoopwijzer.types import Answer, Filters, Turn

__all__ = ["FeedbackRecord", "FeedbackStore", "Rating", "Review", "eval_record"]

Rating = Literal["up", "down"]
Review = Literal["pending", "approved", "rejected"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    rating      TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment     TEXT NOT NULL DEFAULT '',
    question    TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    history_json TEXT NOT NULL DEFAULT '[]',
    filters_json TEXT,
    channel     TEXT NOT NULL DEFAULT 'chat',
    review      TEXT NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'approved', 'rejected'))
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""
# a store written before entries were reviewed gains the column (its entries start pending)
_ADD_REVIEW = (
    "ALTER TABLE feedback ADD COLUMN review TEXT NOT NULL DEFAULT 'pending' "
    "CHECK (review IN ('pending', 'approved', 'rejected'))"
)


class FeedbackRecord(BaseModel):
    id: int
    created_at: str
    updated_at: str
    rating: Rating
    comment: str
    question: str
    answer: Answer
    history: list[Turn]
    filters: Filters | None
    channel: str
    review: Review = "pending"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """Durable feedback. Safe to share between threads: one short connection per call."""

    def __init__(self, path: Path, retention_days: int | None = None) -> None:
        self.path = path
        self.retention_days = retention_days
        self._ready = False
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        # The schema is created on first use, not in __init__: building the app does no I/O.
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.row_factory = sqlite3.Row
        if not self._ready:
            with self._lock:
                if not self._ready:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                    columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
                    if "review" not in columns:
                        conn.execute(_ADD_REVIEW)
                    if self.retention_days:
                        cutoff = datetime.now(UTC) - timedelta(days=self.retention_days)
                        conn.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff.isoformat(),))
                    conn.commit()
                    self._ready = True
        return conn

    def add(
        self,
        rating: Rating,
        question: str,
        answer: Answer,
        *,
        comment: str = "",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        channel: str = "chat",
    ) -> int:
        """Store one rating; returns its id."""
        now = _now()
        with closing(self._connect()) as conn, conn:
            cur = conn.execute(
                "INSERT INTO feedback (created_at, updated_at, rating, comment, question, answer_json,"
                " history_json, filters_json, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now,
                    now,
                    rating,
                    comment.strip(),
                    question,
                    answer.model_dump_json(),
                    json.dumps([t.model_dump() for t in history], ensure_ascii=False),
                    filters.model_dump_json() if filters is not None else None,
                    channel,
                ),
            )
            return int(cur.lastrowid or 0)

    def update(self, feedback_id: int, *, rating: Rating | None = None, comment: str | None = None) -> bool:
        """Change the rating and/or comment of an earlier entry; False if it does not exist."""
        sets, args = ["updated_at = ?"], [_now()]
        if rating is not None:
            sets.append("rating = ?")
            args.append(rating)
        if comment is not None:
            sets.append("comment = ?")
            args.append(comment.strip())
        with closing(self._connect()) as conn, conn:
            cur = conn.execute(f"UPDATE feedback SET {', '.join(sets)} WHERE id = ?", (*args, feedback_id))
            return cur.rowcount > 0

    def set_review(self, feedback_id: int, review: Review) -> bool:
        """Mark an entry approved (it goes into the gold export), rejected or pending again;
        False if it does not exist."""
        with closing(self._connect()) as conn, conn:
            cur = conn.execute("UPDATE feedback SET review = ?, updated_at = ? WHERE id = ?", (review, _now(), feedback_id))
            return cur.rowcount > 0

    def records(
        self, rating: Rating | None = None, limit: int | None = None, review: Review | None = None
    ) -> list[FeedbackRecord]:
        """Entries, oldest first (optionally only one rating or review mark, at most `limit` newest)."""
        sql = "SELECT * FROM feedback"
        where: list[str] = []
        args: list[Any] = []
        if rating is not None:
            where.append("rating = ?")
            args.append(rating)
        if review is not None:
            where.append("review = ?")
            args.append(review)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with closing(self._connect()) as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_record(row) for row in reversed(rows)]

    def export_eval(self, rating: Rating | None = None, review: Review = "approved") -> Iterator[dict[str, Any]]:
        """The entries (by default: the approved ones) as gold-format records, ready to be
        written as JSON Lines."""
        for record in self.records(rating, review=review):
            yield eval_record(record)

    def export_jsonl(self, rating: Rating | None = None, review: Review = "approved") -> str:
        # ASCII-escaped: a question may hold U+2028, U+0085 or control characters that
        # line-splitting readers would otherwise take for the end of a record
        return "".join(json.dumps(r, ensure_ascii=True) + "\n" for r in self.export_eval(rating, review))


def _record(row: sqlite3.Row) -> FeedbackRecord:
    return FeedbackRecord(
        id=row["id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        rating=row["rating"],
        comment=row["comment"],
        question=row["question"],
        answer=Answer.model_validate_json(row["answer_json"]),
        history=[Turn.model_validate(t) for t in json.loads(row["history_json"])],
        filters=Filters.model_validate_json(row["filters_json"]) if row["filters_json"] else None,
        channel=row["channel"],
        review=row["review"],
    )


# --- gold format -------------------------------------------------------------------------

_MARKER = re.compile(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]")


@cache
def _facts() -> re.Pattern[str]:
    """The facts a gold answer states: dates (month names from `inkoopwijzer.vocab`), amounts, percentages."""
    dated = vocab.month_in_date(r"\d{4}")
    return re.compile(
        rf"\b\d{{1,2}}\s+{dated}\b"
        r"|\b\d{1,2}-\d{1,2}-\d{4}\b"
        r"|€\s?\d[\d.,]*(?:\s?(?:miljoen|mln))?"
        r"|\b\d+(?:[.,]\d+)?\s?%",
        re.IGNORECASE,
    )


_TYPE_HINTS: list[tuple[str, tuple[str, ...]]] = [
    ("deadline", ("wanneer", "deadline", "uiterlijk", "datum", "termijn", "when")),
    ("threshold", ("hoeveel", "minimum", "minimaal", "maximaal", "drempel", "omzet", "percentage", "how much")),
    ("change", ("veranderd", "verandert", "wijziging", "gewijzigd", "nieuw ten opzichte", "changed")),
    ("definition", ("wat is", "wat zijn", "wat verstaat", "definitie", "what is")),
    ("process", ("hoe ", "procedure", "aanvragen", "aanmelden", "indienen", "how ")),
]
_MAX_EVIDENCE = 300


def _guess_type(record: FeedbackRecord) -> str:
    if record.history:
        return "followup"
    if record.answer.status == "not_found":
        return "unanswerable"
    if record.answer.status == "clarify":
        return "ambiguous"
    q = f" {record.question.lower()} "
    for kind, words in _TYPE_HINTS:
        if any(w in q for w in words):
            return kind
    return "condition"


def _evidence(quote: str) -> str:
    quote = " ".join(quote.split())
    if len(quote) <= _MAX_EVIDENCE:
        return quote
    cut = quote[:_MAX_EVIDENCE]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def eval_record(record: FeedbackRecord) -> dict[str, Any]:
    """One feedback entry as a gold question (eval-format.md), to be reviewed by the desk.

    The answer's facts (dates, amounts, percentages) become `must_contain` only for 👍;
    the type is a guess; `notes` says where the entry came from and what to check.
    """
    answer = record.answer
    not_found = answer.status == "not_found"
    text = _MARKER.sub("", answer.answer).strip()
    sources = list(dict.fromkeys(c.document for c in answer.citations))
    insurers = list(dict.fromkeys(answer.insurers or [c.insurer for c in answer.citations if c.insurer]))
    must_contain: list[str] = []
    if record.rating == "up" and not not_found:
        must_contain = list(dict.fromkeys(" ".join(m.group(0).split()) for m in _facts().finditer(text)))
    thumb = "👍" if record.rating == "up" else "👎 answer judged wrong, correct it"
    notes = f"From feedback #{record.id} ({thumb}; {record.created_at}); review type, answer and must_contain."
    if record.comment:
        notes += f" Comment: {record.comment}"
    out: dict[str, Any] = {
        "id": f"feedback-{record.id:05d}",
        "question": record.question,
        "type": _guess_type(record),
        "answer": text,
        "must_contain": must_contain,
        "source": None if not sources or not_found else (sources[0] if len(sources) == 1 else sources),
        "evidence": [] if not_found else [_evidence(c.quote) for c in answer.citations],
        "insurer": insurers[0] if len(insurers) == 1 else None,
    }
    if record.history:
        out["history"] = [t.model_dump() for t in record.history]
    out["notes"] = notes
    return out
