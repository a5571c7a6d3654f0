"""GET /api/deadlines, /api/deadlines.ics and /api/thresholds over a fake assistant: filters, formats, errors, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from conftest_server import FakeAssistant, make_settings
from fastapi.testclient import TestClient
from icalendar import Calendar

from ui.server import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    fake = FakeAssistant()
    yield TestClient(create_app(lambda: fake, make_settings(tmp_path_factory.mktemp("plan"))), raise_server_exceptions=False)


def test_deadlines_with_filters(client: TestClient) -> None:
    r = client.get("/api/deadlines")
    assert r.status_code == 200
    assert [e["uid"] for e in r.json()] == ["zk-aanmelden", "sal-offerte", "sal-maand"]  # by date; outdated left out
    assert [e["uid"] for e in client.get("/api/deadlines", params={"insurer": "Salland"}).json()] == ["sal-offerte", "sal-maand"]
    assert [e["uid"] for e in client.get("/api/deadlines", params={"from": "2026-06-19"}).json()] == ["sal-offerte", "sal-maand"]
    assert [e["uid"] for e in client.get("/api/deadlines", params={"include_outdated": "true", "year": 2024}).json()] == ["zg-oud"]
    assert [e["uid"] for e in client.get("/api/deadlines", params={"kind": "event"}).json()] == ["sal-maand"]
    first = client.get("/api/deadlines").json()[0]
    assert first["sources"][0]["page"] == 7 and first["sources"][0]["quote"].startswith("Een nieuwe zorgaanbieder")


def test_bad_filters_are_4xx_with_a_message(client: TestClient) -> None:
    r = client.get("/api/deadlines", params={"from": "morgen"})
    assert r.status_code == 422 and "from" in r.json()["error"]
    r = client.get("/api/deadlines", params={"kind": "feest"})
    assert r.status_code == 422
    r = client.post("/api/deadlines")
    assert r.status_code == 405 and "GET" in r.json()["error"]


def test_ics_feed_parses_back(client: TestClient) -> None:
    r = client.get("/api/deadlines.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["zk-aanmelden@inkoopwijzer", "sal-offerte@inkoopwijzer"]  # no month-only
    assert events[0]["DTSTART"].dt == date(2026, 4, 1) and events[0]["DTSTART"].params["VALUE"] == "DATE"
    assert "p. 7" in str(events[0]["DESCRIPTION"])
    salland = Calendar.from_ical(client.get("/api/deadlines.ics", params={"insurer": "Salland"}).content)
    assert len(salland.walk("VEVENT")) == 1


def test_thresholds(client: TestClient) -> None:
    r = client.get("/api/thresholds", params={"care_type": "MSZ", "kind": "count"})
    assert r.status_code == 200
    [t] = r.json()
    assert (t["value"], t["comparator"], t["subject"]) == (100, "min", "behandelingen per jaar per aandoening")
    assert client.get("/api/thresholds", params={"insurer": "Salland"}).json() == []


def test_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/api/deadlines", "/api/deadlines.ics", "/api/thresholds"):
        assert "get" in paths[route]
    names = {p["name"] for p in paths["/api/deadlines"]["get"]["parameters"]}
    assert {"insurer", "care_type", "year", "from", "include_outdated", "kind"} <= names
