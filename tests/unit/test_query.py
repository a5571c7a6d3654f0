"""Question understanding: insurers, care types, years, language, fact kind, follow-ups."""

from __future__ import annotations

import pytest

from assistant.query import (
    asked_noun,
    asking_part,
    detect_language,
    fact_kind,
    find_care_types,
    find_insurers,
    find_years,
    split_parts,
    understand,
    without_preamble,
)
from inkoopwijzer.types import Turn


def test_insurers_and_their_labels() -> None:
    assert find_insurers("deadline offerte zk en z&z?") == ["Zilveren Kruis", "Zorg en Zekerheid"]
    assert find_insurers("Hoe zit het bij HollandZorg?") == ["Salland"]
    assert find_insurers("Wat doet CZ?") == ["CZ"]
    assert find_insurers("Wat is de deadline?") == []


def test_care_types() -> None:
    assert find_care_types("eisen voor een ZBC") == ["MSZ"]
    assert find_care_types("geriatrische revalidatie en eerstelijnsverblijf") == ["GRZ", "ELV"]
    assert find_care_types("GGZ-offerte") == ["GGZ"]


def test_years_inside_dates_are_not_policy_years() -> None:
    assert find_years("wat is er per 1 juni 2026 toegevoegd aan het beleid 2027?") == [2027]
    assert find_years("contract year 2026") == [2026]


def test_language_and_fact_kind() -> None:
    assert detect_language("What is the deadline for new providers?") == "en"
    assert detect_language("Wanneer moet de offerte binnen zijn?") == "nl"
    assert fact_kind("Hoeveel procent van de patiënten?") == "percentage"
    assert fact_kind("Tot wanneer kan ik me aanmelden?") == "date"
    assert fact_kind("Hoe lang is de looptijd?") == "duration"


def test_follow_up_asks_the_same_about_another_insurer() -> None:
    history = [
        Turn(role="user", content="Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis?"),
        Turn(role="assistant", content="1 juni 2026 [1]"),
    ]
    q = understand("en bij Zorg en Zekerheid?", history)
    assert q.insurers == ["Zorg en Zekerheid"] and q.is_followup
    assert "aanmelden" in q.query and "Zilveren" not in q.query
    assert q.fact == "date" and q.fact_inherited


def test_follow_up_switches_care_type_and_keeps_insurer() -> None:
    history = [Turn(role="user", content="Welke minimale omzet geldt voor nieuwe MSZ-aanbieders bij Zilveren Kruis?")]
    q = understand("en voor GRZ?", history)
    assert q.care_types == ["GRZ"] and q.insurers == ["Zilveren Kruis"] and q.inherited
    assert "MSZ" not in q.query


def test_a_new_full_question_is_not_a_follow_up_of_the_topic() -> None:
    history = [Turn(role="user", content="deadline offerte salland?")]
    q = understand("Welke kwaliteitseisen gelden voor dialysecentra bij Zorg en Zekerheid?", history)
    assert q.insurers == ["Zorg en Zekerheid"] and not q.is_followup
    assert q.query.startswith("Welke kwaliteitseisen")


def test_a_compound_does_not_decide_the_kind_of_fact() -> None:
    # "omzetplafond" in a deadline question does not make it a question about an amount
    assert fact_kind("Mijn omzetplafond dreigt vol te lopen, wanneer moet ik bellen?") == "date"
    assert fact_kind("Vanaf welke omzet ben ik een grote aanbieder?") == "amount"
    assert fact_kind("Wat is het omzetplafond voor audiologische centra?") == "amount"
    assert fact_kind("What is the 2027 tariff for palliative terminal care?") == "amount"


def test_questions_of_several_parts_are_split() -> None:
    assert split_parts("Wanneer moet ik bellen en wat moet ik aanleveren?") == [
        "Wanneer moet ik bellen",
        "wat moet ik aanleveren",
    ]
    assert split_parts("When do we get the proposal and how long is it valid?") == [
        "When do we get the proposal",
        "how long is it valid",
    ]
    assert split_parts("Wanneer moet ik tekenen? En hoe lang duurt de beoordeling?") == [
        "Wanneer moet ik tekenen",
        "En hoe lang duurt de beoordeling",
    ]
    # "en" between nouns joins no second question
    assert split_parts("Wat zijn de eisen voor ondertekening en voortgangsrapportage?") == []
    assert split_parts("Hoeveel procent van de knie- en heuppatiënten moet fysiotherapie hebben gehad?") == []
    assert understand("Wanneer moet ik bellen en wat moet ik aanleveren?").parts


