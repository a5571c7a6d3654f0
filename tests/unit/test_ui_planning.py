"""The Planning page's table, the comparison table in the chat and the desk's version diff (pure rendering)."""

from __future__ import annotations

from datetime import date

from conftest_server import FAKE_EVENTS, FakeAssistant

from assistant.planning import FactQuery
from inkoopwijzer.types import Answer, AnswerTable, Citation, PolicyDiff, SentenceChange, TableCell, TableRow
from ui.diffview import diff_html
from ui.planning import feed_url, planning_html
from ui.render import DocumentTexts, answer_markdown


def test_planning_table_rows_time_left_and_passages() -> None:
    fake = FakeAssistant()
    events = fake.events(FactQuery())
    page = planning_html(events, date(2026, 6, 19), DocumentTexts(fake.document_text), "/api/deadlines.ics?insurer=Salland")
    assert page.count('class="iw-plan-row') == 3
    assert "verlopen" in page and "over 12 dagen" in page  # 1 april 2026 is past, 1 juli 2026 twelve days ahead
    assert 'href="/api/deadlines.ics?insurer=Salland"' in page
    assert "2 met een vaste dag in de agenda" in page  # the month-only event is on the page, not in the feed
    assert "<details" in page and "<mark>De zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO.</mark>" in page
    assert 'data-label="Datum"' in page  # the cards at phone width label each cell
    assert "Geen data" in planning_html([], date(2026, 6, 19), DocumentTexts(fake.document_text), "/x")
    assert FAKE_EVENTS  # the fake's events are the ones rendered


def test_feed_url_carries_the_filters() -> None:
    assert feed_url([], [], None, False) == "/api/deadlines.ics"
    assert feed_url(["Zorg en Zekerheid"], ["MSZ"], 2027, True) == (
        "/api/deadlines.ics?insurer=Zorg+en+Zekerheid&care_type=MSZ&year=2027&include_outdated=true")


def test_comparison_answer_renders_as_a_table() -> None:
    cite = Citation(n=1, document="a.pdf", title="Beleid A", insurer="A", quote="Uiterlijk 15 september 2026.", start=0, end=28,
                    chunk_id="c")
    table = AnswerTable(lead="A het eerst: 15 september 2026", columns=["Datum"], rows=[
        TableRow(insurer="A", title="Beleid A", document="a.pdf", cells=[TableCell(value="15 september 2026", citation=1)]),
        TableRow(insurer="B", cells=[TableCell(value="niet gevonden in het beleid")]),
    ])
    answer = Answer(question="q", status="answered", answer="A het eerst …", citations=[cite], table=table)
    html = answer_markdown(answer, lambda _d: None)
    assert "<table" in html and "<th>Datum</th>" in html and "A het eerst: 15 september 2026" in html
    assert "15 september 2026 <span" in html and "[1]" in html and "niet gevonden in het beleid" in html
    assert "A het eerst …" not in html  # the table takes the place of the lines that state the same values


def test_comparison_table_leaves_its_quotes_to_the_sources() -> None:
    """The answer text is not shown under a table, so a quote it holds is still shown in its source."""
    cite = Citation(n=1, document="a.pdf", title="Beleid A", insurer="A", quote="Uiterlijk 15 september 2026.", start=0, end=28,
                    chunk_id="c")
    table = AnswerTable(lead="A het eerst: 15 september 2026", columns=["Datum"], rows=[
        TableRow(insurer="A", title="Beleid A", document="a.pdf", cells=[TableCell(value="15 september 2026", citation=1)]),
    ])
    answer = Answer(question="q", status="answered", answer="A: “Uiterlijk 15 september 2026.” [1]", citations=[cite], table=table)
    html = answer_markdown(answer, lambda _d: None)
    assert html.count("Uiterlijk 15 september 2026.") == 1 and 'class="iw-quote"' in html
    cite.quote = "15 september 2026"  # a quote the table already shows is not repeated
    assert 'class="iw-quote"' not in answer_markdown(answer, lambda _d: None)


def test_diff_highlights_changed_values() -> None:
    diff = PolicyDiff(old="v1.txt", new="v2.txt", unchanged=10, changes=[
        SentenceChange(kind="changed", old="Uiterlijk 1 oktober 2026 de offerte.", new="Uiterlijk 15 oktober 2026 de offerte.",
                       old_values=["1 oktober 2026"], new_values=["15 oktober 2026"]),
        SentenceChange(kind="removed", old="Een regel die verdwijnt."),
        SentenceChange(kind="added", new="Een nieuwe regel."),
    ])
    html = diff_html(diff)
    assert "1 gewijzigd, 1 geschrapt, 1 toegevoegd" in html
    assert "Uiterlijk <del><mark>1</mark></del> <mark>oktober</mark> <mark>2026</mark> de offerte." in html
    assert "Uiterlijk <ins><mark>15</mark></ins> <mark>oktober</mark> <mark>2026</mark> de offerte." in html
    assert "Een regel die verdwijnt." in html and "Een nieuwe regel." in html
