"""The chat's handlers over a fake assistant: streaming, history, filters, feedback, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest
from conftest_server import FakeAssistant, make_settings

from inkoopwijzer.errors import IndexMissingError
from inkoopwijzer.settings import REPO_ROOT
from inkoopwijzer.types import Answer, Filters
from ui.chat import (
    build_chat_app,
    chat_stream,
    history_of,
    make_filters,
    messages_of,
    record_feedback,
    respond,
)
from ui.examples import general_examples
from ui.services import Services


@pytest.fixture
def fake() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def services(fake: FakeAssistant, tmp_path: Path) -> Services:
    return Services(make_settings(tmp_path, max_question_chars=100, max_history_turns=3), lambda: fake)


def _run(services: Services, question: str, turns: list | None = None, desk: bool = False, filters: Filters | None = None) -> list:
    return list(respond(services, desk, question, turns or [], filters or Filters()))


def test_answer_streams_then_shows_sources(services: Services) -> None:
    updates = _run(services, "deadline offerte salland?")
    assert len(updates) > 3, "a placeholder, text pieces, then the final message"
    box, messages, turns, debug = updates[0]
    assert box == "" and messages[-1]["role"] == "assistant" and "zoek" in messages[-1]["content"]
    partial = [u[1][-1]["content"] for u in updates[1:-1]]
    assert "<p>Bij</p>" in partial[0] and partial[-1].endswith("[1].</p></div>")
    box, messages, turns, debug = updates[-1]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "Bronnen" in messages[1]["content"] and "1 juli 2026" in messages[1]["content"]
    assert turns[0]["question"] == "deadline offerte salland?"
    assert Answer.model_validate(turns[0]["answer"]).citations[0].insurer == "Salland"
    assert debug == "", "the provider chat has no debug panel"


def test_follow_up_sends_limited_history_and_filters(services: Services, fake: FakeAssistant) -> None:
    turns = _run(services, "deadline offerte salland?")[-1][2]
    turns = _run(services, "zbc eisen?", turns)[-1][2]
    filters = make_filters(["Zorg en Zekerheid"], ["MSZ"], ["2027"], True)
    final = _run(services, "en bij zorg en zekerheid?", turns, filters=filters)[-1]
    call = fake.calls[-1]
    assert len(call.history) == 3, "max_history_turns=3 keeps the last three"
    assert call.history[-1].role == "assistant" and call.history[-1].content.startswith("Een ZBC")
    assert call.filters == Filters(insurers=["Zorg en Zekerheid"], care_types=["MSZ"], years=[2027], include_outdated=True)
    assert len(final[1]) == 6 and len(final[2]) == 3


def test_desk_mode_asks_with_debug_and_fills_the_panel(services: Services, fake: FakeAssistant) -> None:
    final = _run(services, "zbc eisen?", desk=True)[-1]
    assert fake.calls[-1].debug is True
    assert "Opgehaalde passages (2)" in final[3] and "<code>extractive</code>" in final[3]


def test_empty_and_too_long_questions_are_refused(services: Services, fake: FakeAssistant) -> None:
    with pytest.raises(gr.Error, match="Typ eerst een vraag"):
        _run(services, "   ")
    with pytest.raises(gr.Error, match="maximaal 100 tekens"):
        _run(services, "x" * 101)
    assert fake.calls == []


def test_domain_errors_become_a_gr_error_and_keep_the_conversation(services: Services, fake: FakeAssistant) -> None:
    turns = _run(services, "deadline offerte salland?")[-1][2]
    fake.error = IndexMissingError()
    gen = respond(services, False, "zbc?", turns, Filters())
    next(gen)  # placeholder
    box, messages, kept, _ = next(gen)
    assert box == "zbc?", "the question is given back to retry"
    assert kept == turns and len(messages) == 2
    with pytest.raises(gr.Error, match="inkoopwijzer ingest"):
        next(gen)


def test_unexpected_errors_show_a_generic_message(services: Services, fake: FakeAssistant) -> None:
    fake.error = RuntimeError("boom /secret/path")
    with pytest.raises(gr.Error) as info:
        _run(services, "deadline offerte salland?")
    assert "secret" not in str(info.value.message)


def test_feedback_on_a_turn_is_stored_and_can_be_changed(services: Services) -> None:
    turns = _run(services, "deadline offerte salland?")[-1][2]
    status, turns = record_feedback(services, turns, 0, "up", " prima ", "chat")
    assert "opgeslagen" in status and turns[0]["feedback_id"]
    status, turns = record_feedback(services, turns, 0, "down", "toch niet", "chat")
    [record] = services.feedback.records()
    assert (record.rating, record.comment, record.question) == ("down", "toch niet", "deadline offerte salland?")
    with pytest.raises(gr.Error):
        record_feedback(services, [], 0, "up", "", "chat")


def test_messages_and_history_follow_the_turns() -> None:
    turns = [{"question": "q1", "rendered": "<b>r1</b>", "answer": {"answer": "a1"}},
             {"question": "q2", "rendered": "r2", "answer": {"answer": "a2"}}]
    assert messages_of(turns) == [
        {"role": "user", "content": "q1"}, {"role": "assistant", "content": "<b>r1</b>"},
        {"role": "user", "content": "q2"}, {"role": "assistant", "content": "r2"},
    ]
    assert [t.content for t in history_of(turns, 3)] == ["a1", "q2", "a2"]
    assert history_of(turns, 0) == []


def test_chat_api_streams_and_ends_with_the_answer(services: Services) -> None:
    out = list(chat_stream(services, "deadline offerte salland?", [{"role": "user", "content": "hoi"}]))
    assert out[0] == {"text": "Bij", "answer": None}
    assert Answer.model_validate(out[-1]["answer"]).status == "answered"
    with pytest.raises(gr.Error, match="geschiedenis"):
        list(chat_stream(services, "x", [{"role": "user", "content": "a"}] * 4))


def test_the_page_offers_examples_filters_and_controls(services: Services) -> None:
    config = build_chat_app(services).get_config_file()
    values = {str(c.get("props", {}).get("value")) for c in config["components"]}
    labels = {str(c.get("props", {}).get("label")) for c in config["components"]}
    assert set(general_examples()) <= values  # until the page has read the index
    assert {"Verzekeraar", "Zorgsoort", "Jaar", "Ook verouderd beleid doorzoeken"} <= labels
    assert {"Nieuw gesprek", "Nuttig", "Niet nuttig", "Vraag"} <= values
    names = {d.get("api_name") for d in config["dependencies"] if d.get("api_visibility") == "public"}
    assert names == {"chat"}, "only the documented chat endpoint is public"


def test_importing_ui_is_cheap() -> None:
    code = "import sys, ui; assert 'gradio' not in sys.modules, 'import ui must not load gradio'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
