"""The support-desk view at `/desk` (behind the desk token): the chat with a debug panel,
the document list with validity, uploads with progress (and those resumed after a restart),
feedback to approve or reject, and exports of the conversation and of the approved feedback
(as gold questions). Exports are offered as links to `/desk/exports/…` (`ui.exports`),
never as files in Gradio's cache, which the public app would serve to anyone."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from inkoopwijzer.errors import InkoopwijzerError
from inkoopwijzer.types import FileReport

from .chat import Turns, add_chat
from .diffview import diff_html
from .feedback import Rating, Review
from .render import ICON_WARNING, conversation_json, conversation_markdown
from .services import Services
from .uploads import ALLOWED_SUFFIXES, IngestJob, UploadedFile

__all__ = [
    "add_versions",
    "build_desk_app",
    "correct_document",
    "documents_table",
    "export_links",
    "file_report_html",
    "job_html",
    "jobs_html",
    "version_pairs",
]

log = logging.getLogger(__name__)

DOC_HEADERS = ["Verzekeraar", "Titel", "Geldig", "Zorgsoort", "Jaren", "Versie", "Gepubliceerd", "Passages", "Bestand", "Melding"]
FEEDBACK_HEADERS = ["#", "Datum", "Oordeel", "Beoordeling", "Vraag", "Toelichting", "Kanaal"]
_STATUS_NL = {"queued": "wachtend", "ingesting": "bezig", "done": "klaar", "failed": "mislukt"}
_JOB_NL = {"queued": "in de wachtrij", "running": "bezig", "done": "klaar", "failed": "mislukt"}


def documents_table(services: Services) -> list[list[Any]]:
    rows = []
    for d in services.assistant().documents():
        m = d.meta
        valid = "verouderd" if d.outdated else "geldig"
        if m.superseded_by:
            valid += f" (vervangen door {m.superseded_by})"
        rows.append([
            m.insurer or "—", m.title, valid, ", ".join(m.care_types) or "—",
            ", ".join(str(y) for y in m.years) or "—", m.version or "—", m.published or "—",
            d.chunks, m.document, d.notice or "",
        ])
    return rows


def job_html(job: IngestJob | None) -> str:
    """Progress and one clear line per file."""
    if job is None:
        return "<p>Nog geen upload.</p>"
    pct = round(job.progress * 100)
    head = f"<p><strong>Upload {html.escape(job.id)}</strong>: {_JOB_NL[job.state]}"
    if job.state == "running":
        head += f" — {html.escape(job.stage)} ({pct}%)"
    head += "</p>"
    bar = f'<progress max="100" value="{pct}" aria-label="Voortgang">{pct}%</progress>'
    items = "".join(
        f"<li><strong>{html.escape(f.original)}</strong> → <code>{html.escape(f.stored)}</code>: "
        f'<span class="iw-file-{f.status}">{_STATUS_NL[f.status]}</span>'
        f"{' — ' + html.escape(f.message) if f.message else ''}</li>"
        for f in job.files
    )
    tail = ""
    if job.error:
        tail += f'<p class="iw-notice">{ICON_WARNING} {html.escape(job.error)}</p>'
    if job.report is not None:
        r = job.report
        tail += (
            f"<p>Index: {r.documents} documenten, {r.chunks} passages — nieuw {r.added}, bijgewerkt {r.updated}, "
            f"ongewijzigd {r.unchanged}, verwijderd {r.removed}, mislukt {len(r.failed)} ({r.seconds:.1f} s).</p>"
        )
        tail += "".join(file_report_html(f) for f in r.files)
    return f'<div class="iw-job">{head}{bar}<ul>{"".join(items)}</ul>{tail}</div>'


def export_links(services: Services, links: list[str]) -> str:
    """Download links to desk exports (served only to a logged-in desk user, once)."""
    minutes = services.settings.export_ttl_minutes
    items = "".join(
        f'<li><a href="{html.escape(url)}" download>{html.escape(url.rsplit("/", 1)[-1])}</a></li>' for url in links
    )
    return (
        f'<div class="iw-exports"><ul>{items}</ul><p class="iw-note">Elke link werkt één keer en vervalt na '
        f"{minutes} minuten; exporteer opnieuw voor een nieuwe.</p></div>"
    )


_WARNINGS_NL = {
    "no year found": "geen jaar gevonden",
    "no insurer found": "geen verzekeraar gevonden",
    "no care type found": "geen zorgsoort gevonden",
}


def _warning_nl(w: str) -> str:
    if w.startswith("insurer not in the registry"):
        return "verzekeraar staat niet in het register: " + w.split(":", 1)[-1].strip()
    if w.startswith("OCR used"):
        return "tekst met OCR gelezen (" + w.split(" on ", 1)[-1].split(":")[0] + "): controleer de citaten"
    if w.startswith("no title found"):
        return "geen titel gevonden; getoond als " + w.split("shown as", 1)[-1].strip()
    return _WARNINGS_NL.get(w, w)


def file_report_html(f: FileReport) -> str:
    """What ingest found in one file, and what the desk should check (correct it under Documenten)."""
    e = html.escape
    years = ", ".join(map(str, f.years)) or "—"
    insurer = e(f.insurer or "—") + ("" if f.insurer_registered or not f.insurer else " <em>(niet in het register)</em>")
    rows = [
        ("Titel", e(f.title)), ("Verzekeraar", insurer), ("Jaren", years), ("Zorgsoort", e(", ".join(f.care_types) or "—")),
        ("Pagina's", str(f.pages) if f.pages is not None else "—"), ("Passages", str(f.passages)), ("Tabellen", str(f.tables)),
    ]
    if f.ocr_pages:
        rows.append(("OCR", ", ".join(map(str, f.ocr_pages))))
    table = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in rows)
    warnings = "".join(f"<li>{ICON_WARNING} {e(_warning_nl(w))}</li>" for w in f.warnings)
    return (
        f'<details class="iw-file-report" open><summary><code>{e(f.document)}</code></summary>'
        f"<table>{table}</table>{'<ul>' + warnings + '</ul>' if warnings else ''}</details>"
    )


def correct_document(services: Services, document: str | None, title: str, insurer: str, years: str, care: str) -> str:
    """Apply the desk's corrections to a document's metadata and re-index it."""
    from index.store import correct_metadata

    if not document:
        raise gr.Error("Kies eerst een document.", title="Geen document")
    fields: dict[str, Any] = {}
    if title.strip():
        fields["title"] = title.strip()
    if insurer.strip():
        fields["insurer"] = insurer.strip()
    if years.strip():
        try:
            fields["years"] = [int(y) for y in years.replace(" ", "").replace(";", ",").split(",") if y]
        except ValueError as exc:
            raise gr.Error("Jaren als 2027 of 2027, 2028.", title="Ongeldige jaren") from exc
    if care.strip():
        fields["care_types"] = [c.strip().upper() for c in care.split(",") if c.strip()]
    if not fields:
        raise gr.Error("Vul minstens één veld in om te corrigeren.", title="Niets te corrigeren")
    try:
        report = correct_metadata(document, fields, services.settings, wait=60.0)
    except (InkoopwijzerError, ValueError) as exc:
        raise gr.Error(str(exc), title="Niet gecorrigeerd") from exc
    return f"Gecorrigeerd: {html.escape(document)} ({', '.join(fields)}); index {html.escape(report.index_version or '')}."


def _export_conversation(services: Services, turns: Turns | None) -> str:
    if not turns:
        raise gr.Error("Er is nog geen gesprek om te exporteren.", title="Leeg gesprek")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    links = [
        services.exports.add(f"gesprek-{stamp}.md", conversation_markdown(turns)),
        services.exports.add(f"gesprek-{stamp}.json", conversation_json(turns)),
    ]
    return export_links(services, links)


def _export_feedback(services: Services, choice: str) -> str:
    rating: Rating | None = {"alleen nuttig": "up", "alleen niet nuttig": "down"}.get(choice)  # type: ignore[assignment]
    content = services.feedback.export_jsonl(rating)
    if not content:
        raise gr.Error("Er is nog geen goedgekeurde feedback om te exporteren: keur eerst rijen goed.", title="Niets goedgekeurd")
    link = services.exports.add(f"feedback-gold-{datetime.now(UTC):%Y%m%d-%H%M%S}.jsonl", content)
    return export_links(services, [link])


_REVIEW_NL = {"pending": "te beoordelen", "approved": "goedgekeurd", "rejected": "afgewezen"}


def _feedback_rows(services: Services) -> list[list[Any]]:
    return [
        [r.id, r.created_at[:16].replace("T", " "), "nuttig" if r.rating == "up" else "niet nuttig", _REVIEW_NL[r.review],
         r.question, r.comment, r.channel]
        for r in reversed(services.feedback.records(limit=200))
    ]


def _review(services: Services, feedback_id: int | None, review: Review) -> tuple[str, list[list[Any]]]:
    if not feedback_id:
        raise gr.Error("Kies eerst een rij in de tabel.", title="Geen rij gekozen")
    if not services.feedback.set_review(int(feedback_id), review):
        raise gr.Error(f"Feedback #{feedback_id} bestaat niet (meer).", title="Niet gevonden")
    return f"Feedback #{feedback_id}: {_REVIEW_NL[review]}.", _feedback_rows(services)


def jobs_html(jobs: list[IngestJob]) -> str:
    """The recent uploads, with a note on those resumed after a restart of the server."""
    if not jobs:
        return ""
    rows = "".join(
        f"<li><code>{html.escape(j.id)}</code> ({html.escape(j.created_at[:16].replace('T', ' '))}): {_JOB_NL[j.state]}, "
        f"{len(j.files)} bestand(en)"
        + (f' — <span class="iw-notice">{ICON_WARNING} {html.escape(j.note)}</span>' if j.note else "")
        + (f" — {html.escape(j.error)}" if j.error else "")
        + "</li>"
        for j in jobs[:10]
    )
    return f'<div class="iw-jobs"><p><strong>Recente uploads</strong></p><ul>{rows}</ul></div>'


def _start_upload(services: Services, paths: list[str] | None) -> tuple[str | None, str, Any, str]:
    if not paths:
        raise gr.Error("Kies eerst één of meer bestanden.", title="Geen bestanden")
    if not all(Path(p).is_file() for p in paths):
        raise gr.Error("Deze bestanden zijn al verwerkt of verlopen; kies ze opnieuw.", title="Kies opnieuw")
    limit = services.settings.max_upload_mb * 1024 * 1024
    saved: list[UploadedFile] = []
    try:
        for p in paths:
            path = Path(p)
            if path.stat().st_size > limit:
                raise gr.Error(f"{path.name} is te groot: maximaal {services.settings.max_upload_mb:g} MB.")
            with path.open("rb") as fh:
                saved.append(services.uploads.save(path.name, fh))
    except InkoopwijzerError as exc:
        services.uploads.discard(saved)
        raise gr.Error(str(exc), title="Niet toegevoegd") from exc
    except gr.Error:
        services.uploads.discard(saved)
        raise
    finally:
        for p in paths:  # Gradio's copy in its cache: ours is under data_dir/uploads now
            Path(p).unlink(missing_ok=True)
    job = services.uploads.start(saved)
    return job.id, job_html(job), gr.Timer(active=True), jobs_html(services.uploads.jobs())


def _poll_upload(services: Services, job_id: str | None) -> tuple[str, Any, str]:
    job = services.uploads.job(job_id) if job_id else None
    finished = job is None or job.state in ("done", "failed")
    return job_html(job), gr.Timer(active=not finished), jobs_html(services.uploads.jobs())


def version_pairs(services: Services) -> list[tuple[str, str]]:
    """(older, newer) for every indexed policy a newer version replaces."""
    return [(d.meta.document, d.meta.superseded_by) for d in services.assistant().documents() if d.meta.superseded_by]


def add_versions(services: Services, tab: gr.Tab) -> None:
    """The desk's version diff: two documents (a superseded one and its successor by default), their changes."""
    gr.Markdown("Wat is er veranderd tussen twee versies van een beleid: toegevoegde, geschrapte en gewijzigde zinnen, "
                "met gewijzigde data en bedragen gemarkeerd. Een vervangen beleid en zijn opvolger staan al klaar.")
    with gr.Row():
        old = gr.Dropdown([], label="Oude versie", min_width=240)
        new = gr.Dropdown([], label="Nieuwe versie", min_width=240)
        run = gr.Button("Vergelijk", variant="primary", scale=0, min_width=120)
    out = gr.HTML("", elem_id="iw-diff")

    def compare(a: str | None, b: str | None) -> str:
        if not a or not b:
            raise gr.Error("Kies een oude en een nieuwe versie.", title="Twee documenten nodig")
        try:
            return diff_html(services.assistant().diff(a, b))
        except InkoopwijzerError as exc:
            raise gr.Error(str(exc)) from exc

    def load() -> tuple[Any, Any, str]:
        names = sorted(d.meta.document for d in services.assistant().documents())
        pairs = version_pairs(services)
        a, b = pairs[0] if pairs else (None, None)
        body = compare(a, b) if pairs else "<p>Geen vervangen beleid in de index; kies twee documenten om te vergelijken.</p>"
        return gr.Dropdown(choices=names, value=a), gr.Dropdown(choices=names, value=b), body

    run.click(compare, inputs=[old, new], outputs=out, api_visibility="private")
    tab.select(load, outputs=[old, new, out], api_visibility="private")


