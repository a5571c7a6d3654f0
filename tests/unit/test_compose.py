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
    assert compose.display_quote("\tUiterste aanmelddatum\t1 juni 2031") == "Uiterste aanmelddatum — 1 juni 2031"  # no empty lead
    assert compose.display_quote("Groot\tOmzet ≥ € 1.000.000\tOmzet ≥ € 150.000") == "Groot — Omzet ≥ € 1.000.000 | Omzet ≥ € 150.000"
    rows = "Datum\tOnderwerp\n\n3 maart\tAanmelden\n\nDaarna volgt het gesprek."
    assert compose.display_quote(rows) == "Datum — Onderwerp; 3 maart — Aanmelden; Daarna volgt het gesprek."


def test_running_text_is_shown_with_its_white_space_folded() -> None:
    assert compose.display_quote("Een zin\nover  twee regels.") == "Een zin over twee regels."
    assert compose.display_quote("") == ""


def test_only_an_english_answer_notes_that_its_quotes_are_dutch() -> None:
    assert compose.quoted_in_dutch("en") and not compose.quoted_in_dutch("nl")


def test_two_versions_of_one_policy_are_told_apart_by_title_not_label() -> None:
    old = _meta(document="a.pdf", insurer="VGZ", care_types=["WV"], years=[2031], title="Wijkverpleging 2031", version="1.0")
    new = _meta(document="b.pdf", insurer="VGZ", care_types=["WV"], years=[2031], title="Wijkverpleging 2031", version="2.0")
    other = _meta(document="c.pdf", insurer="CZ", care_types=["WV"], years=[2031])
    labels = compose.policy_labels([old, new, other])
    assert labels == {"a.pdf": "Wijkverpleging 2031, 1.0", "b.pdf": "Wijkverpleging 2031, 2.0", "c.pdf": "WV 2031"}
    # one policy alone keeps its short label
    assert compose.policy_labels([new]) == {"b.pdf": "WV 2031"}


def test_twin_policies_are_told_apart_by_what_differs() -> None:
    a = _meta(document="a.pdf", insurer="VGZ", care_types=["WV"], years=[2031], version="1.0", published="2030-04-01")
    b = _meta(document="b.docx", insurer="VGZ", care_types=["WV"], years=[2031], version="1.0", published="2030-05-01")
    assert compose.policy_labels([a, b]) == {"a.pdf": f"{a.title}, 2030-04-01", "b.docx": f"{b.title}, 2030-05-01"}
    same = b.model_copy(update={"published": "2030-04-01"})
    assert compose.policy_labels([a, same]) == {"a.pdf": f"{a.title}, a.pdf", "b.docx": f"{a.title}, b.docx"}


def test_a_policy_comparison_row_names_only_its_years() -> None:
    grz = _meta(document="g.pdf", insurer="ZK", care_types=["GRZ", "ELV"], years=[2027, 2028])
    assert compose.policy_labels([grz], care=False) == {"g.pdf": "2027-2028"}
    assert compose.policy_label(_meta(care_types=["GRZ"]), care=False) == "Inkoopbeleid Wijkverpleging 2027-2028"


def test_prose_and_a_wrapped_cell_are_not_cut_by_row_separators() -> None:
    assert compose.display_quote("Een inleiding:\n\n1 juni\tAanmelden") == "Een inleiding: 1 juni — Aanmelden"
    assert compose.display_quote("1 juni\tUiterste\naanmelddatum\r\n\r\n2 juli\tGesprek") == "1 juni — Uiterste aanmelddatum; 2 juli — Gesprek"
