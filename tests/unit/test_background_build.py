"""Up at once: while the first index is built in the background, the server answers
"nog even geduld" (an Answer with status building, 503 + Retry-After) and shows the progress,
in the chat and on the Planning page, and the planning routes say 503 with the progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from conftest_server import make_settings
from fastapi.testclient import TestClient

import index.build as build
from assistant.service import Assistant
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import IngestReport
from ui.chat import build_chat_app, build_status
from ui.server import create_app
from ui.services import Services


class SlowBuild:
    """Stands in for `ensure_index`: reports progress, then waits until released."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.reported = threading.Event()
        self.fail = fail

    def __call__(self, settings: Settings, progress: Any = None) -> IngestReport:
        progress("parse", 5, 5)
        progress("embed", 212, 508)
        self.reported.set()
        # until the test releases it (the fixture does at the end): a time limit here let a slow
        # machine finish the "build" before the request it was meant to answer as building
        self.release.wait(300)
        if self.fail:
            raise OSError("schijf vol")
        return IngestReport(documents=5, chunks=508, index_version="v-test")


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowBuild]:
    fake = SlowBuild()
    monkeypatch.setattr(build, "ensure_index", fake)
    yield fake
    fake.release.set()


def _started(settings: Settings, slow: SlowBuild) -> None:
    assert build.start_background_build(settings).running
    assert slow.reported.wait(60)


def test_questions_while_building_get_a_building_answer(tmp_path: Path, slow: SlowBuild) -> None:
    settings = make_settings(tmp_path)
    _started(settings, slow)
    answer = Assistant(settings).ask("deadline offerte salland?")
    assert answer.status == "building"
    assert "nog even geduld" in answer.answer and "212 van 508 passages" in answer.answer
    assert answer.citations == []


def test_the_api_says_503_with_retry_after_and_healthz_says_building(tmp_path: Path, slow: SlowBuild) -> None:
    settings = make_settings(tmp_path)
    _started(settings, slow)
    client = TestClient(create_app(lambda: Assistant(settings), settings))
    r = client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert r.status_code == 503 and int(r.headers["retry-after"]) > 0
    assert r.json()["status"] == "building" and "nog even geduld" in r.json()["answer"]
    h = client.get("/healthz")
    assert h.status_code == 503 and int(h.headers["retry-after"]) > 0
    body = h.json()
    assert body["status"] == "building" and body["index_present"] is False
    assert body["build"]["message"] == "index wordt gebouwd: 212 van 508 passages"
    assert (body["build"]["stage"], body["build"]["done"], body["build"]["total"]) == ("embed", 212, 508)


def test_the_page_shows_the_progress_until_it_can_answer(tmp_path: Path, slow: SlowBuild) -> None:
    settings = make_settings(tmp_path)
    _started(settings, slow)
    client = TestClient(create_app(lambda: Assistant(settings), settings))
    services = client.app.state.services  # type: ignore[attr-defined]
    line, running = build_status(services)
    assert "index wordt gebouwd: 212 van 508 passages" in line and running
    slow.release.set()
    deadline = time.monotonic() + 60
    while (progress := build.build_progress(settings)) is not None and progress.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert progress is not None and progress.state == "done" and progress.index_version == "v-test"
    assert build_status(services) == ("", False)  # nothing to show once built (the stand-in wrote no index)


@pytest.mark.parametrize("route", ["/api/deadlines", "/api/deadlines.ics", "/api/thresholds?kind=amount"])
def test_the_planning_routes_say_503_with_retry_after_and_the_progress(tmp_path: Path, slow: SlowBuild, route: str) -> None:
    settings = make_settings(tmp_path)
    _started(settings, slow)
    client = TestClient(create_app(lambda: Assistant(settings), settings), raise_server_exceptions=False)
    r = client.get(route)
    assert r.status_code == 503 and int(r.headers["retry-after"]) > 0, r.text
    body = r.json()
    assert "ask again" in body["error"] and "ingest" not in body["error"]  # nothing to run: it is being built
    assert body["build"]["state"] == "building" and body["build"]["message"] == "index wordt gebouwd: 212 van 508 passages"
    assert (body["build"]["stage"], body["build"]["done"], body["build"]["total"]) == ("embed", 212, 508)
    assert "503" in client.get("/openapi.json").json()["paths"][route.split("?")[0]]["get"]["responses"]


def _planning_load(services: Services) -> Any:
    """The Planning page's function that runs when the page opens, and the timer's that runs it again."""
    demo = build_chat_app(services)
    planning = [f for f in demo.fns.values() if f.page == "planning"]
    [load] = [f for f in planning if any(trigger == "load" for _, trigger in f.targets)]
    ticks = [f for f in planning if any(trigger == "tick" for _, trigger in f.targets)]
    assert [f.fn for f in ticks] == [load.fn], "the page looks again while the index is being built"
    return load.fn


def test_the_planning_page_shows_the_progress_and_looks_again(tmp_path: Path, slow: SlowBuild) -> None:
    settings = make_settings(tmp_path)
    _started(settings, slow)
    services = Services(settings, lambda: Assistant(settings))
    load = _planning_load(services)
    *_filters, table, timer = load()
    assert "index wordt gebouwd: 212 van 508 passages" in table and "iw-spinner" in table
    assert isinstance(timer, gr.Timer) and timer.active  # polls until the index is there
    slow.release.set()
    deadline = time.monotonic() + 60
    while (progress := build.build_progress(settings)) is not None and progress.running and time.monotonic() < deadline:
        time.sleep(0.02)
    *_filters, table, timer = load()
    assert "212 van 508" not in table and not timer.active  # built (the stand-in wrote no index): stops polling


def test_a_failed_build_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = SlowBuild(fail=True)
    monkeypatch.setattr(build, "ensure_index", fake)
    settings = make_settings(tmp_path)
    try:
        _started(settings, fake)
    finally:
        fake.release.set()
    deadline = time.monotonic() + 60
    while (progress := build.build_progress(settings)) is not None and progress.running and time.monotonic() < deadline:
        time.sleep(0.02)
    client = TestClient(create_app(lambda: Assistant(settings), settings))
    h = client.get("/healthz")
    assert h.status_code == 503 and h.json()["status"] == "unhealthy"
    assert "schijf vol" in h.json()["detail"] and h.json()["build"]["state"] == "failed"
    r = client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert r.status_code == 503 and "ingest" in r.json()["error"]
    line, running = build_status(client.app.state.services)  # type: ignore[attr-defined]
    assert "kon niet worden gebouwd" in line and "schijf vol" in line and not running  # the page stops polling


def test_one_build_at_a_time(tmp_path: Path, slow: SlowBuild) -> None:
    settings = make_settings(tmp_path)
    _started(settings, slow)
    first = build._builds[build._key(settings)]
    build.start_background_build(settings)
    assert build._builds[build._key(settings)] is first
