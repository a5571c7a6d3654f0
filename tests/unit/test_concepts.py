"""Question concepts in sentence scoring (assistant.extractive.Terms), definitions, and the
glossary's synonym groups."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.extractive import HEAD_WEIGHT, MODIFIER_WEIGHT, Terms, Unit, UnitScorer
from assistant.glossary import synonym_groups
from assistant.query import understand
from index.keyword import Tokenizer, build_vocabulary
from index.search import Hit
from inkoopwijzer.types import Chunk, DocumentMeta

META = DocumentMeta(document="a.pdf", doc_id="a", title="Inkoopbeleid", insurer="Salland", content_hash="x")
TEXTS = [
    "U kunt vanaf 1 september 2026 de conceptovereenkomst opvragen via het contactformulier.",
    "1 januari 2027 is de ingangsdatum van het contract.",
    "Een behandelplan is een dynamische set van afspraken tussen cliënt en zorgverlener.",
    "Het behandelplan wordt twee keer per jaar geëvalueerd.",
    "Wij sluiten een overeenkomst met nieuwe zorgaanbieders.",
]


def _scorer() -> UnitScorer:
    tok = Tokenizer()
    df: Counter[str] = Counter(t for text in TEXTS for t in set(tok(text)))
    return UnitScorer(tok, df, len(TEXTS))


def _unit(text: str) -> Unit:
    chunk = Chunk(id=text[:8], document="a.pdf", text=text, start=0, end=len(text))
    return Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, 0, len(text), text)


def test_groups_that_share_a_term_merge_and_other_terms_stand_alone() -> None:
    terms = Terms.of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 1.0}, [["a", "b"], ["b", "c"], ["x"]])
    assert sorted(sorted(c) for c in terms.concepts) == [["a", "b", "c"], ["d"]]
    assert terms.total == 3.0 + 1.0  # a concept weighs as its heaviest word


def test_a_concept_is_covered_by_any_of_its_words() -> None:
    scorer = _scorer()
    (new,) = scorer.tok("nieuwe")
    weights = {"overeenkomst": 2.0, "contract": 2.0, new: 1.0}
    as_words = Terms.of(weights)
    as_concepts = Terms.of(weights, [["overeenkomst", "contract"]])
    unit = _unit(TEXTS[4])  # says "overeenkomst", not "contract"
    # counted as separate words, one synonym of two is half the credit; as one concept, all of it
    assert scorer.topic(unit, as_concepts) > scorer.topic(unit, as_words)
    assert scorer.topic(unit, as_concepts) == 1.0


def test_synonym_groups_keep_the_phrase_with_what_it_adds() -> None:
    groups = synonym_groups("From when can we request the draft contract?")
    assert any(g.startswith("draft") and "conceptovereenkomst" in g for g in groups)
    assert any(g.startswith("contract") and "overeenkomst" in g for g in groups)
    assert synonym_groups("hallo") == []


def test_a_definition_question_prefers_the_sentence_that_defines() -> None:
    scorer = _scorer()
    q = understand("Wat is een behandelplan?")
    assert q.fact == "definition"
    terms = scorer.question_terms(q)
    defines, mentions = _unit(TEXTS[2]), _unit(TEXTS[3])
    assert scorer.defines(defines, terms)
    assert not scorer.defines(mentions, terms)
    assert scorer.score(defines, terms, q.fact) > scorer.score(mentions, terms, q.fact)


def test_a_compound_states_its_head_word_at_reduced_weight() -> None:
    terms = Terms.of({"prognos": 2.0, "dure": 1.0})
    found = terms.stated(["volumeprognos", "dure"])
    assert found == {"prognos": 0.8, "dure": 1.0}
    # only a long enough word: "dure" is no head of "procedure"
    assert "dure" not in terms.stated(["procedure"])


def test_a_compound_states_its_first_part_at_less_weight_than_its_head() -> None:
    terms = Terms.of({"prognos": 2.0, "plafond": 1.0, "contract": 1.0})
    assert terms.stated(["prognosecijfer"]) == {"prognos": MODIFIER_WEIGHT}
    assert terms.stated(["plafondafsprak", "plafond"]) == {"plafond": 1.0}  # the word itself counts fully
    assert MODIFIER_WEIGHT < HEAD_WEIGHT
    # a few letters more are an inflection or a derivation, not a compound
    assert terms.stated(["contracten"]) == {}


def test_dutch_synonyms_group_the_question_word_with_the_policies_words() -> None:
    groups = synonym_groups("Welk kwaliteitskeurmerk heeft een ZBC nodig?")
    assert any(g.startswith("kwaliteitskeurmerk") and "certificering" in g for g in groups)
    assert any(g.startswith("ZBC") and "kliniek" in g for g in groups)


def test_how_often_names_the_kind_of_fact_not_the_topic() -> None:
    tok = Tokenizer()
    texts = [*TEXTS, "Dit gebeurt vaak."]  # "vaak" occurs in the corpus, yet asks no topic
    scorer = UnitScorer(tok, Counter(t for text in texts for t in set(tok(text))), len(texts))
    terms = scorer.question_terms(understand("Hoe vaak wordt het behandelplan geëvalueerd?"))
    assert "vaak" not in terms.weights and "behandelplan" in terms.weights


def test_a_sentence_a_policy_repeats_in_other_words_counts_as_said() -> None:
    from assistant.selection import _repeats, _words

    first = _unit("Met nieuwe aanbieders bedoelen wij zorgaanbieders die in 2026 nog geen overeenkomst hebben.")
    copy = _unit("Met nieuwe zorgaanbieders bedoelen wij zorgaanbieders die in 2026 nog geen overeenkomst hebben.")
    other = _unit("U heeft als nieuwe aanbieder tot uiterlijk 1 september 2026 de tijd.")
    assert _repeats(copy, [_words(first)])
    assert not _repeats(other, [_words(first)])


def _scorer_over(texts: list[str]) -> UnitScorer:
    tok = Tokenizer()
    return UnitScorer(tok, Counter(t for text in texts for t in set(tok(text))), len(texts))


def test_words_naming_the_kind_of_value_weigh_a_quarter() -> None:
    texts = [*TEXTS, "Zorg en Zekerheid heeft minimaal 25% marktaandeel.", "Een actief beleid op biosimilars."]
    scorer = _scorer_over(texts)
    terms = scorer.question_terms(understand("Welk minimaal percentage biosimilars moet een ziekenhuis voorschrijven?"))
    assert terms.weights["minimaal"] < terms.weights["biosimilar"] / 2
    # the sentence that merely states a share of something else holds little of the question
    assert scorer.topic(_unit(texts[-2]), terms) < scorer.topic(_unit(texts[-1]), terms)


def test_a_change_question_prefers_the_changes_chapter() -> None:
    texts = [*TEXTS, "Een termijn voor de offerte is toegevoegd.", "Nieuwe zorgaanbieders sturen een offerte."]
    scorer = _scorer_over(texts)
    q = understand("Wat is er nieuw aan de offerte van Salland?")
    assert q.fact == "change"
    terms = scorer.question_terms(q)
    assert terms.weights["nieuw"] < scorer.idf("nieuw")  # the kind of fact, not the topic

    def unit(text: str, section: str) -> Unit:
        chunk = Chunk(id=text[:8], document="a.pdf", text=text, start=0, end=len(text), section=section)
        return Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, 0, len(text), text)

    listed = unit(texts[-2], "Wijzigingen 2027 versus 2026")
    newcomers = unit(texts[-1], "Contracteerprocedure")
    amendments = unit(texts[-2], "Aanvullingen en wijzigingen")  # amendments may follow: no list of changes
    assert scorer.score(listed, terms, q.fact) > scorer.score(newcomers, terms, q.fact)
    assert scorer.score(listed, terms, q.fact) > scorer.score(amendments, terms, q.fact)


def test_an_insurers_abbreviation_is_no_topic() -> None:
    scorer = _scorer_over([*TEXTS, "Lees meer op zk.nl/zorgaanbieders."])
    terms = scorer.question_terms(understand("Wat is er anders in versie 2.0 van het zk inkoopbeleid?"))
    assert "zk" not in terms.weights


def test_english_glossary_entries_do_not_fire_on_dutch_words() -> None:
    from assistant.glossary import expand

    assert "seh" not in expand("Wat verandert er in 2027?")  # "er", not the emergency room
    assert "seh" in expand("How are ER visits contracted?")
    assert "verwijzing" not in expand("Hoe worden de referentietarieven bepaald?")
    assert "aanleveren" not in expand("indien nodig")  # "indien": if
    assert "aanleveren" in expand("offerte indienen")


def test_a_follow_ups_own_words_lead_and_the_earlier_questions_keep_it_on_topic() -> None:
    from inkoopwijzer.types import Turn

    texts = [*TEXTS, "Het behandelplan heeft een vaste structuur.", "Het behandelplan wordt ondertekend."]
    scorer = _scorer_over(texts)
    history = [Turn(role="user", content="Wie ondertekent het behandelplan?"), Turn(role="assistant", content="…")]
    terms = scorer.question_terms(understand("En welke structuur moet het behandelplan hebben?", history))
    assert terms.weights["structuur"] > terms.weights["ondertekeen"]
    elliptical = scorer.question_terms(understand("en bij Salland?", history))
    assert elliptical.weights["ondertekeen"] == scorer.idf("ondertekeen")  # nothing of its own: nothing scaled


def test_a_follow_up_that_refines_keeps_the_earlier_questions_words_and_its_glossary_words() -> None:
    from inkoopwijzer.types import Turn

    texts = [*TEXTS, "Onderteken het contract uiterlijk 12 november.", "Face-to-face contracteren kan ook.", "Het kwaliteitskader.", "Een vaste structuur."]
    scorer = _scorer_over(texts)
    history = [Turn(role="user", content="Wanneer moeten we het contract tekenen?"), Turn(role="assistant", content="…")]
    refined = understand("en als we face to face contracteren?", history)
    assert refined.fact_inherited  # no question of its own: the same question, in another case
    terms = scorer.question_terms(refined)
    assert terms.weights["ondertekeen"] == 0.5 * scorer.idf("ondertekeen")  # "tekenen"'s glossary word, as before
    # a follow-up with a question of its own: the glossary's words for the earlier words weigh less too
    history = [Turn(role="user", content="Which guidelines apply?"), Turn(role="assistant", content="…")]
    own = scorer.question_terms(understand("En welke structuur moet het behandelplan hebben?", history))
    assert own.weights["kwaliteitskader"] < 0.5 * scorer.idf("kwaliteitskader")


def test_the_glossary_knows_common_english_procurement_words() -> None:
    from assistant.glossary import expand

    assert "opnameduur" in expand("What is the average length of stay?")
    assert "uitgesloten" in expand("Which trajectories are left out?")
    assert "maatwerk" in expand("Do we get a bespoke contract?")
    assert "solvabiliteit" in expand("How do you assess our financial health?")
    assert "patiënttevredenheid" in expand("How must we measure patient satisfaction?")
    assert expand("Wat is de standaardprocedure?") == "Wat is de standaardprocedure?"  # not "standard"
    # billing two kinds of care at once is "samenloop" in the policies
    assert "samenloop" in expand("Can we bill physiotherapy alongside outpatient GRZ?")
    assert "samenloop" in expand("Mogen we MSR tegelijk met ambulante GRZ declareren?")


def test_viewing_a_policy_is_asking_when_it_is_published() -> None:
    from assistant.glossary import expand

    assert "publicatie" in expand("Vanaf wanneer kan ik het inkoopbeleid inzien?")
    assert "publicatie" in expand("Wanneer verschijnt het beleid?")
    scorer = _scorer_over([*TEXTS, "Vanaf 1 april is het beleid te zien."])
    terms = scorer.question_terms(understand("Vanaf wanneer kan ik het beleid inzien?"))
    assert terms.weights["vanaf"] < scorer.idf("vanaf") / 2  # "vanaf wanneer" names the kind of fact


def test_a_value_is_quoted_with_the_short_sentence_that_follows_it_in_its_paragraph() -> None:
    from assistant.extractive import split_units
    from assistant.quotes import NEXT_CHARS, with_neighbour

    long_next = "Deze afspraak " + "geldt voor alle zorgaanbieders in alle regio's van het land " * 3 + "zonder uitzondering."
    assert len(long_next) > NEXT_CHARS
    text = (
        "De Green Deal Duurzame zorg 3.0 kwam op 4 november 2022 tot stand tussen de zorgpartijen. "
        "De deal geldt tot en met 2026.\n\n"
        f"Uw offerte ontvangen wij uiterlijk op 1 oktober 2026 via het portaal van de verzekeraar. {long_next}"
    )
    chunk = Chunk(id="c1", document="a.pdf", text=text, start=0, end=len(text))
    first, nxt, offer, rest = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
    units = [first, nxt, offer, rest]
    assert [u.text for u in with_neighbour(first, units, "date")] == [first.text, nxt.text]
    assert with_neighbour(offer, units, "date") == [offer]  # a long next sentence is not quoted


def test_a_date_is_quoted_with_the_next_step_of_its_schedule() -> None:
    """The next sentence of the paragraph, when it states another date (up to STEP_CHARS): "you
    receive it on 9 June" goes with "you have until 22 July to fill it in"."""
    from assistant.extractive import split_units
    from assistant.quotes import NEXT_CHARS, STEP_CHARS, with_neighbour

    receive = "Als u voldoet aan de basisvoorwaarden uit fase 1, dan ontvangt u op 9 juni 2026 de vragenlijst in VECOZO."
    until = "U heeft tot uiterlijk 22 juli 2026 (de vragenlijst sluit op maandag 21 juli 2026 om 23:59) de tijd om de vragenlijst in te vullen."
    same = "U ontvangt op 9 juni 2026 ook een bevestiging per e-mail van de afdeling Zorginkoop van uw verzekeraar, met een toelichting."
    assert NEXT_CHARS < len(until) <= STEP_CHARS and len(same) > NEXT_CHARS
    for nxt, quoted in ((until, True), (same, False)):  # a repeat of the same date is no next step
        text = f"{receive} {nxt}"
        chunk = Chunk(id="c9", document="a.pdf", text=text, start=0, end=len(text))
        first, second = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
        assert [u.text for u in with_neighbour(first, [first, second], "date")] == ([receive, nxt] if quoted else [receive])
        assert with_neighbour(first, [first, second], "condition") == [first]  # only for a value asked


