"""The chat's example questions, made from the policies in the index rather than written for one
corpus: an installation with other insurers shows examples about its own insurers, care types and
years. The wording is data (`ui/data/examples.json`); which policies fill it is decided here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from assistant.service import DocumentInfo

__all__ = ["example_questions", "general_examples"]


@cache
def _examples() -> dict[str, Any]:
    return parse_examples(resources.files("ui").joinpath("data", "examples.json").read_text(encoding="utf-8"))


def parse_examples(text: str) -> dict[str, Any]:
    """`examples.json`, checked: a named example for every button the general ones make."""
    data: dict[str, Any] = json.loads(text)
    if len(data["named"]) != len(data["general"]):
        raise ValueError(
            "ui/data/examples.json: 'named' and 'general' must hold as many examples (the page has one button "
            f"per example), not {len(data['named'])} and {len(data['general'])}."
        )
    return data


def general_examples() -> list[str]:
    """The examples shown before any policy is indexed (and until the page has read the index)."""
    return list(_examples()["general"])


def example_questions(documents: Sequence[DocumentInfo]) -> list[str]:
    """One example per template, each about another insurer where the index has several: the newest
    current policy of each insurer first (an outdated one only when nothing else is indexed), its
    care types and years naming the policy ("MSZ 2027", "GRZ/ELV 2027-2028"). As many examples as `general_examples`."""
    data = _examples()
    usable = [d for d in documents if d.meta.insurer]
    pool = [d for d in usable if not d.outdated] or usable
    if not pool:
        return general_examples()
    pool.sort(key=lambda d: (-max(d.meta.years, default=0), d.meta.insurer or "", d.meta.document))
    newest: dict[str, DocumentInfo] = {}
    for d in pool:
        newest.setdefault(d.meta.insurer or "", d)
    picks = list(newest.values())
    out = []
    for i, template in enumerate(data["named"]):
        meta = picks[i % len(picks)].meta
        years = sorted(meta.years)
        year = (f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])) if years else ""
        policy = " ".join(x for x in ("/".join(meta.care_types), year) if x) or data["policy_fallback"]
        insurer = meta.insurer or ""
        out.append(template.format(insurer=insurer, insurer_lower=insurer.lower(), policy=policy))
    return out
