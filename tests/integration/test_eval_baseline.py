"""The naive baseline over real Chroma with a fake (bag-of-words) embedding model."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.service import DocumentInfo
from evals.baseline import BaselineDocument, NaiveBaseline
from evals.runner import run_eval
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Answer, DocumentMeta, Filters, Turn

pytestmark = pytest.mark.integration

SALLAND = (
    "Inleiding over het algemene beleid. " * 80
) + "De offerte moet uiterlijk 1 april 2026 binnen zijn bij Salland."
ZZ = ("Algemene tekst over het zorgstelsel. " * 80) + "Zorg en Zekerheid ontvangt offertes uiterlijk 15 mei 2026."
DOCS = [
    BaselineDocument(document="004_salland.pdf", title="Beleid Salland", insurer="Salland", text=SALLAND),
    BaselineDocument(document="001_zz.pdf", title="Beleid ZZ", insurer=None, text=ZZ),
]


class BagOfWords(Embeddings):
    """Deterministic hashed bag-of-words vectors; counts the passages it embeds."""

    def __init__(self) -> None:
        self.embedded = 0

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * 64
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def test_best_passage_is_the_answer_with_one_verbatim_citation() -> None:
    naive = NaiveBaseline.build(DOCS, BagOfWords())
    answer = naive.ask("uiterlijk offerte 1 april 2026 salland")
    assert answer.status == "answered" and answer.mode == "baseline"
    assert answer.retrieved is not None and len(answer.retrieved) == 5
    top = answer.retrieved[0]
    assert top.document == "004_salland.pdf" and "1 april 2026" in top.text
    assert answer.answer.startswith(top.text)
    [citation] = answer.citations
    assert citation.quote == top.text
    assert SALLAND[citation.start : citation.end] == citation.quote  # start index from the splitter
    assert all(len(p.text) <= 1000 for p in answer.retrieved)


def test_built_collection_is_cached_by_content(tmp_path: Path) -> None:
    first = BagOfWords()
    NaiveBaseline.build(DOCS, first, cache_dir=tmp_path, embedding_id="fake")
    assert first.embedded > 0

    again = BagOfWords()
    naive = NaiveBaseline.build(DOCS, again, cache_dir=tmp_path, embedding_id="fake")
    assert again.embedded == 0  # reopened, not re-embedded
    assert naive.ask("offertes zorg en zekerheid 15 mei").retrieved

    changed = BagOfWords()
    NaiveBaseline.build([DOCS[0]], changed, cache_dir=tmp_path, embedding_id="fake")
    assert changed.embedded > 0  # other documents, other key
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2


class OneDocAssistant:
    """The part of `Assistant` the evaluation uses: two documents, always the same answer."""

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        debug: bool = False,
        mode: str | None = None,
    ) -> Answer:
        return Answer(question=question, status="not_found", answer="Niet gevonden.")

    def documents(self) -> list[DocumentInfo]:
        return [
            DocumentInfo(
                DocumentMeta(
                    document=d.document, doc_id=d.document[:-4], title=d.title, insurer=d.insurer, content_hash="h"
                ),
                1,
                False,
                None,
            )
            for d in DOCS
        ]

    def document_text(self, document: str) -> str:
        return {d.document: d.text for d in DOCS}[document]


def test_runner_measures_the_baseline_beside_the_assistant(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    rows = [
        {
            "id": "b-1",
            "question": "offerte salland 1 april",
            "type": "deadline",
            "must_contain": ["1 april 2026"],
            "source": "004_salland.txt",
            "evidence": ["De offerte moet uiterlijk 1 april 2026 binnen zijn"],
        },
        {"id": "b-2", "question": "reiskosten vergoeding?", "type": "unanswerable"},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = run_eval(
        gold,
        tmp_path / "out",
        None,
        True,
        assistant=OneDocAssistant(),
        settings=Settings(data_dir=tmp_path),
        baseline_embeddings=BagOfWords(),
        reference_dir=None,
    )
    assert result.baseline_results is not None and [r["id"] for r in result.baseline_results] == ["b-1", "b-2"]
    baseline = json.loads((tmp_path / "out" / "metrics.json").read_text())["baseline"]["overall"]
    assert baseline["hit@1"] == 1.0 and baseline["key_facts"] == 1.0 and baseline["cite_correct"] == 1.0
    assert baseline["refusal_accuracy"] == 0.0  # never refuses
    assert baseline["verbatim_quote_rate"] == 1.0
    assert result.overall["false_refusal_rate"] == 1.0
    assert "ours / baseline" in (tmp_path / "out" / "report.md").read_text()
    assert (tmp_path / "out" / "baseline_results.jsonl").is_file()
    assert any((tmp_path / "baseline").iterdir())  # cached under data_dir