def test_a_sentence_that_points_back_has_the_sentence_before_it_as_context() -> None:
    text = "Lever een CO2-routekaart aan bij het Expertisecentrum. Hiervoor is de deadline 1 januari 2024."
    chunk = Chunk(id="c2", document="a.pdf", text=text, start=0, end=len(text))
    start = text.index("Hiervoor")
    pointing = Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, start, len(text), text[start:])
    plain_text = "Voor de offerte is de deadline 1 januari 2024."
    plain = _unit(plain_text)
    scorer = _scorer_over([*TEXTS, text, plain_text])
    terms = scorer.question_terms(understand("Wat is de deadline voor de routekaart?"))
    assert scorer.topic(pointing, terms) > scorer.topic(plain, terms)


def test_the_years_a_question_names_are_its_scope_not_its_topic() -> None:
    scorer = _scorer_over([*TEXTS, "Publicatie inkoopbeleid 2024-2025.", "Onderteken de overeenkomst 2024-2025 uiterlijk 1 juni."])
    terms = scorer.question_terms(understand("Wat is de uiterste datum om de overeenkomst 2024-2025 te ondertekenen?"))
    assert terms.weights["2024"] < scorer.idf("2024") / 2


def test_an_english_measured_word_counts_by_its_glossary_words_and_the_kind_of_value_is_not_it() -> None:
    scorer = _scorer_over([*TEXTS, "Nacalculatie tegen netto-inkoopkosten plus een opslag.", "Maximaal 85% percentage vergoed."])
    q = understand("What surcharge percentage does the insurer add?")
    terms = scorer.question_terms(q)
    wanted = scorer.measured_terms(q, terms)
    assert "opslag" in wanted and "percentag" not in wanted
    assert scorer.states_any(_unit("Nacalculatie tegen netto-inkoopkosten plus een opslag."), wanted)
    assert not scorer.states_any(_unit("Maximaal 85% percentage vergoed."), wanted)


