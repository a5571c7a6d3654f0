"""The Planning page of the web chat: every dated event of the indexed policies in one table,
sorted by date, with the time left relative to today, filters, the `.ics` feed to subscribe to,
and each row's passage in context (a <details> that opens in place, so it works without a mouse
and at phone width, where the rows become cards).

    planning_html(events, today, text_of, ics_url) -> str   (pure; unit-tested)
    add_planning(services)                                   renders the page into the current Blocks
    load_planning(services)                                  what it shows on opening (the build's progress
                                                             while the first index is being built)
"""

from __future__ import annotations

import html
import logging
import warnings
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

import gradio as gr

from assistant.planning import FactQuery, in_feed, time_left, when_label
from inkoopwijzer.errors import IndexBuildingError, InkoopwijzerError
from inkoopwijzer.types import Citation, DatedEvent

from .chat import build_status
from .render import ICON_EXTERNAL, ICON_WARNING, DocumentTexts, TextOf, document_url, passage_in_context
from .services import Services

__all__ = ["PLANNING_CSS", "add_planning", "feed_url", "load_planning", "planning_html"]

log = logging.getLogger(__name__)

_KIND = {"deadline": "deadline", "event": "gebeurtenis", "start": "ingang", "window": "periode"}

PLANNING_CSS = """<style>
.iw-plan { width: 100%; border-collapse: collapse; font-size: .92em; }
.iw-plan th, .iw-plan td { text-align: left; vertical-align: top; padding: .35rem .45rem;
  border-bottom: 1px solid var(--border-color-primary); overflow-wrap: anywhere; }
.iw-plan th { font-weight: 600; white-space: nowrap; }
.iw-plan td:nth-child(1) { width: 12%; } .iw-plan td:nth-child(2) { width: 9%; }
.iw-plan td:nth-child(3) { width: 10%; } .iw-plan td:nth-child(4) { width: 7%; }
.iw-plan td:nth-child(5) { width: 14%; } .iw-plan td:nth-child(6) { width: 48%; }
.iw-plan .iw-left { white-space: nowrap; font-weight: 600; }
.iw-plan tr.iw-past { color: var(--body-text-color-subdued); }
.iw-plan .iw-kind { display: inline-block; font-size: .78em; border-radius: 3px; padding: 0 .35em;
  background: var(--background-fill-secondary); margin-right: .3em; }
.iw-plan .iw-kind-deadline { background: #fee2e2; color: #7f1d1d; }
.iw-plan .iw-inferred { font-size: .8em; color: var(--body-text-color-subdued); }
.iw-plan details { margin-top: .25rem; }
.iw-plan details summary { cursor: pointer; font-size: .85em; color: var(--body-text-color-subdued); }
.iw-plan-feed { margin: .3rem 0 .6rem; }
.iw-plan-count { font-size: .85em; color: var(--body-text-color-subdued); }
@media (max-width: 700px) {
  .iw-plan thead { display: none; }
  .iw-plan, .iw-plan tbody, .iw-plan tr, .iw-plan td { display: block; width: 100%; }
  .iw-plan tr { border: 1px solid var(--border-color-primary); border-radius: 6px; margin: 0 0 .6rem; padding: .2rem .4rem; }
  .iw-plan td, .iw-plan td:nth-child(n) { border: none; padding: .15rem .2rem; width: auto; }
  .iw-plan td::before { content: attr(data-label) ": "; font-weight: 600; font-size: .85em; }
}
</style>"""


