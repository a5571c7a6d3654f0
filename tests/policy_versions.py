"""A modified copy of a shipped policy, in the same format as the original (its text version), with
planted changes: dates moved, an amount raised, a rule removed, a paragraph added, the version number.
Shared by the unit test of the diff and the integration test of superseded versions."""

from __future__ import annotations

from pathlib import Path

from inkoopwijzer.settings import REPO_ROOT

__all__ = ["ADDED", "PLANTED", "REMOVED", "SHIPPED", "modified_copy"]

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
    """(the shipped text, its modified copy) as two files of one policy under `tmp_path`."""
    text = SHIPPED.read_text(encoding="utf-8")
    new = text
    for old, replacement in PLANTED:
        assert new.count(old) == 1, f"the planted change needs one place: {old!r}"
        new = new.replace(old, replacement)
    (tmp_path / "v11.txt").write_text(text, encoding="utf-8")
    (tmp_path / "v12.txt").write_text(new, encoding="utf-8")
    return tmp_path / "v11.txt", tmp_path / "v12.txt"
