"""Block-level repairs every loader's output goes through."""

from __future__ import annotations

from ingest.blocks import Block
from ingest.structure import join_broken_sentences


def test_a_sentence_broken_over_two_blocks_is_one_block_again() -> None:
    blocks = [
        Block("para", "Passende zorg is zorg die samen met de patiënt tot", page=7),
        Block("para", "stand komt. Het betekent de juiste zorg op de juiste plek.", page=8),
        Block("para", "Om dat te beoordelen bespreekt u met uw zorginkoper voor welke", page=10),
        Block("statement", "zorgpaden u de telemonitoring wilt afspreken.", page=10),
    ]
    out = join_broken_sentences(blocks)
    assert [b.text for b in out] == [
        "Passende zorg is zorg die samen met de patiënt tot stand komt. Het betekent de juiste zorg op de juiste plek.",
        "Om dat te beoordelen bespreekt u met uw zorginkoper voor welke zorgpaden u de telemonitoring wilt afspreken.",
    ]
    assert out[0].page == 7  # the citation points where the sentence starts
    assert blocks[0].text.endswith("tot")  # the input is left as it was


def test_finished_sentences_headings_tables_and_footnotes_stay_apart() -> None:
    blocks = [
        Block("para", "De offerte ontvangen wij uiterlijk 1 oktober."),
        Block("para", "zie ook de website."),  # the previous sentence ended: a new block
        Block("list", "een geldige Wtza-toelating;"),
        Block("list", "minimaal 2,0 fte"),
        Block("heading", "eHealth", level=2),  # a heading is never the rest of a sentence
        Block("para", "³ SCP, 2011"),
        Block("para", "vooral op: functionele diagnostiek."),  # not the rest of a footnote
        Block("table_row", "1 oktober\toffertes"),
        Block("para", "daarna volgt het gesprek."),
    ]
    assert len(join_broken_sentences(blocks)) == len(blocks)


def test_a_list_item_runs_on_into_lower_case_text() -> None:
    blocks = [Block("list", "u levert de gegevens aan via"), Block("para", "het portaal van VECOZO.")]
    assert [b.text for b in join_broken_sentences(blocks)] == ["u levert de gegevens aan via het portaal van VECOZO."]
