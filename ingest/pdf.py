"""PDF → blocks, read character by character with pypdfium2 (position, size, weight of each).

What it keeps: the page and the box of every character (so a quote can be shown where it stands),
reading order (top to bottom; a page set in two columns left column first), headings (by size and
weight), list items, and tables as rows of cells with the table's header row. What it drops:
running headers and footers (lines that repeat across pages), page numbers. A page without a text
layer is read by OCR (`ingest.ocr`). Line-end hyphens are mended with the document's own words
(`ingest.textnorm`). Tables are assembled from the lines in `ingest.pdftables`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inkoopwijzer.errors import IngestError

from .blocks import Block, CharBox, RawDocument
from .pdfshapes import Shapes, page_shapes
from .pdftables import ENUM, Table, numbered_row, sentence_row, tab_join
from .textnorm import Hyphenation, normalize_chars

_BULLETS = {"•", "●", "▪", "■", "◦", "‣", "-", "–", "*", "o", "", "➢", "✓"}
_PAGE_NO = re.compile(r"^(pagina|page|blz\.?)?\s*\d{1,4}(\s*(van|of|/)\s*\d{1,4})?$", re.I)

Boxes = list[CharBox | None]
_WORD_GAP = 0.15  # a gap this wide (in ems) between two characters is a word space


@dataclass
class _Char:
    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    base: float  # baseline
    size: float
    bold: bool
    ox: float = -1.0  # origin (where the pen stood); the ink box's x0 varies with the glyph
    adv: float = -1.0  # where the pen went next (origin + advance): gaps are measured from here


@dataclass
class _Cell:
    x: float
    x1: float
    text: str
    bold: bool
    boxes: Boxes


@dataclass
class _Line:
    y: float
    size: float
    cells: list[_Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)

    @property
    def x(self) -> float:
        return self.cells[0].x

    @property
    def x1(self) -> float:
        return self.cells[-1].x1

    @property
    def bold(self) -> bool:
        return all(c.bold for c in self.cells)

    def text_boxes(self) -> tuple[str, Boxes]:
        return _concat([(c.text, c.boxes) for c in self.cells], " ")


def _concat(parts: list[tuple[str, Boxes]], sep: str) -> tuple[str, Boxes]:
    text: list[str] = []
    boxes: Boxes = []
    for t, b in parts:
        if not t:
            continue
        if text:
            text.append(sep)
            boxes.extend([None] * len(sep))
        text.append(t)
        boxes.extend(b)
    return "".join(text), boxes


# characters → lines ------------------------------------------------------------


def _page_chars(textpage: Any, page_no: int) -> list[_Char]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    chars: list[_Char] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    loose = pdfium_c.FS_RECTF()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    weight_of: dict[bytes, bool] = {}
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        generated = pdfium_c.FPDFText_IsGenerated(raw, i) == 1
        if code in (10, 13) or (generated and code != 32) or code == 0:
            continue
        ch = "-" if code == 2 else chr(code)  # pdfium reports a line-end hyphen as U+0002
        if ch != " " and not ch.isprintable():
            ch = normalize_chars(ch)[0]  # a symbol-font bullet (U+F0B7) is printable once normalised
            if not ch.strip() or not ch.isprintable():
                continue
        pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy)
        adv = loose.right if pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(loose)) else right.value
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        if pdfium_c.FPDFText_GetMatrix(raw, i, matrix):  # the size as drawn: Chromium scales its text by 0.75
            size *= math.hypot(matrix.b, matrix.d) or 1.0
        size = round(size, 1)
        # the weight a font declares is often wrong (455, 400 for a bold face): its name says it ('DejaVuSerif-Bold')
        pdfium_c.FPDFText_GetFontInfo(raw, i, name, 128, flags)
        key = name.value
        if key not in weight_of:
            low = key.decode("latin-1").lower()
            weight_of[key] = any(w in low for w in ("bold", "black", "heavy", "semibold", "demi"))
        bold = weight_of[key] or pdfium_c.FPDFText_GetFontWeight(raw, i) >= 600
        norm = ch if " " <= ch <= "~" else normalize_chars(ch)[0]
        for piece in norm:
            chars.append(_Char(piece, left.value, bottom.value, right.value, top.value, oy.value, size, bold, ox.value, adv))
    return chars


def _drawn_bullets(chars: list[_Char], marks: list[tuple[float, float, float, float]]) -> list[_Char]:
    """A bullet for each mark drawn where a list item's bullet goes: just left of a line's first
    word, about the height of its small letters, no bigger than a letter and over no text."""
    ink = [c for c in chars if not c.ch.isspace()]
    out: list[_Char] = []
    for x0, y0, x1, y1 in marks:
        mid = (y0 + y1) / 2
        if any(c.x0 < x1 and x0 < c.x1 and c.y0 < y1 and y0 < c.y1 for c in ink):
            continue
        line = [c for c in ink if c.base <= mid <= c.base + 0.7 * c.size]
        after = [c for c in line if x1 <= c.x0 <= x1 + 2.5 * c.size]
        if not after:
            continue
        first = min(after, key=lambda c: c.x0)
        if max(x1 - x0, y1 - y0) > 0.6 * first.size or any(x0 - first.size <= c.x1 <= x0 for c in line):
            continue  # a shape among words, not before them
        out.append(_Char("•", x0, y0, x1, y1, first.base, first.size, False, x0, x1))
    return out


def _runs(chars: list[_Char]) -> list[list[_Char]]:
    """Consecutive characters on one baseline without a wide gap."""
    runs: list[list[_Char]] = []
    for c in chars:
        if runs:
            prev = runs[-1][-1]
            size = max(prev.size, c.size, 1.0)
            same_base = abs(c.base - prev.base) <= max(1.0, 0.3 * size)
            gap = c.x0 - prev.x1
            if same_base and -0.5 * size <= gap <= 0.8 * size:
                runs[-1].append(c)
                continue
        runs.append([c])
    return [r for r in runs if any(not c.ch.isspace() for c in r)]


def _gap(a: _Char, b: _Char) -> float:
    """White space between two characters: from where the pen stood after one to where the next starts."""
    end = a.adv if a.adv >= 0 else a.x1
    start = b.ox if b.ox >= 0 else b.x0
    return start - end


def _cell(run_chars: list[_Char], page_no: int) -> _Cell:
    text: list[str] = []
    boxes: Boxes = []
    prev: _Char | None = None
    for c in run_chars:
        if c.ch.isspace():
            if text and text[-1] != " ":
                text.append(" ")
                boxes.append(None)
            continue
        if prev is not None and text and text[-1] != " " and _gap(prev, c) > _WORD_GAP * max(c.size, 1.0):
            text.append(" ")  # a word space drawn as a gap, without a space character
            boxes.append(None)
        prev = c
        text.append(c.ch)
        boxes.append((page_no, c.x0, c.y0, c.x1, c.y1))
    while text and text[-1] == " ":
        text.pop()
        boxes.pop()
    ink = [c for c in run_chars if not c.ch.isspace()]
    bold = sum(1 for c in ink if c.bold) >= 0.8 * len(ink)
    x = ink[0].ox if ink[0].ox >= 0 else ink[0].x0
    return _Cell(round(x, 2), ink[-1].x1, "".join(text), bold, boxes)


def _justified(cells: list[list[_Char]], right: float = math.inf) -> list[list[_Char]]:
    """A justified line whose word gaps grew wide is one cell, not a table row: single words with
    equal gaps between them, or (some gaps under the width of a cell gap) runs of words with
    equal gaps between them that fill the line to the text's right edge. A list item's bullet
    before them stays a cell of its own."""
    if cells and "".join(c.ch for c in cells[0]).strip() in _BULLETS:
        tail = cells[1:]
        rest = _justified(tail, right)
        return cells if rest is tail else [cells[0], *rest]
    words = not any(" " in "".join(c.ch for c in cell).strip() for cell in cells)
    if len(cells) < 3 or not (words or cells[-1][-1].x1 >= right - 1.5):
        return cells
    gaps = [b[0].x0 - a[-1].x1 for a, b in zip(cells, cells[1:], strict=False)]
    mean = sum(gaps) / len(gaps)
    if max(gaps) - min(gaps) > 0.15 * mean:
        return cells
    size = max(c.size for c in cells[0])
    if mean > 2.5 * size and cells[-1][-1].x1 < right - 1.5:
        return cells  # gaps of several ems that stop short of the edge: a table's header row
    joined = list(cells[0])
    for cell in cells[1:]:
        prev = joined[-1]
        joined.append(_Char(" ", prev.x1, prev.y0, cell[0].x0, prev.y1, prev.base, prev.size, prev.bold))
        joined.extend(cell)
    return [joined]


def _wide_gap_joined(
    cells: list[list[_Char]], neighbours: list[tuple[float, float, list[list[_Char]]]], base: float, size: float, right: float
) -> list[list[_Char]]:
    """A justified line whose one word gap grew wide (a long word pushed to the next line) is one
    cell, not a table row: it runs to the text's right edge, and the lines just above and below it,
    one cell each, run across the gap."""
    words = [i for i, c in enumerate(cells) if "".join(ch.ch for ch in c).strip() not in _BULLETS]
    if len(words) != 2 or words[1] != len(cells) - 1:
        return cells
    first, second = cells[words[0]], cells[words[1]]
    near = [cs for b, s, cs in neighbours if abs(b - base) <= 1.6 * max(s, size)]
    if not near or _start(second) - first[-1].x1 > 3 * size or second[-1].x1 < right - 1.5:
        return cells
    for cs in near:
        if len(cs) != 1 or _start(cs[0]) > _start(first) + 1.0 or cs[0][-1].x1 < _start(second) + size:
            return cells
    prev = first[-1]
    space = _Char(" ", prev.x1, prev.y0, second[0].x0, prev.y1, prev.base, prev.size, prev.bold)
    return [*cells[: words[0]], [*first, space, *second]]


def _start(cell: list[_Char]) -> float:
    first = next((c for c in cell if not c.ch.isspace()), cell[0])
    return first.ox if first.ox >= 0 else first.x0


def _split_at_columns(cell: list[_Char], starts: list[float]) -> list[list[_Char]]:
    """A cell that runs into the next column (a narrow gap between table columns) split where
    a word starts exactly where the neighbouring lines have a cell start."""
    if not starts or len(cell) < 4:
        return [cell]
    parts = [[cell[0]]]
    ink = cell[0] if not cell[0].ch.isspace() else None
    for c in cell[1:]:
        at_column = (
            ink is not None
            and not c.ch.isspace()
            and _gap(ink, c) > _WORD_GAP * max(c.size, 1.0)
            and any(abs((c.ox if c.ox >= 0 else c.x0) - x) <= 1.5 for x in starts)
        )
        if at_column:
            while parts[-1] and parts[-1][-1].ch.isspace():
                parts[-1].pop()
            parts.append([c])
        else:
            parts[-1].append(c)
        if not c.ch.isspace():
            ink = c
    return [p for p in parts if p]


def _lines(chars: list[_Char], page_no: int, gutter: float | None = None) -> list[_Line]:
    """Group runs into lines (same baseline) and a line's runs into cells (by the gaps between them).

    On a page set in two columns (`gutter`), each column's lines are built apart, so that a
    justified line is judged against its own column's edge and neighbours."""
    runs = sorted(_runs(chars), key=lambda r: (-round(r[0].base, 0), r[0].x0))
    lines: list[tuple[float, list[list[_Char]]]] = []
    for r in runs:
        base = r[0].base
        if lines and abs(lines[-1][0] - base) <= 1.5:
            lines[-1][1].append(r)
        else:
            lines.append((base, [r]))
    if gutter is None:
        return _column_lines(lines, page_no)
    spanning = {i for i, (_, rs) in enumerate(lines) if any(r[0].x0 < gutter < r[-1].x1 for r in rs)}
    sides: list[list[tuple[float, list[list[_Char]]]]] = [[], []]
    for i, (base, rs) in enumerate(lines):
        if i in spanning:
            sides[0].append((base, rs))  # a line across both columns (a title) stays one line
            continue
        for side, part in enumerate(([r for r in rs if r[-1].x1 <= gutter], [r for r in rs if r[-1].x1 > gutter])):
            if part:
                sides[side].append((base, part))
    out = _column_lines(sides[0], page_no) + _column_lines(sides[1], page_no)
    return sorted(out, key=lambda ln: (-round(ln.y, 0), ln.x))


