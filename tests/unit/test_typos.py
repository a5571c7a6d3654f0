"""Misspelt ordinary words in a question (assistant.typos), against a made-up corpus and the
real word lists."""

from __future__ import annotations

from assistant.typos import Speller

CORPUS = {
    "offerte": 40, "contract": 30, "contact": 2, "behandelplan": 12, "omzetplafond": 9, "diagnostiek": 3, "lab": 2,
    "omzet": 20, "documenten": 5, "productiviteit": 3, "verzekering": 8, "voorwaarden": 9,
}


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
    assert speller().correct("Welke aanvulende eisen?", "nl").read_as == [("aanvulende", "aanvullende")]
    assert speller().correct("Which aanvulende rules?", "en").read_as == []  # no English word is one edit away


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


def test_a_word_the_tokenizer_splits_into_the_passages_words_is_not_read_as_a_list_word() -> None:
    # "aanvulende" is one edit from the list's "aanvullende"; split, it is a compound of the passages' words
    assert speller(frozenset({"aanvulende"})).correct("aanvulende", "nl").read_as == []


def test_a_request_searches_a_bounded_number_of_unknown_words() -> None:
    from assistant.typos import MAX_LOOKUPS, Budget

    words = ["ofefrte", "conrtact", "behanedlplan", "omzetlpafond"]
    budget = Budget(left=3)
    assert len(speller().correct(" ".join(words), "nl", budget).read_as) == 3 and budget.left == 0
    # the budget is shared: a later text of the same request (an earlier turn) gets what is left
    assert speller().correct("ofefrte", "nl", budget).read_as == []
    assert Budget().left == MAX_LOOKUPS


def test_a_typo_in_one_part_of_a_compound_the_passages_do_not_write_as_one() -> None:
    # "lab" is a word of the passages, "diangostiek" none, one edit from their "diagnostiek"
    assert speller().correct("labdiangostiek", "nl").read_as == [("labdiangostiek", "labdiagnostiek")]
    # … with the head's linking s
    assert speller().correct("verzekeringsvoorwarden", "nl").read_as == [("verzekeringsvoorwarden", "verzekeringsvoorwaarden")]


def test_a_compound_of_two_words_is_written_right() -> None:
    # "omzetg" is one edit from "omzet", but "omzet" and "grens" are both words
    assert speller().correct("omzetgrens", "nl").read_as == []
    # "sdocumenten" is one edit from "documenten", but the s links "productiviteit" and "documenten"
    assert speller().correct("productiviteitsdocumenten", "nl").read_as == []


def test_registered_names_are_never_read_as_another_word() -> None:
    from assistant.names import name_words

    for word in name_words():
        assert speller().correct(word.capitalize(), "nl").read_as == [], word


def test_a_word_typed_twice_is_read_once() -> None:
    c = speller().correct("ofefrte of ofefrte?", "nl")
    assert c.text == "offerte of offerte?" and c.read_as == [("ofefrte", "offerte")]


def test_words_longer_than_any_compound_are_not_searched() -> None:
    from assistant.typos import MAX_LETTERS

    word = "ofefrte" * (MAX_LETTERS // 7 + 1)
    assert speller().correct(word, "nl").read_as == []
