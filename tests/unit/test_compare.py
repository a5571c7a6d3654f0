"""Comparison questions (assistant/compare.py): detection, the question asked of each insurer, and the
table built from each insurer's best answer with values from the extracted facts (a fake answerer)."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.compare import compare, comparison
from assistant.query import understand
from ingest.facts import Facts
from inkoopwijzer.types import Answer, Citation, DatedEvent, FactSource, Filters, Threshold, Turn


def test_detects_questions_that_compare_insurers() -> None:
    c = comparison("bij wie moet de offerte het eerst binnen zijn?", [])
    assert c is not None and c.order == "earliest" and c.insurers == [] and c.row_question == "moet de offerte binnen zijn?"
    c = comparison("verschillen de aanmeldtermijnen van Zorg en Zekerheid en Salland?", ["Zorg en Zekerheid", "Salland"])
    assert c is not None and c.differ and c.row_question == "de aanmeldtermijnen?"
    assert c.asks_whether
    c = comparison("Wat zijn de verschillen tussen Zorg en Zekerheid en Salland in de aanmeldtermijnen?", ["Zorg en Zekerheid", "Salland"])
    assert c is not None and c.differ and not c.asks_whether  # asks what differs, not whether: no "Ja" in front
    c = comparison("which insurers require HKZ?", [])
    assert c is not None and c.which and c.row_question == "require HKZ?"
    c = comparison("Is de deadline bij Salland later dan bij Zilveren Kruis?", ["Zilveren Kruis", "Salland"])
    assert c is not None and c.yes_no and c.insurers == ["Salland", "Zilveren Kruis"] and c.order == "latest"
    c = comparison("Moet ik bij Salland of bij Zilveren Kruis eerder tekenen?", ["Zilveren Kruis", "Salland"])
    assert c is not None and not c.yes_no and c.order == "earliest"  # asks which, not whether
    c = comparison("Bij welke verzekeraar moet onze offerte het eerst binnen zijn: Salland of Zilveren Kruis?",
                   ["Zilveren Kruis", "Salland"])
    assert c is not None and c.row_question == "moet onze offerte binnen zijn?"  # overlapping phrases cut once
    # not a comparison of insurers
    assert comparison("Wat is het verschil tussen ELV laag complex en ELV hoog complex?", []) is None
    assert comparison("Wanneer moet de offerte bij Salland binnen zijn?", ["Salland"]) is None
    assert comparison("Wat moet ik het eerst doen?", []) is None


def _cite(n: int, doc: str, insurer: str, quote: str, start: int) -> Citation:
    return Citation(n=n, document=doc, title=f"Beleid {insurer}", insurer=insurer, quote=quote, start=start,
                    end=start + len(quote), chunk_id=f"{doc}-{start}")


QUOTES = {
    "A": ("a.pdf", "Stuur uiterlijk 30 september 2026 uw offerte.", 100),
    "B": ("b.pdf", "Uiterlijk 15 september 2026 ontvangen we graag uw voorstel.", 200),
}


def fake_best(asked: list[tuple[str, list[str]]]):  # type: ignore[no-untyped-def]
    def best(question: str, history: Sequence[Turn], filters: Filters, debug: bool) -> Answer:
        asked.append((question, filters.insurers))
        insurer = filters.insurers[0]
        if insurer not in QUOTES:
            return Answer(question=question, status="not_found", answer="niet gevonden")
        doc, quote, start = QUOTES[insurer]
        return Answer(question=question, status="answered", answer=f"{insurer}: “{quote}” [1]",
                      citations=[_cite(1, doc, insurer, quote, start)], insurers=[insurer])
    return best


def facts() -> Facts:
    events = [
        DatedEvent(uid=f"e{insurer}", kind="deadline", date=date, what="offerte", insurer=insurer, document=doc,
                   sources=[FactSource(document=doc, quote=quote, start=start, end=start + len(quote))])
        for insurer, (doc, quote, start), date in (("A", QUOTES["A"], "2026-09-30"), ("B", QUOTES["B"], "2026-09-15"))
    ]
    threshold = Threshold(uid="t", kind="amount", value=1.0, unit="EUR", text="€ 1", subject="x", document="a.pdf",
                          sources=[FactSource(document="a.pdf", quote="y", start=0, end=1)])
    return Facts(events=events, thresholds=[threshold])


def test_table_from_each_insurers_best_answer() -> None:
    question = "bij wie moet de offerte het eerst binnen zijn?"
    c = comparison(question, [])
    assert c is not None
    asked: list[tuple[str, list[str]]] = []
    answer = compare(question, understand(question), c, Filters(), fake_best(asked), facts(), ["A", "B", "C"])
    assert asked == [("Wanneer moet de offerte binnen zijn?", ["A"]), ("Wanneer moet de offerte binnen zijn?", ["B"]),
                     ("Wanneer moet de offerte binnen zijn?", ["C"])]
    assert answer.status == "answered" and answer.table is not None
    assert answer.table.lead == "B het eerst: 15 september 2026"
    assert [(r.insurer, [(x.value, x.citation) for x in r.cells]) for r in answer.table.rows] == [
        ("B", [("15 september 2026", 1)]), ("A", [("30 september 2026", 2)]), ("C", [("niet gevonden in het beleid", None)])]
    assert [c.document for c in answer.citations] == ["b.pdf", "a.pdf"]
    # the text has the same values, one line per row
    lines = answer.answer.splitlines()
    assert lines[0] == "B het eerst: 15 september 2026"
    assert lines[1].startswith("- B (Beleid B): **15 september 2026** — “Uiterlijk 15 september") and lines[1].endswith("[1]")
    assert lines[3] == "- C: niet gevonden in het beleid"


def test_one_value_alone_is_first_of_nothing() -> None:
    # only A's policy states a date: A is not "het eerst", the others say nothing to compare with
    question = "bij wie moet de offerte het eerst binnen zijn?"
    c = comparison(question, [])
    assert c is not None
    answer = compare(question, understand(question), c, Filters(), fake_best([]), facts(), ["A", "C"])
    assert answer.table is not None and answer.table.lead == "Alleen genoemd door A: 30 september 2026"


def test_every_comparative_of_an_order_compares() -> None:
    for question, order in (("Welke verzekeraar reageert sneller op de offerte?", "earliest"),
                            ("Which insurer responds faster to our offer?", "earliest"),
                            ("Bij welke verzekeraar is de eis strenger?", "highest"),
                            ("Bij welke verzekeraar is de termijn korter?", "shortest"),
                            ("Bij welke verzekeraar is het tarief lager?", "lowest")):
        c = comparison(question, [])
        assert c is not None and c.order == order, question


def test_only_a_question_whether_they_differ_is_answered_yes_or_no() -> None:
    leads = {}
    for question in ("verschillen de offertetermijnen van A en B?", "Wat zijn de verschillen in de offertetermijnen van A en B?"):
        c = comparison(question, ["A", "B"])
        assert c is not None and c.differ
        answer = compare(question, understand(question), c, Filters(), fake_best([]), facts(), ["A", "B"])
        leads[question] = answer.answer.splitlines()[0]
    assert list(leads.values()) == ["Ja, dat verschilt per verzekeraar", "Per verzekeraar"]


def test_a_date_whose_year_the_text_left_out_is_marked_in_its_cell() -> None:
    inferred = facts()
    inferred.events[1] = inferred.events[1].model_copy(update={"year_inferred": True})
    question = "bij wie moet de offerte het eerst binnen zijn?"
    c = comparison(question, [])
    assert c is not None
    answer = compare(question, understand(question), c, Filters(), fake_best([]), inferred, ["A", "B"])
    assert answer.table is not None
    values = {r.insurer: r.cells[0].value for r in answer.table.rows}
    assert values == {"B": "15 september 2026 (jaar afgeleid)", "A": "30 september 2026"}


def test_policies_compared_get_per_policy_leads() -> None:
    question = "verschillen de offertetermijnen van A en B?"
    c = comparison(question, ["A", "B"])
    assert c is not None
    c.policies = True
    subjects = [("A – MSZ", Filters(insurers=["A"])), ("B – GRZ", Filters(insurers=["B"]))]
    answer = compare(question, understand(question), c, Filters(), fake_best([]), facts(), [], subjects=subjects)
    assert answer.answer.splitlines()[0] == "Ja, dat verschilt per beleid"
    assert answer.table is not None and [r.insurer for r in answer.table.rows] == ["A", "B"]  # the insurer, not the label
    assert answer.answer.splitlines()[1].startswith("- A – MSZ (Beleid A): ")


def test_a_row_that_states_no_value_quotes_its_sentence_once() -> None:
    # "hoe melden we ons aan?" asks no value: a cell holds the quote's sentence, and the text line
    # quotes it without the same sentence in bold before it
    question = "hoe melden we ons bij A en B aan als nieuwe aanbieder, wat is het verschil?"
    c = comparison(question, ["A", "B"])
    assert c is not None
    answer = compare(question, understand(question), c, Filters(), fake_best([]), Facts(events=[], thresholds=[]), ["A", "B"])
    assert answer.table is not None
    for row, line in zip(answer.table.rows, answer.answer.splitlines()[1:], strict=True):
        value = row.cells[0].value
        assert value and value in line and "**" not in line and line.count(value) == 1


def test_who_qualifies_sooner_asks_conditions_not_dates() -> None:
    # "eerder in aanmerking komen" is qualifying more readily: each row holds what its policy requires,
    # and no insurer is ranked by a date its quote happens to hold
    question = "bij wie kom je eerder in aanmerking voor een contract, A of B?"
    c = comparison(question, ["A", "B"])
    assert c is not None and c.order == "earliest"
    asked: list[tuple[str, list[str]]] = []
    answer = compare(question, understand(question), c, Filters(), fake_best(asked), facts(), ["A", "B"])
    assert asked[0][0].startswith("Wanneer kom je in aanmerking")
    assert answer.table is not None and "het eerst" not in answer.table.lead
    assert all(r.cells[0].value != "15 september 2026" for r in answer.table.rows)
    # … while a time that falls earlier is still ranked by its date
    question = "Bij wie valt de aanmeldperiode eerder, A of B?"
    c = comparison(question, ["A", "B"])
    assert c is not None
    answer = compare(question, understand(question), c, Filters(), fake_best([]), facts(), ["A", "B"])
    assert answer.table is not None and answer.table.lead == "B het eerst: 15 september 2026"


def test_whether_they_are_the_same_is_answered_with_the_right_yes_or_no() -> None:
    # "hetzelfde?" is answered "Nee" where the values differ ("Ja, dat verschilt" would contradict the question)
    question = "Is de offertetermijn bij A en B hetzelfde?"
    c = comparison(question, ["A", "B"])
    assert c is not None and c.same and c.asks_whether
    answer = compare(question, understand(question), c, Filters(), fake_best([]), facts(), ["A", "B"])
    assert answer.answer.splitlines()[0] == "Nee, dat verschilt per verzekeraar"


def test_rows_that_state_no_value_are_not_called_different() -> None:
    # two sentences differ in wording whatever their rules: no yes or no is claimed from them
    question = "Verschillen de eisen voor nieuwe aanbieders van A en B?"
    c = comparison(question, ["A", "B"])
    assert c is not None and c.differ and c.asks_whether
    answer = compare(question, understand(question), c, Filters(), fake_best([]), Facts(events=[], thresholds=[]), ["A", "B"])
    assert answer.table is not None and all(r.cells[0].citation is not None for r in answer.table.rows)
    assert answer.answer.splitlines()[0] == "Per verzekeraar"


def test_the_question_asked_of_each_insurer_stays_a_question() -> None:
    """The names go with the words that join them, a difference with the question around it, "the same X"
    becomes "which X", and an order to show goes: phrasings the row question was not written against."""
    two = ["Salland", "Zilveren Kruis"]
    cases = {
        "Do Salland and Zilveren Kruis differ in how they handle new providers?": "how they handle new providers?",
        "Wat is het verschil tussen Salland en Zilveren Kruis wat betreft de offerte?": "de offerte?",
        "Kun je Salland en Zilveren Kruis vergelijken op de minimale omzet?": "de minimale omzet?",
        "How do Salland and Zilveren Kruis compare on the tender deadline?": "the tender deadline?",
        "Is er verschil tussen Salland en Zilveren Kruis in de looptijd van het contract?": "de looptijd van het contract?",
        "Hanteren Salland en Zilveren Kruis dezelfde termijn voor de offerte?": "welke termijn hanteren voor de offerte?",
        "Publiceren Salland en Zilveren Kruis hun beleid op dezelfde datum?": "op welke datum publiceren hun beleid?",
        "Is the deadline for new providers the same at Salland and Zilveren Kruis?": "what is the deadline for new providers?",
        "Moeten nieuwe aanbieders bij Salland en Zilveren Kruis hetzelfde aanleveren?": "wat moeten nieuwe aanbieders aanleveren?",
        "Zet de deadlines van Salland en Zilveren Kruis naast elkaar": "de deadlines?",
        "hoe meld ik me aan bij Salland en bij Zilveren Kruis, wat is het verschil?": "hoe meld ik me aan?",
        "Verschillen Salland, Zilveren Kruis en Zorg en Zekerheid allemaal in de eisen voor een VMS?": "de eisen voor een VMS?",
        # "dezelfde als" is no noun; a possessive goes with its name; a user's own symbol is no mark
        "Is de looptijd bij Zilveren Kruis dezelfde als bij Salland?": "wat is de looptijd?",
        "Zijn de eisen bij Salland en Zilveren Kruis hetzelfde?": "wat zijn de eisen?",
        "Do Salland and Zilveren Kruis have different rules on subcontracting?": "which rules do have on subcontracting?",
        "Wat is het verschil tussen de deadline van Salland en Zilveren Kruis?": "de deadline?",
        "Are Salland and Zilveren Kruis different when it comes to contract length?": "contract length?",
        "Salland's and Zilveren Kruis's deadline: do they differ?": "deadline: do they?",
        "Zijn Salland en Zilveren Kruis gelijk in stap \ue002 van de procedure?": "wat zijn in stap van de procedure?",
    }
    for question, row in cases.items():
        c = comparison(question, [*two, "Zorg en Zekerheid"])
        assert c is not None and c.row_question == row, (question, c and c.row_question)


def test_a_policy_comparison_asks_without_the_kinds_of_care() -> None:
    from assistant.query import care_aliases, insurer_aliases

    names = [rx for rx, _ in [*care_aliases(), *insurer_aliases()]]
    cases = {
        "Verschilt het omzetplafond tussen GRZ/ELV en ZG bij Zilveren Kruis?": "omzetplafond?",
        "Is it the same for GRZ/ELV as for sensory disability care (ZG)?": "what is it?",
        "Ons plafond loopt vol. Verschilt het tussen GRZ en ZG wat we moeten doen?": "Ons plafond loopt vol. wat we moeten doen?",
    }
    for question, row in cases.items():
        c = comparison(question, ["", ""], names)
        assert c is not None and c.row_question == row, (question, c and c.row_question)
