"""The PDF parser (ingest.pdf) on small PDFs drawn here with reportlab, each the way a renderer
the parser was not written against draws it (LibreOffice, Chromium, a reportlab brochure)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.blocks import Block
from ingest.pdf import load_pdf

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ITEMS = [
    "De tekst van hoofdstuk 3.1 over de algemene ambities is verwijderd.",
    "In de tekst van hoofdstuk 3.3 is een versterking van de regie toegevoegd.",
    "De wijzigingen omtrent digitale zorg staan in bijlage 1.",
]


def _pdf(tmp_path: Path, draw: Callable[[Any], None], patch: Callable[[bytes], bytes] = lambda b: b) -> list[Block]:
    """The blocks of a one-page PDF that `draw` drew on an A4 canvas (its bytes `patch`ed)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    draw(c)
    c.showPage()
    c.save()
    path = tmp_path / "doc.pdf"
    path.write_bytes(patch(buf.getvalue()))
    return load_pdf(path, ocr=False).blocks


def _intro(c: Any) -> None:
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, "Hoofdstuk 3 uit het zorginkoopbeleid 2026 is als volgt aangepast:")


def test_a_bullet_of_a_symbol_font_opens_a_list_item(tmp_path: Path) -> None:
    # LibreOffice draws Word's list bullet in OpenSymbol without a Unicode map: pdfium reports U+F0B7.
    # Here DejaVu's bullet gets that code in the font's ToUnicode map.
    pdfmetrics.registerFont(TTFont("DejaVuSans", DEJAVU))

    def draw(c: Any) -> None:
        _intro(c)
        for i, item in enumerate(ITEMS):
            c.setFont("DejaVuSans", 11)
            c.drawString(72, 745 - 14.7 * i, "\u2022")
            c.setFont("Helvetica", 11)
            c.drawString(90, 745 - 14.7 * i, item)

    blocks = _pdf(tmp_path, draw, lambda b: b.replace(b"<2022>", b"<F0B7>"))
    assert [(b.kind, b.text) for b in blocks[1:]] == [("list", t) for t in ITEMS]


def test_a_bullet_drawn_as_a_disc_opens_a_list_item(tmp_path: Path) -> None:
    # Chromium draws a list's bullets as small filled discs, not as a character
    def draw(c: Any) -> None:
        _intro(c)
        c.setFont("Helvetica", 11)
        for i, item in enumerate(ITEMS):
            y = 745 - 14.25 * i
            c.circle(79.0, y + 3.2, 1.5, stroke=0, fill=1)
            c.drawString(90, y, item)

    blocks = _pdf(tmp_path, draw)
    assert [(b.kind, b.text) for b in blocks[1:]] == [("list", t) for t in ITEMS]


INTRO = [
    "Lees in dit hoofdstuk welke data belangrijk zijn. Zodat we met elkaar op tijd",
    "de afspraken voor het nieuwe jaar rond hebben. Ook de data van eerdere jaren",
    "staan hier, zodat u kunt zien wat er veranderde en wanneer dat gebeurde; de",
    "planning kan in de loop van het jaar nog wijzigen, kijk daarom ook op de site.",
]
ROWS = [
    ("1 april 2026", ["Publicatie inkoopbeleid", "Medisch Specialistische Zorg"]),
    ("1 juni 2026", ["Zorgaanbieders zonder overeenkomst", "kunnen zich tot deze datum", "aanmelden."]),
    ("1 september 2026", ["Overeenkomst 2027 op te vragen", "via ons contactformulier"]),
]


def _ruled_table(
    c: Any, rows: list[tuple[str, list[str]]], top: float, third: list[str] | None = None, intro: list[str] = INTRO
) -> None:
    """A table set tight, as LibreOffice sets Word's 'Table Grid': a row's first line 13.3 pt below
    the last one's, a cell's lines 12.8 pt apart, a border between the rows."""
    c.setFont("Helvetica", 11)
    for i, text in enumerate(intro):  # the page's text stands at the margin, as the table's first column
        c.drawString(90, top + 40 + 14.7 * (len(intro) - i), text)
    y = top
    for i, (first, lines) in enumerate(rows):
        c.line(84, y + 10.5, 517, y + 10.5)
        c.drawString(90, y, first)
        for j, text in enumerate(lines):
            c.drawString(200 if third else 306, y - 12.8 * j, text)
        if third:
            c.drawString(345, y, third[i])
        y -= 12.8 * (len(lines) - 1) + 13.3
    c.line(84, y + 10.5, 517, y + 10.5)


