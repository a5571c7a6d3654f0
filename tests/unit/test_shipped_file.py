"""The shipped-embeddings file: written compactly, read back by key, and a vector read from it is
the same bits as one the model just computed (so answers do not depend on where it came from)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embeddings import CachedEmbedder
from index.shipped import ShippedEmbeddings, shipped_path, write_shipped


class RandomModel:
    """A stand-in model: fixed pseudo-random unit vectors per text, counting calls."""

    name = "test-model"
    dim = 16

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.random.default_rng(abs(hash(text)) % 2**32).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts])

    embed_queries = embed_passages


def test_shipped_vectors_are_the_same_bits_as_computed_ones(tmp_path: Path) -> None:
    model = RandomModel()
    first = CachedEmbedder(model, tmp_path / "a.sqlite")  # type: ignore[arg-type]
    texts = ["een passage", "nog een passage"]
    with first.recording() as keys:
        computed = first.embed_passages(texts)
        terms = first.embed_terms(["offerte", "aanmelden"])
    assert len(keys) == 4 and model.calls == 4
    path = shipped_path(tmp_path / "corpus", model.name)
    assert path == tmp_path / "corpus" / ".embeddings" / "test-model.npz"  # hidden: ingest never reads it as a document
    size = write_shipped(path, first.vectors(sorted(keys)))
    assert size == path.stat().st_size and size < 4 * (20 + 2 * model.dim) + 2000
    second = CachedEmbedder(model, tmp_path / "b.sqlite", ShippedEmbeddings(path))  # type: ignore[arg-type]
    again = second.embed_passages(texts)
    assert model.calls == 4, "nothing embedded again: the shipped file had it"
    assert np.array_equal(again, computed)
    assert np.array_equal(second.embed_terms(["offerte", "aanmelden"]), terms)
    assert np.array_equal(computed, computed.astype(np.float16).astype(np.float32)), "kept at float16 precision"
    second.embed_passages(["iets nieuws"])
    assert model.calls == 5


def test_a_missing_file_is_empty_and_an_empty_one_is_refused(tmp_path: Path) -> None:
    assert len(ShippedEmbeddings(tmp_path / "none.npz")) == 0
    with pytest.raises(ValueError):
        write_shipped(tmp_path / "x.npz", {})
