"""The chat's example questions come from the indexed policies, not from one corpus."""

from __future__ import annotations

from assistant.service import DocumentInfo
from inkoopwijzer.types import DocumentMeta
from ui.examples import example_questions, general_examples


def _doc(name: str, insurer: str | None, care: list[str], years: list[int], outdated: bool = False) -> DocumentInfo:
    meta = DocumentMeta(
        document=name, doc_id=name, title=f"Inkoopbeleid {name}", insurer=insurer, content_hash=name,
        care_types=care, years=years,
    )
    return DocumentInfo(meta=meta, chunks=10, outdated=outdated, notice=None)


def test_examples_name_the_insurers_care_types_and_years_indexed() -> None:
    """An installation with insurers and care types the shipped corpus lacks gets examples about them."""
    docs = [
        _doc("vgz.pdf", "VGZ", ["GGZ"], [2028]),
        _doc("menzis-old.pdf", "Menzis", ["Wijkverpleging"], [2025], outdated=True),
        _doc("dsw.pdf", "DSW", ["MSZ"], [2026, 2027]),
    ]
    examples = example_questions(docs)
    assert len(examples) == len(general_examples())
    assert "VGZ" in examples[0] and "GGZ 2028" in examples[0]  # the newest current policy first
    assert examples[1] == "deadline offerte dsw?"  # the next insurer, written the terse way a provider types it
    assert "VGZ" in examples[2]  # two current insurers: the templates take turns
    assert not any("Menzis" in e for e in examples)  # outdated while current policies exist
    for forbidden in ("Zilveren Kruis", "Salland", "Zorg en Zekerheid", "2026"):
        assert not any(forbidden in e for e in examples), forbidden


def test_outdated_policies_only_and_policies_without_care_or_year() -> None:
    only_old = example_questions([_doc("a.pdf", "Menzis", ["GRZ", "ELV"], [2024, 2025], outdated=True)])
    assert all("Menzis" in e or "menzis" in e for e in only_old)
    assert "voor GRZ/ELV 2024-2025?" in only_old[0]
    bare = example_questions([_doc("b.pdf", "ONVZ", [], [])])
    assert bare[0].endswith("bij ONVZ voor een contract?")  # no care type or year: no empty words
    assert "  " not in " ".join(bare)


def test_the_examples_file_must_give_a_named_example_per_button() -> None:
    import json

    import pytest

    from ui.examples import parse_examples

    bad = json.dumps({"named": ["a {insurer}"], "general": ["a", "b"], "policy_fallback": "x"})
    with pytest.raises(ValueError, match="examples.json.*as many examples"):
        parse_examples(bad)


def test_no_policy_with_an_insurer_gives_the_general_examples() -> None:
    assert example_questions([]) == general_examples()
    assert example_questions([_doc("c.pdf", None, ["MSZ"], [2027])]) == general_examples()
