"""Misspelt insurer and care names in a question (assistant.names)."""

from __future__ import annotations

from assistant.names import correct_names


def unknown(word: str) -> bool:
    return False


def test_a_misspelt_insurer_is_read_as_registered() -> None:
    c = correct_names("aanmeldtermijn zilverekruis msz 2027", unknown)
    assert c.text == "aanmeldtermijn Zilveren Kruis msz 2027"
    assert c.read_as == [("zilverekruis", "Zilveren Kruis")]


def test_a_name_of_several_words_with_a_swapped_letter() -> None:
    c = correct_names("wanneer offerte zorg en zekerhied?", unknown)
    assert c.text == "wanneer offerte Zorg en Zekerheid?"


def test_a_longer_name_may_be_two_edits_off_a_short_one_one() -> None:
    assert correct_names("deadline sallnd?", unknown).read_as == [("sallnd", "Salland")]
    assert correct_names("deadline slnd?", unknown).read_as == []  # two edits from a seven-letter name
    assert correct_names("beleid zilvrenkruiss", unknown).read_as == [("zilvrenkruiss", "Zilveren Kruis")]


def test_names_written_right_and_abbreviations_are_left_alone() -> None:
    for text in ("Zilveren Kruis en Salland", "offerte ZZ en zk", "wat zegt vgx?", "Menzis beleid"):
        assert correct_names(text, unknown).read_as == []


def test_a_run_of_words_the_passages_use_is_never_a_name() -> None:
    # "zorgverzekeraars en" is one edit from "Zorgverzekeraar Eno", "bewust" from the label "Bewuzt"
    known = {"zorgverzekeraars", "en", "bewust", "zijn"}.__contains__
    for text in ("beide zorgverzekeraars en", "wij zijn bewust"):
        assert correct_names(text, known).read_as == []
    assert correct_names("beide zorgverzekeraars en", unknown).read_as != []  # only the vocabulary keeps it


def test_numbers_are_not_names() -> None:
    assert correct_names("2027 2028", unknown).read_as == []