def test_contact_questions() -> None:
    assert fact_kind("Naar welk mailadres stuur ik het format?") == "email"
    assert fact_kind("Wat is het telefoonnummer van de zorginkoop?") == "phone"
    assert fact_kind("Op welke website staat het contactformulier?") == "web"
    assert fact_kind("Wanneer moet ik ZK bellen?") == "date"  # a deadline question that mentions calling


def test_a_difference_question_has_a_part_per_side() -> None:
    assert split_parts("Wat is het verschil tussen ELV laag complex en ELV hoog complex?") == [
        "ELV laag complex",
        "ELV hoog complex",
    ]


def test_how_often_asks_a_frequency_and_a_frequency_is_found() -> None:
    from assistant.extractive import VALUE_PATTERN

    assert fact_kind("Hoe vaak moet het behandelplan worden geëvalueerd?") == "frequency"
    assert fact_kind("How often do we report forecasts?") == "frequency"
    assert fact_kind("Hoeveel bedden moet de unit hebben?") == "count"
    assert fact_kind("Hoe snel beslist de verzekeraar?") == "duration"

    def value(text: str) -> str | None:
        m = VALUE_PATTERN["frequency"].search(text)
        return m.group(0) if m else None

    assert value("Het plan moet minimaal twee keer per jaar worden geëvalueerd.") == "twee keer per jaar"
    assert value("U levert ieder kwartaal prognosecijfers aan.") == "ieder kwartaal"
    assert value("minimaal maandelijks een voortgangsrapportage") == "maandelijks"
    assert value("een jaaromzet van minimaal 2 miljoen euro per jaar") is None  # a rate, not how often
    # a half year, and a number of weeks or months written as one word or as "om de …"
    assert value("Deze worden minimaal elk half jaar met u geëvalueerd.") == "elk half jaar"
    assert value("Er is tweewekelijks overleg.") == "tweewekelijks"
    assert value("We bespreken de cijfers om de drie maanden.") == "om de drie maanden"
    assert value("De audit volgt om de vijf jaar.") == "om de vijf jaar"
    assert value("Dat gebeurt twee keer per half jaar.") == "twee keer per half jaar"
    assert value("een vergoeding van € 1.000 per halfjaar") is None  # a rate, as "per jaar" is


def test_where_to_asks_a_destination_as_a_part_and_an_address_or_portal_states_one() -> None:
    from assistant.extractive import FACT_PATTERN

    q = "Hoe vaak moet een grote aanbieder de realisatiemonitor aanleveren en waar naartoe?"
    assert fact_kind(q) == "frequency"  # the first thing asked leads
    assert [fact_kind(p) for p in split_parts(q)] == ["frequency", "destination"]
    assert fact_kind("Where do we send the questionnaire?") == "destination"
    rx = FACT_PATTERN["destination"]
    assert rx.search("Het ingevulde format stuurt u naar naleving@zilverenkruis.nl.")
    assert rx.search("U dient de offerte in via VECOZO.")
    assert rx.search("Dat kan via het aanvraagformulier.")
    assert not rx.search("Het format vindt u op onze website.")  # where to read, not where to send
    assert not rx.search("Wij gaan naar de rechter.")


def test_when_as_a_conjunction_asks_in_which_case() -> None:
    assert fact_kind("Wanneer heeft een cliënt toegang tot ZG-zorg?") == "condition"
    assert fact_kind("Wanneer kom ik in aanmerking voor een overeenkomst?") == "condition"
    assert fact_kind("What happens when Zilveren Kruis sends us benchmark information?") == "condition"
    assert fact_kind("Wanneer is de deadline voor de offerte?") == "date"
    assert fact_kind("What happens when the ceiling is reached, and when must we call?") == "date"
    assert fact_kind("Which trajectories are left out when calculating the average stay?") == "condition"


def test_changes_and_shares() -> None:
    assert fact_kind("welke nieuwe afspraken over offertes en termijnen zijn in 2027 toegevoegd?") == "change"
    assert fact_kind("What's new in the 2027 policy?") == "change"
    assert fact_kind("Voor welke specialismen maximeert ZK het aandeel klinische ingrepen?") != "percentage"
    assert fact_kind("Welk aandeel van de patiënten moet fysiotherapie hebben gehad?") == "percentage"


