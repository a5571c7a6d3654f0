"""The provider chat (Gradio, Dutch): streamed answers with their sources, filters,
example questions, a new-conversation button and 👍/👎 feedback.

`build_chat_app()` builds the page; `add_chat()` renders the chat into the current Blocks
so the desk can reuse it. The handlers are plain functions over a `turns` list kept in
`gr.State`: each turn holds the question, the `Answer` (as JSON), its rendered message, the
history and filters it was asked with, and its feedback id.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import DocumentInfo, has_lone_surrogate
from inkoopwijzer.errors import InkoopwijzerError
from inkoopwijzer.types import Answer, Filters, Turn

from .examples import example_questions, general_examples
from .feedback import Rating
from .render import DocumentTexts, answer_markdown, build_message, debug_html, text_html
from .services import Services

__all__ = ["ChatView", "add_chat", "build_chat_app", "build_status", "chat_stream", "respond"]

log = logging.getLogger(__name__)

INTRO = (
    "Stel een vraag over het zorginkoopbeleid van zorgverzekeraars: deadlines, drempels, voorwaarden, "
    "procedures. Elk antwoord noemt de letterlijke zin, het document, de sectie en de pagina waar het staat."
)
UNEXPECTED = "Er ging iets mis bij het beantwoorden. Probeer het opnieuw; blijft het misgaan, meld het bij de supportdesk."

MAX_TURNS = 50  # questions a conversation keeps (shown, and rated); older ones drop off
STATE_TTL_S = 6 * 3600  # a conversation left alone this long is forgotten by the server

Turns = list[dict[str, Any]]
Messages = list[dict[str, str]]


# --- pure helpers (unit-tested) --------------------------------------------------------


def messages_of(turns: Sequence[dict[str, Any]]) -> Messages:
    """The chatbot's messages: for turn i, the question at 2i and the answer at 2i + 1."""
    out: Messages = []
    for t in turns:
        out.append({"role": "user", "content": t["question"]})
        out.append({"role": "assistant", "content": t["rendered"]})
    return out


def history_of(turns: Sequence[dict[str, Any]], limit: int) -> list[Turn]:
    """The last `limit` turns of the conversation, as the assistant takes them."""
    history: list[Turn] = []
    for t in turns:
        history.append(Turn(role="user", content=t["question"]))
        history.append(Turn(role="assistant", content=t["answer"]["answer"]))
    return history[-limit:] if limit else []


def make_filters(
    insurers: Sequence[str] | None,
    care_types: Sequence[str] | None,
    years: Sequence[int | str] | None,
    include_outdated: bool | None,
) -> Filters:
    return Filters(
        insurers=list(insurers or []),
        care_types=list(care_types or []),
        years=[int(y) for y in years or []],
        include_outdated=bool(include_outdated),
    )


def filter_choices(documents: Sequence[DocumentInfo]) -> tuple[list[str], list[str], list[int]]:
    """Insurers, care types and years that occur in the indexed documents."""
    insurers: set[str] = set()
    care: set[str] = set()
    years: set[int] = set()
    for d in documents:
        if d.meta.insurer:
            insurers.add(d.meta.insurer)
        care.update(d.meta.care_types)
        years.update(d.meta.years)
    return sorted(insurers), sorted(care), sorted(years)


def build_status(services: Services) -> tuple[str, bool]:
    """The status line while the first index is being built ('' once there is one), and
    whether the build still runs (the page keeps polling while it does)."""
    try:
        health = services.assistant().health()
    except Exception:  # noqa: BLE001 - a status line never breaks the page
        log.exception("reading the build status failed")
        return "", False
    if health.index_present or health.build is None:
        return "", False
    message = html.escape(build_message(health.build))
    if health.build.running:
        spinner = '<span class="iw-spinner" aria-hidden="true"></span>'
        return f'<div class="iw-building" role="status">{spinner} {message} — je kunt je vraag zo stellen.</div>', True
    return f'<div class="iw-notice" role="alert">{message}</div>', False


INVALID_TEXT = "Je {what} bevat een ongeldig teken (een losse surrogaat zoals \\ud800); verstuur gewone tekst."


