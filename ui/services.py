"""What the API, the chat and the desk share: settings, the assistant (created on first
use through the injected factory), the feedback store, the upload jobs and the desk's exports."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from pathlib import Path

from assistant.service import Assistant
from inkoopwijzer.settings import Settings

from .exports import ExportStore
from .feedback import FeedbackStore
from .pagedraw import PageDrawer
from .pages import PageViews
from .uploads import IngestFn, UploadManager

__all__ = ["AssistantFactory", "Services"]

AssistantFactory = Callable[[], Assistant]


class Services:
    def __init__(self, settings: Settings, assistant_factory: AssistantFactory, ingest: IngestFn | None = None) -> None:
        self.settings = settings
        self._factory = assistant_factory
        self._assistant: Assistant | None = None
        self._lock = threading.Lock()
        self.feedback = FeedbackStore(settings.data_dir / "feedback.sqlite", retention_days=settings.retention_days)
        self.uploads = UploadManager(settings, ingest=ingest)
        self.pages = PageViews(
            settings.data_dir, lambda d: self.assistant().document_layout(d), self.document_file,
            drawer=PageDrawer(settings.page_render_timeout_s, settings.page_render_memory_mb),
        )
        self.exports = ExportStore(settings.data_dir / "exports", ttl_s=settings.export_ttl_minutes * 60)

    def assistant(self) -> Assistant:
        """The assistant, created on the first request (loading it may take seconds)."""
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    self._assistant = self._factory()
        return self._assistant

    @property
    def desk_enabled(self) -> bool:
        token = self.settings.desk_token
        return token is not None and bool(token.get_secret_value())

    def desk_token_ok(self, candidate: str | None) -> bool:
        """Constant-time check of a presented desk token."""
        token = self.settings.desk_token
        if token is None or not candidate or not token.get_secret_value():
            return False
        return hmac.compare_digest(candidate.encode(), token.get_secret_value().encode())

    def document_file(self, document: str) -> Path | None:
        """The source file of an indexed document, if it is one we may serve.

        Only names the assistant lists are served, and only from the shipped corpus
        or the upload folder; the name may not contain a path.
        """
        if not document or document != Path(document).name or document.startswith("."):
            return None
        if document not in {d.meta.document for d in self.assistant().documents()}:
            return None
        for folder in (self.settings.corpus_dir, self.settings.data_dir / "uploads"):
            candidate = (folder / document).resolve()
            if candidate.is_file() and candidate.parent == folder.resolve():
                return candidate
        return None
