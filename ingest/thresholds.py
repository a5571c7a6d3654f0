"""The thresholds of one policy: amounts, percentages, counts and durations, each with what it is a
threshold of, from its sentences and table rows (`ingest.facts.units_of`).

    "U heeft een omzet van minimaal €285.000 voor medisch specialistische zorg …"
        → amount 285000 EUR, min, subject "omzet … voor medisch specialistische zorg"
    "… die met minder dan 11 zorgverleners zorg verlenen"  → count 11 zorgverleners, less
    "Na 6 weken vervalt dit voorstel."                     → duration 6 weken, subject "vervalt dit voorstel"

An amount or percentage always counts; a count needs a comparator ("minimaal", "meer dan" …) and a
duration a comparator or a time word ("binnen", "na", "termijn"), so that "in 2 rondes" or "3 stappen"
are not thresholds. The subject is the policy's own words around the value, within its clause; in a
table row, the row's label and the column's header. Word lists: `ingest/data/thresholds.json`; numbers
written as words and the units of time are shared with the answerer (`inkoopwijzer.vocab`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from inkoopwijzer import vocab
from inkoopwijzer.types import DocumentMeta, Threshold, ThresholdKind

from .dates import find_when
from .facts import Unit, clean, fact_uid, normalized

__all__ = ["extract_thresholds"]

Comparator = Literal["min", "max", "less", "more", "exact", "range"]

# Words of context kept before and after a value for its subject.
SUBJECT_WORDS_BEFORE = 12
SUBJECT_WORDS_AFTER = 10


@cache
def _vocab() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("ingest").joinpath("data", "thresholds.json").read_text(encoding="utf-8"))
    return data


@cache
def _patterns() -> list[tuple[ThresholdKind, re.Pattern[str]]]:
    v = _vocab()
    mult = vocab.words_pattern(v["multipliers"])
    numword = vocab.words_pattern(vocab.number_words())
    time_units = vocab.words_pattern(vocab.time_units())
    num = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"
    return [
        ("amount", re.compile(
            rf"(?:€|EUR\b)\s?(?P<v>{num})(?:,(?:\d{{1,2}}|-{{1,2}}))?(?:\s*(?P<m>{mult})(?![\w]))?"
            rf"|(?<![\w.,])(?P<v2>{num})\s*(?P<m2>{mult})?\s*(?:euro|EUR)(?![\w])", re.I)),
        ("percentage", re.compile(r"(?<![\w.,])(?:(?P<lo>\d+(?:,\d+)?)\s?[-–]\s?)?(?P<v>\d+(?:,\d+)?)\s?(?:%|procent(?![\w]))", re.I)),
        ("duration", re.compile(
            rf"(?<![\w.,-])(?:(?P<lo>\d+)\s?[-–]\s?)?(?P<v>\d+|{numword})\s+(?P<u>{time_units})(?![\w])", re.I)),
        ("count", re.compile(r"(?<![\w.,€-])(?P<v>\d{1,3}(?:\.\d{3})+|\d+)\s+(?P<u>[a-zà-ÿ][\w'’-]{1,30})", re.I)),
    ]


@dataclass
class _Value:
    kind: ThresholdKind
    start: int
    end: int
    value: float
    upper: float | None
    unit: str


def _number(text: str) -> float:
    words = vocab.number_words()
    if text.lower() in words:
        return float(words[text.lower()])
    return float(text.replace(".", "").replace(",", "."))


def _values(text: str) -> list[_Value]:
    v = _vocab()
    found: list[_Value] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _patterns():
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            g = m.groupdict()
            raw = g.get("v") or g.get("v2")
            if raw is None:
                continue
            value = _number(raw)
            upper = None
            if g.get("lo"):
                value, upper = _number(g["lo"]), value
            unit = "EUR" if kind == "amount" else "%" if kind == "percentage" else (g.get("u") or "").lower()
            if kind == "amount":
                mult = (g.get("m") or g.get("m2") or "").lower()
                value *= v["multipliers"].get(mult, 1)
            if kind == "duration":
                unit = vocab.time_units()[unit]
                if 1900 <= value <= 2100:
                    continue
            if kind == "count":
                if unit in v["not_counted"] or unit in vocab.time_units() or 1900 <= value <= 2100:
                    continue
            found.append(_Value(kind, m.start(), m.end(), value, upper, unit))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda x: x.start)


def _comparator(before: str) -> tuple[Comparator, int]:
    """The comparator right before a value ('minimaal', 'minder dan'), and how many characters it takes."""
    low = before.lower()
    best: tuple[Comparator, int] = ("exact", 0)
    for name, phrases in _vocab()["comparators"].items():
        for p in phrases:
            m = re.search(rf"(?<![\w]){re.escape(p)}\s*$", low)
            if m and len(m.group(0)) > best[1]:
                best = (name, len(m.group(0)))
    return best


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    stops = re.compile(r"[.;:()?!•\t]\s|[;:()•\t]|,\s")
    left = max([0] + [m.end() for m in stops.finditer(text, 0, start)])
    right = next((m.start() for m in stops.finditer(text, end)), len(text))
    return left, right


def _trim(words: list[str], from_left: bool) -> list[str]:
    stop = set(_vocab()["subject_stop"])
    while words and (words[0 if from_left else -1].lower().strip(",") in stop):
        words = words[1:] if from_left else words[:-1]
    return words


def _subject(text: str, val: _Value, comp_len: int) -> str:
    """What the value is a threshold of: the policy's words around it within its clause."""
    v = _vocab()
    left_end = val.start - comp_len
    lo, hi = _clause_bounds(text, left_end, val.end)
    inside = text[lo:left_end].split()
    if lo > 0 and text[lo - 1] == "(" and (not inside or [w.lower() for w in inside] == ["van"]):
        # "(minimaal 5 deelnemers)", "(van maximaal 120 dagen)": what stands before the brackets
        lo = _clause_bounds(text, lo - 1, lo - 1)[0]
        left = text[lo : text.rfind("(", 0, left_end)].split() + inside
    else:
        left = inside
    right = text[val.end : hi].split()
    if left and left[-1].lower() == "van" and len(left) > 1:
        left = left[:-1]  # "een omzet van minimaal €285.000": the omzet
    openers = set(v["clause_openers"])
    cut = max([i + 1 for i, w in enumerate(left) if w.lower() in openers] + [0])
    for i, w in enumerate(left):  # "… € 100.000 zijn of Zorg en Zekerheid heeft minimaal 25%": after the other value
        if w.lower() in ("of", "maar", "en") and any(ch.isdigit() for ch in " ".join(left[:i])) and i + 1 < len(left):
            cut = max(cut, i + 1)
    left = _trim(left[cut:][-SUBJECT_WORDS_BEFORE:], from_left=True)
    for i, w in enumerate(right):
        nxt = right[i + 1] if i + 1 < len(right) else ""
        elided = i > 0 and right[i - 1].endswith("-")  # "knie- of heupvervanging": one word
        if (w.lower() in ("of", "maar") and not elided) or (w.lower() == "en" and any(ch.isdigit() for ch in nxt)):
            right = right[:i]
            break
    right = right[:SUBJECT_WORDS_AFTER]
    if right and right[0].lower() == "van":
        right = right[1:]  # "10% van uw totaal aantal GRZ-trajecten"
    right = _trim(right, from_left=False)
    if val.kind == "count":
        right = [val.unit, *right]
    parts = [" ".join(left).strip(" ,("), " ".join(right).strip(" ,)")]
    return " … ".join(p for p in parts if p).strip(" ,")


