"""Questions about whether a policy still holds ("Is het ZG-beleid van Zilveren Kruis nog geldig?")
or which version of it is current ("Welke versie van het inkoopbeleid MSZ 2027 geldt nu?"):
answered from the policies' own years and versions, each quoted from the policy's title page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from index.search import Hit, HybridSearcher
from index.validity import is_outdated
from inkoopwijzer import vocab
from inkoopwijzer.types import DocumentMeta

from .extractive import Unit, split_units

_ASKS_VALIDITY = re.compile(
    r"\b(nog\s+(geldig|actueel|van\s+kracht|van\s+toepassing|up[- ]to[- ]date)|verouderd|verlopen|"
    r"geldt\s+(dit|dat|het|deze)\s+[\w-]*beleid\b[^?.]{0,60}?\bnog\b|"
    r"(still|currently)\s+(valid|current|in\s+force|applicable|up[- ]to[- ]date)|outdated|out\s+of\s+date|expired)\b",
    re.I,
)
# "welke versie …", "which version …", "de laatste versie": the version of a policy
_ASKS_VERSION = re.compile(
    r"\b((welke|laatste|nieuwste|recentste|actuele|huidige|meest\s+recente)\s+versie|versienummer|"
    r"(which|what|latest|newest|current|most\s+recent)\s+version|version\s+number)\b",
    re.I,
)
_VERSION_LINE = re.compile(r"\bversie\b:?\s*\d", re.I)
# a validity answer covers at most this many policies (a question about all of them asks for a list)
MAX_POLICIES = 6
# the title page: the first passages of a policy, where its name and years stand
TITLE_PASSAGES = 3


# … about a policy, not a contract or an offer ("Is mijn contract nog geldig?" asks what the policy says)
_POLICY = re.compile(r"beleid|\bpolic(y|ies)\b|\bdocument", re.I)


def asks_validity(text: str) -> bool:
    """Whether the question asks if a policy still holds, or which version of it is current,
    not what it says."""
    asks = _ASKS_VALIDITY.search(text) is not None or asks_version(text)
    return asks and _POLICY.search(text) is not None


def asks_version(text: str) -> bool:
    return _ASKS_VERSION.search(text) is not None


def _version(meta: DocumentMeta, lang: Literal["nl", "en"]) -> str:
    """The policy's version and its date ("versie 1.1 van 1 juni 2026"), as far as it states them."""
    if not meta.version:
        return ""
    out = f"version {meta.version}" if lang == "en" else f"versie {meta.version}"
    try:
        y, m, d = (int(x) for x in (meta.published or "").split("-"))
    except ValueError:
        return out
    if not 1 <= m <= 12:
        return out
    month = vocab.month_name(m, lang)
    return f"{out} {'of' if lang == 'en' else 'van'} {d} {month} {y}"


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
    return " — ".join(x for x in (f"**{state}**", covers, _version(meta, lang)) if x)


def title_unit(searcher: HybridSearcher, document: str, version: bool = False) -> Unit | None:
    """The first sentence of the policy's title page that states its years (or its title); with
    `version`, the one that states its version ("Versie 1.1 1 juni 2026"), where there is one."""
    meta = searcher.metas[document]
    chunks = searcher.by_document[document][:TITLE_PASSAGES]
    units = [u for c in chunks for u in split_units(Hit(chunk=c, meta=meta, score=0.0), 0)]
    if version and meta.version:
        stated = next((u for u in units if _VERSION_LINE.search(u.text) and meta.version in u.text), None)
        if stated is not None:
            return stated
    marks: Sequence[str] = [str(y) for y in meta.years] or [meta.title]
    return next((u for u in units if any(m in u.text for m in marks)), None)