def test_kind_words_inside_other_words_and_dates_asked_in_so_many_words() -> None:
    assert fact_kind("Wat verwacht de zorgverzekeraar op het gebied van duurzaamheid?") != "duration"
    assert fact_kind("Hoe lang duurt de beoordeling?") == "duration"
    assert fact_kind("On what date will Zorg en Zekerheid send the reference tariff list?") == "date"
    assert fact_kind("By which dates each quarter do we submit the forecasts?") == "date"


def test_a_follow_up_with_a_question_of_its_own_does_not_inherit_the_kind_of_fact() -> None:
    history = [
        Turn(role="user", content="Hoeveel fte medisch specialisten moet een MSR-instelling hebben bij Zorg en Zekerheid?"),
        Turn(role="assistant", content="Minimaal 1,2 fte."),
    ]
    own = understand("en onder wiens leiding moet het behandelteam dan staan?", history)
    assert own.is_followup and not own.fact_inherited and own.fact != "count"
    same = understand("en bij Salland?", history)
    assert same.fact == "count" and same.fact_inherited


def test_a_time_of_the_year_states_a_date() -> None:
    from assistant.extractive import FACT_PATTERN

    rx = FACT_PATTERN["date"]
    assert rx.search("Vanaf het derde kwartaal 2026 starten wij inkoopgesprekken met RAV's.")
    assert rx.search("De offerte ontvangt u eind september.")
    assert rx.search("Wij verwachten de regeling medio 2027.")
    assert rx.search("Publicatie in Q3 2026.")
    assert rx.search("Uiterlijk 1 november 2026 stuurt u het sjabloon.")
    assert not rx.search("In 2027 kopen wij zorg in.")  # a year is no date
    assert not rx.search("Eind goed, al goed: het kwartaal loopt.")


def test_what_a_value_question_measures() -> None:
    from assistant.query import measured

    assert measured("Hoeveel procent tariefafslag rekent ZK?") == ["tariefafslag"]
    assert measured("Hoe hoog is de opslag bovenop de netto-inkoopkosten?") == ["opslag"]
    assert measured("Welk maximaal percentage klinische ingrepen hanteert ZK?") == ["klinische", "ingrepen"]
    assert measured("What minimum percentage of biosimilars must a hospital prescribe?") == ["biosimilars"]
    assert measured("Wanneer kan ik bellen?") == []
    assert fact_kind("Hoeveel weken is de Treeknorm voor een eerste polibezoek?") == "duration"


def test_what_minimum_asks_a_threshold_but_minimum_requirements_are_conditions() -> None:
    from assistant.query import measured

    assert fact_kind("What minimum solvency ratio does Zilveren Kruis require?") == "amount"
    assert measured("What minimum solvency ratio does Zilveren Kruis require?") == ["solvency"]
    assert fact_kind("Welke minimale omzet moet een nieuwe ZBC hebben?") == "amount"
    assert fact_kind("Aan welke minimale eisen moet een nieuwe kliniek voldoen?") == "condition"


def test_asking_the_conditions_is_no_definition_and_revenue_is_an_amount() -> None:
    assert fact_kind("Wat zijn bij Zorg en Zekerheid de voorwaarden voor een NIP-afspraak?") == "condition"
    assert fact_kind("What are the conditions for a NIP contract?") == "condition"
    assert fact_kind("Wat is een NIP-afspraak?") == "definition"
    assert fact_kind("Wat is het doel van de voorwaarden?") == "definition"
    assert fact_kind("From what revenue is a GRZ provider considered large?") == "amount"


def test_where_to_read_something_asks_a_web_address() -> None:
    assert fact_kind("Waar vind ik wijzigingen of aanvullingen op het inkoopbeleid?") == "web"
    assert fact_kind("Where can I find the changes to the policy?") == "web"
    assert fact_kind("Waar kan ik de planning nalezen?") == "web"
    assert fact_kind("Waar moet ik de offerte indienen?") == "destination"  # where to send, not to read


