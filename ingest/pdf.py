"""PDF → blocks, through pypdf's text visitor (positions, fonts and sizes).

What it keeps: the page of every block, reading order (top to bottom), headings
(by size and weight), list items, and tables as rows of cells with the table's header
row. What it drops: running headers and footers, page numbers.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from inkoopwijzer.errors import IngestError

from .blocks import Block, RawDocument

_BULLETS = {"•", "●", "▪", "■", "◦", "‣", "-", "–", "*", "o", ""}
_ENUM = re.compile(r"^(\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]$")
_PAGE_NO = re.compile(r"^(pagina|page|blz\.?)?\s*\d{1,4}(\s*(van|of|/)\s*\d{1,4})?$", re.I)


@dataclass
class _Seg:
    x: float
    y: float
    size: float
    bold: bool
    text: str


@dataclass
class _Line:
    y: float
    size: float
    cells: list[tuple[float, str, bool]] = field(default_factory=list)  # (x, text, all-bold)

    @property
    def text(self) -> str:
        return " ".join(c[1] for c in self.cells)

    @property
    def x(self) -> float:
        return self.cells[0][0]

    @property
    def bold(self) -> bool:
        return all(c[2] for c in self.cells)


def _page_segments(page: object) -> list[_Seg]:
    segs: list[_Seg] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(cm[3]) or 1.0
        name = str((font or {}).get("/BaseFont", ""))
        bold = "bold" in name.lower() or "black" in name.lower()
        for part in text.split("\n"):
            if part.strip():
                segs.append(_Seg(x, y, round(size * scale * abs(tm[3] or 1), 1), bold, part))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return segs


def _lines(segs: list[_Seg]) -> list[_Line]:
    """Group segments into lines (same baseline) and a line's segments into cells (by x)."""
    segs = sorted(segs, key=lambda s: (-round(s.y, 0), s.x))
    lines: list[_Line] = []
    for s in segs:
        if lines and abs(lines[-1].y - s.y) <= 1.5:
            line = lines[-1]
            last_x, last_text, last_bold = line.cells[-1]
            if abs(last_x - s.x) <= 1.0:  # a run in the same text object: same cell
                joiner = "" if last_text.endswith(" ") or s.text.startswith(" ") else " "
                line.cells[-1] = (last_x, last_text + joiner + s.text, last_bold and s.bold)
            else:
                line.cells.append((s.x, s.text, s.bold))
            line.size = max(line.size, s.size)
        else:
            lines.append(_Line(s.y, s.size, [(s.x, s.text, s.bold)]))
    for line in lines:
        line.cells = [(x, " ".join(t.split()), b) for x, t, b in line.cells]
    return lines


