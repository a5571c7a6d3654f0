"""Privacy: logs never hold the question text, and old feedback is deleted after the
retention period."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from conftest_server import FakeAssistant, make_settings
from fastapi.testclient import TestClient

from inkoopwijzer.types import Answer
from ui.feedback import FeedbackStore
from ui.server import create_app

SECRET = "Patiënt Jansen uit Deventer vraagt naar zijn machtiging"


class _Failing(FakeAssistant):
    def ask(self, *args: object, **kwargs: object) -> Answer:  # type: ignore[override]
        raise RuntimeError("boom")


def test_logs_hold_no_question_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path)
    caplog.set_level(logging.DEBUG)
    ok = TestClient(create_app(lambda: FakeAssistant(), settings), raise_server_exceptions=False)
    assert ok.post("/api/ask", json={"question": SECRET}).status_code == 200
    failing = TestClient(create_app(lambda: _Failing(), settings), raise_server_exceptions=False)
    r = failing.post("/api/ask", json={"question": SECRET})
    assert r.status_code == 500 and SECRET not in r.text
    assert caplog.records, "the failure should be logged"
    assert SECRET not in caplog.text and "Jansen" not in caplog.text


def test_feedback_older_than_the_retention_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    answer = Answer(question="q", status="answered", answer="a")
    store = FeedbackStore(path, retention_days=30)
    old_id = store.add("up", "oude vraag", answer)
    new_id = store.add("down", "nieuwe vraag", answer)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE feedback SET created_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (old_id,))
    FeedbackStore(path, retention_days=30)._connect().close()  # a new process applies the retention
    with sqlite3.connect(path) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM feedback")]
    assert ids == [new_id]
