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
from typing import Any
from urllib.parse import quote as url_quote

from inkoopwijzer.types import Answer, AnswerTable, Citation

__all__ = [
    "DocumentTexts",
    "answer_markdown",
    "citation_html",
    "comparison_html",
    "conversation_json",
    "conversation_markdown",
    "debug_html",
    "document_url",
    "passage_in_context",
]

CONTEXT_CHARS = 300  # on each side of the quote: about 600 characters of surrounding text

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


_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _esc(text: str) -> str:
    # One <br> per line break; runs of blank lines (table rows, page breaks) collapse to one.
    return html.escape(_BLANK_LINES.sub("\n", text), quote=True).replace("\n", "<br>")


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


def citation_html(c: Citation, text_of: TextOf) -> str:
    """One source: where it stands, the verbatim quote, and an openable passage in context."""
    head = f'<span class="iw-n">[{c.n}]</span> {_where(c)}'
    if c.outdated:
        head += ' <span class="iw-badge">verouderd</span>'
    url = document_url(c.document, c.page)
    if url:
        label = f"Open PDF op p.&nbsp;{c.page}" if c.page else "Open PDF"
        head += f' · <a class="iw-pdf" href="{html.escape(url)}" target="_blank" rel="noopener">{label} ↗</a>'
    body = f'<blockquote class="iw-quote">“{_esc(c.quote)}”</blockquote>'
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


def _sources(title: str, citations: Sequence[Citation], text_of: TextOf, css: str, intro: str = "") -> str:
    intro_html = f'<p class="iw-intro">{_esc(intro)}</p>' if intro else ""
    items = "".join(citation_html(c, text_of) for c in citations)
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


def answer_markdown(answer: Answer, text_of: TextOf) -> str:
    """The chat message for an answer: notices, the answer text, then its sources.

    For `not_found` the plain message comes first and the related passages follow
    separately under "Mogelijk relevant", so they are not mistaken for an answer.
    """
    blocks: list[str] = []
    for notice in answer.notices:
        blocks.append(f'<div class="iw-notice" role="note">⚠️ {_esc(notice)}</div>')
    if answer.table is not None:
        blocks.append(comparison_html(answer.table))  # the same values as the text's lines, as a table
    else:
        blocks.append(html.escape(answer.answer.strip(), quote=False) or "_(geen antwoord)_")
    if answer.citations:
        blocks.append(_sources("Bronnen", answer.citations, text_of, "iw-cited"))
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
        mark = " ✅ geciteerd" if p.chunk_id in cited else ""
        where = " · ".join(x for x in (p.insurer or "", p.title or p.document, p.section, f"p. {p.page}" if p.page else "") if x)
        passages.append(
            f'<details class="iw-retrieved"><summary><strong>#{i}</strong> score {p.score:.4f} ({ranks}){mark} — {_esc(where)}</summary>'
            f'<div class="iw-passage">{_esc(p.text)}</div><div class="iw-doc"><code>{_esc(p.chunk_id)}</code> · {_esc(p.document)}</div></details>'
        )
    retrieved = "".join(passages) or "<p>Geen opgehaalde passages (alleen zichtbaar met debug).</p>"
    return (
        f'<div class="iw-debug"><table class="iw-debug-table">{"".join(rows)}</table>'
        f'<p class="iw-sources-title">Opgehaalde passages ({len(answer.retrieved or [])})</p>{retrieved}</div>'
    )


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
    flag = " (verouderd)" if c.outdated else ""
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