def feed_url(insurers: Sequence[str], care_types: Sequence[str], year: int | None, include_outdated: bool) -> str:
    """The `.ics` feed for these filters (no start day: a subscribed calendar keeps its past too)."""
    params: list[tuple[str, str]] = [("insurer", i) for i in insurers] + [("care_type", c) for c in care_types]
    if year:
        params.append(("year", str(year)))
    if include_outdated:
        params.append(("include_outdated", "true"))
    return "/api/deadlines.ics" + (f"?{urlencode(params)}" if params else "")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _passage(e: DatedEvent, text_of: TextOf) -> str:
    src = e.sources[0] if e.sources else None
    if src is None:
        return ""
    cite = Citation(n=1, document=e.document, title=e.title, insurer=e.insurer, section=src.section, page=src.page,
                    quote=src.quote, start=src.start, end=src.end, chunk_id=src.chunk_id)
    text = text_of(e.document)
    around = passage_in_context(text, cite) if text else None
    if around:
        before, quote, after = around
        body = f'<div class="iw-passage">{_esc(before)}<mark>{_esc(quote)}</mark>{_esc(after)}</div>'
    else:
        body = f'<div class="iw-passage"><mark>{_esc(src.quote)}</mark></div>'
    where = " · ".join(x for x in (e.title, src.section, f"p.&nbsp;{src.page}" if src.page else "") if x)
    url = document_url(e.document, src.page)
    link = f' · <a href="{_esc(url)}" target="_blank" rel="noopener">Open PDF {ICON_EXTERNAL}</a>' if url else ""
    more = f'<div class="iw-doc">Ook genoemd: {len(e.sources) - 1}× elders in dit beleid.</div>' if len(e.sources) > 1 else ""
    label = f"p.&nbsp;{src.page} · toon passage" if src.page else "toon passage"
    return (f'<details class="iw-context"><summary>{label}</summary>{body}'
            f'<div class="iw-doc">{where}{link}</div>{more}</details>')