def _column_lines(lines: list[tuple[float, list[list[_Char]]]], page_no: int) -> list[_Line]:
    """`_lines` for the runs of one column (or of a one-column page), grouped by baseline."""
    right = max((c.x1 for _, rs in lines for r in rs for c in r if not c.ch.isspace()), default=0.0)  # the text's right edge
    grouped: list[tuple[float, float, list[list[_Char]]]] = []
    for base, rs in lines:
        rs.sort(key=lambda r: r[0].x0)
        size = max(c.size for r in rs for c in r)
        cells: list[list[_Char]] = []
        for r in rs:
            if cells:
                prev = cells[-1][-1]
                gap = r[0].x0 - prev.x1
                if gap <= 0.8 * max(prev.size, r[0].size, 1.0):
                    if gap > 0.15 * prev.size and not prev.ch.isspace() and not r[0].ch.isspace():
                        cells[-1].append(_Char(" ", prev.x1, prev.y0, r[0].x0, prev.y1, prev.base, prev.size, prev.bold))
                    cells[-1].extend(r)
                    continue
            cells.append(list(r))
        grouped.append((base, size, _justified(cells, right)))
    out: list[_Line] = []
    for i, (base, size, cells) in enumerate(grouped):
        # a column start that the lines just above and below both have a cell at (not their first)
        above = {round(_start(c)) for c in grouped[i - 1][2][1:]} if i > 0 else set()
        below = {round(_start(c)) for c in grouped[i + 1][2][1:]} if i + 1 < len(grouped) else set()
        starts = [float(x) for x in above & below]
        near = [grouped[j] for j in (i - 1, i + 1) if 0 <= j < len(grouped)]
        cells = _wide_gap_joined(cells, near, base, size, right)
        cells = [part for cell in cells for part in _split_at_columns(cell, starts)]
        line = _Line(base, size, [_cell(c, page_no) for c in cells])
        line.cells = [c for c in line.cells if c.text]
        if line.cells:
            out.append(line)
    return out


