"""Keyword retrieval: bm25s over Dutch-lemmatised and stemmed tokens, with compound splitting.

A word is reduced to its dictionary form first (simplemma: *getekend* → *tekenen*), then
stemmed (Snowball), so a participle and its verb meet; Snowball alone stems them apart.

Dutch glues words together (*zorginkoopbeleid*, *omzetplafond*): a token is also
indexed as the known words it is made of, so "plafond" finds "omzetplafond". Numbers
are normalised ("€ 100.000" → "100000", "85%" → "85") so amounts and dates match.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

__all__ = ["KeywordIndex", "Tokenizer"]

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_MIN_PART = 4
# the most words a compound's unknown first part is matched by (`Tokenizer.split_unknown`)
_MAX_HEADS = 4
# the shortest word whose typos are looked for (shorter words have too many neighbours)
_MIN_TYPO = 6
# … and the shortest first part matched by the words that begin with it
_MIN_PREFIX = 7


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    return frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN)


@lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """The dictionary form of a Dutch word ("getekend" → "tekenen", "aangeleverd" → "aanleveren"),
    which the stemmer then reduces: Snowball alone stems a verb's participle and infinitive apart."""
    if word[0].isdigit():
        return word
    import simplemma

    return str(simplemma.lemmatize(word, lang="nl"))


class Tokenizer:
    """Lower-case, split, drop stop words, split compounds, lemmatise and stem (Snowball Dutch)."""

    def __init__(self, vocabulary: set[str] | None = None) -> None:
        self.stemmer = Stemmer.Stemmer("dutch")
        self.vocabulary: set[str] = vocabulary or set()

    def words(self, text: str) -> list[str]:
        out = []
        for m in _WORD.finditer(text.lower()):
            w = m.group(0)
            if w[0].isdigit():
                w = re.sub(r"[.,](?=\d{3}\b)", "", w)  # 100.000 → 100000
            out.append(w)
        return out

    def split_compound(self, word: str) -> list[str]:
        """Split a word into two known words (longest head first), if it is a compound."""
        if len(word) < 2 * _MIN_PART or not self.vocabulary:
            return []
        for i in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head, tail = word[:i], word[i:]
            if head in self.vocabulary and tail in self.vocabulary:
                return [head, tail]
            if head.endswith("s") and head[:-1] in self.vocabulary and tail in self.vocabulary:
                return [head[:-1], tail]  # tussen-s: zorgverzekeraarsoverleg
        return []

    def split_unknown(self, word: str) -> tuple[list[str], str] | None:
        """A compound no passage uses, split into the passages' words: its last part as a word of
        its own, and its first part as the words that end in it ("aansprakelijkheidsverzekering":
        "verzekering" and "beroepsaansprakelijkheid") or else begin with it. None when no such
        split exists."""
        if len(word) < 2 * _MIN_PART or not self.vocabulary or word in self.vocabulary:
            return None
        for i in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head, tail = word[:i], word[i:]
            if tail not in self.vocabulary:
                continue
            for h in dict.fromkeys([head, head[:-1] if head.endswith("s") else head]):  # tussen-s
                if len(h) < _MIN_PART:
                    continue
                # the words that end in it ("beroepsaansprakelijkheid"), or else begin with it
                # ("meerjarencontract": "meerjarenafspraak")
                heads = sorted(v for v in self.vocabulary if v.endswith(h))[:_MAX_HEADS]
                heads = heads or sorted(v for v in self.vocabulary if v.startswith(h) and len(h) >= _MIN_PREFIX)[:_MAX_HEADS]
                if heads:
                    return heads, tail
        return None

    def near_spellings(self, word: str, known: bool = False) -> list[str]:
        """The passages' words one edit (a letter dropped, added, changed or two swapped) from a
        word no passage uses: a typo in a question ("omzetplafon", "conceptovereenkomt"); with
        `known`, also from a word they use (their own variant spelling of it)."""
        if len(word) < _MIN_TYPO or not self.vocabulary or (word in self.vocabulary and not known):
            return []
        return sorted(v for v in self.vocabulary if abs(len(v) - len(word)) <= 1 and _one_edit(word, v))[:_MAX_HEADS]

    def __call__(self, text: str) -> list[str]:
        stop = _stopwords()
        tokens: list[str] = []
        for w in self.words(text):
            if w in stop:
                continue
            parts = w.split("-") if "-" in w else [w]
            if len(parts) > 1:
                parts = [w.replace("-", ""), *parts]
            for p in parts:
                if not p or p in stop:
                    continue
                tokens.append(p)
                tokens.extend(self.split_compound(p))
        return self.stems(tokens)

    def stems(self, words: list[str]) -> list[str]:
        """Each word's token as this tokenizer makes it: its lemma, stemmed (no splitting)."""
        return list(self.stemmer.stemWords([lemma(w) for w in words]))


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a with one letter dropped, added or changed, or two neighbours swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1 :]


def build_vocabulary(texts: list[str]) -> set[str]:
    """Words seen on their own at least twice: the parts compounds may be split into."""
    tok = Tokenizer()
    counts: dict[str, int] = {}
    for t in texts:
        for w in tok.words(t):
            if len(w) >= _MIN_PART and not w[0].isdigit():
                counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n >= 2}


class KeywordIndex:
    """A persisted BM25 index; scores for all passages in one call."""

    def __init__(self, retriever: bm25s.BM25, tokenizer: Tokenizer, n_docs: int) -> None:
        self.retriever = retriever
        self.tokenizer = tokenizer
        self.n_docs = n_docs

    @classmethod
    def build(cls, texts: list[str]) -> KeywordIndex:
        tokenizer = Tokenizer(build_vocabulary(texts))
        corpus_tokens = [tokenizer(t) or ["_empty_"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever, tokenizer, len(texts))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(folder), show_progress=False)
        (folder / "vocabulary.json").write_text(
            json.dumps({"n_docs": self.n_docs, "words": sorted(self.tokenizer.vocabulary)}), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        meta = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        lemma("ingediend")  # the lemma table loads here (a third of a second), not on the first question
        return cls(retriever, Tokenizer(set(meta["words"])), int(meta["n_docs"]))

    def doc_freq(self) -> dict[str, int]:
        """Passages containing each indexed token (read from the BM25 matrix, no re-tokenising)."""
        indptr = np.asarray(self.retriever.scores["indptr"])
        out: dict[str, int] = {}
        for token, i in self.retriever.vocab_dict.items():
            if i + 1 < len(indptr):
                out[token] = int(indptr[i + 1] - indptr[i])
        return out

    def passages_with(self, token: str) -> np.ndarray:
        """The passages (index order) that contain the token (read from the BM25 matrix)."""
        i = self.retriever.vocab_dict.get(token)
        indptr = self.retriever.scores["indptr"]
        if i is None or i + 1 >= len(indptr):
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.retriever.scores["indices"][indptr[i] : indptr[i + 1]])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (index order) for the query."""
        vocab = self.retriever.vocab_dict
        tokens = [t for t in self.tokenizer(query) if t in vocab]
        if not tokens:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
