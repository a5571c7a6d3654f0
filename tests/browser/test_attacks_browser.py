"""Issue 20 in a real browser: a document's Markdown is shown as text, never rendered (no
image fetched from another host), and the page works under its security headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from attacks import fake_server
from conftest_server import ServerProcess

from inkoopwijzer.settings import REPO_ROOT

pytestmark = pytest.mark.browser

TOKEN = "browser-desk-token"


@pytest.fixture(scope="module")
def fake(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = fake_server(tmp_path_factory.mktemp("browser-fake"), REPO_ROOT / "test-artifacts" / "server-browser-fake.log",
                         desk_token=TOKEN)
    yield server
    server.stop()


def test_markdown_in_a_document_is_shown_as_text(page: Any, fake: ServerProcess) -> None:
    requests: list[str] = []
    blocked: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(fake.url + "/")
    box = page.get_by_placeholder("Stel je vraag")
    box.fill("staat er een afbeelding in het beleid?")
    box.press("Enter")
    answer = page.locator("#iw-chatbot [data-testid='bot']").filter(has_text="Volgens het beleid").last
    answer.wait_for(state="visible")
    page.wait_for_timeout(1000)  # the final message replaces the streamed one
    assert page.locator("#iw-chatbot img[src*='evil.example']").count() == 0
    assert "![t](https://evil.example/t.png)" in answer.inner_text(), "the Markdown stays text"
    assert answer.locator("strong").count() == 0, "no Markdown emphasis either"
    assert not [u for u in requests if "evil.example" in u]
    assert not blocked, f"the page itself breaks no rule of its CSP: {blocked[:3]}"


def test_the_desk_approves_feedback_and_downloads_only_approved_rows(page: Any, fake: ServerProcess) -> None:
    import httpx

    with httpx.Client(base_url=fake.url, timeout=30) as http:
        answer = http.post("/api/ask", json={"question": "deadline offerte salland?"}).json()
        for question in ("goede vraag", "verzonnen vraag"):
            assert http.post("/api/feedback", json={"rating": "up", "question": question, "answer": answer}).status_code == 201
    page.goto(fake.url + "/desk/")
    page.locator("input[type=password]").fill(TOKEN)
    page.locator("input").first.fill("desk")
    page.keyboard.press("Enter")
    page.get_by_role("tab", name="Feedback").click()
    table = page.locator("#iw-feedback")
    table.get_by_text("goede vraag").wait_for(state="visible")
    table.get_by_text("goede vraag").click()
    page.locator("#iw-review-status").get_by_text("Gekozen: feedback").wait_for(state="visible")
    page.locator("#iw-approve").click()
    table.get_by_text("goedgekeurd", exact=True).first.wait_for(state="visible")
    page.locator("#iw-export-feedback").click()
    link = page.locator("#iw-feedback-export a").first
    link.wait_for(state="visible")
    with page.expect_download() as download:
        link.click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "goede vraag" in content and "verzonnen vraag" not in content
