"""Document structure: drop the table of contents, give every block its section path,
and lay the blocks out as one document text with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .blocks import Block

SECTION_SEP = " › "
_TOC_TITLE = re.compile(r"^(inhoud(sopgave)?|inhoudstafel|contents|table of contents|wat leest u in dit .*\?)$", re.I)
_PAGE_CELL = re.compile(r"^\d{1,3}$")


@dataclass
class PlacedBlock:
    """A block with its place in the document text and its section path."""

    block: Block
    start: int
    end: int
    section: str


_UNFINISHED = re.compile(r"[^.:;!?)\]…'\"”]$")
_FOOTNOTE = re.compile(r"^\s*([¹²³⁴-⁹⁰]|\[\d+\]|\d+\)\s)")


def join_broken_sentences(blocks: list[Block]) -> list[Block]:
    """Mend a sentence the source broke into two blocks (a page break, a stray blank line).

    A paragraph or list item that stops without closing punctuation, followed by a
    paragraph or bold run that starts in lower case, is one sentence: the second part
    joins the first (which keeps its page). A footnote is never continued."""
    out: list[Block] = []
    for b in blocks:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind in ("para", "list")
            and b.kind in ("para", "statement")
            and _UNFINISHED.search(last.text.rstrip())
            and not _FOOTNOTE.match(last.text)
            and b.text[:1].islower()
        ):
            out[-1] = replace(last, text=f"{last.text.rstrip()} {b.text.lstrip()}")
            continue
        out.append(b)
    return out


def drop_toc(blocks: list[Block]) -> list[Block]:
    """Remove tables of contents: runs of rows ending in a page number, and their title."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and _is_toc_row(blocks[j]):
            j += 1
        if j - i >= 3:
            if out and out[-1].kind == "heading" and _TOC_TITLE.match(out[-1].text.strip()):
                out.pop()
            i = j
            continue
        out.append(blocks[i])
        i += 1
    return out


def _is_toc_row(b: Block) -> bool:
    if b.kind == "table_row":
        cells = [c for c in (b.cells or b.text.split("\t"))]
        return len(cells) >= 2 and bool(_PAGE_CELL.match(cells[-1].strip())) and len(b.text) < 140
    return bool(b.kind in ("para", "heading") and re.match(r"^.{3,120}?\s\d{1,3}$", b.text) and "\t" in b.text)


def place_blocks(blocks: list[Block]) -> tuple[str, list[PlacedBlock]]:
    """Join blocks into the document text (blocks separated by a blank line) and attach
    each block's section path (chapter › section › statement)."""
    parts: list[str] = []
    placed: list[PlacedBlock] = []
    stack: list[tuple[int, str]] = []  # (level, title)
    statement = ""
    pos = 0
    for b in blocks:
        text = b.text.strip("\n")
        if not text.strip():
            continue
        if b.kind == "heading":
            level = b.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, " ".join(text.split())))
            statement = ""
        elif b.kind == "statement":
            statement = " ".join(text.split())
        path = [t for _, t in stack]
        if statement and b.kind != "heading":
            path.append(statement)
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        parts.append(text)
        pos += len(text)
        placed.append(PlacedBlock(b, start, pos, SECTION_SEP.join(path)))
    return "".join(parts), placed