def test_what_a_value_is_of_may_be_named_in_the_sentence_a_pointing_sentence_points_at() -> None:
    text = (
        "U gebruikt het sjabloon ambulante GRZ 2027-2028 waarin wij op basis van bovenstaande voorwaarden "
        "documentatie bij u opvragen. Deze informatie stuurt u uiterlijk 1 november 2026 op."
    )
    chunk = Chunk(id="c3", document="a.pdf", text=text, start=0, end=len(text))
    start = text.index("Deze")
    unit = Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, start, len(text), text[start:])
    scorer = _scorer_over([*TEXTS, text])
    assert scorer.states_any(unit, {"sjabloon"})
    assert not scorer.states_any(_unit("Stuur de offerte uiterlijk 1 november 2026 op."), {"sjabloon"})


def test_a_value_states_what_it_is_of_only_near_it_or_through_its_table_header() -> None:
    """With the value's pattern: a word of the question ten words from the amount does not make the
    amount its value, a list's introduction does not either, but a table row's header does."""
    from assistant.extractive import VALUE_PATTERN, VALUE_WINDOW

    amount = VALUE_PATTERN["amount"]
    near = "De opslag bedraagt € 150 per traject."
    far = "Voor de opslag gelden " + "aanvullende strenge voorwaarden " * (VALUE_WINDOW // 2 + 1) + "zoals een omzet van € 15.000.000."
    scorer = _scorer_over([*TEXTS, near, far])
    assert scorer.states_any(_unit(near), {"opslag"}, amount)
    assert not scorer.states_any(_unit(far), {"opslag"}, amount)
    assert scorer.states_any(_unit(far), {"opslag"})  # without a value pattern: anywhere in it

    intro = "Extra voorwaarden voor nacalculatie tegen netto-inkoopkosten + opslag"
    item = "Uw verwachte omzet bedraagt meer dan € 15.000.000."
    listed = Chunk(id="l1", document="a.pdf", text=f"{intro}\n\n{item}", start=0, end=len(intro) + 2 + len(item), kind="list")
    unit = Unit(Hit(chunk=listed, meta=META, score=1.0), 0, len(intro) + 2, listed.end, item)
    assert scorer.states_any(unit, {"opslag"}) and not scorer.states_any(unit, {"opslag"}, amount)

    row = "Regulier\t€ 1.000.000"
    table = Chunk(id="t1", document="a.pdf", text=row, context="Type\tOpslag", start=0, end=len(row), kind="table")
    assert scorer.states_any(Unit(Hit(chunk=table, meta=META, score=1.0), 0, 0, len(row), row), {"opslag"}, amount)


def test_an_unknown_dutch_compound_is_measured_by_the_known_word_it_begins_with() -> None:
    texts = [*TEXTS, "Grote zorgaanbieder: omzet groter dan € 1.000.000.", "Een tarief voor de zorg."]
    scorer = _scorer_over(texts)
    grens = understand("Hoeveel bedraagt de omzetgrens voor een grote aanbieder?")
    assert "omzet" in scorer.measured_terms(grens, scorer.question_terms(grens))
    # a word that begins with no word the policies use: no sentence can state what it measures
    q = understand("Hoeveel procent xyzafslag rekent de verzekeraar?")
    wanted = scorer.measured_terms(q, scorer.question_terms(q))
    assert wanted and not any(scorer.states_any(_unit(t), wanted) for t in texts)


def test_hoe_lang_names_a_duration_not_long_stays() -> None:
    texts = [*TEXTS, "Trajecten langer dan 120 dagen worden uitgesloten.", "Wij bieden u een tweejarige overeenkomst aan."]
    scorer = _scorer_over(texts)
    q = understand("Hoe lang is de looptijd van de overeenkomst?")
    assert q.fact == "duration"
    terms = scorer.question_terms(q)
    long_stays, contract = _unit(texts[-2]), _unit(texts[-1])
    assert scorer.score(contract, terms, q.fact) > scorer.score(long_stays, terms, q.fact)


def test_english_function_words_are_no_topic_words_of_an_english_question() -> None:
    scorer = _scorer_over([*TEXTS, "We sluiten een overeenkomst.", "Over de offerte.", "Na een breuk van het been."])
    english = scorer.question_terms(understand("When have we been offered the contract by Salland?"))
    assert "been" not in english.weights
    dutch = scorer.question_terms(understand("Hoe lang revalideert een patiënt na een breuk van het been?"))
    assert "been" in dutch.weights  # a Dutch question keeps its words ("been" is a leg)
    assert "we" not in scorer.question_terms(understand("Wanneer sluiten we de overeenkomst?")).weights  # a pronoun


def test_a_short_list_is_quoted_with_the_sentence_that_introduces_it_a_long_one_is_not() -> None:
    from assistant.extractive import split_units
    from assistant.quotes import LIST_CHARS, list_after, with_neighbour

    intro = "Neem uiterlijk 1 september contact met ons op. Lever dan informatie aan over de volgende aspecten:"
    items = "een verklaring van de stijging;\n\nuw onderbouwde prognose."
    text = f"{intro}\n\n{items}"
    chunk = Chunk(id="c3", document="a.pdf", text=text, start=0, end=len(text))
    units = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
    date, colon, *listed = units
    assert [u.text for u in with_neighbour(date, units, "date")] == [date.text, colon.text, *(u.text for u in listed)]
    # a list passage of its own right after the introduction counts too; one too long to quote does not
    long_text = "\n\n".join(["een punt dat heel lang is " * 4] * 6)
    assert len(long_text) > LIST_CHARS
    elsewhere = Chunk(id="c4", document="a.pdf", text=long_text, start=len(text) + 2, end=len(text) + 2 + len(long_text))
    long_units = split_units(Hit(chunk=elsewhere, meta=META, score=1.0), 1)
    head = split_units(Hit(chunk=Chunk(id="c5", document="a.pdf", text=intro, start=0, end=len(intro)), meta=META, score=1.0), 0)
    assert list_after(head[-1], [*head, *long_units]) == []
    assert list_after(colon, units) == listed


def test_a_verb_of_having_is_no_topic_word() -> None:
    scorer = _scorer_over([*TEXTS, "Wij kennen vijf diagnosegroepen.", "U kent de regels."])
    terms = scorer.question_terms(understand("Welke diagnosegroepen kent de GRZ?"))
    assert not set(scorer.tok("kent kennen")) & terms.weights.keys()
    assert set(scorer.tok("diagnosegroepen")) <= terms.weights.keys()


def test_a_word_ending_in_a_term_after_a_verbs_prefix_does_not_state_it() -> None:
    terms = Terms.of({"schil": 1.0, "keurmerk": 1.0})
    assert terms.stated(["kwaliteitskeurmerk"]) == {"keurmerk": HEAD_WEIGHT}
    assert terms.stated(["prijsverschil"]) == {}  # "verschil", not a compound of "schil"


def test_a_question_that_names_only_an_insurer_or_care_type_is_asked_back_about_it() -> None:
    from assistant import compose

    scorer = _scorer_over([*TEXTS, "Stuur uw offerte uiterlijk 1 oktober."])
    assert scorer.names_only(understand("en bij Salland?"))
    assert scorer.names_only(understand("ZK GRZ"))
    assert not scorer.names_only(understand("Wanneer moet de offerte bij Salland binnen zijn?"))
    assert not scorer.names_only(understand("hallo"))  # names nothing: the general question back
    assert "Salland" in compose.clarify("nl", ["Salland"])
    assert "Salland" in compose.clarify("en", ["Salland"])


def test_an_english_answer_leads_with_the_value_in_english() -> None:
    from assistant.compose import fact_value
    from assistant.extractive import VALUE_PATTERN

    assert fact_value(VALUE_PATTERN["duration"], "minimaal twee jaar volwaardig in bedrijf", "en") == "two years"
    assert fact_value(VALUE_PATTERN["duration"], "binnen een jaar", "en") == "one year"
    assert fact_value(VALUE_PATTERN["date"], "uiterlijk eind september", "en") == "end of September"
    assert fact_value(VALUE_PATTERN["date"], "uiterlijk eind september", "nl") == "eind september"
    # a frequency in English words, not "elk quarter"
    assert fact_value(VALUE_PATTERN["frequency"], "vragen wij elk kwartaal prognoses op", "en") == "every quarter"
    assert fact_value(VALUE_PATTERN["frequency"], "wij evalueren ieder jaar", "en") == "every year"
    assert fact_value(VALUE_PATTERN["frequency"], "minimaal elk half jaar geëvalueerd", "en") == "every half year"
    assert fact_value(VALUE_PATTERN["frequency"], "twee keer per jaar", "en") == "two times per year"
    assert fact_value(VALUE_PATTERN["frequency"], "een keer per jaar", "en") == "once per year"
    assert fact_value(VALUE_PATTERN["frequency"], "een halfjaarlijkse evaluatie", "en") == "every six months"
    assert fact_value(VALUE_PATTERN["frequency"], "tweewekelijks overleg", "en") == "every two weeks"


def test_a_rule_quoted_in_the_changes_chapter_answers_only_a_change_question() -> None:
    from assistant.extractive import QUOTED_CHANGE_PENALTY

    text = "'De zorgaanbieder spant zich in om patiënten te verwijzen naar ZorgkaartNederland.nl'."
    chunk = Chunk(id="c6", document="a.pdf", text=text, start=0, end=len(text), section="1 Wat zijn de wijzigingen per 2027?")
    quoted = Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, 0, len(text), text)
    body = Unit(Hit(chunk=chunk.model_copy(update={"section": "Kwaliteitseisen"}), meta=META, score=1.0), 0, 0, len(text), text)
    scorer = _scorer_over([*TEXTS, text])
    terms = scorer.question_terms(understand("Waar moet de zorgaanbieder patiënten naar verwijzen?"))
    assert scorer.score(body, terms, "other") - scorer.score(quoted, terms, "other") == pytest.approx(QUOTED_CHANGE_PENALTY)
    assert scorer.score(body, terms, "change") < scorer.score(quoted, terms, "change")  # the changes chapter answers changes


