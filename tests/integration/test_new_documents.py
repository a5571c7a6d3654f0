"""Documents users bring: policies of insurers the shipped corpus lacks, a scanned page, corrected
metadata. Each document is made by the test; the product runs for real (parser, OCR, embeddings,
index, assistant)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ingest.ocr import tesseract_available
from ingest.pipeline import parse_file

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


def _policy_pdf(path: Path, pages: list[list[tuple[str, str]]], author: str = "") -> Path:
    """A small policy PDF: each page a list of (style, text), style 'h1', 'h2' or 'p'."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = {
        "h1": ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=20, leading=24, spaceAfter=12),
        "h2": ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=8, spaceAfter=4),
        "p": ParagraphStyle("p", fontName="Helvetica", fontSize=11, leading=14.5, spaceAfter=6),
    }
    story: list[Any] = []
    for i, page in enumerate(pages):
        if i:
            story.append(PageBreak())
        story.extend(Paragraph(text, styles[style]) for style, text in page)
    SimpleDocTemplate(str(path), pagesize=A4, title=path.name, author=author).build(story)
    return path


VGZ = [
    [
        ("h1", "Inkoopbeleid Wijkverpleging 2027"),
        ("h2", "VGZ"),
        ("p", "In dit document beschrijft VGZ hoe zij wijkverpleging inkoopt voor het jaar 2027. Coöperatie VGZ "
              "koopt in voor haar verzekerden van VGZ, IZA en Univé."),
        ("h2", "Nieuwe zorgaanbieders"),
        ("p", "Een nieuwe zorgaanbieder wijkverpleging meldt zich uiterlijk 1 april 2026 aan via het "
              "zorginkoopportaal van VECOZO. Wij beoordelen de aanmelding binnen acht weken."),
    ],
    [
        ("h2", "Contracteerprocedure"),
        ("p", "De offerte voor wijkverpleging moet uiterlijk 15 mei 2026 bij VGZ binnen zijn. Op 1 juli 2026 "
              "ontvangt u ons definitieve aanbod."),
        ("p", "Het maximale tarief voor wijkverpleging is € 82,50 per uur in 2027."),
    ],
]
DSW = [
    [
        ("h1", "Zorginkoopbeleid Farmacie 2027-2028"),
        ("h2", "DSW Zorgverzekeraar"),
        ("p", "DSW Zorgverzekeraar koopt farmaceutische zorg in bij apotheken. Dit beleid is geldig van 1 januari "
              "2027 tot en met 31 december 2028."),
        ("h2", "Planning"),
        ("p", "Apotheken die een overeenkomst willen, dienen hun aanvraag uiterlijk 30 september 2026 in bij DSW. "
              "De overeenkomst gaat in op 1 januari 2027."),
    ]
]


@pytest.fixture(scope="module")
def new_insurers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nieuw")
    _policy_pdf(folder / "vgz-wv.pdf", VGZ)
    _policy_pdf(folder / "dsw_farmacie_2027.pdf", DSW)
    return folder


def test_policies_of_insurers_the_corpus_lacks_get_insurer_care_type_and_years(new_insurers: Path) -> None:
    vgz = parse_file(new_insurers / "vgz-wv.pdf")
    assert (vgz.meta.insurer, vgz.meta.care_types, vgz.meta.years) == ("VGZ", ["WV"], [2027])
    assert vgz.meta.title == "Inkoopbeleid Wijkverpleging 2027"
    dsw = parse_file(new_insurers / "dsw_farmacie_2027.pdf")
    assert (dsw.meta.insurer, dsw.meta.care_types, dsw.meta.years) == ("DSW", ["FARM"], [2027, 2028])
    assert dsw.report is not None and dsw.report.insurer_registered and not dsw.report.warnings


