"""Questions whether a policy still holds (assistant.validity)."""

from __future__ import annotations

from assistant.validity import asks_validity, asks_version, status_line
from inkoopwijzer.types import DocumentMeta


def _meta(years: list[int], superseded_by: str | None = None, **extra: str) -> DocumentMeta:
    return DocumentMeta(
        document="a.pdf", doc_id="a", title="Inkoopbeleid ZG", insurer="Zilveren Kruis", content_hash="x",
        years=years, superseded_by=superseded_by, **extra,
    )


def test_a_validity_question_is_recognised() -> None:
    for text in (
        "Is het ZG-beleid van Zilveren Kruis nog geldig?",
        "Is the ZG policy still valid?",
        "Welk beleid is verouderd?",
        "Geldt het ZG-beleid van Zilveren Kruis nog?",
        "Is het inkoopbeleid ZG nog van toepassing?",
    ):
        assert asks_validity(text), text
    for text in ("Wanneer moet de offerte binnen zijn?", "Hoe lang is het contractvoorstel geldig?", "Is mijn contract nog geldig?", "Geldt het beleid ook voor ZBC's?"):
        assert not asks_validity(text), text


def test_the_status_line_says_outdated_superseded_or_current() -> None:
    assert status_line(_meta([2024, 2025]), 2026, "nl").startswith("**verouderd")
    assert "2024–2025" in status_line(_meta([2024, 2025]), 2026, "nl")
    assert status_line(_meta([2027]), 2026, "en").startswith("**current**")
    assert "b.pdf" in status_line(_meta([2027], superseded_by="b.pdf"), 2026, "nl")


def test_a_question_which_version_of_a_policy_holds_is_a_validity_question() -> None:
    for text in (
        "Which version of the 2027 MSZ purchasing policy is the current one?",
        "Welke versie van het inkoopbeleid van Zorg en Zekerheid geldt nu?",
        "Wat is de laatste versie van het zorginkoopbeleid?",
    ):
        assert asks_version(text) and asks_validity(text), text
    for text in ("Welke versie van de vragenlijst moet ik invullen?", "Wat is er gewijzigd in versie 2.0?"):
        assert not asks_validity(text), text


def test_the_status_line_names_the_version_and_its_date() -> None:
    meta = _meta([2027], version="1.1", published="2026-06-01")
    assert status_line(meta, 2026, "nl") == "**actueel** — geldt voor 2027 — versie 1.1 van 1 juni 2026"
    assert status_line(meta, 2026, "en").endswith("version 1.1 of 1 June 2026")
    assert status_line(_meta([2027], version="2.0"), 2026, "en").endswith("— version 2.0")


def test_a_published_date_that_is_no_date_leaves_the_version_alone() -> None:
    """A month outside 1-12 (a bad metadata date) names the version without a date, not a wrong month."""
    assert status_line(_meta([2027], version="1.1", published="2026-13-01"), 2026, "nl").endswith("— versie 1.1")
    assert status_line(_meta([2027], version="1.1", published="2026-00-01"), 2026, "en").endswith("— version 1.1")
