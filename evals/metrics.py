"""Per-question checks and the metrics aggregated from them.

`score_question` turns one gold question and the `Answer` given to it into a `QuestionScore`;
`aggregate` reduces scores to one flat metrics dict, and `breakdown` adds the same dict per split,
type, document and language. A metric is None when no question of the group can be scored for it
(e.g. refusal accuracy in a group without unanswerable questions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from inkoopwijzer.types import Answer

from .gold import GoldQuestion
from .matching import contains, doc_stem, first_hit_rank, fold, quote_retrieved, states_fact

__all__ = [
    "HIT_KS",
    "LOWER_IS_BETTER",
    "DocumentTexts",
    "QuestionScore",
    "aggregate",
    "breakdown",
    "holds_evidence",
    "percentile",
    "score_question",
]

HIT_KS = (1, 3, 5, 10)
COVERAGE_K = 5
NO_SOURCE = "(none)"
# question types answered per insurer or policy: every expected source should be cited
PER_INSURER_TYPES = frozenset({"ambiguous", "comparison"})
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "answer_chars_p50", "latency_p50_ms", "latency_p95_ms"})

Metrics = dict[str, float | int | None]


class DocumentTexts:
    """Folded full texts of indexed documents, looked up by file stem and fetched once each.

    `names` maps stems to the names the assistant knows documents by; `fetch` returns a
    document's text (the assistant's `document_text`).
    """

    def __init__(self, names: Mapping[str, str], fetch: Callable[[str], str]) -> None:
        self._names = dict(names)
        self._fetch = fetch
        self._folded: dict[str, str] = {}
        self._raw: dict[str, str] = {}

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> DocumentTexts:
        """From {document name: text} (tests, fakes)."""
        return cls({doc_stem(n): n for n in texts}, lambda name: texts[name])

    def __contains__(self, stem: object) -> bool:
        return stem in self._names

    @property
    def stems(self) -> list[str]:
        return list(self._names)

    def raw(self, stem: str) -> str | None:
        """The document's text as indexed, or None when no such document is indexed."""
        if stem not in self._names:
            return None
        if stem not in self._raw:
            self._raw[stem] = self._fetch(self._names[stem])
        return self._raw[stem]

    def folded(self, stem: str) -> str | None:
        """The document's folded text, or None when no such document is indexed."""
        if stem not in self._folded:
            raw = self.raw(stem)
            if raw is None:
                return None
            self._folded[stem] = fold(raw)
        return self._folded[stem]

    def quote_in(self, stem: str, quote: str) -> bool:
        text = self.folded(stem)
        return text is not None and contains(text, quote, haystack_folded=True)


@dataclass
class QuestionScore:
    """The checks of one question. A check is None when it does not apply to the question."""

    id: str
    split: str
    type: str
    language: str
    sources: list[str]
    status: str
    latency_ms: float
    hit_rank: int | None = None
    retrieval_scored: bool = False
    key_facts: bool | None = None
    missing_facts: list[str] = field(default_factory=list)
    facts_total: int = 0  # key facts the gold answer has (for the per-fact rate)
    cite_correct: bool | None = None
    citations: int = 0
    verbatim_citations: int = 0
    refused: bool | None = None
    false_refusal: bool | None = None
    insurer_coverage: float | None = None
    retrieval_coverage: float | None = None
    error: str | None = None
    answer_chars: int | None = None  # length of an answered answer's text (`Answer.answer`)
    quotes_scored: int = 0  # quoted stretches of an answered question with evidence
    quotes_relevant: int = 0  # … of which hold gold evidence (`holds_evidence`)

    def hit(self, k: int) -> bool | None:
        if not self.retrieval_scored:
            return None
        return self.hit_rank is not None and self.hit_rank <= k

    @property
    def passed(self) -> bool:
        """The answer-level verdict compared across runs: right facts with a right citation, or a refusal."""
        if self.error is not None:
            return False
        if self.refused is not None:
            return self.refused
        per_insurer = self.type in PER_INSURER_TYPES
        checks = [self.key_facts, self.cite_correct, self.insurer_coverage == 1.0 if per_insurer else None]
        applicable = [c for c in checks if c is not None]
        return self.status == "answered" and all(applicable)

    def checks(self) -> dict[str, Any]:
        """The checks as written to results.jsonl."""
        data = asdict(self)
        for key in ("id", "split", "type", "language", "sources", "status", "latency_ms"):
            data.pop(key)
        data.update({f"hit@{k}": self.hit(k) for k in HIT_KS})
        data["rr"] = self.reciprocal_rank
        data["passed"] = self.passed
        return data

    @property
    def reciprocal_rank(self) -> float | None:
        if not self.retrieval_scored:
            return None
        return 0.0 if self.hit_rank is None else 1.0 / self.hit_rank


