"""Tables a quoted sentence refers to (assistant.tables)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assistant.extractive import split_units
from assistant.tables import TableIndex
from index.search import Hit, by_document
from inkoopwijzer.types import Chunk, DocumentMeta

META = DocumentMeta(document="a.pdf", doc_id="a", title="Inkoopbeleid", insurer="Zilveren Kruis", content_hash="x")
INTRO = "We delen zorgaanbieders in twee groepen in (zie tabel 1)."
CAPTION = "Tabel 1. Indeling zorgaanbieders op basis van omzet."
ROWS = "Type\tGRZ\tELV\n\nRegulier\tOmzet kleiner dan € 1.000.000\tOmzet kleiner dan € 150.000"
TEXT = f"{INTRO}\n\n{CAPTION}\n\n{ROWS}\n\nU ontvangt uw aanbod in VECOZO."


def _chunk(text: str, kind: Any = "text") -> Chunk:
    start = TEXT.index(text)
    return Chunk(id=text[:6], document="a.pdf", text=text, start=start, end=start + len(text), kind=kind)


def _index() -> tuple[TableIndex, Chunk]:
    intro, table = _chunk(INTRO), _chunk(ROWS, "table")
    searcher = SimpleNamespace(version=SimpleNamespace(text=lambda _doc: TEXT), by_document=by_document([intro, table]))
    return TableIndex(searcher), intro  # type: ignore[arg-type]


def test_a_sentence_that_refers_to_a_table_gets_its_rows() -> None:
    tables, intro = _index()
    (unit,) = split_units(Hit(chunk=intro, meta=META, score=1.0), 0)
    rows = tables.referenced_rows([unit], 0)
    assert [r.text for r in rows] == ["Type\tGRZ\tELV", "Regulier\tOmzet kleiner dan € 1.000.000\tOmzet kleiner dan € 150.000"]
    assert all(TEXT[r.start : r.end] == r.text for r in rows)  # verbatim, with the document's offsets


def test_no_reference_or_an_unknown_table_gives_nothing() -> None:
    tables, intro = _index()
    plain = Chunk(id="p", document="a.pdf", text="U ontvangt uw aanbod in VECOZO.", start=0, end=31)
    (unit,) = split_units(Hit(chunk=plain, meta=META, score=1.0), 0)
    assert tables.referenced_rows([unit], 0) == []
    other = Chunk(id="o", document="a.pdf", text="Zie tabel 7.", start=0, end=12)
    (ref,) = split_units(Hit(chunk=other, meta=META, score=1.0), 0)
    assert tables.referenced_rows([ref], 0) == []
