"""The keyword tokenizer (index.keyword.Tokenizer): Dutch word forms meet."""

from __future__ import annotations

import pytest

from index.keyword import Tokenizer


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("geëvalueerd", "evalueren"),  # a participle and its verb: Snowball alone stems them apart
        ("aangeleverd", "aanleveren"),
        ("beoordeeld", "beoordeling"),
        ("gesprekken", "gesprek"),
        ("ziekenhuizen", "ziekenhuis"),
    ],
)
def test_word_forms_of_one_word_tokenise_alike(a: str, b: str) -> None:
    tok = Tokenizer()
    assert tok(a) == tok(b)


def test_numbers_are_kept_and_compounds_split_into_known_words() -> None:
    tok = Tokenizer({"omzet", "plafond"})
    assert tok("€ 100.000") == ["100000"]
    assert tok("omzetplafond")[1:] == tok("omzet plafond")


def test_a_compound_no_passage_uses_splits_into_the_words_passages_use() -> None:
    tok = Tokenizer({"verzekering", "beroepsaansprakelijkheid", "bedrijfs", "omzet"})
    assert tok.split_unknown("aansprakelijkheidsverzekering") == (["beroepsaansprakelijkheid"], "verzekering")
    assert tok.split_unknown("tariefafslag") is None  # neither part is a passage's word
    assert tok.split_unknown("verzekering") is None  # a known word needs no split
    # a first part no word ends in counts by the words that begin with it
    assert Tokenizer({"meerjarenafspraak", "contract"}).split_unknown("meerjarencontract") == (["meerjarenafspraak"], "contract")


def test_a_typo_finds_the_passages_word_one_letter_away() -> None:
    tok = Tokenizer({"offerte", "omzetplafond", "vragenlijst", "offertes"})
    assert tok.near_spellings("oferte") == ["offerte"]  # a letter dropped
    assert tok.near_spellings("omzetplafon") == ["omzetplafond"]
    assert tok.near_spellings("vragenlijts") == ["vragenlijst"]  # two letters swapped
    assert tok.near_spellings("offerte") == []  # a known word is no typo
    assert tok.near_spellings("tarief") == []  # nothing one letter away


def test_a_compound_of_which_only_the_start_is_known_is_about_that_start() -> None:
    from collections import Counter

    from assistant.spelling import respell

    vocabulary = {"omzet", "audiologie", "verzekering", "beroepsaansprakelijkheid", "offerte"}
    tok = Tokenizer(vocabulary)
    df = Counter(t for w in vocabulary for t in tok(w))
    text = "Wat is de omzetgrens, de aansprakelijkheidsverzekering en de offertedatumm?"
    # "omzetgrens": "grens" is no passage's word, so no split; its start "omzet" is
    assert respell(tok, df, text).starts == {"omzetgrens": "omzet", "offertedatumm": "offerte"}
    assert respell(tok, df, "Wat is de omzet?").starts == {}  # a known word is itself


def test_a_word_the_passages_use_rarely_also_counts_by_their_more_frequent_spelling() -> None:
    from collections import Counter

    from assistant.spelling import respell

    tok = Tokenizer({"meerjarenafspraak", "meerjarenafpraak", "offerte"})
    df = Counter({"meerjarenafspraak": 1, "meerjarenafpraak": 6, "offerte": 9})
    assert respell(tok, df, "Wat zijn de voorwaarden voor een meerjarenafspraak?").typos == {"meerjarenafspraak": ["meerjarenafpraak"]}
    assert respell(tok, df, "Wanneer moet de offerte binnen zijn?").typos == {}  # a common word is itself
