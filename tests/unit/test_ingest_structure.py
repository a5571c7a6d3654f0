"""Block-level repairs every loader's output goes through."""

from __future__ import annotations

from dataclasses import replace

from ingest.blocks import Block
from ingest.structure import drop_toc, join_broken_sentences, levels_from_contents, place_blocks


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


def _sections(blocks: list[Block]) -> list[str]:
    _, placed = place_blocks(drop_toc(levels_from_contents(blocks)))
    return [p.section for p in placed if p.block.kind == "para"]


def _flat_document(contents: list[str]) -> list[Block]:
    """A Word export whose headings all share one style, with its table of contents."""
    return [
        Block("heading", "Inkoopbeleid Wijkverpleging 2031", level=1),
        Block("heading", "Inhoud", level=2),
        *[Block("table_row", row, cells=row.split("\t")) for row in contents],
        Block("para", "1 Wat verandert er?"),  # a chapter title the layout set as body text
        Block("heading", "1.1 Tarieven", level=2),
        Block("para", "Het tarief stijgt met de OVA."),
        Block("heading", "Voorbeeld", level=2),  # not in the contents: a section of 1.1
        Block("para", "Een uur kost 80 euro."),
        Block("heading", "2 Contracteren", level=2),
        Block("para", "U meldt zich aan via het portaal."),
        Block("heading", "2.1 Planning", level=2),
        Block("para", "Uiterlijk 1 mei 2030."),
    ]


def test_flat_headings_get_their_levels_from_the_documents_own_contents() -> None:
    rows = ["1\tWat verandert er?\t3", "1.1\tTarieven\t3", "2\tContracteren\t5", "2.1\tPlanning\t6"]
    assert _sections(_flat_document(rows)) == [
        "1 Wat verandert er? › 1.1 Tarieven",
        "1 Wat verandert er? › 1.1 Tarieven › Voorbeeld",
        "2 Contracteren",
        "2 Contracteren › 2.1 Planning",
    ]


def test_without_contents_or_with_levels_of_their_own_headings_stay_as_they_are() -> None:
    rows = ["1\tWat verandert er?\t3", "1.1\tTarieven\t3", "2\tContracteren\t5", "2.1\tPlanning\t6"]
    without = [b for b in _flat_document(rows) if b.kind != "table_row"]
    assert levels_from_contents(without) == without
    # contents that list fewer than three of the headings say too little
    assert levels_from_contents(_flat_document(rows[:2])) == _flat_document(rows[:2])
    # a layout that sets levels of its own (a PDF's font sizes) is trusted
    leveled = [replace(b, level=3) if b.text == "2.1 Planning" else b for b in _flat_document(rows)]
    assert levels_from_contents(leveled) == leveled


def test_a_title_listed_twice_a_second_contents_and_a_line_that_only_repeats_a_title() -> None:
    rows = ["1\tAlgemeen\t3", "1.1\tDoel\t3", "2\tGGZ\t5", "2.1\tAlgemeen\t5", "2.2\tPlanning\t6", "3\tWijkverpleging\t8"]
    blocks = [
        Block("heading", "Inkoopbeleid 2031", level=1),
        *[Block("table_row", row, cells=row.split("\t")) for row in rows],
        Block("heading", "1 Algemeen", level=2),
        Block("heading", "1.1 Doel", level=2),
        Block("para", "Planning"),  # a line that repeats a later title is no heading here
        Block("para", "Wij kopen zorg in."),
        Block("heading", "2 GGZ", level=2),
        Block("heading", "2.1 Algemeen", level=2),  # the second 'Algemeen': a section of 2
        Block("para", "De GGZ kent twee routes."),
        Block("heading", "2.2 Planning", level=2),
        Block("para", "Uiterlijk 1 mei."),
        Block("heading", "3 Wijkverpleging", level=2),
        # a contents of the chapter's own: its rows leave the levels as the first contents set them
        *[Block("table_row", row, cells=row.split("\t")) for row in ("3.1\tTarieven\t9", "3.2\tVolume\t9", "3.3\tKwaliteit\t10")],
        Block("heading", "3.1 Tarieven", level=2),
        Block("para", "Het tarief is 80 euro."),
    ]
    assert _sections(blocks) == [
        "1 Algemeen › 1.1 Doel",
        "1 Algemeen › 1.1 Doel",
        "2 GGZ › 2.1 Algemeen",
        "2 GGZ › 2.2 Planning",
        "3 Wijkverpleging › 3.1 Tarieven",
    ]
