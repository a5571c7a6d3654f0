"""Facts extracted at ingest: the dated events and the thresholds of one policy.

    extract_facts(meta, text, chunks, pages) -> Facts

They are read from the stored passages and the document text (no model), so an index version
can be given its facts again without parsing or embedding anything. Every fact cites the unit it
comes from: a sentence, or a row of a table, with its section and page. Dated events come from
`ingest/events.py`, thresholds from `ingest/thresholds.py`; both start from `units_of` here.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

from inkoopwijzer.types import Chunk, DatedEvent, DocumentMeta, FactSource, Threshold

__all__ = ["FACTS_VERSION", "Facts", "Unit", "extract_facts", "fact_uid", "normalized", "sentence_spans", "units_of"]

# Bumped when the same passages give other facts (the extractor's rules or word lists changed): stored
# facts of an older extractor are extracted again from the stored passages when they are read.
FACTS_VERSION = 1

# A sentence ends at . ! ? followed by a capital, a digit or an opening mark; a line break ends one too.
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9'\"(“‘])")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]{1,200}>")
_BLOCK = re.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")  # a paragraph: lines with no blank line between them


@dataclass
class Facts:
    events: list[DatedEvent] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)


@dataclass
class Unit:
    """A citable unit of a document: one sentence, or one row of a table (`cells` set)."""

    start: int  # offsets in the document text
    end: int
    text: str
    section: str
    page: int | None
    chunk_id: str
    block: tuple[int, int]  # the paragraph (block) it stands in
    cells: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    heading: bool = False  # the block is a heading (the first block of a section)
    paragraph: str = ""  # the text of the block it stands in

    @property
    def is_row(self) -> bool:
        return bool(self.cells)

    def source(self, document: str) -> FactSource:
        return FactSource(
            document=document, quote=self.text, section=self.section, page=self.page,
            start=self.start, end=self.end, chunk_id=self.chunk_id,
        )


def normalized(text: str) -> str:
    """Text as compared and hashed: markdown links and HTML tags dropped, white space folded, lower case."""
    return " ".join(_HTML.sub(" ", _LINK.sub(r"\1", text)).split()).lower()


def clean(text: str) -> str:
    """Text as shown: markdown links and HTML tags dropped, white space folded."""
    return " ".join(_HTML.sub(" ", _LINK.sub(r"\1", text)).split())


def fact_uid(*parts: object) -> str:
    """A stable id from what identifies a fact (insurer, policy, date, the unit's words), never from offsets."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:20]


def _page_at(pages: list[tuple[int, int]], offset: int) -> int | None:
    starts = [s for s, _ in pages]
    i = bisect.bisect_right(starts, offset) - 1
    return pages[i][1] if i >= 0 else None


def _header_of(chunk: Chunk) -> list[str]:
    lines = [line for line in chunk.context.split("\n") if " | " in line]
    return [c.strip() for c in lines[-1].split(" | ")] if lines else []


def units_of(text: str, chunks: list[Chunk], pages: list[tuple[int, int]]) -> list[Unit]:
    """The sentences and table rows of a document, in order, with their section and page."""
    units: list[Unit] = []
    seen: set[int] = set()
    header: list[str] = []
    for chunk in sorted(chunks, key=lambda c: c.start):
        chunk_header = _header_of(chunk)
        first = True
        for m in _BLOCK.finditer(text, chunk.start, chunk.end):
            raw = m.group(0)
            block = raw.strip()
            start = m.start()
            if not block or start in seen:
                first = False
                continue
            seen.add(start)
            offset = start + (len(raw) - len(raw.lstrip()))
            is_heading = first and bool(chunk.section) and block == chunk.section.split(" › ")[-1].strip()
            first = False
            if "\t" in block:
                cells = [c.strip() for c in block.split("\t")]
                if not any(ch.isdigit() for ch in cells[0]):
                    header = cells  # a header row ("Datum | Onderwerp | Wie"), repeated after a page break
                units.append(
                    Unit(offset, offset + len(block), block, chunk.section, _page_at(pages, offset), chunk.id,
                         (offset, offset + len(block)), cells, chunk_header or header, paragraph=block)
                )
                continue
            header = []
            for s, e in _sentences(block):
                units.append(
                    Unit(offset + s, offset + e, block[s:e], chunk.section, _page_at(pages, offset + s), chunk.id,
                         (offset, offset + len(block)), heading=is_heading, paragraph=block)
                )
    return units


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences and table rows of a text, as (start, end) offsets: paragraphs split at sentence
    ends, a tab-separated row whole."""
    spans: list[tuple[int, int]] = []
    for m in _BLOCK.finditer(text):
        block = m.group(0)
        lead = len(block) - len(block.lstrip())
        body = block.strip()
        if not body:
            continue
        start = m.start() + lead
        if "\t" in body:
            spans.extend((start + r.start(), start + r.end()) for r in re.finditer(r"[^\n]+", body) if r.group(0).strip())
            continue
        spans.extend((start + s, start + e) for s, e in _sentences(body))
    return spans


def _sentences(block: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", block):
        start = line.start()
        for m in _SENT_END.finditer(line.group(0)):
            spans.append((start, line.start() + m.start()))
            start = line.start() + m.end()
        spans.append((start, line.end()))
    return [(s, e) for s, e in spans if block[s:e].strip()]


def extract_facts(meta: DocumentMeta, text: str, chunks: list[Chunk], pages: list[tuple[int, int]]) -> Facts:
    """The dated events and thresholds of one document."""
    from .events import extract_events
    from .thresholds import extract_thresholds

    units = units_of(text, chunks, pages)
    return Facts(events=extract_events(meta, units), thresholds=extract_thresholds(meta, units))