def _normative(text: str) -> bool:
    low = f" {text.lower()} "
    return any(re.search(rf"(?<![\w]){re.escape(c)}(?![\w])", low) for c in _vocab()["normative"])


def _refined(comp: Comparator, text: str, val: _Value, subject: str) -> Comparator:
    """'90 dagen of langer' is a minimum, 'een minimale productie van €300.000' too."""
    if comp != "exact":
        return comp
    v = _vocab()
    after = " ".join(text[val.end :].lower().split()[:2])
    for name, phrases in v["after_comparators"].items():
        if any(after.startswith(p) for p in phrases):
            return name  # type: ignore[no-any-return]
    words = set(subject.lower().split())
    for name, phrases in v["subject_comparators"].items():
        if words & set(phrases):
            return name  # type: ignore[no-any-return]
    return comp


def _row_subject(unit: Unit, cell_index: int, cell_subject: str) -> str:
    """In a table, a cell's subject with its row's label and (in a matrix) its column's header; a
    numbering ('1c.') or a date is no label."""
    label = unit.cells[0] if cell_index > 0 else ""
    if re.fullmatch(r"[\dA-Za-z]{1,3}[.)]?", label) or find_when(label):
        label = ""
    column = unit.header[cell_index] if label and 0 < cell_index < len(unit.header) else ""
    bits = [b for b in (column, label, cell_subject) if b]
    return " · ".join(dict.fromkeys(bits))


def _needs_cue(text: str, val: _Value, comp: Comparator) -> bool:
    """A duration without a comparator counts only after a time word ('binnen 6 weken', 'na 6 weken')."""
    if val.kind != "duration" or comp != "exact" or val.upper is not None:
        return False
    before = " ".join(text[: val.start].lower().split()[-3:])
    after = " ".join(text[val.end :].lower().split()[:3])
    cues = _vocab()["duration_cues"]
    return not any(re.search(rf"(?<![\w]){re.escape(c)}(?![\w])", f"{before} {after}") for c in cues)


def extract_thresholds(meta: DocumentMeta, units: list[Unit]) -> list[Threshold]:
    """The thresholds of one document, in document order; one per value and subject."""
    out: dict[tuple[object, ...], Threshold] = {}
    for u in units:
        pieces = list(enumerate(u.cells)) if u.is_row else [(0, u.text)]
        for index, piece in pieces:
            text = clean(piece)
            for val in _values(text):
                comp, comp_len = _comparator(text[: val.start])
                if val.upper is not None:
                    comp = "range"
                if val.kind == "count" and comp == "exact":
                    continue  # "in 2 rondes": a number of things, not a limit
                if _needs_cue(text, val, comp):
                    continue
                subject = _subject(text, val, comp_len)
                comp = _refined(comp, text, val, subject)
                if comp == "exact" and val.kind in ("amount", "percentage") and not _normative(u.text):
                    continue  # "verantwoordelijk voor 7% van de CO2-uitstoot": a figure, not a limit
                if u.is_row:
                    subject = _row_subject(u, index, subject)
                if not subject:
                    continue
                written = text[val.start - comp_len : val.end].strip()
                key = (val.kind, val.value, val.upper, val.unit, normalized(subject))
                if key in out:
                    out[key].sources.append(u.source(meta.document))
                    continue
                out[key] = Threshold(
                    uid=fact_uid(meta.insurer or "", meta.doc_id, val.kind, val.value, val.upper, val.unit, normalized(u.text)),
                    kind=val.kind,
                    value=val.value,
                    upper=val.upper,
                    unit=val.unit,
                    comparator=comp,
                    text=written,
                    subject=subject,
                    insurer=meta.insurer,
                    document=meta.document,
                    title=meta.title,
                    care_types=list(meta.care_types),
                    years=list(meta.years),
                    sources=[u.source(meta.document)],
                )
    return list(out.values())
