"""A cross-lingual term lexicon, built once per index version.

Every word of the corpus is embedded on its own with the (multilingual) embedding model. A
question word the policies never use, such as English "receive" or "beds", is then mapped to
the corpus words nearest to it in that space ("ontvangt", "bedden"), which the keyword search
and the sentence scoring can match. The model does the translating; no word list is kept by hand.

Layout: `<version>/lexicon/words.txt` (one word per line) and `vectors.npy` (float16, normalised).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from .budget import take_lookup

__all__ = ["MAX_WORD_CHARS", "Lexicon", "words_of"]

_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ\-]{2,}")
_MEMO_MAX = 4096
# a "word" longer than this is no word (long Dutch compounds such as "arbeidsongeschiktheidsverzekering" are 33)
MAX_WORD_CHARS = 48

Embed = Callable[[list[str]], np.ndarray]


def words_of(text: str) -> list[str]:
    """Lower-cased words of three letters or more (hyphenated compounds kept whole), in order."""
    return [w.strip("-") for w in _WORD.findall(text.lower()) if len(w.strip("-")) >= 3]


class Lexicon:
    """The corpus vocabulary with one embedding per word; answers "which corpus words mean
    this word" by cosine similarity."""

    def __init__(self, words: list[str], vectors: np.ndarray) -> None:
        self.words = words
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self._vocab = set(words)
        self._memo: dict[tuple[str, float, int], list[str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def build(cls, texts: Iterable[str], embed_terms: Embed) -> Lexicon:
        words = sorted({w for t in texts for w in words_of(t)})
        vectors = embed_terms(words) if words else np.zeros((0, 1), dtype=np.float32)
        return cls(words, vectors)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "words.txt").write_text("\n".join(self.words), encoding="utf-8")
        np.save(path / "vectors.npy", self.vectors.astype(np.float16))

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """The saved lexicon, or an empty one for an index built before lexicons existed."""
        words_file = path / "words.txt"
        if not words_file.is_file():
            return cls([], np.zeros((0, 1), dtype=np.float16))
        words = words_file.read_text(encoding="utf-8").split("\n") if words_file.stat().st_size else []
        return cls(words, np.load(path / "vectors.npy"))

    def __contains__(self, word: str) -> bool:
        return word in self._vocab

    def __len__(self) -> int:
        return len(self.words)

    def neighbours(self, word: str, embed_terms: Embed, min_sim: float, top: int) -> list[str]:
        """Up to `top` corpus words whose similarity to `word` is at least `min_sim`.

        A word not seen before costs one embedding, so a request may look up only so many
        (`index.budget`: past its budget a word has no neighbours), and a "word" longer than
        any word (`MAX_WORD_CHARS`) is never embedded."""
        if not self.words or len(word) > MAX_WORD_CHARS:
            return []
        key = (word, min_sim, top)
        with self._lock:
            hit = self._memo.get(key)
        if hit is not None:
            return hit
        if not take_lookup():
            return []
        vec = np.asarray(embed_terms([word])[0], dtype=np.float32)
        sims = self.vectors @ vec
        best = np.argsort(-sims)[:top]
        found = [self.words[i] for i in best if sims[i] >= min_sim]
        with self._lock:
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            self._memo[key] = found
        return found