def key_facts_stated(gold: GoldQuestion, answer_text: str) -> tuple[bool | None, list[str]]:
    if not gold.must_contain:
        return None, []
    folded = fold(answer_text)
    missing = [
        alts[0] for alts in gold.must_contain if not any(states_fact(folded, a, answer_folded=True) for a in alts)
    ]
    return not missing, missing


def score_question(
    gold: GoldQuestion,
    answer: Answer,
    documents: DocumentTexts,
    latency_ms: float,
    *,
    split: str = "",
    language: str = "nl",
) -> QuestionScore:
    """Score one answer against its gold question (matching rules in `evals.matching`)."""
    passages = answer.retrieved or []
    score = QuestionScore(
        id=gold.id,
        split=split,
        type=gold.type,
        language=language,
        sources=gold.source_stems,
        status=answer.status,
        latency_ms=latency_ms,
    )
    # Verbatim quotes: every citation, whatever the question.
    score.citations = len(answer.citations)
    score.verbatim_citations = sum(1 for c in answer.citations if documents.quote_in(doc_stem(c.document), c.quote))

    if not gold.answerable:
        score.refused = answer.status == "not_found"
        return score

    score.false_refusal = answer.status != "answered"
    if answer.status == "answered":
        score.answer_chars = len(answer.answer)
    if gold.evidence:
        score.retrieval_scored = True
        score.hit_rank = first_hit_rank(gold.evidence, [p.text for p in passages])
    score.key_facts, score.missing_facts = key_facts_stated(gold, answer.answer)
    score.facts_total = len(gold.must_contain)

    expected = set(gold.source_stems)
    if expected:
        score.cite_correct = any(
            doc_stem(c.document) in expected and documents.quote_in(doc_stem(c.document), c.quote)
            for c in answer.citations
        )
    if gold.evidence and answer.status == "answered" and answer.citations:
        score.quotes_scored = len(answer.citations)
        score.quotes_relevant = sum(1 for c in answer.citations if holds_evidence(c.quote, gold.evidence))
    if gold.type in PER_INSURER_TYPES and expected:
        cited = {doc_stem(c.document) for c in answer.citations}
        score.insurer_coverage = len(expected & cited) / len(expected)
        top = passages[:COVERAGE_K]
        covered = {
            doc_stem(p.document)
            for p in top
            if doc_stem(p.document) in expected and first_hit_rank(gold.evidence, [p.text]) is not None
        }
        score.retrieval_coverage = len(covered) / len(expected)
    return score


