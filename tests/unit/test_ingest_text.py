"""Loaders for plain text and Markdown, on files the tests make."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import parse_file
from ingest.text import decode_bytes, load_text
from inkoopwijzer.errors import IngestError

REPO = Path(__file__).resolve().parents[2]
TXT_003 = REPO / "evals" / "data" / "corpus_txt" / "003_2c4c2530db87d994.txt"


def test_hard_wrapped_text_is_rejoined_into_sentences(tmp_path: Path) -> None:
    lines = [
        "Titel van het beleid",
        "",
        "",
        "Dit is een lange zin die over meerdere regels",
        "",
        "loopt en pas hier eindigt met een punt.",
        "",
        "Een tweede zin staat op",
        "",
        "twee regels.",
        "",
    ] * 3
    f = tmp_path / "wrapped.txt"
    f.write_text("\n".join(lines), encoding="utf-8")
    blocks = [b.text for b in load_text(f).blocks]
    assert blocks[0] == "Titel van het beleid"
    for sentence in (
        "Dit is een lange zin die over meerdere regels loopt en pas hier eindigt met een punt.",
        "Een tweede zin staat op twee regels.",
    ):
        assert any(sentence in b for b in blocks), sentence


@pytest.mark.skipif(not TXT_003.exists(), reason="corpus text copy missing")
def test_no_passage_of_003_breaks_a_sentence_at_the_wrap() -> None:
    doc = parse_file(TXT_003)
    raw = TXT_003.read_text(encoding="utf-8")
    # A wrapped line that ends mid-sentence must be followed, in some passage, by its continuation.
    wrapped = [ln.strip() for ln in raw.split("\n") if ln.strip() and not ln.rstrip().endswith((".", ":", "?", "!"))]
    joined = " ".join(doc.text.split())
    broken = []
    for i, ln in enumerate(raw.split("\n")):
        if ln.strip() in wrapped and len(ln.strip()) > 60:
            nxt = next((x.strip() for x in raw.split("\n")[i + 1 :] if x.strip()), "")
            pair = " ".join(re.sub(r"^\s*(\d{1,2}[.)]|[-•o])\s+", "", f"{ln.strip()} {nxt}").split())
            if pair not in joined:
                broken.append(pair[:80])
    assert not broken, broken[:5]
    for chunk in doc.chunks:
        assert "\n\n" not in chunk.text or all(len(p) > 0 for p in chunk.text.split("\n\n"))


def test_markdown_links_are_reduced_to_their_text(tmp_path: Path) -> None:
    f = tmp_path / "links.md"
    f.write_text("# Kop\n\nVraag het aan via het [contactformulier](#) op onze site.\n", encoding="utf-8")
    doc = parse_file(f)
    assert "via het contactformulier op onze site." in doc.text
    assert "](#)" not in doc.text


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "oud.txt"
    f.write_bytes("Het tarief is € 100 per cliënt en de reactie komt binnen één week.".encode("cp1252"))
    doc = parse_file(f)
    assert "€ 100 per cliënt" in doc.text
    assert "één week" in doc.text


def test_binary_named_txt_is_refused() -> None:
    with pytest.raises(IngestError) as err:
        decode_bytes(bytes(range(256)) * 10, "data.txt")
    assert err.value.reason == "binary"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "leeg.txt"
    f.write_bytes(b"")
    with pytest.raises(IngestError) as err:
        parse_file(f)
    assert err.value.reason == "empty"


def test_unsupported_type_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "beleid.xlsx"
    f.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(IngestError) as err:
        parse_file(f)
    assert err.value.reason == "unsupported"


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "groot.txt"
    f.write_text("Een zin. " * 200_000, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        parse_file(f, max_file_mb=0.5)
    assert err.value.reason == "too_large"


def test_lists_stay_with_their_introduction(tmp_path: Path) -> None:
    f = tmp_path / "lijst.md"
    body = "## Voorwaarden\n\nU komt in aanmerking als u voldoet aan de volgende eisen:\n\n- u heeft een AGB-code;\n- u levert kwaliteitsgegevens aan;\n- u bent aangesloten op Mitz.\n"
    f.write_text(body, encoding="utf-8")
    doc = parse_file(f)
    holding = [c for c in doc.chunks if "AGB-code" in c.text]
    assert holding and "volgende eisen:" in holding[0].text + holding[0].context


def test_chunk_text_is_a_verbatim_slice_with_stable_ids(tmp_path: Path) -> None:
    f = tmp_path / "beleid.md"
    f.write_text("# Planning\n\n" + "\n\n".join(f"Zin nummer {i} over de planning van 2027." for i in range(60)), encoding="utf-8")
    a = parse_file(f, chunk_target=300)
    b = parse_file(f, chunk_target=300)
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    for c in a.chunks:
        assert a.text[c.start : c.end] == c.text
        assert c.section == "Planning"
        assert len(c.text) <= 600


def test_markdown_with_one_line_paragraphs_is_not_taken_for_hard_wrapped_text(tmp_path: Path) -> None:
    paragraphs = [
        "VGZ koopt wijkverpleging in voor 2027 bij zorgaanbieders die aan de kwaliteitseisen voldoen en die in de regio werken.",
        "Nieuwe zorgaanbieders melden zich uiterlijk 1 april 2026 aan via het zorginkoopportaal van VECOZO.",
        "Wij beoordelen de aanmelding binnen zes weken en laten u het resultaat per e-mail weten.",
        "Het tarief is een vast uurtarief; een opslag voor innovatie is mogelijk wanneer u een plan indient.",
        "Declaraties moeten binnen drie maanden na de zorgverlening bij ons binnen zijn.",
    ]
    md = "\n\n".join(
        ["# Inkoopbeleid wijkverpleging 2027", "## Contractering", *paragraphs[:3], "## Tarieven", *paragraphs[3:]]
    )
    path = tmp_path / "vgz.md"
    path.write_text(md + "\n", encoding="utf-8")
    doc = parse_file(path)
    for p in paragraphs:  # each paragraph is whole and on its own
        assert p in doc.text
        assert sum(1 for c in doc.chunks if p in c.text) >= 1
    assert doc.meta.title == "Inkoopbeleid wijkverpleging 2027"
    by_text = {p: next(c for c in doc.chunks if p in c.text) for p in paragraphs}
    assert by_text[paragraphs[0]].section == "Contractering"
    assert by_text[paragraphs[4]].section == "Tarieven"  # the one '#' heading is the title, not a section


def test_hard_wrapped_lines_without_blank_lines_are_told_by_their_length(tmp_path: Path) -> None:
    text = (
        "Zorginkoopbeleid 2027\n\n"
        "Wij kopen zorg in bij aanbieders die aan onze eisen voldoen. Een aanbieder\n"
        "die zich wil aanmelden, doet dat uiterlijk op 1 april 2026 via het portaal\n"
        "van VECOZO. Wij beoordelen de aanvraag en laten binnen zes weken weten of\n"
        "wij een overeenkomst aanbieden. De overeenkomst heeft een looptijd van een\n"
        "jaar en wordt niet stilzwijgend verlengd. Voor de tarieven geldt een con-\n"
        "tracteerprocedure met twee rondes, waarin u een offerte kunt indienen bij\n"
        "de zorginkoper van uw regio. Daarna volgt het definitieve aanbod van ons.\n"
    ) * 2
    path = tmp_path / "wrapped.txt"
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    assert "doet dat uiterlijk op 1 april 2026 via het portaal van VECOZO." in doc.text
    assert "contracteerprocedure met twee rondes" in doc.text  # the line-end hyphen mended
