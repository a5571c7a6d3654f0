"""Hybrid retrieval over one index version: dense (Chroma) + keyword (BM25), fused by
weighted reciprocal rank, restricted by filters (insurer, care type, year, document)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inkoopwijzer.errors import IndexMissingError, StoreUnavailableError
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Chunk, DocumentMeta, Filters

from .embeddings import get_embedder
from .keyword import KeywordIndex
from .lexicon import Lexicon
from .store import IndexVersion, chroma_client, close_client, current_version
from .validity import is_outdated, reference_year

__all__ = ["Hit", "HybridSearcher", "SearchWeights", "by_document", "get_searcher"]

# the keyword search's best this many passages are returned even when the fusion ranks them below k
KEYWORD_KEEP = 1


def by_document(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    """Each document's passages in reading order."""
    out: dict[str, list[Chunk]] = {}
    for c in sorted(chunks, key=lambda c: c.start):
        out.setdefault(c.document, []).append(c)
    return out


@dataclass
class SearchWeights:
    """RRF weights per question language (chosen on the tuning split of the gold set)."""

    dense_nl: float = 1.0
    keyword_nl: float = 1.5
    dense_en: float = 1.0
    keyword_en: float = 1.0
    rrf_k: int = 60
    candidates: int = 50


@dataclass
class Hit:
    chunk: Chunk
    meta: DocumentMeta
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_sim: float = 0.0
    keyword_score: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class HybridSearcher:
    """Searches one immutable index version. Cheap to query, loaded once."""

    def __init__(self, version: IndexVersion, settings: Settings, weights: SearchWeights | None = None) -> None:
        self.version = version
        self.settings = settings
        self.weights = weights or SearchWeights()
        self.chunks = version.chunks()
        self.position = {c.id: i for i, c in enumerate(self.chunks)}
        self.by_document = by_document(self.chunks)  # for what a quote needs around it: a list, a table, a title page
        self.metas = {d.document: d for d in version.documents}
        self.keyword = KeywordIndex.load(version.path / "bm25")
        self.lexicon = Lexicon.load(version.path / "lexicon")
        self.embedder = get_embedder(settings)
        self._client = chroma_client(settings, version.path)
        # the client (and its version's store in memory) is released when the last request
        # using this searcher is done with it, not while one still queries it
        weakref.finalize(self, close_client, self._client)
        try:
            self.collection = self._client.get_collection(version.collection_name)
        except Exception as exc:  # noqa: BLE001
            raise StoreUnavailableError(
                f"The vector store has no collection {version.collection_name}: {exc}. Run `inkoopwijzer ingest` again."
            ) from exc
        self.year = reference_year(settings.today)
        self._doc_nos = {name: i for i, name in enumerate(self.metas)}
        self._doc_index = np.array([self._doc_nos[c.document] for c in self.chunks], dtype=np.int32)

    def _doc_no(self, document: str) -> int:
        return self._doc_nos[document]

    def documents_with(self, tokens: Iterable[str]) -> set[str]:
        """The documents with a passage (its text, section or table context) that has any of the
        keyword tokens."""
        names = list(self.metas)
        return {names[int(n)] for t in tokens for n in np.unique(self._doc_index[self.keyword.passages_with(t)])}

    def allowed_documents(self, filters: Filters | None) -> list[str]:
        f = filters or Filters()
        out = []
        for name, m in self.metas.items():
            if f.documents and name not in f.documents and m.doc_id not in f.documents:
                continue
            if f.insurers and (m.insurer or "") not in f.insurers:
                continue
            if f.care_types and not set(f.care_types) & set(m.care_types):
                continue
            if f.years and m.years and not set(f.years) & set(m.years):
                continue
            if not f.include_outdated and not f.documents and is_outdated(m, self.year):
                continue
            out.append(name)
        return out

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        k: int = 10,
        lang: str = "nl",
        keyword_query: str | None = None,
    ) -> list[Hit]:
        """Top-k passages for `query` (dense) and `keyword_query` (BM25; default: the query), and
        the keyword search's best KEYWORD_KEEP after them where the fusion ranks them lower."""
        allowed = self.allowed_documents(filters)
        if not allowed:
            return []
        n = min(self.weights.candidates, len(self.chunks))
        dense = self._dense(query, allowed, n)
        scores = self._keyword_scores(keyword_query or query, allowed)
        return self._fuse(dense, scores, n, k, lang)

    def search_per_insurer(
        self,
        query: str,
        filters: Filters | None,
        insurers: list[str],
        k: int = 10,
        lang: str = "nl",
        keyword_query: str | None = None,
    ) -> dict[str, list[Hit]]:
        """Top-k passages of each insurer, from one dense query and one keyword scoring:
        candidates are split by insurer in Python instead of one filtered query per insurer."""
        allowed = self.allowed_documents(filters)
        by_insurer = {i: [d for d in allowed if self.metas[d].insurer == i] for i in insurers}
        by_insurer = {i: docs for i, docs in by_insurer.items() if docs}
        if not by_insurer:
            return {}
        n = min(self.weights.candidates, len(self.chunks))
        dense = self._dense(query, allowed, min(len(self.chunks), n * len(by_insurer)))
        scores = self._keyword_scores(keyword_query or query, allowed)
        out: dict[str, list[Hit]] = {}
        for insurer, docs in by_insurer.items():
            keep = set(docs)
            mine = [(cid, sim) for cid, sim in dense if self.chunks[self.position[cid]].document in keep][:n]
            nos = [self._doc_no(d) for d in docs]
            masked = np.where(np.isin(self._doc_index, nos), scores, -1.0)
            out[insurer] = self._fuse(mine, masked, n, k, lang)
        return out

    def _dense(self, query: str, allowed: list[str], n: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest passages among allowed documents."""
        qvec = self.embedder.embed_queries([query])[0]
        where: dict[str, Any] | None = None
        if len(allowed) < len(self.metas):
            where = {"document": {"$in": allowed}} if len(allowed) > 1 else {"document": allowed[0]}
        try:
            res = self.collection.query(
                query_embeddings=[qvec.tolist()], n_results=n, where=where, include=["distances"]
            )
        except Exception as exc:  # noqa: BLE001 - HTTP errors when a Chroma server is down
            raise StoreUnavailableError(f"Vector store query failed ({exc.__class__.__name__}): {exc}") from exc
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def _keyword_scores(self, query: str, allowed: list[str]) -> np.ndarray:
        scores = self.keyword.scores(query)
        if len(allowed) < len(self.metas):
            nos = [self._doc_no(d) for d in allowed]
            scores = np.where(np.isin(self._doc_index, nos), scores, -1.0)
        return scores

    def _fuse(self, dense: list[tuple[str, float]], scores: np.ndarray, n: int, k: int, lang: str) -> list[Hit]:
        """Weighted reciprocal-rank fusion of the dense and keyword rankings."""
        w = self.weights
        order = np.argsort(-scores)[:n]
        kw_ids = [self.chunks[i].id for i in order if scores[i] > 0]
        dense_ids = [cid for cid, _ in dense]
        wd, wk = (w.dense_en, w.keyword_en) if lang == "en" else (w.dense_nl, w.keyword_nl)
        fused: dict[str, float] = {}
        for r, cid in enumerate(dense_ids):
            fused[cid] = fused.get(cid, 0.0) + wd / (w.rrf_k + r + 1)
        for r, cid in enumerate(kw_ids):
            fused[cid] = fused.get(cid, 0.0) + wk / (w.rrf_k + r + 1)
        dense_rank = {cid: r + 1 for r, cid in enumerate(dense_ids)}
        dense_sim = dict(dense)
        kw_rank = {cid: r + 1 for r, cid in enumerate(kw_ids)}
        top = [cid for cid, _ in sorted(fused.items(), key=lambda kv: -kv[1])[:k]]
        # the keyword search's best passages always stay candidates: a passage only it finds (the one
        # that names "2,0 fte" when the dense ranking puts it past its candidates) loses the fusion
        top += [cid for cid in kw_ids[:KEYWORD_KEEP] if cid not in top]
        hits = []
        for cid in top:
            s = fused[cid]
            c = self.chunks[self.position[cid]]
            hits.append(
                Hit(
                    chunk=c,
                    meta=self.metas[c.document],
                    score=s,
                    dense_rank=dense_rank.get(cid),
                    keyword_rank=kw_rank.get(cid),
                    dense_sim=dense_sim.get(cid, 0.0),
                    keyword_score=float(scores[self.position[cid]]),
                )
            )
        return hits


_lock = threading.Lock()
_searchers: dict[str, HybridSearcher] = {}


def get_searcher(settings: Settings) -> HybridSearcher:
    """The searcher for the current index version (reloaded when the version changes)."""
    version = current_version(settings)
    if version is None:
        raise IndexMissingError()
    key = f"{settings.data_dir}:{version.name}:{settings.chroma_url}"
    with _lock:
        s = _searchers.get(key)
        if s is None:
            s = HybridSearcher(version, settings)
            for old in [k for k in _searchers if k.startswith(f"{settings.data_dir}:")]:
                del _searchers[old]
            _searchers[key] = s
        return s