# page layout ---------------------------------------------------------------------


def _gutter(lines: list[_Line], width: float, shapes: Shapes | None = None) -> float | None:
    """The x of the gap between two text columns, or None for a one-column page.

    Two columns: most lines stop before one x in the middle of the page or start after it, there
    are many on either side, and the left ones fill their column (a table's first column does not),
    and no rules cross the gap (a table's row borders do)."""
    if len(lines) < 16:
        return None

    def crossing(x: float) -> int:
        return sum(1 for ln in lines if any(c.x < x < c.x1 for c in ln.cells))

    candidates = [width * i / 100 for i in range(35, 66)]
    fewest = min(crossing(x) for x in candidates)
    if fewest > 0.1 * len(lines):
        return None
    best = [x for x in candidates if crossing(x) == fewest]
    for g in sorted(best, key=lambda x: abs(x - width / 2))[:1]:
        left = [c for ln in lines for c in ln.cells if c.x1 <= g]
        right = [c for ln in lines for c in ln.cells if c.x >= g]
        if len(left) < 8 or len(right) < 8:
            continue
        margin = min(c.x for c in left)
        edge = max(c.x1 for c in left)
        filled = [c for c in left if c.x1 - margin >= 0.6 * (edge - margin)]
        gap = (edge + min(c.x for c in right)) / 2
        if len(filled) >= 0.5 * len(left) and not _rows_in_step(lines, g) and not _ruled_across(lines, gap, shapes):
            return gap
    return None


