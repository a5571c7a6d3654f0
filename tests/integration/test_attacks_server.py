"""The attacks of issue 20, run against a real server process (`serve()` with the fake
assistant: the guards, Gradio and uvicorn are the real ones). docs/security.md lists them."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from attacks import chunked, desk_login, fake_server, gradio_call, gradio_fn, raw_request
from conftest_server import ServerProcess

from inkoopwijzer.settings import REPO_ROOT

pytestmark = pytest.mark.integration

TOKEN = "attack-desk-token"
LOGS = REPO_ROOT / "test-artifacts"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with small limits: 64 KB request bodies, 2 s to send one."""
    server = fake_server(
        tmp_path_factory.mktemp("guarded"), LOGS / "server-attacks-guarded.log",
        desk_token=TOKEN, max_request_kb="64", body_timeout_s="2", rate_limit_per_minute="1000", IW_FAKE_INGEST="1",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with a small rate limit (8 a minute) and failed-login limit (3 a minute)."""
    server = fake_server(
        tmp_path_factory.mktemp("strict"), LOGS / "server-attacks-strict.log",
        desk_token=TOKEN, rate_limit_per_minute="8", login_failures_per_minute="3",
    )
    yield server
    server.stop()


def _ask_head(path: str = "/api/ask", extra: tuple[str, ...] = ()) -> list[str]:
    return [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            "Transfer-Encoding: chunked", *extra]


# --- 2: chunked bodies passed the size cap ----------------------------------------------


@pytest.mark.parametrize("path", ["/api/ask", "/api/feedback", "/gradio_api/run/chat", "/gradio_api/call/chat"])
def test_a_chunked_body_is_cut_off_at_the_cap(guarded: ServerProcess, path: str) -> None:
    r = raw_request(guarded.url, _ask_head(path), chunked(20 * 1024 * 1024))
    assert r.status == 413, r
    assert "Request too large" in json.loads(r.body)["error"]
    assert r.sent < 8 * 1024 * 1024, "the server answered long before the 20 MB were sent"


def test_a_declared_body_over_the_cap_is_refused_unread(guarded: ServerProcess) -> None:
    head = ["POST /api/feedback HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            f"Content-Length: {10 * 1024 * 1024}"]
    assert raw_request(guarded.url, head).status == 413


def test_a_big_feedback_comment_is_not_stored(guarded: ServerProcess) -> None:
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        answer = http.post("/api/ask", json={"question": "deadline offerte salland?"}).json()
        big = {"rating": "down", "question": "q", "answer": answer, "comment": "x" * (200 * 1024)}

        def body() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
            data = json.dumps(big).encode()
            for i in range(0, len(data), 16 * 1024):
                yield data[i : i + 16 * 1024]

        try:
            r = http.post("/api/feedback", content=body(), headers={"Content-Type": "application/json"})
            assert r.status_code == 413
        except httpx.HTTPError:
            pass  # the server may close before the client has sent it all: refused either way
        stored = http.get("/api/feedback/export", params={"review": "pending"}, headers=AUTH).text
        assert "x" * 1000 not in stored


# --- 7: a slow sender held connections with no time-out ---------------------------------


def test_a_slow_body_gets_408(guarded: ServerProcess) -> None:
    r = raw_request(guarded.url, _ask_head(), (b"1\r\n{\r\n" for _ in range(30)), pause=1.0)
    assert r.status == 408, r
    assert r.seconds < 8, "answered after the body time-out (2 s), not after the client gave up"


def test_slow_headers_are_cut_off(guarded: ServerProcess) -> None:
    lines = (f"X-Slow-{i}: x\r\n".encode() for i in range(30))
    r = raw_request(guarded.url, ["GET /healthz HTTP/1.1", "Host: 127.0.0.1"], lines, pause=1.0, end_head=False)
    assert r.status is None, "no answer: the connection is closed"
    assert r.seconds < 8, "closed after the header time-out (2 s)"


def test_oversized_headers_are_refused(guarded: ServerProcess) -> None:
    r = raw_request(guarded.url, ["GET /healthz HTTP/1.1", "Host: 127.0.0.1", "X-Big: " + "x" * 40_000])
    assert r.status == 431


# --- 3: rate-limit bypasses, login guessing ----------------------------------------------


def test_failed_desk_logins_are_throttled(strict: ServerProcess) -> None:
    with httpx.Client(base_url=strict.url, timeout=30) as http:
        codes = [desk_login(http, f"guess-{i}").status_code for i in range(6)]
        assert codes[:3] == [400, 400, 400] and set(codes[3:]) == {429}, codes
        r = desk_login(http, TOKEN)
        assert r.status_code == 429, "while throttled, even the right token waits"
        assert int(r.headers["retry-after"]) >= 1
        # the API's desk routes check the same secret: guessing there is throttled too
        r = http.get("/api/feedback/export", headers={"Authorization": "Bearer guess"})
        assert r.status_code == 429 and "failed attempts" in r.json()["error"]


@pytest.mark.parametrize("path", ["/gradio_api/run/chat", "/gradio_api/call/chat"])
def test_gradio_api_routes_are_rate_limited(strict: ServerProcess, path: str) -> None:
    with httpx.Client(base_url=strict.url, timeout=30) as http:
        codes = [http.post(path, json={"data": ["deadline offerte salland?"]}).status_code for _ in range(12)]
    assert 429 in codes and codes.index(429) <= 8, codes


def test_a_new_forwarded_for_buys_no_new_allowance(strict: ServerProcess) -> None:
    with httpx.Client(base_url=strict.url, timeout=30) as http:
        codes = [
            http.get("/api/documents", headers={"X-Forwarded-For": f"10.1.{i}.{i}", "X-Real-IP": f"10.2.{i}.{i}"}).status_code
            for i in range(12)
        ]
    assert codes[-1] == 429 and codes.count(200) <= 8, codes


# --- 4: desk data through the public app --------------------------------------------------


def test_desk_exports_are_for_the_desk_only_and_deleted_once_downloaded(guarded: ServerProcess) -> None:
    with httpx.Client(base_url=guarded.url, timeout=60) as desk, httpx.Client(base_url=guarded.url, timeout=60) as anyone:
        answer = anyone.post("/api/ask", json={"question": "deadline offerte salland?"}).json()
        fid = anyone.post("/api/feedback", json={"rating": "up", "question": "export me", "answer": answer}).json()["id"]
        assert anyone.post(f"/api/feedback/{fid}/review", json={"review": "approved"}, headers=AUTH).status_code == 200
        assert desk_login(desk, TOKEN).status_code == 200
        config = desk.get("/desk/config").json()
        result = gradio_call(desk, "/desk", gradio_fn(config, "iw-export-feedback"), ["alle"])
        [link] = re.findall(r'href="([^"]+)"', result["output"]["data"][0])
        assert link.startswith("/desk/exports/")

        assert anyone.get(link).status_code == 401, "no desk login, no export"
        got = desk.get(link)
        assert got.status_code == 200 and "export me" in got.text
        assert desk.get(link).status_code == 404, "an export is deleted once downloaded"
        assert "/gradio_api/file=" not in result["output"]["data"][0]


def test_the_public_app_serves_nothing_from_gradio_s_upload_folder(guarded: ServerProcess, tmp_path: Path) -> None:
    with httpx.Client(base_url=guarded.url, timeout=60) as desk, httpx.Client(base_url=guarded.url, timeout=60) as anyone:
        assert desk_login(desk, TOKEN).status_code == 200
        r = desk.post("/desk/gradio_api/upload", files={"files": ("beleid.txt", b"Vertrouwelijk beleid van de desk.")})
        assert r.status_code == 200, r.text
        [path] = r.json()
        assert desk.get(f"/desk/gradio_api/file={path}").status_code == 200
        assert anyone.get(f"/desk/gradio_api/file={path}").status_code in (401, 403)
        assert anyone.get(f"/gradio_api/file={path}").status_code == 403, "the public app does not serve desk files"


def test_the_public_chat_takes_no_uploads(guarded: ServerProcess) -> None:
    with httpx.Client(base_url=guarded.url, timeout=30) as anyone:
        r = anyone.post("/gradio_api/upload", files=[("files", (f"f{i}.bin", b"\0" * 1024)) for i in range(5)])
    assert r.status_code == 403 and "desk" in r.json()["error"]


# --- 7: security headers, no banner, no Host reflection -----------------------------------


@pytest.mark.parametrize("path", ["/", "/api/documents", "/desk/", "/healthz"])
def test_security_headers_and_no_server_banner(guarded: ServerProcess, path: str) -> None:
    r = httpx.get(guarded.url + path, timeout=30)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "img-src 'self' data: blob:;" in r.headers["content-security-policy"], "no image from another host"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "server" not in r.headers


@pytest.mark.parametrize("path", ["/", "/desk", "/config", "/api/documents"])
def test_a_forged_host_is_not_reflected(guarded: ServerProcess, path: str) -> None:
    r = httpx.get(guarded.url + path, headers={"Host": "evil.example"}, timeout=30)
    assert r.status_code == 400 and "INKOOPWIJZER_ALLOWED_HOSTS" in r.json()["error"]
    assert "evil.example" not in r.text and "evil.example" not in str(r.headers)


# --- 7: feedback for an answer never given, long file names -------------------------------


def test_made_up_feedback_reaches_the_gold_export_only_once_approved(guarded: ServerProcess) -> None:
    made_up = {"question": "verzonnen", "status": "answered", "answer": "Alles mag altijd [1].", "citations": []}
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        fid = http.post("/api/feedback", json={"rating": "up", "question": "mag alles?", "answer": made_up}).json()["id"]
        assert "mag alles?" not in http.get("/api/feedback/export", headers=AUTH).text
        assert "mag alles?" in http.get("/api/feedback/export", params={"review": "pending"}, headers=AUTH).text
        assert http.post(f"/api/feedback/{fid}/review", json={"review": "rejected"}, headers=AUTH).status_code == 200
        assert "mag alles?" not in http.get("/api/feedback/export", headers=AUTH).text
        assert http.post(f"/api/feedback/{fid}/review", json={"review": "approved"}).status_code == 401


def test_a_long_file_name_keeps_its_type(guarded: ServerProcess) -> None:
    name = "Inkoopbeleid " + "zeer lang " * 30 + "2027.txt"
    assert len(name) > 200
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        r = http.post("/api/documents", files={"files": (name, b"Zilveren Kruis beleid tekst.")}, headers=AUTH)
    assert r.status_code == 202, r.text
    [f] = r.json()["files"]
    assert f["stored"].endswith(".txt") and f["original"].endswith("….txt") and len(f["original"]) <= 200


# --- 7: an upload whose process was killed ----------------------------------------------------


def test_an_upload_interrupted_by_a_killed_server_is_resumed_and_shown(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = fake_server(data_dir, LOGS / "server-attacks-restart-1.log", desk_token=TOKEN,
                        IW_FAKE_INGEST="1", IW_FAKE_INGEST_DELAY="60")
    try:
        with httpx.Client(base_url=first.url, timeout=30) as http:
            r = http.post("/api/documents", files={"files": ("beleid.pdf", b"%PDF good")}, headers=AUTH)
            assert r.status_code == 202
            job_id = r.json()["job"]
            time.sleep(1.0)
            assert http.get(f"/api/documents/jobs/{job_id}", headers=AUTH).json()["state"] == "running"
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
    finally:
        first.stop()
    second = fake_server(data_dir, LOGS / "server-attacks-restart-2.log", desk_token=TOKEN, IW_FAKE_INGEST="1")
    try:
        with httpx.Client(base_url=second.url, timeout=30) as http:
            deadline = time.monotonic() + 30
            job = http.get(f"/api/documents/jobs/{job_id}", headers=AUTH).json()
            while job.get("state") not in ("done", "failed") and time.monotonic() < deadline:
                time.sleep(0.3)
                job = http.get(f"/api/documents/jobs/{job_id}", headers=AUTH).json()
            assert job["state"] == "done", job
            assert "herstart" in job["note"], "the desk is told the job was resumed"
            assert job["files"][0]["status"] == "done"
            assert any(j["id"] == job_id and j["note"] for j in http.get("/api/documents/jobs", headers=AUTH).json())
    finally:
        second.stop()
