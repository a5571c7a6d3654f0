"""One file → `ParsedDocument` (metadata, document text, passages); folders → files."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inkoopwijzer import vocab
from inkoopwijzer.errors import IngestError
from inkoopwijzer.types import Chunk, DocumentMeta, FileReport, TextBoxes

from .blocks import Block, RawDocument
from .chunker import make_chunks
from .metadata import find_metadata
from .pdf import load_pdf
from .safety import check_archive
from .structure import drop_toc, join_broken_sentences, levels_from_contents, place_blocks_with_boxes
from .text import load_docx, load_html, load_text, mark_statements
from .textnorm import Hyphenation

# Bumped when parsing the same file gives different passages (2: a sentence broken over two
# blocks is mended; 3: PDFs read by pypdfium2 with character boxes, ligatures and line-end
# hyphens mended, two-column pages, OCR of scans, metadata from the registries; 4: PDFs' symbol-font
# and drawn bullets, ruled table rows, paragraph spacing, statements told by their text where none is bold;
# 5: PDF tables that run over a page or column break, numbered rows of ruled tables, a column's lines
# built apart on two-column pages); 6: a word a narrow column broke without a hyphen rejoined, heading
# levels from the document's own contents when its headings share one level).
# An index parsed by an older parser is parsed again from its source files.
PARSER_VERSION = 6

SUPPORTED = {".pdf", ".txt", ".md", ".markdown", ".docx", ".html", ".htm"}


@dataclass
class ParsedDocument:
    meta: DocumentMeta
    text: str
    chunks: list[Chunk]
    pages: list[tuple[int, int]]  # (offset where a block starts, its page); empty when unpaged
    boxes: TextBoxes = field(default_factory=TextBoxes)  # PDF: where each word of `text` is drawn
    report: FileReport | None = None


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: given files as they are, folders walked (hidden files skipped)."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if f.name != "catalog.json":
                        yield f
        else:
            yield p


def _load(path: Path, max_pages: int, on_ocr_page: Callable[[int], None] | None, ocr_page_timeout_s: float | None) -> RawDocument:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(path, max_pages=max_pages, on_ocr_page=on_ocr_page, ocr_page_timeout_s=ocr_page_timeout_s)
    if suffix in (".txt", ".md", ".markdown"):
        return load_text(path)
    if suffix == ".docx":
        return load_docx(path)
    if suffix in (".html", ".htm"):
        return load_html(path)
    raise IngestError(
        f"{path.name}: unsupported file type '{suffix or '(none)'}'; use PDF, TXT, MD, DOCX or HTML.",
        "unsupported",
    )


def parse_file(
    path: Path,
    *,
    max_file_mb: float = 50.0,
    max_pages: int = 2000,
    chunk_target: int = 900,
    catalog: dict[str, dict[str, Any]] | None = None,
    max_inflated_mb: float = 100.0,
    max_zip_ratio: float = 100.0,
    on_ocr_page: Callable[[int], None] | None = None,
    ocr_page_timeout_s: float | None = None,
) -> ParsedDocument:
    """Parse one file into metadata, text and chunks; raises `IngestError` on a bad file
    (a zip-based one that would unpack to too much is refused unread: `ingest.safety`).
    `on_ocr_page(page)` is called before a scanned page is read by OCR, which may take
    `ocr_page_timeout_s` a page (`ingest.ocr.TIMEOUT_S` when None)."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file.", "missing")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path.name}: file is empty (0 bytes).", "empty")
    if size > max_file_mb * 1024 * 1024:
        raise IngestError(
            f"{path.name}: {size / 1024 / 1024:.1f} MB is over the size limit of {max_file_mb:g} MB "
            "(INKOOPWIJZER_MAX_FILE_MB).",
            "too_large",
        )
    if path.suffix.lower() in SUPPORTED:  # (an unsupported type is refused as such by `_load`)
        check_archive(path, max_inflated_mb, max_zip_ratio)
    raw = _load(path, max_pages, on_ocr_page, ocr_page_timeout_s)
    hyphenation = raw.hyphenation if isinstance(raw.hyphenation, Hyphenation) else Hyphenation(b.text for b in raw.blocks)
    blocks = join_broken_sentences(drop_toc(levels_from_contents(raw.blocks)), hyphenation)
    if raw.statements_by_text:
        mark_statements(blocks)
    text, placed, boxes = place_blocks_with_boxes(blocks)
    if len(text.strip()) < 20:
        raise IngestError(f"{path.name}: no usable text found.", "empty")
    meta, warnings = _metadata(path, raw, blocks, text, catalog or {})
    chunks = make_chunks(meta.doc_id, meta.document, text, placed, target=chunk_target)
    pages = [(p.start, p.block.page) for p in placed if p.block.page is not None]
    if raw.ocr_pages:
        warnings.append(f"OCR used on page(s) {', '.join(map(str, raw.ocr_pages))}: check the quotes against the page")
    report = FileReport(
        document=meta.document,
        title=meta.title,
        insurer=meta.insurer,
        insurer_registered=meta.insurer is not None and vocab.insurer(meta.insurer) is not None,
        care_types=meta.care_types,
        years=meta.years,
        version=meta.version,
        pages=meta.pages,
        passages=len(chunks),
        tables=_tables(blocks),
        ocr_pages=raw.ocr_pages,
        warnings=warnings,
    )
    return ParsedDocument(meta=meta, text=text, chunks=chunks, pages=pages, boxes=TextBoxes(boxes), report=report)


def _tables(blocks: list[Block]) -> int:
    """Runs of table rows (a table broken over pages counts once)."""
    n = 0
    prev = ""
    for b in blocks:
        if b.kind == "table_row" and prev != "table_row":
            n += 1
        prev = b.kind
    return n


def _metadata(
    path: Path, raw: RawDocument, blocks: list[Block], text: str, catalog: dict[str, dict[str, Any]]
) -> tuple[DocumentMeta, list[str]]:
    found = find_metadata(blocks, text, raw.file_meta, raw.running, path.stem)
    fields: dict[str, Any] = {
        "document": path.name,
        "doc_id": re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem),
        "title": found.title,
        "insurer": found.insurer,
        "care_types": found.care_types,
        "years": found.years,
        "version": found.version,
        "published": found.published,
        "content_hash": hashlib.sha256(path.read_bytes()).hexdigest(),
        "pages": raw.pages,
    }
    override = catalog.get(path.name) or catalog.get(path.stem) or {}
    allowed = set(DocumentMeta.model_fields) - {"document", "doc_id", "content_hash"}
    fields.update({k: v for k, v in override.items() if k in allowed})
    return DocumentMeta(**fields), list(found.warnings)
