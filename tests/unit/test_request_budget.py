"""What one request may make the embedder do: bounded history, cut query text, counted
lexicon lookups, and no new embedding once the client has gone (issue 20, defect 1)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.service import bounded_history
from index.budget import cancellable, request_budget
from index.embeddings import CachedEmbedder, clip, clip_query
from index.lexicon import MAX_WORD_CHARS, Lexicon
from inkoopwijzer.errors import BadRequestError, RequestCancelledError
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Turn


class CountingBackend:
    """An embedder backend that records what it was asked to embed."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.queries: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), self.dim), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.queries.extend(texts)
        return np.ones((len(texts), self.dim), dtype=np.float32) / 2


def _settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def test_a_long_history_turn_is_cut_and_old_turns_dropped() -> None:
    s = _settings(max_question_chars=100, max_turn_chars=200, max_history_chars=250, max_history_turns=20)
    history = [
        Turn(role="user", content="oude vraag " * 50),
        Turn(role="assistant", content="antwoord " * 500),
        Turn(role="user", content="deadline offerte " * 1000),  # 17 KB: the attack
        Turn(role="assistant", content="Op 1 juli."),
    ]
    kept = bounded_history(history, s)
    assert all(len(t.content) <= 100 for t in kept if t.role == "user")
    assert all(len(t.content) <= 200 for t in kept if t.role == "assistant")
    assert sum(len(t.content) for t in kept if t.role == "user") <= 250
    assert kept[-1].content == "Op 1 juli." and kept[-2].content.startswith("deadline offerte")


def test_history_keeps_at_most_the_newest_exchanges() -> None:
    s = _settings(max_history_turns=2)
    history = [Turn(role="user" if i % 2 == 0 else "assistant", content=f"beurt {i}") for i in range(10)]
    assert [t.content for t in bounded_history(history, s)] == ["beurt 6", "beurt 7", "beurt 8", "beurt 9"]


def test_a_lone_surrogate_in_history_is_a_bad_request() -> None:
    with pytest.raises(BadRequestError, match="lone surrogate"):
        bounded_history([Turn(role="user", content="deadline \ud800")], _settings())


def test_clip_cuts_at_a_word() -> None:
    assert clip("een twee drie", 100) == "een twee drie"
    assert clip("een twee drie vier", 12) == "een twee"
    assert len(clip("x" * 1000, 50)) == 50


def test_a_long_query_keeps_its_start_and_its_end() -> None:
    query = "Wanneer moet de offerte binnen zijn? " * 40 + "en bij Salland?"
    cut = clip_query(query, 120)
    assert len(cut) <= 120 and cut.startswith("Wanneer moet de offerte") and cut.endswith("en bij Salland?")
    assert clip_query("korte vraag", 120) == "korte vraag"


def test_query_embeddings_are_cut_to_the_limit(tmp_path: Path) -> None:
    backend = CountingBackend()
    embedder = CachedEmbedder(backend, tmp_path / "e.sqlite", max_query_chars=60)
    embedder.embed_queries(["wanneer moet de offerte binnen zijn " * 2000])
    embedder.embed_terms(["x" * 5000])
    assert backend.queries and all(len(q) <= 60 for q in backend.queries)


def test_lexicon_lookups_are_counted_per_request() -> None:
    calls: list[str] = []

    def embed(words: list[str]) -> np.ndarray:
        calls.extend(words)
        return np.ones((len(words), 2), dtype=np.float32)

    lexicon = Lexicon(["offerte", "termijn"], np.ones((2, 2), dtype=np.float32))
    unknown = [f"woord{i}x" for i in range(50)]
    with request_budget(5) as budget:
        for w in unknown:
            lexicon.neighbours(w, embed, 0.5, 3)
    assert len(calls) == 5 and budget.lookups_refused == 45
    with request_budget(5):  # the next request has its own budget; a word seen before is free
        lexicon.neighbours(unknown[0], embed, 0.5, 3)
        lexicon.neighbours("nieuwwoord", embed, 0.5, 3)
    assert calls[5:] == ["nieuwwoord"]
    assert lexicon.neighbours("y" * (MAX_WORD_CHARS + 1), embed, 0.5, 3) == []
    assert len(calls) == 6, "a 'word' longer than any word is never embedded"


def test_no_new_embedding_once_the_client_has_gone(tmp_path: Path) -> None:
    backend = CountingBackend()
    embedder = CachedEmbedder(backend, tmp_path / "e.sqlite")
    gone = threading.Event()
    with cancellable(gone), request_budget(10):
        embedder.embed_queries(["eerste vraag"])
        gone.set()
        with pytest.raises(RequestCancelledError):
            embedder.embed_queries(["tweede vraag"])
    assert backend.queries == ["eerste vraag"]
    embedder.embed_queries(["buiten een verzoek"])  # outside a request nothing is limited
