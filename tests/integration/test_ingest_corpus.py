"""Ingest on the real shipped corpus (PDF) against the same documents as text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.pipeline import parse_file

REPO = Path(__file__).resolve().parents[2]
PDFS = sorted((REPO / "data" / "policies").glob("*.pdf"))
TXT = REPO / "evals" / "data" / "corpus_txt"


def _fold(s: str) -> str:
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    return " ".join(s.split()).lower()


def _sentences(text: str) -> set[str]:
    """Sentences of the text version (list markers and tab-separated table rows left out)."""
    lines = [re.sub(r"^\s*([-•*o]|\d{1,2}[.)])\s+", "", ln) for ln in text.split("\n") if "\t" not in ln]
    folded = " ".join(" ".join(lines).split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])", folded)
    return {p.lower() for p in parts if len(p) > 40 and p.endswith(".") and "\t" not in p}


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem[:3])
def test_pdf_and_text_give_the_same_sentences(pdf: Path) -> None:
    txt = TXT / f"{pdf.stem}.txt"
    if not txt.exists():
        pytest.skip("text copy missing")
    pdf_text = _fold(parse_file(pdf).text)
    txt_sentences = _sentences(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", txt.read_text(encoding="utf-8")))
    txt_sentences = {s.replace("**", "") for s in txt_sentences}
    missing = [s for s in txt_sentences if _fold(s) not in pdf_text]
    # every sentence of the text version is in the PDF's text, headers and footers gone
    assert len(missing) <= max(2, len(txt_sentences) // 50), missing[:5]
    assert "pagina " not in pdf_text or not re.search(r"pagina \d+ van \d+", pdf_text)


def test_running_headers_and_footers_are_removed() -> None:
    doc = parse_file(PDFS[0])
    assert not re.search(r"Pagina \d+ van \d+", doc.text)
    # the running header "Inkoopbeleid MSZ 2027 / Zilveren Kruis" is not repeated on every page
    assert doc.text.count("Inkoopbeleid MSZ 2027\n\nZilveren Kruis") <= 1


def test_every_passage_with_the_deadline_carries_its_table_headers() -> None:
    doc = parse_file(PDFS[0])
    holding = [c for c in doc.chunks if "15 september 2026" in c.text]
    assert holding
    for c in holding:
        if "\t" in c.text or c.kind == "table":
            assert "Datum" in c.context + c.text and "Onderwerp" in c.context + c.text, c


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem[:3])
def test_recorded_page_is_the_page_the_text_is_on(pdf: Path) -> None:
    doc = parse_file(pdf)
    pages = [_fold(p.extract_text() or "") for p in PdfReader(str(pdf)).pages]
    checked = 0
    for c in doc.chunks[::3]:
        first_line = c.text.split("\n")[0]
        probe = _fold(max(first_line.split("\t"), key=len))[:50]
        if len(probe) < 30:
            continue
        assert c.page is not None
        assert probe in pages[c.page - 1] or probe[:25] in pages[c.page - 1], (c.page, probe)
        checked += 1
    assert checked >= 5


def test_tables_of_contents_are_dropped() -> None:
    doc = parse_file(PDFS[1])
    assert "Inhoud\n" not in doc.text
    assert not re.search(r"Inleiding\t5", doc.text)


def test_documents_json_names_insurer_and_years(settings) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [sys.executable, "-m", "inkoopwijzer", "documents", "--json"], capture_output=True, text=True, check=True
    )
    docs = {d["doc_id"][:3]: d for d in json.loads(out.stdout)}
    expected = {
        "000": ("Zilveren Kruis", [2027], ["MSZ", "AMB"]),  # its MSZ policy takes in ambulancezorg
        "001": ("Zorg en Zekerheid", [2027], ["MSZ"]),
        "002": ("Zilveren Kruis", [2027, 2028], ["GRZ", "ELV"]),
        "003": ("Zilveren Kruis", [2024, 2025], ["ZG"]),
        "004": ("Salland", [2027], ["MSZ"]),
    }
    for key, (insurer, years, care) in expected.items():
        assert docs[key]["insurer"] == insurer
        assert docs[key]["years"] == years
        assert docs[key]["care_types"] == care
        assert docs[key]["chunks"] > 10
    assert docs["003"]["outdated"] is True and docs["000"]["outdated"] is False


def test_second_ingest_adds_and_updates_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [sys.executable, "-m", "inkoopwijzer", "ingest", "--json"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["added"] == 0 and report["updated"] == 0 and report["unchanged"] == 5
    assert report["documents"] == 5


def test_a_broken_file_does_not_stop_the_good_ones(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from index.store import current_version, ingest_paths

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "003_2c4c2530db87d994.pdf").write_bytes((REPO / "data" / "policies" / "003_2c4c2530db87d994.pdf").read_bytes())
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage")
    (folder / "leeg.txt").write_bytes(b"")
    report = ingest_paths([folder], fresh_settings)
    assert report.added == 1 and report.documents == 1
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert reasons == {"kapot.pdf": "corrupt", "leeg.txt": "empty"}
    assert all(Path(f.path).name in f.error for f in report.failed)
    version = current_version(fresh_settings)
    assert version is not None and [d.document for d in version.documents] == ["003_2c4c2530db87d994.pdf"]


def test_sentences_the_source_broke_over_blocks_are_whole_in_one_passage() -> None:
    """The published documents break some sentences over a page or paragraph break; a quote
    must never stop at 'samen met de patiënt tot' or open with 'zorgpaden (diagnoses) u ...'."""
    by_stem = {p.stem[:3]: p for p in PDFS}
    cases = {
        "000": ["de vragenlijst sluit op maandag 21 juli 2026 om 23:59) de tijd", "voor welke zorgpaden (diagnoses) u de OZP"],
        "004": ["Passende zorg is zorg die samen met de patiënt tot stand komt."],
    }
    for stem, sentences in cases.items():
        doc = parse_file(by_stem[stem])
        for sentence in sentences:
            assert any(sentence in " ".join(c.text.split()) for c in doc.chunks), sentence
        assert not any(c.section.split(" › ")[-1][:1].islower() for c in doc.chunks)
