"""Blocks → passages sized for retrieval, never cutting a sentence, a date or an amount.

A passage is a run of whole blocks within one section. List items stay with the
sentence that introduces them; table rows stay in tables and every passage cut from a
table carries the table's caption and column headers in `context`.
"""

from __future__ import annotations

import hashlib
import re

from inkoopwijzer.types import Chunk

from .structure import PlacedBlock

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9'\"(])")


def chunk_id(doc_id: str, text: str) -> str:
    return hashlib.sha1(f"{doc_id}\x00{text}".encode()).hexdigest()[:20]


def _table_context(b: PlacedBlock) -> str:
    parts = []
    if b.block.table_caption:
        parts.append(b.block.table_caption)
    if b.block.table_header:
        parts.append(" | ".join(c for c in b.block.table_header.split("\t")))
    return "\n".join(parts)


def _kind(group: list[PlacedBlock]) -> str:
    kinds = {g.block.kind for g in group}
    if "table_row" in kinds:
        return "table"
    if "list" in kinds:
        return "list"
    return "text"


def _split_long(doc_text: str, b: PlacedBlock, target: int) -> list[tuple[int, int]]:
    """Split one over-long block at sentence boundaries into spans of about `target`."""
    text = doc_text[b.start : b.end]
    spans: list[tuple[int, int]] = []
    cur_start = 0
    last_cut = 0
    for m in _SENT_SPLIT.finditer(text):
        if m.start() - cur_start >= target and last_cut > cur_start:
            spans.append((cur_start, last_cut))
            cur_start = m.end() if last_cut == m.start() else _next_start(text, last_cut)
        last_cut = m.start()
    spans.append((cur_start, len(text)))
    return [(b.start + s, b.start + e) for s, e in spans if text[s:e].strip()]


def _next_start(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def make_chunks(
    doc_id: str, document: str, doc_text: str, placed: list[PlacedBlock], target: int = 900
) -> list[Chunk]:
    """Group placed blocks into chunks of roughly `target` characters."""
    chunks: list[Chunk] = []
    group: list[PlacedBlock] = []
    context = ""

    def emit() -> None:
        nonlocal group, context
        content = [g for g in group if g.block.kind != "heading"] or group
        if not content:
            group = []
            return
        start, end = group[0].start, group[-1].end
        text = doc_text[start:end]
        pages = [g.block.page for g in group if g.block.page is not None]
        section = content[0].section
        chunks.append(
            Chunk(
                id=chunk_id(doc_id, f"{start}:{text}"),
                document=document,
                text=text,
                context=context,
                section=section,
                page=pages[0] if pages else None,
                page_end=pages[-1] if pages else None,
                start=start,
                end=end,
                kind=_kind(group),  # type: ignore[arg-type]
                ocr=any(g.block.ocr for g in group),
            )
        )
        group = []
        context = ""

    def size() -> int:
        return group[-1].end - group[0].start if group else 0

    for b in placed:
        kind = b.block.kind
        if kind == "heading":
            # a heading opens a new passage, unless the group holds only headings
            if group and any(g.block.kind != "heading" for g in group):
                emit()
            group.append(b)
            continue
        if group and group[-1].block.ocr != b.block.ocr and any(g.block.kind != "heading" for g in group):
            emit()  # text read by OCR is never in a passage with text from a text layer: its citation says so
        prev_kind = group[-1].block.kind if group else None
        in_table = prev_kind == "table_row" and kind == "table_row"
        in_list = kind == "list" and prev_kind in ("list", "para", "statement") and (
            prev_kind == "list" or group[-1].block.text.rstrip().endswith(":")
        )
        would_be = (b.end - group[0].start) if group else (b.end - b.start)
        if group and kind == "statement" and size() > target * 0.4:
            emit()
        elif group and would_be > target and any(g.block.kind != "heading" for g in group):
            carry = ""
            if in_table:
                carry = _table_context(b)
            elif in_list:
                intro = next((g for g in reversed(group) if g.block.kind != "list"), None)
                if intro is not None:
                    carry = doc_text[intro.start : intro.end]
            emit()
            context = carry
        elif group and kind == "table_row" and prev_kind != "table_row" and size() > target * 0.5:
            emit()
        if b.end - b.start > target * 1.6 and kind in ("para", "list"):
            if group and any(g.block.kind != "heading" for g in group):
                emit()
            for s, e in _split_long(doc_text, b, target):
                part = PlacedBlock(b.block, s, e, b.section)
                group.append(part)
                emit()
            continue
        if kind == "table_row" and not group:
            context = _table_context(b)
        elif kind == "table_row" and prev_kind != "table_row":
            context = "\n".join(x for x in (context, _table_context(b)) if x)
        group.append(b)
    if group:
        emit()
    return chunks