def build_desk_app(services: Services) -> gr.Blocks:
    # delete_cache: what Gradio keeps of the desk's uploads is gone within the hour
    with gr.Blocks(title="Inkoopwijzer — supportdesk", analytics_enabled=False, delete_cache=(900, 3600)) as demo:
        gr.Markdown("# Inkoopwijzer — supportdesk\nDezelfde chat met een debugpaneel, de documenten, uploads en exports.")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3, min_width=320):
                        debug = gr.HTML("", render=False, elem_id="iw-debug")
                        view = add_chat(services, desk=True, debug_panel=debug)
                        with gr.Row():
                            export = gr.Button("Exporteer gesprek (Markdown + JSON)", size="sm", elem_id="iw-export")
                        export_files = gr.HTML("", elem_id="iw-export-links")
                    with gr.Column(scale=2, min_width=300):
                        gr.Markdown("### Debug\nOpgehaalde passages met scores, antwoorder en tijden van het laatste antwoord.")
                        debug.render()
                export.click(lambda t: _export_conversation(services, t), inputs=view.turns, outputs=export_files,
                             api_visibility="private")

            with gr.Tab("Documenten", id="documents") as docs_tab:
                refresh = gr.Button("Vernieuwen", size="sm")
                table = gr.Dataframe(headers=DOC_HEADERS, value=[], interactive=False, wrap=True, elem_id="iw-documents")

                def load_docs() -> list[list[Any]]:
                    try:
                        return documents_table(services)
                    except InkoopwijzerError as exc:
                        raise gr.Error(str(exc)) from exc

                refresh.click(load_docs, outputs=table, api_visibility="private")
                docs_tab.select(load_docs, outputs=table, api_visibility="private")
                with gr.Accordion("Metadata corrigeren en opnieuw indexeren", open=False):
                    gr.Markdown("Lege velden blijven zoals ze zijn. Alleen passages waarvan de ingebedde tekst verandert "
                                "(bij een nieuwe titel) worden opnieuw ingebed; de correctie blijft bij een volgende ingest staan.")
                    with gr.Row():
                        doc_choice = gr.Dropdown(label="Document", choices=[], allow_custom_value=False, scale=2)
                        new_title = gr.Textbox(label="Titel", scale=3)
                    with gr.Row():
                        new_insurer = gr.Textbox(label="Verzekeraar")
                        new_years = gr.Textbox(label="Jaren", placeholder="2027, 2028")
                        new_care = gr.Textbox(label="Zorgsoort", placeholder="MSZ, AMB")
                    apply = gr.Button("Corrigeer en herindexeer", variant="primary")
                    result = gr.HTML("")

                def doc_names() -> Any:
                    return gr.Dropdown(choices=[d.meta.document for d in services.assistant().documents()])

                docs_tab.select(doc_names, outputs=doc_choice, api_visibility="private")
                apply.click(
                    lambda d, t, i, y, c: correct_document(services, d, t, i, y, c),
                    inputs=[doc_choice, new_title, new_insurer, new_years, new_care],
                    outputs=result,
                    api_visibility="private",
                ).then(load_docs, outputs=table, api_visibility="private")

            with gr.Tab("Versies", id="versions") as versions_tab:
                add_versions(services, versions_tab)

            with gr.Tab("Uploaden", id="upload") as upload_tab:
                gr.Markdown(
                    f"Nieuwe beleidsdocumenten ({', '.join(ALLOWED_SUFFIXES)}, maximaal {services.settings.max_upload_mb:g} MB). "
                    "Ze worden onder een gegenereerde naam bewaard en op de achtergrond aan de index toegevoegd."
                )
                files = gr.File(label="Bestanden", file_count="multiple", file_types=list(ALLOWED_SUFFIXES), type="filepath")
                start = gr.Button("Toevoegen aan de index", variant="primary")
                job_id = gr.State(None)
                progress = gr.HTML(job_html(None), elem_id="iw-job")
                recent = gr.HTML("", elem_id="iw-jobs")
                timer = gr.Timer(1.0, active=False)
                start.click(lambda p: _start_upload(services, p), inputs=files, outputs=[job_id, progress, timer, recent],
                            api_visibility="private")
                timer.tick(lambda j: _poll_upload(services, j), inputs=job_id, outputs=[progress, timer, recent],
                           api_visibility="private")
                upload_tab.select(lambda: jobs_html(services.uploads.jobs()), outputs=recent, api_visibility="private")

            with gr.Tab("Feedback", id="feedback") as fb_tab:
                gr.Markdown(
                    "Beoordelingen uit de chat. Iedereen kan feedback geven, ook op antwoorden die nooit gegeven zijn: "
                    "kies een rij en keur haar goed of af. Alleen goedgekeurde rijen gaan mee in de export als "
                    "gold-vragen (JSONL, evaluatieformaat)."
                )
                chosen = gr.State(None)
                with gr.Row():
                    approve = gr.Button("Goedkeuren", size="sm", elem_id="iw-approve")
                    reject = gr.Button("Afwijzen", size="sm", elem_id="iw-reject")
                    review_status = gr.Markdown("", elem_id="iw-review-status")
                with gr.Row():
                    which = gr.Radio(["alle", "alleen nuttig", "alleen niet nuttig"], value="alle", label="Welke (goedgekeurde)",
                                     scale=2)
                    export_fb = gr.Button("Exporteer goedgekeurde als gold-vragen (JSONL)", scale=1, elem_id="iw-export-feedback")
                fb_file = gr.HTML("", elem_id="iw-feedback-export")
                fb_table = gr.Dataframe(headers=FEEDBACK_HEADERS, value=[], interactive=False, wrap=True, elem_id="iw-feedback")

                def choose(rows: Any, evt: gr.SelectData) -> tuple[int | None, str]:
                    row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
                    try:
                        fid = int(rows.iloc[row, 0]) if hasattr(rows, "iloc") else int(rows[row][0])
                    except (IndexError, KeyError, TypeError, ValueError):
                        return None, ""
                    return fid, f"Gekozen: feedback #{fid}."

                fb_table.select(choose, inputs=fb_table, outputs=[chosen, review_status], api_visibility="private")
                approve.click(lambda f: _review(services, f, "approved"), inputs=chosen, outputs=[review_status, fb_table],
                              api_visibility="private")
                reject.click(lambda f: _review(services, f, "rejected"), inputs=chosen, outputs=[review_status, fb_table],
                             api_visibility="private")
                export_fb.click(lambda w: _export_feedback(services, w), inputs=which, outputs=fb_file, api_visibility="private")
                fb_tab.select(lambda: _feedback_rows(services), outputs=fb_table, api_visibility="private")
    return demo
