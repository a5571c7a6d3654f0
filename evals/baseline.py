"""The naive baseline measured beside Inkoopwijzer: textbook LangChain RAG without the care.

The same documents' text (as the assistant indexed it) is cut by `RecursiveCharacterTextSplitter`
(1000 characters, 200 overlap), embedded with the same embedding model into a `langchain_chroma.Chroma`
collection, and each question gets the top-5 passages by similarity; the best passage *is* the
answer (one citation, status always `answered`). No keyword search, no filters, no history, no refusal.

Embedding the corpus is slow (≈5 passages/s), so a built collection is kept under
`<cache_dir>/<key>/`, where the key hashes the splitter settings, the embedding model and the
documents' texts: a changed document or model builds a new one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inkoopwijzer.language import detect_language
from inkoopwijzer.types import Answer, Citation, RetrievedPassage

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

__all__ = ["BASELINE_K", "CHUNK_OVERLAP", "CHUNK_SIZE", "BaselineDocument", "NaiveBaseline"]

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
BASELINE_K = 5
_COLLECTION = "naive_baseline"
_MARKER = "complete.json"
_BATCH = 32


@dataclass(frozen=True)
class BaselineDocument:
    """One document's indexed text and what a citation shows of it."""

    document: str
    title: str
    text: str
    insurer: str | None = None


def cache_key(documents: Sequence[BaselineDocument], embedding_id: str) -> str:
    """Hash of everything the built collection depends on."""
    h = hashlib.sha256(f"recursive:{CHUNK_SIZE}:{CHUNK_OVERLAP}|{embedding_id}".encode())
    for d in sorted(documents, key=lambda d: d.document):
        h.update(b"\0" + d.document.encode() + b"\0" + d.text.encode())
    return h.hexdigest()[:16]


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


class NaiveBaseline:
    """Answers a question with the most similar 1000-character chunk."""

    def __init__(self, store: Chroma, k: int = BASELINE_K) -> None:
        self.store = store
        self.k = k

    @classmethod
    def build(
        cls,
        documents: Sequence[BaselineDocument],
        embeddings: Embeddings,
        *,
        cache_dir: Path | None = None,
        embedding_id: str = "",
        progress: Callable[[str], None] | None = None,
    ) -> NaiveBaseline:
        """Split, embed and store the documents, or reopen the collection cached for exactly them.

        With `cache_dir` None the collection lives in memory only (tests).
        """
        import chromadb
        from langchain_chroma import Chroma

        key = cache_key(documents, embedding_id)
        if cache_dir is None:
            client = chromadb.EphemeralClient(settings=_chroma_settings())
            store = Chroma(f"{_COLLECTION}_{uuid.uuid4().hex[:8]}", embeddings, client=client)
            _fill(store, documents, progress)
            return cls(store)

        folder = cache_dir / key
        if (folder / _MARKER).is_file():
            client = chromadb.PersistentClient(path=str(folder), settings=_chroma_settings())
            return cls(Chroma(_COLLECTION, embeddings, client=client))
        if folder.exists():
            shutil.rmtree(folder)  # an interrupted build
        folder.mkdir(parents=True)
        client = chromadb.PersistentClient(path=str(folder), settings=_chroma_settings())
        store = Chroma(_COLLECTION, embeddings, client=client)
        n = _fill(store, documents, progress)
        (folder / _MARKER).write_text(json.dumps({"chunks": n, "embedding": embedding_id}), encoding="utf-8")
        return cls(store)

    def ask(self, question: str) -> Answer:
        """The top passage as the answer; the top-k passages as `retrieved`."""
        started = time.perf_counter()
        hits = self.store.similarity_search_with_score(question, k=self.k)
        elapsed = (time.perf_counter() - started) * 1000
        passages = [
            RetrievedPassage(
                chunk_id=str(doc.id or doc.metadata.get("chunk_id", "")),
                document=str(doc.metadata["document"]),
                title=str(doc.metadata.get("title", "")),
                insurer=doc.metadata.get("insurer") or None,
                text=doc.page_content,
                score=-float(distance),
            )
            for doc, distance in hits
        ]
        language = detect_language(question)
        if not passages:
            return Answer(question=question, status="not_found", answer="", mode="baseline", language=language)
        top_doc = hits[0][0]
        start = int(top_doc.metadata.get("start_index", 0))
        top = passages[0]
        citation = Citation(
            n=1,
            document=top.document,
            title=top.title,
            insurer=top.insurer,
            quote=top.text,
            start=start,
            end=start + len(top.text),
            chunk_id=top.chunk_id,
        )
        return Answer(
            question=question,
            status="answered",
            answer=f"{top.text} [1]",
            citations=[citation],
            retrieved=passages,
            mode="baseline",
            language=language,
            insurers=[top.insurer] if top.insurer else [],
            timings={"total": elapsed},
        )


def _fill(store: Chroma, documents: Sequence[BaselineDocument], progress: Callable[[str], None] | None) -> int:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
    texts: list[str] = []
    metadatas: list[dict[str, Any]] = []
    ids: list[str] = []
    for d in documents:
        for i, chunk in enumerate(splitter.create_documents([d.text])):
            texts.append(chunk.page_content)
            metadatas.append(
                {
                    "document": d.document,
                    "title": d.title,
                    "insurer": d.insurer or "",
                    "start_index": int(chunk.metadata["start_index"]),
                }
            )
            ids.append(f"{d.document}:{i}")
    for begin in range(0, len(texts), _BATCH):
        end = begin + _BATCH
        store.add_texts(texts[begin:end], metadatas=metadatas[begin:end], ids=ids[begin:end])
        if progress is not None:
            progress(f"baseline: embedded {min(end, len(texts))}/{len(texts)} chunks")
    return len(texts)