def planning_html(events: Sequence[DatedEvent], today: date, text_of: TextOf, ics_url: str) -> str:
    """The planning table: one row per event, by date, with the time left relative to `today`."""
    feed_n = sum(1 for e in events if in_feed(e))
    head = (
        f'<div class="iw-plan-feed"><a class="iw-ics" href="{_esc(ics_url)}" download="inkoopwijzer-planning.ics">'
        f"Download de agenda (.ics)</a> <span class=\"iw-plan-count\">— {len(events)} data, waarvan {feed_n} met een "
        "vaste dag in de agenda; een maand of kwartaal staat alleen hier.</span></div>"
    )
    if not events:
        return PLANNING_CSS + head + "<p>Geen data voor deze filters.</p>"
    rows = []
    for e in events:
        left = time_left(e, today)
        past = " iw-past" if left in ("verlopen",) else ""
        inferred = ' <span class="iw-inferred" title="Het jaar staat niet bij deze datum; afgeleid uit de planning of de zin.">(jaar afgeleid)</span>' if e.year_inferred else ""
        kind = f'<span class="iw-kind iw-kind-{e.kind}">{_KIND[e.kind]}</span>'
        rows.append(
            f'<tr class="iw-plan-row{past}" data-uid="{_esc(e.uid)}">'
            f'<td data-label="Datum">{_esc(when_label(e))}{inferred}</td>'
            f'<td data-label="Nog" class="iw-left">{_esc(left)}</td>'
            f'<td data-label="Verzekeraar">{_esc(e.insurer or "—")}</td>'
            f'<td data-label="Zorgsoort">{_esc(", ".join(e.care_types) or "—")}</td>'
            f'<td data-label="Voor wie">{_esc(e.who)}</td>'
            f'<td data-label="Wat">{kind}{_esc(e.what)}{_passage(e, text_of)}</td></tr>'
        )
    table = (
        '<table class="iw-plan"><thead><tr><th>Datum</th><th>Nog</th><th>Verzekeraar</th><th>Zorgsoort</th>'
        f'<th>Voor wie</th><th>Wat en bron</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return PLANNING_CSS + head + table


def _render(services: Services, insurers: list[str], care: list[str], year: Any, past: bool, old: bool) -> str:
    assistant = services.assistant()
    today = assistant.today()
    chosen_year = int(year) if year not in (None, "", "alle") else None
    query = FactQuery(insurers=insurers or [], care_types=care or [], year=chosen_year,
                      from_date=None if past else today, include_outdated=bool(old))
    events = assistant.events(query)
    return planning_html(events, today, DocumentTexts(assistant.document_text), feed_url(insurers or [], care or [], chosen_year, bool(old)))


def add_planning(services: Services) -> None:
    """Render the Planning page into the current Blocks and wire its filters."""
    # A second page makes Gradio warn that it turns server-side rendering off; the server never uses it.
    warnings.filterwarnings("ignore", message="SSR mode is not supported with multi-page apps", category=UserWarning)
    gr.Markdown(
        "## Planning\nAlle data uit het ingekochte beleid: deadlines voor zorgaanbieders, publicaties van de "
        "verzekeraar, ingangsdata en periodes. Open een rij om de passage in haar context te zien.",
        elem_id="iw-planning-header",
    )
    with gr.Row(elem_id="iw-planning-filters"):
        insurers = gr.Dropdown([], value=[], multiselect=True, label="Verzekeraar", min_width=200)
        care = gr.Dropdown([], value=[], multiselect=True, label="Zorgsoort", min_width=160)
        year = gr.Dropdown(["alle"], value="alle", label="Jaar", min_width=120)
    with gr.Row():
        past = gr.Checkbox(False, label="Ook verlopen data tonen", elem_id="iw-planning-past")
        old = gr.Checkbox(False, label="Ook verouderd beleid", elem_id="iw-planning-outdated")
    table = gr.HTML("<p>De planning wordt geladen…</p>", elem_id="iw-planning")

    def refresh(ins: list[str], ct: list[str], yr: Any, p: bool, o: bool) -> str:
        try:
            return _render(services, ins, ct, yr, p, o)
        except IndexBuildingError:
            return build_status(services)[0]
        except InkoopwijzerError as exc:
            raise gr.Error(str(exc), title="Geen planning") from exc

    build_timer = gr.Timer(2.0, active=False)

    def on_load() -> tuple[Any, Any, Any, str, Any]:
        return load_planning(services)

    inputs = [insurers, care, year, past, old]
    triggers = [insurers.change, care.change, year.change, past.change, old.change]
    gr.on(triggers, refresh, inputs=inputs, outputs=table, api_visibility="private")
    load_outputs = [insurers, care, year, table, build_timer]
    gr.on(triggers=None, fn=on_load, outputs=load_outputs, api_visibility="private")  # load
    # while the first index is being built: show its progress, and load the planning once it is there
    build_timer.tick(on_load, outputs=load_outputs, api_visibility="private", queue=False)


def load_planning(services: Services) -> tuple[Any, Any, Any, str, Any]:
    """What the page shows when it opens: the filter choices, the table, and whether to look
    again in a moment (the first index is still being built, as the chat shows it)."""
    building, running = build_status(services)
    if building:
        return gr.skip(), gr.skip(), gr.skip(), building, gr.Timer(active=running)
    try:
        events = services.assistant().events(FactQuery(include_outdated=True))
        ins = sorted({e.insurer for e in events if e.insurer})
        cts = sorted({c for e in events for c in e.care_types})
        yrs = sorted({int(d[:4]) for e in events if (d := e.first_day())})
        body = _render(services, [], [], None, False, False)
    except InkoopwijzerError as exc:
        return gr.skip(), gr.skip(), gr.skip(), f"<p>{ICON_WARNING} {_esc(str(exc))}</p>", gr.Timer(active=False)
    except Exception:
        log.exception("loading the planning failed")
        return (gr.skip(), gr.skip(), gr.skip(), f"<p>{ICON_WARNING} De planning kon niet worden geladen.</p>",
                gr.Timer(active=False))
    choices = ["alle", *map(str, yrs)]
    return gr.Dropdown(choices=ins), gr.Dropdown(choices=cts), gr.Dropdown(choices=choices), body, gr.Timer(active=False)
