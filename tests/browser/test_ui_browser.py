"""The chat in a real browser: ask, see the cited source, open its context, give feedback."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest_server import LIVE_DESK_TOKEN, ServerProcess, highlight_pixels

from inkoopwijzer.settings import REPO_ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts"
ZK_QUESTION = "Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis voor MSZ 2027?"


def _ask(page: Any, question: str) -> Any:
    box = page.get_by_placeholder("Stel je vraag")
    box.fill(question)
    box.press("Enter")
    citation = page.locator("#iw-chatbot .iw-cite").first
    citation.wait_for(state="visible")
    return citation


def test_question_shows_answer_with_citation(page: Any, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/")
    citation = _ask(page, ZK_QUESTION)
    head = citation.locator(".iw-cite-head").inner_text()
    assert "Zilveren Kruis" in head and re.search(r"p\.\s*\d+", head)
    pdf = citation.locator("a.iw-pdf")
    assert re.search(r"/api/documents/[^/]+\.pdf/file#page=\d+$", pdf.get_attribute("href") or "")
    # a PDF source opens to its page (test_answer_with_its_page_view), not to the text around it
    assert citation.locator("details.iw-page summary").count() == 1
    assert citation.locator("details.iw-context").count() == 0
    # show the answer from its first line (the chat scrolls to the end of the message)
    page.locator("#iw-chatbot [data-testid='bot']").last.evaluate("el => el.scrollIntoView({block: 'start'})")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)


def test_feedback_and_new_conversation(page: Any, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/")
    # the examples are made from the indexed policies once the page has read the index ("deadline offerte
    # <insurer>?" instead of the general "deadline offerte?"), and a button asks its own text
    example = page.get_by_role("button", name=re.compile(r"^deadline offerte \S.*\?$"))
    label = example.inner_text()
    assert any(name in label for name in ("zilveren kruis", "zorg en zekerheid", "salland"))
    example.click()
    page.locator("#iw-chatbot .iw-cite").first.wait_for(state="visible")
    assert label in page.locator("#iw-chatbot [data-testid='user']").last.inner_text()
    page.get_by_label("Toelichting bij je beoordeling (optioneel)").fill("Duidelijk, dank je")
    page.get_by_role("button", name="Nuttig", exact=True).click()
    page.get_by_text("Bedankt! Je feedback (nuttig)").wait_for(state="visible")
    page.locator("#iw-chatbot").get_by_role("button", name=re.compile("Dislike|niet leuk")).first.click()  # the chat's own thumbs (Dutch locale)
    page.get_by_text("Bedankt! Je feedback (niet nuttig)").wait_for(state="visible")
    page.get_by_role("button", name="Nieuw gesprek").click()
    page.locator("#iw-chatbot .iw-cite").first.wait_for(state="detached")


def test_insurer_filter_restricts_the_sources(page: Any, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/")
    page.get_by_text("Filters: verzekeraar").click()
    page.get_by_label("Verzekeraar").click()
    page.get_by_role("option", name="Salland").click()
    page.keyboard.press("Escape")
    _ask(page, "Wanneer moet de offerte binnen zijn?")
    heads = page.locator("#iw-chatbot .iw-cited .iw-cite-head strong").all_inner_texts()
    assert heads and set(heads) == {"Salland"}


def test_phone_width(browser: Any, live_server: ServerProcess) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(live_server.url + "/")
        citation = _ask(page, "deadline offerte salland?")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"no horizontal scrolling at phone width (page is {width}px wide)"
        assert citation.bounding_box()["width"] <= 390
        page.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=True)
    finally:
        context.close()


def test_desk_needs_the_token_and_shows_debug(page: Any, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/desk/")
    page.locator("input[type=password]").fill(LIVE_DESK_TOKEN)
    page.locator("input").first.fill("desk")
    page.keyboard.press("Enter")
    citation = _ask(page, "Welke minimumeisen gelden voor een ZBC bij Zorg en Zekerheid?")
    assert citation.is_visible()
    page.locator("#iw-debug .iw-debug").wait_for(state="visible")
    assert "Opgehaalde passages" in page.locator("#iw-debug").inner_text()
    page.screenshot(path=str(ARTIFACTS / "desk.png"), full_page=True)


def test_planning_page_counts_days_from_the_fixed_today(browser: Any, live_server: ServerProcess) -> None:
    """The Planning page lists the dated events with the time left relative to INKOOPWIJZER_TODAY
    (tests/conftest.py fixes it), opens a row's passage in context, offers the .ics, and fits a phone."""
    import os
    from datetime import date

    import httpx

    today = date.fromisoformat(os.environ["INKOOPWIJZER_TODAY"])
    upcoming = httpx.get(f"{live_server.url}/api/deadlines", params={"from": today.isoformat()}, timeout=30).json()
    first = next(e for e in upcoming if e["date"] and e["date"] > today.isoformat())
    days = (date.fromisoformat(first["date"]) - today).days
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(live_server.url + "/planning")
            row = page.locator(f".iw-plan-row[data-uid='{first['uid']}']")
            row.wait_for(state="visible")
            assert (f"over {days} dagen" if days > 1 else "morgen") in row.inner_text()
            assert "verlopen" not in page.locator("#iw-planning").inner_text()  # past events only when asked
            href = page.locator("a.iw-ics").get_attribute("href") or ""
            assert href.startswith("/api/deadlines.ics")
            row.locator("details summary").click()
            assert row.locator("details mark").inner_text().strip()
            if width < 400:
                assert page.evaluate("document.documentElement.scrollWidth") <= 400, "no horizontal scrolling at phone width"
            page.screenshot(path=str(ARTIFACTS / f"planning-{width}.png"), full_page=False)
        finally:
            context.close()


