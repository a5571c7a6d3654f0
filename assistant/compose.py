"""Turning chosen units into the text the user reads, in the question's language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from inkoopwijzer import vocab
from inkoopwijzer.types import DocumentMeta

from . import words as word_lists
from .extractive import Unit


def _row(line: str) -> str:
    cells = [c for c in (" ".join(c.split()) for c in line.split("\t")) if c]
    return cells[0] + " — " + " | ".join(cells[1:]) if len(cells) > 1 else "".join(cells)


def display_quote(text: str) -> str:
    """A quote as shown inline, whitespace folded; a table row (a block of cells apart by tabs) as
    its first cell, a dash and its other cells ("1 september 2026 — Uiterste aanmelddatum …"), empty
    cells left out, and a semicolon after it when more follows."""
    if "\t" not in text:
        return " ".join(text.split())
    out = ""
    after_row = False
    for block in (b for b in re.split(r"\n[ \t\r]*\n", text) if b.strip()):
        out += ("; " if after_row else " ") if out else ""
        after_row = "\t" in block
        out += _row(block) if after_row else " ".join(block.split())
    return out


def _english_month(m: re.Match[str]) -> str:
    number = vocab.month_number(m.group(0))
    return vocab.month_name(number, "en") if number else m.group(0)


def fact_value(pattern: re.Pattern[str] | None, text: str, lang: str) -> str | None:
    """The value a date/amount/percentage/duration question asks for, as the sentence states it."""
    if pattern is None:
        return None
    m = pattern.search(text)
    if not m:
        return None
    value = " ".join(m.group(0).split()).rstrip(".,")
    if lang == "en":
        # every month name or abbreviation ("okt.", "mrt") as the English name
        value = re.sub(rf"(?<!\w){vocab.month_pattern()}", _english_month, value, flags=re.I)
        for nl, en in word_lists.english_values():
            value = re.sub(rf"(?<!\w){nl}(?!\w)", en, value, flags=re.I)
        value = re.sub(r"\b(one|1|every|per)( half)? (week|day|working day|month|year)s\b", r"\1\2 \3", value)
    return value


def count_value(pattern: re.Pattern[str], text: str, lang: str) -> str | None:
    """The number a "hoeveel …?" question asks, as the sentence states it: with the word it
    counts in Dutch ("10 bedden", "2,0 fte"), the number alone in English."""
    m = pattern.search(text)
    if not m:
        return None
    value = m.group(0)
    if lang == "en":
        return dict(word_lists.english_values()).get(value.lower(), value)
    noun = re.match(r"\s+([^\W\d_][\w-]*)", text[m.end() :])
    return f"{value} {noun.group(1)}" if noun else value


def policy_label(meta: DocumentMeta, care: bool = True) -> str:
    """A policy as an answer's line names it: its kinds of care and years ("GRZ/ELV 2027-2028"; the
    years alone without `care`), the title when the policy names no kind of care or no years
    without `care`; the citation carries the full title."""
    years = sorted(meta.years)
    span = "" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    if not meta.care_types or not (care or span):
        return meta.title
    return f"{'/'.join(meta.care_types)} {span}".strip() if care else span


def policy_labels(metas: Iterable[DocumentMeta], care: bool = True) -> dict[str, str]:
    """Each document's `policy_label`, or its title where two policies of one insurer would share
    a label (two versions of one policy, both in an answer); where their titles agree too, the title
    with the first of version, publication date and file name that tells them apart."""
    metas = list({m.document: m for m in metas}.values())
    labels = {m.document: policy_label(m, care) for m in metas}
    sharing: dict[tuple[str | None, str], list[DocumentMeta]] = {}
    for m in metas:
        sharing.setdefault((m.insurer, labels[m.document]), []).append(m)
    for same in (s for s in sharing.values() if len(s) > 1):
        for o in same:
            twins = [x for x in same if x.title == o.title]
            tell = next(f for f in ("version", "published", "document") if len({getattr(x, f) for x in twins}) == len(twins))
            labels[o.document] = o.title if len(twins) == 1 else f"{o.title}, {getattr(o, tell)}"
    return labels


def line_for(
    insurer: str | None, label: str, quotes: list[tuple[list[Unit], int]], value: str | None = None
) -> str:
    """One insurer's line, its policy named by `label` (`policy_labels`): the value asked for (if any),
    then each quote verbatim with its number."""
    parts = []
    for units, n in quotes:
        quote = " ".join(display_quote(u.text) for u in units)
        parts.append(f"“{quote}” [{n}]")
    who = insurer or "Onbekende verzekeraar"
    lead = f"**{value}** — " if value else ""
    return f"{who} ({label}): {lead}{' … '.join(parts)}"


def quoted_in_dutch(lang: str) -> list[str]:
    """The notice an English answer carries: its quotes are the Dutch policy text, untranslated."""
    return ["The sources quote the Dutch policy documents, untranslated."] if lang == "en" else []


_LIST_HEADS = {
    "insurer": (
        "Your question names no insurer; the answer differs per insurer:",
        "Uw vraag noemt geen zorgverzekeraar; het antwoord verschilt per verzekeraar:",
    ),
    "policy": ("The answer differs per policy (type of care):", "Het antwoord verschilt per beleid (zorgsoort):"),
    "named": ("Per insurer:", "Per zorgverzekeraar:"),
}


def listed(lang: str, lines: list[str], per: str) -> str:
    """Several lines, one per insurer ("insurer": none was named; "named": several were) or per
    policy of one insurer ("policy"), each line its own rule with its own citations."""
    en, nl = _LIST_HEADS[per]
    return (en if lang == "en" else nl) + "\n" + "\n".join(f"- {ln}" for ln in lines)


def not_found(lang: str, reason: str | None = None) -> str:
    if lang == "en":
        base = "I cannot find this in the policy documents I have"
        return f"{base}: {reason}" if reason else f"{base}. Please contact the insurer's procurement desk."
    base = "Ik kan dit niet vinden in de beleidsdocumenten die ik heb"
    return f"{base}: {reason}" if reason else f"{base}. Neem contact op met de zorginkoper van de verzekeraar."


def never_named(lang: str, words: Sequence[str], insurers: Sequence[str]) -> str:
    """Why a question about something the policies searched never name is not answered."""
    thing = " ".join(words)
    if lang == "en":
        whose = f"the policies of {' and '.join(insurers)}" if insurers else "the policies"
        return f"{whose} do not mention “{thing}”."
    whose = f"de beleidsdocumenten van {' en '.join(insurers)}" if insurers else "de beleidsdocumenten"
    return f"{whose} noemen “{thing}” nergens."


def clarify(lang: str, named: Sequence[str] = ()) -> str:
    """Ask what is meant; about what the question named, if it named only insurers or care types."""
    about = " en ".join(named) if lang == "nl" else " and ".join(named)
    if lang == "en":
        if about:
            return f"What would you like to know about {about}? For example a deadline, a condition or a threshold."
        return "Could you say what you would like to know, and for which insurer and type of care?"
    if about:
        return f"Wat wilt u weten over {about}? Bijvoorbeeld een deadline, een voorwaarde of een drempelbedrag."
    return "Wat wilt u precies weten, en voor welke zorgverzekeraar en welke zorgsoort?"


def read_as(lang: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Which misspelt names and words the question was read with ("zilverekruis" as Zilveren Kruis)."""
    if lang == "en":
        return "Read as: " + "; ".join(f"“{a}” as {b}" for a, b in pairs) + "."
    return "Gelezen als: " + "; ".join(f"“{a}” als {b}" for a, b in pairs) + "."
