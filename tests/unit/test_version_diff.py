"""The version diff (index/diff.py) on a modified copy of a shipped policy, in the same format as the
original (its text version), so that no rendering noise plays a part: it finds every planted change
(dates moved, an amount raised, a rule removed, a paragraph added, the version number) and nothing else."""

from __future__ import annotations

from pathlib import Path

from index.diff import diff_texts, values_in
from ingest.pipeline import parse_file
from inkoopwijzer.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "evals" / "data" / "corpus_txt" / "001_3ba7a5f8c5435087.txt"
REMOVED = "De zorgovereenkomst moet binnen zes weken na de dag van ontvangst door de zorgaanbieder worden ondertekend."
ADDED = "Nieuw in deze versie: zorgaanbieders leveren uiterlijk 1 maart 2027 een kwaliteitsjaarverslag aan bij Zorg en Zekerheid."
PLANTED = [  # (old, new) replacements in the text
    ("Versie 1.1", "Versie 1.2"),
    ("1 oktober 2026\tZorgaanbieder biedt eerste offerte", "15 oktober 2026\tZorgaanbieder biedt eerste offerte"),
    ("11 november 2026\tUiterste datum van ondertekening", "13 november 2026\tUiterste datum van ondertekening"),
    ("minder dan €300.000 omzet op jaarbasis. Wij doen u", "minder dan €350.000 omzet op jaarbasis. Wij doen u"),
    (REMOVED + "\n", ""),
    ("6.3 Planning\n", f"6.3 Planning\n\n{ADDED}\n"),
]


def modified_copy(tmp_path: Path) -> tuple[Path, Path]:
    text = SHIPPED.read_text(encoding="utf-8")
    new = text
    for old, replacement in PLANTED:
        assert new.count(old) == 1, f"the planted change needs one place: {old!r}"
        new = new.replace(old, replacement)
    (tmp_path / "v11.txt").write_text(text, encoding="utf-8")
    (tmp_path / "v12.txt").write_text(new, encoding="utf-8")
    return tmp_path / "v11.txt", tmp_path / "v12.txt"


def test_finds_every_planted_change_and_nothing_else(tmp_path: Path) -> None:
    old_path, new_path = modified_copy(tmp_path)
    old, new = parse_file(old_path), parse_file(new_path)
    changes, same = diff_texts(old.text, new.text, old.pages, new.pages)
    found = sorted((c.kind, tuple(c.old_values), tuple(c.new_values)) for c in changes)
    assert found == sorted([
        ("changed", (), ()),  # the version line
        ("changed", ("1 oktober 2026",), ("15 oktober 2026",)),
        ("changed", ("11 november 2026",), ("13 november 2026",)),
        ("changed", ("€300.000",), ("€350.000",)),
        ("removed", (), ()),
        ("added", (), ("1 maart 2027",)),
    ])
    assert next(c for c in changes if c.kind == "removed").old == REMOVED
    assert next(c for c in changes if c.kind == "added").new == ADDED
    assert same > 200


def test_a_moved_sentence_is_no_change() -> None:
    old = "Eerste zin staat hier.\n\nTweede zin staat daar.\n\nDerde zin blijft.\n"
    new = "Tweede zin staat daar.\n\nDerde zin blijft.\n\nEerste zin staat hier.\n"
    changes, same = diff_texts(old, new)
    assert changes == [] and same == 3


def test_values_are_dates_and_amounts() -> None:
    assert values_in("Lever uiterlijk 1 juni 2026 minimaal € 2.500.000 en 10% aan, binnen 6 weken.") == [
        "1 juni 2026", "€ 2.500.000", "10%", "6 weken"]
