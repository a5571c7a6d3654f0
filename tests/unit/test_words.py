"""The answerer's word lists are data (assistant/words.py reads them)."""

from __future__ import annotations

import re
from typing import get_args

from assistant import words
from assistant.query import FactKind, find_providers


def test_every_list_is_read_and_names_only_known_kinds_of_fact() -> None:
    assert {"wanneer", "when", "zorgaanbieders"} <= words.generic()
    kinds = words.kind_words()
    assert set(kinds) <= set(get_args(FactKind))
    assert {"uiterlijk", "termijn"} <= kinds["date"] < kinds["duration"]  # a duration's words hold the date's
    assert "bijlage" in words.reference_words()
    assert {"weken", "mag"} <= words.not_measured()
    assert dict(words.english_values())["twee"] == "two"


def test_provider_kinds_are_regular_expressions_tried_in_order() -> None:
    for match, _ in words.provider_kinds():
        re.compile(match)
    assert find_providers("Geldt dit ook voor een dialysecentrum of een ZBC?") == ["ZBC", "dialyse"]
