"""Bad input, each made by the test: a clear reason per file, and nothing else lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.pipeline import parse_file
from inkoopwijzer.errors import IngestError
from inkoopwijzer.types import Filters

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
ZG = REPO / "data" / "policies" / "003_2c4c2530db87d994.pdf"


def _text_pdf(path: Path, lines: list[str], pages: int = 1) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        y = 780
        for line in lines:
            c.drawString(72, y, line)
            y -= 14
        c.showPage()
    c.save()
    return path


def _reason(path: Path, **kwargs: object) -> str:
    with pytest.raises(IngestError) as err:
        parse_file(path, **kwargs)  # type: ignore[arg-type]
    assert path.name in str(err.value)
    return err.value.reason


def test_encrypted_pdf(tmp_path: Path) -> None:
    src = _text_pdf(tmp_path / "plain.pdf", ["Uiterlijk 1 september 2026 ontvangen wij uw offerte."])
    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password="geheim", owner_password="geheim")
    out = tmp_path / "versleuteld.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    assert _reason(out) == "encrypted"


def test_truncated_and_corrupt_pdf(tmp_path: Path) -> None:
    data = ZG.read_bytes()
    cut = tmp_path / "afgekapt.pdf"
    cut.write_bytes(data[: len(data) // 3])
    garbage = tmp_path / "rommel.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    assert _reason(garbage) in {"corrupt", "no_text", "empty"}
    # a truncated file either fails clearly or yields what it can: never a crash
    try:
        doc = parse_file(cut)
        assert doc.chunks
    except IngestError as exc:
        assert exc.reason in {"corrupt", "no_text", "empty"}


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(72, 500, 300, 200, fill=1)
    c.showPage()
    c.save()
    assert _reason(path) == "no_text"


def test_zero_bytes_binary_and_oversized(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.pdf"
    empty.write_bytes(b"")
    assert _reason(empty) == "empty"
    binary = tmp_path / "data.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    assert _reason(binary) == "binary"
    big = tmp_path / "groot.pdf"
    shutil.copy(ZG, big)
    assert _reason(big, max_file_mb=0.01) == "too_large"


def test_pdf_with_too_many_pages(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(120):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "veel-paginas.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert _reason(path, max_pages=100) == "too_large"


def test_pdf_built_to_be_expensive_to_parse(tmp_path: Path) -> None:
    """Deeply nested arrays in the page content resources: refused, not a crash or a hang."""
    depth = 50_000
    nested = b"[" * depth + b"]" * depth
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /X " + nested + b" >> "
        b"/Contents 4 0 R >> endobj\n4 0 obj << /Length 0 >> stream\n\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
    )
    path = tmp_path / "genest.pdf"
    path.write_bytes(body)
    assert _reason(path) in {"corrupt", "no_text"}


def test_cp1252_and_odd_file_names(tmp_path: Path) -> None:
    odd = tmp_path / "beleid ü é 😀 (1).txt"
    odd.write_bytes("Zorgaanbieders leveren vóór 1 oktober 2026 hun offerte aan; tarief € 12,50.".encode("cp1252", "replace"))
    doc = parse_file(odd)
    assert "€ 12,50" in doc.text and doc.meta.document == odd.name


def test_same_file_twice_and_a_copy_under_another_name(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from index.store import ingest_paths

    copy = tmp_path / "kopie_van_zg.pdf"
    shutil.copy(ZG, copy)
    report = ingest_paths([ZG, ZG, copy], fresh_settings)
    assert report.added == 1 and report.documents == 1
    assert [f.reason for f in report.failed] == ["duplicate"]
    assert "same content as 003_2c4c2530db87d994.pdf" in report.failed[0].error


def test_new_version_supersedes_the_old_one(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.service import Assistant
    from index.search import get_searcher
    from index.store import ingest_paths

    new = tmp_path / "zk_zg_2026_2027.md"
    new.write_text(
        "# Inkoopbeleid Zintuiglijk Gehandicaptenzorg 2026-2027\n\nZilveren Kruis\n\nVersie 1.0\n\n"
        "## Voorwaarden overeenkomst\n\nZilveren Kruis sluit een driejarige overeenkomst voor zintuiglijk "
        "gehandicaptenzorg met een looptijd van 3 jaar.\n\nZilveren Kruis publiceert de gecontracteerde aanbieders op 12 november 2025.\n",
        encoding="utf-8",
    )
    report = ingest_paths([ZG, new], fresh_settings)
    assert report.added == 2, report
    assistant = Assistant(fresh_settings)
    docs = {d.meta.document: d for d in assistant.documents()}
    assert docs[ZG.name].meta.superseded_by == new.name and docs[ZG.name].outdated
    assert not docs[new.name].outdated
    allowed = get_searcher(fresh_settings).allowed_documents(Filters())
    assert ZG.name not in allowed and new.name in allowed
    answer = assistant.ask("Wat is de looptijd van de ZG-overeenkomst bij Zilveren Kruis?")
    assert answer.status == "answered" and answer.citations[0].document == new.name
    old = assistant.ask("Wat was de looptijd van de ZG-overeenkomst bij Zilveren Kruis in 2024?")
    assert old.citations and old.citations[0].document == ZG.name
    assert any("vervangen" in n or "verouderd" in n for n in old.notices)