def _open_page_view(page: Any, answer: Any) -> tuple[Any, bytes]:
    """Open the first source's page view with the keyboard; the image as the browser shows it."""
    summary = answer.locator("details.iw-page summary").first
    summary.focus()
    page.keyboard.press("Enter")
    image = answer.locator("img.iw-page-img").first
    image.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    image.scroll_into_view_if_needed()
    return image, image.screenshot()


def _newest_answer_starts_at_the_top(page: Any) -> None:
    offset = page.evaluate(
        """() => {
          const chat = document.getElementById('iw-chatbot');
          const bots = chat.querySelectorAll('[data-testid="bot"]');
          const last = bots[bots.length - 1];
          let box = last.parentElement;
          while (box && !(/(auto|scroll)/.test(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight)) box = box.parentElement;
          if (!box) return 0;  // everything fits: nothing scrolled away
          const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 2;
          const top = last.getBoundingClientRect().top - box.getBoundingClientRect().top;
          return atEnd && top > 0 ? 0 : top;  // a short answer may sit lower when the chat is scrolled to its end
        }"""
    )
    assert -2 <= offset <= 60, f"the newest answer starts {offset:.0f}px from the top of the answer area"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_answer_with_its_page_view(browser: Any, live_server: ServerProcess, device: str) -> None:
    phone = device == "phone"
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport, locale="nl-NL", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(live_server.url + "/")
        _ask(page, "deadline offerte salland?")
        _ask(page, ZK_QUESTION)
        page.wait_for_function("() => document.querySelectorAll('#iw-chatbot [data-testid=bot] .iw-sources').length >= 2")
        answer = page.locator("#iw-chatbot [data-testid='bot']").last
        _newest_answer_starts_at_the_top(page)
        chat_height = page.locator("#iw-chatbot").bounding_box()["height"]
        assert chat_height >= 0.55 * viewport["height"], f"the answer area is {chat_height:.0f}px of {viewport['height']}px"
        # the short answer first, then numbered sources; no quote shown twice before a source is opened
        text = answer.inner_text()
        assert text.index("Bronnen") > 0 and "[1]" in text
        for quote in answer.locator(".iw-quote").all_inner_texts():
            assert text.count(quote.strip("“”")[:60]) == 1, quote
        assert not re.search("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2190-\u21FF\uFE0F]", answer.inner_html()), "icons are SVG, not emoji"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"answer-{device}.png"))
        image, shown = _open_page_view(page, answer)
        src = image.get_attribute("src") or ""
        assert re.search(r"/api/documents/[^/]+\.pdf/pages/\d+\.png\?passage=\w+&start=\d+&end=\d+&sig=\w+$", src)
        marked = highlight_pixels(shown)
        assert marked > 300, f"the highlight is drawn on the page as the browser shows it ({marked} px)"
        plain = page.request.get(live_server.url + src.split("?")[0]).body()
        assert highlight_pixels(plain) < highlight_pixels(page.request.get(live_server.url + src).body()) / 4
        pdf = answer.locator("a.iw-pdf").first.get_attribute("href") or ""
        assert re.search(r"/api/documents/[^/]+\.pdf/file#page=\d+$", pdf)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 10, f"no horizontal scrolling ({width}px)"
        page.screenshot(path=str(ARTIFACTS / f"answer-page-view-{device}.png"))
    finally:
        context.close()
