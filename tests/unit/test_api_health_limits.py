"""GET /healthz and the per-client rate limit."""

from __future__ import annotations

from pathlib import Path

from conftest_server import FakeAssistant, make_settings
from fastapi.testclient import TestClient

from assistant.service import Health
from inkoopwijzer.errors import IndexMissingError
from ui.ratelimit import TokenBucketLimiter
from ui.server import create_app


def test_healthz_ok(tmp_path: Path) -> None:
    r = TestClient(create_app(FakeAssistant, make_settings(tmp_path))).get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "index_present": True, "documents": 4, "model_loaded": True, "detail": "", "build": None}


def test_healthz_unhealthy_is_503(tmp_path: Path) -> None:
    fake = FakeAssistant(healthy=False)
    r = TestClient(create_app(lambda: fake, make_settings(tmp_path))).get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "unhealthy" and r.json()["index_present"] is False


def test_healthz_when_the_assistant_cannot_start(tmp_path: Path) -> None:
    def broken() -> FakeAssistant:
        raise IndexMissingError()

    r = TestClient(create_app(broken, make_settings(tmp_path))).get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "unhealthy" and "inkoopwijzer ingest" in r.json()["detail"]


def test_healthz_when_the_store_is_down(tmp_path: Path) -> None:
    class StoreDown(FakeAssistant):
        def health(self) -> Health:
            return Health(index_present=True, documents=4, model_loaded=True, store_ok=False, detail="chroma down")

    r = TestClient(create_app(StoreDown, make_settings(tmp_path))).get("/healthz")
    assert r.status_code == 503 and r.json()["detail"] == "chroma down"


def test_rate_limit_is_per_client_and_answers_429(tmp_path: Path) -> None:
    client = TestClient(create_app(FakeAssistant, make_settings(tmp_path, rate_limit_per_minute=3)))
    codes = [client.post("/api/ask", json={"question": "deadline offerte salland?"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/documents")
    assert r.status_code == 429
    assert r.json()["error"].startswith("Too many requests")
    assert int(r.headers["retry-after"]) >= 1
    assert client.get("/healthz").status_code == 200, "health checks are never limited"
    other = TestClient(client.app, client=("10.0.0.2", 5000))
    assert other.get("/api/documents").status_code == 200, "another client has its own bucket"


def test_token_bucket_refills_over_time() -> None:
    now = [0.0]
    limiter = TokenBucketLimiter(per_minute=60, clock=lambda: now[0])
    assert all(limiter.acquire("a") == 0.0 for _ in range(60))
    wait = limiter.acquire("a")
    assert 0.9 <= wait <= 1.0
    now[0] += 1.0
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") > 0
    assert limiter.acquire("b") == 0.0


def test_idle_buckets_are_forgotten() -> None:
    now = [0.0]
    limiter = TokenBucketLimiter(per_minute=10, clock=lambda: now[0])
    for i in range(100):
        limiter.acquire(f"client-{i}")
    now[0] += 61.0
    limiter.acquire("new")
    assert len(limiter._buckets) == 1