def _ruled_across(lines: list[_Line], x: float, shapes: Shapes | None) -> bool:
    """Whether two or more rules cross x among the lines (a table, not two columns)."""
    if shapes is None or not lines:
        return False
    return shapes.rules_across(x, min(ln.y for ln in lines), max(ln.y + ln.size for ln in lines)) >= 2


def _rows_in_step(lines: list[_Line], g: float) -> bool:
    """Whether the paragraph breaks left and right of x fall on the same lines: a table's rows
    (cells start together), not two columns of running text (whose paragraphs end anywhere)."""

    def breaks(side: list[_Line]) -> set[int]:
        out = set()
        for a, b in zip(side, side[1:], strict=False):
            if a.y - b.y > 1.4 * max(a.size, b.size):
                out.add(round(b.y))
        return out

    left = breaks([ln for ln in lines if any(c.x1 <= g for c in ln.cells)])
    right = breaks([ln for ln in lines if any(c.x >= g for c in ln.cells)])
    if len(left) < 2 or len(right) < 2:
        return False
    return len(left & right) >= 0.6 * min(len(left), len(right))


def _document_gutter(pages: list[list[_Line]], widths: list[float], shapes: list[Shapes]) -> list[float | None]:
    """Each page's column gutter. A page of a document set in two columns (most pages found so)
    takes the document's gutter when no line crosses it and text stands on both sides, even when
    the page alone does not tell (a title page, a page of short lines)."""
    found = [_gutter(lines, w, s) for lines, w, s in zip(pages, widths, shapes, strict=True)]
    known = [g for g in found if g is not None]
    if len(known) < max(2, 0.5 * len(pages)):
        return found
    usual = statistics.median(known)
    out: list[float | None] = []
    for lines, g, drawn in zip(pages, found, shapes, strict=True):
        if g is None and lines and not _ruled_across(lines, usual, drawn):
            crossing = sum(1 for ln in lines if any(c.x < usual < c.x1 for c in ln.cells))
            both = any(c.x1 <= usual for ln in lines for c in ln.cells) and any(c.x >= usual for ln in lines for c in ln.cells)
            if both and crossing <= 0.15 * len(lines) and not _rows_in_step(lines, usual):
                g = usual
        out.append(g)
    return out