def _norm_running(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _running_lines(pages: list[list[_Line]]) -> set[tuple[str, int]]:
    """(normalised text, rounded y) pairs that recur on many pages: headers and footers."""
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        seen = {(_norm_running(ln.text), round(ln.y)) for ln in lines}
        counts.update(seen)
    threshold = max(2, int(len(pages) * 0.4))
    return {key for key, n in counts.items() if n >= threshold and len(pages) >= 3}


def _is_margin_noise(line: _Line, height: float) -> bool:
    in_margin = line.y < height * 0.07 or line.y > height * 0.93
    return in_margin and bool(_PAGE_NO.match(line.text.strip()))


class _PageBuilder:
    """Turns the lines of one page into blocks."""

    def __init__(self, page_no: int, body_size: float, margin_x: float) -> None:
        self.page_no = page_no
        self.body_size = body_size
        self.margin_x = margin_x
        self.blocks: list[Block] = []
        self._para: list[_Line] = []
        self._para_kind = "para"
        self._table_cols: list[float] = []
        self._table_rows: list[list[list[str]]] = []
        self._table_header: list[str] = []
        self._row_y = 0.0
        self._last_y: float | None = None
        self.last_heading = ""

    # paragraphs -----------------------------------------------------------
    def _flush_para(self) -> None:
        if not self._para:
            return
        text = " ".join(ln.text for ln in self._para).strip()
        first = self._para[0]
        kind = self._para_kind
        if kind == "list":
            text = re.sub(r"^\s*[•●▪■◦‣*–-]\s+", "", text)
        level = 0
        if kind == "heading":
            level = 1 if first.size >= self.body_size * 1.6 else 2
            self.last_heading = text
        self.blocks.append(Block(kind=kind, text=text, page=self.page_no, level=level))  # type: ignore[arg-type]
        self._para = []

    def _line_kind(self, line: _Line) -> str:
        if line.bold and line.size >= self.body_size * 1.2:
            return "heading"
        if line.bold and len(line.cells) == 1:
            return "statement"
        if len(line.cells) >= 2 and (line.cells[0][1] in _BULLETS or _ENUM.match(line.cells[0][1])):
            return "list"
        if re.match(r"^[•●▪■◦‣]\s", line.text):
            return "list"
        return "para"

    # tables ---------------------------------------------------------------
    def _in_table_columns(self, line: _Line) -> bool:
        return bool(self._table_cols) and all(
            any(abs(x - c) <= 2.0 for c in self._table_cols) for x, _, _ in line.cells
        )

    def _flush_table(self) -> None:
        if not self._table_rows:
            return
        header = "\t".join(self._table_header)
        if header.strip():
            self.blocks.append(
                Block(
                    kind="table_row",
                    text=header,
                    page=self.page_no,
                    table_header=header,
                    table_caption=self.last_heading,
                    is_header_row=True,
                    cells=list(self._table_header),
                )
            )
        for row in self._table_rows:
            cells = [" ".join(parts).strip() for parts in row]
            self.blocks.append(
                Block(
                    kind="table_row",
                    text="\t".join(c for c in cells),
                    page=self.page_no,
                    table_header=header,
                    table_caption=self.last_heading,
                    cells=cells,
                )
            )
        self._table_cols, self._table_rows, self._table_header = [], [], []

    def _add_table_line(self, line: _Line) -> None:
        gap = (self._row_y - line.y) if self._table_rows else 999.0
        new_row = not self._table_rows or gap > line.size * 1.6
        header_line = not self._table_rows and all(c[2] for c in line.cells)
        if header_line and (not self._table_header or not new_row):
            if not self._table_header:
                self._table_header = ["" for _ in self._table_cols]
            for x, text, _ in line.cells:
                col = min(range(len(self._table_cols)), key=lambda i: abs(self._table_cols[i] - x))
                self._table_header[col] = f"{self._table_header[col]} {text}".strip()
            self._row_y = line.y
            return
        if new_row:
            self._table_rows.append([[] for _ in self._table_cols])
        row = self._table_rows[-1]
        for x, text, _ in line.cells:
            col = min(range(len(self._table_cols)), key=lambda i: abs(self._table_cols[i] - x))
            row[col].append(text)
        self._row_y = line.y

    # driver ---------------------------------------------------------------
    def add(self, line: _Line) -> None:
        kind = self._line_kind(line)
        if len(line.cells) >= 2 and kind != "list":
            if not self._in_table_columns(line):
                self._flush_para()
                self._flush_table()
                self._table_cols = [c[0] for c in line.cells]
            self._add_table_line(line)
            self._last_y = line.y
            return
        if self._table_cols and self._in_table_columns(line) and abs(line.x - self.margin_x) > 1.0:
            self._add_table_line(line)
            self._last_y = line.y
            return
        self._flush_table()
        gap = (self._last_y - line.y) if self._last_y is not None else 999.0
        prev = self._para[-1] if self._para else None
        same_block = (
            prev is not None
            and gap <= max(prev.size, line.size) * 1.75
            and (
                (kind == self._para_kind and kind in ("heading", "statement"))
                or (kind == "para" and self._para_kind in ("para", "list"))
            )
            and abs(line.size - prev.size) < 0.6
        )
        continues = (
            prev is not None
            and gap <= max(prev.size, line.size) * 1.75
            and self._para_kind in ("para", "list")
            and abs(line.size - prev.size) < 0.6
        )
        if continues and kind == "statement":
            same_block = True  # a bold run inside a paragraph, not a new statement
        if self._para_kind == "list" and kind == "para" and abs(line.x - self.margin_x) <= 1.0:
            # back at the margin: the list item ended, unless its sentence runs on
            same_block = continues and line.text[:1].islower()
        if not same_block:
            self._flush_para()
            self._para_kind = kind
        self._para.append(line)
        self._last_y = line.y

    def finish(self) -> list[Block]:
        self._flush_para()
        self._flush_table()
        return self.blocks


def load_pdf(path: Path, max_pages: int = 2000) -> RawDocument:
    """Read a PDF into blocks; raises `IngestError` with a reason a user can act on."""
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = bool(reader.decrypt(""))
            except Exception:  # noqa: BLE001 - pypdf raises several types here
                ok = False
            if not ok:
                raise IngestError(f"{path.name}: PDF is encrypted (password protected); upload an unprotected copy.", "encrypted")
        n_pages = len(reader.pages)
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError(f"{path.name}: PDF is encrypted; upload an unprotected copy.", "encrypted") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError, OSError) as exc:
        raise IngestError(f"{path.name}: corrupt or truncated PDF ({exc.__class__.__name__}: {exc}).", "corrupt") from exc
    if n_pages == 0:
        raise IngestError(f"{path.name}: PDF has no pages.", "empty")
    if n_pages > max_pages:
        raise IngestError(f"{path.name}: PDF has {n_pages} pages, over the limit of {max_pages}.", "too_large")

    page_lines: list[list[_Line]] = []
    height = 842.0
    try:
        for page in reader.pages:
            height = float(page.mediabox.height) or height
            page_lines.append(_lines(_page_segments(page)))
    except RecursionError as exc:
        raise IngestError(f"{path.name}: PDF structure too deeply nested to parse safely.", "corrupt") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure means a bad file
        raise IngestError(f"{path.name}: corrupt PDF ({exc.__class__.__name__}: {exc}).", "corrupt") from exc

    if not any(ln.text.strip() for lines in page_lines for ln in lines):
        raise IngestError(f"{path.name}: PDF has no text layer (scanned?); run OCR first.", "no_text")

    running = _running_lines(page_lines)
    sizes = [ln.size for lines in page_lines for ln in lines if not ln.bold]
    body_size = statistics.mode(sizes) if sizes else 10.0
    xs = [ln.x for lines in page_lines for ln in lines if abs(ln.size - body_size) < 0.6]
    margin_x = statistics.mode([round(x, 1) for x in xs]) if xs else 0.0

    blocks: list[Block] = []
    last_heading = ""
    for page_no, lines in enumerate(page_lines, start=1):
        builder = _PageBuilder(page_no, body_size, margin_x)
        builder.last_heading = last_heading
        for line in lines:
            if (_norm_running(line.text), round(line.y)) in running or _is_margin_noise(line, height):
                continue
            builder.add(line)
        page_blocks = builder.finish()
        last_heading = builder.last_heading
        blocks.extend(_join_across_pages(blocks, page_blocks))
    meta = {k.lstrip("/").lower(): str(v) for k, v in (reader.metadata or {}).items() if v}
    return RawDocument(blocks=blocks, pages=n_pages, file_meta=meta)


def _join_across_pages(before: list[Block], page_blocks: list[Block]) -> list[Block]:
    """A table that runs over a page break keeps its header and caption on the next page.

    (A paragraph broken by the page break is mended for every format alike, in
    `structure.join_broken_sentences`.)"""
    if not before or not page_blocks:
        return page_blocks
    last, first = before[-1], page_blocks[0]
    if last.kind == "table_row" and first.kind == "table_row" and not first.table_header:
        for b in page_blocks:
            if b.kind != "table_row":
                break
            b.table_header = last.table_header
            b.table_caption = last.table_caption
    return page_blocks
