"""PDF tables: the rows of cells that `ingest.pdf` reads from a page's lines.

A table is told from its lines' cells standing at the same x (its columns). Rows are told by the gap
between lines or by a border drawn between them (`pdfshapes.Shapes`). What a renderer does to a table
that runs over a column or page break is undone here: the header drawn again is skipped, and a row
cut by the break (no border below its last line) goes on after it. A column that is empty in the
first rows is added when its first cell shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .pdfshapes import Shapes

if TYPE_CHECKING:
    from .pdf import Boxes, _Line

__all__ = ["ENUM", "Table", "numbered_row", "sentence_row", "tab_join"]

ENUM = re.compile(r"^(\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]$")  # a list item's or a row's number: 1. a) iv.


@dataclass
class Table:
    """A table being read: the x of each column, its header and rows (each cell its lines' text
    and boxes), the page each row starts on."""

    cols: list[float]
    ends: list[float] = field(default_factory=list)  # the right end of the text seen in each column
    header: list[list[tuple[str, Boxes]]] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)
    header_page: int = 0
    rows: list[list[list[tuple[str, Boxes]]]] = field(default_factory=list)
    row_pages: list[int] = field(default_factory=list)
    row_y: float = 0.0
    ruled: bool = False  # a border was seen between two of its rows
    last: _Line | None = None  # its last line
    repeated: int = 0  # how many lines of its header were drawn again (after a break) and skipped
    open_row: bool = False  # a break cut its last row, which goes on after it

    def __post_init__(self) -> None:
        self.ends = list(self.cols)

    def col(self, x: float) -> int:
        return min(range(len(self.cols)), key=lambda i: abs(self.cols[i] - x))

    def fits(self, line: _Line, dx: float = 0.0) -> bool:
        """Every cell starts at a column of the table, or inside one (a nested list in a cell);
        `dx`: how far the table moved (to the next column or page)."""
        first = self.cols[0] + dx
        return all(abs(c.x - first) <= 2.0 or c.x > first + 2.0 for c in line.cells) and (
            len(line.cells) == 1
            or all(any(abs(c.x - col - dx) <= 2.0 for col in self.cols) or c.x > first + 2.0 for c in line.cells)
        )

    def shift(self, dx: float) -> None:
        self.cols = [x + dx for x in self.cols]
        self.ends = [x + dx for x in self.ends]

    def add_columns(self, line: _Line) -> None:
        """A column that first shows below the table's first row (its cells in that row were
        empty): a cell that starts right of all the text seen in the column left of it and ends
        before the next column starts."""
        for c in line.cells:
            if any(abs(c.x - x) <= 2.0 for x in self.cols) or c.x < self.cols[0]:
                continue
            left = max(i for i, x in enumerate(self.cols) if x < c.x)
            if c.x <= self.ends[left] + 2.0 or (left + 1 < len(self.cols) and c.x1 >= self.cols[left + 1] - 2.0):
                continue  # inside that column, or reaching into the next (set flush right)
            at = left + 1
            self.cols.insert(at, c.x)
            self.ends.insert(at, c.x)
            for cells in (self.header, *self.rows):
                if cells:
                    cells.insert(at, [])

    def cut(self, shapes: Shapes) -> None:
        """A break follows the table's last line: a ruled table whose last row has no border
        below it had that row cut, and the row goes on after the break."""
        ln = self.last
        if ln is not None:
            self.open_row = self.ruled and not any(shapes.rule_between(ln.y - 2.0 * ln.size, ln.y, c.x) for c in ln.cells)

    def in_row(self, line: _Line) -> bool:
        """A line of two or more cells, each at a column of the table, close below its last line:
        the row goes on, whatever its first cell's text looks like."""
        return (
            len(line.cells) >= 2
            and all(any(abs(c.x - x) <= 2.0 for x in self.cols) for c in line.cells)
            and 0 < self.row_y - line.y <= 1.6 * line.size
        )

    def first_cell_line(self, line: _Line, shapes: Shapes) -> bool:
        """A line of the table's first cell alone (the other cells of the row have fewer lines),
        at the margin where the table's first column starts: it stays inside that column, close
        below the table's last line, with no border between."""
        if len(self.cols) < 2 or len(line.cells) != 1 or abs(line.x - self.cols[0]) > 2.0 or line.x1 >= self.cols[1] - 1.0:
            return False
        return 0 < self.row_y - line.y <= 1.6 * line.size and not shapes.rule_between(line.y, self.row_y, line.x)

    def add_line(self, line: _Line, shapes: Shapes, page_no: int) -> None:
        """A line of the table: to the header, to the last row, or a new row."""
        if self.header and line.bold and self.repeated < len(self.header_lines) and line.text == self.header_lines[self.repeated]:
            self.repeated += 1  # the header drawn again (after a break, or where the renderer split the table)
            self.row_y = line.y
            return
        self.repeated = 0
        self.add_columns(line)
        gap = (self.row_y - line.y) if self.rows or self.header else 999.0
        # a border drawn between this line and the last one (below the last's descenders, above
        # this one's letters) starts a row as a wide gap does
        ruled = any(shapes.rule_between(line.y + 0.5 * line.size, self.row_y - 0.25 * line.size, c.x) for c in line.cells)
        if ruled and self.rows:
            self.ruled = True
        new_row = not self.rows or gap > line.size * 1.6 or ruled
        if self.open_row:
            new_row, self.open_row = not self.rows, False  # the row the break cut goes on
        elif self.header and not self.rows and all(c.bold for c in line.cells):
            new_row = gap > line.size * 1.6 or ruled  # a header of more lines
        header_line = not self.rows and all(c.bold for c in line.cells)
        if header_line and (not self.header or not new_row):
            if not self.header:
                self.header = [[] for _ in self.cols]
                self.header_page = page_no
            for c in line.cells:
                self.header[self.col(c.x)].append((c.text, c.boxes))
            self.header_lines.append(line.text)
        else:
            if new_row:
                self.rows.append([[] for _ in self.cols])
                self.row_pages.append(page_no)
            row = self.rows[-1]
            for c in line.cells:
                row[self.col(c.x)].append((c.text, c.boxes))
        for c in line.cells:
            i = self.col(c.x)
            self.ends[i] = max(self.ends[i], c.x1)
        self.row_y = line.y
        self.last = line


def numbered_row(line: _Line, shapes: Shapes) -> bool:
    """A numbered row of a ruled table, not a numbered list item: a border runs just above
    the line across the number and the text, which stands well apart from the number."""
    first, second = line.cells[0], line.cells[1]
    if not ENUM.match(first.text) or second.x - first.x1 < 1.5 * line.size:
        return False
    return all(shapes.rule_between(line.y + 0.5 * line.size, line.y + 2.2 * line.size, x) for x in (first.x, second.x))


def sentence_row(cells: list[str]) -> bool:
    """Whether a table's bold first row holds sentences (a cell of more than twelve words, or of
    four or more ending in a full stop or question mark): a row set bold, not a header whose
    cells name the columns."""
    return any(len(c.split()) > 12 or (len(c.split()) >= 4 and c.rstrip()[-1:] in ".?!") for c in cells)


def tab_join(cells: list[tuple[str, Boxes]]) -> tuple[str, Boxes]:
    """Cells joined by tabs, empty cells kept (their place in the row matters)."""
    text: list[str] = []
    boxes: Boxes = []
    for i, (t, b) in enumerate(cells):
        if i:
            text.append("\t")
            boxes.append(None)
        text.append(t)
        boxes.extend(b)
    return "".join(text), boxes
