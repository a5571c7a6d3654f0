"""A list cut over two passages (assistant.lists)."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.extractive import split_units
from assistant.lists import ListIndex
from index.search import Hit, by_document
from inkoopwijzer.types import Chunk, DocumentMeta

META = DocumentMeta(document="a.pdf", doc_id="a", title="Inkoopbeleid MSZ", insurer="Zilveren Kruis", content_hash="x")
INTRO = "Voor een meerjarenafspraak voldoet u minimaal aan:"
FIRST = f"Wilt u een meerjarenafspraak?\n\n{INTRO}\n\nMitz voor toestemming\n\nNEN 7510 (gecertificeerd)"
REST = "ZORG-ID Smart: u maakt hiervan gebruik.\n\nTwiin afsprakenstelsel: u bent hierop aangesloten"
TEXT = f"{FIRST}\n\n{REST}"


def _index(context: str = INTRO, gap: int = 2) -> tuple[ListIndex, Chunk]:
    first = Chunk(id="first", document="a.pdf", text=FIRST, start=0, end=len(FIRST), kind="list")
    start = len(FIRST) + gap
    rest = Chunk(id="rest", document="a.pdf", text=REST, context=context, start=start, end=start + len(REST), kind="list")
    searcher = SimpleNamespace(by_document=by_document([rest, first]))
    return ListIndex(searcher), rest  # type: ignore[arg-type]


def test_the_rest_of_a_list_gets_its_introduction_and_first_items() -> None:
    lists, rest = _index()
    first_unit = split_units(Hit(chunk=rest, meta=META, score=1.0), 0)[0]
    opening = lists.opening(first_unit)
    assert [u.text for u in opening] == [INTRO, "Mitz voor toestemming", "NEN 7510 (gecertificeerd)"]
    assert all(TEXT[u.start : u.end] == u.text for u in opening)  # verbatim, with the document's offsets


def test_no_opening_for_a_later_item_a_passage_of_its_own_or_a_far_passage() -> None:
    lists, rest = _index()
    assert lists.opening(split_units(Hit(chunk=rest, meta=META, score=1.0), 0)[1]) == []  # not where the passage opens
    no_intro, rest = _index(context="")
    assert no_intro.opening(split_units(Hit(chunk=rest, meta=META, score=1.0), 0)[0]) == []
    far, rest = _index(gap=200)
    assert far.opening(split_units(Hit(chunk=rest, meta=META, score=1.0), 0)[0]) == []


def test_an_introduction_that_ends_its_passage_gets_the_first_items_of_the_next() -> None:
    from assistant.quotes import LIST_CHARS

    intro_text = "We stellen de volgende eisen aan het behandelplan:"
    items = ["Het behandelplan bevat een vaste structuur.", "Aard en omvang zijn onderdeel van het plan.", "x" * LIST_CHARS]
    head = f"Het behandelplan vormt de basis. {intro_text}"
    body = "\n\n".join(items)
    first = Chunk(id="a", document="a.pdf", text=head, start=0, end=len(head))
    nxt = Chunk(id="b", document="a.pdf", text=body, start=len(head) + 2, end=len(head) + 2 + len(body), kind="list")
    lists = ListIndex(SimpleNamespace(by_document=by_document([first, nxt])))  # type: ignore[arg-type]
    intro = split_units(Hit(chunk=first, meta=META, score=1.0), 0)[-1]
    assert intro.text == intro_text
    # as many items as LIST_CHARS allows: the third would pass it
    assert [u.text for u in lists.following(intro)] == items[:2]
    plain = split_units(Hit(chunk=first, meta=META, score=1.0), 0)[0]
    assert lists.following(plain) == []  # no introduction


def _cut_list(rest_text: str, context: str = "GRZ kent 5 diagnosegroepen:") -> tuple[ListIndex, Chunk]:
    head = f"{context}\n\nCVA: revalidant na een beroerte;\n\nTrauma: revalidant na een val;"
    first = Chunk(id="a", document="a.pdf", text=head, start=0, end=len(head), kind="list")
    start = len(head) + 2
    nxt = Chunk(id="b", document="a.pdf", text=rest_text, context=context, start=start, end=start + len(rest_text), kind="list")
    return ListIndex(SimpleNamespace(by_document=by_document([first, nxt]))), first  # type: ignore[arg-type]


def test_an_item_that_ends_its_passage_gets_the_rest_of_the_list_up_to_its_last_item() -> None:
    rest = "Amputatie: revalidant na een amputatie;\n\nOverig: revalidant na opname. Bijvoorbeeld bij COPD.\n\nDe GRZ duurt kort."
    lists, first = _cut_list(rest)
    last = split_units(Hit(chunk=first, meta=META, score=1.0), 0)[-1]
    assert last.text.endswith("val;")
    got = [u.text for u in lists.rest(last)]
    # the item ending with a full stop is the last; the paragraph after the list is not quoted
    assert got == ["Amputatie: revalidant na een amputatie;", "Overig: revalidant na opname.", "Bijvoorbeeld bij COPD."]


def test_no_rest_without_a_carried_introduction_or_for_a_list_longer_than_quoted() -> None:
    rest = "Amputatie: revalidant na een amputatie;\n\nOverig: revalidant na opname."
    lists, first = _cut_list(rest, context="")
    last = split_units(Hit(chunk=first, meta=META, score=1.0), 0)[-1]
    assert lists.rest(last) == []  # the next passage does not continue a list
    from assistant.quotes import LIST_CHARS

    long_list, first = _cut_list("\n\n".join(f"Item {i}: {'x' * 60};" for i in range(LIST_CHARS // 60 + 2)))
    assert long_list.rest(split_units(Hit(chunk=first, meta=META, score=1.0), 0)[-1]) == []
    lists, first = _cut_list(rest)
    assert lists.rest(split_units(Hit(chunk=first, meta=META, score=1.0), 0)[0]) == []  # the introduction ends with ':'


def test_a_paragraph_runs_on_over_a_line_the_pdf_broke_and_a_sentence_that_points_back() -> None:
    from assistant.quotes import paragraph_of

    text = (
        "Wij onderhandelen over volume en tarieven.\n\n"
        "Hiervoor kijken we naar het aantal unieke verzekerden,\n\n"
        "de ontwikkeling van de zorgkosten per cliënt.\n\n"
        "Nieuwe zorgaanbieders melden zich voor 1 juni."
    )
    chunk = Chunk(id="p", document="a.pdf", text=text, start=0, end=len(text))
    units = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
    quoted = [u.text for u in paragraph_of(units[0], units, 900)]
    # "Hiervoor …" points back and "de ontwikkeling …" goes on a broken line; the next sentence starts anew
    assert quoted == [
        "Wij onderhandelen over volume en tarieven.",
        "Hiervoor kijken we naar het aantal unieke verzekerden,",
        "de ontwikkeling van de zorgkosten per cliënt.",
    ]


def test_a_sentence_saying_de_volgende_introduces_the_list_after_it() -> None:
    from assistant.extractive import introduces_list
    from assistant.quotes import with_neighbour

    assert introduces_list("Lever informatie aan over de volgende aspecten:")
    assert introduces_list("Nieuwe zorgaanbieders leveren voor 1 juni 2023 de volgende documenten aan.")
    assert not introduces_list("De volgende stap is het gesprek. Daarna tekent u.")
    assert not introduces_list("Wij publiceren de planning op de website.")
    text = "Nieuwe zorgaanbieders leveren voor 1 juni de volgende documenten aan.\n\nUittreksel KvK.\n\nVerklaring omtrent gedrag."
    chunk = Chunk(id="d", document="a.pdf", text=text, start=0, end=len(text), kind="list")
    units = split_units(Hit(chunk=chunk, meta=META, score=1.0), 0)
    assert [u.text for u in with_neighbour(units[0], units, "date")] == [u.text for u in units]
