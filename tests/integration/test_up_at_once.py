"""`make run` on a fresh checkout: the server (`python -m ui`, as `inkoopwijzer serve`) comes up
with no index, builds it in the background from the shipped corpus, and then answers.
(The time this takes is measured by bench/bench_fresh_clone.py, not here.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest_server import free_port

from inkoopwijzer.settings import REPO_ROOT

pytestmark = pytest.mark.integration


def test_a_server_without_an_index_builds_it_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKOOPWIJZER_")}
    env.update({"INKOOPWIJZER_DATA_DIR": str(tmp_path / "var"), "INKOOPWIJZER_PORT": str(port),
                "INKOOPWIJZER_TODAY": "2026-11-23", "PYTHONUNBUFFERED": "1", "GRADIO_ANALYTICS_ENABLED": "False"})
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui", "--port", str(port)], cwd=REPO_ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    statuses: list[str] = []
    try:
        deadline = time.monotonic() + 180
        answer = None
        while time.monotonic() < deadline and answer is None:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                health = httpx.get(url + "/healthz", timeout=10)
                statuses.append(health.json()["status"])
                r = httpx.post(url + "/api/ask", json={"question": "deadline offerte salland?"}, timeout=60)
                if r.status_code == 503:
                    assert r.json()["status"] == "building" and int(r.headers["retry-after"]) > 0
                else:
                    assert r.status_code == 200, r.text
                    answer = r.json()
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert answer is not None, f"no answer within 180 s (health: {statuses[-5:]}):\n{log.read_text(errors='replace')[-3000:]}"
        assert answer["status"] == "answered" and answer["citations"]
        assert answer["citations"][0]["page_image"].startswith("/api/documents/")
        # (health is read again: the index may be switched in between a health check and the question)
        statuses.append(httpx.get(url + "/healthz", timeout=10).json()["status"])
        assert set(statuses) <= {"building", "ok"} and statuses[-1] == "ok"
        assert (tmp_path / "var" / "index" / "current.json").is_file()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