def holds_evidence(quote: str, evidence: Sequence[str]) -> bool:
    """Whether a quoted stretch holds gold evidence: it contains an evidence quote (or ≥ 60 % of its
    words in order), or an evidence quote contains it the same way (a quote of one sentence of a
    longer evidence passage)."""
    return any(quote_retrieved(e, quote) or quote_retrieved(quote, e) for e in evidence)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (deterministic, no interpolation); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _mean(values: Iterable[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def aggregate(scores: Sequence[QuestionScore]) -> Metrics:
    """One flat dict of metrics over the given questions."""
    answerable = [s for s in scores if s.refused is None]
    citations = sum(s.citations for s in scores)
    metrics: Metrics = {
        "n": len(scores),
        "n_answerable": len(answerable),
        "n_unanswerable": len(scores) - len(answerable),
        "n_retrieval_scored": sum(1 for s in scores if s.retrieval_scored),
    }
    for k in HIT_KS:
        metrics[f"hit@{k}"] = _mean(s.hit(k) for s in scores)
    metrics["mrr"] = _mean(s.reciprocal_rank for s in scores)
    metrics["key_facts"] = _mean(s.key_facts for s in scores)
    # the share of all key facts stated (a question of three facts with two stated counts 2 of 3)
    facts = sum(s.facts_total for s in scores)
    metrics["key_fact_recall"] = (
        sum(s.facts_total - len(s.missing_facts) for s in scores if s.key_facts is not None) / facts if facts else None
    )
    metrics["cite_correct"] = _mean(s.cite_correct for s in scores)
    # of all stretches quoted for answerable questions, the share that holds gold evidence
    quoted = sum(s.quotes_scored for s in scores)
    metrics["quote_precision"] = sum(s.quotes_relevant for s in scores) / quoted if quoted else None
    metrics["verbatim_quote_rate"] = sum(s.verbatim_citations for s in scores) / citations if citations else None
    metrics["refusal_accuracy"] = _mean(s.refused for s in scores)
    metrics["false_refusal_rate"] = _mean(s.false_refusal for s in scores)
    metrics["insurer_coverage"] = _mean(s.insurer_coverage for s in scores)
    metrics[f"retrieval_insurer_coverage@{COVERAGE_K}"] = _mean(s.retrieval_coverage for s in scores)
    metrics["followup_key_facts"] = _mean(s.key_facts for s in scores if s.type == "followup")
    metrics["comparison_key_facts"] = _mean(s.key_facts for s in scores if s.type == "comparison")
    # how many questions each rate is over, for its confidence interval in the report
    metrics["n_key_facts"] = sum(1 for s in scores if s.key_facts is not None)
    metrics["n_cite_correct"] = sum(1 for s in scores if s.cite_correct is not None)
    metrics["n_followup_key_facts"] = sum(1 for s in scores if s.type == "followup" and s.key_facts is not None)
    metrics["n_comparison_key_facts"] = sum(1 for s in scores if s.type == "comparison" and s.key_facts is not None)
    metrics["pass_rate"] = _mean(s.passed for s in scores)
    metrics["errors"] = sum(1 for s in scores if s.error is not None)
    # the price of stating more facts: how long answers get (a provider reads them)
    lengths = [float(s.answer_chars) for s in scores if s.answer_chars is not None]
    metrics["answer_chars_p50"] = percentile(lengths, 50) if lengths else None
    latencies = [s.latency_ms for s in scores]
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    return metrics


def _grouped(scores: Sequence[QuestionScore], keys: Callable[[QuestionScore], Iterable[str]]) -> dict[str, Metrics]:
    groups: dict[str, list[QuestionScore]] = {}
    for s in scores:
        for key in keys(s):
            groups.setdefault(key, []).append(s)
    return {key: aggregate(groups[key]) for key in sorted(groups)}


def breakdown(scores: Sequence[QuestionScore], totals_only: Collection[str] = ()) -> dict[str, Any]:
    """Overall metrics and the same per split, type, document (file stem) and language.

    A cross-document question counts in the group of every document it names. The splits in
    `totals_only` (the gate splits) count in the overall and per-split totals but in no type, document
    or language group: a group's change between two runs would point at their questions.
    """
    grouped = [s for s in scores if s.split not in totals_only]
    return {
        "overall": aggregate(scores),
        "by_split": _grouped(scores, lambda s: [s.split]),
        "by_type": _grouped(grouped, lambda s: [s.type]),
        "by_document": _grouped(grouped, lambda s: s.sources or [NO_SOURCE]),
        "by_language": _grouped(grouped, lambda s: [s.language]),
    }
