"""The page view: a cited PDF page rendered with the quote marked, from recorded positions or
(fallback) the page's own characters; signed highlights only; bounded cache; rate-limited route;
pages drawn within a pixel size and a time limit."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from attacks import costly_page_pdf
from conftest_server import FakeAssistant, highlight_pixels, make_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.service import DocumentLayout
from inkoopwijzer.errors import BadRequestError
from inkoopwijzer.settings import REPO_ROOT
from inkoopwijzer.types import Answer, Citation, TextBox
from ui.pagedraw import MAX_HEIGHT_PX, PAGE_WIDTH_PX, PageDrawer
from ui.pages import PageText, PageViews, pages_of, pages_router, recorded_rects, search_rects
from ui.server import create_app

SALLAND = "004_112e050678cf724a.pdf"
PDF = REPO_ROOT / "data" / "policies" / SALLAND
# page 3 of the shipped Salland policy, as ingest would cite it (one line of the PDF broken into two)
TEXT = (
    "Over ons\nSalland Zorgverzekeraar\nSinds 1860 biedt Salland Zorgverzekeraar financiële zekerheid in de "
    "Nederlandse zorg.\nDaarom ligt de focus met het inkopen van zorg op Midden-IJssel en aanpalende gemeenten "
    "in Overijssel en Gelderland."
)
QUOTE = "Daarom ligt de focus met het inkopen van zorg op Midden-IJssel en aanpalende gemeenten in Overijssel en Gelderland."


def _layout(boxes: list[TextBox] | None = None, text: str = TEXT) -> DocumentLayout:
    return DocumentLayout("v-1", text, [(0, 3)], boxes or [], {"p1": (0, len(text))})


def _views(tmp_path: Path, layout: DocumentLayout | None = None, **kw: int) -> PageViews:
    return PageViews(tmp_path, lambda d: layout or _layout(), lambda d: PDF if d == SALLAND else None, **kw)


def _citation(quote: str = QUOTE, text: str = TEXT) -> Citation:
    start = text.index(quote)
    return Citation(n=1, document=SALLAND, title="Salland", page=3, quote=quote, start=start, end=start + len(quote),
                    chunk_id="p1")


def test_pages_of_maps_offsets_through_the_block_map() -> None:
    blocks = [(0, 1), (100, 1), (180, 2), (400, 3)]
    assert pages_of(blocks, 10, 90, None) == [1]
    assert pages_of(blocks, 150, 250, None) == [1, 2]  # runs over the page break
    assert pages_of(blocks, 400, 420, None) == [3]
    assert pages_of([], 0, 5, 7) == [7] and pages_of([], 0, 5, None) == []


def test_recorded_boxes_are_cut_to_the_quote() -> None:
    boxes = [TextBox(start=0, end=10, page=4, x0=100, y0=700, x1=200, y1=712),
             TextBox(start=10, end=20, page=5, x0=50, y0=800, x1=150, y1=812)]
    rects = recorded_rects(boxes, 5, 15)
    assert rects == {4: [(150.0, 700, 200.0, 712)], 5: [(50.0, 800, 100.0, 812)]}
    assert recorded_rects(boxes, 30, 40) == {}
    words = [TextBox(start=0, end=4, page=1, x0=10, y0=100, x1=40, y1=110),
             TextBox(start=5, end=9, page=1, x0=44, y0=100, x1=70, y1=110),
             TextBox(start=10, end=14, page=1, x0=10, y0=86, x1=38, y1=96)]
    assert recorded_rects(words, 0, 14) == {1: [(10, 100, 70, 110), (10, 86, 38, 96)]}  # one mark per line


def _page(n: int, chars: str, y: float) -> PageText:
    boxes = [(10.0 + 6 * i, y, 16.0 + 6 * i, y + 10) for i in range(len(chars))]
    return PageText(n, chars, boxes)


def test_search_matches_through_ligatures_hyphenation_and_a_page_break() -> None:
    first = _page(7, "De aan-\r\nvraag van de \ufb01nanci\u00eble", 500)
    second = _page(8, "afspraak moet binnen zijn. Daarna niets.", 700)
    found, share = search_rects([first, second], "aanvraag van de financiële afspraak moet binnen zijn.")
    assert set(found) == {7, 8} and share == 1.0
    assert found[8] == [(10.0, 700, 16.0 + 6 * len("afspraak moet binnen zijn") - 6, 710)]
    assert search_rects([first], "niet op deze pagina") == ({}, 0.0)


def test_search_steps_over_a_running_footer_stored_mid_sentence() -> None:
    page = _page(7, "Voor grote zorgaanbieders nemen we het maximum van 10% electieve Inkoopbeleid GRZ 2027 "
                    "Pagina 7 van 41 orthopedie mee in de bepaling van het omzetplafond.", 300)
    found, share = search_rects([page], "Voor grote zorgaanbieders nemen we het maximum van 10% electieve orthopedie mee "
                                        "in de bepaling van het omzetplafond.")
    assert share == 1.0 and list(found) == [7]
    footer = page.chars.index("Inkoopbeleid")
    marked_x = {round(r[0]) for r in found[7]} | {round(r[2]) for r in found[7]}
    assert round(page.boxes[footer][0]) not in marked_x  # the footer itself is not marked
    _, partly = search_rects([page], "Voor grote zorgaanbieders nemen we het maximum van 10% en iets heel anders erbij.")
    assert 0.3 < partly < 0.95


def test_the_quote_is_found_on_the_real_page_and_drawn(tmp_path: Path) -> None:
    views = _views(tmp_path)
    c = _citation()
    rects = views.place(SALLAND, c.start, c.end)
    assert list(rects) == [3] and len(rects[3]) == 2  # two lines on the page
    assert all(0 < x0 < x1 < 596 and 0 < y0 < y1 < 842 for x0, y0, x1, y1 in rects[3])
    assert views.counts == {"search": 1}  # no recorded positions: the fallback, counted
    answer = views.attach(Answer(question="q", status="answered", answer="a", citations=[c]))
    url = answer.citations[0].page_image or ""
    assert url.startswith(f"/api/documents/{SALLAND}/pages/3.png?passage=p1&start=")
    app = FastAPI()
    app.include_router(pages_router(views))
    client = TestClient(app)
    marked = client.get(url)
    assert marked.status_code == 200 and marked.headers["content-type"] == "image/png"
    plain = client.get(f"/api/documents/{SALLAND}/pages/3.png")
    assert plain.status_code == 200
    assert highlight_pixels(marked.content) > 2000 > highlight_pixels(plain.content) + 1000


def test_recorded_positions_come_first(tmp_path: Path) -> None:
    c = _citation()
    box = TextBox(start=c.start, end=c.end, page=3, x0=60, y0=100, x1=400, y1=112)
    views = _views(tmp_path, _layout([box]))
    assert views.place(SALLAND, c.start, c.end) == {3: [(60, 100, 400, 112)]}
    assert views.counts == {"recorded": 1}


def test_a_quote_that_cannot_be_placed_is_shown_unmarked_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = TEXT + "\nDeze zin staat niet op de pagina."
    views = _views(tmp_path, _layout(text=text))
    c = _citation("Deze zin staat niet op de pagina.", text)
    with caplog.at_level(logging.WARNING, logger="ui.pages"):
        assert views.place(SALLAND, c.start, c.end) == {}
    assert views.counts == {"unplaced": 1} and "could not be placed" in caplog.text
    png = views.png(SALLAND, 3, None)
    assert highlight_pixels(png) < 1000


def test_only_highlights_the_server_issued_are_drawn(tmp_path: Path) -> None:
    views = _views(tmp_path)
    app = FastAPI()
    app.include_router(pages_router(views))
    client = TestClient(app)
    c = _citation()
    url = views.attach(Answer(question="q", status="answered", answer="a", citations=[c])).citations[0].page_image or ""
    assert client.get(url).status_code == 200
    forged = url.replace(f"start={c.start}", f"start={c.start - 40}")
    assert client.get(forged).status_code == 403
    assert client.get(url.replace("/pages/3.png", "/pages/4.png")).status_code == 403  # signed for its page only
    assert client.get(f"/api/documents/{SALLAND}/pages/3.png?passage=p1&start=0&end=5").status_code == 400
    assert client.get("/api/documents/..%2F..%2Fetc%2Fpasswd/pages/1.png").status_code == 404
    assert client.get(f"/api/documents/{SALLAND}/pages/0.png").status_code == 404
    assert client.get(f"/api/documents/{SALLAND}/pages/34.png").status_code == 404
    assert client.get(f"/api/documents/{SALLAND}/pages/x.png").status_code == 422


def test_the_image_cache_is_bounded_and_per_version(tmp_path: Path) -> None:
    views = _views(tmp_path, cache_bytes=1)
    first = views.png(SALLAND, 3, None)
    views.png(SALLAND, 4, None)
    assert len(views._cache) == 1  # only the newest image fits
    assert views.png(SALLAND, 3, None) == first
    layouts = iter([_layout(), DocumentLayout("v-2", TEXT, [(0, 3)], [], {"p1": (0, len(TEXT))})])
    views = PageViews(tmp_path, lambda d: next(layouts), lambda d: PDF)
    views.png(SALLAND, 3, None)
    views.png(SALLAND, 3, None)  # a new index version: the old images are dropped
    assert [k[0] for k in views._cache] == ["v-2"]


def test_the_signing_key_is_kept_with_the_data(tmp_path: Path) -> None:
    c = _citation()
    url = _views(tmp_path).attach(Answer(question="q", status="answered", answer="a", citations=[c])).citations[0].page_image
    again = _views(tmp_path).attach(Answer(question="q", status="answered", answer="a", citations=[_citation()])).citations[0].page_image
    assert url == again  # a restarted server still honours the links it gave out
    assert (tmp_path / "page-secret.key").stat().st_mode & 0o077 == 0


def test_the_route_is_rate_limited_like_ask(tmp_path: Path) -> None:
    client = TestClient(create_app(FakeAssistant, make_settings(tmp_path, rate_limit_per_minute=2)))
    codes = [client.get(f"/api/documents/{SALLAND}/pages/1.png").status_code for _ in range(3)]
    assert codes[-1] == 429


def test_answers_from_the_api_carry_no_page_image_without_a_layout(tmp_path: Path) -> None:
    # FakeAssistant has no index: the answer still goes out, without page images
    client = TestClient(create_app(FakeAssistant, make_settings(tmp_path)))
    r = client.post("/api/ask", json={"question": "deadline offerte salland?"})
    assert r.status_code == 200 and r.json()["citations"][0]["page_images"] == []


def test_page_views_never_take_every_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.pages as pages

    monkeypatch.setattr(pages, "RENDER_WAIT_S", 0.05)
    views = _views(tmp_path)
    app = FastAPI()
    app.include_router(pages_router(views))
    client = TestClient(app)
    for _ in range(pages.RENDER_SLOTS):
        assert views.slots.acquire(timeout=1)  # every slot busy
    r = client.get(f"/api/documents/{SALLAND}/pages/3.png")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    views.slots.release()
    assert client.get(f"/api/documents/{SALLAND}/pages/3.png").status_code == 200


def _answer() -> Answer:
    return Answer(question="q", status="answered", answer="a", citations=[_citation()])


def test_only_a_document_whose_source_is_a_servable_pdf_gets_page_images(tmp_path: Path) -> None:
    assert _views(tmp_path).attach(_answer()).citations[0].page_images  # the shipped PDF: served, so shown
    # a .pdf document whose source the server does not serve (ingested from another folder, or gone since)
    unserved = PageViews(tmp_path, lambda d: _layout(), lambda d: None)
    assert unserved.attach(_answer()).citations[0].page_images == []
    text = tmp_path / "bron.txt"
    text.write_text(TEXT)
    not_a_pdf = PageViews(tmp_path, lambda d: _layout(), lambda d: text)
    assert not_a_pdf.attach(_answer()).citations[0].page_images == []


def test_a_page_shown_before_comes_from_the_cache_before_anything_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.pages as pages

    opened: list[str] = []

    def file_of(document: str) -> Path | None:
        opened.append(f"file of {document}")  # lists the index's documents
        return PDF if document == SALLAND else None

    def counted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            opened.append(name)
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(pages, "page_count", counted("page_count", pages.page_count))
    drawer = PageDrawer(timeout_s=30, memory_mb=1024)
    monkeypatch.setattr(drawer, "draw", counted("draw", drawer.draw))
    views = PageViews(tmp_path, lambda d: _layout(), file_of, drawer=drawer)
    try:
        first = views.png(SALLAND, 3, None)
        assert opened == [f"file of {SALLAND}", "page_count", "draw"]
        opened.clear()
        assert views.png(SALLAND, 3, None) == first
        assert opened == [], "a cached page opens neither the document list nor the PDF"
    finally:
        drawer.close()
    app = FastAPI()
    app.include_router(pages_router(PageViews(tmp_path, _unknown, file_of)))
    assert TestClient(app).get("/api/documents/onbekend.pdf/pages/1.png").status_code == 404


def _unknown(document: str) -> DocumentLayout:
    raise BadRequestError(f"No document named {document!r} in the index.")


def _drawing_children() -> list[int]:
    """Process ids of this process's page-drawing children that still run."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or b"ui.pagedraw" not in (proc / "cmdline").read_bytes():
                continue
            state, ppid = (proc / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if int(ppid) == os.getpid() and state != "Z":
            found.append(int(proc.name))
    return found


def test_a_page_that_takes_too_long_to_draw_is_refused_and_not_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = costly_page_pdf(tmp_path / "zwaar.pdf")  # 100 KB that PDFium takes seconds to draw (4 s here)
    drawer = PageDrawer(timeout_s=0.5, memory_mb=1024)
    draws: list[str] = []
    draw = drawer.draw
    monkeypatch.setattr(drawer, "draw", lambda path, page, rects: draws.append(path.name) or draw(path, page, rects))
    files = {"zwaar.pdf": slow, SALLAND: PDF}
    views = PageViews(tmp_path, lambda d: _layout(), files.get, drawer=drawer)
    app = FastAPI()
    app.include_router(pages_router(views))
    client = TestClient(app)
    others = set(_drawing_children())  # of earlier tests' page views
    try:
        refused = client.get("/api/documents/zwaar.pdf/pages/1.png")
        assert refused.status_code == 422
        assert "INKOOPWIJZER_PAGE_RENDER_TIMEOUT_S" in refused.json()["detail"] and "open the PDF" in refused.json()["detail"]
        assert set(_drawing_children()) <= others  # the child drawing it was stopped, not left to finish
        assert client.get("/api/documents/zwaar.pdf/pages/1.png").status_code == 422
        assert draws == ["zwaar.pdf"]  # refused again without drawing it again
        assert client.get(f"/api/documents/{SALLAND}/pages/3.png").status_code == 200  # a fresh child draws on
        assert len(set(_drawing_children()) - others) == 1
    finally:
        drawer.close()


def test_pages_of_any_size_and_rotation_are_drawn_within_the_pixel_limits(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.pdfgen import canvas

    path = tmp_path / "maten.pdf"
    pdf = canvas.Canvas(str(path))
    # (size as shown, rotation): a 5 m strip stored standing and turned to lie, A4 stored lying and turned
    # to stand, a 5 m square, a 5 m strip, A4 (reportlab stores the page turned back from the size given)
    sizes = [((14400, 100), 90), ((595, 842), 270), ((14400, 14400), 0), ((14400, 100), 0), ((595, 842), 0)]
    for size, rotation in sizes:
        pdf.setPageSize(size)
        pdf.setPageRotation(rotation)
        pdf.drawString(10, 10, "tekst")
        pdf.showPage()
    pdf.save()
    views = PageViews(tmp_path, lambda d: _layout(), lambda d: path)
    drawn = [Image.open(io.BytesIO(views.png("maten.pdf", n, None))).size for n in range(1, len(sizes) + 1)]
    assert all(w <= PAGE_WIDTH_PX and h <= MAX_HEIGHT_PX for w, h in drawn), drawn
    assert drawn[0] == drawn[3] and drawn[0][0] == PAGE_WIDTH_PX  # as shown: lying
    assert drawn[1] == drawn[4] and drawn[1][0] == PAGE_WIDTH_PX  # as shown: standing
