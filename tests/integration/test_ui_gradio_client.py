"""gradio_client against the running server's chat endpoint (`/chat`)."""

from __future__ import annotations

import pytest
from conftest_server import ServerProcess

from inkoopwijzer.types import Answer

pytestmark = pytest.mark.integration


def test_chat_endpoint_streams_an_answer_with_citations(live_server: ServerProcess) -> None:
    from gradio_client import Client

    client = Client(live_server.url + "/", verbose=False, download_files=False)
    job = client.submit(
        "Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis voor MSZ 2027?",
        [],
        ["Zilveren Kruis"],
        api_name="/chat",
    )
    final = job.result(timeout=120)
    outputs = job.outputs()
    assert len(outputs) >= 2, "text arrives in pieces before the answer"
    assert outputs[0]["answer"] is None and outputs[0]["text"]
    answer = Answer.model_validate(final["answer"])
    assert answer.status == "answered" and answer.citations
    assert {c.insurer for c in answer.citations} == {"Zilveren Kruis"}


def test_chat_endpoint_takes_history(live_server: ServerProcess) -> None:
    from gradio_client import Client

    client = Client(live_server.url + "/", verbose=False, download_files=False)
    history = [
        {"role": "user", "content": "deadline offerte salland?"},
        {"role": "assistant", "content": "Bij Salland uiterlijk 1 september."},
    ]
    final = client.predict("en bij Zorg en Zekerheid?", history, api_name="/chat")
    answer = Answer.model_validate(final["answer"])
    assert answer.status in ("answered", "clarify", "not_found")
    assert answer.question == "en bij Zorg en Zekerheid?"
