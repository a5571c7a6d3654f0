"""`Answer` → what people see: chat Markdown with cited sources, the desk's debug panel,
and conversation exports. Everything comes from the `Answer`'s fields; text is never re-parsed.

All HTML is produced on one line per block: the chat renders Markdown, and a blank line
inside an HTML block would end it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as url_quote

from inkoopwijzer.types import Answer, AnswerTable, Citation

if TYPE_CHECKING:
    from assistant.service import BuildProgress

__all__ = [
    "ICON_EXTERNAL",
    "ICON_WARNING",
    "DocumentTexts",
    "answer_markdown",
    "build_message",
    "citation_html",
    "comparison_html",
    "conversation_json",
    "conversation_markdown",
    "debug_html",
    "document_url",
    "passage_in_context",
    "text_html",
]

CONTEXT_CHARS = 300  # on each side of the quote: about 600 characters of surrounding text

# Icons are inline SVG (currentColor), so they look the same whatever emoji font a device has.
_SVG = '<svg class="iw-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="1em" height="1em">{}</svg>'
ICON_EXTERNAL = _SVG.format(
    '<path fill="none" stroke="currentColor" stroke-width="1.6" d="M9 2h5v5M14 2 7.5 8.5M12 9.5V14H2V4h4.5"/>'
)
ICON_WARNING = _SVG.format(
    '<path fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" d="M8 1.8 15 14H1z"/>'
    '<path stroke="currentColor" stroke-width="1.6" d="M8 6v4.2"/><circle cx="8" cy="12" r=".9" fill="currentColor"/>'
)
ICON_PAGE = _SVG.format(
    '<path fill="none" stroke="currentColor" stroke-width="1.4" d="M3 1.5h6.5L13 5v9.5H3z"/>'
    '<path fill="currentColor" opacity=".45" d="M5 8h6v2.2H5z"/>'
)

TextOf = Callable[[str], str | None]


class DocumentTexts:
    """Document texts fetched once per render; a failing lookup shows no context, not an error."""

    def __init__(self, fetch: Callable[[str], str]) -> None:
        self._fetch = fetch
        self._texts: dict[str, str | None] = {}

    def __call__(self, document: str) -> str | None:
        if document not in self._texts:
            try:
                self._texts[document] = self._fetch(document)
            except Exception:  # noqa: BLE001 - context is a nicety; the quote itself is always shown
                self._texts[document] = None
        return self._texts[document]


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _letters(text: str) -> str:
    """Only the letters and digits, lower-cased: a quote the answer text shows with other
    separators (a table row's ' — ') still counts as shown."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _esc(text: str) -> str:
    # One <br> per line break; runs of blank lines (table rows, page breaks) collapse to one.
    return html.escape(_BLANK_LINES.sub("\n", text), quote=True).replace("\n", "<br>")


def text_html(text: str) -> str:
    """An answer's text as HTML, never as Markdown: quotes in it come from documents, and a
    document may hold Markdown (`![t](https://elders/t.png)` would become an image fetched
    from another host). Lines starting with "- " (one per insurer) become a list; the rest is
    escaped text with its line breaks. One line, so the chat's Markdown leaves it alone."""
    parts: list[str] = []
    items: list[str] = []
    for line in text.strip().split("\n"):
        if line.startswith("- "):
            items.append(f"<li>{_esc(line[2:])}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            parts.append(f"<p>{_esc(line)}</p>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    return f'<div class="iw-answer">{"".join(parts)}</div>'


def document_url(document: str, page: int | None = None) -> str | None:
    """Link to the served source file, at its page when it is a PDF; None for other types."""
    if not document.lower().endswith(".pdf"):
        return None
    url = f"/api/documents/{url_quote(document, safe='')}/file"
    return f"{url}#page={page}" if page else url


def _locate(text: str, citation: Citation) -> tuple[int, int] | None:
    s, e = citation.start, citation.end
    if 0 <= s < e <= len(text) and _fold(text[s:e]) == _fold(citation.quote):
        return s, e
    i = text.find(citation.quote)
    return (i, i + len(citation.quote)) if i >= 0 else None


def passage_in_context(text: str, citation: Citation, width: int = CONTEXT_CHARS) -> tuple[str, str, str] | None:
    """(before, quote, after) around the quote in the document text, cut at word boundaries."""
    span = _locate(text, citation)
    if span is None:
        return None
    s, e = span
    lo, hi = max(0, s - width), min(len(text), e + width)
    before, after = text[lo:s], text[e:hi]
    if lo > 0:
        cut = before.find(" ")
        before = "…" + (before[cut + 1 :] if 0 <= cut < len(before) - 1 else before)
    if hi < len(text):
        cut = after.rfind(" ")
        after = (after[:cut] if cut > 0 else after) + "…"
    return before, text[s:e], after


def _where(c: Citation) -> str:
    parts = [f"<strong>{_esc(c.insurer)}</strong>"] if c.insurer else []
    parts.append(f'<span class="iw-title">{_esc(c.title or c.document)}</span>')
    if c.section:
        parts.append(f'<span class="iw-section">{_esc(c.section)}</span>')
    if c.page:
        parts.append(f"p.&nbsp;{c.page}")
    return " · ".join(parts)


def _page_view(c: Citation) -> str:
    """The cited page(s) as images with the quote marked, opened on demand (images load lazily)."""
    pages = f"p.&nbsp;{c.page}" if c.page else "de pagina"
    if len(c.page_images) > 1 and c.page:
        pages = f"p.&nbsp;{c.page}–{c.page + len(c.page_images) - 1}"
    # each image links to itself: on a phone, tapping it opens the page full size to zoom in
    images = "".join(
        f'<a class="iw-page-link" href="{html.escape(url)}" target="_blank" rel="noopener">'
        f'<img class="iw-page-img" src="{html.escape(url)}" loading="lazy" '
        f'alt="{html.escape(f"Pagina {(c.page or 0) + i} van {c.title or c.document}, met het citaat gemarkeerd")}"></a>'
        for i, url in enumerate(c.page_images)
    )
    return (
        f'<details class="iw-page"><summary>{ICON_PAGE} Toon het citaat op {pages}</summary>'
        f'<div class="iw-page-imgs">{images}</div></details>'
    )


def citation_html(c: Citation, text_of: TextOf, show_quote: bool = True) -> str:
    """One source: where it stands, the verbatim quote (unless the answer text already shows
    it), and the page with the quote marked (PDF) or the passage in its context (other files)."""
    head = f'<span class="iw-n">[{c.n}]</span> {_where(c)}'
    if c.outdated:
        head += ' <span class="iw-badge">verouderd</span>'
    if c.ocr:
        head += ' <span class="iw-badge" title="Gelezen van een gescande pagina: controleer het citaat op de pagina">OCR</span>'
    url = document_url(c.document, c.page)
    if url:
        label = f"Open PDF op p.&nbsp;{c.page}" if c.page else "Open PDF"
        head += f' · <a class="iw-pdf" href="{html.escape(url)}" target="_blank" rel="noopener">{label} {ICON_EXTERNAL}</a>'
    body = f'<blockquote class="iw-quote">“{_esc(c.quote)}”</blockquote>' if show_quote else ""
    if c.page_images:
        body += _page_view(c)
    else:
        text = text_of(c.document)
        around = passage_in_context(text, c) if text else None
        if around:
            before, quote, after = around
            body += (
                '<details class="iw-context"><summary>Toon de passage in haar context</summary>'
                f'<div class="iw-passage">{_esc(before)}<mark>{_esc(quote)}</mark>{_esc(after)}</div>'
                f'<div class="iw-doc">Bron: {_esc(c.document)}</div></details>'
            )
    return f'<div class="iw-cite" data-n="{c.n}" data-document="{html.escape(c.document)}"><div class="iw-cite-head">{head}</div>{body}</div>'


def _sources(
    title: str, citations: Sequence[Citation], text_of: TextOf, css: str, intro: str = "", shown: str = ""
) -> str:
    intro_html = f'<p class="iw-intro">{_esc(intro)}</p>' if intro else ""
    folded = _letters(shown)
    items = "".join(citation_html(c, text_of, show_quote=not _letters(c.quote) or _letters(c.quote) not in folded)
                    for c in citations)
    return f'<div class="iw-sources {css}"><p class="iw-sources-title">{_esc(title)}</p>{intro_html}{items}</div>'


def comparison_html(table: AnswerTable) -> str:
    """A comparison answer's table: the lead sentence, then one row per insurer's policy, each value
    with the number of the source below that states it."""
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    rows = []
    for r in table.rows:
        cells = "".join(
            f"<td>{_esc(c.value)}" + (f' <span class="iw-n">[{c.citation}]</span>' if c.citation else "") + "</td>"
            for c in r.cells
        )
        rows.append(f"<tr><td><strong>{_esc(r.insurer or '—')}</strong></td><td>{_esc(r.title or '—')}</td>{cells}</tr>")
    return (
        f'<div class="iw-compare"><p class="iw-lead"><strong>{_esc(table.lead)}</strong></p>'
        f'<table class="iw-compare-table"><thead><tr><th>Verzekeraar</th><th>Beleid</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
    )


def _table_text(table: AnswerTable) -> str:
    """What a comparison table shows as text (lead and cell values), for the quotes it already holds."""
    return "\n".join([table.lead, *(c.value for r in table.rows for c in r.cells)])


def answer_markdown(answer: Answer, text_of: TextOf) -> str:
    """The chat message for an answer: notices, the answer text, then its numbered sources.

    Each quote is shown once: a source repeats its verbatim quote only when the answer text
    does not already hold it (a short answer leaves the quotes to the sources). For
    `not_found` the plain message comes first and the related passages follow separately
    under "Mogelijk relevant", so they are not mistaken for an answer.
    """
    blocks: list[str] = []
    for notice in answer.notices:
        blocks.append(f'<div class="iw-notice" role="note">{ICON_WARNING} {_esc(notice)}</div>')
    if answer.status == "building":
        blocks.append(f'<div class="iw-building" role="status">{_esc(answer.answer.strip())}</div>')
        return "\n\n".join(blocks)
    if answer.table is not None:
        blocks.append(comparison_html(answer.table))  # the same values as the text's lines, as a table
        shown = _table_text(answer.table)
    else:
        blocks.append(text_html(answer.answer) if answer.answer.strip() else "_(geen antwoord)_")
        shown = answer.answer
    if answer.citations:
        blocks.append(_sources("Bronnen", answer.citations, text_of, "iw-cited", shown=shown))
    if answer.status == "not_found" and answer.related:
        blocks.append(
            _sources(
                "Mogelijk relevant",
                answer.related,
                text_of,
                "iw-related",
                "Deze passages beantwoorden de vraag niet, maar kunnen helpen bij het zoeken.",
            )
        )
    return "\n\n".join(blocks)


_STAGES = {
    "parse": "documenten gelezen",
    "embed": "passages",
    "index": "passages in de zoekindex",
}


def build_message(progress: BuildProgress) -> str:
    """The background build for people: 'index wordt gebouwd: 212 van 508 passages'."""
    if progress.state == "failed":
        return f"De index kon niet worden gebouwd: {progress.error}"
    if progress.state == "done":
        return "De index is klaar."
    unit = _STAGES.get(progress.stage)
    if unit and progress.total:
        return f"index wordt gebouwd: {progress.done} van {progress.total} {unit}"
    if progress.stage == "lexicon":
        return "index wordt gebouwd: woordenlijst maken"
    if progress.stage == "facts":
        return "index wordt gebouwd: data en drempels uit de documenten halen"
    return "index wordt gebouwd"


def debug_html(answer: Answer) -> str:
    """The desk's debug panel: answerer, status, timings and the ranked passages with scores."""
    rows = [
        f"<tr><th>Status</th><td>{_esc(answer.status)}</td></tr>",
        f"<tr><th>Antwoorder (mode)</th><td><code>{_esc(answer.mode)}</code></td></tr>",
        f"<tr><th>Taal</th><td>{_esc(answer.language)}</td></tr>",
        f"<tr><th>Verzekeraars</th><td>{_esc(', '.join(answer.insurers) or '—')}</td></tr>",
    ]
    total = sum(answer.timings.values())
    timing = "".join(f"<li><code>{_esc(k)}</code>: {v:.0f} ms</li>" for k, v in answer.timings.items())
    rows.append(f"<tr><th>Tijden</th><td><ul class='iw-timings'>{timing or '<li>—</li>'}</ul>Totaal {total:.0f} ms</td></tr>")
    cited = {c.chunk_id for c in answer.citations}
    passages = []
    for i, p in enumerate(answer.retrieved or [], start=1):
        ranks = f"dense {p.dense_rank if p.dense_rank is not None else '—'} · bm25 {p.keyword_rank if p.keyword_rank is not None else '—'}"
        mark = ' <span class="iw-badge iw-cited-badge">geciteerd</span>' if p.chunk_id in cited else ""
        where = " · ".join(x for x in (p.insurer or "", p.title or p.document, p.section, f"p. {p.page}" if p.page else "") if x)
        passages.append(
            f'<details class="iw-retrieved"><summary><strong>#{i}</strong> score {p.score:.4f} ({ranks}){mark} — {_esc(where)}</summary>'
            f'<div class="iw-passage">{_esc(p.text)}</div><div class="iw-doc"><code>{_esc(p.chunk_id)}</code> · {_esc(p.document)}</div></details>'
        )
    retrieved = "".join(passages) or "<p>Geen opgehaalde passages (alleen zichtbaar met debug).</p>"
    return (
        f'<div class="iw-debug"><table class="iw-debug-table">{"".join(rows)}</table>{_explained_html(answer)}'
        f'<p class="iw-sources-title">Opgehaalde passages ({len(answer.retrieved or [])})</p>{retrieved}</div>'
    )


def _explained_html(answer: Answer) -> str:
    """Why each quote was chosen: its unit's score as the unit model's feature contributions; or why
    nothing answered."""
    if answer.refusal:
        return f'<p class="iw-sources-title">Waarom geen antwoord</p><p class="iw-refusal">{_esc(answer.refusal)}</p>'
    if not answer.explained:
        return ""
    out = []
    for e in answer.explained:
        rows = "".join(
            f"<tr><td><code>{_esc(f.feature)}</code></td><td>{f.value:g}</td><td>{f.contribution:+.3f}</td></tr>"
            for f in e.contributions
        )
        out.append(
            f'<details class="iw-explained"><summary><strong>[{e.citation}]</strong> score {e.score:.3f} — '
            f"{_esc(' '.join(e.unit.split())[:120])}</summary><table class='iw-debug-table'>"
            f"<tr><th>kenmerk</th><th>waarde</th><th>bijdrage</th></tr>{rows}</table>"
            f"<div class='iw-doc'>model <code>{_esc(e.model)}</code></div></details>"
        )
    return f'<p class="iw-sources-title">Waarom deze citaten ({len(answer.explained)})</p>{"".join(out)}'



def conversation_json(turns: Sequence[dict[str, Any]]) -> str:
    """A conversation as JSON: each turn's question, filters and full `Answer` (with citations)."""
    payload = {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "turns": [
            {"question": t["question"], "filters": t.get("filters"), "history": t.get("history", []), "answer": t["answer"]}
            for t in turns
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _md_citation(c: Citation) -> str:
    where = ", ".join(x for x in (c.insurer or "", c.title, c.section, f"p. {c.page}" if c.page else "") if x)
    quote = " ".join(c.quote.split())
    flag = (" (verouderd)" if c.outdated else "") + (" (OCR)" if c.ocr else "")
    return f"{c.n}. {where}{flag} — `{c.document}`\n   > {quote}"


def conversation_markdown(turns: Sequence[dict[str, Any]]) -> str:
    """A conversation as Markdown, readable in a ticket or e-mail."""
    lines = [f"# Inkoopwijzer — gesprek van {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", ""]
    for i, turn in enumerate(turns, start=1):
        answer = Answer.model_validate(turn["answer"])
        lines += [f"## Vraag {i}", "", turn["question"], "", f"**Antwoord** ({answer.status}, {answer.mode})", ""]
        lines += [f"> ⚠️ {n}" for n in answer.notices]
        lines += [answer.answer, ""]
        if answer.citations:
            lines += ["**Bronnen**", "", *(_md_citation(c) for c in answer.citations), ""]
        if answer.status == "not_found" and answer.related:
            lines += ["**Mogelijk relevant**", "", *(_md_citation(c) for c in answer.related), ""]
    return "\n".join(lines)
