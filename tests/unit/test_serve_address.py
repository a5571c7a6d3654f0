"""`inkoopwijzer serve --host/--port`: the address given is the one the Host check allows and the
calendar feed links to (a server bound to every interface links to localhost)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest_server import make_settings
from fastapi.testclient import TestClient
from icalendar import Calendar

import ui.http
import ui.server
from assistant.service import Assistant
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import DatedEvent, FactSource


class _Served:
    """Stands in for uvicorn's Server: keeps the config it was given instead of running it."""

    configs: list[Any] = []

    def __init__(self, config: Any) -> None:
        self.configs.append(config)

    def run(self) -> None:
        pass


def _serve(monkeypatch: pytest.MonkeyPatch, settings: Settings, host: str | None, port: int | None) -> Any:
    import uvicorn

    built: list[Settings] = []
    monkeypatch.setattr(ui.server, "get_settings", lambda: settings)
    monkeypatch.setattr(ui.server, "build_index_in_background", built.append)
    monkeypatch.setattr(ui.http, "limit_malloc_arenas", lambda: None)
    monkeypatch.setattr(uvicorn, "Server", _Served)
    _Served.configs.clear()
    ui.server.serve(host, port)
    [config] = _Served.configs
    config.built = built[0]  # the settings the background build was started with
    return config


_EVENT = DatedEvent(
    uid="a", insurer="Salland", document="004.pdf", title="Zorginkoopbeleid 2027", care_types=["MSZ"], years=[2027],
    what="Offerte insturen", who="zorgaanbieders", kind="deadline", date="2026-09-30",
    sources=[FactSource(document="004.pdf", quote="Stuur uiterlijk 30 september 2026 uw offerte.", section="Offerte",
                        page=30, start=0, end=45)],
)


def _feed_link(app: Any, base_url: str) -> str:
    """The URL of the one event in the served app's calendar feed (`/api/deadlines.ics`), over an
    index that holds just that event."""
    assistant = app.state.services.assistant()
    assistant._version = lambda: SimpleNamespace(name="v-20261101T000000000000")
    assistant.events = lambda query=None: [_EVENT]
    r = TestClient(app, base_url=base_url).get("/api/deadlines.ics")
    assert r.status_code == 200, r.text
    [event] = Calendar.from_ical(r.content).walk("VEVENT")
    return str(event["URL"])


def test_the_given_host_and_port_are_allowed_and_linked_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _serve(monkeypatch, make_settings(tmp_path, allowed_hosts="localhost"), "127.0.0.2", 7999)
    assert (config.host, config.port) == ("127.0.0.2", 7999)
    r = TestClient(config.app, base_url="http://127.0.0.2:7999").get("/healthz")
    assert r.status_code != 400, r.text  # 503: no index here, but the Host is one it answers to
    assert TestClient(config.app, base_url="http://evil.example").get("/healthz").status_code == 400
    assert _feed_link(config.app, "http://127.0.0.2:7999") == "http://127.0.0.2:7999/api/documents/004.pdf/file#page=30"
    assert (config.built.host, config.built.port) == ("127.0.0.2", 7999)


def test_a_server_on_every_interface_links_to_localhost_or_the_public_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _serve(monkeypatch, make_settings(tmp_path, port=7001), "0.0.0.0", None)
    assert config.port == 7001  # no --port: the configured one
    assert _feed_link(config.app, "http://localhost:7001") == "http://localhost:7001/api/documents/004.pdf/file#page=30"
    public = make_settings(tmp_path, public_base_url="https://inkoopwijzer.example.nl/")
    config = _serve(monkeypatch, public, "::", 8080)
    assert _feed_link(config.app, "https://inkoopwijzer.example.nl") == (
        "https://inkoopwijzer.example.nl/api/documents/004.pdf/file#page=30")
    assert Assistant(make_settings(tmp_path, host="::1", port=7000)).base_url() == "http://[::1]:7000"
