"""Document structure: heading levels from the table of contents where the layout gives none,
drop the table of contents, give every block its section path, and lay the blocks out as one
document text with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from inkoopwijzer import vocab
from inkoopwijzer.types import TextBox

from .blocks import Block
from .textnorm import Hyphenation

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


def join_broken_sentences(blocks: list[Block], hyphenation: Hyphenation | None = None) -> list[Block]:
    """Mend a sentence the source broke into two blocks (a page break, a stray blank line).

    A paragraph or list item that stops without closing punctuation, followed by a
    paragraph or bold run that starts in lower case, is one sentence: the second part
    joins the first (which keeps its page). A footnote is never continued. A word hyphenated
    over the break is mended as at a line end (`textnorm.Hyphenation`)."""
    hyph = hyphenation or Hyphenation()
    out: list[Block] = []
    for b in blocks:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind in ("para", "list")
            and b.kind in ("para", "statement")
            and _UNFINISHED.search(last.text.rstrip())
            and not _FOOTNOTE.match(last.text)
            and (b.text[:1].islower() or _last_word(last.text) in vocab.never_last_words())
        ):
            head = replace(last, text=last.text.rstrip(), boxes=(last.boxes or [])[: len(last.text.rstrip())] or last.boxes)
            kept, sep = hyph.join(head.text, b.text)
            tail = replace(b, text=b.text.lstrip(), boxes=(b.boxes or [])[len(b.text) - len(b.text.lstrip()) :] or b.boxes)
            text, boxes = head.joined(sep, tail, kept)
            out[-1] = replace(last, text=text, boxes=boxes, ocr=last.ocr or b.ocr)
            continue
        out.append(b)
    return out


def _last_word(text: str) -> str:
    words = text.split()
    return words[-1].lower() if words else ""


def _toc_runs(blocks: list[Block]) -> list[range]:
    """The tables of contents: runs of at least three rows ending in a page number."""
    runs: list[range] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and _is_toc_row(blocks[j]):
            j += 1
        if j - i >= 3:
            runs.append(range(i, j))
            i = j
        else:
            i += 1
    return runs


def drop_toc(blocks: list[Block]) -> list[Block]:
    """Remove tables of contents (`_toc_runs`) and their title."""
    starts = {r.start: r for r in _toc_runs(blocks)}
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        if (run := starts.get(i)) is not None:
            if out and out[-1].kind == "heading" and _TOC_TITLE.match(out[-1].text.strip()):
                out.pop()
            i = run.stop
            continue
        out.append(blocks[i])
        i += 1
    return out


# a chapter or section number ('4', '4.1.', '4.1.2'), not a year ('2027 in het kort')
_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?(?:\s+|$)")
_NUMBER_CELL = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?$")


def _contents_key(text: str) -> str:
    """A title as a table of contents and a heading both write it: no numbering, case or spacing."""
    return " ".join(_NUMBER.sub("", text.strip()).split()).casefold().rstrip(" .:")


def _depth(number: str) -> int:
    return number.count(".") + 1


def _contents_entry(b: Block) -> tuple[str, int] | None:
    """(title key, depth) of a table-of-contents row: '1.2 <tab> Title <tab> 4' is at depth 2,
    an unnumbered 'Title <tab> 4' at depth 1."""
    cells = [c.strip() for c in (b.cells or b.text.split("\t")) if c.strip()][:-1]  # the page number goes
    if not cells:
        return None
    if len(cells) > 1 and _NUMBER_CELL.match(cells[0]):
        number, title = cells[0].rstrip("."), " ".join(cells[1:])
    else:
        title = " ".join(cells)
        m = _NUMBER.match(title)
        number = m.group(1) if m else ""
    key = _contents_key(title)
    return (key, _depth(number) if number else 1) if key else None


def _contents(blocks: list[Block]) -> tuple[list[tuple[str, int]], int, set[int]]:
    """The entries of the document's tables of contents in order (title key, depth), the index of
    the first block after the first of them, and the indices of all their rows."""
    entries: list[tuple[str, int]] = []
    first = 0
    rows: set[int] = set()
    for run in _toc_runs(blocks):
        entries += [e for b in blocks[run.start : run.stop] if (e := _contents_entry(b)) is not None]
        rows.update(run)
        first = first or run.stop
    return entries, first, rows


def _listed(blocks: list[Block], entries: list[tuple[str, int]], first: int, rows: set[int]) -> dict[int, int]:
    """Block index → depth, for the headings the contents list and the lines of their own they
    list, matched in the contents' order: a heading with the next title of that name ("2.1
    Algemeen" after "2 GGZ", not the "1.1 Algemeen" before), a one-line paragraph only with the
    title due next or the one after it, should one title have no heading of its own (so a line
    "Planning" inside chapter 1 is no heading when "Planning" is chapter 6). A heading's own
    numbering gives its depth when it has one."""
    out: dict[int, int] = {}
    due = 0  # the first entry not matched yet
    for k in range(first, len(blocks)):
        b = blocks[k]
        line = b.kind == "para" and "\n" not in b.text.strip() and len(b.text) <= 150
        if k in rows or not (b.kind == "heading" or line):
            continue
        key = _contents_key(b.text)
        window = range(due, min(len(entries), due + 2)) if line else range(due, len(entries))
        e = next((i for i in window if entries[i][0] == key), None)
        if e is None and b.kind == "heading":
            e = next((i for i in range(due) if entries[i][0] == key), None)  # listed out of order
        if e is None:
            continue
        due = max(due, e + 1)
        own = _NUMBER.match(b.text.strip())
        out[k] = _depth(own.group(1)) if own else entries[e][1]
    return out


def levels_from_contents(blocks: list[Block]) -> list[Block]:
    """Heading levels from the document's own table of contents, when its layout sets all its
    headings at one level (a Word or web document whose headings share one style, a PDF whose
    headings share one size).

    A heading the contents list is as deep as the contents put it (its numbering, '4.1'); a line
    of its own that the contents list is a heading too. A heading the contents do not list is as
    deep as its own numbering says ('4.3'), or else a section of the last one they list. Nothing
    changes without a table of contents that lists at least three of the headings."""
    entries, first, rows = _contents(blocks)
    after = [k for k in range(first, len(blocks)) if blocks[k].kind == "heading" and k not in rows]
    levels = {blocks[k].level or 1 for k in after}
    listed = _listed(blocks, entries, first, rows) if len(levels) == 1 else {}
    if sum(blocks[k].kind == "heading" for k in listed) < 3:
        return blocks
    base = levels.pop()
    top = min(listed.values())
    out = list(blocks)
    current: int | None = None
    for k in range(first, len(blocks)):
        b = blocks[k]
        own = _NUMBER.match(b.text.strip()) if b.kind == "heading" else None
        if k in listed:
            current = base + listed[k] - top
            out[k] = replace(b, kind="heading", level=current)
        elif own is not None and "." in own.group(1):
            current = base + max(0, _depth(own.group(1)) - top)  # '4.3 …', though the contents lack it
            out[k] = replace(b, level=current)
        elif b.kind == "heading" and current is not None:
            out[k] = replace(b, level=current + 1)
    return out


def _is_toc_row(b: Block) -> bool:
    if b.kind == "table_row":
        cells = [c for c in (b.cells or b.text.split("\t"))]
        return len(cells) >= 2 and bool(_PAGE_CELL.match(cells[-1].strip())) and len(b.text) < 140
    return bool(b.kind in ("para", "heading") and re.match(r"^.{3,120}?\s\d{1,3}$", b.text) and "\t" in b.text)


def _title_heading(blocks: list[Block]) -> Block | None:
    """The document's title: its one top-level heading, when that opens the document and every
    other heading is below it (a title above chapters, as an HTML h1 above h2s)."""
    headings = [b for b in blocks if b.kind == "heading"]
    top = min((b.level or 1 for b in headings), default=0)
    firsts = [b for b in headings if (b.level or 1) == top]
    if len(firsts) != 1 or len(headings) < 3 or firsts[0] not in blocks[:5]:
        return None
    return firsts[0]


def place_blocks(blocks: list[Block]) -> tuple[str, list[PlacedBlock]]:
    """Join blocks into the document text (blocks separated by a blank line) and attach
    each block's section path (chapter › section › statement)."""
    text, placed, _ = place_blocks_with_boxes(blocks)
    return text, placed