def test_numbers_in_words_come_from_the_one_vocabulary() -> None:
    """A duration, frequency or count written in words is read with the number words ingest's thresholds
    use (inkoopwijzer/data/numbers.json), not with a shorter list of the answerer's own."""
    from assistant.compose import count_value, fact_value
    from assistant.extractive import FACT_PATTERN, VALUE_PATTERN, count_pattern

    for text, value in [
        ("De overeenkomst loopt zeven jaar.", "zeven jaar"),
        ("Binnen negen werkdagen na ontvangst.", "negen werkdagen"),
        ("Reageer binnen elf kalenderdagen.", "elf kalenderdagen"),
        ("Een vijfjarige overeenkomst.", "vijfjarige"),
    ]:
        assert FACT_PATTERN["duration"].search(text), text
        assert fact_value(VALUE_PATTERN["duration"], text, "nl") == value
    assert FACT_PATTERN["frequency"].search("Wij bespreken dit om de zeven weken.")
    assert count_value(count_pattern(), "Er zijn negen diagnosegroepen.", "nl") == "negen diagnosegroepen"
    assert not count_pattern().search("Er is een diagnosegroep.")  # "een" is the article as often as it is one
    assert not FACT_PATTERN["duration"].search("Binnen 24 uur is zorg met verblijf nodig.")  # days and longer


def test_a_date_written_with_an_abbreviated_or_english_month_is_a_date_value() -> None:
    """Other insurers write "15 okt. 2026", "1 sept 2026" or (in an English summary) "1 September 2026":
    the month names come from the one vocabulary (inkoopwijzer/data/months.json), not a list of the
    corpus's spellings."""
    from assistant.compose import fact_value
    from assistant.extractive import FACT_PATTERN, REQUIRED_PATTERN, VALUE_PATTERN, count_pattern

    for text, value in [
        ("Stuur de offerte uiterlijk 15 okt. 2026 naar ons.", "15 okt. 2026"),
        ("Aanmelden kan tot 1 sept 2026.", "1 sept 2026"),
        ("Applications close on 1 September 2026.", "1 September 2026"),
        ("De uitvraag volgt in mrt 2027.", "mrt 2027"),
    ]:
        assert FACT_PATTERN["date"].search(text) and REQUIRED_PATTERN["date"].search(text), text
        assert fact_value(VALUE_PATTERN["date"], text, "nl") == value
    # a day of a month is no count, however the month is written
    assert not count_pattern().search("uiterlijk 15 okt. 2026")
    assert not count_pattern().search("by 3 May 2026")
    # a month name that is also a word counts only with a year: "Option 3 may apply", "rond Jan de Vries"
    for text in ("Option 3 may apply to you.", "Bel rond Jan de Vries.", "Zie punt 2 mar ter info."):
        assert not FACT_PATTERN["date"].search(text), text
    assert count_pattern().search("Option 3 may apply to you.")
    # an English answer names the month in English, however the policy abbreviates it
    assert fact_value(VALUE_PATTERN["date"], "Stuur de offerte uiterlijk 15 okt. 2026.", "en") == "15 October 2026"
    assert fact_value(VALUE_PATTERN["date"], "De uitvraag volgt in mrt 2027.", "en") == "March 2027"
    assert not FACT_PATTERN["date"].search("Wij kopen 3 maanden vooruit in.")


def test_a_short_dutch_date_and_a_possessive_before_what_is_measured() -> None:
    from assistant.extractive import FACT_PATTERN
    from assistant.query import measured

    assert FACT_PATTERN["date"].search("30-04-27\tPrognose- en realisatiecijfers")
    assert measured("Hoeveel procent van onze zorg mogen we uitbesteden?") == ["zorg"]


def test_the_sentence_that_asks_decides_the_kind_of_fact() -> None:
    situation = "Wij zijn een audiologisch centrum met ongeveer €150.000 omzet per jaar. Wanneer krijgen we ons voorstel?"
    assert fact_kind(situation) == "date"
    assert fact_kind("We zijn een ZBC. Hoeveel omzet moeten we hebben?") == "amount"
    assert fact_kind("Onze omzet is € 600.000. Krijgen wij een omzetplafond?") == "amount"  # asks no kind: the whole decides


def test_op_welke_data_asks_dates_and_welke_data_aanleveren_asks_data() -> None:
    assert fact_kind("Op welke data moeten wij onze prognosecijfers aanleveren?") == "date"
    assert fact_kind("Welke data moet ik aanleveren?") != "date"


def test_hoeveel_bedraagt_asks_an_amount_of_what_follows() -> None:
    from assistant.query import measured

    assert fact_kind("Hoeveel bedraagt de ANW-toeslag voor ELV?") == "amount"
    assert measured("Hoeveel bedraagt de ANW-toeslag voor ELV?") == ["ANW-toeslag"]
    assert fact_kind("Wat kost een telemonitoringtraject?") == "amount"


def test_what_x_percentage_measures_x() -> None:
    from assistant.query import measured

    assert measured("What surcharge percentage does Zilveren Kruis add?")[0] == "surcharge"


