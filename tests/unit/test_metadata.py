"""Metadata found in the document itself (ingest.metadata), without a catalog."""

from __future__ import annotations

from pathlib import Path

from ingest.blocks import Block
from ingest.metadata import find_metadata, looks_like_file_name
from ingest.pipeline import parse_file


def _blocks(*items: tuple[str, str]) -> list[Block]:
    return [Block(kind, text, level=1 if kind == "heading" else 0) for kind, text in items]  # type: ignore[arg-type]


def test_a_file_name_is_not_a_title() -> None:
    for name in ("000_2839806238769069.html", "beleid_2027.docx", "Microsoft Word - inkoop.docx", "scan0001", ""):
        assert looks_like_file_name(name), name
    assert not looks_like_file_name("Zorginkoopbeleid 2027 wijkverpleging")


def test_title_is_the_first_heading_when_the_files_title_is_a_file_name() -> None:
    blocks = _blocks(
        ("heading", "VGZ"),
        ("heading", "Inkoopbeleid 2027"),
        ("heading", "Wijkverpleging"),
        ("para", "VGZ koopt wijkverpleging in bij zorgaanbieders in de regio. Dit beleid geldt voor 2027."),
    )
    found = find_metadata(blocks, "\n".join(b.text for b in blocks), {"title": "vgz_wv_2027.pdf"}, [], "vgz_wv_2027")
    assert found.title == "Inkoopbeleid 2027 Wijkverpleging"
    assert found.insurer == "VGZ" and found.care_types == ["WV"] and found.years == [2027]
    assert found.warnings == []


def test_years_from_the_validity_statement_not_every_year_mentioned() -> None:
    text = (
        "Sinds 2019 werken wij samen. In 2025 en 2026 is veel veranderd; in 2030 verwachten wij meer. "
        "Dit beleid is geldig van 1 januari 2027 tot en met 31 december 2028."
    )
    found = find_metadata(_blocks(("heading", "Zorginkoopbeleid DSW"), ("para", text)), text, {}, [], "x")
    assert found.years == [2027, 2028]
    text2 = "Deze regeling loopt van 1 januari 2027 tot 1 januari 2029 voor alle aanbieders van DSW."
    assert find_metadata(_blocks(("para", text2)), text2, {}, [], "x").years == [2027, 2028]


def test_the_policy_year_is_not_the_year_it_is_compared_with() -> None:
    text = (
        "In dit hoofdstuk staan de wijzigingen in het inkoopbeleid 2024 ten opzichte van het inkoopbeleid 2023. "
        "De overeenkomst heeft een looptijd van 2 jaar. Zilveren Kruis koopt zintuiglijk gehandicaptenzorg in. "
        "Zintuiglijk gehandicaptenzorg (ZG) wordt geleverd door ZG-instellingen. ZG ZG ZG."
    )
    found = find_metadata(_blocks(("heading", "Belangrijkste wijzigingen"), ("para", text)), text, {}, [], "x")
    assert found.years == [2024, 2025]
    assert found.care_types == ["ZG"]
    assert found.title == "Inkoopbeleid zintuiglijk gehandicaptenzorg 2024-2025"
    assert any("no title found" in w for w in found.warnings)


def test_an_insurer_not_in_the_registry_is_named_as_the_text_names_itself() -> None:
    text = "Zorgverzekeraar Noorderzon koopt wijkverpleging in. Noorderzon Zorgverzekeraar contracteert voor 2027."
    found = find_metadata(_blocks(("heading", "Inkoopbeleid wijkverpleging 2027"), ("para", text)), text, {}, [], "x")
    assert found.insurer == "Noorderzon"
    assert "insurer not in the registry: Noorderzon" in found.warnings


def test_no_year_and_no_insurer_are_reported() -> None:
    text = "Wij kopen zorg in bij aanbieders die aan de eisen voldoen. Meer informatie volgt later."
    found = find_metadata(_blocks(("para", text)), text, {}, [], "x")
    assert found.years == [] and found.insurer is None
    assert "no year found" in found.warnings and "no insurer found" in found.warnings


def test_the_five_shipped_text_versions_without_a_catalog(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[2] / "evals" / "data" / "corpus_txt"
    got = {p.stem[:3]: parse_file(p).meta for p in sorted(corpus.glob("*.txt"))}
    assert {k: m.insurer for k, m in got.items()} == {
        "000": "Zilveren Kruis", "001": "Zorg en Zekerheid", "002": "Zilveren Kruis", "003": "Zilveren Kruis", "004": "Salland",
    }
    assert {k: m.years for k, m in got.items()} == {
        "000": [2027], "001": [2027], "002": [2027, 2028], "003": [2024, 2025], "004": [2027],
    }
    assert {k: m.care_types[:2] for k, m in got.items()} == {
        "000": ["MSZ", "AMB"], "001": ["MSZ"], "002": ["GRZ", "ELV"], "003": ["ZG"], "004": ["MSZ"],
    }
