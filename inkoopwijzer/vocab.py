"""Vocabularies kept as data files in `inkoopwijzer/data/`, each read once by one function here.

    months()       month name or abbreviation (lower case) → month number, Dutch and English
    month_name()   month number → its full name in Dutch or English
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = ["month_name", "months"]


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("inkoopwijzer").joinpath("data", name).read_text(encoding="utf-8"))
    return data


def months() -> dict[str, int]:
    """Every month name and abbreviation (lower case) with its number: 'september', 'sept' → 9."""
    return {str(k): int(v) for k, v in _load("months.json")["months"].items()}


def month_name(month: int, language: Literal["nl", "en"] = "nl") -> str:
    """The full name of a month (1-12): month_name(9) → 'september', month_name(9, 'en') → 'September'."""
    names: list[str] = _load("months.json")["names"][language]
    return names[month - 1]
