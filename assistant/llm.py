"""The optional language-model answer mode: rewrite a cited extractive answer in plain words.

The extractive answer's citations are the only evidence: the model gets them as numbered
passages (`assistant.llm_prompt`), answers in the question's language and cites `[n]`. Its text
is checked before it is shown (`assistant.llm_validate`): every `[n]` must point to a given
passage, and every date, amount, percentage and year must occur in a cited passage.

Whatever goes wrong — no model configured or installed, an unreachable endpoint, no answer
within `INKOOPWIJZER_LLM_TIMEOUT_S`, an answer that fails the check — the user gets the
extractive answer with a notice saying why, never an error.

    refine_with_llm(answer, settings) -> Answer
    stream_llm(answer, settings)      -> Iterator[str | Answer]   # pieces, then the final Answer

In a stream the final `Answer` is authoritative: when the generated text fails the check, the
pieces already yielded are replaced by the extractive answer, so render the `Answer`, not the
concatenated pieces.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from inkoopwijzer.errors import ConfigError
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Answer

from .llm_models import chat_model
from .llm_prompt import build_messages
from .llm_validate import validate

__all__ = ["LLMTimeoutError", "refine_with_llm", "stream_llm"]

log = logging.getLogger(__name__)

Reason = Literal["off", "unavailable", "unreachable", "timeout", "invalid"]

_NOTICES: dict[Reason, dict[str, str]] = {
    "off": {
        "nl": "De taalmodel-modus staat uit (INKOOPWIJZER_LLM_BACKEND); u ziet het extractieve antwoord.",
        "en": "The language-model mode is off (INKOOPWIJZER_LLM_BACKEND); this is the extractive answer.",
    },
    "unavailable": {
        "nl": "Het taalmodel is niet beschikbaar; u ziet het extractieve antwoord met letterlijke citaten.",
        "en": "The language model is not available; this is the extractive answer with verbatim quotes.",
    },
    "unreachable": {
        "nl": "Het taalmodel is niet bereikbaar; u ziet het extractieve antwoord met letterlijke citaten.",
        "en": "The language model cannot be reached; this is the extractive answer with verbatim quotes.",
    },
    "timeout": {
        "nl": "Het taalmodel antwoordde niet binnen {timeout} seconden; u ziet het extractieve antwoord met "
        "letterlijke citaten.",
        "en": "The language model did not answer within {timeout} seconds; this is the extractive answer with "
        "verbatim quotes.",
    },
    "invalid": {
        "nl": "Het antwoord van het taalmodel week af van de bronnen (een verwijzing, datum, bedrag of percentage "
        "stond niet in de geciteerde passage); u ziet daarom het extractieve antwoord met letterlijke citaten.",
        "en": "The language model's answer did not match the sources (a reference, date, amount or percentage "
        "was not in the cited passage), so this is the extractive answer with verbatim quotes.",
    },
}


class LLMTimeoutError(TimeoutError):
    """The model gave no (complete) answer before the deadline."""


def refine_with_llm(answer: Answer, settings: Settings, model: BaseChatModel | None = None) -> Answer:
    """The model's validated answer over the same citations, or `answer` with a notice.

    `model` replaces the configured chat model (tests pass a fake)."""
    final = answer
    for piece in stream_llm(answer, settings, model):
        if isinstance(piece, Answer):
            final = piece
    return final


def stream_llm(answer: Answer, settings: Settings, model: BaseChatModel | None = None) -> Iterator[str | Answer]:
    """Yield the model's text as it is generated, then the final `Answer` (see the module doc)."""
    t0 = time.perf_counter()
    if answer.status != "answered" or not answer.citations:
        yield answer
        return
    if model is None:
        if settings.llm_backend == "none":
            yield _fallback(answer, "off", settings, t0)
            return
        try:
            model = chat_model(settings)
        except ConfigError as exc:
            log.warning("language model unavailable: %s", exc)
            yield _fallback(answer, "unavailable", settings, t0)
            return
    messages = build_messages(answer.question, answer.citations, answer.language)
    pieces: list[str] = []
    first_token_ms: float | None = None
    try:
        for piece in stream_within(model, messages, settings.llm_timeout_s):
            if first_token_ms is None:
                first_token_ms = _ms(t0)
            pieces.append(piece)
            yield piece
    except LLMTimeoutError:
        log.warning("language model timed out after %.1f s", settings.llm_timeout_s)
        yield _fallback(answer, "timeout", settings, t0)
        return
    except ConfigError as exc:
        log.warning("language model unavailable: %s", exc)
        yield _fallback(answer, "unavailable", settings, t0)
        return
    except Exception as exc:  # noqa: BLE001 - any model or transport failure falls back
        reason: Reason = "timeout" if _is_timeout(exc) else "unreachable"
        log.warning("language model failed (%s): %s: %s", reason, exc.__class__.__name__, exc)
        yield _fallback(answer, reason, settings, t0)
        return
    text = "".join(pieces).strip()
    problems = validate(text, answer.citations)
    if problems:
        log.info("language-model answer rejected: %s | text: %r", "; ".join(problems), text[:500])
        yield _fallback(answer, "invalid", settings, t0)
        return
    backend = settings.llm_backend if settings.llm_backend != "none" else "custom"
    llm_ms = _ms(t0)
    timings = {**answer.timings, "llm_ms": llm_ms, "llm_first_token_ms": first_token_ms or llm_ms}
    timings["total_ms"] = round(answer.timings.get("total_ms", 0.0) + llm_ms, 1)
    yield answer.model_copy(update={"answer": text, "mode": f"llm:{backend}", "timings": timings})


def stream_within(model: BaseChatModel, messages: Sequence[BaseMessage], timeout_s: float) -> Iterator[str]:
    """The model's text pieces; `LLMTimeoutError` once `timeout_s` has passed since the call.

    The model runs in a worker thread so that a hung connection or a long prompt evaluation
    cannot hold the caller past the deadline; when the caller stops reading, the worker stops
    at its next piece (for llama.cpp this ends generation)."""
    deadline = time.monotonic() + timeout_s
    pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            stream = model.stream(list(messages))
            try:
                for chunk in stream:
                    if stop.is_set():
                        break
                    text = str(chunk.text)
                    if text:
                        pieces.put(("text", text))
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            pieces.put(("error", exc))
            return
        pieces.put(("done", None))

    threading.Thread(target=produce, name="llm-stream", daemon=True).start()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LLMTimeoutError(f"no complete answer within {timeout_s} s")
            try:
                kind, value = pieces.get(timeout=remaining)
            except queue.Empty:
                raise LLMTimeoutError(f"no complete answer within {timeout_s} s") from None
            if kind == "text":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()


def _fallback(answer: Answer, reason: Reason, settings: Settings, t0: float) -> Answer:
    template = _NOTICES[reason]["en" if answer.language == "en" else "nl"]
    note = template.format(timeout=f"{settings.llm_timeout_s:g}")
    timings = {**answer.timings}
    if reason != "off":
        timings["llm_ms"] = _ms(t0)
    return answer.model_copy(update={"notices": [*answer.notices, note], "mode": "extractive", "timings": timings})


def _is_timeout(exc: BaseException) -> bool:
    """Whether a transport error is a time-out (openai's and httpx's time-out classes)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"APITimeoutError", "TimeoutException", "ReadTimeout", "ConnectTimeout", "TimeoutError"})


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 1)