def test_a_rule_for_another_kind_of_provider_is_recognised() -> None:
    from assistant.extractive import other_provider
    from assistant.query import find_providers

    assert find_providers("Hoeveel fte moet een dialysecentrum hebben?") == ["dialyse"]
    assert find_providers("What requirements apply to dialysis centres?") == ["dialyse"]
    assert find_providers("Wanneer moet de offerte binnen zijn?") == []
    text = "Bij de ZBC zijn medisch specialisten werkzaam met een dienstverband van minimaal 1,2 fte."
    chunk = Chunk(id="c7", document="a.pdf", text=text, start=0, end=len(text), section="Minimum- en kwaliteitseisen – ZBC's")
    zbc = Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, 0, len(text), text)
    assert other_provider(zbc, {"dialyse"})
    assert not other_provider(zbc, {"ZBC"})
    assert not other_provider(_unit("Stuur uw offerte uiterlijk 1 oktober."), {"dialyse"})  # about no kind of provider


def test_a_count_is_no_day_of_a_month_amount_or_percentage() -> None:
    from assistant.extractive import FACT_PATTERN

    count = FACT_PATTERN["count"]
    assert count.search("minimaal 2,0 fte") and count.search("een unit van minimaal 10 bedden")
    for text in ("uiterlijk 1 september 2026", "€ 100.000", "85% van de overschrijding", "2 miljoen euro", "in 2027"):
        assert not count.search(text), text


