"""Abbreviations the policies define themselves (assistant.abbreviations)."""

from __future__ import annotations

from assistant.abbreviations import abbreviation_groups, find_abbreviations

TEXTS = [
    "2. Nacalculatieafspraak tegen netto-inkoopkosten (NIP) + opslag.",
    "een prijslijst met Netto Inkooprijzen (NIP). Hiervoor dient de zorgaanbieder",
    "Als normenkader hanteert Zilveren Kruis de richtlijnen van het Waarborgfonds voor de Zorgsector (WfZ).",
    "de zorg van de geestelijke gezondheidszorg (GGZ) loopt apart",
    "Het Nederlands Oogheelkundig Gezelschap (NOG) stelt de richtlijn op.",
    "Zie de bijlage (zie ook) voor meer.",
]


def test_an_abbreviation_is_found_with_the_words_it_abbreviates() -> None:
    found = find_abbreviations(TEXTS)
    assert found["nip"] == {"netto-inkoopkosten", "netto inkooprijzen"}
    assert found["wfz"] == {"waarborgfonds voor de zorgsector"}
    assert found["ggz"] == {"geestelijke gezondheidszorg"}  # not "gezondheidszorg" alone
    assert "zie" not in found  # "(zie ook)": no capitals, no abbreviation


def test_a_question_using_either_form_gets_the_other() -> None:
    found = find_abbreviations(TEXTS)
    assert abbreviation_groups("Wat zijn de voorwaarden voor een NIP-afspraak?", found) == [
        "nip netto inkooprijzen netto-inkoopkosten"
    ]
    assert abbreviation_groups("Welke richtlijnen van het waarborgfonds voor de zorgsector?", found)[0].startswith("wfz")
    assert abbreviation_groups("voorwaarden nip-afspraak zk?", found)[0].startswith("nip")  # typed in lower case
    # an abbreviation that is also a word counts only in capitals: "nog" is Dutch for "still"
    assert abbreviation_groups("Geldt het beleid nog?", found) == []
    assert abbreviation_groups("Welke richtlijnen van het NOG gelden?", found)[0].startswith("nog")
