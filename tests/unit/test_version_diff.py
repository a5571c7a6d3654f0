"""The version diff (index/diff.py) on a modified copy of a shipped policy, in the same format as the
original (its text version), so that no rendering noise plays a part: it finds every planted change
(dates moved, an amount raised, a rule removed, a paragraph added, the version number) and nothing else."""

from __future__ import annotations

from pathlib import Path

from policy_versions import ADDED, REMOVED, modified_copy

from index.diff import diff_texts, values_in
from ingest.pipeline import parse_file


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