def test_a_border_between_rows_of_a_tight_table_starts_a_row(tmp_path: Path) -> None:
    blocks = _pdf(tmp_path, lambda c: _ruled_table(c, ROWS, 700))
    assert [b.cells for b in blocks if b.kind == "table_row"] == [[first, " ".join(lines)] for first, lines in ROWS]


def test_a_ruled_table_with_a_narrow_last_column_is_no_two_column_page(tmp_path: Path) -> None:
    # a table of contents: numbers, titles wrapped in a narrow column, page numbers; the gap before
    # the page numbers looks like a gutter between two text columns, but the row borders cross it
    rows = [(f"{n}.{k}", [f"Wijzigingen in paragraaf {n}.{k}"]) for n in range(1, 5) for k in range(1, 4)]
    pages = [str(3 + i // 2) for i in range(len(rows))]
    intro = ["Zorginkoopbeleid medisch-specialistische", "zorg 2027, versie 1.1 van 1 juni 2026"] * 3
    blocks = _pdf(tmp_path, lambda c: _ruled_table(c, rows, 580, third=pages, intro=intro))
    assert [b.cells for b in blocks if b.kind == "table_row"] == [[n, " ".join(t), p] for (n, t), p in zip(rows, pages, strict=True)]


def test_paragraphs_set_with_space_between_them_stay_apart(tmp_path: Path) -> None:
    # a brochure's paragraphs: lines 12.5 pt apart, 5 pt more between paragraphs (less than 1.75 lines)
    words = "De zorgaanbieder levert zorg die voldoet aan de eisen van het kwaliteitskader".split()
    paras = [[" ".join(words[(p + i) % 5 :]) for i in range(8)] for p in range(3)]
    paras = [[*lines[:-1], f"{lines[-1]}."] for lines in paras]

    def draw(c: Any) -> None:
        c.setFont("Times-Roman", 10)
        y = 780.0
        for lines in paras:
            for text in lines:
                c.drawString(51, y, text)
                y -= 12.5
            y -= 5.0

    blocks = _pdf(tmp_path, draw)
    assert [(b.kind, b.text) for b in blocks] == [("para", " ".join(lines)) for lines in paras]


def test_a_list_item_runs_on_over_lines_at_its_indent_when_lists_are_most_of_the_text(tmp_path: Path) -> None:
    # the body text starts at 57 pt, list items (bullet 76, text 87) are most of the lines: a line
    # at the items' indent continues the item, even when it opens with a bracket or a capital
    items = [
        ["De tekst van hoofdstuk 4.2 is herschreven. Er zullen uitgangspunten", "gelden voor het inkopen op basis van netto inkoopprijzen", "(NIP)."],
        ["Het aanvragen van een zorgovereenkomst gaat via het formulier op de", "website in plaats van per e-mail aan Contractbeheer", "(hoofdstuk 5.3)."],
        ["Bij het voorbehoud is toegevoegd dat de zorgverzekeraar onderdelen", "mag uitsluiten van de overeenkomst met de", "Zorgaanbieder."],
    ]

    def draw(c: Any) -> None:
        c.setFont("Helvetica", 10.5)
        c.drawString(57, 780, "In het zorginkoopbeleid 2027 zijn de volgende zaken gewijzigd:")
        y = 760.0
        for item in items * 2:
            c.circle(77.3, y + 3.4, 1.5, stroke=0, fill=1)
            for text in item:
                c.drawString(87, y, text)
                y -= 14.25
    blocks = _pdf(tmp_path, draw)
    assert [(b.kind, b.text) for b in blocks[1:]] == [("list", " ".join(item)) for item in items * 2]


def test_statements_not_set_bold_are_told_by_their_text_as_in_a_docx(tmp_path: Path) -> None:
    from ingest.pipeline import parse_file

    statement = "Wij kopen de acute zorg vanaf 2027 regionaal in."
    body = [
        "Vanaf 2027 werken wij stapsgewijs toe naar het aanwijzen van voorkeursaanbieders",
        "voor acute zorg in elke regio. Dit doen we samen met de andere zorgverzekeraars en",
        "de zorgaanbieders in de regio, zodat de zorg toegankelijk blijft voor iedereen.",
    ]

    def draw(c: Any) -> None:
        c.setFont("Helvetica-Bold", 14)
        c.drawString(57, 780, "Acute zorg")
        c.setFont("Helvetica", 10)
        c.drawString(57, 755, statement)
        for i, text in enumerate(body):
            c.drawString(57, 735 - 13 * i, text)

    _pdf(tmp_path, draw)
    chunks = parse_file(tmp_path / "doc.pdf").chunks
    assert chunks and all(ch.section == f"Acute zorg › {statement}" for ch in chunks)


def test_a_paragraph_after_a_list_in_the_second_column_starts_at_that_columns_margin(tmp_path: Path) -> None:
    # a two-column brochure (Times 10 on 12.5): the left column full of text, in the right one a
    # list (bullet at the column's edge, text indented) and then a paragraph at the column's edge
    left = "Zorgaanbieders die werken met kwetsbare patiënten en"
    items = ["U bent ingeschreven bij de Kamer van Koophandel.", "U voldoet aan de vereisten van de Wtza."]
    after = "Bent u voor ons een nieuwe aanbieder? Dan vragen we"

    def draw(c: Any) -> None:
        c.setFont("Times-Roman", 10)
        for i in range(40):
            c.drawString(51, 780 - 12.5 * i, left)
        y = 780.0
        for _ in range(4):
            c.drawString(312.6, y, left)
            y -= 17.5
        for item in items:
            c.drawString(312.6, y, "•")
            c.drawString(322.6, y, item)
            y -= 14.5
        c.drawString(312.6, y, after)
        c.drawString(312.6, y - 12.5, "u aan te geven voor welke zorg u dat wilt.")

    blocks = _pdf(tmp_path, draw)
    assert [b.text for b in blocks if b.kind == "list"] == items
    assert blocks[-1].kind == "para" and blocks[-1].text.startswith(after)


def test_a_justified_line_with_one_wide_word_gap_is_no_table_row(tmp_path: Path) -> None:
    # justified text: a long word that did not fit pushed the rest apart, leaving one gap of an em
    lines = [
        "Uw laboratorium werkt volgens de huidige informatiestandaarden (e-Lab).",
        "Uw (ziekenhuis)laboratorium voert gestructureerd Diagnostisch Toetsoverleg",
        "(DTO's) uit en levert spiegelinformatie naar huisartsen en aanvragers.",
    ]

    def draw(c: Any) -> None:
        c.setFont("Helvetica", 10.5)
        right = 87 + c.stringWidth(lines[1], "Helvetica", 10.5) + 11
        c.drawString(87, 700, lines[0])
        c.drawString(87, 685.75, "Uw")
        c.drawRightString(right, 685.75, lines[1][3:])
        c.drawString(87, 671.5, lines[2])
        c.drawRightString(right, 657.25, "Tot slot nog een regel die tot de rechterkantlijn loopt.")

    blocks = _pdf(tmp_path, draw)
    assert [b.kind for b in blocks] == ["para"]
    assert blocks[0].text.startswith(" ".join(lines))


def test_two_headings_further_apart_than_a_wrapped_headings_lines_stay_two(tmp_path: Path) -> None:
    # a heading wrapped over three lines 14.5 pt apart, then two headings 20.5 pt apart (under 1.75 lines)
    wrapped = ["Bijlage 2: Kwaliteitsvoorwaarden voor", "specifieke zorg, onderwerpen of", "behandelingen"]
    body = "Lees in deze bijlage welke voorwaarden gelden voor de zorg die u levert."

    def draw(c: Any) -> None:
        y = 780.0
        c.setFont("Times-Bold", 12)
        for text in wrapped:
            c.drawString(51, y, text)
            y -= 14.5
        c.setFont("Times-Roman", 10)
        c.drawString(51, y - 4, body)
        y -= 30
        c.setFont("Times-Bold", 12)
        c.drawString(51, y, "Bijlage 3: Onze inkoopvoorwaarden")
        c.drawString(51, y - 20.5, "Algemene zorginkoopvoorwaarden")
        c.setFont("Times-Roman", 10)
        c.drawString(51, y - 38, body)

    blocks = _pdf(tmp_path, draw)
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", " ".join(wrapped)),
        ("para", body),
        ("heading", "Bijlage 3: Onze inkoopvoorwaarden"),
        ("heading", "Algemene zorginkoopvoorwaarden"),
        ("para", body),
    ]


def test_a_justified_heading_with_wide_gaps_between_runs_of_words_is_one_heading(tmp_path: Path) -> None:
    # Chromium justifies a wrapped heading: some of its word gaps reach a cell gap, others not
    runs = ["Kwaliteitsvoorwaarden voor", "specifieke", "zorg,", "onderwerpen of"]
    body = "We kopen deze zorg alleen in als u aan de volgende (landelijke) voorwaarden voldoet."

    def draw(c: Any) -> None:
        c.setFont("Helvetica-Bold", 13)
        x = 57.0
        for run in runs:
            c.drawString(x, 772, run)
            x += c.stringWidth(run, "Helvetica-Bold", 13) + 13.5
        right = x - 13.5
        c.drawString(57, 755, "behandelingen")
        c.setFont("Helvetica", 10.5)
        c.drawString(57, 729, body)
        c.drawRightString(right, 715, "en ook deze regel loopt tot de rechterkantlijn.")

    blocks = _pdf(tmp_path, draw)
    assert (blocks[0].kind, blocks[0].text) == ("heading", " ".join([*runs, "behandelingen"]))


def test_a_justified_list_item_with_its_bullet_is_one_item_not_a_table_row(tmp_path: Path) -> None:
    # Chromium: a disc, then a justified line whose word gaps grew to 1.5 em (no space characters)
    words = "De zorgaanbieder beschikt over een geaccrediteerd of gecertificeerd".split()
    rest = "Veiligheidsmanagementsysteem conform de NEN8009:2018."

    def draw(c: Any) -> None:
        _intro(c)
        c.setFont("Helvetica", 10.5)
        x = 87.0
        c.circle(77.3, 748.4, 1.5, stroke=0, fill=1)
        for word in words:
            c.drawString(x, 745, word)
            x += c.stringWidth(word, "Helvetica", 10.5) + 15.5
        c.drawString(87, 730.75, rest)

    blocks = _pdf(tmp_path, draw)
    assert [(b.kind, b.text) for b in blocks[1:]] == [("list", f"{' '.join(words)} {rest}")]


def test_a_justified_line_of_the_left_column_beside_a_line_of_the_right_one_is_no_table_row(tmp_path: Path) -> None:
    # a two-column brochure: a justified line of four words spread to the left column's edge,
    # with a line of the right column on the same baseline (the gap to it is no word gap)
    line = "Zorgaanbieders die werken met kwetsbare patiënten en"
    words = ["NZa", "budgetbekostiging", "spoedeisende", "hulp"]

    def draw(c: Any) -> None:
        c.setFont("Times-Roman", 10)
        edge = 51 + c.stringWidth(line, "Times-Roman", 10)
        gap = (edge - 51 - sum(c.stringWidth(w, "Times-Roman", 10) for w in words)) / 3
        for i in range(30):
            y = 780 - 12.5 * i
            c.drawString(312.6, y, line)
            if i != 10:
                c.drawString(51, y, line)
                continue
            x = 51.0
            for w in words:
                c.drawString(x, y, w)
                x += c.stringWidth(w, "Times-Roman", 10) + gap

    blocks = _pdf(tmp_path, draw)
    assert {b.kind for b in blocks} == {"para"}
    assert " ".join(words) + " " + line in blocks[0].text


def test_numbered_rows_of_a_ruled_table_are_table_rows_not_list_items(tmp_path: Path) -> None:
    # a table whose first column numbers the rows: a border above each row, the text a column away
    rows = [
        ("1.", ["Er heeft afstemming plaatsgevonden over", "het aanbod in de regio."]),
        ("2.", ["Ambulante zorg vervangt geheel of", "gedeeltelijk een opname met verblijf."]),
        ("3.", ["U heeft een specifiek triageprotocol."]),
    ]
    blocks = _pdf(tmp_path, lambda c: _ruled_table(c, rows, 700))
    assert not [b for b in blocks if b.kind == "list"]
    assert [b.cells for b in blocks if b.kind == "table_row"] == [[n, " ".join(t)] for n, t in rows]


def _grid(c: Any, x: list[float], rows: list[list[list[str]]], top: float, bold_first: bool = False, close: bool = True) -> float:
    """A ruled table (Times 8.5 on 10, a border above each row, and below the last if `close`):
    `rows` of cells of lines, the columns at `x`. Returns the y below it."""
    y = top
    for r, row in enumerate(rows):
        c.line(x[0] - 6, y + 9, x[-1] + 80, y + 9)
        c.setFont("Times-Bold" if bold_first and r == 0 else "Times-Roman", 8.5)
        for col, lines in zip(x, row, strict=False):
            for j, text in enumerate(lines):
                c.drawString(col, y - 10 * j, text)
        y -= 10 * max(len(cell) for cell in row) + 6
    if close:
        c.line(x[0] - 6, y + 9, x[-1] + 80, y + 9)
    return y


def test_a_column_first_filled_below_the_tables_first_row_is_a_column(tmp_path: Path) -> None:
    # the header names two columns, the third is empty in the first rows: its text is no part of
    # the second column's
    rows = [
        [["Vraag"], ["GRZ"], [""]],
        [["Eerste vraag"], ["Bent u", "ingeschreven?"], [""]],
        [["Tweede vraag"], ["Heeft u een", "klachtenregeling?"], ["Heeft u een", "regeling?"]],
    ]
    blocks = _pdf(tmp_path, lambda c: (_intro(c), _grid(c, [72, 200, 330], rows, 700, bold_first=True)))
    table = [b.cells for b in blocks if b.kind == "table_row"]
    assert table == [
        ["Vraag", "GRZ", ""],
        ["Eerste vraag", "Bent u ingeschreven?", ""],
        ["Tweede vraag", "Heeft u een klachtenregeling?", "Heeft u een regeling?"],
    ]


def test_a_line_of_a_tables_first_cell_alone_at_the_margin_stays_in_its_row(tmp_path: Path) -> None:
    # the table's first column starts at the text's margin; a row whose first cell has a line more
    rows = [
        [["Onderwerp"], ["Toelichting"]],
        [["Bent u ingeschreven in het", "register van de Kamer van", "Koophandel?"], ["Ja, met een", "uittreksel."]],
        [["Voldoet u aan de Wtza?"], ["Ja."]],
    ]

    def draw(c: Any) -> None:
        c.setFont("Times-Roman", 8.5)
        for i in range(6):
            c.drawString(72, 780 - 10 * i, "De tekst van de pagina staat aan dezelfde kantlijn als de tabel.")
        _grid(c, [72, 200], rows, 700, bold_first=True)

    blocks = _pdf(tmp_path, draw)
    assert [b.cells for b in blocks if b.kind == "table_row"] == [[" ".join(a), " ".join(b)] for a, b in rows]


FILLER = "Zorgaanbieders die werken met kwetsbare patiënten en"


def _column_text(c: Any, x: float, top: float, n: int) -> None:
    c.setFont("Times-Roman", 10)
    for i in range(n):
        c.drawString(x, top - 12.5 * i, FILLER)


def test_a_table_cut_by_a_column_break_goes_on_in_the_next_column(tmp_path: Path) -> None:
    # a brochure: a ruled table at the foot of the left column, its last row cut (no border below
    # it); the right column draws the header again and then the rest of that row
    header = [["Vraag"], ["GRZ"]]
    before = [header, [["1. Bent u ingeschreven?"], ["Ja, bij de Kamer"]], [["2. Heeft u een"], ["Ja, een"]]]
    after = [header, [["klachtenregeling?"], ["regeling."]], [["3. Levert u zelf?"], ["Ja."]]]

    def draw(c: Any) -> None:
        _column_text(c, 51, 780, 22)
        _grid(c, [57, 170], before, 780 - 12.5 * 22, bold_first=True, close=False)
        y = _grid(c, [318, 431], after, 780, bold_first=True)
        _column_text(c, 312.6, y - 10, 14)

    blocks = _pdf(tmp_path, draw)
    rows = [b for b in blocks if b.kind == "table_row"]
    assert [b.cells for b in rows] == [
        ["Vraag", "GRZ"],
        ["1. Bent u ingeschreven?", "Ja, bij de Kamer"],
        ["2. Heeft u een klachtenregeling?", "Ja, een regeling."],
        ["3. Levert u zelf?", "Ja."],
    ]
    assert {b.table_header for b in rows} == {"Vraag\tGRZ"}


def test_a_paragraph_cut_by_a_column_break_goes_on_though_the_next_column_opens_with_a_number(tmp_path: Path) -> None:
    # justified text: the left column's last line fills the column and ends without punctuation
    words = "Zie hiervoor ook het beleid coördinatiefuncties".split()

    def draw(c: Any) -> None:
        _column_text(c, 51, 780, 29)
        edge = 51 + c.stringWidth(FILLER, "Times-Roman", 10)
        gap = (edge - 51 - sum(c.stringWidth(w, "Times-Roman", 10) for w in words)) / (len(words) - 1)
        x = 51.0
        for w in words:
            c.drawString(x, 780 - 12.5 * 29, w)
            x += c.stringWidth(w, "Times-Roman", 10) + gap
        c.drawString(312.6, 780, "2027-2028. Daar staat hoe de bedden vindbaar worden.")
        _column_text(c, 312.6, 780 - 17.5, 20)

    blocks = _pdf(tmp_path, draw)
    assert any(" ".join(words) + " 2027-2028. Daar staat" in b.text for b in blocks)


def test_a_header_cell_of_two_lines_is_one_header_cell(tmp_path: Path) -> None:
    rows = [
        [["Uiterste datum"], ["Inkoopactiviteit", "medisch-specialistische zorg"]],
        [["1 april 2026"], ["Publicatie van het", "zorginkoopbeleid"]],
        [["1 juni 2026"], ["Aanmelden"]],
    ]
    blocks = _pdf(tmp_path, lambda c: (_intro(c), _grid(c, [72, 200], rows, 700, bold_first=True)))
    table = [b for b in blocks if b.kind == "table_row"]
    assert [b.cells for b in table] == [[" ".join(a), " ".join(b)] for a, b in rows]
    assert table[0].is_header_row and table[1].table_header == "Uiterste datum\tInkoopactiviteit medisch-specialistische zorg"


def test_a_header_drawn_again_after_a_column_break_with_a_first_cell_line_alone_is_skipped(tmp_path: Path) -> None:
    # the table stands at the column's margin; its header's first cell has a line more than the
    # others, which after the break stands alone at the margin (no statement, and the table goes on)
    header = [["Beleid", "medisch-specialistische", "zorg"], ["Algemeen", "beleid"]]
    before = [header, [["Ambities (hoofdstuk 3)"], ["Informatie"]]]
    after = [header, [["Planning (hoofdstuk 6)"], ["De planning"]], [["Vragen (hoofdstuk 7)"], ["Contact"]]]

    def draw(c: Any) -> None:
        _column_text(c, 51, 780, 24)
        _grid(c, [51, 170], before, 780 - 12.5 * 24, bold_first=True)
        y = _grid(c, [312.6, 431], after, 780, bold_first=True)
        _column_text(c, 312.6, y - 10, 14)

    blocks = _pdf(tmp_path, draw)
    assert not [b for b in blocks if b.kind == "statement"]
    rows = [b for b in blocks if b.kind == "table_row"]
    head = "Beleid medisch-specialistische zorg\tAlgemeen beleid"
    assert [b.text for b in rows] == [head, "Ambities (hoofdstuk 3)\tInformatie", "Planning (hoofdstuk 6)\tDe planning", "Vragen (hoofdstuk 7)\tContact"]
    assert {b.table_header for b in rows} == {head}


def test_a_bold_first_row_of_sentences_is_a_row_not_the_header(tmp_path: Path) -> None:
    # a table without a header row whose first row the renderer set bold: its cells are sentences,
    # not names of the columns, and do not head the other rows
    rows = [
        [["Tarief"], ["Grote zorgaanbieders krijgen op basis van", "hun categorie een tariefvoorstel."]],
        [["Volume"], ["We stellen een omzetplafond vast."]],
    ]
    blocks = _pdf(tmp_path, lambda c: (_intro(c), _grid(c, [72, 200], rows, 700, bold_first=True)))
    table = [b for b in blocks if b.kind == "table_row"]
    assert [b.cells for b in table] == [[" ".join(a), " ".join(b)] for a, b in rows]
    assert not any(b.is_header_row or b.table_header for b in table)


def _spread(c: Any, words: list[str], x0: float, x1: float, y: float) -> None:
    """A justified line: the words spread from x0 to x1 (Times 10)."""
    gap = (x1 - x0 - sum(c.stringWidth(w, "Times-Roman", 10) for w in words)) / (len(words) - 1)
    x = x0
    for w in words:
        c.drawString(x, y, w)
        x += c.stringWidth(w, "Times-Roman", 10) + gap


def test_a_list_item_cut_by_a_column_break_goes_on_at_its_indent_and_ends_at_the_margin(tmp_path: Path) -> None:
    # the item's last line in the left column fills it; the right column goes on at the item's
    # indent and then a paragraph starts at the margin (a little further down)
    def draw(c: Any) -> None:
        _column_text(c, 51, 780, 27)
        edge = 51 + c.stringWidth(FILLER, "Times-Roman", 10)
        c.drawString(51, 780 - 12.5 * 27, "•")
        _spread(c, "er zorg voor dragen dat de wachttijden".split(), 61, edge, 780 - 12.5 * 27)
        _spread(c, "inzichtelijk zijn, zodat onze verzekerden".split(), 61, edge, 780 - 12.5 * 28)
        c.drawString(322.6, 780, "een keuze maken voor een zorgaanbieder.")
        c.drawString(312.6, 780 - 14.5, "Vanuit onze zorgplicht monitoren wij de wachttijden.")
        _column_text(c, 312.6, 780 - 27, 20)

    blocks = _pdf(tmp_path, draw)
    item = [b for b in blocks if b.kind == "list"]
    assert [b.text for b in item] == ["er zorg voor dragen dat de wachttijden inzichtelijk zijn, zodat onze verzekerden een keuze maken voor een zorgaanbieder."]
    assert any(b.kind == "para" and b.text.startswith("Vanuit onze zorgplicht") for b in blocks)


def test_a_header_row_of_single_words_far_apart_is_no_justified_line(tmp_path: Path) -> None:
    # a narrow three-column table: its header's one-word cells stand about equally far apart
    rows = [
        [["Type", "zorgaanbieder"], ["GRZ"], ["ELV"]],
        [["Reguliere", "zorgaanbieder"], ["Omzet kleiner dan", "€ 1.000.000"], ["Omzet kleiner dan", "€ 150.000"]],
    ]

    def draw(c: Any) -> None:
        c.setFont("Times-Roman", 10)
        c.drawString(51, 300, FILLER + " en nog wat meer woorden")
        _grid(c, [51, 132, 213], rows, 270, bold_first=True)

    blocks = _pdf(tmp_path, draw)
    assert [b.cells for b in blocks if b.kind == "table_row"] == [
        ["Type zorgaanbieder", "GRZ", "ELV"],
        ["Reguliere zorgaanbieder", "Omzet kleiner dan € 1.000.000", "Omzet kleiner dan € 150.000"],
    ]


def test_a_rows_line_whose_first_cell_opens_with_a_number_stays_in_the_row(tmp_path: Path) -> None:
    # a first cell wrapped before "7)": its second line looks like a numbered list item's start
    rows = [
        [["Onderdeel"], ["Thema's"]],
        [["Vragen stellen (hoofdstuk", "7)"], ["Acute zorg, arbeidsmarkt", "en ouderen"]],
        [["Planning (hoofdstuk 6)"], ["Samenwerking"]],
    ]
    blocks = _pdf(tmp_path, lambda c: (_intro(c), _grid(c, [72, 200], rows, 700, bold_first=True)))
    assert not [b for b in blocks if b.kind == "list"]
    assert [b.cells for b in blocks if b.kind == "table_row"] == [[" ".join(a), " ".join(b)] for a, b in rows]
