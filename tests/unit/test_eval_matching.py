"""The gold format's matching rules: folding, €, the 60 %-in-order rule, document stems."""

from __future__ import annotations

import random

import pytest

from evals.matching import (
    _lcs_length,  # private: checked against a plain dynamic programme below
    _masks,
    contains,
    doc_stem,
    first_hit_rank,
    fold,
    in_order_share,
    quote_retrieved,
    states_fact,
    word_tokens,
)

QUOTE = "U kunt vanaf 1 september 2026 de conceptovereenkomst 2027 opvragen via het contactformulier."


def test_fold_case_and_whitespace_runs() -> None:
    assert fold("  De  Offerte\n\n moet\t\tbinnen\u00a0zijn ") == "de offerte moet binnen zijn"


@pytest.mark.parametrize("text", ["€ 100.000", "€100.000", "€\u00a0100.000", "€\n 100.000"])
def test_euro_with_or_without_space_is_the_same(text: str) -> None:
    assert fold(text) == "€100.000"
    assert contains("een omzetdrempel van EUR? Nee: " + text + " per jaar", "€ 100.000 per jaar")


def test_contains_folds_both_sides_and_rejects_an_empty_needle() -> None:
    assert contains("Tot UITERLIJK\n1 juni 2026.", "tot uiterlijk 1 juni 2026")
    assert not contains("tot uiterlijk 1 juni 2026", "tot uiterlijk 1 juli 2026")
    assert not contains("anything", "   ")


@pytest.mark.parametrize(
    ("answer", "fact", "stated"),
    [
        ("Uiterlijk 1 JUNI 2026.", "1 juni 2026", True),
        ("De drempel is €\u00a0150.000,- per jaar", "€150.000", True),
        ("ruim € 150.000,00 per jaar", "€ 150.000", True),
        ("Het contract loopt 12 jaar", "2 jaar", False),  # a number may not continue before the fact
        ("vergoed voor 150%", "50%", False),
        ("een omzet van € 1.500.000", "500.000", False),
        ("€ 150.000,50", "€ 150.000", False),  # after it either
        ("op 21 juni, of op 1 juni", "1 juni", True),  # a later occurrence counts
        ("via niertransplantatie", "transplantatie", True),  # Dutch compounds still count
        ("deadline 1 juni", "1 juli", False),
    ],
)
def test_key_facts_are_folded_and_numbers_are_whole(answer: str, fact: str, stated: bool) -> None:
    assert states_fact(answer, fact) is stated


def test_numbers_stay_one_token() -> None:
    assert word_tokens("€ 100.000 en 1,5 fte in 2026") == ["100.000", "en", "1,5", "fte", "in", "2026"]


def test_exact_quote_in_a_hard_wrapped_passage_is_retrieved() -> None:
    passage = (
        "Planning\n\nU kunt vanaf 1 september 2026\n\nde conceptovereenkomst 2027 opvragen\n\nvia het contactformulier."
    )
    assert quote_retrieved(QUOTE, passage)


def test_quote_cut_at_a_chunk_boundary_is_retrieved_with_60_percent_in_order() -> None:
    tokens = word_tokens(QUOTE)  # 13 tokens; 60 % is 8
    passage = "Eerdere tekst over iets anders. " + " ".join(tokens[:8])
    assert in_order_share(QUOTE, passage) == pytest.approx(8 / 13)
    assert quote_retrieved(QUOTE, passage)
    assert not quote_retrieved(QUOTE, "Eerdere tekst. " + " ".join(tokens[:7]))  # 7/13 < 60 %


def test_markdown_link_in_the_gold_quote_still_matches_the_plain_pdf_text() -> None:
    quote = "op onze website voor [Aanvraag zorgovereenkomst zorgaanbieders - Zilveren Kruis](#)."
    passage = "Dat kan tussen 1 april en 1 juni 2026 op onze website voor Aanvraag zorgovereenkomst zorgaanbieders - Zilveren Kruis."
    assert not contains(passage, quote)
    assert quote_retrieved(quote, passage)


def test_near_miss_same_words_in_another_order_does_not_match() -> None:
    scrambled = " ".join(reversed(word_tokens(QUOTE)))
    assert not quote_retrieved(QUOTE, scrambled)


def test_near_miss_words_scattered_over_a_long_passage_do_not_match() -> None:
    # Every quote word occurs, in order, but spread over a passage far longer than the quote.
    filler = "tekst over een ander onderwerp zonder verband met de vraag die gesteld is " * 3
    passage = filler.join(word_tokens(QUOTE))
    assert in_order_share(QUOTE, passage) < 0.6
    assert not quote_retrieved(QUOTE, passage)


def test_near_miss_other_date_and_other_insurer_does_not_match() -> None:
    quote = "Zorgaanbieders moeten de offerte uiterlijk 1 april 2026 indienen bij Salland via het portaal Vecozo."
    passage = "Zorgverzekeraars verwachten een reactie vóór 15 mei 2027 van nieuwe partijen in de regio Utrecht."
    assert not quote_retrieved(quote, passage)


def test_first_hit_rank_is_one_based_and_none_without_a_hit() -> None:
    passages = ["niets relevants hier", "nog steeds niets", QUOTE]
    assert first_hit_rank([QUOTE], passages) == 3
    assert first_hit_rank(["iets anders helemaal, geen overlap"], passages) is None
    assert first_hit_rank([], passages) is None


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("000_2839806238769069.pdf", "000_2839806238769069"),
        ("000_2839806238769069.txt", "000_2839806238769069"),
        ("000_2839806238769069", "000_2839806238769069"),
        ("data/policies/000_2839806238769069.PDF", "000_2839806238769069"),
        ("Beleid v1.1.pdf", "beleid v1.1"),
        ("Beleid v1.1", "beleid v1.1"),
    ],
)
def test_documents_match_by_file_stem(name: str, stem: str) -> None:
    assert doc_stem(name) == stem


def _lcs_dp(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, start=1):
            cur = row[j]
            row[j] = prev + 1 if x == y else max(row[j], row[j - 1])
            prev = cur
    return row[-1]


def test_bit_parallel_lcs_equals_dynamic_programming() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = [rng.choice("abcde") for _ in range(rng.randint(1, 40))]
        b = [rng.choice("abcdef") for _ in range(rng.randint(0, 60))]
        assert _lcs_length(a, _masks(a), b) == _lcs_dp(a, b)
