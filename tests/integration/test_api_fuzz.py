"""Fuzz the JSON API from its own OpenAPI spec (schemathesis): no request may cause a
server error, whatever its shape. Runs in-process over the real assistant and index."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from conftest_server import DESK_TOKEN, fake_ingest, make_settings
from hypothesis import HealthCheck
from hypothesis import settings as hsettings

pytestmark = pytest.mark.integration


def _app() -> Any:
    from assistant.service import Assistant
    from inkoopwijzer.settings import get_settings
    from ui.server import create_app

    base = get_settings()
    s = make_settings(base.data_dir.parent / "fuzz", max_question_chars=500)
    # the real index of the test session (tests/conftest.py), state of this test elsewhere
    s = s.model_copy(update={"data_dir": base.data_dir})
    assistant = Assistant(s)
    return create_app(lambda: assistant, s, ingest=fake_ingest)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.fixture(scope="module", autouse=True)
def _index(settings: Any) -> None:  # the shared index must exist before the app answers
    return None


@schema.include(path_regex="^/(api|healthz)").parametrize()
@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: Any) -> None:
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {DESK_TOKEN}"}
    response = case.call()
    assert response.status_code < 500 or response.status_code == 503, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
