"""Page-view layouts: the word boxes of a document are held compactly (`TextBoxes`), and the
assistant's layout cache keeps to a size, not a count. (The memory figures: bench/bench_layout.py.)"""

from __future__ import annotations

import gc
import json
import pickle
import tracemalloc
from pathlib import Path

import pytest

from assistant import service
from assistant.service import Assistant
from index.store import current_version
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Chunk, DocumentMeta, TextBox, TextBoxes


def _box_rows(n: int) -> list[list[float]]:
    """`n` word boxes as the index stores them: [start, end, page, x0, y0, x1, y1]."""
    return [[6 * i, 6 * i + 5, 1 + i // 400, 72.0 + (i % 8) * 60.25, 700.5 - (i % 400), 120.75 + (i % 8) * 60, 712.0]
            for i in range(n)]


def _index(data_dir: Path, boxes_per_document: dict[str, int]) -> Settings:
    """An index version on disk as `index.store` writes it (documents, texts, passages, word boxes),
    without the search parts a layout does not read."""
    settings = Settings(data_dir=data_dir)
    version = settings.index_dir / "v-1"
    (version / "texts").mkdir(parents=True)
    documents, chunks = [], []
    for name, n in boxes_per_document.items():
        doc_id = name.removesuffix(".pdf")
        text = "woord " * n
        (version / "texts" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (version / "texts" / f"{doc_id}.pages.json").write_text("[[0, 1]]", encoding="utf-8")
        (version / "texts" / f"{doc_id}.boxes.json").write_text(json.dumps(_box_rows(n)), encoding="utf-8")
        meta = DocumentMeta(document=name, doc_id=doc_id, title=doc_id, content_hash=doc_id)
        documents.append({"meta": meta.model_dump(), "source": ""})
        chunks.append(Chunk(id=f"{doc_id}-1", document=name, text=text[:20], start=0, end=20))
    (version / "documents.json").write_text(json.dumps(documents), encoding="utf-8")
    (version / "chunks.jsonl").write_text("".join(c.model_dump_json() + "\n" for c in chunks), encoding="utf-8")
    (settings.index_dir / "current.json").write_text(json.dumps({"version": "v-1"}), encoding="utf-8")
    return settings


def test_text_boxes_read_like_a_list_of_text_boxes() -> None:
    rows = _box_rows(5)
    boxes = TextBoxes(rows)
    assert len(boxes) == 5 and boxes.rows() == rows
    assert boxes[1] == TextBox(start=6, end=11, page=1, x0=132.25, y0=699.5, x1=180.75, y1=712.0)
    assert boxes[1].x0 == 132.25 and boxes[-1].start == 24
    assert list(boxes[1:3]) == [TextBox(*r) for r in rows[1:3]] and isinstance(boxes[::2], TextBoxes)
    assert boxes == [TextBox(*r) for r in rows] and TextBoxes(list(boxes)) == boxes
    assert pickle.loads(pickle.dumps(boxes)) == boxes  # as the parser's child process sends them
    assert not TextBoxes() and TextBoxes().rows() == []
    with pytest.raises(TypeError):
        TextBoxes([[0.5, 1, 1, 0, 0, 1, 1]])  # offsets are whole numbers


def test_recorded_boxes_are_held_compactly(tmp_path: Path) -> None:
    n = 20_000
    version = current_version(_index(tmp_path, {"groot.pdf": n}))
    assert version is not None
    gc.collect()
    tracemalloc.start()
    try:
        boxes = version.boxes("groot.pdf")
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(boxes) == n and boxes[n - 1] == TextBox(*_box_rows(n)[-1])
    # one pydantic model a box kept ~1,200 bytes each (24 MB here); typed arrays keep 44
    assert kept < 100 * n, f"{kept / n:.0f} bytes a box"


def test_the_layout_cache_keeps_to_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _index(tmp_path, {"a.pdf": 2_000, "b.pdf": 2_000, "c.pdf": 2_000, "d.pdf": 20_000})
    assistant = Assistant(settings)
    one = assistant.document_layout("a.pdf").nbytes
    assert one > 2_000 * 44
    monkeypatch.setattr(service, "LAYOUT_CACHE_BYTES", int(2.5 * one))  # room for two of a, b, c
    reads: list[str] = []
    version_type = type(current_version(settings))
    read_text = version_type.text
    monkeypatch.setattr(version_type, "text", lambda self, document: reads.append(document) or read_text(self, document))
    for name in ["b.pdf", "c.pdf", "a.pdf", "c.pdf"]:  # a is gone by now (the least recently used); c was used again
        assistant.document_layout(name)
    assert reads == ["b.pdf", "c.pdf", "a.pdf"]
    assistant.document_layout("b.pdf")  # b went when a came in
    assert reads[-1] == "b.pdf"
    layout = assistant.document_layout("d.pdf")  # larger than the whole cache: served, and kept alone
    assert len(layout.boxes) == 20_000 and layout.nbytes > service.LAYOUT_CACHE_BYTES
    assistant.document_layout("d.pdf")
    assert reads[-1] == "d.pdf" and reads.count("d.pdf") == 1
    assistant.document_layout("c.pdf")
    assert reads[-1] == "c.pdf"