def test_an_english_word_that_is_another_dutch_word_is_no_topic_word() -> None:
    scorer = _scorer_over([*TEXTS, "Stepped care bij knie- en heupartrose.", "Dit is een last voor de zorgaanbieder."])
    terms = scorer.question_terms(understand("Does the insurer pay for care delivered last year?"))
    assert not {"care", "last"} & terms.weights.keys()


def test_what_a_compound_measures_is_its_head_not_its_first_part() -> None:
    texts = [*TEXTS, "Het omzetplafond is € 1.000.000.", "De omzet is € 150.000.", "Het plafond geldt."]
    tok = Tokenizer({"omzet", "plafond"})  # knows the parts: splits the compound
    scorer = UnitScorer(tok, Counter(t for text in texts for t in set(tok(text))), len(texts))
    q = understand("Hoe hoog is het omzetplafond voor GRZ?")
    wanted = scorer.measured_terms(q, scorer.question_terms(q))
    assert set(tok.stems(["omzetplafond", "plafond"])) <= wanted
    assert not set(tok.stems(["omzet"])) & wanted


def test_the_glossary_joins_a_separable_verb_and_knows_disagreement() -> None:
    from assistant.glossary import expand

    def added(text: str) -> str:
        return expand(text)[len(text) :]

    assert "aanvragen" in added("Hoe vraag ik als nieuwe zorgaanbieder een contract aan bij Zorg en Zekerheid?")
    assert "aanmelden" in added("Wanneer meld ik me aan?")
    assert "aanvragen" not in added("Welke vragen stelt ZK aan nieuwe aanbieders?")
    assert "oneens" in added("Wat als ik het niet eens ben met het beleid?")
    assert "geschil" not in added("Wat als ik het niet eens ben met het beleid?")  # its lemma "schil" matched "prijsverschillen"


