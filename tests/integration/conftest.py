"""The real server (`python -m ui`) over the shared test index, once per session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest_server import ServerProcess, live_server_for

from inkoopwijzer.settings import REPO_ROOT


@pytest.fixture(scope="session")
def live_server(settings: Any) -> Iterator[ServerProcess]:
    """`settings` (tests/conftest.py) builds the index with `index.store.ensure_index` first."""
    server = live_server_for(settings.data_dir, REPO_ROOT / "test-artifacts" / "server-integration.log")
    yield server
    server.stop()
