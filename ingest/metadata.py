"""Document metadata found in the document itself: title, insurer, care types, years, version, date.

- **Title**: the file's own metadata title, unless it is empty or looks like a file name; then the
  document's first heading that names a policy ("Zorginkoopbeleid 2027"), with the heading after it
  when that one names the kind of care; a document without one gets a title made of what was found.
- **Insurer**: the registered insurer (`inkoopwijzer/data/insurers.json`) named most where it
  counts (file author, title, running headers, opening page, then the whole text); failing that,
  the text's own naming of itself ("… Zorgverzekeraar"), reported as not in the registry.
- **Care types**: those the title names, else the opening's, else the ones the text is about.
- **Years**: the years the policy covers, from its title or validity statement ("2027-2028",
  "geldig van 1 januari 2027 tot en met 31 december 2028", "looptijd van 2 jaar"), or the year
  the text most often gives its policy ("het inkoopbeleid 2027"), not every year mentioned.

A `catalog.json` next to the documents overrides any field per file name:
`{"000_x.pdf": {"insurer": "Zilveren Kruis", "years": [2027]}}`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inkoopwijzer import vocab

from .blocks import Block

__all__ = ["FoundMeta", "find_metadata", "load_catalog", "looks_like_file_name"]

_VERSION = re.compile(r"\bversie:?\s*(\d+(?:\.\d+)*)", re.I)
_YEAR = r"(20\d\d)"
_RANGE = re.compile(rf"\b{_YEAR}\s*(?:-|–|—|‐|/|t/m|tot en met|en|to|and)\s*{_YEAR}\b", re.I)
_SINGLE = re.compile(rf"\b{_YEAR}\b")
_POLICY_WORD = re.compile(r"beleid|inkoop|policy|procurement|contractering", re.I)
_SELF_NAME = re.compile(
    r"\b((?:[A-Z][\w&'.-]+\s){0,2}[A-Z][\w&'.-]+)\s+(?:Zorgverzekeraar|Zorgverzekeringen|Verzekeringen)\b"
    r"|\b(?:Zorgverzekeraar|zorgverzekeraar)\s+((?:[A-Z][\w&'.-]+)(?:\s[A-Z][\w&'.-]+){0,2})"
)
_NOT_A_NAME = {"De", "Het", "Een", "Uw", "Onze", "Elke", "Iedere", "Deze", "Die", "Welke", "Nederlandse", "Zorgverzekeraars"}
_FILE_NAME = re.compile(r"^[\w.~+-]+\.(pdf|docx?|html?|txt|md|odt|rtf)$|^[\w-]*\d{4,}[\w-]*$|^(untitled|naamloos|document\d*)$", re.I)


# a care type the policy gives headings of its own and names this often is one it covers, besides its title's
_OWN_CARE_HEADINGS = 2
_OWN_CARE_MENTIONS = 15
_OWN_CARE_SHARE = 0.3  # … and at least this share of the title's care type's mentions


@dataclass
class FoundMeta:
    title: str
    insurer: str | None
    care_types: list[str]
    years: list[int]
    version: str | None
    published: str | None
    warnings: list[str] = field(default_factory=list)


def looks_like_file_name(title: str, stem: str = "") -> bool:
    """True for a metadata title that is a file name ('000_abc.html', 'Microsoft Word - x.docx')."""
    t = re.sub(r"^microsoft (word|powerpoint) - ", "", title.strip(), flags=re.I)
    if not t:
        return True
    if stem and t.lower() in (stem.lower(), stem.lower().replace("_", " ")):
        return True
    return bool(_FILE_NAME.match(t)) or (" " not in t and ("_" in t or "/" in t or "\\" in t))


def find_metadata(
    blocks: list[Block], text: str, file_meta: dict[str, str], running: list[str], stem: str = ""
) -> FoundMeta:
    """Everything the document says about itself; `running` are its running headers/footers."""
    warnings: list[str] = []
    meta_title = " ".join(file_meta.get("title", "").split())
    own_title = _heading_title(blocks)
    if meta_title and not looks_like_file_name(meta_title, stem):
        title: str | None = meta_title
    else:
        title = own_title
    head = text[:3000]
    insurer, registered = _insurer(title or "", running, head, text, file_meta)
    if insurer is None:
        warnings.append("no insurer found")
    elif not registered:
        warnings.append(f"insurer not in the registry: {insurer}")
    care = _care_types(title or "", blocks, text)
    if not care:
        warnings.append("no care type found")
    years = _years(title or "", text)
    if not years:
        warnings.append("no year found")
    if title is None:
        title = _made_title(care, years, insurer)
        warnings.append(f"no title found; shown as '{title}'")
    return FoundMeta(
        title=title,
        insurer=insurer,
        care_types=care,
        years=years,
        version=_version(head),
        published=_published(head),
        warnings=warnings,
    )


# title ---------------------------------------------------------------------


def _heading_title(blocks: list[Block]) -> str | None:
    """The first heading among the opening blocks that names a policy, with the heading right
    after it when that one names the kind of care ('Zorginkoopbeleid 2027' + 'Medisch-specialistische zorg')."""
    opening = blocks[:15]
    for i, b in enumerate(opening):
        if b.kind != "heading" or not _POLICY_WORD.search(b.text) or len(b.text) > 160 or re.search(r"\.(\s|$)", b.text):
            continue
        title = " ".join(b.text.split())
        nxt = opening[i + 1] if i + 1 < len(opening) else None
        if (
            nxt is not None
            and nxt.kind == "heading"
            and len(nxt.text) < 80
            and _care_in(nxt.text)
            and not _care_in(title)
        ):
            title = f"{title} {' '.join(nxt.text.split())}"
        return title
    return None


def _made_title(care: list[str], years: list[int], insurer: str | None) -> str:
    labels = [ct.label for code in care if (ct := vocab.care_type(code)) is not None]
    parts = ["Inkoopbeleid"]
    if labels:
        parts.append(" en ".join(labels))
    if years:
        parts.append(str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}")
    if insurer and not labels and not years:
        parts.append(insurer)
    return " ".join(parts)


# insurer -------------------------------------------------------------------


def _insurer_hits(ins: vocab.Insurer, text: str) -> int:
    n = 0
    names = ins.document_names()
    if names:
        n += len(re.findall(vocab.names_pattern(names), text, re.I))
    for abbr in ins.abbreviations:
        n += len(re.findall(vocab.name_pattern(abbr), text))
    for domain in ins.domains:
        n += text.lower().count(domain)
    return n


def _insurer(
    title: str, running: list[str], head: str, text: str, file_meta: dict[str, str]
) -> tuple[str | None, bool]:
    """(insurer, whether it is registered)."""
    weighted = [
        (file_meta.get("author", ""), 20),
        (title, 10),
        ("\n".join(running), 5),
        (head, 3),
        (text, 1),
    ]
    scores: Counter[str] = Counter()
    for ins in vocab.insurers():
        for source, weight in weighted:
            if source:
                scores[ins.name] += weight * _insurer_hits(ins, source)
    if scores:
        (best, score), *rest = scores.most_common(2) + [("", 0)]
        second = rest[0][1]
        if score >= 3 and score >= 1.5 * second:
            return best, True
    own: Counter[str] = Counter()
    for source in (title, "\n".join(running), head, text):
        for m in _SELF_NAME.finditer(source):
            name = " ".join((m.group(1) or m.group(2)).split())
            if name.split()[0] not in _NOT_A_NAME:
                own[name] += 1
        if own:
            return own.most_common(1)[0][0], False
    return None, False


# care types ----------------------------------------------------------------


def _care_in(text: str) -> list[str]:
    return [ct.code for ct in vocab.care_types() if ct.document_pattern().search(text)]


def _care_types(title: str, blocks: list[Block], text: str) -> list[str]:
    """The title's care types, else the opening headings', else the most named; then any other
    the policy gives headings of its own and names often ('Inkoopbeleid MSZ' that takes in
    ambulancezorg: 'Kwaliteitsvoorwaarden Ambulancezorg', and ambulancezorg throughout)."""
    counts = Counter({ct.code: len(ct.document_pattern().findall(text)) for ct in vocab.care_types()})
    found = _care_in(title)
    if not found:
        found = _care_in(" \n".join(b.text for b in blocks[:6] if b.kind == "heading"))
    if not found:
        top = counts.most_common(1)[0][1] if counts else 0
        found = [code for code, n in counts.most_common(3) if n >= 5 and n >= top * 0.5]
    headings = [b.text for b in blocks if b.kind in ("heading", "statement") and len(b.text) < 120]
    headed = Counter(code for h in headings for code in _care_in(h))
    extra = [
        code
        for code, n in counts.items()
        if code not in found
        and headed[code] >= _OWN_CARE_HEADINGS
        and n >= max(_OWN_CARE_MENTIONS, _OWN_CARE_SHARE * max((counts[c] for c in found), default=0))
    ]
    return found + extra


# years ---------------------------------------------------------------------


def _span(a: int, b: int) -> list[int]:
    return list(range(a, b + 1)) if 0 <= b - a <= 5 else [a]


def _month_rx() -> str:
    return vocab.month_pattern()


def _validity(text: str) -> list[int]:
    """'geldig van 1 januari 2027 tot en met 31 december 2028', 'dit beleid geldt voor 2027 en 2028'."""
    m = re.search(
        rf"(?:geldig|geldt|van toepassing|looptijd|loopt)\b[^.]{{0,60}}?\b(?:van|vanaf|per|from)\s+(?:\d{{1,2}}\s+{_month_rx()}\s+)?{_YEAR}"
        rf"\s+(?:tot en met|t/m|tot|until|through|to)\s+(?:\d{{1,2}}\s+({_month_rx()})\s+)?{_YEAR}",
        text,
        re.I,
    )
    if m:
        start, end = int(m.group(1)), int(m.group(3))
        until = re.search(r"\btot\s+(?!en met)", m.group(0), re.I)
        month = vocab.month_number(m.group(2) or "") if m.group(2) else None
        if until and month == 1 and end > start:
            end -= 1  # "tot 1 januari 2029" ends in 2028
        return _span(start, end)
    m = re.search(
        rf"(?:dit|het|ons|onze)\s+(?:zorg)?inkoopbeleid\s+(?:geldt|is van toepassing|heeft betrekking)\s+(?:voor|op)\s+"
        rf"(?:het jaar |de jaren |contractjaar |de contractjaren )?{_YEAR}(?:\s*(?:-|–|en|t/m|tot en met)\s*{_YEAR})?",
        text,
        re.I,
    )
    if m:
        return _span(int(m.group(1)), int(m.group(2) or m.group(1)))
    return []


def _two_years(text: str) -> bool:
    return bool(re.search(r"looptijd\s+van\s+(?:2|twee)\s+jaar|tweejarig|twee\s+jaar\s+geldig", text, re.I))


def _years(title: str, text: str) -> list[int]:
    m = _RANGE.search(title)
    if m:
        return _span(int(m.group(1)), int(m.group(2)))
    m2 = _SINGLE.search(title)
    if m2 and not re.search(rf"{_month_rx()}\s+{m2.group(1)}", title, re.I):
        year = int(m2.group(1))
        return [year, year + 1] if _two_years(text[:6000]) else [year]
    valid = _validity(text)
    if valid:
        return valid
    counts: Counter[int] = Counter()
    policy = re.compile(
        rf"(ten opzichte van|vergeleken met|compared (?:to|with))?\s*(?:het\s+)?(?:zorg)?inkoopbeleid"
        rf"((?:\s+(?!{_month_rx()})[\w-]+){{0,3}})\s+{_YEAR}(?:\s*[-–]\s*{_YEAR})?",
        re.I,
    )
    for pm in policy.finditer(text):
        if pm.group(1):
            continue  # the previous year's policy it is compared with
        a = int(pm.group(3))
        b = int(pm.group(4)) if pm.group(4) else a
        for y in _span(a, b):
            counts[y] += 1
    if not counts:
        return []
    top = max(counts.values())
    years = sorted(y for y, n in counts.items() if n == top)
    while len(years) > 1 and years[-1] - years[-2] > 1:
        years = years[-1:]  # the latest of policies the text names equally often
    if len(years) == 1 and _two_years(text):
        years = [years[0], years[0] + 1]
    return years


# version and date ----------------------------------------------------------


def _version(head: str) -> str | None:
    m = _VERSION.search(head)
    return m.group(1) if m else None


def _published(head: str) -> str | None:
    m = re.search(rf"\b(\d{{1,2}})\s+({_month_rx()})\s+{_YEAR}\b", head, re.I)
    if not m:
        return None
    month = vocab.month_number(m.group(2).rstrip(".")) or vocab.month_number(m.group(2))
    if month is None:
        return None
    return f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(1)):02d}"


def load_catalog(folder: Path) -> dict[str, dict[str, Any]]:
    """The optional `catalog.json` of a folder; missing means no overrides."""
    path = folder / "catalog.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); fix or remove the catalog.") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object keyed by file name.")
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}
