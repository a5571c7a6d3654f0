"""Embeddings that ship with a corpus, so a fresh clone answers without embedding it first.

The file `<corpus>/.embeddings/<model>.npz` (a hidden folder, so ingest never takes it for a
policy document) holds every text that ingest of that corpus embeds
with model M (passages, lexicon words, and whatever else an ingest embeds), keyed like the
embedding cache: the SHA-1 of (model, embedded text). It holds two arrays:

    keys     (N, 20) uint8     the cache keys, raw SHA-1 digests, sorted
    vectors  (N, dim) float16  the normalised embeddings, in the same order

`write_shipped` makes one from an ingest's recorded keys (`inkoopwijzer embeddings --rebuild`);
`ShippedEmbeddings` answers look-ups for the embedder's cache. The file is generic over what
was embedded: a new kind of text needs no change here, only an ingest that asks for it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from inkoopwijzer.errors import IngestError
from inkoopwijzer.settings import Settings

__all__ = ["ShippedEmbeddings", "rebuild_shipped", "shipped_path", "write_shipped"]

_KEY_BYTES = 20


def shipped_path(corpus_dir: Path, model: str) -> Path:
    """Where the embeddings of `corpus_dir` by `model` are shipped."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", model)
    return corpus_dir / ".embeddings" / f"{safe}.npz"


class ShippedEmbeddings:
    """Read-only look-up of shipped vectors by cache key (hex SHA-1); loaded on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, int] | None = None
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[dict[str, int], np.ndarray]:
        with self._lock:
            if self._rows is None or self._vectors is None:
                rows: dict[str, int] = {}
                vectors = np.zeros((0, 1), dtype=np.float16)
                if self.path.is_file():
                    with np.load(self.path) as data:
                        keys, vectors = data["keys"], data["vectors"]
                    rows = {bytes(k).hex(): i for i, k in enumerate(keys)}
                self._rows, self._vectors = rows, vectors
            return self._rows, self._vectors

    def __len__(self) -> int:
        return len(self._load()[0])

    def keys(self) -> set[str]:
        return set(self._load()[0])

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        """The vectors (float32) of those keys the file holds."""
        rows, vectors = self._load()
        return {k: vectors[rows[k]].astype(np.float32) for k in keys if k in rows}


def write_shipped(path: Path, vectors: Mapping[str, np.ndarray]) -> int:
    """Write `vectors` (hex key → vector) as float16, atomically; returns the file size in bytes."""
    keys = sorted(vectors)
    if not keys:
        raise ValueError("no embeddings to write")
    key_arr = np.frombuffer(b"".join(bytes.fromhex(k) for k in keys), dtype=np.uint8).reshape(len(keys), _KEY_BYTES)
    vec_arr = np.stack([np.asarray(vectors[k], dtype=np.float32) for k in keys]).astype(np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez_compressed(fh, keys=key_arr, vectors=vec_arr)
    os.replace(tmp, path)
    return path.stat().st_size


def rebuild_shipped(settings: Settings) -> tuple[Path, int, int]:
    """Ingest the corpus into a scratch data dir, recording every text it embeds, and ship
    exactly those vectors. Returns (file, entries, bytes). Vectors come from the embedding
    cache or the previous file where they are there, from the model otherwise."""
    from .embeddings import get_embedder
    from .store import ingest_paths

    scratch = Path(tempfile.mkdtemp(prefix="inkoopwijzer-embeddings-"))
    try:
        work = settings.model_copy(update={"data_dir": scratch})
        cache = settings.cache_dir / "embeddings.sqlite"
        if cache.is_file():
            work.cache_dir.mkdir(parents=True)
            shutil.copy(cache, work.cache_dir / "embeddings.sqlite")
        embedder = get_embedder(work)
        with embedder.recording() as keys:
            report = ingest_paths([settings.corpus_dir], work)
        if report.failed:
            raise IngestError(
                "; ".join(f.error for f in report.failed) + " Fix or remove these files, then run the command again."
            )
        vectors = embedder.vectors(sorted(keys))
        lost = len(keys) - len(vectors)
        if lost:
            raise RuntimeError(f"{lost} embeddings were asked for but are not stored; run the command again.")
        path = shipped_path(settings.corpus_dir, embedder.name)
        return path, len(vectors), write_shipped(path, vectors)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
