"""The text an answer's lines are made of: quotes shown inline, the policy a line names."""

from __future__ import annotations

from assistant import compose
from inkoopwijzer.types import DocumentMeta


def _meta(**kw: object) -> DocumentMeta:
    base: dict[str, object] = {"document": "x.pdf", "doc_id": "x", "title": "Inkoopbeleid Wijkverpleging 2027-2028", "content_hash": "h"}
    return DocumentMeta.model_validate(base | kw)


def test_a_policy_is_named_by_its_kinds_of_care_and_years() -> None:
    assert compose.policy_label(_meta(care_types=["GRZ", "ELV"], years=[2028, 2027])) == "GRZ/ELV 2027-2028"
    assert compose.policy_label(_meta(care_types=["WV"], years=[2031])) == "WV 2031"
    assert compose.policy_label(_meta(care_types=["WV"])) == "WV"
    # a policy that names no kind of care keeps its title
    assert compose.policy_label(_meta(years=[2027])) == "Inkoopbeleid Wijkverpleging 2027-2028"


def test_a_table_row_is_shown_as_its_first_cell_a_dash_and_the_rest() -> None:
    assert compose.display_quote("1 juni 2031\tUiterste aanmelddatum\t\t") == "1 juni 2031 — Uiterste aanmelddatum"
    assert compose.display_quote("Groot\tOmzet ≥ € 1.000.000\tOmzet ≥ € 150.000") == "Groot — Omzet ≥ € 1.000.000 | Omzet ≥ € 150.000"
    rows = "Datum\tOnderwerp\n\n3 maart\tAanmelden\n\nDaarna volgt het gesprek."
    assert compose.display_quote(rows) == "Datum — Onderwerp; 3 maart — Aanmelden; Daarna volgt het gesprek."


def test_running_text_is_shown_with_its_white_space_folded() -> None:
    assert compose.display_quote("Een zin\nover  twee regels.") == "Een zin over twee regels."
    assert compose.display_quote("") == ""


def test_only_an_english_answer_notes_that_its_quotes_are_dutch() -> None:
    assert compose.quoted_in_dutch("en") and not compose.quoted_in_dutch("nl")
