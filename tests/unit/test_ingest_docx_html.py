"""DOCX and HTML loaders, on files the tests make."""

from __future__ import annotations

from pathlib import Path

import docx

from ingest.pipeline import parse_file


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Inkoopbeleid Wijkverpleging 2027", level=1)
    d.add_paragraph("Zilveren Kruis koopt wijkverpleging in. Zilveren Kruis publiceert het beleid op 1 april 2026.")
    d.add_heading("Planning", level=2)
    d.add_paragraph("Uiterlijk 1 oktober 2026 ontvangen wij uw offerte.")
    table = d.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Datum", "Onderwerp"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "1 oktober 2026", "Offerte"
    path = tmp_path / "beleid.docx"
    d.save(str(path))
    doc = parse_file(path)
    assert doc.meta.insurer == "Zilveren Kruis" and doc.meta.care_types == ["WV"] and doc.meta.years == [2027]
    offerte = next(c for c in doc.chunks if "Uiterlijk 1 oktober 2026" in c.text)
    assert "Planning" in offerte.section
    row = next(c for c in doc.chunks if "1 oktober 2026\tOfferte" in c.text)
    assert "Datum | Onderwerp" in row.context or "Datum\tOnderwerp" in row.text


def test_html_drops_navigation_and_keeps_structure(tmp_path: Path) -> None:
    path = tmp_path / "beleid.html"
    path.write_text(
        "<html><nav>Menu Home Contact</nav><h1>Zorginkoopbeleid GGZ 2027</h1><p>Menzis koopt GGZ in.</p>"
        "<h2>Voorwaarden</h2><p>U voldoet aan de volgende eisen:</p><ul><li>een AGB-code;</li>"
        "<li>een kwaliteitsstatuut.</li></ul><footer>© Menzis</footer></html>",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert "Menu Home" not in doc.text and "©" not in doc.text
    chunk = next(c for c in doc.chunks if "AGB-code" in c.text)
    assert "volgende eisen:" in chunk.text and chunk.section.endswith("Voorwaarden")
