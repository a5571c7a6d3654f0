"""The real server as a subprocess over the real index: health, ask, documents, feedback."""

from __future__ import annotations

import json

import httpx
import pytest
from conftest_server import LIVE_DESK_TOKEN, ServerProcess

from inkoopwijzer.types import Answer

pytestmark = pytest.mark.integration

ZK_QUESTION = "Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis voor MSZ 2027?"


@pytest.fixture(scope="module")
def http(live_server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, timeout=120.0)


def test_health(http: httpx.Client) -> None:
    r = http.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["index_present"] is True
    assert body["documents"] >= 5
    assert isinstance(body["model_loaded"], bool)


def test_ask_answers_with_cited_verbatim_sources(http: httpx.Client) -> None:
    r = http.post("/api/ask", json={"question": ZK_QUESTION})
    assert r.status_code == 200, r.text
    assert "retrieved" not in r.json()
    answer = Answer.model_validate(r.json())
    assert answer.status == "answered"
    assert answer.citations, "an answer cites its sources"
    documents = {d["document"]: d for d in http.get("/api/documents").json()}
    for c in answer.citations:
        assert c.insurer == "Zilveren Kruis"
        assert c.document in documents and c.quote.strip() and c.end > c.start
        assert f"[{c.n}]" in answer.answer
    pdf = http.get(f"/api/documents/{answer.citations[0].document}/file")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def test_ask_with_filters_and_debug(http: httpx.Client) -> None:
    body = {"question": "deadline offerte salland?", "filters": {"insurers": ["Salland"]}, "debug": True}
    r = http.post("/api/ask", json=body, headers={"Authorization": f"Bearer {LIVE_DESK_TOKEN}"})
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert answer.retrieved, "debug returns the ranked passages"
    assert all(p.score is not None for p in answer.retrieved)
    assert {c.insurer for c in answer.citations} <= {"Salland"}
    assert answer.timings


def test_unanswerable_question_is_not_found(http: httpx.Client) -> None:
    answer = Answer.model_validate(http.post("/api/ask", json={"question": "Wat is de kleur van de lucht op Mars?"}).json())
    assert answer.status == "not_found"
    assert answer.citations == []


def test_errors_are_json(http: httpx.Client) -> None:
    r = http.post("/api/ask", json={"question": ""})
    assert r.status_code == 422 and set(r.json()) == {"error"}
    r = http.post("/api/ask", json={"question": "x" * 100_000})
    assert r.status_code == 413 and "error" in r.json()


def test_documents_list_validity(http: httpx.Client) -> None:
    docs = http.get("/api/documents").json()
    assert {"000_2839806238769069.pdf", "004_112e050678cf724a.pdf"} <= {d["document"] for d in docs}
    assert any(d["outdated"] for d in docs), "the 2024-2025 policy is marked outdated"


def test_feedback_round_trip(http: httpx.Client) -> None:
    answer = http.post("/api/ask", json={"question": "deadline offerte salland?"}).json()
    r = http.post("/api/feedback", json={"rating": "up", "question": "deadline offerte salland?", "answer": answer})
    assert r.status_code == 201
    auth = {"Authorization": f"Bearer {LIVE_DESK_TOKEN}"}
    assert http.post(f"/api/feedback/{r.json()['id']}/review", json={"review": "approved"}, headers=auth).status_code == 200
    r = http.get("/api/feedback/export", headers=auth)
    assert r.status_code == 200
    records = [json.loads(line) for line in r.text.splitlines()]
    assert any(rec["question"] == "deadline offerte salland?" and rec["insurer"] == "Salland" for rec in records)


def test_openapi_docs(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    assert "/api/ask" in http.get("/openapi.json").json()["paths"]
