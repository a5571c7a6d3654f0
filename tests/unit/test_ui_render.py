"""Rendering an `Answer`: sources with quote and context, PDF links, not_found, debug, exports."""

from __future__ import annotations

import json
import re

from conftest_server import FakeAssistant

from inkoopwijzer.types import Answer, Citation, RetrievedPassage
from ui.render import (
    DocumentTexts,
    answer_markdown,
    build_message,
    conversation_json,
    conversation_markdown,
    debug_html,
    document_url,
    passage_in_context,
)

fake = FakeAssistant()
texts = DocumentTexts(fake.document_text)


def _answer(question: str, debug: bool = False) -> Answer:
    return fake.ask(question, debug=debug)


def test_citation_shows_insurer_title_section_page_and_quote() -> None:
    md = answer_markdown(_answer("deadline offerte salland?"), texts)
    assert md.startswith('<div class="iw-answer"><p>Bij Salland moet de offerte uiterlijk 1 juli 2026')
    assert "Bronnen" in md
    assert "<strong>Salland</strong>" in md
    assert "Zorginkoopbeleid 2027 Medisch-specialistische zorg" in md
    assert "Inkoopproces › Offerte" in md
    assert "p.&nbsp;9" in md
    assert "“De zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO.”" in md


def test_citation_opens_to_its_context_with_the_quote_marked() -> None:
    md = answer_markdown(_answer("Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis?"), texts)
    assert '<details class="iw-context">' in md
    assert "<mark>Een nieuwe zorgaanbieder kan zich tot uiterlijk 1 april 2026 aanmelden" in md
    assert "Zorgaanbieders die nog geen overeenkomst met ons hebben" in md  # text before the quote
    assert "Na deze datum nemen wij" in md  # text after the quote


def test_pdf_link_opens_the_cited_page() -> None:
    md = answer_markdown(_answer("deadline offerte salland?"), texts)
    assert 'href="/api/documents/004_112e050678cf724a.pdf/file#page=9"' in md
    assert 'target="_blank" rel="noopener"' in md
    assert document_url("beleid.docx", 3) is None
    assert document_url("a b.pdf", None) == "/api/documents/a%20b.pdf/file"


def test_html_blocks_stay_on_one_line() -> None:
    # A blank line inside an HTML block would end it in the chat's Markdown.
    md = answer_markdown(_answer("zbc eisen"), texts)
    for block in md.split("\n\n")[1:]:
        assert "\n" not in block


def test_not_found_shows_the_message_and_related_passages_apart() -> None:
    answer = _answer("wat is de kleur van de lucht?")
    md = answer_markdown(answer, texts)
    assert md.startswith('<div class="iw-answer"><p>Ik kan dit niet vinden in de beleidsdocumenten.')
    assert "Mogelijk relevant" in md and "iw-related" in md
    assert "Bronnen" not in md


def test_notices_and_outdated_sources_are_visible() -> None:
    md = answer_markdown(_answer("termijn zintuiglijke gehandicaptenzorg?"), texts)
    assert md.startswith('<div class="iw-notice" role="note"><svg class="iw-icon"')
    assert "</svg> Dit beleid (2024-2025) is verouderd" in md.split("\n\n")[0]
    assert '<span class="iw-badge">verouderd</span>' in md


_EMOJI = re.compile("[\u2190-\u21ff\u2600-\u27bf\U0001f300-\U0001faff\ufe0f]")


def test_icons_need_no_emoji_font() -> None:
    for question in ("termijn zintuiglijke gehandicaptenzorg?", "deadline offerte salland?", "wat is de kleur van de lucht?"):
        md = answer_markdown(_answer(question), texts)
        assert not _EMOJI.findall(md), question


def test_each_quote_is_shown_once() -> None:
    # today's long answers quote in the text: the source then shows where it stands, not the quote again
    answer = _answer("zbc eisen")
    quote = answer.citations[0].quote
    answer.answer = f"Volgens het beleid: “{quote}” [1] Verder geldt een minimum [2]."
    md = _visible(answer_markdown(answer, texts))
    assert md.count("De ZBC beschikt over een geldig keurmerk") == 1
    assert "“De ZBC heeft minimaal 100 behandelingen" in md  # [2] is not in the answer text: its source quotes it
    # a short answer leaves every quote to its source, once, after the answer text
    short = _answer("zbc eisen")
    md = _visible(answer_markdown(short, texts))
    assert md.index(short.answer[:20]) < md.index("Bronnen") < md.index("“De ZBC beschikt")
    assert md.count("De ZBC beschikt over een geldig keurmerk") == 1


def _visible(md: str) -> str:
    """What shows before any source is opened (a <details> body shows only when opened)."""
    return re.sub(r"<details.*?</details>", "", md)


def test_pdf_citation_opens_its_page_view() -> None:
    answer = _answer("deadline offerte salland?")
    c = answer.citations[0]
    c.page_images = ["/api/documents/004_112e050678cf724a.pdf/pages/9.png?passage=p&start=1&end=2&sig=s",
                     "/api/documents/004_112e050678cf724a.pdf/pages/10.png?passage=p&start=1&end=2&sig=s"]
    assert c.page_image == c.page_images[0]
    assert answer.model_dump(mode="json")["citations"][0]["page_image"] == c.page_images[0]
    md = answer_markdown(answer, texts)
    assert '<details class="iw-page"><summary>' in md and "Toon het citaat op p.&nbsp;9–10" in md
    assert '<img class="iw-page-img" src="/api/documents/004_112e050678cf724a.pdf/pages/9.png?passage=p&amp;start=1' in md
    assert "pages/10.png" in md and 'loading="lazy"' in md
    assert '<details class="iw-context">' not in md  # the page replaces the text context
    assert 'href="/api/documents/004_112e050678cf724a.pdf/file#page=9"' in md  # and the PDF link stays


