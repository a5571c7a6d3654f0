"""Questions whether a policy still holds (assistant.validity)."""

from __future__ import annotations

from assistant.validity import asks_validity, status_line
from inkoopwijzer.types import DocumentMeta


def _meta(years: list[int], superseded_by: str | None = None) -> DocumentMeta:
    return DocumentMeta(
        document="a.pdf", doc_id="a", title="Inkoopbeleid ZG", insurer="Zilveren Kruis", content_hash="x",
        years=years, superseded_by=superseded_by,
    )


def test_a_validity_question_is_recognised() -> None:
    for text in ("Is het ZG-beleid van Zilveren Kruis nog geldig?", "Is the ZG policy still valid?", "Welk beleid is verouderd?"):
        assert asks_validity(text), text
    for text in ("Wanneer moet de offerte binnen zijn?", "Hoe lang is het contractvoorstel geldig?", "Is mijn contract nog geldig?"):
        assert not asks_validity(text), text


def test_the_status_line_says_outdated_superseded_or_current() -> None:
    assert status_line(_meta([2024, 2025]), 2026, "nl").startswith("**verouderd")
    assert "2024–2025" in status_line(_meta([2024, 2025]), 2026, "nl")
    assert status_line(_meta([2027]), 2026, "en").startswith("**current**")
    assert "b.pdf" in status_line(_meta([2027], superseded_by="b.pdf"), 2026, "nl")
