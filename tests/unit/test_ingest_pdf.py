"""The PDF parser (ingest.pdf) on small PDFs drawn here with reportlab, each the way a renderer
the parser was not written against draws it (LibreOffice, Chromium, a reportlab brochure)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.blocks import Block
from ingest.pdf import load_pdf

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ITEMS = [
    "De tekst van hoofdstuk 3.1 over de algemene ambities is verwijderd.",
    "In de tekst van hoofdstuk 3.3 is een versterking van de regie toegevoegd.",
    "De wijzigingen omtrent digitale zorg staan in bijlage 1.",
]


def _pdf(tmp_path: Path, draw: Callable[[Any], None], patch: Callable[[bytes], bytes] = lambda b: b) -> list[Block]:
    """The blocks of a one-page PDF that `draw` drew on an A4 canvas (its bytes `patch`ed)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    draw(c)
    c.showPage()
    c.save()
    path = tmp_path / "doc.pdf"
    path.write_bytes(patch(buf.getvalue()))
    return load_pdf(path, ocr=False).blocks


def _intro(c: Any) -> None:
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, "Hoofdstuk 3 uit het zorginkoopbeleid 2026 is als volgt aangepast:")


def test_a_bullet_of_a_symbol_font_opens_a_list_item(tmp_path: Path) -> None:
    # LibreOffice draws Word's list bullet in OpenSymbol without a Unicode map: pdfium reports U+F0B7.
    # Here DejaVu's bullet gets that code in the font's ToUnicode map.
    pdfmetrics.registerFont(TTFont("DejaVuSans", DEJAVU))

    def draw(c: Any) -> None:
        _intro(c)
        for i, item in enumerate(ITEMS):
            c.setFont("DejaVuSans", 11)
            c.drawString(72, 745 - 14.7 * i, "\u2022")
            c.setFont("Helvetica", 11)
            c.drawString(90, 745 - 14.7 * i, item)

    blocks = _pdf(tmp_path, draw, lambda b: b.replace(b"<2022>", b"<F0B7>"))
    assert [(b.kind, b.text) for b in blocks[1:]] == [("list", t) for t in ITEMS]
