"""The attacks of issue 20 that need the real assistant, run against the real server over the
shared test index (`live_server`). docs/security.md lists them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from attacks import zip_bomb_docx
from conftest_server import LIVE_DESK_TOKEN, ServerProcess

pytestmark = pytest.mark.integration

AUTH = {"Authorization": f"Bearer {LIVE_DESK_TOKEN}"}
SURROGATE_BODIES = [
    '{"question": "deadline offerte \\ud800 salland?"}',
    '{"question": "en bij Salland?", "history": [{"role": "user", "content": "deadline \\udfff offerte?"}]}',
]


@pytest.fixture(scope="module")
def http(live_server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, timeout=120.0)


@pytest.mark.parametrize("body", SURROGATE_BODIES)
def test_a_lone_surrogate_gets_422_with_a_message(http: httpx.Client, body: str) -> None:
    r = http.post("/api/ask", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert "invalid character" in r.json()["error"] and "surrogate" in r.json()["error"]


def test_a_lone_surrogate_in_the_gradio_chat_gets_a_message_not_a_python_error(http: httpx.Client) -> None:
    body = '{"data": ["deadline offerte \\ud800 salland?", [], [], [], [], false]}'
    r = http.post("/gradio_api/call/chat", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    events = http.get(f"/gradio_api/call/chat/{r.json()['event_id']}").text
    assert "event: error" in events
    assert "ongeldig teken" in events, events[:500]
    assert "UnicodeEncodeError" not in events and "surrogates not allowed" not in events


def test_debug_output_needs_the_desk_token(http: httpx.Client) -> None:
    body = {"question": "deadline offerte salland?", "debug": True}
    r = http.post("/api/ask", json=body)
    assert r.status_code == 403 and "desk" in r.json()["error"]
    assert set(r.json()) == {"error"}, "no passages, no scores"
    r = http.post("/api/ask", json=body, headers=AUTH)
    assert r.status_code == 200 and r.json()["retrieved"]


def test_a_60_kb_history_turn_is_refused_at_once(http: httpx.Client) -> None:
    """The long-history attack itself is a benchmark (bench/bench_attacks.py); here: the API
    refuses the turn before any work is done."""
    history = [{"role": "user", "content": "Wanneer moet de offerte binnen zijn? " * 1700},
               {"role": "assistant", "content": "Op 1 juli."}]
    t0 = time.monotonic()
    r = http.post("/api/ask", json={"question": "en bij Salland?", "history": history})
    assert r.status_code == 413 and "History turn 0" in r.json()["error"]
    assert time.monotonic() - t0 < 5


def test_a_zip_bomb_docx_is_refused_with_a_reason(http: httpx.Client, tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "beleid.docx", inflated_mb=100)
    assert bomb.stat().st_size < 1024 * 1024
    r = http.post("/api/documents", files={"files": ("beleid.docx", bomb.read_bytes())}, headers=AUTH)
    assert r.status_code == 202, r.text
    job_id = r.json()["job"]
    deadline = time.monotonic() + 60
    job = http.get(f"/api/documents/jobs/{job_id}", headers=AUTH).json()
    while job["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = http.get(f"/api/documents/jobs/{job_id}", headers=AUTH).json()
    assert job["state"] in ("done", "failed"), "refused at once, not parsed for minutes"
    [f] = job["files"]
    assert f["status"] == "failed" and ("zip bomb" in f["message"] or "unpacks to" in f["message"]), json.dumps(job)[:500]
    assert job["report"] is None or job["report"]["failed"][0]["reason"] == "zip_bomb"