def test_a_number_naming_a_part_of_the_text_counts_nothing() -> None:
    from assistant.extractive import count_pattern

    for text in ("vindt u in bijlage 3: financieel beleid ELV", "zie hoofdstuk 5.2", "in fase 2 wordt beoordeeld", "Tabel 1."):
        assert not count_pattern().search(text), text
    assert count_pattern().search("een unit van minimaal 10 bedden") and count_pattern().search("vijf diagnosegroepen")


def test_a_count_is_led_with_what_it_counts_in_dutch_and_alone_in_english() -> None:
    from assistant.compose import count_value
    from assistant.extractive import count_pattern

    text = "De afdeling beschikt over een unit van minimaal 10 bedden met bekwaam personeel."
    assert count_value(count_pattern(), text, "nl") == "10 bedden"
    assert count_value(count_pattern(), text, "en") == "10"
    assert count_value(count_pattern(), "Er zijn vijf diagnosegroepen.", "en") == "five"
    assert count_value(count_pattern(), "Geen getal hier.", "nl") is None


def test_a_short_sentence_in_a_table_row_is_not_quoted_with_the_next_row() -> None:
    from assistant.extractive import split_units
    from assistant.quotes import with_neighbour

    text = (
        "1 oktober 2026\tZorgaanbieder biedt eerste offerte aan. Zorgverzekeraar reageert binnen zes weken.\n\n"
        "11 november 2026\tUiterste datum van ondertekening"
    )
    chunk = Chunk(id="t9", document="a.pdf", text=text, start=0, end=len(text), kind="table")
    units = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
    reacts = next(u for u in units if u.text.startswith("Zorgverzekeraar"))
    assert with_neighbour(reacts, units, "duration") == [reacts]  # the next row is another fact


def test_a_range_of_percentages_leads_as_one_value() -> None:
    from assistant.compose import fact_value
    from assistant.extractive import VALUE_PATTERN

    pct = VALUE_PATTERN["percentage"]
    assert fact_value(pct, "U richt zich op een inclusie van 15-30% van de GRZ-verzekerden.", "nl") == "15-30%"
    assert fact_value(pct, "minimaal 75% van de patiënten", "nl") == "75%"


def test_a_unit_stating_nothing_the_question_asks_about_is_no_candidate() -> None:
    from assistant.extractive import best_units

    share = "De nieuwe ZBC heeft minimaal 25% marktaandeel bij de zorgverzekeraar."
    knee = "Minimaal 75% van de patiënten met een knievervanging heeft vooraf fysiotherapie gehad."
    scorer = _scorer_over([*TEXTS, share, knee])
    q = understand("Hoeveel procent van de kniepatiënten moet vooraf fysiotherapie hebben gehad?")
    terms = scorer.question_terms(q)
    assert scorer.topic(_unit(share), terms) == 0  # a percentage, of something else
    ranked = best_units([_unit(share), _unit(knee)], scorer, q, terms)
    assert [u.text for u in ranked] == [knee]
    assert best_units([_unit(share)], scorer, q, terms) == []


