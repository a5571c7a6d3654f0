"""Tables a quoted sentence refers to ("… in twee groepen in (zie tabel 1)"): the rows of that
table, so the answer quotes what the sentence only points at."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.search import Hit, HybridSearcher
from inkoopwijzer.types import Chunk

from .extractive import Unit, split_units

# "zie tabel 1", "in tabel 2", "table 3": a reference to a numbered table
_REFERENCE = re.compile(r"\b(?:tabel|table)\s+(\d+)\b", re.I)
# a table's caption as the document states it, on a line of its own: "Tabel 1. Indeling zorgaanbieders…"
_CAPTION = re.compile(r"(?m)^\s*(?:tabel|table)\s+(\d+)\b[.:]?", re.I)
# a table passage starts at most this many characters after its caption
CAPTION_GAP = 300
# at most this many rows of a referenced table are quoted
TABLE_ROWS = 8


class TableIndex:
    """The numbered tables of each document, found once per document from their captions."""

    def __init__(self, searcher: HybridSearcher) -> None:
        self.searcher = searcher
        self._by_document: dict[str, dict[str, Chunk]] = {}

    def _tables(self, document: str) -> dict[str, Chunk]:
        found = self._by_document.get(document)
        if found is None:
            text = self.searcher.version.text(document)
            tables = [c for c in self.searcher.by_document[document] if c.kind == "table"]
            found = {}
            for m in _CAPTION.finditer(text):
                table = next((c for c in tables if 0 <= c.start - m.end() <= CAPTION_GAP), None)
                if table is not None:
                    found.setdefault(m.group(1), table)
            self._by_document[document] = found
        return found

    def referenced_rows(self, group: Sequence[Unit], rank: int) -> list[Unit]:
        """The rows of the first table the units refer to, from its passage (none when they refer
        to no table, or to one whose caption or passage is not found)."""
        m = _REFERENCE.search(" ".join(u.text for u in group))
        if not m or not group:
            return []
        meta = group[0].hit.meta
        table = self._tables(meta.document).get(m.group(1))
        if table is None:
            return []
        rows = [u for u in split_units(Hit(chunk=table, meta=meta, score=0.0), rank) if "\t" in u.text]
        return rows[:TABLE_ROWS]