def test_a_deadline_question_measures_what_must_be_in() -> None:
    from assistant.query import measured

    assert measured("Op welke data moet de realisatiemonitor GRZ bij Zilveren Kruis binnen zijn?") == ["realisatiemonitor"]
    assert measured("Tot wanneer moet het sjabloon binnen zijn?") == ["sjabloon"]
    assert measured("Wanneer moet ik mijn aanvraag indienen?") == ["aanvraag"]  # the date of the application


def test_the_deadline_for_something_measures_that_thing() -> None:
    from assistant.query import measured

    assert measured("Wat is de uiterste datum om de overeenkomst te ondertekenen?") == ["overeenkomst"]
    assert measured("What is the deadline for submitting our roadmap?") == ["roadmap"]


def test_a_minimum_number_asks_a_count_not_an_amount() -> None:
    assert fact_kind("What is the minimum number of beds for a Korsakov unit?") == "count"
    assert fact_kind("Wat is het minimale aantal bedden?") == "count"
    assert fact_kind("What minimum solvency ratio does Zilveren Kruis require?") == "amount"


def test_a_follow_up_of_a_follow_up_asks_the_first_question_again() -> None:
    from inkoopwijzer.types import Turn

    first = "Wanneer moet de offerte bij Zilveren Kruis binnen zijn voor MSZ 2027?"
    history = [
        Turn(role="user", content=first),
        Turn(role="assistant", content="Uiterlijk 15 september 2026."),
        Turn(role="user", content="en bij Salland?"),
        Turn(role="assistant", content="Uiterlijk 1 september."),
    ]
    q = understand("en bij Zorg en Zekerheid?", history)
    assert q.insurers == ["Zorg en Zekerheid"]
    assert q.fact == "date" and q.fact_inherited
    assert "offerte" in q.query and "Salland" not in q.query and "Zilveren" not in q.query
    assert q.years == [2027]


def test_hoelang_asks_a_duration_and_a_twin_when_keeps_the_first_ones_sense() -> None:
    assert fact_kind("hoelang moet je bestaan voor een contract") == "duration"
    # "wanneer is het ELV en wanneer respijtzorg?" asks in which case, twice
    assert fact_kind("Wanneer is het ELV en wanneer respijtzorg uit de Wmo?") == "condition"
    # … but "and when do we hear?" asks a date of its own
    assert fact_kind("What happens when we exceed it and when do we hear?") == "date"


def test_when_one_gets_or_is_sent_a_thing_measures_that_thing() -> None:
    from assistant.query import measured, strip_names

    assert measured("Wanneer krijg ik de vragenlijst?") == ["vragenlijst"]
    assert measured("Wanneer stuurt Zorg en Zekerheid de referentietarieven?") == ["referentietarieven"]
    assert measured(strip_names("On what date will Zorg en Zekerheid send the 2027 reference tariff list?"))[-1] == "tariff"
    # "which providers are contracted" is a clause, not a thing whose date is asked
    assert measured("When will Zilveren Kruis publish which providers are contracted?") == []


def test_a_part_that_points_back_is_recognised() -> None:
    from assistant.query import refers_back

    assert refers_back("wanneer moet hij klaar zijn")
    assert not refers_back("wanneer moet de vragenlijst klaar zijn")


def test_how_much_of_something_asks_a_share() -> None:
    assert fact_kind("Hoeveel van de zorg mag ik uitbesteden aan onderaannemers?") == "percentage"
    assert fact_kind("How much of the care may we subcontract?") == "percentage"


def test_a_revenue_ceiling_is_no_amount_asked() -> None:
    from assistant.query import measured

    assert fact_kind("What happens if we exceed our revenue ceiling?") != "amount"
    assert fact_kind("What is the minimum revenue for a new provider?") == "amount"
    assert fact_kind("Welke omzetgrens hanteert Zorg en Zekerheid voor audiologie?") == "amount"
    assert measured("When does Salland publish its purchasing policy?") == ["purchasing"]  # not "its"


def test_what_about_another_insurer_asks_the_same_kind_of_fact() -> None:
    history = [Turn(role="user", content="Wanneer moet de offerte bij Zilveren Kruis binnen zijn?"), Turn(role="assistant", content="…")]
    for follow_up in ("What about Salland?", "hoe zit het met Salland?"):
        q = understand(follow_up, history)
        assert q.fact == "date" and q.fact_inherited, follow_up
    assert understand("en wat als ik te laat ben?", history).fact_inherited is False  # asks its own


