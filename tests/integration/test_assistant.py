"""The assistant over the real index: grounding, per-insurer answers, follow-ups, refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evals.runner import DEFAULT_GOLD, GATE_SPLITS
from inkoopwijzer.types import Turn

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def assistant(settings: Any) -> Any:
    from assistant.service import Assistant

    return Assistant(settings)


def test_every_quote_on_the_evaluation_set_is_verbatim(assistant: Any) -> None:
    texts = {d.meta.document: assistant.document_text(d.meta.document) for d in assistant.documents()}
    checked = 0
    for split, path in DEFAULT_GOLD.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            history = [Turn(**t) for t in gold.get("history", [])]
            answer = assistant.ask(gold["question"], history)
            for c in [*answer.citations, *answer.related]:
                text = texts[c.document]
                # a gate split's question is never named, not even in a failure
                assert text[c.start : c.end] == c.quote, (split if split in GATE_SPLITS else gold["id"], c.n)
                checked += 1
    assert checked > 150


def test_named_insurer_gets_only_that_insurers_rule(assistant: Any) -> None:
    answer = assistant.ask("deadline offerte salland?")
    assert answer.status == "answered"
    assert {c.insurer for c in answer.citations} == {"Salland"}


def test_question_without_insurer_is_answered_per_insurer(assistant: Any) -> None:
    answer = assistant.ask("Wanneer moet ik mijn offerte of voorstel voor 2027 indienen?")
    assert answer.status == "answered"
    assert len(set(answer.insurers)) >= 2
    # one line per insurer (per policy of an insurer, as no care type is named), each with its
    # own citations: never two insurers in one line
    lines = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert len(lines) >= len(set(answer.insurers))
    for ln in lines:
        named = [i for i in answer.insurers if ln.startswith(f"- {i} ")]
        assert len(named) == 1
    assert {i for i in answer.insurers if any(ln.startswith(f"- {i} ") for ln in lines)} == set(answer.insurers)
    assert len(set(lines)) == len(lines)  # an insurer's second line is another policy's


def test_follow_up_switches_insurer(assistant: Any) -> None:
    first = "Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis voor MSZ 2027?"
    a1 = assistant.ask(first)
    assert a1.citations and a1.citations[0].insurer == "Zilveren Kruis"
    a2 = assistant.ask("en bij Salland?", [Turn(role="user", content=first), Turn(role="assistant", content=a1.answer)])
    assert a2.status == "answered" and {c.insurer for c in a2.citations} == {"Salland"}
    assert "1 september 2026" in a2.answer


def test_uncovered_insurer_care_type_and_year_are_not_found(assistant: Any) -> None:
    for q in ("Wat is de deadline voor de offerte bij CZ?", "Wanneer moet mijn GGZ-offerte bij Salland binnen zijn?",
              "Wat is de offertedeadline van Zorg en Zekerheid voor 2031?"):
        answer = assistant.ask(q)
        assert answer.status == "not_found", q
        assert not answer.citations
    # the years the documents do cover, as a year or a span ("2027", not "2027–2027")
    later = assistant.ask("Wat zijn de voorwaarden voor het MSZ-contract 2029 bij Salland?")
    assert later.status == "not_found" and "gelden voor 2027, niet voor 2029" in later.answer


def test_outdated_policy_answers_with_a_notice(assistant: Any) -> None:
    answer = assistant.ask("Hoe lang is de looptijd van de ZG-overeenkomst bij Zilveren Kruis?")
    assert answer.status == "answered"
    assert answer.citations[0].outdated
    assert any("verouderd" in n for n in answer.notices)


def test_english_question_gets_an_english_frame(assistant: Any) -> None:
    answer = assistant.ask("What is the deadline for new providers to apply at Salland?")
    assert answer.language == "en" and answer.status == "answered"
    assert "Salland" in answer.answer and "Dutch" not in answer.answer  # the answer text answers; the note is a notice
    assert any("Dutch policy documents" in n for n in answer.notices)


def test_contact_details_are_given_only_where_the_policy_has_them(assistant: Any) -> None:
    # Salland's policy lists phone numbers: the answer leads with one, quoted from the policy
    answer = assistant.ask("Op welk nummer kan ik Salland bellen over declaraties?")
    assert answer.status == "answered"
    assert answer.answer.split("**")[1] in answer.citations[0].quote  # the stated number is in the first quote
    assert {c.insurer for c in answer.citations} == {"Salland"}
    # Zorg en Zekerheid's lists none: never another insurer's number, never a made-up one
    answer = assistant.ask("Welk telefoonnummer kan ik bellen bij Zorg en Zekerheid voor zorginkoop?")
    assert answer.status == "not_found"
    assert "0570" not in answer.answer


def test_a_question_of_two_parts_gets_both_answered(assistant: Any) -> None:
    answer = assistant.ask("Tot wanneer kan ik bij Salland aanvullende afspraken aanvragen en naar welk e-mailadres?")
    assert answer.status == "answered"
    assert "zorginkoop.MSZ@salland.nl" in answer.answer
    assert "1 oktober 2027" in answer.answer


def test_a_deadline_question_leads_with_the_deadline_of_its_topic(assistant: Any) -> None:
    # "deadline" adds "uiterste datum" to the search, which the signing row has: the topic
    # (the quote, "offerte") must decide which date answers, not the word for a deadline
    answer = assistant.ask("What is the deadline for the quote at Zorg en Zekerheid?")
    assert answer.status == "answered"
    assert answer.answer.split("**")[1] == "1 October 2026"
    assert "offerte" in answer.citations[0].quote


def test_empty_of_content_asks_back(assistant: Any) -> None:
    assert assistant.ask("hallo?").status == "clarify"
    # a follow-up with nothing to follow asks what is wanted of the insurer it names
    answer = assistant.ask("en bij Salland?")
    assert answer.status == "clarify" and "Salland" in answer.answer
    follow = assistant.ask("en bij Salland?", [Turn(role="user", content="Wanneer moet de offerte bij Zorg en Zekerheid binnen zijn?")])
    assert follow.status == "answered" and follow.insurers == ["Salland"]


def test_ask_json_prints_the_answer_fields(settings: Any) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "inkoopwijzer", "ask", "--json", "--debug", "deadline offerte salland?"],
        capture_output=True, text=True, check=True,
    )
    data = json.loads(out.stdout)
    assert {"status", "answer", "citations", "retrieved", "notices", "mode", "timings"} <= set(data)
    c = data["citations"][0]
    assert {"n", "document", "title", "insurer", "section", "page", "quote", "start", "end"} <= set(c)
    assert data["retrieved"] and {"document", "text", "score"} <= set(data["retrieved"][0])


def test_a_value_of_something_no_sentence_states_is_not_found(assistant: Any) -> None:
    # the policy states the share of patients that must have had physiotherapy (75%), not a
    # tariff discount: a percentage near the topic is no answer to "hoeveel procent tariefafslag"
    asked = assistant.ask("Hoeveel procent van de knie- en heuppatiënten moet vooraf fysiotherapie hebben gehad bij Zilveren Kruis?")
    assert asked.status == "answered" and "75%" in asked.answer
    trap = assistant.ask("Hoeveel procent tariefafslag rekent Zilveren Kruis als te weinig patiënten fysiotherapie hadden?")
    assert trap.status == "not_found"
    assert "75%" not in trap.answer
    # the debug view says which rule refused, with its figures; the answer itself does not
    assert trap.refusal is None
    why = assistant.ask(trap.question, debug=True).refusal
    assert why is not None and "states_value" in why and "van: tarief" in why  # what the value is of, stemmed


def test_the_debug_view_says_why_nothing_answered(assistant: Any) -> None:
    out = {q: assistant.ask(q, debug=True) for q in (
        "Wat is de deadline voor de offerte bij CZ?",  # an insurer the documents lack
        "Welke indexatie hanteert Zorg en Zekerheid?",  # a policy that never names it
    )}
    assert [a.status for a in out.values()] == ["not_found", "not_found"]
    refusals = [a.refusal or "" for a in out.values()]
    assert "scope" in refusals[0] and "CZ" in refusals[0]
    assert "documents_about" in refusals[1] and "indexatie" in refusals[1]
    assert assistant.ask("deadline offerte salland?", debug=True).refusal is None  # answered: nothing to explain


def test_a_chain_of_follow_ups_keeps_asking_the_first_question(assistant: Any) -> None:
    first = "Wanneer moet de offerte bij Zilveren Kruis binnen zijn voor MSZ 2027?"
    history: list[Turn] = []
    for question in (first, "en bij Salland?", "en bij Zorg en Zekerheid?"):
        answer = assistant.ask(question, history)
        assert answer.status == "answered", question
        history += [Turn(role="user", content=question), Turn(role="assistant", content=answer.answer)]
    assert {c.insurer for c in answer.citations} == {"Zorg en Zekerheid"}
    assert "offerte" in answer.citations[0].quote


def test_a_follow_up_that_switches_care_type_looks_for_the_same_fact_there(assistant: Any) -> None:
    first = "Hoe lang is de looptijd van de GRZ-overeenkomst bij Zilveren Kruis?"
    a1 = assistant.ask(first)
    assert a1.status == "answered" and "tweejarige" in a1.answer  # not "Trajecten … langer dan 120 dagen"
    a2 = assistant.ask("en voor ZG?", [Turn(role="user", content=first), Turn(role="assistant", content=a1.answer)])
    assert a2.status == "answered"
    assert "**" in a2.answer and a2.answer.split("**")[1] in ("2 jaar", "tweejarige")  # leads with the term


def test_a_policy_that_states_no_value_of_what_is_asked_gets_no_line(assistant: Any) -> None:
    # the GRZ policy's "maximaal 10% … electieve orthopedie" is a percentage, but not of pre-surgery physiotherapy
    answer = assistant.ask("Hoeveel procent van de patiënten met een knie- of heupprothese moet bij ZK in 2027 vooraf oefentherapie hebben gehad?")
    assert answer.status == "answered"
    assert {c.title for c in answer.citations} == {"Inkoopbeleid MSZ 2027"}
    assert answer.answer.split("**")[1] == "75%"


def test_a_rule_for_another_kind_of_provider_is_not_an_answer(assistant: Any) -> None:
    answer = assistant.ask("Welke eisen gelden voor dialysecentra bij Zorg en Zekerheid?")
    assert answer.status == "answered" and "dialysecentr" in answer.citations[0].quote.lower()
    # Zorg en Zekerheid sets a minimum of specialists for ZBC's only: a count of what is asked, or nothing
    for kind in ("een dialysecentrum", "een trombosedienst"):
        question = f"Hoeveel fte specialisten heeft {kind} minimaal nodig voor een contract met Zorg en Zekerheid?"
        assert assistant.ask(question).status == "not_found"
    assert "1,2 fte" in assistant.ask("Hoeveel fte medisch specialisten moet een ZBC hebben bij Zorg en Zekerheid?").answer


def test_whether_a_policy_still_holds_is_answered_from_its_years(assistant: Any) -> None:
    answer = assistant.ask("Is het ZG-beleid van Zilveren Kruis nog geldig?")
    assert answer.status == "answered" and "verouderd" in answer.answer
    assert answer.citations[0].title == "Inkoopbeleid Zintuiglijk Gehandicaptenzorg 2024-2025"
    assert answer.citations[0].quote in answer.answer and answer.notices  # quoted from the title page
    # asked of all of one insurer's policies: the outdated one is among them
    every = assistant.ask("Welk inkoopbeleid van Zilveren Kruis is verouderd?")
    assert len(every.citations) == 3 and sum(c.outdated for c in every.citations) == 1


def test_a_question_whether_a_rule_exists_needs_no_value(assistant: Any) -> None:
    # "Is er een vast tarief…?" asks whether; the policy says so without an amount
    answer = assistant.ask("Is er een vast tarief voor ELV bij ZK?")
    assert answer.status == "answered"
    assert any("geldt een vast basistarief" in c.quote for c in answer.citations)


def test_a_typo_in_the_question_finds_the_policy_word(assistant: Any) -> None:
    answer = assistant.ask("wanneer moet de oferte bij salland binnen zijn?")
    assert answer.status == "answered" and "offerte" in answer.citations[0].quote


def test_a_passage_only_the_keyword_search_ranks_high_is_answered_from(assistant: Any) -> None:
    # "2,0 fte" stands in a long list the dense ranking puts past its candidates; BM25 ranks it first
    answer = assistant.ask("Hoeveel fte medisch specialisten eist Salland?")
    assert answer.status == "answered" and "2,0 fte" in answer.citations[0].quote


def test_which_version_of_a_policy_is_current_is_answered_from_its_title_page(assistant: Any) -> None:
    answer = assistant.ask("Welke versie van het inkoopbeleid van Zorg en Zekerheid is de actuele?")
    assert answer.status == "answered" and "versie 1.1 van 1 juni 2026" in answer.answer
    assert answer.citations[0].quote.startswith("Versie 1.1")


def test_a_value_near_only_the_list_introduction_naming_it_is_not_its_value(assistant: Any) -> None:
    # the policy names "netto-inkoopkosten + opslag" but no height of the surcharge; the
    # € 15.000.000 in its list of conditions is a revenue threshold
    trap = assistant.ask("Hoe hoog is de opslag bovenop de netto-inkoopkosten bij een NIP-afspraak add-ons bij Zilveren Kruis?")
    assert trap.status == "not_found" and "15.000.000" not in trap.answer


def test_who_to_contact_is_answered_with_the_policys_contact(assistant: Any) -> None:
    answer = assistant.ask("Wie is het aanspreekpunt voor zorginkoop MSZ bij Salland?")
    assert answer.status == "answered" and "zorginkoop.MSZ@salland.nl" in answer.answer


def test_ongecontracteerd_finds_the_policys_niet_gecontracteerd(assistant: Any) -> None:
    answer = assistant.ask("Wat gebeurt er met ongecontracteerde zorg bij Salland?")
    assert answer.status == "answered" and "niet-gecontracteerde" in answer.citations[0].quote.lower()


def test_a_count_of_something_is_led_with_it_and_a_count_no_sentence_states_is_not_found(assistant: Any) -> None:
    asked = assistant.ask("Hoeveel bedden moet een Korsakov-unit hebben bij ZK?")
    assert asked.status == "answered" and "**10 bedden**" in asked.answer
    # the policy names its efficiency categories but never how many: "bijlage 3" is no count
    trap = assistant.ask("Hoeveel doelmatigheidscategorieën hanteert ZK voor grote ELV-aanbieders?")
    assert trap.status == "not_found"


def test_a_policy_that_never_names_what_is_asked_about_does_not_answer(assistant: Any) -> None:
    # Zorg en Zekerheid's policy never mentions indexation; its sentences that match "hanteert …
    # voor 2027" say nothing about it
    never = assistant.ask("Welke indexatie hanteert Zorg en Zekerheid voor 2027?")
    assert never.status == "not_found" and "indexatie" in never.answer  # says what the policy does not name
    assert never.related  # with the closest passages, as "mogelijk relevant"
    assert assistant.ask("Welke escalatieladder hanteert Zorg en Zekerheid?").status == "not_found"
    named = assistant.ask("Welke escalatieladder hanteert Salland?")
    assert named.status == "answered" and "escalatieladder" in " ".join(c.quote for c in named.citations).lower()


def test_a_part_asking_what_else_is_answered_by_another_rule_of_the_same_section(assistant: Any) -> None:
    answer = assistant.ask("Hoeveel bedden moet een Korsakov-unit hebben bij ZK en wat is er verder nodig?")
    assert answer.status == "answered" and "**10 bedden**" in answer.answer
    quoted = " ".join(c.quote for c in answer.citations)
    assert "coördinatiefunctie" in quoted  # another condition of the Korsakov prestatie
    assert "proeftuinen" not in quoted  # "verder" is no topic ("om verder te leren")


def test_a_misspelt_insurer_is_answered_for_that_insurer_and_says_so(assistant: Any) -> None:
    answer = assistant.ask("tot wanneer kan ik me bij zilverekruis aanmelden voor een msz overeenkomst 2027?")
    assert answer.status == "answered"
    assert {c.insurer for c in answer.citations} == {"Zilveren Kruis"}
    assert any("zilverekruis" in n and "Zilveren Kruis" in n for n in answer.notices)
    assert answer.question.startswith("tot wanneer kan ik me bij zilverekruis")


def test_a_misspelt_word_is_read_as_the_word_it_almost_is_and_says_so(assistant: Any) -> None:
    plain = assistant.ask("Wat is de sluitingsdatum voor het aanbieden van een financiële afspraak bij Zilveren Kruis MSZ?")
    typed = assistant.ask("Wat is de sluitingsdatum voor het aanbieden van een finnaciële afspraak bij Zilveren Kruis MSZ?")
    assert typed.status == plain.status == "answered"
    assert [c.quote for c in typed.citations] == [c.quote for c in plain.citations]
    assert any("finnaciële" in n and "financiële" in n for n in typed.notices)


def test_a_question_naming_two_kinds_of_care_gets_each_policy(assistant: Any) -> None:
    # one insurer, two of its policies: each named kind of care answers from its own policy, one line each
    answer = assistant.ask("Hoe lang loopt een contract bij Zilveren Kruis voor MSZ en voor GRZ?")
    assert answer.status == "answered"
    documents = {c.document for c in answer.citations}
    assert len(documents) == 2
    lines = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert len(lines) == 2 and all(ln.startswith("- Zilveren Kruis ") for ln in lines)
    # a kind of care only an outdated policy covers is answered from it, with the notice
    old = assistant.ask("Tot wanneer meld ik bij Zilveren Kruis een vol omzetplafond, bij GRZ en bij zintuiglijk gehandicaptenzorg?")
    assert len({c.document for c in old.citations}) == 2
    assert any("verouderd" in n for n in old.notices)