def test_a_question_about_them_is_answered_from_them(new_insurers: Path, fresh_settings: Any) -> None:
    from assistant.service import Assistant
    from index.store import ingest_paths

    report = ingest_paths([new_insurers], fresh_settings)
    assert not report.failed and report.added == 2
    assert {f.insurer for f in report.files} == {"VGZ", "DSW"}
    assistant = Assistant(fresh_settings)

    a = assistant.ask("Wanneer moet een nieuwe zorgaanbieder zich bij VGZ aanmelden voor wijkverpleging?")
    assert a.status == "answered", a.answer
    assert "1 april 2026" in a.answer
    assert a.citations and all(c.document == "vgz-wv.pdf" for c in a.citations)

    b = assistant.ask("Tot wanneer kan een apotheek bij DSW een aanvraag indienen?")
    assert b.status == "answered", b.answer
    assert "30 september 2026" in b.answer and b.citations[0].document == "dsw_farmacie_2027.pdf"
    assert b.citations[0].page == 1

    # every cited quote maps to word boxes on the page it cites, through the stored index version
    from index.store import current_version

    version = current_version(fresh_settings)
    assert version is not None
    for cit in [*a.citations, *b.citations]:
        boxes = [x for x in version.boxes(cit.document) if x.start < cit.end and x.end > cit.start]
        assert boxes and {x.page for x in boxes} == {cit.page}, cit
        covered = "".join(version.text(cit.document)[x.start : x.end] for x in boxes)
        assert covered.replace(" ", "") == cit.quote.replace(" ", "").replace("\n", ""), cit

    # a registered insurer with no document indexed is refused, by name
    c = assistant.ask("Wanneer moet de offerte bij CZ binnen zijn?")
    assert c.status == "not_found" and "CZ" in c.answer


def test_correcting_metadata_embeds_only_what_changed(new_insurers: Path, fresh_settings: Any) -> None:
    from index.store import correct_metadata, current_version, ingest_paths

    ingest_paths([new_insurers], fresh_settings)
    cache = fresh_settings.cache_dir / "embeddings.sqlite"

    def cached() -> int:
        with sqlite3.connect(cache) as db:
            return int(db.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    before = cached()
    correct_metadata("vgz-wv.pdf", {"insurer": "VGZ", "years": [2027, 2028]}, fresh_settings)
    assert cached() == before  # insurer and years are filters, not embedded text
    version = current_version(fresh_settings)
    assert version is not None
    meta = next(d for d in version.documents if d.document == "vgz-wv.pdf")
    assert meta.years == [2027, 2028]
    n_vgz = sum(1 for c in version.chunks() if c.document == "vgz-wv.pdf")
    correct_metadata("vgz-wv.pdf", {"title": "Wijkverpleging 2027-2028 (VGZ)"}, fresh_settings)
    assert cached() == before + n_vgz  # the title is part of each passage's embedded text: those, and no others
    # the correction stays when the file is ingested again
    ingest_paths([new_insurers / "vgz-wv.pdf"], fresh_settings)
    version = current_version(fresh_settings)
    assert version is not None
    assert next(d for d in version.documents if d.document == "vgz-wv.pdf").title == "Wijkverpleging 2027-2028 (VGZ)"


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed (make install installs it)")
def test_a_scanned_page_is_read_by_ocr_and_its_passages_marked(tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter

    text_pdf = _policy_pdf(tmp_path / "tekst.pdf", [VGZ[0], VGZ[1]])
    # page 2 as a scan: rendered to an image, wrapped in a PDF of its own without a text layer
    image = pdfium.PdfDocument(str(text_pdf))[1].render(scale=200 / 72).to_pil().convert("L")
    scan_pdf = tmp_path / "scan.pdf"
    image.save(scan_pdf, "PDF", resolution=200.0)
    writer = PdfWriter()
    writer.add_page(PdfReader(str(text_pdf)).pages[0])
    writer.add_page(PdfReader(str(scan_pdf)).pages[0])
    mixed = tmp_path / "vgz-gescand.pdf"
    with mixed.open("wb") as fh:
        writer.write(fh)

    doc = parse_file(mixed)
    folded = " ".join(doc.text.split())
    assert "De offerte voor wijkverpleging moet uiterlijk 15 mei 2026 bij VGZ binnen zijn." in folded
    scanned = [c for c in doc.chunks if "15 mei 2026" in c.text]
    assert scanned and all(c.ocr and c.page == 2 for c in scanned)
    assert all(not c.ocr for c in doc.chunks if "1 april 2026" in c.text)
    assert doc.report is not None and doc.report.ocr_pages == [2]
    assert any(w.startswith("OCR used") for w in doc.report.warnings)
    start = doc.text.index("15 mei 2026")
    assert any(b.page == 2 and b.start <= start < b.end for b in doc.boxes)  # a box to show it on the page
