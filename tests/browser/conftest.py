"""Real Chromium (Debian's /usr/bin/chromium) against the real server over the test index."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest_server import ServerProcess, live_server_for

from inkoopwijzer.settings import REPO_ROOT

CHROMIUM = Path(os.environ.get("INKOOPWIJZER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install it with `apt-get install -y chromium` (or `make browser-deps`)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(settings: Any, browser: Any) -> Iterator[ServerProcess]:
    """Started only when a browser is there (`browser` skips first otherwise)."""
    server = live_server_for(settings.data_dir, ARTIFACTS / "server-browser.log")
    yield server
    server.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()
