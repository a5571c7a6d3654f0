"""Domain vocabulary for matching a provider's words to the policies' words.

English terms map to the Dutch the policies use; informal Dutch maps to the formal terms. The
entries are data (`assistant/data/glossary.json`).
Used to expand the keyword query and the sentence scoring, never to answer. Words this list
lacks are looked up in the index's lexicon (`translations`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from index.lexicon import Embed, Lexicon, words_of

# An English word the policies never use is matched to at most this many corpus words whose
# embedding is at least this similar (chosen on the tuning split; see docs/evaluation.md).
LEXICON_MIN_SIM = 0.92
LEXICON_TOP = 2

GLOSSARY_FILE = "glossary.json"


@cache
def _entries() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The glossary (`assistant/data/glossary.json`): each phrase of a question (a regex, matched
    case-insensitively, compiled once) with the policies' terms it adds to the query."""
    text = resources.files("assistant").joinpath("data", GLOSSARY_FILE).read_text(encoding="utf-8")
    return tuple((re.compile(e["match"], re.I), str(e["terms"])) for e in json.loads(text)["entries"])


def _phrase(m: re.Match[str]) -> str:
    """What a glossary match says: a separable verb's verb and particle ("vraag … aan"), else the match."""
    parts = m.groupdict()
    if parts.get("verb") and parts.get("particle"):
        return f"{parts['verb']} {parts['particle']}"
    return m.group(0)


def _matches(text: str) -> list[tuple[list[str], str]]:
    """Each glossary entry the text matches: the phrases it matched, and the terms it adds."""
    out = []
    for rx, terms in _entries():
        found = [_phrase(m) for m in rx.finditer(text)]
        if found:
            out.append((found, terms))
    return out


def expand(text: str) -> str:
    """Add the policies' own terms for what the question says in other words."""
    extra = [terms for _, terms in _matches(text)]
    return f"{text} {' '.join(extra)}" if extra else text


def synonym_groups(text: str) -> list[str]:
    """What `expand` adds, as groups of words that say one thing: each matched phrase of the
    question with the terms it adds ("draft" with "concept conceptovereenkomst"). A sentence
    that uses any word of a group has said what the question's phrase says."""
    return [f"{' '.join(found)} {terms}" for found, terms in _matches(text)]


@cache
def stopwords() -> frozenset[str]:
    """The Dutch and English stop words (bm25s's lists)."""
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | frozenset(STOPWORDS_DUTCH)


def translations(text: str, lexicon: Lexicon, embed_terms: Embed) -> dict[str, list[str]]:
    """Corpus words that mean what the question's unknown words mean (see `index.lexicon`):
    every word of `text` that is no stop word and occurs nowhere in the corpus, with its
    nearest corpus words, if any are near enough."""
    stop = stopwords()
    out: dict[str, list[str]] = {}
    for word in dict.fromkeys(words_of(text)):
        if word in lexicon or word in stop:
            continue
        near = lexicon.neighbours(word, embed_terms, LEXICON_MIN_SIM, LEXICON_TOP)
        if near:
            out[word] = near
    return out


def translated_terms(near: dict[str, list[str]]) -> list[str]:
    """The corpus words of `translations`, each once."""
    return list(dict.fromkeys(t for words in near.values() for t in words))
