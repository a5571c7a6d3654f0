"""Reranking retrieved passages by their best sentence.

Hybrid search ranks whole passages; a passage that answers usually has one sentence that
matches the question's words and states the kind of fact asked (a date for a deadline). The
sentence scorer of the extractive answerer gives every candidate passage the score of its best
sentence, and that ranking is fused with the search's by reciprocal rank. Candidates and weight
were chosen on the tuning split (see docs/evaluation.md).
"""

from __future__ import annotations

from index.search import Hit

from .extractive import Terms, UnitScorer, split_units
from .query import Question

# how many passages the search returns for reranking, and the weight of the sentence ranking
RERANK_CANDIDATES = 20
RERANK_WEIGHT = 1.0
RRF_K = 60


def rerank(hits: list[Hit], scorer: UnitScorer, q: Question, terms: Terms) -> list[Hit]:
    """The hits in fused order; each hit's `score` becomes its fused score and
    `extra["sentence_score"]` its best sentence's score."""
    best = []
    for h in hits:
        scores = [scorer.score(u, terms, q.fact) for u in split_units(h, 0)]
        best.append(max(scores, default=float("-inf")))
    by_sentence = sorted(range(len(hits)), key=lambda i: -best[i])
    sentence_rank = {i: r for r, i in enumerate(by_sentence)}
    fused = {i: 1 / (RRF_K + i + 1) + RERANK_WEIGHT / (RRF_K + sentence_rank[i] + 1) for i in range(len(hits))}
    for i, h in enumerate(hits):
        h.score = fused[i]
        h.extra["sentence_score"] = round(best[i], 4)
    return [hits[i] for i in sorted(range(len(hits)), key=lambda i: -fused[i])]


def top_passages(hits: list[Hit], k: int) -> list[Hit]:
    """The k best reranked passages, and the keyword search's best when it is not among them: a
    passage only BM25 ranks high ("2,0 fte" in a list the dense ranking puts past its candidates)
    is answered from, not pushed out by the fusion."""
    return hits[:k] + [h for h in hits[k:] if h.keyword_rank == 1]
