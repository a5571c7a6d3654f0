"""Every PDF citation of the answers to the tuning split is placed on its page and drawn.

Renders each cited page with its highlight and counts the highlight's pixels. Writes the
figures to `test-artifacts/page-placement.json`; target (and assertion): 100 % placed.
Placements found by searching the page instead of the recorded positions are counted and
reported (the fallback while a document has no recorded positions).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest_server import highlight_pixels

from assistant.service import Assistant
from evals.gold import load_gold
from inkoopwijzer.settings import REPO_ROOT
from ui.pages import Highlight, PageViews

pytestmark = pytest.mark.integration

TUNING = REPO_ROOT / "evals" / "data" / "tuning.jsonl"
ARTIFACTS = REPO_ROOT / "test-artifacts"


def test_every_pdf_citation_of_the_tuning_answers_is_placed(settings: Any, tmp_path: Path) -> None:
    assistant = Assistant(settings)

    def file_of(document: str) -> Path | None:
        source = assistant.document_source(document)
        return Path(source) if source else None

    views = PageViews(tmp_path, assistant.document_layout, file_of)
    total = placed = drawn = 0
    pages_drawn = 0
    misses: list[str] = []
    for q in load_gold(TUNING).questions:
        answer = assistant.ask(q.question, history=q.history)
        for c in answer.citations:
            if not c.document.lower().endswith(".pdf"):
                continue
            total += 1
            pages = views.citation_pages(c)
            rects = views.place(c.document, c.start, c.end)
            where = f"{q.id} [{c.n}] {c.document} p.{pages} {c.quote[:80]!r}"
            if not rects or not set(rects) & set(pages + [p + 1 for p in pages]):
                misses.append(f"not placed: {where}")
                continue
            placed += 1
            h = Highlight(c.chunk_id, c.start, c.end)
            pixels = [highlight_pixels(views.png(c.document, p, h)) for p in sorted(rects)]
            pages_drawn += len(pixels)
            if min(pixels) > 100:
                drawn += 1
            else:
                misses.append(f"placed but not drawn ({pixels} px): {where}")
    report = {
        "citations": total,
        "placed": placed,
        "drawn": drawn,
        "placement_rate": round(placed / total, 4) if total else None,
        "pages_rendered": pages_drawn,
        "how": dict(views.counts),  # recorded positions vs the page-text fallback vs unplaced
        "misses": misses,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-placement.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\npage view: {placed} of {total} tuning PDF citations placed, {drawn} drawn; {dict(views.counts)}")
    assert total > 50
    assert placed == drawn == total, "\n".join(misses[:20])
