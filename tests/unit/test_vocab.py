"""The registries in inkoopwijzer/data and their one reader, as ingest and the assistant use them."""

from __future__ import annotations

import re

from assistant.query import find_care_types, find_insurers, strip_care
from inkoopwijzer import vocab


def test_every_registered_insurer_is_understood_in_a_question_by_each_of_its_names() -> None:
    for ins in vocab.insurers():
        for name in (*ins.official, *ins.labels, *ins.abbreviations):
            assert ins.name in find_insurers(f"Wat is de deadline bij {name}?"), (ins.name, name)


def test_the_registry_has_the_dutch_insurers_and_their_concerns() -> None:
    names = {i.name for i in vocab.insurers()}
    assert {"VGZ", "CZ", "Menzis", "DSW", "ONVZ", "Zilveren Kruis", "a.s.r.", "Eno", "Zorg en Zekerheid", "Salland", "De Friesland"} <= names
    assert vocab.insurer("zilveren kruis").concern == "Achmea"  # type: ignore[union-attr]
    assert "Stad Holland" in vocab.insurer("DSW").labels  # type: ignore[union-attr]
    assert vocab.insurer("Nergens Zorg") is None


def test_names_match_as_whole_words_with_their_spelling_variants() -> None:
    rx = re.compile(vocab.name_pattern("a.s.r."), re.I)
    assert rx.search("polis bij a.s.r. afgesloten") and rx.search("ASR zorg") and not rx.search("hasrat")
    zz = re.compile(vocab.name_pattern("Zorg en Zekerheid"), re.I)
    assert zz.search("zorg  en\nzekerheid") and not zz.search("zorg en zekerheden")
    prefix = re.compile(vocab.name_pattern("ziekenhui*"), re.I)
    assert prefix.search("ziekenhuisopname") and not prefix.search("het bedrijfsziekenhuis")
    # the name is the whole word it begins: taking it out of a question leaves no piece of it
    assert prefix.sub("_", "eisen voor ziekenhuizen en ziekenhuis-opnames") == "eisen voor _ en _-opnames"


def test_care_types_in_documents_keep_abbreviations_case_sensitive() -> None:
    grz = vocab.care_type("GRZ")
    assert grz is not None
    assert grz.document_pattern().search("alle GRZ-trajecten")
    assert not grz.document_pattern().search("grz")  # a stray lower-case word is no care type
    assert grz.document_pattern().search("Geriatrische Revalidatiezorg")


def test_a_question_names_care_types_by_name_abbreviation_or_pointer_but_not_by_a_part() -> None:
    assert find_care_types("Wat is de deadline voor wijkverpleging?") == ["WV"]
    assert find_care_types("geldt dit voor ziekenhuizen en ZBC's?") == ["MSZ"]
    assert strip_care("Wat geldt er voor ziekenhuizen?") == "Wat geldt er voor ?"
    assert find_care_types("paramedische zorg bij VGZ") == ["PARA"]
    # physiotherapy inside a GRZ question is a topic of the GRZ policy, not another kind of care
    assert find_care_types("Can we bill physiotherapy alongside outpatient GRZ?") == ["GRZ"]


def test_months_in_dutch_and_english_with_abbreviations() -> None:
    assert vocab.month_number("maart") == 3 and vocab.month_number("Mrt.") == 3 and vocab.month_number("October") == 10
    assert vocab.month_number("brugklas") is None
    assert re.fullmatch(vocab.month_pattern(), "sept.", re.I)


def test_the_glossary_is_data_every_entry_compiles_and_adds_terms() -> None:
    """The glossary lives in assistant/data/glossary.json; each entry is a valid pattern that adds words."""
    import json
    import re
    from importlib import resources

    from assistant.glossary import GLOSSARY_FILE, expand, synonym_groups

    data = json.loads(resources.files("assistant").joinpath("data", GLOSSARY_FILE).read_text(encoding="utf-8"))
    assert len(data["entries"]) > 50
    for e in data["entries"]:
        assert set(e) <= {"match", "terms", "note"}, e
        re.compile(e["match"])
        assert e["terms"].split(), e
    assert "uiterlijk" in expand("What is the deadline?").split()
    # a separable verb split by the question is one phrase of it
    assert any(g.startswith("meld aan ") for g in synonym_groups("Hoe meld ik me als nieuwe aanbieder aan?"))


def test_the_kinds_of_fact_are_data_tried_in_order() -> None:
    """assistant/data/fact_kinds.json: every entry names a known kind and compiles; the order decides."""
    from typing import get_args

    import pytest

    from assistant.query import FactKind, _fact_patterns, fact_kind, parse_fact_kinds

    assert {k for k, _ in _fact_patterns()} <= set(get_args(FactKind))
    with pytest.raises(ValueError, match="unknown kinds of fact.*'deadline'"):
        parse_fact_kinds('{"entries": [{"kind": "deadline", "match": "wanneer"}]}')
    assert fact_kind("Tot wanneer kan ik me aanmelden?") == "date"
    # "welke wijzigingen … termijnen" asks the changes: the change entry comes before the kinds of value
    assert fact_kind("Welke wijzigingen zijn er in de termijnen?") == "change"


def test_number_words_and_units_of_time_are_one_list_for_ingest_and_answerer() -> None:
    from inkoopwijzer import vocab

    assert vocab.number_words("nl")["twaalf"] == 12 and vocab.number_words("en")["twelve"] == 12
    assert vocab.number_words()["negen"] == 9 and vocab.number_words()["seven"] == 7  # both languages, unless one is named
    assert "seven" not in vocab.number_words("nl")
    assert re.fullmatch(vocab.number_word_pattern(), "een") and not re.fullmatch(vocab.number_word_pattern(article=False), "een")
    assert re.fullmatch(vocab.number_word_pattern(article=False), "vijftig")
    assert vocab.time_units()["kalenderdagen"] == "dagen" and vocab.time_units()["weeks"] == "weken"