def test_how_high_is_something_asks_an_amount() -> None:
    assert fact_kind("Hoe hoog is de boete als we de wachttijden niet aanleveren?") == "amount"
    assert fact_kind("How high is the surcharge?") == "amount"


def test_a_question_whether_something_holds_is_recognised() -> None:
    from assistant.query import is_yes_no

    assert is_yes_no("Is er een vast tarief voor ELV bij ZK?")
    assert is_yes_no("Does Salland require HKZ certification?")
    assert is_yes_no("Wij zijn een ZBC. Komen we in aanmerking?")  # the sentence that asks decides
    assert not is_yes_no("Wanneer moet de offerte binnen zijn?")
    assert not is_yes_no("Hoe hoog is het tarief?")


def test_a_follow_ups_own_kind_of_provider_replaces_the_earlier_one() -> None:
    from assistant.query import asked_providers

    history = [Turn(role="user", content="Wat is bij Zorg en Zekerheid de minimale omzet voor een nieuwe ZBC?"), Turn(role="assistant", content="…")]
    assert asked_providers(understand("en voor een nieuwe MSR-instelling?", history)) == {"MSR"}
    assert asked_providers(understand("en bij Salland?", history)) == {"ZBC"}  # names none: the earlier one holds


def test_a_verb_after_asking_a_value_names_nothing_measured() -> None:
    from assistant.query import measured

    assert measured("Hoeveel procent mag ik boven mijn omzetplafond ELV declareren?") == []
    assert measured("Hoeveel procent tariefafslag rekent Zilveren Kruis?") == ["tariefafslag"]


def test_hoeveel_names_what_is_counted_but_not_a_unit_of_time() -> None:
    from assistant.query import measured

    assert measured("Hoeveel bedden moet een Korsakov-unit hebben?") == ["bedden"]
    assert measured("Hoeveel doelmatigheidscategorieën hanteert ZK?") == ["doelmatigheidscategorieën"]
    assert measured("Binnen hoeveel weken beslist Zorg en Zekerheid?") == []


def test_a_follow_up_naming_another_kind_replaces_the_earlier_kind() -> None:
    history = [Turn(role="user", content="Welke eisen stelt ZK aan ELV laag complex?"), Turn(role="assistant", content="…")]
    q = understand("en hoog complex?", history)
    assert "laag" not in q.query.lower() and "hoog complex" in q.query
    history = [Turn(role="user", content="What is the deadline for new providers at Salland?"), Turn(role="assistant", content="…")]
    assert "new" not in understand("and for existing providers?", history).query.split()
    # a follow-up naming an insurer only keeps the question as it was
    history = [Turn(role="user", content="Wanneer moet de offerte binnen zijn bij ZK?"), Turn(role="assistant", content="…")]
    assert understand("en bij Salland?", history).query.startswith("Wanneer moet de offerte binnen zijn")


def test_the_maximum_or_minimum_of_something_measures_that_thing() -> None:
    from assistant.query import measured

    assert measured("Wat is de maximale tariefstijging bij Zilveren Kruis in 2027?") == ["tariefstijging"]
    assert measured("Wat is de minimale omzet voor een nieuwe ZBC?") == ["omzet"]
    assert measured("What is the maximum surcharge at Zilveren Kruis?") == ["surcharge"]  # not "surcharge at"
    assert measured("Hoeveel fte medisch specialisten moet een ZBC hebben?") == ["medisch", "specialisten"]


@pytest.mark.parametrize(
    ("question", "lang", "words"),
    [
        ("Welke indexatie hanteert Zorg en Zekerheid voor 2027?", "nl", ["indexatie"]),  # a noun ending in -e
        ("Welke aanvullende eisen stelt Salland?", "nl", ["aanvullende", "eisen"]),  # an adjective with its noun
        ("Welk soort overeenkomst krijgen we?", "nl", ["overeenkomst"]),  # the kind of thing is no thing
        ("Wat is de vergoeding voor niet-gecontracteerde zorg?", "nl", ["vergoeding"]),
        ("Which professional guidelines does ZK refer to?", "en", ["professional", "guidelines"]),
        ("What documents did a new provider submit?", "en", ["documents"]),
        ("Hoeveel fte specialisten moet een ZBC hebben?", "nl", ["specialisten"]),  # what a value question measures
        ("Wat moet ik doen?", "nl", []),
    ],
)
def test_asked_noun_is_what_the_question_asks_about(question: str, lang: str, words: list[str]) -> None:
    assert asked_noun(question, lang) == words


