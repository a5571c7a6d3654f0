"""The cross-lingual lexicon (index.lexicon) and the question-word translation that uses it,
with a fake embedder whose vectors say which words mean the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.glossary import LEXICON_MIN_SIM, translated_terms, translations
from index.lexicon import Lexicon, words_of

# words that mean the same share a direction; everything else is orthogonal
_MEANING = {"ontvangt": 0, "receive": 0, "bedden": 1, "beds": 1, "offerte": 2, "persoonlijke": 3}


def _fake_embed(calls: list[list[str]]):  # type: ignore[no-untyped-def]
    other: dict[str, int] = {}  # every other word its own direction

    def embed(words: list[str]) -> np.ndarray:
        calls.append(list(words))
        out = np.zeros((len(words), 64), dtype=np.float32)
        for i, w in enumerate(words):
            out[i, _MEANING[w] if w in _MEANING else other.setdefault(w, 4 + len(other))] = 1.0
        return out

    return embed


def test_words_of_keeps_compounds_and_drops_short_words() -> None:
    assert words_of("De ELV-bedden: 10 of meer, per 1-1.") == ["elv-bedden", "meer", "per"]


def test_neighbours_finds_the_corpus_word_and_respects_the_threshold(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    embed = _fake_embed(calls)
    lex = Lexicon.build(["U ontvangt de offerte.", "Tien bedden per unit."], embed)
    assert "ontvangt" in lex and "receive" not in lex
    assert lex.neighbours("receive", embed, 0.9, 2) == ["ontvangt"]
    assert lex.neighbours("beds", embed, 0.9, 2) == ["bedden"]
    assert lex.neighbours("zebra", embed, 0.9, 2) == []  # nothing near enough
    n = len(calls)
    assert lex.neighbours("receive", embed, 0.9, 2) == ["ontvangt"]
    assert len(calls) == n  # memoised: no second embedding

    lex.save(tmp_path / "lexicon")
    again = Lexicon.load(tmp_path / "lexicon")
    assert again.words == lex.words
    assert again.neighbours("receive", embed, 0.9, 1) == ["ontvangt"]


def test_an_index_without_a_lexicon_loads_an_empty_one(tmp_path: Path) -> None:
    lex = Lexicon.load(tmp_path / "missing")
    assert len(lex) == 0
    assert lex.neighbours("receive", _fake_embed([]), 0.5, 2) == []


def test_translated_terms_skips_stop_words_and_words_the_corpus_has() -> None:
    calls: list[list[str]] = []
    embed = _fake_embed(calls)
    lex = Lexicon.build(["U ontvangt de persoonlijke offerte.", "Tien bedden."], embed)
    calls.clear()
    terms = translated_terms(translations("When do we receive the offerte and how many beds?", lex, embed))
    assert terms == ["ontvangt", "bedden"]
    looked_up = {w for c in calls for w in c}
    assert "offerte" not in looked_up  # a corpus word needs no translation
    assert not looked_up & {"when", "the", "and", "how"}  # stop words are not looked up
    assert 0.5 < LEXICON_MIN_SIM < 1.0