def _reading_order(lines: list[_Line], g: float | None) -> list[tuple[_Line, bool]]:
    """The page's lines in reading order; True marks the first line of a new column."""
    if g is None:
        return [(ln, False) for ln in lines]
    top: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []
    bottom: list[_Line] = []
    for ln in lines:
        if any(c.x < g < c.x1 for c in ln.cells):
            (bottom if left or right else top).append(ln)
            continue
        lcells = [c for c in ln.cells if c.x1 <= g]
        rcells = [c for c in ln.cells if c.x >= g]
        if lcells:
            left.append(_Line(ln.y, ln.size, lcells))
        if rcells:
            right.append(_Line(ln.y, ln.size, rcells))
    out = [(ln, False) for ln in top]
    for column in (left, right):
        out.extend((ln, i == 0) for i, ln in enumerate(column))
    out.extend((ln, i == 0) for i, ln in enumerate(bottom))
    return out


def _norm_running(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _running_lines(pages: list[list[_Line]]) -> set[tuple[str, int]]:
    """(normalised text, rounded y) pairs that recur on many pages: headers and footers."""
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        counts.update({(_norm_running(ln.text), round(ln.y)) for ln in lines})
    threshold = max(2, int(len(pages) * 0.4))
    return {key for key, n in counts.items() if n >= threshold and len(pages) >= 3}


def _is_margin_noise(line: _Line, height: float) -> bool:
    in_margin = line.y < height * 0.07 or line.y > height * 0.93
    return in_margin and bool(_PAGE_NO.match(line.text.strip()))


# lines → blocks ------------------------------------------------------------------


class _PageBuilder:
    """Turns the lines of a document's pages into blocks (`start_page` before each page's lines)."""

    def __init__(
        self, page_no: int, body_size: float, margin_x: float, hyphenation: Hyphenation, ocr: bool, shapes: Shapes | None = None
    ) -> None:
        self.page_no = page_no
        self.shapes = shapes or Shapes()
        self.pitches: dict[float, float] = {}  # the document's line spacing per type size (`_line_pitches`)
        self.body_size = body_size
        self.margin_x = margin_x
        self.hyph = hyphenation
        self.ocr = ocr
        self.blocks: list[Block] = []
        self._para: list[_Line] = []
        self._para_kind = "para"
        self._para_page = page_no
        self._para_margin = margin_x  # the margin of the column the paragraph started in
        self._table: Table | None = None
        self._last_y: float | None = None
        self._col_right = 0.0  # the right end of the body text in the current column
        self._after_break = False  # the last line stood before a column or page break
        self._para_open = False  # ... and ended a paragraph that may go on after it
        self._inherit: tuple[str, str] | None = None  # the header and caption of a table a break ended
        self.last_heading = ""

    def start_page(self, page_no: int, ocr: bool, shapes: Shapes) -> None:
        if not self._after_break and (self._para or self._table is not None):
            self._break()
        self.page_no, self.ocr, self.shapes = page_no, ocr, shapes

    def _block(self, kind: str, text: str, boxes: Boxes, page: int | None = None, **kw: Any) -> Block:
        page = self.page_no if page is None else page
        return Block(kind=kind, text=text, page=page, boxes=boxes, ocr=self.ocr, **kw)  # type: ignore[arg-type]

    def _join_lines(self, lines: list[_Line]) -> tuple[str, Boxes]:
        return self._join_parts([ln.text_boxes() for ln in lines])

    def _join_parts(self, parts: list[tuple[str, Boxes]]) -> tuple[str, Boxes]:
        """Lines (of a paragraph, or of one table cell) as one text (line-end hyphens mended)."""
        text, boxes = "", []  # type: tuple[str, Boxes]
        for t, b in parts:
            if not text:
                text, boxes = t, list(b)
                continue
            kept, sep = self.hyph.join(text, t)
            text = text[:kept] + sep + t
            boxes = boxes[:kept] + [None] * len(sep) + list(b)
        return text, boxes

    # breaks ---------------------------------------------------------------
    def _break(self) -> None:
        """A column or page break. A paragraph or list item whose last line fills the column and
        ends without closing punctuation may go on in the next column; a table may go on too."""
        last = self._para[-1] if self._para else None
        self._para_open = (
            last is not None
            and self._para_kind in ("para", "list")
            and last.x1 >= self._col_right - 2.0
            and not re.search(r"[.:;!?]$", last.text.rstrip())
        )
        if not self._para_open:
            self._flush_para()
        t = self._table
        if t is not None:
            t.cut(self.shapes)
        self._after_break = True
        self._last_y = None
        self._col_right = 0.0

    def _after_break_line(self, line: _Line, table_line: bool) -> None:
        """The first line after a break: does the paragraph or the table before it go on?"""
        self._after_break = False
        if self._para_open:
            self._para_open = False
            first = self._para[0]
            # where the paragraph's lines start, from its column's margin: a list item's at its text
            indent = self._para[1].x if len(self._para) > 1 else first.cells[-1].x
            at = self._para_margin if self._para_kind == "para" else indent
            in_step = abs((line.x - self.margin_x) - (at - self._para_margin)) <= 1.0
            if table_line or not in_step or abs(line.size - first.size) >= 0.6 or self._line_kind(line) != "para":
                self._flush_para()
            else:
                self._last_y = line.y + self.pitches.get(_size_key(line.size), line.size * 1.2)  # as if adjacent
        t = self._table
        if t is None:
            return
        dx = line.x - t.cols[0]
        if table_line and len(line.cells) >= 2 and t.fits(line, dx):
            t.shift(dx)
            t.row_y = line.y + 2 * line.size  # the break is no gap between rows
            return
        inherit = ("\t".join(self._join_parts(p)[0] for p in t.header), self.last_heading)
        self._flush_table()
        if table_line:
            self._inherit = inherit

    # paragraphs -----------------------------------------------------------
    def _flush_para(self) -> None:
        if not self._para:
            return
        text, boxes = self._join_lines(self._para)
        first = self._para[0]
        kind = self._para_kind
        if kind == "list":
            m = re.match(r"^\s*[•●▪■◦‣*–➢✓-]\s+", text)
            if m and m.end() < len(text):
                text, boxes = text[m.end() :], boxes[m.end() :]
        level = 0
        if kind == "heading":
            level = 1 if first.size >= self.body_size * 1.6 else 2
            self.last_heading = text
        self.blocks.append(self._block(kind, text, boxes, page=self._para_page, level=level))
        self._para = []

    def _line_kind(self, line: _Line) -> str:
        if line.bold and line.size >= self.body_size * 1.15:
            return "heading"
        if line.bold and len(line.cells) == 1:
            return "statement"
        if len(line.cells) >= 2 and (line.cells[0].text in _BULLETS or ENUM.match(line.cells[0].text)):
            return "para" if numbered_row(line, self.shapes) else "list"
        if re.match(r"^[•●▪■◦‣➢✓]\s", line.text):
            return "list"
        return "para"

    def _spaced(self, prev: _Line, line: _Line, gap: float, kind: str) -> bool:
        """Whether two lines of body text, or of headings, stand further apart than the document's
        lines of their size do: space between paragraphs, or between two headings."""
        body = abs(line.size - self.body_size) < 0.6
        pitch = self.pitches.get(_size_key(line.size)) if abs(prev.size - line.size) < 0.3 else None
        if not body and kind != "heading":
            return False
        return pitch is not None and gap > pitch + max(2.0, 0.2 * line.size)

    # tables ---------------------------------------------------------------
    def _flush_table(self) -> None:
        t, self._table = self._table, None
        if t is None or not t.rows:
            return
        inherit, self._inherit = self._inherit, None
        head = [self._join_parts(parts) for parts in t.header]
        header = "\t".join(tx for tx, _ in head)
        caption = self.last_heading
        rows, pages = t.rows, t.row_pages
        if header.strip() and sentence_row([tx for tx, _ in head]):
            rows, pages, header = [t.header, *t.rows], [t.header_page, *t.row_pages], ""
        if header.strip():
            text, boxes = tab_join(head)
            self.blocks.append(
                self._block(
                    "table_row",
                    text,
                    boxes,
                    page=t.header_page,
                    table_header=header,
                    table_caption=caption,
                    is_header_row=True,
                    cells=[tx for tx, _ in head],
                )
            )
        elif inherit is not None:  # a table broken over a page or column keeps its header and caption
            header, caption = inherit
        for row, page in zip(rows, pages, strict=True):
            cells = [self._join_parts(parts) for parts in row]
            text, boxes = tab_join(cells)
            self.blocks.append(
                self._block(
                    "table_row",
                    text,
                    boxes,
                    page=page,
                    table_header=header,
                    table_caption=caption,
                    cells=[tx for tx, _ in cells],
                )
            )

    # driver ---------------------------------------------------------------
    def add(self, line: _Line, new_column: bool = False) -> None:
        if new_column and not self._after_break and (self._para or self._table is not None):
            self._break()
        kind = self._line_kind(line)
        t = self._table
        if kind == "list" and t is not None and t.in_row(line):
            kind = "para"  # a row's line whose first cell's line opens with a number ("7)" of "(hoofdstuk 7)")
        if len(line.cells) >= 3 or (kind == "list" and self._table is not None and abs(line.x - self.margin_x) > 1.0):
            line = _without_bullets(line)  # a list inside a table cell: its text, not its markers
            kind = "para" if len(line.cells) >= 2 else kind
        table_line = len(line.cells) >= 2 and kind != "list"
        if self._after_break:
            self._after_break_line(line, table_line)
        if abs(line.size - self.body_size) < 0.6:
            self._col_right = max(self._col_right, line.x1)
        if table_line:
            t = self._table
            if t is None or not t.fits(line) or not any(abs(line.x - col) <= 2.0 for col in t.cols):
                self._flush_para()
                self._flush_table()
                t = self._table = Table([c.x for c in line.cells])
            t.add_line(line, self.shapes, self.page_no)
            self._last_y = line.y
            return
        t = self._table
        if t is not None and kind != "heading" and t.fits(line):
            if abs(line.x - self.margin_x) > 1.0 or t.first_cell_line(line, self.shapes):
                t.add_line(line, self.shapes, self.page_no)
                self._last_y = line.y
                return
        self._flush_table()
        self._inherit = None
        gap = (self._last_y - line.y) if self._last_y is not None else 999.0
        prev = self._para[-1] if self._para else None
        close = prev is not None and 0 <= gap <= max(prev.size, line.size) * 1.75 and abs(line.size - prev.size) < 0.6
        if close and prev is not None and self._spaced(prev, line, gap, kind):
            close = False  # space between paragraphs, if less than a blank line
        same_block = close and (
            (kind == self._para_kind and kind in ("heading", "statement"))
            or (kind == "para" and self._para_kind in ("para", "list"))
        )
        continues = close and self._para_kind in ("para", "list")
        if continues and kind == "statement":
            same_block = True  # a bold run inside a paragraph, not a new statement
        if self._para_kind == "list" and kind == "para" and abs(line.x - self.margin_x) <= 1.0:
            # back at the margin: the list item ended, unless its sentence runs on
            same_block = continues and line.text[:1].islower()
        if not same_block:
            self._flush_para()
            self._para_kind = kind
            self._para_page = self.page_no
            self._para_margin = self.margin_x
        self._para.append(line)
        self._last_y = line.y

    def finish(self) -> list[Block]:
        self._flush_para()
        self._flush_table()
        return self.blocks


def _without_bullets(line: _Line) -> _Line:
    cells = [c for i, c in enumerate(line.cells) if not (c.text in _BULLETS and i + 1 < len(line.cells))]
    return _Line(line.y, line.size, cells)


# the document --------------------------------------------------------------------


def _open(path: Path, max_pages: int) -> Any:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise IngestError(f"{path.name}: PDF is encrypted (password protected); upload an unprotected copy.", "encrypted") from exc
        raise IngestError(f"{path.name}: corrupt or truncated PDF ({exc}).", "corrupt") from exc
    n_pages = len(pdf)
    if n_pages == 0:
        pdf.close()
        raise IngestError(f"{path.name}: PDF has no pages.", "empty")
    if n_pages > max_pages:
        pdf.close()
        raise IngestError(f"{path.name}: PDF has {n_pages} pages, over the limit of {max_pages}.", "too_large")
    return pdf


def load_pdf(
    path: Path,
    max_pages: int = 2000,
    ocr: bool = True,
    on_ocr_page: Callable[[int], None] | None = None,
    ocr_page_timeout_s: float | None = None,
) -> RawDocument:
    """Read a PDF into blocks; raises `IngestError` with a reason a user can act on. A page
    without a text layer is read by OCR (`on_ocr_page(page)` is called first)."""
    from . import ocr as ocr_module

    pdf = _open(path, max_pages)
    try:
        page_lines: list[list[_Line]] = []
        page_chars: list[list[_Char]] = []
        shapes: list[Shapes] = []
        sizes: list[tuple[float, float]] = []
        ocr_pages: list[int] = []
        try:
            for page_no in range(1, len(pdf) + 1):
                page = pdf[page_no - 1]
                width, height = page.get_size()
                sizes.append((width, height))
                textpage = page.get_textpage()
                chars = _page_chars(textpage, page_no)
                shapes.append(page_shapes(page))
                chars += _drawn_bullets(chars, shapes[-1].marks)
                if not any(not c.ch.isspace() for c in chars) and ocr and ocr_module.has_images(page):
                    if on_ocr_page is not None:
                        on_ocr_page(page_no)
                    chars = [_Char(*c) for c in ocr_module.ocr_page(page, page_no, ocr_page_timeout_s or ocr_module.TIMEOUT_S)]
                    if chars:
                        ocr_pages.append(page_no)
                page_chars.append(chars)
                page_lines.append(_lines(chars, page_no))
        except IngestError:
            raise
        except Exception as exc:  # noqa: BLE001 - any parser failure means a bad file
            raise IngestError(f"{path.name}: corrupt PDF ({exc.__class__.__name__}: {exc}).", "corrupt") from exc
        meta = {k.lower(): str(v) for k, v in (pdf.get_metadata_dict(skip_empty=True) or {}).items() if v}
    finally:
        pdf.close()

    if not any(ln.text.strip() for lines in page_lines for ln in lines):
        raise IngestError(
            f"{path.name}: PDF has no text layer and OCR found no text (a blank or unreadable scan); "
            "upload a PDF with text or a sharper scan.",
            "no_text",
        )

    running = _running_lines(page_lines)
    body = [ln for lines in page_lines for ln in lines]
    plain_sizes = [round(ln.size * 2) / 2 for ln in body if not ln.bold]
    body_size = statistics.mode(plain_sizes) if plain_sizes else 10.0
    margin_x = _left_margin(Counter(round(ln.x, 1) for ln in body if abs(ln.size - body_size) < 0.6))

    dropped: dict[str, None] = {}

    def body_lines(lines: list[_Line], height: float) -> list[_Line]:
        page_kept = []
        for ln in lines:
            if (_norm_running(ln.text), round(ln.y)) in running:
                dropped[ln.text] = None
            elif not _is_margin_noise(ln, height):
                page_kept.append(ln)
        return page_kept

    kept = [body_lines(lines, height) for lines, (_, height) in zip(page_lines, sizes, strict=True)]
    gutters = _document_gutter(kept, [w for w, _ in sizes], shapes)
    for i, g in enumerate(gutters):
        if g is not None:  # a page in two columns: each column's lines built apart
            kept[i] = body_lines(_lines(page_chars[i], i + 1, g), sizes[i][1])

    hyphenation = Hyphenation(ln.text for lines in kept for ln in lines)
    ordered = [_reading_order(lines, g) for lines, g in zip(kept, gutters, strict=True)]
    pitches = _line_pitches(ordered, body_size)
    # the second column's text has its own margin
    right_margin = _left_margin(
        Counter(
            round(ln.x, 1)
            for in_order, g in zip(ordered, gutters, strict=True)
            for ln, _ in in_order
            if g is not None and ln.x >= g and abs(ln.size - body_size) < 0.6
        )
    )
    builder = _PageBuilder(1, body_size, margin_x, hyphenation, False)
    builder.pitches = pitches
    for page_no, (in_order, gutter, drawn) in enumerate(zip(ordered, gutters, shapes, strict=True), start=1):
        builder.start_page(page_no, page_no in ocr_pages, drawn)
        for line, new_column in in_order:
            builder.margin_x = right_margin if gutter is not None and line.x >= gutter else margin_x
            builder.add(line, new_column)
    blocks = builder.finish()
    return RawDocument(
        blocks=blocks,
        pages=len(page_lines),
        file_meta=meta,
        running=list(dropped)[:20],
        ocr_pages=ocr_pages,
        hyphenation=hyphenation,
        statements_by_text=_bold_statements(blocks) < 3,
    )


def _bold_statements(blocks: list[Block]) -> int:
    """How many one-line bold sentences open a paragraph: a document that sets its statements so
    has a good many; one with none or a stray bold line has its statements told by their text."""
    return sum(1 for b in blocks if b.kind == "statement" and b.text.rstrip().endswith("."))


def _left_margin(starts: Counter[float]) -> float:
    """Where the body text starts: the leftmost x at which many lines of body size start (a third
    as many as at the commonest), so that a document mostly of indented list items still has
    its margin left of them."""
    if not starts:
        return 0.0
    most = max(starts.values())
    return min(x for x, n in starts.items() if n >= most / 3)


def _size_key(size: float) -> float:
    return round(size * 2) / 2


def _line_pitches(pages: list[list[tuple[_Line, bool]]], body_size: float) -> dict[float, float]:
    """For each type size, the distance between the baselines of two lines of it that follow each
    other in a column (to the half point): for the body text the commonest (at least 20 lines
    tell), for other sizes (headings wrapped over lines) the smallest that occurs twice."""
    gaps: dict[float, Counter[float]] = {}
    for lines in pages:
        for (a, _), (b, new_column) in zip(lines, lines[1:], strict=False):
            if not new_column and abs(a.size - b.size) < 0.3 and 0.9 * a.size <= a.y - b.y <= 2.5 * a.size:
                gaps.setdefault(_size_key(a.size), Counter())[round((a.y - b.y) * 2) / 2] += 1
    out: dict[float, float] = {}
    for size, seen in gaps.items():
        if abs(size - body_size) < 0.6:
            if sum(seen.values()) >= 20:
                out[size] = seen.most_common(1)[0][0]
        elif twice := [gap for gap, n in seen.items() if n >= 2]:
            out[size] = min(twice)
    return out
