"""The parse budget with scanned PDFs (real Tesseract): a refused parse leaves no OCR process and
no temporary file behind, and pages read by OCR get their own time allowance."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from ingest.ocr import tesseract_available
from ingest.safety import ParseBudget
from inkoopwijzer.errors import IngestError

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed (make install installs it)"),
]

LINES = [
    "Zorginkoopbeleid wijkverpleging 2027 van VGZ",
    "De offerte moet uiterlijk 15 mei 2026 bij VGZ binnen zijn.",
    "Zorgaanbieders die niet tijdig reageren krijgen geen contract.",
]


def _scanned_pdf(path: Path, pages: int, size: tuple[float, float], font: float = 11, dpi: float = 200) -> Path:
    """A PDF of `pages` page images without a text layer (as a scanner makes them): lines of
    `font` points on pages of `size` points, scanned at `dpi`."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    text_pdf = path.with_suffix(".text.pdf")
    c = canvas.Canvas(str(text_pdf), pagesize=size)
    for n in range(pages):
        y = size[1] - 5 * font
        for line in [*LINES, f"Pagina {n + 1}"]:
            c.setFont("Helvetica", font)
            c.drawString(3 * font, y, line)
            y -= 1.6 * font
        c.showPage()
    c.save()
    pdf = pdfium.PdfDocument(str(text_pdf))
    images = [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(pages)]
    pdf.close()
    images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path


def _alive_mentioning(text: str) -> list[str]:
    """Command lines of live (not zombie) processes that mention `text`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(cmdline)
    return found


def test_a_parse_refused_during_ocr_leaves_no_tesseract_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = _scanned_pdf(tmp_path / "scan.pdf", pages=8, size=(595, 842))  # OCR takes ~0.7 s a page here
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))  # the parser's temporary files land here, whoever makes them
    monkeypatch.setattr(tempfile, "tempdir", None)
    # no OCR allowance: the budget runs out while Tesseract reads one of the pages
    with ParseBudget(timeout_s=1, memory_mb=2048) as budget, pytest.raises(IngestError) as err:
        budget.parse(scan)
    assert err.value.reason == "too_slow"
    assert "OCR" in str(err.value) and "INKOOPWIJZER_OCR_PAGE_TIMEOUT_S" in str(err.value), err.value
    deadline = time.monotonic() + 5  # a killed process takes a moment to go
    while _alive_mentioning(str(tmp)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive_mentioning(str(tmp)), "an OCR process of the refused parse still runs"
    assert not list(tmp.rglob("*")), f"left behind: {list(tmp.rglob('*'))}"


def test_pages_read_by_ocr_get_their_own_time(tmp_path: Path) -> None:
    scan = _scanned_pdf(tmp_path / "scan-a6.pdf", pages=2, size=(298, 420))
    # far less time than two pages of OCR take (~0.7 s a page here), but each OCR page brings its own allowance
    with ParseBudget(timeout_s=0.3, memory_mb=2048, ocr_page_s=60, ocr_max_s=600) as budget:
        started = time.monotonic()
        doc = budget.parse(scan)
        took = time.monotonic() - started
    assert took > 0.3, f"the parse took {took:.2f} s, within the budget without any allowance: this proves nothing"
    assert doc.report is not None and doc.report.ocr_pages == [1, 2]
    assert "15 mei 2026" in doc.text
    # the allowance is capped for the whole file; the refusal says which setting to raise
    with ParseBudget(timeout_s=0.3, memory_mb=2048, ocr_page_s=60, ocr_max_s=0.1) as budget, pytest.raises(IngestError) as err:
        budget.parse(scan)
    assert err.value.reason == "too_slow" and "INKOOPWIJZER_OCR_MAX_S" in str(err.value), err.value


def test_a_poster_sized_scan_is_read_at_a_lower_resolution(tmp_path: Path) -> None:
    # 5000 × 7000 points (1.8 × 2.5 m): at OCR's 300 DPI 608 million pixels, 2.4 GB for the bitmap alone
    scan = _scanned_pdf(tmp_path / "poster.pdf", pages=1, size=(5000, 7000), font=110, dpi=20)
    with ParseBudget(timeout_s=60, memory_mb=2048, ocr_page_s=60, ocr_max_s=60) as budget:
        doc = budget.parse(scan)
    assert doc.report is not None and doc.report.ocr_pages == [1]
    assert "15 mei 2026" in doc.text, doc.text
