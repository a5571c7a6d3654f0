"""The intermediate form every loader produces: a flat list of typed blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "statement", "para", "list", "table_row"]


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


@dataclass
class RawDocument:
    """What a loader returns: blocks plus whatever metadata the file itself carries."""

    blocks: list[Block]
    pages: int | None = None
    file_meta: dict[str, str] = field(default_factory=dict)
