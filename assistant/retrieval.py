"""Retrieval, the answerer's second stage: the passages a question is answered from. Hybrid search
(`index.search`) per insurer when the question names none (every insurer can answer) and per kind of
care when it names several, each insurer's candidates reranked by their best sentence (`rerank`);
and the policies that name what is asked at all (`documents_about`)."""

from __future__ import annotations

from index.search import Hit, HybridSearcher
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Filters

from .extractive import Terms, UnitScorer
from .query import Question, strip_names
from .rerank import RERANK_CANDIDATES, rerank, top_passages


class Retrieval:
    """Searches one index version for understood questions."""

    def __init__(self, searcher: HybridSearcher, scorer: UnitScorer, settings: Settings) -> None:
        self.searcher = searcher
        self.scorer = scorer
        self.settings = settings

    def retrieve(self, q: Question, filters: Filters, kq: str, terms: Terms) -> list[Hit]:
        """The top-k passages (per insurer when the question names none; per kind of care when it
        names several: "bij MSZ of bij GRZ?"), from hybrid search for the expanded question `kq`,
        reranked by their best sentence for `terms` (`rerank`)."""
        groups = self.care_groups(filters)
        if len(groups) > 1:
            hits: dict[str, Hit] = {}
            for cares in groups:
                for h in self._retrieve_in(q, filters.model_copy(update={"care_types": cares}), kq, terms):
                    hits.setdefault(h.chunk.id, h)
            return sorted(hits.values(), key=lambda h: -h.score)
        return self._retrieve_in(q, filters, kq, terms)

    def care_groups(self, filters: Filters) -> list[list[str]]:
        """The kinds of care the filters name, grouped by the policies they select: GRZ and ELV in
        one policy are one group, MSZ and GRZ in two policies are two."""
        by_docs: dict[tuple[str, ...], list[str]] = {}
        for care in filters.care_types:
            docs = tuple(sorted(self.searcher.allowed_documents(filters.model_copy(update={"care_types": [care]}))))
            if docs:
                by_docs.setdefault(docs, []).append(care)
        return list(by_docs.values())

    def _retrieve_in(self, q: Question, filters: Filters, kq: str, terms: Terms) -> list[Hit]:
        k = self.settings.top_k
        n = max(k, RERANK_CANDIDATES)
        insurers = filters.insurers
        if not insurers and not filters.documents:
            # no insurer named: search each insurer's policies, so every insurer can answer
            allowed = self.searcher.allowed_documents(filters)
            insurers = sorted({self.searcher.metas[d].insurer or "" for d in allowed} - {""})
        # the dense query without the insurers' names ("zk", "Zilveren Kruis"): the filters already keep to
        # them, and in the embedding a name pulls towards the passages that name the insurer, not those that
        # answer (docs/evaluation.md, twenty-second session); the keyword query keeps them
        query = strip_names(q.query) or q.query
        if len(insurers) > 1:
            per = self.searcher.search_per_insurer(query, filters, insurers, n, q.language, keyword_query=kq)
            hits = [h for found in per.values() for h in top_passages(rerank(found, self.scorer, q, terms), k)]
            return sorted(hits, key=lambda h: -h.score)
        return top_passages(rerank(self.searcher.search(query, filters, n, q.language, keyword_query=kq), self.scorer, q, terms), k)

    def documents_about(self, asked: list[str], q: Question, filters: Filters, terms: Terms) -> set[str] | None:
        """The policies searched that use the words of what the question asks about (`asked`:
        "indexatie" in "Welke indexatie hanteert ZZ?"): a policy that never uses them does not
        answer, however well its other sentences match. None when the question names no such
        thing, or names it in words no policy uses (a typo, an English word the glossary lacks)."""
        wanted = self.scorer.asked_terms(asked, q, terms)
        if not wanted:
            return None
        found = {d for alt in wanted for d in set.intersection(*(self.searcher.documents_with([t]) for t in alt))}
        return found & set(self.searcher.allowed_documents(filters))