def place_blocks_with_boxes(blocks: list[Block]) -> tuple[str, list[PlacedBlock], list[TextBox]]:
    """`place_blocks`, and for a PDF the box of every word of the document text."""
    boxes: list[TextBox] = []
    parts: list[str] = []
    placed: list[PlacedBlock] = []
    stack: list[tuple[int, str]] = []  # (level, title)
    statement = ""
    pos = 0
    title = _title_heading(blocks)
    for b in blocks:
        lead = len(b.text) - len(b.text.lstrip("\n"))
        text = b.text.strip("\n")
        if not text.strip():
            continue
        if b is title:
            stack, statement = [], ""  # the document's title is no section of it
        elif b.kind == "heading":
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
        if b.boxes is not None:
            boxes.extend(word_boxes(text, b.boxes[lead : lead + len(text)], start))
    return "".join(parts), placed, boxes


def word_boxes(text: str, char_boxes: list, offset: int) -> list[TextBox]:
    """One box per word (a run of characters without white space, on one page and line)."""
    out: list[TextBox] = []
    cur: list[float] | None = None
    cur_page = 0
    cur_start = 0
    cur_end = 0

    def close() -> None:
        if cur is not None:
            out.append(TextBox(start=offset + cur_start, end=offset + cur_end, page=cur_page,
                               x0=round(cur[0], 2), y0=round(cur[1], 2), x1=round(cur[2], 2), y1=round(cur[3], 2)))

    for i, ch in enumerate(text):
        box = char_boxes[i] if i < len(char_boxes) else None
        if ch.isspace() or box is None:
            close()
            cur = None
            continue
        page, x0, y0, x1, y1 = box
        same_line = cur is not None and page == cur_page and x0 >= cur[2] - 2 and min(y1, cur[3]) - max(y0, cur[1]) > -1
        if cur is not None and same_line:
            cur = [min(cur[0], x0), min(cur[1], y0), max(cur[2], x1), max(cur[3], y1)]
            cur_end = i + 1
            continue
        close()
        cur, cur_page, cur_start, cur_end = [x0, y0, x1, y1], page, i, i + 1
    close()
    return out