def test_hoeveel_euro_bedraagt_measures_the_noun_not_the_verb() -> None:
    from assistant.query import measured

    assert measured("Hoeveel euro bedraagt de ANW-toeslag voor ELV?") == ["ANW-toeslag"]
    assert measured("Hoeveel bedraagt de opslag?") == ["opslag"]


def test_a_part_asking_what_else_is_told_from_one_that_does_not() -> None:
    from assistant.query import asks_else

    assert asks_else("and what else is required?")
    assert asks_else("wat is er verder nodig?")
    assert asks_else("wat moet ik nog meer aanleveren?")
    assert not asks_else("wat moet ik aanleveren?")
    assert not asks_else("hoe lang is het geldig?")


def test_when_must_i_deliver_the_x_measures_the_date_of_x() -> None:
    from assistant.query import measured

    assert measured("Wanneer moet ik de prijslijst aanleveren bij ZK?") == ["prijslijst"]
    assert measured("Tot wanneer kan ik de overeenkomst ondertekenen?") == ["overeenkomst"]
    assert measured("Wanneer kan ik me aanmelden?") == []


def test_how_a_value_comes_about_is_a_procedure_not_the_value() -> None:
    assert fact_kind("What does Zilveren Kruis look at when negotiating volume and tariffs for ZG?") == "procedure"
    assert fact_kind("How does the insurer arrive at its MSZ prices for 2027?") == "procedure"
    assert fact_kind("Hoe wordt het GRZ-tarief bij ZK bepaald?") == "procedure"
    assert fact_kind("Hoe hoog wordt het tarief?") == "amount"  # the height is the value
    assert fact_kind("Welk tarief geldt voor ELV?") == "amount"


def test_a_difference_question_has_one_part_per_side() -> None:
    from assistant.query import asks_difference

    assert asks_difference("Wat is het verschil tussen ELV laag complex en ELV hoog complex?")
    assert split_parts("Wat is het verschil tussen ELV laag complex en ELV hoog complex?") == ["ELV laag complex", "ELV hoog complex"]
    assert not asks_difference("Wat is ELV laag complex?")


def test_a_follow_up_opening_with_any_registered_name_is_elliptical() -> None:
    # not only the insurers and care types of today's documents: the registries decide
    history = [Turn(role="user", content="Welke minimale omzet geldt voor nieuwe aanbieders bij Zilveren Kruis?")]
    for text, insurer in (("voor Menzis?", "Menzis"), ("voor De Friesland?", "De Friesland"), ("voor Salland?", "Salland")):
        q = understand(text, history)
        assert q.insurers == [insurer] and q.is_followup
        assert "omzet" in q.query
    q = understand("voor wijkverpleging?", history)
    assert q.is_followup and "omzet" in q.query


def test_idioms_of_about_are_no_date_question_and_a_count_of_a_unit_is_a_count() -> None:
    """Found on fresh training questions: "when it comes to" asks no date, and "the minimum FTE"
    asks a number, not an amount of money."""
    from assistant.query import fact_kind

    assert fact_kind("What does the insurer expect from hospitals when it comes to sustainability?") != "date"
    assert fact_kind("Wat verwacht de verzekeraar wanneer het gaat om duurzaamheid?") != "date"
    assert fact_kind("When does the insurer publish its policy?") == "date"
    assert fact_kind("What is the minimum FTE of medical specialists for a new clinic?") == "count"
    assert fact_kind("Wat is het minimale aantal bedden?") == "count"
    assert fact_kind("What is the minimum revenue for a new clinic?") == "amount"


def test_what_a_value_is_of_skips_a_part_word_and_a_verb() -> None:
    from assistant.query import measured

    assert measured("Per wanneer moet de rest van de herverdeling ingaan?") == ["herverdeling"]
    assert measured("Hoeveel procent van de klinische ingrepen mag een ZBC doen?") == ["klinische", "ingrepen"]
    assert measured("Vanaf hoeveel fte gelden de duurzaamheidseisen?") == []  # a verb names no thing
    assert measured("Hoeveel procent tariefafslag rekent de verzekeraar?") == ["tariefafslag"]


