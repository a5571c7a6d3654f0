"""Dutch date language → date expressions (ingest/dates.py)."""

from __future__ import annotations

from ingest.dates import find_when


def _whens(text: str) -> list[tuple[str, str | None, bool, tuple[int, ...]]]:
    return [(w.first.label(), w.last.label() if w.last else None, w.recurring, w.recurring_years) for w in find_when(text)]


def test_full_and_numeric_dates() -> None:
    assert _whens("Lever uiterlijk 15 september 2026 aan.") == [("15 september 2026", None, False, ())]
    assert _whens("respectievelijk uiterlijk 30-04-27 en 31-01-28") == [
        ("30 april 2027", None, False, ()), ("31 januari 2028", None, False, ())]
    assert _whens("Versie 1-2-3") == []  # no year: not a date
    assert _whens("bel 030-12-34") == []  # part of a longer number


def test_a_year_written_once_for_two_dates() -> None:
    assert _whens("Dat kan tussen 1 april en 1 juni 2026.") == [("1 april 2026", "1 juni 2026", False, ())]
    [first, second] = find_when("op 1 maart en 15 maart 2027")
    assert (first.first.label(), second.first.label()) == ("1 maart 2027", "15 maart 2027")
    assert not first.first.year_given and second.first.year_given


def test_windows_need_words_that_bound_a_period() -> None:
    assert _whens("voor de periode van 1 januari 2027 tot en met 31 december 2028") == [
        ("1 januari 2027", "31 december 2028", False, ())]
    assert _whens("in april 2027 en juli 2027") == [("april 2027", None, False, ()), ("juli 2027", None, False, ())]
    assert _whens("Gedurende heel 2026 en 2027 publiceren wij") == [("1 januari 2026", "31 december 2027", False, ())]


def test_months_quarters_and_recurring_dates() -> None:
    assert _whens("vanaf eind oktober 2026") == [("oktober 2026", None, False, ())]
    assert find_when("vanaf eind oktober 2026")[0].first.approximate
    assert _whens("Vanaf het derde kwartaal 2026 starten wij") == [("Q3 2026", None, False, ())]
    assert _whens("U kunt dit in september opvragen.") == [("september", None, False, ())]
    assert _whens("de Werkgroep September") == []  # a month name alone is a date only after a preposition
    assert _whens("tot uiterlijk 1 september van het lopende contractjaar 2027 en 2028") == [
        ("1 september", None, True, (2027, 2028))]
    assert _whens("Neem uiterlijk 1 mei van het lopende jaar contact op")[0][2]