def test_the_kind_of_provider_the_asker_says_they_are_weighs_half() -> None:
    from assistant.extractive import ROLE_WEIGHT
    from assistant.query import roles

    assert roles("Moet ik als ZBC bij Salland een VMS hebben?") == ["ZBC"]
    assert roles("As a new provider, when do we hear?") == ["provider"]
    assert roles("Wat gebeurt er als ik mijn omzetplafond overschrijd?") == []  # "als" for "if"
    texts = [*TEXTS, "De ZBC heeft een achterwachtregeling.", "De instelling beschikt over een VMS."]
    scorer = _scorer_over(texts)
    terms = scorer.question_terms(understand("Moet ik als ZBC een VMS hebben?"))
    assert terms.weights["zbc"] == pytest.approx(ROLE_WEIGHT * scorer.idf("zbc"))
    assert scorer.topic(_unit(texts[-1]), terms) > scorer.topic(_unit(texts[-2]), terms)


def test_where_to_find_something_is_answered_by_a_place_named_in_words() -> None:
    from assistant.extractive import REQUIRED_PATTERN

    web = REQUIRED_PATTERN["web"]
    for text in (
        "U kunt uw aanvraag indienen via het aanvraagformulier op onze website.",
        "De voorwaarden staan in bijlage 1d.",
        "Kijk op www.zilverenkruis.nl/zorgaanbieders.",
        "U tekent in het Zorginkoopportaal.",
    ):
        assert web.search(text), text
    assert not web.search("De zorgovereenkomst moet binnen zes weken worden ondertekend.")


def test_a_compound_part_naming_the_kind_of_fact_does_not_join_the_topic() -> None:
    tok = Tokenizer({"contract", "periode"})  # knows the parts: splits the compound
    texts = [*TEXTS, "De contractperiode is twee jaar.", "Het contract loopt een periode.", "Trajecten langer dan 120 dagen."]
    scorer = UnitScorer(tok, Counter(t for text in texts for t in set(tok(text))), len(texts))
    terms = scorer.question_terms(understand("Hoe lang duurt de contractperiode?"))
    topic = next(c for c in terms.concepts if "contractperiode" in c)
    assert "contract" in topic and not {"periode", "lang"} & topic  # "langer" says nothing of the contract


def test_a_date_compound_is_about_its_first_part() -> None:
    texts = [*TEXTS, "U kunt zich tot deze datum aanmelden.", "De uiterste aanmelddatum staat in de planning.", "1 juni 2026"]
    scorer = _scorer_over(texts)
    terms = scorer.question_terms(understand("Wat is de uiterste aanmelddatum?"))
    head = scorer.tok("aanmelden")[0]
    assert any({head, *scorer.tok("aanmelddatum")} <= c for c in terms.concepts)
    assert scorer.topic(_unit("U kunt zich tot 1 juni 2026 aanmelden."), terms) > 0
    # not for a compound whose last part is no word for the kind of fact asked
    plan = scorer.question_terms(understand("Wat moet er in het behandelplan staan?"))
    assert scorer.tok("behandel")[0] not in plan.weights


def test_what_an_insurer_understands_by_something_is_a_definition_of_that() -> None:
    defines = "Met nieuwe aanbieders bedoelen wij zorgaanbieders die nog geen overeenkomst hebben."
    other = "Zorg en Zekerheid verstaat onder doelmatigheid: een actief beleid op biosimilars."
    scorer = _scorer_over([*TEXTS, defines, other, "Passende zorg draait om de patiënt."])
    q = understand("Wat verstaat Salland onder nieuwe aanbieders?")
    terms = scorer.question_terms(q)
    assert scorer.defines(_unit(defines), terms)
    assert terms.weights[scorer.tok("verstaat")[0]] < terms.weights[scorer.tok("aanbieders")[0]]  # the kind, not the topic
    assert scorer.score(_unit(defines), terms, q.fact) > scorer.score(_unit(other), terms, q.fact)


def test_asked_terms_are_a_compound_whole_or_all_its_parts_never_one_part() -> None:
    texts = [*TEXTS, "Het concept volgt later.", "Een concept of een overeenkomst."]
    tok = Tokenizer(build_vocabulary(texts))  # knows "concept" and "overeenkomst" on their own: splits the compound
    scorer = UnitScorer(tok, Counter(t for text in texts for t in set(tok(text))), len(texts))
    q = understand("Welke conceptovereenkomst krijg ik?")
    terms = scorer.question_terms(q)
    alternatives = scorer.asked_terms(["conceptovereenkomst"], q, terms)
    assert ("conceptovereenkomst",) in alternatives
    assert ("overeenkomst",) not in alternatives  # a policy that says "overeenkomst" need not say anything of a draft
    assert any(len(alt) > 1 and "overeenkomst" in alt for alt in alternatives)  # … unless it has every part
    assert scorer.asked_terms(["onbekendwoord"], q, terms) == []  # a word no policy uses: nothing can be said