def test_building_answer_is_a_status_line() -> None:
    answer = Answer(question="q", status="building", answer="De index wordt nog gebouwd (212 van 508 passages); nog even geduld.")
    md = answer_markdown(answer, texts)
    assert md == '<div class="iw-building" role="status">De index wordt nog gebouwd (212 van 508 passages); nog even geduld.</div>'


def test_build_message_counts_passages() -> None:
    from index.build import BuildProgress

    assert build_message(BuildProgress("building", "embed", 212, 508)) == "index wordt gebouwd: 212 van 508 passages"
    assert build_message(BuildProgress("building", "parse", 2, 5)) == "index wordt gebouwd: 2 van 5 documenten gelezen"
    assert build_message(BuildProgress("building")) == "index wordt gebouwd"
    assert build_message(BuildProgress("building", "facts", 0, 1)) == "index wordt gebouwd: data en drempels uit de documenten halen"
    assert "kon niet" in build_message(BuildProgress("failed", error="schijf vol")) and "schijf vol" in build_message(
        BuildProgress("failed", error="schijf vol"))


def test_text_is_escaped() -> None:
    quote = '<img src=x onerror="alert(1)">'
    citation = Citation(n=1, document="x.pdf", title="<b>T</b>", insurer="<i>I</i>", quote=quote, start=0, end=len(quote), chunk_id="c")
    answer = Answer(question="q", status="answered", answer="<script>alert(1)</script> [1]", citations=[citation],
                    notices=["<b>let op</b>"])
    md = answer_markdown(answer, lambda _doc: quote + " na")
    assert "<script>" not in md and "<img" not in md and "<b>" not in md and "<i>" not in md
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in md


def test_missing_document_text_still_shows_the_quote() -> None:
    answer = _answer("deadline offerte salland?")

    def fails(_document: str) -> str:
        raise KeyError(_document)

    md = answer_markdown(answer, DocumentTexts(fails))
    assert "De zorgaanbieder dient de offerte" in md and "<details" not in md


def test_context_window_is_about_600_characters_and_cut_at_words() -> None:
    text = " ".join(f"woord{i}" for i in range(400))
    quote = "woord200 woord201"
    start = text.index(quote)
    c = Citation(n=1, document="d", title="t", quote=quote, start=start, end=start + len(quote), chunk_id="c")
    before, mid, after = passage_in_context(text, c) or ("", "", "")
    assert mid == quote
    assert before.startswith("…woord") and after.endswith("…")
    assert 500 <= len(before) + len(after) <= 620
    # offsets that do not match are corrected by searching the quote
    shifted = c.model_copy(update={"start": 0, "end": 5})
    assert (passage_in_context(text, shifted) or ("", "", ""))[1] == quote
    assert passage_in_context(text, c.model_copy(update={"quote": "niet aanwezig", "start": 0, "end": 0})) is None


def test_debug_panel_shows_mode_timings_and_scored_passages() -> None:
    answer = _answer("zbc eisen", debug=True)
    answer.retrieved = [*(answer.retrieved or []), RetrievedPassage(chunk_id="x", document="y.pdf", text="<b>", score=0.1)]
    out = debug_html(answer)
    assert "<code>extractive</code>" in out
    assert "retrieve</code>: 12 ms" in out or "retrieve</code>: 13 ms" in out
    assert "score 0.9000" in out and "geciteerd</span>" in out
    assert "Opgehaalde passages (3)" in out
    assert "&lt;b&gt;" in out


def test_debug_panel_says_why_nothing_answered() -> None:
    answer = Answer(question="q", status="not_found", answer="niet gevonden", refusal="zwak bewijs: <score> onder MIN_SCORE")
    out = debug_html(answer)
    assert "Waarom geen antwoord" in out and "zwak bewijs: &lt;score&gt; onder MIN_SCORE" in out


def test_conversation_exports_keep_citations() -> None:
    turns = [{"question": "deadline offerte salland?", "answer": _answer("deadline offerte salland?").model_dump(mode="json"),
              "filters": {"insurers": ["Salland"]}, "history": []}]
    data = json.loads(conversation_json(turns))
    assert data["turns"][0]["answer"]["citations"][0]["quote"].startswith("De zorgaanbieder")
    md = conversation_markdown(turns)
    assert "## Vraag 1" in md and "**Bronnen**" in md
    assert "> De zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO." in md
    assert "`004_112e050678cf724a.pdf`" in md


def test_document_text_is_never_rendered_as_markdown() -> None:
    """A document's Markdown (an image on another host) in a quoted answer stays text."""
    quote = "Zie ![t](https://evil.example/t.png) en **vet** <img src=x onerror=alert(1)>"
    answer = Answer(question="q", status="answered", answer=f"Per verzekeraar:\n- Salland: “{quote}” [1]\n\nVerder niets.")
    md = answer_markdown(answer, lambda _doc: None)
    assert md.count("\n\n") == 0, "one HTML block: the chat's Markdown does not enter it"
    assert md.startswith('<div class="iw-answer">') and "<li>Salland: “Zie ![t](https://evil.example/t.png)" in md
    assert "<img" not in md and "&lt;img src=x" in md
