"""Plain text, Markdown, DOCX and HTML → blocks.

Plain text may be hard-wrapped (lines cut at a fixed width, sometimes with a blank line after
every line, as the ZG policy is). That is told from the line lengths, not from blank lines alone:
most lines fill the wrap width and many stop mid-sentence. Hard-wrapped lines are rejoined into
sentences (line-end hyphens mended) while real paragraph breaks are kept; a file of one-line
paragraphs is left as it is. Markdown headings (`#`, `##`) become section headings. Ligatures,
soft hyphens and other compatibility characters are normalised (`ingest.textnorm`).
"""

from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from inkoopwijzer.errors import IngestError

from .blocks import Block, RawDocument
from .textnorm import Hyphenation, normalize_text

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•●▪◦‣]|\d{1,2}[.)]|[a-z][.)])\s+")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÀ-Ý].{1,120})$")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 first, then cp1252, then charset detection."""
    if not data.strip():
        raise IngestError(f"{name}: file is empty.", "empty")
    sample = data[:8192]
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        raise IngestError(f"{name}: binary data, not text; upload the PDF or a text export.", "binary")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(f"{name}: cannot detect the text encoding; save it as UTF-8.", "encoding")
    return str(best)


def _control_ratio(sample: bytes) -> float:
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return ctrl / max(1, len(sample))


def strip_markdown_links(text: str) -> str:
    """Markdown links reduced to their text, and bold/italic markers dropped."""
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)


def _prose_lines(lines: list[str]) -> list[str]:
    """The lines that may be wrapped prose: not table rows, headings or list items."""
    return [
        ln.rstrip()
        for ln in lines
        if ln.strip() and "\t" not in ln and not _MD_HEADING.match(ln.strip()) and not _BULLET.match(ln)
    ]


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when the prose lines were cut at a fixed width: most fill it (the wrap width, at
    most ~120 characters), and many stop mid-sentence with the next line going on in lower case.
    One-line paragraphs (long, of any length, ending in a full stop) are not."""
    prose = _prose_lines(lines)
    if len(prose) < 10:
        return False
    widths = sorted(len(ln) for ln in prose)
    wrap = widths[int(len(widths) * 0.9)]
    if wrap > 130:
        return False
    filled = sum(1 for w in widths if w >= 0.6 * wrap) / len(widths)
    texts = [ln.strip() for ln in lines if ln.strip()]
    runs_on = sum(
        1
        for a, b in zip(texts, texts[1:], strict=False)
        if not _SENTENCE_END.search(a) and b[:1].islower() and "\t" not in a
    )
    return filled >= 0.35 and runs_on / len(prose) >= 0.2


def _paragraphs_hard_wrapped(lines: list[str], hyph: Hyphenation) -> list[str]:
    """Rejoin hard-wrapped lines. A paragraph ends at 2+ blank lines, or at a line that
    ends a sentence and is clearly shorter than the wrap width."""
    widths = sorted(len(ln.rstrip()) for ln in _prose_lines(lines))
    wrap = widths[int(len(widths) * 0.9)] if widths else 80
    paras: list[str] = []
    cur = ""
    blanks = 0
    for i, ln in enumerate(lines):
        if not ln.strip():
            blanks += 1
            continue
        if cur and (blanks >= 2 or "\t" in ln or _MD_HEADING.match(ln.strip()) or _BULLET.match(ln)):
            paras.append(cur)
            cur = ""
        at_break = not cur and (blanks >= 2 or not paras)
        blanks = 0
        if "\t" in ln or _MD_HEADING.match(ln.strip()):
            paras.append(ln.rstrip())
            continue
        nxt = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
        if at_break and _looks_like_title(ln.strip()) and not nxt[:1].islower():
            paras.append(ln.strip())  # a heading stands alone
            continue
        cur = hyph.joined(cur, ln.strip()) if cur else ln.strip()
        stripped = ln.rstrip()
        if _SENTENCE_END.search(stripped) and len(stripped) < wrap * 0.8:
            paras.append(cur)
            cur = ""
    if cur:
        paras.append(cur)
    return paras


def _paragraphs(text: str, hyph: Hyphenation) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if _is_hard_wrapped(lines):
        return _paragraphs_hard_wrapped(lines, hyph)
    paras: list[str] = []
    cur: list[str] = []
    for ln in lines:
        if not ln.strip():
            if cur:
                paras.append("\n".join(cur))
                cur = []
            continue
        cur.append(ln.rstrip())
    if cur:
        paras.append("\n".join(cur))
    return paras


def _classify(paras: list[str], hyph: Hyphenation | None = None) -> list[Block]:
    """Turn paragraphs (which may still hold several lines) into typed blocks."""
    blocks: list[Block] = []
    table_header = ""
    prev_was_row = False
    for para in paras:
        for raw_line in _split_lines(para, hyph or Hyphenation()):
            line = raw_line.strip()
            if not line:
                continue
            if "\t" in raw_line:
                cells = [c.strip() for c in raw_line.strip("\n").split("\t")]
                if not prev_was_row:
                    table_header = ""
                    if _looks_like_header(cells):
                        table_header = "\t".join(cells)
                        prev_was_row = True
                        blocks.append(Block("table_row", "\t".join(cells), is_header_row=True, cells=cells))
                        continue
                blocks.append(Block("table_row", "\t".join(cells), table_header=table_header, cells=cells))
                prev_was_row = True
                continue
            prev_was_row = False
            md = _MD_HEADING.match(line)
            if md:
                blocks.append(Block("heading", md.group(2), level=min(3, len(md.group(1)))))
            elif _BULLET.match(line):
                blocks.append(Block("list", _BULLET.sub("", line, count=1)))
            else:
                num = _NUMBERED_HEADING.match(line)
                if num and not _SENTENCE_END.search(line) and len(line) < 110:
                    blocks.append(Block("heading", line, level=min(3, num.group(1).count(".") + 1)))
                elif _looks_like_title(line):
                    blocks.append(Block("heading", line, level=1))
                else:
                    blocks.append(Block("para", " ".join(line.split())))
    mark_statements(blocks)
    return blocks


