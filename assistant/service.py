"""The assistant's public face: what the CLI, the API, the UI and the evals call."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from inkoopwijzer.settings import Settings, get_settings
from inkoopwijzer.types import Answer, DocumentMeta, Filters, Turn

__all__ = ["Assistant", "DocumentInfo", "Health", "get_assistant"]


@dataclass
class DocumentInfo:
    meta: DocumentMeta
    chunks: int
    outdated: bool
    notice: str | None


@dataclass
class Health:
    index_present: bool
    documents: int
    model_loaded: bool
    store_ok: bool
    detail: str = ""


class Assistant:
    """Answers questions over the current index. Thread-safe for concurrent `ask` calls."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        debug: bool = False,
        mode: str | None = None,
    ) -> Answer:
        """Answer one question; `retrieved` is filled when `debug` is true."""
        raise NotImplementedError

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final `Answer`."""
        answer = self.ask(question, history, filters, mode=mode)
        yield answer.answer
        yield answer

    def documents(self) -> list[DocumentInfo]:
        raise NotImplementedError

    def document_text(self, document: str) -> str:
        """The full text of an indexed document (for showing a citation in context)."""
        raise NotImplementedError

    def health(self) -> Health:
        raise NotImplementedError


_assistant: Assistant | None = None


def get_assistant() -> Assistant:
    """The process-wide assistant (created on first use, never at import)."""
    global _assistant
    if _assistant is None:
        _assistant = Assistant()
    return _assistant
