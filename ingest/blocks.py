"""The intermediate form every loader produces: a flat list of typed blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "statement", "para", "list", "table_row"]

# Where one character of a block is drawn: (page, x0, y0, x1, y1) in PDF points, origin bottom-left.
CharBox = tuple[int, float, float, float, float]


@dataclass
class Block:
    """One paragraph-like unit of a document, in reading order."""

    kind: BlockKind
    text: str
    page: int | None = None
    level: int = 0  # heading depth: 1 chapter, 2 section, 3 sub-section
    table_header: str = ""  # for table rows: the table's header row (cells joined by tabs)
    table_caption: str = ""
    is_header_row: bool = False
    cells: list[str] = field(default_factory=list)
    # PDF only: for each character of `text`, where it is drawn (None for a space the parser put in)
    boxes: list[CharBox | None] | None = None
    ocr: bool = False  # the text was read from the page image

    def joined(self, sep: str, other: Block, kept: int | None = None) -> tuple[str, list[CharBox | None] | None]:
        """This block's text (its first `kept` characters) + `sep` + the other's, with their boxes."""
        keep = len(self.text) if kept is None else kept
        text = self.text[:keep] + sep + other.text
        if self.boxes is None and other.boxes is None:
            return text, None
        mine = (self.boxes or [None] * len(self.text))[:keep]
        theirs = other.boxes or [None] * len(other.text)
        return text, [*mine, *([None] * len(sep)), *theirs]


@dataclass
class RawDocument:
    """What a loader returns: blocks plus whatever metadata the file itself carries."""

    blocks: list[Block]
    pages: int | None = None
    file_meta: dict[str, str] = field(default_factory=dict)
    running: list[str] = field(default_factory=list)  # running headers and footers that were dropped
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR
    hyphenation: object | None = None  # the document's `textnorm.Hyphenation`, for joins made later
    # the statements that open paragraphs are not set apart by their type (a PDF without bold
    # statements): `text.mark_statements` tells them by their text once broken sentences are mended
    statements_by_text: bool = False