def _split_lines(para: str, hyph: Hyphenation) -> list[str]:
    """Lines of a paragraph: table rows and list items stand alone, other lines rejoin."""
    lines = para.split("\n")
    if len(lines) == 1:
        return lines
    out: list[str] = []
    for ln in lines:
        standalone = "\t" in ln or _BULLET.match(ln) or _MD_HEADING.match(ln.strip())
        if out and not standalone and "\t" not in out[-1] and not _MD_HEADING.match(out[-1].strip()):
            out[-1] = hyph.joined(out[-1], ln.strip())
        else:
            out.append(ln)
    return out


def _looks_like_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(len(c) < 40 and not re.search(r"\d{4}|[.:]$", c) for c in filled)


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 12
        and len(line) <= 90
        and not _SENTENCE_END.search(line)
        and not line.endswith(",")
        and (line[:1].isupper() or line[:1].isdigit())
    )


def mark_statements(blocks: list[Block]) -> None:
    """The one-line statement that opens a paragraph (Zilveren Kruis style), told by its text: one
    short sentence before a longer paragraph or a list. (A PDF that sets its statements bold is
    read by their weight instead: `ingest.pdf`.)"""
    for i, b in enumerate(blocks[:-1]):
        nxt = blocks[i + 1]
        if (
            b.kind == "para"
            and len(b.text) <= 160
            and b.text.endswith(".")
            and b.text.count(". ") == 0
            and nxt.kind in ("para", "list")
            and (len(nxt.text) > 1.5 * len(b.text) or nxt.kind == "list")
        ):
            b.kind = "statement"


def load_text(path: Path) -> RawDocument:
    text = normalize_text(decode_bytes(path.read_bytes(), path.name))
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        text = strip_markdown_links(text)
    hyph = Hyphenation(text.splitlines())
    blocks = _classify(_paragraphs(text, hyph), hyph)
    if not blocks:
        raise IngestError(f"{path.name}: no text found.", "empty")
    return RawDocument(blocks=blocks, hyphenation=hyph)


def load_docx(path: Path) -> RawDocument:
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise IngestError("python-docx is not installed.", "unsupported") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - a bad zip or XML means a corrupt file
        raise IngestError(f"{path.name}: corrupt DOCX ({exc.__class__.__name__}).", "corrupt") from exc
    from docx.table import Table

    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [[" ".join(normalize_text(c.text).split()) for c in row.cells] for row in item.rows]
            if not rows:
                continue
            header = "\t".join(rows[0])
            blocks.append(Block("table_row", header, is_header_row=True, cells=rows[0]))
            for cells in rows[1:]:
                blocks.append(Block("table_row", "\t".join(cells), table_header=header, cells=cells))
            continue
        text = " ".join(normalize_text(item.text).split())
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if style.lower().startswith("heading") or style.lower() == "title":
            level = int(re.sub(r"\D", "", style) or 1)
            blocks.append(Block("heading", text, level=min(3, level)))
        elif "list" in style.lower():
            blocks.append(Block("list", text))
        else:
            blocks.append(Block("para", text))
    if not blocks:
        raise IngestError(f"{path.name}: no text found.", "empty")
    mark_statements(blocks)
    title = (document.core_properties.title or "").strip()
    return RawDocument(blocks=blocks, file_meta={"title": title} if title else {})


def load_html(path: Path) -> RawDocument:
    from bs4 import BeautifulSoup

    html = normalize_text(decode_bytes(path.read_bytes(), path.name))
    soup = BeautifulSoup(html, "html.parser")
    title = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    for tag in soup(["script", "style", "nav", "footer", "header"]):
        tag.decompose()
    blocks: list[Block] = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "tr"]):
        if el.name == "tr":
            cells = [" ".join(td.get_text(" ").split()) for td in el.find_all(["td", "th"])]
            is_header = bool(el.find("th"))
            blocks.append(Block("table_row", "\t".join(cells), is_header_row=is_header, cells=cells))
            continue
        text = " ".join(el.get_text(" ").split())
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            blocks.append(Block("heading", text, level=min(3, int(el.name[1]))))
        elif el.name == "li":
            blocks.append(Block("list", text))
        else:
            blocks.append(Block("para", text))
    if not blocks:
        raise IngestError(f"{path.name}: no text found.", "empty")
    header = ""
    for b in blocks:
        if b.kind == "table_row":
            if b.is_header_row:
                header = b.text
            else:
                b.table_header = header
    mark_statements(blocks)
    return RawDocument(blocks=blocks, file_meta={"title": title} if title else {})
