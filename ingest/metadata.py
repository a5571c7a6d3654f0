"""Document metadata found in the text: insurer, title, care type, years, version, date.

A `catalog.json` next to the documents overrides any field per file name:
`{"000_x.pdf": {"insurer": "Zilveren Kruis", "years": [2027]}}`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .blocks import Block

# Dutch health insurers and their labels (label → insurer group name shown to users).
INSURERS: dict[str, str] = {
    "zilveren kruis": "Zilveren Kruis",
    "zorg en zekerheid": "Zorg en Zekerheid",
    "salland zorgverzekeraar": "Salland",
    "salland": "Salland",
    "cz": "CZ",
    "vgz": "VGZ",
    "menzis": "Menzis",
    "dsw": "DSW",
    "onvz": "ONVZ",
    "a.s.r.": "a.s.r.",
    "eno": "Eno",
    "caresq": "Caresq",
    "achmea": "Zilveren Kruis",
}

CARE_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("MSZ", re.compile(r"medisch[- ]\s?specialistische zorg|\bMSZ\b", re.I)),
    ("GRZ", re.compile(r"geriatrische revalidatie(zorg)?|\bGRZ\b", re.I)),
    ("ELV", re.compile(r"eerstelijns ?verblijf|\bELV\b", re.I)),
    ("ZG", re.compile(r"zintuiglijk(e)? gehandicaptenzorg|\bZG\b", re.I)),
    ("GGZ", re.compile(r"geestelijke gezondheidszorg|\bGGZ\b", re.I)),
    ("WV", re.compile(r"wijkverpleging", re.I)),
    ("AMB", re.compile(r"ambulancezorg", re.I)),
    ("FYSIO", re.compile(r"fysiotherapie", re.I)),
    ("HA", re.compile(r"huisartsenzorg", re.I)),
]

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (20\d\d)\b", re.I)
_VERSION = re.compile(r"\bversie:?\s*(\d+(?:\.\d+)*)", re.I)
_YEAR_RANGE = re.compile(r"\b(20\d\d)\s*[-–/]\s*(20\d\d)\b")
_YEAR = re.compile(r"\b(20\d\d)\b")
_POLICY_YEAR = re.compile(r"(?:in|zorg)koopbeleid(?: [a-z-]+){0,3} (20\d\d)(?:\s*[-–]\s*(20\d\d))?", re.I)


def find_insurer(texts: list[str], file_meta: dict[str, str]) -> str | None:
    counts: Counter[str] = Counter()
    author = file_meta.get("author", "").lower()
    for key, name in INSURERS.items():
        if key and key in author:
            counts[name] += 50
    for t in texts:
        low = t.lower()
        for key, name in INSURERS.items():
            if len(key) <= 3:
                counts[name] += len(re.findall(rf"\b{re.escape(key)}\b", t))  # case-sensitive short names
            else:
                counts[name] += low.count(key)
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    return name if n >= 2 else None


def find_title(blocks: list[Block], file_meta: dict[str, str], insurer: str | None) -> str:
    if file_meta.get("title"):
        return file_meta["title"].strip()
    for b in blocks[:12]:
        if b.kind == "heading" and (insurer is None or b.text.strip().lower() not in (insurer.lower(), f"{insurer.lower()} zorgverzekeraar")):
            if re.search(r"beleid|inkoop", b.text, re.I):
                return b.text.strip()
    for b in blocks[:12]:
        if b.kind in ("heading", "para") and 3 < len(b.text) < 120:
            return b.text.strip()
    return "Onbekend document"


def find_care_types(title: str, full_text: str) -> list[str]:
    found = [code for code, rx in CARE_TYPES if rx.search(title)]
    if found:
        return found
    counts = Counter({code: len(rx.findall(full_text)) for code, rx in CARE_TYPES})
    return [code for code, n in counts.most_common(2) if n >= 5][:1]


def find_years(title: str, head_text: str, full_text: str) -> list[int]:
    for source in (title, head_text):
        m = _YEAR_RANGE.search(source)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if 0 <= b - a <= 5:
                return list(range(a, b + 1))
        m2 = _YEAR.search(source) if source is title else None
        if m2:
            return [int(m2.group(1))]
    counts: Counter[int] = Counter()
    for m in _POLICY_YEAR.finditer(full_text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        for y in range(a, min(b, a + 5) + 1):
            counts[y] += 1
    if not counts:
        return []
    top = counts.most_common(1)[0][1]
    years = sorted(y for y, n in counts.items() if n >= max(1, top // 2))
    # a policy that says "looptijd van 2 jaar" covers two years from its first
    if len(years) == 1 and re.search(r"looptijd\s+van\s+(2|twee)\s+jaar|tweejarige", full_text, re.I):
        years = [years[0], years[0] + 1]
    return years


def find_version(head_text: str) -> str | None:
    m = _VERSION.search(head_text)
    return m.group(1) if m else None


def find_published(head_text: str) -> str | None:
    m = _DATE.search(head_text)
    if not m:
        return None
    day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    return f"{year:04d}-{month:02d}-{day:02d}"


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
