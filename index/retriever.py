"""LangChain `BaseRetriever` over the hybrid search, for chains and the evaluation baseline."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from inkoopwijzer.settings import Settings, get_settings
from inkoopwijzer.types import Filters

from .search import get_searcher

__all__ = ["HybridRetriever"]


class HybridRetriever(BaseRetriever):
    """Returns passages as LangChain `Document`s with score and citation metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings | None = None
    filters: Filters | None = None
    k: int = 5
    language: str = "nl"

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        searcher = get_searcher(self.settings or get_settings())
        hits = searcher.search(query, self.filters, self.k, self.language)
        return [
            Document(
                page_content=h.chunk.text,
                id=h.chunk.id,
                metadata={
                    "document": h.meta.document,
                    "title": h.meta.title,
                    "insurer": h.meta.insurer,
                    "section": h.chunk.section,
                    "page": h.chunk.page,
                    "start": h.chunk.start,
                    "end": h.chunk.end,
                    "score": h.score,
                },
            )
            for h in hits
        ]
