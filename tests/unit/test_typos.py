"""Misspelt ordinary words in a question (assistant.typos), against a made-up corpus and the
real word lists."""

from __future__ import annotations

from assistant.typos import Speller

CORPUS = {"offerte": 40, "contract": 30, "contact": 2, "behandelplan": 12, "omzetplafond": 9, "diagnostiek": 3, "omzet": 20}


def speller(compounds: frozenset[str] = frozenset()) -> Speller:
    return Speller(CORPUS.__contains__, CORPUS, compounds.__contains__)


def test_a_swapped_pair_is_read_as_the_passages_word() -> None:
    c = speller().correct("Wanneer moet de ofefrte binnen zijn?", "nl")
    assert c.text == "Wanneer moet de offerte binnen zijn?"
    assert c.read_as == [("ofefrte", "offerte")]


def test_of_two_passages_words_one_edit_away_the_more_used_one() -> None:
    # "conrtact" is one edit from "contract" (a swap) and from "contact" (a letter dropped)
    assert speller().correct("valid licence for a conrtact?", "en").read_as == [("conrtact", "contract")]


def test_a_word_the_passages_lack_is_read_in_the_question_language() -> None:
    c = speller().correct("How is the finnacial health assessed?", "en")
    assert c.text == "How is the financial health assessed?"
    assert speller().correct("Welke doelsteling geldt?", "nl").read_as == [("doelsteling", "doelstelling")]


def test_capitals_at_the_start_are_kept() -> None:
    assert speller().correct("Ofefrte uiterlijk wanneer", "nl").text == "Offerte uiterlijk wanneer"


def test_real_words_names_and_short_words_are_left_alone() -> None:
    for text, language in [
        ("Is a centre with an organisation licence eligible?", "en"),  # British spellings
        ("Welke tariefafslag geldt voor de inschrijving?", "nl"),  # Dutch words the corpus lacks
        ("Geldt dit voor ZorgDomein en GRZ/ELV?", "nl"),  # names and abbreviations
        ("Offerte en contract", "nl"),  # the passages' own words
        ("ofert", "nl"),  # under six letters
    ]:
        assert speller().correct(text, language).read_as == [], text


def test_two_edits_are_not_guessed_at() -> None:
    assert speller().correct("omzetplfnd", "nl").read_as == []


def test_a_compound_the_passages_write_apart_is_not_read_as_a_list_word() -> None:
    # no passage word is one edit away, and the tokenizer splits it into the passages' words
    assert speller(frozenset({"behandelplanwijziging"})).correct("behandelplanwijziging", "nl").read_as == []


def test_a_text_of_many_unknown_words_is_searched_for_a_bounded_number() -> None:
    from assistant.typos import MAX_LOOKUPS

    text = " ".join(["ofefrte"] * (MAX_LOOKUPS + 3))
    assert len(speller().correct(text, "nl").read_as) == MAX_LOOKUPS


def test_a_typo_in_one_part_of_a_compound_the_passages_do_not_write_as_one() -> None:
    # "lab" is a word (of the word list), "diangostiek" none, one edit from the passages' "diagnostiek"
    assert speller().correct("labdiangostiek", "nl").read_as == [("labdiangostiek", "labdiagnostiek")]


def test_a_compound_of_two_words_is_written_right() -> None:
    # "omzetg" is one edit from "omzet", but "omzet" and "grens" are both words
    assert speller().correct("omzetgrens", "nl").read_as == []
