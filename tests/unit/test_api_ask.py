"""POST /api/ask over a fake assistant: schema, filters, debug, limits, error shapes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import DESK_TOKEN, FakeAssistant, make_settings
from fastapi.testclient import TestClient

from inkoopwijzer.errors import (
    BadRequestError,
    ConfigError,
    IndexBusyError,
    IndexMissingError,
    StoreUnavailableError,
)
from inkoopwijzer.types import Answer, Filters
from ui.server import create_app


@pytest.fixture(scope="module")
def fake() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture(scope="module")
def client(fake: FakeAssistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("ask"), max_question_chars=200, max_history_turns=4)
    # raise_server_exceptions=False: we check what a client sees on an unexpected error.
    yield TestClient(create_app(lambda: fake, settings), raise_server_exceptions=False)


def test_answer_matches_the_shared_model(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert r.status_code == 200
    body = r.json()
    answer = Answer.model_validate(body)
    assert answer.status == "answered"
    assert "1 juli 2026" in answer.answer
    c = answer.citations[0]
    assert (c.insurer, c.page, c.document) == ("Salland", 9, "004_112e050678cf724a.pdf")
    assert c.quote in FakeAssistant().document_text(c.document)
    assert "retrieved" not in body, "retrieved passages only with debug"


def test_debug_adds_retrieved_passages_with_scores(client: TestClient, fake: FakeAssistant) -> None:
    r = client.post("/api/ask", json={"question": "deadline offerte salland?", "debug": True},
                    headers={"Authorization": f"Bearer {DESK_TOKEN}"})
    assert r.status_code == 200
    retrieved = r.json()["retrieved"]
    assert retrieved and {"chunk_id", "score", "text"} <= set(retrieved[0])
    assert fake.calls[-1].debug is True


def test_history_filters_and_mode_reach_the_assistant(client: TestClient, fake: FakeAssistant) -> None:
    body = {
        "question": "en bij Zorg en Zekerheid?",
        "history": [{"role": "user", "content": "deadline offerte salland?"}, {"role": "assistant", "content": "1 juli 2026 [1]"}],
        "filters": {"insurers": ["Zorg en Zekerheid"], "care_types": ["MSZ"], "years": [2027], "include_outdated": True},
        "mode": "extractive",
    }
    assert client.post("/api/ask", json=body).status_code == 200
    call = fake.calls[-1]
    assert [t.role for t in call.history] == ["user", "assistant"]
    assert call.filters == Filters(insurers=["Zorg en Zekerheid"], care_types=["MSZ"], years=[2027], include_outdated=True)
    assert call.mode == "extractive"


def test_not_found_keeps_related_passages_apart(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "wat is de kleur van de lucht?"}).json()
    assert body["status"] == "not_found"
    assert body["citations"] == [] and body["related"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({}, "question: Field required"),
        ({"question": "   "}, "question: must not be empty"),
        ({"question": 12}, "question"),
        ({"question": "x", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
        ({"question": "x", "filters": {"years": ["volgend jaar"]}}, "filters.years.0"),
        ({"question": "x", "extra": 1}, "extra"),
        ({"question": "x", "mode": "magic"}, "mode"),
    ],
)
def test_invalid_requests_are_422_with_a_message(client: TestClient, payload: dict[str, object], fragment: str) -> None:
    r = client.post("/api/ask", json=payload)
    assert r.status_code == 422
    assert set(r.json()) == {"error"}
    assert fragment in r.json()["error"]


def test_malformed_json_is_422(client: TestClient) -> None:
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json() == {"error": "Invalid request: the body is not valid JSON."}


def test_question_and_history_limits_are_413(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "x" * 201})
    assert r.status_code == 413 and "200 characters" in r.json()["error"]
    history = [{"role": "user", "content": "a"}] * 5
    r = client.post("/api/ask", json={"question": "x", "history": history})
    assert r.status_code == 413 and "4 turns" in r.json()["error"]
    assert client.post("/api/ask", json={"question": "x" * 200, "history": history[:4]}).status_code == 200


def test_oversized_json_body_is_413(client: TestClient) -> None:
    r = client.post("/api/ask", content=b" " * (2 * 1024 * 1024), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "error" in r.json()


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (BadRequestError("Onbekende verzekeraar 'Foo'."), 400),
        (IndexBusyError("Er loopt een ingest."), 409),
        (IndexMissingError(), 503),
        (StoreUnavailableError("Chroma is niet bereikbaar op http://chroma:8000."), 503),
    ],
)
def test_domain_errors_map_to_status_codes(client: TestClient, fake: FakeAssistant, error: Exception, status: int) -> None:
    fake.error = error
    r = client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert r.status_code == status
    assert r.json() == {"error": str(error)}


@pytest.mark.parametrize("error", [RuntimeError("secret /srv/path detail"), ConfigError("INKOOPWIJZER_LLM_API_KEY=sk-123")])
def test_unexpected_errors_are_500_without_details(client: TestClient, fake: FakeAssistant, error: Exception) -> None:
    fake.error = error
    r = client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert r.status_code == 500
    assert set(r.json()) == {"error"}
    assert "secret" not in r.text and "sk-123" not in r.text and "Traceback" not in r.text


def test_unknown_api_routes_and_methods_answer_json(client: TestClient) -> None:
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"].startswith("No such API route")
    r = client.get("/api/ask")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/documents", "/api/feedback", "/healthz"} <= set(spec["paths"])
    ask = spec["paths"]["/api/ask"]["post"]
    assert ask["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskRequest")
    assert client.get("/docs").status_code == 200


def test_the_assistant_is_created_on_first_use(tmp_path: Path) -> None:
    made: list[int] = []

    def factory() -> FakeAssistant:
        made.append(1)
        return FakeAssistant()

    client = TestClient(create_app(factory, make_settings(tmp_path)))
    assert made == [], "create_app must not build the assistant"
    client.post("/api/ask", json={"question": "deadline offerte salland?"})
    client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert made == [1]
