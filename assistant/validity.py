"""Questions about whether a policy still holds ("Is het ZG-beleid van Zilveren Kruis nog geldig?"):
answered from the policies' own years and versions, each quoted from the policy's title page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from index.search import Hit, HybridSearcher
from index.validity import is_outdated
from inkoopwijzer.types import DocumentMeta

from .extractive import Unit, split_units

_ASKS_VALIDITY = re.compile(
    r"\b(nog\s+(geldig|actueel|van\s+kracht|up[- ]to[- ]date)|verouderd|verlopen|"
    r"geldt\s+(dit|dat|het|deze)\s+(inkoop)?beleid\s+nog|"
    r"(still|currently)\s+(valid|current|in\s+force|applicable|up[- ]to[- ]date)|outdated|out\s+of\s+date|expired)\b",
    re.I,
)
# a validity answer covers at most this many policies (a question about all of them asks for a list)
MAX_POLICIES = 6
# the title page: the first passages of a policy, where its name and years stand
TITLE_PASSAGES = 3


# … about a policy, not a contract or an offer ("Is mijn contract nog geldig?" asks what the policy says)
_POLICY = re.compile(r"beleid|\bpolic(y|ies)\b|\bdocument", re.I)


def asks_validity(text: str) -> bool:
    """Whether the question asks if a policy still holds, not what it says."""
    return _ASKS_VALIDITY.search(text) is not None and _POLICY.search(text) is not None


def _years(meta: DocumentMeta) -> str:
    if not meta.years:
        return ""
    return str(meta.years[0]) if len(meta.years) == 1 else f"{min(meta.years)}–{max(meta.years)}"


def status_line(meta: DocumentMeta, year: int, lang: Literal["nl", "en"]) -> str:
    """What the policy covers and whether it is outdated, superseded or current."""
    years = _years(meta)
    if meta.superseded_by:
        state = f"superseded by {meta.superseded_by}" if lang == "en" else f"vervangen door {meta.superseded_by}"
    elif is_outdated(meta, year):
        state = "outdated: check the current policy" if lang == "en" else "verouderd: controleer het actuele beleid"
    else:
        state = "current" if lang == "en" else "actueel"
    covers = (f"covers {years}" if lang == "en" else f"geldt voor {years}") if years else ""
    return f"**{state}**" + (f" — {covers}" if covers else "")


def title_unit(searcher: HybridSearcher, document: str) -> Unit | None:
    """The first sentence of the policy's title page that states its years (or its title)."""
    meta = searcher.metas[document]
    chunks = sorted((c for c in searcher.chunks if c.document == document), key=lambda c: c.start)[:TITLE_PASSAGES]
    units = [u for c in chunks for u in split_units(Hit(chunk=c, meta=meta, score=0.0), 0)]
    marks: Sequence[str] = [str(y) for y in meta.years] or [meta.title]
    return next((u for u in units if any(m in u.text for m in marks)), None)
