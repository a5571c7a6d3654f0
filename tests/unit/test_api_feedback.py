"""POST /api/feedback is stored durably in SQLite; the desk exports it as gold questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest_server import DESK_TOKEN, FakeAssistant, make_settings
from fastapi.testclient import TestClient

from inkoopwijzer.types import Answer, Turn
from ui.feedback import FeedbackStore
from ui.server import create_app

AUTH = {"Authorization": f"Bearer {DESK_TOKEN}"}
GOLD_KEYS = {"id", "question", "type", "answer", "must_contain", "source", "evidence", "insurer"}
GOLD_TYPES = {"deadline", "threshold", "condition", "process", "change", "definition", "ambiguous", "unanswerable", "followup"}


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(FakeAssistant, make_settings(tmp_path)))


def _ask(client: TestClient, question: str) -> dict[str, object]:
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200
    return dict(r.json())


def test_feedback_is_stored_durably(client: TestClient, tmp_path: Path) -> None:
    answer = _ask(client, "deadline offerte salland?")
    r = client.post("/api/feedback", json={"rating": "up", "question": "deadline offerte salland?", "answer": answer,
                                           "comment": "Klopt precies"})
    assert r.status_code == 201
    fid = r.json()["id"]
    # a fresh store on the same file (as after a restart) sees it
    store = FeedbackStore(tmp_path / "var" / "feedback.sqlite")
    [record] = store.records()
    assert (record.id, record.rating, record.comment, record.channel) == (fid, "up", "Klopt precies", "api")
    assert record.answer == Answer.model_validate(answer)


@pytest.mark.parametrize(
    "payload",
    [
        {"rating": "meh", "question": "q", "answer": {"question": "q", "status": "answered", "answer": "a"}},
        {"rating": "up", "question": "q"},
        {"rating": "up", "question": "q", "answer": {"status": "answered"}},
        {"rating": "up", "question": "", "answer": {"question": "q", "status": "answered", "answer": "a"}},
    ],
)
def test_invalid_feedback_is_422(client: TestClient, payload: dict[str, object]) -> None:
    r = client.post("/api/feedback", json=payload)
    assert r.status_code == 422 and "error" in r.json()


def test_export_needs_the_desk_token(client: TestClient) -> None:
    assert client.get("/api/feedback/export").status_code == 401
    assert client.get("/api/feedback/export", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_export_is_gold_format_jsonl(client: TestClient) -> None:
    salland = _ask(client, "deadline offerte salland?")
    zbc = _ask(client, "Welke minimumeisen gelden voor een ZBC bij Zorg en Zekerheid?")
    missing = _ask(client, "wat is de kleur van de lucht?")
    history = [{"role": "user", "content": "deadline offerte salland?"}, {"role": "assistant", "content": "1 juli 2026"}]
    client.post("/api/feedback", json={"rating": "up", "question": "deadline offerte salland?", "answer": salland})
    client.post("/api/feedback", json={"rating": "down", "question": "zbc eisen?", "answer": zbc, "comment": "mist de omzetgrens"})
    client.post("/api/feedback", json={"rating": "up", "question": "wat is de kleur van de lucht?", "answer": missing})
    client.post("/api/feedback", json={"rating": "up", "question": "en bij zorg en zekerheid?", "answer": zbc, "history": history})
    assert client.get("/api/feedback/export", headers=AUTH).text == "", "nothing is exported before the desk approves it"
    ids = [rec.id for rec in client.app.state.services.feedback.records()][-4:]  # type: ignore[attr-defined]
    for fid in ids:
        r = client.post(f"/api/feedback/{fid}/review", json={"review": "approved"}, headers=AUTH)
        assert r.status_code == 200 and r.json() == {"id": fid, "review": "approved"}

    r = client.get("/api/feedback/export", headers=AUTH)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert len(lines) == 4
    for line in lines:
        assert GOLD_KEYS <= set(line) and line["type"] in GOLD_TYPES
    assert len({line["id"] for line in lines}) == 4

    up, down, unanswerable, followup = lines
    assert up["type"] == "deadline" and up["insurer"] == "Salland"
    assert up["source"] == "004_112e050678cf724a.pdf"
    assert up["answer"] == "Bij Salland moet de offerte uiterlijk 1 juli 2026 via VECOZO binnen zijn."  # no [n] markers
    assert "1 juli 2026" in up["must_contain"]
    assert up["evidence"] == ["De zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO."]
    assert down["must_contain"] == [] and "mist de omzetgrens" in down["notes"] and "👎" in down["notes"]
    assert len(down["evidence"]) == 2
    assert unanswerable["type"] == "unanswerable" and unanswerable["source"] is None and unanswerable["evidence"] == []
    assert followup["type"] == "followup" and [Turn.model_validate(t) for t in followup["history"]]

    only_down = client.get("/api/feedback/export", params={"rating": "down"}, headers=AUTH).text.splitlines()
    assert [json.loads(line)["question"] for line in only_down] == ["zbc eisen?"]


def test_long_quotes_become_evidence_of_at_most_300_characters(tmp_path: Path) -> None:
    from inkoopwijzer.types import Citation
    from ui.feedback import eval_record

    quote = "woord " * 100
    answer = Answer(question="q", status="answered", answer="a [1]", citations=[
        Citation(n=1, document="d.pdf", title="t", quote=quote, start=0, end=len(quote), chunk_id="c")])
    store = FeedbackStore(tmp_path / "f.sqlite")
    store.add("up", "q", answer)
    [evidence] = eval_record(store.records()[0])["evidence"]
    assert len(evidence) <= 300 and quote.startswith(evidence)


def test_rating_and_comment_can_be_changed(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite")
    answer = Answer(question="q", status="answered", answer="a")
    fid = store.add("up", "q", answer)
    assert store.update(fid, rating="down", comment="toch niet")
    [record] = store.records()
    assert (record.rating, record.comment) == ("down", "toch niet")
    assert not store.update(fid + 1, rating="up")


def test_export_lines_survive_unicode_line_separators(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite")
    answer = Answer(question="q", status="answered", answer="a")
    store.set_review(store.add("up", "vraag\u2028met\x85scheiding\x1cen meer", answer), "approved")
    lines = store.export_jsonl().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["question"].startswith("vraag\u2028met")