def test_the_situation_around_a_value_question_weighs_less_than_what_it_asks() -> None:
    from assistant.extractive import SITUATION_WEIGHT

    scorer = _scorer_over([*TEXTS, "Een ZBC levert oogzorg.", "Stuur de offerte uiterlijk 1 september.", "Vul de vragenlijst in."])
    plain = scorer.question_terms(understand("Wanneer moet een ZBC voor oogzorg de offerte indienen?"))
    situated = scorer.question_terms(understand("Wij zijn een ZBC voor oogzorg. Wanneer moeten we de offerte indienen?"))
    assert situated.weights["zbc"] == pytest.approx(plain.weights["zbc"] * SITUATION_WEIGHT)
    assert situated.weights["offert"] == pytest.approx(plain.weights["offert"])
    # … not when the asking sentence points back at it, nor when it asks about who the situation says asks
    back = scorer.question_terms(understand("We moeten een vragenlijst invullen. Wanneer krijgen we die?"))
    (form,) = scorer.tok("vragenlijst")
    assert back.weights[form] == pytest.approx(scorer.idf(form))
    who = scorer.question_terms(understand("Wij zijn een ZBC. Welke eisen gelden voor ons?"))
    assert who.weights["zbc"] == pytest.approx(scorer.idf("zbc"))


def test_a_separable_verb_groups_with_its_synonyms_without_the_words_between_its_parts() -> None:
    groups = synonym_groups("Hoe vraag ik een contract aan bij Salland?")
    verb = next(g for g in groups if "aanvragen" in g)
    assert verb.startswith("vraag aan") and "contract" not in verb.split()  # or every contract sentence states "aanvragen"


def test_a_sentence_that_splits_a_verb_from_its_particle_states_the_verb() -> None:
    from assistant.extractive import separable_verbs

    assert "aanmelden" in separable_verbs("Meld u, bij voorkeur z.s.m., maar uiterlijk vóór 1 september aan via het contactformulier.")
    assert "afspreken" in separable_verbs("We spreken met u een eenjarig contract af.")
    assert separable_verbs("Wij richten ons op de regio.") == []  # "op" does not end the clause
    # the verb need not come first: "Nieuwe zorgaanbieders … leveren … de volgende documenten aan"
    assert "aanleveren" in separable_verbs("Nieuwe zorgaanbieders leveren voor 1 juni 2023 de volgende documenten aan.")
    text = "Meld u uiterlijk 1 september aan via het contactformulier."
    scorer = _scorer_over([*TEXTS, text, "U kunt zich aanmelden voor een overeenkomst."])
    terms = scorer.question_terms(understand("Hoe kan ik mij aanmelden?"))
    assert scorer.topic(_unit(text), terms) == 1.0  # "Meld … aan" says "aanmelden"


def test_the_first_sentence_under_a_heading_of_the_question_words_defines_them() -> None:
    from assistant.extractive import is_heading, split_units

    text = "1.2 ELV laag complex\n\nDe patiënt heeft een enkelvoudige aandoening. Er is verpleging nodig."
    chunk = Chunk(id="h", document="a.pdf", text=text, start=0, end=len(text), section="Bijlage 4 › 1.2 ELV laag complex")
    heading, first, second = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
    scorer = _scorer_over([*TEXTS, text, "ELV hoog complex is anders."])
    terms = scorer.question_terms(understand("Wat is ELV laag complex?"))
    assert scorer.defined_by_heading(first, terms) == "ELV laag complex"
    assert scorer.defined_by_heading(second, terms) is None  # not the first sentence under it
    assert scorer.defined_by_heading(heading, terms) is None  # the heading itself defines nothing
    other = scorer.question_terms(understand("Wat is ELV hoog complex?"))
    assert scorer.defined_by_heading(first, other) is None  # "laag" is no word of that question
    # a numbered line without a full stop is a heading, wherever the chunker put it
    moved = chunk.model_copy(update={"section": "Bijlage 4 › 1. Eerstelijnsverblijf"})
    assert is_heading(split_units(Hit(chunk=moved, meta=META, score=1.0), 0)[0])


def test_every_year_weighs_as_scope_whatever_the_year() -> None:
    # no year is special: 2027 weighs as little as 2031 does (once a generic word list held "2026" and "2027")
    texts = [*TEXTS, "In 2031 en 2027 geldt een nieuwe regeling voor de offerte."]
    scorer = _scorer_over(texts)
    for year in ("2027", "2031"):
        terms = scorer.question_terms(understand(f"Welke regeling geldt in {year} voor de offerte?"))
        assert 0 < terms.weights[year] < scorer.idf(year) / 2


def test_an_english_word_names_what_is_measured_only_as_a_word_the_policies_use() -> None:
    texts = [*TEXTS, "U levert de offerte uiterlijk 15 september in.", "Wij nemen de regie in eigen hand.", "2,0 fte per bed."]
    tok = Tokenizer(build_vocabulary(texts))  # as the index builds it: words of four letters or more, seen twice
    scorer = UnitScorer(tok, Counter(t for text in texts for t in set(tok(text))), len(texts))
    # "handing" stems to the Dutch "hand", which the policies use for something else
    q = understand("What is the deadline for handing in our offer?")
    assert q.language == "en"
    assert "hand" not in scorer.measured_terms(q, scorer.question_terms(q))
    # a Dutch question's word counts as itself
    nl = understand("Hoeveel hand moet ik opsteken?")
    assert "hand" in scorer.measured_terms(nl, scorer.question_terms(nl))
    # a short word the policies use as it is counts, though the vocabulary keeps only longer words
    fte = understand("How much fte does Zilveren Kruis require per bed?")
    assert "fte" in scorer.measured_terms(fte, scorer.question_terms(fte))


def test_how_much_time_asks_a_duration() -> None:
    assert understand("Hoeveel tijd heeft Salland om de offerte te beoordelen?").fact == "duration"
    assert understand("How much time does Salland take to review our offer?").fact == "duration"