def _check_question(services: Services, question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise gr.Error("Typ eerst een vraag.", title="Geen vraag")
    limit = services.settings.max_question_chars
    if len(question) > limit:
        raise gr.Error(f"Je vraag is te lang: maximaal {limit} tekens.", title="Te lang")
    if has_lone_surrogate(question):
        raise gr.Error(INVALID_TEXT.format(what="vraag"), title="Ongeldige tekst")
    return question


def _check_history(services: Services, history: Sequence[dict[str, str]]) -> list[Turn]:
    """The history an API client sent, held to the API's limits (docs/security.md)."""
    s = services.settings
    if len(history) > s.max_history_turns:
        raise gr.Error(f"De geschiedenis is te lang: maximaal {s.max_history_turns} beurten.", title="Te lang")
    try:
        turns = [Turn.model_validate(h) for h in history]
    except ValueError as exc:
        raise gr.Error("Elke beurt in de geschiedenis heeft een 'role' (user of assistant) en een 'content'.") from exc
    for t in turns:
        limit = s.max_question_chars if t.role == "user" else s.max_turn_chars
        if len(t.content) > limit:
            raise gr.Error(f"Een beurt in de geschiedenis is te lang: maximaal {limit} tekens.", title="Te lang")
        if has_lone_surrogate(t.content):
            raise gr.Error(INVALID_TEXT.format(what="geschiedenis"), title="Ongeldige tekst")
    return turns


def _turn(question: str, answer: Answer, rendered: str, history: list[Turn], filters: Filters) -> dict[str, Any]:
    return {
        "question": question,
        "answer": answer.model_dump(mode="json"),
        "rendered": rendered,
        "history": [t.model_dump() for t in history],
        "filters": filters.model_dump(),
        "feedback_id": None,
    }


def respond(
    services: Services,
    desk: bool,
    question: str,
    turns: Turns | None,
    filters: Filters,
) -> Iterator[tuple[str, Messages, Turns, str]]:
    """Answer one question, streaming: yields (textbox, chatbot messages, turns, debug panel).

    The provider chat streams text pieces from `assistant.stream`; the desk asks with
    `debug=True` so its panel can show the retrieved passages, scores and timings.
    """
    question = _check_question(services, question)
    turns = list(turns or [])
    history = history_of(turns, services.settings.max_history_turns)
    shown = messages_of(turns) + [{"role": "user", "content": question}]
    yield "", shown + [{"role": "assistant", "content": "_Ik zoek in de beleidsdocumenten…_"}], turns, ""
    try:
        assistant = services.assistant()
        answer: Answer | None = None
        if desk:
            answer = assistant.ask(question, history, filters, debug=True)
        else:
            text = ""
            for piece in assistant.stream(question, history, filters):
                if isinstance(piece, Answer):
                    answer = piece
                    break
                text += piece
                yield "", shown + [{"role": "assistant", "content": text_html(text)}], turns, ""
        if answer is None:
            raise RuntimeError("the assistant's stream ended without an Answer")
        services.pages.attach(answer)
        rendered = answer_markdown(answer, DocumentTexts(assistant.document_text))
    except InkoopwijzerError as exc:
        yield question, messages_of(turns), turns, ""
        raise gr.Error(str(exc), title="Geen antwoord") from exc
    except Exception as exc:
        log.exception("chat answer failed")
        yield question, messages_of(turns), turns, ""
        raise gr.Error(UNEXPECTED, title="Fout") from exc
    turns.append(_turn(question, answer, rendered, history, filters))
    turns = turns[-MAX_TURNS:]
    yield "", messages_of(turns), turns, debug_html(answer) if desk else ""


def record_feedback(
    services: Services, turns: Turns | None, index: int, rating: Rating, comment: str, channel: str
) -> tuple[str, Turns]:
    """Store (or change) the rating of turn `index`; returns a status line and the turns."""
    turns = list(turns or [])
    if not turns or not 0 <= index < len(turns):
        raise gr.Error("Er is nog geen antwoord om te beoordelen.", title="Geen antwoord")
    turn = dict(turns[index])
    comment = (comment or "").strip()[:4000]
    if turn.get("feedback_id"):
        services.feedback.update(turn["feedback_id"], rating=rating, comment=comment or None)
    else:
        turn["feedback_id"] = services.feedback.add(
            rating,
            turn["question"],
            Answer.model_validate(turn["answer"]),
            comment=comment,
            history=[Turn.model_validate(t) for t in turn["history"]],
            filters=Filters.model_validate(turn["filters"]),
            channel=channel,
        )
    turns[index] = turn
    verdict = "nuttig" if rating == "up" else "niet nuttig"
    return f"Bedankt! Je feedback ({verdict}) op vraag {index + 1} is opgeslagen.", turns


def chat_stream(
    services: Services,
    question: str,
    history: Sequence[dict[str, str]] = (),
    filters: Filters | None = None,
) -> Iterator[dict[str, Any]]:
    """For API clients (gradio_client): {"text": so far, "answer": null}…, then the full Answer."""
    question = _check_question(services, question)
    turns = _check_history(services, history)
    text = ""
    try:
        for piece in services.assistant().stream(question, turns, filters or Filters()):
            if isinstance(piece, Answer):
                services.pages.attach(piece)
                yield {"text": piece.answer, "answer": piece.model_dump(mode="json")}
                return
            text += piece
            yield {"text": text, "answer": None}
    except InkoopwijzerError as exc:
        raise gr.Error(str(exc)) from exc


# --- the Gradio view ---------------------------------------------------------------------


def _same(text: str) -> str:
    """An example button's own text, into the question box."""
    return text


@dataclass
class ChatView:
    """The components of one rendered chat, for views that add to it (the desk)."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    turns: gr.State
    status: gr.Markdown
    debug: gr.HTML


def add_chat(services: Services, *, desk: bool = False, debug_panel: gr.HTML | None = None) -> ChatView:
    """Render the chat into the current Blocks and wire its events."""
    channel = "desk" if desk else "chat"
    # a session's state lives on the server: bounded in size (MAX_TURNS) and in time
    turns = gr.State([], time_to_live=STATE_TTL_S)
    status = gr.Markdown("", elem_id="iw-status", elem_classes=["iw-status"])
    with gr.Accordion("Filters: verzekeraar, zorgsoort, jaar", open=False, elem_id="iw-filters"):
        with gr.Row():
            insurers = gr.Dropdown([], value=[], multiselect=True, label="Verzekeraar", min_width=200)
            care_types = gr.Dropdown([], value=[], multiselect=True, label="Zorgsoort", min_width=160)
            years = gr.Dropdown([], value=[], multiselect=True, label="Jaar", min_width=120)
        include_outdated = gr.Checkbox(False, label="Ook verouderd beleid doorzoeken")
    chatbot = gr.Chatbot(
        [],
        label="Gesprek",
        show_label=False,
        elem_id="iw-chatbot",
        # the answer area takes the window's height less the rows around it; the newest answer is
        # scrolled to the top of it (style.HEAD), so an answer is read from its first line
        height="calc(100dvh - 17rem)",
        min_height=320,
        autoscroll=False,
        placeholder="**Welkom!** Typ hieronder je vraag of kies een voorbeeldvraag. Filters staan hierboven.",
        feedback_options=("Like", "Dislike"),
        buttons=["copy"],
        layout="panel",
    )
    with gr.Row(equal_height=True, elem_id="iw-ask-row"):
        question = gr.Textbox(
            label="Je vraag",
            show_label=False,
            placeholder="Stel je vraag (Enter verstuurt)",
            lines=1,
            max_lines=4,
            max_length=services.settings.max_question_chars,
            scale=8,
            min_width=200,
            elem_id="iw-question",
            autofocus=True,
        )
        send = gr.Button("Vraag", variant="primary", scale=1, min_width=80, elem_id="iw-send")
    with gr.Row(elem_id="iw-examples"):
        gr.Markdown("**Voorbeeldvragen:**", elem_classes=["iw-examples-label"])
        # general until the page has read the index (on_load): then about the indexed policies
        example_buttons = [
            gr.Button(ex, size="sm", variant="secondary", elem_classes=["iw-example"]) for ex in general_examples()
        ]
    with gr.Row(elem_id="iw-feedback-row"):
        comment = gr.Textbox(
            label="Toelichting bij je beoordeling (optioneel)",
            placeholder="Wat klopte er niet, of wat miste je?",
            lines=1,
            max_lines=3,
            scale=6,
            min_width=220,
            elem_id="iw-comment",
        )
        up = gr.Button("Nuttig", size="sm", scale=1, min_width=100, elem_id="iw-up")
        down = gr.Button("Niet nuttig", size="sm", scale=1, min_width=120, elem_id="iw-down")
        new = gr.Button("Nieuw gesprek", size="sm", variant="stop", scale=1, min_width=120, elem_id="iw-new")
    debug = debug_panel if debug_panel is not None else gr.HTML("", visible=False)

    def on_ask(q: str, t: Turns, ins: list[str], care: list[str], yrs: list[int], old: bool) -> Iterator[tuple[str, Messages, Turns, str]]:
        yield from respond(services, desk, q, t, make_filters(ins, care, yrs, old))

    ask_inputs = [question, turns, insurers, care_types, years, include_outdated]
    ask_outputs = [question, chatbot, turns, debug]
    gr.on([question.submit, send.click], on_ask, inputs=ask_inputs, outputs=ask_outputs,
          api_visibility="private", concurrency_limit=4)
    for button in example_buttons:
        button.click(_same, inputs=button, outputs=question, api_visibility="private", queue=False).then(
            on_ask, inputs=ask_inputs, outputs=ask_outputs, api_visibility="private", concurrency_limit=4
        )

    def on_like(t: Turns, c: str, data: gr.LikeData) -> Any:
        liked = data.liked
        if liked not in (True, False, "Like", "Dislike"):  # a thumb taken back: keep what was stored
            return gr.skip(), gr.skip(), gr.skip()
        rating: Rating = "up" if liked in (True, "Like") else "down"
        index = data.index if isinstance(data.index, int) else data.index[0]
        message, t = record_feedback(services, t, index // 2, rating, c, channel)
        return message, t, ""

    def on_rate_last(rating: Rating) -> Any:
        def handler(t: Turns, c: str) -> tuple[str, Turns, str]:
            message, t = record_feedback(services, t, len(t or []) - 1, rating, c, channel)
            return message, t, ""

        return handler

    fb_outputs = [status, turns, comment]
    chatbot.like(on_like, inputs=[turns, comment], outputs=fb_outputs, api_visibility="private")
    up.click(on_rate_last("up"), inputs=[turns, comment], outputs=fb_outputs, api_visibility="private")
    down.click(on_rate_last("down"), inputs=[turns, comment], outputs=fb_outputs, api_visibility="private")

    def on_new() -> tuple[Messages, Turns, str, str, str]:
        return [], [], "", "", ""

    new.click(on_new, outputs=[chatbot, turns, status, debug, question], api_visibility="private", queue=False)
    # the chatbot's own trash button clears the messages; forget the turns with them
    chatbot.clear(lambda: ([], "", ""), outputs=[turns, status, debug], api_visibility="private", queue=False)

    build_timer = gr.Timer(2.0, active=False)

    unchanged = [gr.skip() for _ in example_buttons]

    def on_load() -> tuple[Any, ...]:
        building, running = build_status(services)
        if building:  # no index yet: show the progress until it can answer, then load the filters
            return gr.skip(), gr.skip(), gr.skip(), building, gr.Timer(active=running), *unchanged
        try:
            documents = services.assistant().documents()
            ins, care, yrs = filter_choices(documents)
            examples = example_questions(documents)
        except InkoopwijzerError as exc:
            return gr.skip(), gr.skip(), gr.skip(), f"Let op: {exc}", gr.skip(), *unchanged
        except Exception:
            log.exception("loading filter choices failed")
            return gr.skip(), gr.skip(), gr.skip(), "Let op: de filters konden niet worden geladen.", gr.skip(), *unchanged
        buttons = [gr.Button(value=text) for text in examples]
        return gr.Dropdown(choices=ins), gr.Dropdown(choices=care), gr.Dropdown(choices=yrs), "", gr.Timer(active=False), *buttons

    load_outputs = [insurers, care_types, years, status, build_timer, *example_buttons]
    gr.on(triggers=None, fn=on_load, outputs=load_outputs, api_visibility="private")  # load
    build_timer.tick(on_load, outputs=load_outputs, api_visibility="private", queue=False)
    return ChatView(chatbot=chatbot, question=question, turns=turns, status=status, debug=debug)


def build_chat_app(services: Services) -> gr.Blocks:
    """The provider page: title, the chat, and an API endpoint `/chat` for gradio_client."""
    with gr.Blocks(title="Inkoopwijzer", analytics_enabled=False, fill_width=False) as demo:
        gr.Markdown(f"# Inkoopwijzer\n{INTRO}", elem_id="iw-header")
        add_chat(services)

        def chat(
            question: str,
            history: list[dict[str, str]] | None = None,
            insurers: list[str] | None = None,
            care_types: list[str] | None = None,
            years: list[int] | None = None,
            include_outdated: bool = False,
        ) -> Iterator[dict[str, Any]]:
            """Ask a question; streams {"text", "answer"} and ends with the full Answer."""
            yield from chat_stream(services, question, history or [], make_filters(insurers, care_types, years, include_outdated))

        gr.api(chat, api_name="chat", concurrency_limit=4)
    with demo.route("Planning", "/planning"):
        from .planning import add_planning

        add_planning(services)
    return demo