def test_a_year_said_as_a_time_answers_a_when_question_a_title_year_does_not() -> None:
    from assistant.extractive import FACT_PATTERN, REQUIRED_PATTERN

    required = REQUIRED_PATTERN["date"]
    assert required.search("Daarom verwachten we dat zorgaanbieders in 2027 een strategie hebben.")
    assert required.search("Vanaf 2028 is dit verplicht.")
    for text in ("Zorginkoopbeleid 2027", "Het beleid geldt in 2027-2028.", "in 2027–28", "van 2025 tot 2027",
                 "In 2027 en 2028 kopen wij in."):  # a span of years is no time of acting
        assert not required.search(text), text
    assert not FACT_PATTERN["date"].search("Vanaf 2028 is dit verplicht.")  # no value bonus for a year


@pytest.mark.parametrize(
    ("text", "asked", "whether"),
    [
        ("Kunt u mij vertellen wanneer de offerte binnen moet zijn?", "Wanneer de offerte binnen moet zijn?", False),
        ("Zou u mij kunnen vertellen wanneer de offerte binnen moet zijn?", "Wanneer de offerte binnen moet zijn?", False),
        ("Goedemorgen, kunt u mij vertellen: hoeveel fte is nodig? Alvast bedankt!", "Hoeveel fte is nodig?", False),
        ("Weet u of Salland ZBC's contracteert?", "Salland ZBC's contracteert?", True),
        ("Could you tell me whether Salland contracts clinics abroad? Thanks!", "Salland contracts clinics abroad?", True),
        ("Hi, when is the offer due? Kind regards, Anna de Vries", "When is the offer due?", False),
        ("Wat is de deadline? Met vriendelijke groet, Jan van der Berg", "Wat is de deadline?", False),
        # "of/if" after a greeting is the question's own; a question word asks a value, not yes or no
        ("Hi, if we submit late, when do we hear back?", "If we submit late, when do we hear back?", False),
        ("Weet u of en wanneer het plafond geldt?", "En wanneer het plafond geldt?", False),
        # an opening only where a sentence starts, not after a comma inside the question
        ("Wat is het tarief, kunt u mij vertellen?", "Wat is het tarief, kunt u mij vertellen?", False),
        ("Dag, nacht en weekend: wat is het tarief?", "Dag, nacht en weekend: wat is het tarief?", False),
        ("Thanks for the help. And what about Salland?", "And what about Salland?", False),
        # nothing but politeness, or no opening at all: the text as it is
        ("Bedankt!", "Bedankt!", False),
        ("Hello, thanks", "Hello, thanks", False),
        ("Kunt u de offerte beoordelen?", "Kunt u de offerte beoordelen?", False),
        ("Dag en nacht: wat is het tarief?", "Dag en nacht: wat is het tarief?", False),
    ],
)
def test_polite_openings_and_closings_are_not_the_question(text: str, asked: str, whether: bool) -> None:
    assert without_preamble(text) == (asked, whether)


def test_the_question_behind_a_polite_opening_is_understood_as_asked() -> None:
    plain, polite = understand("Wanneer moet de offerte binnen zijn?"), understand("Kunt u mij vertellen wanneer de offerte binnen moet zijn?")
    assert polite.fact == plain.fact == "date"
    assert understand("Weet u of Salland ZBC's contracteert?").yes_no


def test_typed_without_a_question_mark_the_sentence_that_asks_still_decides_the_kind_of_fact() -> None:
    # the situation's amount does not make a date question an amount question
    q = understand("wij zijn een audiologisch centrum met €150.000 omzet. wanneer krijgen we ons contractvoorstel")
    assert q.fact == "date"
    assert asking_part("wij zijn een centrum. wanneer krijgen we het voorstel") == "wanneer krijgen we het voorstel"
    assert asking_part("wanneer krijgen we het voorstel") == "wanneer krijgen we het voorstel"  # one sentence: all of it
    # every sentence asks: all of them, the first too
    assert asking_part("wanneer moet de offerte binnen zijn. hoeveel fte is nodig") == "wanneer moet de offerte binnen zijn. hoeveel fte is nodig"


def test_an_english_possessive_goes_with_the_name_it_follows() -> None:
    """"Salland's region" without the name is "region", not "'s region": a lone "s" would weigh as a
    rare topic word."""
    from assistant.query import strip_care, strip_names

    assert strip_names("Is a multi-year agreement an option in Salland's region?") == "Is a multi-year agreement an option in region?"
    assert strip_names("What are Zilveren Kruis’s rules and ZK's deadlines?") == "What are rules and deadlines?"
    assert strip_names("Welke regio's koopt Salland in?") == "Welke regio's koopt in?"  # a Dutch plural stays
    assert strip_care("GRZ's rules") == "rules"
